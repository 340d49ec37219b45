/**
 * The chain clients the pages share. The verdict needs only eth_call: a lean viem client with the sdk's zod-free
 * reads (sdk/reads.ts via lib/reads.ts) keeps the verify route small; the history, the proof of possession and the consoles load
 * a full public client on demand (getPublicClient).
 */
import { createClient, defineChain, http, type Chain, type Client, type PublicClient } from "viem";
import { loadConfig, type AppConfig } from "./config";
import { makeReader, type Reader } from "./lib/reads";

export interface Chainish {
  config: AppConfig;
  chain: Chain;
  client: Client;
  /** the verifier's reads (the consoles build a CqoClient for writes) */
  cqo: Reader;
}

export function chainOf(config: AppConfig): Chain {
  return defineChain({
    id: config.deployment.chainId,
    name: config.deployment.chainId === 31337 ? "Local (demo)" : `Chain ${config.deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function transportOf(config: AppConfig) {
  return http(config.rpcUrl, { batch: { wait: 0 }, retryCount: 1, timeout: 15_000 });
}

let connecting: Promise<Chainish> | null = null;

export function getChain(): Promise<Chainish> {
  connecting ??= loadConfig().then((config) => {
    const chain = chainOf(config);
    const client = createClient({ chain, transport: transportOf(config), pollingInterval: 500 });
    return { config, chain, client, cqo: makeReader(client, config.deployment) };
  });
  return connecting;
}

let full: Promise<PublicClient> | null = null;

/** A public client with every action (logs, blocks, signatures), loaded on first use. */
export function getPublicClient(): Promise<PublicClient> {
  full ??= Promise.all([getChain(), import("./lib/publicClient")]).then(([c, m]) => m.makePublicClient(c.config, c.chain));
  return full;
}
