/** 撤回 and erasure: the applicant withdraws before acceptance; the body erases personal data on request or after retention. */
import { rmSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { text } from "../../scoring";
import { operatorOnly, signedIn, sessionOf, type Ctx, type RouteOptions } from "../context";
import { onChain } from "../chain-calls";
import { conflict, notFound } from "../errors";
import { noticeOnChain } from "../renewal-notice";
import { checkpointErasures, erasePersonalData, RETAINED_UNTIL_ERASED } from "../erasure";
import { getDossier } from "../store/dossiers";
import { dossierSummary } from "../views";
import { assertLegal, transition, type Actor } from "../workflow";
import { operatorDossier } from "./access";
import { DossierIdParams, Note } from "./inputs";
import { errors } from "../openapi";
import { DossierSummary } from "./schemas";

const WithdrawBody = z.strictObject({ note: Note }).optional();
const EraseBody = z.strictObject({
  /** request: the data subject (or a lawful order) asked for it, the basis recorded in the operator's own files */
  reason: z.enum(["request", "retention"]),
  /** where the request is filed (a reference, never the personal data itself) */
  reference: text({ min: 2, max: 200 }),
});

/** Deletes the files of an erasure from the evidence store (after its transaction committed). */
function deleteFiles(ctx: Ctx, files: string[]): void {
  for (const sha of files) rmSync(ctx.evidence.pathOf(sha), { force: true });
}

/** Erases the personal data of every dossier whose retention period is over; returns how many. */
export function eraseExpired(ctx: Ctx): number {
  const days = ctx.config.retentionDays ?? 1095;
  const before = ctx.now() - days * 86_400_000;
  const placeholders = RETAINED_UNTIL_ERASED.map(() => "?").join(", ");
  const ids = (ctx.db.prepare(`SELECT id FROM dossiers WHERE erased_at IS NULL AND updated_at < ? AND state IN (${placeholders}) ORDER BY updated_at LIMIT 500`).all(before, ...RETAINED_UNTIL_ERASED) as { id: string }[]).map((r) => r.id);
  const actor: Actor = { address: "retention", role: "sync" };
  let erased = 0;
  // one dossier refused (busy, changed meanwhile) is skipped and logged: it never stops the others' erasure
  for (const id of ids) {
    try {
      deleteFiles(ctx, erasePersonalData(ctx.db, getDossier(ctx.db, id)!, "retention", actor, ctx.now()));
      erased++;
    } catch (err) {
      ctx.log("retention erasure skipped a dossier", { dossier: id, error: (err as Error).message });
    }
  }
  if (erased) checkpointErasures(ctx.db);
  return erased;
}

export async function erasureRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/withdraw", { onRequest: signedIn, schema: { params: DossierIdParams, body: WithdrawBody, response: { 200: DossierSummary, ...errors(400, 401, 404, 409) } } }, async (req) => {
    const s = sessionOf(req);
    const d = getDossier(db, req.params.id);
    if (!d || d.applicant !== s.address || d.holder !== null) throw notFound(`dossier ${req.params.id}`);
    assertLegal("withdraw", d.state);
    const actor: Actor = { address: s.address, role: "applicant" };
    db.transaction(() => transition(db, d.id, "withdraw", d.state, "withdrawn", actor, { note: req.body?.note }))();
    // nothing of a withdrawn application is kept: it was never accepted
    deleteFiles(ctx, erasePersonalData(db, getDossier(db, d.id)!, "withdrawn", actor, ctx.now()));
    checkpointErasures(db);
    return dossierSummary(getDossier(db, d.id)!);
  });

  r.post("/dossiers/:id/erase", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: EraseBody, response: { 200: DossierSummary.extend({ erased: z.literal(true) }), ...errors(400, 401, 403, 404, 409, 503) } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const busy = () => {
      if (ctx.inFlight.has(d.id)) throw conflict("dossier-busy", { zh: "该申报正在执行上链操作，请等待其完成后再试", en: "an on-chain action on this dossier is in flight: wait for it and retry" });
    };
    busy();
    // a renewal's or a re-issue's notice still running, or an objection filed straight to the contract the workbench
    // has not heard of yet (the chain says so): the public's objection must stay one the body can rule on
    const open = (d.state === "issued" || d.state === "suspended") && d.token_id && ctx.chain ? await onChain(() => noticeOnChain(ctx.chain!, d.token_id!)) : null;
    if (open?.underObjection) throw conflict("objection-open", { zh: "该证书在链上有尚未处理的异议，同步并处理完毕后才能删除个人信息", en: "an objection to this certificate is open on chain: re-sync and rule on it before erasing the personal data" });
    if (open?.inNotice) throw conflict("in-notice", { zh: "该证书的复评或补发仍在公示期内，公示期满后才能删除个人信息", en: "this certificate's renewal or re-issue is still in public notice: erase its personal data once the notice is over" });
    busy(); // a call may have started while the chain was asked
    deleteFiles(ctx, erasePersonalData(db, d, req.body.reason, actor, ctx.now(), req.body.reference));
    checkpointErasures(db);
    return { ...dossierSummary(getDossier(db, d.id)!), erased: true as const };
  });
}
