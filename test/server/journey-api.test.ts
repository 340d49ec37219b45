/**
 * The applicant's journey through the workbench (issue #12), against anvil: the integrity declaration signed in the
 * wallet with the dossier (EIP-712, sdk/declaration.ts) and each way a hostile applicant might get around it, the
 * separate consent to publication, and the public notice (GET /notices, no sign-in) that shows exactly the
 * consented fields, as a disclosure that proves them against the on-chain root — and nothing of anyone else.
 */
import { expect } from "chai";
import type { Hex } from "viem";
import { verifyDisclosure, type Dossier } from "../../scoring";
import { buildServer } from "../../server/app";
import { DECLARATION_WINDOW } from "../../server/declaration-check";
import { account, clientFor, dossierFor, expect200, injectHttp, signedDeclaration, signInAs, startWorkbench, submitDossier, tempDir, testConfig, toEvaluated, type Anvil, type Http, type Reply, type Tokens, type WorkbenchFixture, type World } from "./helpers";

interface ErrorBody {
  error: { code: string; problems?: { field: string; zh: string; en: string }[] };
}
interface Declared {
  version: string;
  signedAt: number;
  dossierDigest: string;
  publishInNotice: boolean;
  consentWithdrawnAt: number | null;
}
interface NoticeList {
  bodyId: number;
  items: { tokenId: string; level: number | null; objectionOpen: boolean; disclosure: { format: string; root: string; fields: { name: string; value: unknown }[] } | null }[];
}

const fieldsOf = (r: Reply) => (r.json<ErrorBody>().error.problems ?? []).map((p) => p.field);

