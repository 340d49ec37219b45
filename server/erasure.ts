/**
 * Erasure of a dossier's personal data (PIPL art. 47): on the applicant's withdrawal, at the end of the retention
 * period, or on a valid request recorded by an operator. What stays is what the body must be able to show about its
 * own acts: the dossier's id, state, hashes and certificate number, and the audit trail's ids, hashes, actions and
 * times — never the content (names, ID numbers, statements, notes). The certificate itself is on-chain as salted
 * commitments only: nothing of it identifies the holder once the workbench has forgotten the values and salts.
 *
 * In one SQLite transaction: the dossier's JSON (and the applicant's name beside it, migration 13), its credentials and re-issue credentials, its lifecycle intents'
 * parameters, its sheets' contents (comments) and the objections' statements are replaced by a tombstone; the audit
 * details keep only allow-listed keys; evidence files the applicant uploaded that nothing else cites are deleted.
 * `secure_delete` (server/db.ts) overwrites the old cells, and a truncating checkpoint removes them from the WAL.
 */
import type { Db } from "./db";
import { conflict } from "./errors";
import { withdrawNoticeConsent } from "./store/declarations";
import { getDossier, type DossierRow } from "./store/dossiers";
import { RAW_SQL } from "./vault";
import { audit, isLegal, type Actor, type State } from "./workflow";

export const ERASED = JSON.stringify({ erased: true });

/** states whose dossier the body may erase: none while the procedure or the public notice runs */
export const ERASABLE: readonly State[] = ["rejected", "withdrawn", "not-certified", "revoked", "renewal-applied", "issued", "suspended"];
/** states whose dossier the retention sweep erases once `updated_at` is older than the retention period */
export const RETAINED_UNTIL_ERASED: readonly State[] = ["rejected", "withdrawn", "not-certified", "revoked", "renewal-applied"];

export type ErasureReason = "withdrawn" | "retention" | "request";

/** Refuses (409 `erased`) a command on a dossier whose personal data was erased: nothing new is written about the person. */
export function assertNotErased(db: Db, id: string): void {
  const row = db.prepare(`${RAW_SQL} SELECT erased_at FROM dossiers WHERE id = ?`).get(id) as { erased_at: number | null } | undefined;
  if (row && row.erased_at !== null) throw conflict("erased", { zh: "该申报的个人信息已删除，不能再办理", en: "this dossier's personal data was erased: no further action on it" });
}

/** audit keys that say what was done, never with what content */
const AUDIT_KEYS = new Set(["noCredential", "root", "digest", "round", "level", "outcome", "txHash", "tokenId", "validUntil", "validFrom", "sheets", "of", "previousRound", "falseMaterials", "command", "objectionId", "upheld", "reason", "renewalDossierId", "renewed", "resyncedFromChain", "deadline", "newHolder", "declared", "publishInNotice", "result", "dueAt", "annualReview"]);

function redact(details: string | null): string | null {
  if (details === null) return null;
  try {
    const d = JSON.parse(details) as unknown;
    if (d === null || typeof d !== "object" || Array.isArray(d)) return null;
    const kept = Object.fromEntries(Object.entries(d as Record<string, unknown>).filter(([k, v]) => AUDIT_KEYS.has(k) && (typeof v !== "object" || v === null)));
    return JSON.stringify({ ...kept, redacted: true });
  } catch {
    return null;
  }
}

/**
 * Erases the dossier's personal data; returns the SHA-256 of the evidence files to delete from disk (the caller
 * deletes them after the commit). Refuses (409) a dossier whose procedure is still running or already erased.
 */
