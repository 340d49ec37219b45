import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { Credential, disclose, fromZod, verifyDisclosure } from "../../../scoring";
import { CliError, EXIT, printJson, printProblems, readJson } from "../io";

export function register(program: Command): void {
  program
    .command("disclose")
    .description("make a disclosure that reveals only the chosen fields of a credential (cqo-credential/2, or /1 of earlier certificates)")
    .argument("<credential>", "credential JSON written by `cqo evaluate --credential`")
    .requiredOption("--fields <names>", "comma-separated field names, e.g. level,total or name,employer.name,level (the printed certificate's, without idNumber)")
    .option("--out <file>", "write the disclosure here instead of stdout")
    .action((file: string, opts: { fields: string; out?: string }) => {
      const parsed = Credential.safeParse(readJson(file));
      if (!parsed.success) {
        printProblems(fromZod(parsed.error));
        process.exitCode = EXIT.INVALID;
        return;
      }
      const names = opts.fields.split(",").map((s) => s.trim()).filter(Boolean);
      const r = disclose(parsed.data, names);
      if (!r.ok) {
        printProblems(r.errors);
        process.exitCode = EXIT.INVALID;
        return;
      }
      if (opts.out) {
        try {
          writeFileSync(opts.out, `${JSON.stringify(r.value, null, 2)}\n`);
        } catch (err) {
          throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, EXIT.IO);
        }
      } else printJson(r.value);
    });

  program
    .command("verify-disclosure")
    .description("check a disclosure against a certificate's resultRoot")
    .argument("<file>", "disclosure JSON")
    .requiredOption("--root <hex>", "the resultRoot read from the certificate")
    .option("--json", "machine-readable output")
    .action((file: string, opts: { root: string; json?: boolean }) => {
      const r = verifyDisclosure(readJson(file), opts.root);
      if (opts.json) printJson(r.ok ? { ok: true, ...r.value } : { ok: false, errors: r.errors });
      else if (r.ok) {
        process.stdout.write(`✓ ${r.value.format} matches ${r.value.root}\n`);
        for (const f of r.value.fields) process.stdout.write(`  ${f.name} = ${JSON.stringify(f.value)}\n`);
      } else {
        process.stdout.write("✗ disclosure does not verify\n");
        printProblems(r.errors);
      }
      process.exitCode = r.ok ? EXIT.OK : EXIT.INVALID;
    });
}
