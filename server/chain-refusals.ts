/**
 * The contract's refusals as the workbench answers them. A refusal that says the certificate or the body is not in
 * the state the call needs (already suspended, suspended by the supervisor, an objection pending, a renewal still in
 * public notice, the body suspended…) is a conflict with the chain's state: 409, with a message that names the state
 * and what to do, in Chinese and English. Any other refusal is the request's problem: 422 with the sdk's message.
 * Never a 500: the chain said no, nothing happened.
 */
import { BODY_STATUSES, CERTIFICATE_STATUSES, CERTIFICATE_STATUS_ZH, REVOCATION_REASONS, type CqoErrorName, type ExplainedError } from "../sdk";
import { HttpError, conflict, unprocessable } from "./errors";

interface Message {
  zh: string;
  en: string;
}

const name = <T extends readonly string[]>(names: T, v: unknown): T[number] | string => names[Number(v)] ?? String(v);
const day = (t: unknown): string => {
  const n = Number(t);
  return n > 0 && Number.isFinite(n) ? new Date(n * 1000).toISOString().slice(0, 10) : String(t);
};
const BODY_STATUS_ZH: Record<string, string> = { None: "未登记", Active: "正常", Suspended: "暂停", Revoked: "已撤销认可" };
const certStatusZh = (v: unknown): string => CERTIFICATE_STATUS_ZH[name(CERTIFICATE_STATUSES, v) as keyof typeof CERTIFICATE_STATUS_ZH] ?? String(v);
const who = (bySupervisor: unknown): Message => (bySupervisor === true ? { zh: "监督机构", en: "the supervisor" } : { zh: "本认定主体", en: "this body" });

/** A body that is not in good standing may suspend, revoke and uphold, but not restore. */
const NOT_IN_GOOD_STANDING_BODY: Message = {
  zh: "暂停或期满的认定主体仍可暂停、撤销证书及支持异议，但不能恢复证书或驳回异议",
  en: "a suspended or expired body may still suspend or revoke certificates and uphold objections, but may not reinstate a certificate or dismiss an objection",
};

