/**
 * Which columns hold personal data sealed at rest (server/sealed.ts), and key rotation over them and over the
 * evidence files.
 *
 * Rotation is online and crash-safe: rows are re-sealed in batches, each batch one SQLite transaction (BEGIN
 * IMMEDIATE, so a row is read and rewritten under the write lock and a concurrent writer's value is never
 * overwritten with a stale one). A crash between batches leaves every row sealed under either the old key or the
 * new one, both in the ring, both readable; running the rotation again finishes it. Only once it has completed may
 * the old key leave CQO_DATA_KEYS_PREVIOUS (and only once no backup sealed under it is still needed).
 */
import { randomBytes, createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "./db";
import { SealedDataError, isSealed, isSealedBytes, seal, sealBytes, sealedKeyId, unseal, unsealBytes, type KeyRing } from "./sealed";

export interface SealedColumn {
  table: string;
  pk: string;
  column: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: "dossiers", pk: "id", column: "dossier_json" },
  // the name the console's lists lead with (migration 13), taken from dossier_json: personal data like it
  { table: "dossiers", pk: "id", column: "applicant_name" },
  { table: "credentials", pk: "root", column: "credential_json" },
  { table: "reissues", pk: "root", column: "credential_json" },
  { table: "chain_intents", pk: "id", column: "params_json" },
  { table: "objections", pk: "id", column: "statement" },
  { table: "annual_reports", pk: "id", column: "report_json" },
  { table: "employer_changes", pk: "id", column: "report_json" },
];

/** The AAD of a sealed value: its table, column and row, so a ciphertext moved to another row fails its tag. */
export const aadOf = (c: SealedColumn, pk: string | number) => `${c.table}.${c.column}:${pk}`;

/** The AAD of an evidence file: its name, the SHA-256 of its plaintext. */
export const evidenceAad = (sha256: string) => `evidence:${sha256}`;

export interface RotateOptions {
  /** rows per transaction (default 200): short transactions keep the server's writers waiting only briefly */
  batchSize?: number;
  /** called after each committed batch (tests: look at the database mid-rotation, or crash there) */
  onBatch?: (progress: { table: string; rows: number }) => void;
}

/**
 * Rotation reads and writes the stored (sealed) form: SQL that starts with this comment is left alone by a
 * connection that opens sealed columns on read (the vault convention, RAW_SQL), and is plain SQL elsewhere.
 */
const RAW = "/* raw */ ";

/** Identifiers come from SEALED_COLUMNS only; quoted anyway. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Re-encrypts every sealed value (and plaintext left from before encryption was enabled) with ring.current, in
 * batches of N rows per SQLite transaction, so a crash leaves each row either old-key or new-key, both readable.
 * Commits are synced (synchronous=FULL for the duration): once this returns, no row depends on an old key even
 * after a power loss. A value that looks sealed but does not open (unknown key, bad tag) stops the rotation with
 * a SealedDataError naming the row: re-sealing it as if it were plaintext would hide the damage.
 * Returns counts per table.
 */
