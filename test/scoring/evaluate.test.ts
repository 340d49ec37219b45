import { expect } from "chai";
import { privateKeyToAccount } from "viem/accounts";
import { aggregatePanel, assessorLookup, evaluate, panelSheetDomain, panelSheetTypedData, verifySheets, type Evaluation } from "../../scoring";
import { signSheet } from "../../scoring/synthetic";
import { ASSESSORS, clone, makeCase, REGISTER, RULEBOOK_2026_1 } from "./helpers";

// the default rulebook (2026.1) with the body's register of assessors; 2024.1 is checked in rules.test.ts
const DEFAULT_RULEBOOK = RULEBOOK_2026_1;

async function run(rb: unknown, dossier: unknown, sheets: unknown, register: unknown = REGISTER): Promise<Evaluation> {
  const r = await evaluate(rb, dossier, sheets, { assessors: register });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe("scoring: evaluate", () => {
  it("scores a typical dossier: every indicator explained, dimensions and total add up, a level assigned", async () => {
    const c = await makeCase(1, 5, DEFAULT_RULEBOOK);
    const e = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
    expect(e.eligibility.eligible).to.equal(true);
    expect(e.veto.vetoed).to.equal(false);
    expect(e.panel.accepted).to.have.length(5);
    expect(e.indicators).to.have.length(13);
    for (const i of e.indicators) {
      expect(i.explanation.length, i.id).to.be.greaterThan(0);
      expect(i.points).to.be.within(0, i.max);
    }
    expect(e.total).to.equal(e.dimensions.reduce((s, d) => s + d.points, 0));
    expect(e.level).to.be.oneOf([1, 2, 3]);
    expect(e.issuable).to.equal(true);
    // 5 sheets: the highest and lowest of each panel indicator are dropped
    const qa = e.indicators.find((i) => i.id === "quality-awareness")!;
    expect(qa.panel!.trimmed).to.equal(true);
    expect(qa.panel!.used).to.deep.equal(qa.panel!.scores.slice(1, 4));
  });

  it("with 3 sheets nothing is trimmed; with 2 the panel is incomplete and not issuable", async () => {
    const three = await makeCase(2, 3, DEFAULT_RULEBOOK);
    const e3 = await run(DEFAULT_RULEBOOK, three.dossier, three.sheets);
    expect(e3.indicators.find((i) => i.method === "panel")!.panel!.trimmed).to.equal(false);
    const e2 = await run(DEFAULT_RULEBOOK, three.dossier, three.sheets.slice(0, 2));
    expect(e2.issuable).to.equal(false);
    expect(e2.blockers.map((b) => b.en).join()).to.contain("3 required");
    // and it has no level, only its reason (rulebook 2026.1)
    expect(e2.level).to.equal(null);
    expect(e2.levelName).to.equal(null);
    expect(e2.levelReasons.map((r) => r.en)).to.deep.equal(["incomplete panel: 2 valid sheets, 3 required: no level"]);
  });

  it("refuses a conflicted, an unsigned and a forged sheet, each with its reason", async () => {
    const c = await makeCase(3, 5, DEFAULT_RULEBOOK);
    // the body registered assessor 0 at the applicant's employer, and the sheet says so
    const register = REGISTER.map((a, i) => (i === 0 ? { ...a, employerUscc: c.dossier.employer.uscc } : a));
    const conflicted = await signSheet({ ...c.unsigned[0]!, assessor: { ...c.unsigned[0]!.assessor, employerUscc: c.dossier.employer.uscc } }, ASSESSORS[0]!.key);
    const { signature: _drop, ...unsigned } = c.sheets[1]!;
    const forged = { ...c.sheets[2]!, signature: (await signSheet(c.unsigned[2]!, ASSESSORS[6]!.key)).signature };
    const e = await run(DEFAULT_RULEBOOK, c.dossier, [conflicted, unsigned, forged, c.sheets[3]!, c.sheets[4]!], register);
    expect(e.panel.accepted.map((a) => a.assessorId).sort()).to.deep.equal([ASSESSORS[3]!.id, ASSESSORS[4]!.id]);
    const reasons = Object.fromEntries(e.panel.refused.map((r) => [r.assessorId, r.reasons.map((m) => m.en).join("; ")]));
    expect(reasons[ASSESSORS[0]!.id]).to.contain("conflict of interest");
    expect(reasons[ASSESSORS[1]!.id]).to.contain("not signed");
    expect(reasons[ASSESSORS[2]!.id]).to.contain("not the assessor's");
    expect(e.issuable).to.equal(false);
  });

  it("a sheet signed for another dossier is refused", async () => {
    const a = await makeCase(4, 5, DEFAULT_RULEBOOK);
    const b = await makeCase(5, 5, DEFAULT_RULEBOOK);
    const e = await run(DEFAULT_RULEBOOK, a.dossier, [...a.sheets.slice(0, 4), b.sheets[4]!]);
    expect(e.panel.refused).to.have.length(1);
    expect(e.panel.refused[0]!.reasons.map((m) => m.en)).to.include("the sheet was written for another dossier");
  });

  it("flags divergent sheets (spread > 30 % of the max) and blocks issuance until re-review", async () => {
    const c = await makeCase(6, 5, DEFAULT_RULEBOOK, undefined, 0);
    const s0 = { ...c.unsigned[0]!, scores: { ...c.unsigned[0]!.scores, strategy: 0 } };
    const s1 = { ...c.unsigned[1]!, scores: { ...c.unsigned[1]!.scores, strategy: 75 } };
    const sheets = [await signSheet(s0, ASSESSORS[0]!.key), await signSheet(s1, ASSESSORS[1]!.key), ...c.sheets.slice(2)];
    const e = await run(DEFAULT_RULEBOOK, c.dossier, sheets);
    expect(e.divergent).to.deep.equal(["strategy"]);
    expect(e.issuable).to.equal(false);
  });

  it("eligibility failures are each reported with a reason, and mean not certified", async () => {
    const c = await makeCase(7, 5, DEFAULT_RULEBOOK, (d) => {
      d.applicant.training = null;
      d.applicant.education = "college";
      d.applicant.qualityYears = 4;
    });
    const e = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
    const failed = e.eligibility.rules.filter((r) => !r.passed).map((r) => r.id);
    expect(failed).to.deep.equal(["education-experience", "training"]);
    expect(e.eligibility.rules.find((r) => r.id === "training")!.reason.zh).to.contain("任职培训证书");
    expect(e.level).to.equal(null);
    expect(e.total).to.be.greaterThan(0); // still scored, for the record
  });

  it("veto (一票否决): a major accident under own responsibility within 3 years means not certified", async () => {
    const c = await makeCase(8, 5, DEFAULT_RULEBOOK, (d) => {
      d.records.accidents = [{ date: "2022-01-15", severity: "major", responsible: true, description: "重大质量事故" }];
    });
    const e = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
    expect(e.veto.items.filter((v) => v.triggered).map((v) => v.id)).to.deep.equal(["major-accident"]);
    expect(e.level).to.equal(null);
    // the same accident 4 years back no longer vetoes
    const old = await makeCase(8, 5, DEFAULT_RULEBOOK, (d) => {
      d.records.accidents = [{ date: "2020-01-15", severity: "major", responsible: true, description: "重大质量事故" }];
    });
    expect((await run(DEFAULT_RULEBOOK, old.dossier, old.sheets)).veto.vetoed).to.equal(false);
  });

  it("levels follow the bands: Level I needs 85.0, 70 % in every dimension and 8 years", async () => {
    const rb = clone(DEFAULT_RULEBOOK) as { levels: { minTotal: number }[] };
    // make the totals no obstacle, so the years condition decides
    [30, 20, 10].forEach((t, i) => (rb.levels[i]!.minTotal = t));
    const junior = await makeCase(9, 5, rb, (d) => (d.applicant.qualityYears = 6));
    const e = await run(rb, junior.dossier, junior.sheets);
    expect(e.level).to.not.equal(1);
    expect(e.levelReasons.map((r) => r.en).join()).to.contain("years in quality management (6) ≥ 8");
  });

  it("panel aggregation keeps integer tenths and rounds half up", () => {
    expect(aggregatePanel([10, 11], 100, 5, 300).points).to.equal(11); // 10.5 → 11
    expect(aggregatePanel([10, 10, 11], 100, 5, 300).points).to.equal(10); // 10.33 → 10
    const a = aggregatePanel([0, 40, 50, 60, 100], 100, 5, 300);
    expect(a.used).to.deep.equal([40, 50, 60]);
    expect(a.points).to.equal(50);
    expect(a.divergent).to.equal(true);
  });

  it("invalid dossiers and sheets come back as errors with paths, never exceptions", async () => {
    const c = await makeCase(10, 5, DEFAULT_RULEBOOK);
    const bad = clone(c.dossier) as unknown as { applicant: { idNumber: string; phone: string }; employer: { uscc: string } };
    bad.applicant.idNumber = bad.applicant.idNumber.slice(0, 17) + (bad.applicant.idNumber.endsWith("1") ? "2" : "1");
    bad.applicant.phone = "12345";
    const sheets = clone(c.sheets) as unknown as Record<string, unknown>[];
    sheets[2]!.signature = "0x1234";
    const r = await evaluate(DEFAULT_RULEBOOK, bad, sheets);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => e.path.join("."));
    expect(paths).to.include.members(["dossier.applicant.idNumber", "dossier.applicant.phone", "sheets.2.signature"]);
    expect(r.errors.find((e) => e.path.join(".") === "dossier.applicant.idNumber")!.message.en).to.contain("GB 11643");
  });

  it("a deployment may bind sheets to a chain: signed and verified under the same custom domain", async () => {
    const c = await makeCase(13, 3, DEFAULT_RULEBOOK);
    const domain = panelSheetDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const sheets = await Promise.all(c.unsigned.map((s, i) => privateKeyToAccount(ASSESSORS[i]!.key).signTypedData(panelSheetTypedData(s, domain)).then((signature) => ({ ...s, signature }))));
    const ctx = { ...c.rb, dossier: c.dossier, dossierHash: c.dossierHash, registered: assessorLookup(REGISTER) };
    expect((await verifySheets({ ...ctx, domain }, sheets)).accepted).to.have.length(3);
    // the same signatures do not verify under the default, chain-free domain
    expect((await verifySheets(ctx, sheets)).accepted).to.have.length(0);
  });

  it("the sheet signer is the assessor's own address", async () => {
    const c = await makeCase(12, 5, DEFAULT_RULEBOOK);
    const e = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
    const expected = ASSESSORS.slice(0, 5).map((a) => privateKeyToAccount(a.key).address).sort();
    expect(e.panel.accepted.map((a) => a.signer).sort()).to.deep.equal(expected);
  });
});
