/**
 * Shared deployment fixture and helpers for the contract tests.
 *
 * What changed for contracts v2 (issue #11), for the owners of the other test files:
 * - `deployFixture` deploys CertificateRenderer, the external library BodyAdministration (`f.library`), then
 *   CQOCertificate(association, adminTransferDelay 0, clockUnit 1, renderer) linked to it. Every fixture signing key
 *   joins its body with its own EIP-712 `SigningKeyConsent`: build one with `keyGrant(certificate, signer, bodyId)`
 *   (returns the `SigningKeyGrant {key, deadline, signature}` that `accreditBody` / `addSigningKey` take;
 *   `keyGrant(..., deadline, walletAddress)` for an ERC-1271 wallet whose owner signs).
 * - `deployFixtureWith({ clockUnit: 1000, adminTransferDelay })` builds the same fixture on a "millisecond chain";
 *   `deployMillisecondFixture` is the named function to pass to `loadFixture`. Use the fixture's `f.clock` helpers
 *   there (contract seconds); the module-level `now`/`travel`/... speak the chain's own unit.
 * - `EIP712_VERSION` is "2"; the voucher's nonce is a uint64 (`IssuanceVoucher.nonce: bigint | number`);
 *   `SIGNING_KEY_CONSENT_TYPES` (all types from sdk/eip712.ts); `checkTypehashes` also checks
 *   SIGNING_KEY_CONSENT_TYPEHASH; `signingKeyConsentDigest(certificate, {bodyId, key, deadline})` off-chain.
 * - `deployCertificate(association, { clockUnit, adminTransferDelay, renderer })` deploys one linked contract.
 * - `issueOne` also returns `block` (the issuance's block); `txBlock(tx)`.
 * - `tokenIdOf(resultRoot, bodyId = BODY_1)` = bodyId << 56 | root >> 200 (a certificate number is its body's);
 *   `rootWithSameNumber(root)` keeps the top 56 bits. `issueOne` returns the number for the key's body.
 * - The `CertState` enum is gone (the contract stores independent flags): read them with `flagsOf(certificate, id)`.
 * - `INTERFACE_IDS.AccessControlDefaultAdminRules` (the association role is two-step, OpenZeppelin 5.3).
 * - Event helpers: `eventBlockOf(certificate, tokenId)` = the certificate's `lastEventBlock`, for asserting the
 *   `previousEventBlock` argument of the next event with `withArgs`.
 *
 * Usage:
 *
 *     import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
 *     import { deployFixture, tokenIdOf } from "./fixtures";
 *
 *     const f = await loadFixture(deployFixture);
 *     const item = f.issuance(f.holders[0], { level: 1 });
 *     await f.certificate.connect(f.key1).issueCertificate(item);
 *     const tokenId = tokenIdOf(item.resultRoot); // body 1's number
 *
 * The fixture grants the supervisor role, accredits two bodies and registers one rulebook. Everything is relative
 * to the chain's clock at deployment (`f.t0`), so the fixture works whatever the clock reads when it first runs.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, TypedDataDomain, TypedDataField } from "ethers";
import { issuanceVoucherTypes, reissueConsentTypes, signingKeyConsentTypes } from "../sdk/eip712";
import type { BodyAdministration, CertificateRenderer, CQOCertificate, ERC1271WalletMock } from "../typechain-types";
// The contract enums, defined once (the model needs them and stays free of chain code).
export { BodyStatus, RevocationReason, CertificateStatus, RulebookStatus } from "./model/reference-model";

// ------------------------------------------------------------------ constants

export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;

/** Public notice (公示) of both fixture bodies: 7 days. */
export const NOTICE_PERIOD = 7 * DAY;
/** Default validity of a certificate built with `f.issuance`: 3 years from the fixture's clock. */
export const VALIDITY = 3 * YEAR;
/** Accreditation term of both fixture bodies: 10 years from deployment. */
export const ACCREDITATION_TERM = 10 * YEAR;

