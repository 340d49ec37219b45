/**
 * Backup and restore (server/backup.ts, server/admin.ts). (a) Without a chain: a backup taken while another
 * process commits restores to one consistent state; a damaged bundle writes nothing; an existing workbench is
 * replaced only with force; modes 0600/0700; nothing readable in the bundle. (b) With anvil, as issue #10 asks:
 * results queued in the outbox, backup of the running workbench, stop, delete, restore, start — nothing lost, and
 * every certificate issued exactly once, also when the chain issued some of them after the backup was taken.
 */
import { expect } from "chai";
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Address, Hex } from "viem";
import { certificateNumberOf } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { BackupError, backupWorkbench, restoreWorkbench, type BackupErrorCode } from "../../server/backup";
import { closeDb, openDb } from "../../server/db";
import { keyRingOf, sealBytes, type KeyRing } from "../../server/sealed";
import { evidenceAad } from "../../server/sealed-columns";
import { destroyWorkbench, entryOffsets, mintsOnChain, modesUnder, runAdminCli, startWriter, uploadEvidence } from "./backup-helpers";
import { OPERATOR, RULEBOOK_KEY, account, clientFor, deployWorld, dossierFor, expect200, injectHttp, signInAs, signInTeam, sleep, startAnvil, tempDir, testConfig, toEvaluated, type Anvil, type World } from "./helpers";

const key = randomBytes(32);
const ring: KeyRing = keyRingOf(key);

async function refusedWith(p: Promise<unknown>, code: BackupErrorCode): Promise<BackupError> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(BackupError);
    expect((err as BackupError).code, (err as Error).message).to.equal(code);
    return err as BackupError;
  }
  throw new Error(`expected BackupError ${code}`);
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** An evidence file as server/evidence.ts lays it out; sealed (as the evidence store will) or not. */
function putEvidence(dir: string, content: Buffer, sealed: boolean): string {
  const sha = sha256(content);
  mkdirSync(join(dir, sha.slice(0, 2)), { recursive: true });
  writeFileSync(join(dir, sha.slice(0, 2), sha), sealed ? sealBytes(ring, content, evidenceAad(sha)) : content, { mode: 0o600 });
  return sha;
}

