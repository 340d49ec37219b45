/**
 * The typed chain client of cqo-chain: the reads for verifiers (./reader, which it extends), writes for the
 * association, the supervisor and the certifying bodies (sent through ./transactions), crash-safe batch issuance
 * (./batch-issuance), EIP-712 vouchers (checked off-line by ./voucher-check) and re-issue consents. One instance
 * per deployment; reads need a PublicClient, writes and signatures a WalletClient with an account.
 */
import { parseEventLogs, type Account, type Address, type Hex, type PublicClient, type TransactionReceipt, type WalletClient } from "viem";
import { cqoCertificateAbi } from "./abi";
import type { Deployment, DeploymentInput } from "./deployments";
import {
  issuanceVoucherTypes,
  reissueConsentTypedData,
  signingKeyConsentTypedData,
  voucherTypedData,
  type IssuanceVoucher,
  type ReissueConsent,
  type SigningKeyGrant,
} from "./eip712";
import { issueBatch, type BatchGasModel, type BatchResult, type IssueBatchOptions } from "./batch-issuance";
import { SUPERVISOR_ROLE } from "./errors";
import type { SignedVoucher } from "./voucher-check";
import { CqoReader, type TokenIdInput } from "./reader";
import { requireWallet, sendCertificateCall, type SentTransaction, type WriteArgs, type WriteName } from "./transactions";
import { NO_REVIEWS, ReviewScheduleSchema, type ReviewSchedule } from "./review-schedule";
import {
  AccreditationSchema,
  AddressSchema,
  BodyIdSchema,
  Bytes32Schema,
  GivableRevocationReasonSchema,
  HexBytesSchema,
  HoldingIndexSchema,
  IssuanceSchema,
  IssuanceVoucherSchema,
  NonZeroAddressSchema,
  parseInput,
  ResultRootSchema,
  ReviewResultSchema,
  RulebookIdSchema,
  ScopeSchema,
  SigningKeyGrantSchema,
  TokenIdSchema,
  Uint24Schema,
  Uint40Schema,
  type AccreditationInput,
  type IssuanceInput,
  type SigningKeyGrantInput,
} from "./schemas";
import {
  bodyIdOfCertificate,
  certificateNumberOf,
  enumIndex,
  REVIEW_RESULTS,
  REVOCATION_REASONS,
  type ReviewResultName,
  type GivableRevocationReason,
} from "./types";

export type { BatchChunk, BatchProgress, BatchResult, IssueBatchOptions, SkippedIssuance } from "./batch-issuance";
export type { SignedVoucher, VoucherCheck } from "./voucher-check";
export { TransactionRevertedError, type SentTransaction } from "./transactions";
export type { TokenIdInput } from "./reader";

export class CqoClient extends CqoReader {
  /** issueBatch's first chunk size: the fixed and per-item gas of issueCertificates, measured once per client */
  private readonly batchGasModel: BatchGasModel = {};
  /** the body the wallet's key signs for: certificate numbers carry it; read once (keys rarely change body) */
  private senderBody?: Promise<number>;

  constructor(
    publicClient: PublicClient,
    deployment: Deployment | DeploymentInput,
    readonly walletClient?: WalletClient,
  ) {
    super(publicClient, deployment);
  }

  // ------------------------------------------------------------------ writes: the association and the supervisor

  /**
   * Accredits a certifying body with its first signing keys, each with its own consent naming the new body's id
   * (`nextBodyId`, `signSigningKeyConsent`); returns its id. The association.
   */
  async accreditBody(accreditation: AccreditationInput, signingKeys: readonly (SigningKeyGrant | SigningKeyGrantInput)[]): Promise<SentTransaction & { bodyId: number }> {
    const a = parseInput(AccreditationSchema, accreditation, "accreditation");
    const grants = signingKeys.map((g, i) => parseInput(SigningKeyGrantSchema, g, `signingKeys.${i}`));
    const sent = await this.send("accreditBody", [a, grants]);
    const [event] = this.events(sent.receipt, "BodyAccredited");
    if (!event) throw new Error(`no BodyAccredited event in ${sent.hash}`);
    return { ...sent, bodyId: event.args.bodyId };
  }

