/**
 * Lifecycle calls the v2 contract refuses because of the certificate's or the body's state, against anvil: each is a
 * 409 naming the problem in Chinese and English (code chain-<ContractError>), never a 500; nothing is recorded and
 * the intent is settled as refused; once the state allows it, the same call goes through. Also the re-sync of the
 * supervisor's own suspension (a flag of its own, with `by` and `bySupervisor` in its events).
 */
import { expect } from "chai";
import { keccak256, toHex, type Hex } from "viem";
import type { HDAccount } from "viem/accounts";
import { contractErrorMessage, explainError, objectionStatement, objectionTypedData, type CqoClient } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { chainError, chainNow } from "../../server/chain-calls";
import { STATE_CONFLICTS, isRefusal, isStateConflict, refusal, stateConflict } from "../../server/chain-refusals";
import {
  ASSOCIATION,
  OPERATOR,
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
  type Anvil,
  type Http,
  type Reply,
  type Tokens,
  type World,
} from "./helpers";

describe("server: contract refusals as HTTP (server/chain-refusals.ts, chain-calls.ts)", () => {
  const tokenId = (1n << 56n) | 0xabcdefn;
  const r0 = refusal(contractErrorMessage("ObjectionPending", [tokenId]));
  it("every state conflict is a 409 chain-<ContractError> with its own message in Chinese and English, and the sdk's in details", () => {
    expect(STATE_CONFLICTS).to.include.members(["CertificateAlreadySuspended", "CertificateNotSuspended", "SuspendedBySupervisor", "ObjectionPending", "NoObjectionPending", "NotInGoodStanding", "InPublicNotice", "BodyNotActive", "BodyAccreditationExpired", "BodyAccreditationIsRevoked"]);
    for (const name of STATE_CONFLICTS) {
      const explained = contractErrorMessage(name, [tokenId, 2, 3]);
      const r = refusal(explained);
      expect(isStateConflict(name), name).to.equal(true);
      expect(r.status, name).to.equal(409);
      expect(r.code).to.equal(`chain-${name}`);
      expect(r.text.zh, name).to.match(/[\u4e00-\u9fff]/);
      expect(r.text.en, name).to.match(/^[\x20-\x7e]+$/);
      expect(r.text.en).to.not.equal(explained.en);
      expect(r.details).to.deep.include({ contractError: name, chain: { zh: explained.zh, en: explained.en } });
      expect(isRefusal(r), name).to.equal(true);
    }
    // an unreachable node is not a refusal: 503, and the intent stays pending (the transaction may be out)
    const down = chainError(new Error("fetch failed"));
    expect({ status: down.status, code: down.code }).to.deep.equal({ status: 503, code: "chain-unavailable" });
    expect(isRefusal(down)).to.equal(false);
    expect(chainError(r0)).to.equal(r0);
  });

  it("a refusal that is the request's problem is 422 with the sdk's message; the body's suspension names its status", () => {
    const level = refusal(contractErrorMessage("LevelOutOfScope", [1, 4]));
    expect(level.status).to.equal(422);
    expect(level.code).to.equal("chain-LevelOutOfScope");
    expect(isStateConflict("LevelOutOfScope")).to.equal(false);
    expect(isRefusal(level)).to.equal(true);
    const suspended = refusal(contractErrorMessage("BodyNotActive", [3, 2]));
    expect(suspended.text.en).to.contain("body 3 is Suspended");
    expect(suspended.text.zh).to.contain("认定主体 3").and.contain("暂停");
    const seconds = 1_767_225_600; // 2026-01-01
    expect(refusal(contractErrorMessage("InPublicNotice", [tokenId, seconds])).text.en).to.contain("2026-01-01");
    expect(stateConflict("SuspendedBySupervisor", [tokenId]).toJSON().error).to.deep.include({ code: "chain-SuspendedBySupervisor", details: { contractError: "SuspendedBySupervisor", args: [tokenId.toString()], checkedBy: "workbench" } });
  });

  it("the chain's clock in unix seconds, on a seconds chain and on a milliseconds chain (clockUnit 1000)", async () => {
    const fake = (clockUnit: 1 | 1000, timestamp: bigint) => ({ chain: { deployment: { clockUnit }, publicClient: { getBlock: async () => ({ timestamp }) } } as unknown as CqoClient });
    expect(await chainNow(fake(1, 1_767_225_600n))).to.equal(1_767_225_600);
    expect(await chainNow(fake(1000, 1_767_225_600_999n))).to.equal(1_767_225_600);
  });
});

