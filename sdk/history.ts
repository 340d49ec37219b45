/**
 * A certificate's history, rebuilt from the contract's events alone (no indexer, no range scans): ERC-1056's
 * pattern. `verifyCertificate(id).lastEventBlock` names the block of the certificate's latest event, and every
 * event names the block of the one before (`previousEventBlock`), so the history is read one block at a time,
 * newest first, until the certificate's first event (CertificateIssued, or the CertificateReissued that created
 * it). The body's voids are walked the same way, from `getBody(bodyId).profile.lastVoidBlock` back through each
 * BodyCertificatesVoided's `previousVoidBlock`, and stop at the certificate's first block: an older void dates
 * from before the certificate existed and cannot cover it.
 *
 * Cost, in RPC requests (HTTP requests on an http transport), for a certificate whose events fill C blocks and
 * whose body's voids since its first event fill V blocks (a block holding both is read once; B = the distinct
 * blocks):
 *   1  eth_call verifyCertificate    } sent together: one HTTP request when the client batches JSON-RPC
 *   1  eth_call getBody              }
 *   B  eth_getLogs, one block each (fromBlock = toBlock; address = the contract; topic0 = its certificate and void
 *      events, so a batch issuance's Transfer and Locked logs stay on the node)
 *   0  block timestamps when the node puts `blockTimestamp` in its logs (anvil, reth, geth ≥ 1.16), else
 *   1  JSON-RPC batch of eth_getBlockByNumber for the B blocks (on an http transport; on another transport, such as
 *      a browser wallet's, one request per block, coalesced if that transport batches)
 * so at most B + 3 ≤ (blocks with events) + 4, whatever the chain's length.
 */
import {
  createPublicClient,
  decodeEventLog,
  encodeEventTopics,
  http,
  numberToHex,
  type Address,
  type Chain,
  type Client,
  type Hex,
  type Transport,
} from "viem";
import { getBlock, readContract } from "viem/actions";
import { cqoCertificateAbi } from "./abi";
import type { ClockUnit, Deployment } from "./deployments";
import {
  bodyIdOfCertificate,
  enumName,
  REVIEW_RESULTS,
  REVOCATION_REASONS,
  type ReviewResultName,
  type RevocationReasonName,
} from "./types";

export type HistoryEvent =
  | { kind: "issued"; bodyId: number; level: number; rulebookId: number; validUntil: number; resultRoot: Hex }
  | { kind: "suspended"; evidenceHash: Hex }
  | { kind: "reinstated" }
  | { kind: "objection-filed"; filer: Address; evidenceHash: Hex }
  | { kind: "objection-resolved"; upheld: boolean; evidenceHash: Hex }
  /** a new result with its own public notice, which ends at `validFrom` */
  | { kind: "renewed"; resultRoot: Hex; rulebookId: number; validFrom: number; validUntil: number }
  /** this certificate was created by re-issuing `from` to a new wallet */
  | { kind: "reissued-from"; from: bigint; newHolder: Address; resultRoot: Hex }
  /** this certificate was re-issued as `to` (and revoked as Reissued) */
  | { kind: "reissued-to"; to: bigint; newHolder: Address; resultRoot: Hex }
  | { kind: "revoked"; reason: RevocationReasonName; evidenceHash: Hex }
  /** an annual review (年审); `nextReviewDue` 0: none before the end of validity (or revoked) */
  | { kind: "reviewed"; result: ReviewResultName; evidenceHash: Hex; nextReviewDue: number }
  /** the supervisor voided the body's certificates whose result is older than `voidedBefore`: this one included */
  | { kind: "voided"; voidedBefore: number; evidenceHash: Hex }
  /** a later void date that no longer covers this certificate (a void undone) */
  | { kind: "void-lifted"; voidedBefore: number; evidenceHash: Hex };

