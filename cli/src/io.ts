/** Files, output and exit codes: everything the pure scoring library must not do lives here. */
import { readFileSync } from "node:fs";
import { formatPath, type Problem } from "../../scoring";

/** Exit codes scripts can rely on. */
export const EXIT = {
  OK: 0,
  /** the input was read but is invalid, or a verification failed */
  INVALID: 1,
  /** wrong usage: unknown option, missing argument */
  USAGE: 2,
  /** a file could not be read or written, or is not JSON */
  IO: 3,
  /** evaluated, but no certificate may be issued (not certified, flagged or incomplete panel) */
  NOT_ISSUABLE: 4,
} as const;

export class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.IO);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${file} is not JSON: ${(err as Error).message}`, EXIT.IO);
  }
}

export interface OutputOptions {
  json?: boolean;
}

export function printProblems(problems: readonly Problem[], prefix = ""): void {
  for (const p of problems) {
    process.stdout.write(`  ✗ ${prefix}${formatPath(p.path)}: ${p.message.zh} / ${p.message.en}\n`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