/** Scope bit masks: bit (level - 1) set means the body may certify that level. */
export const SCOPE_ALL_THREE = 0b111;
export const SCOPE_LEVEL_3 = 0b100;

export const BODY_1 = 1;
export const BODY_2 = 2;
export const RULEBOOK_1 = 1;

export const RULEBOOK_HASH = ethers.id("rulebook:hn-cqo-default-2024.1");
export const RULEBOOK_URI = "ipfs://rulebooks/hn-cqo-default-2024.1.json";
export const BODY_1_METADATA_URI = "ipfs://bodies/1.json";
export const BODY_1_METADATA_HASH = ethers.id("body-1-metadata");
export const BODY_2_METADATA_URI = "ipfs://bodies/2.json";
export const BODY_2_METADATA_HASH = ethers.id("body-2-metadata");

export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
export const SUPERVISOR_ROLE = ethers.id("SUPERVISOR_ROLE");

/** The EIP-712 domain name and version the certificate contract was deployed with. */
export const EIP712_NAME = "CQO Certificate";
export const EIP712_VERSION = "2";

/** Interface ids (ERC-165). */
export const INTERFACE_IDS = {
  ERC165: "0x01ffc9a7",
  ERC721: "0x80ac58cd",
  ERC721Metadata: "0x5b5e139f",
  ERC5192: "0xb45a3c0e",
  AccessControl: "0x7965db0b",
  /** OpenZeppelin 5.3's IAccessControlDefaultAdminRules (its own ten functions), answered by AccessControlDefaultAdminRules. */
  AccessControlDefaultAdminRules: "0x31498786",
  invalid: "0xffffffff",
} as const;

// ------------------------------------------------------------------ types

/** Anything with an address: a signer, a contract wallet, or a plain address string. */
export type Addressish = string | { address: string };

/** `CQOCertificate.Issuance` with concrete JS types (what the tests build and compare against). */
export interface Issuance {
  holder: string;
  resultRoot: string;
  level: number;
  rulebookId: number;
  validUntil: number;
}

/** `CQOCertificate.IssuanceVoucher`. The nonce is a uint64 (`cancelVouchers` draws a random one): pass the body's
 * `voucherNonce` as read (a bigint), or a small number. */
export interface IssuanceVoucher {
  bodyId: number;
  issuance: Issuance;
  nonce: bigint | number;
  deadline: number;
}

/** `IBodyRegistry.SigningKeyGrant`: a key's consent to sign for a body, as `accreditBody`/`addSigningKey` take it. */
export interface SigningKeyGrant {
  key: string;
  deadline: number;
  signature: string;
}

/** The status flags a certificate stores (independent of each other), as `verifyCertificate` reports them. */
export interface CertificateFlags {
  objected: boolean;
  suspendedByBody: boolean;
  suspendedBySupervisor: boolean;
}

/** How a deployment is built: `clockUnit` 1000 makes the contract read `block.timestamp` as milliseconds. */
export interface FixtureOptions {
  clockUnit?: 1 | 1000;
  /** seconds a handover of the association's role waits (default 0) */
  adminTransferDelay?: number;
}

/**
 * The contract's clock, in unix seconds whatever the chain's unit: on a millisecond fixture each of these
 * multiplies or divides by 1000 (the module-level `now`, `travel`, ... speak the chain's unit).
 */
export interface ContractClock {
  /** Contract time (seconds) of the latest block. */
  now: () => Promise<number>;
  /** Mines a block `seconds` (contract seconds) later. */
  travel: (seconds: number) => Promise<void>;
  /** Mines a block at contract time `timestamp` (seconds). */
  travelTo: (timestamp: number) => Promise<void>;
  /** Makes the next transaction's block carry contract time `timestamp` (seconds). */
  setNextTimestamp: (timestamp: number) => Promise<void>;
  /** The contract time (seconds) of the block that included a transaction. */
  txTime: (tx: ContractTransactionResponse) => Promise<number>;
}

