/** `cqo rulebook register FILE`: publishes a rulebook's hash on-chain. Joins the existing `rulebook` command. */
import type { Command } from "commander";
import { parseRulebook, rulebookHash } from "../../../scoring";
import { reviewScheduleOf } from "../../../sdk";
import { EXIT, printJson, printProblems, readJson } from "../io";
import { chainAction, chainOptions, clientFor, emit, say, type ChainOptions } from "./chain-context";

export function register(program: Command): void {
  const rb = program.commands.find((c) => c.name() === "rulebook") ?? program.command("rulebook").description("rulebooks (评价方案)");
  chainOptions(
    rb
      .command("register")
      .argument("<file>", "rulebook JSON")
      .option("--uri <uri>", "where the rulebook is published (default: the file name)")
      .description("register the rulebook's hash on-chain (the association); already registered: prints its id"),
    { signs: true },
  ).action(
    chainAction(async (file: string, opts: ChainOptions & { uri?: string }) => {
      const r = parseRulebook(readJson(file));
      if (!r.ok) {
        if (opts.json) printJson({ ok: false, errors: r.errors });
        else printProblems(r.errors);
        process.exitCode = EXIT.INVALID;
        return;
      }
      const hash = rulebookHash(r.value);
      const cqo = await clientFor(opts, { signs: true });
      const existing = await cqo.rulebookIdOf(hash);
      if (existing !== null) {
        emit(opts, { ok: true, rulebookId: existing, hash, alreadyRegistered: true }, () => say(`✓ ${r.value.id} ${r.value.version} is already rulebook #${existing} (${hash})`));
        return;
      }
      // the annual review schedule is the rulebook's own data (validity.reviewMonths, reviewGraceDays)
      const sent = await cqo.registerRulebook(hash, opts.uri ?? file, reviewScheduleOf(r.value));
      emit(opts, { ok: true, rulebookId: sent.rulebookId, hash, tx: sent.hash }, () => say(`✓ ${r.value.id} ${r.value.version} registered as rulebook #${sent.rulebookId} (${hash})  tx ${sent.hash}`));
    }),
  );
}
