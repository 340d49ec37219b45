/**
 * The rules a rulebook signs besides its tables: rounding, date windows, duplicate sheets, a panel below its
 * minimum, whose employer counts for a conflict of interest. A rulebook/2 states them as data; a rulebook/1 never
 * did, so it keeps what the engine did when it was published (the "legacy" values below), and every evaluation
 * made under it reproduces. Nothing else in the engine decides these.
 */
import type { Message } from "../errors";
import type { Rulebook, RoundingRule } from "./schema";

export interface Rules {
  /** true when the rulebook states these rules itself (rulebook/2) */
  declared: boolean;
  panelMean: RoundingRule;
  examPoints: RoundingRule;
  dimensionShare: RoundingRule;
  /** "calendar": the same day N years earlier, 29 February → 28 February; "legacy": JavaScript Date.UTC rollover (29 February → 1 March) */
  windows: "calendar" | "legacy";
  /** events after the application date are input errors (rulebook/2); rulebook/1 let them fall outside every window */
  futureEvents: "input-error" | "ignored";
  /** records.trainingHours includes the appointment training's hours, so it may not be smaller (rulebook/2) */
  trainingHoursIncludeAppointment: boolean;
  /** "count-once": an identical signed sheet counts once; "refuse-all": every sheet of a repeated assessor is refused */
  identicalSheets: "count-once" | "refuse-all";
  /** "no-level": a panel below minAssessors leaves the evaluation without a level; "level-anyway": rulebook/1 */
  incompletePanel: "no-level" | "level-anyway";
  /** whose employer the conflict-of-interest check compares with the applicant's */
  employer: "registered" | "declared";
}

const LEGACY: Rules = {
  declared: false,
  panelMean: "half-up",
  examPoints: "down",
  dimensionShare: "down",
  windows: "legacy",
  futureEvents: "ignored",
  trainingHoursIncludeAppointment: false,
  identicalSheets: "refuse-all",
  incompletePanel: "level-anyway",
  employer: "declared",
};

export function rulesOf(rb: Rulebook): Rules {
  if (rb.format === "cqo-rulebook/1") return LEGACY;
  return {
    declared: true,
    panelMean: rb.rounding.panelMean,
    examPoints: rb.rounding.examPoints,
    dimensionShare: rb.rounding.dimensionShare,
    windows: "calendar",
    futureEvents: "input-error",
    trainingHoursIncludeAppointment: true,
    identicalSheets: "count-once",
    incompletePanel: "no-level",
    employer: "registered",
  };
}

export const ROUNDING_TEXT: Record<RoundingRule, Message> = {
  "half-even": { zh: "按 GB/T 8170 修约到 0.1（四舍六入五成双）", en: "rounded to 0.1 by GB/T 8170 (round half to even)" },
  "half-up": { zh: "四舍五入到 0.1", en: "rounded half up to 0.1" },
  down: { zh: "向下取整到 0.1", en: "rounded down to 0.1" },
};

/** The rules in words, for the evaluation record: what a reader needs to recompute every number and date. */
export function describeRules(r: Rules): Message[] {
  const share = r.dimensionShare === "half-even" ? { zh: "按 GB/T 8170 修约到 0.1%", en: "rounded to 0.1 % by GB/T 8170" } : r.dimensionShare === "half-up" ? { zh: "四舍五入到 0.1%", en: "rounded half up to 0.1 %" } : { zh: "向下取整到 0.1%", en: "rounded down to 0.1 %" };
  return [
    { zh: `专家评分平均值：由精确分数${ROUNDING_TEXT[r.panelMean].zh}`, en: `panel means: from the exact fraction, ${ROUNDING_TEXT[r.panelMean].en}` },
    { zh: `考试折算分：由精确分数${ROUNDING_TEXT[r.examPoints].zh}`, en: `scaled exam points: from the exact fraction, ${ROUNDING_TEXT[r.examPoints].en}` },
    { zh: "维度分与总分为指标分之和，不再修约；等级门槛按精确值比较", en: "dimension and total points are sums of indicator points, never rounded again; level bands compare exact values" },
    { zh: `维度得分率（仅供显示）：${share.zh}`, en: `dimension shares (shown only): ${share.en}` },
    r.windows === "calendar"
      ? { zh: "“申报前 N 年内”：自 N 年前的同月同日（2 月 29 日对应 2 月 28 日）起至申报日止，首尾均含", en: "\"within N years before the application\": from the same day N years earlier (29 February → 28 February) to the application date, both inclusive" }
      : { zh: "“申报前 N 年内”：按 JavaScript 日期运算（2 月 29 日对应 3 月 1 日）", en: "\"within N years before the application\": by JavaScript date arithmetic (29 February → 1 March)" },
    r.futureEvents === "input-error"
      ? { zh: "晚于申报日期的事件（处罚、事故、任命、培训、奖项）为申报材料错误", en: "an event dated after the application date (penalty, accident, appointment, training, award) is an input error" }
      : { zh: "晚于申报日期的事件不计入任何时间窗", en: "events dated after the application date fall outside every window" },
    r.identicalSheets === "count-once"
      ? { zh: "同一份已签名评分表重复提交只计一次；同一评审专家本轮提交两份不同的评分表，均不予采用", en: "an identical signed sheet handed in twice counts once; two different sheets from one assessor in one round are both refused" }
      : { zh: "同一评审专家的多份评分表均不予采用", en: "every sheet of an assessor who handed in more than one is refused" },
    r.incompletePanel === "no-level"
      ? { zh: "有效评分表少于评审组最少人数时不予定级", en: "with fewer valid sheets than the panel minimum there is no level" }
      : { zh: "有效评分表不足时仍计算等级，但不可发证", en: "with too few valid sheets a level is still computed, but not issuable" },
    r.employer === "registered"
      ? { zh: "利益冲突按认定主体登记的评审专家工作单位判断；评分表所填单位与登记不符的不予采用", en: "conflict of interest is judged on the employer the body registered for the assessor; a sheet declaring another employer is refused" }
      : { zh: "利益冲突按评分表上评审专家自填的工作单位判断", en: "conflict of interest is judged on the employer the assessor declares on the sheet" },
  ];
}