export function rotateSealedColumns(db: Db, ring: KeyRing, options: RotateOptions = {}): Record<string, { resealed: number; plaintext: number }> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 200));
  const counts: Record<string, { resealed: number; plaintext: number }> = {};
  const synchronous = db.pragma("synchronous", { simple: true }) as number;
  db.pragma("synchronous = FULL");
  try {
    for (const c of SEALED_COLUMNS) {
      const count = (counts[c.table] ??= { resealed: 0, plaintext: 0 });
      const t = ident(c.table);
      const pk = ident(c.pk);
      const col = ident(c.column);
      const first = db.prepare(`${RAW}SELECT ${pk} AS k, ${col} AS v FROM ${t} ORDER BY ${pk} LIMIT ?`);
      const next = db.prepare(`${RAW}SELECT ${pk} AS k, ${col} AS v FROM ${t} WHERE ${pk} > ? ORDER BY ${pk} LIMIT ?`);
      const update = db.prepare(`${RAW}UPDATE ${t} SET ${col} = ? WHERE ${pk} = ?`);
      let cursor: string | number | null = null;
      for (;;) {
        const batch = db.transaction(() => {
          const rows = (cursor === null ? first.all(batchSize) : next.all(cursor, batchSize)) as { k: string | number; v: string | null }[];
          for (const row of rows) {
            if (row.v === null) continue;
            const aad = aadOf(c, row.k);
            if (isSealed(row.v)) {
              if (sealedKeyId(row.v) === ring.current.id) continue;
              let plain: string;
              try {
                plain = unseal(ring, row.v, aad);
              } catch (err) {
                const e = err as SealedDataError;
                throw new SealedDataError(`${aad}: ${e.message}`, e.code);
              }
              update.run(seal(ring, plain, aad), row.k);
              count.resealed++;
            } else {
              update.run(seal(ring, row.v, aad), row.k);
              count.plaintext++;
            }
          }
          return rows;
        }).immediate();
        if (batch.length === 0) break;
        cursor = batch[batch.length - 1]!.k;
        options.onBatch?.({ table: c.table, rows: batch.length });
        if (batch.length < batchSize) break;
      }
    }
  } finally {
    db.pragma(`synchronous = ${synchronous}`);
  }
  return counts;
}

export interface EvidenceRotation {
  /** files re-sealed under the current key */
  resealed: number;
  /** files already under the current key */
  current: number;
  /** files not sealed at all (stored before evidence encryption): left as they are */
  plaintext: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Evidence files: `<dir>/<first 2 hex>/<sha256>` (server/evidence.ts); `<dir>/tmp` holds uploads in flight. */
export function evidenceFiles(dir: string): { sha256: string; path: string; rel: string }[] {
  if (!existsSync(dir)) return [];
  const out: { sha256: string; path: string; rel: string }[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory() || !/^[0-9a-f]{2}$/.test(sub.name)) continue;
    for (const f of readdirSync(join(dir, sub.name), { withFileTypes: true })) {
      if (f.isFile() && HEX64.test(f.name) && f.name.startsWith(sub.name)) out.push({ sha256: f.name, path: join(dir, sub.name, f.name), rel: `${sub.name}/${f.name}` });
    }
  }
  return out.sort((a, b) => a.sha256.localeCompare(b.sha256));
}

/** Writes `data` in place of `path`: temp file, fsync, rename, fsync of the directory (all or nothing). */
export function replaceFileDurably(path: string, data: Uint8Array, tmpDir: string): void {
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const tmp = join(tmpDir, `rotate-${Date.now()}-${randomBytes(8).toString("hex")}`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dfd = openSync(join(path, ".."), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/**
 * Re-seals every evidence file sealed under an older key with ring.current (AAD `evidence:<sha256>`), one file at
 * a time: temp file, fsync, rename, so a crash leaves each file whole under one key or the other. The name stays
 * the SHA-256 of the plaintext, which is checked on the way (a mismatch is refused, not re-sealed). Plaintext
 * files are left alone: sealing them is for the evidence store, which knows whether its readers unseal.
 */
export function rotateEvidenceFiles(dir: string, ring: KeyRing): EvidenceRotation {
  const result: EvidenceRotation = { resealed: 0, current: 0, plaintext: 0 };
  for (const f of evidenceFiles(dir)) {
    const data = readFileSync(f.path);
    if (!isSealedBytes(data)) {
      result.plaintext++;
      continue;
    }
    if (sealedKeyId(data) === ring.current.id) {
      result.current++;
      continue;
    }
    const aad = evidenceAad(f.sha256);
    let plain: Buffer;
    try {
      plain = unsealBytes(ring, data, aad);
    } catch (err) {
      const e = err as SealedDataError;
      throw new SealedDataError(`${aad}: ${e.message}`, e.code);
    }
    if (createHash("sha256").update(plain).digest("hex") !== f.sha256) throw new SealedDataError(`${aad}: the plaintext's SHA-256 is not the file's name`, "auth-failed");
    replaceFileDurably(f.path, sealBytes(ring, plain, aad), join(dir, "tmp"));
    result.resealed++;
  }
  return result;
}
