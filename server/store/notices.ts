/** What the public notice (公示) lists: the body's certificates now in notice, with the consent and credential of each. */
import type { Db } from "../db";
import { latestCredential } from "./dossiers";

export interface NoticeRow {
  dossier_id: string;
  token_id: string;
  /** the applicant consented to publishing name, employer and level (and has not withdrawn it) */
  consented: 0 | 1;
  /** the dossier's latest credential (sealed at rest; read through the vault like every sealed column) */
  credential_json: string | null;
  open_objections: number;
}

/** Oldest issuance first: a notice that ends sooner is listed first. At most `limit` rows. */
export function noticesInProgress(db: Db, limit: number): NoticeRow[] {
  const rows = db
    .prepare(
      `SELECT d.id AS dossier_id, d.token_id AS token_id,
              COALESCE(n.publish_in_notice, 0) AS consented,
              (SELECT COUNT(*) FROM objections o WHERE o.dossier_id = d.id AND o.status IN ('filing', 'filed')) AS open_objections
         FROM dossiers d LEFT JOIN declarations n ON n.dossier_id = d.id
        WHERE d.state = 'in-notice' AND d.token_id IS NOT NULL AND d.erased_at IS NULL
        ORDER BY d.updated_at, d.id LIMIT ?`,
    )
    .all(limit) as Omit<NoticeRow, "credential_json">[];
  // only a consenting applicant's credential is read at all
  return rows.map((r) => ({ ...r, credential_json: r.consented ? (latestCredential(db, r.dossier_id)?.credential_json ?? null) : null }));
}
