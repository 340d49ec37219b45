/**
 * Attacks on the workbench's procedure and what it keeps (issue #10): dossier numbers, separation of duties, two
 * lifecycle calls at once, a lost wallet after re-issue, an assessor after the round, invisible characters, the
 * test-only crash switch, personal data at rest, withdrawal and erasure.
 */
import { expect } from "chai";
import { existsSync, readFileSync, statSync } from "node:fs";
import { privateKeyToAccount } from "viem/accounts";
import { buildServer, type Workbench } from "../../server/app";
import { configFromEnv } from "../../server/config";
import { RAW_SQL } from "../../server/vault";
import { syntheticDossier } from "../../scoring/synthetic";
import {
  ASSESSORS,
  OPERATOR,
  RULEBOOK_KEY,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  samplePdf,
  injectHttp,
  signInAs,
  signInTeam,
  startAnvil,
  submitDossier,
  tempDir,
  testConfig,
  toEvaluated,
  toScored,
  type Anvil,
  type Http,
  type Tokens,
  type World,
} from "./helpers";

type ErrorBody = { error: { code: string; problems?: { field: string; zh: string; en: string }[] } };

describe("server: hardening of the procedure and of personal data (anvil)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 5_000;
  const applicant = account(14);

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("hardening");
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

  const grepDb = (needle: string): string[] => [wb.db.name, `${wb.db.name}-wal`].filter((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(needle, "utf8")));
  const upload = async (content: Buffer, token: string): Promise<string> => {
    const boundary = `----cqo${Date.now()}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="e.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const r = await wb.app.inject({ method: "POST", url: "/evidence", payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { "content-type": `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` } });
    expect(r.statusCode, r.body).to.be.oneOf([200, 201]);
    return (JSON.parse(r.body) as { sha256: string }).sha256;
  };
  const download = async (sha: string, token: string) => (await wb.app.inject({ method: "GET", url: `/evidence/${sha}`, headers: { authorization: `Bearer ${token}` } })).statusCode;
  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const waitFor = async (id: string, state: string) => {
    const deadline = Date.now() + 20_000;
    while ((await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state !== state) {
      if (Date.now() > deadline) throw new Error(`${id} never reached ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const issued = async (evidence: { kind: string; name: string; sha256: string }[] = []): Promise<{ id: string; tokenId: string }> => {
    const { id } = await toEvaluated(http, tokens, { ...dossierFor(seed++), evidence });
    const a = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    await rpc("evm_increaseTime", [8 * 86_400]);
    await rpc("evm_mine", []);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    return { id, tokenId: a.tokenId };
  };

  describe("dossier numbers", () => {
    it("another applicant's number can be neither taken nor probed: the workbench numbers every dossier in its own series", async () => {
      const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      const first = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      expect(first).to.match(new RegExp(`^HN-${year}-\\d{6}$`));
      // a stranger submits a dossier naming the first one's number: it gets its own, no 409 reveals anything
      const stranger = await signInAs(http, account(30));
      const r = await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: { ...dossierFor(seed++), dossierId: first } }, stranger);
      expect(r.status).to.equal(201);
      const second = r.json<{ id: string }>().id;
      expect(second).to.not.equal(first);
      expect(Number(second.slice(-6))).to.equal(Number(first.slice(-6)) + 1);
      expect((await http("GET", `/dossiers/${first}`, undefined, stranger)).status).to.equal(404);
    });
  });

  describe("separation of duties", () => {
    it("an operator cannot accept their own dossier", async () => {
      const own = await submitDossier(http, dossierFor(seed++), tokens.operator);
      const r = await http("POST", `/dossiers/${own}/accept`, {}, tokens.operator);
      expect(r.status).to.equal(403);
      expect(r.json<ErrorBody>().error.code).to.equal("own-dossier");
    });

    it("the operator who accepts cannot sit on the panel, and a panel member cannot approve", async () => {
      const id = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
      // the operator registers their own address as an assessor, then tries to put it on the panel
      const operatorAddress = account(OPERATOR).address;
      expect200(await http("POST", "/assessors", { address: operatorAddress, assessorId: "EXP-OP", name: "操作员兼专家", employerUscc: ASSESSORS[5]!.employerUscc }, tokens.operator), "register", 201);
      const r = await http("POST", `/dossiers/${id}/assign`, { assessors: [operatorAddress, ...ASSESSORS.slice(0, 2).map((a) => a.address)] }, tokens.operator);
      expect(r.status).to.equal(422);
      expect(r.json<ErrorBody>().error.problems![0]!.field).to.equal("body.assessors[0]");
      expect(r.json<ErrorBody>().error.problems![0]!.en).to.match(/separation of duties/);
      // a panel member who is also an operator (put on the panel of an evaluated dossier directly) cannot approve it
      const { id: evaluated } = await toEvaluated(http, tokens, dossierFor(seed++));
      wb.db.prepare("INSERT INTO panel_members (dossier_id, round, assessor) VALUES (?, 1, ?)").run(evaluated, operatorAddress);
      const approve = await http("POST", `/dossiers/${evaluated}/approve`, {}, tokens.operator);
      expect(approve.status).to.equal(403);
      expect(approve.json<ErrorBody>().error.code).to.equal("separation-of-duties");
      expect200(await http("DELETE", `/assessors/${operatorAddress}`, undefined, tokens.operator), "deactivate");
    });
  });

  describe("two lifecycle calls on one dossier at once", () => {
    it("the second is refused (409 dossier-busy) while the first is in flight; the audit log does not contradict itself", async () => {
      const { id } = await issued();
      const [a, b] = await Promise.all([
        http("POST", `/dossiers/${id}/suspend`, { note: "第一次" }, tokens.operator),
        http("POST", `/dossiers/${id}/suspend`, { note: "第二次" }, tokens.operator),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).to.deep.equal([200, 409]);
      expect([a, b].find((x) => x.status === 409)!.json<ErrorBody>().error.code).to.equal("dossier-busy");
      const intents = wb.db.prepare("SELECT status FROM chain_intents WHERE dossier_id = ?").all(id) as { status: string }[];
      expect(intents.map((i) => i.status)).to.deep.equal(["done"]);
      const audit = auditItems(await http("GET", `/dossiers/${id}/audit`, undefined, tokens.operator));
      expect(audit.filter((e) => e.action === "suspend")).to.have.length(1);
    });
  });

  describe("after a re-issue (a lost or stolen wallet)", () => {
    it("the old wallet loses the dossier, its audit log, its credential, its evidence and its place in the list", async () => {
      const sha = await upload(samplePdf("任命书 re-issue"), tokens.applicant);
      const { id } = await issued([{ kind: "appointment", name: "任命书.pdf", sha256: sha }]);
      expect(await download(sha, tokens.applicant)).to.equal(200);
      const newWallet = account(31);
      const prep = expect200(await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: newWallet.address, identityCheck: "现场核验身份证原件" }, tokens.operator), "prepare").json<{
        root: `0x${string}`;
        typedData: Parameters<typeof newWallet.signTypedData>[0];
      }>();
      const signature = await newWallet.signTypedData(prep.typedData);
      expect200(await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature }, tokens.operator), "request");
      expect200(await http("POST", `/dossiers/${id}/reissue`, {}, tokens.operator), "reissue");
      for (const path of [`/dossiers/${id}`, `/dossiers/${id}/audit`, `/dossiers/${id}/credential`]) {
        expect((await http("GET", path, undefined, tokens.applicant)).status, path).to.equal(404);
      }
      const list = (await http("GET", "/dossiers", undefined, tokens.applicant)).json<{ items?: { id: string }[] } | { id: string }[]>();
      const items = Array.isArray(list) ? list : (list.items ?? []);
      expect(items.map((d) => d.id)).to.not.include(id);
      expect(await download(sha, tokens.applicant)).to.equal(404);
      const newToken = await signInAs(http, newWallet);
      expect((await http("GET", `/dossiers/${id}/credential`, undefined, newToken)).status).to.equal(200);
      expect(await download(sha, newToken)).to.equal(200);
    });
  });

  describe("an assessor after the round", () => {
    it("reads the dossier's evidence while the round is open", async () => {
      const sha = await upload(samplePdf("任命书 panel"), tokens.applicant);
      const id = await submitDossier(http, { ...dossierFor(seed++), evidence: [{ kind: "appointment", name: "任命书.pdf", sha256: sha }] }, tokens.applicant);
      expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
      expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }, tokens.operator), "assign");
      expect(await download(sha, tokens.assessors[0]!)).to.equal(200);
      const outsider = await signInAs(http, privateKeyToAccount(ASSESSORS[4]!.key));
      expect(await download(sha, outsider)).to.equal(404);
    });

    it("keeps a read-only copy of their own sheet and nothing of the applicant", async () => {
      const id = await toScored(http, tokens, dossierFor(seed++));
      const r = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.assessors[0]), "read").json<{ access: string; dossier?: unknown; mySheets: { round: number }[] }>();
      expect(r.access).to.equal("own-sheet");
      expect(r.dossier).to.equal(undefined);
      expect(r.mySheets).to.have.length(1);
      expect((await http("GET", `/dossiers/${id}/audit`, undefined, tokens.assessors[0])).status).to.equal(404);
    });
  });

  describe("names and free text", () => {
    for (const [what, bad] of [
      ["a right-to-left override", "张\u202E三"],
      ["a zero-width space", "张\u200B三"],
      ["NUL", "张\u0000三"],
      ["a line feed in a name", "张\n三"],
    ] as const) {
      it(`${what} in the applicant's name is refused with a field error`, async () => {
        const d = dossierFor(seed++);
        const r = await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: { ...d, applicant: { ...d.applicant, name: bad } } }, tokens.applicant);
        expect(r.status).to.equal(400);
        const p = r.json<ErrorBody>().error.problems!;
        expect(p.map((x) => x.field)).to.include("body.dossier.applicant.name");
        expect(p.find((x) => x.field === "body.dossier.applicant.name")!.zh).to.match(/不可见字符或控制字符/);
      });
    }

    it("names are stored in Unicode NFC, so two spellings of one name hash alike", async () => {
      const d = dossierFor(seed++);
      const decomposed = "Ze\u0301lie 张"; // e + combining acute
      const id = await submitDossier(http, { ...d, applicant: { ...d.applicant, name: decomposed } }, tokens.applicant);
      const got = (await http("GET", `/dossiers/${id}`, undefined, tokens.applicant)).json<{ dossier: { applicant: { name: string } } }>();
      expect(got.dossier.applicant.name).to.equal(decomposed.normalize("NFC"));
      expect(got.dossier.applicant.name).to.not.equal(decomposed);
    });

    it("an objection's statement with a bidi override or a zero-width character is refused naming body.statement", async () => {
      for (const statement of ["证书持有人\u202E伪造\u202C材料", "伪造\u200B材料", "伪造\u0000"]) {
        const r = await http("POST", "/objections", { tokenId: "1", statement, signature: `0x${"11".repeat(65)}`, issuedAt: Math.floor(Date.now() / 1000) }, tokens.applicant);
        expect(r.status, statement).to.equal(400);
        expect(r.json<ErrorBody>().error.problems!.map((p) => p.field)).to.include("body.statement");
      }
    });

    it("a note with a bidi control is refused naming body.note", async () => {
      const id = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      const r = await http("POST", `/dossiers/${id}/accept`, { note: "ok\u2067" }, tokens.operator);
      expect(r.status).to.equal(400);
      expect(r.json<ErrorBody>().error.problems![0]!.field).to.equal("body.note");
    });
  });

  describe("personal data at rest", () => {
    it("the database file and its WAL hold no applicant name, ID number or phone in clear; the API reads them back", async () => {
      const d = { ...syntheticDossier(seed++), evidence: [] };
      const name = "欧阳明远";
      const dossier = { ...d, applicant: { ...d.applicant, name } };
      const { id } = await toEvaluated(http, tokens, dossier);
      expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve");
      for (const needle of [name, dossier.applicant.idNumber, dossier.applicant.phone]) expect(grepDb(needle), needle).to.deep.equal([]);
      const got = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossier: { applicant: { name: string; idNumber: string } } }>();
      expect(got.dossier.applicant).to.include({ name, idNumber: dossier.applicant.idNumber });
      const stored = wb.db.prepare(`${RAW_SQL} SELECT dossier_json FROM dossiers WHERE id = ?`).get(id) as { dossier_json: string };
      expect(stored.dossier_json.startsWith("cqo1:")).to.equal(true);
    });

    it("database files are created owner-only (0600)", () => {
      for (const f of [wb.db.name, `${wb.db.name}-wal`]) expect(readMode(f), f).to.equal(0o600);
    });
  });

  describe("withdrawal and erasure", () => {
    it("an applicant withdraws before acceptance (only their own, only then); its personal data is erased at once", async () => {
      const id = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      const stranger = await signInAs(http, account(32));
      expect((await http("POST", `/dossiers/${id}/withdraw`, {}, stranger)).status).to.equal(404);
      const w = expect200(await http("POST", `/dossiers/${id}/withdraw`, {}, tokens.applicant), "withdraw").json<{ state: string }>();
      expect(w.state).to.equal("withdrawn");
      const again = await http("POST", `/dossiers/${id}/withdraw`, {}, tokens.applicant);
      expect(again.status).to.equal(409);
      const row = wb.db.prepare(`${RAW_SQL} SELECT dossier_json, erased_at, erasure_reason FROM dossiers WHERE id = ?`).get(id) as { dossier_json: string; erased_at: number | null; erasure_reason: string };
      expect(row).to.include({ dossier_json: '{"erased":true}', erasure_reason: "withdrawn" });
      const accepted = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      expect200(await http("POST", `/dossiers/${accepted}/accept`, {}, tokens.operator), "accept");
      const late = await http("POST", `/dossiers/${accepted}/withdraw`, {}, tokens.applicant);
      expect(late.status).to.equal(409);
      expect(late.json<ErrorBody>().error.code).to.equal("illegal-transition");
    });

    it("erasure on request: neither the name and ID number nor their ciphertexts remain in the database or its WAL; the audit trail keeps actions, not content", async () => {
      const sha = await upload(samplePdf("司马清川 身份证复印件"), tokens.applicant);
      const d = { ...syntheticDossier(seed++), evidence: [{ kind: "id-card", name: "身份证.pdf", sha256: sha }] };
      const name = "司马清川";
      const dossier = { ...d, applicant: { ...d.applicant, name } };
      const id = await submitDossier(http, dossier, tokens.applicant);
      expect200(await http("POST", `/dossiers/${id}/reject`, { reasons: [{ zh: `${name}的身份证号 ${dossier.applicant.idNumber} 与任命书不符`, en: "incomplete" }], note: `申报人${name}电话已核实` }, tokens.operator), "reject");
      const sealedBefore = (wb.db.prepare(`${RAW_SQL} SELECT dossier_json FROM dossiers WHERE id = ?`).get(id) as { dossier_json: string }).dossier_json;
      // the note holds the name in clear in the audit log until erasure: what erasure must remove
      expect(grepDb(name).length).to.be.greaterThan(0);
      const missing = await http("POST", `/dossiers/${id}/erase`, { reason: "request" }, tokens.operator);
      expect(missing.status).to.equal(400);
      expect(missing.json<ErrorBody>().error.problems![0]!.field).to.equal("body.reference");
      expect200(await http("POST", `/dossiers/${id}/erase`, { reason: "request", reference: "PIPL-2026-017" }, tokens.operator), "erase");
      for (const needle of [name, dossier.applicant.idNumber, sealedBefore.slice(20, 80)]) expect(grepDb(needle), needle).to.deep.equal([]);
      // the evidence only this applicant uploaded is gone, file and rows
      expect(existsSync(wb.evidence.pathOf(sha))).to.equal(false);
      expect(await download(sha, tokens.operator)).to.equal(404);
      const audit = auditItems(await http("GET", `/dossiers/${id}/audit`, undefined, tokens.operator));
      expect(audit.map((a) => a.action)).to.deep.equal(["submit", "reject", "erase-personal-data"]);
      expect(JSON.stringify(audit)).to.not.include(name);
      expect((await http("POST", `/dossiers/${id}/erase`, { reason: "request", reference: "again" }, tokens.operator)).json<ErrorBody>().error.code).to.equal("already-erased");
    });

    it("nothing more is done to an erased certificate's dossier: lifecycle calls and re-issue are 409 erased, never a 500", async () => {
      const { id } = await issued();
      expect200(await http("POST", `/dossiers/${id}/erase`, { reason: "request", reference: "PIPL-2026-018" }, tokens.operator), "erase");
      const suspend = await http("POST", `/dossiers/${id}/suspend`, { note: "持证人来电" }, tokens.operator);
      expect(suspend.status).to.equal(409);
      expect(suspend.json<ErrorBody>().error.code).to.equal("erased");
      for (const token of [tokens.applicant, tokens.operator]) {
        const prep = await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: account(33).address, identityCheck: "现场核验" }, token);
        expect(prep.status).to.equal(409);
        expect(prep.json<ErrorBody>().error.code).to.equal("erased");
      }
      // a stranger still learns nothing
      expect((await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: account(33).address }, await signInAs(http, account(34)))).status).to.equal(404);
    });

    it("a dossier in procedure cannot be erased (409 not-erasable)", async () => {
      const id = await submitDossier(http, dossierFor(seed++), tokens.applicant);
      const r = await http("POST", `/dossiers/${id}/erase`, { reason: "request", reference: "REQ-1" }, tokens.operator);
      expect(r.status).to.equal(409);
      expect(r.json<ErrorBody>().error.code).to.equal("not-erasable");
    });
  });
});

