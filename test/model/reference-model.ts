/**
 * A reference model of CQOCertificate + CertifyingBodyRegistry: bodies, signing keys, rulebooks and certificate
 * statuses, in plain TypeScript with no chain. The property test (test/model.property.test.ts) runs random command
 * sequences against both and compares them after every step.
 *
 * The model is written from the specification (issue 2 and the contracts' NatSpec), not by translating the
 * bytecode: where the two disagree the model says what *should* happen.
 *
 * Every command runs at `now` (the block timestamp of the transaction), and either succeeds, returning the names of
 * the events it emits in order, or reverts with the name of a custom error and changes nothing.
 */

export type Address = string; // lower-case 0x-hex

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
export const MAX_LEVEL = 8;

export enum BodyStatus {
  None,
  Active,
  Suspended,
  Revoked,
}

/**
 * The contract's `CertState` (Active, Objected, SuspendedByBody, SuspendedBySupervisor) plus `Revoked`: the contract
 * records revocation as a non-zero reason; the model as a state, which is simpler to reason about.
 */
export enum CertState {
  Active,
  Objected,
  SuspendedByBody,
  SuspendedBySupervisor,
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
}

/** What the model expects of one transaction. */
export type Outcome = { ok: true; events: string[] } | { ok: false; error: string };

/** A reissue consent as the runner signed it: who signed, over which fields. */
export interface Consent {
  signer: Address;
  tokenId: bigint;
  newHolder: Address;
  newResultRoot: bigint;
  deadline: number;
}

export interface ModelBody {
  admin: Address;
  scope: number;
  accreditedUntil: number;
  noticePeriod: number;
  status: BodyStatus;
  voucherNonce: number;
  voidedBefore: number;
  /** In the order OpenZeppelin's EnumerableSet keeps them (removal moves the last key into the hole). */
  keys: Address[];
}

export interface ModelCert {
  tokenId: bigint;
  holder: Address;
  bodyId: number;
  level: number;
  issuedAt: number;
  noticePeriod: number;
  validUntil: number;
  rulebookId: number;
  state: CertState;
  reason: RevocationReason;
  resultRoot: bigint; // the current one: the renewal's after a renewal
  originalRoot: bigint; // the one it was issued with: its number's top 64 bits
  predecessor: bigint;
  successor: bigint;
}

export interface ModelRulebook {
  contentHash: bigint;
  status: RulebookStatus;
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
}

export interface ModelState {
  now: number;
  bodies: ModelBody[]; // body id = index + 1
  keyBody: Map<Address, number>;
  rulebooks: ModelRulebook[]; // rulebook id = index + 1
  certs: Map<bigint, ModelCert>;
  /** Certificate numbers claimed by a renewal's root: no certificate may ever be issued there. */
  renewalClaims: Set<bigint>;
  holdings: Map<Address, bigint[]>;
  /** Every root ever used (issued, re-issued, renewed with), oldest first: the generator reuses them. */
  usedRoots: bigint[];
}

class Revert extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
  }
}

const fail = (errorName: string): never => {
  throw new Revert(errorName);
};

const UINT40_MAX = 2 ** 40 - 1;

export function certificateNumberOf(resultRoot: bigint): bigint {
  return resultRoot >> 192n;
}

export class ReferenceModel {
  private s: ModelState;

  constructor(
    readonly association: Address,
    readonly supervisor: Address,
    now: number,
  ) {
    this.s = {
      now,
      bodies: [],
      keyBody: new Map(),
      rulebooks: [],
      certs: new Map(),
      renewalClaims: new Set(),
      holdings: new Map(),
      usedRoots: [],
    };
  }

  // ------------------------------------------------------------------ time and read access for the runner

  get now(): number {
    return this.s.now;
  }

  /** Moves the clock forward (never back: blocks have increasing timestamps). */
  setTime(t: number): void {
    if (t < this.s.now) throw new Error(`model time cannot go back: ${t} < ${this.s.now}`);
    this.s.now = t;
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
    return [...this.s.certs.keys(), ...this.s.renewalClaims];
  }

