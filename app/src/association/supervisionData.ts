/**
 * The chain facts the oversight page computes from (supervisionStats.ts): every event of the certificate contract
 * since its deployment block (eth_getLogs by ranges, halved when a node refuses a range), and the current view of
 * every certificate number those events name (verifyCertificate, batched by the page's client). Like the
 * directory of bodies (public/bodyDirectory.ts) this scan grows with the chain: for a long production chain an
 * indexer would serve the same facts.
 */
import { decodeEventLog, numberToHex, type Client, type Hex } from "viem";
import { getBlockNumber } from "viem/actions";
import { cqoCertificateAbi } from "../../../sdk/abi";
import type { Deployment } from "../../../sdk/deployments";
import { cqoReads } from "../../../sdk/reads";
import { bodyIdOfCertificate, REVOCATION_REASONS, type BodyRecord, type RulebookRecord } from "../../../sdk/types";
import type { CertificateFact, OversightEvent } from "./supervisionStats";

interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  removed?: boolean;
}

const FIRST_RANGE = 50_000n;
const MIN_RANGE = 500n;
const MAX_REQUESTS = 500;

/** Every log of the certificate contract, oldest first. */
async function contractLogs(client: Client, deployment: Pick<Deployment, "certificate" | "deployBlock">): Promise<RpcLog[]> {
  const address = deployment.certificate;
  const latest = await getBlockNumber(client, { cacheTime: 0 });
  const out: RpcLog[] = [];
  let requests = 0;
  const scan = async (from: bigint, to: bigint): Promise<void> => {
    if (++requests > MAX_REQUESTS) throw new Error(`链上事件过多，浏览器无法统计（超过 ${MAX_REQUESTS} 次查询）/ too many blocks to scan in a browser (more than ${MAX_REQUESTS} requests): use an indexer`);
    let logs: RpcLog[];
    try {
      logs = (await client.request({ method: "eth_getLogs", params: [{ address, fromBlock: numberToHex(from), toBlock: numberToHex(to) }] } as never)) as RpcLog[];
    } catch (err) {
      if (to - from + 1n <= MIN_RANGE) throw err;
      const mid = from + (to - from) / 2n;
      await scan(from, mid);
      await scan(mid + 1n, to);
      return;
    }
    if (!Array.isArray(logs)) throw new Error("eth_getLogs 的回答不是列表 / the node's eth_getLogs answer is not a list");
    out.push(...logs.filter((l) => l && l.removed !== true && l.address?.toLowerCase() === address.toLowerCase()));
  };
  for (let from = BigInt(deployment.deployBlock ?? 0); from <= latest; from += FIRST_RANGE) {
    await scan(from, from + FIRST_RANGE - 1n < latest ? from + FIRST_RANGE - 1n : latest);
  }
  return out;
}

/** The oversight events of a log (null: an event the figures do not count). */
export function oversightEvent(log: Pick<RpcLog, "data" | "topics">): { event: OversightEvent; created: bigint | null } | null {
  let e: ReturnType<typeof decodeEventLog<typeof cqoCertificateAbi>>;
  try {
    e = decodeEventLog({ abi: cqoCertificateAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
  } catch {
    return null;
  }
  switch (e.eventName) {
    case "CertificateIssued":
      return { event: { kind: "issued", bodyId: e.args.bodyId, tokenId: e.args.tokenId }, created: e.args.tokenId };
    case "CertificateRenewed":
      return { event: { kind: "renewed", bodyId: e.args.bodyId, tokenId: e.args.tokenId }, created: null };
    case "CertificateReissued":
      return { event: { kind: "reissued", bodyId: e.args.bodyId, tokenId: e.args.newTokenId }, created: e.args.newTokenId };
    case "CertificateRevoked":
      return { event: { kind: "revoked", bodyId: e.args.bodyId, tokenId: e.args.tokenId, reason: REVOCATION_REASONS[Number(e.args.reason)] ?? "Other", bySupervisor: e.args.bySupervisor }, created: null };
    case "CertificateSuspended":
      return { event: { kind: "suspended", bodyId: e.args.bodyId, tokenId: e.args.tokenId, bySupervisor: e.args.bySupervisor }, created: null };
    case "ObjectionFiled":
      return { event: { kind: "objectionFiled", bodyId: e.args.bodyId, tokenId: e.args.tokenId }, created: null };
    case "ObjectionResolved":
      return { event: { kind: "objectionResolved", bodyId: e.args.bodyId, tokenId: e.args.tokenId, upheld: e.args.upheld }, created: null };
    case "AnnualReviewRecorded":
      return { event: { kind: "review", bodyId: e.args.bodyId, tokenId: e.args.tokenId, passed: Number(e.args.result) === 0 }, created: null };
    case "BodyCertificatesVoided":
      return { event: { kind: "voided", bodyId: e.args.bodyId, voidedBefore: Number(e.args.voidedBefore) }, created: null };
    default:
      return null;
  }
}

export interface OversightFacts {
  bodies: BodyRecord[];
  rulebooks: RulebookRecord[];
  certificates: CertificateFact[];
  events: OversightEvent[];
  /** the block the facts were read at */
  block: bigint;
}

/** Reads everything the oversight page and the void confirmation count from. */
export async function readOversightFacts(client: Client, deployment: Pick<Deployment, "certificate" | "deployBlock">): Promise<OversightFacts> {
  const reads = cqoReads(client, deployment.certificate);
  const [bodies, rulebooks, logs, block] = await Promise.all([reads.listBodies(), reads.listRulebooks(), contractLogs(client, deployment), getBlockNumber(client, { cacheTime: 0 })]);
  const events: OversightEvent[] = [];
  const numbers = new Set<bigint>();
  for (const log of logs) {
    const found = oversightEvent(log);
    if (!found) continue;
    events.push(found.event);
    if (found.created !== null) numbers.add(found.created);
  }
  const certificates = await Promise.all(
    [...numbers].map(async (tokenId): Promise<CertificateFact> => {
      const v = await reads.verifyCertificate(tokenId);
      return { tokenId, bodyId: v.bodyId || bodyIdOfCertificate(tokenId), level: v.level, status: v.status, evaluatedAt: v.evaluatedAt, successor: v.successor, revocationReason: v.revocationReason };
    }),
  );
  return { bodies, rulebooks, certificates, events, block };
}
