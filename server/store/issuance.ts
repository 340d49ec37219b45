/** Data access for credentials (the body's copy of each holder's salted record) and the issuance outbox. */
import type { Address, Hex } from "viem";
import type { Db } from "../db";
import type { OutboxRow } from "../outbox";
import { sealed } from "../vault";

/** An approved result: its credential and its outbox row, written together (inside the caller's transaction). */
export function queueIssuance(
  db: Db,
  q: { root: Hex; dossierId: string; credentialJson: string; holder: Address; level: number; rulebookId: number; validUntil: number; tokenId: string; at: number },
): void {
  db.prepare("INSERT INTO credentials (root, dossier_id, purpose, credential_json, created_at) VALUES (?, ?, 'issuance', ?, ?)").run(q.root, q.dossierId, sealed(db, "credentials", "credential_json", q.root, q.credentialJson), q.at);
  db.prepare("INSERT INTO outbox (root, dossier_id, holder, level, rulebook_id, valid_until, status, token_id, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)").run(
    q.root,
    q.dossierId,
    q.holder,
    q.level,
    q.rulebookId,
    q.validUntil,
    q.tokenId,
    q.at,
  );
}

export const OUTBOX_STATUSES = ["queued", "sending", "issued", "failed"] as const satisfies readonly OutboxRow["status"][];

/**
 * GET /outbox: a page, newest first, after (enqueuedAt, root) — an index range of outbox_list, or of
 * outbox_list_status for one status (migration 8).
 */
export function outboxPage(db: Db, status: OutboxRow["status"] | undefined, after: { enqueuedAt: number; root: string } | null, limit: number): OutboxRow[] {
  const bound = [after?.enqueuedAt ?? Number.MAX_SAFE_INTEGER, after?.root ?? ""];
  return (
    status
      ? db.prepare("SELECT * FROM outbox WHERE status = ? AND (enqueued_at, root) < (?, ?) ORDER BY enqueued_at DESC, root DESC LIMIT ?").all(status, ...bound, limit)
      : db.prepare("SELECT * FROM outbox WHERE (enqueued_at, root) < (?, ?) ORDER BY enqueued_at DESC, root DESC LIMIT ?").all(...bound, limit)
  ) as OutboxRow[];
}

/** rows per status, each counted on outbox_status up to `cap` (then cap + 1) */
export const outboxCounts = (db: Db, cap: number): Record<(typeof OUTBOX_STATUSES)[number], number> =>
  Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, (db.prepare("SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE status = ? LIMIT ?)").get(s, cap + 1) as { n: number }).n])) as Record<
    (typeof OUTBOX_STATUSES)[number],
    number
  >;

/** a failed row back in the queue; its dossier id, or null when no failed row has this root */
export function requeueFailed(db: Db, root: string): string | null {
  const r = db.prepare("UPDATE outbox SET status = 'queued', last_error = NULL WHERE root = ? AND status = 'failed'").run(root);
  if (r.changes !== 1) return null;
  return (db.prepare("SELECT dossier_id FROM outbox WHERE root = ?").get(root) as { dossier_id: string }).dossier_id;
}

export const latestOutboxOf = (db: Db, dossierId: string): Pick<OutboxRow, "status" | "token_id" | "tx_hash" | "block_number" | "last_error"> | undefined =>
  db.prepare("SELECT status, token_id, tx_hash, block_number, last_error FROM outbox WHERE dossier_id = ? ORDER BY enqueued_at DESC LIMIT 1").get(dossierId) as Pick<OutboxRow, "status" | "token_id" | "tx_hash" | "block_number" | "last_error"> | undefined;

export const issuedBlockOf = (db: Db, dossierId: string): number | null | undefined =>
  (db.prepare("SELECT block_number FROM outbox WHERE dossier_id = ? AND status = 'issued' ORDER BY issued_at DESC LIMIT 1").get(dossierId) as { block_number: number | null } | undefined)?.block_number;
