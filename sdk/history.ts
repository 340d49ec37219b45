/**
 * A certificate's history, rebuilt from the contract's events alone (no indexer): every event indexed by its
 * number, the re-issue that created it, and the association's voids of its body that cover it. Logs are read
 * from the deployment block to the latest in ranges, halved when the RPC refuses a range as too large.
 */
import {
  decodeEventLog,
  encodeEventTopics,
  getAddress,
  numberToHex,
  pad,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { cqoCertificateAbi } from "./abi";
import type { Deployment } from "./deployments";
import { enumName, REVOCATION_REASONS, type RevocationReasonName } from "./types";

export type HistoryEvent =
  | { kind: "issued"; bodyId: number; level: number; rulebookId: number; validUntil: number; resultRoot: Hex }
  | { kind: "suspended"; evidenceHash: Hex }
  | { kind: "reinstated" }
  | { kind: "objection-filed"; filer: Address; evidenceHash: Hex }
  | { kind: "objection-resolved"; upheld: boolean; evidenceHash: Hex }
  | { kind: "renewed"; resultRoot: Hex; rulebookId: number; validUntil: number }
  /** this certificate was created by re-issuing `from` to a new wallet */
  | { kind: "reissued-from"; from: bigint; newHolder: Address; resultRoot: Hex }
  /** this certificate was re-issued as `to` (and revoked as Reissued) */
  | { kind: "reissued-to"; to: bigint; newHolder: Address; resultRoot: Hex }
  | { kind: "revoked"; reason: RevocationReasonName; evidenceHash: Hex }
  /** the association voided the body's certificates issued before `voidedBefore`: this one included */
  | { kind: "voided"; voidedBefore: number; evidenceHash: Hex }
  /** a later void date that no longer covers this certificate (a void undone) */
  | { kind: "void-lifted"; voidedBefore: number; evidenceHash: Hex };

export type HistoryEntry = HistoryEvent & {
  blockNumber: bigint;
  logIndex: number;
  /** unix seconds of the block */
  timestamp: number;
  txHash: Hex;
  /** who sent the transaction (a body's key, the supervisor, a relayer for vouchers) */
  actor: Address;
};

export interface HistoryOptions {
  /** blocks per eth_getLogs request (default 10,000; halved on a "range too large" refusal) */
  blockRange?: bigint;
  fromBlock?: bigint;
  toBlock?: bigint;
}

const TOKEN_EVENTS = [
  "CertificateIssued",
  "CertificateSuspended",
  "CertificateReinstated",
  "CertificateRevoked",
  "ObjectionFiled",
  "ObjectionResolved",
  "CertificateRenewed",
  "CertificateReissued",
] as const;

const topic0 = (eventName: (typeof TOKEN_EVENTS)[number] | "BodyCertificatesVoided"): Hex => {
  const [t] = encodeEventTopics({ abi: cqoCertificateAbi, eventName } as Parameters<typeof encodeEventTopics>[0]);
  if (!t) throw new Error(`no topic for ${eventName}`);
  return t;
};

interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  transactionHash: Hex | null;
  logIndex: Hex | null;
  removed?: boolean;
}

