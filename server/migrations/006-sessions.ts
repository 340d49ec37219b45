/**
 * Migration 6 (sessions): indexes for the periodic purge of nonces and sessions (server/auth.ts, purgeAuth), so
 * that it walks only the rows it deletes. No cookie column or table: sessions are bearer tokens only.
 */
import type { Migration } from "../db";

export const migration6: Migration = {
  version: 6,
  name: "sessions",
  sql: `
    CREATE INDEX IF NOT EXISTS siwe_nonces_expires ON siwe_nonces(expires_at);
    CREATE INDEX IF NOT EXISTS siwe_nonces_used ON siwe_nonces(used_at) WHERE used_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires_at);
    CREATE INDEX IF NOT EXISTS sessions_revoked ON sessions(revoked_at) WHERE revoked_at IS NOT NULL;
  `,
};