  async updateBodyTerms(bodyId: number, terms: { scope: number; accreditedUntil: number; noticePeriod: number }): Promise<SentTransaction> {
    return this.send("updateBodyTerms", [
      parseInput(BodyIdSchema, bodyId, "bodyId"),
      parseInput(ScopeSchema, terms.scope, "scope"),
      parseInput(Uint40Schema, terms.accreditedUntil, "accreditedUntil"),
      parseInput(Uint24Schema, terms.noticePeriod, "noticePeriod"),
    ]);
  }

  async updateBodyMetadata(bodyId: number, metadataURI: string, metadataHash: string): Promise<SentTransaction> {
    return this.send("updateBodyMetadata", [parseInput(BodyIdSchema, bodyId, "bodyId"), metadataURI, parseInput(Bytes32Schema, metadataHash, "metadataHash")]);
  }

  async setBodyAdmin(bodyId: number, newAdmin: string): Promise<SentTransaction> {
    return this.send("setBodyAdmin", [parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(NonZeroAddressSchema, newAdmin, "newAdmin")]);
  }

  async suspendBody(bodyId: number, evidenceHash: string): Promise<SentTransaction> {
    return this.send("suspendBody", [parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(Bytes32Schema, evidenceHash, "evidenceHash")]);
  }

  async reinstateBody(bodyId: number): Promise<SentTransaction> {
    return this.send("reinstateBody", [parseInput(BodyIdSchema, bodyId, "bodyId")]);
  }

  async revokeAccreditation(bodyId: number, evidenceHash: string): Promise<SentTransaction> {
    return this.send("revokeAccreditation", [parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(Bytes32Schema, evidenceHash, "evidenceHash")]);
  }

  /** Adds a signing key with the key's own consent (`signSigningKeyConsent`). The body's admin or the association. */
  async addSigningKey(bodyId: number, grant: SigningKeyGrant | SigningKeyGrantInput): Promise<SentTransaction> {
    return this.send("addSigningKey", [parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(SigningKeyGrantSchema, grant, "grant")]);
  }

  async removeSigningKey(bodyId: number, key: string): Promise<SentTransaction> {
    return this.send("removeSigningKey", [parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(AddressSchema, key, "key")]);
  }

  /**
   * Cancels every voucher the body signed and nobody submitted yet: the contract draws a new, unpredictable
   * voucher nonce (event VouchersCancelled). The body's admin or the association.
   */
  async cancelVouchers(bodyId: number): Promise<SentTransaction & { nonce: bigint }> {
    const sent = await this.send("cancelVouchers", [parseInput(BodyIdSchema, bodyId, "bodyId")]);
    const [event] = this.events(sent.receipt, "VouchersCancelled");
    if (!event) throw new Error(`no VouchersCancelled event in ${sent.hash}`);
    return { ...sent, nonce: event.args.nonce };
  }

  /** Voids every certificate the body issued before `voidedBefore` (unix seconds, not in the future). The supervisor. */
  async voidCertificatesIssuedBefore(bodyId: number, voidedBefore: number, evidenceHash: string): Promise<SentTransaction> {
    return this.send("voidCertificatesIssuedBefore", [
      parseInput(BodyIdSchema, bodyId, "bodyId"),
      parseInput(Uint40Schema, voidedBefore, "voidedBefore"),
      parseInput(Bytes32Schema, evidenceHash, "evidenceHash"),
    ]);
  }

