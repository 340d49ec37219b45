/** The measured work, shared by the in-process stages and the streaming child. */
import {
  assessorLookup,
  buildCredential,
  dossierHash,
  evaluateChecked,
  parseDossier,
  parseSheets,
  trustVerifiedSheets,
  verifySheets,
  type Prepared,
} from "../../scoring";
import { assessorRegister, devAssessors } from "../../scoring/synthetic";
import type { BenchRecord } from "./fixtures";

/** The body's register of the bench's assessors (fixtures.ts): a rulebook/2 checks employers against it. */
const registered = assessorLookup(assessorRegister(devAssessors(5)));

export type Outcome = "committed" | "not-issuable" | "invalid";

/** validate → verify 5 signatures → evaluate → commit */
export async function fullPipeline(rb: Prepared, rec: BenchRecord): Promise<Outcome> {
  const d = parseDossier(rec.dossier);
  const s = parseSheets(rec.sheets);
  if (!d.ok || !s.ok) return "invalid";
  const dh = dossierHash(d.value);
  const panel = await verifySheets({ ...rb, dossier: d.value, dossierHash: dh, registered }, s.value);
  return commit(rb, d.value, dh, panel);
}

/** validate → evaluate → commit, with the sheets' signatures verified earlier (on upload) */
export function verifiedPipeline(rb: Prepared, rec: BenchRecord): Outcome {
  const d = parseDossier(rec.dossier);
  const s = parseSheets(rec.sheets);
  if (!d.ok || !s.ok) return "invalid";
  const dh = dossierHash(d.value);
  const panel = trustVerifiedSheets({ ...rb, dossier: d.value, dossierHash: dh, registered }, s.value.map((sheet, i) => ({ sheet, digest: rec.digests[i]! })));
  return commit(rb, d.value, dh, panel);
}

function commit(rb: Prepared, dossier: Parameters<typeof evaluateChecked>[1], dh: `0x${string}`, panel: Parameters<typeof evaluateChecked>[3]): Outcome {
  const evaluation = evaluateChecked(rb, dossier, dh, panel);
  if (!evaluation.issuable) return "not-issuable";
  const c = buildCredential({ evaluation, dossier, sheets: panel.accepted }, { trustDossierHash: true });
  return c.ok ? "committed" : "not-issuable";
}
