/**
 * The directory of certifying bodies (认定主体名录) from the chain alone, no server: each body's record (the sdk's
 * zod-free reads), its name from its metadata (checked against the on-chain hash when it is inline), its standing,
 * and how many of its certificates are in each status now.
 *
 * The counts need every certificate a body ever issued. The contract has no per-body list, so they come from its
 * events: every CertificateIssued and CertificateReissued since the deployment block (one eth_getLogs per range
 * of blocks; a node that refuses a range gets halves), then `verifyCertificate` for each number (one JSON-RPC
 * batch on the page's batching client). The sdk's history walks one certificate; this scan is the directory's own.
 * Cost grows with the chain's length and the certificates' count: for a long production chain, an indexer would
 * serve these counts instead.
 */
import { decodeEventLog, keccak256, numberToHex, stringToHex, type Client, type Hex } from "viem";
import { getBlockNumber, readContract } from "viem/actions";
import { cqoCertificateAbi } from "../../../sdk/abi";
import type { Deployment } from "../../../sdk/deployments";
import { topic0 } from "../../../sdk/history";
import { cqoReads } from "../../../sdk/reads";
import { bodyIdOfCertificate, CERTIFICATE_STATUSES, type BodyRecord, type CertificateStatus } from "../../../sdk/types";
import { bodyNameFromMetadata } from "../lib/format";

/** A certificate's status as the directory counts it: the sdk's names, with 7 known before every sdk has it. */
export type DirectoryStatus = CertificateStatus | "ReviewOverdue" | "Unknown";

/** The status at an index of the contract's enum; an index newer than this app is "Unknown", never a crash. */
export function certificateStatusName(index: number): DirectoryStatus {
  const known = (CERTIFICATE_STATUSES as readonly string[])[index] as CertificateStatus | undefined;
  if (known) return known;
  return index === 7 ? "ReviewOverdue" : "Unknown";
}

/** The statuses a directory shows, in this order (NotFound never occurs for an issued number). */
export const DIRECTORY_STATUSES: readonly DirectoryStatus[] = ["Valid", "Pending", "Suspended", "ReviewOverdue", "Expired", "Revoked", "Voided", "Unknown"];

/** A body's standing: accredited (active, in its term), suspended, expired (term over), revoked. */
export type BodyStanding = "accredited" | "suspended" | "expired" | "revoked";

export function bodyStanding(body: Pick<BodyRecord, "status" | "accredited">): BodyStanding {
  if (body.status === "Revoked") return "revoked";
  if (body.status === "Suspended") return "suspended";
  // active: the contract's isAccredited also checks the term against the chain's clock
  return body.accredited ? "accredited" : "expired";
}

export interface BodyName {
  /** the name in the metadata, or null when the metadata is not inline JSON with a name */
  name: string | null;
  /** inline metadata whose keccak256 is the on-chain metadataHash: true; differs: false; not inline: null */
  matchesHash: boolean | null;
}

/** The body's name from its metadata URI, and whether inline metadata is the one the chain committed to. */
export function bodyName(body: Pick<BodyRecord, "metadataURI" | "metadataHash">): BodyName {
  const name = bodyNameFromMetadata(body.metadataURI);
  const m = /^data:application\/json(?:;charset=[^,;]+)?,(.*)$/s.exec(body.metadataURI);
  if (!m) return { name, matchesHash: null };
  let text: string;
  try {
    text = decodeURIComponent(m[1]!);
  } catch {
    return { name, matchesHash: false };
  }
  return { name, matchesHash: keccak256(stringToHex(text)).toLowerCase() === body.metadataHash.toLowerCase() };
}

export type StatusCounts = Partial<Record<DirectoryStatus, number>> & { total: number; underObjection: number };

export interface DirectoryEntry {
  body: BodyRecord;
  standing: BodyStanding;
  name: BodyName;
  counts: StatusCounts;
}

interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  removed?: boolean;
}

/** Blocks per eth_getLogs at first; a node that refuses gets halves down to MIN_RANGE. */
const FIRST_RANGE = 50_000n;
const MIN_RANGE = 500n;
/** A bound on the requests of one scan, against a chain too long to scan from a browser. */
const MAX_REQUESTS = 500;

