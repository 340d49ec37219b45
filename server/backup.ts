/**
 * Online backup of a running workbench into one encrypted bundle, and its restore.
 *
 * The database is copied with SQLite's online backup API (better-sqlite3 `backup()`) on a second connection, in a
 * single step: one read transaction, which in WAL mode never blocks the server's writer and sees one committed
 * state. The database is snapshot FIRST and the evidence files listed after it: an evidence row is written only
 * once its file is durably renamed into place (server/evidence.ts), so every file the snapshot cites is there.
 *
 * Bundle format, version 1 (all integers big-endian):
 *
 *   magic      6 bytes  "CQOBAK"
 *   version    u16      1
 *   headerLen  u32      ≤ 64 KiB
 *   header     UTF-8 JSON { format: "cqo-workbench-backup", version: 1, bundleId (32 hex, random), keyId,
 *                         createdAt (ISO 8601), schemaVersion, entryCount, chunkSize }
 *   entryCount entries, entry 0 the database, then the evidence files in name order; each entry:
 *     u32 length, then sealBytes(meta JSON { kind: "db" | "evidence", path, size, sha256 }, AAD(i, "meta"))
 *     max(1, ceil(size / chunkSize)) chunks, each: u32 length, then sealBytes(data, AAD(i, c, "more" | "end"))
 *   end of file (a trailing byte is refused)
 *
 *   AAD(i, …) = "cqo-backup/1:<SHA-256 of the header bytes>:<i>:meta" or ":<i>:<c>:more" / ":<i>:<c>:end"
 *
 * The header is plaintext but authenticated: its hash is in every chunk's AAD, with the entry and chunk index and
 * whether the chunk is its entry's last, so a bundle cannot be cut, reordered, or spliced from another bundle
 * without a tag failing. Entry metadata (evidence names are content hashes) is sealed. Evidence files are stored
 * byte for byte as they are on disk (sealed or not); the database's sealed columns stay sealed inside. Chunks keep
 * memory flat whatever the database size.
 */
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MIGRATIONS } from "./db";
import { SealedDataError, sealBytes, unsealBytes, type KeyRing } from "./sealed";
import { evidenceFiles } from "./sealed-columns";

const MAGIC = Buffer.from("CQOBAK", "ascii");
const VERSION = 1;
const CHUNK_SIZE = 1 << 20;
const MAX_HEADER = 64 * 1024;
/** sealBytes overhead: magic 4 + 1 + key id ≤ 32 + iv 12 + tag 16 */
const SEAL_OVERHEAD = 65;

export type BackupErrorCode = "exists" | "no-database" | "malformed" | "tampered" | "unknown-key" | "integrity" | "newer-schema";

const MESSAGES: Record<BackupErrorCode, { zh: string; en: string }> = {
  exists: { zh: "目标位置已有工作台数据库（或证据文件）；确认覆盖请加 --force", en: "a workbench database (or evidence) already exists there; use --force to replace it" },
  "no-database": { zh: "找不到工作台数据库", en: "no workbench database found" },
  malformed: { zh: "备份文件格式无效或不完整", en: "the backup bundle is malformed or incomplete" },
  tampered: { zh: "备份文件校验失败（已被篡改、损坏或不属于本备份），未写入任何数据", en: "the backup bundle failed authentication (altered, damaged or spliced); nothing was written" },
  "unknown-key": { zh: "备份所用的密钥不在密钥环中（CQO_DATA_KEYS_PREVIOUS？）", en: "the bundle's key is not in the key ring (CQO_DATA_KEYS_PREVIOUS?)" },
  integrity: { zh: "数据库完整性检查未通过", en: "the database failed its integrity check" },
  "newer-schema": { zh: "备份来自更新版本的工作台（数据库版本更高）", en: "the bundle comes from a newer workbench (higher schema version)" },
};

/** A refused backup or restore, with a code and the reason in Chinese and English. */
export class BackupError extends Error {
  readonly zh: string;
  readonly en: string;
  constructor(
    readonly code: BackupErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const m = MESSAGES[code];
    super(`${m.en}${detail ? `: ${detail}` : ""}`, options);
    this.name = "BackupError";
    this.zh = m.zh + (detail ? `：${detail}` : "");
    this.en = this.message;
  }
}

export interface BundleHeader {
  format: "cqo-workbench-backup";
  version: 1;
  bundleId: string;
  keyId: string;
  createdAt: string;
  schemaVersion: number;
  entryCount: number;
  chunkSize: number;
}

interface EntryMeta {
  kind: "db" | "evidence";
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  file: string;
  /** bundle size in bytes */
  bytes: number;
  bundleId: string;
  keyId: string;
  createdAt: string;
  schemaVersion: number;
  db: { bytes: number; sha256: string };
  evidence: { count: number; bytes: number };
}

