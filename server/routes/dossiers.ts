/** Dossiers: 申请 (submit), the inbox, one dossier with its audit log, 受理 / 不予受理, and the holder's credential. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { dossierHash, dossierProblemsUnder, parseDossier, text, type Dossier, type Evaluation } from "../../scoring";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import { conflict, fieldProblems, invalidInput, notFound, unprocessable, type FieldProblem } from "../errors";
import { getAddress } from "viem";
import type { Session } from "../auth";
import type { Db } from "../db";
import { changeCounter, lastAuditId } from "../store/changes";
import { auditCount, auditPage, dossierJsonColumns, getDossier, holderOf, inboxCount, inboxOrder, inboxPage, insertDossier, latestCredential, nextDossierNumber, type AuditRow, type DossierListRow, type InboxFilter, type InboxKey } from "../store/dossiers";
import { latestOutboxOf } from "../store/issuance";
import { objectionsOf } from "../store/objections";
import { isRoundMember, panelOf, roundSheets, sheetsBy } from "../store/panel";
import { reissuesOf } from "../store/reissues";
import { auditEntryForNonOperator, dossierSummary, objectionNoticeView, objectionView, reissueView } from "../views";
import { checkDeclaration, DeclarationInput } from "../declaration-check";
import { declarationBySignature, declarationOf, insertDeclaration } from "../store/declarations";
import { DeclarationView, declarationView } from "./notices";
import { STATES, assertLegal, audit, transition, type State } from "../workflow";
import { dossierAccess, operatorDossier, visibleDossier } from "./access";
import { applicantEvidence } from "./evidence-ref";
import { DossierIdParams, Note, bi } from "./inputs";
import { Flag, Limit, TOTAL_CAP, changeToken, cursorOf, isKey, isTime, listOf, notModified, pageOf, queryOf } from "./pages";
import { errors } from "../openapi";
import { AuditEntry, DossierSummary, NotModified, ObjectionNoticeView, ObjectionView, ReissueView, pageSchema } from "./schemas";

// ---------------------------------------------------------------- what the routes answer (schema.response)

/** whether a row's personal data is shown: its name; erased (PIPL, server/erasure.ts); withheld (an assessor after the round) */
const PersonalData = z.enum(["shown", "erased", "withheld"]);
/** the lists lead with a name (issue #14) */
const NamedSummary = DossierSummary.extend({
  applicantName: z.string().nullable().describe("申报人姓名；已删除个人信息或无权查看时为 null / the applicant's name; null when erased or not this viewer's to see"),
  personalData: PersonalData.describe("shown：显示姓名；erased：个人信息已删除；withheld：评审轮次已结束 / shown; erased; withheld (an assessor's round is over)"),
});

const DossierFull = NamedSummary.extend({
  access: z.literal("full"),
  dossier: z.unknown().describe("申报材料 / the dossier JSON (scoring/dossier/schema.ts)"),
  dossierHash: z.string(),
  rulebookHash: z.string().nullable(),
  rejection: z.unknown().describe("不予受理理由 / the rejection's reasons [{ zh, en }], or null"),
  panel: z.array(
    z.object({
      address: z.string(),
      assessorId: z.string(),
      name: z.string(),
      sheetSubmitted: z.boolean(),
      employerUscc: z.string().optional().describe("登记的工作单位代码：仅操作员和该专家本人可见 / the registered employer code, for operators and the assessor themself only"),
    }),
  ),
  evaluation: z.unknown().describe("评价结果 / the evaluation (scoring/evaluate.ts), or null"),
  issuance: z
    .object({ status: z.enum(["queued", "sending", "issued", "failed"]), tokenId: z.string(), txHash: z.string().nullable(), blockNumber: z.number().int().nullable(), lastError: z.string().nullable() })
    .nullable(),
  reissues: z.array(ReissueView),
  objections: z.array(z.union([ObjectionView, ObjectionNoticeView])).describe("operators see objectionView, everyone else objectionNoticeView"),
  declaration: DeclarationView.nullable().describe("诚信承诺书 / the integrity declaration signed with the dossier, and the consent to publication in the notice"),
});
const DossierOwnSheet = NamedSummary.extend({
  access: z.literal("own-sheet"),
  mySheets: z.array(z.object({ round: z.number().int(), digest: z.string(), receivedAt: z.number(), sheet: z.unknown().describe("the signed score sheet (scoring/sheet)") })),
});
const DossierDetail = z.discriminatedUnion("access", [DossierFull, DossierOwnSheet]);
const Credential = z.object({ tokenId: z.string(), root: z.string(), credential: z.unknown().describe("the holder's credential file (scoring/credential)") });

