/**
 * What the routes answer (issue #10): the zod schemas of server/views.ts's shapes, used as `schema.response` (the
 * serializer encodes every answer through them — a z.object drops a field it does not list — and /openapi.json
 * documents them). No transforms here: answers are encoded, not parsed.
 */
import { z } from "zod";
import { STATES } from "../workflow";

export const State = z.enum(STATES);
const Hex = z.string().describe("0x…");

/** a page of a keyset-paginated list (server/routes/pages.ts, pageOf) */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int().optional(), totalCapped: z.boolean().optional() });

/** 304 Not Modified (If-None-Match): no body */
export const NotModified = z.any().describe("未变化（If-None-Match）/ not modified");

/** views.ts dossierSummary */
export const DossierSummary = z.object({
  id: z.string(),
  state: State,
  applicant: z.string(),
  rulebook: z.string(),
  round: z.number().int(),
  outcome: z.string().nullable(),
  tokenId: z.string().nullable(),
  holder: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** views.ts reissueView */
export const ReissueView = z.object({
  root: Hex,
  tokenId: z.string(),
  newTokenId: z.string(),
  newHolder: z.string(),
  deadline: z.number(),
  status: z.enum(["prepared", "requested", "executed", "cancelled"]),
  requestedBy: z.string(),
  txHash: Hex.nullable(),
  createdAt: z.number(),
  executedAt: z.number().nullable(),
});

export const ObjectionStatus = z.enum(["filing", "filed", "upheld", "dismissed", "not-filed"]);

/** views.ts objectionView (operators; a filer's own) */
export const ObjectionView = z.object({
  id: z.number().int(),
  dossierId: z.string(),
  tokenId: z.string(),
  filer: z.string(),
  statement: z.string(),
  evidence: z.string().nullable(),
  evidenceHash: Hex,
  signature: Hex.nullable(),
  signedStatement: z.unknown().describe("EIP-712 typed data {domain, primaryType, message} the filer signed, or null"),
  status: ObjectionStatus,
  filedTx: Hex.nullable(),
  resolution: z.unknown().describe("the ruling as the body recorded it, or null"),
  resolvedBy: z.string().nullable(),
  resolvedTx: Hex.nullable(),
  createdAt: z.number(),
  resolvedAt: z.number().nullable(),
});

/** views.ts objectionNoticeView (everyone else who may see the dossier) */
export const ObjectionNoticeView = z.object({
  id: z.number().int(),
  dossierId: z.string(),
  tokenId: z.string(),
  status: ObjectionStatus,
  filedTx: Hex.nullable(),
  resolution: z.object({ upheld: z.boolean(), reason: z.string().nullable() }).nullable(),
  resolvedTx: Hex.nullable(),
  createdAt: z.number(),
  resolvedAt: z.number().nullable(),
});

/** views.ts AuditEntryView */
export const AuditEntry = z.object({
  actor: z.string().nullable(),
  role: z.string(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  details: z.unknown(),
  at: z.number(),
});
