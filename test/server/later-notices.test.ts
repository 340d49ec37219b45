/**
 * A new result's notice after the first one, the cases an attack review found (issue #13, F3 F4 F7), against anvil:
 * - a re-issue's own notice (the contract's F2): listed by GET /notices as `reissue` with the number only, its end
 *   recorded from the chain; the public's objections are taken during it and refused after it;
 * - a renewal made on chain with the body's key outside the workbench: the re-sync follows it from its event, once,
 *   so its notice is listed (the number only: the workbench holds no credential of it) and takes objections;
 * - a certificate suspended during its renewal's notice: an objection filed straight to the contract is followed by
 *   the re-sync (no chain drift), and dismissing it leaves the certificate suspended;
 * - an erased dossier's certificate: POST /objections is 409 erased.
 */
import { expect } from "chai";
import type { HDAccount } from "viem/accounts";
import type { Hex } from "viem";
import type { Dossier } from "../../scoring";
import { OPERATOR, account, chainSeconds, clientFor, dossierFor, expect200, signInAs, signedObjection, startWorkbench, toEvaluated, type Http, type Tokens, travel as travelChain, type WorkbenchFixture } from "./helpers";

const DAY = 86_400;
/** one panel's scores for a first evaluation and its re-evaluation, so the renewal reaches the same level */
const SHEETS = 4242;

interface Notice {
  tokenId: string;
  kind: string;
  objectionOpen: boolean;
  disclosure: unknown;
}
interface AuditEntry {
  action: string;
  role: string;
  from: string | null;
  to: string | null;
  details: { validFrom?: number; root?: string; resyncedFromChain?: boolean } | null;
}
interface SyncReport {
  followed: number;
  unresolved: number;
}

