/** Migration 7 (objections): see the owner's comment in sql. Empty until its change lands. */
import type { Migration } from "../db";

export const migration7: Migration = {
  version: 7,
  name: "objections",
  sql: "",
};
