/**
 * 认定: eligibility, veto, indicator scores, dimension totals, level. Pure and synchronous once the sheets
 * are verified; `evaluate` adds parsing and signature verification in front.
 */
import type { Hex, TypedDataDomain } from "viem";
import { hexInto, keccakHex, keccakUtf8 } from "../commit/keccak";
import { dossierProblems } from "../dossier/consistency";
import { deriveFacts } from "../dossier/facts";
import { Dossier } from "../dossier/schema";
import { fail, formatPath, fromThrown, fromZod, msg, ok, type Message, type Problem, type Result } from "../errors";
import { parseAssessorRegister, type AssessorLookup } from "../panel/registry";
import { PanelSheet } from "../panel/schema";
import { verifySheets, type PanelCheck } from "../panel/verify";
import { parseRulebook } from "../rulebook/check";
import { canonical, rulebookHash } from "../rulebook/hash";
import { describeRules, rulesOf } from "../rulebook/rules";
import type { Rulebook } from "../rulebook/schema";
import { holds } from "./conditions";
import { describeCondition } from "./format";
import { explainPanel, scoreExam, scoreRules } from "./indicators";
import { assignLevel } from "./level";
import { aggregatePanel } from "./panel";
import { roundQuotient } from "./rounding";
import type { DimensionResult, Evaluation, IndicatorResult } from "./types";

/** keccak256 of the dossier's RFC 8785 canonical JSON: what sheets sign and the dossier leaf commits to. */
export function dossierHash(dossier: Dossier): Hex {
  return keccakUtf8(canonical(dossier));
}

/** keccak256 over the accepted sheets' hashes, sorted, so sheet order never changes it. */
export function panelCommitment(sheetHashes: readonly Hex[]): Hex {
  const sorted = [...sheetHashes].sort();
  const buf = new Uint8Array(32 * sorted.length);
  for (let i = 0; i < sorted.length; i++) hexInto(sorted[i]!, buf, 32 * i);
  return keccakHex(buf);
}

export interface Prepared {
  rulebook: Rulebook;
  rulebookHash: Hex;
}

/** Parse and hash a rulebook once, then evaluate many dossiers against it. */
export function prepareRulebook(input: unknown): Result<Prepared> {
  const r = parseRulebook(input);
  return r.ok ? ok({ rulebook: r.value, rulebookHash: rulebookHash(r.value) }) : r;
}

export function parseDossier(input: unknown): Result<Dossier> {
  try {
    const r = Dossier.safeParse(input);
    return r.success ? ok(r.data) : fail(fromZod(r.error));
  } catch (err) {
    return fail([fromThrown([], err)]);
  }
}

export function parseSheets(input: unknown): Result<PanelSheet[]> {
  if (!Array.isArray(input)) return fail([{ path: [], message: msg("评分表应为数组", "sheets must be an array") }]);
  const out: PanelSheet[] = [];
  const errors: Problem[] = [];
  input.forEach((s, i) => {
    try {
      const r = PanelSheet.safeParse(s);
      if (r.success) out.push(r.data);
      else errors.push(...fromZod(r.error, [i]));
    } catch (err) {
      errors.push(fromThrown([i], err));
    }
  });
  return errors.length ? fail(errors) : ok(out);
}

/**
 * The input errors a rulebook adds to the dossier schema (rulebook/2: nothing dated after the application, one
 * meaning of training hours); none for rulebook/1. A workbench checks them when a dossier is handed in.
 */
export function dossierProblemsUnder(rb: Rulebook, dossier: Dossier): Problem[] {
  return dossierProblems(dossier, rulesOf(rb));
}

export type EvaluateResult = Result<Evaluation>;

export interface EvaluateOptions {
  /** the body's register of assessors (JSON: [{ id, address, employerUscc }]); a rulebook/2 needs it */
  assessors?: unknown;
  domain?: TypedDataDomain;
}

/**
 * The whole assessment from untrusted JSON: never throws; invalid input comes back as a list of problems
 * with paths (prefixed "rulebook", "dossier", "sheets" or "assessors").
 */
