import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  buildCredential,
  dossierHash,
  evaluateChecked,
  dossierProblemsUnder,
  parseAssessorRegister,
  parseDossier,
  parseSheets,
  prepareRulebook,
  verifySheets,
  type Evaluation,
  type Problem,
} from "../../../scoring";
import { CliError, EXIT, printJson, printProblems, readJson } from "../io";

const pts = (t: number) => (t / 10).toFixed(1);

function write(file: string, value: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`, EXIT.IO);
  }
}

export function register(program: Command): void {
  program
    .command("evaluate")
    .description("evaluate a dossier with signed panel sheets under a rulebook (认定)")
    .requiredOption("--rulebook <file>", "rulebook JSON")
    .requiredOption("--dossier <file>", "dossier JSON")
    .requiredOption("--sheets <files...>", "panel sheet JSON files (each a sheet or an array of sheets)")
    .option("--assessors <file>", "the body's assessor register, [{ id, address, employerUscc }] (a cqo-rulebook/2 checks employers against it; `cqo sample` writes body/assessors.json)")
    .option("--out <file>", "write the evaluation JSON here")
    .option("--credential <file>", "write the holder's credential here (issuable evaluations only)")
    .option("--json", "machine-readable output")
    .action(async (opts: { rulebook: string; dossier: string; sheets: string[]; assessors?: string; out?: string; credential?: string; json?: boolean }) => {
      const errors: Problem[] = [];
      const rb = prepareRulebook(readJson(opts.rulebook));
      if (!rb.ok) errors.push(...rb.errors.map((e) => ({ ...e, path: ["rulebook", ...e.path] })));
      const d = parseDossier(readJson(opts.dossier));
      if (!d.ok) errors.push(...d.errors.map((e) => ({ ...e, path: ["dossier", ...e.path] })));
      // the rulebook's own input rules (rulebook/2: no event after the application date, one meaning of training hours)
      else if (rb.ok) errors.push(...dossierProblemsUnder(rb.value.rulebook, d.value).map((e) => ({ ...e, path: ["dossier", ...e.path] })));
      const register = opts.assessors === undefined ? undefined : parseAssessorRegister(readJson(opts.assessors));
      if (register && !register.ok) errors.push(...register.errors.map((e) => ({ ...e, path: ["assessors", ...e.path] })));
      const sheetInput = opts.sheets.flatMap((f) => {
        const v = readJson(f);
        return Array.isArray(v) ? v : [v];
      });
      const s = parseSheets(sheetInput);
      if (!s.ok) errors.push(...s.errors.map((e) => ({ ...e, path: ["sheets", ...e.path] })));
      if (!rb.ok || !d.ok || !s.ok || errors.length) {
        if (opts.json) printJson({ ok: false, errors });
        else {
          process.stdout.write(`✗ invalid input: ${errors.length} problem(s)\n`);
          printProblems(errors);
        }
        process.exitCode = EXIT.INVALID;
        return;
      }
      const dHash = dossierHash(d.value);
      const registered = register?.ok ? register.value : undefined;
      const panel = await verifySheets({ ...rb.value, dossier: d.value, dossierHash: dHash, ...(registered ? { registered } : {}) }, s.value);
      const evaluation = evaluateChecked(rb.value, d.value, dHash, panel);
      let root: string | null = null;
      if (opts.credential && evaluation.issuable) {
        const c = buildCredential({ evaluation, dossier: d.value, sheets: panel.accepted });
        if (c.ok) {
          write(opts.credential, c.value.credential);
          root = c.value.root;
        }
      }
      if (opts.out) write(opts.out, evaluation);
      if (opts.json) printJson({ ok: true, evaluation, resultRoot: root });
      else printHuman(evaluation, root);
      process.exitCode = evaluation.issuable ? EXIT.OK : EXIT.NOT_ISSUABLE;
    });
}

function printHuman(e: Evaluation, root: string | null): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`dossier ${e.dossier.id} under ${e.rulebook.id} ${e.rulebook.version} (${e.rulebook.hash})`);
  for (const r of e.eligibility.rules) out(`  ${r.passed ? "✓" : "✗"} ${r.name.zh} / ${r.name.en}${r.passed ? "" : `: ${r.reason.en}`}`);
  for (const v of e.veto.items.filter((x) => x.triggered)) out(`  ✗ 一票否决 veto: ${v.name.zh} / ${v.name.en}`);
  out(`panel: ${e.panel.accepted.length} sheet(s) accepted, ${e.panel.refused.length} refused`);
  for (const r of e.panel.refused) out(`  ✗ ${r.assessorId}: ${r.reasons.map((m) => m.en).join("; ")}`);
  for (const d of e.dimensions) {
    out(`${d.name.zh} ${d.name.en}: ${pts(d.points)} / ${pts(d.max)}`);
    for (const i of e.indicators.filter((x) => x.dimension === d.id)) {
      out(`  ${i.name.en}: ${pts(i.points)} / ${pts(i.max)}${i.panel?.divergent ? "  ⚠ divergent" : ""}`);
      for (const line of i.explanation) out(`      ${line.en}`);
    }
  }
  out(`total ${pts(e.total)} / ${pts(e.totalMax)}`);
  out(`level: ${e.levelName ? `${e.levelName.zh} ${e.levelName.en}` : "不予认定 not certified"}`);
  for (const x of e.panel.identical ?? []) out(`  ${x.assessorId}: the same sheet ${x.copies} times, counted once / 同一评分表提交 ${x.copies} 次，只计一次`);
  for (const r of e.levelReasons) out(`  ${r.en}`);
  for (const r of e.rules ?? []) out(`  rule: ${r.en}`);
  if (e.issuable) out(`issuable after ${e.noticeDays} days of public notice (公示); valid ${e.validity.years} years`);
  else for (const b of e.blockers) out(`  ✗ ${b.zh} / ${b.en}`);
  if (root) out(`resultRoot ${root}`);
}
