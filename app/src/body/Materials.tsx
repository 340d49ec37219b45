/**
 * 申报材料: the whole dossier as the workbench holds it (scoring/dossier/schema.ts), in words — 基本信息, 任职, 培训,
 * 诚信记录, 业绩, 附件 — beside every decision and the score sheet. Values are said in Chinese (or English) words,
 * never as the schema's enum names. The cited files are previewed safely by EvidenceLinks (images as blob: URLs
 * in an <img>, everything else only downloaded, fetched with the bearer session).
 */
import { Fragment, type ReactNode } from "react";
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

/** One line of a section: its name, its value, and a test id where a test reads it. */
interface Line {
  name: string;
  value: ReactNode;
  testId?: string;
}

/** One section of the materials: a definition list of its lines. */
interface PartRows {
  id: string;
  title: string;
  lines: Line[];
}

function Part({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="materials-part" aria-labelledby={`materials-${id}`} data-testid={`materials-${id}`}>
      <h3 id={`materials-${id}`}>{title}</h3>
      {children}
    </section>
  );
}

function Lines({ lines }: { lines: Line[] }) {
  return (
    <dl className="details">
      {lines.map((l) => (
        <Fragment key={l.name}>
          <dt>{l.name}</dt>
          <dd data-testid={l.testId}>{l.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** A list of items, or the word for none. */
function listOr<T>(items: readonly T[], none: string, item: (x: T) => ReactNode): ReactNode {
  if (!items.length) return none;
  return (
    <ul className="plain">
      {items.map((x, i) => (
        <li key={i}>{item(x)}</li>
      ))}
    </ul>
  );
}

/** The sections of a parsed dossier, line by line, in the reader's words. */
function partsOf(d: Dossier, w: MaterialsWords): PartRows[] {
  const a = d.applicant;
  const r = d.records;
  const yn = (v: boolean) => (v ? w.yes : w.no);
  return [
    {
      id: "basic",
      title: w.basic,
      lines: [
        { name: w.name, value: a.name },
        { name: w.idNumber, value: <span className="mono break">{a.idNumber}</span> },
        { name: w.phone, value: <span className="mono">{a.phone}</span> },
        { name: w.education, value: w.educationOf[a.education], testId: "materials-education" },
        { name: w.title, value: w.titleOf[a.professionalTitle] },
        { name: w.years, value: w.yearsValue(a.qualityYears), testId: "materials-years" },
        { name: w.employer, value: d.employer.name },
        { name: w.uscc, value: <span className="mono break">{d.employer.uscc}</span> },
        { name: w.size, value: w.sizeOf[d.employer.sizeClass] },
        { name: w.submittedOn, value: d.submittedOn },
      ],
    },
    {
      id: "appointment",
      title: w.appointment,
      lines: [
        { name: w.appointed, value: a.appointment.appointedAsCqo ? w.appointedYes(a.appointment.date) : w.appointedNo, testId: "materials-appointed" },
        { name: w.reports, value: yn(a.appointment.reportsToTopManagement) },
        { name: w.veto, value: yn(a.appointment.vetoPower) },
      ],
    },
    {
      id: "training",
      title: w.training,
      lines: [
        { name: w.certificate, value: a.training ? w.certificateValue(a.training.certificateNo, a.training.issuedOn, a.training.hours) : w.noCertificate },
        { name: w.trainingHours, value: w.hours(r.trainingHours) },
        { name: w.exam, value: r.examScore === null ? w.noExam : w.examValue(r.examScore) },
        {
          name: w.qualifications,
          value: listOr(r.qualifications, w.none, (q) => (
            <>
              {q.name}
              {q.number ? <span className="mono"> · {q.number}</span> : null}
            </>
          )),
        },
      ],
    },
    {
      id: "integrity",
      title: w.integrity,
      lines: [
        { name: w.pledge, value: r.integrity.pledgeSigned ? w.pledgeYes : w.pledgeNo, testId: "materials-pledge" },
        { name: w.credit, value: w.creditValue(r.integrity.creditRating), testId: "materials-credit" },
        { name: w.dishonest, value: yn(r.integrity.listedDishonest) },
        { name: w.criminal, value: r.integrity.criminalRecordInOffice ? w.has : w.none },
        { name: w.penalties, value: listOr(r.integrity.administrativePenalties, w.none, (p) => `${p.date} · ${p.description}`) },
        {
          name: w.accidents,
          value: listOr(r.accidents, w.none, (x) => `${w.accident(x.date, w.severityOf[x.severity], x.responsible)}${x.description ? ` · ${x.description}` : ""}`),
        },
        { name: w.falseMaterials, value: yn(d.review.falseMaterials) },
      ],
    },
    {
      id: "performance",
      title: w.performance,
      lines: [
        { name: w.awards, value: listOr(r.awards, w.none, (x) => `${x.year} · ${w.awardLevelOf[x.level]} · ${x.name}`) },
        { name: w.standards, value: w.count(r.standardsDrafted) },
        { name: w.patents, value: w.count(r.patents) },
        { name: w.projects, value: w.count(r.qualityProjects) },
      ],
    },
  ];
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
  return (
    <section className="card materials" aria-labelledby="materials-heading" data-testid="materials">
      <h2 id="materials-heading">{w.heading}</h2>
      {partsOf(d, w).map((p) => (
        <Part key={p.id} id={p.id} title={p.title}>
          <Lines lines={p.lines} />
        </Part>
      ))}
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
