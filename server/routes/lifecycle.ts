/** 监督管理: the certificate's life — suspend, reinstate, revoke, renew — and the re-sync from chain state. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { GIVABLE_REVOCATION_REASONS } from "../../sdk";
import { onChain, requireChain } from "../chain-calls";
import { stateConflict } from "../chain-refusals";
import { operatorOnly, sessionOf, type RouteOptions } from "../context";
import { notFound, unprocessable } from "../errors";
import { syncFromChain } from "../chain-sync";
import type { IntentParams } from "../lifecycle";
import { runLifecycle } from "../lifecycle-call";
import { getDossier, holderOf } from "../store/dossiers";
import { closeRevocationRequest, openRevocationRequest } from "../store/holder-requests";
import { dossierSummary } from "../views";
import { assertLegal } from "../workflow";
import { assertNotOnPanel, operatorDossier, ownDossier } from "./access";
import { bodyEvidence } from "./evidence-ref";
import { DossierId, DossierIdParams, Note, Sha256Input, bi } from "./inputs";
import { verification } from "./issuance";
import { errors } from "../openapi";
import { DossierSummary } from "./schemas";

/** what the routes answer (schema.response) */
const Sent = DossierSummary.extend({ txHash: z.string() });
const Renewed = Sent.extend({ root: z.string(), validUntil: z.number() });
const SyncReport = z.object({ recorded: z.number().int(), notApplied: z.number().int(), followed: z.number().int(), unresolved: z.number().int() });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

export const RevocationReason = z.enum(GIVABLE_REVOCATION_REASONS, bi(`撤销理由应为：${GIVABLE_REVOCATION_REASONS.join("、")}`, `reason must be one of: ${GIVABLE_REVOCATION_REASONS.join(", ")}`));
const SuspendBody = z.strictObject({ evidence: Sha256Input.optional(), note: Note }).optional();
const ReinstateBody = z.strictObject({ note: Note }).optional();
const RevokeBody = z.strictObject({ reason: RevocationReason, evidence: Sha256Input.optional(), note: Note });
const RenewBody = z.strictObject({ renewalDossierId: DossierId, note: Note });

export async function lifecycleRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/suspend", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: SuspendBody, response: { 200: Sent, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body ?? {};
    assertLegal("suspend", d.state);
    const hash = bodyEvidence(ctx, sessionOf(req), d.id, body.evidence);
    const sent = await runLifecycle(ctx, d, actor, { command: "suspend", evidence: body.evidence ?? null, note: body.note }, (chain) => chain.suspendCertificate(d.token_id!, hash));
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash };
  });

  r.post("/dossiers/:id/reinstate", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: ReinstateBody, response: { 200: Sent, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("reinstate", d.state);
    // the body lifts only its own suspension: while the supervisor's stands the certificate stays suspended, and
    // the dossier with it (the contract refuses when only the supervisor's is set; here also when both are)
    const v = await verification(ctx, d);
    if (v.suspendedBySupervisor) throw stateConflict("SuspendedBySupervisor", [v.tokenId]);
    const sent = await runLifecycle(ctx, d, actor, { command: "reinstate", note: req.body?.note }, (chain) => chain.reinstateCertificate(d.token_id!));
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash };
  });

  r.post("/dossiers/:id/revoke", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: RevokeBody, response: { 200: Sent, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body;
    assertLegal("revoke", d.state);
    // "at the holder's request" is said on-chain for ever: only when the holder asked (server/routes/holder-requests.ts)
    if (body.reason === "HolderRequest" && !openRevocationRequest(db, d.id)) {
      throw unprocessable("no-holder-request", { zh: "持证人未提交撤销申请，不能以“持证人申请”为由撤销", en: "the holder has not asked for revocation: HolderRequest cannot be the reason" }, [
        { field: "body.reason", path: ["body", "reason"], zh: "持证人未提交撤销申请", en: "no revocation request from the holder" },
      ]);
    }
    const hash = bodyEvidence(ctx, sessionOf(req), d.id, body.evidence);
    const sent = await runLifecycle(ctx, d, actor, { command: "revoke", reason: body.reason, evidence: body.evidence ?? null, note: body.note }, (chain) => chain.revokeCertificate(d.token_id!, body.reason, hash));
    closeRevocationRequest(db, d.id, ctx.now());
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash };
  });

  r.post("/dossiers/:id/renew", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: RenewBody, response: { 200: Renewed, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body;
    assertLegal("renew", d.state);
    const renewal = getDossier(db, body.renewalDossierId);
    if (!renewal) throw notFound(`dossier ${body.renewalDossierId}`);
    // a renewal is the re-evaluation's approval: the same separation of duties as approve
    const s = sessionOf(req);
    if (renewal.applicant === s.address) throw ownDossier();
    assertNotOnPanel(db, s, renewal);
    assertLegal("apply-renewal", renewal.state);
    // the certificate's holder now (after a re-issue, the new wallet's re-evaluation renews it)
    if (renewal.applicant !== holderOf(d)) {
      throw unprocessable("renewal-other-holder", { zh: "复评申报须为同一申报人", en: "the re-evaluation must be the same applicant's" }, [{ field: "body.renewalDossierId", path: ["body", "renewalDossierId"], zh: "申报人不同", en: "another applicant" }]);
    }
    const issuance = await ctx.terms.prepareIssuance(renewal);
    const before = await verification(ctx, d);
    if (before.level !== issuance.level) throw unprocessable("renewal-level", { zh: "复评等级与原证书不同，请另行发证", en: "the re-evaluation reached another level: issue a new certificate instead" });
    const params: IntentParams = { command: "renew", renewalDossierId: renewal.id, root: issuance.root, validUntil: issuance.validUntil, rulebookId: issuance.rulebookId, credential: issuance.credential, note: body.note };
    const sent = await runLifecycle(ctx, d, actor, params, (chain) => chain.renewCertificate(d.token_id!, { resultRoot: issuance.root, rulebookId: issuance.rulebookId, validUntil: issuance.validUntil }));
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash, root: issuance.root, validUntil: issuance.validUntil };
  });

  r.post("/sync", { onRequest: operatorOnly, schema: { response: { 200: SyncReport, ...errors(401, 403, 503) } } }, async () => {
    const chain = requireChain(ctx);
    return onChain(() => syncFromChain(db, chain, ctx.syncActor, ctx.config.bodyId, ctx.log, ctx.inFlight));
  });
}