  issuedTokenIds(): bigint[] {
    return [...this.s.certs.keys()];
  }

  usedRoots(): readonly bigint[] {
    return this.s.usedRoots;
  }

  keyBodyOf(key: Address): number {
    return this.s.keyBody.get(key) ?? 0;
  }

  // ------------------------------------------------------------------ registry commands

  accreditBody(caller: Address, acc: Accreditation, keys: Address[]): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      if (acc.admin === ZERO_ADDRESS) fail("InvalidAddress");
      this.checkTerms(acc.scope, acc.accreditedUntil);
      this.s.bodies.push({
        admin: acc.admin,
        scope: acc.scope,
        accreditedUntil: acc.accreditedUntil,
        noticePeriod: acc.noticePeriod,
        status: BodyStatus.Active,
        voucherNonce: 0,
        voidedBefore: 0,
        keys: [],
      });
      const bodyId = this.s.bodies.length;
      const events = ["BodyAccredited"];
      for (const key of keys) events.push(this.addKey(bodyId, key));
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
      return ["BodyTermsUpdated"];
    });
  }

  suspendBody(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociationOrSupervisor(caller);
      const body = this.existingBody(bodyId);
      if (body.status !== BodyStatus.Active) fail("BodyNotActive");
      body.status = BodyStatus.Suspended;
      return ["BodySuspended"];
    });
  }

  reinstateBody(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociationOrSupervisor(caller);
      const body = this.existingBody(bodyId);
      if (body.status !== BodyStatus.Suspended) fail("BodyNotSuspended");
      body.status = BodyStatus.Active;
      return ["BodyReinstated"];
    });
  }

  revokeAccreditation(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      const body = this.existingBody(bodyId);
      if (body.status === BodyStatus.Revoked) fail("BodyAccreditationIsRevoked");
      body.status = BodyStatus.Revoked;
      return ["BodyAccreditationRevoked"];
    });
  }

  addSigningKey(caller: Address, bodyId: number, key: Address): Outcome {
    return this.tx(() => {
      this.requireBodyAdminOrAssociation(caller, bodyId);
      return [this.addKey(bodyId, key)];
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
      return ["SigningKeyRemoved"];
    });
  }

  increaseVoucherNonce(caller: Address, bodyId: number): Outcome {
    return this.tx(() => {
      const body = this.requireBodyAdminOrAssociation(caller, bodyId);
      body.voucherNonce += 1;
      return ["VoucherNonceIncreased"];
    });
  }

  voidCertificatesIssuedBefore(caller: Address, bodyId: number, voidedBefore: number): Outcome {
    return this.tx(() => {
      if (caller !== this.supervisor) fail("AccessControlUnauthorizedAccount");
      const body = this.existingBody(bodyId);
      if (voidedBefore > this.s.now) fail("VoidDateInFuture");
      body.voidedBefore = voidedBefore;
      return ["BodyCertificatesVoided"];
    });
  }

  registerRulebook(caller: Address, contentHash: bigint): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      if (contentHash === 0n) fail("InvalidRulebookHash");
      if (this.s.rulebooks.some((r) => r.contentHash === contentHash)) fail("RulebookAlreadyRegistered");
      this.s.rulebooks.push({ contentHash, status: RulebookStatus.Active });
      return ["RulebookRegistered"];
    });
  }

  deprecateRulebook(caller: Address, rulebookId: number): Outcome {
    return this.tx(() => {
      this.requireAssociation(caller);
      this.requireActiveRulebook(rulebookId);
      this.s.rulebooks[rulebookId - 1].status = RulebookStatus.Deprecated;
      return ["RulebookDeprecated"];
    });
  }

  // ------------------------------------------------------------------ issuance

  issueCertificate(caller: Address, issuance: Issuance): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      this.requireActiveRulebook(issuance.rulebookId);
      return this.issue(bodyId, issuance);
    });
  }

  /** All or none; every item's rulebook must be registered and active. */
  issueCertificates(caller: Address, batch: Issuance[]): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const events: string[] = [];
      for (const issuance of batch) {
        this.requireActiveRulebook(issuance.rulebookId);
        events.push(...this.issue(bodyId, issuance));
      }
      return events;
    });
  }

  // ------------------------------------------------------------------ lifecycle

  suspendCertificate(caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      const bySupervisor = this.authorize(caller, cert);
      if (cert.state !== CertState.Active) fail("InvalidCertificateState");
      cert.state = bySupervisor ? CertState.SuspendedBySupervisor : CertState.SuspendedByBody;
      return ["CertificateSuspended"];
    });
  }

  reinstateCertificate(caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      const bySupervisor = this.authorize(caller, cert);
      if (cert.state === CertState.SuspendedBySupervisor) {
        if (!bySupervisor) fail("UnauthorizedAccount");
      } else if (cert.state !== CertState.SuspendedByBody) {
        fail("InvalidCertificateState");
      }
      cert.state = CertState.Active;
      return ["CertificateReinstated"];
    });
  }

  revokeCertificate(caller: Address, tokenId: bigint, reason: RevocationReason): Outcome {
    return this.tx(() => this.revoke(caller, tokenId, reason));
  }

  revokeCertificates(caller: Address, tokenIds: bigint[], reason: RevocationReason): Outcome {
    return this.tx(() => tokenIds.flatMap((tokenId) => this.revoke(caller, tokenId, reason)));
  }

  fileObjection(_caller: Address, tokenId: bigint): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      if (cert.state !== CertState.Active) fail("InvalidCertificateState");
      if (this.s.now >= cert.issuedAt + cert.noticePeriod) fail("NoticePeriodOver");
      cert.state = CertState.Objected;
      return ["ObjectionFiled"];
    });
  }

  resolveObjection(caller: Address, tokenId: bigint, upheld: boolean, reason: RevocationReason): Outcome {
    return this.tx(() => {
      const cert = this.existingUnrevoked(tokenId);
      this.authorize(caller, cert);
      if (cert.state !== CertState.Objected) fail("InvalidCertificateState");
      if (!upheld) {
        cert.state = CertState.Active;
        return ["ObjectionResolved"];
      }
      this.checkRevocationReason(reason);
      cert.state = CertState.Revoked;
      cert.reason = reason;
      return ["ObjectionResolved", "CertificateRevoked"];
    });
  }

  renewCertificate(caller: Address, tokenId: bigint, newResultRoot: bigint, rulebookId: number, newValidUntil: number): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const cert = this.existingUnrevoked(tokenId);
      this.requireRenewable(cert, bodyId);
      this.requireActiveRulebook(rulebookId);
      const validFrom = cert.issuedAt + cert.noticePeriod;
      if (newValidUntil <= this.s.now || newValidUntil <= validFrom) fail("InvalidValidity");
      const claim = this.claimRoot(newResultRoot);
      this.s.renewalClaims.add(claim);
      this.s.usedRoots.push(newResultRoot);
      cert.rulebookId = rulebookId;
      cert.validUntil = newValidUntil;
      cert.resultRoot = newResultRoot;
      return ["CertificateRenewed"];
    });
  }

  reissueCertificate(caller: Address, tokenId: bigint, newHolder: Address, newResultRoot: bigint, consent: Consent): Outcome {
    return this.tx(() => {
      const bodyId = this.issuingBody(caller);
      const old = this.existingUnrevoked(tokenId);
      this.requireRenewable(old, bodyId);
      if (newHolder === ZERO_ADDRESS || newHolder === old.holder) fail("InvalidHolder");
      if (this.s.now > consent.deadline) fail("ConsentExpired");
      const signed =
        consent.signer === newHolder &&
        consent.tokenId === tokenId &&
        consent.newHolder === newHolder &&
        consent.newResultRoot === newResultRoot;
      if (!signed) fail("InvalidSignature");
      const newTokenId = this.claimRoot(newResultRoot);
      old.state = CertState.Revoked;
      old.reason = RevocationReason.Reissued;
      old.successor = newTokenId;
      this.mint({
        tokenId: newTokenId,
        holder: newHolder,
        bodyId: old.bodyId,
        level: old.level,
        issuedAt: old.issuedAt,
        noticePeriod: old.noticePeriod,
        validUntil: old.validUntil,
        rulebookId: old.rulebookId,
        state: CertState.Active,
        reason: RevocationReason.None,
        resultRoot: newResultRoot,
        originalRoot: newResultRoot,
        predecessor: tokenId,
        successor: 0n,
      });
      return ["CertificateRevoked", "Transfer", "Locked", "CertificateReissued"];
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
    if (cert.state === CertState.Revoked) return CertificateStatus.Revoked;
    if (cert.issuedAt < this.s.bodies[cert.bodyId - 1].voidedBefore) return CertificateStatus.Voided;
    if (cert.state === CertState.SuspendedByBody || cert.state === CertState.SuspendedBySupervisor) {
      return CertificateStatus.Suspended;
    }
    if (this.s.now >= cert.validUntil) return CertificateStatus.Expired;
    if (cert.state === CertState.Objected || this.s.now < cert.issuedAt + cert.noticePeriod) {
      return CertificateStatus.Pending;
    }
    return CertificateStatus.Valid;
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
      };
    }
    return {
      tokenId,
      status: this.statusOf(tokenId),
      revocationReason: cert.reason,
      underObjection: cert.state === CertState.Objected,
      holder: cert.holder,
      bodyId: cert.bodyId,
      bodyAccredited: this.isAccredited(cert.bodyId),
      level: cert.level,
      issuedAt: cert.issuedAt,
      validFrom: cert.issuedAt + cert.noticePeriod,
      validUntil: cert.validUntil,
      rulebookId: cert.rulebookId,
      rulebookHash: this.s.rulebooks[cert.rulebookId - 1]?.contentHash ?? 0n,
      resultRoot: cert.resultRoot,
      predecessor: cert.predecessor,
      successor: cert.successor,
    };
  }

  certificatesOf(holder: Address): bigint[] {
    return [...(this.s.holdings.get(holder) ?? [])];
  }

  balanceOf(holder: Address): number {
    return this.s.holdings.get(holder)?.length ?? 0;
  }

  holdsValidCertificate(holder: Address, atLeastLevel: number): boolean {
    return this.certificatesOf(holder).some((tokenId) => {
      const cert = this.s.certs.get(tokenId) as ModelCert;
      return cert.level <= atLeastLevel && this.statusOf(tokenId) === CertificateStatus.Valid;
    });
  }

  isResultRootUsed(resultRoot: bigint): boolean {
    const tokenId = certificateNumberOf(resultRoot);
    return this.s.certs.has(tokenId) || this.s.renewalClaims.has(tokenId);
  }

  // ------------------------------------------------------------------ internals

  /** Runs a command atomically: a revert restores the state as it was. */
  private tx(command: () => string[]): Outcome {
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

  private addKey(bodyId: number, key: Address): string {
    if (key === ZERO_ADDRESS) fail("InvalidAddress");
    if (this.keyBodyOf(key) !== 0) fail("SigningKeyInUse");
    this.s.keyBody.set(key, bodyId);
    this.s.bodies[bodyId - 1].keys.push(key);
    return "SigningKeyAdded";
  }

  /** The body a caller may issue for now: a signing key of an active body within its term. */
  private issuingBody(caller: Address): number {
    const bodyId = this.keyBodyOf(caller);
    if (bodyId === 0) fail("UnauthorizedAccount");
    const body = this.s.bodies[bodyId - 1];
    if (body.status !== BodyStatus.Active) fail("BodyNotActive");
    if (this.s.now >= body.accreditedUntil) fail("BodyAccreditationExpired");
    return bodyId;
  }

  private requireActiveRulebook(rulebookId: number): void {
    const rulebook = this.s.rulebooks[rulebookId - 1];
    if (rulebook === undefined) fail("RulebookNotFound");
    else if (rulebook.status !== RulebookStatus.Active) fail("RulebookIsDeprecated");
  }

  private inScope(scope: number, level: number): boolean {
    return level >= 1 && level <= MAX_LEVEL && ((scope >> (level - 1)) & 1) === 1;
  }

  private issue(bodyId: number, issuance: Issuance): string[] {
    const body = this.s.bodies[bodyId - 1];
    if (issuance.holder === ZERO_ADDRESS) fail("InvalidHolder");
    if (!this.inScope(body.scope, issuance.level)) fail("LevelOutOfScope");
    const validFrom = this.s.now + body.noticePeriod;
    if (issuance.validUntil <= validFrom || issuance.validUntil > UINT40_MAX) fail("InvalidValidity");
    const tokenId = this.claimRoot(issuance.resultRoot);
    this.mint({
      tokenId,
      holder: issuance.holder,
      bodyId,
      level: issuance.level,
      issuedAt: this.s.now,
      noticePeriod: body.noticePeriod,
      validUntil: issuance.validUntil,
      rulebookId: issuance.rulebookId,
      state: CertState.Active,
      reason: RevocationReason.None,
      resultRoot: issuance.resultRoot,
      originalRoot: issuance.resultRoot,
      predecessor: 0n,
      successor: 0n,
    });
    return ["Transfer", "Locked", "CertificateIssued"];
  }

  /** A root may be used once; its certificate number (top 64 bits) too. */
  private claimRoot(resultRoot: bigint): bigint {
    if (resultRoot === 0n) fail("InvalidResultRoot");
    const tokenId = certificateNumberOf(resultRoot);
    const existing = this.s.certs.get(tokenId);
    if (existing !== undefined) {
      fail(existing.originalRoot === resultRoot ? "ResultRootAlreadyUsed" : "CertificateNumberTaken");
    }
    if (this.s.renewalClaims.has(tokenId)) fail("ResultRootAlreadyUsed");
    return tokenId;
  }

  private mint(cert: ModelCert): void {
    this.s.certs.set(cert.tokenId, cert);
    this.s.usedRoots.push(cert.resultRoot);
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
    if (cert.state === CertState.Revoked) fail("CertificateAlreadyRevoked");
    return cert;
  }

  /** A current key of the issuing body, or the supervisor (returns true for the supervisor). */
  private authorize(caller: Address, cert: ModelCert): boolean {
    const keyOfIssuer = this.keyBodyOf(caller) === cert.bodyId;
    const issuerRevoked = this.s.bodies[cert.bodyId - 1].status === BodyStatus.Revoked;
    if (keyOfIssuer && !issuerRevoked) return false;
    if (caller === this.supervisor) return true;
    return fail(keyOfIssuer ? "BodyAccreditationIsRevoked" : "NotIssuingBody");
  }

  private checkRevocationReason(reason: RevocationReason): void {
    if (reason === RevocationReason.None || reason === RevocationReason.Reissued) fail("InvalidRevocationReason");
  }

  private revoke(caller: Address, tokenId: bigint, reason: RevocationReason): string[] {
    this.checkRevocationReason(reason);
    const cert = this.existingUnrevoked(tokenId);
    this.authorize(caller, cert);
    cert.state = CertState.Revoked;
    cert.reason = reason;
    return ["CertificateRevoked"];
  }

  private requireRenewable(cert: ModelCert, bodyId: number): void {
    if (cert.bodyId !== bodyId) fail("NotIssuingBody");
    if (cert.state !== CertState.Active) fail("InvalidCertificateState");
    const body = this.s.bodies[bodyId - 1];
    if (cert.issuedAt < body.voidedBefore) fail("CertificateIsVoided");
    if (!this.inScope(body.scope, cert.level)) fail("LevelOutOfScope");
  }
}
