/**
 * What a holder asks of the body about their own certificate (监督管理, issue #13):
 * - 撤销申请: revocation at the holder's request. The holder cannot revoke on-chain themselves (a thief of their key
 *   could, or a holder could pre-empt a Fraud revocation: server/SECURITY.md), so they ask; the body revokes with
 *   reason `HolderRequest`, which the workbench accepts only while such a request is open.
 * - 复评: the renewal dossier pre-filled from the certificate's own dossier, to apply again under the current
 *   rulebook (a new panel, a new public notice; `POST /dossiers/:id/renew` then keeps the certificate's number).
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Dossier } from "../../scoring";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import type { Db } from "../db";
import { assertNotErased } from "../erasure";
import { conflict, notFound } from "../errors";
import { errors } from "../openapi";
import type { RulebookSet } from "../rulebooks";
import { REVOCATION_REQUEST_REASONS, closeStaleRevocationRequests, insertRevocationRequest, openRevocationRequest, openRevocationRequests, revocationRequestById, type HolderRequestRow } from "../store/holder-requests";
import { applicantNamesOf, getDossier, holderOf, type DossierRow } from "../store/dossiers";
import type { Session } from "../auth";
import { audit } from "../workflow";
import { DossierIdParams, Note, bi } from "./inputs";

const RequestBody = z.strictObject({
  reason: z.enum(REVOCATION_REQUEST_REASONS, bi(`撤销原因应为：${REVOCATION_REQUEST_REASONS.join("、")}`, `reason must be one of: ${REVOCATION_REQUEST_REASONS.join(", ")}`)),
  note: Note,
});
const RequestView = z.object({ id: z.number().int(), dossierId: z.string(), tokenId: z.string(), holder: z.string(), reason: z.enum(REVOCATION_REQUEST_REASONS), status: z.enum(["open", "done"]), createdAt: z.number() });
const RenewalDraft = z.object({
  from: z.string().describe("the certificate's dossier"),
  tokenId: z.string(),
  rulebook: z.string().describe("the current version of the rulebook the certificate was decided under"),
  dossier: z.unknown().describe("the dossier to review, correct and submit again (POST /dossiers): the applicant's own facts, without the body's findings, the number or the pledge — a new declaration is signed"),
});

/** states whose certificate is on-chain and in force or suspended: what a holder may ask to revoke or renew */
const HELD = ["issued", "suspended"] as const;

const requestView = (r: HolderRequestRow): z.infer<typeof RequestView> => ({ id: r.id, dossierId: r.dossier_id, tokenId: r.token_id, holder: r.holder, reason: r.reason, status: r.status, createdAt: r.created_at });

/** The holder's own dossier with a certificate in force or suspended; anyone else (the body's staff too): 404. */
function heldDossier(db: Db, s: Session, id: string): DossierRow {
  const d = getDossier(db, id);
  if (!d || holderOf(d) !== s.address || !d.token_id) throw notFound(`dossier ${id}`);
  assertNotErased(db, d.id);
  if (!(HELD as readonly string[]).includes(d.state)) throw conflict("no-certificate-in-force", { zh: "该申报没有有效或暂停中的证书", en: "this dossier has no certificate in force or suspended" }, { state: d.state });
  return d;
}

/** The newest loaded version of the rulebook `key` (`id@version`) belongs to: what a re-evaluation is scored under. */
export function currentVersionOf(rulebooks: RulebookSet, key: string): string {
  const id = key.slice(0, key.lastIndexOf("@"));
  const versions = [...rulebooks.keys()].filter((k) => k.startsWith(`${id}@`));
  return versions.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).at(-1) ?? key;
}

export async function holderRequestRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/revocation-request", { onRequest: signedIn, schema: { params: DossierIdParams, body: RequestBody, response: { 201: RequestView, ...errors(400, 401, 404, 409) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const d = heldDossier(db, s, req.params.id);
    const id = db.transaction(() => {
      closeStaleRevocationRequests(db, d.id, d.token_id!, s.address, ctx.now());
      if (openRevocationRequest(db, d.id)) throw conflict("request-open", { zh: "您已提交撤销申请，请等待认定主体处理", en: "your revocation request is already with the body" });
      const n = insertRevocationRequest(db, { dossierId: d.id, tokenId: d.token_id!, holder: s.address, reason: req.body.reason, at: ctx.now() });
      audit(db, { dossierId: d.id, actor: { address: s.address, role: "applicant" }, action: "request-revocation", from: d.state, to: d.state, details: { reason: req.body.reason, note: req.body.note } });
      return n;
    })();
    return reply.status(201).send(requestView(revocationRequestById(db, id)!));
  });

  // the operator's list names each holder, as the other queues do (the name beside the dossier; null once erased)
  const Listed = RequestView.extend({ applicantName: z.string().nullable(), personalData: z.enum(["shown", "erased"]) });
  r.get("/revocation-requests", { onRequest: operatorOnly, schema: { response: { 200: z.object({ items: z.array(Listed) }), ...errors(401, 403) } } }, async () => {
    const rows = openRevocationRequests(db, 500);
    const names = applicantNamesOf(db, rows.map((x) => x.dossier_id));
    return {
      items: rows.map((x) => {
        const name = names.get(x.dossier_id) ?? null;
        return { ...requestView(x), applicantName: name, personalData: name === null ? ("erased" as const) : ("shown" as const) };
      }),
    };
  });

  r.get("/dossiers/:id/renewal-draft", { onRequest: signedIn, schema: { params: DossierIdParams, response: { 200: RenewalDraft, ...errors(400, 401, 404, 409) } } }, async (req) => {
    const d = heldDossier(db, sessionOf(req), req.params.id);
    const previous = JSON.parse(d.dossier_json) as Dossier;
    // the applicant's facts, to review and bring up to date; the pledge is signed anew with the new dossier
    const dossier: Dossier = { ...previous, dossierId: "pending", review: { falseMaterials: false }, records: { ...previous.records, integrity: { ...previous.records.integrity, pledgeSigned: false } } };
    return { from: d.id, tokenId: d.token_id!, rulebook: currentVersionOf(ctx.rulebooks, d.rulebook_key), dossier };
  });
}
