/**
 * 评价方案 as data. Every number is an integer in tenths of a point (or permille for shares) so two
 * implementations can never disagree by a rounding step. No defaults or transforms: the parsed rulebook is
 * byte-for-byte the published one, which is what its hash commits to.
 *
 * Two formats. "cqo-rulebook/1" (hn-cqo-default 2024.1) left rounding, date windows, duplicate sheets, a panel
 * below its minimum and the assessor's employer to the engine; those choices stay fixed for it (rulebook/rules.ts)
 * so its evaluations reproduce. "cqo-rulebook/2" states each of them as data, hashed with the rest.
 */
import { z } from "zod";

export const Bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

const Id = z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, "ids are lowercase kebab-case, at most 48 characters");
const Tenths = z.number().int().min(0).max(100_000);
const SignedTenths = z.number().int().min(-100_000).max(100_000);
const Permille = z.number().int().min(0).max(1000);

export const Comparison = z.enum([">=", ">", "<=", "<", "==", "!="]);

export type Condition =
  | { fact: string; op: z.infer<typeof Comparison>; value: number }
  | { all: Condition[] }
  | { any: Condition[] };

/** A boolean formula over dossier facts (see scoring/dossier/facts.ts). */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ fact: z.string(), op: Comparison, value: z.number().int() }),
    z.strictObject({ all: z.array(Condition).min(1) }),
    z.strictObject({ any: z.array(Condition).min(1) }),
  ]),
);

export const RuleRow = z.discriminatedUnion("kind", [
  /** points for each unit of a counted fact (awards, patents …), optionally capped per row */
  z.strictObject({ kind: z.literal("each"), fact: z.string(), points: SignedTenths, cap: Tenths.optional(), label: Bilingual }),
  /** points when a condition holds; negative points are deductions */
  z.strictObject({ kind: z.literal("if"), condition: Condition, points: SignedTenths, label: Bilingual }),
]);

export const Scoring = z.discriminatedUnion("method", [
  /** scored by the expert panel's signed sheets */
  z.strictObject({ method: z.literal("panel") }),
  /** an exam score (a fact, 0..outOf) scaled linearly to the indicator's max; 0 below passAt */
  z.strictObject({ method: z.literal("exam"), fact: z.string(), outOf: z.number().int().min(1), passAt: Tenths }),
  /** a rule table over declared facts, clamped to [0, min(cap, max)] */
  z.strictObject({ method: z.literal("rules"), base: Tenths, rules: z.array(RuleRow).min(1), cap: Tenths.optional() }),
]);

export const Indicator = z.strictObject({ id: Id, name: Bilingual, max: Tenths, scoring: Scoring });

export const Dimension = z.strictObject({ id: Id, name: Bilingual, max: Tenths, indicators: z.array(Indicator).min(1) });

export const EligibilityRule = z.strictObject({ id: Id, name: Bilingual, condition: Condition, failReason: Bilingual });

export const VetoRule = z.strictObject({ id: Id, name: Bilingual, condition: Condition });

export const LevelBand = z.strictObject({
  /** 1 = 一级 Level I (highest); the on-chain certificate stores the same number */
  level: z.number().int().min(1).max(9),
  name: Bilingual,
  minTotal: Tenths,
  /** every dimension must reach this share of its max, in permille */
  minDimensionPermille: Permille,
  /** extra conditions, e.g. years of experience */
  conditions: z.array(Condition),
  /** minimum points of named indicators (monotone by construction: only lower bounds) */
  minIndicators: z.array(z.strictObject({ indicator: z.string(), min: Tenths })),
});

export const PanelPolicy = z.strictObject({
  minAssessors: z.number().int().min(1).max(50),
  /** with at least this many sheets, drop each indicator's highest and lowest score before averaging */
  trimFrom: z.number().int().min(3).max(50),
  /** spread (max - min) above this share of the indicator's max flags the evaluation for re-review */
  divergencePermille: Permille,
  /** an assessor employed by the applicant's employer is refused */
  conflictOfInterest: z.literal("refuse-same-employer"),
});

export const Validity = z.strictObject({
  years: z.number().int().min(1).max(20),
  reviewMonths: z.number().int().min(1).max(60),
  /** the annual review's grace period (optional: rulebook/1 files predate it and must parse and hash unchanged) */
  reviewGraceDays: z.number().int().min(0).max(365).optional(),
});

export const RulebookV1 = z.strictObject({
  format: z.literal("cqo-rulebook/1"),
  id: Id,
  version: z.string().regex(/^[0-9A-Za-z.+-]{1,32}$/),
  title: Bilingual,
  dimensions: z.array(Dimension).min(1),
  eligibility: z.array(EligibilityRule),
  veto: z.array(VetoRule),
  levels: z.array(LevelBand).min(1),
  panel: PanelPolicy,
  noticeDays: z.number().int().min(0).max(365),
  validity: Validity,
});

/**
 * How a derived quantity becomes an integer (tenths of a point, or permille), always from the exact rational
 * value: "half-even" is GB/T 8170 数值修约规则 (四舍六入五成双), "half-up" 四舍五入, "down" towards zero.
 */
export const RoundingRule = z.enum(["half-even", "half-up", "down"]);

export const Rounding = z.strictObject({
  /** the (trimmed) mean of the panel's scores for one indicator */
  panelMean: RoundingRule,
  /** an exam score scaled to the indicator's max */
  examPoints: RoundingRule,
  /** a dimension's share of its max (shown only: level bands compare exactly) */
  dimensionShare: RoundingRule,
});

/** One calendar rule for every "within N years before the application" window, and for dates after it. */
export const DateWindows = z.strictObject({
  /** from the same day N years earlier to the application date, both inclusive */
  yearsBefore: z.literal("same-day-n-years-earlier"),
  /** the same day of a year without 29 February */
  leapDay: z.literal("feb-28"),
  /** an event (penalty, accident, appointment, training, award) dated after the application date */
  eventsAfterApplication: z.literal("input-error"),
});

export const PanelPolicyV2 = PanelPolicy.extend({
  /** the conflict-of-interest check uses the employer the body registered for the assessor; a sheet declaring another is refused */
  conflictOfInterest: z.literal("refuse-registered-employer"),
  /** the same signed sheet handed in more than once counts once */
  identicalSheets: z.literal("count-once"),
  /** two different sheets from one assessor in one round: both refused */
  differentSheetsOneAssessor: z.literal("refuse-all"),
  /** fewer accepted sheets than minAssessors: the evaluation has no level, only its reason */
  incompletePanel: z.literal("no-level"),
});

export const RulebookV2 = RulebookV1.extend({
  format: z.literal("cqo-rulebook/2"),
  rounding: Rounding,
  windows: DateWindows,
  panel: PanelPolicyV2,
  /** the meaning of every fact the rulebook uses, in the rulebook's own words (checked: none missing, none unknown) */
  facts: z.record(z.string(), Bilingual),
});

export const Rulebook = z.discriminatedUnion("format", [RulebookV1, RulebookV2]);

export type Rulebook = z.infer<typeof Rulebook>;
export type RulebookV1 = z.infer<typeof RulebookV1>;
export type RulebookV2 = z.infer<typeof RulebookV2>;
export type RoundingRule = z.infer<typeof RoundingRule>;
export type Dimension = z.infer<typeof Dimension>;
export type Indicator = z.infer<typeof Indicator>;
export type Scoring = z.infer<typeof Scoring>;
export type RuleRow = z.infer<typeof RuleRow>;
export type LevelBand = z.infer<typeof LevelBand>;
export type PanelPolicy = z.infer<typeof PanelPolicy>;
