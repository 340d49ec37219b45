/**
 * 抽查所得的得分分布 (app/src/association/dimensionStats.ts): the score distributions by dimension from verified audit
 * answers, and the rule that flags a body's mean for a further audit. Pure, no browser.
 */
import { expect } from "chai";
import { keccak256, toHex } from "viem";
import { checkAuditAnswer } from "../../app/src/association/auditCheck";
import { binOf, MIN_VERIFIED, scoreFlags, scoresByBody, summarise, TOTAL, verifiedScoresOf, type VerifiedScores } from "../../app/src/association/dimensionStats";
import { buildTree, disclose, valueHash, type Credential } from "../../scoring";

const DIMENSIONS = [
  { id: "awareness", max: 100 },
  { id: "integrity", max: 150 },
  { id: "knowledge", max: 200 },
  { id: "ability", max: 300 },
  { id: "performance", max: 250 },
];

/** a certificate's verified scores, the dimensions given as shares of their max */
const scores = (tokenId: number, bodyId: number, shares: number[], totalPoints?: number): VerifiedScores => {
  const dimensions = Object.fromEntries(DIMENSIONS.map((d, i) => [d.id, { points: Math.round(d.max * shares[i % shares.length]!), max: d.max }]));
  const sum = Object.values(dimensions).reduce((a, d) => a + d.points, 0);
  return { tokenId: String(tokenId), bodyId, total: { points: totalPoints ?? sum, max: 1000 }, dimensions, names: {} };
};

