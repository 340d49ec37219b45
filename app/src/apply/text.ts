/** 申报 pages' words, zh-CN first and English (kept beside the pages, not in the shared locale files). */
import { useTranslation } from "react-i18next";

export interface Words {
  zh: string;
  en: string;
}

const w = (zh: string, en: string): Words => ({ zh, en });

export const TEXT = {
  title: w("申报 · 首席质量官认定", "Apply · Chief Quality Officer certification"),
  intro: w("连接钱包并登录认定主体的工作台后，可在此填写申报材料、上传证明材料、签署诚信承诺书并提交申请。", "Connect your wallet and sign in to the certifying body's workbench to fill in the application, upload evidence, sign the integrity declaration and submit."),
  connectFirst: w("请先连接钱包。", "Connect your wallet first."),
  signIn: w("登录工作台（在钱包中签名）", "Sign in to the workbench (sign in your wallet)"),
  signingIn: w("正在登录…", "Signing in…"),
  signedInAs: w("已登录工作台", "Signed in to the workbench"),
  signOut: w("退出登录", "Sign out"),
  loading: w("加载中…", "Loading…"),
  myDossiers: w("我的申报", "My applications"),
  noDossiers: w("您还没有提交过申报。", "You have not submitted an application yet."),
  number: w("申报编号", "Number"),
  state: w("状态", "State"),
  rulebook: w("评价方案", "Rulebook"),
  submittedAt: w("提交时间", "Submitted"),
  open: w("查看", "Open"),
  newApplication: w("新申报", "New application"),
  renewalApplication: w("复评申报", "Re-evaluation application"),
  draftRestored: w("已恢复本浏览器中保存的草稿。", "The draft kept in this browser was restored."),
  draftKept: w("草稿自动保存在本浏览器中（仅限当前钱包地址）。", "The draft is saved in this browser automatically (for this wallet address only)."),
  clearDraft: w("清除草稿", "Clear draft"),
  clearDraftConfirm: w("确定清除草稿？已填写的内容将全部删除。", "Clear the draft? Everything filled in will be removed."),
  yes: w("确定", "Yes"),
  cancel: w("取消", "Cancel"),
  add: w("添加", "Add"),
  remove: w("删除", "Remove"),
  none: w("无", "None"),
  // sections
  secApplicant: w("申报人", "Applicant"),
  secEmployer: w("单位", "Employer"),
  secRecords: w("申报记录", "Declared records"),
  secIntegrity: w("诚信记录", "Integrity"),
  secAccidents: w("质量事故", "Quality accidents"),
  secAwards: w("获奖情况", "Awards"),
  secQualifications: w("资格证书", "Qualifications"),
  secPenalties: w("行政处罚", "Administrative penalties"),
  secAchievements: w("考试与业绩", "Exam and achievements"),
  secRulebook: w("评价方案", "Rulebook"),
  secEvidence: w("证明材料", "Evidence"),
  secDeclaration: w("诚信承诺书", "Integrity declaration"),
  secConsent: w("公示同意", "Consent to publication"),
  // applicant
  name: w("姓名", "Name"),
  idNumber: w("居民身份证号码", "Resident ID number"),
  idNumberHint: w("18 位，最后一位为校验码（GB 11643），输入时即校验。", "18 characters, the last one a check character (GB 11643), checked as you type."),
  phone: w("联系电话", "Phone"),
  education: w("学历", "Education"),
  professionalTitle: w("职称", "Professional title"),
  qualityYears: w("从事质量管理工作年限（整年）", "Years in quality management (whole years)"),
  appointedAsCqo: w("已由法定代表人任命为首席质量官（任命书）", "Appointed Chief Quality Officer by the legal representative (letter of appointment)"),
  appointmentDate: w("任命日期", "Date of appointment"),
  reportsToTopManagement: w("直接向最高管理者报告", "Reports directly to top management"),
  vetoPower: w("拥有质量否决权", "Holds the power of quality veto"),
  hasTraining: w("持有首席质量官培训证书", "Holds a CQO training certificate"),
  trainingNo: w("培训证书编号", "Training certificate number"),
  trainingIssuedOn: w("发证日期", "Issued on"),
  trainingCourseHours: w("培训学时", "Course hours"),
  // employer
  employerName: w("单位名称", "Employer name"),
  uscc: w("统一社会信用代码", "Unified social credit code"),
  usccHint: w("18 位，最后一位为校验码（GB 32100）。", "18 characters, the last one a check character (GB 32100)."),
  sizeClass: w("企业规模", "Size"),
  // records
  pledgeSigned: w("已签署质量诚信承诺", "Signed the quality integrity pledge"),
  creditRating: w("企业信用等级", "Credit rating"),
  listedDishonest: w("被列入失信被执行人名单", "Listed as a dishonest person subject to enforcement"),
  criminalRecordInOffice: w("任职期间有刑事处罚记录", "Criminal record while in office"),
  date: w("日期", "Date"),
  description: w("说明", "Description"),
  severity: w("严重程度", "Severity"),
  responsible: w("本人负有责任", "The applicant was responsible"),
  awardLevel: w("级别", "Level"),
  awardName: w("奖项名称", "Award"),
  awardYear: w("年份", "Year"),
  qualificationName: w("证书名称", "Certificate"),
  qualificationNumber: w("证书编号", "Number"),
  examTaken: w("已参加认定考试", "Took the certification exam"),
  examScore: w("考试成绩（分，可含一位小数，满分 100）", "Exam score (points, one decimal, out of 100)"),
  trainingHours: w("继续教育学时合计", "Continuing-education hours in all"),
  standardsDrafted: w("主持或参与起草的标准（项）", "Standards drafted (count)"),
  patents: w("专利（项）", "Patents (count)"),
  qualityProjects: w("质量改进项目（项）", "Quality improvement projects (count)"),
  // evidence
  evidenceKind: w("材料类别", "Kind"),
  evidenceFile: w("选择文件（PDF、PNG、JPEG、WebP、OFD）", "Choose a file (PDF, PNG, JPEG, WebP, OFD)"),
  upload: w("上传", "Upload"),
  uploading: w("上传进度", "Upload progress"),
  uploaded: w("已上传", "Uploaded"),
  noEvidence: w("尚未上传证明材料。", "No evidence uploaded yet."),
  // declaration
  declarationVersion: w("版本", "Version"),
  consent: w("同意在公示期间公布姓名、工作单位和认定等级", "I agree that my name, employer and certified level are published during the public notice"),
  consentHint: w("单独的同意（《个人信息保护法》），默认不勾选，不影响申报；更改后需重新签署承诺书。", "A separate consent (PIPL), unticked by default and not required to apply; changing it needs a new signature of the declaration."),
  sign: w("在钱包中签署诚信承诺书", "Sign the integrity declaration in the wallet"),
  signing: w("请在钱包中确认签名…", "Confirm the signature in your wallet…"),
  signed: w("已签署诚信承诺书", "Integrity declaration signed"),
  signedStale: w("申报内容或公示同意已更改，请重新签署。", "The application or the consent changed: sign again."),
  fixFirst: w("请先更正标出的字段。", "Correct the marked fields first."),
  submit: w("提交申报", "Submit the application"),
  submitting: w("正在提交…", "Submitting…"),
  needSignature: w("提交前请先签署诚信承诺书。", "Sign the integrity declaration before submitting."),
  problemsTitle: w("请更正以下问题：", "Please correct the following:"),
  // status page
  statusTitle: w("申报进度", "Application status"),
  back: w("返回我的申报", "Back to my applications"),
  stepApply: w("申请", "Application"),
  stepAccept: w("受理", "Acceptance"),
  stepDecide: w("认定", "Assessment"),
  stepNotice: w("公示", "Public notice"),
  stepIssue: w("发证", "Certificate"),
  done: w("已完成", "done"),
  current: w("进行中", "in progress"),
  pending: w("未开始", "not yet"),
  failed: w("未通过", "not passed"),
  rejectedTitle: w("不予受理理由", "Reasons for not accepting"),
  withdrawnNote: w("本申请已撤回，个人信息已删除。", "This application was withdrawn; its personal data has been erased."),
  evaluation: w("评价结果", "Evaluation"),
  level: w("认定等级", "Level"),
  total: w("总分", "Total"),
  eligibilityFailed: w("未满足的申报条件", "Eligibility conditions not met"),
  vetoed: w("否决项", "Veto items"),
  levelReasons: w("说明", "Explanation"),
  blockers: w("暂不能发证的原因", "Why no certificate can be issued yet"),
  indicators: w("各项指标得分与说明", "Points and explanation per indicator"),
  history: w("办理记录", "History"),
  withdraw: w("撤回申请", "Withdraw"),
  withdrawConfirm: w("确定撤回本申请？撤回后申报材料中的个人信息将被删除，且不能恢复。", "Withdraw this application? Its personal data will be erased and cannot be restored."),
  withdrawNote: w("撤回说明（可选）", "Note (optional)"),
  withdrawDo: w("确认撤回", "Withdraw now"),
  withdrawn: w("已撤回", "Withdrawn"),
  toMine: w("查看我的证书", "See my certificates"),
  renewedCertificate: w("本复评结果已用于证书 {n} 续期，证书编号不变。", "This re-evaluation renewed certificate {n}; it keeps its number."),
  renewedSome: w("本复评结果已用于证书续期，证书编号不变。", "This re-evaluation renewed a certificate; it keeps its number."),
  renewedNotice: w("新结果经认定主体公示期满且无异议后生效；在此之前，原结果在其有效期内继续有效。", "The new result takes effect at the end of the body's public notice if no objection holds; until then the previous result stays in force within its validity."),
  renewedVerify: w("核验该证书", "Verify the certificate"),
  refresh: w("刷新", "Refresh"),
} as const;

