/**
 * 工作单位变更报告 (issue #13) against anvil: the holder's EIP-712 change of employer report (201 with its view,
 * sealed at rest, the audit entry without its content), checked by field (the credit code as the dossier schema
 * checks it, the signer, the time), filed once, by the holder only; the certificate joins the review queue at once
 * with the reason `employer-changed` and a reminder on the webhook, and leaves it once a review is recorded after
 * the report; the dossier's erasure erases the report.
 *
 * The world is startWorkbench's with the rulebook registered with annual reviews (every 365 days, 60 days of
 * grace): a certificate without a review due cannot leave the queue.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address } from "viem";
import { employerChangeTypedData, type EmployerChange } from "../../sdk/employer-change";
import { usccCheckChar } from "../../scoring";
import type { Workbench } from "../../server/app";
import { account, dossierFor, expect200, signInAs, startWorkbench, toEvaluated, type Anvil, type Http, type Tokens, type WorkbenchFixture } from "./helpers";

const DAY = 86_400;
const FIRST17 = "91430100MA4L2B7Q5";
const USCC = `${FIRST17}${usccCheckChar(FIRST17)}`;
/** the same code with another check character */
const BAD_USCC = `${FIRST17}${usccCheckChar(FIRST17) === "1" ? "2" : "1"}`;
const NEW_EMPLOYER = "株洲新岗位精密制造有限公司";

interface ErrorBody {
  error: { code: string; zh: string; en: string; problems?: { field: string; zh: string; en: string }[] };
}
interface ChangeView {
  id: number;
  dossierId: string;
  tokenId: string;
  reviewed: boolean;
  content: { newEmployerName: string; newEmployerUscc: string; stillCqo: boolean; changedOn: string; statement: string };
}
interface QueueItem {
  tokenId: string;
  dossierId: string;
  needsReview: boolean;
  reasons: string[];
  employerChange: ChangeView | null;
}

