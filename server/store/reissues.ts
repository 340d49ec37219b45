/** Data access for re-issues to a new wallet: prepared (fresh credential) → requested (the new wallet's consent) → executed. */
import type { Hex } from "viem";
import type { Db } from "../db";
import type { ReissueRow } from "../lifecycle";
import { sealed } from "../vault";

export const reissuesOf = (db: Db, dossierId: string): ReissueRow[] => db.prepare("SELECT * FROM reissues WHERE dossier_id = ? ORDER BY created_at").all(dossierId) as ReissueRow[];

export function insertPreparedReissue(
  db: Db,
  r: { root: Hex; dossierId: string; tokenId: string; newHolder: string; deadline: number; credentialJson: string; sourceDossierId: string; requestedBy: string; at: number },
): void {
  db.prepare(
    "INSERT INTO reissues (root, dossier_id, token_id, new_holder, deadline, credential_json, source_dossier_id, status, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'prepared', ?, ?)",
  ).run(r.root, r.dossierId, r.tokenId, r.newHolder, r.deadline, sealed(db, "reissues", "credential_json", r.root, r.credentialJson), r.sourceDossierId, r.requestedBy, r.at);
}

export const reissueOf = (db: Db, dossierId: string, root: string): ReissueRow | undefined =>
  db.prepare("SELECT * FROM reissues WHERE root = ? AND dossier_id = ?").get(root, dossierId) as ReissueRow | undefined;

/** the prepared re-issue now requested with the new wallet's signature; the dossier's other requests cancelled. False when it changed meanwhile. */
export function markReissueRequested(db: Db, dossierId: string, root: string, signature: Hex, at: number): boolean {
  const r = db.prepare("UPDATE reissues SET status = 'requested', signature = ?, requested_at = ? WHERE root = ? AND status = 'prepared'").run(signature, at, root);
  if (r.changes !== 1) return false;
  db.prepare("UPDATE reissues SET status = 'cancelled' WHERE dossier_id = ? AND status = 'requested' AND root != ?").run(dossierId, root);
  return true;
}

/** the requested re-issue to execute: the one with this root, or the latest */
export const requestedReissue = (db: Db, dossierId: string, root?: string): ReissueRow | undefined =>
  (root
    ? db.prepare("SELECT * FROM reissues WHERE root = ? AND dossier_id = ? AND status = 'requested'").get(root, dossierId)
    : db.prepare("SELECT * FROM reissues WHERE dossier_id = ? AND status = 'requested' ORDER BY requested_at DESC LIMIT 1").get(dossierId)) as ReissueRow | undefined;
