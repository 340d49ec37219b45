/**
 * 年审 (issue #13) against anvil: the review queue from chain state before and after a certificate falls due, the
 * holder's EIP-712 annual report (signature and time checks by field, sealed at rest, visible to the operator), the
 * operator's `recordReview` (passed moves the next date on-chain; too early is the contract's 409; failed suspends
 * the certificate and the dossier), who may do what, and the reminders' signed webhook with its retries.
 */
import { expect } from "chai";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { createPublicClient, createWalletClient, http as viemHttp, type Hex, type PublicClient } from "viem";
import { CqoClient, deployCqo } from "../../sdk";
import { annualReport, annualReportTypedData } from "../../sdk/annual-report";
import { buildServer, type Workbench } from "../../server/app";
import { chainFor } from "../../server/chain";
import {
  ASSOCIATION,
  BODY_ADMIN,
  OPERATOR,
  RULEBOOK_HASH,
  account,
  accreditBody,
  clientFor,
  dossierFor,
  expect200,
  injectHttp,
  signInTeam,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  type Anvil,
  type Http,
  type Tokens,
  type World,
} from "./helpers";

const DAY = 86_400;
/** the schedule of the 2026 rulebook: a review every 365 days, 60 days of grace */
const SCHEDULE = { reviewInterval: 365 * DAY, reviewGrace: 60 * DAY };

interface ErrorBody {
  error: { code: string; problems?: { field: string }[]; details?: Record<string, unknown> };
}
interface QueueItem {
  tokenId: string;
  dossierId: string;
  holder: string;
  dueAt: number;
  daysLeft: number;
  open: boolean;
  overdue: boolean;
  reportFiled: boolean;
  needsReview: boolean;
  report: { content: { employerName: string; incidents: string; trainingHours: number; stillCqo: boolean } } | null;
}

