/**
 * Objections (异议) during public notice: anyone signed in files one with a statement they signed (EIP-712
 * `ObjectionStatement`, sdk/eip712.ts); the body relays it on-chain and resolves it.
 *
 * The body's key pays the gas of the relay, so filing is bounded (OBJECTION_LIMITS, server/README.md), in the route
 * and, for the open ones, in SQL (migration 7's unique indexes): one open objection per filer and certificate and,
 * as the contract holds one at a time, one per certificate; after a dismissal the same filer files again only
 * citing evidence none of their earlier objections on the certificate cited; at most 3 objections per filer and
 * 10 in all per certificate go through the workbench (more can still be filed from one's own wallet, paying one's
 * own gas: the re-sync records them).
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { hashTypedData, type Address, type Hex } from "viem";
import { z } from "zod";
import { signedText } from "../../scoring";
import { objectionStatement, objectionTypedData, type CqoClient } from "../../sdk";
import { onChain, requireChain, requireSigner } from "../chain-calls";
import { noticeOnChain } from "../renewal-notice";
import { operatorOnly, signedIn, sessionOf, type Ctx, type RouteOptions } from "../context";
import { HttpError, conflict, notFound, unprocessable, type FieldProblem } from "../errors";
import { pendingIntents, type ObjectionRow } from "../lifecycle";
import { runLifecycle } from "../lifecycle-call";
import { rateLimit } from "../protection";
import { isSignedByWallet } from "../wallet-signature";
import { applicantNamesOf, dossierByToken, getDossier } from "../store/dossiers";
import { getObjection, insertFilingObjection, markNotFiled, objectionBySignedDigest, objectionsOnCurrentResult } from "../store/objections";
import { dossierSummary, objectionView } from "../views";
import { assertNotErased } from "../erasure";
import { assertLegal, type Actor } from "../workflow";
import { bodyEvidence, filerEvidence } from "./evidence-ref";
import { HexSignature, Note, Sha256Input, bi } from "./inputs";
import { RevocationReason } from "./lifecycle";
import { changeCounter } from "../store/changes";
import { objectionsCount, objectionsPage } from "../store/objections";
import { Limit, TOTAL_CAP, changeToken, cursorOf, isTime, listOf, notModified, pageOf, queryOf } from "./pages";
import { errors } from "../openapi";
import { DossierSummary, NotModified, ObjectionView, pageSchema } from "./schemas";

/** what the routes answer (schema.response) */
const Filed = ObjectionView.extend({ txHash: z.string() });
const Resolved = ObjectionView.extend({ dossier: DossierSummary, txHash: z.string() });
/**
 * GET /objections lists the name of the applicant objected to for operators only (names before addresses, issue
 * #14); a filer sees their own objections without it: the public notice shows a name only with the holder's consent.
 * The filer has no name here: anyone signed in may object, and the workbench asks nobody for one.
 */
const ListedObjection = ObjectionView.extend({ applicantName: z.string().nullable().optional().describe("申报人姓名：仅操作员可见，已删除个人信息时为 null / the applicant's name: operators only, null once erased") });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

/** What one filer, and everyone together, may file through the workbench (documented in server/README.md). */
export const OBJECTION_LIMITS = {
  /** objections of one filer on one certificate (every status but not-filed), the first included */
  perFilerPerCertificate: 3,
  /** objections on one certificate in all; beyond, file from your own wallet (the contract takes anyone's) */
  perCertificate: 10,
  /** open (filing or filed) objections on one certificate: the contract holds one at a time */
  openPerCertificate: 1,
  /** a signed statement's issuedAt: at most this old … */
  maxAgeSeconds: 600,
  /** … and at most this far ahead of the workbench's clock */
  maxFutureSeconds: 120,
} as const;

