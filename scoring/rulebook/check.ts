/**
 * Consistency of a rulebook beyond its shape. Everything wrong is reported, not just the first problem,
 * so an author fixes a draft in one pass.
 */
import { fail, fromThrown, fromZod, ok, problem, type PathSegment, type Problem, type Result } from "../errors";
import { isFactName } from "../dossier/facts";
import { Rulebook, type Condition } from "./schema";

export function parseRulebook(input: unknown): Result<Rulebook> {
  try {
    const parsed = Rulebook.safeParse(input);
    if (!parsed.success) return fail(fromZod(parsed.error));
    const problems = checkRulebook(parsed.data);
    return problems.length ? fail(problems) : ok(parsed.data);
  } catch (err) {
    return fail([fromThrown([], err)]);
  }
}

export function checkRulebook(rb: Rulebook): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, string>();
  const unique = (id: string, path: PathSegment[]) => {
    const prev = seen.get(id);
    if (prev) out.push(problem(path, `编号 "${id}" 与 ${prev} 重复`, `id "${id}" duplicates ${prev}`));
    else seen.set(id, path.join("."));
  };

  const used = new Set<string>();
  const useFact = (fact: string, path: PathSegment[]) => {
    used.add(fact);
    checkFact(fact, path, out);
  };
  const useCondition = (c: Condition, path: PathSegment[]) => checkCondition(c, path, out, used);

  let totalMax = 0;
  const indicatorMax = new Map<string, number>();
  rb.dimensions.forEach((dim, di) => {
    const dp: PathSegment[] = ["dimensions", di];
    unique(dim.id, [...dp, "id"]);
    totalMax += dim.max;
    let sum = 0;
    dim.indicators.forEach((ind, ii) => {
      const ip: PathSegment[] = [...dp, "indicators", ii];
      unique(ind.id, [...ip, "id"]);
      sum += ind.max;
      indicatorMax.set(ind.id, ind.max);
      if (ind.max === 0) out.push(problem([...ip, "max"], "指标满分必须大于 0", "an indicator's max must be positive"));
      const s = ind.scoring;
      if (s.method === "exam") useFact(s.fact, [...ip, "scoring", "fact"]);
      if (s.method === "rules") {
        if (s.cap !== undefined && s.cap > ind.max) {
          out.push(problem([...ip, "scoring", "cap"], `封顶 ${s.cap} 超过指标满分 ${ind.max}`, `cap ${s.cap} exceeds the indicator max ${ind.max}`));
        }
        if (s.base > ind.max) out.push(problem([...ip, "scoring", "base"], "基础分超过指标满分", "base exceeds the indicator max"));
        s.rules.forEach((row, ri) => {
          const rp: PathSegment[] = [...ip, "scoring", "rules", ri];
          if (row.kind === "each") useFact(row.fact, [...rp, "fact"]);
          else useCondition(row.condition, [...rp, "condition"]);
        });
      }
    });
    if (sum !== dim.max) {
      out.push(problem([...dp, "max"], `维度 "${dim.id}" 满分 ${dim.max} 不等于其指标满分之和 ${sum}`, `dimension "${dim.id}" max ${dim.max} differs from the sum of its indicators ${sum}`));
    }
  });

  const ruleIds = new Set<string>();
  for (const [key, rules] of [["eligibility", rb.eligibility], ["veto", rb.veto]] as const) {
    rules.forEach((rule, i) => {
      if (ruleIds.has(rule.id)) out.push(problem([key, i, "id"], `规则编号 "${rule.id}" 重复`, `rule id "${rule.id}" is duplicated`));
      ruleIds.add(rule.id);
      useCondition(rule.condition, [key, i, "condition"]);
    });
  }

  // Bands must be strictly nested: level 1 the strictest, each next level strictly easier on total, never
  // stricter on shares. Two bands with the same minimum total would overlap and make the level ambiguous.
  const levels = rb.levels.map((b, i) => ({ b, i })).sort((x, y) => x.b.level - y.b.level);
  levels.forEach(({ b, i }, k) => {
    const lp: PathSegment[] = ["levels", i];
    if (b.level !== k + 1) out.push(problem([...lp, "level"], `等级编号应从 1 连续编号，此处应为 ${k + 1}`, `levels must be numbered 1, 2, 3 … without gaps or repeats; expected ${k + 1} here`));
    if (b.minTotal > totalMax) out.push(problem([...lp, "minTotal"], `最低总分 ${b.minTotal} 超过总满分 ${totalMax}`, `minimum total ${b.minTotal} exceeds the maximum ${totalMax}`));
    b.conditions.forEach((c, ci) => useCondition(c, [...lp, "conditions", ci]));
    b.minIndicators.forEach((m, mi) => {
      const ind = indicatorMax.get(m.indicator);
      if (ind === undefined) out.push(problem([...lp, "minIndicators", mi, "indicator"], `未知的指标 "${m.indicator}"`, `unknown indicator "${m.indicator}"`));
      else if (m.min > ind) out.push(problem([...lp, "minIndicators", mi, "min"], `要求 ${m.min} 超过该指标满分 ${ind}`, `minimum ${m.min} exceeds that indicator's max ${ind}`));
    });
    const prev = levels[k - 1];
    if (prev) {
      if (b.minTotal >= prev.b.minTotal) {
        out.push(problem([...lp, "minTotal"], `等级 ${b.level} 的分数段与等级 ${prev.b.level} 重叠：最低总分须严格低于 ${prev.b.minTotal}`, `band of level ${b.level} overlaps level ${prev.b.level}: its minimum total must be below ${prev.b.minTotal}`));
      }
      if (b.minDimensionPermille > prev.b.minDimensionPermille) {
        out.push(problem([...lp, "minDimensionPermille"], `等级 ${b.level} 的维度要求高于等级 ${prev.b.level}`, `level ${b.level} demands a higher dimension share than level ${prev.b.level}`));
      }
    }
  });

  const p = rb.panel;
  const hasPanel = rb.dimensions.some((d) => d.indicators.some((i) => i.scoring.method === "panel"));
  if (hasPanel && p.trimFrom < p.minAssessors && p.trimFrom < 3) {
    out.push(problem(["panel", "trimFrom"], "去掉最高最低分至少需要 3 份评分表", "trimming needs at least 3 sheets"));
  }

  const grace = rb.validity.reviewGraceDays;
  // the same month-to-day rule as sdk/review-schedule.ts: 12 months are 365 days
  if (grace !== undefined && grace >= Math.round((rb.validity.reviewMonths * 365) / 12)) {
    out.push(problem(["validity", "reviewGraceDays"], "年审宽限期须短于年审间隔", "the review grace period must be shorter than the review interval"));
  }

  // rulebook/2 states what each fact it uses means: one meaning each, none left to the reader.
  if (rb.format === "cqo-rulebook/2") {
    for (const fact of [...used].sort()) {
      if (isFactName(fact) && !Object.prototype.hasOwnProperty.call(rb.facts, fact)) {
        out.push(problem(["facts"], `评价方案使用了事实 "${fact}"，但未说明其含义`, `the rulebook uses fact "${fact}" without stating its meaning`));
      }
    }
    for (const fact of Object.keys(rb.facts)) {
      if (!isFactName(fact)) out.push(problem(["facts", fact], `未知的事实 "${fact}"`, `unknown fact "${fact}"`));
      else if (!used.has(fact)) out.push(problem(["facts", fact], `事实 "${fact}" 未被任何规则使用`, `fact "${fact}" is not used by any rule`));
    }
  }
  return out;
}

function checkFact(fact: string, path: PathSegment[], out: Problem[]): void {
  if (!isFactName(fact)) out.push(problem(path, `未知的事实 "${fact}"`, `unknown fact "${fact}"`));
}

function checkCondition(c: Condition, path: PathSegment[], out: Problem[], used: Set<string>): void {
  if ("fact" in c) {
    used.add(c.fact);
    checkFact(c.fact, [...path, "fact"], out);
  } else if ("all" in c) c.all.forEach((x, i) => checkCondition(x, [...path, "all", i], out, used));
  else c.any.forEach((x, i) => checkCondition(x, [...path, "any", i], out, used));
}
