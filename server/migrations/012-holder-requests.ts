/**
 * Migration 12: the holder's own requests about their certificate (issue #13): revocation at the holder's request
 * (撤销申请, revoked on-chain by the body with reason HolderRequest). The holder's words stay in the audit log (the
 * note, redacted on erasure), never here: a row says only who asked for what, why (a fixed list) and how it ended.
 */
import type { Migration } from "../db";

export const migration12: Migration = {
  version: 12,
  name: "holder requests",
  sql: `
    CREATE TABLE holder_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      dossier_id TEXT NOT NULL REFERENCES dossiers(id),
      token_id TEXT NOT NULL,
      holder TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('revocation')),
      reason TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'done')),
      created_at INTEGER NOT NULL,
      handled_at INTEGER
    );
    -- one open request of a kind per certificate
    CREATE UNIQUE INDEX holder_requests_open ON holder_requests(dossier_id, kind) WHERE status = 'open';
  `,
};
