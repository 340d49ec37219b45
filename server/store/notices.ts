/**
 * What the public notice (公示) lists: the body's certificates now in notice, with the consent and credential of
 * each — first issuances (state `in-notice`) and renewals in their notice (state `issued`, the notice's end
 * recorded with the renewal, compared with the chain's clock).
 */
import type { Db } from "../db";
import { declarationOf } from "./declarations";
import { latestCredential } from "./dossiers";

export interface NoticeRow {
  dossier_id: string;
  token_id: string;
  /** the applicant consented to publishing name, employer and level (and has not withdrawn it) */
  consented: 0 | 1;
  /** the dossier's latest credential (sealed at rest; read through the vault like every sealed column) */
  credential_json: string | null;
  open_objections: number;
  kind: "issuance" | "renewal";
}

const COLUMNS = `d.id AS dossier_id, d.token_id AS token_id,
              COALESCE(n.publish_in_notice, 0) AS consented,
              (SELECT COUNT(*) FROM objections o WHERE o.dossier_id = d.id AND o.status IN ('filing', 'filed')) AS open_objections`;
const FROM = "FROM dossiers d LEFT JOIN declarations n ON n.dossier_id = d.id";

/** the consent a re-evaluation's applicant gave with it (its own declaration, not the first application's) */
const renewalConsented = (db: Db, sourceDossierId: string | null | undefined): boolean => {
  const d = sourceDossierId ? declarationOf(db, sourceDossierId) : undefined;
  return d !== undefined && d.publish_in_notice === 1 && d.consent_withdrawn_at === null;
};

/**
 * Only a consenting applicant's credential is read at all. A first issuance's consent is its dossier's declaration;
 * a renewal publishes the renewal's credential (the latest), so its consent is the re-evaluation's own declaration
 * (`source_dossier_id`): consent to the first notice is not consent to the second.
 */
function withCredential(db: Db, rows: Omit<NoticeRow, "credential_json" | "kind">[], kind: NoticeRow["kind"]): NoticeRow[] {
  return rows.map((r) => {
    if (kind === "issuance") return { ...r, kind, credential_json: r.consented ? (latestCredential(db, r.dossier_id)?.credential_json ?? null) : null };
    const c = latestCredential(db, r.dossier_id);
    const consented = c !== undefined && renewalConsented(db, c.source_dossier_id);
    return { ...r, kind, consented: consented ? 1 : 0, credential_json: consented ? c.credential_json : null };
  });
}

/** Oldest issuance first: a notice that ends sooner is listed first. At most `limit` rows. */
export function noticesInProgress(db: Db, limit: number): NoticeRow[] {
  const rows = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE d.state = 'in-notice' AND d.token_id IS NOT NULL AND d.erased_at IS NULL ORDER BY d.updated_at, d.id LIMIT ?`).all(limit) as Omit<NoticeRow, "credential_json" | "kind">[];
  return withCredential(db, rows, "issuance");
}

/**
 * Renewed certificates whose renewal's notice runs at `now` (the chain's clock, unix seconds): their latest
 * renewal recorded the notice's end from its CertificateRenewed event (`validFrom`, lifecycle.ts) and it is still
 * ahead. The notice that ends sooner first. At most `limit` rows.
 */
export function renewalsInNotice(db: Db, now: number, limit: number): NoticeRow[] {
  const rows = db
    .prepare(
      `SELECT ${COLUMNS},
              (SELECT json_extract(a.details_json, '$.validFrom') FROM audit_log a WHERE a.dossier_id = d.id AND a.action = 'renew' ORDER BY a.id DESC LIMIT 1) AS notice_ends
         ${FROM}
        WHERE d.state = 'issued' AND d.token_id IS NOT NULL AND d.erased_at IS NULL AND notice_ends > ?
        ORDER BY notice_ends, d.id LIMIT ?`,
    )
    .all(now, limit) as Omit<NoticeRow, "credential_json" | "kind">[];
  return withCredential(db, rows, "renewal");
}
