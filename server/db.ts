/**
 * One SQLite file in WAL mode (readers never block the single writer; a crash leaves a consistent database) and
 * versioned migrations applied at start, each in its own transaction with its version row, so a crash during a
 * migration leaves the previous version intact.
 */
import Database from "better-sqlite3";
import { chmodSync, closeSync, existsSync, fsync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { KeyRing } from "./sealed";
import { bindKeyRing, openSealedRows } from "./vault";
import { migration5 } from "./migrations/005-evidence";
import { migration6 } from "./migrations/006-sessions";
import { migration7 } from "./migrations/007-objections";
import { migration8 } from "./migrations/008-inbox";
import { migration9 } from "./migrations/009-personal-data";
import { migration10 } from "./migrations/010-declarations";
import { migration11 } from "./migrations/011-reviews";
import { migration12 } from "./migrations/012-holder-requests";
import { backfillApplicantNames, migration13 } from "./migrations/013-applicant-name";
import { migration14 } from "./migrations/014-employer-changes";
import { migration15 } from "./migrations/015-one-erasure-path";

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const BASE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "workflow",
    sql: `
      CREATE TABLE siwe_nonces (
        nonce TEXT PRIMARY KEY,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        operator INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE assessors (
        address TEXT PRIMARY KEY,
        assessor_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        employer_uscc TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        registered_by TEXT NOT NULL,
        registered_at INTEGER NOT NULL
      );
      CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        applicant TEXT NOT NULL,
        rulebook_key TEXT NOT NULL,
        state TEXT NOT NULL,
        round INTEGER NOT NULL DEFAULT 1,
        dossier_json TEXT NOT NULL,
        dossier_hash TEXT NOT NULL,
        rejection_json TEXT,
        evaluation_json TEXT,
        outcome TEXT,
        token_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX dossiers_applicant ON dossiers(applicant);
      CREATE TABLE panel_members (
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        round INTEGER NOT NULL,
        assessor TEXT NOT NULL REFERENCES assessors(address),
        PRIMARY KEY (dossier_id, round, assessor)
      );
      CREATE INDEX panel_members_assessor ON panel_members(assessor);
      CREATE TABLE sheets (
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        round INTEGER NOT NULL,
        assessor TEXT NOT NULL,
        sheet_json TEXT NOT NULL,
        digest TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (dossier_id, round, assessor)
      );
      CREATE TABLE evidence (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_at INTEGER NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dossier_id TEXT,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        details_json TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX audit_dossier ON audit_log(dossier_id);
    `,
  },
  {
    version: 2,
    name: "issuance",
    sql: `
      -- the body's copy of each holder's credential: salts are secret, never on-chain
      CREATE TABLE credentials (
        root TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        purpose TEXT NOT NULL,
        credential_json TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX credentials_dossier ON credentials(dossier_id);
      CREATE TABLE outbox (
        root TEXT PRIMARY KEY REFERENCES credentials(root),
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        holder TEXT NOT NULL,
        level INTEGER NOT NULL,
        rulebook_id INTEGER NOT NULL,
        valid_until INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'issued', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        token_id TEXT NOT NULL,
        tx_hash TEXT,
        block_number INTEGER,
        last_error TEXT,
        enqueued_at INTEGER NOT NULL,
        issued_at INTEGER
      );
      CREATE INDEX outbox_status ON outbox(status, enqueued_at);
    `,
  },
  {
    version: 3,
    name: "lifecycle",
    sql: `
      -- the wallet that holds the dossier's certificate now (NULL: the applicant); changes on re-issue
      ALTER TABLE dossiers ADD COLUMN holder TEXT;
      CREATE INDEX dossiers_holder ON dossiers(holder);
      CREATE INDEX dossiers_token ON dossiers(token_id);
      -- the dossier whose evaluation a credential commits to (a renewal's re-evaluation; NULL: its own)
      ALTER TABLE credentials ADD COLUMN source_dossier_id TEXT;
      -- re-issue to a new wallet: prepared (fresh credential) -> requested (new wallet's consent) -> executed
      CREATE TABLE reissues (
        root TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        token_id TEXT NOT NULL,
        new_holder TEXT NOT NULL,
        deadline INTEGER NOT NULL,
        credential_json TEXT NOT NULL,
        source_dossier_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('prepared', 'requested', 'executed', 'cancelled')),
        signature TEXT,
        requested_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        requested_at INTEGER,
        executed_at INTEGER,
        tx_hash TEXT
      );
      CREATE INDEX reissues_dossier ON reissues(dossier_id);
      -- objections (异议) during public notice, relayed on-chain by the body's key
      CREATE TABLE objections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        token_id TEXT NOT NULL,
        filer TEXT NOT NULL,
        statement TEXT NOT NULL,
        evidence TEXT,
        evidence_hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('filing', 'filed', 'upheld', 'dismissed', 'not-filed')),
        filed_tx TEXT,
        resolution_json TEXT,
        resolved_by TEXT,
        resolved_tx TEXT,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER
      );
      CREATE INDEX objections_dossier ON objections(dossier_id);
      -- a lifecycle transaction about to be sent: settled when recorded, or by the chain sync after a crash
      CREATE TABLE chain_intents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        command TEXT NOT NULL,
        token_id TEXT NOT NULL,
        params_json TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'refused', 'not-applied')),
        created_at INTEGER NOT NULL,
        settled_at INTEGER
      );
      CREATE INDEX chain_intents_status ON chain_intents(status);
    `,
  },
  {
    version: 4,
    name: "wallet-claims and the recorded-block index",
    // IF NOT EXISTS: databases from before this migration may have the table already (it was created at start)
    sql: `
      -- leases of queued results to an operator's wallet (server/wallet-issuance.ts); the outbox skips leased rows
      CREATE TABLE IF NOT EXISTS wallet_claims (
        root TEXT PRIMARY KEY REFERENCES outbox(root),
        claim_id TEXT NOT NULL,
        operator TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS wallet_claims_claim ON wallet_claims(claim_id);
      -- the rewind check reads the highest recorded block on every pass
      CREATE INDEX outbox_issued_block ON outbox(status, block_number);
    `,
  },
];