/** Every certificate number the contract ever created (issued, or re-issued to a new wallet), oldest first. */
export async function certificateNumbers(client: Client, deployment: Pick<Deployment, "certificate" | "deployBlock">): Promise<bigint[]> {
  const address = deployment.certificate;
  const topics = [[topic0("CertificateIssued"), topic0("CertificateReissued")]];
  const latest = await getBlockNumber(client, { cacheTime: 0 });
  const numbers = new Set<bigint>();
  let requests = 0;
  const scan = async (from: bigint, to: bigint): Promise<void> => {
    if (++requests > MAX_REQUESTS)
      throw new Error(`链上事件过多，浏览器无法统计（超过 ${MAX_REQUESTS} 次查询）/ too many blocks to count in a browser (more than ${MAX_REQUESTS} requests): use an indexer`);
    let logs: RpcLog[];
    try {
      logs = (await client.request({ method: "eth_getLogs", params: [{ address, topics, fromBlock: numberToHex(from), toBlock: numberToHex(to) }] } as never)) as RpcLog[];
    } catch (err) {
      // many public nodes cap the range of one query: ask for halves
      if (to - from + 1n <= MIN_RANGE) throw err;
      const mid = from + (to - from) / 2n;
      await scan(from, mid);
      await scan(mid + 1n, to);
      return;
    }
    if (!Array.isArray(logs)) throw new Error("eth_getLogs 的回答不是列表 / the node's eth_getLogs answer is not a list");
    for (const log of logs) {
      if (!log || log.removed === true || log.address?.toLowerCase() !== address.toLowerCase()) continue;
      try {
        const e = decodeEventLog({ abi: cqoCertificateAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
        if (e.eventName === "CertificateIssued") numbers.add(e.args.tokenId);
        else if (e.eventName === "CertificateReissued") numbers.add(e.args.newTokenId);
      } catch {
        // not one of ours: a node that ignored the filter
      }
    }
  };
  for (let from = BigInt(deployment.deployBlock ?? 0); from <= latest; from += FIRST_RANGE) {
    const to = from + FIRST_RANGE - 1n < latest ? from + FIRST_RANGE - 1n : latest;
    await scan(from, to);
  }
  return [...numbers];
}

/** The current status of each number (raw reads: an enum index this app does not know yet still counts). */
export async function certificateStatuses(client: Client, deployment: Pick<Deployment, "certificate">, numbers: readonly bigint[]): Promise<{ tokenId: bigint; status: DirectoryStatus; underObjection: boolean }[]> {
  return Promise.all(
    numbers.map(async (tokenId) => {
      const v = await readContract(client, { address: deployment.certificate, abi: cqoCertificateAbi, functionName: "verifyCertificate", args: [tokenId] });
      return { tokenId, status: certificateStatusName(Number(v.status)), underObjection: v.underObjection };
    }),
  );
}

export function countByStatus(rows: readonly { status: DirectoryStatus; underObjection: boolean }[]): StatusCounts {
  const counts: StatusCounts = { total: 0, underObjection: 0 };
  for (const r of rows) {
    if (r.status === "NotFound") continue;
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    counts.total++;
    if (r.underObjection) counts.underObjection++;
  }
  return counts;
}

/** The directory: every body with its standing, name and counts (bodyId given: that body only; [] if unknown). */
export async function readDirectory(client: Client, deployment: Pick<Deployment, "certificate" | "deployBlock">, bodyId?: number): Promise<DirectoryEntry[]> {
  const reads = cqoReads(client, deployment.certificate);
  const [bodies, numbers] = await Promise.all([
    bodyId === undefined ? reads.listBodies() : reads.getBody(bodyId).then((b) => (b ? [b] : [])),
    certificateNumbers(client, deployment),
  ]);
  const wanted = new Set(bodies.map((b) => b.bodyId));
  const statuses = await certificateStatuses(client, deployment, numbers.filter((n) => wanted.has(bodyIdOfCertificate(n))));
  return bodies.map((body) => ({
    body,
    standing: bodyStanding(body),
    name: bodyName(body),
    counts: countByStatus(statuses.filter((s) => bodyIdOfCertificate(s.tokenId) === body.bodyId)),
  }));
}