describe("server: backup and restore", function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir("backup");
  });
  afterEach(() => tmp.cleanup());

  describe("(a) the bundle", () => {
    const src = () => ({ dbPath: join(tmp.dir, "live", "workbench.sqlite"), evidenceDir: join(tmp.dir, "live", "evidence") });
    const dst = () => ({ dbPath: join(tmp.dir, "restored", "workbench.sqlite"), evidenceDir: join(tmp.dir, "restored", "evidence") });

    /** A migrated database with 500 dossiers of personal data, and three evidence files (one sealed). */
    function liveWorkbench(): { evidence: Map<string, Buffer> } {
      const { dbPath, evidenceDir } = src();
      const db = openDb(dbPath);
      db.transaction(() => {
        for (let i = 0; i < 500; i++) db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, '0xa', 'r@1', 'submitted', ?, '0x', 0, 0)").run(`P-${i}`, JSON.stringify({ name: "赵六PERSONAL-MARKER", pad: "y".repeat(3000) }));
      })();
      closeDb(db);
      const evidence = new Map<string, Buffer>();
      for (const [i, sealed] of [false, false, true].entries()) {
        const content = Buffer.concat([Buffer.from(`EVIDENCE-MARKER ${i} `), randomBytes(i === 1 ? 3 * 1024 * 1024 + 5 : 1000)]);
        const sha = putEvidence(evidenceDir, content, sealed);
        evidence.set(sha, readFileSync(join(evidenceDir, sha.slice(0, 2), sha)));
      }
      mkdirSync(join(evidenceDir, "tmp"), { recursive: true });
      writeFileSync(join(evidenceDir, "tmp", "upload-in-flight"), "partial");
      return { evidence };
    }

    it("a backup taken while another process commits restores to one consistent state, with every evidence file, modes 0600/0700", async () => {
      const { evidence } = liveWorkbench();
      const { dbPath, evidenceDir } = src();
      const writer = startWriter(dbPath);
      const out = join(tmp.dir, "backups", "b1.cqobak");
      let before = 0;
      let after = 0;
      const count = () => {
        const db = new Database(dbPath, { readonly: true });
        try {
          return (db.prepare("SELECT COUNT(*) AS n FROM dossiers WHERE id LIKE 'W-%'").get() as { n: number }).n;
        } finally {
          db.close();
        }
      };
      let manifest;
      try {
        await writer.started;
        before = count();
        manifest = await backupWorkbench({ dbPath, evidenceDir, ring, out });
        await sleep(20);
        after = count();
      } finally {
        await writer.stop();
      }
      expect(after, "the writer ran during the backup").to.be.above(before);
      expect(manifest.evidence.count).to.equal(3);
      expect(manifest.keyId).to.equal(ring.current.id);
      expect(statSync(out).mode & 0o777).to.equal(0o600);
      expect(statSync(out).size).to.equal(manifest.bytes);
      expect(readdirSync(dirname(out))).to.deep.equal(["b1.cqobak"]);
      expect(readdirSync(dirname(dbPath)).filter((f) => f.startsWith(".cqo-")), "no snapshot left behind").to.deep.equal([]);
      // encrypted: neither the database's personal data nor the evidence is readable in the bundle
      const bundle = readFileSync(out);
      for (const marker of ["PERSONAL-MARKER", "EVIDENCE-MARKER", "SQLite format 3", [...evidence.keys()][0]!]) expect(bundle.includes(Buffer.from(marker)), marker).to.equal(false);

      const target = dst();
      const restored = await restoreWorkbench({ bundle: out, ...target, ring });
      expect(restored.db).to.deep.equal(manifest.db);
      expect(sha256(readFileSync(target.dbPath))).to.equal(manifest.db.sha256);
      const db = new Database(target.dbPath, { readonly: true });
      try {
        expect(db.pragma("integrity_check", { simple: true })).to.equal("ok");
        const n = (db.prepare("SELECT COUNT(*) AS n FROM dossiers WHERE id LIKE 'W-%'").get() as { n: number }).n;
        const maxN = (db.prepare("SELECT MAX(CAST(substr(id, 3) AS INTEGER)) AS m FROM dossiers WHERE id LIKE 'W-%'").get() as { m: number }).m;
        const audits = (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE dossier_id LIKE 'W-%'").get() as { n: number }).n;
        // one committed point of the writer's history: W-1..W-n, three audit rows each, between the counts around the backup
        expect(n).to.be.within(before, after);
        expect(maxN).to.equal(n);
        expect(audits).to.equal(3 * n);
        expect((db.prepare("SELECT COUNT(*) AS n FROM dossiers WHERE id LIKE 'P-%'").get() as { n: number }).n).to.equal(500);
        expect(db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).to.deep.equal({ v: restored.schemaVersion });
      } finally {
        db.close();
      }
      for (const [sha, bytes] of evidence) expect(readFileSync(join(target.evidenceDir, sha.slice(0, 2), sha)).equals(bytes), sha).to.equal(true);
      expect(readdirSync(join(target.evidenceDir, "tmp")), "uploads in flight are not backed up").to.deep.equal([]);
      for (const m of modesUnder(target.evidenceDir)) expect(m.mode, m.path).to.equal(m.dir ? 0o700 : 0o600);
      expect(statSync(target.dbPath).mode & 0o777).to.equal(0o600);
      expect(readdirSync(join(tmp.dir, "restored")).sort(), "no staging left").to.deep.equal(["evidence", "workbench.sqlite"]);
      // the restored database opens as a workbench database
      closeDb(openDb(target.dbPath));
    });

    it("a damaged, cut, extended or foreign bundle is refused and nothing is written", async () => {
      liveWorkbench();
      const out = join(tmp.dir, "b.cqobak");
      const m = await backupWorkbench({ ...src(), ring, out });
      const good = readFileSync(out);
      const headerLen = good.readUInt32BE(8);
      const header = good.subarray(12, 12 + headerLen).toString();
      const digitInHeader = 12 + header.indexOf(m.createdAt) + 3; // a digit of the year: the JSON stays valid
      const cases: [string, (b: Buffer) => Buffer, BackupErrorCode][] = [
        ["a header byte", (b) => flip(b, digitInHeader, 0x01), "tampered"],
        ["the magic", (b) => flip(b, 0, 0x20), "malformed"],
        ["the first entry's metadata", (b) => flip(b, 12 + headerLen + 4 + 20, 0x01), "tampered"],
        ["a byte in the database", (b) => flip(b, 12 + headerLen + 4 + b.readUInt32BE(12 + headerLen) + 4 + 100, 0x01), "tampered"],
        ["the last byte", (b) => flip(b, b.length - 1, 0x01), "tampered"],
        ["cut short", (b) => b.subarray(0, b.length - 100), "malformed"],
        ["cut at an entry boundary (the last entry dropped)", (b) => b.subarray(0, entryOffsets(b, ring).at(-1)!), "malformed"],
        ["a byte appended", (b) => Buffer.concat([b, Buffer.from([0])]), "malformed"],
      ];
      for (const [what, mutate, code] of cases) {
        const bad = join(tmp.dir, "bad.cqobak");
        writeFileSync(bad, mutate(Buffer.from(good)));
        await refusedWith(restoreWorkbench({ bundle: bad, ...dst(), ring }), code).catch((err: Error) => {
          throw new Error(`${what}: ${err.message}`);
        });
        expect(existsSync(dst().dbPath), what).to.equal(false);
        expect(existsSync(dst().evidenceDir), what).to.equal(false);
        expect(readdirSync(join(tmp.dir, "restored")), `${what}: staging removed`).to.deep.equal([]);
      }
      // sealed under a key the ring lacks
      await refusedWith(restoreWorkbench({ bundle: out, ...dst(), ring: keyRingOf(randomBytes(32)) }), "unknown-key");
      expect(existsSync(dst().dbPath)).to.equal(false);
      // a ring that rotated since still restores it (the old key kept as previous)
      await restoreWorkbench({ bundle: out, ...dst(), ring: keyRingOf(randomBytes(32), [key]) });
      expect(existsSync(dst().dbPath)).to.equal(true);
    });

    it("refuses to restore over an existing workbench without force; with force replaces it, stale -wal included", async () => {
      liveWorkbench();
      const out = join(tmp.dir, "b.cqobak");
      await backupWorkbench({ ...src(), ring, out });
      const target = dst();
      const other = openDb(target.dbPath);
      other.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES ('OTHER', '0xb', 'r@1', 'submitted', '{}', '0x', 0, 0)").run();
      closeDb(other);
      const otherEvidence = putEvidence(target.evidenceDir, Buffer.from("other workbench's file"), false);
      writeFileSync(`${target.dbPath}-wal`, randomBytes(5000)); // a stale WAL must not be replayed onto the restored file
      const before = readFileSync(target.dbPath);
      const e = await refusedWith(restoreWorkbench({ bundle: out, ...target, ring }), "exists");
      expect(e.zh).to.contain("--force");
      expect(readFileSync(target.dbPath).equals(before)).to.equal(true);

      // only evidence there (no database): also a workbench, also refused
      const evOnly = { dbPath: join(tmp.dir, "ev-only", "w.sqlite"), evidenceDir: target.evidenceDir };
      await refusedWith(restoreWorkbench({ bundle: out, ...evOnly, ring }), "exists");

      await restoreWorkbench({ bundle: out, ...target, ring, force: true });
      expect(existsSync(`${target.dbPath}-wal`)).to.equal(false);
      expect(existsSync(join(target.evidenceDir, otherEvidence.slice(0, 2), otherEvidence))).to.equal(false);
      const db = openDb(target.dbPath);
      try {
        expect(db.prepare("SELECT id FROM dossiers WHERE id = 'OTHER'").get()).to.equal(undefined);
        expect((db.prepare("SELECT COUNT(*) AS n FROM dossiers").get() as { n: number }).n).to.equal(500);
      } finally {
        closeDb(db);
      }
      expect(readdirSync(join(tmp.dir, "restored")).filter((f) => f.startsWith(".cqo-")), "staging and the replaced workbench removed").to.deep.equal([]);
    });
  });

  describe("(b) with a chain: stop, restore, start; nothing lost, no certificate twice", () => {
    let anvil: Anvil;
    let world: World;
    before(async () => {
      anvil = await startAnvil();
      world = await deployWorld(anvil.url);
    });
    after(async () => {
      await anvil?.stop("SIGKILL");
    });

    const config = () => testConfig(tmp.dir, { bodyId: world.bodyId, rpcUrl: anvil.url, batchSize: 2 });
    const chainClient = () => clientFor(anvil.url, world.deployment, account(OPERATOR));
    const cliEnv = () => ({ CQO_DB_PATH: config().dbPath, CQO_EVIDENCE_DIR: config().evidenceDir, CQO_DATA_KEY: key.toString("base64") });

    interface Prepared {
      roots: Hex[];
      holders: Map<Hex, Address>;
      evidence: Map<string, Buffer>;
      waiting: string;
    }

    /** `n` approved results queued (worker off), each dossier citing an uploaded file; one dossier left accepted. */
    async function prepare(wb: Workbench, n: number, firstSeed: number): Promise<Prepared> {
      const http = injectHttp(wb.app);
      const applicant = account(30 + (Math.floor(firstSeed / 100) % 10)); // one holder per test
      const tokens = await signInTeam(http, applicant);
      const roots: Hex[] = [];
      const holders = new Map<Hex, Address>();
      const evidence = new Map<string, Buffer>();
      for (let seed = firstSeed; roots.length < n; seed++) {
        // a (minimal) PDF: the workbench may accept only files whose content is of an evidence type
        const content = Buffer.from(`%PDF-1.7\n1 0 obj << /Title (任命书 ${seed} ${randomBytes(16).toString("hex")}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
        const sha = await uploadEvidence(wb.app, tokens.applicant, content);
        evidence.set(sha, content);
        const dossier = { ...dossierFor(seed), evidence: [{ kind: "appointment", name: "任命书.pdf", sha256: sha }] };
        const { id, state } = await toEvaluated(http, tokens, dossier);
        if (state !== "evaluated") continue;
        const root = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ root: Hex }>().root;
        roots.push(root);
        holders.set(root, applicant.address);
      }
      // (the id from the answer: the workbench may number dossiers in its own series)
      const waiting = expect200(await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: dossierFor(firstSeed + 1000) }, tokens.applicant), "submit", 201).json<{ id: string }>().id;
      expect200(await http("POST", `/dossiers/${waiting}/accept`, {}, tokens.operator), "accept");
      return { roots, holders, evidence, waiting };
    }

    function tableRows(dbPath: string): Record<string, unknown[]> {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        const all = (sql: string) => db.prepare(sql).all();
        return {
          dossiers: all("SELECT * FROM dossiers ORDER BY id"),
          audit: all("SELECT * FROM audit_log ORDER BY id"),
          outbox: all("SELECT * FROM outbox ORDER BY root"),
          credentials: all("SELECT * FROM credentials ORDER BY root"),
          evidence: all("SELECT * FROM evidence ORDER BY sha256"),
          assessors: all("SELECT * FROM assessors ORDER BY address"),
        };
      } finally {
        db.close();
      }
    }

    const mintsByToken = () => mintsOnChain(anvil.url, world.deployment);

    async function waitFor(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
      }
    }

    /** The whole story; `issueAfterBackup`: the original workbench issues some results after the backup, before the disaster. */
    async function scenario(firstSeed: number, issueAfterBackup: boolean): Promise<void> {
      const cfg = config();
      const mintedBefore = (await mintsByToken()).size;
      const wb1 = await buildServer({ config: cfg, chain: chainClient(), startWorker: false });
      let prepared: Prepared;
      let snapshot: Record<string, unknown[]>;
      try {
        prepared = await prepare(wb1, 5, firstSeed);
        snapshot = tableRows(cfg.dbPath);
        // online: the command line backs up the workbench while it runs (and answers requests)
        const http = injectHttp(wb1.app);
        const [cli] = await Promise.all([runAdminCli(["backup", "--out", join(tmp.dir, "backup.cqobak")], cliEnv()), (async () => { for (let i = 0; i < 5; i++) await http("GET", "/auth/nonce"); })()]);
        expect(cli.code, cli.stderr).to.equal(0);
        expect(cli.stdout).to.contain("backup written");
      } finally {
        await wb1.close();
      }
      expect((snapshot.outbox as { status: string }[]).map((r) => r.status)).to.deep.equal(prepared.roots.map(() => "queued"));

      let issuedEarly = 0;
      if (issueAfterBackup) {
        // the chain moves on past the backup: the original workbench issues some results, then the disk is lost
        const wbLate = await buildServer({ config: { ...cfg, batchSize: 1 }, chain: chainClient() });
        await wbLate.listen();
        await waitFor("two issued after the backup", () => (wbLate.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'issued'").get() as { n: number }).n >= 2);
        await wbLate.close();
        const mints = await mintsByToken();
        issuedEarly = prepared.roots.filter((r) => mints.has(certificateNumberOf(world.bodyId, r))).length;
        expect(issuedEarly).to.be.within(2, prepared.roots.length);
      }

      destroyWorkbench(cfg.dbPath, cfg.evidenceDir);
      const restore = await runAdminCli(["restore", "--from", join(tmp.dir, "backup.cqobak")], cliEnv());
      expect(restore.code, restore.stderr).to.equal(0);
      // restored: exactly what the backup held, row for row
      expect(tableRows(cfg.dbPath)).to.deep.equal(snapshot);
      const again = await runAdminCli(["restore", "--from", join(tmp.dir, "backup.cqobak")], cliEnv());
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain("错误").and.to.contain("error: [exists]");

      const wb2 = await buildServer({ config: cfg, chain: chainClient() });
      try {
        await wb2.listen();
        const issued = () => (wb2.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'issued'").get() as { n: number }).n;
        await waitFor("every restored result issued", () => issued() === prepared.roots.length);
        await sleep(300); // a pass more: nothing else may be sent

        const mints = await mintsByToken();
        expect(mints.size, "mints on the chain").to.equal(mintedBefore + prepared.roots.length);
        const after = tableRows(cfg.dbPath);
        const rows = new Map((after.outbox as { root: Hex; status: string; tx_hash: Hex; token_id: string; dossier_id: string }[]).map((r) => [r.root, r]));
        for (const root of prepared.roots) {
          const tx = mints.get(certificateNumberOf(world.bodyId, root));
          expect(tx, `mints of ${root}`).to.have.length(1);
          expect(rows.get(root)).to.deep.include({ status: "issued", tx_hash: tx![0], token_id: certificateNumberOf(world.bodyId, root).toString() });
        }
        const chain = chainClient();
        const holder = prepared.holders.get(prepared.roots[0]!)!;
        const held = (await chain.certificatesOf(holder)).map((c) => c.resultRoot);
        expect([...held].sort()).to.deep.equal([...prepared.roots].sort());

        // nothing lost: the backup's audit log is the start of today's, unchanged; one issuance entry per dossier
        const audit = after.audit as { id: number; dossier_id: string; action: string }[];
        expect(audit.slice(0, snapshot.audit.length)).to.deep.equal(snapshot.audit);
        const dossierOf = new Map(prepared.roots.map((r) => [rows.get(r)!.dossier_id, r]));
        for (const id of dossierOf.keys()) expect(audit.filter((a) => a.dossier_id === id && a.action === "issued-on-chain"), id).to.have.length(1);
        expect(after.evidence).to.deep.equal(snapshot.evidence);
        expect(after.credentials).to.deep.equal(snapshot.credentials);

        const http = injectHttp(wb2.app);
        const operator = await signInAs(http, account(OPERATOR));
        for (const id of dossierOf.keys()) expect(expect200(await http("GET", `/dossiers/${id}`, undefined, operator), id).json<{ state: string }>().state).to.equal("in-notice");
        expect(expect200(await http("GET", `/dossiers/${prepared.waiting}`, undefined, operator), "waiting").json<{ state: string }>().state).to.equal("accepted");
        for (const [sha, content] of prepared.evidence) {
          const r = await wb2.app.inject({ method: "GET", url: `/evidence/${sha}`, headers: { authorization: `Bearer ${operator}` } });
          expect(r.statusCode, sha).to.equal(200);
          expect(r.rawPayload.equals(content), sha).to.equal(true);
        }
        console.log(`      ${prepared.roots.length} queued at the backup; ${issuedEarly} issued on-chain after it; all issued once after the restore`);
      } finally {
        await wb2.close();
      }
    }

    it("results queued at the backup are issued once by the restored workbench, and everything else is there", async () => {
      await scenario(3100, false);
    });

    it("a backup older than the chain (some results issued after it): the restored outbox records those from the chain and issues only the rest", async () => {
      await scenario(3200, true);
    });
  });
});

function flip(b: Buffer, at: number, bit: number): Buffer {
  b[at] = b[at]! ^ bit;
  return b;
}
