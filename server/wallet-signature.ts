/**
 * Whether typed data was signed by a wallet: an EOA through libsecp256k1 (server/signatures.ts, which refuses a
 * malleable high-s signature); only an address with code (a contract wallet) through the chain (ERC-1271
 * `isValidSignature`), so a high-s twin of an EOA's signature is not let in by the chain's ecrecover. Used for the
 * objection statements, the integrity declarations and the annual reports.
 */
import type { Address, Hex, TypedDataDefinition, TypedData } from "viem";
import type { CqoClient } from "../sdk";
import { chainError, onChain } from "./chain-calls";
import { isSignedByOffThread } from "./signatures";

export async function isSignedByWallet<const T extends TypedData | Record<string, unknown>, P extends keyof T | "EIP712Domain">(
  chain: CqoClient,
  typed: TypedDataDefinition<T, P>,
  digest: Hex,
  signature: Hex,
  signer: Address,
): Promise<boolean> {
  if (await isSignedByOffThread(digest, signature, signer)) return true;
  const code = await onChain(() => chain.publicClient.getCode({ address: signer }));
  if (!code || code === "0x") return false;
  try {
    return await chain.publicClient.verifyTypedData({ address: signer, signature, ...typed } as Parameters<typeof chain.publicClient.verifyTypedData>[0]);
  } catch (err) {
    // a chain that does not answer is not a wrong signature: 503, to try again; a wallet that refuses is a "no"
    const refused = chainError(err);
    if (refused.status === 503) throw refused;
    return false;
  }
}
