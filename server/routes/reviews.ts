/**
 * 年审 (annual reviews, issue #13): the body's review queue computed from chain state, the holder's annual report
 * (EIP-712 signed in the wallet, sdk/annual-report.ts; sealed at rest), the operator's decision sent as
 * `recordReview`, and the reminders (with an outgoing webhook, server/store/reviews.ts for its rows).
 *
 * `recordReview` is the lifecycle command `review` (server/lifecycle.ts), sent through the workbench's one write
 * path, server/lifecycle-call.ts `runLifecycle`: its intent durable before the transaction, its effect (a failed
 * review suspends or revokes the dossier) and the intent settled in one SQLite transaction after. An intent left
 * pending by a crash is settled from chain state before the next lifecycle call of the dossier, by the re-sync, and
 * whenever the queue is read.
 *
 * A change of employer report (server/routes/employer-changes.ts, registered here) puts the certificate into the queue
 * at once, whatever its due date, with the reason `employer-changed`, until a review is recorded after it.
 *
 * The webhook is `config.reviewWebhookUrl` / `reviewWebhookSecret` (CQO_REVIEW_WEBHOOK_URL / _SECRET). Its JSON carries certificate numbers, dossier numbers and dates only, never the
 * holder's address or report, signed `x-cqo-signature: sha256=<HMAC-SHA256(secret, "<timestamp>.<body>")>`.
 */
import { createHmac } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { hashTypedData, type Address, type Hex } from "viem";
import { z } from "zod";
import { signedText } from "../../scoring";
import { annualReport, annualReportTypedData } from "../../sdk/annual-report";
import type { CertificateVerification, CqoClient, ReviewResultName } from "../../sdk";
import type { Session } from "../auth";
import { chainNow, onChain, requireChain, requireSigner } from "../chain-calls";
import { operatorOnly, signedIn, sessionOf, type Ctx, type RouteOptions } from "../context";
import { assertNotErased } from "../erasure";
import { conflict, notFound, unprocessable, type FieldProblem } from "../errors";
import { settleIntents } from "../chain-sync";
import { pendingIntents } from "../lifecycle";
import { runLifecycle } from "../lifecycle-call";
import { canonicalSignature } from "../signatures";
import { isSignedByWallet } from "../wallet-signature";
import { errors } from "../openapi";
import { getDossier, holderOf, type DossierRow } from "../store/dossiers";
import { bodyUpload, getUpload, insertCitation } from "../store/evidence";
import { pendingEmployerChange } from "../store/employer-changes";
import * as store from "../store/reviews";
import { dossierSummary } from "../views";
import { audit } from "../workflow";
import { operatorDossier, visibleDossier } from "./access";
import { EmployerChangeView, employerChangeRoutes, employerChangeView } from "./employer-changes";
import { DossierIdParams, HexSignature, Note, Sha256Input, bi } from "./inputs";
import { DossierSummary } from "./schemas";

const DAY = 86_400;
/** the queue shows reviews due within this many days, and every overdue one */
export const REVIEW_HORIZON_DAYS = 30;
/** an annual report's signedAt: within this many seconds of the workbench's clock, either way */
export const REPORT_SIGNED_WINDOW = 600;
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

const ReviewBody = z.strictObject({
  result: z.enum(["passed", "failed"], bi("年审结论应为 passed 或 failed", 'result must be "passed" or "failed"')),
  evidence: Sha256Input,
  note: Note,
  /** a failed review suspends the certificate (default) or revokes it as FailedReview */
  onFailure: z.enum(["suspend", "revoke"]).optional(),
});
const ReportBody = z.strictObject({
  stillCqo: z.boolean(),
  employerName: signedText({ min: 1, max: 200 }),
  appointmentLetter: Sha256Input.nullable().optional(),
  trainingHours: z.number().int().min(0).max(10_000),
  incidents: signedText({ min: 1, max: 4000, multiline: true }),
  signedAt: z.number().int().positive().max(2 ** 40 - 1),
  signature: HexSignature,
});

