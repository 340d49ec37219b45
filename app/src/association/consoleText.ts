/** The association console's own words (zh first, en) added with issue #14, beside the console. */
import { useTranslation } from "react-i18next";

const zh = {
  readOnly: (role: string) => `只读：当前钱包是${role}，不是协会账户，不能修改登记信息。下列表单已停用。`,
  readOnlySupervisor: "当前钱包是监督方：可以暂停、恢复认定主体和作废证书；认可主体、修改条款、管理签名密钥和评价方案需要协会账户。",
  roleBodyAdmin: (id: number) => `认定主体 #${id} 的管理员`,
  roleBodyKey: (id: number) => `认定主体 #${id} 的签名密钥（操作员）`,
  roleNobody: "没有任何角色的账户",
  disabledWhy: "需要协会账户",
  disabledWhySupervisor: "需要监督方账户",
  keysManagedInBody: "主体管理员请在“认定主体”工作台管理自己的签名密钥。",
  titles: {
    accredit: "确认认可认定主体",
    suspend: "确认暂停资格",
    reinstate: "确认恢复资格",
    revoke: "确认撤销资格",
    updateTerms: "确认修改条款",
    addKey: "确认添加签名密钥",
    removeKey: "确认移除签名密钥",
    register: "确认登记评价方案",
    deprecate: "确认停用评价方案",
    void: "确认作废证书",
  },
  cancel: "取消",
  close: "关闭",
  voidPrepare: "作废…",
  voidDateRequired: "请选择作废日期",
  voidDateFuture: "作废日期不能晚于今天",
  voidCount: (n: number, name: string, date: string) => `将作废 ${n} 张证书：${name} 在 ${date} 之前评定的全部证书（按链上记录计算，已撤销或已作废的不计）。`,
  voidNone: "按链上记录，没有证书会因此作废。",
  voidCounting: "正在按链上记录统计将作废的证书…",
  voidTypeName: (name: string) => `请输入认定主体的名称“${name}”以确认`,
  voidNameMismatch: "名称不一致",
  voidReason: "作废理由（必填，将记录其哈希）",
  voidReasonRequired: "请填写作废理由",
  voidConfirm: "作废这些证书",
  voidIrreversible: "作废后，核验这些证书将显示“已作废”。",
  /** a field's problem as the user reads it: the field's label, then what is wrong (never the sdk's path) */
  problemAt: (label: string, problem: string) => `${label}：${problem}`,
  /** the fields' labels, as the forms show them (app/src/locales association.*) */
  field: {
    admin: "主体管理员地址",
    until: "资格有效期至",
    days: "公示期（天）",
    levels: "可认定等级",
    name: "名称",
    consent: "签名密钥的同意书",
    voidDate: "作废日期",
    reason: "理由",
  },
  problem: {
    admin: "应为非零的以太坊地址（0x 加 40 位十六进制）",
    until: "应为有效的日期",
    days: "公示期应为 0 到 194 之间的整数天",
    levels: "至少选择一个等级",
    name: "名称过长（元数据不超过 2048 字符）",
    consent: "同意书无效，请重新粘贴",
    voidDate: "应为有效的日期",
    reason: "理由无效",
  },
};

type Words = typeof zh;

const en: Words = {
  readOnly: (role) => `Read-only: this wallet is ${role}, not the association's account, and cannot change the register. The forms below are disabled.`,
  readOnlySupervisor: "This wallet is the supervisor's: it may suspend and reinstate bodies and void certificates; accrediting, terms, signing keys and rulebooks need the association's account.",
  roleBodyAdmin: (id) => `the admin of certifying body #${id}`,
  roleBodyKey: (id) => `a signing key (operator) of certifying body #${id}`,
  roleNobody: "an account with no role",
  disabledWhy: "needs the association's account",
  disabledWhySupervisor: "needs the supervisor's account",
  keysManagedInBody: "A body's admin manages its signing keys in the body's workbench.",
  titles: {
    accredit: "Confirm the accreditation",
    suspend: "Confirm the suspension",
    reinstate: "Confirm the reinstatement",
    revoke: "Confirm the revocation",
    updateTerms: "Confirm the new terms",
    addKey: "Confirm adding the signing key",
    removeKey: "Confirm removing the signing key",
    register: "Confirm the rulebook's registration",
    deprecate: "Confirm deprecating the rulebook",
    void: "Confirm voiding certificates",
  },
  cancel: "Cancel",
  close: "Close",
  voidPrepare: "Void…",
  voidDateRequired: "Choose the void date",
  voidDateFuture: "The void date cannot be later than today",
  voidCount: (n, name, date) => `This will void ${n} certificates: every certificate of ${name} evaluated before ${date} (counted from the chain; revoked or already voided ones not counted).`,
  voidNone: "By the chain's records, no certificate would be voided.",
  voidCounting: "Counting the certificates it would void from the chain…",
  voidTypeName: (name) => `Type the body's name “${name}” to confirm`,
  voidNameMismatch: "The name does not match",
  voidReason: "Reason for the void (required; its hash is recorded)",
  voidReasonRequired: "Give the reason for the void",
  voidConfirm: "Void these certificates",
  voidIrreversible: "Once voided, these certificates verify as “voided”.",
  problemAt: (label, problem) => `${label}: ${problem}`,
  field: {
    admin: "Body admin address",
    until: "Accredited until",
    days: "Public notice (days)",
    levels: "Levels it may certify",
    name: "Name",
    consent: "The signing key's consent",
    voidDate: "Void date",
    reason: "Reason",
  },
  problem: {
    admin: "must be a non-zero Ethereum address (0x and 40 hex digits)",
    until: "must be a valid date",
    days: "the notice period is a whole number of days from 0 to 194",
    levels: "choose at least one level",
    name: "the name is too long (metadata is at most 2048 characters)",
    consent: "the consent is not valid: paste it again",
    voidDate: "must be a valid date",
    reason: "the reason is not valid",
  },
};

export type ConsoleField = keyof Words["field"];

/** what the transaction's box says when the sdk refused fields the form marks beside them (zh and en) */
export const FIELDS_REFUSED = {
  zh: "输入有误，未发送交易：请按字段旁的说明修改后重试。",
  en: "Some input is not valid, so nothing was sent: correct the fields as noted beside them and try again.",
} as const;

/** a field's problem in words, in the page's language: "主体管理员地址：应为非零的以太坊地址…" */
export const fieldProblemWords = (C: Words, field: ConsoleField): string => C.problemAt(C.field[field], C.problem[field]);

export function useConsoleText(): Words {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? en : zh;
}
