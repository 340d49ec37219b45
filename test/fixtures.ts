/**
 * Shared deployment fixture and helpers for the contract tests.
 *
 * Usage:
 *
 *     import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
 *     import { deployFixture, tokenIdOf } from "./fixtures";
 *
 *     const f = await loadFixture(deployFixture);
 *     const item = f.issuance(f.holders[0], { level: 1 });
 *     await f.certificate.connect(f.key1).issueCertificate(item);
 *     const tokenId = tokenIdOf(item.resultRoot);
 *
 * The fixture deploys `CertificateRenderer` and `CQOCertificate`, grants the supervisor role, accredits two bodies
 * and registers one rulebook. Everything is relative to the chain's clock at deployment (`f.t0`), so the fixture
 * works whatever the clock reads when it first runs.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, TypedDataDomain, TypedDataField } from "ethers";
import { issuanceVoucherTypes, reissueConsentTypes } from "../sdk/eip712";
import type { CertificateRenderer, CQOCertificate, ERC1271WalletMock } from "../typechain-types";
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
export const EIP712_VERSION = "1";

/** Interface ids (ERC-165). */
export const INTERFACE_IDS = {
  ERC165: "0x01ffc9a7",
  ERC721: "0x80ac58cd",
  ERC721Metadata: "0x5b5e139f",
  ERC5192: "0xb45a3c0e",
  AccessControl: "0x7965db0b",
  invalid: "0xffffffff",
} as const;

// ------------------------------------------------------------------ enums (mirror contracts/CertificateTypes.sol)

/** The stored state of a certificate that is not revoked (revocation is its `RevocationReason`). */
export enum CertState {
  Active,
  Objected,
  SuspendedByBody,
  SuspendedBySupervisor,
}

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

/** `CQOCertificate.IssuanceVoucher`. */
export interface IssuanceVoucher {
  bodyId: number;
  issuance: Issuance;
  nonce: number;
  deadline: number;
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
  /** Chain time (seconds) at the end of the fixture. */
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
 * Deploys renderer + certificate, grants SUPERVISOR_ROLE, accredits body 1 (admin `bodyAdmin`, keys `key1` and
 * `key2`, scope 0b111) and body 2 (admin `body2Admin`, key `body2Key`, scope 0b100), both with a 7-day notice
 * period and a 10-year term, and registers rulebook 1. Use with `loadFixture`.
 */
export async function deployFixture(): Promise<Fixture> {
  const signers = await ethers.getSigners();
  const [association, supervisor, bodyAdmin, key1, key2, body2Admin, body2Key, stranger, ...holders] = signers;
  if (holders.length < 10) throw new Error("the fixture needs at least 18 signers");

  const renderer = await ethers.deployContract("CertificateRenderer");
  const certificate = await ethers.deployContract("CQOCertificate", [association.address, await renderer.getAddress()]);

  await certificate.grantRole(SUPERVISOR_ROLE, supervisor.address);

  const accreditedUntil = (await time.latest()) + ACCREDITATION_TERM;
  await certificate.accreditBody(
    {
      admin: bodyAdmin.address,
      scope: SCOPE_ALL_THREE,
      accreditedUntil,
      noticePeriod: NOTICE_PERIOD,
      metadataURI: BODY_1_METADATA_URI,
      metadataHash: BODY_1_METADATA_HASH,
    },
    [key1.address, key2.address],
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
    [body2Key.address],
  );
  await certificate.registerRulebook(RULEBOOK_HASH, RULEBOOK_URI);
  await checkTypehashes(certificate);

  const t0 = await time.latest();
  const validUntil = t0 + VALIDITY;
  return {
    certificate,
    renderer,
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

/** The certificate number (token id) a `resultRoot` issues as: its top 64 bits. */
export function tokenIdOf(resultRoot: string): bigint {
  return BigInt(resultRoot) >> 192n;
}

/** A root with the same top 64 bits (so the same certificate number) as `root`, but a different rest. */
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
 * Issues one certificate with `key` and returns its number, the issuance and the issue time.
 * @param overrides applied to the fixture's default issuance (level 2, rulebook 1, valid for 3 years)
 */
export async function issueOne(
  f: Fixture,
  key: HardhatEthersSigner,
  holder: Addressish,
  overrides: Partial<Omit<Issuance, "holder">> = {},
): Promise<{ tokenId: bigint; item: Issuance; issuedAt: number }> {
  const item = f.issuance(holder, overrides);
  const issuedAt = await txTimestamp(await f.certificate.connect(key).issueCertificate(item));
  return { tokenId: tokenIdOf(item.resultRoot), item, issuedAt };
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
 * EIP-712 types of `IssuanceVoucher` (which nests `Issuance`): the sdk's, defined once (sdk/eip712.ts), and checked
 * against the contract's `VOUCHER_TYPEHASH` by `checkTypehashes` (the fixture calls it, so a mismatch fails loudly
 * and early).
 */
export function voucherTypes(): Record<string, TypedDataField[]> {
  return forEthers(issuanceVoucherTypes);
}

/** EIP-712 types of `ReissueConsent`: the sdk's, checked against `REISSUE_CONSENT_TYPEHASH` the same way. */
export const REISSUE_CONSENT_TYPES: Record<string, TypedDataField[]> = forEthers(reissueConsentTypes);

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

/** Throws unless the off-chain EIP-712 types hash to the contract's VOUCHER_TYPEHASH, ISSUANCE_TYPEHASH and
 * REISSUE_CONSENT_TYPEHASH. */
export async function checkTypehashes(certificate: CQOCertificate): Promise<void> {
  const voucher = ethers.TypedDataEncoder.from(voucherTypes());
  const consent = ethers.TypedDataEncoder.from(REISSUE_CONSENT_TYPES);
  const pairs: [string, string, string][] = [
    ["IssuanceVoucher", ethers.id(voucher.encodeType("IssuanceVoucher")), await certificate.VOUCHER_TYPEHASH()],
    ["Issuance", ethers.id(voucher.encodeType("Issuance")), await certificate.ISSUANCE_TYPEHASH()],
    ["ReissueConsent", ethers.id(consent.encodeType("ReissueConsent")), await certificate.REISSUE_CONSENT_TYPEHASH()],
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
