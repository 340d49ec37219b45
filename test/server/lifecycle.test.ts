/**
 * The workbench's lifecycle endpoints added after the first release, against anvil: re-issue to a new wallet
 * (the holder prepares and requests with the new wallet's EIP-712 consent, the operator executes), objections
 * during public notice (anyone signed in files, the operator resolves), and the re-sync from chain state of a
 * lifecycle call that was mined but not recorded (the process "crashes" at the crash point lifecycle-sent).
 */
import { expect } from "chai";
import type { Hex } from "viem";
import type { HDAccount } from "viem/accounts";
import type { Credential } from "../../scoring";
import { objectionStatement, objectionTypedData, reissueConsentTypedData } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import type { CrashPoint, ServerConfig } from "../../server/config";
import { openIntent } from "../../server/lifecycle";
import {
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
  type Tokens,
  type World,
} from "./helpers";

describe("server: re-issue, objections and the re-sync from chain state (anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let config: ServerConfig;
  let seed = 700;
  const applicant = account(11);
  const newWallet = account(12);
  const stranger = account(13);
  const crashAt = { point: null as CrashPoint | null };

  const start = async () => {
    wb = await buildServer({
      config,
      chain: clientFor(anvil.url, world.deployment, account(OPERATOR)),
      onCrashPoint: (point) => {
        if (crashAt.point === point) throw new Error(`simulated crash at ${point}`);
      },
    });
    await wb.listen();
    http = injectHttp(wb.app);
  };
  const restart = async () => {
    await wb.close();
    crashAt.point = null;
    await start();
    tokens = await signInTeam(http, applicant, { register: false });
  };

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("lifecycle");
    config = testConfig(tmp.dir);
    await start();
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
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string; tokenId: string | null }>();
  const waitFor = async (id: string, state: string) => {
    const deadline = Date.now() + 20_000;
    while ((await stateOf(id)).state !== state) {
      if (Date.now() > deadline) throw new Error(`${id} never reached ${state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** A certificate in public notice (公示), or past it when `issued`. */
  const certificate = async (issued: boolean, sheetSeed?: number): Promise<{ id: string; tokenId: string }> => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++), sheetSeed);
    const a = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    if (issued) {
      await travel(8 * 86_400);
      expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    }
    return { id, tokenId: a.tokenId };
  };
  const chain = () => clientFor(anvil.url, world.deployment);
  /** a POST /objections body whose statement `signer` signed (EIP-712 ObjectionStatement) */
  const signedObjection = async (signer: HDAccount, tokenId: string, statement: string) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await signer.signTypedData(objectionTypedData(31337, world.deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement, issuedAt })));
    return { tokenId, statement, signature, issuedAt };
  };

  describe("re-issue to a new wallet", () => {
    it("the holder prepares and requests with the new wallet's consent, the operator executes; refusals on the way", async () => {
      const { id, tokenId } = await certificate(true);
      const newToken = await signInAs(http, newWallet);
      const strangerToken = await signInAs(http, stranger);
      // the holder prepares; a stranger gets 404, an operator must say how the holder's identity was checked
      expect((await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: newWallet.address }, strangerToken)).status).to.equal(404);
      const unchecked = await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: newWallet.address }, tokens.operator);
      expect(unchecked.status).to.equal(422);
      expect(unchecked.json<{ error: { code: string; problems: { field: string }[] } }>().error).to.deep.include({ code: "identity-check", problems: [{ field: "body.identityCheck", path: ["body", "identityCheck"], zh: "必填", en: "required" }] });
      expect((await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: applicant.address }, tokens.applicant)).json<{ error: { code: string } }>().error.code).to.equal("same-holder");
      expect((await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: "0x12" }, tokens.applicant)).status).to.equal(400);

      const prep = expect200(await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: newWallet.address }, tokens.applicant), "prepare").json<{
        root: Hex;
        newTokenId: string;
        consent: { deadline: number };
        typedData: { primaryType: string; domain: { chainId: number; verifyingContract: string } };
      }>();
      expect(prep.typedData.primaryType).to.equal("ReissueConsent");
      expect(prep.typedData.domain).to.include({ chainId: 31337, verifyingContract: world.deployment.certificate });
      const consent = { tokenId: BigInt(tokenId), newHolder: newWallet.address, newResultRoot: prep.root, deadline: prep.consent.deadline };
      const typed = reissueConsentTypedData(31337, world.deployment.certificate, consent);

      // nothing to execute before the holder's request; a consent signed by another wallet is refused
      expect((await http("POST", `/dossiers/${id}/reissue`, {}, tokens.operator)).json<{ error: { code: string } }>().error.code).to.equal("no-reissue-request");
      const forged = await stranger.signTypedData(typed);
      const bad = await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature: forged }, tokens.applicant);
      expect(bad.status).to.equal(422);
      expect(bad.json<{ error: { code: string } }>().error.code).to.equal("consent-signature");

      const signature = await newWallet.signTypedData(typed);
      expect((await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature }, strangerToken)).status).to.equal(404);
      expect200(await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature }, tokens.applicant), "request");
      expect((await http("POST", `/dossiers/${id}/reissue`, {}, tokens.applicant)).status).to.equal(403);
      const done = expect200(await http("POST", `/dossiers/${id}/reissue`, { root: prep.root }, tokens.operator), "reissue").json<{ state: string; tokenId: string; previousTokenId: string; holder: string }>();
      expect(done).to.include({ state: "issued", tokenId: prep.newTokenId, previousTokenId: tokenId, holder: newWallet.address });

      const old = await chain().verifyCertificate(tokenId);
      expect(old.revocationReason).to.equal("Reissued");
      const fresh = await chain().verifyCertificate(prep.newTokenId);
      expect(fresh.holder).to.equal(newWallet.address);
      expect(fresh.resultRoot).to.equal(prep.root);
      // the new wallet sees the dossier and gets the credential; the old wallet no longer does
      expect((await http("GET", `/dossiers/${id}`, undefined, newToken)).status).to.equal(200);
      const cred = expect200(await http("GET", `/dossiers/${id}/credential`, undefined, newToken), "credential").json<{ root: Hex; credential: Credential }>();
      expect(cred.root).to.equal(prep.root);
      expect(cred.credential.root).to.equal(prep.root);
      expect((await http("GET", `/dossiers/${id}/credential`, undefined, tokens.applicant)).status).to.equal(404);
      const audit = (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string }[] }>().items.map((a) => a.action);
      expect(audit.slice(-3)).to.deep.equal(["reissue-prepared", "reissue-requested", "reissue"]);
    });

    it("a holder who lost the wallet: the operator prepares after checking identity, passes on the new wallet's consent and executes", async () => {
      const { id, tokenId } = await certificate(true);
      const replacement = account(14);
      const blank = await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: replacement.address, identityCheck: " " }, tokens.operator);
      expect(blank.status).to.equal(400);
      expect(blank.json<{ error: { problems: { field: string }[] } }>().error.problems.map((f) => f.field)).to.deep.equal(["body.identityCheck"]);
      const identityCheck = "现场核验身份证原件，与申报材料一致 / ID card checked in person";
      const prep = expect200(await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: replacement.address, identityCheck }, tokens.operator), "prepare").json<{ root: Hex; newTokenId: string; consent: { deadline: number } }>();
      const typed = reissueConsentTypedData(31337, world.deployment.certificate, { tokenId: BigInt(tokenId), newHolder: replacement.address, newResultRoot: prep.root, deadline: prep.consent.deadline });
      // the consent comes from the new wallet (the consent page, no sign-in); the operator hands it in
      expect200(await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature: await replacement.signTypedData(typed) }, tokens.operator), "request");
      const done = expect200(await http("POST", `/dossiers/${id}/reissue`, { root: prep.root }, tokens.operator), "reissue").json<{ tokenId: string; holder: string }>();
      expect(done).to.include({ tokenId: prep.newTokenId, holder: replacement.address });
      expect((await chain().verifyCertificate(prep.newTokenId)).holder).to.equal(replacement.address);
      expect((await chain().verifyCertificate(tokenId)).revocationReason).to.equal("Reissued");
      const audit = (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; actor: string; role: string; details: { identityCheck?: string } }[] }>().items;
      const prepared = audit.find((a) => a.action === "reissue-prepared")!;
      expect(prepared).to.deep.include({ actor: account(OPERATOR).address, role: "operator" });
      expect(prepared.details.identityCheck).to.equal(identityCheck);
      expect(audit.find((a) => a.action === "reissue-requested")).to.deep.include({ role: "operator" });
    });
  });

  describe("objections (异议)", () => {
    it("anyone signed in files during notice (relayed on-chain); the certificate stays pending; the operator upholds it and the certificate is revoked", async () => {
      const { id, tokenId } = await certificate(false);
      const strangerToken = await signInAs(http, stranger);
      expect((await http("POST", "/objections", { tokenId, statement: "x" })).status).to.equal(401);
      expect((await http("POST", "/objections", await signedObjection(stranger, "123", "业绩造假"), strangerToken)).status).to.equal(404);
      expect((await http("POST", "/objections", { tokenId, statement: "" }, strangerToken)).status).to.equal(400);

      const filed = expect200(await http("POST", "/objections", await signedObjection(stranger, tokenId, "业绩造假 fabricated results"), strangerToken), "file", 201).json<{ id: number; status: string; filer: string; txHash: Hex }>();
      expect(filed).to.include({ status: "filed", filer: stranger.address });
      const v = await chain().verifyCertificate(tokenId);
      expect(v.underObjection).to.equal(true);
      const history = await chain().certificateHistory(tokenId);
      expect(history.map((h) => h.kind)).to.deep.equal(["issued", "objection-filed"]);
      expect(history[1]!.txHash).to.equal(filed.txHash);

      // a second one of the same filer while the first is open: refused before the chain (test/server/objections.test.ts)
      const again = await http("POST", "/objections", await signedObjection(stranger, tokenId, "again"), strangerToken);
      expect(again.status).to.equal(409);
      expect(again.json<{ error: { code: string } }>().error.code).to.equal("objection-open");
      // the filer sees their own objections, not others'; the operator sees all
      expect((await http("GET", "/objections", undefined, strangerToken)).json<{ items: { id: number; status: string }[] }>().items.map((o) => o.status)).to.deep.equal(["filed"]);
      expect((await http("GET", "/objections", undefined, tokens.applicant)).json<{ items: unknown[] }>().items).to.have.length(0);

      await travel(8 * 86_400);
      expect((await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator)).json<{ error: { code: string } }>().error.code).to.equal("notice-not-over");
      expect((await http("POST", `/objections/${filed.id}/resolve`, { upheld: false }, strangerToken)).status).to.equal(403);
      const noReason = await http("POST", `/objections/${filed.id}/resolve`, { upheld: true }, tokens.operator);
      expect(noReason.status).to.equal(400);
      expect(noReason.json<{ error: { problems: { field: string }[] } }>().error.problems[0]!.field).to.equal("body.reason");

      const resolved = expect200(await http("POST", `/objections/${filed.id}/resolve`, { upheld: true, reason: "Fraud", note: "核实属实" }, tokens.operator), "resolve").json<{ status: string; dossier: { state: string } }>();
      expect(resolved.status).to.equal("upheld");
      expect(resolved.dossier.state).to.equal("revoked");
      const after = await chain().verifyCertificate(tokenId);
      expect(after.status).to.equal("Revoked");
      expect(after.revocationReason).to.equal("Fraud");
      expect((await http("POST", `/objections/${filed.id}/resolve`, { upheld: false }, tokens.operator)).status).to.equal(409);
    });

    it("an objection after the notice period is refused: the dossier is no longer in notice", async () => {
      const { tokenId } = await certificate(true);
      const r = await http("POST", "/objections", await signedObjection(applicant, tokenId, "too late"), tokens.applicant);
      expect(r.status).to.equal(409);
      // an issued certificate takes objections only during a renewal's notice (server/renewal-notice.ts): not this one
      expect(r.json<{ error: { code: string; zh: string } }>().error).to.include({ code: "not-in-notice" });
    });
  });

  describe("re-sync from chain state after a crash between the mined transaction and its record", () => {
    it("suspend: mined, not recorded (crash) → the restarted workbench records it with the transaction from the certificate's events", async () => {
      const { id, tokenId } = await certificate(true);
      crashAt.point = "lifecycle-sent";
      const r = await http("POST", `/dossiers/${id}/suspend`, { note: "crash test" }, tokens.operator);
      expect(r.status).to.equal(500);
      expect((await stateOf(id)).state).to.equal("issued");
      expect((await chain().verifyCertificate(tokenId)).status).to.equal("Suspended");
      expect((wb.db.prepare("SELECT status FROM chain_intents ORDER BY id DESC LIMIT 1").get() as { status: string }).status).to.equal("pending");

      await restart();
      expect((await stateOf(id)).state).to.equal("suspended");
      const history = await chain().certificateHistory(tokenId);
      const audit = (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; details: { txHash: string; resyncedFromChain?: boolean; note?: string } }[] }>().items;
      const last = audit[audit.length - 1]!;
      expect(last.action).to.equal("suspend");
      expect(last.details).to.include({ txHash: history[history.length - 1]!.txHash, resyncedFromChain: true, note: "crash test" });
      expect((wb.db.prepare("SELECT COUNT(*) AS n FROM chain_intents WHERE status = 'pending'").get() as { n: number }).n).to.equal(0);
      // and the workbench goes on from there
      expect200(await http("POST", `/dossiers/${id}/reinstate`, {}, tokens.operator), "reinstate");
    });

    it("renew: the new credential's salts, written only in the intent before the crash, become the holder's credential", async () => {
      const first = await certificate(true, 5151);
      const base = dossierFor(seed - 1);
      const again = await toEvaluated(http, tokens, { ...base, dossierId: `${base.dossierId}-R1` }, 5151);
      crashAt.point = "lifecycle-sent";
      expect((await http("POST", `/dossiers/${first.id}/renew`, { renewalDossierId: again.id }, tokens.operator)).status).to.equal(500);
      const onChain = await chain().verifyCertificate(first.tokenId);
      await restart();
      expect((await stateOf(again.id)).state).to.equal("renewal-applied");
      const cred = expect200(await http("GET", `/dossiers/${first.id}/credential`, undefined, tokens.applicant), "credential").json<{ root: Hex }>();
      expect(cred.root).to.equal(onChain.resultRoot);
      // the renewal's notice end, from the event the sync found: what GET /notices lists the renewal until
      const audit = (await http("GET", `/dossiers/${first.id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; details: { validFrom?: number } | null }[] }>().items;
      expect(audit.find((e) => e.action === "renew")?.details?.validFrom).to.equal(onChain.validFrom);
    });

    it("an intent the chain never saw is settled as not applied; a call the sync already recorded is not recorded twice", async () => {
      const { id, tokenId } = await certificate(true);
      wb.db.transaction(() => openIntent(wb.db, id, tokenId, { address: account(OPERATOR).address, role: "operator" }, { command: "revoke", reason: "Fraud", evidence: null }))();
      const report = await wb.sync();
      expect(report).to.include({ notApplied: 1, recorded: 0 });
      expect((await stateOf(id)).state).to.equal("issued");
      const audit = (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string }[] }>().items;
      expect(audit[audit.length - 1]!.action).to.equal("lifecycle-not-applied");
      const again = expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<{ recorded: number; notApplied: number; followed: number }>();
      expect(again).to.include({ recorded: 0, notApplied: 0, followed: 0 });
      expect((await http("POST", "/sync", {}, tokens.applicant)).status).to.equal(403);
    });
  });
});
