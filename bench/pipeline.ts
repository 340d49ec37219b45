/**
 * npm run bench:pipeline — 1,000 dossiers from submission to issued certificates on a local chain, through the
 * workbench: each applicant signs in (SIWE), submits; the operator accepts and assigns a panel of three; each
 * assessor hands in an EIP-712-signed sheet (the server verifies every signature); the operator evaluates and
 * approves; the outbox worker issues in batches on the chain. Reports wall time, certificates per second,
 * transactions, gas per certificate, certificates per transaction, peak memory and where the time goes, in
 * bench/results/pipeline.json. Targets: ≥ 50 certificates/s end to end, ≥ 45 certificates per transaction. A
 * measurement: it prints pass/fail and exits 0 on a missed target (non-zero only on an error).
 *
 * Env: BENCH_QUICK=1 (100 dossiers, results in pipeline-quick.json), BENCH_DOSSIERS=N, BENCH_CHAIN=hardhat|anvil
 * (default hardhat, the chain of `npm start`; anvil's results go to pipeline-anvil.json), BENCH_LANES (concurrent dossiers in flight, default 24),
 * BENCH_OUT=file.
 *
 * What is outside the timed window, and why: the chain, the deployment and the server start; the synthetic
 * dossiers; the assessors' sheet signatures (each assessor signs on their own machine, in parallel with the
 * others; the signing time is reported). Everything the server does — sign-in checks, sheet signature
 * verification, evaluation, salted commitments, the outbox's transactions — is inside it. The HTTP requests go
 * through fastify's full request pipeline (routing, hooks, validation, serialization) by `inject`, without a socket.
 */
import { benchCommit } from "./lib/commit";
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { assessorLookup, dossierHash, evaluateChecked, panelSheetDigest, trustVerifiedSheets, type Dossier, type PanelSheet } from "../scoring";
import { assessorRegister, signSheet, syntheticDossier, syntheticSheets } from "../scoring/synthetic";
import type { BatchChunk, IssueBatchOptions, IssuanceInput } from "../sdk";
import { buildServer } from "../server/app";
import { startNode, type NodeKind } from "../scripts/lib/node";
import { call, injectHttp, signIn, type Http } from "../scripts/lib/workbench-client";
import { CAST, clients, DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, DEFAULT_RULEBOOK_KEY, deployWorld, demoAssessors, devAccount, devPrivateKey } from "../scripts/lib/world";

const QUICK = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_DOSSIERS ?? (QUICK ? 100 : 1000));
const CHAIN = (process.env.BENCH_CHAIN ?? "hardhat") as NodeKind;
const LANES = Number(process.env.BENCH_LANES ?? 24);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const LINGER_MS = Number(process.env.BENCH_LINGER_MS ?? 1500);
// one file per chain, so a run on anvil never overwrites the Hardhat node's (the README quotes both)
const OUT = process.env.BENCH_OUT ?? join(__dirname, "results", `pipeline${CHAIN === "hardhat" ? "" : `-${CHAIN}`}${QUICK ? "-quick" : ""}.json`);
const TARGET_CPS = 50;
const TARGET_CPT = 45;

interface Prepared {
  dossier: Dossier;
  applicant: PrivateKeyAccount;
  sheets: PanelSheet[];
}

const STAGES = ["sign-in", "submit", "accept", "assign", "sheets (3, signatures verified)", "evaluate", "approve (credential)"] as const;
type Stage = (typeof STAGES)[number];