export async function evaluate(rulebookInput: unknown, dossierInput: unknown, sheetsInput: unknown, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  try {
    const errors: Problem[] = [];
    const rb = prepareRulebook(rulebookInput);
    if (!rb.ok) errors.push(...rb.errors.map((e) => ({ ...e, path: ["rulebook", ...e.path] })));
    const d = parseDossier(dossierInput);
    if (!d.ok) errors.push(...d.errors.map((e) => ({ ...e, path: ["dossier", ...e.path] })));
    else if (rb.ok) errors.push(...dossierProblemsUnder(rb.value.rulebook, d.value).map((e) => ({ ...e, path: ["dossier", ...e.path] })));
    const s = parseSheets(sheetsInput);
    if (!s.ok) errors.push(...s.errors.map((e) => ({ ...e, path: ["sheets", ...e.path] })));
    let registered: AssessorLookup | undefined;
    if (options.assessors !== undefined) {
      const a = parseAssessorRegister(options.assessors);
      if (a.ok) registered = a.value;
      else errors.push(...a.errors.map((e) => ({ ...e, path: ["assessors", ...e.path] })));
    }
    if (!rb.ok || !d.ok || !s.ok || errors.length) return fail(errors);
    const dHash = dossierHash(d.value);
    const panel = await verifySheets({ ...rb.value, dossier: d.value, dossierHash: dHash, ...(registered ? { registered } : {}), ...(options.domain ? { domain: options.domain } : {}) }, s.value);
    return ok(evaluateChecked(rb.value, d.value, dHash, panel));
  } catch (err) {
    return fail([fromThrown([], err)]);
  }
}

