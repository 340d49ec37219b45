/**
 * Turns anything a chain call can throw into a message a person can act on, in Chinese and English: every custom
 * error of the contracts (decoded from the revert data wherever viem nested it), a signature the user declined
 * (not an error: "cancelled"), and the usual network and wallet failures.
 */
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  decodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  isHex,
  keccak256,
  NonceTooHighError,
  NonceTooLowError,
  TimeoutError,
  toHex,
  UserRejectedRequestError,
  WebSocketRequestError,
  type Hex,
} from "viem";
import { cqoErrorsAbi, type CqoErrorName } from "./abi";
import { InvalidInputError } from "./schemas";
import { BODY_STATUSES, CERTIFICATE_STATUS_ZH, CERTIFICATE_STATUSES, REVOCATION_REASONS, enumName } from "./types";

export type ErrorKind = "contract" | "cancelled" | "network" | "wallet" | "input" | "unknown";

export interface ExplainedError {
  /** the contract error's name, or one of: cancelled, network-unreachable, network-timeout, wrong-chain,
   * insufficient-funds, nonce, no-contract, reverted, invalid-input, unknown */
  code: string;
  kind: ExplainedErrorKind;
  /** false only for "cancelled": the user chose not to sign, nothing went wrong */
  isError: boolean;
  zh: string;
  en: string;
  /** the contract error's arguments, as decoded */
  args?: readonly unknown[];
}
type ExplainedErrorKind = ErrorKind;

interface Message {
  zh: string;
  en: string;
}

const date = (t: unknown): string => {
  const n = Number(t);
  return n > 0 && Number.isFinite(n) ? new Date(n * 1000).toISOString().slice(0, 10) : String(t);
};
const num = (v: unknown): string => String(v);
const bodyStatus = (v: unknown): string => {
  try {
    return enumName(BODY_STATUSES, Number(v));
  } catch {
    return String(v);
  }
};
/** A certificate status by name, in Chinese or English. */
const certStatus = (v: unknown, lang: "zh" | "en"): string => {
  try {
    const name = enumName(CERTIFICATE_STATUSES, Number(v));
    return lang === "zh" ? CERTIFICATE_STATUS_ZH[name] : name;
  } catch {
    return String(v);
  }
};
/** OpenZeppelin's schedules count the chain's block.timestamp: milliseconds on some chains (no date in seconds is that large). */
const schedule = (t: unknown): string => {
  const n = Number(t);
  return date(n > 1e11 ? Math.floor(n / 1000) : n);
};
/** Who holds a suspension: the body's key, or the supervisor (each lifts only its own). */
const suspender = (bySupervisor: unknown, lang: "zh" | "en"): string =>
  bySupervisor === true ? (lang === "zh" ? "监督方" : "the supervisor") : lang === "zh" ? "认定主体" : "the body";
const reason = (v: unknown): string => {
  try {
    return enumName(REVOCATION_REASONS, Number(v));
  } catch {
    return String(v);
  }
};

export const SUPERVISOR_ROLE: Hex = keccak256(toHex("SUPERVISOR_ROLE"));
export const DEFAULT_ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
const roleName = (role: unknown): string =>
  role === DEFAULT_ADMIN_ROLE ? "association (DEFAULT_ADMIN_ROLE)" : role === SUPERVISOR_ROLE ? "supervisor (SUPERVISOR_ROLE)" : String(role);

/**
 * One message per custom error of the contracts. Typed by the ABI's error names, so a new error in a contract
 * fails `tsc` until it has a message here (and test/sdk checks the same at run time).
 */
