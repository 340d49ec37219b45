/**
 * A reference model of CQOCertificate + CertifyingBodyRegistry (contracts v2): bodies, signing keys and their
 * consents, voucher nonces, rulebooks, certificates with their independent status flags, renewals and re-issues, in
 * plain TypeScript with no chain. The property test (test/model.property.test.ts) runs random command sequences
 * against both and compares them after every step.
 *
 * Annual reviews (issue #13: the schedule, `ReviewOverdue`, `recordReview`) follow the rules of ./review-model.ts.
 *
 * The model is written from the specification (issue #11, docs V2-API and the contracts' NatSpec); the order of its
 * checks is the contracts' order, since a transaction that breaks two rules reverts with the first one checked.
 *
 * Every command runs at the model's clock (`now`, unix seconds, and `block`, the number of the block that mines the
 * transaction), and either succeeds, returning the events it emits in order (name and the arguments the model can
 * predict), or reverts with the name of a custom error and changes nothing.
 */
import { encodeAbiParameters, keccak256, toHex } from "viem";
import {
  type ReviewSchedule,
  NO_REVIEWS,
  ReviewResult,
  dueReview,
  isReviewOverdue,
  isValidSchedule,
  nextReviewDue,
} from "./review-model";

export { ReviewResult, type ReviewSchedule, NO_REVIEWS } from "./review-model";

export type Address = string; // lower-case 0x-hex

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
export const MAX_LEVEL = 8;
/** Body ids fill a certificate number's top byte. */
export const MAX_BODIES = 255;
/** `holdsValidCertificate` looks at a holder's newest certificates only. */
export const HOLDINGS_SCANNED = 16;

export enum BodyStatus {
  None,
  Active,
  Suspended,
  Revoked,
}

export enum RevocationReason {
  None,
  Fraud,
  Violation,
  FailedReview,
  Reissued,
  HolderRequest,
  BodyError,
  Other,
}

export enum CertificateStatus {
  NotFound,
  Pending,
  Valid,
  Suspended,
  Revoked,
  Expired,
  Voided,
  ReviewOverdue,
}

export enum RulebookStatus {
  None,
  Active,
  Deprecated,
}

export interface Issuance {
  holder: Address;
  resultRoot: bigint;
  level: number;
  rulebookId: number;
  validUntil: number;
}

export interface Accreditation {
  admin: Address;
  scope: number;
  accreditedUntil: number;
  noticePeriod: number;
  metadataHash: bigint;
}

/** One event as the model predicts it: its name and the arguments it can predict (others are not compared). */
export interface ModelEvent {
  name: string;
  args?: Record<string, bigint | number | boolean | string>;
}

/** What the model expects of one transaction. */
export type Outcome = { ok: true; events: ModelEvent[] } | { ok: false; error: string };

/** A reissue consent as the runner signed it: who signed, over which fields. */
export interface Consent {
  signer: Address;
  tokenId: bigint;
  newHolder: Address;
  newResultRoot: bigint;
  deadline: number;
}

/** A signing key's consent to join a body (`SigningKeyGrant`): the submitted fields and what was signed, by whom. */
export interface KeyGrant {
  key: Address;
  deadline: number;
  signed: { by: Address; bodyId: number; key: Address; deadline: number };
}

export interface Voucher {
  issuance: Issuance;
  deadline: number;
  bodyId: number;
  nonce: bigint;
}

/** A voucher's signature as the runner made it: by whom, over which voucher. */
export interface VoucherSignature {
  by: Address;
  voucher: Voucher;
}

export interface ModelBody {
  admin: Address;
  scope: number;
  accreditedUntil: number;
  noticePeriod: number;
  status: BodyStatus;
  voucherNonce: bigint;
  voidedBefore: number;
  lastVoidBlock: number;
  metadataHash: bigint;
  /** In the order OpenZeppelin's EnumerableSet keeps them (removal moves the last key into the hole). */
  keys: Address[];
}

export interface ModelCert {
  tokenId: bigint;
  holder: Address;
  bodyId: number;
  level: number;
  /** When the current result was recorded: the issuance, the latest renewal, or the re-issue (its own notice). */
  evaluatedAt: number;
  /** The first issuance, once renewed or re-issued (0: neither). */
  firstIssuedAt: number;
  /** The end of the result the latest renewal replaced: in force during the renewal's notice (0: never renewed). */
  previousValidUntil: number;
  noticePeriod: number;
  validUntil: number;
  rulebookId: number;
  /** Revoked exactly when not None; revocation keeps the flags as they were. */
  reason: RevocationReason;
  objected: boolean;
  suspendedByBody: boolean;
  suspendedBySupervisor: boolean;
  resultRoot: bigint; // the current one: the renewal's after a renewal
  originalRoot: bigint; // the one it was issued with: its number holds its top 56 bits
  predecessor: bigint;
  successor: bigint;
  lastEventBlock: number;
  /** Annual reviews passed since the current result (issuance, re-issue or renewal). */
  reviewsPassed: number;
}

/** A certificate number claimed by a renewal's root: no certificate lives there, and none may ever be issued. */
export interface RenewalClaim {
  root: bigint;
  renewedTokenId: bigint;
}

export interface ModelRulebook {
  contentHash: bigint;
  status: RulebookStatus;
  schedule: ReviewSchedule;
}

