/**
 * The workbench's connection to the chain: one CqoClient (the sdk) for the deployment, with the body's signing key
 * when one is configured. Everything on-chain goes through the sdk; see README for the two helpers kept here.
 */
import { createPublicClient, createWalletClient, defineChain, http, type Chain, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CqoClient, type Deployment } from "../sdk";
import { readDeploymentFile } from "../sdk/node";

/** A viem chain for the deployment's chain id (all it needs: a provisional deployment before deploying will do). */
export function chainFor(deployment: Pick<Deployment, "chainId"> & Partial<Deployment>, rpcUrl: string): Chain {
  return defineChain({
    id: deployment.chainId,
    name: `cqo-${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/**
 * Short HTTP timeouts and no viem-level retries: the outbox worker has its own retry loop with backoff, and a
 * request handler should fail fast (503) rather than hang while the node is down.
 */
export function connect(options: { rpcUrl: string; deploymentPath: string; signerKey?: `0x${string}` }): CqoClient {
  const deployment = readDeploymentFile(options.deploymentPath);
  const chain = chainFor(deployment, options.rpcUrl);
  const transport = http(options.rpcUrl, { timeout: 10_000, retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 }) as PublicClient;
  const walletClient = options.signerKey
    ? createWalletClient({ account: privateKeyToAccount(options.signerKey), chain, transport, pollingInterval: 100 })
    : undefined;
  return new CqoClient(publicClient, deployment, walletClient);
}
