/**
 * sdk/history.ts, the ERC-1056 walk, on anvil behind a counting JSON-RPC proxy: one single-block eth_getLogs per
 * block with the certificate's events (two events in one block cost one), the body's voids walked back and cut at
 * the certificate's first block, block timestamps from the logs or one batch, and nothing else — at most
 * (blocks with events) + 4 requests. The entries are checked against a full-range scan of the same events, voids
 * against the contract's own Voided status (a renewal's time, not the first issuance, is what a void compares),
 * and timestamps on a chain whose clock counts milliseconds.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import {
  createClient,
  createPublicClient,
  custom,
  decodeEventLog,
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionResult,
  http,
  keccak256,
  numberToHex,
  toHex,
  type AbiEvent,
  type Hex,
  type PublicClient,
} from "viem";
import { foundry } from "viem/chains";
import { certificateHistory, CqoClient, cqoCertificateAbi, type HistoryEntry } from "../../sdk";
import { DAY, deployFixture, freshRoot, NOTICE, ROLE, YEAR, type Fixture } from "./fixture";

const EVIDENCE: Hex = keccak256(toHex("history evidence"));

interface Call {
  method: string;
  params?: unknown[];
}

/** A JSON-RPC proxy in front of the node that counts HTTP requests and calls; optionally hides `blockTimestamp`. */
class CountingProxy {
  httpRequests = 0;
  calls: Call[] = [];
  stripTimestamps = false;
  private server = createServer((req, res) => void this.forward(req, res));
  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  reset(): void {
    this.httpRequests = 0;
    this.calls = [];
  }
  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async forward(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    this.httpRequests += 1;
    const parsed = JSON.parse(text) as Call | Call[];
    const list = Array.isArray(parsed) ? parsed : [parsed];
    this.calls.push(...list.map((c) => ({ method: c.method, params: c.params })));
    const upstream = await fetch(this.upstream, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    let reply = (await upstream.json()) as unknown;
    if (this.stripTimestamps) {
      const strip = (r: { result?: unknown }) => {
        if (Array.isArray(r.result)) for (const log of r.result as Record<string, unknown>[]) if (log && typeof log === "object") delete log.blockTimestamp;
        return r;
      };
      reply = Array.isArray(reply) ? (reply as { result?: unknown }[]).map(strip) : strip(reply as { result?: unknown });
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(reply));
  }
}

/** The certificate's events by a full-range scan (what v1 did), as kinds: the oracle for the walk. */
async function scannedKinds(client: PublicClient, f: Fixture, tokenId: bigint): Promise<string[]> {
  const logs = await client.getLogs({ address: f.deployment.certificate, fromBlock: BigInt(f.deployment.deployBlock), toBlock: "latest" });
  const kinds: string[] = [];
  for (const log of logs) {
    let e;
    try {
      e = decodeEventLog({ abi: cqoCertificateAbi, data: log.data, topics: log.topics });
    } catch {
      continue;
    }
    const args = e.args as { tokenId?: bigint; newTokenId?: bigint };
    const kind: Record<string, string> = {
      CertificateIssued: "issued",
      CertificateSuspended: "suspended",
      CertificateReinstated: "reinstated",
      CertificateRevoked: "revoked",
      ObjectionFiled: "objection-filed",
      ObjectionResolved: "objection-resolved",
      CertificateRenewed: "renewed",
    };
    if (e.eventName === "CertificateReissued") {
      if (args.tokenId === tokenId) kinds.push("reissued-to");
      else if (args.newTokenId === tokenId) kinds.push("reissued-from");
    } else if (kind[e.eventName] && args.tokenId === tokenId) kinds.push(kind[e.eventName]!);
  }
  return kinds;
}

describe("sdk certificateHistory: the walk back through previousEventBlock", function () {
  this.timeout(120_000);
  let f: Fixture;
  let proxy: CountingProxy;
  let url: string;
  /** through the proxy, no JSON-RPC batching: every request counts */
  let reader: CqoClient;
  let viaProxy: PublicClient;
  let tokenId: bigint;
  /** the blocks holding the certificate's events, and its body's voids since */
  let eventBlocks: bigint[];
  let voidBlocks: bigint[];
  let earlyVoidBlock: bigint;

  const key1Address = () => f.anvil.account(ROLE.key1).address;
  const supervisorAddress = () => f.anvil.account(ROLE.supervisor).address;

  before(async () => {
    f = await deployFixture();
    proxy = new CountingProxy(f.anvil.url);
    url = await proxy.start();
    viaProxy = createPublicClient({ chain: foundry, transport: http(url, { retryCount: 0 }) }) as PublicClient;
    reader = new CqoClient(viaProxy, f.deployment);
    const key1 = f.as(ROLE.key1);
    const supervisor = f.as(ROLE.supervisor);

    // A void of the body before the certificate exists: the walk must not read it.
    await f.advance(5);
    earlyVoidBlock = (await supervisor.voidCertificatesIssuedBefore(f.bodyId, await f.now(), EVIDENCE)).blockNumber;
    await f.advance(5);

    const issued = await key1.issueCertificate(await f.issuance(f.holder(1)));
    tokenId = issued.tokenId;
    const filed = await f.as(ROLE.stranger).fileObjection(tokenId, EVIDENCE);
    // another certificate's events in between: never walked
    const other = await key1.issueCertificate(await f.issuance(f.holder(2)));
    await key1.suspendCertificate(other.tokenId, EVIDENCE);
    const dismissed = await key1.resolveObjection(tokenId, { upheld: false }, EVIDENCE);
    await f.advance(NOTICE + 1);

    // Two suspensions in one block (the body's and the supervisor's): one request for both.
    await f.anvil.testClient.setAutomine(false);
    const writer = (role: number) => f.anvil.wallet(role);
    const send = (role: number) =>
      writer(role).writeContract({ address: f.deployment.certificate, abi: cqoCertificateAbi, functionName: "suspendCertificate", args: [EVIDENCE, tokenId], account: f.anvil.account(role), chain: foundry, gas: 200_000n });
    const hashes = [await send(ROLE.key1), await send(ROLE.supervisor)];
    await f.anvil.testClient.mine({ blocks: 1 });
    await f.anvil.testClient.setAutomine(true);
    const receipts = await Promise.all(hashes.map((hash) => f.anvil.publicClient.waitForTransactionReceipt({ hash })));
    expect(receipts.map((r) => r.status)).to.deep.equal(["success", "success"]);
    expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);

    const liftSupervisor = await supervisor.reinstateCertificate(tokenId);
    const liftBody = await key1.reinstateCertificate(tokenId);
    await f.advance(5);
    const voided = await supervisor.voidCertificatesIssuedBefore(f.bodyId, await f.now(), EVIDENCE);
    const lifted = await supervisor.voidCertificatesIssuedBefore(f.bodyId, 0, EVIDENCE);
    eventBlocks = [issued.blockNumber, filed.blockNumber, dismissed.blockNumber, receipts[0]!.blockNumber, liftSupervisor.blockNumber, liftBody.blockNumber];
    voidBlocks = [voided.blockNumber, lifted.blockNumber];
  });
  after(async () => {
    await f?.anvil.testClient.setAutomine(true).catch(() => undefined);
    await proxy?.stop();
    await f?.anvil.stop();
  });

  it("rebuilds every event, oldest first, as a full-range scan finds them, with actors and the supervisor's acts marked", async () => {
    const history = await reader.certificateHistory(tokenId);
    expect(history.map((h) => h.kind)).to.deep.equal([
      "issued",
      "objection-filed",
      "objection-resolved",
      "suspended",
      "suspended",
      "reinstated",
      "reinstated",
      "voided",
      "void-lifted",
    ]);
    expect(history.filter((h) => h.kind !== "voided" && h.kind !== "void-lifted").map((h) => h.kind)).to.deep.equal(await scannedKinds(f.anvil.publicClient, f, tokenId));
    expect(history.map((h) => h.actor)).to.deep.equal([
      key1Address(),
      f.anvil.account(ROLE.stranger).address,
      key1Address(),
      key1Address(),
      supervisorAddress(),
      supervisorAddress(),
      key1Address(),
      supervisorAddress(),
      supervisorAddress(),
    ]);
    expect(history.map((h) => h.bySupervisor)).to.deep.equal([undefined, undefined, false, false, true, true, false, undefined, undefined]);
    // same block, in log order
    expect(history[3]!.blockNumber).to.equal(history[4]!.blockNumber);
    expect(history[3]!.logIndex < history[4]!.logIndex).to.equal(true);
    for (const h of history) {
      const block = await f.anvil.publicClient.getBlock({ blockNumber: h.blockNumber });
      expect(h.timestamp, `${h.kind} at ${h.blockNumber}`).to.equal(Number(block.timestamp));
      expect(h.txHash).to.match(/^0x[0-9a-f]{64}$/);
    }
  });

  it("costs verifyCertificate + getBody + one single-block eth_getLogs per block, timestamps from the logs", async () => {
    proxy.reset();
    const history = await reader.certificateHistory(tokenId);
    const logs = proxy.callsOf("eth_getLogs");
    const blocks = [...eventBlocks, ...voidBlocks];
    expect(logs.length).to.equal(blocks.length);
    const asked = logs.map((c) => {
      const [filter] = c.params as [{ fromBlock: Hex; toBlock: Hex; address: string }];
      expect(filter.fromBlock).to.equal(filter.toBlock);
      expect(filter.address.toLowerCase()).to.equal(f.deployment.certificate.toLowerCase());
      return BigInt(filter.fromBlock);
    });
    expect([...asked].sort((a, b) => (a < b ? -1 : 1))).to.deep.equal([...blocks].sort((a, b) => (a < b ? -1 : 1)));
    expect(asked).to.not.include(earlyVoidBlock);
    expect(proxy.callsOf("eth_call").length).to.equal(2);
    expect(proxy.callsOf("eth_getBlockByNumber").length).to.equal(0);
    expect(proxy.calls.length).to.equal(blocks.length + 2);
    expect(proxy.httpRequests).to.equal(blocks.length + 2);
    expect(proxy.httpRequests).to.be.at.most(new Set(history.map((h) => h.blockNumber)).size + 4);
  });

  it("a node without blockTimestamp in its logs costs one JSON-RPC batch more, whatever the number of blocks", async () => {
    proxy.stripTimestamps = true;
    try {
      proxy.reset();
      const history = await reader.certificateHistory(tokenId);
      const blocks = eventBlocks.length + voidBlocks.length;
      expect(proxy.callsOf("eth_getBlockByNumber").length).to.equal(blocks);
      expect(proxy.httpRequests).to.equal(blocks + 3);
      for (const h of history) expect(h.timestamp).to.equal(Number((await f.anvil.publicClient.getBlock({ blockNumber: h.blockNumber })).timestamp));
    } finally {
      proxy.stripTimestamps = false;
    }
  });

  it("a batching client sends verifyCertificate and getBody together", async () => {
    const batching = createPublicClient({ chain: foundry, transport: http(url, { batch: true, retryCount: 0 }) }) as PublicClient;
    proxy.reset();
    const history = await certificateHistory(batching, f.deployment, tokenId);
    expect(history.length).to.equal(9);
    expect(proxy.httpRequests).to.equal(eventBlocks.length + voidBlocks.length + 1);
  });

  it("an unknown number costs the two first reads and is empty; a body of no id is not read", async () => {
    proxy.reset();
    expect(await reader.certificateHistory(987_654_321n)).to.deep.equal([]);
    expect(proxy.callsOf("eth_getLogs").length).to.equal(0);
    expect(await certificateHistory(viaProxy, f.deployment, 12345n)).to.deep.equal([]);
  });

  it("a re-issued certificate's walk stops at the re-issue that created it; the old one's ends with it", async () => {
    const newHolder = f.anvil.account(ROLE.holders + 20);
    const signed = await f.as(ROLE.holders + 20).signReissueConsent({ tokenId, newHolder: newHolder.address, newResultRoot: freshRoot("history reissue"), deadline: (await f.now()) + DAY });
    const { newTokenId } = await f.as(ROLE.key1).reissueCertificate(signed.consent, signed.signature);
    proxy.reset();
    const fresh = await reader.certificateHistory(newTokenId);
    expect(fresh.map((h) => h.kind)).to.deep.equal(["reissued-from"]);
    expect(fresh[0]).to.include({ kind: "reissued-from", from: tokenId, newHolder: newHolder.address, actor: key1Address() });
    // the body's voids are all older than the new certificate: not read
    expect(proxy.callsOf("eth_getLogs").length).to.equal(1);
    expect(proxy.httpRequests).to.equal(3);
    const old = await reader.certificateHistory(tokenId);
    expect(old.slice(-2).map((h) => h.kind)).to.deep.equal(["revoked", "reissued-to"]);
    expect(old.map((h) => h.kind).filter((k) => k !== "voided" && k !== "void-lifted")).to.deep.equal(await scannedKinds(f.anvil.publicClient, f, tokenId));
  });

  it("a void compares the current result's time (a renewal's), as the contract's Voided status does", async () => {
    const key2 = f.as(ROLE.key2);
    const supervisor = f.as(ROLE.supervisor);
    const { tokenId: id } = await key2.issueCertificate(await f.issuance(f.holder(3)));
    await f.advance(NOTICE + 1);
    const between = await f.now();
    await f.advance(10);
    await key2.renewCertificate(id, { resultRoot: freshRoot("history renewal"), rulebookId: f.rulebookId, validUntil: (await f.now()) + 4 * YEAR });
    await f.advance(10);
    // before the renewal but after the issuance: does not void the renewed result
    await supervisor.voidCertificatesIssuedBefore(f.body2Id, between, EVIDENCE);
    expect((await f.reader.verifyCertificate(id)).status).to.not.equal("Voided");
    let history: HistoryEntry[] = await reader.certificateHistory(id);
    expect(history.map((h) => h.kind)).to.deep.equal(["issued", "renewed"]);
    const renewed = history[1]!;
    expect(renewed.kind === "renewed" && renewed.validFrom).to.equal(renewed.timestamp + NOTICE);
    // after the renewal: voids it
    await supervisor.voidCertificatesIssuedBefore(f.body2Id, await f.now(), EVIDENCE);
    expect((await f.reader.verifyCertificate(id)).status).to.equal("Voided");
    history = await reader.certificateHistory(id);
    expect(history.map((h) => h.kind)).to.deep.equal(["issued", "renewed", "voided"]);
    expect((await f.reader.getBody(f.body2Id))!.lastVoidBlock).to.equal(history[2]!.blockNumber);
  });
});

