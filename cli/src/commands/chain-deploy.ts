/** `cqo deploy`: the renderer, the BodyAdministration library and the linked certificate contract, with the sdk. */
import type { Command } from "commander";
import { z } from "zod";
import { deployCqo, parseInput } from "../../../sdk";
import { recordDeployment, writeDeploymentFile } from "../../../sdk/node";
import { EXIT } from "../io";
import { ChainCliError, chainAction, chainOptions, emit, publicClientFor, say, walletClientFor, type ChainOptions } from "./chain-context";

/** 1: the chain's block.timestamp counts seconds (Ethereum, anvil, Hardhat); 1000: milliseconds (FISCO BCOS, AntChain). */
const ClockUnitSchema = z.enum(["1", "1000"], { message: "the clock unit is 1 (seconds) or 1000 (milliseconds)" }).transform((v) => (v === "1000" ? 1000 : 1));
const AdminDelaySchema = z.coerce.number().int().min(0).max(2 ** 48 - 1);

/**
 * Timestamps of a seconds chain are about 1.7e9 today, a milliseconds chain's about 1.7e12: a unit that does not
 * fit the chain would make every date the contract reads wrong by a factor of 1000, for good (it is immutable).
 */
export function clockUnitFits(clockUnit: 1 | 1000, blockTimestamp: bigint): boolean {
  const looksLikeMilliseconds = blockTimestamp >= 100_000_000_000n;
  return clockUnit === 1000 ? looksLikeMilliseconds : !looksLikeMilliseconds;
}

export function register(program: Command): void {
  chainOptions(
    program
      .command("deploy")
      .description("deploy CQOCertificate, its library and its renderer (部署合约)")
      .option("--association <address>", "the association's admin (a multisig or timelock in production; default: the signer)")
      .option("--clock-unit <1|1000>", "block.timestamp units per second: 1000 on a chain counting milliseconds (default: $CQO_CLOCK_UNIT or 1)")
      .option("--admin-delay <seconds>", "how long a handover of the association's role waits before it can be accepted", "0")
      .option("--out <file>", "write the deployment JSON here (for --deployment)")
      .option("--record", "add the deployment to deployments.json for its chain id"),
    { signs: true },
  ).action(
    chainAction(async (opts: ChainOptions & { association?: string; clockUnit?: string; adminDelay: string; out?: string; record?: boolean }) => {
      const clockUnit = parseInput(ClockUnitSchema, opts.clockUnit ?? process.env.CQO_CLOCK_UNIT ?? "1", "--clock-unit");
      const adminTransferDelay = parseInput(AdminDelaySchema, opts.adminDelay, "--admin-delay");
      const wallet = await walletClientFor(opts);
      const association = opts.association ?? wallet.account?.address;
      if (!association) throw new Error("no association address");
      const publicClient = publicClientFor(opts);
      const { timestamp } = await publicClient.getBlock();
      if (!clockUnitFits(clockUnit, timestamp)) {
        throw new ChainCliError(
          `--clock-unit ${clockUnit} does not fit this chain: its latest block's timestamp is ${timestamp} (${clockUnit === 1 ? "milliseconds: use --clock-unit 1000" : "seconds: use --clock-unit 1"})`,
          EXIT.INVALID,
          `时钟单位 ${clockUnit} 与该链不符（最新区块时间戳 ${timestamp}）`,
        );
      }
      const deployment = await deployCqo(publicClient, wallet, { association, clockUnit, adminTransferDelay });
      if (opts.out) writeDeploymentFile(opts.out, deployment);
      if (opts.record) recordDeployment(deployment);
      emit(opts, { ok: true, deployment }, () => {
        say(`✓ deployed on chain ${deployment.chainId} at block ${deployment.deployBlock}`);
        say(`  certificate  ${deployment.certificate}`);
        say(`  library      ${deployment.library} (BodyAdministration)`);
        say(`  renderer     ${deployment.renderer}`);
        say(`  association  ${deployment.association ?? association}  (handover delay ${adminTransferDelay} s)`);
        say(`  clock unit   ${deployment.clockUnit} (${deployment.clockUnit === 1000 ? "block timestamps in milliseconds 毫秒" : "block timestamps in seconds 秒"})`);
        if (opts.out) say(`  written to ${opts.out}`);
        if (opts.record) say("  recorded in deployments.json");
      });
    }),
  );
}
