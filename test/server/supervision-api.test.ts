/**
 * 抽查 on the body's workbench (server/routes/supervision.ts), against anvil: the association's wallet, signed in,
 * gets the evaluation record of a certificate — the credential's non-personal fields with salts and proofs, whose
 * root is the chain's resultRoot and which verify against it — and nobody else does: 401 without a session, 403
 * for any other wallet (the body's own operator included), 404 for a number the body never issued.
 */
import { expect } from "chai";
import { verifyDisclosure, type Evaluation } from "../../scoring";
import { ASSOCIATION, account, clientFor, dossierFor, expect200, signInAs, startWorkbench, toEvaluated, type Anvil, type Http, type Tokens, type WorkbenchFixture, type World } from "./helpers";

interface ErrorBody {
  error: { code: string; zh: string; en: string };
}
interface AuditAnswer {
  tokenId: string;
  dossierId: string;
  root: string;
  disclosure: { format: string; root: string; fields: { name: string; value: unknown; salt: string; proof: string[] }[] };
  evaluation: Evaluation | null;
}

describe("server: the association's sampling audit (GET /supervision/records/:tokenId, anvil)", function () {
  this.timeout(120_000);
  let fx: WorkbenchFixture;
  let anvil: Anvil;
  let world: World;
  let http: Http;
  let tokens: Tokens;
  let tokenId: string;
  let dossierId: string;
  const applicant = account(11);

  before(async () => {
    fx = await startWorkbench({ applicant, prefix: "supervision" });
    ({ anvil, world, http, tokens } = fx);
    const { id } = await toEvaluated(http, tokens, dossierFor(901));
    dossierId = id;
    tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await fx.waitForState(id, "in-notice");
  });

  after(() => fx?.stop());

  it("401 without a session", async () => {
    const r = await http("GET", `/supervision/records/${tokenId}`);
    expect(r.status).to.equal(401);
    expect(r.json<ErrorBody>().error.code).to.equal("unauthenticated");
  });

  it("403 for a wallet that is not the association: the applicant, and the body's own operator", async () => {
    for (const token of [tokens.applicant, tokens.operator]) {
      const r = await http("GET", `/supervision/records/${tokenId}`, undefined, token);
      expect(r.status).to.equal(403);
      const e = r.json<ErrorBody>().error;
      expect(e.code).to.equal("forbidden");
      expect(e.zh).to.contain("协会");
      expect(JSON.stringify(r.body)).to.not.contain("salt");
    }
  });

  it("200 for the association: the record's root is the chain's, its fields verify against it, no personal data", async () => {
    const association = await signInAs(http, account(ASSOCIATION));
    const r = await http("GET", `/supervision/records/${tokenId}`, undefined, association);
    expect(r.status).to.equal(200);
    const a = r.json<AuditAnswer>();
    expect(a.tokenId).to.equal(tokenId);
    expect(a.dossierId).to.equal(dossierId);
    const onChain = await clientFor(anvil.url, world.deployment).verifyCertificate(tokenId);
    expect(a.root).to.equal(onChain.resultRoot);
    expect(a.disclosure.root).to.equal(onChain.resultRoot);
    const verified = verifyDisclosure(a.disclosure, onChain.resultRoot);
    expect(verified.ok, JSON.stringify(verified)).to.equal(true);
    const names = a.disclosure.fields.map((f) => f.name);
    expect(names).to.include.members(["level", "total", "rulebook", "dossier", "panel"]);
    expect(names.some((n) => n.startsWith("dimension."))).to.equal(true);
    expect(names).to.not.include.members(["name"]);
    expect(names).to.not.include("idNumber");
    expect(names).to.not.include("employer.name");
    // the evaluation is the one committed: its level and total are the disclosed values, its dossier hash too
    const value = (n: string) => a.disclosure.fields.find((f) => f.name === n)!.value;
    expect(a.evaluation).to.not.equal(null);
    expect(a.evaluation!.level).to.equal(value("level")).and.to.equal(onChain.level);
    expect(a.evaluation!.total).to.equal(value("total"));
    expect(a.evaluation!.dossier.hash).to.equal(value("dossier"));
    const dossier = dossierFor(901);
    expect(JSON.stringify(r.body)).to.not.contain(dossier.applicant.idNumber);
    expect(JSON.stringify(r.body)).to.not.contain(dossier.applicant.name);
  });

  it("404 for a certificate number the body never issued, 400 for one that is not a number", async () => {
    const association = await signInAs(http, account(ASSOCIATION));
    const missing = await http("GET", `/supervision/records/${BigInt(tokenId) + 1000n}`, undefined, association);
    expect(missing.status).to.equal(404);
    expect(missing.json<ErrorBody>().error.code).to.equal("not-found");
    const bad = await http("GET", "/supervision/records/12ab", undefined, association);
    expect(bad.status).to.equal(400);
    expect(bad.json<ErrorBody>().error.code).to.equal("invalid-input");
  });
});
