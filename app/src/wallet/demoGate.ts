/**
 * The gate of the demo accounts: the public test keys (demoAccounts.ts) load only on the local demo chain. The
 * decision is the deployment's chain id alone — 31337, Hardhat's and anvil's — and the keys' module is a dynamic
 * import behind it, so a build for any other chain never fetches it and no key sits in the verify route's code.
 */
import type { Chain } from "viem";
import type { CreateConnectorFn } from "wagmi";

export const DEMO_CHAIN_ID = 31337;

/** The wagmi connector type of a demo account (demoConnector.ts). */
export const DEMO_CONNECTOR_TYPE = "cqo-demo";

/** Whether the demo-account picker may exist on this chain: the local demo chain, never elsewhere. */
export function demoAccountsAllowed(chainId: number): boolean {
  return chainId === DEMO_CHAIN_ID;
}

/** The demo accounts' connectors on the demo chain; none (and nothing loaded) on any other. */
export async function demoConnectors(chain: Chain, rpcUrl: string): Promise<CreateConnectorFn[]> {
  if (!demoAccountsAllowed(chain.id)) return [];
  const [{ DEMO_ACCOUNTS }, { demoConnector }] = await Promise.all([import("./demoAccounts"), import("./demoConnector")]);
  return DEMO_ACCOUNTS.map((a) => demoConnector(a, chain, rpcUrl) as unknown as CreateConnectorFn);
}
