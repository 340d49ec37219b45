/**
 * The verifier's reads of CQOCertificate as pure functions, viem style: each takes a viem client and the
 * certificate contract's address and returns the sdk's plain records (enum names, numbers, null for "none").
 *
 * No zod here, on purpose: this module imports only viem, the generated ABI and the enum tables (./abi, ./types),
 * so a page that only verifies (the dApp's verify route) stays small. Arguments are typed, not parsed: callers
 * that take user input validate it first (CqoClient with the sdk's zod schemas, the dApp with its own bilingual
 * messages). Out-of-range integers are still refused by viem's ABI encoder before anything is sent.
 */
import {
  decodeFunctionResult,
  encodeFunctionData,
  type Address,
  type BlockTag,
  type Chain,
  type Client,
  type ContractFunctionReturnType,
  type Hex,
  type Transport,
} from "viem";
import { readContract } from "viem/actions";
import { cqoCertificateAbi } from "./abi";
import {
  BODY_STATUSES,
  CERTIFICATE_STATUSES,
  enumName,
  REVOCATION_REASONS,
  RULEBOOK_STATUSES,
  scopeToLevels,
  type BodyRecord,
  type CertificateVerification,
  type RulebookRecord,
} from "./types";

/** Any viem client (a lean `createClient`, a PublicClient, a WalletClient with a transport to the chain). */
export type ReadClient = Client<Transport, Chain | undefined>;

/** What `verifyCertificate` returns on chain, as viem decodes it. */
export type RawVerification = ContractFunctionReturnType<typeof cqoCertificateAbi, "view", "verifyCertificate">;

/** The contract's verification as the sdk's record: enum names, null holder when not found, null for no lineage. */
export function toCertificateVerification(v: RawVerification): CertificateVerification {
  const status = enumName(CERTIFICATE_STATUSES, v.status);
  const reason = enumName(REVOCATION_REASONS, v.revocationReason);
  const found = status !== "NotFound";
  return {
    tokenId: v.tokenId,
    status,
    valid: status === "Valid",
    revocationReason: reason === "None" ? null : reason,
    underObjection: v.underObjection,
    holder: found ? v.holder : null,
    bodyId: v.bodyId,
    bodyAccredited: v.bodyAccredited,
    level: v.level,
    issuedAt: v.issuedAt,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    rulebookId: v.rulebookId,
    rulebookHash: v.rulebookHash,
    resultRoot: v.resultRoot,
    predecessor: v.predecessor === 0n ? null : v.predecessor,
    successor: v.successor === 0n ? null : v.successor,
    suspendedByBody: v.suspendedByBody,
    suspendedBySupervisor: v.suspendedBySupervisor,
    evaluatedAt: v.evaluatedAt,
    lastEventBlock: BigInt(v.lastEventBlock),
    nextReviewDue: v.nextReviewDue,
    reviewsPassed: v.reviewsPassed,
  };
}

/** The calldata of `verifyCertificate(tokenId)`, for a caller that sends the eth_call itself (e.g. before its app loads). */
export function verifyCertificateCalldata(tokenId: bigint): Hex {
  return encodeFunctionData({ abi: cqoCertificateAbi, functionName: "verifyCertificate", args: [tokenId] });
}

/** Decodes the answer of an eth_call of `verifyCertificateCalldata` (throws on malformed data). */
export function decodeVerification(data: Hex): CertificateVerification {
  return toCertificateVerification(decodeFunctionResult({ abi: cqoCertificateAbi, functionName: "verifyCertificate", data }));
}

/** What a verifier sees about one certificate, computed by the contract now (status NotFound for an unknown number). */
export async function verifyCertificate(client: ReadClient, address: Address, tokenId: bigint): Promise<CertificateVerification> {
  return toCertificateVerification(await readContract(client, { address, abi: cqoCertificateAbi, functionName: "verifyCertificate", args: [tokenId] }));
}

/** The numbers of every certificate ever issued to a wallet, oldest first. */
export async function certificateIdsOf(client: ReadClient, address: Address, holder: Address): Promise<readonly bigint[]> {
  return readContract(client, { address, abi: cqoCertificateAbi, functionName: "certificatesOf", args: [holder] });
}

/** Every certificate ever issued to a wallet, oldest first, each with its verification. */
export async function certificatesOf(client: ReadClient, address: Address, holder: Address): Promise<CertificateVerification[]> {
  const ids = await certificateIdsOf(client, address, holder);
  return Promise.all(ids.map((id) => verifyCertificate(client, address, id)));
}

/** The index in `certificatesOf` of the wallet's primary certificate (see `choosePrimaryCertificate`); null: none named. */
export async function primaryCertificateIndexOf(client: ReadClient, address: Address, holder: Address): Promise<number | null> {
  const index = await readContract(client, { address, abi: cqoCertificateAbi, functionName: "primaryCertificateIndexOf", args: [holder] });
  return index === 0 ? null : index - 1;
}

/** Whether a wallet holds a certificate valid now at `atLeastLevel` or better (1 = 一级 is the highest). */
export async function holdsValidCertificate(client: ReadClient, address: Address, holder: Address, atLeastLevel: number): Promise<boolean> {
  return readContract(client, { address, abi: cqoCertificateAbi, functionName: "holdsValidCertificate", args: [holder, atLeastLevel] });
}

/** How many bodies and rulebooks are registered (ids run from 1 to these counts). */
export async function getRegistryCounts(client: ReadClient, address: Address): Promise<{ bodies: number; rulebooks: number }> {
  const [bodies, rulebooks] = await readContract(client, { address, abi: cqoCertificateAbi, functionName: "registryCounts" });
  return { bodies, rulebooks };
}

