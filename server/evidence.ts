/**
 * Evidence files stored by the SHA-256 of their content: the dossier references the hash (what the applicant
 * declared and the sheets' dossier hash covers), so a file can never be swapped under a dossier.
 *
 * - **Durable.** A file is streamed to a temporary name (0600, in a 0700 directory), fsynced, then renamed into
 *   place and its directory fsynced: a crash leaves either nothing or the whole file, never a truncated one under a
 *   valid name. All of it through fs/promises (libuv's thread pool), never blocking the event loop. An upload over
 *   its limit, refused, or cut off by the client leaves nothing behind.
 * - **Typed from the content.** What the uploader declares is ignored: the type is detected from the bytes (the
 *   `file-type` library; OFD — the Chinese fixed-layout format, a ZIP — by the names in the ZIP's central directory,
 *   see `isOfd`) and only the types of EVIDENCE_TYPES are kept. Nothing a browser would run (HTML, SVG, XML, JS).
 * - **One door.** Every byte of a file is read and written in `put` and `open` (encryption at rest goes there);
 *   detection reads what `put` streams, or what `open` returns for a file stored before detection.
 * - **Expiry.** `EvidenceSweeper` deletes the uploads nothing cites once they are older than the TTL, and the files
 *   left with no upload (server/store/evidence.ts decides which, in one transaction, made durable before any file
 *   is deleted). The store's lock orders a sweep's deletions with an upload's rename-and-record, so a file being
 *   uploaded again is never deleted under its new row.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Db } from "./db";
import { durable } from "./db";
import { deleteUnusedUploads, knowsFile } from "./store/evidence";

// ---------------------------------------------------------------- types

/** The evidence types a body accepts, as detected from the content, with the extension files are served under. */
export const EVIDENCE_TYPES = {
  "application/pdf": { ext: "pdf", label: "PDF" },
  "image/png": { ext: "png", label: "PNG" },
  "image/jpeg": { ext: "jpg", label: "JPEG" },
  // photos from phones
  "image/webp": { ext: "webp", label: "WebP" },
  // GB/T 33190 electronic documents (电子发票, 电子证照): a ZIP with OFD.xml at its root
  "application/ofd": { ext: "ofd", label: "OFD" },
} as const;
export type EvidenceType = keyof typeof EVIDENCE_TYPES;
export const OCTET_STREAM = "application/octet-stream";

export const isEvidenceType = (t: string | null | undefined): t is EvidenceType => typeof t === "string" && Object.hasOwn(EVIDENCE_TYPES, t);
/** the extension a file of this (detected) type is served under; `bin` for anything else */
export const extensionOf = (t: string): string => (isEvidenceType(t) ? EVIDENCE_TYPES[t].ext : "bin");

/** What detection sees of a file: its first HEAD_BYTES and last TAIL_BYTES (overlapping for a small file) and its size. */
export interface Sample {
  head: Buffer;
  tail: Buffer;
  size: number;
}
const HEAD_BYTES = 64 * 1024;
/** the EOCD record (22 bytes + a comment of up to 64 KiB) and a central directory of a few thousand names */
const TAIL_BYTES = 256 * 1024;

/** What the bytes are: an accepted evidence type, or what else `file-type` saw (null: nothing it knows — text, HTML, SVG…). */
export async function detectType(sample: Sample): Promise<{ type: EvidenceType } | { type: null; seen: string | null }> {
  const { fileTypeFromBuffer } = await import("file-type");
  const found = await fileTypeFromBuffer(sample.head);
  if (!found) return { type: null, seen: null };
  // an animated PNG is a PNG (the first frame is the image)
  const mime = found.mime === "image/apng" ? "image/png" : found.mime;
  if (mime === "application/zip") return isOfd(sample) ? { type: "application/ofd" } : { type: null, seen: "zip" };
  if (isEvidenceType(mime) && mime !== "application/ofd") return { type: mime };
  return { type: null, seen: found.ext };
}

/**
 * OFD (GB/T 33190) is a ZIP package whose root holds `OFD.xml`. `file-type` stops at "zip"; no maintained ZIP
 * reader is a dependency here (only an old adm-zip deep in the dev tools, which reads whole files into memory), so
 * this is a minimal, documented check of the ZIP's central directory — no decompression, no extraction: the end of
 * central directory record (EOCD) is found in the file's last bytes, the central directory it points to must lie
 * within them and end where the EOCD starts, and one of its entries must be named exactly `OFD.xml`. ZIP64 archives
 * and central directories larger than TAIL_BYTES are not recognised (refused as plain ZIP): an OFD under the upload
 * limit needs neither.
 */
