/** The chain commands (deploy, body, key consent, rulebook register, issue, status, verify), registered as one group. */
import type { Command } from "commander";
import { CHAIN_EXIT_HELP } from "./chain-context";
import { register as deploy } from "./chain-deploy";
import { register as body } from "./chain-body";
import { register as rulebook } from "./chain-rulebook";
import { register as issue } from "./chain-issue";
import { register as status } from "./chain-status";
import { register as verify } from "./chain-verify";
import { register as key } from "./chain-key";

export function register(program: Command): void {
  for (const add of [deploy, body, key, rulebook, issue, status, verify]) add(program);
  program.addHelpText("after", `\n${CHAIN_EXIT_HELP}`);
}
