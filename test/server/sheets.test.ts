/**
 * Issue #15 at the workbench, under the default rulebook hn-cqo-default 2026.1: a sheet handed in twice is
 * answered as already received (200, counts once), a different second sheet is refused (409), the conflict of
 * interest uses the employer registered for the assessor, and a dossier with an event after its application
 * date is refused at submission with the field named.
 */
import { expect } from "chai";
import type { Hex } from "viem";
import rulebookJson from "../../rulebooks/hn-cqo-default-2026.1.json";
import { parseRulebook, rulebookHash, type Evaluation } from "../../scoring";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import { buildServer, type Workbench } from "../../server/app";
import { ASSESSORS, OPERATOR, account, clientFor, deployWorld, dossierFor, expect200, injectHttp, signInTeam, startAnvil, submitDossier, tempDir, testConfig, type Anvil, type Http, type Tokens } from "./helpers";

const RB = (() => {
  const r = parseRulebook(rulebookJson);
  if (!r.ok) throw new Error("2026.1 invalid");
  return r.value;
})();
const RB_HASH = rulebookHash(RB);
const KEY = "hn-cqo-default@2026.1";

interface SheetReply {
  state: string;
  digest: Hex;
  alreadyReceived: boolean;
}

describe("server: sheets under hn-cqo-default 2026.1 (anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 900;

  before(async () => {
    anvil = await startAnvil();
    const world = await deployWorld(anvil.url);
    tmp = tempDir("sheets");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)) });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, account(11));
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  /** a dossier under 2026.1, accepted and assigned to the first three assessors; its unsigned sheets */
  async function assigned() {
    const id = await submitDossier(http, dossierFor(seed++), tokens.applicant, KEY);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
    const { dossierHash } = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
    return { id, panel, unsigned: syntheticSheets(RB, RB_HASH, dossierHash, panel, seed, 60) };
  }

  it("the same signed sheet twice: 201 then 200 with alreadyReceived, counted once; a different second sheet: 409 sheet-exists", async () => {
    const { id, panel, unsigned } = await assigned();
    const first = await signSheet(unsigned[0]!, panel[0]!.key);
    const a = expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: first }, tokens.assessors[0]), "first", 201).json<SheetReply>();
    expect(a.alreadyReceived).to.equal(false);
    const b = expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: first }, tokens.assessors[0]), "again", 200).json<SheetReply>();
    expect(b).to.include({ alreadyReceived: true, digest: a.digest, state: "assigned" });
    const other = await signSheet({ ...unsigned[0]!, comments: "另一份意见" }, panel[0]!.key);
    const c = await http("POST", `/dossiers/${id}/sheets`, { sheet: other }, tokens.assessors[0]);
    expect(c.status).to.equal(409);
    const err = c.json<{ error: { code: string; zh: string; en: string } }>().error;
    expect(err.code).to.equal("sheet-exists");
    expect(JSON.stringify(err)).to.contain("different sheet").and.contain("另一份评分表");
    // the audit has one sheet event, and the last two sheets complete the round
    for (const i of [1, 2]) expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: await signSheet(unsigned[i]!, panel[i]!.key) }, tokens.assessors[i]), "sheet", 201);
    const audit = (await http("GET", `/dossiers/${id}/audit`, undefined, tokens.operator)).json<{ items: { action: string }[] }>().items;
    expect(audit.filter((x) => x.action === "sheet")).to.have.length(3);
    // a retry after the round is complete is still answered as received
    const late = expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: first }, tokens.assessors[0]), "retry", 200).json<SheetReply>();
    expect(late).to.include({ alreadyReceived: true, state: "scored" });
    const e = expect200(await http("POST", `/dossiers/${id}/evaluate`, {}, tokens.operator), "evaluate").json<{ evaluation: Evaluation }>().evaluation;
    expect(e.rulebook.version).to.equal("2026.1");
    expect(e.panel.accepted).to.have.length(3);
    expect(e.panel.refused).to.deep.equal([]);
    expect(e.rules!.map((m) => m.en).join()).to.contain("employer the body registered");
  });

  it("a sheet declaring an employer other than the registered one is refused, naming the field", async () => {
    const { id, panel, unsigned } = await assigned();
    const elsewhere = await signSheet({ ...unsigned[0]!, assessor: { ...unsigned[0]!.assessor, employerUscc: ASSESSORS[5]!.employerUscc } }, panel[0]!.key);
    const r = await http("POST", `/dossiers/${id}/sheets`, { sheet: elsewhere }, tokens.assessors[0]);
    expect(r.status).to.equal(422);
    const err = r.json<{ error: { code: string; problems: { field: string; en: string }[] } }>().error;
    expect(err.code).to.equal("sheet-refused");
    expect(err.problems.map((p) => p.field)).to.deep.equal(["body.sheet.assessor.employerUscc"]);
  });

  it("a dossier with an accident dated after its application date is refused at submission, naming the field (zh and en)", async () => {
    const d = dossierFor(seed++);
    d.records.accidents = [{ date: "2024-06-01", severity: "general", responsible: false, description: "申报之后" }];
    const r = await http("POST", "/dossiers", { rulebook: KEY, dossier: d }, tokens.applicant);
    expect(r.status).to.equal(400);
    const problems = r.json<{ error: { problems: { field: string; zh: string; en: string }[] } }>().error.problems;
    const p = problems.find((x) => x.field === "body.dossier.records.accidents[0].date" || x.field === "body.dossier.records.accidents.0.date");
    expect(p, JSON.stringify(problems)).to.not.equal(undefined);
    expect(p!.zh).to.contain("晚于申报日期");
    expect(p!.en).to.contain("after the application date");
  });
});