/** Creates `file` empty with mode 0600 if it does not exist, so SQLite never creates it world-readable. */
function ensureOwnerOnly(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
  else closeSync(openSync(file, "a", 0o600));
}

/** Every migration: the first four above, then one file each under server/migrations/ (an empty one is skipped). */
export const MIGRATIONS: readonly Migration[] = [
  ...BASE_MIGRATIONS,
  migration5,
  migration6,
  migration7,
  migration8,
  migration9,
  migration10,
  migration11,
  migration12,
  migration13,
  migration14,
  migration15,
].filter((m) => m.sql.trim() !== "");

export interface OpenOptions {
  /** the key ring personal data is sealed with (server/vault.ts); without one, sealed columns hold plain text */
  ring?: KeyRing;
}

export function openDb(path: string, migrations: readonly Migration[] = MIGRATIONS, options: OpenOptions = {}): Db {
  if (path !== ":memory:") {
    // the database, its WAL and shared-memory file hold personal data: owner-only (0600 files, 0700 directory)
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    for (const f of [path, `${path}-wal`, `${path}-shm`]) ensureOwnerOnly(f);
  }
  const db = new Database(path);
  if (options.ring) bindKeyRing(db, options.ring);
  // erased personal data is overwritten, not left in free pages (see server/erasure.ts)
  db.pragma("secure_delete = ON");
  db.pragma("journal_mode = WAL");
  // Migrations commit with FULL (synced at once); from then on NORMAL plus durable(db) below: the same promise
  // (a change is on disk, surviving power loss and not just a process kill, before anyone is told of it or the
  // chain is asked to act on it), with the WAL's fsync off the event loop and shared by concurrent requests.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db, migrations);
  if (path !== ":memory:") for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  db.pragma("synchronous = NORMAL");
  cacheStatements(db);
  // rows from before migration 13 get their applicant's name, read from the opened JSON: only with the key ring
  if (options.ring && hasColumn(db, "dossiers", "applicant_name")) backfillApplicantNames(db);
  if (path !== ":memory:") durability.set(db, new GroupCommit(db, `${db.name}-wal`));
  return db;
}

