/**
 * The published rulebooks the workbench assesses against, loaded from the repository's rulebooks/ folder (the
 * same files whose hashes the association registered on-chain). A dossier names its rulebook as "id@version".
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prepareRulebook, type Prepared } from "../scoring";

export const RULEBOOK_DIR = join(__dirname, "..", "rulebooks");

export type RulebookSet = Map<string, Prepared>;

export const rulebookKey = (p: Prepared) => `${p.rulebook.id}@${p.rulebook.version}`;

export function loadRulebooks(dir = RULEBOOK_DIR): RulebookSet {
  const out: RulebookSet = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const r = prepareRulebook(JSON.parse(readFileSync(join(dir, file), "utf8")));
    if (!r.ok) throw new Error(`rulebook ${file} is invalid: ${r.errors.map((e) => `${e.path.join(".")}: ${e.message.en}`).join("; ")}`);
    out.set(rulebookKey(r.value), r.value);
  }
  return out;
}
