/**
 * Data access for the holders' change of employer reports (工作单位变更报告, migration 14): the report's content
 * sealed at rest, and whether a review was recorded after it (which takes the certificate out of the review queue).
 *
 * `employer_changes.report_json` is a sealed column (server/sealed-columns.ts): written through `sealed(db, …)`,
 * opened by the statements that read it (server/vault.ts), rotated and backed up with the others.
 */
import type { Db } from "../db";
import { sealed } from "../vault";

export interface EmployerChangeContent {
  newEmployerName: string;
  /** 统一社会信用代码 */
  newEmployerUscc: string;
  stillCqo: boolean;
  /** YYYY-MM-DD */
  changedOn: string;
  statement: string;
}

export interface EmployerChangeRow {
  id: number;
  dossier_id: string;
  token_id: string;
  holder: string;
  report_json: string;
  signature: string;
  signed_at: number;
  received_at: number;
  audit_id: number;
}

export interface StoredEmployerChange {
  id: number;
  dossierId: string;
  tokenId: string;
  holder: string;
  content: EmployerChangeContent;
  signature: string;
  signedAt: number;
  receivedAt: number;
  /** a review (passed or failed) was recorded after the report */
  reviewed: boolean;
}


/**
 * A review recorded for the dossier after audit entry `after`: the lifecycle path audits a passed review as
 * `annual-review` and a failed one as the transition it caused, marked `annualReview: "failed"` (server/lifecycle.ts);
 * both keys survive the erasure's redaction.
 */
const REVIEWED_AFTER =
  "SELECT 1 FROM audit_log WHERE dossier_id = ? AND id > ? AND (action = 'annual-review' OR (json_valid(details_json) AND json_extract(details_json, '$.annualReview') = 'failed')) LIMIT 1";

function open(db: Db, r: EmployerChangeRow): StoredEmployerChange | null {
  const content = JSON.parse(r.report_json) as EmployerChangeContent | { erased: true };
  if ("erased" in content) return null;
  return {
    id: r.id,
    dossierId: r.dossier_id,
    tokenId: r.token_id,
    holder: r.holder,
    content,
    signature: r.signature,
    signedAt: r.signed_at,
    receivedAt: r.received_at,
    reviewed: db.prepare(REVIEWED_AFTER).get(r.dossier_id, r.audit_id) !== undefined,
  };
}

/** Stores a report (inside the caller's transaction, after its audit entry): the row, then its content sealed under the row's id. */
export function insertEmployerChange(db: Db, r: Omit<StoredEmployerChange, "id" | "reviewed"> & { auditId: number }): number {
  if (!db.inTransaction) throw new Error("insertEmployerChange() must run inside a transaction");
  const res = db
    .prepare("INSERT INTO employer_changes (dossier_id, token_id, holder, report_json, signature, signed_at, received_at, audit_id) VALUES (?, ?, ?, '', ?, ?, ?, ?)")
    .run(r.dossierId, r.tokenId, r.holder, r.signature, r.signedAt, r.receivedAt, r.auditId);
  const id = Number(res.lastInsertRowid);
  db.prepare("UPDATE employer_changes SET report_json = ? WHERE id = ?").run(sealed(db, "employer_changes", "report_json", id, JSON.stringify(r.content)), id);
  return id;
}

export const employerChangeBySignature = (db: Db, signature: string): boolean =>
  db.prepare("SELECT 1 FROM employer_changes WHERE lower(signature) = lower(?)").get(signature) !== undefined;

/** A dossier's reports, oldest first (erased ones left out). */
export const employerChangesOf = (db: Db, dossierId: string): StoredEmployerChange[] =>
  (db.prepare("SELECT * FROM employer_changes WHERE dossier_id = ? ORDER BY id").all(dossierId) as EmployerChangeRow[]).map((r) => open(db, r)).filter((r): r is StoredEmployerChange => r !== null);

/** The latest report of a certificate that no review has answered yet (null: none). */
export function pendingEmployerChange(db: Db, tokenId: string): StoredEmployerChange | null {
  const r = db.prepare("SELECT * FROM employer_changes WHERE token_id = ? ORDER BY id DESC LIMIT 1").get(tokenId) as EmployerChangeRow | undefined;
  const change = r ? open(db, r) : null;
  return change && !change.reviewed ? change : null;
}

/** The latest audit entry's id (the one just written, inside the caller's transaction). */
export const lastAuditId = (db: Db): number => (db.prepare("SELECT MAX(id) AS id FROM audit_log").get() as { id: number }).id;
