/** 发证: approval into the outbox, the outbox itself, and the end of the public notice (公示). */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { certificateNumberOf, type CertificateVerification } from "../../sdk";
import { onChain, requireChain } from "../chain-calls";
import { operatorOnly, sessionOf, type Ctx, type RouteOptions } from "../context";
import { conflict } from "../errors";
import { errors } from "../openapi";
import { DossierSummary, NotModified, pageSchema } from "./schemas";
import { confirmationsAt } from "../outbox";
import { applicantNamesOf, getDossier, type DossierRow } from "../store/dossiers";
import { issuedBlockOf, queueIssuance, requeueFailed } from "../store/issuance";
import { dossierSummary } from "../views";
import { assertLegal, audit, transition } from "../workflow";
import { assertNotOnPanel, operatorDossier } from "./access";
import { DossierIdParams, EmptyBody, Root, bi } from "./inputs";
import { changeCounter } from "../store/changes";
import { OUTBOX_STATUSES, outboxCounts, outboxPage } from "../store/issuance";
import { Limit, TOTAL_CAP, changeToken, cursorOf, isKey, isTime, notModified, pageOf, queryOf } from "./pages";

/** GET /outbox: newest first, a page at a time, all or one status; with the count of each status (first page) */
const OutboxQuery = queryOf({
  limit: Limit,
  cursor: cursorOf<{ enqueuedAt: number; root: string }>((p) => (p.length === 2 && isTime(p[0]) && isKey(p[1]) ? { enqueuedAt: p[0], root: p[1] } : null)).optional(),
  status: z.enum(OUTBOX_STATUSES, { error: bi(`未知状态，可选：${OUTBOX_STATUSES.join("、")}`, `unknown status; known: ${OUTBOX_STATUSES.join(", ")}`) }).optional(),
});

const RootParams = z.strictObject({ root: Root });
const Requeued = z.object({ root: z.string(), status: z.string() });
const Approved = DossierSummary.extend({ root: z.string(), tokenId: z.string(), validUntil: z.number() });
const OutboxStatus = z.enum(OUTBOX_STATUSES);
const OutboxItem = z.object({
  root: z.string(),
  dossierId: z.string(),
  holder: z.string(),
  level: z.number().int(),
  rulebookId: z.number().int(),
  validUntil: z.number(),
  status: OutboxStatus,
  attempts: z.number().int(),
  tokenId: z.string(),
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  lastError: z.string().nullable(),
  applicantName: z.string().nullable().describe("申报人姓名（已删除个人信息时为 null）/ the applicant's name (null once erased)"),
});
const OutboxPage = pageSchema(OutboxItem).extend({ counts: z.record(OutboxStatus, z.number().int()).optional().describe("each status's count (first page only)") });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

/** The certificate of a dossier as the chain sees it now. */
export async function verification(ctx: Ctx, d: DossierRow): Promise<CertificateVerification> {
  if (!d.token_id) throw conflict("no-certificate", { zh: "该申报尚无证书", en: "this dossier has no certificate" });
  const chain = requireChain(ctx);
  return onChain(() => chain.verifyCertificate(d.token_id!));
}