/** The message a new wallet signs to consent to a re-issue (`ReissueConsent`). */
export interface ReissueConsent {
  tokenId: bigint;
  newHolder: string;
  newResultRoot: string;
  deadline: number;
}

export interface Fixture {
  certificate: CQOCertificate;
  renderer: CertificateRenderer;
  /** The BodyAdministration library linked into `certificate`. */
  library: BodyAdministration;
  /** Both libraries' addresses, to link another copy of the contract (`getContractFactory(…, { libraries })`). */
  libraries: CertificateLibraries;
  /** 1 (seconds) or 1000 (a millisecond chain). */
  clockUnit: 1 | 1000;
  /** The contract's clock in seconds (equal to the module-level helpers when `clockUnit` is 1). */
  clock: ContractClock;
  /** DEFAULT_ADMIN_ROLE (协会); the default signer of `certificate`. */
  association: HardhatEthersSigner;
  /** Holds SUPERVISOR_ROLE (监督管理). */
  supervisor: HardhatEthersSigner;
  /** Body 1 (scope levels 1-3): its admin and its two signing keys. */
  bodyAdmin: HardhatEthersSigner;
  key1: HardhatEthersSigner;
  key2: HardhatEthersSigner;
  /** Body 2 (scope level 3 only): its admin and its signing key. */
  body2Admin: HardhatEthersSigner;
  body2Key: HardhatEthersSigner;
  /** No role at all. */
  stranger: HardhatEthersSigner;
  /** Holder wallets (at least 10), none with a role. */
  holders: HardhatEthersSigner[];
  /** Contract time (unix seconds) at the end of the fixture. */
  t0: number;
  /** Both bodies' `accreditedUntil`. */
  accreditedUntil: number;
  /** Default `validUntil` of `f.issuance`: t0 + 3 years. */
  validUntil: number;
  /** `issuance()` with the fixture's defaults: level 2, rulebook 1, valid until t0 + 3 years, random root. */
  issuance: (holder: Addressish, overrides?: Partial<Omit<Issuance, "holder">>) => Issuance;
}

// ------------------------------------------------------------------ fixture

/**
 * Deploys renderer, library and linked certificate (clock in seconds, no admin-transfer delay), grants
 * SUPERVISOR_ROLE, accredits body 1 (admin `bodyAdmin`, keys `key1` and `key2`, scope 0b111) and body 2 (admin
 * `body2Admin`, key `body2Key`, scope 0b100), both with a 7-day notice period and a 10-year term, each key with its
 * own consent, and registers rulebook 1. Use with `loadFixture`.
 */
export async function deployFixture(): Promise<Fixture> {
  return deployFixtureWith({});
}

/** `deployFixture` on a chain whose `block.timestamp` counts milliseconds (see `deployFixtureWith`). */
export async function deployMillisecondFixture(): Promise<Fixture> {
  return deployFixtureWith({ clockUnit: 1000 });
}

/** The external libraries the certificate contract is linked to, by name: what `getContractFactory` takes. */
export type CertificateLibraries = {
  BodyAdministration: string;
  CertificateAdministration: string;
};

/**
 * Deploys the certificate contract: renderer (unless given), the BodyAdministration and CertificateAdministration
 * libraries, then the linked contract.
 */
export async function deployCertificate(
  association: Addressish,
  options: FixtureOptions & { renderer?: Addressish } = {},
): Promise<{ certificate: CQOCertificate; renderer: string; library: BodyAdministration; libraries: CertificateLibraries }> {
  const renderer = options.renderer !== undefined ? addressOf(options.renderer) : await (await ethers.deployContract("CertificateRenderer")).getAddress();
  const library = await ethers.deployContract("BodyAdministration");
  const administration = await ethers.deployContract("CertificateAdministration");
  const libraries = { BodyAdministration: await library.getAddress(), CertificateAdministration: await administration.getAddress() };
  const certificate = await ethers.deployContract(
    "CQOCertificate",
    [addressOf(association), options.adminTransferDelay ?? 0, options.clockUnit ?? 1, renderer],
    { libraries },
  );
  return { certificate, renderer, library, libraries };
}

