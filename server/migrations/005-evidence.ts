/**
 * Migration 5 (evidence, issue #10): who uploaded which file, and who cites it.
 *
 * - `evidence_uploads`: one row per (file, uploader). Files are content-addressed, so two wallets can upload the same
 *   bytes; each owns its own upload (what it may cite, what counts towards its quota, what expires when unused).
 * - `evidence_citations`: which dossier, lifecycle call or objection cites which upload (kept apart from the dossier
 *   JSON, which may be sealed at rest): what grants a panel access and what keeps a file from the expiry sweep.
 * - `evidence.detected_type`: the media type detected from the content (server/evidence.ts). NULL on rows stored
 *   before this migration, whose `media_type` is what the uploader declared: re-detected when first served.
 *
 * The rows of files stored before become uploads of their uploader, and the citations they already have (dossiers'
 * evidence lists, objections, lifecycle calls and rulings) are recorded, so cited files are kept; an old upload
 * nothing cites expires like any other.
 */
import type { Migration } from "../db";

export const migration5: Migration = {
  version: 5,
  name: "evidence",
  sql: `
    ALTER TABLE evidence ADD COLUMN detected_type TEXT;
    CREATE TABLE evidence_uploads (
      sha256 TEXT NOT NULL REFERENCES evidence(sha256),
      uploaded_by TEXT NOT NULL,
      -- uploaded by a signing key of the body (an operator's session): the body's own file, citable as lifecycle evidence
      by_operator INTEGER NOT NULL DEFAULT 0,
      size INTEGER NOT NULL,
      uploaded_at INTEGER NOT NULL,
      PRIMARY KEY (sha256, uploaded_by)
    );
    CREATE INDEX evidence_uploads_by ON evidence_uploads(uploaded_by);
    CREATE INDEX evidence_uploads_at ON evidence_uploads(uploaded_at);
    CREATE TABLE evidence_citations (
      sha256 TEXT NOT NULL,
      -- whose upload the citation uses
      uploaded_by TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('dossier', 'lifecycle', 'objection')),
      dossier_id TEXT NOT NULL,
      cited_by TEXT NOT NULL,
      cited_at INTEGER NOT NULL,
      PRIMARY KEY (sha256, uploaded_by, kind, dossier_id)
    );
    CREATE INDEX evidence_citations_dossier ON evidence_citations(dossier_id);

    INSERT INTO evidence_uploads (sha256, uploaded_by, by_operator, size, uploaded_at)
      SELECT sha256, uploaded_by, 0, size, uploaded_at FROM evidence;
    INSERT OR IGNORE INTO evidence_citations (sha256, uploaded_by, kind, dossier_id, cited_by, cited_at)
      SELECT e.sha256, e.uploaded_by, 'dossier', d.id, d.applicant, d.created_at
      FROM evidence e JOIN dossiers d ON instr(d.dossier_json, '"sha256":"' || e.sha256 || '"') > 0;
    INSERT OR IGNORE INTO evidence_citations (sha256, uploaded_by, kind, dossier_id, cited_by, cited_at)
      SELECT e.sha256, e.uploaded_by, 'objection', o.dossier_id, o.filer, o.created_at
      FROM evidence e JOIN objections o ON o.evidence = e.sha256;
    INSERT OR IGNORE INTO evidence_citations (sha256, uploaded_by, kind, dossier_id, cited_by, cited_at)
      SELECT e.sha256, e.uploaded_by, 'lifecycle', i.dossier_id, i.actor, i.created_at
      FROM evidence e JOIN chain_intents i ON instr(i.params_json, '"evidence":"' || e.sha256 || '"') > 0;
    -- by_operator stays 0 on old rows: who was an operator then is not known here (an operator uploads the file
    -- again to cite it as the body's)
  `,
};