export async function issuanceRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/approve", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: EmptyBody, response: { 200: Approved, ...ERRORS } } }, async (req) => {
    const s = sessionOf(req);
    const { d, actor } = operatorDossier(db, s, req.params.id);
    assertNotOnPanel(db, s, d);
    assertLegal("approve", d.state);
    const issuance = await ctx.terms.prepareIssuance(d);
    const tokenId = certificateNumberOf(ctx.config.bodyId, issuance.root).toString();
    db.transaction(() => {
      transition(db, d.id, "approve", d.state, "queued", actor, { root: issuance.root, level: issuance.level, validUntil: issuance.validUntil, note: req.body?.note });
      queueIssuance(db, {
        root: issuance.root,
        dossierId: d.id,
        credentialJson: JSON.stringify(issuance.credential),
        holder: d.applicant,
        level: issuance.level,
        rulebookId: issuance.rulebookId,
        validUntil: issuance.validUntil,
        tokenId,
        at: ctx.now(),
      });
    })();
    ctx.worker?.wake();
    return { ...dossierSummary(getDossier(db, d.id)!), root: issuance.root, tokenId, validUntil: issuance.validUntil };
  });

  r.get("/outbox", { onRequest: operatorOnly, schema: { querystring: OutboxQuery, response: { 200: OutboxPage, 304: NotModified, ...errors(400, 401, 403) } } }, async (req, reply) => {
    const { limit, cursor, status } = req.query;
    if (notModified(req, reply, changeToken(db, sessionOf(req), changeCounter(db, "outbox"), req.query))) return reply.code(304).send();
    const rows = outboxPage(db, status, cursor ?? null, limit + 1);
    const counts = cursor === undefined ? outboxCounts(db, TOTAL_CAP) : undefined;
    const total = counts ? (status ? counts[status] : Object.values(counts).reduce((a, b) => a + b, 0)) : undefined;
    // names before addresses (issue #14): the page's dossiers' names in one query, opened per row
    const names = applicantNamesOf(db, rows.slice(0, limit).map((row) => row.dossier_id));
    const view = (row: (typeof rows)[number]) => ({
      root: row.root,
      dossierId: row.dossier_id,
      holder: row.holder,
      level: row.level,
      rulebookId: row.rulebook_id,
      validUntil: row.valid_until,
      status: row.status,
      attempts: row.attempts,
      tokenId: row.token_id,
      txHash: row.tx_hash,
      blockNumber: row.block_number,
      lastError: row.last_error,
      applicantName: names.get(row.dossier_id) ?? null,
    });
    return { ...pageOf(rows, limit, view, (row) => [row.enqueued_at, row.root], total), ...(counts ? { counts } : {}) };
  });

  r.post("/outbox/:root/retry", { onRequest: operatorOnly, schema: { params: RootParams, response: { 200: Requeued, ...errors(400, 401, 403, 409) } } }, async (req) => {
    const s = sessionOf(req);
    const { root } = req.params;
    db.transaction(() => {
      const dossierId = requeueFailed(db, root);
      if (dossierId === null) throw conflict("not-failed", { zh: "只有失败的发证项可以重试", en: "only a failed item can be retried" });
      audit(db, { dossierId, actor: { address: s.address, role: "operator" }, action: "retry-issuance", details: { root } });
    })();
    ctx.worker?.wake();
    return { root, status: "queued" };
  });

  r.post("/dossiers/:id/end-notice", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: EmptyBody, response: { 200: DossierSummary, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("end-notice", d.state);
    const v = await verification(ctx, d);
    if (v.status !== "Valid") {
      throw conflict("notice-not-over", { zh: `链上证书状态为 ${v.status}，公示期尚未结束或有异议`, en: `the certificate is ${v.status} on-chain: the notice period is not over or an objection is pending` }, { status: v.status, validFrom: v.validFrom, underObjection: v.underObjection });
    }
    // on a chain with reorgs, the issuance must be final (CQO_CONFIRMATIONS deep) before the certificate is confirmed
    const confirmations = ctx.config.confirmations ?? 1;
    if (confirmations > 1) {
      const block = issuedBlockOf(db, d.id);
      const head = Number(await onChain(() => requireChain(ctx).publicClient.getBlockNumber({ cacheTime: 0 })));
      const depth = block == null ? null : confirmationsAt(block, head);
      if (depth !== null && depth < confirmations) {
        throw conflict("not-final", { zh: `发证交易尚未最终确认（${depth}/${confirmations} 个区块确认）`, en: `the issuance is not final yet (${depth} of ${confirmations} confirmations)` }, { confirmations: depth, required: confirmations });
      }
    }
    db.transaction(() => transition(db, d.id, "end-notice", d.state, "issued", actor, { validFrom: v.validFrom }))();
    return dossierSummary(getDossier(db, d.id)!);
  });
}
