/**
 * 工作单位变更报告 (issue #13): the holder reports a change of employer on its own, at any time between annual
 * reviews, signed in the wallet as EIP-712 (sdk/employer-change.ts: the request body's schema too), checked as the
 * annual report is (an EOA's or an ERC-1271 wallet's signature of the signed-in wallet, within
 * REPORT_SIGNED_WINDOW of the workbench's clock, each signature filed once). A filed report puts the certificate
 * into the body's review queue at once (GET /reviews, reason `employer-changed`) and sends the reminder webhook,
 * until the body records a review after it (POST /dossiers/:id/review). The report is personal data: sealed at
 * rest (server/store/employer-changes.ts), erased with the dossier (server/erasure.ts), never in the audit
 * log or the webhook.
 *
 * Registered by server/routes/reviews.ts's plugin (its queue and reminders are the ones a report feeds).
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { hashTypedData, type Address } from "viem";
import { z } from "zod";
import { EmployerChangeFields, employerChange, employerChangeTypedData } from "../../sdk/employer-change";
import type { Session } from "../auth";
import { chainNow, onChain, requireChain } from "../chain-calls";
import { signedIn, sessionOf, type Ctx, type RouteOptions } from "../context";
import { assertNotErased } from "../erasure";
import { conflict, notFound, unprocessable, type FieldProblem } from "../errors";
import { errors } from "../openapi";
import { canonicalSignature } from "../signatures";
import { holderOf, type DossierRow } from "../store/dossiers";
import * as store from "../store/employer-changes";
import { isSignedByWallet } from "../wallet-signature";
import { audit } from "../workflow";
import { visibleDossier } from "./access";
import { DossierIdParams, HexSignature } from "./inputs";

const DAY = 86_400;
/** a report's signedAt: within this many seconds of the workbench's clock, either way (as the annual report's) */
export const EMPLOYER_CHANGE_SIGNED_WINDOW = 600;
/** the date of a change is the holder's calendar date, in China (UTC+8) */
const CHINA_OFFSET_MS = 8 * 3600_000;

const Body = EmployerChangeFields.extend({ signature: HexSignature });

export const EmployerChangeContent = z.object({ newEmployerName: z.string(), newEmployerUscc: z.string(), stillCqo: z.boolean(), changedOn: z.string(), statement: z.string() });
export const EmployerChangeView = z.object({
  id: z.number(),
  dossierId: z.string(),
  tokenId: z.string(),
  signedAt: z.number(),
  receivedAt: z.number(),
  signature: z.string(),
  /** a review was recorded after it: no longer a reason for the queue */
  reviewed: z.boolean(),
  content: EmployerChangeContent,
});

export const employerChangeView = (r: store.StoredEmployerChange): z.infer<typeof EmployerChangeView> => ({
  id: r.id,
  dossierId: r.dossierId,
  tokenId: r.tokenId,
  signedAt: r.signedAt,
  receivedAt: r.receivedAt,
  signature: r.signature,
  reviewed: r.reviewed,
  content: r.content,
});

/** what the reviews plugin's webhook delivers (server/routes/reviews.ts) */
export interface EmployerChangeReminder {
  kind: "employer-changed";
  tokenId: string;
  dossierId: string;
  dueAt: number;
  daysLeft: number;
  delivery: string;
}

export interface EmployerChangeRouteOptions extends RouteOptions {
  /** sends the reminder of a report just filed (after its commit) */
  remind?: (r: EmployerChangeReminder) => void;
}

const field = (name: string, zh: string, en: string): FieldProblem => ({ field: `body.${name}`, path: ["body", name], zh, en });

/** The holder's certificate: theirs, issued on-chain, not revoked (anyone else: 404, its existence undisclosed). */
export function holderCertificate(ctx: Ctx, s: Session, id: string): DossierRow {
  const d = visibleDossier(ctx.db, s, id);
  if (holderOf(d) !== s.address || !d.token_id || !["in-notice", "issued", "suspended"].includes(d.state)) throw notFound(`certificate of dossier ${id} held by you`);
  assertNotErased(ctx.db, d.id);
  return d;
}