describe("sdk certificateHistory on a chain whose clock counts milliseconds (clockUnit 1000)", function () {
  this.timeout(120_000);
  let f: Fixture;

  before(async () => {
    // genesis at the wall clock in milliseconds: block timestamps are ms from then on, as on FISCO BCOS
    f = await deployFixture({ clockUnit: 1000 }, ["--timestamp", String(Date.now())]);
  });
  after(async () => {
    await f?.anvil.stop();
  });

  it("deploys with the unit recorded, and dates, checks and history are in seconds", async () => {
    expect(f.deployment.clockUnit).to.equal(1000);
    const raw = Number((await f.anvil.publicClient.getBlock()).timestamp);
    expect(raw).to.be.greaterThan(1e12);
    const now = await f.now();
    expect(Math.abs(now - Date.now() / 1000)).to.be.below(DAY);
    const { tokenId } = await f.as(ROLE.key1).issueCertificate(await f.issuance(f.holder(1)));
    const v = await f.reader.verifyCertificate(tokenId);
    expect(Math.abs(v.issuedAt - now)).to.be.below(60);
    expect(v.validFrom - v.issuedAt).to.equal(NOTICE);
    await f.as(ROLE.stranger).fileObjection(tokenId, EVIDENCE);
    const history = await f.reader.certificateHistory(tokenId);
    expect(history.map((h) => h.kind)).to.deep.equal(["issued", "objection-filed"]);
    for (const h of history) {
      const block = await f.anvil.publicClient.getBlock({ blockNumber: h.blockNumber });
      expect(h.timestamp).to.equal(Math.floor(Number(block.timestamp) / 1000));
    }
    expect(history[0]!.timestamp).to.equal(v.issuedAt);
    // the off-line voucher check reads "now" in seconds too: a voucher valid for a day is not expired
    const signed = await f.as(ROLE.key1).signIssuanceVoucher({ issuance: await f.issuance(f.holder(2)), deadline: now + DAY, bodyId: f.bodyId, nonce: 0n });
    expect(await f.reader.verifyIssuanceVoucher(signed)).to.deep.equal({ ok: true, problems: [] });
  });
});

