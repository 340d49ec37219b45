/**
 * The `cqo` command. Each command group lives in its own module under commands/ and registers itself
 * here; chain commands (deploy, issue, verify) plug in the same way.
 */
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "./io";
import { register as rulebook } from "./commands/rulebook";
import { register as dossier } from "./commands/dossier";
import { register as evaluate } from "./commands/evaluate";
import { register as disclose } from "./commands/disclose";
import { register as sample } from "./commands/sample";
import { register as chain } from "./commands/chain";

export const COMMANDS: ((program: Command) => void)[] = [rulebook, dossier, evaluate, disclose, sample, chain];

export function buildProgram(): Command {
  const program = new Command("cqo")
    .description("cqo-chain: Chief Quality Officer certification (首席质量官能力水平认定)")
    .exitOverride()
    .addHelpText(
      "after",
      "\nExit codes: 0 ok · 1 invalid input or failed verification · 2 usage · 3 file unreadable or not JSON · 4 evaluated but not issuable",
    );
  for (const register of COMMANDS) register(program);
  return program;
}

export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit through here with code 0
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    } else if (err instanceof CliError) {
      process.stderr.write(`cqo: ${err.message}\n`);
      process.exitCode = err.code;
    } else {
      process.stderr.write(`cqo: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    }
  }
}