export function erasePersonalData(db: Db, d: DossierRow, reason: ErasureReason, actor: Actor, at: number, note?: string): string[] {
  if (!ERASABLE.includes(d.state)) {
    throw conflict("not-erasable", { zh: "申报仍在办理或公示中，不能删除个人信息", en: "the procedure or public notice of this dossier is still running: its personal data cannot be erased yet" }, { state: d.state, erasableIn: ERASABLE });
  }
  const files = citedFiles(d);
  return db.transaction(() => {
    const cur = getDossier(db, d.id)!;
    if (cur.state !== d.state || !ERASABLE.includes(cur.state)) throw conflict("dossier-changed", { zh: "该申报已被另一操作更新，请刷新后重试", en: "the dossier was changed by another action: reload and retry" }, { state: cur.state });
    if ((db.prepare(`${RAW_SQL} SELECT erased_at FROM dossiers WHERE id = ?`).get(d.id) as { erased_at: number | null }).erased_at !== null) {
      throw conflict("already-erased", { zh: "该申报的个人信息已删除", en: "this dossier's personal data was already erased" });
    }
    // an objection the body has not ruled on and still can (a revoked certificate's stays moot): erased, it could
    // never be ruled on through the workbench
    if (isLegal("resolve-objection", cur.state) && db.prepare("SELECT 1 FROM objections WHERE dossier_id = ? AND status IN ('filing', 'filed')").get(d.id)) {
      throw conflict("objection-open", { zh: "该证书有尚未处理的异议，处理完毕后才能删除个人信息", en: "an objection to this certificate is not ruled on yet: rule on it before erasing the personal data" });
    }
    if (db.prepare("SELECT 1 FROM chain_intents WHERE dossier_id = ? AND status = 'pending'").get(d.id)) {
      throw conflict("dossier-busy", { zh: "该申报有尚未确认的上链操作", en: "an on-chain action of this dossier is not settled yet" });
    }
    // the body's own words may name the person too (a rejection's reasons)
    db.prepare(
      "UPDATE dossiers SET dossier_json = ?, applicant_name = NULL, evaluation_json = CASE WHEN evaluation_json IS NULL THEN NULL ELSE ? END, rejection_json = CASE WHEN rejection_json IS NULL THEN NULL ELSE ? END, erased_at = ?, erasure_reason = ? WHERE id = ?",
    ).run(ERASED, ERASED, JSON.stringify([{ zh: "（已删除）", en: "(erased)" }]), at, reason, d.id);
    db.prepare("UPDATE credentials SET credential_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    db.prepare("UPDATE reissues SET credential_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    db.prepare("UPDATE chain_intents SET params_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    db.prepare("UPDATE sheets SET sheet_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    db.prepare("UPDATE objections SET statement = '' WHERE dossier_id = ?").run(d.id);
    db.prepare("UPDATE annual_reports SET report_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    db.prepare("UPDATE employer_changes SET report_json = ? WHERE dossier_id = ?").run(ERASED, d.id);
    // nothing of the person is published any more: the consent to publication in the notice ends with the data
    withdrawNoticeConsent(db, d.id, at);
    const entries = db.prepare("SELECT id, details_json FROM audit_log WHERE dossier_id = ?").all(d.id) as { id: number; details_json: string | null }[];
    const upd = db.prepare("UPDATE audit_log SET details_json = ? WHERE id = ?");
    for (const e of entries) upd.run(redact(e.details_json), e.id);
    // files only this applicant uploaded and nothing else cites
    const orphans = files.filter((sha) => !citedElsewhere(db, sha, d.id) && uploadedOnlyBy(db, sha, d.applicant));
    for (const sha of orphans) deleteEvidenceRows(db, sha);
    audit(db, { dossierId: d.id, actor, action: "erase-personal-data", from: cur.state, to: cur.state, details: { reason, files: orphans.length, ...(note ? { noted: true } : {}) } });
    return orphans;
  })();
}

/** Moves the erased cells out of the WAL (call after erasures, outside any transaction). */
export function checkpointErasures(db: Db): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}

function citedFiles(d: DossierRow): string[] {
  try {
    const dossier = JSON.parse(d.dossier_json) as { evidence?: { sha256?: unknown }[] };
    return [...new Set((dossier.evidence ?? []).map((e) => e.sha256).filter((s): s is string => typeof s === "string"))];
  } catch {
    return [];
  }
}

/** cited by another dossier, a lifecycle call or an objection (server/store/evidence.ts's citations) */
const citedElsewhere = (db: Db, sha: string, dossierId: string): boolean =>
  db.prepare("SELECT 1 FROM evidence_citations WHERE sha256 = ? AND (dossier_id != ? OR kind != 'dossier')").get(sha, dossierId) !== undefined ||
  db.prepare("SELECT 1 FROM objections WHERE evidence = ?").get(sha) !== undefined;

function uploadedOnlyBy(db: Db, sha: string, applicant: string): boolean {
  const uploaders = (db.prepare("SELECT uploaded_by FROM evidence_uploads WHERE sha256 = ?").all(sha) as { uploaded_by: string }[]).map((r) => r.uploaded_by);
  return uploaders.length > 0 && uploaders.every((u) => u === applicant);
}

function deleteEvidenceRows(db: Db, sha: string): void {
  db.prepare("DELETE FROM evidence_citations WHERE sha256 = ?").run(sha);
  db.prepare("DELETE FROM evidence_uploads WHERE sha256 = ?").run(sha);
  db.prepare("DELETE FROM evidence WHERE sha256 = ?").run(sha);
}