function rssOfPid(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function childPids(pid: number): number[] {
  try {
    const out = execSync(`pgrep -g ${pid}`, { encoding: "utf8" });
    return out.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [pid];
  }
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  console.log(`pipeline benchmark: ${N} dossiers, ${CHAIN} node, ${LANES} lanes, outbox batches of ${BATCH} (linger ${LINGER_MS} ms)`);
  const node = await startNode(CHAIN);
  const dir = mkdtempSync(join(tmpdir(), "cqo-bench-pipeline-"));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  try {
    const world = await deployWorld(node.url);
    const chain = clients(node.url, world.deployment, devAccount(CAST.bodyAKey));

    // the outbox's chain work, measured where it happens: every mined chunk, its gas and its time
    const chunks: (BatchChunk & { certificates: number })[] = [];
    let issueMs = 0;
    const issueBatch = chain.issueBatch.bind(chain);
    chain.issueBatch = async (batch: readonly IssuanceInput[], options: IssueBatchOptions = {}) => {
      const t0 = performance.now();
      try {
        return await issueBatch(batch, {
          ...options,
          onProgress: (p) => {
            if (p.lastChunk) chunks.push({ ...p.lastChunk, certificates: p.lastChunk.tokenIds.length });
            options.onProgress?.(p);
          },
        });
      } finally {
        issueMs += performance.now() - t0;
      }
    };

    const wb = await buildServer({
      config: {
        dbPath: join(dir, "workbench.sqlite"),
        rpcUrl: node.url,
        deploymentPath: join(dir, "deployment.json"),
        evidenceDir: join(dir, "evidence"),
        port: 0,
        host: "127.0.0.1",
        bodyId: world.bodyA,
        signerKey: devPrivateKey(CAST.bodyAKey),
        siweDomain: "127.0.0.1:8787",
        // one sign-in per dossier from one address, far beyond a person's pace (server/protection.ts)
        rateLimits: false,
        sessionTtlSeconds: 3600,
        batchSize: BATCH,
        batchLingerMs: LINGER_MS,
        workerIntervalMs: 50,
        evidenceMaxBytes: 1024 * 1024,
      },
      chain,
    });
    // server-side time per route (handler + hooks), beside the client's view
    const serverMs = new Map<string, number>();
    const started = new WeakMap<object, number>();
    wb.app.addHook("onRequest", async (req) => {
      started.set(req, performance.now());
    });
    wb.app.addHook("onResponse", async (req) => {
      const t0 = started.get(req);
      if (t0 === undefined) return;
      const route = `${req.method} ${req.routeOptions.url ?? req.url}`;
      serverMs.set(route, (serverMs.get(route) ?? 0) + performance.now() - t0);
    });
    await wb.listen();
    const http: Http = injectHttp(wb.app);
    const operator = await signIn(http, devAccount(CAST.bodyAKey));
    const panel = demoAssessors();
    // the employers registered just below: rulebook 2026.1 checks each sheet's against them
    const registered = assessorLookup(assessorRegister(panel));
    for (const a of panel) await call(http, "assessor", "POST", "/assessors", { address: a.address, assessorId: a.id, name: a.id, employerUscc: a.employerUscc }, operator, 201);
    const assessorTokens = await Promise.all(CAST.assessors.map((i) => signIn(http, devAccount(i))));

    // ------------------------------------------------------------ off the clock: dossiers and signed sheets
    const tPrep = performance.now();
    const prepared: Prepared[] = [];
    let signMs = 0;
    let skipped = 0;
    for (let seed = 100_000; prepared.length < N; seed++) {
      if (seed > 100_000 + 3 * N) throw new Error(`fewer than ${N} issuable synthetic dossiers in ${3 * N} seeds`);
      // the workbench numbers dossiers in its series (HN-YYYY-000001, …) on a fresh database: the sheets are signed
      // for the number this dossier will get, and the lanes submit in this order (below)
      const dossier: Dossier = { ...syntheticDossier(seed), evidence: [], dossierId: `HN-${new Date(Date.now() + 8 * 3600_000).getUTCFullYear()}-${String(prepared.length + 1).padStart(6, "0")}` };
      const hash = dossierHash(dossier);
      const unsigned = syntheticSheets(DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, hash, panel, seed, 60);
      // keep the issuable ones, so that N dossiers make N certificates (the others are measured by bench:scoring)
      const check = trustVerifiedSheets({ rulebook: DEFAULT_RULEBOOK, rulebookHash: DEFAULT_RULEBOOK_HASH, dossier, dossierHash: hash, registered }, unsigned.map((s) => {
        // the level does not depend on the signatures: a placeholder lets the content checks run unsigned
        const sheet: PanelSheet = { ...s, signature: `0x${"00".repeat(65)}` };
        return { sheet, digest: panelSheetDigest(sheet) };
      }));
      const ev = evaluateChecked({ rulebook: DEFAULT_RULEBOOK, rulebookHash: DEFAULT_RULEBOOK_HASH }, dossier, hash, check);
      if (!ev.issuable) {
        skipped++;
        continue;
      }
      const s0 = performance.now();
      const sheets = await Promise.all(unsigned.map((s, k) => signSheet(s, panel[k]!.key)));
      signMs += performance.now() - s0;
      prepared.push({ dossier, applicant: privateKeyToAccount(keccak256(toHex(`cqo bench applicant ${seed} - not a secret`))), sheets });
    }
    const prepMs = performance.now() - tPrep;
    console.log(`  prepared ${N} dossiers and ${3 * N} signed sheets in ${(prepMs / 1000).toFixed(1)} s (${skipped} non-issuable seeds skipped; signing ${(signMs / 1000).toFixed(1)} s) — not timed`);

    // ------------------------------------------------------------ on the clock
    const stageMs = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
    const timed = async <T>(stage: Stage, f: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        stageMs[stage] += performance.now() - t0;
      }
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    let approvedAt = 0;
    // submissions in plan order, so each dossier gets the number its sheets were signed for; everything else overlaps
    let submitted: Promise<unknown> = Promise.resolve();
    const lane = async () => {
      for (;;) {
        const i = next++;
        if (i >= prepared.length) return;
        const p = prepared[i]!;
        const id = p.dossier.dossierId;
        const token = await timed("sign-in", () => signIn(http, p.applicant));
        const turn = submitted.then(() => timed("submit", () => call<{ id: string }>(http, "submit", "POST", "/dossiers", { rulebook: DEFAULT_RULEBOOK_KEY, dossier: p.dossier }, token, 201)));
        submitted = turn.catch(() => undefined);
        const { id: assigned } = await turn;
        if (assigned !== id) throw new Error(`the workbench numbered dossier ${id} as ${assigned}: the bench needs a fresh database`);
        await timed("accept", () => call(http, "accept", "POST", `/dossiers/${id}/accept`, {}, operator));
        await timed("assign", () => call(http, "assign", "POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, operator));
        await timed("sheets (3, signatures verified)", async () => {
          for (const [k, sheet] of p.sheets.entries()) await call(http, "sheet", "POST", `/dossiers/${id}/sheets`, { sheet }, assessorTokens[k], 201);
        });
        const ev = await timed("evaluate", () => call<{ state: string }>(http, "evaluate", "POST", `/dossiers/${id}/evaluate`, {}, operator));
        if (ev.state !== "evaluated") throw new Error(`${id} evaluated as ${ev.state}`);
        await timed("approve (credential)", () => call(http, "approve", "POST", `/dossiers/${id}/approve`, {}, operator));
        approvedAt = performance.now();
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    const workflowMs = approvedAt - t0;
    // the outbox drains on its own: wait until every row is issued
    let issued = 0;
    for (;;) {
      const r = wb.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'issued'").get() as { n: number };
      const failed = wb.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'failed'").get() as { n: number };
      issued = r.n;
      if (failed.n > 0) throw new Error(`${failed.n} issuances failed`);
      if (issued >= N) break;
      if (performance.now() - approvedAt > 120_000) throw new Error(`only ${issued} of ${N} issued after 120 s`);
      await new Promise((res) => setTimeout(res, 10));
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const drainMs = wallMs - workflowMs;

    // ------------------------------------------------------------ checks and figures
    const inNotice = (wb.db.prepare("SELECT COUNT(*) AS n FROM dossiers WHERE state = 'in-notice'").get() as { n: number }).n;
    if (inNotice !== N) throw new Error(`${inNotice} dossiers in notice, expected ${N}`);
    const sample = wb.db.prepare("SELECT token_id, root, holder FROM outbox ORDER BY RANDOM() LIMIT 20").all() as { token_id: string; root: Hex; holder: string }[];
    for (const s of sample) {
      const v = await chain.verifyCertificate(s.token_id);
      if (v.resultRoot !== s.root || v.holder !== s.holder || v.status !== "Pending") throw new Error(`certificate ${s.token_id} does not match its outbox row`);
    }
    const txs = new Set(chunks.map((c) => c.hash)).size;
    const gas = chunks.reduce((g, c) => g + c.gasUsed, 0n);
    const certsInChunks = chunks.reduce((n, c) => n + c.certificates, 0);
    const cps = N / (wallMs / 1000);
    const cpt = certsInChunks / txs;
    const nodeRss = childPids(node.proc.pid!).map(rssOfPid).reduce<number>((m, r) => Math.max(m, r ?? 0), 0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

    const routeMs = Object.fromEntries([...serverMs.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
    const result = {
      benchmark: "pipeline",
      date: new Date().toISOString(),
      commit: benchCommit(),
      mode: QUICK ? "quick" : "full",
      chain: CHAIN,
      node: process.version,
      cpus: (await import("node:os")).cpus().length,
      settings: { dossiers: N, lanes: LANES, outboxBatch: BATCH, lingerMs: LINGER_MS, panel: 3, http: "fastify inject (in-process, no socket)", database: "SQLite WAL, synchronous=NORMAL with a group commit (WAL fsynced before each response and each chain send), on " + dir },
      wallMs: Math.round(wallMs),
      certificates: N,
      certificatesPerSecond: Math.round(cps * 10) / 10,
      transactions: txs,
      certificatesPerTransaction: Math.round(cpt * 10) / 10,
      gasTotal: gas.toString(),
      gasPerCertificate: Number(gas / BigInt(certsInChunks)),
      chunkSizes: chunks.map((c) => c.certificates),
      memory: { peakRssMb: mb(peakRss), chainNodePeakRssMb: nodeRss ? mb(nodeRss) : null },
      cpu: {
        userMs: Math.round(cpu.user / 1000),
        systemMs: Math.round(cpu.system / 1000),
        /** CPU seconds of this process (server, client and worker) per wall second: below 1 means it waited (I/O, the chain, other processes on the machine) */
        share: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100,
        /** the load-independent figure: what one certificate costs this process, and the rate one free core would give */
        msPerCertificate: Math.round(((cpu.user + cpu.system) / 1000 / N) * 100) / 100,
        certificatesPerCpuSecond: Math.round((N / ((cpu.user + cpu.system) / 1e6)) * 10) / 10,
        loadAverageAtEnd: (await import("node:os")).loadavg()[0],
      },
      stages: {
        note: "client-side wall time summed over all lanes (lanes overlap, so the sum exceeds the wall time); meanMs is per dossier",
        ...Object.fromEntries(STAGES.map((s) => [s, { totalMs: Math.round(stageMs[s]), meanMs: Math.round((stageMs[s] / N) * 100) / 100 }])),
        "workflow (first sign-in to last approval)": { wallMs: Math.round(workflowMs) },
        "outbox drain after the last approval": { wallMs: Math.round(drainMs) },
        "outbox: issueBatch on the chain (estimate, send, mine, used-root checks)": { totalMs: Math.round(issueMs) },
      },
      serverMsByRoute: routeMs,
      offTheClock: { prepareMs: Math.round(prepMs), assessorSigningMs: Math.round(signMs), nonIssuableSeedsSkipped: skipped },
      targets: {
        certificatesPerSecond: { target: TARGET_CPS, measured: Math.round(cps * 10) / 10, pass: cps >= TARGET_CPS },
        certificatesPerTransaction: { target: TARGET_CPT, measured: Math.round(cpt * 10) / 10, pass: cpt >= TARGET_CPT },
      },
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`  wall ${s(wallMs)} (workflow ${s(workflowMs)}, outbox drain ${s(drainMs)}), ${N} certificates in ${txs} transactions`);
    console.log(`  gas/certificate ${result.gasPerCertificate.toLocaleString("en")}, peak RSS ${mb(peakRss)} MB (chain node ${nodeRss ? mb(nodeRss) : "?"} MB)`);
    console.log(`  CPU ${result.cpu.share}× wall, ${result.cpu.msPerCertificate} ms per certificate (${result.cpu.certificatesPerCpuSecond} per CPU second); load average ${result.cpu.loadAverageAtEnd.toFixed(1)} on ${result.cpus} cores`);
    console.log("  where the time goes (client view, summed over lanes; mean per dossier):");
    for (const st of STAGES) console.log(`    ${st.padEnd(34)} ${(stageMs[st] / N).toFixed(2).padStart(7)} ms`);
    console.log(`    outbox issueBatch (chain)          ${s(issueMs)} in total`);
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    console.log(`  ${verdict(result.targets.certificatesPerSecond.pass)} certificates/s ${result.certificatesPerSecond} (target ≥ ${TARGET_CPS})`);
    console.log(`  ${verdict(result.targets.certificatesPerTransaction.pass)} certificates/transaction ${result.certificatesPerTransaction} (target ≥ ${TARGET_CPT})`);
    console.log(`  → ${OUT}`);
    await wb.close();
  } finally {
    clearInterval(sampler);
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
