import type { Message } from "../errors";
import { ROUNDING_TEXT, type Rules } from "../rulebook/rules";
import type { Indicator, RuleRow } from "../rulebook/schema";
import { holds } from "./conditions";
import { describeCondition, pts } from "./format";
import { FACTS, isFactName } from "../dossier/facts";
import { exactPoints, roundQuotient } from "./rounding";
import type { PanelAggregate } from "./panel";

export interface Scored {
  points: number;
  explanation: Message[];
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function scoreExam(ind: Indicator & { scoring: { method: "exam" } }, facts: Record<string, number>, rules: Pick<Rules, "declared" | "examPoints">): Scored {
  const s = ind.scoring;
  const raw = clamp(facts[s.fact] ?? 0, 0, s.outOf);
  if (raw < s.passAt) {
    return { points: 0, explanation: [{ zh: `考试成绩 ${pts(raw)} 低于合格线 ${pts(s.passAt)}，得 0 分`, en: `exam ${pts(raw)} is below the pass mark ${pts(s.passAt)}: 0 points` }] };
  }
  const points = roundQuotient(raw * ind.max, s.outOf, rules.examPoints);
  if (!rules.declared) {
    // rulebook/1's wording, kept so its evaluations reproduce byte for byte
    return { points, explanation: [{ zh: `考试成绩 ${pts(raw)}/${pts(s.outOf)} 按比例折算为 ${pts(points)}/${pts(ind.max)}（向下取整）`, en: `exam ${pts(raw)}/${pts(s.outOf)} scaled to ${pts(points)}/${pts(ind.max)} (rounded down)` }] };
  }
  const exact = exactPoints(raw * ind.max, s.outOf);
  const r = ROUNDING_TEXT[rules.examPoints];
  return {
    points,
    explanation: [{ zh: `考试成绩 ${pts(raw)}/${pts(s.outOf)} 按比例折算为 ${exact}，${r.zh} = ${pts(points)}/${pts(ind.max)}`, en: `exam ${pts(raw)}/${pts(s.outOf)} scales to ${exact}, ${r.en} = ${pts(points)}/${pts(ind.max)}` }],
  };
}

export function scoreRules(ind: Indicator & { scoring: { method: "rules" } }, facts: Record<string, number>): Scored {
  const s = ind.scoring;
  const explanation: Message[] = [];
  let sum = s.base;
  if (s.base) explanation.push({ zh: `基础分 ${pts(s.base)}`, en: `base ${pts(s.base)}` });
  for (const row of s.rules) {
    const c = rowContribution(row, facts);
    sum += c.points;
    if (c.points !== 0) explanation.push(c.line);
  }
  const ceiling = Math.min(s.cap ?? ind.max, ind.max);
  const points = clamp(sum, 0, ceiling);
  if (points !== sum) {
    explanation.push(sum > ceiling
      ? { zh: `合计 ${pts(sum)} 封顶为 ${pts(ceiling)}`, en: `sum ${pts(sum)} capped at ${pts(ceiling)}` }
      : { zh: `合计 ${pts(sum)} 不低于 0`, en: `sum ${pts(sum)} floored at 0` });
  }
  if (explanation.length === 0) explanation.push({ zh: "无适用的加分项，得 0 分", en: "no rule applies: 0 points" });
  return { points, explanation };
}

function rowContribution(row: RuleRow, facts: Record<string, number>): { points: number; line: Message } {
  if (row.kind === "each") {
    const n = facts[row.fact] ?? 0;
    let p = n * row.points;
    let capped = false;
    if (row.cap !== undefined && Math.abs(p) > row.cap) {
      p = Math.sign(p) * row.cap;
      capped = true;
    }
    const fact = isFactName(row.fact) ? FACTS[row.fact].name : { zh: row.fact, en: row.fact };
    const capZh = capped ? `，本项封顶 ${pts(row.cap!)}` : "";
    const capEn = capped ? `, row capped at ${pts(row.cap!)}` : "";
    return {
      points: p,
      line: { zh: `${row.label.zh}：${fact.zh} ${n} × ${pts(row.points)} = ${pts(n * row.points)}${capZh}`, en: `${row.label.en}: ${fact.en} ${n} × ${pts(row.points)} = ${pts(n * row.points)}${capEn}` },
    };
  }
  const ok = holds(row.condition, facts);
  const d = describeCondition(row.condition, facts);
  return {
    points: ok ? row.points : 0,
    line: { zh: `${row.label.zh}：${d.zh}，${pts(row.points)}`, en: `${row.label.en}: ${d.en}, ${pts(row.points)}` },
  };
}

export function explainPanel(agg: PanelAggregate, max: number, divergencePermille: number, declared: boolean): Message[] {
  const list = agg.scores.map(pts).join(", ");
  const used = agg.used.map(pts).join(", ");
  const out: Message[] = [];
  if (agg.scores.length === 0) return [{ zh: "没有有效的评分表，得 0 分", en: "no valid sheet: 0 points" }];
  out.push({ zh: `${agg.scores.length} 份评分：${list}`, en: `${agg.scores.length} sheets: ${list}` });
  if (agg.trimmed) {
    out.push({ zh: `去掉最高分 ${pts(agg.scores[agg.scores.length - 1]!)} 和最低分 ${pts(agg.scores[0]!)}`, en: `dropped the highest ${pts(agg.scores[agg.scores.length - 1]!)} and the lowest ${pts(agg.scores[0]!)}` });
  }
  if (!declared) out.push({ zh: `${used} 的平均值（四舍五入到 0.1）= ${pts(agg.points)}`, en: `mean of ${used} (rounded half up to 0.1) = ${pts(agg.points)}` });
  else {
    const exact = exactPoints(agg.sum, agg.count);
    const r = ROUNDING_TEXT[agg.rounding];
    out.push({ zh: `${used} 的平均值 = ${exact}，${r.zh} = ${pts(agg.points)}`, en: `mean of ${used} = ${exact}, ${r.en} = ${pts(agg.points)}` });
  }
  if (agg.divergent) {
    out.push({ zh: `评分极差 ${pts(agg.spread)} 超过满分的 ${pts(divergencePermille)}%（${pts(max)}），需复核`, en: `spread ${pts(agg.spread)} exceeds ${pts(divergencePermille)}% of the max ${pts(max)}: re-review required` });
  }
  return out;
}