const SubmitBody = z.strictObject({
  rulebook: z.string().min(1, bi("请指定评价方案", "name the rulebook")).max(100),
  dossier: z.unknown(),
  /** the integrity declaration signed in the wallet, with the separate consent to publication (server/declaration-check.ts) */
  declaration: DeclarationInput.optional(),
});

const AcceptBody = z.strictObject({ falseMaterials: z.boolean().optional(), note: Note }).optional();

const Reason = z.union([
  text({ min: 1, max: 1000, multiline: true }),
  z.strictObject({ zh: text({ min: 1, max: 1000, multiline: true }), en: text({ min: 1, max: 1000, multiline: true }) }),
]);
const RejectBody = z.strictObject({ reasons: z.array(Reason).min(1, bi("不予受理须说明至少一条理由", "a rejection needs at least one reason")).max(50), note: Note });

/** a placeholder for validation: the real number is assigned in the transaction that stores the dossier */
const PENDING_ID = "pending";

/** the series' year: the calendar year in China (UTC+8) */
const seriesYear = (ms: number) => new Date(ms + 8 * 3600_000).getUTCFullYear();

// ---------------------------------------------------------------- the inbox's query (GET /dossiers)

/** the states where each role acts next: `needsAction=true` */
export const NEEDS_ACTION: { operator: readonly State[]; assessor: readonly State[] } = {
  // 受理 / 不予受理, 指派评审组, 计算评价结果, 复审, 批准发证 (in-notice past its end: a later issue)
  operator: ["submitted", "accepted", "scored", "flagged", "evaluated"],
  assessor: ["assigned"],
};

const InboxCursor = cursorOf<InboxKey>((p) =>
  p[0] === "t" && p.length === 3 && isTime(p[1]) && isKey(p[2]) ? { by: "time", createdAt: p[1], id: p[2] } : p[0] === "n" && p.length === 2 && isKey(p[1]) ? { by: "number", id: p[1] } : null,
);
const WALLET = /^0x[0-9a-fA-F]{40}$/;
const InboxQuery = queryOf({
  limit: Limit,
  cursor: InboxCursor.optional(),
  /** one or several states: `state=submitted,accepted` or `state=submitted&state=accepted` */
  state: listOf(STATES, bi(`未知状态，可选：${STATES.join("、")}`, `unknown state; known: ${STATES.join(", ")}`)).optional(),
  needsAction: Flag.optional(),
  /** a dossier number's beginning (case-sensitive), or a wallet (any case): the applicant's or the holder's */
  q: z
    .string()
    .trim()
    .regex(/^(0x[0-9a-fA-F]{40}|[A-Za-z0-9._-]{1,64})$/, bi("搜索申报编号（可只填开头部分）或申报人的钱包地址", "search a dossier number (or its beginning) or an applicant's wallet address"))
    .optional(),
});

const AuditQuery = queryOf({ limit: Limit, cursor: cursorOf<number>((p) => (p.length === 1 && isTime(p[0]) ? p[0] : null)).optional() });

/**
 * The name of a listed dossier as this session may see it: as GET /dossiers/:id shows the dossier (routes/access.ts
 * dossierAccess): operators and the holder always; an assessor of the current round while it is open; nobody once
 * it was erased. Every row of a page was already drawn from what the session may list (store/dossiers.ts inboxQuery).
 */