export function isOfd(sample: Sample): boolean {
  const { tail, size } = sample;
  const tailStart = size - tail.length;
  const EOCD = 0x06054b50;
  const CEN = 0x02014b50;
  // the EOCD is the last record: 22 bytes plus a comment of up to 65535
  for (let at = tail.length - 22; at >= Math.max(0, tail.length - 22 - 0xffff); at--) {
    if (tail.readUInt32LE(at) !== EOCD) continue;
    if (at + 22 + tail.readUInt16LE(at + 20) !== tail.length) continue; // the comment must end the file
    const entries = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return false; // ZIP64
    if (cdOffset + cdSize !== tailStart + at || cdOffset < tailStart) return false;
    let p = cdOffset - tailStart;
    for (let i = 0; i < entries; i++) {
      if (p + 46 > at || tail.readUInt32LE(p) !== CEN) return false;
      const nameLength = tail.readUInt16LE(p + 28);
      const extraLength = tail.readUInt16LE(p + 30);
      const commentLength = tail.readUInt16LE(p + 32);
      if (p + 46 + nameLength > at) return false;
      if (tail.toString("latin1", p + 46, p + 46 + nameLength) === "OFD.xml") return true;
      p += 46 + nameLength + extraLength + commentLength;
    }
    return false;
  }
  return false;
}

/** Collects a Sample from a stream of chunks (the head, a rolling tail, the size). */
class Sampler {
  private head: Buffer[] = [];
  private headLength = 0;
  private tail: Buffer[] = [];
  private tailLength = 0;
  size = 0;

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.head.push(Buffer.from(part));
      this.headLength += part.length;
    }
    this.tail.push(Buffer.from(chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES))));
    this.tailLength += Math.min(chunk.length, TAIL_BYTES);
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= TAIL_BYTES) this.tailLength -= this.tail.shift()!.length;
  }

  sample(): Sample {
    const tail = Buffer.concat(this.tail);
    return { head: Buffer.concat(this.head), tail: tail.subarray(Math.max(0, tail.length - TAIL_BYTES)), size: this.size };
  }
}

// ---------------------------------------------------------------- the store

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
  }
}

export interface StoredFile<T> {
  sha256: string;
  size: number;
  /** what `classify` said */
  kind: T;
  /** the content was on disk already (someone uploaded the same bytes) */
  existed: boolean;
}

export interface PutOptions<T, R> {
  /** refused with TooLargeError past this many bytes, as soon as they arrive */
  maxBytes: number;
  /** decides from the content whether to keep the file; throws to refuse it (nothing is kept) */
  classify: (sample: Sample) => Promise<T>;
  /**
   * Called under the store's lock once the content is known, before it is moved into place: throws to refuse it
   * (e.g. a quota; nothing is kept).
   */
  admit?: (file: StoredFile<T>) => void;
  /** Called under the store's lock once the file is durably in place: records it (its result is put's). */
  record: (file: StoredFile<T>) => R;
}

