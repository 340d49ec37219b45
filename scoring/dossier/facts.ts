/**
 * The vocabulary rulebooks may use. A rulebook never reaches into the dossier's structure: it names facts,
 * and this table derives each fact as an integer from the dossier. Adding a fact is a code change; using
 * facts differently (a new region's rulebook) is not.
 */
import type { Message } from "../errors";
import { withinYears, type WindowRule } from "./dates";
import type { Dossier } from "./schema";

export interface FactDefinition {
  name: Message;
  /** `windows`: the rulebook's date-window rule (rulebook/rules.ts) */
  derive: (d: Dossier, windows: WindowRule) => number;
}

const EDUCATION_RANK = { none: 0, college: 1, bachelor: 2, master: 3, doctor: 4 } as const;
const TITLE_RANK = { none: 0, junior: 1, intermediate: 2, senior: 3 } as const;
const CREDIT_RANK = { D: 0, C: 1, B: 2, A: 3 } as const;
const SIZE_RANK = { micro: 0, small: 1, medium: 2, large: 3 } as const;

const b = (v: boolean): number => (v ? 1 : 0);

/** Days since 1970-01-01 of a YYYY-MM-DD date; integer arithmetic keeps windows exact. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
}

export const FACTS = {
  educationRank: { name: { zh: "学历等级（0 无 1 大专 2 本科 3 硕士 4 博士）", en: "education rank (0 none, 1 college, 2 bachelor, 3 master, 4 doctor)" }, derive: (d) => EDUCATION_RANK[d.applicant.education] },
  titleRank: { name: { zh: "职称等级（0 无 1 初级 2 中级 3 高级）", en: "professional title rank (0 none … 3 senior)" }, derive: (d) => TITLE_RANK[d.applicant.professionalTitle] },
  qualityYears: { name: { zh: "质量管理工作年限", en: "years in quality management" }, derive: (d) => d.applicant.qualityYears },
  appointedAsCqo: { name: { zh: "已被任命为首席质量官（任命日期不晚于申报日）", en: "appointed CQO on or before the application date" }, derive: (d) => b(d.applicant.appointment.appointedAsCqo && dayNumber(d.applicant.appointment.date) <= dayNumber(d.submittedOn)) },
  reportsToTopManagement: { name: { zh: "直接向最高管理者报告", en: "reports to top management" }, derive: (d) => b(d.applicant.appointment.reportsToTopManagement) },
  vetoPower: { name: { zh: "拥有质量一票否决权", en: "holds the quality veto" }, derive: (d) => b(d.applicant.appointment.vetoPower) },
  trainingCertificate: { name: { zh: "持有任职培训证书", en: "holds the appointment-training certificate" }, derive: (d) => b(d.applicant.training !== null && dayNumber(d.applicant.training.issuedOn) <= dayNumber(d.submittedOn)) },
  trainingHours: { name: { zh: "培训学时", en: "training hours" }, derive: (d) => d.records.trainingHours },
  examScore: { name: { zh: "考试成绩（0.1 分）", en: "exam score (tenths)" }, derive: (d) => d.records.examScore ?? 0 },
  qualifications: { name: { zh: "专业资格数量", en: "number of professional qualifications" }, derive: (d) => d.records.qualifications.length },
  integrityPledgeSigned: { name: { zh: "已签署诚信承诺书", en: "integrity declaration signed" }, derive: (d) => b(d.records.integrity.pledgeSigned) },
  creditRank: { name: { zh: "信用等级（0 D … 3 A）", en: "credit rating rank (0 D … 3 A)" }, derive: (d) => CREDIT_RANK[d.records.integrity.creditRating] },
  penalties3y: { name: { zh: "近 3 年行政处罚次数", en: "administrative penalties in the last 3 years" }, derive: (d, w) => d.records.integrity.administrativePenalties.filter((p) => withinYears(p.date, d.submittedOn, 3, w)).length },
  listedDishonest: { name: { zh: "被列为失信被执行人", en: "listed as a dishonest judgment debtor" }, derive: (d) => b(d.records.integrity.listedDishonest) },
  criminalRecordInOffice: { name: { zh: "有与职务相关的犯罪记录", en: "criminal record related to office" }, derive: (d) => b(d.records.integrity.criminalRecordInOffice) },
  majorAccidents3y: { name: { zh: "近 3 年本人负有责任的重大质量安全事故数", en: "major quality/safety accidents under own responsibility in the last 3 years" }, derive: (d, w) => d.records.accidents.filter((a) => a.severity === "major" && a.responsible && withinYears(a.date, d.submittedOn, 3, w)).length },
  falseMaterials: { name: { zh: "提供虚假材料（认定主体查实）", en: "false materials (found by the body)" }, derive: (d) => b(d.review.falseMaterials) },
  awardsNational: { name: { zh: "国家级质量奖项数", en: "national quality awards" }, derive: (d) => d.records.awards.filter((a) => a.level === "national").length },
  awardsProvincial: { name: { zh: "省级质量奖项数", en: "provincial quality awards" }, derive: (d) => d.records.awards.filter((a) => a.level === "provincial").length },
  awardsMunicipal: { name: { zh: "市级质量奖项数", en: "municipal quality awards" }, derive: (d) => d.records.awards.filter((a) => a.level === "municipal").length },
  standardsDrafted: { name: { zh: "参与起草的标准数", en: "standards drafted" }, derive: (d) => d.records.standardsDrafted },
  patents: { name: { zh: "专利数", en: "patents" }, derive: (d) => d.records.patents },
  qualityProjects: { name: { zh: "取得成效的质量改进项目数", en: "quality improvement projects with results" }, derive: (d) => d.records.qualityProjects },
  employerSizeRank: { name: { zh: "企业规模（0 微 1 小 2 中 3 大）", en: "employer size (0 micro … 3 large)" }, derive: (d) => SIZE_RANK[d.employer.sizeClass] },
} satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof FACTS;
export const FACT_NAMES = Object.keys(FACTS) as FactName[];
export type Facts = Record<FactName, number>;

export function isFactName(s: string): s is FactName {
  return Object.prototype.hasOwnProperty.call(FACTS, s);
}

/** `windows` defaults to rulebook/1's rule; an evaluation passes its rulebook's (rulesOf(rb).windows). */
export function deriveFacts(d: Dossier, windows: WindowRule = "legacy"): Facts {
  const out = {} as Facts;
  for (const name of FACT_NAMES) out[name] = FACTS[name].derive(d, windows);
  return out;
}
