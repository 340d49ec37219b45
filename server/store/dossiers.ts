/**
 * Data access for dossiers and their audit log: every SQL statement about a dossier row lives here, so the routes
 * say what they need ("the dossiers this wallet may see") and not how it is stored.
 */
import type { Address, Hex } from "viem";
import { z } from "zod";
import { Applicant } from "../../scoring/dossier/schema";
import type { Db } from "../db";
import { sealed } from "../vault";
import type { State } from "../workflow";

export interface DossierRow {
  id: string;
  applicant: Address;
  rulebook_key: string;
  state: State;
  round: number;
  dossier_json: string;
  dossier_hash: Hex;
  rejection_json: string | null;
  evaluation_json: string | null;
  outcome: string | null;
  token_id: string | null;
  /** the wallet holding the certificate now when it moved (re-issue); null: the applicant */
  holder: Address | null;
  /** the applicant's name, from dossier_json (migration 13; sealed at rest); null: erased, or not filled in yet */
  applicant_name: string | null;
  /** when the personal data was erased (server/erasure.ts); null: it was not */
  erased_at: number | null;
  created_at: number;
  updated_at: number;
}

export const getDossier = (db: Db, id: string): DossierRow | undefined => db.prepare("SELECT * FROM dossiers WHERE id = ?").get(id) as DossierRow | undefined;

export const dossierByToken = (db: Db, tokenId: string): DossierRow | undefined => db.prepare("SELECT * FROM dossiers WHERE token_id = ?").get(tokenId) as DossierRow | undefined;

/** the wallet that holds the dossier's certificate now */
export const holderOf = (d: DossierRow): Address => d.holder ?? d.applicant;

/** where a dossier's JSON names its applicant (scoring/dossier/schema.ts `Applicant.name`) */
const NamedDossier = z.object({ applicant: z.object({ name: Applicant.shape.name }) });

/** the applicant's name in a dossier's JSON; null when it names nobody (the erasure tombstone, damage) */
export function applicantNameOf(dossierJson: string): string | null {
  try {
    const parsed = NamedDossier.safeParse(JSON.parse(dossierJson));
    return parsed.success ? parsed.data.applicant.name : null;
  } catch {
    return null;
  }
}

/**
 * The stored form of a dossier's JSON and of the name beside it, both sealed under the row's id: every write of
 * dossier_json goes through here (insert, acceptance), so the lists' name never drifts from the JSON.
 */
export function dossierJsonColumns(db: Db, id: string, dossierJson: string): { dossier_json: string; applicant_name: string | null } {
  const name = applicantNameOf(dossierJson);
  return { dossier_json: sealed(db, "dossiers", "dossier_json", id, dossierJson), applicant_name: name === null ? null : sealed(db, "dossiers", "applicant_name", id, name) };
}

export function insertDossier(db: Db, row: { id: string; applicant: Address; rulebookKey: string; dossierJson: string; dossierHash: Hex; at: number }): void {
  const stored = dossierJsonColumns(db, row.id, row.dossierJson);
  db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, round, dossier_json, applicant_name, dossier_hash, created_at, updated_at) VALUES (?, ?, ?, 'submitted', 1, ?, ?, ?, ?, ?)").run(
    row.id,
    row.applicant,
    row.rulebookKey,
    stored.dossier_json,
    stored.applicant_name,
    row.dossierHash,
    row.at,
    row.at,
  );
}

// ---------------------------------------------------------------- the inbox: keyset pages (issue #10)

/**
 * what a list shows of a dossier: never the dossier JSON (large, and sealed at rest), but the applicant's name
 * (sealed too, and small: opened per row by the vault, which needs the row's `id` for its AAD)
 */
export type DossierListRow = Pick<DossierRow, "id" | "applicant" | "rulebook_key" | "state" | "round" | "outcome" | "token_id" | "holder" | "applicant_name" | "erased_at" | "created_at" | "updated_at">;
const LIST_COLUMNS = "id, applicant, rulebook_key, state, round, outcome, token_id, holder, applicant_name, erased_at, created_at, updated_at";

/** where a page ends: newest first by (created_at, id); by number (id, highest first) when searching a number prefix */
export type InboxKey = { by: "time"; createdAt: number; id: string } | { by: "number"; id: string };

export interface InboxViewer {
  address: Address;
  operator: boolean;
  assessor: boolean;
}

export interface InboxFilter {
  /** one or several states */
  states?: readonly State[];
  /** dossier numbers starting with this (case-sensitive, as numbers are stored) */
  numberPrefix?: string;
  /** the applicant's or the current holder's wallet (checksummed, as stored) */
  wallet?: Address;
}

/** the order a filter lists in: a number search by number, everything else newest first */
export const inboxOrder = (filter: InboxFilter): InboxKey["by"] => (filter.numberPrefix !== undefined ? "number" : "time");

/** beyond every key: the first page is bounded too, so it is a SEARCH of an index range like every other page */
const TOP_TIME = Number.MAX_SAFE_INTEGER;
/** above every text that starts with a prefix (U+10FFFF is the highest code point, and UTF-8 keeps code point order) */
const PREFIX_END = "\u{10FFFF}";

/**
 * The SQL of one page of the inbox as `viewer` may see it (exported for the query-plan test). Each way in is an
 * index range: all (created_at, id), one state (state, created_at, id) — several states are one such range each,
 * merged —, a wallet (applicant / holder, created_at, id), a number prefix (the primary key). A non-operator's
 * page is drawn from the dossiers whose certificate they hold (their own, unless a re-issue moved it to another
 * wallet) and, an assessor, their panels' dossiers: as routes/access.ts decides who may see one.
 */
