/**
 * 评价结果 in words: the outcome first (level, total, whether it can be issued — 一级 is the highest level), then the
 * decision it leads to (the approval button, passed in as `children`), then each eligibility and veto rule said in
 * words from the dossier ("本科，质量管理 20 年 ≥ 5 年：符合"), never the engine's formulas; the points per dimension,
 * and the engine's own calculation behind a disclosure. While the panel is still scoring, the sheets received.
 */
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { FACTS, deriveFacts, type Facts } from "../../../scoring/dossier/facts";
import { Dossier } from "../../../scoring/dossier/schema";
import type { Condition } from "../../../scoring/rulebook/schema";
import { levelLabel } from "../lib/format";
import type { DossierDetail, Message } from "./api";
import { materialsWords } from "./Materials";
import { bi } from "./parts";
import { rulebookFor } from "./ScoreSheet";
import "./dossier.css";

const TEXT = {
  zh: {
    heading: "评价结果",
    level: (name: string) => `认定等级：${name}`,
    none: "不予认定",
    highest: (names: string) => `一级为最高等级（共 ${names.split("、").length} 级：${names}）。`,
    total: (t: string, max: string) => `总分 ${t} / ${max}`,
    issuable: "可以批准发证。",
    notIssuable: "不能发证：",
    rules: "申报条件",
    veto: "一票否决项",
    met: "符合",
    unmet: "不符合",
    triggered: "否决",
    clear: "未触发",
    dimensions: "各维度得分",
    calculation: "评价方案的计算过程（原文）",
    levelWhy: "定级说明",
    waiting: (n: number, of: number) => `评审组已提交 ${n} / ${of} 份评分表，本页会自动刷新。`,
    allIn: "评分表已全部收到，可以计算评价结果。",
    noPanel: "尚未指派评审组。",
    educationAtLeast: (e: string) => `须${e}及以上`,
    years: (n: number, op: string, v: number) => `质量管理 ${n} 年 ${op} ${v} 年`,
    yearsShort: (n: number, v: number) => `质量管理 ${n} 年，不足 ${v} 年`,
    appointed: (date: string) => `已任命为首席质量官（${date}）`,
    notAppointed: "申报日前未被任命为首席质量官",
    training: (no: string) => `持有任职培训证书（编号 ${no}）`,
    noTraining: "没有任职培训证书",
    pledge: "已签署诚信承诺书",
    noPledge: "未签署诚信承诺书",
    criminal: "有与职务相关的犯罪记录",
    noCriminal: "无与职务相关的犯罪记录",
    dishonest: "被列为失信被执行人",
    notDishonest: "未被列为失信被执行人",
    accidents: (n: number) => `近 3 年本人负有责任的重大事故 ${n} 起`,
    falseMaterials: "查实提供虚假材料",
    noFalseMaterials: "未发现虚假材料",
    generic: (name: string, actual: number, op: string, v: number) => `${name} ${actual}，要求${op} ${v}`,
    or: "；或 ",
  },
  en: {
    heading: "Evaluation",
    level: (name: string) => `Level reached: ${name}`,
    none: "Not certified",
    highest: (names: string) => `Level I is the highest level (${names.split(", ").length} levels: ${names}).`,
    total: (t: string, max: string) => `Total ${t} / ${max}`,
    issuable: "The certificate may be approved.",
    notIssuable: "It cannot be issued:",
    rules: "Eligibility",
    veto: "Veto items",
    met: "met",
    unmet: "not met",
    triggered: "veto",
    clear: "not triggered",
    dimensions: "Points per dimension",
    calculation: "The rulebook's calculation (verbatim)",
    levelWhy: "About the level",
    waiting: (n: number, of: number) => `The panel has handed in ${n} of ${of} score sheets; this page refreshes by itself.`,
    allIn: "Every score sheet is in: the result can be computed.",
    noPanel: "No panel assigned yet.",
    educationAtLeast: (e: string) => `needs a ${e} or higher`,
    years: (n: number, op: string, v: number) => `${n} years in quality management ${op} ${v} years`,
    yearsShort: (n: number, v: number) => `${n} years in quality management, fewer than ${v}`,
    appointed: (date: string) => `appointed CQO (${date})`,
    notAppointed: "not appointed CQO by the application date",
    training: (no: string) => `holds the appointment-training certificate (no. ${no})`,
    noTraining: "no appointment-training certificate",
    pledge: "integrity declaration signed",
    noPledge: "integrity declaration not signed",
    criminal: "criminal record related to office",
    noCriminal: "no criminal record related to office",
    dishonest: "listed as a dishonest judgment debtor",
    notDishonest: "not listed as a dishonest judgment debtor",
    accidents: (n: number) => `${n} major accidents under own responsibility in 3 years`,
    falseMaterials: "false materials found",
    noFalseMaterials: "no false materials found",
    generic: (name: string, actual: number, op: string, v: number) => `${name} ${actual}, needs ${op} ${v}`,
    or: "; or ",
  },
};
type Words = (typeof TEXT)["zh"];