export const CONTRACT_ERROR_MESSAGES: Record<CqoErrorName, (a: readonly unknown[]) => Message> = {
  AccessControlBadConfirmation: () => ({ zh: "只能放弃自己的角色。", en: "An account can only renounce its own role." }),
  AccessControlEnforcedDefaultAdminDelay: (a) => ({
    zh: `协会角色的移交须等待至 ${schedule(a[0])} 之后才能接受（或该操作须先发起移交）。`,
    en: `The association's role can be accepted only after ${schedule(a[0])} (or a handover must be started first).`,
  }),
  AccessControlEnforcedDefaultAdminRules: () => ({
    zh: "协会角色不能直接授予或撤销：请用 beginDefaultAdminTransfer 发起移交，新地址在等待期后 acceptDefaultAdminTransfer 接受。",
    en: "The association's role cannot be granted or revoked directly: start a handover with beginDefaultAdminTransfer; the new address accepts with acceptDefaultAdminTransfer after the delay.",
  }),
  AccessControlInvalidDefaultAdmin: (a) => ({
    zh: `${num(a[0])} 不是待接受的协会地址：只有移交指定的新地址可以接受。`,
    en: `${num(a[0])} is not the pending association: only the address the handover names may accept it.`,
  }),
  AccessControlUnauthorizedAccount: (a) => ({
    zh: `账户 ${num(a[0])} 没有所需角色（${roleName(a[1])}）：请用协会或监督方的账户操作。`,
    en: `Account ${num(a[0])} lacks the role ${roleName(a[1])}: use the association's or the supervisor's account.`,
  }),
  BodyAccreditationExpired: (a) => ({
    zh: `认定主体 ${num(a[0])} 的认定资格已于 ${date(a[1])} 到期：请协会续期后再发证。`,
    en: `Certifying body ${num(a[0])}'s accreditation expired on ${date(a[1])}: the association must extend it first.`,
  }),
  BodyAccreditationIsRevoked: (a) => ({
    zh: `认定主体 ${num(a[0])} 的认定资格已被撤销，不可恢复。`,
    en: `Certifying body ${num(a[0])}'s accreditation is revoked for good.`,
  }),
  BodyNotActive: (a) => ({
    zh: `认定主体 ${num(a[0])} 当前状态为 ${bodyStatus(a[1])}，不能执行此操作。`,
    en: `Certifying body ${num(a[0])} is ${bodyStatus(a[1])}: this action needs another status.`,
  }),
  BodyNotSuspended: (a) => ({
    zh: `认定主体 ${num(a[0])} 当前状态为 ${bodyStatus(a[1])}，并未暂停，无需恢复。`,
    en: `Certifying body ${num(a[0])} is ${bodyStatus(a[1])}, not suspended: there is nothing to reinstate.`,
  }),
  BodyNotFound: (a) => ({ zh: `认定主体 ${num(a[0])} 不存在：请检查编号。`, en: `There is no certifying body ${num(a[0])}: check the id.` }),
  CertificateAlreadySuspended: (a) => ({
    zh: `证书 #${num(a[0])} 已被${suspender(a[1], "zh")}暂停，无需再次暂停。`,
    en: `Certificate #${num(a[0])} is already suspended by ${suspender(a[1], "en")}.`,
  }),
  CertificateNotSuspended: (a) => ({
    zh: `证书 #${num(a[0])} 未被${suspender(a[1], "zh")}暂停，无可恢复。`,
    en: `Certificate #${num(a[0])} is not suspended by ${suspender(a[1], "en")}: there is nothing to lift.`,
  }),
  CertificateAlreadyRevoked: (a) => ({
    zh: `证书 #${num(a[0])} 已撤销（${reason(a[1])}），不能再变更。`,
    en: `Certificate #${num(a[0])} is already revoked (${reason(a[1])}) and cannot change.`,
  }),
  CertificateIsVoided: (a) => ({
    zh: `证书 #${num(a[0])} 已被协会作废，不能续期或补发。`,
    en: `Certificate #${num(a[0])} was voided by the association: it cannot be renewed or re-issued.`,
  }),
  CertificateNotFound: (a) => ({ zh: `证书 #${num(a[0])} 不存在：请检查证书编号。`, en: `There is no certificate #${num(a[0])}: check the number.` }),
  CertificateNumberTaken: (a) => ({
    zh: `证书编号 #${num(a[0])} 已被本主体的另一个评价结果占用（结果根前 56 位相同）：请重新生成凭证（新的盐值）。`,
    en: `Certificate number #${num(a[0])} is taken by another of the body's result roots (same first 56 bits): rebuild the credential with fresh salts.`,
  }),
  ConsentExpired: (a) => ({
    zh: `持证人的补发同意书已于 ${date(a[0])} 过期：请新钱包重新签署。`,
    en: `The holder's re-issue consent expired on ${date(a[0])}: ask the new wallet to sign again.`,
  }),
  DateOutOfRange: (a) => ({
    zh: `日期 ${date(a[0])} 超出合约可记录的范围（部署时起 136 年内）。`,
    en: `The date ${date(a[0])} is outside what the contract can record (from its deployment, for 136 years).`,
  }),
  HoldingsFull: () => ({ zh: "该钱包持有的证书数已达上限。", en: "This wallet holds the most certificates the contract allows." }),
  InvalidReviewSchedule: (a) => ({
    zh: `年审安排无效（间隔 ${num(a[0])} 秒，宽限 ${num(a[1])} 秒）：宽限期须短于间隔，无年审则宽限期须为 0。`,
    en: `Invalid review schedule (interval ${num(a[0])} s, grace ${num(a[1])} s): the grace must be shorter than the interval, and 0 without reviews.`,
  }),
  InvalidAccreditationTerm: (a) => ({
    zh: `认定期限 ${date(a[0])} 必须晚于当前时间。`,
    en: `The accreditation term ${date(a[0])} must be in the future.`,
  }),
  InvalidAddress: () => ({ zh: "地址不能为零地址。", en: "The address must not be the zero address." }),
  InPublicNotice: (a) => ({
    zh: `证书 #${num(a[0])} 当前结果仍在公示期内（至 ${date(a[1])}）：公示期结束后才能续期或补发。`,
    en: `Certificate #${num(a[0])}'s current result is in public notice until ${date(a[1])}: renew or re-issue after it.`,
  }),
  InvalidClockUnit: (a) => ({
    zh: `时钟单位 ${num(a[0])} 无效：区块时间以秒计为 1，以毫秒计为 1000。`,
    en: `Clock unit ${num(a[0])} is invalid: 1 if block timestamps count seconds, 1000 if milliseconds.`,
  }),
  InvalidHolder: () => ({
    zh: "持证人地址无效：不能为零地址，补发时也不能是原钱包。",
    en: "Invalid holder: not the zero address, and a re-issue needs a different wallet.",
  }),
  InvalidResultRoot: () => ({ zh: "评价结果根不能为零。", en: "The result root must not be zero." }),
  InvalidRevocationReason: (a) => ({
    zh: `撤销原因 ${reason(a[0])} 不可用：请选择 Fraud、Violation、FailedReview、HolderRequest、BodyError 或 Other。`,
    en: `Revocation reason ${reason(a[0])} cannot be given: choose Fraud, Violation, FailedReview, HolderRequest, BodyError or Other.`,
  }),
  InvalidRulebookHash: () => ({ zh: "评价方案哈希不能为零。", en: "The rulebook hash must not be zero." }),
  InvalidScope: (a) => ({
    zh: `认定范围 ${num(a[0])} 无效：至少须包含一个等级。`,
    en: `Scope ${num(a[0])} is invalid: it must include at least one level.`,
  }),
  InvalidShortString: () => ({ zh: "合约内部字符串无效。", en: "Invalid short string in the contract." }),
  InvalidSignature: (a) => ({
    zh: `签名无效：不是 ${num(a[0])} 对这些数据、这条链和这个合约的签名。`,
    en: `Invalid signature: not ${num(a[0])}'s signature over this data, chain and contract.`,
  }),
  InvalidValidity: (a) => ({
    zh: `有效期至 ${date(a[0])} 必须晚于生效日 ${date(a[1])}（公示期结束）。`,
    en: `Valid-until ${date(a[0])} must be after the certificate becomes valid on ${date(a[1])} (end of public notice).`,
  }),
  LevelOutOfScope: (a) => ({
    zh: `等级 ${num(a[1])} 不在认定主体 ${num(a[0])} 的认定范围内。`,
    en: `Level ${num(a[1])} is outside certifying body ${num(a[0])}'s scope.`,
  }),
  NoReviewDue: (a) => ({
    zh: `证书 #${num(a[0])} 在有效期结束前没有待进行的年审（其评价方案不要求年审，或已到有效期末的复评）。`,
    en: `Certificate #${num(a[0])} has no annual review due before its end of validity (its rulebook asks for none, or re-evaluation takes its place).`,
  }),
  NoSuchHolding: (a) => ({
    zh: `钱包 ${num(a[0])} 没有第 ${num(a[1])} 张证书（从 0 起数）。`,
    en: `Wallet ${num(a[0])} has no certificate at index ${num(a[1])} (counted from 0).`,
  }),
  NoObjectionPending: (a) => ({
    zh: `证书 #${num(a[0])} 没有未决异议。`,
    en: `Certificate #${num(a[0])} has no pending objection.`,
  }),
  NotBodyAdmin: (a) => ({
    zh: `账户 ${num(a[1])} 不是认定主体 ${num(a[0])} 的管理员，也不是协会。`,
    en: `Account ${num(a[1])} is neither certifying body ${num(a[0])}'s admin nor the association.`,
  }),
  NotInGoodStanding: (a) => ({
    zh: `证书 #${num(a[0])} 当前为${certStatus(a[1], "zh")}（或有暂停、异议标记）：只有无任何标记、年审未逾期的证书才能续期或补发。`,
    en: `Certificate #${num(a[0])} is ${certStatus(a[1], "en")} (or carries a suspension or an objection): only a certificate with no flag and no overdue review can be renewed or re-issued.`,
  }),
  NotIssuingBody: (a) => ({
    zh: `证书 #${num(a[0])} 由认定主体 ${num(a[1])} 颁发：只有其签名密钥或监督方可以操作。`,
    en: `Certificate #${num(a[0])} was issued by body ${num(a[1])}: only its signing keys or the supervisor may act on it.`,
  }),
  NotSigningKeyOfBody: (a) => ({
    zh: `${num(a[0])} 不是认定主体 ${num(a[1])} 的签名密钥。`,
    en: `${num(a[0])} is not a signing key of body ${num(a[1])}.`,
  }),
  NoticePeriodOver: (a) => ({
    zh: `证书 #${num(a[0])} 的公示期已于 ${date(a[1])} 结束，不能再提出异议：请向认定主体或监督方投诉。`,
    en: `Certificate #${num(a[0])}'s public notice ended on ${date(a[1])}: objections are closed; complain to the body or the supervisor.`,
  }),
  ObjectionAlreadyFiled: (a) => ({
    zh: `账户 ${num(a[1])} 已对证书 #${num(a[0])} 的本次结果提出过异议：每个账户对每个结果只能提出一次。`,
    en: `Account ${num(a[1])} already objected to certificate #${num(a[0])}'s current result: one objection per account and result.`,
  }),
  ObjectionPending: (a) => ({
    zh: `证书 #${num(a[0])} 已有未决异议：请等待认定主体或监督方处理。`,
    en: `Certificate #${num(a[0])} already has a pending objection: wait for the body or the supervisor to resolve it.`,
  }),
  ReviewNotYetOpen: (a) => ({
    zh: `证书 #${num(a[0])} 的本期年审自 ${date(a[1])} 起才能记录：年审不能提前。`,
    en: `Certificate #${num(a[0])}'s next annual review can be recorded from ${date(a[1])} on, not ahead.`,
  }),
  RegistryFull: () => ({ zh: "登记表已满。", en: "The registry is full." }),
  ResultRootAlreadyUsed: (a) => ({
    zh: `本主体已用该评价结果（结果根 ${num(a[0])}）发过证，不会重复发证。`,
    en: `The body already issued a certificate with this result (root ${num(a[0])}): it will not be issued twice.`,
  }),
  ResultRootUsedByRenewal: (a) => {
    const renewed = a[1] === undefined || a[1] === null || a[1] === 0n ? undefined : num(a[1]);
    return {
      zh: `该评价结果（结果根 ${num(a[0])}）已用于${renewed ? `证书 #${renewed} 的` : ""}续期，不能再用于发证：请核对凭证，或重新生成（新的盐值）。`,
      en: `This result (root ${num(a[0])}) was used to renew ${renewed ? `certificate #${renewed}` : "a certificate"}: it cannot issue one; check the credential or rebuild it with fresh salts.`,
    };
  },
  RulebookAlreadyRegistered: (a) => ({
    zh: `该评价方案已登记，编号 ${num(a[1])}。`,
    en: `This rulebook is already registered as #${num(a[1])}.`,
  }),
  RulebookIsDeprecated: (a) => ({
    zh: `评价方案 #${num(a[0])} 已停用，不能用于新证书。`,
    en: `Rulebook #${num(a[0])} is deprecated: new certificates cannot use it.`,
  }),
  RulebookNotFound: (a) => ({ zh: `评价方案 #${num(a[0])} 未登记。`, en: `Rulebook #${num(a[0])} is not registered.` }),
  RoleHolderCannotBeSigningKey: (a) => ({
    zh: `${num(a[0])} 持有协会或监督方角色，不能兼任认定主体的签名密钥。`,
    en: `${num(a[0])} holds the association's or the supervisor's role: it cannot also be a body's signing key.`,
  }),
  SafeCastOverflowedUintDowncast: (a) => ({
    zh: `数值 ${num(a[1])} 超出 ${num(a[0])} 位整数的范围。`,
    en: `The value ${num(a[1])} does not fit in ${num(a[0])} bits.`,
  }),
  SigningKeyCannotHoldRole: (a) => ({
    zh: `${num(a[0])} 是认定主体的签名密钥，不能被授予角色（${roleName(a[1])}）：请先移除该密钥，或换一个地址。`,
    en: `${num(a[0])} is a body's signing key and cannot be granted ${roleName(a[1])}: remove the key first, or use another address.`,
  }),
  SigningKeyConsentExpired: (a) => ({
    zh: `密钥 ${num(a[0])} 的签名同意书已于 ${date(a[1])} 过期：请该密钥重新签署。`,
    en: `Key ${num(a[0])}'s consent expired on ${date(a[1])}: ask the key to sign a new one.`,
  }),
  SigningKeyConsentUsed: (a) => ({
    zh: `密钥 ${num(a[0])} 的这份同意书已使用过（每份只能用一次）：请该密钥重新签署。`,
    en: `Key ${num(a[0])}'s consent was already used (each is single use): ask the key to sign a new one.`,
  }),
  SigningKeyInUse: (a) => ({
    zh: `密钥 ${num(a[0])} 已是认定主体 ${num(a[1])} 的签名密钥：一个密钥只能服务一个主体。`,
    en: `Key ${num(a[0])} already signs for body ${num(a[1])}: a key serves one body only.`,
  }),
  Soulbound: () => ({ zh: "证书与持证人钱包绑定，不可转让；丢失钱包请申请补发。", en: "Certificates are soulbound; a lost wallet is handled by re-issuance." }),
  StringTooLong: () => ({ zh: "字符串过长。", en: "A string is too long." }),
  StringsInsufficientHexLength: () => ({ zh: "渲染证书元数据失败。", en: "Rendering the certificate metadata failed." }),
  SuspendedBySupervisor: (a) => ({
    zh: `证书 #${num(a[0])} 由监督方暂停：只有监督方可以恢复。`,
    en: `Certificate #${num(a[0])} is suspended by the supervisor: only the supervisor can lift it.`,
  }),
  UnauthorizedAccount: (a) => ({
    zh: `账户 ${num(a[0])} 无权执行此操作（不是有效的签名密钥、协会或监督方）。`,
    en: `Account ${num(a[0])} may not do this (not an active signing key, the association or the supervisor).`,
  }),
  VoidDateInFuture: (a) => ({
    zh: `作废截止时间 ${date(a[0])} 不能晚于当前时间。`,
    en: `The void date ${date(a[0])} must not be in the future.`,
  }),
  VoucherExpired: (a) => ({
    zh: `发证凭单已于 ${date(a[0])} 过期：请认定主体重新签署。`,
    en: `The issuance voucher expired on ${date(a[0])}: ask the body to sign a new one.`,
  }),
  VoucherNonceMismatch: (a) => ({
    zh: `发证凭单已作废（序号 ${num(a[1])}，当前 ${num(a[0])}）：请认定主体重新签署。`,
    en: `The voucher was cancelled (nonce ${num(a[1])}, current ${num(a[0])}): ask the body to sign a new one.`,
  }),
  VoucherSignerNotOfBody: (a) => ({
    zh: `签名者 ${num(a[0])} 不是认定主体 ${num(a[1])} 的签名密钥。`,
    en: `Signer ${num(a[0])} is not a signing key of body ${num(a[1])}.`,
  }),
};

