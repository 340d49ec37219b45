/**
 * The chain's "now" in unix seconds: what the contracts compare deadlines with. Not the device's clock (a test
 * chain runs ahead of it, a phone's clock may be off), and on a millisecond chain (FISCO BCOS: CLOCK_UNIT 1000)
 * the block timestamp is divided by the deployment's clock unit.
 */
import type { PublicClient } from "viem";
import type { Deployment } from "../../../sdk/deployments";

export async function chainNow(client: PublicClient, deployment: Deployment): Promise<number> {
  const block = await client.getBlock({ blockTag: "latest" });
  return Number(block.timestamp / BigInt(deployment.clockUnit ?? 1));
}
