/** Migration 9 (personal-data): see the owner's comment in sql. Empty until its change lands. */
import type { Migration } from "../db";

export const migration9: Migration = {
  version: 9,
  name: "personal-data",
  sql: "",
};
