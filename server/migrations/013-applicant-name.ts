/**
 * Migration 13: the applicant's name beside the dossier (issue #14, "names before addresses"), so the body
 * console's lists lead with a name without reading — and opening — the whole dossier JSON of every row. The column
 * is sealed at rest like the JSON it is taken from (server/sealed-columns.ts: AES-256-GCM, AAD
 * `dossiers.applicant_name:<id>`), written with the JSON (server/store/dossiers.ts) and nulled by erasure
 * (server/erasure.ts).
 *
 * Rows from before the migration are filled by `backfillApplicantNames` once the key ring is bound (openDb, at every
 * start): from the opened JSON, in batches of one transaction each, walking the rows by id. Idempotent (it only
 * touches rows still without a name, and writes what the JSON says) and crash-safe (a batch is all or nothing; the
 * next start picks up the rest). The partial index holds just the rows still to fill: empty once done, so a start
 * costs nothing.
 */
import type { Db, Migration } from "../db";
import { applicantNameOf } from "../store/dossiers";
import { sealed } from "../vault";

export const migration13: Migration = {
  version: 13,
  name: "applicant name",
  sql: `
    ALTER TABLE dossiers ADD COLUMN applicant_name TEXT;
    CREATE INDEX dossiers_name_missing ON dossiers(id) WHERE applicant_name IS NULL AND erased_at IS NULL;
  `,
};

export interface Backfill {
  /** rows given their name */
  filled: number;
  /** rows whose JSON names nobody (damaged, or not a dossier): left NULL, looked at again at the next start */
  skipped: number;
}

/**
 * Fills `applicant_name` of the rows that lack it and are not erased, `batchSize` rows per transaction (BEGIN
 * IMMEDIATE: read and written under the write lock, so a concurrent replacement of the JSON is never overwritten
 * with an older name). Needs the connection's key ring bound (the JSON is read opened).
 */
export function backfillApplicantNames(db: Db, batchSize = 200): Backfill {
  const size = Math.max(1, Math.floor(batchSize));
  const page = db.prepare("SELECT id, dossier_json FROM dossiers WHERE applicant_name IS NULL AND erased_at IS NULL AND id > ? ORDER BY id LIMIT ?");
  const write = db.prepare("UPDATE dossiers SET applicant_name = ? WHERE id = ? AND applicant_name IS NULL AND erased_at IS NULL");
  const result: Backfill = { filled: 0, skipped: 0 };
  let cursor = "";
  for (;;) {
    const rows = db.transaction(() => {
      const batch = page.all(cursor, size) as { id: string; dossier_json: string }[];
      for (const row of batch) {
        const name = applicantNameOf(row.dossier_json);
        if (name === null) {
          result.skipped++;
          continue;
        }
        result.filled += write.run(sealed(db, "dossiers", "applicant_name", row.id, name), row.id).changes;
      }
      return batch;
    }).immediate();
    if (rows.length < size) break;
    cursor = rows[rows.length - 1]!.id;
  }
  return result;
}
