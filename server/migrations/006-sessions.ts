/** Migration 6 (sessions): see the owner's comment in sql. Empty until its change lands. */
import type { Migration } from "../db";

export const migration6: Migration = {
  version: 6,
  name: "sessions",
  sql: "",
};