const ObjectionBody = z.strictObject({
  tokenId: z.string().regex(/^[1-9][0-9]{0,19}$/, bi("证书编号应为不超过 20 位的十进制数", "a certificate number is up to 20 decimal digits")),
  // signed as typed: refused, not normalised, unless NFC (normalising would break the signature)
  // no invisible or control characters (bidi overrides, zero-width, NUL), and NFC as signed
  statement: signedText({ min: 1, max: 2000, multiline: true }),
  evidence: Sha256Input.optional(),
  signature: HexSignature,
  issuedAt: z
    .number(bi("签名时间应为 Unix 秒数", "issuedAt is unix seconds"))
    .int(bi("签名时间应为 Unix 秒数", "issuedAt is unix seconds"))
    .positive(bi("签名时间应为 Unix 秒数", "issuedAt is unix seconds"))
    .max(2 ** 40 - 1, bi("签名时间超出 uint40", "issuedAt exceeds uint40")),
});
/** GET /objections: oldest first (the order they are handled in), a page at a time; `status=filing,filed` for the open ones */
const OBJECTION_STATUSES = ["filing", "filed", "upheld", "dismissed", "not-filed"] as const satisfies readonly ObjectionRow["status"][];
const ObjectionListQuery = queryOf({
  limit: Limit,
  cursor: cursorOf<number>((p) => (p.length === 1 && isTime(p[0]) ? p[0] : null)).optional(),
  status: listOf(OBJECTION_STATUSES, bi(`未知状态，可选：${OBJECTION_STATUSES.join("、")}`, `unknown status; known: ${OBJECTION_STATUSES.join(", ")}`)).optional(),
});
const ObjectionParams = z.strictObject({ objectionId: z.coerce.number().int().positive() });
const ResolveBody = z
  .strictObject({ upheld: z.boolean(), reason: RevocationReason.optional(), evidence: Sha256Input.optional(), note: Note })
  .refine((b) => !b.upheld || b.reason !== undefined, { path: ["reason"], message: bi("异议成立须给出撤销理由", "an upheld objection needs a revocation reason") });

const field = (name: string, zh: string, en: string): FieldProblem => ({ field: `body.${name}`, path: ["body", name], zh, en });
const isOpen = (o: ObjectionRow) => o.status === "filing" || o.status === "filed";
const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const replayed = () =>
  new HttpError(409, "objection-replayed", { zh: "该签名异议书已提交过，请重新签名", en: "this signed statement was filed before: sign a new one" }, [
    field("signature", "签名已使用过", "this signature was used before"),
  ]);
const openOfFiler = () => conflict("objection-open", { zh: "您对该证书已有一项待处理的异议", en: "you already have an open objection on this certificate" });
const openOnCertificate = () =>
  conflict("certificate-under-objection", { zh: "该证书已有一项待处理的异议，请待其处理后再提出", en: "the certificate is already under an open objection: file again once it is resolved" }, { limit: OBJECTION_LIMITS.openPerCertificate });

/** The route's limits, then the row, in one SQLite transaction (no await): two requests cannot both pass. */
function insertChecked(ctx: Ctx, row: Parameters<typeof insertFilingObjection>[1], evidence: string | null): number {
  const { db } = ctx;
  return db.transaction(() => {
    if (objectionBySignedDigest(db, row.evidenceHash)) throw replayed();
    const earlier = objectionsOnCurrentResult(db, row.dossierId, row.tokenId);
    const mine = earlier.filter((o) => sameAddress(o.filer, row.filer));
    if (mine.some(isOpen)) throw openOfFiler();
    if (earlier.filter(isOpen).length >= OBJECTION_LIMITS.openPerCertificate) throw openOnCertificate();
    if (mine.length >= OBJECTION_LIMITS.perFilerPerCertificate) {
      throw conflict("objection-limit", { zh: `每人对同一证书最多提出 ${OBJECTION_LIMITS.perFilerPerCertificate} 项异议`, en: `at most ${OBJECTION_LIMITS.perFilerPerCertificate} objections per filer and certificate` }, { scope: "filer", limit: OBJECTION_LIMITS.perFilerPerCertificate });
    }
    if (earlier.length >= OBJECTION_LIMITS.perCertificate) {
      throw conflict(
        "objection-limit",
        { zh: `该证书经本工作台提出的异议已达 ${OBJECTION_LIMITS.perCertificate} 项；仍可用自己的钱包直接向合约提出`, en: `the certificate has had ${OBJECTION_LIMITS.perCertificate} objections through this workbench; you can still file from your own wallet, straight to the contract` },
        { scope: "certificate", limit: OBJECTION_LIMITS.perCertificate },
      );
    }
    if (mine.some((o) => o.status === "dismissed")) {
      const cited = new Set(mine.map((o) => o.evidence).filter((e): e is string => e !== null));
      if (evidence === null || cited.has(evidence)) {
        throw unprocessable("evidence-not-new", { zh: "您对该证书的异议已被驳回：再次提出须附新的证据", en: "your objection on this certificate was dismissed: filing again needs new evidence" }, [
          evidence === null
            ? field("evidence", "须附此前异议未引用过的证据文件", "cite an evidence file none of your earlier objections cited")
            : field("evidence", "该证据已在您此前的异议中引用过", "your earlier objection already cited this evidence"),
        ]);
      }
    }
    try {
      return insertFilingObjection(db, row);
    } catch (err) {
      // the same limits in SQL (migration 7): reached only if another writer got past the checks above
      const code = (err as { code?: string }).code;
      if (code !== "SQLITE_CONSTRAINT_UNIQUE") throw err;
      const message = (err as Error).message;
      if (message.includes("evidence_hash")) throw replayed();
      if (message.includes("filer")) throw openOfFiler();
      throw openOnCertificate();
    }
  })();
}

