/**
 * The workbench in-process against an anvil node: the state machine (every command from every state), the whole
 * procedure over HTTP down to the holder's credential and the certificate's life, panel rules, input errors.
 */
import { expect } from "chai";
import { join } from "node:path";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { verifyDisclosure, disclose, type Credential } from "../../scoring";
import { devAssessors, signSheet, syntheticSheets } from "../../scoring/synthetic";
import { certificateNumberOf } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { openDb } from "../../server/db";
import { COMMANDS, STATES, isLegal, transition, type Command, type State } from "../../server/workflow";
import {
  ASSESSORS,
  OPERATOR,
  RULEBOOK,
  RULEBOOK_HASH,
  RULEBOOK_KEY,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  signInAs,
  signInTeam,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  toScored,
  type Anvil,
  type Http,
  type Tokens,
  type World,
  submitDossier,
} from "./helpers";

describe("server: state machine table", () => {
  const commands = Object.keys(COMMANDS) as Command[];
  for (const command of commands) {
    it(`${command}: legal from ${COMMANDS[command].from.join("|")}, refused (409, nothing written) from every other state`, () => {
      const db = openDb(":memory:");
      const actor = { address: "0x0000000000000000000000000000000000000001", role: "operator" as const };
      for (const from of STATES) {
        const id = `D-${from}`;
        db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, 'a', 'r', ?, '{}', '0x', 0, 0)").run(id, from);
        const to: State = COMMANDS[command].to[0];
        const audits = () => (db.prepare("SELECT COUNT(*) AS n FROM audit_log").get() as { n: number }).n;
        const before = audits();
        let status = 200;
        try {
          db.transaction(() => transition(db, id, command, from, to, actor))();
        } catch (err) {
          status = (err as { status?: number }).status ?? 500;
        }
        const state = (db.prepare("SELECT state FROM dossiers WHERE id = ?").get(id) as { state: State }).state;
        if (isLegal(command, from)) {
          expect(status, `${command} from ${from}`).to.equal(200);
          expect(state).to.equal(to);
          expect(audits()).to.equal(before + 1);
        } else {
          expect(status, `${command} from ${from}`).to.equal(409);
          expect(state).to.equal(from);
          expect(audits()).to.equal(before);
        }
      }
      // a target the command cannot produce is refused even from a legal state
      const legalFrom = COMMANDS[command].from[0];
      const wrongTo = STATES.find((s) => !(COMMANDS[command].to as readonly State[]).includes(s))!;
      db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES ('X', 'a', 'r', ?, '{}', '0x', 0, 0)").run(legalFrom);
      expect(() => db.transaction(() => transition(db, "X", command, legalFrom, wrongTo, actor))()).to.throw(/cannot/);
      db.close();
    });
  }
});

