/**
 * The anchor of bench:history: how contracts v1's sdk rebuilt a certificate's history — three eth_getLogs scans
 * (the certificate's events, a re-issue into it, its body's voids) from the deployment block to the latest, in
 * ranges of 10,000 blocks halved whenever the RPC refuses a range as too large. Kept here, outside the sdk, only
 * to be measured beside the ERC-1056 walk that replaced it (sdk/history.ts); it returns the logs it found.
 */
import { numberToHex, pad, type Address, type Hex, type PublicClient } from "viem";
// The same event list and topics the sdk's walk reads: only the way of finding the logs differs.
import { CERTIFICATE_EVENTS as TOKEN_EVENTS, topic0 } from "../../sdk/history";

interface RpcLog {
  blockNumber: Hex | null;
  logIndex: Hex | null;
  removed?: boolean;
}

function isRangeRefusal(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { details?: unknown }).details ?? "")}` : String(err);
  return /range|too many|limit|exceed|too large|10000|block count/i.test(text);
}

async function getLogsChunked(client: PublicClient, address: Address, topics: (Hex | Hex[] | null)[], from: bigint, to: bigint): Promise<RpcLog[]> {
  const out: RpcLog[] = [];
  let start = from;
  let size = 10_000n;
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

/** The v1 scan: every log of the certificate, of a re-issue into it and of its body's voids. */
export async function scanHistoryV1(
  client: PublicClient,
  address: Address,
  deployBlock: bigint,
  certificate: { tokenId: bigint; bodyId: number },
): Promise<{ certificateLogs: number; voidLogs: number }> {
  const to = await client.getBlockNumber({ cacheTime: 0 });
  const idTopic = pad(numberToHex(certificate.tokenId), { size: 32 });
  const bodyTopic = pad(numberToHex(certificate.bodyId), { size: 32 });
  const [byToken, reissuedInto, voids] = await Promise.all([
    getLogsChunked(client, address, [TOKEN_EVENTS.map(topic0), idTopic], deployBlock, to),
    getLogsChunked(client, address, [topic0("CertificateReissued"), null, idTopic], deployBlock, to),
    getLogsChunked(client, address, [topic0("BodyCertificatesVoided"), bodyTopic], deployBlock, to),
  ]);
  return { certificateLogs: byToken.length + reissuedInto.length, voidLogs: voids.length };
}
