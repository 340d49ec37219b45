/** Data access for objections (异议) filed during public notice. */
import type { Hex } from "viem";
import type { Db } from "../db";
import { sealed } from "../vault";
import type { ObjectionRow } from "../lifecycle";

export const getObjection = (db: Db, id: number): ObjectionRow | undefined => db.prepare("SELECT * FROM objections WHERE id = ?").get(id) as ObjectionRow | undefined;

export const objectionsOf = (db: Db, dossierId: string): ObjectionRow[] => db.prepare("SELECT * FROM objections WHERE dossier_id = ? ORDER BY id").all(dossierId) as ObjectionRow[];

/** GET /objections: all (operators) or one filer's, in one or several statuses */
export interface ObjectionListFilter {
  filer?: string;
  statuses?: readonly ObjectionRow["status"][];
}
const objectionListWhere = (f: ObjectionListFilter): { sql: string; params: (string | number)[] } => {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (f.filer !== undefined) {
    where.push("filer = ?");
    params.push(f.filer);
  }
  if (f.statuses?.length) {
    where.push(`status IN (${f.statuses.map(() => "?").join(", ")})`);
    params.push(...f.statuses);
  }
  return { sql: where.map((w) => ` AND ${w}`).join(""), params };
};

/** a page of objections in filing order (oldest first: the order they are handled in) after objection `afterId` (keyset on the id) */
export function objectionsPage(db: Db, f: ObjectionListFilter, afterId: number, limit: number): ObjectionRow[] {
  const w = objectionListWhere(f);
  return db.prepare(`SELECT * FROM objections WHERE id > ?${w.sql} ORDER BY id LIMIT ?`).all(afterId, ...w.params, limit) as ObjectionRow[];
}

/** how many match, counted up to `cap` (then cap + 1) */
export function objectionsCount(db: Db, f: ObjectionListFilter, cap: number): number {
  const w = objectionListWhere(f);
  return (db.prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM objections WHERE id > 0${w.sql} LIMIT ?)`).get(...w.params, cap + 1) as { n: number }).n;
}

/** the objections on a certificate that reached (or may have reached) the chain: every status but `not-filed` */
export const objectionsOnCertificate = (db: Db, tokenId: string): ObjectionRow[] =>
  db.prepare("SELECT * FROM objections WHERE token_id = ? AND status != 'not-filed' ORDER BY id").all(tokenId) as ObjectionRow[];

/**
 * The objections on the certificate's current result: open ones, and those filed since its latest renewal (a new
 * result with its own notice: the limits and the new-evidence rule start again, as the contract's once-per-result
 * rule does). A re-issue has a new number, so its objections are counted apart already.
 */
export function objectionsOnCurrentResult(db: Db, dossierId: string, tokenId: string): ObjectionRow[] {
  const since = (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log WHERE dossier_id = ? AND action = 'renew'").get(dossierId) as { id: number }).id;
  if (since === 0) return objectionsOnCertificate(db, tokenId);
  const filedSince = new Set(
    (
      db
        .prepare("SELECT json_extract(details_json, '$.objectionId') AS id FROM audit_log WHERE dossier_id = ? AND action = 'file-objection' AND id > ? AND json_valid(details_json)")
        .all(dossierId, since) as { id: unknown }[]
    ).map((r) => Number(r.id)),
  );
  return objectionsOnCertificate(db, tokenId).filter((o) => o.status === "filing" || o.status === "filed" || filedSince.has(o.id));
}

/** the row of a signed statement (by its digest, the on-chain evidence hash), whatever its status */
export const objectionBySignedDigest = (db: Db, digest: Hex): ObjectionRow | undefined =>
  db.prepare("SELECT * FROM objections WHERE evidence_hash = ? AND signature IS NOT NULL").get(digest) as ObjectionRow | undefined;

/**
 * A new objection, status `filing` until its transaction is recorded; its id. Migration 7's unique indexes refuse a
 * second open one of the filer, or on the certificate, and a signed statement filed before (SQLITE_CONSTRAINT_UNIQUE).
 */
export function insertFilingObjection(
  db: Db,
  o: { dossierId: string; tokenId: string; filer: string; statement: string; evidence: string | null; evidenceHash: Hex; signature: Hex | null; signedJson: string | null; at: number },
): number {
  // the statement is the filer's personal data: sealed at rest under the row's own id
  return db.transaction(() => {
    const id = Number(
      db
        .prepare("INSERT INTO objections (dossier_id, token_id, filer, statement, evidence, evidence_hash, signature, signed_json, status, created_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, 'filing', ?)")
        .run(o.dossierId, o.tokenId, o.filer, o.evidence, o.evidenceHash, o.signature, o.signedJson, o.at).lastInsertRowid,
    );
    db.prepare("UPDATE objections SET statement = ? WHERE id = ?").run(sealed(db, "objections", "statement", id, o.statement), id);
    return id;
  })();
}

/** an objection the chain refused: it was never filed */
export const markNotFiled = (db: Db, id: number): void => {
  db.prepare("UPDATE objections SET status = 'not-filed' WHERE id = ? AND status = 'filing'").run(id);
};
