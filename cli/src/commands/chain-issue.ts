/**
 * `cqo issue FILE`: evaluated results to certificates, in chunks that fit the block gas limit, with a progress
 * bar. Resumable by construction: the sdk skips every result root already on-chain, so re-running the same file
 * after a crash issues exactly what is missing.
 *
 * FILE is `{ "format": "cqo-issuance/1", "items": [...] }` (or just the array). Each item names the holder's
 * wallet and either the evaluation and credential files written by `cqo evaluate --out … --credential …` (paths
 * relative to FILE), or the fields directly: resultRoot, level, rulebookId or rulebookHash, validUntil or
 * validYears.
 */
import { dirname, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { parseInput, type BatchProgress, type CqoClient, type IssuanceInput } from "../../../sdk";
import { Credential, fromZod, type Evaluation, type Problem } from "../../../scoring";
import { EXIT, printJson, printProblems, readJson } from "../io";
import { ChainCliError, chainAction, chainNow, chainOptions, clientFor, emit, parseDate, say, type ChainOptions } from "./chain-context";

const Item = z.object({
  holder: z.string(),
  label: z.string().optional(),
  evaluation: z.string().optional(),
  credential: z.string().optional(),
  resultRoot: z.string().optional(),
  level: z.number().int().optional(),
  rulebookId: z.number().int().optional(),
  rulebookHash: z.string().optional(),
  validUntil: z.union([z.number().int(), z.string()]).optional(),
  validYears: z.number().positive().optional(),
});
type Item = z.infer<typeof Item>;

const IssueFile = z.union([z.array(Item), z.object({ format: z.literal("cqo-issuance/1").optional(), items: z.array(Item) })]);

interface Resolved {
  holder: string;
  label?: string;
  resultRoot: string;
  level: number;
  rulebook: { id: number } | { hash: string };
  validUntil: number | { years: number };
}

const evaluationShape = z.looseObject({
  issuable: z.boolean(),
  level: z.number().int().nullable(),
  rulebook: z.looseObject({ hash: z.string() }),
  validity: z.looseObject({ years: z.number() }),
});

function resolveItem(item: Item, index: number, base: string, problems: Problem[]): Resolved | null {
  const at = (field: string, en: string, zh: string) => problems.push({ path: ["items", index, field], message: { zh, en } } as Problem);
  let { resultRoot, level, validYears } = item;
  let rulebook: Resolved["rulebook"] | undefined = item.rulebookId !== undefined ? { id: item.rulebookId } : item.rulebookHash ? { hash: item.rulebookHash } : undefined;
  if (item.evaluation) {
    const e = evaluationShape.safeParse(readJson(resolve(base, item.evaluation)));
    if (!e.success) at("evaluation", `${item.evaluation} is not an evaluation`, "不是评价结果文件");
    else if (!e.data.issuable || e.data.level === null) at("evaluation", `${item.evaluation} is not issuable`, "该评价结果不可发证");
    else {
      const evaluation = e.data as unknown as Pick<Evaluation, "level" | "rulebook" | "validity">;
      level ??= evaluation.level ?? undefined;
      rulebook ??= { hash: evaluation.rulebook.hash };
      validYears ??= evaluation.validity.years;
    }
  }
  if (item.credential) {
    const c = Credential.safeParse(readJson(resolve(base, item.credential)));
    if (!c.success) problems.push(...fromZod(c.error).map((p) => ({ ...p, path: ["items", index, "credential", ...p.path] })));
    else resultRoot ??= c.data.root;
  }
  if (!resultRoot) at("resultRoot", "no resultRoot (or credential)", "缺少结果根（或凭证文件）");
  if (level === undefined) at("level", "no level (or evaluation)", "缺少等级（或评价结果）");
  if (!rulebook) at("rulebook", "no rulebookId / rulebookHash (or evaluation)", "缺少评价方案");
  const validUntil = item.validUntil !== undefined ? parseDate(String(item.validUntil), `items.${index}.validUntil`) : validYears !== undefined ? { years: validYears } : undefined;
  if (validUntil === undefined) at("validUntil", "no validUntil / validYears (or evaluation)", "缺少有效期");
  if (!resultRoot || level === undefined || !rulebook || validUntil === undefined) return null;
  return { holder: item.holder, label: item.label, resultRoot, level, rulebook, validUntil };
}

async function toIssuances(cqo: CqoClient, items: Resolved[]): Promise<IssuanceInput[]> {
  const account = cqo.walletClient?.account?.address;
  const bodyId = account ? await cqo.bodyOfSigningKey(account) : null;
  if (bodyId === null) throw new ChainCliError(`${account} is not a signing key of any body`, 5, "该账户不是任何认定主体的签名密钥");
  const body = await cqo.getBody(bodyId);
  const now = await chainNow(cqo);
  const ids = new Map<string, number>();
  const out: IssuanceInput[] = [];
  for (const item of items) {
    let rulebookId: number;
    if ("id" in item.rulebook) rulebookId = item.rulebook.id;
    else {
      const hash = item.rulebook.hash;
      let id = ids.get(hash);
      if (id === undefined) {
        const found = await cqo.rulebookIdOf(hash);
        if (found === null) throw new ChainCliError(`rulebook ${hash} is not registered: run \`cqo rulebook register\` first`, EXIT.INVALID, "评价方案未登记");
        ids.set(hash, (id = found));
      }
      rulebookId = id;
    }
    // The certificate is valid from the end of the body's notice period, then for the evaluation's years.
    const validUntil = typeof item.validUntil === "number" ? item.validUntil : now + (body?.noticePeriod ?? 0) + Math.round(item.validUntil.years * 365 * 86_400);
    out.push({ holder: item.holder, resultRoot: item.resultRoot, level: item.level, rulebookId, validUntil });
  }
  return out;
}

export function register(program: Command): void {
  chainOptions(
    program
      .command("issue")
      .argument("<file>", "issuance file: evaluated results with the holders' wallets (cqo-issuance/1)")
      .option("--max-gas <gas>", "gas cap per transaction (default: 80% of the block gas limit)")
      .description("issue certificates in batches (发证); re-running issues only what is missing"),
    { signs: true },
  ).action(
    chainAction(async (file: string, opts: ChainOptions & { maxGas?: string }) => {
      const parsed = IssueFile.safeParse(readJson(file));
      const problems: Problem[] = [];
      if (!parsed.success) problems.push(...fromZod(parsed.error));
      const items = parsed.success ? (Array.isArray(parsed.data) ? parsed.data : parsed.data.items) : [];
      const resolved = items.map((item, i) => resolveItem(item, i, dirname(resolve(file)), problems));
      if (problems.length) {
        if (opts.json) printJson({ ok: false, errors: problems });
        else {
          process.stdout.write(`✗ ${file}: ${problems.length} problem(s)\n`);
          printProblems(problems);
        }
        process.exitCode = EXIT.INVALID;
        return;
      }
      const cqo = await clientFor(opts, { signs: true });
      const issuances = await toIssuances(cqo, resolved.filter((r): r is Resolved => r !== null));
      const maxGas = opts.maxGas ? parseInput(z.coerce.bigint().positive(), opts.maxGas, "--max-gas") : undefined;

      const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ format: "issuing [{bar}] {value}/{total} · {skipped} already on-chain · {chunks} tx", stream: process.stderr }) : null;
      bar?.start(issuances.length, 0, { skipped: 0, chunks: 0 });
      const onProgress = (p: BatchProgress) => {
        if (bar) bar.update(p.issued + p.skipped, { skipped: p.skipped, chunks: p.chunks });
        else if (!opts.json && p.lastChunk) process.stderr.write(`  … ${p.issued + p.skipped}/${p.total} (tx ${p.lastChunk.hash}, ${p.lastChunk.tokenIds.length} certificates)\n`);
      };
      try {
        const result = await cqo.issueBatch(issuances, { maxGasPerChunk: maxGas, onProgress });
        bar?.stop();
        emit(opts, { ok: true, ...result }, () => {
          say(`✓ ${result.issued.length} certificate(s) issued in ${result.chunks.length} transaction(s); ${result.skipped.length} already on-chain or repeated (已上链或重复，跳过)`);
          for (const c of result.chunks) say(`  tx ${c.hash}  block ${c.blockNumber}  ${c.tokenIds.length} certificates  gas ${c.gasUsed}`);
          for (const i of result.issued) say(`  #${i.tokenId}  ${i.holder}`);
        });
      } finally {
        bar?.stop();
      }
    }),
  );
}