/** A body's record and signing keys; null if there is no such body. */
export async function getBody(client: ReadClient, address: Address, bodyId: number): Promise<BodyRecord | null> {
  const { bodies } = await getRegistryCounts(client, address);
  if (!Number.isInteger(bodyId) || bodyId < 1 || bodyId > bodies) return null;
  const [[body, profile, keys], accredited, metadataURI] = await Promise.all([
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "getBody", args: [bodyId] }),
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "isAccredited", args: [bodyId] }),
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "bodyMetadataURI", args: [bodyId] }),
  ]);
  return {
    bodyId,
    admin: profile.admin,
    status: enumName(BODY_STATUSES, body.status),
    accredited,
    accreditedUntil: body.accreditedUntil,
    noticePeriod: body.noticePeriod,
    scope: body.scope,
    levels: scopeToLevels(body.scope),
    voucherNonce: body.voucherNonce,
    metadataURI,
    metadataHash: profile.metadataHash,
    voidedBefore: profile.voidedBefore,
    lastVoidBlock: BigInt(profile.lastVoidBlock),
    signingKeys: [...keys],
  };
}

/** Every registered body, by id. */
export async function listBodies(client: ReadClient, address: Address): Promise<BodyRecord[]> {
  const { bodies } = await getRegistryCounts(client, address);
  const all = await Promise.all(Array.from({ length: bodies }, (_, i) => getBody(client, address, i + 1)));
  return all.filter((b): b is BodyRecord => b !== null);
}

/** The body a signing key acts for, or null. */
export async function getBodyOfSigningKey(client: ReadClient, address: Address, key: Address): Promise<number | null> {
  const id = await readContract(client, { address, abi: cqoCertificateAbi, functionName: "bodyOfSigningKey", args: [key] });
  return id === 0 ? null : id;
}

/** A rulebook's record; null if not registered. */
export async function getRulebook(client: ReadClient, address: Address, rulebookId: number): Promise<RulebookRecord | null> {
  const { rulebooks } = await getRegistryCounts(client, address);
  if (!Number.isInteger(rulebookId) || rulebookId < 1 || rulebookId > rulebooks) return null;
  const [r, uri] = await Promise.all([
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "getRulebook", args: [rulebookId] }),
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "rulebookURI", args: [rulebookId] }),
  ]);
  return {
    rulebookId,
    status: enumName(RULEBOOK_STATUSES, r.status),
    contentHash: r.contentHash,
    uri,
    reviewInterval: r.reviewInterval,
    reviewGrace: r.reviewGrace,
  };
}

/** Every registered rulebook, by id. */
export async function listRulebooks(client: ReadClient, address: Address): Promise<RulebookRecord[]> {
  const { rulebooks } = await getRegistryCounts(client, address);
  const all = await Promise.all(Array.from({ length: rulebooks }, (_, i) => getRulebook(client, address, i + 1)));
  return all.filter((r): r is RulebookRecord => r !== null);
}

/** The id of the rulebook with this content hash (see scoring's rulebookHash), or null. */
export async function getRulebookIdOf(client: ReadClient, address: Address, contentHash: Hex): Promise<number | null> {
  const id = await readContract(client, { address, abi: cqoCertificateAbi, functionName: "rulebookIdOf", args: [contentHash] });
  return id === 0 ? null : id;
}

/**
 * Whether `bodyId` used exactly this result root (issued, re-issued or renewed with it), at `blockTag` ("pending"
 * sees the node's mempool). A root that only shares its certificate number with a used one is not used.
 */
export async function isResultRootUsed(client: ReadClient, address: Address, bodyId: number, resultRoot: Hex, blockTag: BlockTag = "latest"): Promise<boolean> {
  return readContract(client, { address, abi: cqoCertificateAbi, functionName: "isResultRootUsed", args: [bodyId, resultRoot], blockTag });
}

/** Whether `account` has an access-control role (DEFAULT_ADMIN_ROLE is the association; see the sdk's role constants). */
export async function hasRole(client: ReadClient, address: Address, role: Hex, account: Address): Promise<boolean> {
  return readContract(client, { address, abi: cqoCertificateAbi, functionName: "hasRole", args: [role, account] });
}

/** The reads bound to one client and contract: `const cqo = cqoReads(client, address); await cqo.verifyCertificate(1n)`. */
export function cqoReads(client: ReadClient, address: Address) {
  return {
    address,
    verifyCertificate: (tokenId: bigint) => verifyCertificate(client, address, tokenId),
    certificateIdsOf: (holder: Address) => certificateIdsOf(client, address, holder),
    certificatesOf: (holder: Address) => certificatesOf(client, address, holder),
    holdsValidCertificate: (holder: Address, atLeastLevel: number) => holdsValidCertificate(client, address, holder, atLeastLevel),
    getRegistryCounts: () => getRegistryCounts(client, address),
    getBody: (bodyId: number) => getBody(client, address, bodyId),
    listBodies: () => listBodies(client, address),
    getBodyOfSigningKey: (key: Address) => getBodyOfSigningKey(client, address, key),
    getRulebook: (rulebookId: number) => getRulebook(client, address, rulebookId),
    listRulebooks: () => listRulebooks(client, address),
    getRulebookIdOf: (contentHash: Hex) => getRulebookIdOf(client, address, contentHash),
    isResultRootUsed: (bodyId: number, resultRoot: Hex, blockTag?: BlockTag) => isResultRootUsed(client, address, bodyId, resultRoot, blockTag),
    hasRole: (role: Hex, account: Address) => hasRole(client, address, role, account),
  };
}

export type CqoReads = ReturnType<typeof cqoReads>;
