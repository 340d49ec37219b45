/**
 * 抽查 (the association's sampling audit): what the body answers about one of its certificates. The answer is the
 * evaluation record the certificate commits to, as a disclosure of the credential's non-personal fields (level,
 * total, each dimension, rulebook, dossier hash, panel commitment: value, salt, Merkle proof) and the evaluation
 * itself. The personal leaves (name, ID number, employer) stay behind their salts: the association checks the
 * disclosed values against the on-chain resultRoot without ever seeing who the holder is.
 */
import type { Hex } from "viem";
import { Credential, disclose, type Disclosure, type Evaluation } from "../../scoring";
import type { Db } from "../db";
import { dossierByToken, getDossier, latestCredential } from "./dossiers";

/** the credential fields that are personal data (formats /1 and /2): never in an audit answer */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set(["name", "idNumber", "employer.name", "employer.creditCode", "applicant"]);

export interface AuditRecord {
  tokenId: string;
  dossierId: string;
  state: string;
  /** the root the body's credential commits to (the chain's resultRoot, unless the body's records are wrong) */
  root: Hex;
  disclosure: Disclosure;
  /** the evaluation of the dossier the credential was built from (a renewal's own dossier), or null if erased */
  evaluation: ReturnType<typeof auditedFigures> | null;
}

/** not found: no certificate of this body; erased: its credential was erased (retention, or the holder's request) */
export type AuditLookup = { found: true; record: AuditRecord } | { found: false; what: "certificate" | "credential" | "erased" };

export function auditRecordOf(db: Db, tokenId: string): AuditLookup {
  const d = dossierByToken(db, tokenId);
  if (!d || d.token_id === null) return { found: false, what: "certificate" };
  const row = latestCredential(db, d.id);
  if (!row) return { found: false, what: "credential" };
  let stored: unknown;
  try {
    stored = JSON.parse(row.credential_json);
  } catch {
    return { found: false, what: "erased" };
  }
  const parsed = Credential.safeParse(stored);
  if (!parsed.success) return { found: false, what: "erased" };
  const credential = parsed.data;
  const names = credential.fields.map((f) => f.name).filter((n) => !PERSONAL_FIELDS.has(n));
  const disclosed = disclose(credential, names);
  if (!disclosed.ok) throw new Error(`the stored credential of ${d.id} cannot be disclosed: ${disclosed.errors.map((e) => e.message.en).join("; ")}`);
  const source = row.source_dossier_id ? getDossier(db, row.source_dossier_id) : d;
  const evaluationJson = source?.evaluation_json ?? null;
  return {
    found: true,
    record: {
      tokenId: d.token_id,
      dossierId: d.id,
      state: d.state,
      root: row.root,
      disclosure: disclosed.value,
      evaluation: evaluationJson ? auditedFigures(JSON.parse(evaluationJson) as Evaluation) : null,
    },
  };
}

/**
 * What of the evaluation an audit checks: the result, its scores and what it was computed from. Not its reasons,
 * explanations or eligibility lines: those speak of the person (a criminal record's flag, a credit rating, years
 * and education), which the association does not need to check a body's arithmetic against the chain (PIPL art. 6).
 */
export function auditedFigures(e: Evaluation) {
  return {
    level: e.level,
    total: e.total,
    totalMax: e.totalMax,
    dossier: { hash: e.dossier.hash },
    rulebook: { id: e.rulebook.id, version: e.rulebook.version, hash: e.rulebook.hash },
    dimensions: e.dimensions.map((d) => ({ id: d.id, name: d.name, points: d.points, max: d.max })),
  };
}
