/**
 * Data access for dossiers and their audit log: every SQL statement about a dossier row lives here, so the routes
 * say what they need ("the dossiers this wallet may see") and not how it is stored.
 */
import type { Address, Hex } from "viem";
import type { Db } from "../db";
import type { State } from "../workflow";

export interface DossierRow {
  id: string;
  applicant: Address;
  rulebook_key: string;
  state: State;
  round: number;
  dossier_json: string;
  dossier_hash: Hex;
  rejection_json: string | null;
  evaluation_json: string | null;
  outcome: string | null;
  token_id: string | null;
  /** the wallet holding the certificate now when it moved (re-issue); null: the applicant */
  holder: Address | null;
  created_at: number;
  updated_at: number;
}

export const getDossier = (db: Db, id: string): DossierRow | undefined => db.prepare("SELECT * FROM dossiers WHERE id = ?").get(id) as DossierRow | undefined;

export const dossierByToken = (db: Db, tokenId: string): DossierRow | undefined => db.prepare("SELECT * FROM dossiers WHERE token_id = ?").get(tokenId) as DossierRow | undefined;

/** the wallet that holds the dossier's certificate now */
export const holderOf = (d: DossierRow): Address => d.holder ?? d.applicant;

export function insertDossier(db: Db, row: { id: string; applicant: Address; rulebookKey: string; dossierJson: string; dossierHash: Hex; at: number }): void {
  db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, round, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, ?, ?, 'submitted', 1, ?, ?, ?, ?)").run(
    row.id,
    row.applicant,
    row.rulebookKey,
    row.dossierJson,
    row.dossierHash,
    row.at,
    row.at,
  );
}

export const allDossiers = (db: Db): DossierRow[] => db.prepare("SELECT * FROM dossiers ORDER BY created_at, id").all() as DossierRow[];

/** the dossiers a non-operator may see: their own, the certificates they hold, the ones on their panels */
export const dossiersVisibleTo = (db: Db, address: Address, assessor: boolean): DossierRow[] =>
  db
    .prepare("SELECT * FROM dossiers WHERE applicant = ? OR holder = ? OR (? = 1 AND id IN (SELECT dossier_id FROM panel_members WHERE assessor = ?)) ORDER BY created_at, id")
    .all(address, address, assessor ? 1 : 0, address) as DossierRow[];

export interface AuditRow {
  actor: string;
  role: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  details_json: string | null;
  at: number;
}

export const auditOf = (db: Db, dossierId: string): AuditRow[] => db.prepare("SELECT * FROM audit_log WHERE dossier_id = ? ORDER BY id").all(dossierId) as AuditRow[];

/** the credential the dossier's certificate commits to now (the latest: a renewal's or a re-issue's) */
export const latestCredential = (db: Db, dossierId: string): { root: Hex; credential_json: string; source_dossier_id: string | null } | undefined =>
  db.prepare("SELECT root, credential_json, source_dossier_id FROM credentials WHERE dossier_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").get(dossierId) as
    | { root: Hex; credential_json: string; source_dossier_id: string | null }
    | undefined;