const aadOf = (headerHash: string, i: number, part: string) => `cqo-backup/1:${headerHash}:${i}:${part}`;
const chunksOf = (size: number, chunkSize: number) => Math.max(1, Math.ceil(size / chunkSize));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The database files: the main file and, in WAL mode, its -wal and -shm. */
const dbFiles = (dbPath: string) => [dbPath, `${dbPath}-wal`, `${dbPath}-shm`];

async function readChunk(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await fh.read(buf, off, length - off, position + off);
    if (bytesRead === 0) throw new Error("file shrank while being read");
    off += bytesRead;
  }
  return buf;
}

/** SHA-256 of a whole open file (read through the same handle later: stable even if the name is replaced). */
async function hashOf(fh: FileHandle, size: number): Promise<string> {
  const h = createHash("sha256");
  for (let pos = 0; pos < size; pos += CHUNK_SIZE) h.update(await readChunk(fh, pos, Math.min(CHUNK_SIZE, size - pos)));
  return h.digest("hex");
}

function checkedSchemaVersion(path: string): number {
  const db = new Database(path, { fileMustExist: true });
  try {
    const check = db.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new BackupError("integrity", String(check));
    db.pragma("journal_mode = DELETE"); // one self-contained file, no -wal beside it
    const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    return row.v ?? 0;
  } finally {
    db.close();
  }
}

/**
 * A consistent snapshot of the (running) workbench's database and every evidence file, in one bundle sealed with
 * ring.current (format above). Written to a temp file (mode 0600), fsynced, renamed to `out`. The plaintext
 * snapshot exists only briefly, in a private (0700) directory beside the database it copies.
 */