// A scripted JSON-RPC node that lies about its logs (the attack review's cases): the walk must refuse or correct.
const CONTRACT = "0x00000000000000000000000000000000000c0ffe" as const;
const BY = "0x000000000000000000000000000000000000b0d1" as const;
const TOKEN = (1n << 56n) | 0x1234n;
const ROOT = ("0x" + "00".repeat(7) + "11".repeat(25)) as Hex;

function makeLog(eventName: string, args: Record<string, unknown>, block: bigint, logIndex: number) {
  const ev = cqoCertificateAbi.find((x) => x.type === "event" && x.name === eventName) as AbiEvent;
  const topics = encodeEventTopics({ abi: [ev], eventName, args } as never) as Hex[];
  const nonIndexed = ev.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(nonIndexed, nonIndexed.map((i) => args[i.name!]) as never);
  return { address: CONTRACT, topics, data, blockNumber: numberToHex(block), transactionHash: ("0x" + "ab".repeat(32)) as Hex, logIndex: numberToHex(logIndex), removed: false };
}

const issued = (block: bigint, logIndex = 0) =>
  makeLog("CertificateIssued", { tokenId: TOKEN, bodyId: 1, resultRoot: ROOT, level: 2, rulebookId: 1, validUntil: 2_000_000_000, by: BY }, block, logIndex);