  /** Publishes a rulebook by the hash of its canonical JSON (scoring's rulebookHash); returns its id. */
  /** `schedule`: the rulebook's annual reviews in seconds (see `reviewScheduleOf`); none by default. */
  async registerRulebook(
    contentHash: string,
    uri: string,
    schedule: ReviewSchedule = NO_REVIEWS,
  ): Promise<SentTransaction & { rulebookId: number }> {
    const { reviewInterval, reviewGrace } = parseInput(ReviewScheduleSchema, schedule, "schedule");
    const sent = await this.send("registerRulebook", [parseInput(Bytes32Schema, contentHash, "contentHash"), uri, reviewInterval, reviewGrace]);
    const [event] = this.events(sent.receipt, "RulebookRegistered");
    if (!event) throw new Error(`no RulebookRegistered event in ${sent.hash}`);
    return { ...sent, rulebookId: event.args.rulebookId };
  }

  async deprecateRulebook(rulebookId: number): Promise<SentTransaction> {
    return this.send("deprecateRulebook", [parseInput(RulebookIdSchema, rulebookId, "rulebookId")]);
  }

  async grantSupervisor(account: string): Promise<SentTransaction> {
    return this.send("grantRole", [SUPERVISOR_ROLE, parseInput(NonZeroAddressSchema, account, "account")]);
  }

  async revokeSupervisor(account: string): Promise<SentTransaction> {
    return this.send("revokeRole", [SUPERVISOR_ROLE, parseInput(AddressSchema, account, "account")]);
  }

  async grantRole(role: string, account: string): Promise<SentTransaction> {
    return this.send("grantRole", [parseInput(Bytes32Schema, role, "role"), parseInput(NonZeroAddressSchema, account, "account")]);
  }

  async revokeRole(role: string, account: string): Promise<SentTransaction> {
    return this.send("revokeRole", [parseInput(Bytes32Schema, role, "role"), parseInput(AddressSchema, account, "account")]);
  }

  async renounceRole(role: string, account: string): Promise<SentTransaction> {
    return this.send("renounceRole", [parseInput(Bytes32Schema, role, "role"), parseInput(AddressSchema, account, "account")]);
  }

  /**
   * Starts handing the association's role to `newAdmin` (OpenZeppelin AccessControlDefaultAdminRules: a plain
   * grantRole of DEFAULT_ADMIN_ROLE reverts); `newAdmin` accepts after the deployment's delay. The association.
   */
  async beginAssociationTransfer(newAdmin: string): Promise<SentTransaction> {
    return this.send("beginDefaultAdminTransfer", [parseInput(NonZeroAddressSchema, newAdmin, "newAdmin")]);
  }

  /** The pending new association accepts the role, once the delay has passed. */
  async acceptAssociationTransfer(): Promise<SentTransaction> {
    return this.send("acceptDefaultAdminTransfer", []);
  }

  /** The association withdraws a handover it started. */
  async cancelAssociationTransfer(): Promise<SentTransaction> {
    return this.send("cancelDefaultAdminTransfer", []);
  }

  /** The association now, and the handover in progress (null when none; `acceptableAfter` in unix seconds). */
  async associationAdmin(): Promise<{ admin: Address; pending: { newAdmin: Address; acceptableAfter: number } | null }> {
    const read = <F extends "defaultAdmin" | "pendingDefaultAdmin">(functionName: F) =>
      this.publicClient.readContract({ address: this.address, abi: cqoCertificateAbi, functionName });
    const [admin, [newAdmin, schedule]] = await Promise.all([read("defaultAdmin"), read("pendingDefaultAdmin")]);
    const pending = BigInt(newAdmin) === 0n ? null : { newAdmin, acceptableAfter: Math.floor(Number(schedule) / this.deployment.clockUnit) };
    return { admin, pending };
  }

  async setRenderer(renderer: string): Promise<SentTransaction> {
    return this.send("setRenderer", [parseInput(AddressSchema, renderer, "renderer")]);
  }

  // ------------------------------------------------------------------ writes: issuance

  /** Issues one certificate from the body key's own transaction. */
  async issueCertificate(issuance: IssuanceInput): Promise<SentTransaction & { tokenId: bigint }> {
    const i = parseInput(IssuanceSchema, issuance, "issuance");
    const sent = await this.send("issueCertificate", [i]);
    const [event] = this.events(sent.receipt, "CertificateIssued");
    if (!event) throw new Error(`no CertificateIssued event in ${sent.hash}`);
    return { ...sent, tokenId: event.args.tokenId };
  }

