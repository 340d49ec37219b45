/**
 * Sending a call to the certificate contract and waiting for it: estimate (which simulates, so a refusal throws
 * the contract's error before anything is signed), send, wait for the receipt through a node that may go away,
 * and refuse a reverted receipt with the reason replayed at its block.
 */
import { encodeFunctionData, type Account, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hex, type PublicClient, type TransactionReceipt, type WalletClient } from "viem";
import { cqoCertificateAbi } from "./abi";
import { explainError, type ExplainedError } from "./errors";

type CertAbi = typeof cqoCertificateAbi;
export type WriteName = ContractFunctionName<CertAbi, "nonpayable" | "payable">;
export type WriteArgs<F extends WriteName> = ContractFunctionArgs<CertAbi, "nonpayable" | "payable", F>;

/** A mined, successful transaction. */
export interface SentTransaction {
  hash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  receipt: TransactionReceipt;
}

export class TransactionRevertedError extends Error {
  override name = "TransactionRevertedError";
  constructor(
    readonly hash: Hex,
    readonly explained?: ExplainedError,
  ) {
    super(`transaction ${hash} reverted${explained ? `: ${explained.en}` : ""}`);
  }
}

/** The wallet and its account, or the error every write and signature gives without them. */
export function requireWallet(walletClient: WalletClient | undefined): { wallet: WalletClient; account: Account } {
  if (!walletClient?.account) throw new Error("this action needs a wallet client with an account (a signing key)");
  return { wallet: walletClient, account: walletClient.account };
}

/** Sends `functionName(args)` to the certificate at `to` from the wallet's account; `gas` skips the estimate. */
export async function sendCertificateCall<F extends WriteName>(
  publicClient: PublicClient,
  walletClient: WalletClient | undefined,
  to: Address,
  call: { functionName: F; args: WriteArgs<F>; gas?: bigint },
): Promise<SentTransaction> {
  const { wallet, account } = requireWallet(walletClient);
  const data = encodeFunctionData({ abi: cqoCertificateAbi, functionName: call.functionName, args: call.args } as never);
  const limit = call.gas ?? (await publicClient.estimateGas({ account, to, data }).then((g) => g + g / 5n));
  const hash = await wallet.sendTransaction({ account, chain: wallet.chain ?? null, to, data, gas: limit });
  const receipt = await waitForReceipt(publicClient, hash);
  if (receipt.status !== "success") {
    // Replay the call at that block to learn why (state may have moved: best effort).
    const why = await publicClient
      .call({ account, to, data, blockNumber: receipt.blockNumber })
      .then(() => undefined)
      .catch((err: unknown) => explainError(err));
    throw new TransactionRevertedError(hash, why);
  }
  return { hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt };
}

/**
 * viem's wait for a receipt, which keeps polling through a node that went away (up to its 3-minute timeout):
 * here the node is probed every second and the wait fails with the node's own error after three failures in a
 * row, so a caller learns at once that the chain is unreachable. The transaction may still be mined; batch
 * issuance finds that out from the used roots when it resumes.
 */
export async function waitForReceipt(publicClient: PublicClient, hash: Hex): Promise<TransactionReceipt> {
  const stop = new AbortController();
  let failures = 0;
  const probe = setInterval(() => {
    publicClient.getBlockNumber({ cacheTime: 0 }).then(
      () => (failures = 0),
      (err: unknown) => {
        if (++failures >= 3) stop.abort(err);
      },
    );
  }, 1_000);
  try {
    return await publicClient.waitForTransactionReceipt({ hash, signal: stop.signal });
  } finally {
    clearInterval(probe);
  }
}
