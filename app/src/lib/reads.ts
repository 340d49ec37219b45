/**
 * The verifier's reads: the sdk's zod-free read functions (sdk/reads.ts) bound to the page's lean viem client,
 * with the page's own input checks worded for people (zh + en). The sdk's client and error modules load zod at
 * import time (≈25 kB gzipped), which the verify route's budget cannot afford; the wallet and console chunks use
 * CqoClient itself.
 */
import { getAddress, isAddress, type Address, type Client, type Hex } from "viem";
import type { Deployment } from "../../../sdk/deployments";
import { cqoReads, decodeVerification, type CqoReads } from "../../../sdk/reads";
import type { BodyRecord, CertificateVerification, RulebookRecord } from "../../../sdk/types";
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
  // the chain's block timestamps per second (contracts v2: 1000 on a millisecond chain); absent in older files: 1
  const unit = o.clockUnit === undefined ? 1 : Number(o.clockUnit);
  if (unit !== 1 && unit !== 1000) throw new Error("deployment.json: clockUnit must be 1 or 1000");
  const clockUnit: 1 | 1000 = unit === 1000 ? 1000 : 1;
  return {
    chainId,
    certificate: addr(o.certificate, "certificate"),
    renderer: addr(o.renderer ?? "0x0000000000000000000000000000000000000000", "renderer"),
    deployBlock: block,
    clockUnit,
    ...(o.library !== undefined ? { library: addr(o.library, "library") } : {}),
    ...(typeof o.rpcUrl === "string" ? { rpcUrl: o.rpcUrl } : {}),
  };
}

export interface Reader {
  readonly reads: CqoReads;
  verifyCertificate(tokenId: bigint | string): Promise<CertificateVerification>;
  /** The answer of an eth_call sent before the app loaded (index.html's early script); null if it is not for this contract. */
  decodeEarly(certificate: string, result: Hex): CertificateVerification | null;
  certificatesOf(holder: string): Promise<CertificateVerification[]>;
  getBody(bodyId: number): Promise<BodyRecord | null>;
  getRulebook(rulebookId: number): Promise<RulebookRecord | null>;
}

export function makeReader(client: Client, deployment: Deployment): Reader {
  const reads = cqoReads(client, deployment.certificate);
  return {
    reads,
    verifyCertificate: (tokenId) => reads.verifyCertificate(typeof tokenId === "bigint" ? tokenId : parseTokenId(tokenId)),
    decodeEarly: (certificate, result) =>
      isAddress(certificate, { strict: false }) && getAddress(certificate) === deployment.certificate ? decodeVerification(result) : null,
    certificatesOf: (holder) => reads.certificatesOf(parseAddress(holder)),
    getBody: (bodyId) => reads.getBody(bodyId),
    getRulebook: (rulebookId) => reads.getRulebook(rulebookId),
  };
}
