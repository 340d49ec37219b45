import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { dossierHash, prepareRulebook } from "../../../scoring";
import { assessorRegister, devAssessors, signSheet, syntheticDossier, syntheticSheets } from "../../../scoring/synthetic";
import { EXIT, printProblems, readJson } from "../io";

export function register(program: Command): void {
  program
    .command("sample")
    .description("write synthetic dossiers, signed sheets and the body's assessor register (public development keys, fake people) to try the other commands")
    .requiredOption("--rulebook <file>", "rulebook the sheets are written for (the default: rulebooks/hn-cqo-default-2026.1.json)")
    .requiredOption("--out <dir>", "output directory")
    .option("--n <count>", "number of dossiers", "1")
    .option("--assessors <count>", "sheets per dossier", "5")
    .action(async (opts: { rulebook: string; out: string; n: string; assessors: string }) => {
      const rb = prepareRulebook(readJson(opts.rulebook));
      if (!rb.ok) {
        printProblems(rb.errors);
        process.exitCode = EXIT.INVALID;
        return;
      }
      const assessors = devAssessors(Number(opts.assessors));
      // sheets and the register in their own folders so `cqo dossier check DIR` sees only dossiers
      mkdirSync(join(opts.out, "sheets"), { recursive: true });
      mkdirSync(join(opts.out, "body"), { recursive: true });
      // the employers the body registered for its assessors: `cqo evaluate --assessors` (a rulebook/2 needs it)
      writeFileSync(join(opts.out, "body", "assessors.json"), `${JSON.stringify(assessorRegister(assessors), null, 2)}\n`);
      for (let i = 0; i < Number(opts.n); i++) {
        const d = syntheticDossier(i + 1);
        const unsigned = syntheticSheets(rb.value.rulebook, rb.value.rulebookHash, dossierHash(d), assessors, i + 1);
        const sheets = await Promise.all(unsigned.map((s, k) => signSheet(s, assessors[k]!.key)));
        writeFileSync(join(opts.out, `${d.dossierId}.json`), `${JSON.stringify(d, null, 2)}\n`);
        writeFileSync(join(opts.out, "sheets", `${d.dossierId}.json`), `${JSON.stringify(sheets, null, 2)}\n`);
      }
      process.stdout.write(`wrote ${opts.n} dossier(s), their sheets and the assessor register (body/assessors.json) to ${opts.out}\n`);
    });
}