/** Workbench messages for the refusals that are conflicts with the chain's state (args as the contract gives them). */
const CONFLICTS = {
  CertificateAlreadySuspended: ([, by]) => ({
    zh: `该证书已被${who(by).zh}暂停，无需再次暂停`,
    en: `the certificate is already suspended by ${who(by).en}`,
  }),
  CertificateNotSuspended: ([, by]) => ({
    zh: `该证书未被${who(by).zh}暂停，无可恢复`,
    en: `the certificate is not suspended by ${who(by).en}: nothing to reinstate`,
  }),
  SuspendedBySupervisor: () => ({
    zh: "该证书由监督机构暂停，只有监督机构可以恢复",
    en: "the certificate was suspended by the supervisor: only the supervisor can reinstate it",
  }),
  ObjectionPending: () => ({
    zh: "该证书有一项待处理的异议，请先处理异议",
    en: "an objection to the certificate is pending: resolve it first",
  }),
  NoObjectionPending: () => ({
    zh: "该证书没有待处理的异议（可能已在链上处理）",
    en: "no objection to the certificate is pending (it may have been resolved on-chain)",
  }),
  NotInGoodStanding: ([, status]) => ({
    zh: `证书当前状态为「${certStatusZh(status)}」，或有异议、暂停：须为无异议、未暂停、年审未逾期的证书才能换证或补发`,
    en: `the certificate is ${name(CERTIFICATE_STATUSES, status)} or carries an objection or a suspension: only a certificate in good standing (no overdue review) can be renewed or re-issued`,
  }),
  InPublicNotice: ([, validFrom]) => ({
    zh: `该证书当前的认定结果仍在公示期内（至 ${day(validFrom)}），公示期结束后才能换证或补发`,
    en: `the certificate's current result is still in public notice (until ${day(validFrom)}): renew or re-issue once the notice is over`,
  }),
  ObjectionAlreadyFiled: () => ({
    zh: "该账户已对本次认定结果提出过异议：每个账户对每个结果只能提出一次",
    en: "this account already objected to the certificate's current result: one objection per account and result",
  }),
  ReviewNotYetOpen: ([, opensAt]) => ({
    zh: `本期年审自 ${day(opensAt)} 起才能记录，不能提前`,
    en: `this period's annual review can be recorded from ${day(opensAt)} on, not ahead`,
  }),
  NoReviewDue: () => ({
    zh: "该证书在有效期结束前没有待进行的年审（评价方案不要求年审，或已到期末复评）",
    en: "no annual review is due before the certificate's end of validity (its rulebook asks for none, or re-evaluation takes its place)",
  }),
  NoticePeriodOver: ([, validFrom]) => ({
    zh: `该证书的公示期已于 ${day(validFrom)} 结束，不能再提出异议`,
    en: `the certificate's public notice ended on ${day(validFrom)}: objections are closed`,
  }),
  CertificateAlreadyRevoked: ([, reason]) => ({
    zh: `该证书已被撤销（${name(REVOCATION_REASONS, reason)}）`,
    en: `the certificate is already revoked (${name(REVOCATION_REASONS, reason)})`,
  }),
  CertificateIsVoided: () => ({
    zh: "该证书已被协会作废",
    en: "the certificate was voided by the association",
  }),
  BodyNotActive: ([bodyId, status]) => {
    const s = name(BODY_STATUSES, status);
    return {
      zh: `认定主体 ${String(bodyId)} 当前状态为「${BODY_STATUS_ZH[s] ?? s}」：${NOT_IN_GOOD_STANDING_BODY.zh}`,
      en: `body ${String(bodyId)} is ${s}: ${NOT_IN_GOOD_STANDING_BODY.en}`,
    };
  },
  BodyAccreditationExpired: ([bodyId, until]) => ({
    zh: `认定主体 ${String(bodyId)} 的认可已于 ${day(until)} 到期：${NOT_IN_GOOD_STANDING_BODY.zh}`,
    en: `body ${String(bodyId)}'s accreditation expired on ${day(until)}: ${NOT_IN_GOOD_STANDING_BODY.en}`,
  }),
  BodyAccreditationIsRevoked: ([bodyId]) => ({
    zh: `认定主体 ${String(bodyId)} 的认可已被撤销，其证书只能由监督机构处理`,
    en: `body ${String(bodyId)}'s accreditation is revoked: only the supervisor acts on its certificates`,
  }),
  ResultRootAlreadyUsed: () => ({
    zh: "本主体已用该认定结果签发过证书",
    en: "this body already issued a certificate with this result",
  }),
  ResultRootUsedByRenewal: ([, renewed]) => ({
    zh: `本主体已用该认定结果为证书 ${String(renewed)} 换证`,
    en: `this body already renewed certificate ${String(renewed)} with this result`,
  }),
  CertificateNumberTaken: ([tokenId]) => ({
    zh: `证书编号 ${String(tokenId)} 已被本主体的另一认定结果占用，请重新生成凭证`,
    en: `certificate number ${String(tokenId)} is taken by another of this body's results: build the credential again`,
  }),
} satisfies Partial<Record<CqoErrorName, (a: readonly unknown[]) => Message>>;

/** The contract errors the workbench answers with 409. */
export type StateConflictName = keyof typeof CONFLICTS;
export const STATE_CONFLICTS = Object.keys(CONFLICTS) as StateConflictName[];

const conflictText = (code: string): ((a: readonly unknown[]) => Message) | undefined => (Object.hasOwn(CONFLICTS, code) ? CONFLICTS[code as StateConflictName] : undefined);

/** Whether a contract error is a conflict with the chain's state (409) rather than a bad request (422). */
export const isStateConflict = (code: string): boolean => conflictText(code) !== undefined;

const plain = (v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

/** A contract (or input) refusal as HTTP: `chain-<ErrorName>`, 409 for a state conflict, else 422. */
export function refusal(e: ExplainedError): HttpError {
  const code = `chain-${e.code}`;
  const message = e.kind === "contract" ? conflictText(e.code) : undefined;
  if (message) {
    const text = message(e.args ?? []);
    return conflict(code, text, { contractError: e.code, args: (e.args ?? []).map(plain), chain: { zh: e.zh, en: e.en } });
  }
  return unprocessable(code, { zh: e.zh, en: e.en });
}

/**
 * The same 409 as the contract's refusal `name`, for a state the workbench reads before sending (so a client
 * matches one code whether the workbench or the contract saw it first).
 */
export function stateConflict(name: StateConflictName, args: readonly unknown[]): HttpError {
  const text = CONFLICTS[name](args);
  return conflict(`chain-${name}`, text, { contractError: name, args: args.map(plain), checkedBy: "workbench" });
}

/** Whether an error thrown by a chain call is the contract's refusal (nothing reached the chain's state). */
export const isRefusal = (err: unknown): boolean => err instanceof HttpError && (err.status === 422 || (err.status === 409 && err.code.startsWith("chain-")));
