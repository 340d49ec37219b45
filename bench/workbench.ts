/**
 * npm run bench:workbench — the operator's inbox and the lists at scale (issue #10): a workbench database with
 * 100,000 dossiers (rows written straight with SQL, in batches of 5,000 per transaction: dossier JSON of synthetic
 * dossiers, a real evaluation's JSON past scoring, audit entries, panels of three from 30 assessors), the workbench
 * in-process without a chain (`chain: null`: the inbox, submission and acceptance never touch it), listening on
 * loopback and called with fetch. Measured, each after a warm-up, in sequence (one request at a time):
 *
 * - the anchor: the old unpaginated inbox (`SELECT * FROM dossiers ORDER BY created_at, id`, every row serialised,
 *   as GET /dossiers answered before), a few runs;
 * - the inbox's first page (default 50, newest first), its bytes; the same poll answered 304 (If-None-Match);
 * - a filtered page (one state; "needs action", five states merged), a search by number prefix and by wallet,
 *   a deep page by cursor (90 % of the way down), an applicant's and an assessor's own inbox;
 * - submit (POST /dossiers) + accept (POST /dossiers/:id/accept), each and the pair.
 *
 * Targets (at 100,000 dossiers): first page p95 < 50 ms and < 100 kB; submit + accept p95 < 50 ms. A measurement:
 * prints pass/fail and exits 0 on a missed target (non-zero only on an error). Bounded loops, loopback only.
 *
 * Env: BENCH_QUICK=1 (10,000 dossiers, fewer runs; results in workbench-quick.json), BENCH_DOSSIERS=N, BENCH_OUT=file.
 */
import { benchCommit } from "./lib/commit";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assessorLookup, dossierHash, evaluateChecked, panelSheetDigest, trustVerifiedSheets, type Dossier, type PanelSheet } from "../scoring";
import { assessorRegister, devAssessors, syntheticDossier, syntheticSheets } from "../scoring/synthetic";
import { buildServer } from "../server/app";
import { hashToken } from "../server/auth";
import { encodeCursor } from "../server/routes/pages";
import { dossierSummary } from "../server/views";
import type { DossierRow } from "../server/store/dossiers";
import { call, fetchHttp, signIn } from "../scripts/lib/workbench-client";
import { DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, DEFAULT_RULEBOOK_KEY } from "../scripts/lib/world";

const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick");
const N = Number(process.env.BENCH_DOSSIERS ?? (QUICK ? 10_000 : 100_000));
const RUNS = QUICK ? 60 : 200;
const WARMUP = 10;
const OLD_RUNS = QUICK ? 3 : 3;
const WRITES = QUICK ? 60 : 200;
const OUT = process.env.BENCH_OUT ?? join(__dirname, "results", `workbench${QUICK ? "-quick" : ""}.json`);
const TARGET_PAGE_P95_MS = 50;
const TARGET_PAGE_BYTES = 100_000;
const TARGET_WRITE_P95_MS = 50;
const BATCH = 5_000;

