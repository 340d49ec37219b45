/**
 * A renewal's public notice (复评公示, issue #13) against anvil: `renewCertificate` puts the certificate back in
 * notice on chain while its dossier stays issued. GET /notices lists it as a renewal's notice while the chain says
 * its new result's notice runs; the public's signed objections are accepted during it and refused after it (409 not-in-notice);
 * a dismissed objection leaves the certificate issued, an upheld one revokes it; the audit log says so.
 */
import { expect } from "chai";
import type { HDAccount } from "viem/accounts";
import type { Dossier } from "../../scoring";
import { account, chainSeconds, clientFor, dossierFor, expect200, signedDeclaration, signInAs, signedObjection, startWorkbench, toEvaluated, type Http, type Tokens, travel as travelChain, type WorkbenchFixture } from "./helpers";

const DAY = 86_400;

interface Notice {
  tokenId: string;
  kind: string;
  objectionOpen: boolean;
  disclosure: unknown;
}
interface ErrorBody {
  error: { code: string; zh: string; en: string };
}

describe("server: a renewal's public notice (复评公示, anvil)", function () {
  this.timeout(240_000);
  let fixture: WorkbenchFixture;
  let http: Http;
  let tokens: Tokens;
  const holder = account(61);
  const objector = account(62);
  let objectorToken: string;
  let seed = 6100;

  const travel = (s: number) => travelChain(fixture.anvil.url, s);
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state;
  const notices = async () => (await http("GET", "/notices")).json<{ items: Notice[] }>().items;
  const signed = (signer: HDAccount, tokenId: string, statement: string) => signedObjection(signer, fixture.world.deployment, tokenId, statement);
  /** issued, its first notice over, then renewed by a second evaluation of the same person */
  const renewed = async (consent?: { first: boolean; renewal: boolean }): Promise<{ id: string; tokenId: string }> => {
    const base = dossierFor(seed++);
    const declare = (d: Dossier, publish: boolean) => signedDeclaration(holder, d, fixture.world.deployment, publish);
    const { id } = await toEvaluated(http, tokens, base, undefined, consent ? await declare(base, consent.first) : undefined);
    const tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await fixture.waitForState(id, "in-notice");
    await travel(8 * DAY);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    expect((await notices()).map((n) => n.tokenId)).to.not.include(tokenId);
    const second: Dossier = { ...base, dossierId: `${base.dossierId}-R1` };
    const again = await toEvaluated(http, tokens, second, undefined, consent ? await declare(second, consent.renewal) : undefined);
    expect200(await http("POST", `/dossiers/${id}/renew`, { renewalDossierId: again.id }, tokens.operator), "renew");
    return { id, tokenId };
  };

  before(async () => {
    fixture = await startWorkbench({ applicant: holder, prefix: "renewal-notice" });
    ({ http, tokens } = fixture);
    objectorToken = await signInAs(http, objector);
  });

  after(async () => {
    await fixture?.stop();
  });

  it("lists the renewed certificate as a renewal's notice while its new result's notice runs on chain, and not after", async () => {
    const a = await renewed();
    // the result it replaces stays in force: valid, with the new result's notice ahead
    const v = await clientFor(fixture.anvil.url, fixture.world.deployment).verifyCertificate(a.tokenId);
    expect(v.status).to.equal("Valid");
    expect(v.validFrom).to.be.greaterThan(await chainSeconds(clientFor(fixture.anvil.url, fixture.world.deployment)));
    expect(await stateOf(a.id)).to.equal("issued");
    const listed = (await notices()).find((n) => n.tokenId === a.tokenId);
    expect(listed).to.include({ kind: "renewal", objectionOpen: false });
    // the list reads the notice's end the renewal recorded from its event: the chain's own validFrom
    const renewal = expect200(await http("GET", `/dossiers/${a.id}/audit?limit=100`, undefined, tokens.operator), "audit").json<{ items: { action: string; details: { validFrom?: number } | null }[] }>().items.find((e) => e.action === "renew");
    expect(renewal?.details?.validFrom).to.equal(v.validFrom);

    // an objection while it runs: accepted, relayed on chain, the dossier still issued
    const filed = await http("POST", "/objections", await signed(objector, a.tokenId, "复评材料中的业绩与事实不符"), objectorToken);
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    const objection = filed.json<{ id: number; status: string }>();
    expect(objection.status).to.equal("filed");
    expect(await stateOf(a.id)).to.equal("issued");
    expect((await clientFor(fixture.anvil.url, fixture.world.deployment).verifyCertificate(a.tokenId)).underObjection).to.equal(true);
    expect((await notices()).find((n) => n.tokenId === a.tokenId)).to.include({ kind: "renewal", objectionOpen: true });

    // dismissed: still issued, the audit log has both
    const dismissed = await http("POST", `/objections/${objection.id}/resolve`, { upheld: false, note: "经核查，业绩材料属实。" }, tokens.operator);
    expect(dismissed.status, JSON.stringify(dismissed.body)).to.equal(200);
    expect(await stateOf(a.id)).to.equal("issued");
    const log = expect200(await http("GET", `/dossiers/${a.id}/audit?limit=100`, undefined, tokens.operator), "audit").json<{ items: { action: string; from: string | null; to: string | null }[] }>().items;
    expect(log.map((e) => e.action)).to.include.members(["renew", "file-objection", "resolve-objection"]);
    expect(log.filter((e) => e.action === "resolve-objection").map((e) => e.to)).to.deep.equal(["issued"]);

    // past the renewal's notice: off the list, objections refused with the reason
    await travel(8 * DAY);
    expect((await notices()).map((n) => n.tokenId)).to.not.include(a.tokenId);
    const late = await http("POST", "/objections", await signed(objector, a.tokenId, "公示期满之后"), objectorToken);
    expect(late.status).to.equal(409);
    expect(late.json<ErrorBody>().error.code).to.equal("not-in-notice");
    expect(late.json<ErrorBody>().error.zh).to.contain("不在公示期内");
  });

  it("an objection upheld during the renewal's notice revokes the certificate", async () => {
    const b = await renewed();
    const filed = expect200(await http("POST", "/objections", await signed(objector, b.tokenId, "复评申报材料系伪造"), objectorToken), "file", 201).json<{ id: number }>();
    const upheld = await http("POST", `/objections/${filed.id}/resolve`, { upheld: true, reason: "Fraud", note: "查实复评材料伪造。" }, tokens.operator);
    expect(upheld.status, JSON.stringify(upheld.body)).to.equal(200);
    expect(await stateOf(b.id)).to.equal("revoked");
    const v = await clientFor(fixture.anvil.url, fixture.world.deployment).verifyCertificate(b.tokenId);
    expect(v.status).to.equal("Revoked");
    expect((await notices()).map((n) => n.tokenId)).to.not.include(b.tokenId);
  });

  it("a renewal's notice publishes name, employer and level only with the re-evaluation's own consent, not the first application's", async () => {
    const withdrawn = await renewed({ first: true, renewal: false });
    expect((await notices()).find((n) => n.tokenId === withdrawn.tokenId)).to.include({ kind: "renewal", disclosure: null });
    const consented = await renewed({ first: false, renewal: true });
    const listed = (await notices()).find((n) => n.tokenId === consented.tokenId);
    expect(listed?.kind).to.equal("renewal");
    expect(listed?.disclosure, "the re-evaluation consented").to.not.equal(null);
  });
});
