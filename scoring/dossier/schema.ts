/**
 * 申报材料: what an applicant declares and the body accepts. Personal data (name, ID number, phone, employer)
 * lives here and never leaves the workbench except as salted commitments (CQO-DOMAIN.md section 5).
 */
import { z } from "zod";
import { encodeMessage } from "../errors";
import { idNumberFault, usccFault } from "./checksums";
import { text } from "../text";

const bilingual = (zh: string, en: string) => ({ message: encodeMessage({ zh, en }) });

/** Calendar dates only (YYYY-MM-DD): evaluation must not depend on time zones. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, bilingual("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, bilingual("日期不存在", "no such calendar date"));

export const IdNumber = z.string().superRefine((id, ctx) => {
  const fault = idNumberFault(id);
  if (fault === "format") ctx.addIssue({ code: "custom", ...bilingual("身份证号码应为 17 位数字加 1 位校验码", "ID number must be 17 digits and a check character") });
  if (fault === "birthdate") ctx.addIssue({ code: "custom", ...bilingual("身份证号码中的出生日期无效", "the birth date inside the ID number is invalid") });
  if (fault === "check") ctx.addIssue({ code: "custom", ...bilingual("身份证号码校验码错误（GB 11643）", "ID number check digit is wrong (GB 11643)") });
});

export const Uscc = z.string().superRefine((code, ctx) => {
  const fault = usccFault(code);
  if (fault === "format") ctx.addIssue({ code: "custom", ...bilingual("统一社会信用代码应为 18 位", "unified social credit code must be 18 characters of the GB 32100 alphabet") });
  if (fault === "check") ctx.addIssue({ code: "custom", ...bilingual("统一社会信用代码校验码错误（GB 32100）", "unified social credit code check character is wrong (GB 32100)") });
});

export const Phone = z
  .string()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, bilingual("电话号码格式不正确", "phone must be a mainland mobile or landline number"));

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, bilingual("SHA-256 应为 64 位小写十六进制", "SHA-256 must be 64 lowercase hex digits"));

const count = z.number().int().min(0).max(10_000);

export const Education = z.enum(["none", "college", "bachelor", "master", "doctor"]);
export const ProfessionalTitle = z.enum(["none", "junior", "intermediate", "senior"]);
export const SizeClass = z.enum(["micro", "small", "medium", "large"]);

export const Applicant = z.strictObject({
  name: text({ min: 1, max: 64 }),
  idNumber: IdNumber,
  phone: Phone,
  education: Education,
  professionalTitle: ProfessionalTitle,
  /** Whole years in quality management, as declared and checked against evidence by the body. */
  qualityYears: z.number().int().min(0).max(70),
  appointment: z.strictObject({
    /** Appointed by the legal representative (任命书), the basis of the CQO's authority. */
    appointedAsCqo: z.boolean(),
    date: IsoDate,
    reportsToTopManagement: z.boolean(),
    vetoPower: z.boolean(),
  }),
  training: z
    .strictObject({ certificateNo: text({ min: 1, max: 64 }), issuedOn: IsoDate, hours: count })
    .nullable(),
});

export const Employer = z.strictObject({
  name: text({ min: 1, max: 128 }),
  uscc: Uscc,
  sizeClass: SizeClass,
});

export const Accident = z.strictObject({
  date: IsoDate,
  severity: z.enum(["general", "major"]),
  /** Whether the applicant bore responsibility; only then can it veto. */
  responsible: z.boolean(),
  description: text({ max: 500, multiline: true }),
});

export const Award = z.strictObject({
  level: z.enum(["national", "provincial", "municipal"]),
  name: text({ min: 1, max: 200 }),
  year: z.number().int().min(1950).max(2100),
});

export const Records = z.strictObject({
  integrity: z.strictObject({
    pledgeSigned: z.boolean(),
    creditRating: z.enum(["A", "B", "C", "D"]),
    listedDishonest: z.boolean(),
    criminalRecordInOffice: z.boolean(),
    administrativePenalties: z.array(z.strictObject({ date: IsoDate, description: text({ max: 500, multiline: true }) })).max(100),
  }),
  accidents: z.array(Accident).max(100),
  awards: z.array(Award).max(200),
  qualifications: z.array(z.strictObject({ name: text({ min: 1, max: 200 }), number: text({ max: 64 }) })).max(100),
  /** Exam score in tenths of a point, 0..1000; null if no exam taken. */
  examScore: z.number().int().min(0).max(1000).nullable(),
  trainingHours: count,
  standardsDrafted: count,
  patents: count,
  qualityProjects: count,
});

export const Evidence = z.strictObject({
  kind: text({ min: 1, max: 64 }),
  name: text({ min: 1, max: 200 }),
  sha256: Sha256Hex,
});

export const Dossier = z.strictObject({
  format: z.literal("cqo-dossier/1"),
  dossierId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bilingual("申报编号只能包含字母、数字、点、下划线和连字符", "dossier id: 1-64 letters, digits, . _ -")),
  /** The application date: the reference date of every time window, so evaluation never reads a clock. */
  submittedOn: IsoDate,
  applicant: Applicant,
  employer: Employer,
  records: Records,
  /** Findings of the certifying body at acceptance (受理), not declarations. */
  review: z.strictObject({ falseMaterials: z.boolean() }),
  evidence: z.array(Evidence).max(200),
});

export type Dossier = z.infer<typeof Dossier>;
export type Applicant = z.infer<typeof Applicant>;
export type Employer = z.infer<typeof Employer>;