const ReportContent = z.object({ stillCqo: z.boolean(), employerName: z.string(), appointmentLetter: z.string().nullable(), trainingHours: z.number(), incidents: z.string() });
const ReportView = z.object({
  id: z.number(),
  dossierId: z.string(),
  tokenId: z.string(),
  dueAt: z.number(),
  signedAt: z.number(),
  receivedAt: z.number(),
  signature: z.string(),
  employerChanged: z.boolean(),
  needsReview: z.boolean(),
  content: ReportContent,
});
/** why a certificate is in the queue: due within the horizon, overdue, an annual report to look at closely, a change of employer reported */
const QueueReason = z.enum(["due-soon", "overdue", "report-needs-review", "employer-changed"]);
const QueueItem = z.object({
  tokenId: z.string(),
  dossierId: z.string(),
  holder: z.string(),
  applicantName: z.string().nullable().describe("持证人姓名（已删除个人信息时为 null）；不进入提醒 webhook / the holder's name (null once erased); never in the reminder webhook"),
  personalData: z.enum(["shown", "erased"]).describe("shown：显示姓名；erased：个人信息已删除 / shown; erased"),
  state: z.string(),
  status: z.string(),
  /** unix seconds (chain clock) */
  dueAt: z.number(),
  opensAt: z.number(),
  graceUntil: z.number(),
  daysLeft: z.number(),
  open: z.boolean(),
  overdue: z.boolean(),
  reviewsPassed: z.number(),
  reportFiled: z.boolean(),
  report: ReportView.nullable(),
  /** the latest change of employer report no review has answered yet */
  employerChange: EmployerChangeView.nullable(),
  needsReview: z.boolean(),
  reasons: z.array(QueueReason),
});
const Queue = z.object({ now: z.number(), horizonDays: z.number(), items: z.array(QueueItem) });
const Reminder = z.object({ kind: z.enum(["due-soon", "overdue", "report-filed", "employer-changed"]), tokenId: z.string(), dossierId: z.string(), dueAt: z.number(), daysLeft: z.number(), delivery: z.string() });
const Reminders = z.object({ now: z.number(), webhook: z.boolean(), items: z.array(Reminder) });
const Reviewed = DossierSummary.extend({ txHash: z.string(), result: z.string(), nextReviewDue: z.number() });

type QueueItemView = z.infer<typeof QueueItem>;
const reportView = (r: store.StoredReport) => ({ ...r, needsReview: r.employerChanged || !r.content.stillCqo });
const field = (name: string, zh: string, en: string): FieldProblem => ({ field: `body.${name}`, path: ["body", name], zh, en });

/** The body's certificates that may be reviewed: issued on-chain, not revoked. */
const reviewable = (ctx: Ctx): DossierRow[] =>
  ctx.db.prepare("SELECT * FROM dossiers WHERE token_id IS NOT NULL AND state IN ('in-notice', 'issued', 'suspended') ORDER BY id").all() as DossierRow[];

/** A certificate's review as the queue shows it, from its on-chain view and its rulebook's schedule. */
async function reviewOf(ctx: Ctx, chain: CqoClient, d: DossierRow, v: CertificateVerification, now: number, schedules: Map<number, Promise<{ interval: number; grace: number }>>): Promise<QueueItemView | null> {
  if (v.nextReviewDue === 0 || v.bodyId !== ctx.config.bodyId || v.status === "Revoked" || v.status === "NotFound") return null;
  if (!schedules.has(v.rulebookId)) schedules.set(v.rulebookId, chain.getRulebook(v.rulebookId).then((r) => ({ interval: r?.reviewInterval ?? 0, grace: r?.reviewGrace ?? 0 })));
  const { interval, grace } = await schedules.get(v.rulebookId)!;
  const due = v.nextReviewDue;
  const report = store.reportFor(ctx.db, d.token_id!, due);
  const view = report ? reportView(report) : null;
  const change = pendingEmployerChange(ctx.db, d.token_id!);
  const daysLeft = Math.floor((due - now) / DAY);
  const reasons: z.infer<typeof QueueReason>[] = [
    ...(now >= due ? (["overdue"] as const) : daysLeft < REVIEW_HORIZON_DAYS ? (["due-soon"] as const) : []),
    ...(view?.needsReview ? (["report-needs-review"] as const) : []),
    ...(change ? (["employer-changed"] as const) : []),
  ];
  return {
    tokenId: d.token_id!,
    dossierId: d.id,
    holder: holderOf(d),
    applicantName: d.erased_at === null ? d.applicant_name : null,
    personalData: d.erased_at === null ? "shown" : "erased",
    state: d.state,
    status: v.status,
    dueAt: due,
    opensAt: due - Math.floor(interval / 4),
    graceUntil: due + grace,
    daysLeft,
    open: now >= due - Math.floor(interval / 4),
    overdue: now >= due,
    reviewsPassed: v.reviewsPassed,
    reportFiled: report !== null,
    report: view,
    employerChange: change ? employerChangeView(change) : null,
    needsReview: (view?.needsReview ?? false) || change !== null,
    reasons,
  };
}