const suspended = (block: bigint, prev: bigint, logIndex = 0) =>
  makeLog("CertificateSuspended", { tokenId: TOKEN, bodyId: 1, evidenceHash: ("0x" + "ee".repeat(32)) as Hex, by: BY, bySupervisor: false, previousEventBlock: Number(prev) }, block, logIndex);

function lyingNode(lastEventBlock: bigint, logsAt: (block: bigint) => unknown[], level = 2) {
  const calls: string[] = [];
  const view = {
    tokenId: TOKEN, status: 2, revocationReason: 0, underObjection: false, holder: BY, bodyId: 1, bodyAccredited: true, level,
    issuedAt: 1_700_000_000, validFrom: 1_700_600_000, validUntil: 2_000_000_000, rulebookId: 1, rulebookHash: ("0x" + "00".repeat(32)) as Hex,
    resultRoot: ROOT, predecessor: 0n, successor: 0n, suspendedByBody: false, suspendedBySupervisor: false, evaluatedAt: 1_700_000_000,
    lastEventBlock: Number(lastEventBlock), nextReviewDue: 0, reviewsPassed: 0,
  };
  const body = [
    { accreditedUntil: 2_000_000_000, noticePeriod: 600_000, scope: 7, status: 1, voucherNonce: 0n },
    { admin: BY, voidedBefore: 0, lastVoidBlock: 0, metadataHash: ("0x" + "00".repeat(32)) as Hex },
    [],
  ];
  const client = createClient({
    transport: custom({
      async request({ method, params }: { method: string; params: unknown[] }) {
        calls.push(method);
        if (method === "eth_chainId") return "0x1";
        if (method === "eth_call") {
          const { data } = params[0] as { data: Hex };
          const { functionName } = decodeFunctionData({ abi: cqoCertificateAbi, data });
          if (functionName === "verifyCertificate") return encodeFunctionResult({ abi: cqoCertificateAbi, functionName, result: view } as never);
          if (functionName === "getBody") return encodeFunctionResult({ abi: cqoCertificateAbi, functionName, result: body } as never);
          throw new Error(`unexpected ${functionName}`);
        }
        if (method === "eth_getLogs") return logsAt(BigInt((params[0] as { fromBlock: Hex }).fromBlock));
        if (method === "eth_getBlockByNumber") {
          const n = params[0] as Hex;
          return { number: n, hash: ("0x" + "cd".repeat(32)), parentHash: "0x" + "00".repeat(32), timestamp: "0x6553f100", transactions: [], logsBloom: null, nonce: null, difficulty: "0x0", gasLimit: "0x0", gasUsed: "0x0", miner: BY, extraData: "0x", size: "0x0", stateRoot: "0x" + "00".repeat(32), receiptsRoot: "0x" + "00".repeat(32), transactionsRoot: "0x" + "00".repeat(32), sha3Uncles: "0x" + "00".repeat(32), uncles: [] };
        }
        throw new Error(`unexpected ${method}`);
      },
    } as never),
  });
  return { client, calls };
}

