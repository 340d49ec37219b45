import type { Command } from "commander";
import { parseRulebook, rulebookHash } from "../../../scoring";
import { EXIT, printJson, printProblems, readJson } from "../io";

export function register(program: Command): void {
  const rb = program.command("rulebook").description("check or hash a rulebook (评价方案)");

  rb.command("check")
    .argument("<file>", "rulebook JSON")
    .option("--json", "machine-readable output")
    .description("validate shape and consistency; every problem is listed")
    .action((file: string, opts: { json?: boolean }) => {
      const r = parseRulebook(readJson(file));
      if (opts.json) printJson(r.ok ? { ok: true, id: r.value.id, version: r.value.version, hash: rulebookHash(r.value) } : { ok: false, errors: r.errors });
      else if (r.ok) process.stdout.write(`✓ ${file}: ${r.value.id} ${r.value.version} (${r.value.dimensions.length} dimensions) ${rulebookHash(r.value)}\n`);
      else {
        process.stdout.write(`✗ ${file}: ${r.errors.length} problem(s)\n`);
        printProblems(r.errors);
      }
      process.exitCode = r.ok ? EXIT.OK : EXIT.INVALID;
    });

  rb.command("hash")
    .argument("<file>", "rulebook JSON")
    .option("--json", "machine-readable output")
    .description("keccak-256 of the RFC 8785 canonical JSON: the id the registry stores")
    .action((file: string, opts: { json?: boolean }) => {
      const r = parseRulebook(readJson(file));
      if (!r.ok) {
        if (opts.json) printJson({ ok: false, errors: r.errors });
        else printProblems(r.errors);
        process.exitCode = EXIT.INVALID;
        return;
      }
      if (opts.json) printJson({ ok: true, hash: rulebookHash(r.value) });
      else process.stdout.write(`${rulebookHash(r.value)}\n`);
    });
}
