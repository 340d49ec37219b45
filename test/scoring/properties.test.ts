import { expect } from "chai";
import fc from "fast-check";
import { aggregatePanel, assignLevel, evaluate, parseDossier, parseRulebook, parseSheets, roundQuotient, type Evaluation } from "../../scoring";
import { deriveFacts } from "../../scoring/dossier/facts";
import { syntheticDossier } from "../../scoring/synthetic";
import { clone, makeCase, prepared, prng, REGISTER, RULEBOOK_2024_1, RULEBOOK_2026_1, shuffleKeys } from "./helpers";

async function run(rb: unknown, d: unknown, s: unknown): Promise<Evaluation> {
  const r = await evaluate(rb, d, s, { assessors: REGISTER });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

// every property holds for the old rulebook (its rules as they were) and for the new default
for (const [version, DEFAULT_RULEBOOK] of [["2024.1", RULEBOOK_2024_1], ["2026.1", RULEBOOK_2026_1]] as const) describe(`scoring: properties (fast-check), hn-cqo-default ${version}`, () => {
  it("the total is the sum of its dimensions, and each dimension the sum of its indicators", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 3, max: 7 }), async (seed, n) => {
        const c = await makeCase(seed, n, DEFAULT_RULEBOOK);
        const e = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
        expect(e.total).to.equal(e.dimensions.reduce((s, d) => s + d.points, 0));
        for (const d of e.dimensions) {
          expect(d.points).to.equal(e.indicators.filter((i) => i.dimension === d.id).reduce((s, i) => s + i.points, 0));
        }
      }),
      { numRuns: 15 },
    );
  });

  it("raising any one indicator never lowers the level", () => {
    const rb = prepared(DEFAULT_RULEBOOK).rulebook;
    const indicators = rb.dimensions.flatMap((d) => d.indicators.map((i) => ({ dim: d, ind: i })));
    const levelOf = (points: number[], facts: Record<string, number>) => {
      const map = new Map(indicators.map((x, k) => [x.ind.id, points[k]!]));
      const dimensions = rb.dimensions.map((d) => ({ id: d.id, name: d.name, max: d.max, points: d.indicators.reduce((s, i) => s + map.get(i.id)!, 0) }));
      const total = dimensions.reduce((s, d) => s + d.points, 0);
      return assignLevel(rb, { total, dimensions, indicatorPoints: map, facts }).level ?? 99;
    };
    fc.assert(
      fc.property(
        fc.tuple(...indicators.map((x) => fc.integer({ min: 0, max: x.ind.max }))),
        fc.nat({ max: indicators.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 10_000 }),
        (points, k, bump, seed) => {
          const facts = deriveFacts(syntheticDossier(seed));
          const raised = [...points];
          raised[k] = Math.min(indicators[k]!.ind.max, raised[k]! + 1 + (bump % indicators[k]!.ind.max));
          // a smaller number is a higher level; 99 stands for not certified
          expect(levelOf(raised, facts)).to.be.at.most(levelOf(points, facts));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reordering sheets or the keys of any JSON object changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer(), async (seed, shuffleSeed) => {
        const c = await makeCase(seed, 5, DEFAULT_RULEBOOK);
        const base = await run(DEFAULT_RULEBOOK, c.dossier, c.sheets);
        const r = prng(shuffleSeed);
        const sheets = shuffleKeys(c.sheets, r) as unknown[];
        for (let i = sheets.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [sheets[i], sheets[j]] = [sheets[j], sheets[i]];
        }
        const other = await run(shuffleKeys(DEFAULT_RULEBOOK, r), shuffleKeys(c.dossier, r), sheets);
        expect(JSON.stringify(other)).to.equal(JSON.stringify(base));
      }),
      { numRuns: 12 },
    );
  });

});

describe("scoring: properties (fast-check), rulebook-independent", () => {
  it("rounding an exact fraction: within half a step (a whole step rounding down), ties to even by GB/T 8170, never by floating point", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 12 }), (num, den) => {
        const n = BigInt(num);
        const d = BigInt(den);
        const q = n / d;
        const r = n % d;
        const down = roundQuotient(num, den, "down");
        const up = roundQuotient(num, den, "half-up");
        const even = roundQuotient(num, den, "half-even");
        expect(BigInt(down)).to.equal(q);
        expect(BigInt(up)).to.equal(2n * r >= d && r !== 0n ? q + 1n : q);
        const tie = 2n * r === d;
        expect(BigInt(even)).to.equal(tie ? (q % 2n === 0n ? q : q + 1n) : 2n * r > d ? q + 1n : q);
        if (tie) expect(even % 2).to.equal(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("2026.1: handing in identical copies of sheets, in any order, changes nothing but the record of copies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 6 }), fc.integer(), async (seed, extra, shuffleSeed) => {
        const c = await makeCase(seed, 5, RULEBOOK_2026_1);
        const base = await run(RULEBOOK_2026_1, c.dossier, c.sheets);
        const sheets: unknown[] = [...c.sheets, ...extra.map((i) => c.sheets[i]!)];
        const r = prng(shuffleSeed);
        for (let i = sheets.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [sheets[i], sheets[j]] = [sheets[j], sheets[i]];
        }
        const other = await run(RULEBOOK_2026_1, c.dossier, sheets);
        const copies = new Map<number, number>();
        for (const i of extra) copies.set(i, (copies.get(i) ?? 1) + 1);
        expect(other.panel.identical!.map((x) => x.copies).sort()).to.deep.equal([...copies.values()].sort());
        expect({ ...other, panel: { ...other.panel, identical: [] } }).to.deep.equal(base);
      }),
      { numRuns: 10 },
    );
  });

  it("the (trimmed) mean stays within the min and max of the sheets", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 3, max: 7 }), fc.constantFrom("half-even", "half-up", "down" as const), (scores, trimFrom, rounding) => {
        const a = aggregatePanel(scores, 1000, trimFrom, 300, rounding);
        expect(a.points).to.be.within(Math.min(...scores), Math.max(...scores));
        expect(a.points).to.be.within(Math.min(...a.used), Math.max(...a.used));
        expect(Number.isInteger(a.points)).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });

  it("every invalid input yields errors, never a crash", async () => {
    const valid = syntheticDossier(1);
    // arbitrary JSON anywhere
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), async (a, b, c) => {
        const r = await evaluate(a, b, c);
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(r.errors.length).to.be.greaterThan(0);
      }),
      { numRuns: 100 },
    );
    // a valid dossier with one field replaced by arbitrary JSON
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
      else paths.push(p);
    };
    walk(valid, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), fc.constant(undefined)), (path, replacement) => {
        const d = clone(valid) as unknown as Record<string, unknown>;
        let o = d;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[path[path.length - 1]!] = replacement;
        const r = parseDossier(d);
        // either still valid (the replacement happened to fit) or a list of errors with paths
        if (!r.ok) {
          expect(r.errors.length).to.be.greaterThan(0);
          for (const e of r.errors) expect(e.message.zh.length * e.message.en.length).to.be.greaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.jsonValue(), (x) => { expect(parseRulebook(x).ok).to.equal(false); }), { numRuns: 100 });
    fc.assert(fc.property(fc.array(fc.jsonValue(), { minLength: 1 }), (x) => { expect(parseSheets(x).ok).to.equal(false); }), { numRuns: 100 });
  });
});