/** The deterministic core, given a parsed rulebook and dossier and the outcome of the sheet checks. */
export function evaluateChecked(prepared: Prepared, dossier: Dossier, dHash: Hex, panel: PanelCheck): Evaluation {
  const rb = prepared.rulebook;
  const rules = rulesOf(rb);
  const facts = deriveFacts(dossier, rules.windows);
  const blockers: Message[] = [];
  // evaluate() refuses such a dossier outright; a caller that skipped the check still gets no certificate
  const inputProblems = dossierProblems(dossier, rules);
  for (const p of inputProblems) blockers.push(msg(`申报材料有误（${formatPath(p.path)}）：${p.message.zh}`, `input error (${formatPath(p.path)}): ${p.message.en}`));

  const eligibility = rb.eligibility.map((rule) => {
    const passed = holds(rule.condition, facts);
    const d = describeCondition(rule.condition, facts);
    const reason = passed ? { zh: `满足：${d.zh}`, en: `met: ${d.en}` } : { zh: `${rule.failReason.zh}：${d.zh}`, en: `${rule.failReason.en}: ${d.en}` };
    return { id: rule.id, name: rule.name, passed, reason };
  });
  const eligible = eligibility.every((r) => r.passed);
  if (!eligible) blockers.push(msg("不符合申报条件", "eligibility requirements not met"));

  const veto = rb.veto.map((rule) => {
    const triggered = holds(rule.condition, facts);
    const d = describeCondition(rule.condition, facts);
    return { id: rule.id, name: rule.name, triggered, reason: triggered ? { zh: `一票否决：${d.zh}`, en: `veto: ${d.en}` } : { zh: `未触发：${d.zh}`, en: `not triggered: ${d.en}` } };
  });
  const vetoed = veto.some((v) => v.triggered);
  if (vetoed) blockers.push(msg("触发一票否决", "a veto item applies"));

  const policy = rb.panel;
  const accepted = panel.accepted;
  const panelIncomplete = accepted.length < policy.minAssessors;
  if (panelIncomplete) {
    blockers.push(msg(`有效评分表 ${accepted.length} 份，少于要求的 ${policy.minAssessors} 份`, `${accepted.length} valid sheets, ${policy.minAssessors} required`));
  }

  const indicators: IndicatorResult[] = [];
  const dimensions: DimensionResult[] = [];
  const indicatorPoints = new Map<string, number>();
  const divergent: string[] = [];
  let total = 0;
  let totalMax = 0;
  for (const dim of rb.dimensions) {
    let dimPoints = 0;
    for (const ind of dim.indicators) {
      let result: IndicatorResult;
      const s = ind.scoring;
      if (s.method === "panel") {
        const agg = aggregatePanel(accepted.map((v) => v.sheet.scores[ind.id] ?? 0), ind.max, policy.trimFrom, policy.divergencePermille, rules.panelMean);
        if (agg.divergent) divergent.push(ind.id);
        result = {
          id: ind.id, dimension: dim.id, name: ind.name, max: ind.max, method: "panel", points: agg.points,
          explanation: explainPanel(agg, ind.max, policy.divergencePermille, rules.declared),
          panel: { scores: agg.scores, used: agg.used, trimmed: agg.trimmed, spread: agg.spread, divergent: agg.divergent },
        };
      } else {
        const scored = s.method === "exam" ? scoreExam({ ...ind, scoring: s }, facts, rules) : scoreRules({ ...ind, scoring: s }, facts);
        result = { id: ind.id, dimension: dim.id, name: ind.name, max: ind.max, method: s.method, points: scored.points, explanation: scored.explanation };
      }
      indicators.push(result);
      indicatorPoints.set(ind.id, result.points);
      dimPoints += result.points;
    }
    dimensions.push({ id: dim.id, name: dim.name, max: dim.max, points: dimPoints, permille: roundQuotient(dimPoints * 1000, dim.max, rules.dimensionShare) });
    total += dimPoints;
    totalMax += dim.max;
  }
  if (divergent.length) blockers.push(msg(`评分分歧过大，需复核：${divergent.join(", ")}`, `sheets diverge, re-review required: ${divergent.join(", ")}`));

  const banded = assignLevel(rb, { total, dimensions, indicatorPoints, facts });
  let level = banded.level;
  // rulebook/2: a panel below its minimum grades nothing, so there is no level to report, only why
  const noPanel = panelIncomplete && rules.incompletePanel === "no-level";
  const levelReasons = noPanel
    ? [msg(`评审组不完整：有效评分表 ${accepted.length} 份，少于要求的 ${policy.minAssessors} 份，不予定级`, `incomplete panel: ${accepted.length} valid sheets, ${policy.minAssessors} required: no level`)]
    : banded.reasons;
  if (noPanel) level = null;
  if (inputProblems.length) {
    level = null;
    levelReasons.unshift(msg("申报材料有误，不予定级", "input errors in the dossier: no level"));
  }
  if (!eligible || vetoed) {
    level = null;
    levelReasons.unshift(!eligible ? msg("不符合申报条件，不予认定", "not eligible: not certified") : msg("一票否决，不予认定", "vetoed: not certified"));
  }
  if (level === null && !noPanel && !inputProblems.length) blockers.push(msg("未达到任何等级", "no level reached"));

  return {
    format: "cqo-evaluation/1",
    rulebook: { id: rb.id, version: rb.version, hash: prepared.rulebookHash },
    dossier: { id: dossier.dossierId, hash: dHash },
    asOf: dossier.submittedOn,
    eligibility: { eligible, rules: eligibility },
    veto: { vetoed, items: veto },
    panel: {
      accepted: accepted.map((v) => ({ assessorId: v.sheet.assessor.id, signer: v.signer, sheetHash: v.sheetHash })),
      refused: panel.refused,
      minAssessors: policy.minAssessors,
      commitment: panelCommitment(accepted.map((v) => v.sheetHash)),
      ...(rules.declared ? { identical: panel.identical ?? [] } : {}),
    },
    indicators,
    dimensions,
    total,
    totalMax,
    level,
    levelName: level === null ? null : (banded.name ?? null),
    levelReasons,
    divergent,
    issuable: blockers.length === 0,
    blockers,
    noticeDays: rb.noticeDays,
    validity: rb.validity,
    ...(rules.declared ? { rules: describeRules(rules) } : {}),
  };
}
