/**
 * Personal data sealed at rest, bound to the database connection. The workbench writes every value of a sealed
 * column (server/sealed-columns.ts: dossiers, credentials, re-issue credentials, lifecycle intents, objection
 * statements) through `sealed(db, …)`, and reads them back in clear through the statements themselves: a statement
 * that reads from a table with sealed columns opens them in each row it returns (AES-256-GCM, server/sealed.ts,
 * the row's primary key in the AAD). So the SQL of the data-access modules stays plain, and a value that was
 * altered or moved to another row fails loudly instead of being read.
 *
 * A statement whose SQL starts with RAW_SQL reads the stored form (key rotation, backups, erasure checks).
 */
import type Database from "better-sqlite3";
import { SEALED_COLUMNS, aadOf, type SealedColumn } from "./sealed-columns";
import { isSealed, seal, unseal, type KeyRing } from "./sealed";

type Db = Database.Database;

/** a statement that must see the stored (sealed) form */
export const RAW_SQL = "/* raw */";

const rings = new WeakMap<Db, KeyRing>();

export const bindKeyRing = (db: Db, ring: KeyRing): void => {
  rings.set(db, ring);
};

export const keyRingOfDb = (db: Db): KeyRing | undefined => rings.get(db);

const byTable = new Map<string, SealedColumn[]>();
for (const c of SEALED_COLUMNS) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);

/** The stored form of a value of a sealed column: sealed under the current key when a key ring is bound. */
export function sealed(db: Db, table: string, column: string, pk: string | number, plaintext: string): string {
  const ring = rings.get(db);
  const c = SEALED_COLUMNS.find((x) => x.table === table && x.column === column);
  if (!c) throw new Error(`${table}.${column} is not a sealed column`);
  return ring ? seal(ring, plaintext, aadOf(c, pk)) : plaintext;
}

/** The sealed columns a statement's rows may carry: those of the table it reads FROM. */
function sealedColumnsOf(sql: string): SealedColumn[] {
  if (sql.startsWith(RAW_SQL)) return [];
  const m = /\bFROM\s+([a-z_]+)/i.exec(sql);
  return (m && byTable.get(m[1]!)) || [];
}

function openRow(ring: KeyRing, cols: SealedColumn[], row: unknown): unknown {
  if (row === null || typeof row !== "object") return row;
  const r = row as Record<string, unknown>;
  for (const c of cols) {
    const v = r[c.column];
    if (typeof v === "string" && isSealed(v)) {
      const pk = r[c.pk];
      if (typeof pk !== "string" && typeof pk !== "number") throw new Error(`a sealed ${c.table}.${c.column} was read without its key column ${c.pk}`);
      r[c.column] = unseal(ring, v, aadOf(c, pk));
    }
  }
  return row;
}

/** Makes a freshly prepared statement open the sealed columns of the rows it returns. */
export function openSealedRows<S extends Database.Statement>(db: Db, sql: string, stmt: S): S {
  const cols = sealedColumnsOf(sql);
  if (!cols.length || !stmt.reader) return stmt;
  const get = stmt.get.bind(stmt);
  const all = stmt.all.bind(stmt);
  const iterate = stmt.iterate.bind(stmt);
  const ring = () => rings.get(db);
  const s = stmt as unknown as Record<string, unknown>;
  s.get = (...args: unknown[]) => {
    const row = (get as (...a: unknown[]) => unknown)(...args);
    const r = ring();
    return r ? openRow(r, cols, row) : row;
  };
  s.all = (...args: unknown[]) => {
    const rows = (all as (...a: unknown[]) => unknown[])(...args);
    const r = ring();
    return r ? rows.map((row) => openRow(r, cols, row)) : rows;
  };
  s.iterate = function* (...args: unknown[]) {
    const r = ring();
    for (const row of (iterate as (...a: unknown[]) => Iterable<unknown>)(...args)) yield r ? openRow(r, cols, row) : row;
  };
  return stmt;
}
