/** `cqo deploy`: the renderer and the certificate contract, with the sdk. */
import type { Command } from "commander";
import { deployCqo } from "../../../sdk";
import { recordDeployment, writeDeploymentFile } from "../../../sdk/node";
import { chainAction, chainOptions, emit, publicClientFor, say, walletClientFor, type ChainOptions } from "./chain-context";

export function register(program: Command): void {
  chainOptions(
    program
      .command("deploy")
      .description("deploy CQOCertificate and its renderer (部署合约)")
      .option("--association <address>", "the association's admin (a multisig or timelock in production; default: the signer)")
      .option("--out <file>", "write the deployment JSON here (for --deployment)")
      .option("--record", "add the deployment to deployments.json for its chain id"),
    { signs: true },
  ).action(
    chainAction(async (opts: ChainOptions & { association?: string; out?: string; record?: boolean }) => {
      const wallet = await walletClientFor(opts);
      const association = opts.association ?? wallet.account?.address;
      if (!association) throw new Error("no association address");
      const deployment = await deployCqo(publicClientFor(opts), wallet, { association });
      if (opts.out) writeDeploymentFile(opts.out, deployment);
      if (opts.record) recordDeployment(deployment);
      emit(opts, { ok: true, deployment }, () => {
        say(`✓ deployed on chain ${deployment.chainId} at block ${deployment.deployBlock}`);
        say(`  certificate  ${deployment.certificate}`);
        say(`  renderer     ${deployment.renderer}`);
        say(`  association  ${deployment.association ?? association}`);
        if (opts.out) say(`  written to ${opts.out}`);
        if (opts.record) say("  recorded in deployments.json");
      });
    }),
  );
}
