/**
 * The assessor's score sheet (评分表): one field per panel-scored indicator of the dossier's rulebook (the published
 * file, bundled), each with what earns its points and the rulebook's panel rules, signed as EIP-712 typed data in
 * the assessor's wallet (scoring/panel/typedData) and submitted. The employer code is the one the body registered
 * for the assessor (the panel entry's `employerUscc` when the workbench gives it), not retyped; a score outside
 * 0…max or finer than 0.1 is refused beside its field before anything is signed.
 */
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { panelSheetTypedData } from "../../../scoring/panel/typedData";
import type { PanelSheet } from "../../../scoring/panel/schema";
import type { Condition } from "../../../scoring/rulebook/schema";
import { useWallet } from "../wallet/wallet";
import type { TxRunner } from "../wallet/tx";
import type { DossierDetail, Message, WorkbenchApi } from "./api";
import { bi } from "./parts";
import "./dossier.css";

export interface RulebookFile {
  id: string;
  version: string;
  format: string;
  windows?: unknown;
  dimensions: { id: string; name: Message; indicators: { id: string; name: Message; max: number; scoring: { method: string } }[] }[];
  eligibility: { id: string; name: Message; condition: Condition }[];
  veto: { id: string; name: Message; condition: Condition }[];
  levels: { level: number; name: Message; minTotal: number }[];
  panel: { minAssessors: number; trimFrom?: number; divergencePermille?: number };
}

const FILES = import.meta.glob<RulebookFile>("../../../rulebooks/*.json", { import: "default" });

export async function rulebookFor(key: string): Promise<RulebookFile | null> {
  for (const load of Object.values(FILES)) {
    const rb = await load();
    if (`${rb.id}@${rb.version}` === key) return rb;
  }
  return null;
}

/** What earns the points of each panel-scored indicator of the 河南 rulebooks (the body's guidance to its assessors). */
const GUIDANCE: Record<string, Message> = {
  "quality-awareness": {
    zh: "看申报人是否把质量放在经营决策的首位：质量方针与目标是否由其推动并落实到各层级，是否有具体事例（如因质量问题叫停发货、否决方案）。",
    en: "Does the applicant put quality first in business decisions: quality policy and objectives driven by them down to every level, with concrete cases (e.g. stopping a shipment or vetoing a plan over quality).",
  },
  "risk-safety-awareness": {
    zh: "看质量安全风险的识别、评估和预案：是否建立风险清单、开展演练，发生问题时是否及时处置、追溯和召回。",
    en: "How quality and safety risks are identified, assessed and planned for: a risk register, drills, and timely handling, tracing and recall when something goes wrong.",
  },
  strategy: {
    zh: "看质量战略规划：是否制定与企业战略衔接的中长期质量规划，有可衡量的目标并定期评审。",
    en: "The quality strategy: a medium- to long-term quality plan tied to the company's strategy, with measurable goals reviewed regularly.",
  },
  "qms-building": {
    zh: "看质量管理体系的建立与有效运行（GB/T 19001 等）：认证情况、内审与管理评审记录、体系改进的实际效果。",
    en: "Building and running the quality management system (GB/T 19001 etc.): certification, internal audits and management reviews, and what improved in practice.",
  },
  "improvement-innovation": {
    zh: "看质量改进与创新：主导的改进项目、采用的方法（如六西格玛、QC 小组），以及可量化的成效。",
    en: "Improvement and innovation: the projects led, the methods used (Six Sigma, QC circles …) and measurable results.",
  },
  "leadership-communication": {
    zh: "看领导与沟通：能否组织跨部门协作、培养质量队伍，向最高管理者和员工有效传达质量要求。",
    en: "Leadership and communication: cross-department work, building the quality team, getting quality requirements across to top management and staff.",
  },
};

