/**
 * 区块链存证 without personal data. The evaluation record becomes a salted Merkle tree whose root is the
 * certificate's resultRoot; the holder keeps the credential (every field with its salt and proof) and
 * discloses only chosen fields.
 *
 * Leaf scheme (fixed, the same in every format):
 *   leaf  = StandardMerkleTree leaf of (string name, bytes32 salt, bytes32 valueHash)
 *   valueHash = keccak256(UTF-8 of the RFC 8785 canonical JSON of the field's value)
 *   salt  = 32 bytes from a CSPRNG, one per field
 * Without its salt a leaf reveals nothing: an ID number's ~10^9 candidates are hopeless against 2^256 salts.
 *
 * Record formats (what the leaves are; a verifier needs only the leaf scheme, so every format verifies alike):
 * - "cqo-credential/2" (built today): level, total, dimension.<id> for each dimension, rulebook (its hash),
 *   dossier (dossierHash), name, idNumber, employer.name, employer.creditCode (统一社会信用代码), panel (panel
 *   commitment over the signed sheets). Each item of personal data has its own leaf, so the printed certificate
 *   can prove name, employer and level without the ID number. Disclosures of it are "cqo-disclosure/2".
 * - "cqo-credential/1" (certificates issued before): the same but the applicant as ONE leaf, applicant =
 *   { idNumber, name }, and no employer. Still accepted by Credential, disclose() and verifyDisclosure, with
 *   disclosures "cqo-disclosure/1".
 */
import { z } from "zod";
import type { Hex } from "viem";
import type { Dossier } from "../dossier/schema";
import { fail, ok, problem, type Problem, type Result } from "../errors";
import { dossierHash, panelCommitment } from "../evaluate/evaluate";
import type { Evaluation } from "../evaluate/types";
import type { VerifiedSheet } from "../panel/verify";
import { canonical } from "../rulebook/hash";
import { hexOf, keccakUtf8, keccakUtf8Into } from "./keccak";
import { buildTreeFrom, LEAF_ENCODING, type LeafValue } from "./merkle";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const jsonValue: z.ZodType<unknown> = z.unknown().refine((v) => v !== undefined, "value is required");

export const CredentialField = z.strictObject({
  name: z.string().min(1).max(64),
  value: jsonValue,
  salt: hex32,
  valueHash: hex32,
  proof: z.array(hex32).max(64),
});

export const CREDENTIAL_FORMATS = ["cqo-credential/1", "cqo-credential/2"] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];
/** The format new credentials are built in. */
export const CREDENTIAL_FORMAT = "cqo-credential/2" satisfies CredentialFormat;
/** A credential's disclosures carry the same version as the credential. */
export const DISCLOSURE_FORMAT_OF = { "cqo-credential/1": "cqo-disclosure/1", "cqo-credential/2": "cqo-disclosure/2" } as const;

const leafEncoding = z.tuple([z.literal("string"), z.literal("bytes32"), z.literal("bytes32")]);

const credentialOf = <F extends CredentialFormat>(format: F) =>
  z.strictObject({
    format: z.literal(format),
    root: hex32,
    leafEncoding,
    fields: z.array(CredentialField).min(1),
    /** StandardMerkleTree dump, so a holder can load the tree with @openzeppelin/merkle-tree */
    tree: z.strictObject({
      format: z.literal("standard-v1"),
      leafEncoding: z.array(z.string()),
      tree: z.array(hex32),
      values: z.array(z.strictObject({ value: z.tuple([z.string(), hex32, hex32]), treeIndex: z.number().int().min(0) })),
    }),
  });

export const CredentialV1 = credentialOf("cqo-credential/1");
export const CredentialV2 = credentialOf("cqo-credential/2");
/** Any credential a holder may have: of the current format or of an earlier one. */
export const Credential = z.discriminatedUnion("format", [CredentialV1, CredentialV2]);

export const DisclosureField = CredentialField.omit({ valueHash: true });

const disclosureOf = <F extends (typeof DISCLOSURE_FORMAT_OF)[CredentialFormat]>(format: F) =>
  z.strictObject({
    format: z.literal(format),
    root: hex32,
    leafEncoding,
    fields: z.array(DisclosureField).min(1),
  });

export const DisclosureV1 = disclosureOf("cqo-disclosure/1");
export const DisclosureV2 = disclosureOf("cqo-disclosure/2");
export const Disclosure = z.discriminatedUnion("format", [DisclosureV1, DisclosureV2]);

export type Credential = z.infer<typeof Credential>;
export type CredentialField = z.infer<typeof CredentialField>;
export type Disclosure = z.infer<typeof Disclosure>;

export interface CommitOptions {
  /** only for reproducible tests; production uses the platform CSPRNG */
  randomBytes?: (length: number) => Uint8Array;
  /**
   * Skip re-hashing the dossier to check it belongs to the evaluation (the caller just computed both);
   * the check costs one canonicalisation and keccak of the dossier.
   */
  trustDossierHash?: boolean;
}

const POOL_SIZE = 8192;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;