function isRangeRefusal(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { details?: unknown }).details ?? "")}` : String(err);
  return /range|too many|limit|exceed|too large|10000|block count/i.test(text);
}

/** eth_getLogs over [from, to] in ranges the RPC accepts. */
async function getLogsChunked(client: PublicClient, address: Address, topics: (Hex | Hex[] | null)[], from: bigint, to: bigint, range: bigint): Promise<RpcLog[]> {
  const out: RpcLog[] = [];
  let start = from;
  let size = range;
  while (start <= to) {
    const end = start + size - 1n < to ? start + size - 1n : to;
    try {
      const logs = (await client.request({
        method: "eth_getLogs",
        params: [{ address, topics, fromBlock: numberToHex(start), toBlock: numberToHex(end) }],
      })) as unknown as RpcLog[];
      out.push(...logs.filter((l) => !l.removed));
      start = end + 1n;
    } catch (err) {
      if (size > 1n && isRangeRefusal(err)) size /= 2n;
      else throw err;
    }
  }
  return out;
}

export async function certificateHistory(
  client: PublicClient,
  deployment: Deployment,
  certificate: { tokenId: bigint; bodyId: number; issuedAt: number },
  options: HistoryOptions = {},
): Promise<HistoryEntry[]> {
  const from = options.fromBlock ?? BigInt(deployment.deployBlock);
  // cacheTime 0: viem caches the block number for its polling interval, and a history must include the last block.
  const to = options.toBlock ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const range = options.blockRange ?? 10_000n;
  const address = deployment.certificate;
  const idTopic = pad(numberToHex(certificate.tokenId), { size: 32 });
  const bodyTopic = pad(numberToHex(certificate.bodyId), { size: 32 });

  const [byToken, reissuedInto, voids] = await Promise.all([
    getLogsChunked(client, address, [TOKEN_EVENTS.map(topic0), idTopic], from, to, range),
    getLogsChunked(client, address, [topic0("CertificateReissued"), null, idTopic], from, to, range),
    getLogsChunked(client, address, [topic0("BodyCertificatesVoided"), bodyTopic], from, to, range),
  ]);

  const entries: (HistoryEvent & { log: RpcLog })[] = [];
  for (const log of [...byToken, ...reissuedInto]) {
    const e = decodeEventLog({ abi: cqoCertificateAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    switch (e.eventName) {
      case "CertificateIssued":
        entries.push({ log, kind: "issued", bodyId: e.args.bodyId, level: e.args.level, rulebookId: e.args.rulebookId, validUntil: e.args.validUntil, resultRoot: e.args.resultRoot });
        break;
      case "CertificateSuspended":
        entries.push({ log, kind: "suspended", evidenceHash: e.args.evidenceHash });
        break;
      case "CertificateReinstated":
        entries.push({ log, kind: "reinstated" });
        break;
      case "CertificateRevoked":
        entries.push({ log, kind: "revoked", reason: enumName(REVOCATION_REASONS, e.args.reason), evidenceHash: e.args.evidenceHash });
        break;
      case "ObjectionFiled":
        entries.push({ log, kind: "objection-filed", filer: e.args.filer, evidenceHash: e.args.evidenceHash });
        break;
      case "ObjectionResolved":
        entries.push({ log, kind: "objection-resolved", upheld: e.args.upheld, evidenceHash: e.args.evidenceHash });
        break;
      case "CertificateRenewed":
        entries.push({ log, kind: "renewed", resultRoot: e.args.resultRoot, rulebookId: e.args.rulebookId, validUntil: e.args.validUntil });
        break;
      case "CertificateReissued":
        if (e.args.tokenId === certificate.tokenId) entries.push({ log, kind: "reissued-to", to: e.args.newTokenId, newHolder: e.args.newHolder, resultRoot: e.args.resultRoot });
        else entries.push({ log, kind: "reissued-from", from: e.args.tokenId, newHolder: e.args.newHolder, resultRoot: e.args.resultRoot });
        break;
      default:
        break;
    }
  }
  // A void covers the certificate when its date is after the issue date; a later, earlier date lifts it.
  let covered = false;
  for (const log of sortLogs(voids)) {
    const e = decodeEventLog({ abi: cqoCertificateAbi, eventName: "BodyCertificatesVoided", data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    const covers = certificate.issuedAt < e.args.voidedBefore;
    if (covers && !covered) entries.push({ log, kind: "voided", voidedBefore: e.args.voidedBefore, evidenceHash: e.args.evidenceHash });
    else if (!covers && covered) entries.push({ log, kind: "void-lifted", voidedBefore: e.args.voidedBefore, evidenceHash: e.args.evidenceHash });
    covered = covers;
  }

  // One block and one transaction lookup each, however many events they hold.
  const blocks = new Map<bigint, Promise<number>>();
  const senders = new Map<Hex, Promise<Address>>();
  const timestampOf = (n: bigint) => {
    let p = blocks.get(n);
    if (!p) blocks.set(n, (p = client.getBlock({ blockNumber: n }).then((b) => Number(b.timestamp))));
    return p;
  };
  const senderOf = (hash: Hex) => {
    let p = senders.get(hash);
    if (!p) senders.set(hash, (p = client.getTransaction({ hash }).then((t) => getAddress(t.from))));
    return p;
  };

  const sorted = entries.sort((a, b) => compareLogs(a.log, b.log));
  return Promise.all(
    sorted.map(async ({ log, ...event }) => {
      const blockNumber = BigInt(log.blockNumber ?? "0x0");
      const txHash = log.transactionHash ?? "0x";
      const [timestamp, actor] = await Promise.all([timestampOf(blockNumber), senderOf(txHash)]);
      return { ...event, blockNumber, logIndex: Number(log.logIndex ?? "0x0"), timestamp, txHash, actor } as HistoryEntry;
    }),
  );
}

function compareLogs(a: RpcLog, b: RpcLog): number {
  const block = BigInt(a.blockNumber ?? "0x0") - BigInt(b.blockNumber ?? "0x0");
  if (block !== 0n) return block < 0n ? -1 : 1;
  return Number(a.logIndex ?? "0x0") - Number(b.logIndex ?? "0x0");
}

function sortLogs(logs: RpcLog[]): RpcLog[] {
  return [...logs].sort(compareLogs);
}
