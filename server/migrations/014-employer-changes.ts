/**
 * Migration 14: the holder's change of employer report (工作单位变更报告, issue #13).
 * - `employer_changes`: the report, signed in the wallet as EIP-712 (sdk/employer-change.ts). Its content (the new
 *   employer, its credit code, the date, the statement) is personal data: `report_json` is sealed at rest under the
 *   row's id (AAD `employer_changes.report_json:<id>`). `audit_id` is the audit log entry that recorded it: a
 *   review recorded after it (an audit entry with a higher id) takes the certificate out of the review queue.
 * - erasure: a trigger replaces the report with the erasure tombstone in the same transaction as the dossier's
 *   erasure (server/erasure.ts sets `dossiers.erased_at`), whichever code path erases it.
 * - `review_reminders` gains the kind `employer-changed` (SQLite cannot alter a CHECK: the table is rebuilt).
 */
import type { Migration } from "../db";

export const migration14: Migration = {
  version: 14,
  name: "employer changes",
  sql: `
    CREATE TABLE employer_changes (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      dossier_id TEXT NOT NULL REFERENCES dossiers(id),
      token_id TEXT NOT NULL,
      holder TEXT NOT NULL,
      report_json TEXT NOT NULL,
      signature TEXT NOT NULL UNIQUE,
      signed_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      audit_id INTEGER NOT NULL
    );
    CREATE INDEX employer_changes_dossier ON employer_changes(dossier_id);
    CREATE INDEX employer_changes_token ON employer_changes(token_id);
    CREATE TRIGGER employer_changes_erased AFTER UPDATE OF erased_at ON dossiers
      WHEN NEW.erased_at IS NOT NULL
      BEGIN
        UPDATE employer_changes SET report_json = '{"erased":true}' WHERE dossier_id = NEW.id;
      END;
    CREATE TABLE review_reminders_14 (
      token_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('due-soon', 'overdue', 'report-filed', 'employer-changed')),
      due_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('sending', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (token_id, kind, due_at)
    );
    INSERT INTO review_reminders_14 SELECT token_id, kind, due_at, status, attempts, last_error, updated_at FROM review_reminders;
    DROP TABLE review_reminders;
    ALTER TABLE review_reminders_14 RENAME TO review_reminders;
  `,
};
