/**
 * 监督统计: the association's oversight figures, computed from what the chain says only — each certificate's
 * current view (verifyCertificate) and the contract's events — never from a body's database, and never personal
 * data. Pure functions (no I/O): the page reads the chain (supervisionData.ts) and hands the facts here; the unit
 * tests run them under mocha.
 *
 * What the chain holds of a result is its level, rulebook and a salted Merkle root: the total and the dimension
 * scores are committed in the root but not readable on chain. So the distributions here are by level; scores by
 * dimension come only from the sampling audit's answers, each checked against the root (SamplingAudit.tsx).
 *
 * The sampling rule (抽样规则), stated so anyone can redo it: the officer names a seed anyone can check (the hash of
 * a block mined after the decision to audit); each certificate of the body gets the key
 * keccak256(abi.encodePacked(bytes32 seed, uint256 tokenId)); the sample is the `size` certificates of the
 * smallest keys, in that order.
 *
 * The outlier rule (异常规则): for each body with at least MIN_CERTIFICATES certificates, its level-I share and its
 * mean level are compared with the other such bodies (leave-one-out): flagged when the value stands more than
 * OUTLIER_SDS standard deviations (sample SD of the others, at least SD_FLOOR of the metric, so identical others do
 * not turn every difference into a flag) from the others' mean. Needs at least two other bodies to compare with.
 */
import { encodePacked, keccak256, type Hex } from "viem";
import type { CertificateStatus, RevocationReasonName } from "../../../sdk/types";

/** one certificate as the chain shows it now */
export interface CertificateFact {
  tokenId: bigint;
  bodyId: number;
  level: number;
  status: CertificateStatus;
  /** unix seconds of the current result (a void compares it with the body's voidedBefore) */
  evaluatedAt: number;
  /** the number it was re-issued to (the same result under a new number), or null */
  successor: bigint | null;
  revocationReason: RevocationReasonName | null;
}

/** the contract's events the figures count (decoded by supervisionData.ts) */
export type OversightEvent =
  | { kind: "issued" | "renewed" | "reissued" | "objectionFiled"; bodyId: number; tokenId: bigint }
  | { kind: "revoked"; bodyId: number; tokenId: bigint; reason: RevocationReasonName; bySupervisor: boolean }
  | { kind: "suspended"; bodyId: number; tokenId: bigint; bySupervisor: boolean }
  | { kind: "objectionResolved"; bodyId: number; tokenId: bigint; upheld: boolean }
  | { kind: "review"; bodyId: number; tokenId: bigint; passed: boolean }
  | { kind: "voided"; bodyId: number; voidedBefore: number };

export const LEVELS = [1, 2, 3] as const;
export const MIN_CERTIFICATES = 3;
export const OUTLIER_SDS = 2;
export const SD_FLOOR = { levelIShare: 0.05, meanLevel: 0.25 } as const;
export type Metric = keyof typeof SD_FLOOR;

export interface BodyOversight {
  bodyId: number;
  /** certificates that stand for a result: every number but those re-issued to another (counted once, as the new) */
  certificates: number;
  byStatus: Partial<Record<CertificateStatus, number>>;
  byLevel: Record<number, number>;
  issued: number;
  renewed: number;
  reissued: number;
  revoked: number;
  suspensions: number;
  reviewsPassed: number;
  reviewsFailed: number;
  reviewOverdue: number;
  objectionsFiled: number;
  objectionsUpheld: number;
  objectionsDismissed: number;
  /** BodyCertificatesVoided events, and the certificates Voided now */
  voids: number;
  voided: number;
  /** level-I certificates / certificates (null: none) */
  levelIShare: number | null;
  /** the mean of the levels (1 = 一级, the highest; null: none) */
  meanLevel: number | null;
  /**
   * 公示维持率: of the results the body put to public notice (issuances, renewals and re-issues, each with its own
   * notice), the share not overturned by an upheld objection; null: none. This is the approval rate the chain can
   * show. The application approval rate (decided applications that were approved) is not: a refused application
   * never reaches the chain (PIPL minimisation), so the chain cannot count the denominator.
   */
  noticeHeldRate: number | null;
}

const emptyOversight = (bodyId: number): BodyOversight => ({
  bodyId,
  certificates: 0,
  byStatus: {},
  byLevel: Object.fromEntries(LEVELS.map((l) => [l, 0])),
  issued: 0,
  renewed: 0,
  reissued: 0,
  revoked: 0,
  suspensions: 0,
  reviewsPassed: 0,
  reviewsFailed: 0,
  reviewOverdue: 0,
  objectionsFiled: 0,
  objectionsUpheld: 0,
  objectionsDismissed: 0,
  voids: 0,
  voided: 0,
  levelIShare: null,
  meanLevel: null,
  noticeHeldRate: null,
});

