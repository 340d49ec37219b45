/**
 * Migration 15: erasure has one path. Migration 14's trigger `employer_changes_erased` erased the change of
 * employer reports when a dossier's `erased_at` was set, and server/erasure.ts erased them too, in the same
 * transaction. server/erasure.ts is the documented single place that erases a dossier's personal data, table by
 * table (test/server/hardening.test.ts, employer-changes.test.ts): the trigger goes.
 */
import type { Migration } from "../db";

export const migration15: Migration = {
  version: 15,
  name: "one erasure path",
  sql: `DROP TRIGGER IF EXISTS employer_changes_erased;`,
};