export type HistoryEntry = HistoryEvent & {
  blockNumber: bigint;
  logIndex: number;
  /** unix seconds of the block (its timestamp divided by the deployment's clock unit) */
  timestamp: number;
  txHash: Hex;
  /** who acted, as the event says (`by`): the signing key for an issuance (a voucher's signer, not its relayer),
   * the filer for an objection, the body's key or the supervisor otherwise */
  actor: Address;
  /** for suspensions, reinstatements, revocations and resolved objections: whether the supervisor acted */
  bySupervisor?: boolean;
};

export interface HistoryOptions {
  /** a bound on the blocks walked, against an RPC that answers in circles (default 1,000) */
  maxBlocks?: number;
}

/** Any viem client with a transport to the chain (a PublicClient, the dApp's lean client). */
export type HistoryClient = Client<Transport, Chain | undefined>;

/** What the walk needs of a deployment; files older than v2 have no clock unit (seconds). */
export type HistoryDeployment = Pick<Deployment, "certificate"> & { clockUnit?: ClockUnit };

/** The events that name a certificate (topic 1 is its number; CertificateReissued's topic 2 the new one). */
export const CERTIFICATE_EVENTS = [
  "CertificateIssued",
  "CertificateSuspended",
  "CertificateReinstated",
  "CertificateRevoked",
  "ObjectionFiled",
  "ObjectionResolved",
  "CertificateRenewed",
  "CertificateReissued",
  "AnnualReviewRecorded",
] as const;

export type WalkedEvent = (typeof CERTIFICATE_EVENTS)[number] | "BodyCertificatesVoided";

/** An event's topic 0 in the certificate's ABI. */
export const topic0 = (eventName: WalkedEvent): Hex => {
  const [t] = encodeEventTopics({ abi: cqoCertificateAbi, eventName } as Parameters<typeof encodeEventTopics>[0]);
  if (!t) throw new Error(`no topic for ${eventName}`);
  return t;
};

const WALKED_TOPICS: Hex[] = [...CERTIFICATE_EVENTS, "BodyCertificatesVoided" as const].map(topic0);

/** A log as eth_getLogs returns it; `blockTimestamp` where the node includes it (execution-apis, 2025). */
interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  blockTimestamp?: Hex | null;
  transactionHash: Hex | null;
  logIndex: Hex | null;
  removed?: boolean;
}

type Decoded = ReturnType<typeof decodeEventLog<typeof cqoCertificateAbi>>;

interface Found {
  log: RpcLog;
  block: bigint;
  logIndex: number;
  event: Decoded;
}

const compareFound = (a: Found, b: Found): number => (a.block !== b.block ? (a.block < b.block ? -1 : 1) : a.logIndex - b.logIndex);

/** A bound on the logs kept from one block's answer: more is a node flooding the walk. */
const MAX_LOGS_PER_BLOCK = 10_000;

/**
 * The contract's walked events in one block, decoded, in log order. Logs the node should not have returned are
 * dropped: another block's, another address's, removed (reorged), without a log index, or repeated.
 */
