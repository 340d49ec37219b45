/**
 * npm run bench:history — a certificate's history on a long chain, behind an RPC that behaves like Besu's default:
 * eth_getLogs refused over more than 1,000 blocks, and 20 ms per HTTP request. Issue #11's target: at 5,000,000
 * blocks, at most (events + 4) requests and under 1 s for the sdk's walk (each event names the block of the one
 * before: ERC-1056's pattern); the v1 range scan (bench/lib/history-scan-v1.ts) is measured beside it in the same
 * run. Both go through the same proxy and the same viem client (JSON-RPC batching on, as Besu and FISCO BCOS allow).
 *
 * The chain is Hardhat's in-process network: `hardhat_mine` reserves millions of empty blocks at once. Setup (the
 * deployment, the certificate's events, the mined blocks) is outside the timed window. Writes
 * bench/results/history.json. Env: BENCH_BLOCKS (default 5,000,000), BENCH_LATENCY_MS (20), BENCH_LOG_CAP (1,000),
 * BENCH_SKIP_V1=1 to skip the slow anchor (minutes: it sends thousands of requests).
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { createPublicClient, createWalletClient, custom, http, keccak256, toHex, type PublicClient, type WalletClient } from "viem";
import { hardhat } from "viem/chains";
import { CqoClient, deployCqo } from "../sdk";
import { devAccount } from "../scripts/lib/world";
import { benchCommit } from "./lib/commit";
import { scanHistoryV1 } from "./lib/history-scan-v1";

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 5_000_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const LOG_CAP = BigInt(process.env.BENCH_LOG_CAP ?? 1_000);
const SKIP_V1 = process.env.BENCH_SKIP_V1 === "1";
const OUT = path.join(__dirname, "results", "history.json");
const TARGET_EXTRA_REQUESTS = 4;
const TARGET_SECONDS = 1;

interface JsonRpcCall {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** Counts what crosses the wire: HTTP requests and the JSON-RPC calls inside them, by method. */
class Meter {
  httpRequests = 0;
  calls = 0;
  byMethod: Record<string, number> = {};
  refusedRanges = 0;
  reset(): void {
    this.httpRequests = 0;
    this.calls = 0;
    this.byMethod = {};
    this.refusedRanges = 0;
  }
  snapshot() {
    return { httpRequests: this.httpRequests, calls: this.calls, byMethod: { ...this.byMethod }, refusedRanges: this.refusedRanges };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A JSON-RPC endpoint in front of Hardhat's provider, with Besu's default log range cap and a fixed latency. */
async function startProxy(meter: Meter): Promise<{ url: string; close: () => Promise<void> }> {
  const answer = async (call: JsonRpcCall) => {
    meter.calls += 1;
    meter.byMethod[call.method] = (meter.byMethod[call.method] ?? 0) + 1;
    if (call.method === "eth_getLogs") {
      const [filter] = (call.params ?? []) as [{ fromBlock?: string; toBlock?: string }];
      const from = BigInt(filter.fromBlock ?? "0x0");
      const to = filter.toBlock === undefined || filter.toBlock === "latest" ? BigInt(BLOCKS + 1_000) : BigInt(filter.toBlock);
      if (to - from + 1n > LOG_CAP) {
        meter.refusedRanges += 1;
        return { jsonrpc: "2.0", id: call.id, error: { code: -32005, message: "Requested range exceeds maximum RPC range limit" } };
      }
    }
    try {
      const result = await hre.network.provider.request({ method: call.method, params: call.params ?? [] });
      return { jsonrpc: "2.0", id: call.id, result };
    } catch (err) {
      return { jsonrpc: "2.0", id: call.id, error: { code: -32000, message: err instanceof Error ? err.message : String(err) } };
    }
  };
  const server = createServer((req, res) => {
    void (async () => {
      meter.httpRequests += 1;
      const parsed = JSON.parse(await body(req)) as JsonRpcCall | JsonRpcCall[];
      await sleep(LATENCY_MS);
      const reply = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(reply, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function mine(blocks: number): Promise<void> {
  // interval 1 s: the certificate's notice (7 days) is over after 604,800 blocks
  await hre.network.provider.request({ method: "hardhat_mine", params: [toHex(blocks), "0x1"] });
}

async function main(): Promise<void> {
  const direct = custom(hre.network.provider);
  const publicClient = createPublicClient({ chain: hardhat, transport: direct }) as PublicClient;
  const walletOf = (index: number): WalletClient => createWalletClient({ account: devAccount(index), chain: hardhat, transport: direct });
  const association = walletOf(0);
  const deployment = await deployCqo(publicClient, association, { association: devAccount(0).address });
  const admin = new CqoClient(publicClient, deployment, association);
  const keyClient = new CqoClient(publicClient, deployment, walletOf(2));
  const supervisor = new CqoClient(publicClient, deployment, walletOf(3));
  const objector = new CqoClient(publicClient, deployment, walletOf(4));
  await admin.grantSupervisor(devAccount(3).address);
  const now = Number((await publicClient.getBlock()).timestamp);
  const { rulebookId } = await admin.registerRulebook(keccak256(toHex("bench:history rulebook")), "rulebooks/bench.json");
  const grant = await keyClient.signSigningKeyConsent({ bodyId: await admin.nextBodyId(), deadline: now + 86_400 });
  const { bodyId } = await admin.accreditBody(
    { admin: devAccount(1).address, scope: 0b111, accreditedUntil: now + 10 * 365 * 86_400, noticePeriod: 7 * 86_400, metadataURI: "data:,bench", metadataHash: keccak256(toHex("bench")) },
    [grant],
  );
  const root = keccak256(toHex("bench:history certificate"));
  const { tokenId } = await keyClient.issueCertificate({ level: 2, validUntil: now + 3 * 365 * 86_400, resultRoot: root, holder: devAccount(5).address, rulebookId });
  const evidence = (label: string) => keccak256(toHex(`bench:history ${label}`));
  // The certificate's events, spread over the chain: an objection and its dismissal in the notice, then a
  // suspension, a reinstatement and a void of its body (and the void lifted) millions of blocks apart.
  await objector.fileObjection(tokenId, evidence("objection"));
  await keyClient.resolveObjection(tokenId, { upheld: false }, evidence("dismissal"));
  const segment = Math.floor((BLOCKS - 50) / 4);
  await mine(segment);
  await keyClient.suspendCertificate(tokenId, evidence("suspension"));
  await mine(segment);
  await keyClient.reinstateCertificate(tokenId);
  await mine(segment);
  const voidAt = Number((await publicClient.getBlock()).timestamp);
  await supervisor.voidCertificatesIssuedBefore(bodyId, voidAt, evidence("void"));
  await mine(1_000);
  await supervisor.voidCertificatesIssuedBefore(bodyId, 0, evidence("void lifted"));
  const tip = Number(await publicClient.getBlockNumber({ cacheTime: 0 }));
  await mine(Math.max(0, BLOCKS - tip));
  const blocks = Number(await publicClient.getBlockNumber({ cacheTime: 0 }));
  console.log(`chain at block ${blocks.toLocaleString("en-US")}; certificate ${tokenId}`);

  const meter = new Meter();
  const proxy = await startProxy(meter);
  const viaProxy = createPublicClient({ chain: hardhat, transport: http(proxy.url, { batch: true, retryCount: 0 }) }) as PublicClient;
  const reader = new CqoClient(viaProxy, deployment);

  meter.reset();
  const t0 = performance.now();
  const history = await reader.certificateHistory(tokenId);
  const walkSeconds = (performance.now() - t0) / 1000;
  const walk = { seconds: walkSeconds, ...meter.snapshot(), events: history.length, kinds: history.map((h) => h.kind) };
  console.log(`walk: ${walk.events} events, ${walk.httpRequests} HTTP requests (${walk.calls} calls), ${walkSeconds.toFixed(3)} s`);

  let v1: ({ seconds: number; certificateLogs: number; voidLogs: number } & ReturnType<Meter["snapshot"]>) | null = null;
  if (!SKIP_V1) {
    meter.reset();
    const t1 = performance.now();
    const found = await scanHistoryV1(viaProxy, deployment.certificate, BigInt(deployment.deployBlock), { tokenId, bodyId });
    v1 = { seconds: (performance.now() - t1) / 1000, ...found, ...meter.snapshot() };
    console.log(`v1 scan: ${v1.httpRequests} HTTP requests (${v1.calls} calls, ${v1.refusedRanges} refused ranges), ${v1.seconds.toFixed(1)} s`);
  }
  await proxy.close();

  const limitRequests = walk.events + TARGET_EXTRA_REQUESTS;
  const targets = [
    { name: `HTTP requests ≤ events + ${TARGET_EXTRA_REQUESTS}`, limit: limitRequests, actual: walk.httpRequests, pass: walk.httpRequests <= limitRequests },
    { name: `time < ${TARGET_SECONDS} s`, limit: TARGET_SECONDS, actual: Number(walkSeconds.toFixed(3)), pass: walkSeconds < TARGET_SECONDS },
  ];
  const report = {
    date: new Date().toISOString(),
    commit: benchCommit(),
    chain: { kind: "hardhat (in-process)", blocks },
    rpc: { logRangeCap: Number(LOG_CAP), latencyMsPerHttpRequest: LATENCY_MS, jsonRpcBatching: true },
    walk,
    v1Scan: v1,
    targets,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  for (const t of targets) console.log(`${t.pass ? "✓" : "✗"} ${t.name}: ${t.actual} (limit ${t.limit})`);
  console.log(`Wrote ${path.relative(process.cwd(), OUT)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