/**
 * Fresh bytes from the platform CSPRNG (crypto.getRandomValues). Small requests are served from a pool
 * filled 8 KiB at a time, because the call itself costs more than the 352 bytes of one record's salts;
 * every byte is handed out once and the copy returned is the caller's own.
 */
export function csprngBytes(length: number): Uint8Array {
  if (length > POOL_SIZE / 4) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 65_536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65_536)));
    return out;
  }
  if (poolAt + length > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const out = pool.slice(poolAt, poolAt + length);
  pool.fill(0, poolAt, poolAt + length);
  poolAt += length;
  return out;
}

export function valueHash(value: unknown): Hex {
  return keccakUtf8(canonical(value));
}

/**
 * The record's fields in their fixed order (format "cqo-credential/2"). Name, ID number, employer name and credit
 * code are separate leaves: a holder proves any of them without the others.
 */
export function recordFields(evaluation: Evaluation, dossier: Dossier): { name: string; value: unknown }[] {
  return [
    { name: "level", value: evaluation.level },
    { name: "total", value: evaluation.total },
    ...evaluation.dimensions.map((d) => ({ name: `dimension.${d.id}`, value: d.points })),
    { name: "rulebook", value: evaluation.rulebook.hash },
    { name: "dossier", value: evaluation.dossier.hash },
    { name: "name", value: dossier.applicant.name },
    { name: "idNumber", value: dossier.applicant.idNumber },
    { name: "employer.name", value: dossier.employer.name },
    { name: "employer.creditCode", value: dossier.employer.uscc },
    { name: "panel", value: evaluation.panel.commitment },
  ];
}

export interface CredentialInput {
  evaluation: Evaluation;
  dossier: Dossier;
  /** the accepted sheets; their hashes must give the evaluation's panel commitment */
  sheets: readonly VerifiedSheet[];
}

/** Builds the salted record for an issuable evaluation; returns the resultRoot and the holder's credential. */
export function buildCredential(input: CredentialInput, options: CommitOptions = {}): Result<{ root: Hex; credential: Credential }> {
  const { evaluation, dossier, sheets } = input;
  const errors: Problem[] = [];
  if (!evaluation.issuable || evaluation.level === null) {
    errors.push(problem(["evaluation", "issuable"], "该评价结果不可发证", "this evaluation cannot be issued"));
  }
  if (dossier.dossierId !== evaluation.dossier.id || (!options.trustDossierHash && dossierHash(dossier) !== evaluation.dossier.hash)) {
    errors.push(problem(["dossier"], "申报材料与评价结果不对应", "the dossier is not the one evaluated"));
  }
  if (panelCommitment(sheets.map((s) => s.sheetHash)) !== evaluation.panel.commitment) {
    errors.push(problem(["sheets"], "评分表与评价结果不对应", "the sheets are not the ones evaluated"));
  }
  if (errors.length) return fail(errors);

  const fields = recordFields(evaluation, dossier);
  const n = fields.length;
  // one CSPRNG call for all salts; salts and value hashes stay bytes for the tree, hex for the file
  const salts = (options.randomBytes ?? csprngBytes)(32 * n);
  if (salts.length < 32 * n) throw new Error(`randomBytes returned ${salts.length} bytes, ${32 * n} needed`);
  const valueHashes = new Uint8Array(32 * n);
  const values: LeafValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    keccakUtf8Into(canonical(fields[i]!.value), valueHashes, 32 * i);
    values[i] = [fields[i]!.name, hexOf(salts, 32 * i, 32 * i + 32), hexOf(valueHashes, 32 * i, 32 * i + 32)];
  }
  const tree = buildTreeFrom(values, salts, valueHashes);
  const credential: Credential = {
    format: CREDENTIAL_FORMAT,
    root: tree.root,
    leafEncoding: [...LEAF_ENCODING],
    fields: fields.map((f, i) => ({ name: f.name, value: f.value, salt: values[i]![1], valueHash: values[i]![2], proof: tree.proofs[i]! })),
    tree: tree.dump,
  };
  return ok({ root: tree.root, credential });
}

/**
 * The fields the printed certificate shows and its QR code proves: name, employer and level, never the ID number
 * (format "cqo-credential/2"; a credential of format /1 has no separate name or employer leaf).
 */
export const PRINTED_FIELDS = ["name", "employer.name", "level"] as const;

/** A disclosure revealing only `names` (each once, in the order given); everything else stays behind its salted leaf. */
export function disclose(credential: Credential, names: readonly string[]): Result<Disclosure> {
  const errors: Problem[] = [];
  const unique = [...new Set(names)];
  const fields = unique.map((name, i) => {
    const f = credential.fields.find((x) => x.name === name);
    if (!f) errors.push(problem(["fields", i], `凭证中没有字段 "${name}"`, `the credential has no field "${name}"`));
    return f;
  });
  if (unique.length === 0) errors.push(problem(["fields"], "至少选择一个字段", "choose at least one field"));
  if (errors.length) return fail(errors);
  return ok({
    format: DISCLOSURE_FORMAT_OF[credential.format],
    root: credential.root,
    leafEncoding: [...LEAF_ENCODING],
    fields: fields.map((f) => ({ name: f!.name, value: f!.value, salt: f!.salt, proof: f!.proof })),
  });
}