describe("server: the applicant's declaration and the public notice (申报 · 诚信承诺 · 公示, anvil)", function () {
  this.timeout(180_000);
  let fx: WorkbenchFixture;
  let anvil: Anvil;
  let world: World;
  let http: Http;
  let tokens: Tokens;
  let seed = 12_400;
  const applicant = account(23);

  before(async () => {
    fx = await startWorkbench({ applicant, prefix: "journey-api" });
    ({ anvil, world, http, tokens } = fx);
  });
  after(() => fx?.stop());

  const inbox = async () => (await http("GET", "/dossiers?limit=100", undefined, tokens.operator)).json<{ total: number }>().total;
  const submit = (dossier: Dossier, declaration: unknown, token = tokens.applicant) => http("POST", "/dossiers", { rulebook: "hn-cqo-default@2024.1", dossier, declaration }, token);
  const declare = (dossier: Dossier, publish: boolean, signedAt?: number) => signedDeclaration(applicant, dossier, world.deployment, publish, signedAt);

  it("takes a declaration signed over the dossier: stored with the consent, shown to the applicant, and it is the pledge", async () => {
    const dossier = dossierFor(seed++);
    dossier.records.integrity.pledgeSigned = false;
    const declaration = await declare(dossier, true);
    const id = await submitDossier(http, dossier, tokens.applicant, undefined, declaration);
    const seen = expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.applicant), "own dossier").json<{ declaration: Declared; dossier: Dossier }>();
    expect(seen.declaration).to.include({ version: "hn-cqo-integrity/1", signedAt: declaration.signedAt, publishInNotice: true, consentWithdrawnAt: null });
    expect(seen.declaration.dossierDigest).to.match(/^0x[0-9a-f]{64}$/);
    expect(seen.dossier.records.integrity.pledgeSigned, "the signed declaration is the pledge").to.equal(true);
    const audit = (await http("GET", `/dossiers/${id}/audit`, undefined, tokens.operator)).json<{ items: { action: string; details: Record<string, unknown> | null }[] }>();
    expect(audit.items[0]).to.deep.include({ action: "submit", details: { declared: true, publishInNotice: true } });
  });

  it("refuses a declaration signed by another wallet, over another dossier, for another chain, stale or from the future — storing nothing", async () => {
    const before = await inbox();
    const dossier = dossierFor(seed++);
    // another wallet's signature over this very dossier
    const other = await signedDeclaration(account(24), dossier, world.deployment, false);
    let r = await submit(dossier, other);
    expect(r.status).to.equal(422);
    expect(r.json<ErrorBody>().error.code).to.equal("declaration-signature");
    expect(fieldsOf(r)).to.deep.equal(["body.declaration.signature"]);
    // signed, then the dossier changed (a higher exam score), or the consent flipped after signing
    const signed = await declare(dossier, false);
    const changed = structuredClone(dossier);
    changed.applicant.name = `${changed.applicant.name}甲`;
    r = await submit(changed, signed);
    expect([r.status, r.json<ErrorBody>().error.code]).to.deep.equal([422, "declaration-signature"]);
    r = await submit(dossier, { ...signed, publishInNotice: true });
    expect([r.status, r.json<ErrorBody>().error.code], "consent is part of what is signed").to.deep.equal([422, "declaration-signature"]);
    // for another chain id
    const foreign = await signedDeclaration(applicant, dossier, { ...world.deployment, chainId: world.deployment.chainId + 1 }, false);
    r = await submit(dossier, foreign);
    expect([r.status, r.json<ErrorBody>().error.code]).to.deep.equal([422, "declaration-signature"]);
    // stale and future
    const now = Math.floor(Date.now() / 1000);
    for (const at of [now - DECLARATION_WINDOW.maxAgeSeconds - 60, now + DECLARATION_WINDOW.maxFutureSeconds + 60]) {
      r = await submit(dossier, await declare(dossier, false, at));
      expect(r.status).to.equal(422);
      expect(r.json<ErrorBody>().error.code).to.equal("declaration-stale");
      expect(fieldsOf(r)).to.deep.equal(["body.declaration.signedAt"]);
    }
    // malformed: not hex, a string consent, an unknown key — 400 naming the field, in both languages
    r = await submit(dossier, { ...signed, signature: "0xzz" });
    expect(r.status).to.equal(400);
    expect(fieldsOf(r)).to.include("body.declaration.signature");
    r = await submit(dossier, { ...signed, publishInNotice: "yes" });
    expect([r.status, fieldsOf(r)]).to.deep.equal([400, ["body.declaration.publishInNotice"]]);
    const problem = r.json<ErrorBody>().error.problems![0]!;
    expect(problem.zh).to.match(/[\u4e00-\u9fff]/);
    expect(problem.en).to.match(/publishInNotice/);
    r = await submit(dossier, { ...signed, extra: 1 });
    expect(r.status).to.equal(400);
    expect(await inbox(), "nothing was stored").to.equal(before);
  });

  it("with CQO_REQUIRE_DECLARATION=1 a dossier without the declaration is refused naming body.declaration", async () => {
    const strictDir = tempDir("journey-api-strict");
    const strict = await buildServer({ config: testConfig(strictDir.dir, { requireDeclaration: true }), chain: clientFor(anvil.url, world.deployment), startWorker: false });
    try {
      const h = injectHttp(strict.app);
      const token = await signInAs(h, applicant);
      const dossier = dossierFor(seed++);
      const r = await h("POST", "/dossiers", { rulebook: "hn-cqo-default@2024.1", dossier }, token);
      expect([r.status, fieldsOf(r)]).to.deep.equal([400, ["body.declaration"]]);
      expect(expect200(await h("POST", "/dossiers", { rulebook: "hn-cqo-default@2024.1", dossier, declaration: await declare(dossier, false) }, token), "declared", 201).json<{ state: string }>().state).to.equal("submitted");
    } finally {
      await strict.close();
      strictDir.cleanup();
    }
  });

  describe("the public notice (GET /notices)", () => {
    let consented: { id: string; tokenId: string; root: Hex; dossier: Dossier };
    let silent: { id: string; tokenId: string };
    let pendingId: string;

    const waitInNotice = (id: string) => fx.waitForState(id, "in-notice");
    const approved = async (dossier: Dossier, publish: boolean) => {
      const { id } = await toEvaluated(http, tokens, dossier, undefined, await declare(dossier, publish));
      const a = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string; root: Hex }>();
      await waitInNotice(id);
      return { id, tokenId: a.tokenId, root: a.root, dossier };
    };

    before(async () => {
      consented = await approved(dossierFor(seed++), true);
      silent = await approved(dossierFor(seed++), false);
      // evaluated, not approved: not in notice, though its applicant consented
      const third = dossierFor(seed++);
      pendingId = (await toEvaluated(http, tokens, third, undefined, await declare(third, true))).id;
    });

    it("needs no sign-in and shows the consented name, employer and level as a disclosure proven by the on-chain root", async () => {
      const r = await http("GET", "/notices");
      expect(r.status).to.equal(200);
      const list = r.json<NoticeList>();
      expect(list.bodyId).to.equal(world.bodyId);
      const item = list.items.find((i) => i.tokenId === consented.tokenId)!;
      expect(item, "the consented certificate is listed").to.not.equal(undefined);
      expect(item.objectionOpen).to.equal(false);
      expect(item.disclosure!.format).to.equal("cqo-disclosure/2");
      expect(item.disclosure!.fields.map((f) => f.name)).to.deep.equal(["name", "employer.name", "level"]);
      const onChain = await clientFor(anvil.url, world.deployment).verifyCertificate(consented.tokenId);
      expect(onChain.status).to.equal("Pending");
      const proven = verifyDisclosure(item.disclosure, onChain.resultRoot);
      expect(proven.ok, JSON.stringify(proven)).to.equal(true);
      expect(item.disclosure!.fields.map((f) => f.value)).to.deep.equal([consented.dossier.applicant.name, consented.dossier.employer.name, item.level]);
      expect(item.level).to.be.within(1, 3);
      // nothing else of the person: no ID number, phone or credit code anywhere in the answer
      const text = JSON.stringify(r.body);
      expect(text).not.to.contain(consented.dossier.applicant.idNumber);
      expect(text).not.to.contain(consented.dossier.applicant.phone);
      expect(text).not.to.contain(consented.dossier.employer.uscc);
    });

    it("lists a certificate without consent with no personal data at all, and nothing not yet in notice", async () => {
      const list = (await http("GET", "/notices")).json<NoticeList>();
      const item = list.items.find((i) => i.tokenId === silent.tokenId)!;
      expect(item).to.deep.equal({ tokenId: silent.tokenId, level: null, objectionOpen: false, kind: "issuance", disclosure: null });
      const ids = list.items.map((i) => i.tokenId);
      expect(ids).to.have.length(new Set(ids).size);
      expect(pendingId, "a third dossier evaluated").to.match(/^HN-/);
      // the evaluated one has no certificate: every item is a certificate in notice
      for (const i of list.items) expect((await clientFor(anvil.url, world.deployment).verifyCertificate(i.tokenId)).status).to.equal("Pending");
    });

    it("the applicant withdraws the consent: the notice stops showing it at once; nobody else can, and twice is a 409", async () => {
      let r = await http("POST", `/dossiers/${consented.id}/notice-consent/withdraw`, undefined, await signInAs(http, account(25)));
      expect([r.status, r.json<ErrorBody>().error.code]).to.deep.equal([404, "not-found"]);
      r = await http("POST", `/dossiers/${consented.id}/notice-consent/withdraw`, undefined, tokens.operator);
      expect(r.status, "not even the body's operator").to.equal(404);
      r = await http("POST", `/dossiers/${consented.id}/notice-consent/withdraw`, undefined, tokens.applicant);
      expect(r.status).to.equal(200);
      expect(r.json<Declared>()).to.include({ publishInNotice: false });
      expect(r.json<Declared>().consentWithdrawnAt).to.be.a("number");
      const item = (await http("GET", "/notices")).json<NoticeList>().items.find((i) => i.tokenId === consented.tokenId)!;
      expect(item.disclosure).to.equal(null);
      expect(item.level).to.equal(null);
      r = await http("POST", `/dossiers/${consented.id}/notice-consent/withdraw`, undefined, tokens.applicant);
      expect([r.status, r.json<ErrorBody>().error.code]).to.deep.equal([409, "no-consent"]);
    });
  });
});
