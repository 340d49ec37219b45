/**
 * A voucher checked off-line as the contract will check it, so that a relayer refuses a voucher before paying for a
 * failed transaction: every refusal at once, each with its message (zh and en).
 */
import type { Address, Hex, PublicClient } from "viem";
import type { Deployment } from "./deployments";
import { voucherTypedData, type IssuanceVoucher } from "./eip712";
import { contractErrorMessage, type ExplainedError } from "./errors";
import type { CqoReads } from "./reads";
import { AddressSchema, HexBytesSchema, IssuanceVoucherSchema, parseInput } from "./schemas";
import { BODY_STATUSES, certificateNumberOf, MAX_BODIES } from "./types";

export interface SignedVoucher {
  voucher: IssuanceVoucher;
  signer: Address;
  signature: Hex;
}

export interface VoucherCheck {
  ok: boolean;
  /** every reason the contract would refuse it now, with messages */
  problems: ExplainedError[];
}

/**
 * Checks a voucher off-line the way the contract will: the signature (EOA or ERC-1271 wallet), the signer's
 * body, its status and term, the nonce, the deadline, the rulebook, the level's scope and the root. Lets a
 * relayer refuse a voucher before paying for a failed transaction.
 */
export async function checkIssuanceVoucher(
publicClient: PublicClient,
deployment: Deployment,
reads: CqoReads,
signed: SignedVoucher,
): Promise<VoucherCheck> {
  const voucher = parseInput(IssuanceVoucherSchema, signed.voucher, "voucher");
  const signer = parseInput(AddressSchema, signed.signer, "signer");
  const signature = parseInput(HexBytesSchema, signed.signature, "signature");
  const problems: ExplainedError[] = [];
  const root = voucher.issuance.resultRoot;
  const numbered = voucher.bodyId <= MAX_BODIES;
  const number = numbered ? certificateNumberOf(voucher.bodyId, root) : 0n;
  const [block, signatureOk, keyBody, rootUsed, holderOfNumber] = await Promise.all([
    publicClient.getBlock({ blockTag: "latest" }),
    publicClient
      .verifyTypedData({ blockTag: "latest", address: signer, signature, ...voucherTypedData(deployment.chainId, deployment.certificate, voucher) })
      .catch(() => false),
    reads.getBodyOfSigningKey(signer),
    numbered ? reads.isResultRootUsed(voucher.bodyId, root) : Promise.resolve(false),
    numbered ? reads.verifyCertificate(number).then((v) => v.holder) : Promise.resolve(null),
  ]);
  // the chain's clock may count milliseconds: the contract's dates, and these checks, are in seconds
  const now = Math.floor(Number(block.timestamp) / deployment.clockUnit);
  if (now > voucher.deadline) problems.push(contractErrorMessage("VoucherExpired", [voucher.deadline]));
  if (keyBody === null) problems.push(contractErrorMessage("UnauthorizedAccount", [signer]));
  else if (keyBody !== voucher.bodyId) problems.push(contractErrorMessage("VoucherSignerNotOfBody", [signer, voucher.bodyId]));
  const body = keyBody === null ? null : await reads.getBody(keyBody);
  if (body) {
    if (body.status !== "Active") problems.push(contractErrorMessage("BodyNotActive", [body.bodyId, BODY_STATUSES.indexOf(body.status)]));
    else if (now >= body.accreditedUntil) problems.push(contractErrorMessage("BodyAccreditationExpired", [body.bodyId, body.accreditedUntil]));
    if (voucher.nonce !== body.voucherNonce) problems.push(contractErrorMessage("VoucherNonceMismatch", [body.voucherNonce, voucher.nonce]));
    if (!body.levels.includes(voucher.issuance.level)) problems.push(contractErrorMessage("LevelOutOfScope", [body.bodyId, voucher.issuance.level]));
    const validFrom = now + body.noticePeriod;
    if (voucher.issuance.validUntil <= validFrom) problems.push(contractErrorMessage("InvalidValidity", [voucher.issuance.validUntil, validFrom]));
  }
  if (!signatureOk) problems.push(contractErrorMessage("InvalidSignature", [signer]));
  const rulebook = await reads.getRulebook(voucher.issuance.rulebookId);
  if (!rulebook) problems.push(contractErrorMessage("RulebookNotFound", [voucher.issuance.rulebookId]));
  else if (rulebook.status !== "Active") problems.push(contractErrorMessage("RulebookIsDeprecated", [voucher.issuance.rulebookId]));
  // _claimRoot's three refusals: issued with this root; claimed by a renewal (a record with no holder); the
  // number held by a certificate of another root.
  if (rootUsed && holderOfNumber !== null) problems.push(contractErrorMessage("ResultRootAlreadyUsed", [root]));
  else if (rootUsed) problems.push(contractErrorMessage("ResultRootUsedByRenewal", [root]));
  else if (holderOfNumber !== null) problems.push(contractErrorMessage("CertificateNumberTaken", [number]));
  return { ok: problems.length === 0, problems };
}