  /** Issues a batch in one transaction, all or none. For many certificates use `issueBatch`. */
  async issueCertificates(batch: readonly IssuanceInput[], gas?: bigint): Promise<SentTransaction & { tokenIds: bigint[] }> {
    const items = batch.map((b, n) => parseInput(IssuanceSchema, b, `batch.${n}`));
    const sent = await this.send("issueCertificates", [items], gas);
    return { ...sent, tokenIds: this.events(sent.receipt, "CertificateIssued").map((e) => e.args.tokenId) };
  }

  /**
   * Issues any number of certificates in chunks that fit the block gas limit, resumably: items whose result root
   * is already used (by an earlier, interrupted run or another issuer) are skipped, never sent again, so a re-run
   * issues exactly what is missing and does not revert on what is done.
   *
   * Chunk size comes from gas estimates: one item alone and two together give the fixed and the per-item cost;
   * each chunk is then estimated as a whole (holders with many certificates cost more) and shrunk until it fits
   * the budget (block gas limit less `margin`, capped by `maxGasPerChunk`).
   */
  async issueBatch(batch: readonly IssuanceInput[], options: IssueBatchOptions = {}): Promise<BatchResult> {
    const { account } = this.requireWallet();
    const items = batch.map((b, n) => parseInput(IssuanceSchema, b, `batch.${n}`));
    // Numbers carry the issuing body: the sending key's. A key of no body gets the contract's refusal.
    const bodyId = items.length > 0 ? await this.sendingKeyBody() : 0;
    return issueBatch(
      {
        publicClient: this.publicClient,
        address: this.address,
        account,
        bodyId,
        gasModel: this.batchGasModel,
        issue: (chunk, gas) => this.issueCertificates(chunk, gas),
        isResultRootUsed: (root, blockTag) => this.reads.isResultRootUsed(bodyId, root, blockTag),
      },
      items,
      options,
    );
  }

  /** Submits a voucher a body's key signed off-line; any account may (a relayer pays the gas). */
  async issueWithVoucher(signed: SignedVoucher): Promise<SentTransaction & { tokenId: bigint }> {
    const voucher = parseInput(IssuanceVoucherSchema, signed.voucher, "voucher");
    const sent = await this.send("issueWithVoucher", [
      parseInput(AddressSchema, signed.signer, "signer"),
      parseInput(HexBytesSchema, signed.signature, "signature"),
      voucher,
    ]);
    // The signer must be a key of voucher.bodyId (else VoucherSignerNotOfBody): the number is that body's.
    return { ...sent, tokenId: certificateNumberOf(voucher.bodyId, voucher.issuance.resultRoot) };
  }

  // ------------------------------------------------------------------ writes: a certificate's life

  async suspendCertificate(tokenId: TokenIdInput, evidenceHash: string): Promise<SentTransaction> {
    return this.send("suspendCertificate", [parseInput(Bytes32Schema, evidenceHash, "evidenceHash"), parseInput(TokenIdSchema, tokenId, "tokenId")]);
  }

  async reinstateCertificate(tokenId: TokenIdInput): Promise<SentTransaction> {
    return this.send("reinstateCertificate", [parseInput(TokenIdSchema, tokenId, "tokenId")]);
  }

  async revokeCertificate(tokenId: TokenIdInput, reason: GivableRevocationReason, evidenceHash: string): Promise<SentTransaction> {
    return this.send("revokeCertificate", [
      parseInput(TokenIdSchema, tokenId, "tokenId"),
      parseInput(Bytes32Schema, evidenceHash, "evidenceHash"),
      enumIndex(REVOCATION_REASONS, parseInput(GivableRevocationReasonSchema, reason, "reason")),
    ]);
  }

