/**
 * Proof of possession (持证人当面证明): the verifier shows a fresh random challenge; the holder signs it as EIP-712
 * typed data in the certificate's wallet; the verifier checks the signature against the certificate's holder on
 * chain (EOA, or an ERC-1271 contract wallet through the chain) and that the challenge is the one it showed,
 * recently. A copied link or a screenshot proves nothing: only the wallet's key can answer a new challenge.
 */
import type { Address, Hex } from "viem";
import type { PossessionProof } from "../../../sdk/eip712";

// the typed data (domain "CQO Proof of Possession", PossessionProof) and its check are the sdk's: sdk/eip712.ts
// (possessionTypedData, verifyPossessionProof); this module is the app's challenge / answer transport.

export interface Challenge {
  tokenId: bigint;
  challenge: Hex;
  /** who asks, as the verifier's page names itself (shown to the holder before signing) */
  verifier: string;
  /** unix seconds */
  issuedAt: number;
}

/** How long a challenge can be answered. */
export const CHALLENGE_TTL_SECONDS = 10 * 60;

/** The message the holder signs for a challenge, as the wallet `holder`. */
export function proofOf(c: Challenge, holder: Address): PossessionProof {
  return { tokenId: c.tokenId, holder, challenge: c.challenge, verifier: c.verifier, issuedAt: BigInt(c.issuedAt) };
}

export function newChallenge(tokenId: bigint, verifier: string, random: (n: number) => Uint8Array): Challenge {
  const bytes = random(32);
  const challenge = `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}` as Hex;
  return { tokenId, challenge, verifier, issuedAt: Math.floor(Date.now() / 1000) };
}

/** The challenge as URL query parameters of the holder's answer page. */
export function challengeToQuery(c: Challenge): string {
  const q = new URLSearchParams({ t: c.tokenId.toString(), c: c.challenge, v: c.verifier, at: String(c.issuedAt) });
  return q.toString();
}

export function challengeFromQuery(q: URLSearchParams): Challenge | null {
  const t = q.get("t");
  const c = q.get("c");
  const v = q.get("v");
  const at = q.get("at");
  if (!t || !/^\d{1,20}$/.test(t) || !c || !/^0x[0-9a-fA-F]{64}$/.test(c) || v === null || !at || !/^\d{1,12}$/.test(at)) return null;
  return { tokenId: BigInt(t), challenge: c.toLowerCase() as Hex, verifier: v.slice(0, 200), issuedAt: Number(at) };
}

/** The holder's answer, as a line of text (also its QR code): "cqo-pop/1:<tokenId>:<holder>:<signature>". */
export function encodeResponse(tokenId: bigint, holder: Address, signature: Hex): string {
  return `cqo-pop/1:${tokenId}:${holder}:${signature}`;
}

export function decodeResponse(text: string): { tokenId: bigint; holder: Address; signature: Hex } | null {
  const m = /^cqo-pop\/1:(\d{1,20}):(0x[0-9a-fA-F]{40}):(0x(?:[0-9a-fA-F]{2})+)$/.exec(text.trim());
  if (!m) return null;
  return { tokenId: BigInt(m[1]!), holder: m[2] as Address, signature: m[3] as Hex };
}
