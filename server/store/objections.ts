/** Data access for objections (异议) filed during public notice. */
import type { Hex } from "viem";
import type { Db } from "../db";
import type { ObjectionRow } from "../lifecycle";

export const getObjection = (db: Db, id: number): ObjectionRow | undefined => db.prepare("SELECT * FROM objections WHERE id = ?").get(id) as ObjectionRow | undefined;

export const objectionsOf = (db: Db, dossierId: string): ObjectionRow[] => db.prepare("SELECT * FROM objections WHERE dossier_id = ? ORDER BY id").all(dossierId) as ObjectionRow[];

export const allObjections = (db: Db): ObjectionRow[] => db.prepare("SELECT * FROM objections ORDER BY id").all() as ObjectionRow[];

export const objectionsFiledBy = (db: Db, filer: string): ObjectionRow[] => db.prepare("SELECT * FROM objections WHERE filer = ? ORDER BY id").all(filer) as ObjectionRow[];

/** the objections on a certificate that reached (or may have reached) the chain: every status but `not-filed` */
export const objectionsOnCertificate = (db: Db, tokenId: string): ObjectionRow[] =>
  db.prepare("SELECT * FROM objections WHERE token_id = ? AND status != 'not-filed' ORDER BY id").all(tokenId) as ObjectionRow[];

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
  return Number(
    db
      .prepare("INSERT INTO objections (dossier_id, token_id, filer, statement, evidence, evidence_hash, signature, signed_json, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'filing', ?)")
      .run(o.dossierId, o.tokenId, o.filer, o.statement, o.evidence, o.evidenceHash, o.signature, o.signedJson, o.at).lastInsertRowid,
  );
}

/** an objection the chain refused: it was never filed */
export const markNotFiled = (db: Db, id: number): void => {
  db.prepare("UPDATE objections SET status = 'not-filed' WHERE id = ? AND status = 'filing'").run(id);
};
