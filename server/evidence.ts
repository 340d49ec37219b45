/**
 * Evidence files stored by the SHA-256 of their content: the dossier references the hash (what the applicant
 * declared and the sheets' dossier hash covers), so a file can never be swapped under a dossier. A file is
 * written to a temporary name, fsynced, then renamed into place: a crash leaves either nothing or the whole file,
 * never a truncated one under a valid name.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";

export class EvidenceStore {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, "tmp"), { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  size(sha256: string): number {
    return statSync(this.pathOf(sha256)).size;
  }

  open(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  /**
   * Streams `input` to disk while hashing it. Refuses (and removes the partial file) past `maxBytes`; the
   * caller learns the hash only after the content is durable.
   */
  async put(input: AsyncIterable<Buffer | Uint8Array>, maxBytes: number): Promise<{ sha256: string; size: number; existed: boolean }> {
    const tmp = join(this.dir, "tmp", `${Date.now()}-${randomBytes(8).toString("hex")}`);
    const fd = openSync(tmp, "wx", 0o600);
    const hash = createHash("sha256");
    let size = 0;
    let closed = false;
    try {
      for await (const chunk of input) {
        size += chunk.length;
        if (size > maxBytes) throw new TooLargeError(maxBytes);
        hash.update(chunk);
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      fsyncSync(fd);
      closeSync(fd);
      closed = true;
      const sha256 = hash.digest("hex");
      const final = this.pathOf(sha256);
      if (existsSync(final)) {
        rmSync(tmp, { force: true });
        return { sha256, size, existed: true };
      }
      mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      renameSync(tmp, final);
      // the rename itself is durable only once the directory entry is flushed
      const dfd = openSync(join(this.dir, sha256.slice(0, 2)), "r");
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
      return { sha256, size, existed: false };
    } catch (err) {
      if (!closed) closeSync(fd);
      rmSync(tmp, { force: true });
      throw err;
    }
  }
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
  }
}
