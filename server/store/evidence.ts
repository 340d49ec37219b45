/**
 * Data access for evidence metadata (the files themselves are in server/evidence.ts's store, by SHA-256): the file
 * (`evidence`, one row per content), its uploads (`evidence_uploads`, one row per file and uploader) and what cites
 * them (`evidence_citations`). Who may cite or read a file is decided in server/routes/evidence-ref.ts from these.
 */
import type { Db } from "../db";

export interface EvidenceRow {
  sha256: string;
  size: number;
  /** what the first uploader declared (before migration 5) or, since, the detected type */
  media_type: string;
  /** the first uploader */
  uploaded_by: string;
  uploaded_at: number;
  /** detected from the content; null: stored before detection, not re-detected yet */
  detected_type: string | null;
}

export interface UploadRow {
  sha256: string;
  uploaded_by: string;
  by_operator: number;
  size: number;
  uploaded_at: number;
}

export type CitationKind = "dossier" | "lifecycle" | "objection";

export const getEvidenceRow = (db: Db, sha256: string): EvidenceRow | undefined => db.prepare("SELECT * FROM evidence WHERE sha256 = ?").get(sha256) as EvidenceRow | undefined;

export const getUpload = (db: Db, sha256: string, uploadedBy: string): UploadRow | undefined =>
  db.prepare("SELECT * FROM evidence_uploads WHERE sha256 = ? AND uploaded_by = ?").get(sha256, uploadedBy) as UploadRow | undefined;

/** an upload of the file by a signing key of the body, the given one's first */
export const bodyUpload = (db: Db, sha256: string, preferred: string): UploadRow | undefined =>
  db.prepare("SELECT * FROM evidence_uploads WHERE sha256 = ? AND by_operator = 1 ORDER BY uploaded_by = ? DESC, uploaded_at LIMIT 1").get(sha256, preferred) as UploadRow | undefined;

/** a wallet's uploads: how many, how many bytes (its quota) */
export const usageOf = (db: Db, uploadedBy: string): { files: number; bytes: number } =>
  db.prepare("SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM evidence_uploads WHERE uploaded_by = ?").get(uploadedBy) as { files: number; bytes: number };

/** Records an upload (and the file's row the first time its content is stored); false when this wallet had it already. */
export function insertUpload(db: Db, e: { sha256: string; size: number; mediaType: string; uploadedBy: string; byOperator: boolean; at: number }): boolean {
  return db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at, detected_type) VALUES (?, ?, ?, ?, ?, ?)").run(
      e.sha256,
      e.size,
      e.mediaType,
      e.uploadedBy,
      e.at,
      e.mediaType,
    );
    // a file stored before detection, uploaded again: its content has just been detected
    db.prepare("UPDATE evidence SET detected_type = ? WHERE sha256 = ? AND detected_type IS NULL").run(e.mediaType, e.sha256);
    const added =
      db.prepare("INSERT OR IGNORE INTO evidence_uploads (sha256, uploaded_by, by_operator, size, uploaded_at) VALUES (?, ?, ?, ?, ?)").run(e.sha256, e.uploadedBy, e.byOperator ? 1 : 0, e.size, e.at)
        .changes === 1;
    // an operator's upload of a file the same wallet uploaded as an applicant becomes the body's too
    if (!added && e.byOperator) db.prepare("UPDATE evidence_uploads SET by_operator = 1 WHERE sha256 = ? AND uploaded_by = ?").run(e.sha256, e.uploadedBy);
    return added;
  })();
}

/** the type detected when a file stored before detection was first served again */
export const setDetectedType = (db: Db, sha256: string, mediaType: string): void => {
  db.prepare("UPDATE evidence SET detected_type = ? WHERE sha256 = ?").run(mediaType, sha256);
};

export function insertCitation(db: Db, c: { sha256: string; uploadedBy: string; kind: CitationKind; dossierId: string; citedBy: string; at: number }): void {
  db.prepare("INSERT OR IGNORE INTO evidence_citations (sha256, uploaded_by, kind, dossier_id, cited_by, cited_at) VALUES (?, ?, ?, ?, ?, ?)").run(
    c.sha256,
    c.uploadedBy,
    c.kind,
    c.dossierId,
    c.citedBy,
    c.at,
  );
}

