/**
 * 申报材料: the whole dossier as the workbench holds it (scoring/dossier/schema.ts), in words — 基本信息, 任职, 培训,
 * 诚信记录, 业绩, 附件 — beside every decision and the score sheet. Values are said in Chinese (or English) words,
 * never as the schema's enum names. The cited files are previewed safely by EvidenceLinks (images as blob: URLs
 * in an <img>, everything else only downloaded, fetched with the bearer session).
 */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Dossier } from "../../../scoring/dossier/schema";
import { EvidenceLinks, evidenceKindWord } from "./Evidence";
import type { WorkbenchApi } from "./api";
import "./dossier.css";

const WORDS = {
  zh: {
    heading: "申报材料",
    basic: "基本信息",
    appointment: "任职",
    training: "培训",
    integrity: "诚信记录",
    performance: "业绩",
    files: "附件",
    name: "姓名",
    idNumber: "身份证号码",
    phone: "联系电话",
    education: "学历",
    title: "职称",
    years: "质量管理工作年限",
    yearsValue: (n: number) => `${n} 年`,
    employer: "工作单位",
    uscc: "统一社会信用代码",
    size: "企业规模",
    submittedOn: "申报日期",
    appointed: "首席质量官任命",
    appointedYes: (date: string) => `已任命（任命日期 ${date}）`,
    appointedNo: "未任命",
    reports: "直接向最高管理者报告",
    veto: "质量一票否决权",
    certificate: "任职培训证书",
    certificateValue: (no: string, on: string, hours: number) => `编号 ${no}，${on} 取得，${hours} 学时`,
    noCertificate: "无",
    trainingHours: "累计培训学时",
    hours: (n: number) => `${n} 学时`,
    exam: "考试成绩",
    examValue: (tenths: number) => `${(tenths / 10).toFixed(1)} 分（满分 100）`,
    noExam: "未参加考试",
    qualifications: "专业资格",
    pledge: "诚信承诺书",
    pledgeYes: "已签署",
    pledgeNo: "未签署",
    credit: "信用等级",
    creditValue: (r: string) => `${r} 级`,
    dishonest: "失信被执行人",
    criminal: "与职务相关的犯罪记录",
    penalties: "行政处罚",
    accidents: "质量安全事故",
    accident: (date: string, severity: string, responsible: boolean) => `${date} · ${severity}事故 · ${responsible ? "本人负有责任" : "本人无责任"}`,
    falseMaterials: "认定主体查实虚假材料",
    awards: "质量奖项",
    standards: "参与起草的标准",
    patents: "专利",
    projects: "取得成效的质量改进项目",
    count: (n: number) => `${n} 项`,
    none: "无",
    yes: "是",
    no: "否",
    has: "有",
    noFiles: "申报未附任何文件。",
    filesIntro: "图片可在本页预览；PDF、OFD 等文件只能下载后用本机软件打开，不会在页面中打开。",
    unreadable: "申报材料格式无法识别，只能显示部分内容。",
    educationOf: { none: "无学历", college: "大专", bachelor: "本科", master: "硕士研究生", doctor: "博士研究生" },
    titleOf: { none: "无职称", junior: "初级职称", intermediate: "中级职称", senior: "高级职称" },
    sizeOf: { micro: "微型企业", small: "小型企业", medium: "中型企业", large: "大型企业" },
    severityOf: { general: "一般", major: "重大" },
    awardLevelOf: { national: "国家级", provincial: "省级", municipal: "市级" },
  },
  en: {
    heading: "Application materials",
    basic: "Basic information",
    appointment: "Appointment",
    training: "Training",
    integrity: "Integrity record",
    performance: "Performance",
    files: "Attachments",
    name: "Name",
    idNumber: "ID number",
    phone: "Phone",
    education: "Education",
    title: "Professional title",
    years: "Years in quality management",
    yearsValue: (n: number) => `${n} years`,
    employer: "Employer",
    uscc: "Unified social credit code",
    size: "Company size",
    submittedOn: "Application date",
    appointed: "Appointment as CQO",
    appointedYes: (date: string) => `appointed (on ${date})`,
    appointedNo: "not appointed",
    reports: "Reports to top management",
    veto: "Holds the quality veto",
    certificate: "Appointment-training certificate",
    certificateValue: (no: string, on: string, hours: number) => `no. ${no}, obtained ${on}, ${hours} hours`,
    noCertificate: "none",
    trainingHours: "Training hours in total",
    hours: (n: number) => `${n} hours`,
    exam: "Exam score",
    examValue: (tenths: number) => `${(tenths / 10).toFixed(1)} of 100`,
    noExam: "no exam taken",
    qualifications: "Professional qualifications",
    pledge: "Integrity declaration",
    pledgeYes: "signed",
    pledgeNo: "not signed",
    credit: "Credit rating",
    creditValue: (r: string) => `grade ${r}`,
    dishonest: "Listed as a dishonest judgment debtor",
    criminal: "Criminal record related to office",
    penalties: "Administrative penalties",
    accidents: "Quality or safety accidents",
    accident: (date: string, severity: string, responsible: boolean) => `${date} · ${severity} accident · ${responsible ? "applicant responsible" : "applicant not responsible"}`,
    falseMaterials: "False materials found by the body",
    awards: "Quality awards",
    standards: "Standards drafted",
    patents: "Patents",
    projects: "Improvement projects with results",
    count: (n: number) => `${n}`,
    none: "none",
    yes: "yes",
    no: "no",
    has: "yes",
    noFiles: "No files are attached to the application.",
    filesIntro: "Images can be previewed here; PDF, OFD and other files are only downloaded and opened with your own software, never in the page.",
    unreadable: "The application's format is not recognised: only part of it can be shown.",
    educationOf: { none: "no degree", college: "college diploma", bachelor: "bachelor's degree", master: "master's degree", doctor: "doctorate" },
    titleOf: { none: "no title", junior: "junior title", intermediate: "intermediate title", senior: "senior title" },
    sizeOf: { micro: "micro company", small: "small company", medium: "medium-sized company", large: "large company" },
    severityOf: { general: "general", major: "major" },
    awardLevelOf: { national: "national", provincial: "provincial", municipal: "municipal" },
  },
};

