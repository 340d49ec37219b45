/**
 * An anvil node per test file, on a free port, with the Cancun rules the contracts are compiled for, and viem
 * clients for the deterministic test accounts (anvil's and Hardhat's public test mnemonic).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
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

export const MNEMONIC = "test test test test test test test test test test test junk";
const ANVIL = join(__dirname, "..", "..", "node_modules", ".bin", "anvil");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

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
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(ANVIL, ["--port", String(port), "--hardfork", "cancun", "--silent", ...extraArgs], { stdio: "ignore" });
  const publicClient = createPublicClient({ chain: foundry, transport: http(url), pollingInterval: 50 });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}`);
    try {
      await publicClient.getChainId();
      break;
    } catch {
      if (i > 200) throw new Error(`anvil did not answer on ${url}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const accounts = new Map<number, ReturnType<typeof mnemonicToAccount>>();
  const account = (index: number) => {
    let a = accounts.get(index);
    if (!a) accounts.set(index, (a = mnemonicToAccount(MNEMONIC, { addressIndex: index })));
    return a;
  };
  const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(url) });
  return {
    url,
    process: child,
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
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return; // a node killed by a signal has no exit code
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