const OP_WORD = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "", "!=": "≠" } as const;
const EDUCATION_BY_RANK = ["none", "college", "bachelor", "master", "doctor"] as const;

function holds(op: keyof typeof OP_WORD, actual: number, value: number): boolean {
  return op === ">=" ? actual >= value : op === ">" ? actual > value : op === "<=" ? actual <= value : op === "<" ? actual < value : op === "==" ? actual === value : actual !== value;
}

/** One condition of the rulebook said in words from the dossier; `passed`: it holds. */
function inWords(c: Condition, facts: Facts, d: Dossier, w: Words, lang: string): { text: string; passed: boolean } {
  if ("all" in c) {
    const parts = c.all.map((x) => inWords(x, facts, d, w, lang));
    return { text: parts.map((p) => p.text).join(lang === "en" ? ", " : "，"), passed: parts.every((p) => p.passed) };
  }
  if ("any" in c) {
    const parts = c.any.map((x) => inWords(x, facts, d, w, lang));
    const hit = parts.find((p) => p.passed);
    return hit ?? { text: parts.map((p) => p.text).join(w.or), passed: false };
  }
  const actual = (facts as Record<string, number>)[c.fact] ?? 0;
  const passed = holds(c.op, actual, c.value);
  const m = materialsWords(lang);
  const flag = actual === 1;
  switch (c.fact) {
    case "educationRank": {
      const have = m.educationOf[d.applicant.education];
      const need = EDUCATION_BY_RANK[Math.min(Math.max(c.value, 0), 4)]!;
      return { text: passed ? have : `${have}（${w.educationAtLeast(m.educationOf[need])}）`, passed };
    }
    case "qualityYears":
      return { text: passed || c.op !== ">=" ? w.years(actual, OP_WORD[c.op] || "=", c.value) : w.yearsShort(actual, c.value), passed };
    case "appointedAsCqo":
      return { text: flag ? w.appointed(d.applicant.appointment.date) : w.notAppointed, passed };
    case "trainingCertificate":
      return { text: flag && d.applicant.training ? w.training(d.applicant.training.certificateNo) : w.noTraining, passed };
    case "integrityPledgeSigned":
      return { text: flag ? w.pledge : w.noPledge, passed };
    case "criminalRecordInOffice":
      return { text: flag ? w.criminal : w.noCriminal, passed };
    case "listedDishonest":
      return { text: flag ? w.dishonest : w.notDishonest, passed };
    case "majorAccidents3y":
      return { text: w.accidents(actual), passed };
    case "falseMaterials":
      return { text: flag ? w.falseMaterials : w.noFalseMaterials, passed };
    default: {
      // a fact this page has no sentence for: its name without the engine's coding note in brackets
      const def = (FACTS as Record<string, { name: Message } | undefined>)[c.fact];
      const name = def ? bi(def.name, lang).replace(/[（(][^）)]*[）)]/g, "").trim() : c.fact;
      return { text: w.generic(name, actual, OP_WORD[c.op] || (lang === "en" ? "exactly" : "等于"), c.value), passed };
    }
  }
}

const points = (tenths: number) => (tenths / 10).toFixed(1);

