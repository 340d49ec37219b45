/**
 * Migration 8 (inbox): the indexes that make every page of a list an index range scan (keyset pagination, newest
 * first: server/store/dossiers.ts and the other list queries), and per-table change counters kept by triggers, so a
 * list's change token (ETag) is one row read instead of a scan (server/routes/pages.ts).
 */
import type { Migration } from "../db";

/** the tables whose lists answer 304 while unchanged: one counter each, bumped by every row written */
export const COUNTED_TABLES = ["dossiers", "objections", "outbox", "assessors"] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

const counters = COUNTED_TABLES.map(
  (t) => `
      INSERT INTO change_counters (name, n) VALUES ('${t}', 0);
      CREATE TRIGGER ${t}_changed_insert AFTER INSERT ON ${t} BEGIN UPDATE change_counters SET n = n + 1 WHERE name = '${t}'; END;
      CREATE TRIGGER ${t}_changed_update AFTER UPDATE ON ${t} BEGIN UPDATE change_counters SET n = n + 1 WHERE name = '${t}'; END;
      CREATE TRIGGER ${t}_changed_delete AFTER DELETE ON ${t} BEGIN UPDATE change_counters SET n = n + 1 WHERE name = '${t}'; END;`,
).join("");

export const migration8: Migration = {
  version: 8,
  name: "inbox",
  sql: `
      -- the inbox, newest first: (created_at, id) is the keyset; one index per way in (all, by state, by wallet)
      CREATE INDEX dossiers_inbox ON dossiers(created_at, id);
      CREATE INDEX dossiers_inbox_state ON dossiers(state, created_at, id);
      -- these two replace dossiers_applicant and dossiers_holder (a prefix of each serves every query they served)
      CREATE INDEX dossiers_inbox_applicant ON dossiers(applicant, created_at, id);
      CREATE INDEX dossiers_inbox_holder ON dossiers(holder, created_at, id);
      DROP INDEX IF EXISTS dossiers_applicant;
      DROP INDEX IF EXISTS dossiers_holder;
      -- a non-operator's inbox is their own dossiers and their panels': their numbers are looked up here, so the
      -- page's sort key and state come from the index, not from rows (large, the dossier and evaluation in them)
      CREATE INDEX dossiers_visible ON dossiers(id, created_at, state);
      -- objections newest first, all or by status; a filer's own
      CREATE INDEX objections_status ON objections(status, id);
      CREATE INDEX objections_filer ON objections(filer, id);
      -- the outbox newest first, all or by status (outbox_status is (status, enqueued_at): root completes the keyset)
      CREATE INDEX outbox_list ON outbox(enqueued_at, root);
      CREATE INDEX outbox_list_status ON outbox(status, enqueued_at, root);
      -- the register of assessors by number, all or the active ones
      CREATE INDEX assessors_active ON assessors(active, assessor_id);
      -- change counters: a list's ETag reads one row; a trigger bumps it with every row written, in the writer's transaction
      CREATE TABLE change_counters (
        name TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      );${counters}
    `,
};