/** whether a migration set gave `table` this column (tests open databases with fewer migrations) */
const hasColumn = (db: Db, table: string, column: string): boolean => (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);

/**
 * better-sqlite3 compiles the SQL on every prepare(); the workbench prepares the same few dozen statements on
 * every request. Reuse them (at most STATEMENT_CACHE distinct texts, then start over). A cached statement is
 * shared: never switch its mode (pluck/raw/expand) or keep an iterator open across another use of its SQL.
 */
const STATEMENT_CACHE = 500;
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = openSealedRows(db, sql, prepare(sql));
      if (cache.size >= STATEMENT_CACHE) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db["prepare"];
}

/**
 * Group commit. With synchronous=NORMAL a commit reaches the WAL file but not the disk; fsync of the WAL then
 * makes every commit before it durable (checkpoints sync by themselves in NORMAL mode). The fsync runs on
 * libuv's thread pool, and every caller waiting meanwhile is served by the next one: many requests, one fsync.
 */
class GroupCommit {
  private fd: number | null = null;
  private synced = 0;
  private running: Promise<void> | null = null;
  private readonly totalChanges: Database.Statement<[], number>;

  constructor(
    private readonly db: Db,
    private readonly walPath: string,
  ) {
    this.totalChanges = db.prepare("SELECT total_changes()").pluck() as Database.Statement<[], number>;
    // everything before this point (the migrations) committed with synchronous=FULL
    this.synced = this.changes();
  }

  /** rows changed by this connection since it opened (committed: better-sqlite3 never leaves a transaction open across an await) */
  changes(): number {
    return this.totalChanges.get() as number;
  }

  async flush(): Promise<void> {
    const target = this.changes();
    while (this.synced < target) {
      if (!this.running) {
        this.running = this.fsyncWal().finally(() => {
          this.running = null;
        });
      }
      await this.running;
    }
  }

  private async fsyncWal(): Promise<void> {
    const upTo = this.changes();
    if (this.fd === null) this.fd = openSync(this.walPath, "r");
    const fd = this.fd;
    await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
    this.fsyncs++;
    this.synced = Math.max(this.synced, upTo);
  }

  fsyncs = 0;
  stats(): { changes: number; synced: number; fsyncs: number } {
    return { changes: this.changes(), synced: this.synced, fsyncs: this.fsyncs };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

const durability = new WeakMap<Db, GroupCommit>();

/**
 * Resolves when every change committed so far is on disk. The server awaits it before each response and
 * before each transaction it sends to the chain (an outbox batch, a lifecycle call).
 */
export function durable(db: Db): Promise<void> {
  return durability.get(db)?.flush() ?? Promise.resolve();
}

/** For tests: rows changed, rows known on disk, and fsyncs done by the group commit (null: in memory). */
export function durabilityStats(db: Db): { changes: number; synced: number; fsyncs: number } | null {
  return durability.get(db)?.stats() ?? null;
}

/** Closes the database (and the group commit's handle on its WAL). */
export function closeDb(db: Db): void {
  durability.get(db)?.close();
  durability.delete(db);
  db.close();
}

export function schemaVersion(db: Db): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  return row.v ?? 0;
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  // by version recorded, not "above the highest": the numbers 5-9 were handed out to changes that land in any
  // order, and a database that has 8 must still get 7 when it arrives
  const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
