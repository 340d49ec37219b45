/** The notice page's words (公示), zh first; chosen with the page's language (not in the shared locale files). */
import { useTranslation } from "react-i18next";

const zh = {
  heading: "公示",
  intro: "以下证书正在公示期内。姓名、单位与等级仅在申报人同意公开时显示，并在本浏览器中对照链上记录验证；公示期内任何人均可提出异议。",
  reading: "正在读取公示名单与链上记录…",
  empty: "目前没有处于公示期的证书。",
  body: (id: number, name: string | null) => (name ? `认定主体 #${id} · ${name}` : `认定主体 #${id}`),
  workbenchDown: "无法读取认定主体的公示名单",
  number: "证书编号",
  level: "等级",
  name: "姓名",
  employer: "单位",
  notDisclosed: "未同意公开姓名",
  check: "核验",
  proven: "已对照链上记录验证",
  notProven: "未能对照链上记录验证：所列姓名与单位不予显示，不能作为事实",
  levelMismatch: "披露的等级与链上记录不一致",
  noticeEnds: "公示截止",
  daysLeft: (n: number) => (n <= 0 ? "今日截止" : `剩余 ${n} 天`),
  noticeOver: "公示期已结束",
  notOnChain: "链上查不到此证书：名单所列内容不予显示",
  unknownBody: "认定主体未知",
  retry: "重新读取",
  chainStatus: "链上状态",
  objection: "异议",
  objectionOpen: "异议处理中",
  noObjection: "暂无异议",
  verify: "查看验证页",
  file: "对此提出异议",
  closeForm: "收起",
  formHeading: (n: string) => `对证书 ${n} 提出异议`,
  formIntro: "异议书将由您的钱包签名（EIP-712），经认定主体提交至链上并由其处理。请如实陈述，恶意异议须承担相应责任。",
  alreadyOpen: "该证书已有一项异议正在处理：认定主体同一时间只处理一项，新的异议会被拒绝，请待其处理后再提出。",
  signInFirst: "提交前需要连接钱包并登录认定主体的工作台（在钱包中签名一条登录消息，不产生费用）。",
  statement: "异议陈述",
  statementHint: (n: number) => `必填，最多 2000 字（已输入 ${n} 字）`,
  evidence: "证据文件（可选）",
  evidenceHint: "PDF、PNG、JPEG、WebP 或 OFD",
  submit: "签名并提交异议",
  busy: {
    signIn: "正在登录（请在钱包中确认）…",
    upload: "正在上传证据文件…",
    sign: "请在钱包中签名异议书…",
    post: "正在提交…",
  },
  filed: "异议已提交，由认定主体处理",
  problems: {
    empty: "请填写异议陈述",
    tooLong: "异议陈述最多 2000 字",
    invisible: (c: string) => `包含不可见字符或控制字符（${c}），请删除后重试`,
  },
  wrongChain: "钱包连接的不是本链：请先切换网络",
};

type Text = typeof zh;

const en: Text = {
  heading: "Public notice",
  intro: "These certificates are in their public notice. Name, employer and level are shown only where the applicant consented to publish them, and are checked in this browser against the on-chain record; anyone may object during the notice.",
  reading: "Reading the notice list and the on-chain records…",
  empty: "No certificate is in public notice now.",
  body: (id: number, name: string | null) => (name ? `Certifying body #${id} · ${name}` : `Certifying body #${id}`),
  workbenchDown: "Cannot read the certifying body's notice list",
  number: "Certificate number",
  level: "Level",
  name: "Name",
  employer: "Employer",
  notDisclosed: "Name not published (no consent)",
  check: "Check",
  proven: "checked against the on-chain record",
  notProven: "Not proven against the on-chain record: the name and employer given are not shown and are not fact",
  levelMismatch: "The level disclosed differs from the on-chain record",
  noticeEnds: "Notice ends",
  daysLeft: (n: number) => (n <= 0 ? "ends today" : n === 1 ? "1 day left" : `${n} days left`),
  noticeOver: "the notice is over",
  notOnChain: "The chain has no such certificate: nothing of the list's entry is shown",
  unknownBody: "Unknown certifying body",
  retry: "Read again",
  chainStatus: "On-chain status",
  objection: "Objection",
  objectionOpen: "an objection is open",
  noObjection: "none",
  verify: "Open its verify page",
  file: "Object to this certificate",
  closeForm: "Close",
  formHeading: (n: string) => `Object to certificate ${n}`,
  formIntro: "Your wallet signs the statement (EIP-712); the certifying body files it on chain and decides on it. State facts truthfully: a malicious objection has consequences.",
  alreadyOpen: "An objection to this certificate is already open: the body handles one at a time, so a new one is refused until it is resolved.",
  signInFirst: "To file, connect a wallet and sign in to the certifying body's workbench (a sign-in message signed in the wallet, free of charge).",
  statement: "Statement",
  statementHint: (n: number) => `required, at most 2000 characters (${n} typed)`,
  evidence: "Evidence file (optional)",
  evidenceHint: "PDF, PNG, JPEG, WebP or OFD",
  submit: "Sign and file the objection",
  busy: {
    signIn: "Signing in (confirm in the wallet)…",
    upload: "Uploading the evidence file…",
    sign: "Sign the statement in the wallet…",
    post: "Filing…",
  },
  filed: "Objection filed: the certifying body will handle it",
  problems: {
    empty: "Write the statement",
    tooLong: "The statement has at most 2000 characters",
    invisible: (c: string) => `contains an invisible or control character (${c}): remove it`,
  },
  wrongChain: "The wallet is on another chain: switch networks first",
};

export type NoticeText = Text;

export const NOTICE_TEXT: { zh: Text; en: Text } = { zh, en };

export function useNoticeText(): { x: NoticeText; lang: "zh" | "en" } {
  const { i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh";
  return { x: lang === "en" ? en : zh, lang };
}