const deployment = { certificate: CONTRACT, clockUnit: 1 as const };

const failure = async (p: Promise<unknown>): Promise<Error> => {
  try {
    const got = await p;
    throw new Error(`resolved: ${JSON.stringify(got, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("resolved:")) throw e;
    return e as Error;
  }
};

describe("sdk certificateHistory against a lying RPC", function () {
  it("a walk that reaches block 0 without the certificate's issuance is incomplete, not a history", async () => {
    const { client } = lyingNode(100n, (b) => (b === 100n ? [suspended(100n, 0n)] : []));
    const e = await failure(certificateHistory(client as never, deployment, TOKEN));
    expect(e).to.be.instanceOf(Error);
    expect(e.message).to.match(/incomplete/).and.to.match(/不完整/);
  });

  it("an issuance that disagrees with verifyCertificate's level is refused", async () => {
    const { client } = lyingNode(100n, (b) => (b === 100n ? [issued(100n)] : []), 3);
    const e = await failure(certificateHistory(client as never, deployment, TOKEN));
    expect(e.message).to.match(/disagrees/);
  });

  it("an existing certificate whose lastEventBlock is 0 is an error, not an empty history", async () => {
    const { client, calls } = lyingNode(0n, () => []);
    const e = await failure(certificateHistory(client as never, deployment, TOKEN));
    expect(e.message).to.match(/names no event block/);
    expect(calls).to.not.include("eth_getLogs");
  });

  it("logs of other blocks, other addresses or removed are dropped: no timestamps fetched for blocks not walked", async () => {
    const forged = Array.from({ length: 300 }, (_, i) => suspended(BigInt(1000 + i), 99n, i + 1));
    const elsewhere = { ...suspended(100n, 99n, 400), address: "0x00000000000000000000000000000000000bad00" };
    const removed = { ...suspended(100n, 99n, 401), removed: true };
    const { client, calls } = lyingNode(100n, (b) => (b === 100n ? [issued(100n, 0), ...forged, elsewhere, removed] : []));
    const entries = await certificateHistory(client as never, deployment, TOKEN, { maxBlocks: 1 });
    expect(entries.map((h) => [h.kind, h.blockNumber])).to.deep.equal([["issued", 100n]]);
    expect(calls.filter((c) => c === "eth_getLogs").length).to.equal(1);
    expect(calls.filter((c) => c === "eth_getBlockByNumber").length).to.equal(1);
    expect(calls.length).to.be.at.most(1 + 3 + 1);
  });

  it("more than 10,000 logs in one block is refused", async () => {
    const flood = Array.from({ length: 10_001 }, (_, i) => suspended(100n, 99n, i + 1));
    const { client } = lyingNode(100n, (b) => (b === 100n ? [issued(100n, 0), ...flood] : []));
    const e = await failure(certificateHistory(client as never, deployment, TOKEN));
    expect(e.message).to.match(/more than 10000 logs/);
  });

  it("a log repeated in a response appears once", async () => {
    const { client } = lyingNode(100n, (b) => (b === 100n ? [issued(100n, 0), issued(100n, 0)] : []));
    const entries = await certificateHistory(client as never, deployment, TOKEN);
    expect(entries.map((h) => h.kind)).to.deep.equal(["issued"]);
  });
});
