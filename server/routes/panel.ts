/** 认定: the panel (评审组), its signed score sheets, the evaluation and a re-review after divergent sheets. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getAddress } from "viem";
import { z } from "zod";
import { evaluateChecked, fromZod, PanelSheet, panelSheetDigest, type Dossier } from "../../scoring";
import { assessorOnly, operatorOnly, sessionOf, type RouteOptions } from "../context";
import { conflict, fieldProblems, invalidInput, notFound, unprocessable, type FieldProblem } from "../errors";
import { verifySheet } from "../signatures";
import { auditOf, getDossier } from "../store/dossiers";
import { addPanel, assessorRegisterOf, getAssessor, insertSheet, isPanelMember, isRoundMember, roundProgress, sheetOf, type SheetRow } from "../store/panel";
import { dossierSummary } from "../views";
import { assertLegal, transition, type Actor, type State } from "../workflow";
import { operatorDossier } from "./access";
import { AddressInput, DossierIdParams, EmptyBody, bi } from "./inputs";
import { errors } from "../openapi";
import { DossierSummary } from "./schemas";

const SheetAccepted = DossierSummary.extend({
  digest: z.string().describe("EIP-712 digest of the accepted sheet"),
  alreadyReceived: z.boolean().describe("true (HTTP 200): this very signed sheet was received before and counts once; false (HTTP 201): received now"),
});
const Evaluated = DossierSummary.extend({ evaluation: z.unknown().describe("评价结果 / the evaluation (scoring/evaluate.ts)") });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

const AssignBody = z.strictObject({ assessors: z.array(AddressInput).min(1, bi("至少指定一名评审专家", "assign at least one assessor")).max(50) });
const SheetBody = z.strictObject({ sheet: z.unknown() });

export async function panelRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/dossiers/:id/assign", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: AssignBody, response: { 200: DossierSummary, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    const body = req.body;
    assertLegal("assign", d.state);
    const p = ctx.terms.prepared(d.rulebook_key);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    const acceptedBy = new Set(auditOf(db, d.id).filter((a) => a.action === "accept").map((a) => a.actor));
    body.assessors.forEach((address, i) => {
      const path = ["body", "assessors", i];
      const field = `body.assessors[${i}]`;
      const a = getAssessor(db, address);
      if (seen.has(address)) problems.push({ field, path, zh: "重复的评审专家", en: "the same assessor twice" });
      seen.add(address);
      if (!a || a.active !== 1) problems.push({ field, path, zh: "不是本主体在册的评审专家", en: "not a registered, active assessor of this body" });
      else if (a.employer_uscc === dossier.employer.uscc) problems.push({ field, path, zh: "利益冲突：评审专家与申报人同属一个单位", en: "conflict of interest: the assessor works for the applicant's employer" });
      if (address === d.applicant) problems.push({ field, path, zh: "利益冲突：申报人不能评审自己", en: "conflict of interest: the applicant cannot assess their own dossier" });
      else if (address === actor.address || acceptedBy.has(address)) problems.push({ field, path, zh: "职责分离：受理或分配该申报的操作员不能担任其评审专家", en: "separation of duties: an operator who accepted or assigns the dossier cannot sit on its panel" });
    });
    if (problems.length) throw unprocessable("panel-refused", { zh: "评审组不符合要求", en: "the panel is not acceptable" }, problems);
    if (body.assessors.length < p.rulebook.panel.minAssessors) {
      throw unprocessable("panel-too-small", { zh: `评价方案要求至少 ${p.rulebook.panel.minAssessors} 名评审专家`, en: `the rulebook requires at least ${p.rulebook.panel.minAssessors} assessors` }, [
        { field: "body.assessors", path: ["body", "assessors"], zh: `至少 ${p.rulebook.panel.minAssessors} 名`, en: `at least ${p.rulebook.panel.minAssessors}` },
      ]);
    }
    db.transaction(() => {
      transition(db, d.id, "assign", d.state, "assigned", actor, { round: d.round, assessors: body.assessors });
      addPanel(db, d.id, d.round, body.assessors);
    })();
    return dossierSummary(getDossier(db, d.id)!);
  });

  /** the stored sheet of this round is this very signed sheet (same signed content, same signature) */
  const sameSheet = (row: SheetRow, digest: string, signature: string | undefined) =>
    row.digest === digest && signature !== undefined && (JSON.parse(row.sheet_json) as { signature?: string }).signature?.toLowerCase() === signature.toLowerCase();
  const differentSheet = () =>
    conflict("sheet-exists", { zh: "您本轮已提交过另一份评分表：每位评审专家每轮只能提交一份", en: "you already handed in a different sheet in this round: one sheet per assessor and round" });

  r.post("/dossiers/:id/sheets", { onRequest: assessorOnly, schema: { params: DossierIdParams, response: { 200: SheetAccepted, 201: SheetAccepted, ...ERRORS } } }, async (req, reply) => {
    const s = sessionOf(req);
    const { id } = req.params;
    const d = getDossier(db, id);
    // only the assessors of the current round see the dossier at all
    if (!d || !isRoundMember(db, id, d.round, s.address)) {
      if (d && isPanelMember(db, id, s.address)) assertLegal("sheet", d.state);
      throw notFound(`dossier ${id}`);
    }
    const body = SheetBody.safeParse(req.body);
    if (!body.success) throw invalidInput(fieldProblems(fromZod(body.error), ["body"]));
    const parsed = PanelSheet.safeParse(body.data.sheet);
    if (!parsed.success) throw invalidInput(fieldProblems(fromZod(parsed.error), ["body", "sheet"]));
    const sheet = parsed.data;
    // A second upload of the sheet already stored (a retry after a lost answer) is answered as received, in any
    // state: it counts once. Only the stored copy's bytes are compared; nothing is verified or written again.
    const stored = sheetOf(db, id, d.round, s.address);
    if (stored && sameSheet(stored, panelSheetDigest(sheet), sheet.signature)) {
      return reply.status(200).send({ ...dossierSummary(d), digest: stored.digest, alreadyReceived: true });
    }
    assertLegal("sheet", d.state);
    const me = getAssessor(db, s.address)!;
    const problems: FieldProblem[] = [];
    const p = (path: (string | number)[], zh: string, en: string) => problems.push({ field: ["body", "sheet", ...path].join("."), path: ["body", "sheet", ...path], zh, en });
    if (getAddress(sheet.assessor.address) !== s.address) p(["assessor", "address"], "评分表须由登录的评审专家本人提交", "the sheet must be the signed-in assessor's own");
    if (sheet.assessor.id !== me.assessor_id) p(["assessor", "id"], `专家编号应为 ${me.assessor_id}`, `assessor id must be ${me.assessor_id}`);
    if (sheet.assessor.employerUscc !== me.employer_uscc) p(["assessor", "employerUscc"], "工作单位与登记信息不符", "the employer differs from the registered one");
    if (problems.length) throw unprocessable("sheet-refused", { zh: "评分表不被接受", en: "the sheet is refused" }, problems);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    // signature recovered with libsecp256k1 (server/signatures.ts), then scoring's content checks
    const check = await verifySheet({ ...ctx.terms.prepared(d.rulebook_key), dossier, dossierHash: d.dossier_hash, registered: assessorRegisterOf(db) }, sheet);
    const refused = check.refused[0];
    if (refused || !check.accepted[0]) {
      throw unprocessable("sheet-refused", { zh: "评分表不被接受", en: "the sheet is refused" }, (refused?.reasons ?? []).map((x) => ({ field: "body.sheet", path: ["body", "sheet"], zh: x.zh, en: x.en })));
    }
    const digest = check.accepted[0].digest;
    const actor: Actor = { address: s.address, role: "assessor" };
    const inserted = db.transaction(() => {
      const cur = getDossier(db, id)!;
      const before = sheetOf(db, id, cur.round, s.address);
      if (before && before.digest !== digest) throw differentSheet();
      // the same signed content with another signature (re-signed by a wallet with random nonces): the first one stays
      if (before) return false;
      assertLegal("sheet", cur.state);
      insertSheet(db, { dossierId: id, round: cur.round, assessor: s.address, sheetJson: JSON.stringify(sheet), digest, at: ctx.now() });
      const { members, sheets } = roundProgress(db, id, cur.round);
      const to: State = sheets >= members ? "scored" : "assigned";
      transition(db, id, "sheet", cur.state, to, actor, { digest, sheets, of: members });
      return true;
    })();
    return reply.status(inserted ? 201 : 200).send({ ...dossierSummary(getDossier(db, id)!), digest, alreadyReceived: !inserted });
  });

  r.post("/dossiers/:id/evaluate", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: EmptyBody, response: { 200: Evaluated, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("evaluate", d.state);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const panel = await ctx.terms.checkPanel(d, dossier);
    const evaluation = evaluateChecked(ctx.terms.prepared(d.rulebook_key), dossier, d.dossier_hash, panel);
    const outcome = evaluation.issuable ? "issuable" : evaluation.divergent.length && !evaluation.veto.vetoed && evaluation.eligibility.eligible ? "flagged" : evaluation.veto.vetoed ? "vetoed" : "not-certified";
    const to: State = outcome === "issuable" ? "evaluated" : outcome === "flagged" ? "flagged" : "not-certified";
    db.transaction(() =>
      transition(db, d.id, "evaluate", d.state, to, actor, { outcome, level: evaluation.level, total: evaluation.total, blockers: evaluation.blockers }, { evaluation_json: JSON.stringify(evaluation), outcome }),
    )();
    return { ...dossierSummary(getDossier(db, d.id)!), evaluation };
  });

  r.post("/dossiers/:id/re-review", { onRequest: operatorOnly, schema: { params: DossierIdParams, body: EmptyBody, response: { 200: DossierSummary, ...ERRORS } } }, async (req) => {
    const { d, actor } = operatorDossier(db, sessionOf(req), req.params.id);
    assertLegal("re-review", d.state);
    db.transaction(() => transition(db, d.id, "re-review", d.state, "accepted", actor, { previousRound: d.round, note: req.body?.note }, { round: d.round + 1, evaluation_json: null, outcome: null }))();
    return dossierSummary(getDossier(db, d.id)!);
  });
}
