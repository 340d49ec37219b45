/**
 * The sdk's input refusals mapped to the console's fields. The sdk checks every argument with its zod schemas
 * before sending (sdk/schemas.ts parseInput) and names the argument's path, e.g. `accreditation.admin` or
 * `signingKeys.0.signature`; the console shows each next to the field it came from, in the page's language and
 * in words (the field's label and what is wrong: consoleText.ts fieldProblemWords). The path is kept to match on,
 * never shown to the user.
 * The same schemas check a form before its confirmation is shown (checkAccreditation).
 */
import { AccreditationSchema, InvalidInputError } from "../../../sdk/schemas";
import type { ConsoleField } from "./consoleText";

const FIELD_OF_PATH: readonly [RegExp, ConsoleField][] = [
  [/^accreditation\.admin\b/, "admin"],
  [/^(accreditation\.)?accreditedUntil\b/, "until"],
  [/^(accreditation\.)?noticePeriod\b/, "days"],
  [/^(accreditation\.)?scope\b/, "levels"],
  [/^accreditation\.metadata(URI|Hash)\b/, "name"],
  [/^(signingKeys\.\d+|grant|key|deadline|signature)\b/, "consent"],
  [/^voidedBefore\b/, "voidDate"],
  [/^evidenceHash\b/, "reason"],
];

/** a field's problem: which field, the sdk's path and its own (English) words */
export interface FieldProblem {
  field: ConsoleField;
  path: string;
  detail: string;
}

export const fieldOfPath = (path: string): ConsoleField | null => FIELD_OF_PATH.find(([re]) => re.test(path))?.[1] ?? null;

/** "path: message" issues (the sdk's InvalidInputError) as field problems; issues of no known field are left out */
export function problemsOfIssues(issues: readonly string[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const at = issue.indexOf(": ");
    const path = at < 0 ? issue : issue.slice(0, at);
    const field = fieldOfPath(path);
    return field ? [{ field, path, detail: at < 0 ? "" : issue.slice(at + 2) }] : [];
  });
}

/** the field problems of an error thrown by the sdk (none for any other error) */
export const problemsOfError = (err: unknown): FieldProblem[] => (err instanceof InvalidInputError ? problemsOfIssues(err.issues) : []);

/** The accreditation as the sdk will check it, before the confirmation. */
export function checkAccreditation(input: unknown): FieldProblem[] {
  const r = AccreditationSchema.safeParse(input);
  if (r.success) return [];
  return problemsOfIssues(r.error.issues.map((i) => `${["accreditation", ...i.path.map(String)].join(".")}: ${i.message}`));
}