export type TextKey = keyof typeof TEXT;

/** The page's language ("en" or "zh") and a lookup of its words. */
export function useWords(): { lang: "zh" | "en"; tx: (key: TextKey) => string; pick: (m: Words) => string } {
  const { i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh";
  return { lang, tx: (key) => TEXT[key][lang], pick: (m) => m[lang] };
}

/** The workbench's states (server/workflow.ts STATES), as an applicant reads them. */
export const STATE_WORDS: Record<string, Words> = {
  submitted: w("已申请，待受理", "submitted, awaiting acceptance"),
  accepted: w("已受理", "accepted"),
  rejected: w("不予受理", "not accepted"),
  assigned: w("评审中", "under assessment"),
  scored: w("评审完成，待认定", "assessed, awaiting the decision"),
  evaluated: w("已认定，待发证", "certified, awaiting issuance"),
  "not-certified": w("不予认定", "not certified"),
  flagged: w("复核中", "under re-review"),
  queued: w("待上链发证", "being issued on-chain"),
  "in-notice": w("公示中", "in public notice"),
  issued: w("已发证", "issued"),
  suspended: w("已暂停", "suspended"),
  revoked: w("已撤销", "revoked"),
  "renewal-applied": w("已用于换证", "used for a renewal"),
  withdrawn: w("已撤回", "withdrawn"),
};

export const stateWords = (state: string): Words => STATE_WORDS[state] ?? w(state, state);

export const OPTIONS = {
  education: [
    ["none", w("高中及以下", "secondary school or below")],
    ["college", w("大专", "college")],
    ["bachelor", w("本科", "bachelor")],
    ["master", w("硕士", "master")],
    ["doctor", w("博士", "doctor")],
  ],
  professionalTitle: [
    ["none", w("无", "none")],
    ["junior", w("初级", "junior")],
    ["intermediate", w("中级", "intermediate")],
    ["senior", w("高级", "senior")],
  ],
  sizeClass: [
    ["micro", w("微型", "micro")],
    ["small", w("小型", "small")],
    ["medium", w("中型", "medium")],
    ["large", w("大型", "large")],
  ],
  creditRating: [
    ["A", w("A 级", "A")],
    ["B", w("B 级", "B")],
    ["C", w("C 级", "C")],
    ["D", w("D 级", "D")],
  ],
  severity: [
    ["general", w("一般", "general")],
    ["major", w("重大", "major")],
  ],
  awardLevel: [
    ["national", w("国家级", "national")],
    ["provincial", w("省级", "provincial")],
    ["municipal", w("市级", "municipal")],
  ],
  evidenceKind: [
    ["appointment", w("任命书", "letter of appointment")],
    ["training", w("培训证书", "training certificate")],
    ["exam", w("考试成绩单", "exam transcript")],
    ["award", w("获奖证书", "award certificate")],
    ["qualification", w("资格证书", "qualification")],
    ["other", w("其他", "other")],
  ],
} as const satisfies Record<string, readonly (readonly [string, Words])[]>;
