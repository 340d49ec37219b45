/**
 * 抽查所得的得分分布 (issue #13): the score distributions by dimension, per body, computed only from the sampling
 * audit's answers that were checked consistent against the chain's resultRoot (auditCheck.ts). The chain does not
 * publish scores — a certificate only commits to its level, total and each dimension's points through a salted
 * Merkle root (PIPL art. 6: minimisation) — so these figures exist only for the certificates an audit sampled and
 * verified, and say so with their count n. Pure functions (no I/O), unit-tested under mocha.
 *
 * Points are in tenths (scoring's unit: 85.0 points = 850). A metric is the total or one dimension (its id in the
 * rulebook: awareness 意识, integrity 诚信, knowledge 知识, ability 能力, performance 业绩). Bodies may use rulebooks
 * of other maxima, so bodies are compared by each answer's points as a share of its rulebook max.
 *
 * The score rule (得分异常规则): for the total and for each dimension, a body with at least MIN_VERIFIED verified
 * answers is compared with the other bodies that have as many (itself left out; at least two of them): flagged for
 * a further audit when its mean share of the max differs from the others' mean by more than the larger of
 * SCORE_SDS sample standard deviations of the others' means and SCORE_GAP of the max.
 */
import type { AuditCheck } from "./auditCheck";
import { mean, sampleSd } from "./supervisionStats";

export const MIN_VERIFIED = 3;
export const SCORE_SDS = 2;
/** 15 % of the max */
export const SCORE_GAP = 0.15;
export const BINS = 10;
export const TOTAL = "total";

export interface Score {
  points: number;
  max: number;
}

/** one certificate's verified scores */
export interface VerifiedScores {
  tokenId: string;
  bodyId: number;
  /** null when the record commits no total (never for cqo-credential/2) */
  total: Score | null;
  /** dimension id → points (verified) and max (the rulebook's, from the evaluation whose rulebook hash is verified) */
  dimensions: Record<string, Score>;
  /** dimension id → its name in the evaluation */
  names: Record<string, { zh: string; en: string }>;
}

/** The verified scores of a consistent answer (null: inconsistent, or nothing to count). */
export function verifiedScoresOf(tokenId: string, bodyId: number, check: AuditCheck): VerifiedScores | null {
  if (!check.consistent) return null;
  const dimensions: Record<string, Score> = {};
  for (const [id, points] of Object.entries(check.dimensions)) {
    const max = check.maxima[id];
    if (max !== undefined && max > 0) dimensions[id] = { points, max };
  }
  const total = check.total !== null && check.totalMax !== null && check.totalMax > 0 ? { points: check.total, max: check.totalMax } : null;
  if (!total && Object.keys(dimensions).length === 0) return null;
  return { tokenId, bodyId, total, dimensions, names: check.dimensionNames };
}

export interface MetricSummary {
  metric: string;
  n: number;
  /** points (tenths) */
  mean: number;
  min: number;
  median: number;
  max: number;
  /** the rulebook max when every answer has the same, else null (the bins are then shares only) */
  scaleMax: number | null;
  /** the mean of points / max (0..1) */
  meanShare: number;
  /** BINS counts of points / max: [0, 10 %), [10 %, 20 %), … [90 %, 100 %] */
  bins: number[];
}

export interface BodyScores {
  bodyId: number;
  /** certificates with a verified answer */
  n: number;
  metrics: MetricSummary[];
}

/** the median of sorted values (the mean of the middle two for an even count) */
function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const binOf = (share: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(share * BINS)));

export function summarise(metric: string, scores: readonly Score[]): MetricSummary {
  const points = scores.map((s) => s.points).sort((a, b) => a - b);
  const maxima = new Set(scores.map((s) => s.max));
  const bins = Array.from({ length: BINS }, () => 0);
  for (const s of scores) bins[binOf(s.points / s.max)]!++;
  return {
    metric,
    n: scores.length,
    mean: mean(points),
    min: points[0]!,
    median: median(points),
    max: points[points.length - 1]!,
    scaleMax: maxima.size === 1 ? [...maxima][0]! : null,
    meanShare: mean(scores.map((s) => s.points / s.max)),
    bins,
  };
}

/** The metrics in the order they first appear: the total, then the dimensions in their rulebook's order. */
export function metricsOf(verified: readonly VerifiedScores[]): string[] {
  const ids = new Set<string>();
  if (verified.some((v) => v.total)) ids.add(TOTAL);
  for (const v of verified) for (const id of Object.keys(v.dimensions)) ids.add(id);
  return [...ids];
}

const scoreOf = (v: VerifiedScores, metric: string): Score | undefined => (metric === TOTAL ? (v.total ?? undefined) : v.dimensions[metric]);

/** Each body's summaries, bodies in ascending number; a certificate counted once whatever the number of answers. */
export function scoresByBody(verified: readonly VerifiedScores[]): BodyScores[] {
  const unique = [...new Map(verified.map((v) => [v.tokenId, v])).values()];
  const metrics = metricsOf(unique);
  const bodies = [...new Set(unique.map((v) => v.bodyId))].sort((a, b) => a - b);
  return bodies.map((bodyId) => {
    const mine = unique.filter((v) => v.bodyId === bodyId);
    return {
      bodyId,
      n: mine.length,
      metrics: metrics.flatMap((m) => {
        const scores = mine.flatMap((v) => scoreOf(v, m) ?? []);
        return scores.length ? [summarise(m, scores)] : [];
      }),
    };
  });
}

export interface ScoreFlag {
  bodyId: number;
  metric: string;
  /** the body's mean share of the max */
  value: number;
  othersMean: number;
  /** the gap that was exceeded: max(SCORE_SDS × the others' SD, SCORE_GAP) */
  threshold: number;
}

/** The bodies the score rule (above) flags for a further audit, metric by metric. */
export function scoreFlags(bodies: readonly BodyScores[]): ScoreFlag[] {
  const metrics = [...new Set(bodies.flatMap((b) => b.metrics.map((m) => m.metric)))];
  const flags: ScoreFlag[] = [];
  for (const metric of metrics) {
    const compared = bodies.flatMap((b) => {
      const m = b.metrics.find((x) => x.metric === metric);
      return m && m.n >= MIN_VERIFIED ? [{ bodyId: b.bodyId, share: m.meanShare }] : [];
    });
    for (const s of compared) {
      const others = compared.filter((o) => o.bodyId !== s.bodyId).map((o) => o.share);
      if (others.length < 2) continue;
      const othersMean = mean(others);
      const threshold = Math.max(SCORE_SDS * sampleSd(others), SCORE_GAP);
      if (Math.abs(s.share - othersMean) > threshold) flags.push({ bodyId: s.bodyId, metric, value: s.share, othersMean, threshold });
    }
  }
  return flags;
}