interface Refusal {
  code: string;
  zh: string;
  en: string;
  details?: { contractError?: string };
}

describe("server: the contract's state refusals as 409 (anvil)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 1_300;
  const applicant = account(11);
  const objector = account(13);
  const SUPERVISOR = 6;
  const evidence: Hex = keccak256(toHex("evidence"));

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    await clientFor(anvil.url, world.deployment, account(ASSOCIATION)).grantSupervisor(account(SUPERVISOR).address);
    tmp = tempDir("chain-refusals");
    wb = await buildServer({ config: testConfig(tmp.dir, { bodyId: world.bodyId }), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)) });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, applicant);
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const travel = async (s: number) => {
    await rpc("evm_increaseTime", [s]);
    await rpc("evm_mine", []);
  };
  const reader = () => clientFor(anvil.url, world.deployment);
  const association = () => clientFor(anvil.url, world.deployment, account(ASSOCIATION));
  const supervisor = () => clientFor(anvil.url, world.deployment, account(SUPERVISOR));
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string; tokenId: string | null }>().state;
  const waitFor = async (id: string, state: string) => {
    const deadline = Date.now() + 20_000;
    while ((await stateOf(id)) !== state) {
      if (Date.now() > deadline) throw new Error(`${id} never reached ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const lastIntent = () => wb.db.prepare("SELECT command, status FROM chain_intents ORDER BY id DESC LIMIT 1").get() as { command: string; status: string };
  const audit = async (id: string) =>
    (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; actor: string; role: string; details: Record<string, unknown> | null }[] }>().items;

  /** A certificate in public notice, or past it (confirmed by end-notice) when `issued`. */
  const certificate = async (issued: boolean, sheetSeed?: number) => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++), sheetSeed);
    const a = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    if (issued) {
      await travel(8 * 86_400);
      expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    }
    return { id, tokenId: a.tokenId };
  };
  /** The refusal of a 409, checked for a bilingual message; what a client matches on. */
  const refused = (r: Reply, code: string): Refusal => {
    expect(r.status, JSON.stringify(r.body)).to.equal(409);
    const e = r.json<{ error: Refusal }>().error;
    expect(e.code).to.equal(code);
    expect(e.zh).to.be.a("string").and.match(/[\u4e00-\u9fff]/);
    expect(e.en).to.be.a("string").and.not.match(/[\u4e00-\u9fff]/);
    return e;
  };
  const signedObjection = async (signer: HDAccount, tokenId: string, statement: string) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await signer.signTypedData(objectionTypedData(31337, world.deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement, issuedAt })));
    return { tokenId, statement, signature, issuedAt };
  };

  describe("a suspended body may not restore (BodyNotActive)", () => {
    it("reinstate → 409 chain-BodyNotActive naming the body's suspension; nothing recorded; suspending still works; after the body is reinstated the reinstate goes through", async () => {
      const a = await certificate(true);
      const b = await certificate(true);
      expect200(await http("POST", `/dossiers/${a.id}/suspend`, {}, tokens.operator), "suspend");
      await association().suspendBody(world.bodyId, evidence);
      try {
        const before = (await audit(a.id)).length;
        const e = refused(await http("POST", `/dossiers/${a.id}/reinstate`, {}, tokens.operator), "chain-BodyNotActive");
        expect(e.zh).to.contain("暂停").and.contain("不能恢复证书");
        expect(e.en).to.contain("is Suspended").and.contain("may not reinstate");
        expect(e.details?.contractError).to.equal("BodyNotActive");
        expect(await stateOf(a.id)).to.equal("suspended");
        expect((await audit(a.id)).length, "nothing written to the audit log").to.equal(before);
        expect(lastIntent()).to.deep.equal({ command: "reinstate", status: "refused" });
        expect((await reader().verifyCertificate(a.tokenId)).suspendedByBody).to.equal(true);
        // a suspended body stays answerable for what it issued: it may still suspend
        expect200(await http("POST", `/dossiers/${b.id}/suspend`, {}, tokens.operator), "suspend while the body is suspended");
        expect((await reader().verifyCertificate(b.tokenId)).status).to.equal("Suspended");
      } finally {
        await association().reinstateBody(world.bodyId);
      }
      expect(expect200(await http("POST", `/dossiers/${a.id}/reinstate`, {}, tokens.operator), "reinstate").json<{ state: string }>().state).to.equal("issued");
      expect((await reader().verifyCertificate(a.tokenId)).status).to.equal("Valid");
    });

    it("dismissing an objection → 409 chain-BodyNotActive; upholding it is still allowed", async () => {
      const c = await certificate(false);
      const d = await certificate(false);
      const token = await signInAs(http, objector);
      const filedC = expect200(await http("POST", "/objections", await signedObjection(objector, c.tokenId, "材料不实 c"), token), "file", 201).json<{ id: number }>();
      const filedD = expect200(await http("POST", "/objections", await signedObjection(objector, d.tokenId, "材料不实 d"), token), "file", 201).json<{ id: number }>();
      await association().suspendBody(world.bodyId, evidence);
      try {
        refused(await http("POST", `/objections/${filedC.id}/resolve`, { upheld: false }, tokens.operator), "chain-BodyNotActive");
        expect(lastIntent()).to.deep.equal({ command: "resolve-objection", status: "refused" });
        expect((await http("GET", "/objections?status=filed", undefined, tokens.operator)).json<{ items: { id: number }[] }>().items.map((o) => o.id)).to.include(filedC.id);
        expect((await reader().verifyCertificate(c.tokenId)).underObjection).to.equal(true);
        const upheld = expect200(await http("POST", `/objections/${filedD.id}/resolve`, { upheld: true, reason: "Fraud" }, tokens.operator), "uphold").json<{ status: string; dossier: { state: string } }>();
        expect(upheld).to.deep.include({ status: "upheld" });
        expect(upheld.dossier.state).to.equal("revoked");
      } finally {
        await association().reinstateBody(world.bodyId);
      }
      expect(expect200(await http("POST", `/objections/${filedC.id}/resolve`, { upheld: false }, tokens.operator), "dismiss").json<{ status: string }>().status).to.equal("dismissed");
    });
  });

  describe("a renewal in public notice (InPublicNotice)", () => {
    it("renewing again during the renewal's notice → 409 chain-InPublicNotice with the notice's end; the re-evaluation stays usable and renews once the notice is over", async () => {
      const first = await certificate(true, 4242);
      const base = dossierFor(seed - 1);
      const r1 = await toEvaluated(http, tokens, { ...base, dossierId: `${base.dossierId}-R1` }, 4242);
      const r2 = await toEvaluated(http, tokens, { ...base, dossierId: `${base.dossierId}-R2` }, 4242);
      expect200(await http("POST", `/dossiers/${first.id}/renew`, { renewalDossierId: r1.id }, tokens.operator), "renew");
      const renewed = await reader().verifyCertificate(first.tokenId);
      expect(renewed.status, "the renewed result's notice: the previous one stays in force").to.equal("Valid");
      expect(renewed.validFrom).to.be.greaterThan(renewed.evaluatedAt);

      const e = refused(await http("POST", `/dossiers/${first.id}/renew`, { renewalDossierId: r2.id }, tokens.operator), "chain-InPublicNotice");
      const until = new Date(renewed.validFrom * 1000).toISOString().slice(0, 10);
      expect(e.zh).to.contain("公示期").and.contain(until);
      expect(e.en).to.contain("public notice").and.contain(until);
      expect(lastIntent()).to.deep.equal({ command: "renew", status: "refused" });
      expect(await stateOf(r2.id)).to.equal("evaluated");
      expect((await reader().verifyCertificate(first.tokenId)).resultRoot).to.equal(renewed.resultRoot);

      await travel(8 * 86_400);
      const again = expect200(await http("POST", `/dossiers/${first.id}/renew`, { renewalDossierId: r2.id }, tokens.operator), "renew after the notice").json<{ root: Hex }>();
      expect((await reader().verifyCertificate(first.tokenId)).resultRoot).to.equal(again.root);
      expect(await stateOf(r2.id)).to.equal("renewal-applied");
    });
  });

  describe("suspensions are the body's and the supervisor's, each lifted by its own", () => {
    it("the supervisor's suspension is followed by the sync with who acted; the body cannot lift it (409 chain-SuspendedBySupervisor); the supervisor's reinstatement is followed too", async () => {
      const { id, tokenId } = await certificate(true);
      await supervisor().suspendCertificate(tokenId, evidence);
      const report = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ followed: number }>();
      expect(report.followed).to.equal(1);
      expect(await stateOf(id)).to.equal("suspended");
      const suspended = (await audit(id)).at(-1)!;
      expect(suspended).to.deep.include({ action: "suspend", actor: account(SUPERVISOR).address, role: "sync" });
      expect(suspended.details).to.deep.include({ bySupervisor: true, evidenceHash: evidence, resyncedFromChain: true });

      const e = refused(await http("POST", `/dossiers/${id}/reinstate`, {}, tokens.operator), "chain-SuspendedBySupervisor");
      expect(e.zh).to.contain("监督机构");
      expect(e.en).to.contain("supervisor");
      // the contract says the same when asked directly
      const direct = await clientFor(anvil.url, world.deployment, account(OPERATOR))
        .reinstateCertificate(tokenId)
        .then(() => null, (err: unknown) => explainError(err).code);
      expect(direct).to.equal("SuspendedBySupervisor");
      expect(await stateOf(id)).to.equal("suspended");

      await supervisor().reinstateCertificate(tokenId);
      expect(expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ followed: number }>().followed).to.equal(1);
      expect(await stateOf(id)).to.equal("issued");
      const lifted = (await audit(id)).at(-1)!;
      expect(lifted).to.deep.include({ action: "reinstate", actor: account(SUPERVISOR).address, role: "sync" });
      expect(lifted.details).to.deep.include({ bySupervisor: true });
    });

    it("suspending a certificate the body's key already suspended outside the workbench → 409 chain-CertificateAlreadySuspended; the sync then follows it as the body's", async () => {
      const { id, tokenId } = await certificate(true);
      await clientFor(anvil.url, world.deployment, account(OPERATOR)).suspendCertificate(tokenId, evidence);
      const e = refused(await http("POST", `/dossiers/${id}/suspend`, {}, tokens.operator), "chain-CertificateAlreadySuspended");
      expect(e.zh).to.contain("本认定主体");
      expect(e.en).to.contain("this body");
      expect(lastIntent()).to.deep.equal({ command: "suspend", status: "refused" });
      expect(await stateOf(id)).to.equal("issued");
      expect200(await http("POST", "/sync", {}, tokens.operator), "sync");
      expect(await stateOf(id)).to.equal("suspended");
      const followed = (await audit(id)).at(-1)!;
      expect(followed).to.deep.include({ action: "suspend", actor: account(OPERATOR).address, role: "sync" });
      expect(followed.details).to.deep.include({ bySupervisor: false });
    });
  });
});
