/**
 * ECDSA public-key recovery for the server's signature checks (SIWE sign-in, EIP-712 score sheets), with
 * libsecp256k1 compiled to WebAssembly (tiny-secp256k1) instead of viem's pure-JS noble curves: the same
 * address for the same (digest, signature), about 20 times faster, which made recovery the largest CPU cost
 * of the workbench. test/server/signatures.test.ts checks it against viem's recoverAddress on random keys.
 *
 * What is refused (null), each as viem refuses it: anything but 65 bytes of hex; v other than 0, 1, 27, 28;
 * r or s zero or not below the curve order; a point that does not recover. One rule stricter than viem: a
 * high-s signature (s > n/2, the malleable twin of a valid one, EIP-2) is refused; every wallet signs low-s.
 */
import * as secp from "tiny-secp256k1";
import { bytesToHex, getAddress, hexToBytes, keccak256, type Address, type Hex } from "viem";
import { msg, panelSheetDigest, trustVerifiedSheets, type Message, type PanelCheck, type PanelSheet, type SheetContext } from "../scoring";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** The signer's checksummed address, or null when the signature is malformed, malleable or does not recover. */
export function recoverSigner(digest: Hex, signature: string): Address | null {
  if (!HASH.test(digest) || !SIGNATURE.test(signature)) return null;
  const v = Number.parseInt(signature.slice(130), 16);
  const recovery: 0 | 1 | null = v === 0 || v === 27 ? 0 : v === 1 || v === 28 ? 1 : null;
  if (recovery === null) return null;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r === 0n || r >= N || s === 0n || s > HALF_N) return null;
  let point: Uint8Array | null;
  try {
    point = secp.recover(hexToBytes(digest), hexToBytes(`0x${signature.slice(2, 130)}`), recovery, false);
  } catch {
    return null;
  }
  if (!point || point.length !== 65) return null;
  return getAddress(`0x${keccak256(bytesToHex(point.subarray(1))).slice(26)}`);
}

/** Whether `signature` over `digest` is by `address` (an EOA); false for anything recoverSigner refuses. */
export function isSignedBy(digest: Hex, signature: string, address: string): boolean {
  const signer = recoverSigner(digest, signature);
  return signer !== null && signer.toLowerCase() === address.toLowerCase();
}

/**
 * One sheet handed in, checked as scoring's verifySheets checks it (the same refusals, in the same words): the
 * EIP-712 digest, the signature recovered here, then scoring's content checks through its pre-verified path
 * (trustVerifiedSheets), which the server may use because the signature was just checked.
 */
export function verifySheet(ctx: SheetContext, sheet: PanelSheet): PanelCheck {
  const digest = panelSheetDigest(sheet, ctx.domain);
  let problem: Message | null = null;
  if (sheet.signature === undefined) problem = msg("评分表未签名", "the sheet is not signed");
  else {
    const signer = recoverSigner(digest, sheet.signature);
    if (signer === null) problem = msg("签名无法解析", "the signature cannot be recovered");
    else if (signer.toLowerCase() !== sheet.assessor.address.toLowerCase()) problem = msg("签名不是该评审专家所签", "the signature is not the assessor's");
  }
  const check = trustVerifiedSheets(ctx, [{ sheet, digest }]);
  if (problem === null) return check;
  return { accepted: [], refused: [{ digest, assessorId: sheet.assessor.id, reasons: [...(check.refused[0]?.reasons ?? []), problem] }] };
}
