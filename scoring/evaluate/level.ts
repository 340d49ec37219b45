import type { Message } from "../errors";
import type { Rulebook } from "../rulebook/schema";
import { holds } from "./conditions";
import { describeCondition, pct, pts } from "./format";

export interface LevelInput {
  total: number;
  dimensions: { id: string; name: Message; max: number; points: number }[];
  indicatorPoints: ReadonlyMap<string, number>;
  facts: Record<string, number>;
}

/**
 * The strictest band whose every requirement holds. All requirements are lower bounds on points, so raising
 * any indicator can only keep or improve the level (a property test checks it).
 */
export function assignLevel(rb: Rulebook, input: LevelInput): { level: number | null; name: Message | null; reasons: Message[] } {
  const reasons: Message[] = [];
  const bands = [...rb.levels].sort((a, b) => a.level - b.level);
  for (const band of bands) {
    const misses: Message[] = [];
    if (input.total < band.minTotal) misses.push({ zh: `总分 ${pts(input.total)} 低于 ${pts(band.minTotal)}`, en: `total ${pts(input.total)} is below ${pts(band.minTotal)}` });
    for (const d of input.dimensions) {
      if (d.points * 1000 < band.minDimensionPermille * d.max) {
        misses.push({ zh: `维度「${d.name.zh}」${pts(d.points)} 未达满分的 ${pct(band.minDimensionPermille)}`, en: `dimension ${d.name.en} ${pts(d.points)} is below ${pct(band.minDimensionPermille)} of its max` });
      }
    }
    for (const m of band.minIndicators) {
      const p = input.indicatorPoints.get(m.indicator) ?? 0;
      if (p < m.min) misses.push({ zh: `指标 ${m.indicator} ${pts(p)} 低于 ${pts(m.min)}`, en: `indicator ${m.indicator} ${pts(p)} is below ${pts(m.min)}` });
    }
    for (const c of band.conditions) {
      if (!holds(c, input.facts)) {
        const d = describeCondition(c, input.facts);
        misses.push({ zh: `未满足：${d.zh}`, en: `not met: ${d.en}` });
      }
    }
    if (misses.length === 0) {
      reasons.push({ zh: `满足${band.name.zh}的全部要求`, en: `meets every requirement of ${band.name.en}` });
      return { level: band.level, name: band.name, reasons };
    }
    for (const m of misses) reasons.push({ zh: `非${band.name.zh}：${m.zh}`, en: `not ${band.name.en}: ${m.en}` });
  }
  return { level: null, name: null, reasons };
}