/** Every reviewable certificate's review, in slices of 32 chain reads. */
async function reviews(ctx: Ctx, chain: CqoClient): Promise<{ now: number; items: QueueItemView[] }> {
  await settlePendingReviews(ctx, chain);
  const now = await chainNow(ctx);
  const schedules = new Map<number, Promise<{ interval: number; grace: number }>>();
  const rows = reviewable(ctx);
  const items: QueueItemView[] = [];
  for (let i = 0; i < rows.length; i += 32) {
    const slice = rows.slice(i, i + 32);
    const views = await Promise.all(slice.map((r) => chain.verifyCertificate(r.token_id!)));
    for (const [k, row] of slice.entries()) {
      const item = await reviewOf(ctx, chain, row, views[k]!, now, schedules);
      if (item) items.push(item);
    }
  }
  return { now, items: items.sort((a, b) => a.dueAt - b.dueAt) };
}

const inQueue = (i: QueueItemView) => i.daysLeft < REVIEW_HORIZON_DAYS || i.needsReview;

// ---------------------------------------------------------------- recordReview, crash-safe

const RESULT: Record<"passed" | "suspend" | "revoke", ReviewResultName> = { passed: "Passed", suspend: "FailedSuspended", revoke: "FailedRevoked" };

/**
 * Review calls a crash left pending, settled from chain state by the one lifecycle path (server/lifecycle.ts
 * settleIntents: recorded from the certificate's events, or not applied). A call in flight is never touched, and
 * the dossier is held while its leftover is settled, so a review sent meanwhile waits (409 dossier-busy).
 */
async function settlePendingReviews(ctx: Ctx, chain: CqoClient): Promise<void> {
  const stale = pendingIntents(ctx.db).filter((i) => i.params.command === "review" && !ctx.inFlight.has(i.dossierId));
  const held = [...new Set(stale.map((i) => i.dossierId))];
  for (const id of held) ctx.inFlight.add(id);
  try {
    if (stale.length) await settleIntents(ctx.db, chain, ctx.syncActor, ctx.config.bodyId, stale, undefined, ctx.log);
  } finally {
    for (const id of held) ctx.inFlight.delete(id);
  }
}

// ---------------------------------------------------------------- webhook

interface Webhook {
  url: string;
  secret: string;
}
const webhookOf = (ctx: Ctx): Webhook | null => (ctx.config.reviewWebhookUrl ? { url: ctx.config.reviewWebhookUrl, secret: ctx.config.reviewWebhookSecret ?? "" } : null);
export const WEBHOOK_ATTEMPTS = 4;
const backoffMs = (attempt: number) => 200 * 2 ** attempt;

