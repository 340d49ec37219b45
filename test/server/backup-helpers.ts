/**
 * For test/server/backup.test.ts: the admin command line as a child process, an evidence upload through the HTTP
 * API, a writer process that commits to the database while a backup runs, file modes, the chain's mints, and a
 * walk over a bundle's entries.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { zeroAddress, type Hex } from "viem";
import { cqoCertificateAbi, type Deployment } from "../../sdk";
import { unsealBytes, type KeyRing } from "../../server/sealed";
import { REPO, publicClientFor } from "./helpers";

/** process.env without any CQO_ variable (so a developer's own key or paths never leak into a test). */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CQO_")) env[k] = v;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx server/admin.ts ...args` with `env`; resolves when it exits. */
export function runAdminCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(REPO, "server", "admin.ts"), ...args], { cwd: REPO, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => proc.once("exit", (code) => resolve({ code, stdout, stderr })));
}

/** POST /evidence (multipart, one file) through fastify's inject; returns the file's SHA-256. */
export async function uploadEvidence(
  app: { inject: (o: { method: string; url: string; payload: Buffer; headers: Record<string, string> }) => Promise<{ statusCode: number; body: string }> },
  token: string,
  content: Buffer,
  filename = "任命书.pdf",
): Promise<string> {
  const boundary = `----cqo${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(filename)}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const payload = Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const r = await app.inject({ method: "POST", url: "/evidence", payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` } });
  if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`upload: ${r.statusCode} ${r.body}`);
  return (JSON.parse(r.body) as { sha256: string }).sha256;
}

/**
 * A process that commits to the database in a loop until killed: each transaction one dossier `W-<n>` (n = 1,
 * 2, …) and three audit rows citing it, so any consistent state has exactly 3 audit rows per W dossier and the
 * W dossiers 1..n with no gap. Prints "writing" after its first commit.
 */
export function startWriter(dbPath: string): { proc: ChildProcess; started: Promise<void>; stop(): Promise<void> } {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(dbPath)});
    db.pragma("journal_mode = WAL"); db.pragma("synchronous = NORMAL"); db.pragma("busy_timeout = 5000");
    const d = db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, '0xw', 'r@1', 'submitted', ?, '0x', 0, 0)");
    const a = db.prepare("INSERT INTO audit_log (dossier_id, actor, role, action, at) VALUES (?, 'writer', 'test', ?, 0)");
    const tx = db.transaction((n) => { const id = "W-" + n; d.run(id, JSON.stringify({ n, pad: "x".repeat(2000) })); for (const s of ["a", "b", "c"]) a.run(id, s); });
    let n = 0;
    const loop = () => { for (let i = 0; i < 20; i++) tx(++n); if (n === 20) console.log("writing"); setImmediate(loop); };
    loop();
  `;
  const proc = spawn(process.execPath, ["-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  const started = new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (c: Buffer) => c.toString().includes("writing") && resolve());
    proc.once("exit", (code) => reject(new Error(`writer exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return {
    proc,
    started,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
  };
}

/** Every file and directory under `dir` (included) with its permission bits. */
export function modesUnder(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...modesUnder(p));
    else out.push({ path: p, dir: false, mode: statSync(p).mode & 0o777 });
  }
  return out;
}

/** Deletes the database (with its -wal and -shm) and the evidence directory: the disaster a restore repairs. */
export function destroyWorkbench(dbPath: string, evidenceDir: string): void {
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
  rmSync(evidenceDir, { recursive: true, force: true });
  if (existsSync(dbPath) || existsSync(evidenceDir)) throw new Error("could not delete the workbench");
}

/** The transactions of every mint (Transfer from the zero address) on the chain, by certificate number. */
export async function mintsOnChain(url: string, deployment: Deployment): Promise<Map<bigint, Hex[]>> {
  const pc = publicClientFor(url, deployment);
  const logs = await pc.getContractEvents({ address: deployment.certificate, abi: cqoCertificateAbi, eventName: "Transfer", args: { from: zeroAddress }, fromBlock: BigInt(deployment.deployBlock) });
  const out = new Map<bigint, Hex[]>();
  for (const l of logs) out.set(l.args.tokenId!, [...(out.get(l.args.tokenId!) ?? []), l.transactionHash]);
  return out;
}

/**
 * Where each entry of a bundle starts (format: server/backup.ts), read with the test's key: an entry's size is in
 * its sealed metadata, and gives its number of chunks.
 */
export function entryOffsets(b: Buffer, ring: KeyRing): number[] {
  const headerLen = b.readUInt32BE(8);
  const header = JSON.parse(b.subarray(12, 12 + headerLen).toString()) as { entryCount: number; chunkSize: number };
  const hh = createHash("sha256").update(b.subarray(12, 12 + headerLen)).digest("hex");
  let pos = 12 + headerLen;
  const starts: number[] = [];
  const record = () => {
    const len = b.readUInt32BE(pos);
    const r = b.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    return r;
  };
  for (let i = 0; i < header.entryCount; i++) {
    starts.push(pos);
    const meta = JSON.parse(unsealBytes(ring, record(), `cqo-backup/1:${hh}:${i}:meta`).toString()) as { size: number };
    for (let c = 0; c < Math.max(1, Math.ceil(meta.size / header.chunkSize)); c++) record();
  }
  expect(pos, "the walk ends at the end of the bundle").to.equal(b.length);
  return starts;
}