describe("server: change of employer reports (工作单位变更报告, anvil)", function () {
  this.timeout(240_000);
  let anvil: Anvil;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let certificate: Address;
  let hook: Server;
  const received: string[] = [];
  let fixture: WorkbenchFixture;
  const holder = account(41);
  const stranger = account(42);
  let seed = 4100;
  let a: { id: string; tokenId: string };
  let b: { id: string; tokenId: string };

  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const travel = async (s: number) => {
    await rpc("evm_increaseTime", [s]);
    await rpc("evm_mine", []);
  };
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state;
  const issue = async (): Promise<{ id: string; tokenId: string }> => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++));
    const r = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    while ((await stateOf(id)) !== "in-notice") await new Promise((res) => setTimeout(res, 50));
    return { id, tokenId: r.tokenId };
  };
  const queue = async () => expect200(await http("GET", "/reviews", undefined, tokens.operator), "queue").json<{ items: QueueItem[] }>().items;
  /** the report's body, signed by `signer` (default the holder) for the certificate and dossier `x` */
  const report = async (x: { id: string; tokenId: string }, o: { signer?: typeof holder; signedAt?: number; uscc?: string; statement?: string } = {}) => {
    const fields = { newEmployerName: NEW_EMPLOYER, newEmployerUscc: o.uscc ?? USCC, stillCqo: true, changedOn: "2026-11-20", statement: o.statement ?? "本人已于 2026 年 11 月调入新单位，继续担任首席质量官。", signedAt: o.signedAt ?? Math.floor(Date.now() / 1000) };
    // built by hand, not with employerChange(), which refuses the bad inputs these tests send
    const message: EmployerChange = { ...fields, holder: holder.address, tokenId: BigInt(x.tokenId), dossierId: x.id };
    const signature = await (o.signer ?? holder).signTypedData(employerChangeTypedData(31337, certificate, message));
    return { ...fields, signature };
  };

  before(async () => {
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    fixture = await startWorkbench({
      applicant: holder,
      prefix: "employer-changes",
      reviews: { reviewInterval: 365 * DAY, reviewGrace: 60 * DAY },
      config: { reviewWebhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, reviewWebhookSecret: "s" },
    });
    ({ anvil, wb, http, tokens } = fixture);
    certificate = fixture.world.deployment.certificate;
    a = await issue();
    b = await issue();
    await travel(8 * DAY);
    for (const x of [a, b]) expect200(await http("POST", `/dossiers/${x.id}/end-notice`, {}, tokens.operator), "end-notice");
  });

  after(async () => {
    await fixture?.stop();
    await new Promise((r) => hook?.close(r));
  });

  it("a year before the review, the certificate is not in the queue", async () => {
    expect((await queue()).map((i) => i.tokenId)).to.not.include(a.tokenId);
  });

  it("400 naming the field: a credit code with a wrong check character, one of 17 characters, an empty statement", async () => {
    const wrong = await http("POST", `/dossiers/${a.id}/employer-change`, await report(a, { uscc: BAD_USCC }), tokens.applicant);
    expect(wrong.status).to.equal(400);
    const problems = wrong.json<ErrorBody>().error.problems!;
    expect(problems.map((p) => p.field)).to.deep.equal(["body.newEmployerUscc"]);
    expect(problems[0]!.zh).to.include("统一社会信用代码校验码错误");
    expect(problems[0]!.en).to.include("check character");
    const short = await http("POST", `/dossiers/${a.id}/employer-change`, await report(a, { uscc: FIRST17 }), tokens.applicant);
    expect(short.status).to.equal(400);
    expect(short.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.newEmployerUscc"]);
    const empty = await http("POST", `/dossiers/${a.id}/employer-change`, await report(a, { statement: "" }), tokens.applicant);
    expect(empty.status).to.equal(400);
    expect(empty.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.statement"]);
  });

  it("422 naming the field: signed by another wallet, signed an hour ago", async () => {
    const forged = await http("POST", `/dossiers/${a.id}/employer-change`, await report(a, { signer: stranger }), tokens.applicant);
    expect(forged.status).to.equal(422);
    expect(forged.json<ErrorBody>().error).to.deep.include({ code: "report-signature" });
    expect(forged.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.signature"]);
    const stale = await http("POST", `/dossiers/${a.id}/employer-change`, await report(a, { signedAt: Math.floor(Date.now() / 1000) - 3600 }), tokens.applicant);
    expect(stale.status).to.equal(422);
    expect(stale.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.signedAt"]);
  });

  it("404 for anyone but the holder: another wallet, the operator; 401 signed out", async () => {
    const other = await signInAs(http, stranger);
    const body = await report(a);
    expect((await http("POST", `/dossiers/${a.id}/employer-change`, body, other)).status).to.equal(404);
    expect((await http("GET", `/dossiers/${a.id}/employer-changes`, undefined, other)).status).to.equal(404);
    expect((await http("POST", `/dossiers/${a.id}/employer-change`, body, tokens.operator)).status).to.equal(404);
    expect((await http("POST", `/dossiers/${a.id}/employer-change`, body)).status).to.equal(401);
  });

  it("201: filed, sealed at rest, audited without its content; in the queue at once as employer-changed, with a reminder", async () => {
    const body = await report(a);
    const r = await http("POST", `/dossiers/${a.id}/employer-change`, body, tokens.applicant);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const view = r.json<ChangeView>();
    expect(view).to.deep.include({ dossierId: a.id, tokenId: a.tokenId, reviewed: false });
    expect(view.content).to.deep.equal({ newEmployerName: NEW_EMPLOYER, newEmployerUscc: USCC, stillCqo: true, changedOn: "2026-11-20", statement: body.statement });

    const item = (await queue()).find((i) => i.tokenId === a.tokenId);
    expect(item, "in the queue").to.not.equal(undefined);
    expect(item!.reasons).to.deep.equal(["employer-changed"]);
    expect(item!.needsReview).to.equal(true);
    expect(item!.employerChange!.content).to.deep.include({ newEmployerName: NEW_EMPLOYER, newEmployerUscc: USCC, changedOn: "2026-11-20" });
    expect((await queue()).map((i) => i.tokenId)).to.not.include(b.tokenId);

    for (const token of [tokens.operator, tokens.applicant]) {
      const list = expect200(await http("GET", `/dossiers/${a.id}/employer-changes`, undefined, token), "list").json<{ items: ChangeView[] }>();
      expect(list.items.map((x) => x.content.newEmployerUscc)).to.deep.equal([USCC]);
    }
    const stored = wb.db.prepare("/* raw */ SELECT report_json FROM employer_changes WHERE dossier_id = ?").all(a.id) as { report_json: string }[];
    expect(stored).to.have.length(1);
    expect(stored[0]!.report_json.startsWith("cqo1:")).to.equal(true);
    expect(stored[0]!.report_json).to.not.include(USCC);
    const audit = expect200(await http("GET", `/dossiers/${a.id}/audit?limit=200`, undefined, tokens.operator), "audit").json<{ items: { action: string; details: unknown }[] }>();
    const entry = audit.items.find((x) => x.action === "employer-change");
    expect(entry, "audited").to.not.equal(undefined);
    expect(JSON.stringify(entry)).to.not.include(USCC).and.not.include("株洲");

    const deadline = Date.now() + 20_000;
    const reminder = () => received.find((x) => x.includes('"employer-changed"') && x.includes(`"${a.tokenId}"`));
    while (!reminder() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(reminder(), "the webhook's reminder").to.be.a("string");
    expect(reminder()!.toLowerCase()).to.not.include(holder.address.toLowerCase());
    expect(reminder()).to.not.include(USCC);
    const reminders = expect200(await http("GET", "/reminders", undefined, tokens.operator), "reminders").json<{ items: { kind: string; tokenId: string }[] }>();
    expect(reminders.items.filter((x) => x.tokenId === a.tokenId).map((x) => x.kind)).to.deep.equal(["employer-changed"]);
  });

  it("409: the same signed report again is refused, and stays filed once", async () => {
    const body = await report(a, { statement: "再次提交的同一份报告" });
    expect200(await http("POST", `/dossiers/${a.id}/employer-change`, body, tokens.applicant), "first", 201);
    const again = await http("POST", `/dossiers/${a.id}/employer-change`, body, tokens.applicant);
    expect(again.status).to.equal(409);
    expect(again.json<ErrorBody>().error.code).to.equal("report-replayed");
    const list = expect200(await http("GET", `/dossiers/${a.id}/employer-changes`, undefined, tokens.operator), "list").json<{ items: ChangeView[] }>();
    expect(list.items.filter((x) => x.content.statement === "再次提交的同一份报告")).to.have.length(1);
  });

  it("the queue entry leaves once the operator records a review after the report", async () => {
    // 300 days on: the review is open for recording, still more than 30 days off (in the queue for the change only)
    await travel(300 * DAY);
    const before = (await queue()).find((i) => i.tokenId === a.tokenId)!;
    expect(before.reasons).to.deep.equal(["employer-changed"]);
    const r = await http("POST", `/dossiers/${a.id}/review`, { result: "passed", evidence: "ab".repeat(32), note: "工作单位变更已核实" }, tokens.operator);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect((await queue()).map((i) => i.tokenId)).to.not.include(a.tokenId);
    const list = expect200(await http("GET", `/dossiers/${a.id}/employer-changes`, undefined, tokens.operator), "list").json<{ items: ChangeView[] }>();
    expect(list.items.map((x) => x.reviewed)).to.deep.equal([true, true]);
  });

  it("the dossier's erasure erases the report: gone from the list, the queue and the database", async () => {
    expect200(await http("POST", `/dossiers/${b.id}/employer-change`, await report(b), tokens.applicant), "file", 201);
    expect((await queue()).map((i) => i.tokenId)).to.include(b.tokenId);
    expect200(await http("POST", `/dossiers/${b.id}/erase`, { reason: "request", reference: "PIPL-2026-041" }, tokens.operator), "erase");
    const list = expect200(await http("GET", `/dossiers/${b.id}/employer-changes`, undefined, tokens.operator), "list").json<{ items: ChangeView[] }>();
    expect(list.items).to.deep.equal([]);
    expect((await queue()).map((i) => i.tokenId)).to.not.include(b.tokenId);
    const stored = wb.db.prepare("/* raw */ SELECT report_json FROM employer_changes WHERE dossier_id = ?").all(b.id) as { report_json: string }[];
    expect(stored.map((x) => x.report_json)).to.deep.equal(['{"erased":true}']);
    // erased by server/erasure.ts alone: migration 15 dropped migration 14's trigger
    expect(wb.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'employer_changes_erased'").all()).to.deep.equal([]);
    // nothing more is filed about the person
    const late = await http("POST", `/dossiers/${b.id}/employer-change`, await report(b, { statement: "擦除之后" }), tokens.applicant);
    expect(late.status).to.equal(409);
    expect(late.json<ErrorBody>().error.code).to.equal("erased");
  });
});
