/**
 * The read side of the typed chain client: what a verifier, a holder's wallet or a supervisor's page needs, with
 * only a PublicClient. Each read checks its input with the sdk's zod schemas (a clear error naming the field), then
 * runs the zod-free read of ./reads, which the dApp's verify route uses directly, so both answer the same.
 * `CqoClient` (./client) extends it with the writes and signatures that need a wallet.
 */
import type { Address, Hex, PublicClient } from "viem";
import { parseDeployment, type Deployment, type DeploymentInput } from "./deployments";
import { reissueConsentTypedData, type ReissueConsent } from "./eip712";
import { DEFAULT_ADMIN_ROLE, SUPERVISOR_ROLE } from "./errors";
import { certificateHistory, type HistoryEntry, type HistoryOptions } from "./history";
import { cqoReads, type CqoReads } from "./reads";
import { checkIssuanceVoucher, type SignedVoucher, type VoucherCheck } from "./voucher-check";
import { AddressSchema, BodyIdSchema, Bytes32Schema, LevelSchema, parseInput, ResultRootSchema, RulebookIdSchema, TokenIdSchema } from "./schemas";
import type { BodyRecord, CertificateVerification, RulebookRecord } from "./types";

export type TokenIdInput = bigint | number | string;

export class CqoReader {
  readonly deployment: Deployment;
  readonly address: Address;
  /** the zod-free reads of ./reads, bound to this deployment */
  protected readonly reads: CqoReads;

  constructor(
    readonly publicClient: PublicClient,
    deployment: Deployment | DeploymentInput,
  ) {
    this.deployment = parseDeployment(deployment);
    this.address = this.deployment.certificate;
    this.reads = cqoReads(publicClient, this.address);
  }

  /** What a verifier sees about one certificate, computed by the contract now. */
  async verifyCertificate(tokenId: TokenIdInput): Promise<CertificateVerification> {
    return this.reads.verifyCertificate(parseInput(TokenIdSchema, tokenId, "tokenId"));
  }

  /** Every certificate ever issued to a wallet, oldest first, each with its verification. */
  async certificatesOf(holder: string): Promise<CertificateVerification[]> {
    return this.reads.certificatesOf(parseInput(AddressSchema, holder, "holder"));
  }

  /** Whether a wallet holds a certificate valid now at `atLeastLevel` or better (1 = 一级 is the highest). */
  async holdsValidCertificate(holder: string, atLeastLevel: number): Promise<boolean> {
    return this.reads.holdsValidCertificate(parseInput(AddressSchema, holder, "holder"), parseInput(LevelSchema, atLeastLevel, "atLeastLevel"));
  }

  /** A body's record and signing keys; null if there is no such body. */
  async getBody(bodyId: number): Promise<BodyRecord | null> {
    return this.reads.getBody(parseInput(BodyIdSchema, bodyId, "bodyId"));
  }

  /** Every registered body, by id. */
  async listBodies(): Promise<BodyRecord[]> {
    return this.reads.listBodies();
  }

  /** The body a signing key acts for, or null. */
  async bodyOfSigningKey(key: string): Promise<number | null> {
    return this.reads.getBodyOfSigningKey(parseInput(AddressSchema, key, "key"));
  }

  /** How many bodies and rulebooks are registered (ids run from 1 to these counts). */
  async registryCounts(): Promise<{ bodies: number; rulebooks: number }> {
    return this.reads.getRegistryCounts();
  }

  /** A rulebook's record; null if not registered. */
  async getRulebook(rulebookId: number): Promise<RulebookRecord | null> {
    return this.reads.getRulebook(parseInput(RulebookIdSchema, rulebookId, "rulebookId"));
  }

  /** Every registered rulebook, by id. */
  async listRulebooks(): Promise<RulebookRecord[]> {
    return this.reads.listRulebooks();
  }

  /** The id of the rulebook with this content hash (see scoring's rulebookHash), or null. */
  async rulebookIdOf(contentHash: string): Promise<number | null> {
    return this.reads.getRulebookIdOf(parseInput(Bytes32Schema, contentHash, "contentHash"));
  }

  /**
   * Whether `bodyId` used exactly this result root (issued, re-issued or renewed with it); "pending" sees the
   * node's mempool. A root that only shares its certificate number with a used one is not used.
   */
  async isResultRootUsed(bodyId: number, resultRoot: string, blockTag: "latest" | "pending" = "latest"): Promise<boolean> {
    return this.reads.isResultRootUsed(parseInput(BodyIdSchema, bodyId, "bodyId"), parseInput(ResultRootSchema, resultRoot, "resultRoot"), blockTag);
  }

  /** The id the next accredited body will get (registryCounts().bodies + 1): what its keys' consents must name. */
  async nextBodyId(): Promise<number> {
    return (await this.reads.getRegistryCounts()).bodies + 1;
  }

  /** Whether an account holds the supervisor role. */
  async isSupervisor(account: string): Promise<boolean> {
    return this.reads.hasRole(SUPERVISOR_ROLE, parseInput(AddressSchema, account, "account"));
  }

  /** Whether an account is the association (DEFAULT_ADMIN_ROLE). */
  async isAssociation(account: string): Promise<boolean> {
    return this.reads.hasRole(DEFAULT_ADMIN_ROLE, parseInput(AddressSchema, account, "account"));
  }

  /**
   * The full history of a certificate, oldest first, walked back from its latest event block by block (see
   * ./history: at most the blocks with its events + 4 requests, whatever the chain's length). Empty if unknown.
   */
  async certificateHistory(tokenId: TokenIdInput, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    return certificateHistory(this.publicClient, this.deployment, parseInput(TokenIdSchema, tokenId, "tokenId"), options);
  }

  // ------------------------------------------------------------------ signatures checked off-line

  /**
   * Checks a voucher off-line the way the contract will (see `checkIssuanceVoucher`): lets a relayer refuse a
   * voucher before paying for a failed transaction.
   */
  async verifyIssuanceVoucher(signed: SignedVoucher): Promise<VoucherCheck> {
    return checkIssuanceVoucher(this.publicClient, this.deployment, this.reads, signed);
  }

  /** Checks a re-issue consent's signature off-line (EOA or ERC-1271 wallet). */
  async verifyReissueConsent(consent: ReissueConsent, signature: Hex): Promise<boolean> {
    return this.publicClient
      .verifyTypedData({ blockTag: "latest", address: consent.newHolder, signature, ...reissueConsentTypedData(this.deployment.chainId, this.address, consent) })
      .catch(() => false);
  }
}