const TEXT = {
  zh: {
    scale: (max: string) => `评分范围 0 至 ${max} 分，可精确到 0.1 分。`,
    bands: (max: number) => `参考：表现突出 ${(max * 0.9).toFixed(1)} 分以上；良好 ${(max * 0.75).toFixed(1)}–${(max * 0.9).toFixed(1)}；一般 ${(max * 0.6).toFixed(1)}–${(max * 0.75).toFixed(1)}；不足 ${(max * 0.6).toFixed(1)} 以下。`,
    noGuide: "按申报材料中的事实评分。",
    panelRules: (n: number, trim: number | undefined, spread: number | undefined) =>
      `评价方案的规则：评审组至少 ${n} 人${trim ? `；${trim} 人及以上时去掉最高分和最低分` : ""}${spread ? `；同一指标各专家评分相差超过满分的 ${spread / 10}% 时须复审` : ""}。评分表签名后不可修改。`,
    employerRegistered: "工作单位统一社会信用代码（本主体登记的）",
    employerTyped: "工作单位统一社会信用代码（须与本主体登记的一致）",
    employerBad: "应为 18 位统一社会信用代码",
    empty: "请填写分数",
    notNumber: "请填写数字",
    outOfRange: (max: string) => `分数须在 0 至 ${max} 之间`,
    tooFine: "最多保留一位小数",
    fix: (n: number) => `有 ${n} 处需要修改，评分表尚未签名。`,
  },
  en: {
    scale: (max: string) => `Score from 0 to ${max}, in steps of 0.1.`,
    bands: (max: number) => `For reference: outstanding above ${(max * 0.9).toFixed(1)}; good ${(max * 0.75).toFixed(1)}–${(max * 0.9).toFixed(1)}; fair ${(max * 0.6).toFixed(1)}–${(max * 0.75).toFixed(1)}; weak below ${(max * 0.6).toFixed(1)}.`,
    noGuide: "Score on the facts in the application.",
    panelRules: (n: number, trim: number | undefined, spread: number | undefined) =>
      `The rulebook's rules: at least ${n} assessors${trim ? `; from ${trim} on, the highest and lowest scores are dropped` : ""}${spread ? `; scores of one indicator more than ${spread / 10}% of its max apart send it to re-review` : ""}. A signed sheet cannot be changed.`,
    employerRegistered: "Employer's unified social credit code (as the body registered it)",
    employerTyped: "Employer's unified social credit code (must match the body's register)",
    employerBad: "must be an 18-character unified social credit code",
    empty: "enter a score",
    notNumber: "enter a number",
    outOfRange: (max: string) => `the score must be between 0 and ${max}`,
    tooFine: "at most one decimal",
    fix: (n: number) => `${n} fields need correcting; nothing has been signed.`,
  },
};

/** the problem of one typed score, or null; `max` in tenths */
export function scoreProblem(raw: string | undefined, max: number, w: (typeof TEXT)["zh"]): string | null {
  const s = (raw ?? "").trim();
  if (s === "") return w.empty;
  if (!/^-?\d+(\.\d+)?$/.test(s)) return w.notNumber;
  const n = Number(s);
  if (n < 0 || n * 10 > max) return w.outOfRange((max / 10).toFixed(1));
  if (!/^\d+(\.\d)?$/.test(s)) return w.tooFine;
  return null;
}

