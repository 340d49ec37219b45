import { expect } from "chai";
import canonicalize from "canonicalize";
import { keccak256, toBytes } from "viem";
import { evaluate, formatPath, parseRulebook, rulebookHash, type Rulebook } from "../../scoring";
import { clone, DEFAULT_RULEBOOK, makeCase, prng, SIX_DIMENSION_RULEBOOK, shuffleKeys } from "./helpers";

describe("scoring: rulebooks as data", () => {
  it("the default rulebook parses and its hash is keccak256 of its RFC 8785 canonical JSON", () => {
    const r = parseRulebook(DEFAULT_RULEBOOK);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.dimensions.map((d) => d.id)).to.deep.equal(["awareness", "integrity", "knowledge", "ability", "performance"]);
    expect(r.value.dimensions.reduce((s, d) => s + d.max, 0)).to.equal(1000);
    const expected = keccak256(toBytes(canonicalize(DEFAULT_RULEBOOK)!));
    expect(rulebookHash(r.value)).to.equal(expected);
  });

  it("key order and whitespace do not change the hash; a changed number does", () => {
    const a = parseRulebook(DEFAULT_RULEBOOK);
    const b = parseRulebook(JSON.parse(JSON.stringify(shuffleKeys(DEFAULT_RULEBOOK, prng(7)), null, 4)));
    if (!a.ok || !b.ok) throw new Error("fixture");
    expect(rulebookHash(b.value)).to.equal(rulebookHash(a.value));
    const changed = clone(a.value);
    changed.levels[0]!.minTotal = 851;
    expect(rulebookHash(changed)).to.not.equal(rulebookHash(a.value));
  });

  it("a six-dimension rulebook (with 沟通 communication) evaluates with no code change", async () => {
    const c = await makeCase(11, 5, SIX_DIMENSION_RULEBOOK);
    const r = await evaluate(SIX_DIMENSION_RULEBOOK, c.dossier, c.sheets);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.dimensions.map((d) => d.id)).to.include("communication");
    expect(r.value.dimensions).to.have.length(6);
    expect(r.value.rulebook.id).to.equal("yrd-cqo-six-dimension");
    expect(r.value.indicators.find((i) => i.id === "external-communication")!.panel!.scores).to.have.length(5);
  });

  it("an inconsistent rulebook is rejected with every problem listed", () => {
    const bad = clone(DEFAULT_RULEBOOK) as Rulebook;
    bad.dimensions[0]!.max = 120; // indicators sum to 100
    bad.levels[1]!.minTotal = 850; // same as level 1: overlapping bands
    bad.levels[0]!.minIndicators = [{ indicator: "no-such-indicator", min: 10 }];
    bad.eligibility[1]!.condition = { fact: "shoeSize", op: ">=", value: 40 };
    const perf = bad.dimensions[4]!.indicators[0]!;
    if (perf.scoring.method !== "rules") throw new Error("fixture");
    perf.scoring.rules.push({ kind: "each", fact: "unknownFact", points: 1, label: { zh: "x", en: "x" } });
    const r = parseRulebook(bad);
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => formatPath(e.path));
    expect(paths).to.have.members([
      "dimensions[0].max",
      "levels[1].minTotal",
      "levels[0].minIndicators[0].indicator",
      "eligibility[1].condition.fact",
      "dimensions[4].indicators[0].scoring.rules[1].fact",
    ]);
    for (const e of r.errors) {
      expect(e.message.zh).to.be.a("string").and.not.empty;
      expect(e.message.en).to.be.a("string").and.not.empty;
    }
  });

  it("shape errors come back as paths with zh/en messages, not exceptions", () => {
    for (const input of [null, 42, "rulebook", [], { format: "cqo-rulebook/1" }]) {
      const r = parseRulebook(input);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.length).to.be.greaterThan(0);
    }
  });
});
