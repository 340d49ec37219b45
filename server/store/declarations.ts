/** The integrity declarations and the consents to publication in the notice (migration 10). */
import type { Address, Hex } from "viem";
import type { Db } from "../db";

export interface DeclarationRow {
  dossier_id: string;
  applicant: Address;
  signature: Hex;
  signed_at: number;
  declaration_version: string;
  dossier_digest: Hex;
  publish_in_notice: 0 | 1;
  consent_withdrawn_at: number | null;
  received_at: number;
}

export function insertDeclaration(db: Db, row: Omit<DeclarationRow, "consent_withdrawn_at">): void {
  db.prepare(
    "INSERT INTO declarations (dossier_id, applicant, signature, signed_at, declaration_version, dossier_digest, publish_in_notice, received_at) VALUES (@dossier_id, @applicant, @signature, @signed_at, @declaration_version, @dossier_digest, @publish_in_notice, @received_at)",
  ).run(row);
}

export const declarationBySignature = (db: Db, signature: Hex): DeclarationRow | undefined =>
  db.prepare("SELECT * FROM declarations WHERE signature = ?").get(signature) as DeclarationRow | undefined;

export function declarationOf(db: Db, dossierId: string): DeclarationRow | undefined {
  return db.prepare("SELECT * FROM declarations WHERE dossier_id = ?").get(dossierId) as DeclarationRow | undefined;
}

/** The applicant withdraws the consent to publication (or erasure does it for them); returns whether it stood. */
export function withdrawNoticeConsent(db: Db, dossierId: string, at: number): boolean {
  return db.prepare("UPDATE declarations SET publish_in_notice = 0, consent_withdrawn_at = ? WHERE dossier_id = ? AND publish_in_notice = 1").run(at, dossierId).changes > 0;
}