/** deployWorld of ./helpers with the rulebook registered with annual reviews */
async function deployReviewWorld(url: string): Promise<World> {
  const chain = chainFor({ chainId: 31337 }, url);
  const transport = viemHttp(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const assoc = createWalletClient({ account: account(ASSOCIATION), chain, transport, pollingInterval: 50 });
  const deployment = await deployCqo(pc, assoc, { association: account(ASSOCIATION).address });
  const bodyId = await accreditBody(url, deployment, { admin: account(BODY_ADMIN), keys: [account(OPERATOR)] });
  const { rulebookId } = await new CqoClient(pc, deployment, assoc).registerRulebook(RULEBOOK_HASH, "ipfs://rulebooks/hn-cqo-default-2024.1.json", SCHEDULE);
  return { deployment, bodyId, rulebookId };
}

describe("server: annual reviews (年审, anvil)", function () {
  this.timeout(240_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let hook: Server;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  /** the webhook receiver refuses (500) the first delivery of this reminder (`kind:tokenId`), whatever else arrives */
  let failFirstOf: string | null = null;
  const SECRET = "test-webhook-secret";
  const applicant = account(21);
  let seed = 900;
  let a: { id: string; tokenId: string };
  let b: { id: string; tokenId: string };
  let c: { id: string; tokenId: string };
  /** reviewed with the body's key straight on the contract, not through the workbench */
  let d: { id: string; tokenId: string };
  let e: { id: string; tokenId: string };
  const crashAt = { point: null as string | null };

  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const travel = async (s: number) => {
    await rpc("evm_increaseTime", [s]);
    await rpc("evm_mine", []);
  };
  const chain = () => clientFor(anvil.url, world.deployment);
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string; tokenId: string | null }>().state;
  const waitFor = async (id: string, state: string) => {
    while ((await stateOf(id)) !== state) await new Promise((r) => setTimeout(r, 50));
  };
  const issue = async (): Promise<{ id: string; tokenId: string }> => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++));
    const r = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    return { id, tokenId: r.tokenId };
  };
  const reviewIntent = (tokenId: string) =>
    wb.db.prepare("SELECT status FROM chain_intents WHERE token_id = ? AND command = 'review' ORDER BY id DESC LIMIT 1").get(tokenId) as { status: string } | undefined;
  type AuditItem = { action: string; role?: string; details: { txHash?: string; resyncedFromChain?: boolean; note?: string; result?: string; annualReview?: string } };
  const auditOf = async (id: string) => expect200(await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator), "audit").json<{ items: AuditItem[] }>().items;
  const queue = async () => expect200(await http("GET", "/reviews", undefined, tokens.operator), "queue").json<{ items: QueueItem[] }>().items;
  const report = async (tokenId: string, o: { signedAt?: number; employerName?: string; signer?: typeof applicant } = {}) => {
    const fields = { stillCqo: true, employerName: o.employerName ?? "湖南某某制造有限公司", trainingHours: 24, incidents: "无质量事故", signedAt: o.signedAt ?? Math.floor(Date.now() / 1000) };
    const message = annualReport({ holder: applicant.address, tokenId, appointmentLetter: null, ...fields });
    const signature = await (o.signer ?? applicant).signTypedData(annualReportTypedData(31337, world.deployment.certificate, message));
    return { ...fields, appointmentLetter: null, signature };
  };

  before(async () => {
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        let key = "";
        try {
          const j = JSON.parse(body) as { kind?: string; tokenId?: string };
          key = `${j.kind}:${j.tokenId}`;
        } catch {
          key = "";
        }
        if (failFirstOf !== null && key === failFirstOf) {
          failFirstOf = null;
          res.writeHead(500).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const reviewWebhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    anvil = await startAnvil();
    world = await deployReviewWorld(anvil.url);
    tmp = tempDir("reviews");
    wb = await buildServer({
      config: testConfig(tmp.dir, { reviewWebhookUrl, reviewWebhookSecret: SECRET }),
      chain: clientFor(anvil.url, world.deployment, account(OPERATOR)),
      onCrashPoint: (point) => {
        if (crashAt.point === point) throw new Error(`simulated crash at ${point}`);
      },
    });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, applicant);
    a = await issue();
    b = await issue();
    c = await issue();
    d = await issue();
    e = await issue();
    await travel(8 * DAY);
    for (const x of [a, b, c, d, e]) expect200(await http("POST", `/dossiers/${x.id}/end-notice`, {}, tokens.operator), "end-notice");
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    await new Promise((r) => hook?.close(r));
    tmp?.cleanup();
  });

  it("operators only: 403 for the holder on the queue, the reminders and a review", async () => {
    for (const [method, path, body] of [["GET", "/reviews"], ["GET", "/reminders"], ["POST", `/dossiers/${a.id}/review`, { result: "passed", evidence: "ab".repeat(32) }]] as const) {
      const r = await http(method, path, body, tokens.applicant);
      expect(r.status, path).to.equal(403);
      expect(r.json<ErrorBody>().error.code).to.equal("forbidden");
    }
    expect((await http("GET", "/reviews")).status).to.equal(401);
  });

  it("a review too early is the contract's refusal (409 chain-ReviewNotYetOpen); the queue is empty a year ahead", async () => {
    expect((await queue()).map((i) => i.tokenId)).to.not.include(a.tokenId);
    const r = await http("POST", `/dossiers/${a.id}/review`, { result: "passed", evidence: "ab".repeat(32) }, tokens.operator);
    expect(r.status).to.equal(409);
    expect(r.json<ErrorBody>().error.code).to.equal("chain-ReviewNotYetOpen");
    expect((await chain().verifyCertificate(a.tokenId)).reviewsPassed).to.equal(0);
  });

  it("404 for a dossier without a certificate and for a dossier that does not exist", async () => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++));
    for (const target of [id, "HN-CQO-0000-999999"]) {
      const r = await http("POST", `/dossiers/${target}/review`, { result: "passed", evidence: "ab".repeat(32) }, tokens.operator);
      expect(r.status, target).to.equal(404);
      expect(r.json<ErrorBody>().error.code).to.equal("not-found");
    }
    expect((await http("POST", `/dossiers/${id}/annual-reports`, await report(a.tokenId), tokens.applicant)).status).to.equal(404);
  });

  it("due within 30 days: both certificates are in the queue with their due date from chain", async () => {
    await travel(340 * DAY);
    const items = await queue();
    const item = items.find((i) => i.tokenId === a.tokenId)!;
    expect(item, "certificate a in the queue").to.not.equal(undefined);
    const v = await chain().verifyCertificate(a.tokenId);
    expect(item).to.deep.include({ dossierId: a.id, holder: applicant.address, dueAt: v.nextReviewDue, overdue: false, open: true, reportFiled: false });
    expect(v.nextReviewDue).to.equal(v.validFrom + 365 * DAY);
    expect(item.daysLeft).to.be.within(1, 30);
    expect(items.map((i) => i.tokenId)).to.include(b.tokenId);
  });

  it("the annual report: signature and signedAt checked by field, stored sealed, visible to the operator", async () => {
    const other = account(22);
    const forged = await http("POST", `/dossiers/${a.id}/annual-reports`, await report(a.tokenId, { signer: other }), tokens.applicant);
    expect(forged.status).to.equal(422);
    expect(forged.json<ErrorBody>().error).to.deep.include({ code: "report-signature" });
    expect(forged.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.signature"]);
    const stale = await http("POST", `/dossiers/${a.id}/annual-reports`, await report(a.tokenId, { signedAt: Math.floor(Date.now() / 1000) - 3600 }), tokens.applicant);
    expect(stale.status).to.equal(422);
    expect(stale.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.signedAt"]);
    // the operator may not file for the holder: not theirs (404)
    expect((await http("POST", `/dossiers/${a.id}/annual-reports`, await report(a.tokenId), tokens.operator)).status).to.equal(404);

    const filed = await http("POST", `/dossiers/${a.id}/annual-reports`, await report(a.tokenId, { employerName: "长沙另一家制造有限公司" }), tokens.applicant);
    expect(filed.status).to.equal(201);
    expect(filed.json<{ employerChanged: boolean; needsReview: boolean }>()).to.deep.include({ employerChanged: true, needsReview: true });
    const item = (await queue()).find((i) => i.tokenId === a.tokenId)!;
    expect(item).to.deep.include({ reportFiled: true, needsReview: true });
    expect(item.report!.content).to.deep.include({ employerName: "长沙另一家制造有限公司", incidents: "无质量事故", trainingHours: 24, stillCqo: true });
    const list = expect200(await http("GET", `/dossiers/${a.id}/annual-reports`, undefined, tokens.operator), "reports").json<{ items: { content: { employerName: string } }[] }>();
    expect(list.items.map((x) => x.content.employerName)).to.deep.equal(["长沙另一家制造有限公司"]);
    // at rest the content is sealed: neither the employer nor the declaration is in the file
    const raw = new Database(testConfig(tmp.dir).dbPath, { readonly: true });
    const stored = raw.prepare("SELECT report_json FROM annual_reports").all() as { report_json: string }[];
    raw.close();
    expect(stored).to.have.length(1);
    expect(stored[0]!.report_json.startsWith("cqo1:")).to.equal(true);
    expect(stored[0]!.report_json).to.not.include("长沙");
  });

  it("passed: recordReview on chain, the event and the next review date a year on; out of the queue", async () => {
    const before = await chain().verifyCertificate(a.tokenId);
    const evidence = randomBytes(32).toString("hex");
    const r = await http("POST", `/dossiers/${a.id}/review`, { result: "passed", evidence, note: "年审材料齐全" }, tokens.operator);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const body = r.json<{ id: string; state: string; txHash: Hex; nextReviewDue: number }>();
    expect(body).to.deep.include({ id: a.id, state: "issued", nextReviewDue: before.nextReviewDue + 365 * DAY });
    const after = await chain().verifyCertificate(a.tokenId);
    expect(after.nextReviewDue).to.equal(before.nextReviewDue + 365 * DAY);
    expect(after.reviewsPassed).to.equal(1);
    const event = (await chain().certificateHistory(a.tokenId)).find((e) => e.kind === "reviewed");
    expect(event).to.deep.include({ kind: "reviewed", result: "Passed", evidenceHash: `0x${evidence}`, nextReviewDue: after.nextReviewDue, txHash: body.txHash });
    expect((await queue()).map((i) => i.tokenId)).to.not.include(a.tokenId);
    const audit = expect200(await http("GET", `/dossiers/${a.id}/audit`, undefined, tokens.operator), "audit").json<{ items: { action: string }[] }>();
    expect(audit.items.map((x) => x.action)).to.include.members(["annual-report", "annual-review"]);
  });

  it("a crash between the mined review and its record: the next read of the queue records it from the certificate's events", async () => {
    crashAt.point = "lifecycle-sent";
    const evidence = "ef".repeat(32);
    const r = await http("POST", `/dossiers/${c.id}/review`, { result: "passed", evidence, note: "crash test" }, tokens.operator);
    crashAt.point = null;
    expect(r.status).to.equal(500);
    expect((await chain().verifyCertificate(c.tokenId)).reviewsPassed).to.equal(1);
    // the one lifecycle write path: the review is a pending intent of chain_intents, no table of its own
    expect(reviewIntent(c.tokenId)?.status).to.equal("pending");
    expect((await queue()).map((i) => i.tokenId)).to.not.include(c.tokenId);
    expect(reviewIntent(c.tokenId)?.status).to.equal("done");
    const tx = (await chain().certificateHistory(c.tokenId)).find((e) => e.kind === "reviewed")!.txHash;
    const audit = await auditOf(c.id);
    expect(audit[audit.length - 1]).to.deep.include({ action: "annual-review" });
    expect(audit[audit.length - 1]!.details).to.include({ txHash: tx, resyncedFromChain: true, note: "crash test", result: "Passed" });
    // recorded once: a re-sync finds nothing more to record
    const sync = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ recorded: number; followed: number }>();
    expect(sync).to.include({ recorded: 0, followed: 0 });
    expect((await auditOf(c.id)).filter((x) => x.action === "annual-review")).to.have.length(1);
  });

  it("reviews made with the body's key outside the workbench: the re-sync records the passed one and the failed one's suspension", async () => {
    const body = clientFor(anvil.url, world.deployment, account(OPERATOR));
    const passed = await body.recordReview(d.tokenId, "Passed", `0x${"a1".repeat(32)}`);
    const failed = await body.recordReview(e.tokenId, "FailedSuspended", `0x${"a2".repeat(32)}`);
    const sync = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ followed: number; unresolved: number }>();
    expect(sync).to.include({ followed: 2, unresolved: 0 });
    const onD = (await auditOf(d.id)).filter((x) => x.action === "annual-review");
    expect(onD).to.have.length(1);
    expect(onD[0]).to.deep.include({ role: "sync" });
    expect(onD[0]!.details).to.include({ txHash: passed.hash, result: "Passed", resyncedFromChain: true });
    expect(await stateOf(e.id)).to.equal("suspended");
    const suspension = (await auditOf(e.id)).filter((x) => x.action === "suspend");
    expect(suspension).to.have.length(1);
    expect(suspension[0]!.details).to.include({ txHash: failed.hash, result: "FailedSuspended", annualReview: "failed", resyncedFromChain: true });
    // once only
    expect(expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ followed: number }>().followed).to.equal(0);
    expect((await queue()).map((i) => i.tokenId)).to.not.include(d.tokenId);
  });

  it("failed: the certificate is suspended on chain and the dossier with it; overdue after the due date", async () => {
    const r = await http("POST", `/dossiers/${b.id}/review`, { result: "failed", evidence: "cd".repeat(32) }, tokens.operator);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.json<{ state: string }>().state).to.equal("suspended");
    const v = await chain().verifyCertificate(b.tokenId);
    expect(v.status).to.equal("Suspended");
    expect(v.suspendedByBody).to.equal(true);
    expect(await stateOf(b.id)).to.equal("suspended");
    await travel(40 * DAY);
    const item = (await queue()).find((i) => i.tokenId === b.tokenId)!;
    expect(item).to.deep.include({ overdue: true });
    expect(item.daysLeft).to.be.below(0);
  });

  it("reminders: listed, and POSTed to the webhook signed with HMAC-SHA256, retried after a failure, without personal data", async () => {
    failFirstOf = `overdue:${b.tokenId}`;
    const r = expect200(await http("GET", "/reminders", undefined, tokens.operator), "reminders").json<{ webhook: boolean; items: { kind: string; tokenId: string }[] }>();
    expect(r.webhook).to.equal(true);
    expect(r.items.filter((x) => x.tokenId === b.tokenId).map((x) => x.kind)).to.deep.equal(["overdue"]);
    const deadline = Date.now() + 20_000;
    const delivered = () => received.filter((x) => JSON.parse(x.body).kind === "overdue" && JSON.parse(x.body).tokenId === b.tokenId);
    while (delivered().length < 2 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    // one refused (500), then delivered
    expect(delivered().length).to.equal(2);
    for (const d of received) {
      const ts = String(d.headers["x-cqo-timestamp"]);
      expect(d.headers["x-cqo-signature"]).to.equal(`sha256=${createHmac("sha256", SECRET).update(`${ts}.${d.body}`).digest("hex")}`);
      expect(d.body.toLowerCase()).to.not.include(applicant.address.toLowerCase());
      expect(d.body).to.not.include("长沙");
    }
    const again = expect200(await http("GET", "/reminders", undefined, tokens.operator), "reminders").json<{ items: { kind: string; tokenId: string; delivery: string }[] }>();
    expect(again.items.find((x) => x.tokenId === b.tokenId && x.kind === "overdue")!.delivery).to.equal("delivered");
  });
});
