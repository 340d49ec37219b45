/**
 * Issue #15: every rule a body signs is a rule of the rulebook. rulebook 2026.1 states rounding, date windows,
 * duplicate sheets, incomplete panels and the assessor's employer as data; 2024.1 keeps what the engine did, so
 * its evaluations reproduce (fixtures/legacy-2024.1-evaluations.json was written by the engine before the change).
 */
import { expect } from "chai";
import { keccak256, toBytes } from "viem";
import canonicalize from "canonicalize";
import legacyFixture from "./fixtures/legacy-2024.1-evaluations.json";
import { aggregatePanel, evaluate, parseRulebook, roundQuotient, rulebookHash, sameDayYearsBefore, windowStart, type Evaluation, type Rulebook } from "../../scoring";
import type { Dossier } from "../../scoring/dossier/schema";
import { signSheet, syntheticDossier, type UnsignedSheet } from "../../scoring/synthetic";
import { ASSESSORS, clone, makeCase, REGISTER, RULEBOOK_2024_1, RULEBOOK_2026_1 } from "./helpers";

const V2 = RULEBOOK_2026_1;

/** `register` null: no register given */
async function run(rb: unknown, dossier: unknown, sheets: unknown, register: unknown = REGISTER): Promise<Evaluation> {
  const r = await evaluate(rb, dossier, sheets, register === null ? {} : { assessors: register });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

async function problems(rb: unknown, dossier: unknown, sheets: unknown, register: unknown = REGISTER) {
  const r = await evaluate(rb, dossier, sheets, { assessors: register });
  if (r.ok) throw new Error("expected input errors");
  return r.errors;
}

/** n sheets by the first n assessors, every panel indicator given `scores(indicatorId)` for sheet i */
async function sheetsWith(rbJson: unknown, seed: number, n: number, score: (id: string, i: number) => number, edit?: (d: Dossier) => void) {
  const c = await makeCase(seed, n, rbJson, edit);
  const unsigned: UnsignedSheet[] = c.unsigned.map((s, i) => ({ ...s, scores: Object.fromEntries(Object.keys(s.scores).map((id) => [id, score(id, i)])) }));
  const sheets = await Promise.all(unsigned.map((s, i) => signSheet(s, ASSESSORS[i]!.key)));
  return { ...c, unsigned, sheets };
}

const indicator = (e: Evaluation, id: string) => e.indicators.find((i) => i.id === id)!;

describe("scoring: the rules of a rulebook (issue #15)", () => {
  describe("rulebooks 2024.1 and 2026.1", () => {
    it("2024.1 parses unchanged and hashes as registered; 2026.1 is a cqo-rulebook/2 with reviewMonths 12 and reviewGraceDays 60", () => {
      const old = parseRulebook(RULEBOOK_2024_1);
      if (!old.ok) throw new Error(JSON.stringify(old.errors));
      // the hash registered for 2024.1 before this change
      expect(rulebookHash(old.value)).to.equal("0x0dfbe51d1ffccb2454ebd07107d372ea140f8c48cd002d6db27959acdf360285");
      expect(old.value.validity).to.deep.equal({ years: 3, reviewMonths: 12 });
      const v2 = parseRulebook(V2);
      if (!v2.ok) throw new Error(JSON.stringify(v2.errors));
      expect(v2.value.format).to.equal("cqo-rulebook/2");
      expect(v2.value.version).to.equal("2026.1");
      expect(v2.value.validity).to.deep.equal({ years: 3, reviewMonths: 12, reviewGraceDays: 60 });
      expect(rulebookHash(v2.value)).to.equal(keccak256(toBytes(canonicalize(V2)!)));
    });

    it("a grace period as long as the review interval is refused", () => {
      const rb = clone(V2) as Rulebook;
      rb.validity.reviewGraceDays = 365;
      const r = parseRulebook(rb);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.map((e) => e.path.join("."))).to.deep.equal(["validity.reviewGraceDays"]);
    });

    it("every evaluation recorded under 2024.1 reproduces exactly (rounding, windows, duplicates, incomplete panels as they were)", async () => {
      expect(legacyFixture.cases.length).to.equal(7);
      for (const c of legacyFixture.cases) {
        const e = await run(RULEBOOK_2024_1, c.dossier, c.sheets, null);
        expect(JSON.parse(JSON.stringify(e)), c.name).to.deep.equal(c.evaluation);
        expect(e.rules, "2024.1 states no rules of its own").to.equal(undefined);
      }
    });

    it("a 2026.1 evaluation lists the rules that applied", async () => {
      const c = await makeCase(31, 3, V2);
      const e = await run(V2, c.dossier, c.sheets);
      const text = e.rules!.map((m) => m.en).join("\n");
      for (const phrase of ["GB/T 8170", "29 February → 28 February", "counts once", "no level", "employer the body registered"]) expect(text).to.contain(phrase);
      expect(e.rules!.every((m) => m.zh.length > 0)).to.equal(true);
    });
  });

  describe("1. rounding", () => {
    it("roundQuotient: half-even (GB/T 8170), half-up and down at and around every tie, exactly", () => {
      // 4.25 → 4.2, 4.35 → 4.4, 4.26 → 4.3, 4.24 → 4.2 (tenths of tenths: num / 10)
      expect([425, 435, 426, 424, 420].map((n) => roundQuotient(n, 10, "half-even"))).to.deep.equal([42, 44, 43, 42, 42]);
      expect([425, 435, 426, 424, 420].map((n) => roundQuotient(n, 10, "half-up"))).to.deep.equal([43, 44, 43, 42, 42]);
      expect([425, 435, 429, 420].map((n) => roundQuotient(n, 10, "down"))).to.deep.equal([42, 43, 42, 42]);
      // a third is never a tie: 127 / 3 = 42.33… → 42 by every rule; 128 / 3 = 42.67 → 43 unless rounded down
      expect([roundQuotient(127, 3, "half-even"), roundQuotient(128, 3, "half-even"), roundQuotient(128, 3, "down")]).to.deep.equal([42, 43, 42]);
      expect(() => roundQuotient(-1, 2, "half-even")).to.throw(RangeError);
      expect(() => roundQuotient(1, 0, "half-even")).to.throw(RangeError);
    });

    it("a panel mean of exactly x.x5 rounds to even under 2026.1, and the explanation names GB/T 8170", async () => {
      // quality-awareness: 4.2, 4.2, 4.3, 4.3 → 4.25 → 4.2; risk-safety-awareness: 4.3, 4.3, 4.4, 4.4 → 4.35 → 4.4
      const c = await sheetsWith(V2, 32, 4, (id, i) => (id === "quality-awareness" ? [42, 42, 43, 43][i]! : id === "risk-safety-awareness" ? [43, 43, 44, 44][i]! : 60));
      const e = await run(V2, c.dossier, c.sheets);
      expect(indicator(e, "quality-awareness").points).to.equal(42);
      expect(indicator(e, "risk-safety-awareness").points).to.equal(44);
      const line = indicator(e, "quality-awareness").explanation.at(-1)!;
      expect(line.en).to.equal("mean of 4.2, 4.2, 4.3, 4.3 = 4.25, rounded to 0.1 by GB/T 8170 (round half to even) = 4.2");
      expect(line.zh).to.contain("GB/T 8170").and.contain("四舍六入五成双");
      // aggregatePanel without a rule keeps rulebook/1's half up
      expect(aggregatePanel([42, 42, 43, 43], 50, 5, 300).points).to.equal(43);
      expect(aggregatePanel([42, 42, 43, 43], 50, 5, 300, "half-even").points).to.equal(42);
    });

    it("at a level boundary the declared rule decides: exactly 85.0 by half up is Level I, 84.9 by half even is not", async () => {
      const variant = (panelMean: "half-up" | "half-even", minTotal: number) => {
        const rb = clone(V2) as Rulebook & { format: "cqo-rulebook/2" };
        rb.rounding.panelMean = panelMean;
        rb.levels.forEach((b, i) => {
          b.minTotal = minTotal - i;
          b.minDimensionPermille = 0;
        });
        return rb;
      };
      const score = (id: string, i: number) => (id === "quality-awareness" ? [42, 42, 43, 43][i]! : 40);
      const years = (d: Dossier) => (d.applicant.qualityYears = 10);
      // the total half up, under a rulebook whose bands do not matter yet
      const probe = await sheetsWith(variant("half-up", 300), 33, 4, score, years);
      const total = (await run(variant("half-up", 300), probe.dossier, probe.sheets)).total;
      const up = variant("half-up", total);
      const even = variant("half-even", total);
      const a = await sheetsWith(up, 33, 4, score, years);
      const b = await sheetsWith(even, 33, 4, score, years);
      const eu = await run(up, a.dossier, a.sheets);
      const ee = await run(even, b.dossier, b.sheets);
      expect(eu.panel.accepted).to.have.length(4);
      expect(eu.total).to.equal(total);
      expect(ee.total).to.equal(total - 1);
      expect(eu.level).to.equal(1);
      expect(ee.level).to.equal(2);
    });

    it("scaled exam points round half to even under 2026.1 (85.5 → 8.6, 84.5 → 8.4) and down under 2024.1", async () => {
      for (const [exam, expected] of [[855, 86], [845, 84], [856, 86], [600, 60]] as const) {
        const c = await makeCase(34, 3, V2, (d) => (d.records.examScore = exam));
        const e = await run(V2, c.dossier, c.sheets);
        expect(indicator(e, "law-and-standards").points, `exam ${exam}`).to.equal(expected);
        expect(indicator(e, "law-and-standards").explanation[0]!.en).to.contain("GB/T 8170");
      }
      const old = legacyFixture.cases.find((c) => c.name.startsWith("exam 85.5"))!;
      expect(indicator(old.evaluation as unknown as Evaluation, "law-and-standards").points).to.equal(85);
    });
  });

  describe("2. date windows", () => {
    it("the same day N years earlier, 29 February → 28 February; rulebook/1's start stays 1 March", () => {
      expect(sameDayYearsBefore("2024-02-29", 3)).to.equal("2021-02-28");
      expect(sameDayYearsBefore("2024-02-29", 4)).to.equal("2020-02-29");
      expect(sameDayYearsBefore("2024-03-01", 3)).to.equal("2021-03-01");
      expect(sameDayYearsBefore("2024-01-01", 3)).to.equal("2021-01-01");
      expect(windowStart("2024-02-29", 3, "calendar")).to.equal("2021-02-28");
      expect(windowStart("2024-02-29", 3, "legacy")).to.equal("2021-03-01");
    });

    it("applied on 2024-02-29: a major accident on 2021-02-28 vetoes under 2026.1, one on 2021-02-27 does not", async () => {
      const at = (date: string) => (d: Dossier) => {
        d.submittedOn = "2024-02-29";
        d.records.accidents = [{ date, severity: "major", responsible: true, description: "重大质量事故" }];
      };
      const inside = await makeCase(35, 3, V2, at("2021-02-28"));
      expect((await run(V2, inside.dossier, inside.sheets)).veto.vetoed).to.equal(true);
      const before = await makeCase(35, 3, V2, at("2021-02-27"));
      expect((await run(V2, before.dossier, before.sheets)).veto.vetoed).to.equal(false);
      // on the application date itself: inside (both ends inclusive)
      const same = await makeCase(35, 3, V2, at("2024-02-29"));
      expect((await run(V2, same.dossier, same.sheets)).veto.vetoed).to.equal(true);
      // 2024.1 did not veto the 2021-02-28 accident, and still does not
      const old = legacyFixture.cases.find((c) => c.name.startsWith("application on 29 February"))!;
      expect((old.evaluation as unknown as Evaluation).veto.vetoed).to.equal(false);
    });

    it("the same window counts administrative penalties (one rule for every window)", async () => {
      const c = await makeCase(36, 3, V2, (d) => {
        d.submittedOn = "2024-02-29";
        d.records.integrity.administrativePenalties = [{ date: "2021-02-28", description: "标签不规范" }, { date: "2021-02-27", description: "更早" }];
      });
      const e = await run(V2, c.dossier, c.sheets);
      expect(indicator(e, "compliance-record").points).to.equal(50); // 75 − 25 for the one inside
    });

    it("an event dated after the application date is an input error naming the field (zh and en)", async () => {
      const c = await makeCase(37, 3, V2, (d) => {
        d.records.accidents = [{ date: "2024-05-21", severity: "general", responsible: false, description: "申报后" }];
        d.records.integrity.administrativePenalties = [{ date: "2024-06-01", description: "申报后" }];
        d.applicant.appointment.date = "2024-05-21";
        d.applicant.training!.issuedOn = "2025-01-01";
        d.records.awards = [{ level: "municipal", name: "未来的奖", year: 2025 }];
      });
      expect(c.dossier.submittedOn).to.equal("2024-05-20");
      const errors = await problems(V2, c.dossier, c.sheets);
      expect(errors.map((e) => e.path.join("."))).to.have.members([
        "dossier.applicant.appointment.date",
        "dossier.applicant.training.issuedOn",
        "dossier.records.integrity.administrativePenalties.0.date",
        "dossier.records.accidents.0.date",
        "dossier.records.awards.0.year",
      ]);
      const accident = errors.find((e) => e.path.join(".") === "dossier.records.accidents.0.date")!;
      expect(accident.message.zh).to.contain("晚于申报日期");
      expect(accident.message.en).to.contain("after the application date 2024-05-20");
      // the application date itself is not "after"
      const ok = await makeCase(37, 3, V2, (d) => (d.records.accidents = [{ date: "2024-05-20", severity: "general", responsible: false, description: "当天" }]));
      expect((await evaluate(V2, ok.dossier, ok.sheets, { assessors: REGISTER })).ok).to.equal(true);
    });
  });

  describe("3. duplicate sheets", () => {
    it("an identical signed sheet handed in twice counts once: same panel, same result, the copy on record", async () => {
      const c = await makeCase(38, 3, V2);
      const once = await run(V2, c.dossier, c.sheets);
      const twice = await run(V2, c.dossier, [c.sheets[0]!, ...c.sheets, c.sheets[0]!]);
      expect(twice.panel.accepted).to.deep.equal(once.panel.accepted);
      expect(twice.panel.commitment).to.equal(once.panel.commitment);
      expect(twice.panel.refused).to.deep.equal([]);
      expect(twice.panel.identical).to.have.length(1);
      expect(twice.panel.identical![0]).to.include({ assessorId: ASSESSORS[0]!.id, copies: 3 });
      expect(twice.level).to.equal(once.level);
      expect(twice.issuable).to.equal(once.issuable).and.equal(true);
      expect(once.panel.identical).to.deep.equal([]);
    });

    it("two different sheets from one assessor in one round are both refused, with a clear reason", async () => {
      const c = await makeCase(39, 4, V2);
      const changed = await signSheet({ ...c.unsigned[0]!, comments: "改了主意" }, ASSESSORS[0]!.key);
      const e = await run(V2, c.dossier, [...c.sheets, changed]);
      expect(e.panel.accepted.map((a) => a.assessorId).sort()).to.deep.equal(ASSESSORS.slice(1, 4).map((a) => a.id));
      const refused = e.panel.refused.filter((r) => r.assessorId === ASSESSORS[0]!.id);
      expect(refused).to.have.length(2);
      for (const r of refused) {
        expect(r.reasons.map((m) => m.en)).to.deep.equal(["the same assessor handed in two different sheets in this round: both refused"]);
        expect(r.reasons[0]!.zh).to.contain("两份不同的评分表");
      }
    });

    it("a forged copy under an assessor's name is refused alone and does not knock out the assessor's real sheet", async () => {
      const c = await makeCase(40, 3, V2);
      const forged = { ...c.sheets[0]!, signature: (await signSheet({ ...c.unsigned[0]!, comments: "伪造" }, ASSESSORS[6]!.key)).signature };
      const e = await run(V2, c.dossier, [...c.sheets, forged]);
      expect(e.panel.accepted).to.have.length(3);
      expect(e.panel.refused).to.have.length(1);
      expect(e.panel.refused[0]!.reasons.map((m) => m.en)).to.deep.equal(["the signature is not the assessor's"]);
    });

    it("under 2024.1 the same sheet twice still refuses both copies (as recorded)", () => {
      const old = legacyFixture.cases.find((c) => c.name.startsWith("the same sheet twice"))!.evaluation as unknown as Evaluation;
      expect(old.panel.accepted).to.have.length(2);
      expect(old.panel.refused).to.have.length(2);
    });
  });

  describe("4. no level without a valid panel", () => {
    it("with 2 accepted sheets of top marks there is no level, only the reason, even where the points reach Level I", async () => {
      const top = await sheetsWith(V2, 41, 3, (id) => (id.endsWith("awareness") ? 50 : 75), (d) => {
        d.applicant.qualityYears = 12;
        d.records.examScore = 1000;
        d.records.qualityProjects = 6;
        d.records.awards = [{ level: "national", name: "质量奖", year: 2020 }, { level: "national", name: "质量奖", year: 2021 }];
      });
      const full = await run(V2, top.dossier, top.sheets);
      expect(full.level).to.equal(1);
      const two = await run(V2, top.dossier, top.sheets.slice(0, 2));
      expect(two.level).to.equal(null);
      expect(two.levelName).to.equal(null);
      expect(two.issuable).to.equal(false);
      expect(two.levelReasons).to.deep.equal([{ zh: "评审组不完整：有效评分表 2 份，少于要求的 3 份，不予定级", en: "incomplete panel: 2 valid sheets, 3 required: no level" }]);
      expect(two.blockers.map((b) => b.en)).to.deep.equal(["2 valid sheets, 3 required"]);
      const none = await run(V2, top.dossier, []);
      expect(none.level).to.equal(null);
      expect(none.levelReasons[0]!.en).to.contain("0 valid sheets");
      // 2024.1 gave a level with 2 sheets, and its record keeps it
      const old = legacyFixture.cases.find((c) => c.name.startsWith("2 sheets"))!.evaluation as unknown as Evaluation;
      expect(old.level).to.equal(3);
      expect(old.issuable).to.equal(false);
    });

    it("an ineligible applicant with an incomplete panel gets both reasons", async () => {
      const c = await makeCase(42, 2, V2, (d) => (d.applicant.training = null));
      const e = await run(V2, c.dossier, c.sheets);
      expect(e.level).to.equal(null);
      expect(e.levelReasons.map((r) => r.en)).to.deep.equal(["not eligible: not certified", "incomplete panel: 2 valid sheets, 3 required: no level"]);
    });
  });

  describe("5. one meaning each", () => {
    it("the integrity pledge is an eligibility condition only: no indicator of 2026.1 scores it", async () => {
      const rb = parseRulebook(V2);
      if (!rb.ok) throw new Error("fixture");
      const text = JSON.stringify(rb.value.dimensions);
      expect(text).to.not.contain("integrityPledgeSigned");
      expect(rb.value.eligibility.map((r) => r.id)).to.include("integrity-declaration");
      const integrity = rb.value.dimensions.find((d) => d.id === "integrity")!;
      expect(integrity.max).to.equal(150);
      expect(integrity.indicators.map((i) => [i.id, i.max])).to.deep.equal([["credit-record", 75], ["compliance-record", 75]]);
      const c = await makeCase(43, 3, V2, (d) => (d.records.integrity.pledgeSigned = false));
      const e = await run(V2, c.dossier, c.sheets);
      expect(e.eligibility.rules.find((r) => r.id === "integrity-declaration")!.passed).to.equal(false);
      expect(e.level).to.equal(null);
    });

    it("Level I's 8 years are years in quality management, and the rulebook says so", () => {
      const rb = parseRulebook(V2);
      if (!rb.ok || rb.value.format !== "cqo-rulebook/2") throw new Error("fixture");
      expect(rb.value.levels[0]!.conditions).to.deep.equal([{ fact: "qualityYears", op: ">=", value: 8 }]);
      expect(rb.value.facts.qualityYears!.en).to.contain("Level I's \"8 years of experience\" means this");
      expect(rb.value.facts.qualityYears!.zh).to.contain("8 年经验");
    });

    it("a rulebook/2 must state the meaning of every fact it uses, and of no other", () => {
      const rb = clone(V2) as Rulebook & { format: "cqo-rulebook/2" };
      delete rb.facts.qualityYears;
      rb.facts.shoeSize = { zh: "鞋码", en: "shoe size" };
      rb.facts.employerSizeRank = { zh: "企业规模", en: "employer size" };
      const r = parseRulebook(rb);
      expect(r.ok).to.equal(false);
      if (r.ok) return;
      expect(r.errors.map((e) => e.path.join("."))).to.have.members(["facts", "facts.shoeSize", "facts.employerSizeRank"]);
      expect(r.errors.find((e) => e.path.join(".") === "facts")!.message.en).to.contain('"qualityYears"');
    });

    it("training hours: the total includes the appointment training, so a smaller total is an input error", async () => {
      const c = await makeCase(44, 3, V2, (d) => {
        d.applicant.training!.hours = 40;
        d.records.trainingHours = 39;
      });
      const errors = await problems(V2, c.dossier, c.sheets);
      expect(errors.map((e) => e.path.join("."))).to.deep.equal(["dossier.records.trainingHours"]);
      expect(errors[0]!.message.zh).to.contain("任职培训学时");
      const equal = await makeCase(44, 3, V2, (d) => {
        d.applicant.training!.hours = 40;
        d.records.trainingHours = 40;
      });
      expect((await evaluate(V2, equal.dossier, equal.sheets, { assessors: REGISTER })).ok).to.equal(true);
      // synthetic dossiers (cqo sample) never fill the two independently
      for (let seed = 1; seed <= 300; seed++) {
        const d = syntheticDossier(seed);
        expect(d.records.trainingHours, `seed ${seed}`).to.be.at.least(d.applicant.training!.hours);
      }
    });
  });

  describe("6. conflict of interest on the registered employer", () => {
    it("a sheet declaring an employer other than the registered one is refused", async () => {
      const c = await makeCase(45, 4, V2);
      const elsewhere = await signSheet({ ...c.unsigned[0]!, assessor: { ...c.unsigned[0]!.assessor, employerUscc: ASSESSORS[5]!.employerUscc } }, ASSESSORS[0]!.key);
      const e = await run(V2, c.dossier, [elsewhere, ...c.sheets.slice(1)]);
      expect(e.panel.accepted).to.have.length(3);
      expect(e.panel.refused[0]!.reasons.map((m) => m.en)).to.deep.equal(["the sheet declares an employer other than the one the body registered"]);
    });

    it("an assessor registered at the applicant's employer is refused even when the sheet declares another employer", async () => {
      const c = await makeCase(46, 4, V2);
      const register = REGISTER.map((a, i) => (i === 1 ? { ...a, employerUscc: c.dossier.employer.uscc } : a));
      const e = await run(V2, c.dossier, c.sheets, register);
      const reasons = e.panel.refused.find((r) => r.assessorId === ASSESSORS[1]!.id)!.reasons.map((m) => m.en);
      expect(reasons).to.include("conflict of interest: the assessor works for the applicant's employer");
      expect(reasons).to.include("the sheet declares an employer other than the one the body registered");
      // under 2024.1 the same sheets pass: it only read the sheet
      const old = await makeCase(46, 4, RULEBOOK_2024_1);
      expect((await run(RULEBOOK_2024_1, old.dossier, old.sheets, register)).panel.accepted).to.have.length(4);
    });

    it("without the body's register, or for an unregistered assessor, no sheet can be checked and none counts", async () => {
      const c = await makeCase(47, 3, V2);
      const none = await run(V2, c.dossier, c.sheets, null);
      expect(none.panel.accepted).to.have.length(0);
      expect(none.panel.refused[0]!.reasons.map((m) => m.en)).to.deep.equal(["the assessor is not in the body's register: their employer cannot be checked"]);
      expect(none.level).to.equal(null);
      const partial = await run(V2, c.dossier, c.sheets, REGISTER.slice(1));
      expect(partial.panel.accepted.map((a) => a.assessorId).sort()).to.deep.equal([ASSESSORS[1]!.id, ASSESSORS[2]!.id]);
    });

    it("a malformed register is an input error with its path", async () => {
      const c = await makeCase(48, 3, V2);
      const errors = await problems(V2, c.dossier, c.sheets, [{ ...REGISTER[0]!, employerUscc: "not-a-code" }]);
      expect(errors.map((e) => e.path.join("."))).to.deep.equal(["assessors.0.employerUscc"]);
    });
  });
});