/** Each body's figures, in the order of `bodyIds` (a body with no certificate gets zeros). */
export function oversightOf(bodyIds: readonly number[], certificates: readonly CertificateFact[], events: readonly OversightEvent[]): BodyOversight[] {
  const by = new Map(bodyIds.map((id) => [id, emptyOversight(id)]));
  const of = (bodyId: number) => {
    let o = by.get(bodyId);
    if (!o) by.set(bodyId, (o = emptyOversight(bodyId)));
    return o;
  };
  const levelSums = new Map<number, number>();
  for (const c of certificates) {
    if (c.status === "NotFound") continue;
    const o = of(c.bodyId);
    o.byStatus[c.status] = (o.byStatus[c.status] ?? 0) + 1;
    if (c.status === "ReviewOverdue") o.reviewOverdue++;
    if (c.status === "Voided") o.voided++;
    if (c.successor !== null) continue;
    o.certificates++;
    o.byLevel[c.level] = (o.byLevel[c.level] ?? 0) + 1;
    levelSums.set(c.bodyId, (levelSums.get(c.bodyId) ?? 0) + c.level);
  }
  for (const e of events) {
    const o = of(e.bodyId);
    switch (e.kind) {
      case "issued":
        o.issued++;
        break;
      case "renewed":
        o.renewed++;
        break;
      case "reissued":
        o.reissued++;
        break;
      case "revoked":
        if (e.reason !== "Reissued") o.revoked++;
        break;
      case "suspended":
        o.suspensions++;
        break;
      case "objectionFiled":
        o.objectionsFiled++;
        break;
      case "objectionResolved":
        if (e.upheld) o.objectionsUpheld++;
        else o.objectionsDismissed++;
        break;
      case "review":
        if (e.passed) o.reviewsPassed++;
        else o.reviewsFailed++;
        break;
      case "voided":
        o.voids++;
        break;
    }
  }
  for (const o of by.values()) {
    const noticed = o.issued + o.renewed + o.reissued;
    if (noticed > 0) o.noticeHeldRate = Math.max(0, noticed - o.objectionsUpheld) / noticed;
    if (o.certificates === 0) continue;
    o.levelIShare = (o.byLevel[1] ?? 0) / o.certificates;
    o.meanLevel = (levelSums.get(o.bodyId) ?? 0) / o.certificates;
  }
  return [...by.values()];
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** the sample standard deviation (n − 1); 0 for fewer than two values */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface AuditFlag {
  bodyId: number;
  metric: Metric;
  value: number;
  othersMean: number;
  /** the SD used: the others' sample SD, at least SD_FLOOR[metric] */
  othersSd: number;
  /** how many SDs from the others' mean (signed) */
  deviations: number;
}

/** The bodies the outlier rule (above) flags for a sampling audit, metric by metric. */
export function auditFlags(stats: readonly BodyOversight[]): AuditFlag[] {
  const compared = stats.filter((s) => s.certificates >= MIN_CERTIFICATES);
  const flags: AuditFlag[] = [];
  for (const metric of Object.keys(SD_FLOOR) as Metric[]) {
    for (const s of compared) {
      const value = s[metric];
      const others = compared.filter((o) => o.bodyId !== s.bodyId).map((o) => o[metric]).filter((v): v is number => v !== null);
      if (value === null || others.length < 2) continue;
      const othersMean = mean(others);
      const othersSd = Math.max(sampleSd(others), SD_FLOOR[metric]);
      const deviations = (value - othersMean) / othersSd;
      if (Math.abs(deviations) > OUTLIER_SDS) flags.push({ bodyId: s.bodyId, metric, value, othersMean, othersSd, deviations });
    }
  }
  return flags;
}

/** Whether the body has enough certificates to be compared, and enough others to be compared with. */
export const comparable = (stats: readonly BodyOversight[]): boolean => stats.filter((s) => s.certificates >= MIN_CERTIFICATES).length >= 3;

// ---------------------------------------------------------------- 抽样 (the sample)

export const isSeed = (s: string): s is Hex => /^0x[0-9a-fA-F]{64}$/.test(s);

/** a certificate's sampling key under `seed`: keccak256(abi.encodePacked(bytes32 seed, uint256 tokenId)) */
export const sampleKey = (seed: Hex, tokenId: bigint): Hex => keccak256(encodePacked(["bytes32", "uint256"], [seed, tokenId]));

/** The `size` certificates of the smallest keys under `seed` (all of them when fewer), smallest first. */
export function drawSample(seed: Hex, tokenIds: readonly bigint[], size: number): { tokenId: bigint; key: Hex }[] {
  if (!isSeed(seed)) throw new Error("the seed must be 32 bytes of hex (a block hash)");
  const unique = [...new Set(tokenIds)];
  return unique
    .map((tokenId) => ({ tokenId, key: sampleKey(seed, tokenId) }))
    .sort((a, b) => (BigInt(a.key) < BigInt(b.key) ? -1 : BigInt(a.key) > BigInt(b.key) ? 1 : 0))
    .slice(0, Math.max(0, Math.floor(size)));
}

// ---------------------------------------------------------------- 作废 (what a void would do)

/**
 * The certificates of `bodyId` a void dated `voidedBefore` (unix seconds) would newly void: the contract voids
 * those whose current result was recorded before the date; revoked and already-voided ones are not counted.
 */
export function voidPreview(certificates: readonly CertificateFact[], bodyId: number, voidedBefore: number): CertificateFact[] {
  return certificates.filter((c) => c.bodyId === bodyId && c.evaluatedAt < voidedBefore && c.status !== "Revoked" && c.status !== "Voided" && c.status !== "NotFound");
}
