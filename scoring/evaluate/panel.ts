/** 专家评审 aggregation: integer tenths in, integer tenths out. */

export interface PanelAggregate {
  /** all sheet scores, ascending */
  scores: number[];
  /** the scores averaged (trimmed when enough sheets) */
  used: number[];
  trimmed: boolean;
  points: number;
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

export function aggregatePanel(scores: readonly number[], max: number, trimFrom: number, divergencePermille: number): PanelAggregate {
  const sorted = [...scores].sort((a, b) => a - b);
  const trimmed = sorted.length >= trimFrom;
  const used = trimmed ? sorted.slice(1, -1) : sorted;
  const spread = sorted.length ? sorted[sorted.length - 1]! - sorted[0]! : 0;
  // spread / max > permille / 1000, cross-multiplied to stay in integers
  const divergent = spread * 1000 > divergencePermille * max;
  return { scores: sorted, used, trimmed, points: roundedMean(used), spread, divergent };
}
