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

/**
 * An open request stands only for the certificate and the wallet that asked: after a re-issue (often because the old
 * wallet was stolen) the old wallet's request no longer speaks for the new certificate, and once the certificate is
 * no longer in force or suspended there is nothing left to revoke.
 */
const STANDING = `FROM holder_requests r JOIN dossiers d ON d.id = r.dossier_id
  WHERE r.kind = 'revocation' AND r.status = 'open' AND d.token_id = r.token_id AND COALESCE(d.holder, d.applicant) = r.holder AND d.state IN ('issued', 'suspended')`;

/** the holder's standing revocation request of this dossier's current certificate, if any */
export const openRevocationRequest = (db: Db, dossierId: string): HolderRequestRow | undefined =>
  db.prepare(`SELECT r.* ${STANDING} AND r.dossier_id = ?`).get(dossierId) as HolderRequestRow | undefined;

export const openRevocationRequests = (db: Db, limit: number): HolderRequestRow[] =>
  db.prepare(`SELECT r.* ${STANDING} ORDER BY r.created_at, r.id LIMIT ?`).all(limit) as HolderRequestRow[];

export const revocationRequestById = (db: Db, id: number): HolderRequestRow | undefined => db.prepare("SELECT * FROM holder_requests WHERE id = ?").get(id) as HolderRequestRow | undefined;

/** requests that no longer stand (another certificate or wallet since): closed, so the holder now may ask anew */
export function closeStaleRevocationRequests(db: Db, dossierId: string, tokenId: string, holder: Address, at: number): void {
  db.prepare("UPDATE holder_requests SET status = 'done', handled_at = ? WHERE dossier_id = ? AND kind = 'revocation' AND status = 'open' AND (token_id != ? OR holder != ?)").run(at, dossierId, tokenId, holder);
}

export function closeRevocationRequest(db: Db, dossierId: string, at: number): void {
  db.prepare("UPDATE holder_requests SET status = 'done', handled_at = ? WHERE dossier_id = ? AND kind = 'revocation' AND status = 'open'").run(at, dossierId);
}