/** a realistic mix of states for a body some years in (most dossiers long done) */
const STATE_MIX: [string, number][] = [
  ["issued", 53],
  ["not-certified", 10],
  ["rejected", 8],
  ["submitted", 5],
  ["assigned", 5],
  ["accepted", 3],
  ["in-notice", 3],
  ["renewal-applied", 3],
  ["revoked", 2],
  ["scored", 2],
  ["evaluated", 2],
  ["suspended", 2],
  ["flagged", 1],
  ["queued", 1],
];
const PAST_SCORING = new Set(["issued", "not-certified", "in-notice", "renewal-applied", "revoked", "evaluated", "suspended", "flagged", "queued"]);
const WITH_PANEL = new Set([...PAST_SCORING, "assigned", "scored"]);
const WITH_TOKEN = new Set(["issued", "in-notice", "revoked", "suspended"]);

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (b: number) => round(b / 1024 / 1024, 1);

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { runs: s.length, p50Ms: round(q(0.5)), p95Ms: round(q(0.95)), maxMs: round(s[s.length - 1]!), meanMs: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

/** a tiny deterministic PRNG (xorshift32), so the database is the same run to run */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cqo-bench-workbench-"));
  const loadBefore = loadavg();
  console.log(`bench:workbench — ${N.toLocaleString("en")} dossiers${QUICK ? " (quick)" : ""}, load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} cores`);
  try {
    const wb = await buildServer({
      config: {
        dbPath: join(dir, "workbench.sqlite"),
        rpcUrl: "http://127.0.0.1:1",
        deploymentPath: join(dir, "deployment.json"),
        evidenceDir: join(dir, "evidence"),
        port: 0,
        host: "127.0.0.1",
        bodyId: 1,
        siweDomain: "127.0.0.1:8787",
        sessionTtlSeconds: 3600,
        batchSize: 50,
        workerIntervalMs: 500,
        evidenceMaxBytes: 1024 * 1024,
      },
      chain: null,
    });
    const db = wb.db;

    // ------------------------------------------------------------ the database (off the clock)
    const t0 = performance.now();
    const rnd = prng(20261126);
    const assessors = devAssessors(30);
    const now = Date.now();
    const insertAssessor = db.prepare("INSERT INTO assessors (address, assessor_id, name, employer_uscc, active, registered_by, registered_at) VALUES (?, ?, ?, ?, 1, 'bench', ?)");
    db.transaction(() => {
      for (const a of assessors) insertAssessor.run(a.address, a.id, `专家 ${a.id}`, a.employerUscc, now);
    })();
    // applicants: most file once, some several times (re-evaluations, second attempts)
    const applicants: Address[] = Array.from({ length: Math.ceil(N * 0.7) }, () => getAddress(`0x${randomBytes(20).toString("hex")}`));
    // 500 distinct synthetic dossiers (about 1.4 kB of JSON each, evidence list included), each row with its own number in it
    const templates = Array.from({ length: 500 }, (_, i) => JSON.stringify(syntheticDossier(200_000 + i)));
    // one real evaluation (the default rulebook, three sheets) for every row past scoring
    const evalDossier: Dossier = { ...syntheticDossier(100_001), evidence: [] };
    const evalHash = dossierHash(evalDossier);
    const unsigned = syntheticSheets(DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, evalHash, assessors.slice(0, 3), 100_001, 60);
    const check = trustVerifiedSheets(
      { rulebook: DEFAULT_RULEBOOK, rulebookHash: DEFAULT_RULEBOOK_HASH, dossier: evalDossier, dossierHash: evalHash, registered: assessorLookup(assessorRegister(assessors)) },
      unsigned.map((s) => {
        const sheet: PanelSheet = { ...s, signature: `0x${"00".repeat(65)}` };
        return { sheet, digest: panelSheetDigest(sheet) };
      }),
    );
    const evaluationJson = JSON.stringify(evaluateChecked({ rulebook: DEFAULT_RULEBOOK, rulebookHash: DEFAULT_RULEBOOK_HASH }, evalDossier, evalHash, check));
    const totalWeight = STATE_MIX.reduce((a, [, w]) => a + w, 0);
    const stateOf = () => {
      let x = rnd() * totalWeight;
      for (const [s, w] of STATE_MIX) if ((x -= w) < 0) return s;
      return "issued";
    };
    const insertDossier = db.prepare(
      "INSERT INTO dossiers (id, applicant, rulebook_key, state, round, dossier_json, dossier_hash, rejection_json, evaluation_json, outcome, token_id, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const insertAudit = db.prepare("INSERT INTO audit_log (dossier_id, actor, role, action, from_state, to_state, details_json, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const insertPanel = db.prepare("INSERT INTO panel_members (dossier_id, round, assessor) VALUES (?, 1, ?)");
    // two years of filings before this one (numbers of 2024 and 2025: the series of this year is the workbench's)
    const start = Date.UTC(2024, 0, 2);
    const step = (Date.UTC(2025, 11, 30) - start) / N;
    const perYear = new Map<number, number>();
    let multiApplicant: Address | null = null;
    const applicantCount = new Map<Address, number>();
    for (let from = 0; from < N; from += BATCH) {
      db.transaction(() => {
        for (let i = from; i < Math.min(N, from + BATCH); i++) {
          const at = Math.floor(start + i * step + rnd() * step * 0.9);
          const year = new Date(at).getUTCFullYear();
          const seq = (perYear.get(year) ?? 0) + 1;
          perYear.set(year, seq);
          const id = `HN-${year}-${String(seq).padStart(6, "0")}`;
          const applicant = rnd() < 0.3 ? applicants[Math.floor(rnd() * 2000)]! : applicants[Math.floor(rnd() * applicants.length)]!;
          applicantCount.set(applicant, (applicantCount.get(applicant) ?? 0) + 1);
          const state = stateOf();
          const json = templates[i % templates.length]!.replace(/"dossierId":"[^"]*"/, `"dossierId":"${id}"`);
          const hash = keccak256(toHex(id));
          const updated = at + Math.floor(rnd() * 30 * 86_400_000);
          insertDossier.run(
            id,
            applicant,
            DEFAULT_RULEBOOK_KEY,
            state,
            json,
            hash,
            state === "rejected" ? JSON.stringify([{ zh: "材料不全", en: "incomplete materials" }]) : null,
            PAST_SCORING.has(state) ? evaluationJson : null,
            PAST_SCORING.has(state) ? (state === "not-certified" ? "not-certified" : state === "flagged" ? "divergent" : "certified") : null,
            WITH_TOKEN.has(state) ? BigInt(keccak256(toHex(`token ${id}`))).toString().slice(0, 20) : null,
            at,
            updated,
          );
          insertAudit.run(id, applicant, "applicant", "submit", null, "submitted", null, at);
          if (state !== "submitted") insertAudit.run(id, "0x0000000000000000000000000000000000000b0d", "operator", state === "rejected" ? "reject" : "accept", "submitted", state === "rejected" ? "rejected" : "accepted", null, at + 3_600_000);
          if (WITH_PANEL.has(state)) {
            const k = Math.floor(rnd() * 28);
            for (const a of assessors.slice(k, k + 3)) insertPanel.run(id, a.address);
          }
        }
      })();
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    for (const [a, n] of applicantCount) if (n >= 3 && (!multiApplicant || n > applicantCount.get(multiApplicant)!)) multiApplicant = a;
    const buildMs = performance.now() - t0;
    const dbBytes = statSync(join(dir, "workbench.sqlite")).size;
    const count = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
    console.log(`  built ${N.toLocaleString("en")} dossiers, ${count("SELECT COUNT(*) AS n FROM audit_log").toLocaleString("en")} audit entries, ${count("SELECT COUNT(*) AS n FROM panel_members").toLocaleString("en")} panel seats in ${(buildMs / 1000).toFixed(1)} s; database ${mb(dbBytes)} MB — not timed`);

    // the old inbox, as GET /dossiers answered before issue #10: every row, SELECT *, serialised (the anchor)
    wb.app.get("/bench/old-inbox", async () => (db.prepare("SELECT * FROM dossiers ORDER BY created_at, id").all() as DossierRow[]).map(dossierSummary));

    const base = await wb.listen();
    const http = fetchHttp(base);
    // the operator: a session row as sign-in writes it when the chain says the wallet is a signing key of the body
    const operator = randomBytes(32).toString("base64url");
    db.prepare("INSERT INTO sessions (token_hash, address, operator, issued_at, expires_at) VALUES (?, ?, 1, ?, ?)").run(hashToken(operator), privateKeyToAccount(`0x${"b0".repeat(32)}`).address, Date.now(), Date.now() + 3600_000);
    const applicantSigner = privateKeyToAccount(keccak256(toHex("cqo bench:workbench applicant - not a secret")));
    const applicant = await signIn(http, applicantSigner);
    // one of the busiest assessors, and an applicant with several dossiers (as a session: their own inbox)
    const busiest = db.prepare("SELECT assessor, COUNT(*) AS n FROM panel_members GROUP BY assessor ORDER BY n DESC LIMIT 1").get() as { assessor: Address; n: number };
    const assessorSession = randomBytes(32).toString("base64url");
    const multiSession = randomBytes(32).toString("base64url");
    for (const [token, address] of [
      [assessorSession, busiest.assessor],
      [multiSession, multiApplicant!],
    ] as const) {
      db.prepare("INSERT INTO sessions (token_hash, address, operator, issued_at, expires_at) VALUES (?, ?, 0, ?, ?)").run(hashToken(token), address, Date.now(), Date.now() + 3600_000);
    }

    /** one GET, timed from the request to the last byte of the body */
    const get = async (path: string, token: string, headers: Record<string, string> = {}) => {
      const t = performance.now();
      const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}`, ...headers } });
      const body = await r.arrayBuffer();
      return { ms: performance.now() - t, status: r.status, bytes: body.byteLength, etag: r.headers.get("etag"), body };
    };
    const measure = async (name: string, path: string, token = operator, headers: Record<string, string> = {}, runs = RUNS, expectStatus = 200) => {
      for (let i = 0; i < WARMUP; i++) await get(path, token, headers);
      const ms: number[] = [];
      let bytes = 0;
      let items = 0;
      let total: number | undefined;
      for (let i = 0; i < runs; i++) {
        const r = await get(path, token, headers);
        if (r.status !== expectStatus) throw new Error(`${name}: HTTP ${r.status} ${Buffer.from(r.body).toString("utf8").slice(0, 300)}`);
        ms.push(r.ms);
        bytes = r.bytes;
        if (r.status === 200) {
          const page = JSON.parse(Buffer.from(r.body).toString("utf8")) as { items?: unknown[]; total?: number } | unknown[];
          items = Array.isArray(page) ? page.length : (page.items?.length ?? 0);
          total = Array.isArray(page) ? page.length : page.total;
        }
      }
      const s = { path, ...stats(ms), bytes, items, ...(total !== undefined ? { total } : {}) };
      console.log(`  ${name.padEnd(44)} p50 ${String(s.p50Ms).padStart(8)} ms  p95 ${String(s.p95Ms).padStart(8)} ms  ${(bytes / 1024).toFixed(1).padStart(8)} kB  ${items} items`);
      return s;
    };

    // ------------------------------------------------------------ the anchor: the old unpaginated inbox
    const oldMs: number[] = [];
    let oldBytes = 0;
    for (let i = 0; i < OLD_RUNS; i++) {
      const r = await get("/bench/old-inbox", operator);
      if (r.status !== 200) throw new Error(`old inbox: HTTP ${r.status}`);
      oldMs.push(r.ms);
      oldBytes = r.bytes;
    }
    const old = { what: "SELECT * FROM dossiers ORDER BY created_at, id, every row as its summary (GET /dossiers before issue #10)", ...stats(oldMs), bytes: oldBytes, items: N };
    console.log(`  ${"anchor: the old unpaginated inbox".padEnd(44)} p50 ${String(old.p50Ms).padStart(8)} ms  p95 ${String(old.p95Ms).padStart(8)} ms  ${(oldBytes / 1024 / 1024).toFixed(1).padStart(8)} MB  ${N} items (${OLD_RUNS} runs)`);

    // ------------------------------------------------------------ the lists
    const first = await measure("inbox, first page (50, newest first)", "/dossiers");
    const etag = (await get("/dossiers", operator)).etag!;
    const notModified = await measure("the same poll, unchanged: 304", "/dossiers", operator, { "if-none-match": etag }, RUNS, 304);
    const byState = await measure("filtered: state=submitted", "/dossiers?state=submitted");
    const needsAction = await measure("filtered: needsAction=true (5 states)", "/dossiers?needsAction=true");
    // a number without its last two digits: the hundred numbers around a row half-way down
    const prefix = (db.prepare("SELECT id FROM dossiers ORDER BY created_at, id LIMIT 1 OFFSET ?").get(Math.floor(N / 2)) as { id: string }).id.slice(0, -2);
    const byNumber = await measure(`search: number prefix ${prefix}`, `/dossiers?q=${prefix}`);
    const byWallet = await measure("search: an applicant's wallet", `/dossiers?q=${multiApplicant!.toLowerCase()}`);
    const deepRow = db.prepare("SELECT created_at, id FROM dossiers ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?").get(Math.floor(N * 0.9)) as { created_at: number; id: string };
    const deep = await measure("deep page: cursor 90 % down", `/dossiers?cursor=${encodeCursor(["t", deepRow.created_at, deepRow.id])}`);
    const max = await measure("inbox, a page of 200 (the maximum)", "/dossiers?limit=200");
    const ownInbox = await measure(`an applicant's own inbox (${applicantCount.get(multiApplicant!)} dossiers)`, "/dossiers", multiSession);
    const assessorInbox = await measure(`an assessor's inbox (${busiest.n.toLocaleString("en")} panel seats)`, "/dossiers", assessorSession);
    const outbox = await measure("outbox, first page (empty table)", "/outbox");
    const audit = await measure("a dossier's audit log", `/dossiers/${deepRow.id}/audit`);

    // ------------------------------------------------------------ submit + accept
    const submitMs: number[] = [];
    const acceptMs: number[] = [];
    const pairMs: number[] = [];
    for (let i = 0; i < WARMUP + WRITES; i++) {
      const dossier: Dossier = { ...syntheticDossier(300_000 + i), evidence: [] };
      const a = performance.now();
      const made = await call<{ id: string }>(http, "submit", "POST", "/dossiers", { rulebook: DEFAULT_RULEBOOK_KEY, dossier }, applicant, 201);
      const b = performance.now();
      await call(http, "accept", "POST", `/dossiers/${made.id}/accept`, {}, operator);
      const c = performance.now();
      if (i < WARMUP) continue;
      submitMs.push(b - a);
      acceptMs.push(c - b);
      pairMs.push(c - a);
    }
    const writes = { submit: stats(submitMs), accept: stats(acceptMs), submitPlusAccept: stats(pairMs) };
    console.log(`  ${"submit".padEnd(44)} p50 ${String(writes.submit.p50Ms).padStart(8)} ms  p95 ${String(writes.submit.p95Ms).padStart(8)} ms`);
    console.log(`  ${"accept".padEnd(44)} p50 ${String(writes.accept.p50Ms).padStart(8)} ms  p95 ${String(writes.accept.p95Ms).padStart(8)} ms`);
    console.log(`  ${"submit + accept".padEnd(44)} p50 ${String(writes.submitPlusAccept.p50Ms).padStart(8)} ms  p95 ${String(writes.submitPlusAccept.p95Ms).padStart(8)} ms`);
    // the inbox after the writes: the new ones on top, the page still the same size
    const after = await measure("inbox, first page after the writes", "/dossiers", operator, {}, Math.min(RUNS, 50));
    const loadAfter = loadavg();

    const targets = {
      firstPageP95Ms: { target: `< ${TARGET_PAGE_P95_MS}`, measured: first.p95Ms, pass: first.p95Ms < TARGET_PAGE_P95_MS },
      firstPageBytes: { target: `< ${TARGET_PAGE_BYTES}`, measured: first.bytes, pass: first.bytes < TARGET_PAGE_BYTES },
      submitPlusAcceptP95Ms: { target: `< ${TARGET_WRITE_P95_MS}`, measured: writes.submitPlusAccept.p95Ms, pass: writes.submitPlusAccept.p95Ms < TARGET_WRITE_P95_MS },
    };
    const result = {
      benchmark: "workbench",
      date: new Date().toISOString(),
      commit: benchCommit(),
      mode: QUICK ? "quick" : "full",
      machine: {
        node: process.version,
        cpu: cpus()[0]?.model ?? "unknown",
        logicalCores: cpus().length,
        note: "client and server in one Node.js process, HTTP over loopback (fetch → fastify); one request at a time",
        loadAverage1mBefore: round(loadBefore[0]!),
        loadAverage1mAfter: round(loadAfter[0]!),
      },
      settings: {
        dossiers: N,
        runsPerList: RUNS,
        warmup: WARMUP,
        writes: WRITES,
        database: `SQLite WAL, synchronous=NORMAL with the group commit (WAL fsynced before each response), ${mb(dbBytes)} MB, on ${dir}`,
        rows: {
          auditEntries: count("SELECT COUNT(*) AS n FROM audit_log"),
          panelSeats: count("SELECT COUNT(*) AS n FROM panel_members"),
          dossierJsonBytesMean: Math.round(count("SELECT AVG(LENGTH(dossier_json)) AS n FROM dossiers")),
          evaluationJsonBytes: evaluationJson.length,
          states: Object.fromEntries((db.prepare("SELECT state, COUNT(*) AS n FROM dossiers GROUP BY state ORDER BY n DESC").all() as { state: string; n: number }[]).map((r) => [r.state, r.n])),
        },
        buildMs: Math.round(buildMs),
      },
      anchor: { oldUnpaginatedInbox: old },
      lists: {
        firstPage: first,
        firstPage304: notModified,
        stateSubmitted: byState,
        needsAction,
        searchNumberPrefix: byNumber,
        searchWallet: byWallet,
        deepCursor90Percent: deep,
        pageOf200: max,
        applicantOwnInbox: ownInbox,
        assessorInbox,
        outboxFirstPage: outbox,
        auditLog: audit,
        firstPageAfterWrites: after,
      },
      writes,
      ratios: {
        firstPageP50VsOldInbox: round(old.p50Ms / first.p50Ms, 0),
        firstPageBytesVsOldInbox: round(oldBytes / first.bytes, 0),
      },
      targets,
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    console.log(`  ${verdict(targets.firstPageP95Ms.pass)} first page p95 ${first.p95Ms} ms (target < ${TARGET_PAGE_P95_MS}); the old inbox: p50 ${old.p50Ms} ms`);
    console.log(`  ${verdict(targets.firstPageBytes.pass)} first page ${(first.bytes / 1024).toFixed(1)} kB (target < ${TARGET_PAGE_BYTES / 1000} kB); the old inbox: ${(oldBytes / 1024 / 1024).toFixed(1)} MB`);
    console.log(`  ${verdict(targets.submitPlusAcceptP95Ms.pass)} submit + accept p95 ${writes.submitPlusAccept.p95Ms} ms (target < ${TARGET_WRITE_P95_MS})`);
    console.log(`  load average ${loadBefore[0]!.toFixed(2)} → ${loadAfter[0]!.toFixed(2)} on ${cpus().length} cores → ${OUT}`);
    await wb.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