/**
 * The fixture, with a choice of clock. On a millisecond fixture (`clockUnit: 1000`) Hardhat's clock is read as
 * milliseconds: the contract's time is `block.timestamp / 1000`, and `f.clock` moves the chain 1000 units per
 * contract second. (Hardhat cannot go back in time, so the chain is not jumped to a real millisecond timestamp:
 * that would leave every fixture deployed after it beyond uint40. Keep its travels to a few years.)
 * Wrap it in a named function for `loadFixture`, as `deployMillisecondFixture` does.
 */
export async function deployFixtureWith(options: FixtureOptions): Promise<Fixture> {
  const clockUnit = options.clockUnit ?? 1;
  const signers = await ethers.getSigners();
  const [association, supervisor, bodyAdmin, key1, key2, body2Admin, body2Key, stranger, ...holders] = signers;
  if (holders.length < 10) throw new Error("the fixture needs at least 18 signers");

  const { certificate, library, libraries } = await deployCertificate(association, options);
  const renderer = await ethers.getContractAt("CertificateRenderer", await certificate.renderer());
  const clock = contractClock(clockUnit);

  await certificate.grantRole(SUPERVISOR_ROLE, supervisor.address);

  const accreditedUntil = (await clock.now()) + ACCREDITATION_TERM;
  await certificate.accreditBody(
    {
      admin: bodyAdmin.address,
      scope: SCOPE_ALL_THREE,
      accreditedUntil,
      noticePeriod: NOTICE_PERIOD,
      metadataURI: BODY_1_METADATA_URI,
      metadataHash: BODY_1_METADATA_HASH,
    },
    [await keyGrant(certificate, key1, BODY_1), await keyGrant(certificate, key2, BODY_1)],
  );
  await certificate.accreditBody(
    {
      admin: body2Admin.address,
      scope: SCOPE_LEVEL_3,
      accreditedUntil,
      noticePeriod: NOTICE_PERIOD,
      metadataURI: BODY_2_METADATA_URI,
      metadataHash: BODY_2_METADATA_HASH,
    },
    [await keyGrant(certificate, body2Key, BODY_2)],
  );
  await certificate.registerRulebook(RULEBOOK_HASH, RULEBOOK_URI, 0, 0);
  await checkTypehashes(certificate);

  const t0 = await clock.now();
  const validUntil = t0 + VALIDITY;
  return {
    certificate,
    renderer,
    library,
    libraries,
    clockUnit,
    clock,
    association,
    supervisor,
    bodyAdmin,
    key1,
    key2,
    body2Admin,
    body2Key,
    stranger,
    holders,
    t0,
    accreditedUntil,
    validUntil,
    issuance: (holder, overrides = {}) => issuance(holder, { validUntil, ...overrides }),
  };
}

/** The contract's clock (seconds) on a chain that counts `clockUnit` per second. */
export function contractClock(clockUnit: 1 | 1000): ContractClock {
  return {
    now: async () => Math.floor((await time.latest()) / clockUnit),
    travel: async (seconds) => time.increase(seconds * clockUnit).then(() => undefined),
    travelTo: async (timestamp) => time.increaseTo(timestamp * clockUnit),
    setNextTimestamp: async (timestamp) => time.setNextBlockTimestamp(timestamp * clockUnit),
    txTime: async (tx) => Math.floor((await txTimestamp(tx)) / clockUnit),
  };
}

/**
 * A signing key's consent to serve `bodyId` (EIP-712 `SigningKeyConsent`), signed by `signer`.
 * @param deadline unix seconds (default: one day after the contract's current time)
 * @param key the key that joins (default `signer`; an ERC1271WalletMock's address when its owner signs)
 */