  async revokeCertificates(tokenIds: readonly TokenIdInput[], reason: GivableRevocationReason, evidenceHash: string): Promise<SentTransaction> {
    return this.send("revokeCertificates", [
      tokenIds.map((t, n) => parseInput(TokenIdSchema, t, `tokenIds.${n}`)),
      parseInput(Bytes32Schema, evidenceHash, "evidenceHash"),
      enumIndex(REVOCATION_REASONS, parseInput(GivableRevocationReasonSchema, reason, "reason")),
    ]);
  }

  /** Files an objection (异议) during public notice. Anyone. */
  /** Records an annual review (年审): passed moves the next date; failed suspends or revokes as FailedReview. */
  async recordReview(tokenId: TokenIdInput, result: ReviewResultName, evidenceHash: string): Promise<SentTransaction> {
    return this.send("recordReview", [
      parseInput(TokenIdSchema, tokenId, "tokenId"),
      enumIndex(REVIEW_RESULTS, parseInput(ReviewResultSchema, result, "result")),
      parseInput(Bytes32Schema, evidenceHash, "evidenceHash"),
    ]);
  }

  /** Names the wallet's `index`-th certificate (in `certificatesOf`) as the one `holdsValidCertificate` always checks. */
  async choosePrimaryCertificate(index: number): Promise<SentTransaction> {
    return this.send("choosePrimaryCertificate", [parseInput(HoldingIndexSchema, index, "index")]);
  }

  async fileObjection(tokenId: TokenIdInput, evidenceHash: string): Promise<SentTransaction> {
    return this.send("fileObjection", [parseInput(TokenIdSchema, tokenId, "tokenId"), parseInput(Bytes32Schema, evidenceHash, "evidenceHash")]);
  }

  /** Upheld revokes with `reason`; dismissed lets the certificate become valid after its notice. */
  async resolveObjection(tokenId: TokenIdInput, decision: { upheld: true; reason: GivableRevocationReason } | { upheld: false }, evidenceHash: string): Promise<SentTransaction> {
    const reason = decision.upheld ? enumIndex(REVOCATION_REASONS, parseInput(GivableRevocationReasonSchema, decision.reason, "reason")) : 0;
    return this.send("resolveObjection", [parseInput(TokenIdSchema, tokenId, "tokenId"), decision.upheld, reason, parseInput(Bytes32Schema, evidenceHash, "evidenceHash")]);
  }

  /** Renews after a re-evaluation (复评): new root, rulebook and end of validity; same number and holder. */
  async renewCertificate(tokenId: TokenIdInput, renewal: { resultRoot: string; rulebookId: number; validUntil: number }): Promise<SentTransaction> {
    return this.send("renewCertificate", [
      parseInput(TokenIdSchema, tokenId, "tokenId"),
      parseInput(ResultRootSchema, renewal.resultRoot, "resultRoot"),
      parseInput(RulebookIdSchema, renewal.rulebookId, "rulebookId"),
      parseInput(Uint40Schema, renewal.validUntil, "validUntil"),
    ]);
  }

  /** Re-issues to a new wallet that signed a consent (`signReissueConsent`); returns the new number. */
  async reissueCertificate(consent: ReissueConsent, holderConsent: Hex): Promise<SentTransaction & { newTokenId: bigint }> {
    const root = parseInput(ResultRootSchema, consent.newResultRoot, "newResultRoot");
    const sent = await this.send("reissueCertificate", [
      parseInput(TokenIdSchema, consent.tokenId, "tokenId"),
      parseInput(NonZeroAddressSchema, consent.newHolder, "newHolder"),
      root,
      parseInput(Uint40Schema, consent.deadline, "deadline"),
      parseInput(HexBytesSchema, holderConsent, "holderConsent"),
    ]);
    // Only the issuing body re-issues (else NotIssuingBody): the new number is under the old one's body.
    return { ...sent, newTokenId: certificateNumberOf(bodyIdOfCertificate(parseInput(TokenIdSchema, consent.tokenId, "tokenId")), root) };
  }

  // ------------------------------------------------------------------ signatures