export async function employerChangeRoutes(app: FastifyInstance, { ctx, remind }: EmployerChangeRouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.get(
    "/dossiers/:id/employer-changes",
    { onRequest: signedIn, schema: { summary: "持证人的工作单位变更报告 / the holder's change of employer reports", params: DossierIdParams, response: { 200: z.object({ items: z.array(EmployerChangeView) }), ...errors(400, 401, 404) } } },
    async (req) => {
      const s = sessionOf(req);
      const d = visibleDossier(db, s, req.params.id);
      if (!s.operator && holderOf(d) !== s.address) throw notFound(`dossier ${d.id}`);
      return { items: store.employerChangesOf(db, d.id).map(employerChangeView) };
    },
  );

  r.post(
    "/dossiers/:id/employer-change",
    {
      onRequest: signedIn,
      schema: {
        summary: "报告工作单位变更（EIP-712 签名），证书进入年审队列 / report a change of employer (EIP-712 signed): the certificate joins the review queue",
        params: DossierIdParams,
        body: Body,
        response: { 201: EmployerChangeView, ...errors(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (req, reply) => {
      const s = sessionOf(req);
      const body = req.body;
      const d = holderCertificate(ctx, s, req.params.id);
      const nowMs = ctx.now();
      const now = Math.floor(nowMs / 1000);
      if (Math.abs(body.signedAt - now) > EMPLOYER_CHANGE_SIGNED_WINDOW) {
        throw unprocessable("report-stale", { zh: "工作单位变更报告的签名时间与当前时间相差过大，请重新签名", en: "the report was signed too long ago or in the future: sign it again" }, [
          field("signedAt", `应在当前时间前后 ${EMPLOYER_CHANGE_SIGNED_WINDOW} 秒内`, `must be within ${EMPLOYER_CHANGE_SIGNED_WINDOW} s of now (${now})`),
        ]);
      }
      const today = new Date(nowMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
      if (body.changedOn > today) throw unprocessable("change-in-future", { zh: "变更日期不能晚于今天", en: "the date of the change cannot be after today" }, [field("changedOn", `不能晚于 ${today}`, `must not be after ${today}`)]);
      const chain = requireChain(ctx);
      const { signature: signed, ...fields } = body;
      const message = employerChange({ ...fields, holder: s.address, tokenId: d.token_id!, dossierId: d.id });
      const typed = employerChangeTypedData(chain.deployment.chainId, chain.address, message);
      const digest = hashTypedData(typed);
      if (!(await isSignedByWallet(chain, typed, digest, signed, s.address as Address))) {
        throw unprocessable("report-signature", { zh: "工作单位变更报告的签名不是当前登录账户所签", en: "the report is not signed by the signed-in wallet" }, [
          field("signature", "签名与工作单位变更报告（EmployerChange）或登录账户不符", "the signature does not match the EmployerChange report or the signed-in wallet"),
        ]);
      }
      // one report per signed message: the signature as stored with a canonical v, so a re-encoded one is the same
      const signature = canonicalSignature(signed);
      if (store.employerChangeBySignature(db, signature)) throw conflict("report-replayed", { zh: "该签名的工作单位变更报告已提交过", en: "this signed report was filed before" });
      const v = await onChain(() => chain.verifyCertificate(d.token_id!));
      // the queue holds it until a review is recorded: a certificate without a review due could never leave it
      if (v.nextReviewDue === 0) throw conflict("no-review-due", { zh: "该证书目前没有年审安排（如仍在公示期），请在公示结束后报告或直接联系认定主体", en: "no annual review is scheduled for this certificate (in public notice?): report after the notice, or contact the body" });
      const chainTime = await onChain(() => chainNow(ctx));
      const content = { newEmployerName: fields.newEmployerName, newEmployerUscc: fields.newEmployerUscc, stillCqo: fields.stillCqo, changedOn: fields.changedOn, statement: fields.statement };
      const id = db.transaction(() => {
        // checked again under the write lock: a concurrent replay passed the check above during the chain reads
        if (store.employerChangeBySignature(db, signature)) throw conflict("report-replayed", { zh: "该签名的工作单位变更报告已提交过", en: "this signed report was filed before" });
        // the audit log says that a report came, not what it says (that is sealed)
        audit(db, { dossierId: d.id, actor: { address: s.address, role: "applicant" }, action: "employer-change", details: { tokenId: d.token_id, dueAt: v.nextReviewDue, digest } });
        return store.insertEmployerChange(db, { dossierId: d.id, tokenId: d.token_id!, holder: s.address, content, signature, signedAt: body.signedAt, receivedAt: nowMs, auditId: store.lastAuditId(db) });
      })();
      // after the commit nothing may fail: the chain's clock was read before it
      remind?.({ kind: "employer-changed", tokenId: d.token_id!, dossierId: d.id, dueAt: v.nextReviewDue, daysLeft: Math.floor((v.nextReviewDue - chainTime) / DAY), delivery: "none" });
      return reply.status(201).send(employerChangeView(store.employerChangesOf(db, d.id).find((x) => x.id === id)!));
    },
  );
}
