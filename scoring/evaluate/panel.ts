/** 专家评审 aggregation: integer tenths in, integer tenths out. */
import type { RoundingRule } from "../rulebook/schema";
import { roundQuotient } from "./rounding";

export interface PanelAggregate {
  /** all sheet scores, ascending */
  scores: number[];
  /** the scores averaged (trimmed when enough sheets) */
  used: number[];
  trimmed: boolean;
  points: number;
  /** the exact mean is sum / count tenths (count 0: no sheet) */
  sum: number;
  count: number;
  rounding: RoundingRule;
  spread: number;
  divergent: boolean;
}

/**
 * Mean rounded half up, computed as floor((2·sum + n) / (2n)) so it is exact integer arithmetic; the
 * result always lies between the smallest and largest score used.
 */
export function roundedMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return Math.floor((2 * sum + values.length) / (2 * values.length));
}

export function aggregatePanel(scores: readonly number[], max: number, trimFrom: number, divergencePermille: number, rounding: RoundingRule = "half-up"): PanelAggregate {
  const sorted = [...scores].sort((a, b) => a - b);
  const trimmed = sorted.length >= trimFrom;
  const used = trimmed ? sorted.slice(1, -1) : sorted;
  const spread = sorted.length ? sorted[sorted.length - 1]! - sorted[0]! : 0;
  // spread / max > permille / 1000, cross-multiplied to stay in integers
  const divergent = spread * 1000 > divergencePermille * max;
  let sum = 0;
  for (const v of used) sum += v;
  const points = used.length ? roundQuotient(sum, used.length, rounding) : 0;
  return { scores: sorted, used, trimmed, points, sum, count: used.length, rounding, spread, divergent };
}