describe("server: the test-only crash switch", () => {
  it("CQO_TEST_CRASH_AFTER is refused unless NODE_ENV=test, so a production start can never kill itself", () => {
    expect(() => configFromEnv({ CQO_TEST_CRASH_AFTER: "sent" })).to.throw(/CQO_TEST_CRASH_AFTER/);
    expect(() => configFromEnv({ CQO_TEST_CRASH_AFTER: "sent", NODE_ENV: "production" })).to.throw(/CQO_TEST_CRASH_AFTER/);
    expect(configFromEnv({ CQO_TEST_CRASH_AFTER: "sent", NODE_ENV: "test" }).crashAfter).to.equal("sent");
  });

  it("NODE_ENV=production without a data key is refused", () => {
    expect(() => configFromEnv({ NODE_ENV: "production" })).to.throw(/CQO_DATA_KEY/);
  });
});

/** the audit route's entries (a page of them) */
function auditItems(r: { json: <T>() => T }): { action: string; details: Record<string, unknown> | null }[] {
  const body = r.json<{ items: { action: string; details: Record<string, unknown> | null }[] } | { action: string; details: Record<string, unknown> | null }[]>();
  return Array.isArray(body) ? body : body.items;
}

function readMode(file: string): number {
  return statSync(file).mode & 0o777;
}
