/** Data access for evidence metadata (the files themselves are in server/evidence.ts's store, by SHA-256). */
import type { Db } from "../db";

export interface EvidenceRow {
  sha256: string;
  size: number;
  media_type: string;
  uploaded_by: string;
  uploaded_at: number;
}

export const getEvidenceRow = (db: Db, sha256: string): EvidenceRow | undefined => db.prepare("SELECT * FROM evidence WHERE sha256 = ?").get(sha256) as EvidenceRow | undefined;

export function insertEvidenceRow(db: Db, e: { sha256: string; size: number; mediaType: string; uploadedBy: string; at: number }): void {
  db.prepare("INSERT OR IGNORE INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)").run(e.sha256, e.size, e.mediaType, e.uploadedBy, e.at);
}

/** ids of the dossiers whose JSON cites the file */
export const dossiersCiting = (db: Db, sha256: string): string[] =>
  (db.prepare("SELECT id FROM dossiers WHERE instr(dossier_json, ?) > 0").all(`"sha256":"${sha256}"`) as { id: string }[]).map((r) => r.id);