export const webhookSignature = (secret: string, timestamp: string, body: string) => `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

type ReminderView = z.infer<typeof Reminder>;

/** Delivers one reminder, retried with exponential backoff; the row says whether it got through. */
async function deliver(ctx: Ctx, hook: Webhook, r: ReminderView): Promise<void> {
  if (!store.claimReminder(ctx.db, r.tokenId, r.kind, r.dueAt, ctx.now())) return;
  // certificate and dossier numbers and dates only: nothing about the holder
  const body = JSON.stringify({ event: "cqo.annual-review", kind: r.kind, bodyId: ctx.config.bodyId, tokenId: r.tokenId, dossierId: r.dossierId, dueAt: r.dueAt, daysLeft: r.daysLeft });
  let error = "";
  for (let attempt = 0; attempt < WEBHOOK_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((res) => setTimeout(res, backoffMs(attempt - 1)));
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(hook.url, { method: "POST", headers: { "content-type": "application/json", "x-cqo-timestamp": timestamp, "x-cqo-signature": webhookSignature(hook.secret, timestamp, body) }, body, signal: AbortSignal.timeout(5000) });
      if (res.ok) {
        store.finishReminder(ctx.db, r.tokenId, r.kind, r.dueAt, { delivered: true, attempts: attempt + 1 }, ctx.now());
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
  }
  store.finishReminder(ctx.db, r.tokenId, r.kind, r.dueAt, { delivered: false, attempts: WEBHOOK_ATTEMPTS, error }, ctx.now());
  ctx.log("review reminder webhook failed", { tokenId: r.tokenId, kind: r.kind, error });
}

const remindersOf = (ctx: Ctx, items: QueueItemView[]): ReminderView[] =>
  items.filter(inQueue).flatMap((i) => {
    const base = { tokenId: i.tokenId, dossierId: i.dossierId, dueAt: i.dueAt, daysLeft: i.daysLeft };
    const kinds: ReminderView["kind"][] = [
      ...(i.overdue ? (["overdue"] as const) : i.daysLeft < REVIEW_HORIZON_DAYS ? (["due-soon"] as const) : []),
      ...(i.reportFiled ? (["report-filed"] as const) : []),
      ...(i.employerChange ? (["employer-changed"] as const) : []),
    ];
    return kinds.map((kind) => ({ kind, ...base, delivery: store.reminderStatus(ctx.db, i.tokenId, kind, i.dueAt)?.status ?? "none" }));
  });

// ---------------------------------------------------------------- routes

/** The holder's certificate for an annual report: theirs, issued on-chain (others: 404). */
function holderDossier(ctx: Ctx, s: Session, id: string): DossierRow {
  const d = visibleDossier(ctx.db, s, id);
  if (holderOf(d) !== s.address || !d.token_id || !["in-notice", "issued", "suspended"].includes(d.state)) throw notFound(`certificate of dossier ${id} held by you`);
  assertNotErased(ctx.db, d.id);
  return d;
}

const employerOf = (d: DossierRow): string | null => {
  const j = JSON.parse(d.dossier_json) as { employer?: { name?: unknown } };
  return typeof j.employer?.name === "string" ? j.employer.name : null;
};

export async function reviewRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const dispatch = (items: ReminderView[]) => {
    const hook = webhookOf(ctx);
    if (!hook) return;
    for (const item of items) void deliver(ctx, hook, item).catch((err: unknown) => ctx.log("review reminder webhook error", { error: (err as Error).message }));
  };
  // the holder's change of employer report: its queue and reminders are these
  await employerChangeRoutes(app, { ctx, remind: (item) => dispatch([item]) });

  r.get("/reviews", { onRequest: operatorOnly, schema: { summary: "年审队列（30 天内到期或逾期）/ the annual review queue (due within 30 days or overdue)", response: { 200: Queue, ...errors(401, 403, 503) } } }, async () => {
    const chain = requireChain(ctx);
    const { now, items } = await onChain(() => reviews(ctx, chain));
    return { now, horizonDays: REVIEW_HORIZON_DAYS, items: items.filter(inQueue) };
  });

  r.get("/reminders", { onRequest: operatorOnly, schema: { summary: "年审提醒及其 webhook 投递 / annual review reminders and their webhook delivery", response: { 200: Reminders, ...errors(401, 403, 503) } } }, async () => {
    const chain = requireChain(ctx);
    const { now, items } = await onChain(() => reviews(ctx, chain));
    const list = remindersOf(ctx, items);
    dispatch(list.filter((x) => x.delivery !== "delivered"));
    return { now, webhook: webhookOf(ctx) !== null, items: list };
  });

  r.get("/dossiers/:id/annual-reports", { onRequest: signedIn, schema: { summary: "持证人的年度报告 / the holder's annual reports", params: DossierIdParams, response: { 200: z.object({ items: z.array(ReportView) }), ...errors(400, 401, 404) } } }, async (req) => {
    const s = sessionOf(req);
    const d = visibleDossier(db, s, req.params.id);
    if (!s.operator && holderOf(d) !== s.address) throw notFound(`dossier ${d.id}`);
    return { items: store.reportsOf(db, d.id).map(reportView) };
  });

  r.post("/dossiers/:id/annual-reports", { onRequest: signedIn, schema: { summary: "提交年度报告（EIP-712 签名）/ file the annual report (EIP-712 signed)", params: DossierIdParams, body: ReportBody, response: { 201: ReportView, ...ERRORS } } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    const d = holderDossier(ctx, s, req.params.id);
    const now = Math.floor(ctx.now() / 1000);
    if (Math.abs(body.signedAt - now) > REPORT_SIGNED_WINDOW) {
      throw unprocessable("report-stale", { zh: "年度报告的签名时间与当前时间相差过大，请重新签名", en: "the report was signed too long ago or in the future: sign it again" }, [
        field("signedAt", `应在当前时间前后 ${REPORT_SIGNED_WINDOW} 秒内`, `must be within ${REPORT_SIGNED_WINDOW} s of now (${now})`),
      ]);
    }
    const letter = body.appointmentLetter ?? null;
    if (letter !== null && !getUpload(db, letter, s.address)) throw unprocessable("evidence-not-uploaded", { zh: "只能引用自己上传的证据文件", en: "only evidence files you uploaded can be cited" }, [field("appointmentLetter", "您没有上传过该文件", "not uploaded by you")]);
    const chain = requireChain(ctx);
    const message = annualReport({ holder: s.address as Address, tokenId: d.token_id!, stillCqo: body.stillCqo, employerName: body.employerName, appointmentLetter: letter, trainingHours: body.trainingHours, incidents: body.incidents, signedAt: body.signedAt });
    const typed = annualReportTypedData(chain.deployment.chainId, chain.address, message);
    const digest = hashTypedData(typed);
    if (!(await isSignedByWallet(chain, typed, digest, body.signature, s.address as Address))) {
      throw unprocessable("report-signature", { zh: "年度报告签名不是当前登录账户所签", en: "the report is not signed by the signed-in wallet" }, [
        field("signature", "签名与年度报告（AnnualReport）或登录账户不符", "the signature does not match the AnnualReport or the signed-in wallet"),
      ]);
    }
    // one report per signed message: the signature as stored with a canonical v, so a re-encoded one is the same
    const signature = canonicalSignature(body.signature);
    if (store.reportBySignature(db, signature)) throw conflict("report-replayed", { zh: "该签名的年度报告已提交过", en: "this signed report was filed before" });
    const v = await onChain(() => chain.verifyCertificate(d.token_id!));
    // a report answers a review due: none during the notice, nor when the schedule has none left
    if (v.nextReviewDue === 0) throw conflict("no-review-due", { zh: "该证书目前没有待进行的年审，无需提交年度报告", en: "no annual review is due for this certificate: no report to file" });
    const chainTime = await onChain(() => chainNow(ctx));
    const previous = store.latestReport(db, d.token_id!)?.content.employerName ?? employerOf(d);
    const employerChanged = previous !== null && previous.trim() !== body.employerName.trim();
    const content = { stillCqo: body.stillCqo, employerName: body.employerName, appointmentLetter: letter, trainingHours: body.trainingHours, incidents: body.incidents };
    const at = ctx.now();
    const id = db.transaction(() => {
      const id = store.insertReport(db, { dossierId: d.id, tokenId: d.token_id!, holder: s.address, dueAt: v.nextReviewDue, content, signature, signedAt: body.signedAt, employerChanged, receivedAt: at });
      if (letter !== null) insertCitation(db, { sha256: letter, uploadedBy: s.address, kind: "dossier", dossierId: d.id, citedBy: s.address, at });
      // the audit log says that a report came and whether it needs review, not what it says (that is sealed)
      audit(db, { dossierId: d.id, actor: { address: s.address, role: "applicant" }, action: "annual-report", details: { report: id, dueAt: v.nextReviewDue, employerChanged, stillCqo: body.stillCqo, digest } });
      return id;
    })();
    // after the commit nothing may fail: the chain's clock was read before it
    dispatch([{ kind: "report-filed", tokenId: d.token_id!, dossierId: d.id, dueAt: v.nextReviewDue, daysLeft: Math.floor((v.nextReviewDue - chainTime) / DAY), delivery: "none" }]);
    return reply.status(201).send(reportView(store.reportsOf(db, d.id).find((x) => x.id === id)!));
  });

  r.post("/dossiers/:id/review", { onRequest: operatorOnly, schema: { summary: "记录年审结论（recordReview 上链）/ record the annual review (recordReview on chain)", params: DossierIdParams, body: ReviewBody, response: { 200: Reviewed, ...ERRORS } } }, async (req) => {
    const s = sessionOf(req);
    const body = req.body;
    const { d, actor } = operatorDossier(db, s, req.params.id);
    if (!d.token_id || !["in-notice", "issued", "suspended"].includes(d.state)) throw notFound(`certificate of dossier ${d.id} of this body`);
    const chain = requireSigner(ctx);
    const v = await onChain(() => chain.verifyCertificate(d.token_id!));
    if (v.status === "NotFound" || v.bodyId !== ctx.config.bodyId) throw notFound(`certificate ${d.token_id} of this body`);
    const result = RESULT[body.result === "passed" ? "passed" : (body.onFailure ?? "suspend")];
    // the evidence file stays with the body; when an operator uploaded it, the call cites it (server/routes/evidence-ref.ts)
    const upload = bodyUpload(db, body.evidence, s.address);
    const evidence: Hex = `0x${body.evidence}`;
    const sent = await runLifecycle(ctx, d, actor, { command: "review", result, evidence, dueAt: v.nextReviewDue, note: body.note }, (c) => c.recordReview(d.token_id!, result, evidence));
    // cited once the review is on record: a refused one cites nothing
    if (upload) insertCitation(db, { sha256: body.evidence, uploadedBy: upload.uploaded_by, kind: "lifecycle", dossierId: d.id, citedBy: s.address, at: ctx.now() });
    // the review is recorded: a chain that stops answering now does not make it a failure
    const after = await onChain(() => chain.verifyCertificate(d.token_id!)).catch(() => null);
    return { ...dossierSummary(getDossier(db, d.id)!), txHash: sent.hash, result, nextReviewDue: after?.nextReviewDue ?? 0 };
  });
}