describe("server: the procedure over HTTP (anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 100;
  const applicant = account(10);

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("workflow");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)) });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, applicant);
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const waitForState = async (id: string, state: string, ms = 20_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>();
      if (r.state === state) return;
      if (Date.now() > deadline) throw new Error(`dossier ${id} stayed ${r.state}, wanted ${state}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });

  it("submit → accept → assign → sheets → evaluate → approve → on-chain (公示) → issued → credential → suspend → reinstate → revoke", async () => {
    const dossier = dossierFor(seed++);
    const { id, state } = await toEvaluated(http, tokens, dossier);
    expect(state).to.equal("evaluated");
    const approved = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ state: string; root: Hex; tokenId: string }>();
    expect(approved.state).to.equal("queued");
    await waitForState(id, "in-notice");

    const chain = clientFor(anvil.url, world.deployment);
    const v = await chain.verifyCertificate(approved.tokenId);
    expect(v.status).to.equal("Pending");
    expect(v.holder).to.equal(applicant.address);
    expect(v.resultRoot).to.equal(approved.root);

    const early = await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator);
    expect(early.status).to.equal(409);
    expect(early.json<{ error: { code: string } }>().error.code).to.equal("notice-not-over");

    await rpc("evm_increaseTime", [8 * 86_400]);
    await rpc("evm_mine", []);
    expect(expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice").json<{ state: string }>().state).to.equal("issued");

    // the holder's credential: the root is the on-chain root, and a disclosure from it verifies
    const cred = expect200(await http("GET", `/dossiers/${id}/credential`, undefined, tokens.applicant), "credential").json<{ root: Hex; credential: Credential }>();
    expect(cred.root).to.equal(v.resultRoot);
    expect(cred.credential.fields.every((f) => /^0x[0-9a-f]{64}$/.test(f.salt))).to.equal(true);
    const d = disclose(cred.credential, ["level"]);
    expect(d.ok).to.equal(true);
    if (d.ok) expect(verifyDisclosure(d.value, v.resultRoot).ok).to.equal(true);
    // the body's staff cannot download it
    expect((await http("GET", `/dossiers/${id}/credential`, undefined, tokens.operator)).status).to.equal(404);

    expect(expect200(await http("POST", `/dossiers/${id}/suspend`, { note: "年审未按期" }, tokens.operator), "suspend").json<{ state: string }>().state).to.equal("suspended");
    expect((await chain.verifyCertificate(approved.tokenId)).status).to.equal("Suspended");
    expect(expect200(await http("POST", `/dossiers/${id}/reinstate`, {}, tokens.operator), "reinstate").json<{ state: string }>().state).to.equal("issued");
    expect(expect200(await http("POST", `/dossiers/${id}/revoke`, { reason: "Violation" }, tokens.operator), "revoke").json<{ state: string }>().state).to.equal("revoked");
    expect((await chain.verifyCertificate(approved.tokenId)).revocationReason).to.equal("Violation");

    const audit = expect200(await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.applicant), "audit").json<{ items: { action: string; from: string | null; to: string | null; actor: string }[] }>().items;
    expect(audit.map((a) => a.action)).to.deep.equal(["submit", "accept", "assign", "sheet", "sheet", "sheet", "evaluate", "approve", "issued-on-chain", "end-notice", "suspend", "reinstate", "revoke"]);
    expect(audit[1]).to.include({ from: "submitted", to: "accepted", actor: account(OPERATOR).address });
    // the outbox recorded the transaction
    const outbox = (await http("GET", "/outbox", undefined, tokens.operator)).json<{ items: { root: string; status: string; txHash: string | null }[] }>().items;
    const row = outbox.find((o) => o.root === approved.root)!;
    expect(row.status).to.equal("issued");
    expect(row.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("an illegal command is refused with 409 and writes nothing", async () => {
    const dossier = dossierFor(seed++);
    const id = await submitDossier(http, dossier, tokens.applicant);
    const auditLen = async () => (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: unknown[] }>().items.length;
    const before = await auditLen();
    for (const [path, body] of [
      ["assign", { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }],
      ["evaluate", {}],
      ["approve", {}],
      ["end-notice", {}],
      ["suspend", {}],
      ["reinstate", {}],
      ["revoke", { reason: "Fraud" }],
      ["re-review", {}],
    ] as const) {
      const r = await http("POST", `/dossiers/${id}/${path}`, body, tokens.operator);
      expect(r.status, path).to.equal(409);
      const e = r.json<{ error: { code: string; zh: string; en: string; details: { state: string } } }>().error;
      expect(e.code).to.equal("illegal-transition");
      expect(e.details.state).to.equal("submitted");
      expect(e.zh).to.contain("已申请");
      expect(e.en).to.contain("submitted");
    }
    expect(await auditLen()).to.equal(before);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    expect((await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator)).status).to.equal(409);
    expect((await http("POST", `/dossiers/${id}/reject`, { reasons: ["late"] }, tokens.operator)).status).to.equal(409);
  });

  it("受理: rejection needs reasons, which are kept; rejected is terminal", async () => {
    const dossier = dossierFor(seed++);
    const id = await submitDossier(http, dossier, tokens.applicant);
    const none = await http("POST", `/dossiers/${id}/reject`, { reasons: [] }, tokens.operator);
    expect(none.status).to.equal(400);
    expect(none.json<{ error: { problems: { field: string; zh: string; en: string }[] } }>().error.problems[0]).to.include({ field: "body.reasons", en: "a rejection needs at least one reason" });
    expect200(await http("POST", `/dossiers/${id}/reject`, { reasons: [{ zh: "任职证明缺失", en: "no appointment letter" }] }, tokens.operator), "reject");
    const d = (await http("GET", `/dossiers/${id}`, undefined, tokens.applicant)).json<{ state: string; rejection: unknown }>();
    expect(d.state).to.equal("rejected");
    expect(d.rejection).to.deep.equal([{ zh: "任职证明缺失", en: "no appointment letter" }]);
    expect((await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator)).status).to.equal(409);
  });

  it("panel: fewer assessors than the rulebook's minimum, an unknown one, or one from the applicant's employer is refused", async () => {
    const dossier = dossierFor(seed++);
    const id = await submitDossier(http, dossier, tokens.applicant);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    const small = await http("POST", `/dossiers/${id}/assign`, { assessors: ASSESSORS.slice(0, RULEBOOK.panel.minAssessors - 1).map((a) => a.address) }, tokens.operator);
    expect(small.status).to.equal(422);
    expect(small.json<{ error: { code: string } }>().error.code).to.equal("panel-too-small");

    // an assessor employed by the applicant's employer: conflict of interest
    const [conflicted] = devAssessors(20).slice(19);
    expect200(await http("POST", "/assessors", { address: conflicted!.address, assessorId: "EXP-COI", name: "同单位专家", employerUscc: dossier.employer.uscc }, tokens.operator), "register", 201);
    const stranger = account(30).address;
    const r = await http("POST", `/dossiers/${id}/assign`, { assessors: [ASSESSORS[0]!.address, conflicted!.address, stranger] }, tokens.operator);
    expect(r.status).to.equal(422);
    const problems = r.json<{ error: { code: string; problems: { field: string; en: string; zh: string }[] } }>().error;
    expect(problems.code).to.equal("panel-refused");
    expect(problems.problems).to.deep.include({ field: "body.assessors[1]", path: ["body", "assessors", 1], zh: "利益冲突：评审专家与申报人同属一个单位", en: "conflict of interest: the assessor works for the applicant's employer" });
    expect(problems.problems.map((p) => p.field)).to.include("body.assessors[2]");
    expect((await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state).to.equal("accepted");
  });

  it("sheets: unsigned, signed by someone else, or twice are refused; an unassigned assessor does not see the dossier", async () => {
    const dossier = dossierFor(seed++);
    const id = await submitDossier(http, dossier, tokens.applicant);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
    const { dossierHash } = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
    const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, dossierHash, panel, 7);

    const unsigned = await http("POST", `/dossiers/${id}/sheets`, { sheet: sheets[0] }, tokens.assessors[0]);
    expect(unsigned.status).to.equal(422);
    expect(JSON.stringify(unsigned.body)).to.contain("the sheet is not signed");
    const forged = await signSheet(sheets[0]!, ASSESSORS[1]!.key);
    const wrong = await http("POST", `/dossiers/${id}/sheets`, { sheet: forged }, tokens.assessors[0]);
    expect(wrong.status).to.equal(422);
    expect(JSON.stringify(wrong.body)).to.contain("the signature is not the assessor's");
    // someone else's sheet, even validly signed, cannot be handed in by another assessor
    const other = await signSheet(sheets[1]!, ASSESSORS[1]!.key);
    expect((await http("POST", `/dossiers/${id}/sheets`, { sheet: other }, tokens.assessors[0])).status).to.equal(422);

    const good = await signSheet(sheets[0]!, ASSESSORS[0]!.key);
    expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: good }, tokens.assessors[0]), "sheet", 201);
    // the same sheet again counts once (issue #15): 200, already received; a different one is refused
    expect((await http("POST", `/dossiers/${id}/sheets`, { sheet: good }, tokens.assessors[0])).json<{ alreadyReceived: boolean }>().alreadyReceived).to.equal(true);
    expect((await http("POST", `/dossiers/${id}/sheets`, { sheet: await signSheet({ ...sheets[0]!, comments: "改" }, ASSESSORS[0]!.key) }, tokens.assessors[0])).status).to.equal(409);

    const outsider = await signInAs(http, privateKeyToAccount(ASSESSORS[4]!.key));
    expect((await http("GET", `/dossiers/${id}`, undefined, outsider)).status).to.equal(404);
    expect((await http("POST", `/dossiers/${id}/sheets`, { sheet: good }, outsider)).status).to.equal(404);
    expect((await http("GET", "/dossiers", undefined, outsider)).json<{ items: { id: string }[] }>().items.map((d) => d.id)).to.not.include(id);
    expect((await http("GET", "/dossiers", undefined, tokens.assessors[0])).json<{ items: { id: string }[] }>().items.map((d) => d.id)).to.include(id);
  });

  it("evaluation: a veto ends in not-certified (terminal); diverging sheets are flagged and go back for a new panel round", async () => {
    const vetoed = await toEvaluated(http, tokens, dossierFor(seed++, "vetoed"));
    expect(vetoed.state).to.equal("not-certified");
    const d = (await http("GET", `/dossiers/${vetoed.id}`, undefined, tokens.applicant)).json<{ outcome: string; evaluation: { veto: { vetoed: boolean } } }>();
    expect(d.outcome).to.equal("vetoed");
    expect(d.evaluation.veto.vetoed).to.equal(true);
    expect((await http("POST", `/dossiers/${vetoed.id}/approve`, {}, tokens.operator)).status).to.equal(409);
    expect((await http("POST", `/dossiers/${vetoed.id}/re-review`, {}, tokens.operator)).status).to.equal(409);

    // jitter 400 permille: the sheets spread far beyond the rulebook's 30 %
    const dossier = dossierFor(seed++);
    const id = await submitDossier(http, dossier, tokens.applicant);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
    const { dossierHash } = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
    const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, dossierHash, panel, 3, 0);
    const ids = Object.keys(sheets[0]!.scores);
    sheets[0]!.scores[ids[0]!] = 0; // one assessor far from the others on one indicator
    for (const [i, a] of panel.entries()) expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: await signSheet(sheets[i]!, a.key) }, tokens.assessors[i]), "sheet", 201);
    const ev = expect200(await http("POST", `/dossiers/${id}/evaluate`, {}, tokens.operator), "evaluate").json<{ state: string; evaluation: { divergent: string[] } }>();
    expect(ev.state).to.equal("flagged");
    expect(ev.evaluation.divergent).to.include(ids[0]);
    expect((await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator)).status).to.equal(409);
    const back = expect200(await http("POST", `/dossiers/${id}/re-review`, {}, tokens.operator), "re-review").json<{ state: string; round: number }>();
    expect(back).to.include({ state: "accepted", round: 2 });
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign round 2");
  });

  it("renewal (复评): a second evaluation of the same applicant renews the certificate on-chain, same number, new root", async () => {
    const first = await toEvaluated(http, tokens, dossierFor(seed++), 4242);
    const approved = expect200(await http("POST", `/dossiers/${first.id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string; root: Hex }>();
    await waitForState(first.id, "in-notice");
    await rpc("evm_increaseTime", [8 * 86_400]);
    await rpc("evm_mine", []);
    expect200(await http("POST", `/dossiers/${first.id}/end-notice`, {}, tokens.operator), "end-notice");
    // the re-evaluation: the same person's record, a new application
    const base = dossierFor(seed - 1);
    const again = await toEvaluated(http, tokens, { ...base, dossierId: `${base.dossierId}-R1` }, 4242);
    const chain = clientFor(anvil.url, world.deployment);
    const before = await chain.verifyCertificate(approved.tokenId);
    expect(again.state).to.equal("evaluated");
    const renewed = expect200(await http("POST", `/dossiers/${first.id}/renew`, { renewalDossierId: again.id }, tokens.operator), "renew");
    const after = await chain.verifyCertificate(approved.tokenId);
    expect(after.tokenId).to.equal(before.tokenId);
    expect(after.resultRoot).to.equal(renewed.json<{ root: Hex }>().root);
    expect((await http("GET", `/dossiers/${again.id}`, undefined, tokens.operator)).json<{ state: string }>().state).to.equal("renewal-applied");
    const cred = (await http("GET", `/dossiers/${first.id}/credential`, undefined, tokens.applicant)).json<{ root: Hex }>();
    expect(cred.root).to.equal(after.resultRoot);
    expect(certificateNumberOf(world.bodyId, cred.root)).to.not.equal(before.tokenId);
  });

  it("input errors name the field and the reason in Chinese and English", async () => {
    const dossier = dossierFor(seed++);
    const bad = { ...dossier, applicant: { ...dossier.applicant, idNumber: dossier.applicant.idNumber.slice(0, 17) + (dossier.applicant.idNumber.endsWith("1") ? "2" : "1") } };
    const r = await http("POST", "/dossiers", { rulebook: "no-such@1", dossier: bad }, tokens.applicant);
    expect(r.status).to.equal(400);
    const e = r.json<{ error: { code: string; problems: { field: string; zh: string; en: string }[] } }>().error;
    expect(e.code).to.equal("invalid-input");
    expect(e.problems.map((p) => p.field)).to.have.members(["body.rulebook", "body.dossier.applicant.idNumber"]);
    expect(e.problems.find((p) => p.field === "body.dossier.applicant.idNumber")).to.include({ zh: "身份证号码校验码错误（GB 11643）", en: "ID number check digit is wrong (GB 11643)" });

    const extra = await http("POST", "/assessors", { address: "0x123", assessorId: "a b", name: "", employerUscc: "bad", more: 1 }, tokens.operator);
    expect(extra.status).to.equal(400);
    const fields = extra.json<{ error: { problems: { field: string; zh: string; en: string }[] } }>().error.problems;
    expect(fields.map((p) => p.field)).to.include.members(["body.address", "body.assessorId", "body.name", "body.employerUscc", "body"]);
    for (const p of fields) expect(p.zh).to.be.a("string").and.not.equal("");

    const reason = await http("POST", `/dossiers/${dossier.dossierId}/revoke`, { reason: "Reissued" }, tokens.operator);
    expect(reason.status).to.equal(400);
    expect(reason.json<{ error: { problems: { field: string }[] } }>().error.problems[0]!.field).to.equal("body.reason");
    expect((await http("GET", "/dossiers/bad%20id", undefined, tokens.operator)).status).to.equal(400);
  });

  it("a dossier citing evidence that was never uploaded is refused, field by field", async () => {
    const dossier = { ...dossierFor(seed++), evidence: [{ kind: "appointment", name: "任命书.pdf", sha256: "ab".repeat(32) }] };
    const r = await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier }, tokens.applicant);
    expect(r.status).to.equal(422);
    expect(r.json<{ error: { problems: { field: string }[] } }>().error.problems[0]!.field).to.equal("body.dossier.evidence[0].sha256");
  });

  it("the database lives where CQO_DB_PATH says, in WAL mode", () => {
    expect(wb.db.name).to.equal(join(tmp.dir, "workbench.sqlite"));
    expect(wb.db.pragma("journal_mode", { simple: true })).to.equal("wal");
  });

  it("scored dossiers need every panel sheet before evaluation", async () => {
    const id = await toScored(http, tokens, dossierFor(seed++));
    expect((await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state).to.equal("scored");
  });
});
