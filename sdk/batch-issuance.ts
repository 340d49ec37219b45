/**
 * Crash-safe batch issuance for `CqoClient.issueBatch`: a batch of any size in chunks that fit the block, resumed
 * after a crash or a race without issuing anything twice. Here apart from the client so that the chunking and the
 * used-root checks read in one place; the client hands in what it knows (wallet account, body, its gas model).
 */
import { encodeFunctionData, type Account, type Address, type Hex, type PublicClient } from "viem";
import { cqoCertificateAbi } from "./abi";
import type { SentTransaction } from "./transactions";
import type { Issuance } from "./eip712";
import { explainError } from "./errors";
import { certificateNumberOf } from "./types";

export interface BatchProgress {
  total: number;
  issued: number;
  skipped: number;
  chunks: number;
  /** the chunk just confirmed */
  lastChunk?: BatchChunk;
}

export interface BatchChunk {
  hash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  tokenIds: bigint[];
}

export interface SkippedIssuance {
  resultRoot: Hex;
  tokenId: bigint;
  /** already-used: on-chain before this chunk (a resumed run, another issuer); duplicate: twice in the input */
  reason: "already-used" | "duplicate";
}

export interface BatchResult {
  chunks: BatchChunk[];
  issued: { tokenId: bigint; resultRoot: Hex; holder: Address }[];
  skipped: SkippedIssuance[];
}

export interface IssueBatchOptions {
  /** gas cap per transaction, below the block's (tests force small chunks with it) */
  maxGasPerChunk?: bigint;
  /** share of the block gas limit left unused, for estimate drift and other transactions (default 0.2) */
  margin?: number;
  onProgress?: (progress: BatchProgress) => void;
}

/** The fixed and per-item gas of `issueCertificates`, measured once per client and kept by it. */
export interface BatchGasModel {
  value?: { perItem: bigint; fixed: bigint };
}

/** What the batch needs of the client that sends it. */
export interface BatchIssuer {
  publicClient: PublicClient;
  /** the certificate contract */
  address: Address;
  /** the signing key that sends */
  account: Account;
  /** the body the key signs for (0: none; the contract then refuses), whose numbers the certificates get */
  bodyId: number;
  gasModel: BatchGasModel;
  /** `issueCertificates` with a gas limit */
  issue: (chunk: Issuance[], gas: bigint) => Promise<SentTransaction & { tokenIds: bigint[] }>;
  isResultRootUsed: (resultRoot: Hex, blockTag: "latest" | "pending") => Promise<boolean>;
}

/** How many reads run at once when checking many roots. */
const READ_CONCURRENCY = 64;

