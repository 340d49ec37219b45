/**
 * Migration 9: dossier numbers assigned by the workbench in the body's own series (HN-2026-000123), one counter
 * per year; and the erasure of personal data (PIPL): when a dossier's personal data was erased and why.
 */
import type { Migration } from "../db";

export const migration9: Migration = {
  version: 9,
  name: "dossier series and erasure",
  sql: `
    CREATE TABLE dossier_series (
      year INTEGER PRIMARY KEY,
      last INTEGER NOT NULL
    );
    ALTER TABLE dossiers ADD COLUMN erased_at INTEGER;
    ALTER TABLE dossiers ADD COLUMN erasure_reason TEXT;
  `,
};
