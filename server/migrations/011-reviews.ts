/**
 * Migration 11: annual reviews (年审, issue #13).
 * - `annual_reports`: the holder's annual report, signed in the wallet as EIP-712 (sdk/annual-report.ts). Its
 *   content (employer, incidents, training hours) is personal data: `report_json` is sealed at rest under the row's
 *   id (AAD `annual_reports.report_json:<id>`). `due_at` is the review period it is for (the certificate's next review
 *   date on-chain when it was filed); `employer_changed` flags the certificate as needing review.
 * - an operator's `recordReview` is a lifecycle intent in `chain_intents` (command `review`, server/lifecycle.ts):
 *   no table of its own.
 * - `review_reminders`: which reminders the outgoing webhook delivered (no personal data: numbers and dates only).
 */
import type { Migration } from "../db";

export const migration11: Migration = {
  version: 11,
  name: "annual reviews",
  sql: `
    CREATE TABLE annual_reports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      dossier_id TEXT NOT NULL REFERENCES dossiers(id),
      token_id TEXT NOT NULL,
      holder TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      report_json TEXT NOT NULL,
      signature TEXT NOT NULL UNIQUE,
      signed_at INTEGER NOT NULL,
      employer_changed INTEGER NOT NULL CHECK (employer_changed IN (0, 1)),
      received_at INTEGER NOT NULL
    );
    CREATE INDEX annual_reports_token ON annual_reports(token_id, due_at);
    CREATE TABLE review_reminders (
      token_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('due-soon', 'overdue', 'report-filed')),
      due_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('sending', 'delivered', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (token_id, kind, due_at)
    );
  `,
};