function namedSummary(db: Db, s: Session, d: DossierListRow): z.output<typeof NamedSummary> {
  const full = s.operator || (d.holder ?? d.applicant) === s.address || (s.assessor && d.state === "assigned" && isRoundMember(db, d.id, d.round, s.address));
  const personalData = d.erased_at !== null ? "erased" : full ? "shown" : "withheld";
  return { ...dossierSummary(d), applicantName: personalData === "shown" ? d.applicant_name : null, personalData };
}

/** the filter a query asks for; null: nothing can match (e.g. needsAction for a role that acts on none) */
function inboxFilter(s: Session, q: z.output<typeof InboxQuery>): InboxFilter | null {
  let states: readonly State[] | undefined = q.state ? [...new Set(q.state)] : undefined;
  if (q.needsAction) {
    const acts = s.operator ? NEEDS_ACTION.operator : s.assessor ? NEEDS_ACTION.assessor : [];
    states = states ? states.filter((x) => acts.includes(x)) : acts;
    if (states.length === 0) return null;
  }
  const search = q.q;
  if (search && WALLET.test(search)) return { states, wallet: getAddress(search.toLowerCase()) };
  return { states, ...(search ? { numberPrefix: search } : {}) };
}

export async function dossierRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers", { onRequest: signedIn, schema: { body: SubmitBody, response: { 201: DossierSummary, ...errors(400, 401, 403, 422) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    const problems: FieldProblem[] = [];
    if (!ctx.rulebooks.has(body.rulebook)) {
      problems.push({ field: "body.rulebook", path: ["body", "rulebook"], zh: `未知评价方案，可选：${[...ctx.rulebooks.keys()].join("、")}`, en: `unknown rulebook; known: ${[...ctx.rulebooks.keys()].join(", ")}` });
    }
    // The number is the workbench's, in the body's own series: whatever the applicant put there is replaced, so
    // nobody can take, probe or guess another applicant's number.
    const submitted = body.dossier !== null && typeof body.dossier === "object" && !Array.isArray(body.dossier) ? { ...(body.dossier as Record<string, unknown>), dossierId: PENDING_ID } : body.dossier;
    const parsed = parseDossier(submitted);
    if (!parsed.ok) problems.push(...fieldProblems(parsed.errors, ["body", "dossier"]));
    // the rulebook's own input rules (rulebook/2: nothing dated after the application, one meaning of training hours)
    else if (ctx.rulebooks.has(body.rulebook)) problems.push(...fieldProblems(dossierProblemsUnder(ctx.rulebooks.get(body.rulebook)!.rulebook, parsed.value), ["body", "dossier"]));
    if (!body.declaration && ctx.config.requireDeclaration) {
      problems.push({ field: "body.declaration", path: ["body", "declaration"], zh: "请在钱包中签署诚信承诺书后再提交", en: "sign the integrity declaration in your wallet before submitting" });
    }
    if (problems.length || !parsed.ok) throw invalidInput(problems);
    const dossier = parsed.value;
    // signed over the dossier as parsed, before the body's findings and its number are set (sdk/declaration.ts)
    const declared = body.declaration ? await checkDeclaration(ctx, s.address, dossier, body.declaration) : null;
    // the signed declaration is the pledge (诚信承诺书): without one, what the dossier says stands (CQO_REQUIRE_DECLARATION=0)
    if (declared) dossier.records.integrity.pledgeSigned = true;
    // only files this applicant uploaded, whether or not someone else's exist (server/routes/evidence-ref.ts)
    const cite = applicantEvidence(db, s, dossier.evidence, ctx.now());
    // The body's findings are the body's: an applicant cannot pre-fill them.
    dossier.review = { falseMaterials: false };
    const t = ctx.now();
    const id = db.transaction(() => {
      dossier.dossierId = nextDossierNumber(db, ctx.config.dossierPrefix ?? "HN", seriesYear(t));
      insertDossier(db, { id: dossier.dossierId, applicant: s.address, rulebookKey: body.rulebook, dossierJson: JSON.stringify(dossier), dossierHash: dossierHash(dossier), at: t });
      cite(dossier.dossierId);
      if (declared) {
        // one dossier per signed declaration: the same request sent twice is refused the second time
        if (declarationBySignature(db, declared.signature)) {
          throw conflict("declaration-replayed", { zh: "该诚信承诺书签名已用于另一份申报，请重新签署", en: "this signed declaration came with another dossier already: sign it again" }, { field: "body.declaration.signature" });
        }
        const m = declared.message;
        insertDeclaration(db, { dossier_id: dossier.dossierId, applicant: s.address, signature: declared.signature, signed_at: m.signedAt, declaration_version: m.declarationVersion, dossier_digest: m.dossierDigest, publish_in_notice: m.publishInNotice ? 1 : 0, received_at: t });
      }
      const declaredDetails = declared ? { declared: true, publishInNotice: declared.message.publishInNotice } : undefined;
      audit(db, { dossierId: dossier.dossierId, actor: { address: s.address, role: "applicant" }, action: "submit", from: null, to: "submitted", details: declaredDetails });
      return dossier.dossierId;
    })();
    return reply.status(201).send(dossierSummary(getDossier(db, id)!));
  });

  // the inbox: a page at a time (keyset), filtered and searched on indexes; 304 while nothing changed
  r.get("/dossiers", { onRequest: signedIn, schema: { querystring: InboxQuery, response: { 200: pageSchema(NamedSummary), 304: NotModified, ...errors(400, 401) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const q = req.query;
    const filter = inboxFilter(s, q);
    const by = filter ? inboxOrder(filter) : "time";
    if (q.cursor && q.cursor.by !== by) throw invalidInput([{ field: "querystring.cursor", path: ["querystring", "cursor"], zh: "翻页游标与当前搜索不符：请从第一页重新开始", en: "the cursor belongs to another search: start again from the first page" }]);
    if (notModified(req, reply, changeToken(db, s, changeCounter(db, "dossiers"), q))) return reply.code(304).send();
    const viewer = { address: s.address, operator: s.operator, assessor: s.assessor };
    const rows = filter ? inboxPage(db, viewer, filter, q.cursor ?? null, q.limit + 1) : [];
    const total = q.cursor ? undefined : filter ? inboxCount(db, viewer, filter, TOTAL_CAP) : 0;
    return pageOf(rows, q.limit, (d) => namedSummary(db, s, d), (d) => (by === "number" ? ["n", d.id] : ["t", d.created_at, d.id]), total);
  });

  r.get("/dossiers/:id", { onRequest: signedIn, schema: { params: DossierIdParams, response: { 200: DossierDetail, ...errors(400, 401, 404) } } }, async (req) => {
    const s = sessionOf(req);
    const found = getDossier(db, req.params.id);
    const access = found ? dossierAccess(db, s, found) : null;
    if (!found || access === null) throw notFound(`dossier ${req.params.id}`);
    if (access === "own-sheet") {
      // the round is over: the assessor keeps a read-only copy of what they signed, nothing of the applicant
      return { ...namedSummary(db, s, found), access, mySheets: sheetsBy(db, found.id, s.address).map((x) => ({ round: x.round, digest: x.digest, receivedAt: x.received_at, sheet: JSON.parse(x.sheet_json) as unknown })) };
    }
    const d = found;
    const submitted = new Set(roundSheets(db, d.id, d.round).map((row) => row.assessor));
    const outbox = latestOutboxOf(db, d.id);
    const p = ctx.rulebooks.get(d.rulebook_key);
    return {
      ...namedSummary(db, s, d),
      access,
      dossier: JSON.parse(d.dossier_json) as Dossier,
      dossierHash: d.dossier_hash,
      rulebookHash: p?.rulebookHash ?? null,
      rejection: d.rejection_json ? (JSON.parse(d.rejection_json) as unknown) : null,
      panel: panelOf(db, d.id, d.round).map((m) => ({
        address: m.assessor,
        assessorId: m.assessor_id,
        name: m.name,
        sheetSubmitted: submitted.has(m.assessor),
        // the score sheet's employer code, as registered: the assessor signs it without retyping it
        ...(s.operator || m.assessor === s.address ? { employerUscc: m.employer_uscc } : {}),
      })),
      evaluation: d.evaluation_json ? (JSON.parse(d.evaluation_json) as Evaluation) : null,
      issuance: outbox ? { status: outbox.status, tokenId: outbox.token_id, txHash: outbox.tx_hash, blockNumber: outbox.block_number, lastError: outbox.last_error } : null,
      reissues: reissuesOf(db, d.id).map((r) => reissueView(r, ctx.config.bodyId)),
      // the filer, statement, evidence and signature are the body's (operators'), never the holder's: server/views.ts
      objections: objectionsOf(db, d.id).map((o) => (s.operator ? objectionView(o) : objectionNoticeView(o))),
      declaration: declarationView(declarationOf(db, d.id)),
    };
  });

  // oldest first, a page at a time (the entry id is the keyset); 304 while no entry was added
  r.get("/dossiers/:id/audit", { onRequest: signedIn, schema: { params: DossierIdParams, querystring: AuditQuery, response: { 200: pageSchema(AuditEntry), 304: NotModified, ...errors(400, 401, 404) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const { id } = req.params;
    visibleDossier(db, s, id);
    if (notModified(req, reply, changeToken(db, s, lastAuditId(db, id), req.query))) return reply.code(304).send();
    const { limit, cursor } = req.query;
    const view = (a: AuditRow) => {
      const entry = { actor: a.actor, role: a.role, action: a.action, from: a.from_state, to: a.to_state, details: a.details_json ? (JSON.parse(a.details_json) as unknown) : null, at: a.at };
      // an objection's filer (its actor) is hidden from all but operators, as in GET /dossiers/:id
      return s.operator ? entry : auditEntryForNonOperator(entry);
    };
    return pageOf(auditPage(db, id, cursor ?? 0, limit + 1), limit, view, (a) => [a.id], cursor === undefined ? auditCount(db, id, TOTAL_CAP) : undefined);
  });

  r.post("/dossiers/:id/accept", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: AcceptBody, response: { 200: DossierSummary, ...errors(400, 401, 403, 404, 409) } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body ?? {};
    assertLegal("accept", d.state);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    dossier.review = { falseMaterials: body.falseMaterials ?? false };
    // the dossier as accepted is what the assessors sign: its hash is fixed here
    db.transaction(() => transition(db, d.id, "accept", d.state, "accepted", actor, { falseMaterials: dossier.review.falseMaterials, note: body.note }, { ...dossierJsonColumns(db, d.id, JSON.stringify(dossier)), dossier_hash: dossierHash(dossier) }))();
    return dossierSummary(getDossier(db, d.id)!);
  });

  r.post("/dossiers/:id/reject", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: RejectBody, response: { 200: DossierSummary, ...errors(400, 401, 403, 404, 409) } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("reject", d.state);
    const reasons = req.body.reasons.map((x) => (typeof x === "string" ? { zh: x, en: x } : x));
    db.transaction(() => transition(db, d.id, "reject", d.state, "rejected", actor, { reasons, note: req.body.note }, { rejection_json: JSON.stringify(reasons) }))();
    return dossierSummary(getDossier(db, d.id)!);
  });

  r.get("/dossiers/:id/credential", { onRequest: signedIn, schema: { params: DossierIdParams, response: { 200: Credential, ...errors(400, 401, 404, 409) } } }, async (req) => {
    const s = sessionOf(req);
    const { id } = req.params;
    const d = getDossier(db, id);
    // the holder's file holds the salts of their personal data: the holder only (the applicant, or the wallet a
    // re-issue moved the certificate to), not even the body's staff
    if (!d || holderOf(d) !== s.address) throw notFound(`dossier ${id}`);
    if (!d.token_id || !["in-notice", "issued", "suspended", "revoked"].includes(d.state)) {
      throw conflict("no-certificate", { zh: "证书尚未上链签发", en: "the certificate has not been issued on-chain yet" }, { state: d.state });
    }
    const row = latestCredential(db, id);
    if (!row) throw notFound(`credential of ${id}`);
    return { tokenId: d.token_id, root: row.root, credential: JSON.parse(row.credential_json) as unknown };
  });
}
