/**
 * An anvil node per test file (scripts/lib/node.ts: a free port, the Paris rules the contracts are compiled for), and viem
 * clients for the deterministic test accounts (anvil's and Hardhat's public test mnemonic).
 */
import type { ChildProcess } from "node:child_process";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  type Account,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { startNode } from "../../scripts/lib/node";

export const MNEMONIC = "test test test test test test test test test test test junk";

export interface Anvil {
  url: string;
  process: ChildProcess;
  publicClient: PublicClient;
  testClient: TestClient;
  account: (index: number) => Account;
  wallet: (index: number) => WalletClient;
  /** the account's private key, for the cli's CQO_PRIVATE_KEY */
  privateKey: (index: number) => `0x${string}`;
  increaseTime: (seconds: number) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startAnvil(extraArgs: string[] = []): Promise<Anvil> {
  const node = await startNode("anvil", { anvilArgs: extraArgs });
  const url = node.url;
  const publicClient = createPublicClient({ chain: foundry, transport: http(url), pollingInterval: 50 });
  const accounts = new Map<number, ReturnType<typeof mnemonicToAccount>>();
  const account = (index: number) => {
    let a = accounts.get(index);
    if (!a) accounts.set(index, (a = mnemonicToAccount(MNEMONIC, { addressIndex: index })));
    return a;
  };
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(url) });
  return {
    url,
    process: node.proc,
    publicClient,
    testClient,
    account,
    wallet: (index) => createWalletClient({ chain: foundry, transport: http(url), account: account(index) }),
    privateKey: (index) => {
      const key = account(index).getHdKey().privateKey;
      if (!key) throw new Error("no private key");
      return `0x${Buffer.from(key).toString("hex")}`;
    },
    increaseTime: async (seconds) => {
      await testClient.increaseTime({ seconds });
      await testClient.mine({ blocks: 1 });
    },
    stop: () => node.stop(),
  };
}