describe("app · score distributions from verified audit answers (dimensionStats.ts)", () => {
  it("summarises a metric: n, mean, min, median, max, the mean share and the bins of 10 % of the max", () => {
    const s = summarise("ability", [300, 0, 150, 29, 30, 240].map((points) => ({ points, max: 300 })));
    expect(s.n).to.equal(6);
    expect(s.mean).to.be.closeTo((300 + 0 + 150 + 29 + 30 + 240) / 6, 1e-9);
    expect([s.min, s.median, s.max]).to.deep.equal([0, (30 + 150) / 2, 300]);
    expect(s.scaleMax).to.equal(300);
    expect(s.meanShare).to.be.closeTo(749 / 6 / 300, 1e-12);
    // 0 and 29 (9.7 %) in the first bin, 30 (10 %) in the second, 150 in the sixth, 240 (80 %) the ninth, the max the last
    expect(s.bins).to.deep.equal([2, 1, 0, 0, 0, 1, 0, 0, 1, 1]);
    expect(s.bins.reduce((a, b) => a + b, 0)).to.equal(6);
    expect([binOf(0), binOf(0.0999), binOf(0.1), binOf(0.95), binOf(1)]).to.deep.equal([0, 0, 1, 9, 9]);
    expect(summarise("x", [{ points: 5, max: 10 }, { points: 7, max: 10 }, { points: 6, max: 10 }]).median).to.equal(6);
  });

  it("compares answers of different rulebooks by share of the max, with no single scale", () => {
    const s = summarise("ability", [
      { points: 150, max: 300 },
      { points: 225, max: 225 },
    ]);
    expect(s.scaleMax).to.equal(null);
    expect(s.meanShare).to.be.closeTo(0.75, 1e-12);
    expect(s.bins[5]).to.equal(1);
    expect(s.bins[9]).to.equal(1);
  });

  it("groups by body, counts a certificate once, keeps the total first and the dimensions in rulebook order", () => {
    const a1 = scores(11, 1, [0.5]);
    const a2 = scores(12, 1, [0.7]);
    const b1 = scores(21, 2, [0.9]);
    const bodies = scoresByBody([b1, a1, a2, { ...a2 }]);
    expect(bodies.map((b) => [b.bodyId, b.n])).to.deep.equal([
      [1, 2],
      [2, 1],
    ]);
    expect(bodies[0]!.metrics.map((m) => m.metric)).to.deep.equal([TOTAL, ...DIMENSIONS.map((d) => d.id)]);
    const ability = bodies[0]!.metrics.find((m) => m.metric === "ability")!;
    expect(ability.mean).to.equal((150 + 210) / 2);
    expect(ability.n).to.equal(2);
    const total = bodies[0]!.metrics.find((m) => m.metric === TOTAL)!;
    expect(total.mean).to.equal((a1.total!.points + a2.total!.points) / 2);
  });

  const body = (bodyId: number, shares: number[]) => shares.map((s, i) => scores(bodyId * 100 + i, bodyId, [s]));

  it("flags the body whose mean share stands more than max(2 SDs, 15 % of the max) from the others', and only it", () => {
    const verified = [...body(1, [0.6, 0.62, 0.58]), ...body(2, [0.55, 0.6, 0.65]), ...body(3, [0.6, 0.61, 0.59]), ...body(4, [0.95, 0.96, 0.97])];
    const flags = scoreFlags(scoresByBody(verified));
    expect([...new Set(flags.map((f) => f.bodyId))]).to.deep.equal([4]);
    const ability = flags.find((f) => f.metric === "ability")!;
    expect(ability.value).to.be.closeTo(0.96, 0.005);
    expect(ability.othersMean).to.be.closeTo(0.6, 0.005);
    expect(ability.threshold).to.be.closeTo(0.15, 1e-9);
    // every metric of body 4 is flagged: the total and the five dimensions
    expect(flags.map((f) => f.metric).sort()).to.deep.equal([TOTAL, ...DIMENSIONS.map((d) => d.id)].sort());
    // without it nobody stands out
    expect(scoreFlags(scoresByBody(verified.filter((v) => v.bodyId !== 4)))).to.deep.equal([]);
  });

  it("does not flag a gap within 15 % of the max, however alike the others; widely spread others widen the gap", () => {
    const alike = [...body(1, [0.6, 0.6, 0.6]), ...body(2, [0.6, 0.6, 0.6]), ...body(3, [0.6, 0.6, 0.6])];
    expect(scoreFlags(scoresByBody([...alike, ...body(4, [0.72, 0.72, 0.72])]))).to.deep.equal([]);
    expect(scoreFlags(scoresByBody([...alike, ...body(4, [0.8, 0.8, 0.8])])).filter((f) => f.metric === "ability").map((f) => f.bodyId)).to.deep.equal([4]);
    // others at 0.2, 0.5, 0.8: SD 0.3, so the gap is 0.6; 0.95 is 0.45 from their mean: body 4 not flagged
    const spread = [...body(1, [0.2, 0.2, 0.2]), ...body(2, [0.5, 0.5, 0.5]), ...body(3, [0.8, 0.8, 0.8])];
    const withFourth = scoreFlags(scoresByBody([...spread, ...body(4, [0.95, 0.95, 0.95])])).filter((f) => f.metric === "ability");
    expect(withFourth.map((f) => f.bodyId)).to.not.include(4);
  });

  it(`compares only bodies with at least ${MIN_VERIFIED} verified answers, and needs two others`, () => {
    const three = [...body(1, [0.6, 0.6, 0.6]), ...body(2, [0.6, 0.6, 0.6])];
    // a body with two answers, far off: not compared; and two bodies only are not enough to compare either
    expect(scoreFlags(scoresByBody([...three, ...body(3, [1, 1])]))).to.deep.equal([]);
    expect(scoreFlags(scoresByBody([...three, ...body(3, [1, 1, 1])])).map((f) => f.bodyId)).to.include(3);
    expect(scoreFlags(scoresByBody([...body(1, [0.6, 0.6, 0.6]), ...body(3, [1, 1, 1])]))).to.deep.equal([]);
  });

  describe("from a checked answer (auditCheck.ts → verifiedScoresOf)", () => {
    const fields = [
      { name: "level", value: 2 },
      { name: "total", value: 801 },
      { name: "dimension.awareness", value: 80 },
      { name: "dimension.ability", value: 240 },
      { name: "rulebook", value: `0x${"a".repeat(64)}` },
      { name: "dossier", value: `0x${"b".repeat(64)}` },
    ];
    const salted = fields.map((f, i) => ({ ...f, salt: keccak256(toHex(`salt-${i}`)), valueHash: valueHash(f.value) }));
    const tree = buildTree(salted.map((f) => [f.name, f.salt, f.valueHash]));
    const credential: Credential = {
      format: "cqo-credential/2",
      root: tree.root,
      leafEncoding: ["string", "bytes32", "bytes32"],
      fields: salted.map((f, i) => ({ name: f.name, value: f.value, salt: f.salt, valueHash: f.valueHash, proof: tree.proofs[i]! })),
      tree: tree.dump,
    };
    const d = disclose(credential, fields.map((f) => f.name));
    if (!d.ok) throw new Error("disclose");
    const evaluation = {
      level: 2,
      total: 801,
      totalMax: 1000,
      dossier: { hash: `0x${"b".repeat(64)}` },
      rulebook: { hash: `0x${"a".repeat(64)}` },
      dimensions: [
        { id: "awareness", name: { zh: "意识", en: "Awareness" }, points: 80, max: 100 },
        { id: "ability", name: { zh: "能力", en: "Ability" }, points: 240, max: 300 },
      ],
    };
    const answer = { tokenId: "7", dossierId: "D-7", root: tree.root, disclosure: d.value, evaluation };

    it("takes the verified points, the rulebook's maxima and the names of a consistent answer", () => {
      const v = verifiedScoresOf("7", 1, checkAuditAnswer(answer, tree.root, 2));
      expect(v).to.deep.equal({
        tokenId: "7",
        bodyId: 1,
        total: { points: 801, max: 1000 },
        dimensions: { awareness: { points: 80, max: 100 }, ability: { points: 240, max: 300 } },
        names: { awareness: { zh: "意识", en: "Awareness" }, ability: { zh: "能力", en: "Ability" } },
      });
    });

    it("counts nothing of an inconsistent answer", () => {
      expect(verifiedScoresOf("7", 1, checkAuditAnswer(answer, keccak256(toHex("another root")), 2))).to.equal(null);
      const other = { ...answer, evaluation: { ...evaluation, total: 900 } };
      expect(verifiedScoresOf("7", 1, checkAuditAnswer(other, tree.root, 2))).to.equal(null);
    });
  });
});