/** The fields of the contract's `CertificateView`, as plain values. */
export interface CertificateViewModel {
  tokenId: bigint;
  status: CertificateStatus;
  revocationReason: RevocationReason;
  underObjection: boolean;
  holder: Address;
  bodyId: number;
  bodyAccredited: boolean;
  level: number;
  issuedAt: number;
  validFrom: number;
  validUntil: number;
  rulebookId: number;
  rulebookHash: bigint;
  resultRoot: bigint;
  predecessor: bigint;
  successor: bigint;
  suspendedByBody: boolean;
  suspendedBySupervisor: boolean;
  evaluatedAt: number;
  lastEventBlock: number;
  nextReviewDue: number;
  reviewsPassed: number;
}

export interface UsedRoot {
  bodyId: number;
  root: bigint;
}

export interface ModelState {
  now: number;
  block: number;
  bodies: ModelBody[]; // body id = index + 1
  keyBody: Map<Address, number>;
  /** The consents already used, by what their digest covers (the domain is fixed). */
  usedKeyConsents: Set<string>;
  rulebooks: ModelRulebook[]; // rulebook id = index + 1
  certs: Map<bigint, ModelCert>;
  renewalClaims: Map<bigint, RenewalClaim>;
  holdings: Map<Address, bigint[]>;
  /** Every root ever used (issued, re-issued, renewed with) and by which body, oldest first. */
  usedRoots: UsedRoot[];
  /** Objections filed by accounts other than the issuing body's keys: `${tokenId}:${filer}:${evaluatedAt}` (once each). */
  objectionsFiled: Set<string>;
}

class Revert extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
  }
}

const fail = (errorName: string): never => {
  throw new Revert(errorName);
};

const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MASK = (1n << 64n) - 1n;

/** `certificateNumberOf(bodyId, root)`: the body's id, then the root's first 56 bits. */
export function certificateNumberOf(bodyId: number, resultRoot: bigint): bigint {
  if (bodyId === 0 || bodyId > MAX_BODIES) fail("BodyNotFound");
  return (BigInt(bodyId) << 56n) | (resultRoot >> 200n);
}

/** The body that issued a certificate: its number's top byte. */
export function bodyOfTokenId(tokenId: bigint): number {
  return Number((tokenId >> 56n) & 0xffn);
}

/**
 * The nonce `cancelVouchers` draws: `uint64(keccak256(abi.encode(blockhash(block.number - 1), bodyId, nonce)))`.
 * Unpredictable before the previous block exists; computable once it does, which is what lets the model follow.
 */
export function drawnVoucherNonce(previousBlockHash: bigint, bodyId: number, previousNonce: bigint): bigint {
  const encoded = encodeAbiParameters(
    [{ type: "bytes32" }, { type: "uint16" }, { type: "uint64" }],
    [toHex(previousBlockHash, { size: 32 }), bodyId, previousNonce],
  );
  return BigInt(keccak256(encoded)) & UINT64_MASK;
}

export class ReferenceModel {
  private s: ModelState;

  /**
   * @param epoch the contract's `EPOCH` (deployment time): stored dates count from it
   */
  constructor(
    readonly association: Address,
    readonly supervisor: Address,
    readonly epoch: number,
    now: number,
    block: number,
  ) {
    this.s = {
      now,
      block,
      bodies: [],
      keyBody: new Map(),
      usedKeyConsents: new Set(),
      rulebooks: [],
      certs: new Map(),
      renewalClaims: new Map(),
      holdings: new Map(),
      usedRoots: [],
      objectionsFiled: new Set(),
    };
  }

  // ------------------------------------------------------------------ clock and read access for the runner

  get now(): number {
    return this.s.now;
  }

  get block(): number {
    return this.s.block;
  }

  /** Moves the clock to a block (never back: blocks have increasing numbers and non-decreasing timestamps). */
  advance(time: number, block: number): void {
    if (time < this.s.now) throw new Error(`model time cannot go back: ${time} < ${this.s.now}`);
    if (block < this.s.block) throw new Error(`model block cannot go back: ${block} < ${this.s.block}`);
    this.s.now = time;
    this.s.block = block;
  }

  get bodyCount(): number {
    return this.s.bodies.length;
  }

  get rulebookCount(): number {
    return this.s.rulebooks.length;
  }

  body(bodyId: number): Readonly<ModelBody> | undefined {
    return this.s.bodies[bodyId - 1];
  }

  cert(tokenId: bigint): Readonly<ModelCert> | undefined {
    return this.s.certs.get(tokenId);
  }

  /** Every certificate number the chain knows of: issued ones, then those claimed by renewal roots. */
  knownTokenIds(): bigint[] {
    return [...this.s.certs.keys(), ...this.s.renewalClaims.keys()];
  }

  issuedTokenIds(): bigint[] {
    return [...this.s.certs.keys()];
  }

  usedRoots(): readonly UsedRoot[] {
    return this.s.usedRoots;
  }

  keyBodyOf(key: Address): number {
    return this.s.keyBody.get(key) ?? 0;
  }

  // ------------------------------------------------------------------ registry commands

