/**
 * Local chains as child processes (the demo, the end-to-end test, the pipeline benchmark): a Hardhat node or
 * anvil, each in its own process group so that stopping it reaches every process it started (npx, the anvil npm
 * wrapper and the native binary) and nothing keeps the port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");

export type NodeKind = "hardhat" | "anvil";

export interface LocalNode {
  kind: NodeKind;
  url: string;
  port: number;
  proc: ChildProcess;
  /**
   * A graceful stop: SIGTERM to the node's own process (anvil's npm wrapper forwards it once, and anvil then writes
   * its --state file: a second signal to the native process would cut the dump short), then SIGKILL to the whole
   * group if anything is still alive after `graceMs`. Returns at once for a node already gone.
   */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group at once: a crash (no state dump). */
  kill(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await r.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Moves a local chain's clock forward and mines a block (Hardhat and anvil both speak evm_*). */
export async function increaseTime(url: string, seconds: number): Promise<void> {
  await rpc(url, "evm_increaseTime", [seconds]);
  await rpc(url, "evm_mine", []);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a detached child's process group: `signal` to the group (or, with `leaderOnly`, to the child alone, which
 * passes it on), then SIGKILL to the group if it lingers past `graceMs`.
 */
export async function stopGroup(
  proc: ChildProcess,
  graceMs = 5_000,
  { signal = "SIGTERM", leaderOnly = false }: { signal?: NodeJS.Signals; leaderOnly?: boolean } = {},
): Promise<void> {
  const pid = proc.pid;
  if (pid === undefined || !groupAlive(pid)) return;
  try {
    if (leaderOnly && proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    else process.kill(-pid, signal);
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (groupAlive(pid)) {
    if (Date.now() > until) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await sleep(25);
  }
}

/** Synchronous last resort for process.on("exit"): SIGKILL the group. */
export function killGroupNow(proc: ChildProcess): void {
  if (proc.pid !== undefined && groupAlive(proc.pid)) {
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/**
 * Starts a node on 127.0.0.1:`port` (a free one by default) with chain id 31337, the Paris rules the contracts are
 * compiled for (a consortium chain's: no PUSH0, no Cancun opcodes; Hardhat's "merge" comes from hardhat.config.ts)
 * and the public test mnemonic's funded accounts; resolves when it answers eth_chainId.
 */
export async function startNode(
  kind: NodeKind,
  options: { port?: number; timeoutMs?: number; log?: (line: string) => void; /** more arguments for anvil, e.g. ["--state", file] */ anvilArgs?: string[] } = {},
): Promise<LocalNode> {
  const port = options.port ?? (await freePort());
  const bin = join(REPO_ROOT, "node_modules", ".bin", kind);
  const args =
    kind === "hardhat"
      ? ["node", "--hostname", "127.0.0.1", "--port", String(port)]
      : ["--host", "127.0.0.1", "--port", String(port), "--hardfork", "paris", "--chain-id", "31337", "--silent", "--gas-limit", "30000000", ...(options.anvilArgs ?? [])];
  const proc = spawn(bin, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  proc.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
    if (stderr.length > 10_000) stderr = stderr.slice(-10_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} exited with code ${proc.exitCode}: ${stderr.trim().split("\n").slice(-5).join("\n")}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopGroup(proc, 1_000);
      throw new Error(`${kind} did not answer on ${url}: ${stderr.trim().split("\n").slice(-5).join("\n")}`);
    }
    await sleep(100);
  }
  return {
    kind,
    url,
    port,
    proc,
    stop: (graceMs?: number) => stopGroup(proc, graceMs, { leaderOnly: true }),
    kill: () => stopGroup(proc, 0, { signal: "SIGKILL" }),
  };
}