describe("server: notices after the first (re-issue, a renewal outside the workbench, a suspension during a renewal's notice)", function () {
  this.timeout(300_000);
  let fixture: WorkbenchFixture;
  let http: Http;
  let tokens: Tokens;
  const holder = account(71);
  const objector = account(72);
  let objectorToken: string;
  let seed = 7100;

  const travel = (s: number) => travelChain(fixture.anvil.url, s);
  const reader = () => clientFor(fixture.anvil.url, fixture.world.deployment);
  const bodyKey = () => clientFor(fixture.anvil.url, fixture.world.deployment, account(OPERATOR));
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state;
  const auditOf = async (id: string) => expect200(await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator), "audit").json<{ items: AuditEntry[] }>().items;
  const notices = async () => (await http("GET", "/notices")).json<{ items: Notice[] }>().items;
  const sync = async () => expect200(await http("POST", "/sync", {}, tokens.operator), "sync").json<SyncReport>();
  const signed = (signer: HDAccount, tokenId: string, statement: string) => signedObjection(signer, fixture.world.deployment, tokenId, statement);
  /** re-issued by the operator to `newWallet` (its own EIP-712 consent): the new number */
  const reissueTo = async (id: string, newWallet: HDAccount): Promise<string> => {
    const prep = expect200(await http("POST", `/dossiers/${id}/reissue/prepare`, { newHolder: newWallet.address, identityCheck: "现场核验身份证原件" }, tokens.operator), "prepare").json<{
      root: Hex;
      typedData: Parameters<typeof newWallet.signTypedData>[0];
    }>();
    expect200(await http("POST", `/dossiers/${id}/reissue/request`, { root: prep.root, signature: await newWallet.signTypedData(prep.typedData) }, tokens.operator), "request");
    return expect200(await http("POST", `/dossiers/${id}/reissue`, {}, tokens.operator), "reissue").json<{ tokenId: string }>().tokenId;
  };
  /** issued and past its first notice */
  const issued = async (): Promise<{ id: string; tokenId: string; dossier: Dossier }> => {
    const dossier = dossierFor(seed++);
    const { id } = await toEvaluated(http, tokens, dossier, SHEETS);
    const tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await fixture.waitForState(id, "in-notice");
    await travel(8 * DAY);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    return { id, tokenId, dossier };
  };

  before(async () => {
    fixture = await startWorkbench({ applicant: holder, prefix: "later-notices" });
    ({ http, tokens } = fixture);
    objectorToken = await signInAs(http, objector);
  });

  after(async () => {
    await fixture?.stop();
  });

  it("a re-issue's own notice is listed as reissue with the number only, its end the chain's; objections are taken during it and refused after it", async () => {
    const a = await issued();
    const newWallet = account(73);
    const newTokenId = await reissueTo(a.id, newWallet);
    expect(newTokenId).to.not.equal(a.tokenId);

    const v = await reader().verifyCertificate(newTokenId);
    expect(v.validFrom).to.be.greaterThan(await chainSeconds(reader()));
    const reissue = (await auditOf(a.id)).find((e) => e.action === "reissue");
    expect(reissue?.details?.validFrom, "the notice's end recorded with the re-issue").to.equal(v.validFrom);
    const listed = (await notices()).filter((n) => n.tokenId === newTokenId || n.tokenId === a.tokenId);
    expect(listed).to.have.length(1);
    expect(listed[0]).to.deep.include({ tokenId: newTokenId, kind: "reissue", objectionOpen: false, disclosure: null });

    const filed = await http("POST", "/objections", await signed(objector, newTokenId, "补发申请人并非本人"), objectorToken);
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    expect((await reader().verifyCertificate(newTokenId)).underObjection).to.equal(true);
    expect((await notices()).find((n) => n.tokenId === newTokenId)).to.include({ kind: "reissue", objectionOpen: true });
    const dismissed = await http("POST", `/objections/${filed.json<{ id: number }>().id}/resolve`, { upheld: false, note: "已现场核验身份。" }, tokens.operator);
    expect(dismissed.status, JSON.stringify(dismissed.body)).to.equal(200);
    expect(await stateOf(a.id)).to.equal("issued");

    await travel(8 * DAY);
    expect((await notices()).map((n) => n.tokenId)).to.not.include(newTokenId);
    const late = await http("POST", "/objections", await signed(account(74), newTokenId, "公示期满之后"), await signInAs(http, account(74)));
    expect(late.status).to.equal(409);
    expect(late.json<{ error: { code: string } }>().error.code).to.equal("not-in-notice");
  });

  it("a renewal made with the body's key outside the workbench is followed once by the re-sync, and its notice listed with the number only", async () => {
    const b = await issued();
    const before = await reader().verifyCertificate(b.tokenId);
    const root = `0x${"5a".repeat(32)}` as Hex;
    await bodyKey().renewCertificate(b.tokenId, { resultRoot: root, rulebookId: before.rulebookId, validUntil: (await chainSeconds(reader())) + 3 * 365 * DAY });
    const v = await reader().verifyCertificate(b.tokenId);
    expect(v.resultRoot).to.equal(root);
    expect((await notices()).map((n) => n.tokenId), "not known before the sync").to.not.include(b.tokenId);

    const report = await sync();
    expect(report.followed).to.be.greaterThanOrEqual(1);
    expect(report.unresolved).to.equal(0);
    const renew = (await auditOf(b.id)).filter((e) => e.action === "renew");
    expect(renew).to.have.length(1);
    expect(renew[0]).to.deep.include({ role: "sync", from: "issued", to: "issued" });
    expect(renew[0]!.details).to.deep.include({ root, validFrom: v.validFrom, resyncedFromChain: true });
    expect((await notices()).find((n) => n.tokenId === b.tokenId)).to.deep.include({ kind: "renewal", disclosure: null });
    // followed once: a second sync records nothing more
    await sync();
    expect((await auditOf(b.id)).filter((e) => e.action === "renew")).to.have.length(1);
    const filed = await http("POST", "/objections", await signed(objector, b.tokenId, "复评未经评审组评分"), objectorToken);
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
  });

  it("a certificate suspended during its renewal's notice: an objection filed on chain is followed with no drift, and dismissing it leaves it suspended", async () => {
    const c = await issued();
    const again = await toEvaluated(http, tokens, { ...c.dossier, dossierId: `${c.dossier.dossierId}-R1` }, SHEETS);
    expect200(await http("POST", `/dossiers/${c.id}/renew`, { renewalDossierId: again.id }, tokens.operator), "renew");
    expect200(await http("POST", `/dossiers/${c.id}/suspend`, {}, tokens.operator), "suspend");
    expect(await stateOf(c.id)).to.equal("suspended");
    expect((await notices()).find((n) => n.tokenId === c.tokenId), "listed while suspended: the contract takes objections").to.include({ kind: "renewal" });

    const filer = account(7); // one of the ten accounts anvil funds: files straight to the contract
    await clientFor(fixture.anvil.url, fixture.world.deployment, filer).fileObjection(c.tokenId, `0x${"7e".repeat(32)}`);
    const report = await sync();
    expect(report.unresolved, "no chain drift").to.equal(0);
    expect((await auditOf(c.id)).map((e) => e.action)).to.include("file-objection").and.not.include("chain-drift");
    const open = expect200(await http("GET", "/objections?status=filed&limit=100", undefined, tokens.operator), "objections").json<{ items: { id: number; tokenId: string; status: string }[] }>().items;
    const mine = open.find((o) => o.tokenId === c.tokenId);
    expect(mine, "the on-chain objection is in the workbench").to.not.equal(undefined);
    const dismissed = await http("POST", `/objections/${mine!.id}/resolve`, { upheld: false, note: "异议不成立。" }, tokens.operator);
    expect(dismissed.status, JSON.stringify(dismissed.body)).to.equal(200);
    expect(await stateOf(c.id)).to.equal("suspended");
    expect((await reader().verifyCertificate(c.tokenId)).underObjection).to.equal(false);
  });

  it("a renewal then a suspension made on chain outside the workbench: one re-sync records both, the renewal where the dossier now is (attack F1)", async () => {
    const e = await issued();
    const before = await reader().verifyCertificate(e.tokenId);
    const root = `0x${"6b".repeat(32)}` as Hex;
    await bodyKey().renewCertificate(e.tokenId, { resultRoot: root, rulebookId: before.rulebookId, validUntil: (await chainSeconds(reader())) + 3 * 365 * DAY });
    await bodyKey().suspendCertificate(e.tokenId, `0x${"5e".repeat(32)}`);
    const report = await sync();
    expect(report.unresolved).to.equal(0);
    expect(await stateOf(e.id)).to.equal("suspended");
    const renew = (await auditOf(e.id)).filter((x) => x.action === "renew");
    expect(renew).to.have.length(1);
    expect(renew[0]).to.deep.include({ role: "sync", from: "suspended", to: "suspended" });
    expect(renew[0]!.details).to.deep.include({ root, resyncedFromChain: true, noCredential: true });
    expect((await notices()).find((n) => n.tokenId === e.tokenId)).to.deep.include({ kind: "renewal", disclosure: null });
  });

  it("a re-issue whose notice end could not be read when it was mined: the re-sync reads it and lists the notice (attack F3)", async () => {
    const f = await issued();
    const newWallet = account(76);
    const newTokenId = await reissueTo(f.id, newWallet);
    // as if the view had been unreadable then: the re-issue recorded with no notice end
    fixture.wb.db.prepare("UPDATE audit_log SET details_json = json_remove(details_json, '$.validFrom') WHERE dossier_id = ? AND action = 'reissue'").run(f.id);
    expect((await notices()).map((n) => n.tokenId)).to.not.include(newTokenId);
    expect((await sync()).followed).to.be.greaterThanOrEqual(1);
    const filled = (await auditOf(f.id)).filter((x) => x.action === "reissue-notice");
    expect(filled).to.have.length(1);
    expect(filled[0]!.details?.validFrom).to.equal((await reader().verifyCertificate(newTokenId)).validFrom);
    expect((await notices()).find((n) => n.tokenId === newTokenId)).to.deep.include({ kind: "reissue", disclosure: null });
    await sync();
    expect((await auditOf(f.id)).filter((x) => x.action === "reissue-notice"), "filled once").to.have.length(1);
  });

  it("no erasure while an objection waits for its ruling or a renewal's notice runs (409 objection-open, in-notice; attack F4)", async () => {
    const g = await issued();
    const again = await toEvaluated(http, tokens, { ...g.dossier, dossierId: `${g.dossier.dossierId}-R1` }, SHEETS);
    expect200(await http("POST", `/dossiers/${g.id}/renew`, { renewalDossierId: again.id }, tokens.operator), "renew");
    const during = await http("POST", `/dossiers/${g.id}/erase`, { reason: "request", reference: "PIPL-2026-072" }, tokens.operator);
    expect(during.status).to.equal(409);
    expect(during.json<{ error: { code: string } }>().error.code).to.equal("in-notice");
    const filed = expect200(await http("POST", "/objections", await signed(account(77), g.tokenId, "复评材料不实"), await signInAs(http, account(77))), "file", 201).json<{ id: number }>();
    await travel(8 * DAY);
    const open = await http("POST", `/dossiers/${g.id}/erase`, { reason: "request", reference: "PIPL-2026-072" }, tokens.operator);
    expect(open.status).to.equal(409);
    expect(open.json<{ error: { code: string; zh: string; en: string } }>().error).to.deep.include({ code: "objection-open" });
    expect200(await http("POST", `/objections/${filed.id}/resolve`, { upheld: false, note: "不成立。" }, tokens.operator), "dismiss");
    expect200(await http("POST", `/dossiers/${g.id}/erase`, { reason: "request", reference: "PIPL-2026-072" }, tokens.operator), "erase once ruled on and over");
  });

  it("erasure: an objection filed on chain the workbench has not synced blocks it (409 objection-open); a revoked certificate's moot objection does not (attack 2, F1 F2)", async () => {
    const h = await issued();
    const again = await toEvaluated(http, tokens, { ...h.dossier, dossierId: `${h.dossier.dossierId}-R1` }, SHEETS);
    expect200(await http("POST", `/dossiers/${h.id}/renew`, { renewalDossierId: again.id }, tokens.operator), "renew");
    await clientFor(fixture.anvil.url, fixture.world.deployment, account(8)).fileObjection(h.tokenId, `0x${"8e".repeat(32)}`);
    await travel(8 * DAY);
    const r = await http("POST", `/dossiers/${h.id}/erase`, { reason: "request", reference: "PIPL-2026-073" }, tokens.operator);
    expect(r.status).to.equal(409);
    expect(r.json<{ error: { code: string } }>().error.code).to.equal("objection-open");

    // revoked while an objection waits: the objection is moot, the person's erasure goes through
    const m = await issued();
    const again2 = await toEvaluated(http, tokens, { ...m.dossier, dossierId: `${m.dossier.dossierId}-R1` }, SHEETS);
    expect200(await http("POST", `/dossiers/${m.id}/renew`, { renewalDossierId: again2.id }, tokens.operator), "renew");
    expect200(await http("POST", "/objections", await signed(account(78), m.tokenId, "复评材料不实"), await signInAs(http, account(78))), "file", 201);
    expect200(await http("POST", `/dossiers/${m.id}/revoke`, { reason: "Violation", note: "另案查实违规。" }, tokens.operator), "revoke");
    expect(await stateOf(m.id)).to.equal("revoked");
    expect200(await http("POST", `/dossiers/${m.id}/erase`, { reason: "request", reference: "PIPL-2026-074" }, tokens.operator), "erase the revoked");
  });

  it("the objection limits are per result: a filer dismissed in the first notice objects to the renewal's without new evidence", async () => {
    const { id } = await toEvaluated(http, tokens, dossierFor(seed++), SHEETS);
    const base = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossier: Dossier }>().dossier;
    const tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await fixture.waitForState(id, "in-notice");
    const filer = account(79);
    const filerToken = await signInAs(http, filer);
    const first = expect200(await http("POST", "/objections", await signed(filer, tokenId, "首次公示的异议"), filerToken), "first", 201).json<{ id: number }>();
    expect200(await http("POST", `/objections/${first.id}/resolve`, { upheld: false, note: "不成立。" }, tokens.operator), "dismiss");
    // the same notice: again only with new evidence
    const again = await http("POST", "/objections", await signed(filer, tokenId, "再次异议"), filerToken);
    expect([again.status, again.json<{ error: { code: string } }>().error.code]).to.deep.equal([422, "evidence-not-new"]);
    await travel(8 * DAY);
    expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");
    const renewal = await toEvaluated(http, tokens, { ...base, dossierId: `${base.dossierId}-R1` }, SHEETS);
    expect200(await http("POST", `/dossiers/${id}/renew`, { renewalDossierId: renewal.id }, tokens.operator), "renew");
    // a new result in its own notice: the filer's earlier dismissal does not carry over
    const later = await http("POST", "/objections", await signed(filer, tokenId, "复评公示的异议"), filerToken);
    expect(later.status, JSON.stringify(later.body)).to.equal(201);
  });

  it("an erased dossier's certificate takes no objection through the workbench (409 erased)", async () => {
    const d = await issued();
    expect200(await http("POST", `/dossiers/${d.id}/erase`, { reason: "request", reference: "PIPL-2026-071" }, tokens.operator), "erase");
    const r = await http("POST", "/objections", await signed(objector, d.tokenId, "删除之后"), objectorToken);
    expect(r.status).to.equal(409);
    expect(r.json<{ error: { code: string; zh: string; en: string } }>().error).to.deep.include({ code: "erased" });
  });
});