export function EvaluationInWords({ d, children }: { d: DossierDetail; children?: ReactNode }) {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const w = lang === "en" ? TEXT.en : TEXT.zh;
  const rb = useQuery({ queryKey: ["rulebook-file", d.rulebook], queryFn: () => rulebookFor(d.rulebook), staleTime: Infinity });
  const ev = d.evaluation;
  const submitted = d.panel.filter((p) => p.sheetSubmitted).length;
  if (!ev) {
    if (!["assigned", "scored"].includes(d.state)) return null;
    return (
      <section className="card" aria-labelledby="evaluation-heading" data-testid="evaluation-pending">
        <h2 id="evaluation-heading">{w.heading}</h2>
        <p role="status">{d.panel.length === 0 ? w.noPanel : submitted < d.panel.length ? w.waiting(submitted, d.panel.length) : w.allIn}</p>
        {children}
      </section>
    );
  }
  const parsed = Dossier.safeParse(d.dossier);
  const dossier = parsed.success ? parsed.data : null;
  const facts = dossier ? deriveFacts(dossier, rb.data && "windows" in rb.data && rb.data.windows ? "calendar" : "legacy") : null;
  const levels = rb.data?.levels ?? [];
  const names = levels.map((l) => bi(l.name, lang)).join(lang === "en" ? ", " : "、");
  const ruleOf = (id: string) => rb.data?.eligibility.find((r) => r.id === id)?.condition;
  const vetoOf = (id: string) => rb.data?.veto.find((r) => r.id === id)?.condition;
  const said = (c: Condition | undefined) => (c && dossier && facts ? inWords(c, facts, dossier, w, lang).text : null);
  return (
    <section className="card evaluation" aria-labelledby="evaluation-heading" data-testid="evaluation">
      <h2 id="evaluation-heading">{w.heading}</h2>
      <div className={`verdict-box ${ev.issuable ? "ok" : "error"}`} data-testid="evaluation-result">
        <p className="verdict-title">{ev.level ? w.level(ev.levelName ? bi(ev.levelName, lang) : levelLabel(ev.level, lang)) : w.none}</p>
        <p>{w.total(points(ev.total), points(ev.totalMax))}</p>
        {names ? <p data-testid="evaluation-highest">{w.highest(names)}</p> : null}
        {ev.issuable ? (
          <p>{w.issuable}</p>
        ) : (
          <>
            <p>{w.notIssuable}</p>
            <ul>
              {ev.blockers.map((m, i) => (
                <li key={i}>{bi(m, lang)}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      {children}
      <h3>{w.rules}</h3>
      <ul className="rule-lines" data-testid="evaluation-rules">
        {ev.eligibility.rules.map((r) => (
          <li key={r.id} data-passed={r.passed}>
            <span aria-hidden="true">{r.passed ? "✔" : "✖"}</span> <strong>{bi(r.name, lang)}</strong>：{said(ruleOf(r.id)) ?? ""}
            {said(ruleOf(r.id)) ? "：" : ""}
            {r.passed ? w.met : w.unmet}
          </li>
        ))}
      </ul>
      <h3>{w.veto}</h3>
      <ul className="rule-lines" data-testid="evaluation-veto">
        {ev.veto.items.map((v) => (
          <li key={v.id} data-triggered={v.triggered}>
            <span aria-hidden="true">{v.triggered ? "✖" : "✔"}</span> <strong>{bi(v.name, lang)}</strong>：{said(vetoOf(v.id)) ?? ""}
            {said(vetoOf(v.id)) ? "：" : ""}
            {v.triggered ? w.triggered : w.clear}
          </li>
        ))}
      </ul>
      <h3>{w.dimensions}</h3>
      <table className="list">
        <tbody>
          {ev.dimensions.map((dim) => (
            <tr key={dim.id}>
              <th scope="row">{bi(dim.name, lang)}</th>
              <td>
                {points(dim.points)} / {points(dim.max)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{w.calculation}</summary>
        <h4>{w.levelWhy}</h4>
        <ul>
          {ev.levelReasons.map((m: Message, i) => (
            <li key={i}>{bi(m, lang)}</li>
          ))}
        </ul>
        <ul>
          {ev.indicators.map((ind) => (
            <li key={ind.id}>
              <strong>{bi(ind.name, lang)}</strong> {points(ind.points)} / {points(ind.max)}
              <ul>
                {ind.explanation.map((m, i) => (
                  <li key={i}>{bi(m, lang)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
