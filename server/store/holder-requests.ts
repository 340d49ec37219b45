/** The holders' requests (migration 12). */
import type { Address } from "viem";
import type { Db } from "../db";

export const REVOCATION_REQUEST_REASONS = ["no-longer-cqo", "left-employer", "no-longer-needed", "other"] as const;
export type RevocationRequestReason = (typeof REVOCATION_REQUEST_REASONS)[number];

export interface HolderRequestRow {
  id: number;
  dossier_id: string;
  token_id: string;
  holder: Address;
  kind: "revocation";
  reason: RevocationRequestReason;
  status: "open" | "done";
  created_at: number;
  handled_at: number | null;
}

export function insertRevocationRequest(db: Db, row: { dossierId: string; tokenId: string; holder: Address; reason: RevocationRequestReason; at: number }): number {
  return Number(
    db
      .prepare("INSERT INTO holder_requests (dossier_id, token_id, holder, kind, reason, status, created_at) VALUES (?, ?, ?, 'revocation', ?, 'open', ?)")
      .run(row.dossierId, row.tokenId, row.holder, row.reason, row.at).lastInsertRowid,
  );
}

export const openRevocationRequest = (db: Db, dossierId: string): HolderRequestRow | undefined =>
  db.prepare("SELECT * FROM holder_requests WHERE dossier_id = ? AND kind = 'revocation' AND status = 'open'").get(dossierId) as HolderRequestRow | undefined;

export const openRevocationRequests = (db: Db, limit: number): HolderRequestRow[] =>
  db.prepare("SELECT * FROM holder_requests WHERE kind = 'revocation' AND status = 'open' ORDER BY created_at, id LIMIT ?").all(limit) as HolderRequestRow[];

export function closeRevocationRequest(db: Db, dossierId: string, at: number): void {
  db.prepare("UPDATE holder_requests SET status = 'done', handled_at = ? WHERE dossier_id = ? AND kind = 'revocation' AND status = 'open'").run(at, dossierId);
}
