/**
 * Change counters (migration 8): each counted table's triggers bump its counter with every row written, inside the
 * writer's transaction, so a reader that sees the same counter twice has seen the same rows. Lists build their
 * change token (ETag) from it with one primary-key read.
 */
import type { Db } from "../db";
import type { CountedTable } from "../migrations/008-inbox";

export const changeCounter = (db: Db, table: CountedTable): number =>
  (db.prepare("SELECT n FROM change_counters WHERE name = ?").get(table) as { n: number } | undefined)?.n ?? 0;

/** a dossier's audit log only grows: its newest entry id (an index seek) changes with every entry */
export const lastAuditId = (db: Db, dossierId: string): number =>
  (db.prepare("SELECT MAX(id) AS n FROM audit_log WHERE dossier_id = ?").get(dossierId) as { n: number | null }).n ?? 0;
