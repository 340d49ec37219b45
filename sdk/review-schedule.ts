/**
 * A rulebook's annual review schedule (年审) as the contract takes it at registration: seconds. The rulebook says it
 * in calendar terms (`validity.reviewMonths`, `validity.reviewGraceDays`); the contract counts seconds from the end
 * of a result's public notice, so months become days here, once, by a rule the README states: 12 months are 365
 * days, other counts in proportion (rounded to a whole day).
 */
import { z } from "zod";

const DAY = 86_400;

/** What the contract's `registerRulebook` takes besides the hash and URI. */
export interface ReviewSchedule {
  /** seconds between reviews (0: none) */
  reviewInterval: number;
  /** seconds after a review falls due before the certificate is ReviewOverdue */
  reviewGrace: number;
}

export const NO_REVIEWS: ReviewSchedule = { reviewInterval: 0, reviewGrace: 0 };

/** The part of a rulebook this reads: any rulebook version with a `validity` block. */
const Validity = z.object({
  validity: z.object({
    reviewMonths: z.number().int().min(1).max(60),
    reviewGraceDays: z.number().int().min(0).max(365).optional(),
  }),
});

/** The schedule of a parsed rulebook: `reviewMonths` as days (12 → 365), its grace in days (default 0). */
export function reviewScheduleOf(rulebook: unknown): ReviewSchedule {
  const { validity } = Validity.parse(rulebook);
  const days = Math.round((validity.reviewMonths * 365) / 12);
  const graceDays = validity.reviewGraceDays ?? 0;
  if (graceDays >= days) throw new RangeError(`评价方案的年审宽限期须短于年审间隔 / the review grace (${graceDays} days) must be shorter than the interval (${days} days)`);
  return { reviewInterval: days * DAY, reviewGrace: graceDays * DAY };
}

/** Checks a schedule before it is sent: whole seconds within uint32, and the contract's own rule. */
export const ReviewScheduleSchema = z
  .object({ reviewInterval: z.number().int().min(0).max(2 ** 32 - 1), reviewGrace: z.number().int().min(0).max(2 ** 32 - 1) })
  .refine((s) => (s.reviewInterval === 0 ? s.reviewGrace === 0 : s.reviewGrace < s.reviewInterval), {
    message: "年审宽限期须短于年审间隔，无年审则无宽限期 / the grace must be shorter than the interval, and zero without reviews",
    path: ["reviewGrace"],
  });
