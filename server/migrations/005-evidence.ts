/** Migration 5 (evidence): see the owner's comment in sql. Empty until its change lands. */
import type { Migration } from "../db";

export const migration5: Migration = {
  version: 5,
  name: "evidence",
  sql: "",
};