export async function keyGrant(
  certificate: CQOCertificate,
  signer: HardhatEthersSigner,
  bodyId: number,
  deadline?: number,
  key: Addressish = signer,
): Promise<SigningKeyGrant> {
  const until = deadline ?? Math.floor((await time.latest()) / Number(await certificate.CLOCK_UNIT())) + DAY;
  const message = { bodyId, key: addressOf(key), deadline: until };
  const signature = await signer.signTypedData(await eip712Domain(certificate), SIGNING_KEY_CONSENT_TYPES, message);
  return { key: message.key, deadline: until, signature };
}

// ------------------------------------------------------------------ builders

/** A random 32-byte hex string (a stand-in for a salted Merkle root). */
export function randomRoot(): string {
  return ethers.hexlify(ethers.randomBytes(32));
}

/** The address of an `Addressish`. */
export function addressOf(a: Addressish): string {
  return typeof a === "string" ? a : a.address;
}

/**
 * Builds an `Issuance` with a fresh random `resultRoot`, level 2 and rulebook 1 unless overridden.
 * `validUntil` has no sensible default without a clock: pass it, or use the fixture's `f.issuance`.
 */
export function issuance(
  holder: Addressish,
  overrides: Partial<Omit<Issuance, "holder">> & { validUntil: number },
): Issuance {
  return {
    holder: addressOf(holder),
    resultRoot: randomRoot(),
    level: 2,
    rulebookId: RULEBOOK_1,
    ...overrides,
  };
}

/** The certificate number (token id) `bodyId` issues `resultRoot` as: the body's id, then the root's top 56 bits. */
export function tokenIdOf(resultRoot: string, bodyId: number = BODY_1): bigint {
  return (BigInt(bodyId) << 56n) | (BigInt(resultRoot) >> 200n);
}

/** A root with the same top 56 bits (so the same certificate number for any body) as `root`, but a different rest. */
export function rootWithSameNumber(root: string): string {
  const value = BigInt(root) ^ 1n;
  return ethers.toBeHex(value, 32);
}

// ------------------------------------------------------------------ transactions

/** The timestamp of the block that included a transaction. */
export async function txTimestamp(tx: ContractTransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("transaction not mined");
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (!block) throw new Error("block not found");
  return block.timestamp;
}

/**
 * Issues one certificate with `key` and returns its number (for the key's body), the issuance, the issue time
 * (contract seconds) and the block (what the certificate's next event names as `previousEventBlock`).
 * @param overrides applied to the fixture's default issuance (level 2, rulebook 1, valid for 3 years)
 */
export async function issueOne(
  f: Fixture,
  key: HardhatEthersSigner,
  holder: Addressish,
  overrides: Partial<Omit<Issuance, "holder">> = {},
): Promise<{ tokenId: bigint; item: Issuance; issuedAt: number; block: number }> {
  const item = f.issuance(holder, overrides);
  const bodyId = Number(await f.certificate.bodyOfSigningKey(key.address));
  const tx = await f.certificate.connect(key).issueCertificate(item);
  const issuedAt = await f.clock.txTime(tx);
  return { tokenId: tokenIdOf(item.resultRoot, bodyId), item, issuedAt, block: await txBlock(tx) };
}

/** The stored flags of a certificate (from `verifyCertificate`). */
export async function flagsOf(certificate: CQOCertificate, tokenId: bigint): Promise<CertificateFlags> {
  const view = await certificate.verifyCertificate(tokenId);
  return { objected: view.underObjection, suspendedByBody: view.suspendedByBody, suspendedBySupervisor: view.suspendedBySupervisor };
}

/**
 * The block of a certificate's latest event (`verifyCertificate(id).lastEventBlock`): what its next event must
 * carry as `previousEventBlock`. Read it before the transaction.
 */
export async function eventBlockOf(certificate: CQOCertificate, tokenId: bigint): Promise<bigint> {
  return (await certificate.verifyCertificate(tokenId)).lastEventBlock;
}

/** The block number a transaction was included in. */
export async function txBlock(tx: ContractTransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("transaction not mined");
  return receipt.blockNumber;
}

// ------------------------------------------------------------------ calls by argument name

/**
 * The arguments of `fn` in the order its ABI declares them, taken from `args` by parameter name. Throws on a
 * missing or unknown name. Lets tests survive a reordering of parameters (the gas work reorders them to move
 * selectors in the dispatcher).
 */
