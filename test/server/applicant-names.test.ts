/**
 * Names before addresses (issue #14) against anvil: every list of the body's console answers the applicant's name
 * (GET /dossiers, /outbox, /objections, /reviews), under the dossier page's visibility rule: operators see it;
 * an assessor whose round is over gets `withheld`; once the personal data is erased every list answers null and
 * `erased`. The reminder webhook's items never carry a name.
 */
import { expect } from "chai";
import type { HDAccount } from "viem/accounts";
import { objectionStatement, objectionTypedData } from "../../sdk";
import { account, dossierFor, expect200, signInAs, startWorkbench, toEvaluated, type Http, type Tokens, travel as travelChain, type WorkbenchFixture } from "./helpers";

const DAY = 86_400;

interface Named {
  applicantName?: string | null;
  personalData?: string;
}
interface Listed extends Named {
  id: string;
}
interface OutboxRow extends Named {
  dossierId: string;
}
interface ObjectionRow extends Named {
  dossierId: string;
}
interface QueueRow extends Named {
  dossierId: string;
  tokenId: string;
}

describe("server: applicants' names in the console's lists (issue #14, anvil)", function () {
  this.timeout(240_000);
  let fixture: WorkbenchFixture;
  let http: Http;
  let tokens: Tokens;
  const holder = account(51);
  const objector = account(52);
  let a: { id: string; tokenId: string; name: string };
  let b: { id: string; tokenId: string; name: string };
  let seed = 5100;

  const travel = (s: number) => travelChain(fixture.anvil.url, s);
  const issue = async () => {
    const dossier = dossierFor(seed++);
    const { id } = await toEvaluated(http, tokens, dossier);
    const r = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await fixture.waitForState(id, "in-notice");
    return { id, tokenId: r.tokenId, name: dossier.applicant.name };
  };
  const list = async <T>(path: string, token = tokens.operator) => expect200(await http("GET", path, undefined, token), path).json<{ items: T[] }>().items;
  const signedObjection = async (signer: HDAccount, tokenId: string, statement: string) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await signer.signTypedData(objectionTypedData(31337, fixture.world.deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement, issuedAt })));
    return { tokenId, statement, signature, issuedAt };
  };

  before(async () => {
    fixture = await startWorkbench({ applicant: holder, prefix: "applicant-names", reviews: { reviewInterval: 365 * DAY, reviewGrace: 60 * DAY } });
    ({ http, tokens } = fixture);
    a = await issue();
    b = await issue();
    expect(a.name).to.not.equal(b.name);
  });

  after(async () => {
    await fixture?.stop();
  });

  it("GET /dossiers: the operator sees each applicant's name; an assessor whose round is over sees it withheld", async () => {
    const items = await list<Listed>("/dossiers?limit=50");
    for (const x of [a, b]) {
      const row = items.find((i) => i.id === x.id)!;
      expect(row, x.id).to.include({ applicantName: x.name, personalData: "shown" });
    }
    const assessed = (await list<Listed>("/dossiers?limit=50", tokens.assessors[0])).find((i) => i.id === a.id);
    expect(assessed, "the assessor still lists the dossier they scored").to.not.equal(undefined);
    expect(assessed).to.include({ applicantName: null, personalData: "withheld" });
  });

  it("GET /dossiers/:id: the page answers the name with the same rule", async () => {
    const page = expect200(await http("GET", `/dossiers/${a.id}`, undefined, tokens.operator), "page").json<Named>();
    expect(page).to.include({ applicantName: a.name, personalData: "shown" });
  });

  it("GET /outbox: each issuance names its applicant", async () => {
    const items = await list<OutboxRow>("/outbox?limit=50");
    expect(items.find((i) => i.dossierId === a.id)?.applicantName).to.equal(a.name);
    expect(items.find((i) => i.dossierId === b.id)?.applicantName).to.equal(b.name);
  });

  it("GET /objections: the operator sees whose certificate is objected to; the objector's own list carries no name", async () => {
    const token = await signInAs(http, objector);
    expect200(await http("POST", "/objections", await signedObjection(objector, a.tokenId, "业绩材料与实际不符"), token), "file", 201);
    const row = (await list<ObjectionRow>("/objections?limit=50")).find((o) => o.dossierId === a.id);
    expect(row?.applicantName).to.equal(a.name);
    const own = await list<ObjectionRow>("/objections?limit=50", token);
    expect(own.map((o) => o.dossierId)).to.deep.equal([a.id]);
    expect(own[0]).to.not.have.property("applicantName");
  });

  it("GET /reviews: a certificate due for review names its holder; the reminders never do", async () => {
    await travel(8 * DAY);
    expect200(await http("POST", `/dossiers/${b.id}/end-notice`, {}, tokens.operator), "end-notice");
    await travel(340 * DAY);
    const row = (await list<QueueRow>("/reviews")).find((i) => i.dossierId === b.id);
    expect(row, "b is due within 30 days").to.not.equal(undefined);
    expect(row).to.include({ applicantName: b.name, personalData: "shown" });
    const reminders = await list<Record<string, unknown>>("/reminders");
    expect(reminders.some((r) => r.dossierId === b.id)).to.equal(true);
    for (const r of reminders) expect(JSON.stringify(r)).to.not.include(b.name);
  });

  it("after erasure every list answers null and erased, and nothing of the name is left", async () => {
    expect200(await http("POST", `/dossiers/${b.id}/erase`, { reason: "request", reference: "PIPL-2026-051" }, tokens.operator), "erase");
    expect((await list<Listed>("/dossiers?limit=50")).find((i) => i.id === b.id)).to.include({ applicantName: null, personalData: "erased" });
    expect(expect200(await http("GET", `/dossiers/${b.id}`, undefined, tokens.operator), "page").json<Named>()).to.include({ applicantName: null, personalData: "erased" });
    expect((await list<OutboxRow>("/outbox?limit=50")).find((i) => i.dossierId === b.id)?.applicantName).to.equal(null);
    const queued = (await list<QueueRow>("/reviews")).find((i) => i.dossierId === b.id);
    if (queued) expect(queued).to.include({ applicantName: null, personalData: "erased" });
    const raw = fixture.wb.db.prepare("/* raw */ SELECT applicant_name FROM dossiers WHERE id = ?").get(b.id) as { applicant_name: string | null };
    expect(raw.applicant_name).to.equal(null);
    // the other applicant is untouched
    expect((await list<Listed>("/dossiers?limit=50")).find((i) => i.id === a.id)).to.include({ applicantName: a.name, personalData: "shown" });
  });
});
