/**
 * Rounding of exact fractions to integers (tenths of a point, or permille), in integer arithmetic only: every
 * derived quantity is num / den with non-negative safe integers, and the remainder decides, so no platform's
 * floating point can move a result by a step.
 */
import type { RoundingRule } from "../rulebook/schema";

/** num / den rounded by `rule`; num ≥ 0, den > 0, both integers. */
export function roundQuotient(num: number, den: number, rule: RoundingRule): number {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num < 0 || den <= 0) throw new RangeError(`cannot round ${num}/${den}`);
  const r = num % den;
  const q = (num - r) / den;
  if (rule === "down" || r === 0) return q;
  const twice = 2 * r;
  if (twice > den) return q + 1;
  if (twice < den) return q;
  // exactly half way
  return rule === "half-up" || q % 2 === 1 ? q + 1 : q;
}

/**
 * num / den tenths as a decimal in points, exact when it terminates within 4 decimals (e.g. "4.225"), else
 * truncated with "…" ("4.2333…"): the value the rounding rule started from, for the explanation.
 */
export function exactPoints(num: number, den: number): string {
  const scale = 10_000;
  // points = num / (10·den); four decimals of points are num·1000 / den
  const n = num * (scale / 10);
  const r = n % den;
  const q = (n - r) / den;
  const int = Math.floor(q / scale);
  let frac = String(q % scale).padStart(4, "0").replace(/0+$/, "");
  if (frac === "" && r === 0) frac = "0";
  else if (frac === "") frac = "0000";
  return `${int}.${frac}${r === 0 ? "" : "…"}`;
}
