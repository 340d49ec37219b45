/**
 * The annual review (年审) rules of the reference model (issue #13), kept apart from the rest of the model
 * (reference-model.ts calls them). Written from the contracts' NatSpec (CQOCertificate.recordReview,
 * CertificateRules.nextReviewDue and .status, CertificateAdministration.recordReview and _requireInGoodStanding):
 *
 * - A rulebook carries a review schedule: an interval (seconds; 0: no reviews) and a grace period, shorter than the
 *   interval (and 0 when there are no reviews), else `InvalidReviewSchedule`.
 * - A result's next review falls due `reviews + 1` intervals after the end of its notice (validFrom), where
 *   `reviews` counts the reviews passed since the current result (issuance, re-issue or renewal: each starts the
 *   schedule again). No review is due (0) when the rulebook has none, the result counted `MAX_REVIEWS`, or the
 *   date falls at or after the end of validity.
 * - `ReviewOverdue` is a view status, computed from time like expiry: a certificate that would be valid but whose
 *   due date plus the grace period has come (`now >= due + grace`).
 * - A review may be recorded from a quarter interval (rounded down) before its due date on, late too: before that,
 *   `ReviewNotYetOpen`.
 */

/** The outcome of an annual review a body records (the contract's `ReviewResult`). */
export enum ReviewResult {
  Passed,
  FailedSuspended,
  FailedRevoked,
}

/** The most reviews one result can count: four bits of the record. */
export const MAX_REVIEWS = 15;

/** A rulebook's review schedule, in seconds. */
export interface ReviewSchedule {
  interval: number;
  grace: number;
}

export const NO_REVIEWS: ReviewSchedule = { interval: 0, grace: 0 };

/** What the schedule of one result depends on. */
export interface ReviewedResult {
  /** The end of the result's public notice. */
  validFrom: number;
  validUntil: number;
  /** Reviews passed since the result. */
  reviewsPassed: number;
}

/** Whether `registerRulebook` accepts a schedule: a grace period only with reviews, and shorter than the interval. */
export function isValidSchedule(s: ReviewSchedule): boolean {
  return s.interval === 0 ? s.grace === 0 : s.grace < s.interval;
}

/** When the result's next review falls due (0: none before the end of validity). */
export function nextReviewDue(schedule: ReviewSchedule, result: ReviewedResult): number {
  if (schedule.interval === 0 || result.reviewsPassed >= MAX_REVIEWS) return 0;
  const at = result.validFrom + schedule.interval * (result.reviewsPassed + 1);
  return at < result.validUntil ? at : 0;
}

/** From when the review due at `due` may be recorded: a quarter interval (rounded down) before it. */
export function reviewOpensAt(schedule: ReviewSchedule, due: number): number {
  return due - Math.floor(schedule.interval / 4);
}

/** Whether a review is missed at `now`: due, and past its grace period. */
export function isReviewOverdue(schedule: ReviewSchedule, result: ReviewedResult, now: number): boolean {
  const due = nextReviewDue(schedule, result);
  return due !== 0 && now >= due + schedule.grace;
}

/**
 * Checks that a review may be recorded now and returns the date it is for; throws through `fail` with the
 * contract's error otherwise (after the caller checked the certificate and who records it).
 */
export function dueReview(schedule: ReviewSchedule, result: ReviewedResult, now: number, fail: (error: string) => never): number {
  const due = nextReviewDue(schedule, result);
  if (due === 0) fail("NoReviewDue");
  if (now < reviewOpensAt(schedule, due)) fail("ReviewNotYetOpen");
  return due;
}