export class EvidenceStore {
  private locked: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    // at start only: the directories exist, private to the workbench's user (also those made by older versions)
    for (const d of [dir, join(dir, "tmp")]) {
      mkdirSync(d, { recursive: true, mode: 0o700 });
      chmodSync(d, 0o700);
    }
  }

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  get tmpDir(): string {
    return join(this.dir, "tmp");
  }

  /** Runs `fn` alone among puts' renames and sweeps' deletions. */
  exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.locked.then(fn, fn);
    this.locked = run.catch(() => undefined);
    return run;
  }

  /** The file's bytes and size; null when it is not on disk. */
  async open(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    let fh;
    try {
      fh = await open(this.pathOf(sha256), "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      return { stream: fh.createReadStream({ autoClose: true }), size };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** What detection sees of a stored file (a file stored before types were detected), read through `open`. */
  async sample(sha256: string): Promise<Sample | null> {
    const file = await this.open(sha256);
    if (!file) return null;
    const s = new Sampler();
    for await (const chunk of file.stream) s.add(chunk as Buffer);
    return s.sample();
  }

  /**
   * Streams `input` to a temporary file while hashing it and sampling it for `classify`; refuses (and removes the
   * partial file) past `maxBytes` or when the input fails (a client that went away); lets `classify` refuse it;
   * fsyncs; lets `admit` refuse it; renames it into place (or drops it when the same content is there already), fsyncs the
   * directory; then `record`s it. The caller learns the hash only after the content is durable.
   */
  async put<T, R>(input: AsyncIterable<Buffer | Uint8Array>, o: PutOptions<T, R>): Promise<StoredFile<T> & { recorded: R }> {
    const tmp = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString("hex")}`);
    let moved = false;
    try {
      const fh = await open(tmp, "wx", 0o600);
      const hash = createHash("sha256");
      const sampler = new Sampler();
      let sample: Sample;
      let kind: T;
      try {
        for await (const piece of input) {
          const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
          if (sampler.size + chunk.length > o.maxBytes) throw new TooLargeError(o.maxBytes);
          sampler.add(chunk);
          hash.update(chunk);
          let off = 0;
          while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
        }
        // what it is decides whether it is worth an fsync
        sample = sampler.sample();
        kind = await o.classify(sample);
        await fh.sync();
      } finally {
        await fh.close();
      }
      const sha256 = hash.digest("hex");
      return await this.exclusive(async () => {
        const final = this.pathOf(sha256);
        const existed = await stat(final).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (err.code === "ENOENT") return false;
            throw err;
          },
        );
        const file: StoredFile<T> = { sha256, size: sample.size, kind, existed };
        o.admit?.(file);
        if (!existed) {
          const sub = join(this.dir, sha256.slice(0, 2));
          await mkdir(sub, { recursive: true, mode: 0o700 });
          await rename(tmp, final);
          moved = true;
          // the rename itself is durable only once the directory entry is flushed
          await syncDir(sub);
        }
        return { ...file, recorded: o.record(file) };
      });
    } finally {
      if (!moved) await rm(tmp, { force: true });
    }
  }

  /** Deletes files from disk (the sweep, once their rows are gone durably); under the lock. */
  async remove(sha256s: readonly string[]): Promise<void> {
    for (const sha of sha256s) await rm(this.pathOf(sha), { force: true });
  }

  /** Every stored file's hash and age (the sweep's look for crash leftovers the database does not know). */
  async *list(): AsyncGenerator<{ sha256: string; mtimeMs: number }> {
    for (const sub of await readdir(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of await readdir(join(this.dir, sub)).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}$/.test(name) || name.slice(0, 2) !== sub) continue;
        const st = await stat(join(this.dir, sub, name)).catch(() => null);
        if (st) yield { sha256: name, mtimeMs: st.mtimeMs };
      }
    }
  }

  /** Temporary files older than `before` (a crash's leftovers: a live upload's is younger), deleted; how many. */
  async removeStaleTmp(before: number): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.tmpDir)) {
      const st = await stat(join(this.tmpDir, name)).catch(() => null);
      if (st && st.mtimeMs < before) {
        await rm(join(this.tmpDir, name), { force: true });
        n++;
      }
    }
    return n;
  }
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, "r");
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

// ---------------------------------------------------------------- expiry

export interface SweepReport {
  /** uploads deleted (nothing cited them and they were older than the TTL) */
  uploads: number;
  /** files deleted from disk: no upload or citation left, or a crash's leftover the database never knew */
  files: number;
  /** temporary files of uploads cut off by a crash */
  tmp: number;
}

/**
 * Deletes unused uploads periodically (every `intervalMs`, default an hour): started and stopped by buildServer
 * (server/app.ts); `sweep()` runs one pass now (the tests, an operator's script).
 */
export class EvidenceSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepReport> | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: EvidenceStore,
    private readonly o: { ttlMs: number; intervalMs?: number; now: () => number; log?: (msg: string, data?: Record<string, unknown>) => void },
  ) {}

  start(): void {
    if (this.timer) return;
    const every = this.o.intervalMs ?? Math.min(3600_000, Math.max(60_000, this.o.ttlMs / 4));
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.o.log?.("evidence sweep failed", { error: (err as Error).message }));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass (a pass already running is joined, not doubled). */
  sweep(): Promise<SweepReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private pass(): Promise<SweepReport> {
    const cutoff = this.o.now() - this.o.ttlMs;
    return this.store.exclusive(async () => {
      const { uploads, files } = deleteUnusedUploads(this.db, cutoff);
      // the rows' deletion is on disk before any file goes: a crash cannot leave a row whose file is gone
      await durable(this.db);
      await this.store.remove(files);
      let leftovers = 0;
      for await (const f of this.store.list()) {
        if (f.mtimeMs < cutoff && !knowsFile(this.db, f.sha256)) {
          await this.store.remove([f.sha256]);
          leftovers++;
        }
      }
      const tmp = await this.store.removeStaleTmp(Math.min(cutoff, Date.now() - 24 * 3600_000));
      return { uploads, files: files.length + leftovers, tmp };
    });
  }
}