export async function backupWorkbench(options: { dbPath: string; evidenceDir: string; ring: KeyRing; out: string }): Promise<BackupManifest> {
  const { dbPath, evidenceDir, ring, out } = options;
  if (!existsSync(dbPath)) throw new BackupError("no-database", dbPath);
  const work = mkdtempSync(join(dirname(dbPath), ".cqo-backup-"));
  const outDir = dirname(out);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const tmpOut = join(outDir, `.${basename(out)}.${randomBytes(6).toString("hex")}.tmp`);
  let fh: FileHandle | null = null;
  try {
    const snapshot = join(work, "snapshot.sqlite");
    const src = new Database(dbPath, { fileMustExist: true });
    try {
      src.pragma("busy_timeout = 5000");
      // all remaining pages in one step: one read transaction, one committed state (a multi-step copy restarts
      // whenever another connection writes, and could never finish under a busy server)
      await src.backup(snapshot, { progress: () => 0x7fffffff });
    } finally {
      src.close();
    }
    const schemaVersion = checkedSchemaVersion(snapshot);
    const evidence = evidenceFiles(evidenceDir);
    const header: BundleHeader = {
      format: "cqo-workbench-backup",
      version: VERSION,
      bundleId: randomBytes(16).toString("hex"),
      keyId: ring.current.id,
      createdAt: new Date().toISOString(),
      schemaVersion,
      entryCount: 1 + evidence.length,
      chunkSize: CHUNK_SIZE,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
    const headerHash = createHash("sha256").update(headerBytes).digest("hex");
    const version = Buffer.alloc(2);
    version.writeUInt16BE(VERSION);

    fh = await open(tmpOut, "wx", 0o600);
    let bytes = 0;
    const write = async (b: Buffer) => {
      await fh!.write(b);
      bytes += b.length;
    };
    await write(Buffer.concat([MAGIC, version, u32(headerBytes.length), headerBytes]));

    const entries: { kind: EntryMeta["kind"]; path: string; rel: string }[] = [{ kind: "db", path: snapshot, rel: "workbench.sqlite" }, ...evidence.map((e) => ({ kind: "evidence" as const, path: e.path, rel: e.rel }))];
    let dbInfo = { bytes: 0, sha256: "" };
    let evidenceBytes = 0;
    for (const [i, e] of entries.entries()) {
      const src = await open(e.path, "r");
      try {
        const size = (await src.stat()).size;
        const meta: EntryMeta = { kind: e.kind, path: e.rel, size, sha256: await hashOf(src, size) };
        const sealedMeta = sealBytes(ring, Buffer.from(JSON.stringify(meta), "utf8"), aadOf(headerHash, i, "meta"));
        await write(Buffer.concat([u32(sealedMeta.length), sealedMeta]));
        const n = chunksOf(size, CHUNK_SIZE);
        for (let c = 0; c < n; c++) {
          const data = await readChunk(src, c * CHUNK_SIZE, Math.min(CHUNK_SIZE, size - c * CHUNK_SIZE));
          const sealed = sealBytes(ring, data, aadOf(headerHash, i, `${c}:${c === n - 1 ? "end" : "more"}`));
          await write(Buffer.concat([u32(sealed.length), sealed]));
        }
        if (e.kind === "db") dbInfo = { bytes: size, sha256: meta.sha256 };
        else evidenceBytes += size;
      } finally {
        await src.close();
      }
    }
    await fh.sync();
    await fh.close();
    fh = null;
    renameSync(tmpOut, out);
    fsyncDir(outDir);
    return { file: out, bytes, bundleId: header.bundleId, keyId: header.keyId, createdAt: header.createdAt, schemaVersion, db: dbInfo, evidence: { count: evidence.length, bytes: evidenceBytes } };
  } finally {
    if (fh) await fh.close().catch(() => undefined);
    rmSync(tmpOut, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** Sequential reads of the bundle; a short read is a malformed (truncated) bundle. */
class BundleReader {
  position = 0;
  constructor(private readonly fh: FileHandle) {}
  async take(n: number): Promise<Buffer> {
    const buf = Buffer.alloc(n);
    let off = 0;
    while (off < n) {
      const { bytesRead } = await this.fh.read(buf, off, n - off, this.position + off);
      if (bytesRead === 0) throw new BackupError("malformed", `truncated at byte ${this.position + off}`);
      off += bytesRead;
    }
    this.position += n;
    return buf;
  }
  async sealed(max: number): Promise<Buffer> {
    const len = (await this.take(4)).readUInt32BE();
    if (len > max) throw new BackupError("malformed", `a record of ${len} bytes at byte ${this.position - 4}`);
    return this.take(len);
  }
  async atEnd(): Promise<boolean> {
    const { bytesRead } = await this.fh.read(Buffer.alloc(1), 0, 1, this.position);
    return bytesRead === 0;
  }
}

/** What an evidence entry may be called: relative, plain names, not the uploads' tmp dir — never `..`. */
const SAFE_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
function safeEvidencePath(p: string): boolean {
  const parts = p.split("/");
  return parts.length >= 1 && parts.length <= 4 && parts.every((x) => SAFE_PART.test(x)) && parts[0] !== "tmp";
}

function parseHeader(bytes: Buffer, ring: KeyRing): BundleHeader {
  let h: BundleHeader;
  try {
    h = JSON.parse(bytes.toString("utf8")) as BundleHeader;
  } catch {
    throw new BackupError("malformed", "header is not JSON");
  }
  const ok =
    h && h.format === "cqo-workbench-backup" && h.version === VERSION && typeof h.keyId === "string" && typeof h.bundleId === "string" &&
    Number.isInteger(h.entryCount) && h.entryCount >= 1 && Number.isInteger(h.chunkSize) && h.chunkSize >= 1 && h.chunkSize <= 16 * CHUNK_SIZE && Number.isInteger(h.schemaVersion);
  if (!ok) throw new BackupError("malformed", "bad header");
  if (!ring.byId.has(h.keyId)) throw new BackupError("unknown-key", `key id ${h.keyId}`);
  return h;
}

/**
 * Restores a bundle into dbPath and evidenceDir. Refuses when a workbench database (or an evidence file) is already
 * there unless `force`. Every chunk's tag, every entry's size and SHA-256, and the database's integrity are checked
 * in a staging directory beside the targets before anything is renamed into place: a bad bundle writes nothing.
 * Files 0600, directories 0700. The workbench must be stopped. Evidence goes into place first and the database
 * last, so a workbench database at dbPath means the restore completed.
 */
export async function restoreWorkbench(options: { bundle: string; dbPath: string; evidenceDir: string; ring: KeyRing; force?: boolean }): Promise<BackupManifest> {
  const { bundle, dbPath, evidenceDir, ring } = options;
  const existing = dbFiles(dbPath).filter((f) => existsSync(f));
  const existingEvidence = evidenceFiles(evidenceDir).length > 0;
  if ((existing.length > 0 || existingEvidence) && !options.force) throw new BackupError("exists", existing[0] ?? evidenceDir);
  if (!existsSync(bundle)) throw new BackupError("malformed", `${bundle} does not exist`);

  mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 });
  mkdirSync(dirname(evidenceDir), { recursive: true, mode: 0o700 });
  const stageDb = mkdtempSync(join(dirname(dbPath), ".cqo-restore-"));
  const stageEv = mkdtempSync(join(dirname(evidenceDir), ".cqo-restore-"));
  const newEvidence = join(stageEv, "evidence");
  const newDb = join(stageDb, "workbench.sqlite");
  let fh: FileHandle | null = null;
  try {
    fh = await open(bundle, "r");
    const r = new BundleReader(fh);
    const start = await r.take(MAGIC.length + 2 + 4);
    if (!start.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupError("malformed", "not a workbench backup (magic)");
    if (start.readUInt16BE(MAGIC.length) !== VERSION) throw new BackupError("malformed", `format version ${start.readUInt16BE(MAGIC.length)}`);
    const headerLen = start.readUInt32BE(MAGIC.length + 2);
    if (headerLen > MAX_HEADER) throw new BackupError("malformed", "header too long");
    const headerBytes = await r.take(headerLen);
    const header = parseHeader(headerBytes, ring);
    const headerHash = createHash("sha256").update(headerBytes).digest("hex");
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    if (header.schemaVersion > latest) throw new BackupError("newer-schema", `${header.schemaVersion} > ${latest}`);

    const open_ = (aad: string, sealed: Buffer): Buffer => {
      try {
        return unsealBytes(ring, sealed, aad);
      } catch (err) {
        if (err instanceof SealedDataError && err.code === "unknown-key") throw new BackupError("unknown-key", err.message, { cause: err });
        throw new BackupError("tampered", `at byte ${r.position}`, { cause: err });
      }
    };
    mkdirSync(newEvidence, { mode: 0o700 });
    const seen = new Set<string>();
    let dbInfo = { bytes: 0, sha256: "" };
    let evidenceBytes = 0;
    for (let i = 0; i < header.entryCount; i++) {
      let meta: EntryMeta;
      try {
        meta = JSON.parse(open_(aadOf(headerHash, i, "meta"), await r.sealed(MAX_HEADER)).toString("utf8")) as EntryMeta;
      } catch (err) {
        if (err instanceof BackupError) throw err;
        throw new BackupError("malformed", `entry ${i}: metadata`);
      }
      const wantDb = i === 0;
      if (wantDb !== (meta.kind === "db") || !Number.isSafeInteger(meta.size) || meta.size < 0 || !/^[0-9a-f]{64}$/.test(String(meta.sha256))) throw new BackupError("malformed", `entry ${i}: bad metadata`);
      if (!wantDb && (!safeEvidencePath(meta.path) || seen.has(meta.path))) throw new BackupError("malformed", `entry ${i}: bad path ${JSON.stringify(meta.path)}`);
      seen.add(meta.path);
      const target = wantDb ? newDb : join(newEvidence, ...meta.path.split("/"));
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const out = await open(target, "wx", 0o600);
      try {
        const hash = createHash("sha256");
        let size = 0;
        const n = chunksOf(meta.size, header.chunkSize);
        for (let c = 0; c < n; c++) {
          const data = open_(aadOf(headerHash, i, `${c}:${c === n - 1 ? "end" : "more"}`), await r.sealed(header.chunkSize + SEAL_OVERHEAD));
          hash.update(data);
          size += data.length;
          await out.write(data);
        }
        if (size !== meta.size || hash.digest("hex") !== meta.sha256) throw new BackupError("tampered", `entry ${i}: size or SHA-256 differs from its metadata`);
        await out.sync();
      } finally {
        await out.close();
      }
      if (wantDb) dbInfo = { bytes: meta.size, sha256: meta.sha256 };
      else evidenceBytes += meta.size;
    }
    if (!(await r.atEnd())) throw new BackupError("malformed", `trailing bytes after entry ${header.entryCount - 1}`);
    const schemaVersion = checkedSchemaVersion(newDb);
    if (schemaVersion !== header.schemaVersion) throw new BackupError("tampered", "schema version differs from the header");
    mkdirSync(join(newEvidence, "tmp"), { mode: 0o700 });
    syncTree(newEvidence);

    // into place: the old workbench (with --force) moves aside, then evidence, then the database
    // (renames within one directory: atomic; a failure part-way moves the old workbench back before giving up)
    const moved: [from: string, to: string][] = [];
    const move = (from: string, to: string) => {
      renameSync(from, to);
      moved.push([from, to]);
    };
    try {
      if (existsSync(evidenceDir)) move(evidenceDir, join(stageEv, "replaced-evidence"));
      for (const f of existing) move(f, join(stageDb, `replaced-${basename(f)}`));
      move(newEvidence, evidenceDir);
      fsyncDir(dirname(evidenceDir));
      move(newDb, dbPath);
      fsyncDir(dirname(dbPath));
    } catch (err) {
      for (const [from, to] of moved.reverse()) renameSync(to, from);
      throw err;
    }
    return { file: bundle, bytes: r.position, bundleId: header.bundleId, keyId: header.keyId, createdAt: header.createdAt, schemaVersion, db: dbInfo, evidence: { count: header.entryCount - 1, bytes: evidenceBytes } };
  } finally {
    await fh?.close();
    rmSync(stageDb, { recursive: true, force: true });
    rmSync(stageEv, { recursive: true, force: true });
  }
}

/** fsync every directory under `dir` (files were synced as written; a new entry is durable once its directory is). */
function syncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) syncTree(join(dir, e.name));
  fsyncDir(dir);
}