async function blockEvents(client: HistoryClient, address: Address, block: bigint): Promise<Found[]> {
  const logs = (await client.request({
    method: "eth_getLogs",
    params: [{ address, topics: [WALKED_TOPICS], fromBlock: numberToHex(block), toBlock: numberToHex(block) }],
  })) as unknown as RpcLog[];
  if (!Array.isArray(logs)) throw new Error(`区块 ${block} 的日志无效 / block ${block}: the node's eth_getLogs answer is not a list`);
  const found: Found[] = [];
  const seen = new Set<number>();
  for (const log of logs) {
    if (!log || log.removed === true || typeof log.address !== "string" || log.address.toLowerCase() !== address.toLowerCase()) continue;
    if (log.blockNumber == null || BigInt(log.blockNumber) !== block || log.logIndex == null) continue;
    const logIndex = Number(log.logIndex);
    if (seen.has(logIndex)) continue; // the same log twice
    if (found.length >= MAX_LOGS_PER_BLOCK)
      throw new Error(`区块 ${block} 的日志超过 ${MAX_LOGS_PER_BLOCK} 条 / block ${block}: more than ${MAX_LOGS_PER_BLOCK} logs`);
    let event: Decoded;
    try {
      event = decodeEventLog({ abi: cqoCertificateAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    } catch {
      continue; // not one of ours (a node that ignored the topic filter)
    }
    seen.add(logIndex);
    found.push({ log, block, logIndex, event });
  }
  return found.sort(compareFound);
}

/** Whether an event is about `tokenId`, and whether it is the certificate's first (nothing before it to walk). */
function concerns(event: Decoded, tokenId: bigint): { ours: boolean; first: boolean } {
  switch (event.eventName) {
    case "CertificateIssued":
      return { ours: event.args.tokenId === tokenId, first: true };
    case "CertificateReissued":
      if (event.args.newTokenId === tokenId) return { ours: true, first: true };
      return { ours: event.args.tokenId === tokenId, first: false };
    case "CertificateSuspended":
    case "CertificateReinstated":
    case "CertificateRevoked":
    case "ObjectionFiled":
    case "ObjectionResolved":
    case "CertificateRenewed":
    case "AnnualReviewRecorded":
      return { ours: event.args.tokenId === tokenId, first: false };
    default:
      return { ours: false, first: false };
  }
}

/** The block an event names as the one before it (0n: none). */
function previousBlock(event: Decoded): bigint {
  if (event.eventName === "BodyCertificatesVoided") return BigInt(event.args.previousVoidBlock);
  return "previousEventBlock" in event.args ? BigInt(event.args.previousEventBlock) : 0n;
}

/** The entry of a certificate event (voids are decided separately). */
function toHistoryEvent(event: Decoded, tokenId: bigint): (HistoryEvent & { actor: Address; bySupervisor?: boolean }) | null {
  switch (event.eventName) {
    case "CertificateIssued": {
      const a = event.args;
      return { kind: "issued", bodyId: a.bodyId, level: a.level, rulebookId: a.rulebookId, validUntil: a.validUntil, resultRoot: a.resultRoot, actor: a.by };
    }
    case "CertificateSuspended":
      return { kind: "suspended", evidenceHash: event.args.evidenceHash, actor: event.args.by, bySupervisor: event.args.bySupervisor };
    case "CertificateReinstated":
      return { kind: "reinstated", actor: event.args.by, bySupervisor: event.args.bySupervisor };
    case "CertificateRevoked": {
      const a = event.args;
      return { kind: "revoked", reason: enumName(REVOCATION_REASONS, a.reason), evidenceHash: a.evidenceHash, actor: a.by, bySupervisor: a.bySupervisor };
    }
    case "ObjectionFiled":
      return { kind: "objection-filed", filer: event.args.filer, evidenceHash: event.args.evidenceHash, actor: event.args.filer };
    case "ObjectionResolved": {
      const a = event.args;
      return { kind: "objection-resolved", upheld: a.upheld, evidenceHash: a.evidenceHash, actor: a.by, bySupervisor: a.bySupervisor };
    }
    case "CertificateRenewed": {
      const a = event.args;
      return { kind: "renewed", resultRoot: a.resultRoot, rulebookId: a.rulebookId, validFrom: a.validFrom, validUntil: a.validUntil, actor: a.by };
    }
    case "AnnualReviewRecorded": {
      const a = event.args;
      return { kind: "reviewed", result: enumName(REVIEW_RESULTS, a.result), evidenceHash: a.evidenceHash, nextReviewDue: a.nextReviewDue, actor: a.by };
    }
    case "CertificateReissued": {
      const a = event.args;
      if (a.tokenId === tokenId) return { kind: "reissued-to", to: a.newTokenId, newHolder: a.newHolder, resultRoot: a.resultRoot, actor: a.by };
      return { kind: "reissued-from", from: a.tokenId, newHolder: a.newHolder, resultRoot: a.resultRoot, actor: a.by };
    }
    default:
      return null;
  }
}

/**
 * Block timestamps (in the chain's unit) of blocks whose logs did not carry one: one JSON-RPC batch on an http
 * transport (a client of our own on the same URL and fetch options, since the caller's may not batch), else one
 * request per block through the caller's client.
 */
async function blockTimestamps(client: HistoryClient, blocks: readonly bigint[]): Promise<Map<bigint, bigint>> {
  const out = new Map<bigint, bigint>();
  if (blocks.length === 0) return out;
  const transport = client.transport as { type?: string; url?: string; fetchOptions?: RequestInit };
  const reader: HistoryClient =
    transport.type === "http" && typeof transport.url === "string" && blocks.length > 1
      ? createPublicClient({ transport: http(transport.url, { batch: { batchSize: blocks.length, wait: 0 }, fetchOptions: transport.fetchOptions, retryCount: 1 }) })
      : client;
  const got = await Promise.all(blocks.map((blockNumber) => getBlock(reader, { blockNumber, includeTransactions: false })));
  got.forEach((b, i) => out.set(blocks[i]!, b.timestamp));
  return out;
}

/**
 * The history of one certificate, oldest first: its own events, the re-issue that created it, and the voids of
 * its body that covered it or lifted a cover. Empty for an unknown number.
 *
 * Voids compare the certificate's current result's time with the void date, as the contract does: at each void,
 * the time of the latest issuance, re-issue (a new wallet's own public notice starts its result) or renewal
 * before it.
 */
export async function certificateHistory(
  client: HistoryClient,
  deployment: HistoryDeployment,
  certificate: bigint | { tokenId: bigint },
  options: HistoryOptions = {},
): Promise<HistoryEntry[]> {
  const tokenId = typeof certificate === "bigint" ? certificate : certificate.tokenId;
  const address = deployment.certificate;
  const clockUnit = BigInt(deployment.clockUnit ?? 1);
  const maxBlocks = options.maxBlocks ?? 1_000;
  const bodyId = bodyIdOfCertificate(tokenId);

  // Both reads at once (one HTTP request on a batching client). A number whose top byte names no body is unknown.
  const [verified, bodyRead] = await Promise.allSettled([
    readContract(client, { address, abi: cqoCertificateAbi, functionName: "verifyCertificate", args: [tokenId] }),
    bodyId === 0 ? Promise.reject(new Error("no body 0")) : readContract(client, { address, abi: cqoCertificateAbi, functionName: "getBody", args: [bodyId] }),
  ]);
  if (verified.status === "rejected") throw verified.reason;
  const v = verified.value;
  if (v.status === 0) return []; // NotFound
  // Every existing certificate has at least its first event.
  if (BigInt(v.lastEventBlock) === 0n)
    throw new Error(`证书 #${tokenId} 存在但没有事件区块 / history of #${tokenId}: the certificate exists but names no event block`);
  // An existing certificate's body exists: a failure here is the node's, never "no voids".
  if (bodyRead.status === "rejected") throw bodyRead.reason;
  const body = bodyRead.value;

  // Each block's logs are read once, whichever walk reaches it first.
  const logsOf = new Map<bigint, Promise<Found[]>>();
  const read = (block: bigint) => {
    let p = logsOf.get(block);
    if (!p) logsOf.set(block, (p = blockEvents(client, address, block)));
    return p;
  };
  let walked = 0;
  const step = (block: bigint, next: bigint): bigint => {
    if (++walked > maxBlocks) throw new Error(`history of #${tokenId}: more than ${maxBlocks} blocks walked`);
    // Each event points strictly back; anything else is a node lying about its logs.
    if (next >= block) throw new Error(`history of #${tokenId}: block ${block} points forward to ${next}`);
    return next;
  };

  const mine: Found[] = [];
  let firstBlock = 0n;
  let complete = false;
  for (let block = BigInt(v.lastEventBlock); block !== 0n; ) {
    const ours = (await read(block)).filter((f) => concerns(f.event, tokenId).ours);
    const earliest = ours[0];
    if (!earliest) throw new Error(`history of #${tokenId}: block ${block} holds none of its events`);
    mine.push(...ours);
    firstBlock = block;
    if (concerns(earliest.event, tokenId).first) {
      complete = true;
      const e = earliest.event;
      if (e.eventName === "CertificateIssued" && (e.args.bodyId !== v.bodyId || e.args.level !== v.level))
        throw new Error(
          `证书 #${tokenId} 的签发事件与合约状态不符 / history of #${tokenId}: its CertificateIssued (body ${e.args.bodyId}, level ${e.args.level}) disagrees with verifyCertificate (body ${v.bodyId}, level ${v.level})`,
        );
      break;
    }
    block = step(block, previousBlock(earliest.event));
  }
  // The walk reached block 0 without the certificate's first event: the node left part of it out.
  if (!complete)
    throw new Error(`证书 #${tokenId} 的历史不完整 / history of #${tokenId} is incomplete: the walk ended before its issuance`);

  const voids: Found[] = [];
  const lastVoidBlock = BigInt(body[1].lastVoidBlock);
  for (let block = lastVoidBlock; block !== 0n && block >= firstBlock; ) {
    const here = (await read(block)).filter((f) => f.event.eventName === "BodyCertificatesVoided" && f.event.args.bodyId === bodyId);
    const earliest = here[0];
    if (!earliest) throw new Error(`voids of body ${bodyId}: block ${block} holds none`);
    voids.push(...here);
    block = step(block, previousBlock(earliest.event));
  }

  // Timestamps: from the logs where the node includes them, else fetched once per distinct block.
  const stamps = new Map<bigint, bigint>();
  for (const f of [...mine, ...voids]) if (f.log.blockTimestamp) stamps.set(f.block, BigInt(f.log.blockTimestamp));
  const missing = [...new Set([...mine, ...voids].map((f) => f.block))].filter((b) => !stamps.has(b));
  for (const [b, t] of await blockTimestamps(client, missing)) stamps.set(b, t);
  const secondsOf = (f: Found): number => Number((stamps.get(f.block) ?? 0n) / clockUnit);

  const entry = (f: Found, event: HistoryEvent & { actor: Address; bySupervisor?: boolean }): HistoryEntry => ({
    ...event,
    blockNumber: f.block,
    logIndex: f.logIndex,
    timestamp: secondsOf(f),
    txHash: f.log.transactionHash ?? "0x",
  });

  const entries: { found: Found; entry: HistoryEntry }[] = [];
  for (const f of mine) {
    const event = toHistoryEvent(f.event, tokenId);
    if (event) entries.push({ found: f, entry: entry(f, event) });
  }
  mine.sort(compareFound);

  // The result's time at each void: the latest issuance or renewal before it (see the function's comment).
  const evaluations = mine.filter(
    (f) =>
      f.event.eventName === "CertificateIssued" ||
      f.event.eventName === "CertificateRenewed" ||
      (f.event.eventName === "CertificateReissued" && f.event.args.newTokenId === tokenId),
  );
  let covered = false;
  for (const f of voids.sort(compareFound)) {
    if (f.event.eventName !== "BodyCertificatesVoided") continue;
    const before = evaluations.filter((e) => compareFound(e, f) < 0).at(-1);
    const evaluatedAt = before ? secondsOf(before) : v.evaluatedAt;
    const { voidedBefore, evidenceHash, by } = f.event.args;
    const covers = evaluatedAt < voidedBefore;
    if (covers !== covered) entries.push({ found: f, entry: entry(f, { kind: covers ? "voided" : "void-lifted", voidedBefore, evidenceHash, actor: by }) });
    covered = covers;
  }
  return entries.sort((a, b) => compareFound(a.found, b.found)).map((e) => e.entry);
}
