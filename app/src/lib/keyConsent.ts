/**
 * A signing key's consent to serve a body (contracts v2: EIP-712 `SigningKeyConsent {bodyId, key, deadline}`), as
 * it travels from the key's holder to the association: JSON `{ bodyId?, key, deadline, signature }` — what the body
 * console's consent page (`#/body/key-consent`) and `cqo key consent` produce. The association pastes it; this
 * module checks it field by field (zod) and says what is wrong in words (the problem codes below name texts in
 * the locale files: association.consent.problems.*).
 */
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import type { SigningKeyGrant } from "../../../sdk/eip712";
import { MAX_BODIES } from "../../../sdk/types";

export type { SigningKeyGrant };

export const MAX_BODY_ID = MAX_BODIES;
const MAX_UINT40 = 2 ** 40 - 1;

export type ConsentField = "json" | "bodyId" | "key" | "deadline" | "signature";
/** Each names a text: association.consent.problems.<code>. */
export type ConsentProblemCode = "empty" | "notJson" | "notObject" | "bodyId" | "wrongBody" | "key" | "wrongKey" | "deadline" | "expired" | "signature" | "notSigned";

export interface ConsentProblem {
  field: ConsentField;
  code: ConsentProblemCode;
}

export type ParsedConsent = { ok: true; grant: SigningKeyGrant; bodyId: number | null } | { ok: false; problems: ConsentProblem[] };

const decimal = z.union([z.number(), z.string().regex(/^\d{1,15}$/).transform(Number)]);

/** The JSON's shape. Unknown fields are dropped (a tool may add its own, e.g. the chain). */
export const SigningKeyConsentJson = z.object({
  bodyId: decimal.pipe(z.number().int().min(1).max(MAX_BODY_ID)).optional(),
  key: z
    .string()
    .refine((s) => isAddress(s, { strict: false }))
    .transform((s) => getAddress(s)),
  deadline: decimal.pipe(z.number().int().positive().max(MAX_UINT40)),
  // 65 bytes from an ordinary wallet; a contract wallet (ERC-1271) may sign longer
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2}){65,}$/)
    .transform((s) => s.toLowerCase() as Hex),
});

const FIELDS = ["bodyId", "key", "deadline", "signature"] as const satisfies readonly (ConsentField & ConsentProblemCode)[];

/**
 * Parses a pasted consent for body `expectedBodyId` (null: not known yet). `now` is the chain's time in seconds
 * (a consent past its deadline is refused by the contract). `expectedKey`: when the form already names the key.
 */
export function parseSigningKeyConsent(text: string, expect: { bodyId: number | null; now: number; key?: Address }): ParsedConsent {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problems: [{ field: "json", code: "empty" }] };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return { ok: false, problems: [{ field: "json", code: "notJson" }] };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, problems: [{ field: "json", code: "notObject" }] };
  const r = SigningKeyConsentJson.safeParse(raw);
  if (!r.success) {
    const problems: ConsentProblem[] = [];
    for (const issue of r.error.issues) {
      const field = FIELDS.find((f) => f === issue.path[0]);
      if (field && !problems.some((p) => p.field === field)) problems.push({ field, code: field });
    }
    return { ok: false, problems: problems.length ? problems : [{ field: "json", code: "notObject" }] };
  }
  const { bodyId, key, deadline, signature } = r.data;
  const problems: ConsentProblem[] = [];
  if (bodyId !== undefined && expect.bodyId !== null && bodyId !== expect.bodyId) problems.push({ field: "bodyId", code: "wrongBody" });
  if (expect.key && key !== expect.key) problems.push({ field: "key", code: "wrongKey" });
  if (deadline < expect.now) problems.push({ field: "deadline", code: "expired" });
  if (problems.length) return { ok: false, problems };
  return { ok: true, grant: { key, deadline, signature }, bodyId: bodyId ?? null };
}

/** The JSON the key's holder hands to the association (the body id included, so a mix-up is caught early). */
export function signingKeyConsentJson(bodyId: number, grant: SigningKeyGrant): string {
  return JSON.stringify({ bodyId, key: grant.key, deadline: grant.deadline, signature: grant.signature });
}