/** Issues `items` (already parsed) in chunks; see `CqoClient.issueBatch`. */
export async function issueBatch(issuer: BatchIssuer, items: readonly Issuance[], options: IssueBatchOptions = {}): Promise<BatchResult> {
  const { publicClient, address, account, bodyId } = issuer;
  const result: BatchResult = { chunks: [], issued: [], skipped: [] };
  const numberOf = (root: Hex) => (bodyId > 0 ? certificateNumberOf(bodyId, root) : 0n);
  const progress = (lastChunk?: BatchChunk) =>
    options.onProgress?.({ total: items.length, issued: result.issued.length, skipped: result.skipped.length, chunks: result.chunks.length, lastChunk });

  const seen = new Set<string>();
  let pending: Issuance[] = [];
  for (const item of items) {
    if (seen.has(item.resultRoot)) result.skipped.push({ resultRoot: item.resultRoot, tokenId: numberOf(item.resultRoot), reason: "duplicate" });
    else {
      seen.add(item.resultRoot);
      pending.push(item);
    }
  }
  progress();
  if (pending.length === 0) return result;

  const block = await publicClient.getBlock({ blockTag: "latest" });
  const margin = options.margin ?? 0.2;
  let budget = (block.gasLimit * BigInt(Math.round((1 - margin) * 1000))) / 1000n;
  if (options.maxGasPerChunk !== undefined && options.maxGasPerChunk < budget) budget = options.maxGasPerChunk;
  const estimate = (chunk: readonly Issuance[]) =>
    publicClient.estimateGas({ account, to: address, data: encodeFunctionData({ abi: cqoCertificateAbi, functionName: "issueCertificates", args: [chunk] }) });

  // Used roots are found when the contract refuses them (the estimate simulates the chunk): the common case, a
  // batch of fresh roots, costs no extra reads; a resumed run reads the used-root flags of what remains once,
  // and once more for each root lost in a race meanwhile (bounded).
  let fruitless = 0;
  while (pending.length > 0) {
    let chunk: Issuance[];
    let sent: SentTransaction & { tokenIds: bigint[] };
    try {
      // the fixed and per-item cost size a chunk's first try (each chunk is then estimated as a whole): measured once per client
      issuer.gasModel.value ??= await (async () => {
        const first = await estimate(pending.slice(0, 1));
        const perItem = pending.length > 1 ? (await estimate(pending.slice(0, 2))) - first : first / 2n;
        return { perItem, fixed: first > perItem ? first - perItem : 0n };
      })();
      const { perItem, fixed } = issuer.gasModel.value;
      chunk = pending.slice(0, Math.max(1, perItem > 0n && budget > fixed ? Number((budget - fixed) / perItem) : 1));
      let gas = await estimate(chunk);
      while (gas > budget && chunk.length > 1) {
        const shrunk = Math.max(1, Math.floor((chunk.length * Number(budget)) / Number(gas) * 0.95));
        chunk = chunk.slice(0, Math.min(shrunk, chunk.length - 1));
        gas = await estimate(chunk);
      }
      if (gas > budget) throw new Error(`one issuance needs ${gas} gas, more than the chunk budget ${budget}`);
      const limit = gas + gas / 10n < block.gasLimit ? gas + gas / 10n : block.gasLimit;
      sent = await issuer.issue(chunk, limit);
    } catch (err) {
      // Only "this body already issued exactly this root" means done (issue #11, hole 9): a root claimed by a
      // renewal (ResultRootUsedByRenewal) or a number another root holds (CertificateNumberTaken) is a real
      // failure the caller must see, never a certificate to count as issued.
      const why = explainError(err);
      const root = why.code === "ResultRootAlreadyUsed" ? String(why.args?.[0]).toLowerCase() : undefined;
      if (root === undefined || !pending.some((p) => p.resultRoot === root)) throw err;
      // an earlier, interrupted run, another issuer, or a race between the estimate and the block
      const before = pending.length;
      pending = await dropUsed(issuer, pending, result.skipped);
      progress();
      if (pending.length === before && ++fruitless > 3) throw err;
      continue;
    }
    const sentRoots = new Set(chunk.map((c) => c.resultRoot));
    pending = pending.filter((p) => !sentRoots.has(p.resultRoot));
    const done: BatchChunk = { hash: sent.hash, blockNumber: sent.blockNumber, gasUsed: sent.gasUsed, tokenIds: sent.tokenIds };
    result.chunks.push(done);
    for (const c of chunk) result.issued.push({ tokenId: numberOf(c.resultRoot), resultRoot: c.resultRoot, holder: c.holder });
    progress(done);
  }
  return result;
}

/**
 * The items whose root `bodyId` has not used yet; those it issued already go to `skipped`. A used root is
 * asked of the contract itself (a simulated `issueCertificate`), and only its `ResultRootAlreadyUsed` for that
 * root counts as issued: a root a renewal claimed throws `ResultRootUsedByRenewal` here, for the caller.
 * Reads the pending block where the node supports it.
 */
async function dropUsed(issuer: BatchIssuer, items: readonly Issuance[], skipped: SkippedIssuance[]): Promise<Issuance[]> {
  const { publicClient, address, account, bodyId } = issuer;
  const atPending = <T>(read: (tag: "pending" | "latest") => Promise<T>) => read("pending").catch(() => read("latest"));
  const fresh: Issuance[] = [];
  for (let i = 0; i < items.length; i += READ_CONCURRENCY) {
    const slice = items.slice(i, i + READ_CONCURRENCY);
    const used = await Promise.all(slice.map((item) => atPending((tag) => issuer.isResultRootUsed(item.resultRoot, tag))));
    for (const [n, item] of slice.entries()) {
      if (!used[n]) {
        fresh.push(item);
        continue;
      }
      const data = encodeFunctionData({ abi: cqoCertificateAbi, functionName: "issueCertificate", args: [item] });
      const refusal = await atPending((blockTag) => publicClient.call({ account, to: address, data, blockTag }).then(() => undefined)).catch(
        (err: unknown) => err,
      );
      const why = refusal === undefined ? undefined : explainError(refusal);
      if (why?.code !== "ResultRootAlreadyUsed" || String(why.args?.[0]).toLowerCase() !== item.resultRoot) {
        throw refusal ?? new Error(`result root ${item.resultRoot} is used, yet issuing it again would succeed`);
      }
      skipped.push({ resultRoot: item.resultRoot, tokenId: certificateNumberOf(bodyId, item.resultRoot), reason: "already-used" });
    }
  }
  return fresh;
}