/** The message of a contract error by name, e.g. for problems found off-chain before sending. */
export function contractErrorMessage(name: CqoErrorName, args: readonly unknown[] = []): ExplainedError {
  return { code: name, kind: "contract", isError: true, ...CONTRACT_ERROR_MESSAGES[name](args), args };
}

function isCqoErrorName(name: string): name is CqoErrorName {
  return Object.hasOwn(CONTRACT_ERROR_MESSAGES, name);
}

/** Decodes revert data against the contracts' errors; undefined if it is none of theirs. */
export function decodeCqoError(data: Hex): { name: CqoErrorName; args: readonly unknown[] } | undefined {
  try {
    const decoded = decodeErrorResult({ abi: cqoErrorsAbi, data });
    if (!isCqoErrorName(decoded.errorName)) return undefined;
    return { name: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}

/** Revert data somewhere in viem's error chain (RPC errors carry it as `data`, simulations as `raw`). */
function findRevertData(err: BaseError): Hex | undefined {
  let found: Hex | undefined;
  err.walk((e) => {
    if (found) return true;
    const candidate = e as { data?: unknown; raw?: unknown };
    for (const v of [candidate.raw, candidate.data]) {
      if (typeof v === "string" && isHex(v) && v.length >= 10) {
        found = v;
        return true;
      }
      // some nodes nest it: { data: { data: "0x…" } }
      const nested = (v as { data?: unknown } | undefined)?.data;
      if (typeof nested === "string" && isHex(nested) && nested.length >= 10) {
        found = nested;
        return true;
      }
    }
    return false;
  });
  return found;
}

const has = (err: BaseError, type: abstract new (...args: never[]) => Error): boolean => err.walk((e) => e instanceof type) !== null;

export function explainError(err: unknown): ExplainedError {
  const make = (code: string, kind: ErrorKind, m: Message): ExplainedError => ({ code, kind, isError: kind !== "cancelled", ...m });
  if (err instanceof InvalidInputError) {
    return make("invalid-input", "input", { zh: `输入无效：${err.message}`, en: `Invalid input: ${err.message}` });
  }
  // A mined transaction that reverted (the client's TransactionRevertedError, named, not imported: no cycle): the
  // reason its replay found, if any.
  const replayed = (err as { name?: unknown; explained?: ExplainedError } | null)?.explained;
  if (err instanceof Error && err.name === "TransactionRevertedError" && replayed) return replayed;
  if (!(err instanceof BaseError)) {
    const text = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    if (code === "ECONNREFUSED" || /ECONNREFUSED|fetch failed/.test(text)) {
      return make("network-unreachable", "network", { zh: "无法连接到区块链节点：请检查 RPC 地址和网络。", en: "Cannot reach the chain node: check the RPC URL and the network." });
    }
    return make("unknown", "unknown", { zh: `未知错误：${text}`, en: `Unexpected error: ${text}` });
  }
  if (has(err, UserRejectedRequestError)) {
    return make("cancelled", "cancelled", { zh: "已取消：签名请求被拒绝。", en: "Cancelled: the signature request was declined." });
  }
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.data && isCqoErrorName(reverted.data.errorName)) {
    return contractErrorMessage(reverted.data.errorName, reverted.data.args ?? []);
  }
  const data = findRevertData(err);
  const decoded = data ? decodeCqoError(data) : undefined;
  if (decoded) return contractErrorMessage(decoded.name, decoded.args);
  if (has(err, ContractFunctionZeroDataError)) {
    return make("no-contract", "network", {
      zh: "该地址上没有 CQO 证书合约：请检查部署文件（--deployment）和所连的链。",
      en: "No CQO certificate contract at that address: check the deployment file (--deployment) and the chain.",
    });
  }
  if (has(err, ChainMismatchError)) {
    return make("wrong-chain", "wallet", { zh: "钱包连接的链不对：请切换到部署所在的链。", en: "The wallet is on another chain: switch to the deployment's chain." });
  }
  if (has(err, InsufficientFundsError)) {
    return make("insufficient-funds", "wallet", { zh: "账户余额不足以支付手续费：请充值。", en: "The account cannot pay the gas: fund it first." });
  }
  if (has(err, NonceTooLowError) || has(err, NonceTooHighError)) {
    return make("nonce", "wallet", {
      zh: "交易序号冲突：该账户可能有另一笔交易正在处理，请稍后重试。",
      en: "Nonce conflict: another transaction from this account may be in flight; retry shortly.",
    });
  }
  if (has(err, TimeoutError)) {
    return make("network-timeout", "network", { zh: "区块链节点响应超时：请稍后重试。", en: "The chain node timed out: retry shortly." });
  }
  if (has(err, HttpRequestError) || has(err, WebSocketRequestError)) {
    return make("network-unreachable", "network", { zh: "无法连接到区块链节点：请检查 RPC 地址和网络。", en: "Cannot reach the chain node: check the RPC URL and the network." });
  }
  if (/revert/i.test(err.message)) {
    return make("reverted", "contract", {
      zh: `交易被合约拒绝，未给出原因：${err.shortMessage}`,
      en: `The contract refused the transaction without a reason: ${err.shortMessage}`,
    });
  }
  return make("unknown", "unknown", { zh: `未知错误：${err.shortMessage}`, en: `Unexpected error: ${err.shortMessage}` });
}
