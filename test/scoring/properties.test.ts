import { expect } from "chai";
import fc from "fast-check";
import { aggregatePanel, assignLevel, evaluate, parseDossier, parseRulebook, parseSheets, type Evaluation } from "../../scoring";
import { deriveFacts } from "../../scoring/dossier/facts";
import { syntheticDossier } from "../../scoring/synthetic";
import { clone, DEFAULT_RULEBOOK, makeCase, prepared, prng, shuffleKeys } from "./helpers";

async function run(rb: unknown, d: unknown, s: unknown): Promise<Evaluation> {
  const r = await evaluate(rb, d, s);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe("scoring: properties (fast-check)", () => {
  it("the total is the sum of its dimensions, and each dimension the sum of its indicators", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 3, max: 7 }), async (seed, n) => {
        const c = await makeCase(seed, n);
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
    const rb = prepared().rulebook;
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
        const c = await makeCase(seed, 5);
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

  it("the (trimmed) mean stays within the min and max of the sheets", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 3, max: 7 }), (scores, trimFrom) => {
        const a = aggregatePanel(scores, 1000, trimFrom, 300);
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
