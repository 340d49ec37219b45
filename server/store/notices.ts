/**
 * What the public notice (公示) lists: the body's certificates now in notice, with the consent and credential of
 * each — first issuances (state `in-notice`), and renewals and re-issues whose new result's notice runs (the
 * dossier `issued` or `suspended`, the notice's end recorded with the renewal or re-issue, compared with the
 * chain's clock).
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
  kind: "issuance" | "renewal" | "reissue";
}

type Listed = Omit<NoticeRow, "credential_json" | "kind">;

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
 * Only a consenting applicant's credential is read at all. A first issuance's consent is its dossier's declaration.
 * A renewal publishes the renewal's credential, so its consent is the re-evaluation's own declaration
 * (`source_dossier_id`): consent to the first notice is not consent to the second; and only the credential of the
 * renewal in notice (its root), never an earlier one (a renewal made on chain outside the workbench has none here).
 * A re-issue publishes the number only: its notice is of a new wallet, which no declaration consented to show.
 */
function withCredential(db: Db, r: Listed & { root?: string | null }, kind: NoticeRow["kind"]): NoticeRow {
  const { root, ...row } = r;
  if (kind === "issuance") return { ...row, kind, credential_json: row.consented ? (latestCredential(db, row.dossier_id)?.credential_json ?? null) : null };
  const c = kind === "renewal" ? latestCredential(db, row.dossier_id) : undefined;
  const consented = c !== undefined && typeof root === "string" && c.root.toLowerCase() === root.toLowerCase() && renewalConsented(db, c.source_dossier_id);
  return { ...row, kind, consented: consented ? 1 : 0, credential_json: consented ? c.credential_json : null };
}

/** Oldest issuance first: a notice that ends sooner is listed first. At most `limit` rows. */
export function noticesInProgress(db: Db, limit: number): NoticeRow[] {
  const rows = db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE d.state = 'in-notice' AND d.token_id IS NOT NULL AND d.erased_at IS NULL ORDER BY d.updated_at, d.id LIMIT ?`).all(limit) as Listed[];
  return rows.map((r) => withCredential(db, r, "issuance"));
}

/**
 * Renewed and re-issued certificates whose new result's notice runs at `now` (the chain's clock, unix seconds):
 * the dossier's latest renewal or re-issue recorded the notice's end (`validFrom`, lifecycle.ts; a re-issue's may
 * come later, read by the re-sync: `reissue-notice`, chain-sync.ts) and it is still ahead. The notice that ends sooner first. At most `limit` rows.
 */
export function laterNoticesRunning(db: Db, now: number, limit: number): NoticeRow[] {
  const rows = db
    .prepare(
      `SELECT * FROM (
         SELECT ${COLUMNS}, a.action AS action,
                json_extract(a.details_json, '$.validFrom') AS notice_ends, json_extract(a.details_json, '$.root') AS root
           ${FROM}
           JOIN audit_log a ON a.id = (SELECT MAX(x.id) FROM audit_log x WHERE x.dossier_id = d.id AND x.action IN ('renew', 'reissue', 'reissue-notice'))
          WHERE d.state IN ('issued', 'suspended') AND d.token_id IS NOT NULL AND d.erased_at IS NULL
       ) WHERE notice_ends > ?
        ORDER BY notice_ends, dossier_id LIMIT ?`,
    )
    .all(now, limit) as (Listed & { action: "renew" | "reissue" | "reissue-notice"; notice_ends: number; root: string | null })[];
  return rows.map(({ action, notice_ends: _ends, ...r }) => withCredential(db, r, action === "renew" ? "renewal" : "reissue"));
}
