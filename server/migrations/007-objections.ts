/**
 * Migration 7 (objections, issue #10): the filer's EIP-712 signature of the statement and the signed struct, and
 * the limits that keep a relayed objection from being an unpaid way to hold a certificate pending, in SQL so that
 * two concurrent requests (or two processes) cannot both file:
 * - one open objection (status 'filing' or 'filed') per filer and certificate;
 * - one open objection per certificate at all (the contract holds one at a time: a second is refused on-chain);
 * - a signed statement is filed once: its digest (the on-chain evidence hash) is unique among signed rows.
 * Rows from before (and objections filed straight to the contract, which the re-sync records) have no signature.
 */
import type { Migration } from "../db";

export const migration7: Migration = {
  version: 7,
  name: "objections",
  sql: `
    -- the filer's signature (0x-hex) and the signed ObjectionStatement {domain, primaryType, message} as JSON
    ALTER TABLE objections ADD COLUMN signature TEXT;
    ALTER TABLE objections ADD COLUMN signed_json TEXT;
    CREATE UNIQUE INDEX objections_open_per_filer ON objections(token_id, filer) WHERE status IN ('filing', 'filed');
    CREATE UNIQUE INDEX objections_open_per_certificate ON objections(token_id) WHERE status IN ('filing', 'filed');
    CREATE UNIQUE INDEX objections_signed_statement ON objections(evidence_hash) WHERE signature IS NOT NULL;
    CREATE INDEX objections_token_filer ON objections(token_id, filer);
  `,
};