/** `tx` is the page's runner, so the outcome stays on screen after the submitted form goes away. */
export function ScoreSheet({ api, dossier, me, tx, onDone }: { api: WorkbenchApi; dossier: DossierDetail; me: { address: string; assessorId: string; employerUscc?: string }; tx: TxRunner; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const w = lang === "en" ? TEXT.en : TEXT.zh;
  const wallet = useWallet();
  const rb = useQuery({ queryKey: ["rulebook-file", dossier.rulebook], queryFn: () => rulebookFor(dossier.rulebook), staleTime: Infinity });
  const [scores, setScores] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [tried, setTried] = useState(false);
  const registered = me.employerUscc ?? null;
  const [typedUscc, setTypedUscc] = useState(() => localStorage.getItem(`cqo.assessor.uscc.${me.address}`) ?? "");
  const uscc = registered ?? typedUscc;
  const [comments, setComments] = useState("");
  const form = useRef<HTMLFormElement>(null);
  const indicators = (rb.data?.dimensions ?? []).flatMap((d) => d.indicators.filter((i) => i.scoring.method === "panel").map((i) => ({ ...i, dimension: d.name })));
  const problems = Object.fromEntries(indicators.map((i) => [i.id, scoreProblem(scores[i.id], i.max, w)]));
  const usccProblem = /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(uscc) ? null : w.employerBad;
  const count = Object.values(problems).filter(Boolean).length + (usccProblem ? 1 : 0);
  const shown = (id: string) => tried || touched[id];
  const submit = () => {
    setTried(true);
    if (count > 0 || indicators.length === 0) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    tx.ask(
      t("body.confirm.sheet", { id: dossier.id }),
      async () => {
        if (!wallet.address || !dossier.rulebookHash) throw new Error("no wallet or rulebook");
        if (!registered) localStorage.setItem(`cqo.assessor.uscc.${me.address}`, uscc);
        const sheet: Omit<PanelSheet, "signature"> = {
          format: "cqo-panel-sheet/1",
          rulebook: dossier.rulebookHash,
          dossier: dossier.dossierHash,
          assessor: { id: me.assessorId, address: wallet.address, employerUscc: uscc },
          scores: Object.fromEntries(indicators.map((i) => [i.id, Math.round(Number(scores[i.id]) * 10)])),
          comments,
          signedOn: new Date().toISOString().slice(0, 10),
        };
        const client = await wallet.walletClient();
        const signature: Hex = await client.signTypedData({ account: wallet.address, ...panelSheetTypedData(sheet) });
        await api.call("POST", `/dossiers/${encodeURIComponent(dossier.id)}/sheets`, { sheet: { ...sheet, signature } });
      },
      onDone,
    );
  };
  const p = rb.data?.panel;
  return (
    <form
      ref={form}
      className="card score-sheet"
      aria-labelledby="sheet-heading"
      data-testid="score-sheet"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 id="sheet-heading">{t("body.scoreHeading")}</h2>
      {p ? <p className="muted">{w.panelRules(p.minAssessors, p.trimFrom, p.divergencePermille)}</p> : null}
      {registered ? (
        <div className="field">
          <label htmlFor="sheet-uscc">{w.employerRegistered}</label>
          <input id="sheet-uscc" className="mono" value={registered} readOnly data-testid="sheet-uscc-registered" />
        </div>
      ) : (
        <div className="field">
          <label htmlFor="sheet-uscc">{w.employerTyped}</label>
          <input
            id="sheet-uscc"
            className="mono"
            value={typedUscc}
            maxLength={18}
            aria-invalid={shown("uscc") && usccProblem ? true : undefined}
            aria-describedby={shown("uscc") && usccProblem ? "sheet-uscc-error" : undefined}
            onBlur={() => setTouched((x) => ({ ...x, uscc: true }))}
            onChange={(e) => setTypedUscc(e.currentTarget.value.trim().toUpperCase())}
          />
          {shown("uscc") && usccProblem ? (
            <span id="sheet-uscc-error" className="field-error">
              {usccProblem}
            </span>
          ) : null}
        </div>
      )}
      {indicators.map((i) => {
        const problem = shown(i.id) ? problems[i.id] : null;
        const guide = GUIDANCE[i.id];
        return (
          <div key={i.id} className="field score-field">
            <label htmlFor={`score-${i.id}`}>
              {bi(i.dimension, lang)} · {bi(i.name, lang)} — {t("body.points", { max: (i.max / 10).toFixed(1) })}
            </label>
            <p className="guidance" id={`guide-${i.id}`}>
              {guide ? bi(guide, lang) : w.noGuide} {w.scale((i.max / 10).toFixed(1))} {w.bands(i.max / 10)}
            </p>
            <input
              id={`score-${i.id}`}
              data-indicator={i.id}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              required
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `guide-${i.id} score-${i.id}-error` : `guide-${i.id}`}
              value={scores[i.id] ?? ""}
              onBlur={() => setTouched((x) => ({ ...x, [i.id]: true }))}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setScores((x) => ({ ...x, [i.id]: v }));
                setTouched((x) => ({ ...x, [i.id]: true }));
              }}
            />
            {problem ? (
              <span id={`score-${i.id}-error`} className="field-error" data-testid="score-error">
                {problem}
              </span>
            ) : null}
          </div>
        );
      })}
      <label htmlFor="sheet-comments">{t("body.comments")}</label>
      <textarea id="sheet-comments" rows={3} value={comments} onChange={(e) => setComments(e.currentTarget.value)} />
      {tried && count > 0 ? (
        <p className="notice error" role="alert" data-testid="sheet-refused">
          {w.fix(count)}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={indicators.length === 0}>
        {t("body.signSheet")}
      </button>
    </form>
  );
}