export async function objectionRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/objections", { onRequest: signedIn, schema: { body: ObjectionBody, response: { 201: Filed, ...ERRORS } }, config: { rateLimit: rateLimit("objection") } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    // the certificate number is public (公示): answering whether it is ours discloses nothing new
    const d = dossierByToken(db, body.tokenId);
    if (!d) throw notFound(`certificate ${body.tokenId} of this body`);
    assertNotErased(db, d.id);
    assertLegal("file-objection", d.state);
    // past its first notice a certificate is open to objections only while a new result's notice runs (a renewal's
    // or a re-issue's own): the chain says so
    if (d.state !== "in-notice" && !(await onChain(() => noticeOnChain(requireChain(ctx), d.token_id!))).inNotice) {
      throw conflict("not-in-notice", { zh: "该证书不在公示期内，不能提出异议；如有问题请向认定主体或协会举报", en: "this certificate is not in public notice: objections are closed (report a concern to the body or the association)" });
    }
    const now = Math.floor(ctx.now() / 1000);
    if (body.issuedAt < now - OBJECTION_LIMITS.maxAgeSeconds || body.issuedAt > now + OBJECTION_LIMITS.maxFutureSeconds) {
      throw unprocessable("objection-stale", { zh: "异议书签名时间过早或晚于当前时间，请重新签名", en: "the statement was signed too long ago or in the future: sign it again" }, [
        field("issuedAt", `应在当前时间前 ${OBJECTION_LIMITS.maxAgeSeconds} 秒内`, `must be within ${OBJECTION_LIMITS.maxAgeSeconds} s before now (${now})`),
      ]);
    }
    const evidence = body.evidence ?? null;
    if (evidence !== null) filerEvidence(ctx, s, d.id, evidence); // uploaded (and the caller's to cite: server/routes/evidence-ref.ts)
    const chain = requireSigner(ctx);
    const filerAddress = s.address as Address;
    const statement = objectionStatement({ tokenId: d.token_id!, filer: filerAddress, statement: body.statement, evidence, issuedAt: body.issuedAt });
    const typed = objectionTypedData(chain.deployment.chainId, chain.address, statement);
    // the on-chain evidence hash: the digest the filer signed, so their signature proves the objection theirs
    const digest = hashTypedData(typed);
    if (!(await isSignedByWallet(chain, typed, digest, body.signature, filerAddress))) {
      throw unprocessable("objection-signature", { zh: "异议书签名不是当前登录账户所签", en: "the statement is not signed by the signed-in wallet" }, [
        field("signature", "签名与异议书（ObjectionStatement）或登录账户不符", "the signature does not match the ObjectionStatement or the signed-in wallet"),
      ]);
    }
    const signedJson = JSON.stringify({ domain: typed.domain, primaryType: typed.primaryType, message: { ...statement, tokenId: statement.tokenId.toString() } });
    const filer: Actor = { address: s.address, role: "public" };
    const objectionId = insertChecked(
      ctx,
      { dossierId: d.id, tokenId: d.token_id!, filer: s.address, statement: body.statement, evidence, evidenceHash: digest, signature: body.signature, signedJson, at: ctx.now() },
      evidence,
    );
    try {
      // relayed by the body's key: the filer is recorded here and in the audit log, the signed digest on-chain
      const sent = await runLifecycle(ctx, d, filer, { command: "file-objection", objectionId }, (c) => c.fileObjection(d.token_id!, digest));
      return reply.status(201).send({ ...objectionView(getObjection(db, objectionId)!), txHash: sent.hash });
    } catch (err) {
      // a refusal never reached the chain; nor did anything that failed before its intent was written (the chain
      // down while older intents were settled): only a pending intent means the chain may have heard of it
      const mayBeOnChain = pendingIntents(db).some((i) => i.params.command === "file-objection" && i.params.objectionId === objectionId);
      if ((err instanceof HttpError && err.status !== 503) || !mayBeOnChain) markNotFiled(db, objectionId);
      throw err;
    }
  });

  // operators: all; anyone else: the ones they filed. A page at a time; 304 while no objection changed
  r.get("/objections", { onRequest: signedIn, schema: { querystring: ObjectionListQuery, response: { 200: pageSchema(ListedObjection), 304: NotModified, ...errors(400, 401) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const { limit, cursor, status } = req.query;
    if (notModified(req, reply, changeToken(db, s, changeCounter(db, "objections"), req.query))) return reply.code(304).send();
    const filter = { ...(s.operator ? {} : { filer: s.address }), ...(status ? { statuses: status } : {}) };
    const rows = objectionsPage(db, filter, cursor ?? 0, limit + 1);
    const names = s.operator ? applicantNamesOf(db, rows.slice(0, limit).map((o) => o.dossier_id)) : null;
    const view = (o: ObjectionRow) => ({ ...objectionView(o), ...(names ? { applicantName: names.get(o.dossier_id) ?? null } : {}) });
    return pageOf(rows, limit, view, (o) => [o.id], cursor === undefined ? objectionsCount(db, filter, TOTAL_CAP) : undefined);
  });

  r.post("/objections/:objectionId/resolve", { onRequest: operatorOnly, schema: { params: ObjectionParams, body: ResolveBody, response: { 200: Resolved, ...ERRORS } } }, async (req) => {
    const s = sessionOf(req);
    const { objectionId } = req.params;
    const body = req.body;
    const o = getObjection(db, objectionId);
    if (!o) throw notFound(`objection ${objectionId}`);
    if (o.status !== "filed") throw conflict("objection-not-open", { zh: "该异议不在待处理状态", en: "this objection is not open" }, { status: o.status });
    const d = getDossier(db, o.dossier_id)!;
    assertLegal("resolve-objection", d.state);
    // an objection is a third party's: upholding one is never "at the holder's request" (server/routes/holder-requests.ts)
    if (body.upheld && body.reason === "HolderRequest") {
      throw unprocessable("no-holder-request", { zh: "异议成立的撤销理由不能是“持证人申请”", en: "an upheld objection cannot revoke with the reason HolderRequest" }, [field("reason", "请选择异议所证实的理由", "choose the reason the objection proved")]);
    }
    const hash = bodyEvidence(ctx, s, d.id, body.evidence);
    const actor: Actor = { address: s.address, role: "operator" };
    const decision = body.upheld ? { upheld: true as const, reason: body.reason! } : { upheld: false as const };
    const sent = await runLifecycle(
      ctx,
      d,
      actor,
      { command: "resolve-objection", objectionId, upheld: body.upheld, reason: body.upheld ? body.reason! : null, evidence: body.evidence ?? null, note: body.note },
      (chain) => chain.resolveObjection(d.token_id!, decision, hash),
    );
    return { ...objectionView(getObjection(db, objectionId)!), dossier: dossierSummary(getDossier(db, d.id)!), txHash: sent.hash };
  });
}