export type MaterialsWords = (typeof WORDS)["zh"];
export const materialsWords = (lang: string): MaterialsWords => (lang === "en" ? WORDS.en : WORDS.zh);

function Field({ name, children, testId }: { name: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

function Part({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="materials-part" aria-labelledby={`materials-${id}`} data-testid={`materials-${id}`}>
      <h3 id={`materials-${id}`}>{title}</h3>
      {children}
    </section>
  );
}

/** The dossier's declarations and the body's findings, section by section; `raw` is GET /dossiers/:id's `dossier`. */
export function Materials({ api, raw }: { api: WorkbenchApi; raw: unknown }) {
  const { i18n } = useTranslation();
  const w = materialsWords(i18n.language);
  const parsed = Dossier.safeParse(raw);
  if (!parsed.success) {
    return (
      <section className="card materials" aria-labelledby="materials-heading" data-testid="materials">
        <h2 id="materials-heading">{w.heading}</h2>
        <p className="notice error">{w.unreadable}</p>
      </section>
    );
  }
  const d = parsed.data;
  const a = d.applicant;
  const r = d.records;
  const yn = (v: boolean) => (v ? w.yes : w.no);
  return (
    <section className="card materials" aria-labelledby="materials-heading" data-testid="materials">
      <h2 id="materials-heading">{w.heading}</h2>
      <Part id="basic" title={w.basic}>
        <dl className="details">
          <Field name={w.name}>{a.name}</Field>
          <Field name={w.idNumber}>
            <span className="mono break">{a.idNumber}</span>
          </Field>
          <Field name={w.phone}>
            <span className="mono">{a.phone}</span>
          </Field>
          <Field name={w.education} testId="materials-education">
            {w.educationOf[a.education]}
          </Field>
          <Field name={w.title}>{w.titleOf[a.professionalTitle]}</Field>
          <Field name={w.years} testId="materials-years">
            {w.yearsValue(a.qualityYears)}
          </Field>
          <Field name={w.employer}>{d.employer.name}</Field>
          <Field name={w.uscc}>
            <span className="mono break">{d.employer.uscc}</span>
          </Field>
          <Field name={w.size}>{w.sizeOf[d.employer.sizeClass]}</Field>
          <Field name={w.submittedOn}>{d.submittedOn}</Field>
        </dl>
      </Part>
      <Part id="appointment" title={w.appointment}>
        <dl className="details">
          <Field name={w.appointed} testId="materials-appointed">
            {a.appointment.appointedAsCqo ? w.appointedYes(a.appointment.date) : w.appointedNo}
          </Field>
          <Field name={w.reports}>{yn(a.appointment.reportsToTopManagement)}</Field>
          <Field name={w.veto}>{yn(a.appointment.vetoPower)}</Field>
        </dl>
      </Part>
      <Part id="training" title={w.training}>
        <dl className="details">
          <Field name={w.certificate}>{a.training ? w.certificateValue(a.training.certificateNo, a.training.issuedOn, a.training.hours) : w.noCertificate}</Field>
          <Field name={w.trainingHours}>{w.hours(r.trainingHours)}</Field>
          <Field name={w.exam}>{r.examScore === null ? w.noExam : w.examValue(r.examScore)}</Field>
          <Field name={w.qualifications}>
            {r.qualifications.length ? (
              <ul className="plain">
                {r.qualifications.map((q, i) => (
                  <li key={i}>
                    {q.name}
                    {q.number ? <span className="mono"> · {q.number}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              w.none
            )}
          </Field>
        </dl>
      </Part>
      <Part id="integrity" title={w.integrity}>
        <dl className="details">
          <Field name={w.pledge} testId="materials-pledge">
            {r.integrity.pledgeSigned ? w.pledgeYes : w.pledgeNo}
          </Field>
          <Field name={w.credit} testId="materials-credit">
            {w.creditValue(r.integrity.creditRating)}
          </Field>
          <Field name={w.dishonest}>{yn(r.integrity.listedDishonest)}</Field>
          <Field name={w.criminal}>{r.integrity.criminalRecordInOffice ? w.has : w.none}</Field>
          <Field name={w.penalties}>
            {r.integrity.administrativePenalties.length ? (
              <ul className="plain">
                {r.integrity.administrativePenalties.map((p, i) => (
                  <li key={i}>
                    {p.date} · {p.description}
                  </li>
                ))}
              </ul>
            ) : (
              w.none
            )}
          </Field>
          <Field name={w.accidents}>
            {r.accidents.length ? (
              <ul className="plain">
                {r.accidents.map((x, i) => (
                  <li key={i}>
                    {w.accident(x.date, w.severityOf[x.severity], x.responsible)}
                    {x.description ? ` · ${x.description}` : ""}
                  </li>
                ))}
              </ul>
            ) : (
              w.none
            )}
          </Field>
          <Field name={w.falseMaterials}>{yn(d.review.falseMaterials)}</Field>
        </dl>
      </Part>
      <Part id="performance" title={w.performance}>
        <dl className="details">
          <Field name={w.awards}>
            {r.awards.length ? (
              <ul className="plain">
                {r.awards.map((x, i) => (
                  <li key={i}>
                    {x.year} · {w.awardLevelOf[x.level]} · {x.name}
                  </li>
                ))}
              </ul>
            ) : (
              w.none
            )}
          </Field>
          <Field name={w.standards}>{w.count(r.standardsDrafted)}</Field>
          <Field name={w.patents}>{w.count(r.patents)}</Field>
          <Field name={w.projects}>{w.count(r.qualityProjects)}</Field>
        </dl>
      </Part>
      <Part id="files" title={w.files}>
        {d.evidence.length === 0 ? (
          <p data-testid="materials-no-files">{w.noFiles}</p>
        ) : (
          <>
            <p className="muted">{w.filesIntro}</p>
            <ul className="evidence-list" data-testid="materials-file-list">
              {d.evidence.map((e) => (
                <li key={e.sha256} data-sha256={e.sha256}>
                  <strong>{e.name}</strong> · {evidenceKindWord(e.kind, i18n.language)}
                  <br />
                  <code className="break">SHA-256 {e.sha256}</code>
                  <EvidenceLinks api={api} sha256={e.sha256} name={e.name} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Part>
    </section>
  );
}
