/**
 * The contracts' enums as string unions, in the enums' order (contracts/CertificateTypes.sol and
 * CertifyingBodyRegistry.RulebookStatus): the chain speaks indexes, the sdk's callers speak names.
 */
import type { Address, Hex } from "viem";

export const CERTIFICATE_STATUSES = ["NotFound", "Pending", "Valid", "Suspended", "Revoked", "Expired", "Voided", "ReviewOverdue"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_STATUS_ZH: Record<CertificateStatus, string> = {
  NotFound: "不存在",
  Pending: "公示中",
  Valid: "有效",
  Suspended: "暂停",
  Revoked: "已撤销",
  Expired: "已过期",
  Voided: "已作废",
  ReviewOverdue: "年审逾期",
};

/** The outcome of an annual review (年审) a body records (contracts/CertificateTypes.sol ReviewResult). */
export const REVIEW_RESULTS = ["Passed", "FailedSuspended", "FailedRevoked"] as const;
export type ReviewResultName = (typeof REVIEW_RESULTS)[number];

export const REVIEW_RESULT_ZH: Record<ReviewResultName, string> = {
  Passed: "年审通过",
  FailedSuspended: "年审未通过，暂停",
  FailedRevoked: "年审未通过，撤销",
};

export const REVOCATION_REASONS = ["None", "Fraud", "Violation", "FailedReview", "Reissued", "HolderRequest", "BodyError", "Other"] as const;
export type RevocationReasonName = (typeof REVOCATION_REASONS)[number];

export const REVOCATION_REASON_ZH: Record<RevocationReasonName, string> = {
  None: "无",
  Fraud: "欺诈",
  Violation: "违规",
  FailedReview: "年审/复评未通过",
  Reissued: "已补发至新钱包",
  HolderRequest: "持证人申请",
  BodyError: "认定主体差错",
  Other: "其他",
};

/** Reasons a caller may give: `None` is not a revocation, `Reissued` is set only by re-issuance and `FailedReview` only by recordReview. */
export const GIVABLE_REVOCATION_REASONS = ["Fraud", "Violation", "HolderRequest", "BodyError", "Other"] as const;
export type GivableRevocationReason = (typeof GIVABLE_REVOCATION_REASONS)[number];

export const BODY_STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;
export type BodyStatus = (typeof BODY_STATUSES)[number];

export const RULEBOOK_STATUSES = ["None", "Active", "Deprecated"] as const;
export type RulebookStatus = (typeof RULEBOOK_STATUSES)[number];

/** Levels 1 (一级, highest) … 8; a body's scope is a bit mask over them. */
export const MAX_LEVEL = 8;

/** The name at `index` of an enum's names; an index the sdk does not know is a contract/sdk mismatch. */
export function enumName<T extends readonly string[]>(names: T, index: number | bigint): T[number] {
  const name = names[Number(index)];
  if (name === undefined) throw new Error(`enum index ${index} out of range (sdk older than the contract?)`);
  return name;
}

export function enumIndex<T extends readonly string[]>(names: T, name: T[number]): number {
  return names.indexOf(name);
}

/** Body ids fill a certificate number's top byte: at most 255 bodies per deployment (the contract's MAX_BODIES). */
export const MAX_BODIES = 255;

/**
 * The number `resultRoot` issues as for `bodyId`, as the contract's `certificateNumberOf` computes it: the body's
 * id in the top byte, then the root's first 56 bits. Throws for body 0 or above 255 (the contract reverts
 * `BodyNotFound`). Another body's copy of a root gets its own number.
 */
export function certificateNumberOf(bodyId: number, resultRoot: Hex): bigint {
  if (!Number.isInteger(bodyId) || bodyId < 1 || bodyId > MAX_BODIES) throw new RangeError(`body ids are 1 … ${MAX_BODIES}, not ${bodyId}`);
  return (BigInt(bodyId) << 56n) | (BigInt(resultRoot) >> 200n);
}

/** The body that issued a certificate: its number's top byte. */
export function bodyIdOfCertificate(tokenId: bigint): number {
  return Number((tokenId >> 56n) & 0xffn);
}

/** Scope bit mask ↔ levels. */
export function scopeToLevels(scope: number): number[] {
  const levels: number[] = [];
  for (let level = 1; level <= MAX_LEVEL; level++) if ((scope >> (level - 1)) & 1) levels.push(level);
  return levels;
}

export function levelsToScope(levels: readonly number[]): number {
  return levels.reduce((scope, level) => scope | (1 << (level - 1)), 0);
}

/** What a verifier is told about one certificate (`verifyCertificate`), with names and plain numbers. */
export interface CertificateVerification {
  tokenId: bigint;
  status: CertificateStatus;
  /** true exactly when status is Valid */
  valid: boolean;
  /** null unless revoked */
  revocationReason: RevocationReasonName | null;
  underObjection: boolean;
  holder: Address | null;
  bodyId: number;
  bodyAccredited: boolean;
  level: number;
  /** unix seconds of the first issuance (a renewal keeps it); 0 when not found */
  issuedAt: number;
  /** the end of the current result's public notice */
  validFrom: number;
  validUntil: number;
  rulebookId: number;
  rulebookHash: Hex;
  resultRoot: Hex;
  /** re-issued from / to (lost keys); null when none */
  predecessor: bigint | null;
  successor: bigint | null;
  /** suspended by its body's key; independent of the supervisor's (each lifts only its own) */
  suspendedByBody: boolean;
  suspendedBySupervisor: boolean;
  /** unix seconds when the current result was recorded: the issuance, or the last renewal (voids compare it) */
  evaluatedAt: number;
  /** the block of the certificate's latest event, where its history walk starts (0n when not found) */
  lastEventBlock: bigint;
  /** unix seconds when the next annual review (年审) falls due; 0 when none is due before the end of validity */
  nextReviewDue: number;
  /** annual reviews passed since the current result */
  reviewsPassed: number;
}

export interface BodyRecord {
  bodyId: number;
  admin: Address;
  status: BodyStatus;
  /** active and within its term now */
  accredited: boolean;
  accreditedUntil: number;
  /** seconds of public notice (公示) before a new certificate becomes valid */
  noticePeriod: number;
  scope: number;
  levels: number[];
  /** uint64: vouchers must name it; `cancelVouchers` replaces it with an unpredictable one */
  voucherNonce: bigint;
  /** read with `bodyMetadataURI` (not part of the on-chain record since v2) */
  metadataURI: string;
  metadataHash: Hex;
  /** certificates whose current result was recorded before this time are void (0: none) */
  voidedBefore: number;
  /** the block of the body's latest void (0: never): where a walk of its voids starts */
  lastVoidBlock: bigint;
  signingKeys: Address[];
}

export interface RulebookRecord {
  rulebookId: number;
  status: RulebookStatus;
  contentHash: Hex;
  uri: string;
  /** seconds between annual reviews, from the end of a result's notice (0: no reviews) */
  reviewInterval: number;
  /** seconds after a review falls due before its certificate is ReviewOverdue */
  reviewGrace: number;
}
