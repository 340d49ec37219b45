/**
 * The attack review of the holder's requests and the declaration (issues #12, #13), each finding as a test, against
 * anvil: "at the holder's request" through an upheld objection; a stolen wallet's request that outlives the re-issue
 * and would revoke the new certificate; the new holder's re-evaluation refused as another's; the same signed
 * declaration sent twice.
 */
import { expect } from "chai";
import { objectionStatement, objectionTypedData } from "../../sdk";
import { account, clientFor, dossierFor, expect200, signedDeclaration, signInAs, startWorkbench, toEvaluated, type Http, type Tokens, type WorkbenchFixture, type World } from "./helpers";

interface ErrorBody {
  error: { code: string; problems?: { field: string }[] };
}

describe("server: attacks on the holder's requests and the declaration (anvil)", function () {
  this.timeout(240_000);
  let fx: WorkbenchFixture;
  let world: World;
  let http: Http;
  let tokens: Tokens;
  let seed = 14_100;
  const applicant = account(28);

  const travel = async (s: number) => {
    for (const [method, params] of [["evm_increaseTime", [s]], ["evm_mine", []]] as const) {
      await fetch(fx.anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    }
  };
  const waitFor = (id: string, state: string) => fx.waitForState(id, state);
  const inNotice = async () => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++));
    const { tokenId } = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    return { id, tokenId };
  };

  before(async () => {
    fx = await startWorkbench({ applicant, prefix: "holder-requests-attacks" });
    ({ world, http, tokens } = fx);
  });
  after(() => fx?.stop());

  it("an upheld objection cannot revoke 'at the holder's request' (422 body.reason), and nothing reaches the chain", async () => {
    const c = await inNotice();
    const objector = account(29);
    const statement = "申报材料与事实不符。";
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await objector.signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, objectionStatement({ tokenId: c.tokenId, filer: objector.address, statement, issuedAt })));
    const filed = expect200(await http("POST", "/objections", { tokenId: c.tokenId, statement, signature, issuedAt }, await signInAs(http, objector)), "objection", 201).json<{ id: number }>();
    const r = await http("POST", `/objections/${filed.id}/resolve`, { upheld: true, reason: "HolderRequest" }, tokens.operator);
    expect(r.status).to.equal(422);
    expect(r.json<ErrorBody>().error.code).to.equal("no-holder-request");
    expect(r.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.reason"]);
    expect((await clientFor(fx.anvil.url, world.deployment).verifyCertificate(c.tokenId)).status).to.equal("Pending");
  });

  it("a request of the old wallet does not outlive a re-issue: the new certificate is not revoked on it; the new holder asks anew", async () => {
    const c = await inNotice();
    await travel(8 * 86_400);
    expect200(await http("POST", `/dossiers/${c.id}/end-notice`, {}, tokens.operator), "end notice");
    // the old wallet (say, stolen) asks for revocation, then the certificate moves to the holder's new wallet
    expect200(await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "other" }, tokens.applicant), "old wallet's request", 201);
    const newWallet = account(30);
    const prep = expect200(await http("POST", `/dossiers/${c.id}/reissue/prepare`, { newHolder: newWallet.address, identityCheck: "现场核验身份证原件" }, tokens.operator), "prepare").json<{
      root: `0x${string}`;
      typedData: Parameters<typeof newWallet.signTypedData>[0];
    }>();
    expect200(await http("POST", `/dossiers/${c.id}/reissue/request`, { root: prep.root, signature: await newWallet.signTypedData(prep.typedData) }, tokens.operator), "request");
    const reissued = expect200(await http("POST", `/dossiers/${c.id}/reissue`, {}, tokens.operator), "reissue").json<{ tokenId: string }>();
    expect(reissued.tokenId).to.not.equal(c.tokenId);

    expect((await http("GET", "/revocation-requests", undefined, tokens.operator)).json<{ items: { dossierId: string }[] }>().items.map((i) => i.dossierId)).not.to.include(c.id);
    const r = await http("POST", `/dossiers/${c.id}/revoke`, { reason: "HolderRequest" }, tokens.operator);
    expect([r.status, r.json<ErrorBody>().error.code]).to.deep.equal([422, "no-holder-request"]);

    // the new holder asks: the old request was closed, so this one is taken
    const newToken = await signInAs(http, newWallet);
    expect200(await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "no-longer-needed" }, newToken), "new holder's request", 201);
    const listed = (await http("GET", "/revocation-requests", undefined, tokens.operator)).json<{ items: { dossierId: string; holder: string; tokenId: string }[] }>().items.find((i) => i.dossierId === c.id);
    expect(listed).to.include({ holder: newWallet.address });
    expect(listed?.tokenId).to.equal(reissued.tokenId);
  });

  it("the same signed declaration sent twice makes one dossier, the second is refused (409)", async () => {
    const dossier = dossierFor(seed++);
    const declaration = await signedDeclaration(applicant, dossier, world.deployment, false);
    const body = { rulebook: "hn-cqo-default@2024.1", dossier, declaration };
    expect((await http("POST", "/dossiers", body, tokens.applicant)).status).to.equal(201);
    const again = await http("POST", "/dossiers", body, tokens.applicant);
    expect([again.status, again.json<ErrorBody>().error.code]).to.deep.equal([409, "declaration-replayed"]);
    // the same signature with v spelt 0/1 instead of 27/28 is the same declaration
    const v = Number.parseInt(declaration.signature.slice(-2), 16);
    const respelt = { ...body, declaration: { ...declaration, signature: `${declaration.signature.slice(0, -2)}${(v - 27).toString(16).padStart(2, "0")}` } };
    const third = await http("POST", "/dossiers", respelt, tokens.applicant);
    expect([third.status, third.json<ErrorBody>().error.code]).to.deep.equal([409, "declaration-replayed"]);
  });
});
