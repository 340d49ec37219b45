/**
 * The holder's requests (issue #13), against anvil: revocation at the holder's request — asked by the holder only,
 * once at a time, and the only way the body may revoke with reason HolderRequest — and the re-evaluation (复评) dossier
 * pre-filled from the certificate's own, which goes through the procedure again and renews the same number.
 */
import { expect } from "chai";
import type { Dossier } from "../../scoring";
import { account, clientFor, dossierFor, expect200, signedDeclaration, signInAs, startWorkbench, toEvaluated, type Anvil, type Http, type Tokens, type WorkbenchFixture, type World } from "./helpers";

interface ErrorBody {
  error: { code: string; problems?: { field: string }[] };
}
const codeOf = (r: { status: number; json<T>(): T }) => [r.status, r.json<ErrorBody>().error.code];

describe("server: the holder's requests — revocation at their request, and the re-evaluation draft (anvil)", function () {
  this.timeout(180_000);
  let fx: WorkbenchFixture;
  let anvil: Anvil;
  let world: World;
  let http: Http;
  let tokens: Tokens;
  let seed = 13_700;
  const applicant = account(26);

  const rpc = (method: string, params: unknown[]) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const waitFor = (id: string, state: string) => fx.waitForState(id, state);
  /** a certificate through its notice: issued */
  const issued = async (): Promise<{ id: string; tokenId: string; dossier: Dossier }> => {
    const dossier = dossierFor(seed++);
    const { id } = await toEvaluated(http, tokens, dossier);
    const { tokenId } = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitFor(id, "in-notice");
    await rpc("evm_increaseTime", [8 * 86_400]);
    await rpc("evm_mine", []);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end notice");
    return { id, tokenId, dossier };
  };

  before(async () => {
    fx = await startWorkbench({ applicant, prefix: "holder-requests" });
    ({ anvil, world, http, tokens } = fx);
  });
  after(() => fx?.stop());

  it("HolderRequest is refused as a revocation reason until the holder asks; then the body revokes with it, on-chain", async () => {
    const c = await issued();
    let r = await http("POST", `/dossiers/${c.id}/revoke`, { reason: "HolderRequest" }, tokens.operator);
    expect(codeOf(r)).to.deep.equal([422, "no-holder-request"]);
    expect(r.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.reason"]);
    // only the holder asks: not a stranger, not the body's operator
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "left-employer" }, await signInAs(http, account(27)));
    expect(codeOf(r)).to.deep.equal([404, "not-found"]);
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "left-employer" }, tokens.operator);
    expect(r.status).to.equal(404);
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "bored" }, tokens.applicant);
    expect(r.status).to.equal(400);
    expect(r.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.reason"]);
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "left-employer", note: "已调离原单位" }, tokens.applicant);
    expect(r.status).to.equal(201);
    expect(r.json()).to.include({ dossierId: c.id, tokenId: c.tokenId, holder: applicant.address, reason: "left-employer", status: "open" });
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "other" }, tokens.applicant);
    expect(codeOf(r)).to.deep.equal([409, "request-open"]);
    const queue = expect200(await http("GET", "/revocation-requests", undefined, tokens.operator), "queue").json<{ items: { dossierId: string; applicantName: string | null; personalData: string }[] }>();
    expect(queue.items.map((i) => i.dossierId)).to.include(c.id);
    // named for the operator, as the other queues are: the dossier's applicant
    const named = expect200(await http("GET", `/dossiers/${c.id}`, undefined, tokens.operator), "dossier").json<{ dossier: { applicant: { name: string } } }>();
    expect(queue.items.find((i) => i.dossierId === c.id)).to.include({ applicantName: named.dossier.applicant.name, personalData: "shown" });
    expect((await http("GET", "/revocation-requests", undefined, tokens.applicant)).status).to.equal(403);

    expect200(await http("POST", `/dossiers/${c.id}/revoke`, { reason: "HolderRequest" }, tokens.operator), "revoke");
    const v = await clientFor(anvil.url, world.deployment).verifyCertificate(c.tokenId);
    expect(v.status).to.equal("Revoked");
    expect(v.revocationReason).to.equal("HolderRequest");
    const after = (await http("GET", "/revocation-requests", undefined, tokens.operator)).json<{ items: { dossierId: string }[] }>();
    expect(after.items.map((i) => i.dossierId)).not.to.include(c.id);
    // a revoked certificate takes no new request
    r = await http("POST", `/dossiers/${c.id}/revocation-request`, { reason: "other" }, tokens.applicant);
    expect(codeOf(r)).to.deep.equal([409, "no-certificate-in-force"]);
  });

  it("the re-evaluation draft is the holder's own facts under the current rulebook, without the pledge; submitted and decided, it renews the same number", async () => {
    const c = await issued();
    expect((await http("GET", `/dossiers/${c.id}/renewal-draft`, undefined, await signInAs(http, account(27)))).status).to.equal(404);
    const draft = expect200(await http("GET", `/dossiers/${c.id}/renewal-draft`, undefined, tokens.applicant), "draft").json<{ from: string; tokenId: string; rulebook: string; dossier: Dossier }>();
    expect(draft).to.include({ from: c.id, tokenId: c.tokenId, rulebook: "hn-cqo-default@2026.1" });
    expect(draft.dossier.applicant.name).to.equal(c.dossier.applicant.name);
    expect(draft.dossier.employer).to.deep.equal(c.dossier.employer);
    expect(draft.dossier.records.integrity.pledgeSigned, "signed anew").to.equal(false);
    expect(draft.dossier.review).to.deep.equal({ falseMaterials: false });
    // the applicant submits the draft as it is, with a new declaration, under the 2024.1 rulebook the synthetic
    // sheets are made for; decided, it renews the certificate: same number, new root
    const renewal = structuredClone(draft.dossier);
    const { id: renewalId, state } = await toEvaluated(http, tokens, renewal, undefined, await signedDeclaration(applicant, renewal, world.deployment, false));
    expect(state).to.equal("evaluated");
    const renewed = await http("POST", `/dossiers/${c.id}/renew`, { renewalDossierId: renewalId }, tokens.operator);
    expect(renewed.status, JSON.stringify(renewed.body)).to.equal(200);
    expect((await clientFor(anvil.url, world.deployment).verifyCertificate(c.tokenId)).status).to.be.oneOf(["Valid", "Pending"]);
  });
});
