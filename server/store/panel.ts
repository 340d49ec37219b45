/** Data access for assessors, panels and their signed sheets. */
import { getAddress, isAddress, type Address, type Hex } from "viem";
import type { AssessorLookup } from "../../scoring";
import type { Db } from "../db";

export interface AssessorRow {
  address: Address;
  assessor_id: string;
  name: string;
  employer_uscc: string;
  active: number;
  registered_by: string;
  registered_at: number;
}

export interface SheetRow {
  dossier_id: string;
  round: number;
  assessor: Address;
  sheet_json: string;
  digest: Hex;
  received_at: number;
}

export const getAssessor = (db: Db, address: string): AssessorRow | undefined => db.prepare("SELECT * FROM assessors WHERE address = ?").get(address) as AssessorRow | undefined;

export const assessorByAddressOrId = (db: Db, address: string, assessorId: string): AssessorRow | undefined =>
  db.prepare("SELECT * FROM assessors WHERE address = ? OR assessor_id = ?").get(address, assessorId) as AssessorRow | undefined;

export function upsertAssessor(db: Db, a: { address: Address; assessorId: string; name: string; employerUscc: string; registeredBy: string; at: number }): void {
  db.prepare(
    `INSERT INTO assessors (address, assessor_id, name, employer_uscc, active, registered_by, registered_at) VALUES (?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT(address) DO UPDATE SET name = excluded.name, employer_uscc = excluded.employer_uscc, active = 1`,
  ).run(a.address, a.assessorId, a.name, a.employerUscc, a.registeredBy, a.at);
}

/** GET /assessors: a page by assessor number after `afterId`, all or only the active (or inactive) ones */
export function assessorsPage(db: Db, active: boolean | undefined, afterId: string, limit: number): AssessorRow[] {
  return (
    active === undefined
      ? db.prepare("SELECT * FROM assessors WHERE assessor_id > ? ORDER BY assessor_id LIMIT ?").all(afterId, limit)
      : db.prepare("SELECT * FROM assessors WHERE active = ? AND assessor_id > ? ORDER BY assessor_id LIMIT ?").all(active ? 1 : 0, afterId, limit)
  ) as AssessorRow[];
}

export const assessorsCount = (db: Db, active: boolean | undefined, cap: number): number =>
  (
    (active === undefined
      ? db.prepare("SELECT COUNT(*) AS n FROM (SELECT 1 FROM assessors LIMIT ?)").get(cap + 1)
      : db.prepare("SELECT COUNT(*) AS n FROM (SELECT 1 FROM assessors WHERE active = ? LIMIT ?)").get(active ? 1 : 0, cap + 1)) as { n: number }
  ).n;

/**
 * The body's register as the engine takes it (scoring's AssessorLookup): for a sheet's assessor address, the
 * assessor number and the employer registered now. A rulebook/2 judges conflicts of interest on this employer
 * and refuses a sheet that declares another; an assessor who moved employer since signing is refused, which is
 * the safe side (the new employer may be the applicant's).
 */
export function assessorRegisterOf(db: Db): AssessorLookup {
  const stmt = db.prepare("SELECT assessor_id, employer_uscc FROM assessors WHERE address = ?");
  return (address) => {
    if (!isAddress(address, { strict: false })) return undefined;
    const row = stmt.get(getAddress(address)) as { assessor_id: string; employer_uscc: string } | undefined;
    return row ? { id: row.assessor_id, employerUscc: row.employer_uscc } : undefined;
  };
}

/** true when an assessor was deactivated */
export const deactivateAssessor = (db: Db, address: string): boolean => db.prepare("UPDATE assessors SET active = 0 WHERE address = ?").run(address).changes === 1;

/** on the dossier's panel in any round */
export const isPanelMember = (db: Db, dossierId: string, address: string): boolean =>
  db.prepare("SELECT 1 FROM panel_members WHERE dossier_id = ? AND assessor = ?").get(dossierId, address) !== undefined;

/** on the panel of this round */
export const isRoundMember = (db: Db, dossierId: string, round: number, address: string): boolean =>
  db.prepare("SELECT 1 FROM panel_members WHERE dossier_id = ? AND round = ? AND assessor = ?").get(dossierId, round, address) !== undefined;

export const panelOf = (db: Db, dossierId: string, round: number): { assessor: Address; assessor_id: string; name: string; employer_uscc: string }[] =>
  db.prepare("SELECT p.assessor, a.assessor_id, a.name, a.employer_uscc FROM panel_members p JOIN assessors a ON a.address = p.assessor WHERE p.dossier_id = ? AND p.round = ?").all(dossierId, round) as {
    assessor: Address;
    assessor_id: string;
    name: string;
    employer_uscc: string;
  }[];

export function addPanel(db: Db, dossierId: string, round: number, assessors: readonly string[]): void {
  const ins = db.prepare("INSERT INTO panel_members (dossier_id, round, assessor) VALUES (?, ?, ?)");
  for (const a of assessors) ins.run(dossierId, round, a);
}

export const roundSheets = (db: Db, dossierId: string, round: number): SheetRow[] =>
  db.prepare("SELECT * FROM sheets WHERE dossier_id = ? AND round = ? ORDER BY assessor").all(dossierId, round) as SheetRow[];

export const sheetOf = (db: Db, dossierId: string, round: number, assessor: string): SheetRow | undefined =>
  db.prepare("SELECT * FROM sheets WHERE dossier_id = ? AND round = ? AND assessor = ?").get(dossierId, round, assessor) as SheetRow | undefined;

/** every sheet one assessor handed in for a dossier, all rounds */
export const sheetsBy = (db: Db, dossierId: string, assessor: string): SheetRow[] =>
  db.prepare("SELECT * FROM sheets WHERE dossier_id = ? AND assessor = ? ORDER BY round").all(dossierId, assessor) as SheetRow[];

export function insertSheet(db: Db, s: { dossierId: string; round: number; assessor: string; sheetJson: string; digest: Hex; at: number }): void {
  db.prepare("INSERT INTO sheets (dossier_id, round, assessor, sheet_json, digest, received_at) VALUES (?, ?, ?, ?, ?, ?)").run(s.dossierId, s.round, s.assessor, s.sheetJson, s.digest, s.at);
}

/** panel members of the round and sheets handed in */
export function roundProgress(db: Db, dossierId: string, round: number): { members: number; sheets: number } {
  const members = (db.prepare("SELECT COUNT(*) AS n FROM panel_members WHERE dossier_id = ? AND round = ?").get(dossierId, round) as { n: number }).n;
  const sheets = (db.prepare("SELECT COUNT(*) AS n FROM sheets WHERE dossier_id = ? AND round = ?").get(dossierId, round) as { n: number }).n;
  return { members, sheets };
}
