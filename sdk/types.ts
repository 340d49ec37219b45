/**
 * The contracts' enums as string unions, in the enums' order (contracts/CertificateTypes.sol and
 * CertifyingBodyRegistry.RulebookStatus): the chain speaks indexes, the sdk's callers speak names.
 */
import type { Address, Hex } from "viem";

export const CERTIFICATE_STATUSES = ["NotFound", "Pending", "Valid", "Suspended", "Revoked", "Expired", "Voided"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_STATUS_ZH: Record<CertificateStatus, string> = {
  NotFound: "不存在",
  Pending: "公示中",
  Valid: "有效",
  Suspended: "暂停",
  Revoked: "已撤销",
  Expired: "已过期",
  Voided: "已作废",
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

/** Reasons a caller may give: `None` is not a revocation and `Reissued` is set only by re-issuance. */
export const GIVABLE_REVOCATION_REASONS = ["Fraud", "Violation", "FailedReview", "HolderRequest", "BodyError", "Other"] as const;
export type GivableRevocationReason = (typeof GIVABLE_REVOCATION_REASONS)[number];

export const BODY_STATUSES = ["None", "Active", "Suspended", "Revoked"] as const;
export type BodyStatus = (typeof BODY_STATUSES)[number];

export const CERT_STATES = ["Active", "Objected", "SuspendedByBody", "SuspendedBySupervisor"] as const;
export type CertState = (typeof CERT_STATES)[number];

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

/** A certificate's number is the top 64 bits of its result root. */
export function certificateNumberOf(resultRoot: Hex): bigint {
  return BigInt(resultRoot) >> 192n;
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
  /** unix seconds; 0 when not found */
  issuedAt: number;
  validFrom: number;
  validUntil: number;
  rulebookId: number;
  rulebookHash: Hex;
  resultRoot: Hex;
  /** re-issued from / to (lost keys); null when none */
  predecessor: bigint | null;
  successor: bigint | null;
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
  voucherNonce: number;
  metadataURI: string;
  metadataHash: Hex;
  /** certificates issued before this time are void (0: none) */
  voidedBefore: number;
  signingKeys: Address[];
}

export interface RulebookRecord {
  rulebookId: number;
  status: RulebookStatus;
  contentHash: Hex;
  uri: string;
}
