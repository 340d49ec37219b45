import { createPublicClient, http, type Chain, type PublicClient } from "viem";
import type { AppConfig } from "../config";

export function makePublicClient(config: AppConfig, chain: Chain): PublicClient {
  return createPublicClient({ chain, transport: http(config.rpcUrl, { batch: { wait: 0 }, retryCount: 1, timeout: 15_000 }), pollingInterval: 500 }) as PublicClient;
}
