import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { parseDossier, type Problem } from "../../../scoring";
import { EXIT, printJson, printProblems, readJson } from "../io";

export function register(program: Command): void {
  program
    .command("dossier")
    .description("validate dossiers (申报材料)")
    .command("check")
    .argument("<path>", "a dossier JSON file, or a directory of them (*.json)")
    .option("--json", "machine-readable output")
    .option("--no-progress", "no progress bar for directories")
    .action((path: string, opts: { json?: boolean; progress: boolean }) => {
      const files = statSync(path, { throwIfNoEntry: false })?.isDirectory()
        ? readdirSync(path).filter((f) => f.endsWith(".json")).sort().map((f) => join(path, f))
        : [path];
      const bar = files.length > 1 && opts.progress && !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr }, Presets.shades_classic) : null;
      bar?.start(files.length, 0);
      const results: { file: string; ok: boolean; errors: Problem[] }[] = [];
      for (const file of files) {
        const r = parseDossier(readJson(file));
        results.push({ file, ok: r.ok, errors: r.ok ? [] : r.errors });
        bar?.increment();
      }
      bar?.stop();
      const bad = results.filter((r) => !r.ok);
      if (opts.json) printJson({ ok: bad.length === 0, checked: results.length, invalid: bad.length, results });
      else {
        for (const r of bad) {
          process.stdout.write(`✗ ${r.file}\n`);
          printProblems(r.errors);
        }
        process.stdout.write(`${results.length - bad.length}/${results.length} dossier(s) valid\n`);
      }
      process.exitCode = bad.length ? EXIT.INVALID : EXIT.OK;
    });
}
