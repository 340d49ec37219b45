/**
 * 抽查核验: a body's answer for one sampled certificate (GET /supervision/records/:tokenId) checked in the browser
 * against the resultRoot the chain holds. Consistent (一致) when every disclosed field's value and proof give the
 * chain's root (scoring's verifyDisclosure: the same leaf scheme the certificate was built with) and the evaluation
 * the body sent is the one those fields commit to (its level, total, each dimension's points, its dossier and
 * rulebook hashes). Anything else is inconsistent, with the reasons.
 */
import { z } from "zod";
import { verifyDisclosure } from "../../../scoring/commit/verifyDisclosure";

/** the part of the answer the check reads (zod: the body's answer is untrusted input) */
export const AuditAnswer = z.object({
  tokenId: z.string(),
  dossierId: z.string(),
  root: z.string(),
  disclosure: z.unknown(),
  evaluation: z
    .object({
      level: z.number().nullable(),
      total: z.number(),
      totalMax: z.number().optional(),
      dossier: z.object({ hash: z.string() }),
      rulebook: z.object({ hash: z.string() }),
      dimensions: z.array(z.object({ id: z.string(), points: z.number(), max: z.number(), name: z.object({ zh: z.string(), en: z.string() }).optional() })),
    })
    .passthrough()
    .nullable(),
});
export type AuditAnswer = z.infer<typeof AuditAnswer>;

export interface AuditCheck {
  consistent: boolean;
  /** why not (zh, en) */
  reasons: { zh: string; en: string }[];
  /** the verified fields (only those whose proof checked out) */
  fields: { name: string; value: unknown }[];
  /** dimension id → points, from verified fields */
  dimensions: Record<string, number>;
  /** dimension id → its name in the evaluation (zh, en), where the evaluation names it */
  dimensionNames: Record<string, { zh: string; en: string }>;
  /** the total, from the verified fields (null: not disclosed, or not verified) */
  total: number | null;
  /** the maxima of the evaluation (its rulebook's, whose hash is verified): dimension id → max, and the total's */
  maxima: Record<string, number>;
  totalMax: number | null;
}

const refused = (reasons: AuditCheck["reasons"]): AuditCheck => ({ consistent: false, reasons, fields: [], dimensions: {}, dimensionNames: {}, total: null, maxima: {}, totalMax: null });

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function checkAuditAnswer(raw: unknown, chainRoot: string, chainLevel?: number): AuditCheck {
  const parsed = AuditAnswer.safeParse(raw);
  if (!parsed.success) return refused([{ zh: "回答的格式不正确", en: "the answer is malformed" }]);
  const answer = parsed.data;
  const reasons: AuditCheck["reasons"] = [];
  if (answer.root.toLowerCase() !== chainRoot.toLowerCase()) reasons.push({ zh: "回答中的根哈希与链上的不同", en: "the answer's root differs from the chain's" });
  const verified = verifyDisclosure(answer.disclosure, chainRoot);
  if (!verified.ok) {
    for (const e of verified.errors.slice(0, 5)) reasons.push({ zh: e.message.zh, en: e.message.en });
    return refused(reasons);
  }
  const fields = verified.value.fields;
  const value = (name: string) => fields.find((f) => f.name === name)?.value;
  const dimensions: Record<string, number> = {};
  for (const f of fields) if (f.name.startsWith("dimension.") && typeof f.value === "number") dimensions[f.name.slice("dimension.".length)] = f.value;
  if (chainLevel !== undefined && value("level") !== chainLevel) reasons.push({ zh: "记录中的等级与链上的不同", en: "the record's level differs from the chain's" });
  const ev = answer.evaluation;
  if (!ev) {
    reasons.push({ zh: "未提交评价结果", en: "no evaluation was sent" });
  } else {
    if (!same(ev.level, value("level"))) reasons.push({ zh: "评价结果的等级与承诺的不同", en: "the evaluation's level is not the committed one" });
    if (!same(ev.total, value("total"))) reasons.push({ zh: "评价结果的总分与承诺的不同", en: "the evaluation's total is not the committed one" });
    if (!same(ev.dossier.hash, value("dossier"))) reasons.push({ zh: "评价结果所依据的申报材料与承诺的不同", en: "the evaluation's dossier is not the committed one" });
    if (!same(ev.rulebook.hash, value("rulebook"))) reasons.push({ zh: "评价结果所依据的评价方案与承诺的不同", en: "the evaluation's rulebook is not the committed one" });
    for (const d of ev.dimensions) {
      if (dimensions[d.id] !== d.points) reasons.push({ zh: `维度 ${d.id} 的得分与承诺的不同`, en: `dimension ${d.id}: the points are not the committed ones` });
    }
  }
  const dimensionNames = Object.fromEntries((ev?.dimensions ?? []).flatMap((d) => (d.name ? [[d.id, d.name]] : [])));
  const maxima = Object.fromEntries((ev?.dimensions ?? []).map((d) => [d.id, d.max]));
  const total = value("total");
  return {
    consistent: reasons.length === 0,
    reasons,
    fields,
    dimensions,
    dimensionNames,
    total: typeof total === "number" ? total : null,
    maxima,
    totalMax: ev?.totalMax ?? null,
  };
}
