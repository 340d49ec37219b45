/**
 * The body's register of assessors (评审专家库) as the engine takes it: for each assessor address, the assessor
 * number and the employer the body registered. Under a rulebook/2 the conflict-of-interest check uses this
 * employer, never the one a sheet declares (a sheet declaring another is refused).
 */
import { z } from "zod";
import { Uscc } from "../dossier/schema";
import { encodeMessage, fail, fromThrown, fromZod, ok, type Result } from "../errors";

export interface RegisteredAssessor {
  id: string;
  employerUscc: string;
}

/** The registered assessor at an address (any letter case), or undefined for someone the body never registered. */
export type AssessorLookup = (address: string) => RegisteredAssessor | undefined;

export const AssessorEntry = z.strictObject({
  id: z.string().min(1).max(64),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, encodeMessage({ zh: "评审专家地址应为 20 字节十六进制", en: "assessor address must be 20 bytes of hex" })),
  employerUscc: Uscc,
});

export const AssessorRegister = z.array(AssessorEntry).max(10_000);
export type AssessorEntry = z.infer<typeof AssessorEntry>;

/** A lookup over a list of entries; a later entry for the same address replaces an earlier one. */
export function assessorLookup(entries: readonly AssessorEntry[]): AssessorLookup {
  const byAddress = new Map(entries.map((e) => [e.address.toLowerCase(), { id: e.id, employerUscc: e.employerUscc }]));
  return (address) => byAddress.get(address.toLowerCase());
}

/** The register from untrusted JSON, as a lookup; errors with paths otherwise. */
export function parseAssessorRegister(input: unknown): Result<AssessorLookup> {
  try {
    const r = AssessorRegister.safeParse(input);
    return r.success ? ok(assessorLookup(r.data)) : fail(fromZod(r.error));
  } catch (err) {
    return fail([fromThrown([], err)]);
  }
}
