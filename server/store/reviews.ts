/**
 * Data access for annual reviews (年审, migration 11): the holders' annual reports (content sealed at rest) and the
 * reminders the webhook delivered. The operators' `recordReview` calls are lifecycle intents (`chain_intents`,
 * command `review`: server/lifecycle.ts).
 *
 * `annual_reports.report_json` is a sealed column (server/sealed-columns.ts): written through `sealed(db, …)`, read
 * back in clear by the vault, like every other sealed column.
 */
import type { Db } from "../db";
import { sealed } from "../vault";

export interface ReportContent {
  stillCqo: boolean;
  employerName: string;
  /** SHA-256 hex of the uploaded appointment letter; null: none */
  appointmentLetter: string | null;
  trainingHours: number;
  incidents: string;
}

export interface AnnualReportRow {
  id: number;
  dossier_id: string;
  token_id: string;
  holder: string;
  due_at: number;
  report_json: string;
  signature: string;
  signed_at: number;
  employer_changed: 0 | 1;
  received_at: number;
}

export interface StoredReport {
  id: number;
  dossierId: string;
  tokenId: string;
  holder: string;
  /** the review period it is for: the certificate's next review date (unix seconds) when it was filed */
  dueAt: number;
  content: ReportContent;
  signature: string;
  signedAt: number;
  employerChanged: boolean;
  receivedAt: number;
}

/** The report in clear (the vault opened it); null once its personal data was erased (server/erasure.ts's tombstone `{"erased":true}`). */
function openReport(r: AnnualReportRow): StoredReport | null {
  const content = JSON.parse(r.report_json) as ReportContent | { erased: true };
  if ("erased" in content) return null;
  return {
    id: r.id,
    dossierId: r.dossier_id,
    tokenId: r.token_id,
    holder: r.holder,
    dueAt: r.due_at,
    content,
    signature: r.signature,
    signedAt: r.signed_at,
    employerChanged: r.employer_changed === 1,
    receivedAt: r.received_at,
  };
}

/** Stores a report in one transaction: the row, then its content sealed under the row's id. */
export function insertReport(db: Db, r: Omit<StoredReport, "id">): number {
  return db.transaction(() => {
    const res = db
      .prepare("INSERT INTO annual_reports (dossier_id, token_id, holder, due_at, report_json, signature, signed_at, employer_changed, received_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?)")
      .run(r.dossierId, r.tokenId, r.holder, r.dueAt, r.signature, r.signedAt, r.employerChanged ? 1 : 0, r.receivedAt);
    const id = Number(res.lastInsertRowid);
    db.prepare("UPDATE annual_reports SET report_json = ? WHERE id = ?").run(sealed(db, "annual_reports", "report_json", id, JSON.stringify(r.content)), id);
    return id;
  })();
}

export const reportBySignature = (db: Db, signature: string): boolean => db.prepare("SELECT 1 FROM annual_reports WHERE lower(signature) = lower(?)").get(signature) !== undefined;

export const reportsOf = (db: Db, dossierId: string): StoredReport[] =>
  (db.prepare("SELECT * FROM annual_reports WHERE dossier_id = ? ORDER BY id").all(dossierId) as AnnualReportRow[]).map((r) => openReport(r)).filter((r): r is StoredReport => r !== null);

/** The latest report for a certificate's review period (null: none filed for it). */
export function reportFor(db: Db, tokenId: string, dueAt: number): StoredReport | null {
  const r = db.prepare("SELECT * FROM annual_reports WHERE token_id = ? AND due_at = ? ORDER BY id DESC LIMIT 1").get(tokenId, dueAt) as AnnualReportRow | undefined;
  return r ? openReport(r) : null;
}

/** The latest report of a certificate, any period (null: none, or erased). */
export function latestReport(db: Db, tokenId: string): StoredReport | null {
  const r = db.prepare("SELECT * FROM annual_reports WHERE token_id = ? ORDER BY id DESC LIMIT 1").get(tokenId) as AnnualReportRow | undefined;
  return r ? openReport(r) : null;
}

// ---------------------------------------------------------------- webhook reminders

/** `employer-changed` (a change of employer report, server/routes/employer-changes.ts) needs migration 14's CHECK */
export type ReminderKind = "due-soon" | "overdue" | "report-filed" | "employer-changed";

export interface ReminderRow {
  token_id: string;
  kind: ReminderKind;
  due_at: number;
  status: "sending" | "delivered" | "failed";
  attempts: number;
  last_error: string | null;
  updated_at: number;
}

/** Claims a reminder for delivery; false when it was delivered or is being sent already. */
export function claimReminder(db: Db, tokenId: string, kind: ReminderKind, dueAt: number, at: number): boolean {
  return db.transaction(() => {
    const r = db.prepare("SELECT status FROM review_reminders WHERE token_id = ? AND kind = ? AND due_at = ?").get(tokenId, kind, dueAt) as { status: string } | undefined;
    if (r && r.status !== "failed") return false;
    db.prepare(
      "INSERT INTO review_reminders (token_id, kind, due_at, status, attempts, updated_at) VALUES (?, ?, ?, 'sending', 0, ?) ON CONFLICT (token_id, kind, due_at) DO UPDATE SET status = 'sending', updated_at = excluded.updated_at",
    ).run(tokenId, kind, dueAt, at);
    return true;
  })();
}

export function finishReminder(db: Db, tokenId: string, kind: ReminderKind, dueAt: number, outcome: { delivered: boolean; attempts: number; error?: string }, at: number): void {
  db.prepare("UPDATE review_reminders SET status = ?, attempts = attempts + ?, last_error = ?, updated_at = ? WHERE token_id = ? AND kind = ? AND due_at = ?").run(
    outcome.delivered ? "delivered" : "failed",
    outcome.attempts,
    outcome.error ?? null,
    at,
    tokenId,
    kind,
    dueAt,
  );
}

export const reminderStatus = (db: Db, tokenId: string, kind: ReminderKind, dueAt: number): ReminderRow | undefined =>
  db.prepare("SELECT * FROM review_reminders WHERE token_id = ? AND kind = ? AND due_at = ?").get(tokenId, kind, dueAt) as ReminderRow | undefined;
