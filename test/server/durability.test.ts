/**
 * The database's group commit (server/db.ts): synchronous=NORMAL, and the WAL fsynced off the event loop before
 * anyone hears of a change — one fsync for many waiting callers, none when nothing changed; cached statements.
 */
import { expect } from "chai";
import { join } from "node:path";
import { buildServer } from "../../server/app";
import { closeDb, durabilityStats, durable, openDb } from "../../server/db";
import { tempDir, testConfig } from "./helpers";

describe("server: durable commits (group commit of the SQLite WAL)", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir("durability");
  });
  afterEach(() => tmp.cleanup());

  it("commits with synchronous=NORMAL and makes them durable with one fsync of the WAL per group of waiters", async () => {
    const db = openDb(join(tmp.dir, "d.sqlite"));
    try {
      expect(db.pragma("synchronous", { simple: true })).to.equal(1); // NORMAL
      expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
      // the migrations committed with FULL: nothing to sync
      await durable(db);
      expect(durabilityStats(db)).to.deep.include({ fsyncs: 0 });

      db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run("n-1", 1, 2);
      let s = durabilityStats(db)!;
      expect(s.synced).to.be.below(s.changes);
      await durable(db);
      s = durabilityStats(db)!;
      expect(s.synced).to.equal(s.changes);
      expect(s.fsyncs).to.equal(1);

      // nothing changed: no fsync
      db.prepare("SELECT COUNT(*) AS n FROM siwe_nonces").get();
      await durable(db);
      expect(durabilityStats(db)!.fsyncs).to.equal(1);

      // 40 writers waiting at once share the fsyncs: at most two (one running, one for those who came after it)
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) {
        db.transaction(() => db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run(`g-${i}`, 1, 2))();
        waits.push(durable(db));
      }
      await Promise.all(waits);
      s = durabilityStats(db)!;
      expect(s.synced).to.equal(s.changes);
      expect(s.fsyncs).to.be.within(2, 3);

      // a change made while an fsync runs waits for the next one
      db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run("a", 1, 2);
      const first = durable(db);
      db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run("b", 1, 2);
      const second = durable(db);
      await Promise.all([first, second]);
      s = durabilityStats(db)!;
      expect(s.synced).to.equal(s.changes);
    } finally {
      closeDb(db);
    }
  });

  it("reuses prepared statements", () => {
    const db = openDb(join(tmp.dir, "s.sqlite"));
    try {
      const sql = "SELECT nonce FROM siwe_nonces WHERE nonce = ?";
      expect(db.prepare(sql)).to.equal(db.prepare(sql));
      expect(db.prepare(sql)).to.not.equal(db.prepare(`${sql} LIMIT 1`));
    } finally {
      closeDb(db);
    }
  });

  it("answers a request only when what it wrote is on disk", async () => {
    const wb = await buildServer({ config: testConfig(tmp.dir), chain: null });
    try {
      const before = durabilityStats(wb.db)!;
      const r = await wb.app.inject({ method: "GET", url: "/auth/nonce" }); // writes a nonce row
      expect(r.statusCode).to.equal(200);
      const after = durabilityStats(wb.db)!;
      expect(after.changes).to.be.above(before.changes);
      expect(after.synced).to.equal(after.changes);
      expect(after.fsyncs).to.be.above(before.fsyncs);
    } finally {
      await wb.close();
    }
  });
});