/**
 * Whether a dossier cites the file with its own applicant's upload and `address` is that dossier's applicant or (as
 * an assessor) on its panel in any round.
 */
export const readableThroughDossier = (db: Db, sha256: string, address: string, assessor: boolean): { applicant: boolean; panel: boolean } => {
  const row = db
    .prepare(
      `SELECT MAX(COALESCE(d.holder, d.applicant) = ?) AS applicant,
              MAX(? = 1 AND d.state = 'assigned' AND EXISTS (SELECT 1 FROM panel_members p WHERE p.dossier_id = d.id AND p.round = d.round AND p.assessor = ?)) AS panel
       FROM evidence_citations c JOIN dossiers d ON d.id = c.dossier_id
       WHERE c.sha256 = ? AND c.kind = 'dossier' AND c.uploaded_by = d.applicant`,
    )
    .get(address, assessor ? 1 : 0, address, sha256) as { applicant: number | null; panel: number | null };
  return { applicant: row.applicant === 1, panel: row.panel === 1 };
};

/**
 * Whether the wallet uploaded the file for a dossier whose certificate a re-issue moved to another wallet (the
 * usual reason: a lost or stolen wallet, which must lose the dossier's evidence with the dossier).
 */
export const uploadMovedAway = (db: Db, sha256: string, address: string): boolean =>
  db
    .prepare(
      `SELECT 1 FROM evidence_citations c JOIN dossiers d ON d.id = c.dossier_id
       WHERE c.sha256 = ? AND c.kind = 'dossier' AND c.uploaded_by = ? AND d.applicant = ? AND d.holder IS NOT NULL AND d.holder != ?`,
    )
    .get(sha256, address, address, address) !== undefined;

/** ids of the dossiers that cite the file in their evidence list */
export const dossiersCiting = (db: Db, sha256: string): string[] =>
  (db.prepare("SELECT DISTINCT dossier_id FROM evidence_citations WHERE sha256 = ? AND kind = 'dossier' ORDER BY dossier_id").all(sha256) as { dossier_id: string }[]).map((r) => r.dossier_id);

/**
 * The expiry sweep's database half: deletes the uploads older than `before` that nothing cites, then the rows of
 * files left with no upload and no citation. Returns those files (to delete from disk once this is durable).
 */
export function deleteUnusedUploads(db: Db, before: number): { uploads: number; files: string[] } {
  return db.transaction(() => {
    const expired = db
      .prepare(
        `SELECT u.sha256, u.uploaded_by FROM evidence_uploads u
         WHERE u.uploaded_at < ? AND NOT EXISTS (SELECT 1 FROM evidence_citations c WHERE c.sha256 = u.sha256 AND c.uploaded_by = u.uploaded_by)`,
      )
      .all(before) as { sha256: string; uploaded_by: string }[];
    const del = db.prepare("DELETE FROM evidence_uploads WHERE sha256 = ? AND uploaded_by = ?");
    for (const u of expired) del.run(u.sha256, u.uploaded_by);
    const files: string[] = [];
    const orphan = db.prepare("SELECT 1 FROM evidence_uploads WHERE sha256 = ? UNION ALL SELECT 1 FROM evidence_citations WHERE sha256 = ? LIMIT 1");
    const delFile = db.prepare("DELETE FROM evidence WHERE sha256 = ?");
    for (const sha of new Set(expired.map((u) => u.sha256))) {
      if (orphan.get(sha, sha) !== undefined) continue;
      delFile.run(sha);
      files.push(sha);
    }
    return { uploads: expired.length, files };
  })();
}

/** whether the database knows the file (a file on disk it does not know is a crash's leftover) */
export const knowsFile = (db: Db, sha256: string): boolean => db.prepare("SELECT 1 FROM evidence WHERE sha256 = ?").get(sha256) !== undefined;