export function orderedArgs(contract: BaseContract, fn: string, args: Record<string, unknown>): unknown[] {
  const fragment = contract.interface.getFunction(fn);
  if (!fragment) throw new Error(`${fn} is not in the ABI`);
  const names = fragment.inputs.map((input) => input.name);
  const unknown = Object.keys(args).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`${fn}: no parameter named ${unknown.join(", ")} (has ${names.join(", ")})`);
  return fragment.inputs.map((input) => {
    if (!(input.name in args)) throw new Error(`${fn}: missing argument ${input.name}`);
    return args[input.name];
  });
}

/** Sends `fn(args by name)` from the contract's runner. Returns the transaction promise (for `expect(...)`). */
export function send(
  contract: BaseContract,
  fn: string,
  args: Record<string, unknown>,
): Promise<ContractTransactionResponse> {
  return contract.getFunction(fn).send(...orderedArgs(contract, fn, args));
}

/** `eth_call`s `fn(args by name)` (the return value of a state-changing function without sending it). */
export function staticCall<T = unknown>(contract: BaseContract, fn: string, args: Record<string, unknown>): Promise<T> {
  return contract.getFunction(fn).staticCall(...orderedArgs(contract, fn, args)) as Promise<T>;
}

// ------------------------------------------------------------------ time

/** Chain time of the latest block. */
export async function now(): Promise<number> {
  return time.latest();
}

/** Mines a block `seconds` later. */
export async function travel(seconds: number): Promise<void> {
  await time.increase(seconds);
}

/** Mines a block at `timestamp` (must be in the future). */
export async function travelTo(timestamp: number): Promise<void> {
  await time.increaseTo(timestamp);
}

/** Makes the next transaction's block carry `timestamp` (mines nothing). */
export async function setNextTimestamp(timestamp: number): Promise<void> {
  await time.setNextBlockTimestamp(timestamp);
}

// ------------------------------------------------------------------ EIP-712

/** ethers wants mutable field arrays; the sdk's types are `as const`. */
const forEthers = (types: Record<string, readonly { readonly name: string; readonly type: string }[]>): Record<string, TypedDataField[]> =>
  Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, fields.map((f) => ({ name: f.name, type: f.type }))]));

/**
 * EIP-712 types of `IssuanceVoucher` (which nests `Issuance`; v2's nonce is a uint64): the sdk's, defined once
 * (sdk/eip712.ts), and checked against the contract's `VOUCHER_TYPEHASH` by `checkTypehashes` (the fixture calls
 * it, so a mismatch fails loudly and early).
 */
export function voucherTypes(): Record<string, TypedDataField[]> {
  return forEthers(issuanceVoucherTypes);
}

/** EIP-712 types of `ReissueConsent`: the sdk's, checked against `REISSUE_CONSENT_TYPEHASH` the same way. */
export const REISSUE_CONSENT_TYPES: Record<string, TypedDataField[]> = forEthers(reissueConsentTypes);

/** EIP-712 types of `SigningKeyConsent` (what a key signs to join a body): the sdk's, checked the same way. */
export const SIGNING_KEY_CONSENT_TYPES: Record<string, TypedDataField[]> = forEthers(signingKeyConsentTypes);

/**
 * The certificate contract's EIP-712 domain. `chainId` and `verifyingContract` can be overridden to produce
 * signatures for another chain or contract (which the contract must refuse).
 */
export async function eip712Domain(
  certificate: CQOCertificate,
  overrides: Partial<TypedDataDomain> = {},
): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: EIP712_NAME,
    version: EIP712_VERSION,
    chainId,
    verifyingContract: await certificate.getAddress(),
    ...overrides,
  };
}

/** Signs a voucher with `signer` (an EOA, or the owner of an ERC1271WalletMock that is the registered key). */
export async function signVoucher(
  signer: HardhatEthersSigner,
  certificate: CQOCertificate,
  voucher: IssuanceVoucher,
  domainOverrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData(await eip712Domain(certificate, domainOverrides), voucherTypes(), voucher);
}

