/** Re-issue to a new wallet (补发, usually after a lost or stolen wallet): prepare, the new wallet's consent, execute. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getAddress } from "viem";
import { z } from "zod";
import { buildCredential, text, type Dossier, type Evaluation } from "../../scoring";
import { certificateNumberOf, reissueConsentTypedData } from "../../sdk";
import { chainNow, onChain, requireChain, requireSigner } from "../chain-calls";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import { conflict, fieldProblems, unprocessable } from "../errors";
import { runLifecycle } from "../lifecycle-call";
import { getDossier, holderOf, latestCredential } from "../store/dossiers";
import { insertPreparedReissue, markReissueRequested, reissueOf, requestedReissue } from "../store/reissues";
import { dossierSummary } from "../views";
import { assertLegal, audit } from "../workflow";
import { operatorDossier, reissueParty } from "./access";
import { AddressInput, DossierIdParams, HexSignature, Note, Root, bi } from "./inputs";
import { errors } from "../openapi";
import { DossierSummary } from "./schemas";

const ReissuePrepareBody = z.strictObject({
  newHolder: AddressInput,
  /** an operator preparing for a holder who lost the wallet: how the holder's identity was checked (in person, ID card…) */
  identityCheck: text({ min: 2, max: 500, multiline: true }).optional(),
  /** how long the new wallet has to sign and the body to execute (default one day, at most 30) */
  validForSeconds: z.number().int().min(600, bi("有效期至少 600 秒", "at least 600 seconds")).max(30 * 86_400, bi("有效期最多 30 天", "at most 30 days")).default(86_400),
});
const ReissueRequestBody = z.strictObject({ root: Root, signature: HexSignature });
/** what the routes answer (schema.response) */
const Consent = z.object({ tokenId: z.string(), newHolder: z.string(), newResultRoot: z.string(), deadline: z.number().int() });
const Prepared = z.object({
  root: z.string(),
  tokenId: z.string(),
  newTokenId: z.string(),
  consent: Consent,
  typedData: z
    .object({ domain: z.record(z.string(), z.unknown()), types: z.record(z.string(), z.unknown()), primaryType: z.string(), message: Consent })
    .describe("EIP-712 typed data the new wallet signs (sdk reissueConsentTypedData)"),
});
const Requested = z.object({ root: z.string(), status: z.literal("requested"), newHolder: z.string(), deadline: z.number().int() });
const Reissued = DossierSummary.extend({ txHash: z.string(), previousTokenId: z.string(), tokenId: z.string() });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);
const ReissueExecuteBody = z.strictObject({ root: Root.optional(), note: Note }).optional();