export function inboxQuery(viewer: InboxViewer, filter: InboxFilter, after: InboxKey | null, limit: number, columns = LIST_COLUMNS): { sql: string; params: (string | number)[] } {
  const by = inboxOrder(filter);
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (by === "number") {
    const prefix = filter.numberPrefix!;
    where.push("id >= ?", "id < ?");
    params.push(prefix, prefix + PREFIX_END);
    if (after) {
      where.push("id < ?");
      params.push(after.id);
    }
  } else {
    where.push("(created_at, id) < (?, ?)");
    params.push(after?.by === "time" ? after.createdAt : TOP_TIME, after?.by === "time" ? after.id : "");
  }
  if (!viewer.operator) {
    where.push(`id IN (SELECT id FROM dossiers WHERE applicant = ? AND holder IS NULL UNION ALL SELECT id FROM dossiers WHERE holder = ?${viewer.assessor ? " UNION ALL SELECT dossier_id FROM panel_members WHERE assessor = ?" : ""})`);
    params.push(viewer.address, viewer.address, ...(viewer.assessor ? [viewer.address] : []));
  }
  if (filter.wallet) {
    where.push("(applicant = ? OR holder = ?)");
    params.push(filter.wallet, filter.wallet);
  }
  const order = by === "number" ? "id DESC" : "created_at DESC, id DESC";
  const states = filter.states ?? [];
  // the operator's whole inbox by state: one index range per state, each cut at the page size, merged in order
  if (states.length > 1 && viewer.operator && by === "time" && !filter.wallet) {
    const branch = `SELECT * FROM (SELECT ${columns} FROM dossiers WHERE state = ? AND ${where.join(" AND ")} ORDER BY ${order} LIMIT ?)`;
    return {
      sql: `${states.map(() => branch).join(" UNION ALL ")} ORDER BY ${order} LIMIT ?`,
      params: [...states.flatMap((s) => [s, ...params, limit]), limit],
    };
  }
  if (states.length === 1) {
    where.unshift("state = ?");
    params.unshift(states[0]!);
  } else if (states.length > 1) {
    where.push(`state IN (${states.map(() => "?").join(", ")})`);
    params.push(...states);
  }
  return { sql: `SELECT ${columns} FROM dossiers WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`, params: [...params, limit] };
}

/** up to `limit` rows after `after` (read `limit + 1` to know whether a next page exists) */
export const inboxPage = (db: Db, viewer: InboxViewer, filter: InboxFilter, after: InboxKey | null, limit: number): DossierListRow[] => {
  const q = inboxQuery(viewer, filter, after, limit);
  return db.prepare(q.sql).all(...q.params) as DossierListRow[];
};

/** how many dossiers the filter matches, counted on the same index ranges up to `cap` (then cap + 1: "more") */
export const inboxCount = (db: Db, viewer: InboxViewer, filter: InboxFilter, cap: number): number => {
  const q = inboxQuery(viewer, filter, null, cap + 1, "id, created_at");
  return (db.prepare(`SELECT COUNT(*) AS n FROM (${q.sql})`).get(...q.params) as { n: number }).n;
};

/** The applicant's name of each of these dossiers (null: erased or unknown): for lists of other rows (outbox, objections). */
export function applicantNamesOf(db: Db, ids: readonly string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const unique = [...new Set(ids)];
  // at most a page (≤ 200) at a time; SQLite's default limit of bound parameters is far above it
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    const rows = db.prepare(`SELECT id, applicant_name FROM dossiers WHERE id IN (${chunk.map(() => "?").join(", ")})`).all(...chunk) as { id: string; applicant_name: string | null }[];
    for (const r of rows) out.set(r.id, r.applicant_name);
  }
  return out;
}

export interface AuditRow {
  id: number;
  actor: string;
  role: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  details_json: string | null;
  at: number;
}

/** a dossier's whole audit log (for the workflow's own checks; the API lists it a page at a time: auditPage) */
export const auditOf = (db: Db, dossierId: string): AuditRow[] => db.prepare("SELECT * FROM audit_log WHERE dossier_id = ? ORDER BY id").all(dossierId) as AuditRow[];

/** a page of a dossier's audit log, oldest first, after entry `afterId` (an index range of audit_dossier) */
export const auditPage = (db: Db, dossierId: string, afterId: number, limit: number): AuditRow[] =>
  db.prepare("SELECT id, actor, role, action, from_state, to_state, details_json, at FROM audit_log WHERE dossier_id = ? AND id > ? ORDER BY id LIMIT ?").all(dossierId, afterId, limit) as AuditRow[];

export const auditCount = (db: Db, dossierId: string, cap: number): number =>
  (db.prepare("SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit_log WHERE dossier_id = ? LIMIT ?)").get(dossierId, cap + 1) as { n: number }).n;

/** the credential the dossier's certificate commits to now (the latest: a renewal's or a re-issue's) */
export const latestCredential = (db: Db, dossierId: string): { root: Hex; credential_json: string; source_dossier_id: string | null } | undefined =>
  db.prepare("SELECT root, credential_json, source_dossier_id FROM credentials WHERE dossier_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").get(dossierId) as
    | { root: Hex; credential_json: string; source_dossier_id: string | null }
    | undefined;

/**
 * The next number of the body's series for `year` (inside the caller's transaction, so a refused submission takes
 * no number): `PREFIX-YYYY-NNNNNN`, six digits at least.
 */
export function nextDossierNumber(db: Db, prefix: string, year: number): string {
  if (!db.inTransaction) throw new Error("nextDossierNumber() must run inside a transaction");
  const row = db.prepare("INSERT INTO dossier_series (year, last) VALUES (?, 1) ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last").get(year) as { last: number };
  return `${prefix}-${year}-${String(row.last).padStart(6, "0")}`;
}