  accreditBody(caller: Address, acc: Accreditation, grants: KeyGrant[]): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      if (acc.admin === ZERO_ADDRESS) fail("InvalidAddress");
      this.checkTerms(acc.scope, acc.accreditedUntil);
      if (this.s.bodies.length === MAX_BODIES) fail("RegistryFull");
      this.s.bodies.push({
        admin: acc.admin,
        scope: acc.scope,
        accreditedUntil: acc.accreditedUntil,
        noticePeriod: acc.noticePeriod,
        status: BodyStatus.Active,
        voucherNonce: 0n,
        voidedBefore: 0,
        lastVoidBlock: 0,
        metadataHash: acc.metadataHash,
        keys: [],
      });
      const bodyId = this.s.bodies.length;
      const events: ModelEvent[] = [
        { name: "BodyAccredited", args: { bodyId, admin: acc.admin, scope: acc.scope, noticePeriod: acc.noticePeriod, by: caller } },
      ];
      for (const grant of grants) events.push(this.addKey(caller, bodyId, grant));
      return events;
    });
  }

  updateBodyTerms(caller: Address, bodyId: number, scope: number, accreditedUntil: number, noticePeriod: number): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      const body = this.existingBody(bodyId);
      this.checkTerms(scope, accreditedUntil);
      body.scope = scope;
      body.accreditedUntil = accreditedUntil;
      body.noticePeriod = noticePeriod;
      return [{ name: "BodyTermsUpdated", args: { bodyId, scope, accreditedUntil, noticePeriod, by: caller } }];
    });
  }

  suspendBody(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociationOrSupervisor(caller);
      const body = this.existingBody(bodyId);
      if (body.status !== BodyStatus.Active) fail("BodyNotActive");
      body.status = BodyStatus.Suspended;
      return [{ name: "BodySuspended", args: { bodyId, by: caller } }];
    });
  }

  reinstateBody(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociationOrSupervisor(caller);
      const body = this.existingBody(bodyId);
      if (body.status !== BodyStatus.Suspended) fail("BodyNotSuspended");
      body.status = BodyStatus.Active;
      return [{ name: "BodyReinstated", args: { bodyId, by: caller } }];
    });
  }

  revokeAccreditation(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      const body = this.existingBody(bodyId);
      if (body.status === BodyStatus.Revoked) fail("BodyAccreditationIsRevoked");
      body.status = BodyStatus.Revoked;
      return [{ name: "BodyAccreditationRevoked", args: { bodyId, by: caller } }];
    });
  }

  addSigningKey(caller: Address, bodyId: number, grant: KeyGrant): Outcome {
    return this.tx(() => {
      this.requireBodyAdminOrAssociation(caller, bodyId);
      return [this.addKey(caller, bodyId, grant)];
    });
  }

  removeSigningKey(caller: Address, bodyId: number, key: Address): Outcome {
    return this.tx(() => {
      const body = this.requireBodyAdminOrAssociation(caller, bodyId);
      if (this.keyBodyOf(key) !== bodyId) fail("NotSigningKeyOfBody");
      this.s.keyBody.delete(key);
      const i = body.keys.indexOf(key);
      const last = body.keys.pop() as Address;
      if (i < body.keys.length) body.keys[i] = last;
      return [{ name: "SigningKeyRemoved", args: { bodyId, key, by: caller } }];
    });
  }

  /** @param previousBlockHash the hash of the block before the transaction's: the contract's source of the nonce */
  cancelVouchers(caller: Address, bodyId: number, previousBlockHash: bigint): Outcome {
    return this.tx(() => {
      const body = this.requireBodyAdminOrAssociation(caller, bodyId);
      body.voucherNonce = drawnVoucherNonce(previousBlockHash, bodyId, body.voucherNonce);
      return [{ name: "VouchersCancelled", args: { bodyId, nonce: body.voucherNonce, by: caller } }];
    });
  }

  voidCertificatesIssuedBefore(caller: Address, bodyId: number, voidedBefore: number): Outcome {
    return this.tx(() => {
      if (caller !== this.supervisor) fail("AccessControlUnauthorizedAccount");
      const body = this.existingBody(bodyId);
      if (voidedBefore > this.s.now) fail("VoidDateInFuture");
      const previousVoidBlock = body.lastVoidBlock;
      body.voidedBefore = voidedBefore;
      body.lastVoidBlock = this.s.block;
      return [{ name: "BodyCertificatesVoided", args: { bodyId, voidedBefore, by: caller, previousVoidBlock } }];
    });
  }

  registerRulebook(caller: Address, contentHash: bigint, schedule: ReviewSchedule = NO_REVIEWS): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      if (contentHash === 0n) fail("InvalidRulebookHash");
      if (!isValidSchedule(schedule)) fail("InvalidReviewSchedule");
      if (this.s.rulebooks.some((r) => r.contentHash === contentHash)) fail("RulebookAlreadyRegistered");
      this.s.rulebooks.push({ contentHash, status: RulebookStatus.Active, schedule: { ...schedule } });
      const rulebookId = this.s.rulebooks.length;
      return [
        {
          name: "RulebookRegistered",
          args: { rulebookId, contentHash, reviewInterval: schedule.interval, reviewGrace: schedule.grace, by: caller },
        },
      ];
    });
  }

  deprecateRulebook(caller: Address, rulebookId: number): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      this.requireActiveRulebook(rulebookId);
      this.s.rulebooks[rulebookId - 1].status = RulebookStatus.Deprecated;
      return [{ name: "RulebookDeprecated", args: { rulebookId, by: caller } }];
    });
  }

  // ------------------------------------------------------------------ issuance

  issueCertificate(caller: Address, issuance: Issuance): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      this.requireActiveRulebook(issuance.rulebookId);
      return this.issue(bodyId, issuance, caller);
    });
  }

  /** All or none; every item's rulebook must be registered and active. */
  issueCertificates(caller: Address, batch: Issuance[]): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const events: ModelEvent[] = [];
      for (const issuance of batch) {
        this.requireActiveRulebook(issuance.rulebookId);
        events.push(...this.issue(bodyId, issuance, caller));
      }
      return events;
    });
  }

  /** Anyone submits a voucher that `signer`, a key of an accredited body, signed for the body's current nonce. */
  issueWithVoucher(_submitter: Address, signer: Address, voucher: Voucher, signature: VoucherSignature): Outcome {
    return this.tx(() => {
      if (this.s.now > voucher.deadline) fail("VoucherExpired");
      const bodyId = this.issuingBody(signer);
      if (bodyId !== voucher.bodyId) fail("VoucherSignerNotOfBody");
      if (voucher.nonce !== this.s.bodies[bodyId - 1].voucherNonce) fail("VoucherNonceMismatch");
      if (signature.by !== signer || !sameVoucher(signature.voucher, voucher)) fail("InvalidSignature");
      this.requireActiveRulebook(voucher.issuance.rulebookId);
      return this.issue(bodyId, voucher.issuance, signer);
    });
  }

  // ------------------------------------------------------------------ lifecycle

  suspendCertificate(caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      const bySupervisor = this.authorize(caller, cert, false);
      if (bySupervisor ? cert.suspendedBySupervisor : cert.suspendedByBody) fail("CertificateAlreadySuspended");
      if (bySupervisor) cert.suspendedBySupervisor = true;
      else cert.suspendedByBody = true;
      return [this.certEvent(cert, "CertificateSuspended", { by: caller, bySupervisor })];
    });
  }

  /** Each lifts only its own suspension; the body only while in good standing. */
  reinstateCertificate(caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      const bySupervisor = this.authorize(caller, cert, true);
      // a revoked body's suspensions pass to the supervisor
      const takesOver = bySupervisor && !cert.suspendedBySupervisor && this.s.bodies[cert.bodyId - 1].status === BodyStatus.Revoked;
      const liftsBody = !bySupervisor || takesOver;
      const own = liftsBody ? cert.suspendedByBody : cert.suspendedBySupervisor;
      if (!own) fail(cert.suspendedBySupervisor ? "SuspendedBySupervisor" : "CertificateNotSuspended");
      if (liftsBody) cert.suspendedByBody = false;
      else cert.suspendedBySupervisor = false;
      return [this.certEvent(cert, "CertificateReinstated", { by: caller, bySupervisor })];
    });
  }

  revokeCertificate(caller: Address, tokenId: bigint, reason: RevocationReason): Outcome {
    return this.tx(() => [this.revoke(caller, tokenId, reason)]);
  }

  revokeCertificates(caller: Address, tokenIds: bigint[], reason: RevocationReason): Outcome {
    return this.tx(() => tokenIds.map((tokenId) => this.revoke(caller, tokenId, reason)));
  }

  /** Anyone, during the whole notice of the current result, whatever flags the certificate carries. */
  fileObjection(caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      if (cert.objected) fail("ObjectionPending");
      if (this.s.now >= validFromOf(cert)) fail("NoticePeriodOver");
      // once per account and result; an active issuing body's keys (the workbench's relay) are not bounded
      if (this.keyBodyOf(caller) !== cert.bodyId || this.s.bodies[cert.bodyId - 1].status !== BodyStatus.Active) {
        const filed = `${tokenId}:${caller}:${cert.evaluatedAt}`;
        if (this.s.objectionsFiled.has(filed)) fail("ObjectionAlreadyFiled");
        this.s.objectionsFiled.add(filed);
      }
      cert.objected = true;
      return [this.certEvent(cert, "ObjectionFiled", { filer: caller })];
    });
  }

  /** Upholding (a revocation) is open to a suspended or expired body; dismissing needs one in good standing. */
  resolveObjection(caller: Address, tokenId: bigint, upheld: boolean, reason: RevocationReason): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      const bySupervisor = this.authorize(caller, cert, !upheld);
      if (!cert.objected) fail("NoObjectionPending");
      const previousEventBlock = cert.lastEventBlock;
      cert.objected = false;
      const resolved = this.certEvent(cert, "ObjectionResolved", { upheld, by: caller, bySupervisor });
      if (!upheld) return [resolved];
      this.checkRevocationReason(reason);
      cert.reason = reason;
      const revoked: ModelEvent = {
        name: "CertificateRevoked",
        args: { tokenId, bodyId: cert.bodyId, reason, by: caller, bySupervisor, previousEventBlock },
      };
      return [resolved, revoked];
    });
  }

  /**
   * A new result with its own notice: only the issuing body's key, with no flag on the certificate and the current
   * notice over. The result it replaces stays in force during the new notice, until its own end.
   */
  renewCertificate(caller: Address, tokenId: bigint, newResultRoot: bigint, rulebookId: number, newValidUntil: number): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const cert = this.existingUnrevoked(tokenId);
      this.requireInGoodStanding(cert, bodyId);
      this.requireActiveRulebook(rulebookId);
      const body = this.s.bodies[bodyId - 1];
      const validFrom = this.s.now + body.noticePeriod;
      if (newValidUntil <= validFrom) fail("InvalidValidity");
      this.checkDate(newValidUntil);
      const claim = this.claimRoot(bodyId, newResultRoot);
      this.s.renewalClaims.set(claim, { root: newResultRoot, renewedTokenId: tokenId });
      this.s.usedRoots.push({ bodyId, root: newResultRoot });
      if (cert.firstIssuedAt === 0) cert.firstIssuedAt = cert.evaluatedAt;
      cert.previousValidUntil = cert.validUntil;
      cert.evaluatedAt = this.s.now;
      cert.rulebookId = rulebookId;
      cert.validUntil = newValidUntil;
      cert.noticePeriod = body.noticePeriod;
      cert.resultRoot = newResultRoot;
      cert.reviewsPassed = 0; // a new result: its schedule starts again from the end of its notice
      return [
        this.certEvent(cert, "CertificateRenewed", {
          resultRoot: newResultRoot,
          rulebookId,
          validFrom,
          validUntil: newValidUntil,
          by: caller,
        }),
      ];
    });
  }

  /**
   * An annual review (年审), see review-model.ts: the issuing body's keys only (the supervisor, other bodies and
   * strangers: `NotIssuingBody`); a passed review restores, so it needs the body in good standing, a failed one only
   * a body not revoked. Any unrevoked certificate whose review window is open, whatever its flags or status.
   */
  recordReview(caller: Address, tokenId: bigint, result: ReviewResult): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      if (this.keyBodyOf(caller) !== cert.bodyId) fail("NotIssuingBody");
      if (this.s.bodies[cert.bodyId - 1].status === BodyStatus.Revoked) fail("BodyAccreditationIsRevoked");
      if (result === ReviewResult.Passed) this.requireAccredited(cert.bodyId);
      const due = dueReview(this.scheduleOf(cert), reviewedResult(cert), this.s.now, fail);
      const previousEventBlock = cert.lastEventBlock;
      cert.lastEventBlock = this.s.block;
      const recorded = (nextReviewDue: number): ModelEvent => ({
        name: "AnnualReviewRecorded",
        args: { tokenId, bodyId: cert.bodyId, result, nextReviewDue, by: caller, previousEventBlock },
      });
      const common = { tokenId, bodyId: cert.bodyId, by: caller, bySupervisor: false, previousEventBlock };
      switch (result) {
        case ReviewResult.Passed:
          cert.reviewsPassed += 1;
          return [recorded(this.nextReviewDue(tokenId))];
        case ReviewResult.FailedSuspended: {
          const wasSuspended = cert.suspendedByBody;
          cert.suspendedByBody = true;
          // the review is still the one due: the next date does not move
          return wasSuspended ? [recorded(due)] : [recorded(due), { name: "CertificateSuspended", args: common }];
        }
        case ReviewResult.FailedRevoked:
          cert.reason = RevocationReason.FailedReview;
          return [recorded(0), { name: "CertificateRevoked", args: { ...common, reason: RevocationReason.FailedReview } }];
      }
    });
  }

  reissueCertificate(caller: Address, tokenId: bigint, newHolder: Address, newResultRoot: bigint, consent: Consent): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const old = this.existingUnrevoked(tokenId);
      this.requireInGoodStanding(old, bodyId);
      if (newHolder === ZERO_ADDRESS || newHolder === old.holder) fail("InvalidHolder");
      if (this.s.now > consent.deadline) fail("ConsentExpired");
      const signed =
        consent.signer === newHolder &&
        consent.tokenId === tokenId &&
        consent.newHolder === newHolder &&
        consent.newResultRoot === newResultRoot;
      if (!signed) fail("InvalidSignature");
      // a new wallet's own public notice: the re-issue must leave time for it before the end of validity
      const notice = this.s.bodies[bodyId - 1].noticePeriod;
      if (old.validUntil <= this.s.now + notice) fail("InvalidValidity");
      const newTokenId = this.claimRoot(bodyId, newResultRoot);
      const previousEventBlock = old.lastEventBlock;
      old.reason = RevocationReason.Reissued;
      old.successor = newTokenId;
      old.lastEventBlock = this.s.block;
      this.mint({
        ...old,
        tokenId: newTokenId,
        holder: newHolder,
        reason: RevocationReason.None,
        resultRoot: newResultRoot,
        originalRoot: newResultRoot,
        predecessor: tokenId,
        successor: 0n,
        lastEventBlock: this.s.block,
        evaluatedAt: this.s.now,
        noticePeriod: notice,
        firstIssuedAt: old.firstIssuedAt !== 0 ? old.firstIssuedAt : old.evaluatedAt,
        previousValidUntil: 0,
        reviewsPassed: 0, // its reviews count from the end of its own notice
      });
      const events: ModelEvent[] = [
        {
          name: "CertificateRevoked",
          args: { tokenId, bodyId, reason: RevocationReason.Reissued, by: caller, bySupervisor: false, previousEventBlock },
        },
        { name: "Transfer", args: { from: ZERO_ADDRESS, to: newHolder, tokenId: newTokenId } },
        { name: "Locked", args: { tokenId: newTokenId } },
        {
          name: "CertificateReissued",
          args: { tokenId, newTokenId, bodyId, newHolder, resultRoot: newResultRoot, by: caller, previousEventBlock },
        },
      ];
      return events;
    });
  }

  // ------------------------------------------------------------------ views

  isAccredited(bodyId: number): boolean {
    const body = this.s.bodies[bodyId - 1];
    return body !== undefined && body.status === BodyStatus.Active && this.s.now < body.accreditedUntil;
  }

  statusOf(tokenId: bigint): CertificateStatus {
    const cert = this.s.certs.get(tokenId);
    if (cert === undefined) return CertificateStatus.NotFound;
    if (cert.reason !== RevocationReason.None) return CertificateStatus.Revoked;
    if (cert.evaluatedAt < this.s.bodies[cert.bodyId - 1].voidedBefore) return CertificateStatus.Voided;
    if (cert.suspendedByBody || cert.suspendedBySupervisor) return CertificateStatus.Suspended;
    // Expiry first: an objection left unresolved does not keep a certificate pending past its end.
    if (this.s.now >= cert.validUntil) return CertificateStatus.Expired;
    if (cert.objected) return CertificateStatus.Pending;
    if (this.s.now < validFromOf(cert)) {
      // A renewal in notice: the result it replaces stays in force until its own end.
      return this.s.now < cert.previousValidUntil ? CertificateStatus.Valid : CertificateStatus.Pending;
    }
    if (isReviewOverdue(this.scheduleOf(cert), reviewedResult(cert), this.s.now)) return CertificateStatus.ReviewOverdue;
    return CertificateStatus.Valid;
  }

  /** When the certificate's current result next falls due for review (0: none, or no such certificate). */
  nextReviewDue(tokenId: bigint): number {
    const cert = this.s.certs.get(tokenId);
    return cert === undefined ? 0 : nextReviewDue(this.scheduleOf(cert), reviewedResult(cert));
  }

  /** The review schedule of a rulebook (none for an unknown one). */
  reviewSchedule(rulebookId: number): ReviewSchedule {
    return this.s.rulebooks[rulebookId - 1]?.schedule ?? NO_REVIEWS;
  }

  verifyCertificate(tokenId: bigint): CertificateViewModel {
    const cert = this.s.certs.get(tokenId);
    if (cert === undefined) {
      return {
        tokenId,
        status: CertificateStatus.NotFound,
        revocationReason: RevocationReason.None,
        underObjection: false,
        holder: ZERO_ADDRESS,
        bodyId: 0,
        bodyAccredited: false,
        level: 0,
        issuedAt: 0,
        validFrom: 0,
        validUntil: 0,
        rulebookId: 0,
        rulebookHash: 0n,
        resultRoot: 0n,
        predecessor: 0n,
        successor: 0n,
        suspendedByBody: false,
        suspendedBySupervisor: false,
        evaluatedAt: 0,
        lastEventBlock: 0,
        nextReviewDue: 0,
        reviewsPassed: 0,
      };
    }
    return {
      tokenId,
      status: this.statusOf(tokenId),
      revocationReason: cert.reason,
      underObjection: cert.objected && cert.reason === RevocationReason.None,
      holder: cert.holder,
      bodyId: cert.bodyId,
      bodyAccredited: this.isAccredited(cert.bodyId),
      level: cert.level,
      issuedAt: cert.firstIssuedAt !== 0 ? cert.firstIssuedAt : cert.evaluatedAt,
      validFrom: validFromOf(cert),
      validUntil: cert.validUntil,
      rulebookId: cert.rulebookId,
      rulebookHash: this.s.rulebooks[cert.rulebookId - 1]?.contentHash ?? 0n,
      resultRoot: cert.resultRoot,
      predecessor: cert.predecessor,
      successor: cert.successor,
      suspendedByBody: cert.suspendedByBody,
      suspendedBySupervisor: cert.suspendedBySupervisor,
      evaluatedAt: cert.evaluatedAt,
      lastEventBlock: cert.lastEventBlock,
      nextReviewDue: this.nextReviewDue(tokenId),
      reviewsPassed: cert.reviewsPassed,
    };
  }

  certificatesOf(holder: Address): bigint[] {
    return [...(this.s.holdings.get(holder) ?? [])];
  }

  balanceOf(holder: Address): number {
    return this.s.holdings.get(holder)?.length ?? 0;
  }

  /** Only the holder's newest `HOLDINGS_SCANNED` certificates count. */
  holdsValidCertificate(holder: Address, atLeastLevel: number): boolean {
    return this.certificatesOf(holder)
      .slice(-HOLDINGS_SCANNED)
      .some((tokenId) => this.isValidAtLevel(tokenId, atLeastLevel));
  }

  isValidCertificateOf(holder: Address, tokenId: bigint, atLeastLevel: number): boolean {
    const cert = this.s.certs.get(tokenId);
    return cert !== undefined && cert.holder === holder && holder !== ZERO_ADDRESS && this.isValidAtLevel(tokenId, atLeastLevel);
  }

  /** Whether `bodyId` used exactly this root: one sharing only its number is not used. */
  isResultRootUsed(bodyId: number, resultRoot: bigint): boolean {
    const tokenId = certificateNumberOf(bodyId, resultRoot);
    const cert = this.s.certs.get(tokenId);
    if (cert !== undefined) return sameTail(cert.originalRoot, resultRoot);
    const claim = this.s.renewalClaims.get(tokenId);
    return claim !== undefined && sameTail(claim.root, resultRoot);
  }

  // ------------------------------------------------------------------ internals

  /** Runs a command atomically: a revert restores the state as it was. */
  private tx(command: () => ModelEvent[]): Outcome {
    const saved = structuredClone(this.s);
    try {
      return { ok: true, events: command() };
    } catch (e) {
      if (!(e instanceof Revert)) throw e;
      this.s = saved;
      return { ok: false, error: e.errorName };
    }
  }

  private requireAssociation(caller: Address): void {
    if (caller !== this.association) fail("AccessControlUnauthorizedAccount");
  }

  private requireAssociationOrSupervisor(caller: Address): void {
    if (caller !== this.association && caller !== this.supervisor) fail("UnauthorizedAccount");
  }

  private existingBody(bodyId: number): ModelBody {
    const body = this.s.bodies[bodyId - 1];
    if (body === undefined) return fail("BodyNotFound");
    return body;
  }

  private requireBodyAdminOrAssociation(caller: Address, bodyId: number): ModelBody {
    const body = this.existingBody(bodyId);
    if (caller !== body.admin && caller !== this.association) fail("NotBodyAdmin");
    return body;
  }

  private checkTerms(scope: number, accreditedUntil: number): void {
    if (scope === 0) fail("InvalidScope");
    if (accreditedUntil <= this.s.now) fail("InvalidAccreditationTerm");
  }

  /** A key joins only with its own unused, unexpired consent for exactly this body; no role holder may. */
  private addKey(caller: Address, bodyId: number, grant: KeyGrant): ModelEvent {
    const key = grant.key;
    if (key === ZERO_ADDRESS) fail("InvalidAddress");
    if (this.keyBodyOf(key) !== 0) fail("SigningKeyInUse");
    if (key === this.supervisor || key === this.association) fail("RoleHolderCannotBeSigningKey");
    if (this.s.now > grant.deadline) fail("SigningKeyConsentExpired");
    const digest = `${bodyId}:${key}:${grant.deadline}`;
    if (this.s.usedKeyConsents.has(digest)) fail("SigningKeyConsentUsed");
    const { signed } = grant;
    if (signed.by !== key || signed.bodyId !== bodyId || signed.key !== key || signed.deadline !== grant.deadline) {
      fail("InvalidSignature");
    }
    this.s.usedKeyConsents.add(digest);
    this.s.keyBody.set(key, bodyId);
    this.s.bodies[bodyId - 1].keys.push(key);
    return { name: "SigningKeyAdded", args: { bodyId, key, by: caller } };
  }

  /** The body a key may issue for now: a signing key of an active body within its term. */
  private issuingBody(key: Address): number {
    const bodyId = this.keyBodyOf(key);
    if (bodyId === 0) fail("UnauthorizedAccount");
    this.requireAccredited(bodyId);
    return bodyId;
  }

  private requireAccredited(bodyId: number): void {
    const body = this.s.bodies[bodyId - 1];
    if (body.status !== BodyStatus.Active) fail("BodyNotActive");
    if (this.s.now >= body.accreditedUntil) fail("BodyAccreditationExpired");
  }

  private requireActiveRulebook(rulebookId: number): void {
    const rulebook = this.s.rulebooks[rulebookId - 1];
    if (rulebook === undefined) fail("RulebookNotFound");
    else if (rulebook.status !== RulebookStatus.Active) fail("RulebookIsDeprecated");
  }

  private inScope(scope: number, level: number): boolean {
    return level >= 1 && level <= MAX_LEVEL && ((scope >> (level - 1)) & 1) === 1;
  }

  /** A date the contract stores as a 32-bit offset from its epoch. */
  private checkDate(date: number): void {
    if (date < this.epoch || date - this.epoch > UINT32_MAX) fail("DateOutOfRange");
  }

  private issue(bodyId: number, issuance: Issuance, by: Address): ModelEvent[] {
    const body = this.s.bodies[bodyId - 1];
    if (issuance.holder === ZERO_ADDRESS) fail("InvalidHolder");
    if (!this.inScope(body.scope, issuance.level)) fail("LevelOutOfScope");
    const validFrom = this.s.now + body.noticePeriod;
    if (issuance.validUntil <= validFrom) fail("InvalidValidity");
    const tokenId = this.claimRoot(bodyId, issuance.resultRoot);
    this.checkDate(issuance.validUntil);
    this.mint({
      tokenId,
      holder: issuance.holder,
      bodyId,
      level: issuance.level,
      evaluatedAt: this.s.now,
      firstIssuedAt: 0,
      previousValidUntil: 0,
      noticePeriod: body.noticePeriod,
      validUntil: issuance.validUntil,
      rulebookId: issuance.rulebookId,
      reason: RevocationReason.None,
      objected: false,
      suspendedByBody: false,
      suspendedBySupervisor: false,
      resultRoot: issuance.resultRoot,
      originalRoot: issuance.resultRoot,
      predecessor: 0n,
      successor: 0n,
      lastEventBlock: this.s.block,
      reviewsPassed: 0,
    });
    return [
      { name: "Transfer", args: { from: ZERO_ADDRESS, to: issuance.holder, tokenId } },
      { name: "Locked", args: { tokenId } },
      {
        name: "CertificateIssued",
        args: {
          tokenId,
          bodyId,
          resultRoot: issuance.resultRoot,
          level: issuance.level,
          rulebookId: issuance.rulebookId,
          validUntil: issuance.validUntil,
          by,
        },
      },
    ];
  }

  /**
   * A body uses a root once, and its certificate numbers (body id and the root's top 56 bits) once: say which rule
   * a reused root breaks, as the contract does (a retrying client treats only `ResultRootAlreadyUsed` as issued).
   */
  private claimRoot(bodyId: number, resultRoot: bigint): bigint {
    if (resultRoot === 0n) fail("InvalidResultRoot");
    const tokenId = certificateNumberOf(bodyId, resultRoot);
    const existing = this.s.certs.get(tokenId);
    if (existing !== undefined) {
      fail(sameTail(existing.originalRoot, resultRoot) ? "ResultRootAlreadyUsed" : "CertificateNumberTaken");
    }
    const claim = this.s.renewalClaims.get(tokenId);
    if (claim !== undefined) fail(sameTail(claim.root, resultRoot) ? "ResultRootUsedByRenewal" : "CertificateNumberTaken");
    return tokenId;
  }

  private mint(cert: ModelCert): void {
    this.s.certs.set(cert.tokenId, cert);
    this.s.usedRoots.push({ bodyId: cert.bodyId, root: cert.resultRoot });
    const held = this.s.holdings.get(cert.holder) ?? [];
    held.push(cert.tokenId);
    this.s.holdings.set(cert.holder, held);
  }

  private existing(tokenId: bigint): ModelCert {
    const cert = this.s.certs.get(tokenId);
    if (cert === undefined) return fail("CertificateNotFound");
    return cert;
  }

  /** Revocation is terminal: nothing acts on a revoked certificate any more. */
  private existingUnrevoked(tokenId: bigint): ModelCert {
    const cert = this.existing(tokenId);
    if (cert.reason !== RevocationReason.None) fail("CertificateAlreadyRevoked");
    return cert;
  }

  /**
   * A current key of the issuing body, or the supervisor (true for the supervisor). A suspended or expired body's
   * keys still suspend and revoke; what restores a certificate (`restores`) needs the body in good standing; a
   * revoked body's keys can do nothing.
   */
  private authorize(caller: Address, cert: ModelCert, restores: boolean): boolean {
    if (this.keyBodyOf(caller) === cert.bodyId) {
      if (this.s.bodies[cert.bodyId - 1].status === BodyStatus.Revoked) fail("BodyAccreditationIsRevoked");
      if (restores) this.requireAccredited(cert.bodyId);
      return false;
    }
    if (caller === this.supervisor) return true;
    return fail("NotIssuingBody");
  }

  private checkRevocationReason(reason: RevocationReason): void {
    if (reason === RevocationReason.None || reason === RevocationReason.Reissued || reason === RevocationReason.FailedReview) fail("InvalidRevocationReason");
  }

  private revoke(caller: Address, tokenId: bigint, reason: RevocationReason): ModelEvent {
    this.checkRevocationReason(reason);
    const cert = this.existingUnrevoked(tokenId);
    const bySupervisor = this.authorize(caller, cert, false);
    cert.reason = reason;
    return this.certEvent(cert, "CertificateRevoked", { reason, by: caller, bySupervisor });
  }

  /** What renewal and re-issue need: this body's, no flag, not voided, notice over, level still in scope. */
  private requireInGoodStanding(cert: ModelCert, bodyId: number): void {
    if (cert.bodyId !== bodyId) fail("NotIssuingBody");
    if (cert.objected || cert.suspendedByBody || cert.suspendedBySupervisor) fail("NotInGoodStanding");
    const body = this.s.bodies[bodyId - 1];
    if (cert.evaluatedAt < body.voidedBefore) fail("CertificateIsVoided");
    if (this.s.now < validFromOf(cert)) fail("InPublicNotice");
    if (!this.inScope(body.scope, cert.level)) fail("LevelOutOfScope");
    // the annual review must not be missed (an expired certificate's status is Expired, so it may be renewed)
    if (this.statusOf(cert.tokenId) === CertificateStatus.ReviewOverdue) fail("NotInGoodStanding");
  }

  private scheduleOf(cert: ModelCert): ReviewSchedule {
    return this.s.rulebooks[cert.rulebookId - 1]?.schedule ?? NO_REVIEWS;
  }

  /** A certificate event: records this block as the certificate's latest and names the one before. */
  private certEvent(cert: ModelCert, name: string, args: Record<string, bigint | number | boolean | string>): ModelEvent {
    const previousEventBlock = cert.lastEventBlock;
    cert.lastEventBlock = this.s.block;
    return { name, args: { tokenId: cert.tokenId, bodyId: cert.bodyId, ...args, previousEventBlock } };
  }

  private isValidAtLevel(tokenId: bigint, atLeastLevel: number): boolean {
    const cert = this.s.certs.get(tokenId);
    return cert !== undefined && cert.level <= atLeastLevel && this.statusOf(tokenId) === CertificateStatus.Valid;
  }
}

/** The end of the current result's public notice. */
function validFromOf(cert: ModelCert): number {
  return cert.evaluatedAt + cert.noticePeriod;
}

/** What the review schedule of the certificate's current result depends on. */
function reviewedResult(cert: ModelCert): { validFrom: number; validUntil: number; reviewsPassed: number } {
  return { validFrom: validFromOf(cert), validUntil: cert.validUntil, reviewsPassed: cert.reviewsPassed };
}

/** Two roots of one certificate number are the same root exactly when their low 200 bits are. */
function sameTail(a: bigint, b: bigint): boolean {
  const mask = (1n << 200n) - 1n;
  return (a & mask) === (b & mask);
}

function sameVoucher(a: Voucher, b: Voucher): boolean {
  return (
    a.deadline === b.deadline &&
    a.bodyId === b.bodyId &&
    a.nonce === b.nonce &&
    a.issuance.holder === b.issuance.holder &&
    a.issuance.resultRoot === b.issuance.resultRoot &&
    a.issuance.level === b.issuance.level &&
    a.issuance.rulebookId === b.issuance.rulebookId &&
    a.issuance.validUntil === b.issuance.validUntil
  );
}
