import type { Hex } from "viem";
import legacyRulebookJson from "../../rulebooks/hn-cqo-default-2024.1.json";
import currentRulebookJson from "../../rulebooks/hn-cqo-default-2026.1.json";
import sixRulebookJson from "../../rulebooks/yrd-cqo-six-dimension-example.json";
import { dossierHash, prepareRulebook, type Prepared } from "../../scoring";
import type { Dossier } from "../../scoring/dossier/schema";
import type { PanelSheet } from "../../scoring/panel/schema";
import type { AssessorEntry } from "../../scoring/panel/registry";
import { assessorRegister, devAssessors, signSheet, syntheticDossier, syntheticSheets, type DevAssessor, type UnsignedSheet } from "../../scoring/synthetic";

/** hn-cqo-default 2024.1 (cqo-rulebook/1): still registered, its evaluations must reproduce. */
export const RULEBOOK_2024_1: unknown = legacyRulebookJson;
/** hn-cqo-default 2026.1 (cqo-rulebook/2): the default rulebook now; its sheets need the body's assessor register. */
export const RULEBOOK_2026_1: unknown = currentRulebookJson;
/**
 * The rulebook of the tests that do not pass an assessor register (credential.test.ts calls verifySheets itself):
 * 2024.1, whose conflict-of-interest check reads the sheet. Tests of the rules of 2026.1 use RULEBOOK_2026_1.
 */
export const DEFAULT_RULEBOOK: unknown = RULEBOOK_2024_1;
export const SIX_DIMENSION_RULEBOOK: unknown = sixRulebookJson;

export function prepared(json: unknown = DEFAULT_RULEBOOK): Prepared {
  const r = prepareRulebook(json);
  if (!r.ok) throw new Error(`fixture rulebook invalid: ${JSON.stringify(r.errors)}`);
  return r.value;
}

export const ASSESSORS: DevAssessor[] = devAssessors(7);
/** the body's register of ASSESSORS, each with the employer their sheets declare */
export const REGISTER: AssessorEntry[] = assessorRegister(ASSESSORS);

export interface Case {
  rb: Prepared;
  dossier: Dossier;
  dossierHash: Hex;
  unsigned: UnsignedSheet[];
  sheets: PanelSheet[];
}

/** A dossier with `n` sheets signed by the first n development assessors. */
export async function makeCase(seed: number, n = 5, rbJson: unknown = DEFAULT_RULEBOOK, edit?: (d: Dossier) => void, jitter = 80): Promise<Case> {
  const rb = prepared(rbJson);
  const dossier = syntheticDossier(seed);
  edit?.(dossier);
  const dh = dossierHash(dossier);
  const unsigned = syntheticSheets(rb.rulebook, rb.rulebookHash, dh, ASSESSORS.slice(0, n), seed, jitter);
  const sheets = await Promise.all(unsigned.map((s, i) => signSheet(s, ASSESSORS[i]!.key)));
  return { rb, dossier, dossierHash: dh, unsigned, sheets };
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The same JSON value with every object's keys in a different order. */
export function shuffleKeys(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rand));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, rand)]));
  }
  return value;
}
export { prng } from "../../scoring/synthetic";