  /** A body's key signs a voucher off-line (EOA, or a JSON-RPC account such as a browser wallet). */
  async signIssuanceVoucher(voucher: IssuanceVoucher): Promise<SignedVoucher> {
    const { wallet, account } = this.requireWallet();
    const v = parseInput(IssuanceVoucherSchema, voucher, "voucher");
    const signature = await wallet.signTypedData({ account, ...voucherTypedData(this.deployment.chainId, this.address, v) });
    return { voucher: v, signer: account.address, signature };
  }

  /** The new wallet consents to receive a re-issued certificate. */
  async signReissueConsent(consent: ReissueConsent): Promise<{ consent: ReissueConsent; signature: Hex }> {
    const { wallet, account } = this.requireWallet();
    const c: ReissueConsent = {
      tokenId: parseInput(TokenIdSchema, consent.tokenId, "tokenId"),
      newHolder: parseInput(NonZeroAddressSchema, consent.newHolder, "newHolder"),
      newResultRoot: parseInput(ResultRootSchema, consent.newResultRoot, "newResultRoot"),
      deadline: parseInput(Uint40Schema, consent.deadline, "deadline"),
    };
    if (c.newHolder !== account.address) throw new Error(`the consent must be signed by the new holder ${c.newHolder}, not ${account.address}`);
    const signature = await wallet.signTypedData({ account, ...reissueConsentTypedData(this.deployment.chainId, this.address, c) });
    return { consent: c, signature };
  }

  /**
   * The client's own key consents to serve as a signing key of `bodyId` until `deadline` (unix seconds): the
   * grant the body's admin or the association passes to `addSigningKey`, or to `accreditBody` for a new body
   * (whose id is `nextBodyId()`). A consent is used once. `key` defaults to this wallet's address; another `key`
   * must be a contract wallet (ERC-1271) that accepts this wallet's signature, such as a multisig it owns.
   */
  async signSigningKeyConsent(consent: { bodyId: number; key?: string; deadline: number }): Promise<SigningKeyGrant> {
    const { wallet, account } = this.requireWallet();
    const bodyId = parseInput(BodyIdSchema, consent.bodyId, "bodyId");
    const deadline = parseInput(Uint40Schema, consent.deadline, "deadline");
    const key = consent.key === undefined ? account.address : parseInput(NonZeroAddressSchema, consent.key, "key");
    if (key !== account.address && !(await this.publicClient.getCode({ address: key }))) {
      // an EOA's consent is its own signature: anyone else's would fail on-chain as InvalidSignature
      throw new Error(`a signing key consents for itself: ${key} must sign, not ${account.address}`);
    }
    const signature = await wallet.signTypedData({ account, ...signingKeyConsentTypedData(this.deployment, { bodyId, key, deadline }) });
    return { key, deadline, signature };
  }

  // ------------------------------------------------------------------ internals

  private requireWallet(): { wallet: WalletClient; account: Account } {
    return requireWallet(this.walletClient);
  }

  private send<F extends WriteName>(functionName: F, args: WriteArgs<F>, gas?: bigint): Promise<SentTransaction> {
    return sendCertificateCall(this.publicClient, this.walletClient, this.address, { functionName, args, gas });
  }

  private events<N extends "BodyAccredited" | "RulebookRegistered" | "CertificateIssued" | "VouchersCancelled">(receipt: TransactionReceipt, eventName: N) {
    return parseEventLogs({ abi: cqoCertificateAbi, logs: receipt.logs, eventName }).filter((l) => l.address.toLowerCase() === this.address.toLowerCase());
  }

  /** The body the wallet's key signs for (the contract's bodyOfSigningKey), read once per client; 0: none yet. */
  private async sendingKeyBody(): Promise<number> {
    const { account } = this.requireWallet();
    this.senderBody ??= this.reads.getBodyOfSigningKey(account.address).then((id) => id ?? 0);
    const id = await this.senderBody;
    // not a key (yet): ask again next time rather than remember "none"
    if (id === 0) this.senderBody = undefined;
    return id;
  }
}

/** The EIP-712 types, for callers that sign with other tools. */
export { issuanceVoucherTypes };
