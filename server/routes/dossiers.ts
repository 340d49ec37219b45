/** Dossiers: 申请 (submit), the inbox, one dossier with its audit log, 受理 / 不予受理, and the holder's credential. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { dossierHash, parseDossier, type Dossier, type Evaluation } from "../../scoring";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import { conflict, fieldProblems, invalidInput, notFound, unprocessable, type FieldProblem } from "../errors";
import { allDossiers, auditOf, dossiersVisibleTo, getDossier, holderOf, insertDossier, latestCredential } from "../store/dossiers";
import { latestOutboxOf } from "../store/issuance";
import { objectionsOf } from "../store/objections";
import { panelOf, roundSheets } from "../store/panel";
import { reissuesOf } from "../store/reissues";
import { auditEntryForNonOperator, dossierSummary, objectionNoticeView, objectionView, reissueView } from "../views";
import { assertLegal, audit, transition } from "../workflow";
import { operatorDossier, visibleDossier } from "./access";
import { DossierIdParams, Note, bi } from "./inputs";

const SubmitBody = z.strictObject({
  rulebook: z.string().min(1, bi("请指定评价方案", "name the rulebook")).max(100),
  dossier: z.unknown(),
});

const AcceptBody = z.strictObject({ falseMaterials: z.boolean().optional(), note: Note }).optional();

const Reason = z.union([
  z.string().min(1, bi("理由不能为空", "a reason must not be empty")).max(1000),
  z.strictObject({ zh: z.string().min(1).max(1000), en: z.string().min(1).max(1000) }),
]);
const RejectBody = z.strictObject({ reasons: z.array(Reason).min(1, bi("不予受理须说明至少一条理由", "a rejection needs at least one reason")).max(50), note: Note });

export async function dossierRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers", { onRequest: signedIn, schema: { body: SubmitBody } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    const problems: FieldProblem[] = [];
    if (!ctx.rulebooks.has(body.rulebook)) {
      problems.push({ field: "body.rulebook", path: ["body", "rulebook"], zh: `未知评价方案，可选：${[...ctx.rulebooks.keys()].join("、")}`, en: `unknown rulebook; known: ${[...ctx.rulebooks.keys()].join(", ")}` });
    }
    const parsed = parseDossier(body.dossier);
    if (!parsed.ok) problems.push(...fieldProblems(parsed.errors, ["body", "dossier"]));
    if (problems.length || !parsed.ok) throw invalidInput(problems);
    const dossier = parsed.value;
    dossier.evidence.forEach((e, i) => {
      if (!ctx.evidence.has(e.sha256)) problems.push({ field: `body.dossier.evidence[${i}].sha256`, path: ["body", "dossier", "evidence", i, "sha256"], zh: "该证据文件尚未上传", en: "this evidence file has not been uploaded" });
    });
    if (problems.length) throw unprocessable("evidence-missing", { zh: "证据文件缺失", en: "evidence files are missing" }, problems);
    // The body's findings are the body's: an applicant cannot pre-fill them.
    dossier.review = { falseMaterials: false };
    const t = ctx.now();
    db.transaction(() => {
      if (getDossier(db, dossier.dossierId)) throw conflict("dossier-exists", { zh: `申报编号 ${dossier.dossierId} 已存在`, en: `dossier ${dossier.dossierId} already exists` });
      insertDossier(db, { id: dossier.dossierId, applicant: s.address, rulebookKey: body.rulebook, dossierJson: JSON.stringify(dossier), dossierHash: dossierHash(dossier), at: t });
      audit(db, { dossierId: dossier.dossierId, actor: { address: s.address, role: "applicant" }, action: "submit", from: null, to: "submitted" });
    })();
    return reply.status(201).send(dossierSummary(getDossier(db, dossier.dossierId)!));
  });

  r.get("/dossiers", { onRequest: signedIn }, async (req) => {
    const s = sessionOf(req);
    return (s.operator ? allDossiers(db) : dossiersVisibleTo(db, s.address, s.assessor)).map(dossierSummary);
  });

  r.get("/dossiers/:id", { onRequest: signedIn, schema: { params: DossierIdParams } }, async (req) => {
    const s = sessionOf(req);
    const d = visibleDossier(db, s, req.params.id);
    const submitted = new Set(roundSheets(db, d.id, d.round).map((row) => row.assessor));
    const outbox = latestOutboxOf(db, d.id);
    const p = ctx.rulebooks.get(d.rulebook_key);
    return {
      ...dossierSummary(d),
      dossier: JSON.parse(d.dossier_json) as Dossier,
      dossierHash: d.dossier_hash,
      rulebookHash: p?.rulebookHash ?? null,
      rejection: d.rejection_json ? (JSON.parse(d.rejection_json) as unknown) : null,
      panel: panelOf(db, d.id, d.round).map((m) => ({ address: m.assessor, assessorId: m.assessor_id, name: m.name, sheetSubmitted: submitted.has(m.assessor) })),
      evaluation: d.evaluation_json ? (JSON.parse(d.evaluation_json) as Evaluation) : null,
      issuance: outbox ? { status: outbox.status, tokenId: outbox.token_id, txHash: outbox.tx_hash, blockNumber: outbox.block_number, lastError: outbox.last_error } : null,
      reissues: reissuesOf(db, d.id).map(reissueView),
      // the filer, statement, evidence and signature are the body's (operators'), never the holder's: server/views.ts
      objections: objectionsOf(db, d.id).map((o) => (s.operator ? objectionView(o) : objectionNoticeView(o))),
    };
  });

  r.get("/dossiers/:id/audit", { onRequest: signedIn, schema: { params: DossierIdParams } }, async (req) => {
    const s = sessionOf(req);
    visibleDossier(db, s, req.params.id);
    const entries = auditOf(db, req.params.id).map((a) => ({ actor: a.actor, role: a.role, action: a.action, from: a.from_state, to: a.to_state, details: a.details_json ? (JSON.parse(a.details_json) as unknown) : null, at: a.at }));
    // an objection's filer (its actor) is hidden from all but operators, as in GET /dossiers/:id
    return s.operator ? entries : entries.map(auditEntryForNonOperator);
  });

  r.post("/dossiers/:id/accept", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: AcceptBody } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body ?? {};
    assertLegal("accept", d.state);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    dossier.review = { falseMaterials: body.falseMaterials ?? false };
    // the dossier as accepted is what the assessors sign: its hash is fixed here
    db.transaction(() => transition(db, d.id, "accept", d.state, "accepted", actor, { falseMaterials: dossier.review.falseMaterials, note: body.note }, { dossier_json: JSON.stringify(dossier), dossier_hash: dossierHash(dossier) }))();
    return dossierSummary(getDossier(db, d.id)!);
  });

  r.post("/dossiers/:id/reject", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: RejectBody } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("reject", d.state);
    const reasons = req.body.reasons.map((x) => (typeof x === "string" ? { zh: x, en: x } : x));
    db.transaction(() => transition(db, d.id, "reject", d.state, "rejected", actor, { reasons, note: req.body.note }, { rejection_json: JSON.stringify(reasons) }))();
    return dossierSummary(getDossier(db, d.id)!);
  });

  r.get("/dossiers/:id/credential", { onRequest: signedIn, schema: { params: DossierIdParams } }, async (req) => {
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