/** Signs a re-issue consent with `signer` (the new holder, or the owner of the new holder's contract wallet). */
export async function signReissueConsent(
  signer: HardhatEthersSigner,
  certificate: CQOCertificate,
  consent: ReissueConsent,
  domainOverrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData(await eip712Domain(certificate, domainOverrides), REISSUE_CONSENT_TYPES, consent);
}

/** The off-chain EIP-712 digest of a voucher (equal to the contract's `voucherDigest`). */
export async function voucherDigest(certificate: CQOCertificate, voucher: IssuanceVoucher): Promise<string> {
  return ethers.TypedDataEncoder.hash(await eip712Domain(certificate), voucherTypes(), voucher);
}

/** The off-chain EIP-712 digest of a signing key's consent (equal to the contract's `signingKeyConsentDigest`). */
export async function signingKeyConsentDigest(
  certificate: CQOCertificate,
  consent: { bodyId: number; key: string; deadline: number },
): Promise<string> {
  return ethers.TypedDataEncoder.hash(await eip712Domain(certificate), SIGNING_KEY_CONSENT_TYPES, consent);
}

/** Throws unless the off-chain EIP-712 types hash to the contract's VOUCHER_TYPEHASH, ISSUANCE_TYPEHASH,
 * REISSUE_CONSENT_TYPEHASH and SIGNING_KEY_CONSENT_TYPEHASH. */
export async function checkTypehashes(certificate: CQOCertificate): Promise<void> {
  const voucher = ethers.TypedDataEncoder.from(voucherTypes());
  const consent = ethers.TypedDataEncoder.from(REISSUE_CONSENT_TYPES);
  const keyConsent = ethers.TypedDataEncoder.from(SIGNING_KEY_CONSENT_TYPES);
  const pairs: [string, string, string][] = [
    ["IssuanceVoucher", ethers.id(voucher.encodeType("IssuanceVoucher")), await certificate.VOUCHER_TYPEHASH()],
    ["Issuance", ethers.id(voucher.encodeType("Issuance")), await certificate.ISSUANCE_TYPEHASH()],
    ["ReissueConsent", ethers.id(consent.encodeType("ReissueConsent")), await certificate.REISSUE_CONSENT_TYPEHASH()],
    [
      "SigningKeyConsent",
      ethers.id(keyConsent.encodeType("SigningKeyConsent")),
      await certificate.SIGNING_KEY_CONSENT_TYPEHASH(),
    ],
  ];
  for (const [name, local, onChain] of pairs) {
    if (local !== onChain) throw new Error(`EIP-712 type ${name} does not match the contract's typehash`);
  }
}

// ------------------------------------------------------------------ other deployments

/** Deploys an ERC-1271 contract wallet whose signatures are valid when `owner` signed the digest. */
export async function deployWallet(owner: Addressish): Promise<ERC1271WalletMock> {
  return ethers.deployContract("ERC1271WalletMock", [addressOf(owner)]);
}

// ------------------------------------------------------------------ token URI

/** The decoded JSON of a `data:application/json;base64,...` token URI. */
export interface TokenMetadata {
  name: string;
  description: string;
  image: string;
  attributes: { trait_type: string; value: string | number; display_type?: string }[];
}

/** Decodes a `tokenURI` data URI into its JSON. Throws if it is not a base64 JSON data URI. */
export function decodeTokenURI(uri: string): TokenMetadata {
  const prefix = "data:application/json;base64,";
  if (!uri.startsWith(prefix)) throw new Error(`not a base64 JSON data URI: ${uri.slice(0, 40)}`);
  return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8")) as TokenMetadata;
}

/** The value of one attribute of decoded token metadata (undefined if absent). */
export function attribute(metadata: TokenMetadata, traitType: string): string | number | undefined {
  return metadata.attributes.find((a) => a.trait_type === traitType)?.value;
}
