/**
 * The verifier's reads, straight from the contract with the sdk's ABI and enum names, the same results as
 * CqoClient's verifyCertificate / certificatesOf / getBody / getRulebook. Kept separate from CqoClient because
 * the sdk's client and error modules load zod at import time (≈25 kB gzipped), which the verify route's budget
 * cannot afford; the wallet and console chunks use CqoClient itself.
 */
import { decodeFunctionResult, getAddress, isAddress, isAddressEqual, type Address, type Client, type ContractFunctionReturnType, type Hex } from "viem";
import { readContract } from "viem/actions";
import { cqoCertificateAbi } from "../../../sdk/abi";
import type { Deployment } from "../../../sdk/deployments";
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
} from "../../../sdk/types";
import { AppError } from "../components/errors";

const MAX_ID = (1n << 64n) - 1n;

export function parseTokenId(input: string): bigint {
  if (!/^\d{1,20}$/.test(input)) throw new AppError({ zh: `“${input}”不是证书编号：证书编号为 1 到 20 位数字。`, en: `“${input}” is not a certificate number: it has 1 to 20 digits.` });
  const id = BigInt(input);
  if (id <= 0n || id > MAX_ID) throw new AppError({ zh: `证书编号 ${input} 超出范围（1 … 2^64-1）。`, en: `Certificate number ${input} is out of range (1 … 2^64-1).` });
  return id;
}

export function parseAddress(input: string): Address {
  if (!isAddress(input, { strict: false })) throw new AppError({ zh: `“${input}”不是钱包地址（0x 加 40 位十六进制）。`, en: `“${input}” is not a wallet address (0x and 40 hex digits).` });
  return getAddress(input);
}

/** A deployment read from JSON, checked by hand (the sdk's zod schema stays out of this chunk). */
export function parseDeploymentLite(raw: unknown): Deployment {
  const o = (raw ?? {}) as Record<string, unknown>;
  const chainId = Number(o.chainId);
  const block = Number(o.deployBlock ?? o.blockNumber ?? 0);
  const addr = (v: unknown, what: string): Address => {
    if (typeof v !== "string" || !isAddress(v, { strict: false })) throw new Error(`deployment.json: ${what} is not an address`);
    return getAddress(v);
  };
  if (!Number.isInteger(chainId) || chainId <= 0) throw new Error("deployment.json: chainId is missing");
  if (!Number.isInteger(block) || block < 0) throw new Error("deployment.json: deployBlock is invalid");
  return {
    chainId,
    certificate: addr(o.certificate, "certificate"),
    renderer: addr(o.renderer ?? "0x0000000000000000000000000000000000000000", "renderer"),
    deployBlock: block,
    ...(typeof o.rpcUrl === "string" ? { rpcUrl: o.rpcUrl } : {}),
  };
}

type RawVerification = ContractFunctionReturnType<typeof cqoCertificateAbi, "view", "verifyCertificate">;

function verification(v: RawVerification): CertificateVerification {
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
    rulebookHash: v.rulebookHash as Hex,
    resultRoot: v.resultRoot as Hex,
    predecessor: v.predecessor === 0n ? null : v.predecessor,
    successor: v.successor === 0n ? null : v.successor,
  };
}

export class Reader {
  constructor(
    readonly client: Client,
    readonly deployment: Deployment,
  ) {}

  private get address(): Address {
    return this.deployment.certificate;
  }

  async verifyCertificate(tokenId: bigint | string): Promise<CertificateVerification> {
    const id = typeof tokenId === "bigint" ? tokenId : parseTokenId(tokenId);
    return verification(await readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "verifyCertificate", args: [id] }));
  }

  /** The answer of an eth_call sent before the app loaded (index.html), if it was for this contract. */
  decodeEarly(certificate: string, result: Hex): CertificateVerification | null {
    if (!isAddress(certificate, { strict: false }) || !isAddressEqual(certificate, this.address)) return null;
    return verification(decodeFunctionResult({ abi: cqoCertificateAbi, functionName: "verifyCertificate", data: result }));
  }

  async certificatesOf(holder: string): Promise<CertificateVerification[]> {
    const wallet = parseAddress(holder);
    const ids = await readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "certificatesOf", args: [wallet] });
    return Promise.all(ids.map((id) => this.verifyCertificate(id)));
  }

  async getBody(bodyId: number): Promise<BodyRecord | null> {
    const [bodies] = await readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "registryCounts" });
    if (bodyId < 1 || bodyId > bodies) return null;
    const [[body, profile, keys], accredited] = await Promise.all([
      readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "getBody", args: [bodyId] }),
      readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "isAccredited", args: [bodyId] }),
    ]);
    return {
      bodyId,
      admin: body.admin,
      status: enumName(BODY_STATUSES, body.status),
      accredited,
      accreditedUntil: body.accreditedUntil,
      noticePeriod: body.noticePeriod,
      scope: body.scope,
      levels: scopeToLevels(body.scope),
      voucherNonce: body.voucherNonce,
      metadataURI: profile.metadataURI,
      metadataHash: profile.metadataHash as Hex,
      voidedBefore: profile.voidedBefore,
      signingKeys: [...keys],
    };
  }

  async getRulebook(rulebookId: number): Promise<RulebookRecord | null> {
    const [, rulebooks] = await readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "registryCounts" });
    if (rulebookId < 1 || rulebookId > rulebooks) return null;
    const r = await readContract(this.client, { address: this.address, abi: cqoCertificateAbi, functionName: "getRulebook", args: [rulebookId] });
    return { rulebookId, status: enumName(RULEBOOK_STATUSES, r.status), contentHash: r.contentHash as Hex, uri: r.uri };
  }
}
