/**
 * Migration 10: the applicant's integrity declaration (诚信承诺书), signed in the wallet as EIP-712 with the dossier
 * (sdk/declaration.ts), and the separate consent to publishing name, employer and level during the public notice
 * (PIPL art. 25/29: its own consent, withdrawable). One row per dossier; erasure withdraws the consent.
 */
import type { Migration } from "../db";

export const migration10: Migration = {
  version: 10,
  name: "integrity declaration",
  sql: `
    CREATE TABLE declarations (
      dossier_id TEXT PRIMARY KEY REFERENCES dossiers(id),
      applicant TEXT NOT NULL,
      signature TEXT NOT NULL,
      signed_at INTEGER NOT NULL,
      declaration_version TEXT NOT NULL,
      dossier_digest TEXT NOT NULL,
      publish_in_notice INTEGER NOT NULL CHECK (publish_in_notice IN (0, 1)),
      consent_withdrawn_at INTEGER,
      received_at INTEGER NOT NULL
    );
    -- one dossier per signed declaration (the signature with a canonical v: server/signatures.ts canonicalSignature)
    CREATE UNIQUE INDEX declarations_signature ON declarations(signature);
  `,
};