export async function reissueRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/reissue/prepare", { onRequest: signedIn, schema: { params: DossierIdParams, body: ReissuePrepareBody, response: { 200: Prepared, ...ERRORS } } }, async (req) => {
    const s = sessionOf(req);
    const body = req.body;
    const { d, actor } = reissueParty(db, s, req.params.id);
    if (actor.role === "operator" && body.identityCheck === undefined) {
      throw unprocessable(
        "identity-check",
        { zh: "认定主体代持证人办理补发时，须写明如何核验了持证人身份", en: "an operator preparing a re-issue for the holder must say how the holder's identity was checked" },
        [{ field: "body.identityCheck", path: ["body", "identityCheck"], zh: "必填", en: "required" }],
      );
    }
    assertLegal("reissue", d.state);
    if (body.newHolder === holderOf(d)) {
      throw unprocessable("same-holder", { zh: "新钱包不能与当前持证钱包相同", en: "the new wallet must differ from the current one" }, [{ field: "body.newHolder", path: ["body", "newHolder"], zh: "与当前钱包相同", en: "the current wallet" }]);
    }
    const chain = requireSigner(ctx);
    // The new credential commits to the same evaluation as the certificate's current root (a renewal's, if renewed)
    const current = latestCredential(db, d.id);
    const source = getDossier(db, current?.source_dossier_id ?? d.id) ?? d;
    const evaluation = JSON.parse(source.evaluation_json ?? "null") as Evaluation | null;
    if (!evaluation) throw conflict("not-issuable", { zh: "没有可用的评价结果", en: "no evaluation to re-issue from" });
    const sourceDossier = JSON.parse(source.dossier_json) as Dossier;
    const panel = await ctx.terms.checkPanel(source, sourceDossier);
    const built = buildCredential({ evaluation, dossier: sourceDossier, sheets: panel.accepted });
    if (!built.ok) throw unprocessable("credential", { zh: "无法生成凭证", en: "cannot build the credential" }, fieldProblems(built.errors));
    const deadline = (await onChain(() => chainNow(ctx))) + body.validForSeconds;
    const consent = { tokenId: BigInt(d.token_id!), newHolder: body.newHolder, newResultRoot: built.value.root, deadline };
    db.transaction(() => {
      insertPreparedReissue(db, {
        root: built.value.root,
        dossierId: d.id,
        tokenId: d.token_id!,
        newHolder: body.newHolder,
        deadline,
        credentialJson: JSON.stringify(built.value.credential),
        sourceDossierId: source.id,
        requestedBy: s.address,
        at: ctx.now(),
      });
      audit(db, { dossierId: d.id, actor, action: "reissue-prepared", details: { newHolder: body.newHolder, root: built.value.root, deadline, ...(actor.role === "operator" ? { identityCheck: body.identityCheck } : {}) } });
    })();
    const typed = reissueConsentTypedData(chain.deployment.chainId, chain.address, consent);
    return {
      root: built.value.root,
      tokenId: d.token_id!,
      newTokenId: certificateNumberOf(ctx.config.bodyId, built.value.root).toString(),
      consent: { ...consent, tokenId: d.token_id! },
      typedData: { domain: typed.domain, types: typed.types, primaryType: typed.primaryType, message: { ...consent, tokenId: d.token_id! } },
    };
  });

  r.post("/dossiers/:id/reissue/request", { onRequest: signedIn, schema: { params: DossierIdParams, body: ReissueRequestBody, response: { 200: Requested, ...ERRORS } } }, async (req) => {
    const s = sessionOf(req);
    const body = req.body;
    const { d, actor } = reissueParty(db, s, req.params.id);
    assertLegal("reissue", d.state);
    const row = reissueOf(db, d.id, body.root);
    if (!row || row.status !== "prepared" || row.token_id !== d.token_id) throw conflict("no-prepared-reissue", { zh: "没有待签署的补发申请（请先 prepare）", en: "no prepared re-issue with this root (prepare first)" });
    const chain = requireChain(ctx);
    const consent = { tokenId: BigInt(row.token_id), newHolder: getAddress(row.new_holder), newResultRoot: row.root, deadline: row.deadline };
    const ok = await onChain(() => chain.verifyReissueConsent(consent, body.signature));
    if (!ok) throw unprocessable("consent-signature", { zh: "同意书签名不是新钱包所签", en: "the consent is not signed by the new wallet" }, [{ field: "body.signature", path: ["body", "signature"], zh: "签名无效", en: "invalid signature" }]);
    db.transaction(() => {
      if (!markReissueRequested(db, d.id, row.root, body.signature, ctx.now())) throw conflict("no-prepared-reissue", { zh: "补发申请已变更", en: "the re-issue changed meanwhile" });
      audit(db, { dossierId: d.id, actor, action: "reissue-requested", details: { newHolder: row.new_holder, root: row.root } });
    })();
    return { root: row.root, status: "requested" as const, newHolder: row.new_holder, deadline: row.deadline };
  });

  r.post("/dossiers/:id/reissue", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: ReissueExecuteBody, response: { 200: Reissued, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body ?? {};
    assertLegal("reissue", d.state);
    const row = requestedReissue(db, d.id, body.root);
    if (!row || !row.signature || row.token_id !== d.token_id) throw conflict("no-reissue-request", { zh: "持证人尚未提交补发申请及新钱包同意书", en: "the holder has not requested a re-issue with the new wallet's consent" });
    if ((await onChain(() => chainNow(ctx))) > row.deadline) throw conflict("consent-expired", { zh: "新钱包同意书已过期，请持证人重新申请", en: "the new wallet's consent has expired: the holder must request again" }, { deadline: row.deadline });
    const consent = { tokenId: BigInt(row.token_id), newHolder: getAddress(row.new_holder), newResultRoot: row.root, deadline: row.deadline };
    const signature = row.signature;
    const sent = await runLifecycle(ctx, d, actor, { command: "reissue", root: row.root, note: body.note }, (chain) => chain.reissueCertificate(consent, signature));
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash, previousTokenId: d.token_id, tokenId: certificateNumberOf(ctx.config.bodyId, row.root).toString() };
  });
}
