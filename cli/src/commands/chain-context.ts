/**
 * What every chain command shares: --rpc / --deployment / --keystore / --json, the signing key (from an encrypted
 * keystore or the environment, never from an argument: arguments end up in shell history and `ps`), the sdk
 * client, output, and exit codes.
 */
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { Command } from "commander";
import { createPublicClient, createWalletClient, http, keccak256, type Hex, type PublicClient, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CqoClient, deploymentFor, explainError, knownDeployments, type Deployment, type ExplainedError } from "../../../sdk";
import { demoDeployment, readDeploymentFile } from "../../../sdk/node";
import { EXIT, printJson } from "../io";

/** Exit codes of the chain commands, besides io.ts's 0–4. */
export const CHAIN_EXIT = {
  /** the contract refused the transaction or call (a custom error: not authorised, wrong state, …) */
  REFUSED: 5,
  /** the node is unreachable, or there is no deployment / no contract for its chain */
  NETWORK: 6,
  /** no signing key: CQO_PRIVATE_KEY unset, no --keystore, or a wrong keystore password */
  NO_KEY: 7,
} as const;

export const CHAIN_EXIT_HELP =
  "Chain commands: 0 ok (verify: the certificate is valid / the wallet holds a valid one) · 1 invalid input, or verify: not valid · " +
  "5 refused by the contract · 6 node unreachable or no deployment · 7 no signing key or wrong keystore password\n" +
  "Keys: --keystore FILE (password from CQO_KEYSTORE_PASSWORD, else prompted) or CQO_PRIVATE_KEY; never on the command line.\n" +
  "Signing keys join a body with their own consent: --consent FILE (written by `cqo key consent`), or --key-keystore FILE " +
  "(password from CQO_KEY_KEYSTORE_PASSWORD) / CQO_KEY_PRIVATE_KEY to sign it here.\n" +
  "RPC: --rpc URL, else CQO_RPC_URL, else http://127.0.0.1:8545. Deployment: --deployment FILE, else CQO_DEPLOYMENT, else " +
  "deployments.json for the node's chain, else .demo/deployment.json (npm start).";

export interface ChainOptions {
  rpc?: string;
  deployment?: string;
  keystore?: string;
  json?: boolean;
}

/** Adds the shared options to a leaf command. */
export function chainOptions(cmd: Command, { signs }: { signs: boolean }): Command {
  cmd.option("--rpc <url>", "JSON-RPC URL (default: $CQO_RPC_URL or http://127.0.0.1:8545)").option("--deployment <file>", "deployment JSON (chainId, certificate, renderer, deployBlock)");
  if (signs) cmd.option("--keystore <file>", "encrypted JSON keystore of the signing key (else $CQO_PRIVATE_KEY)");
  return cmd.option("--json", "machine-readable output");
}

/** An error the command reports with its own message and exit code. */
export class ChainCliError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly zh?: string,
  ) {
    super(message);
  }
}

export function rpcUrl(opts: ChainOptions): string {
  return opts.rpc ?? process.env.CQO_RPC_URL ?? "http://127.0.0.1:8545";
}

export function publicClientFor(opts: ChainOptions): PublicClient {
  // No retries: a script wants to hear "unreachable" at once, not after backoff.
  return createPublicClient({ transport: http(rpcUrl(opts), { retryCount: 0, timeout: 30_000 }), pollingInterval: 200 });
}

export async function resolveDeployment(opts: ChainOptions, client: PublicClient): Promise<Deployment> {
  const chainId = await client.getChainId();
  const file = opts.deployment ?? process.env.CQO_DEPLOYMENT;
  if (file) {
    const d = readDeploymentFile(file);
    return deploymentFor(chainId, d);
  }
  if (knownDeployments.chains[String(chainId)]) return deploymentFor(chainId);
  const demo = demoDeployment(chainId);
  if (demo) return demo;
  throw new ChainCliError(`no deployment for chain ${chainId}: pass --deployment FILE (written by \`cqo deploy --out FILE\`)`, CHAIN_EXIT.NETWORK, `链 ${chainId} 上没有已知部署：请用 --deployment 指定部署文件`);
}

async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new ChainCliError("the keystore password: set CQO_KEYSTORE_PASSWORD (no terminal to prompt on)", CHAIN_EXIT.NO_KEY, "请设置 CQO_KEYSTORE_PASSWORD");
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

/** Decrypts an encrypted JSON keystore; the password from `passwordEnv`, else prompted on the terminal. */
export async function decryptKeystore(file: string, passwordEnv: string): Promise<Hex> {
  let json: string;
  try {
    json = readFileSync(file, "utf8");
  } catch (err) {
    throw new ChainCliError(`cannot read the keystore ${file}: ${(err as Error).message}`, EXIT.IO);
  }
  // ethers only for keystores (viem has no scrypt keystore support); loaded on demand to keep startup fast.
  const { decryptKeystoreJson, isKeystoreJson } = await import("ethers");
  if (!isKeystoreJson(json)) throw new ChainCliError(`${file} is not an encrypted JSON keystore`, CHAIN_EXIT.NO_KEY, "不是加密的 JSON 密钥文件");
  const password = process.env[passwordEnv] ?? (await promptHidden(`password for ${file}: `));
  try {
    const account = await decryptKeystoreJson(json, password);
    return account.privateKey as Hex;
  } catch {
    throw new ChainCliError(`wrong password for ${file}`, CHAIN_EXIT.NO_KEY, "密钥文件密码错误");
  }
}

/** A private key from an environment variable's value: 32 bytes of hex, 0x optional. */
export function parsePrivateKey(value: string, name: string): Hex {
  const normalised = (value.startsWith("0x") ? value : `0x${value}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(normalised)) throw new ChainCliError(`${name} is not a 32-byte hex key`, CHAIN_EXIT.NO_KEY, `${name} 格式错误`);
  return normalised;
}

/** The signing key's private key: from --keystore (decrypted) or CQO_PRIVATE_KEY. */
export async function loadPrivateKey(opts: ChainOptions): Promise<Hex> {
  if (opts.keystore) return decryptKeystore(opts.keystore, "CQO_KEYSTORE_PASSWORD");
  const key = process.env.CQO_PRIVATE_KEY;
  if (!key) {
    throw new ChainCliError("no signing key: pass --keystore FILE or set CQO_PRIVATE_KEY", CHAIN_EXIT.NO_KEY, "没有签名密钥：请用 --keystore 或设置 CQO_PRIVATE_KEY");
  }
  return parsePrivateKey(key, "CQO_PRIVATE_KEY");
}

export async function walletClientFor(opts: ChainOptions): Promise<WalletClient> {
  const account = privateKeyToAccount(await loadPrivateKey(opts));
  return createWalletClient({ account, transport: http(rpcUrl(opts), { retryCount: 0, timeout: 60_000 }) });
}

export async function clientFor(opts: ChainOptions, { signs }: { signs: boolean }): Promise<CqoClient> {
  const publicClient = publicClientFor(opts);
  const deployment = await resolveDeployment(opts, publicClient);
  const wallet = signs ? await walletClientFor(opts) : undefined;
  return new CqoClient(publicClient, deployment, wallet);
}

/** `--evidence`: a 32-byte hash as is, or a file whose keccak-256 is the hash; none: zero. */
export function evidenceHash(value: string | undefined): Hex {
  if (!value) return `0x${"00".repeat(32)}`;
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase() as Hex;
  if (existsSync(value)) return keccak256(readFileSync(value));
  throw new ChainCliError(`--evidence: "${value}" is neither a 32-byte hex hash nor a readable file`, EXIT.INVALID, "证据须为 32 字节哈希或文件");
}

/**
 * Now in unix seconds by the chain's clock: the latest block's timestamp divided by the deployment's clock unit (a
 * chain that counts milliseconds, such as FISCO BCOS, has unit 1000). Every date the contracts take is in seconds.
 */
export async function chainNow(cqo: CqoClient): Promise<number> {
  const block = await cqo.publicClient.getBlock();
  return Math.floor(Number(block.timestamp) / cqo.deployment.clockUnit);
}

/** Commander's collector for an option that may be given several times (`--consent a.json --consent b.json`). */
export const repeated = (value: string, previous: string[]): string[] => [...previous, value];

/** Dates: YYYY-MM-DD (UTC) or unix seconds. */
export function parseDate(value: string, option: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) throw new ChainCliError(`${option}: "${value}" is not a date (YYYY-MM-DD or unix seconds)`, EXIT.INVALID);
  return Math.floor(t / 1000);
}

export const isoDate = (t: number): string => (t === 0 ? "-" : new Date(t * 1000).toISOString().slice(0, 10));
export const isoTime = (t: number): string => new Date(t * 1000).toISOString().replace(".000Z", "Z");

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

export function emit(opts: ChainOptions, json: unknown, human: () => void): void {
  if (opts.json) printJson(toJson(json));
  else human();
}

export const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function exitCodeOf(e: ExplainedError): number {
  if (e.kind === "contract") return CHAIN_EXIT.REFUSED;
  if (e.kind === "network") return CHAIN_EXIT.NETWORK;
  if (e.kind === "input") return EXIT.INVALID;
  if (e.kind === "cancelled") return EXIT.INVALID;
  return 70;
}

/** Wraps an action: every failure becomes a bilingual message and a documented exit code. */
export function chainAction<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const opts = args.find((a): a is ChainOptions => typeof a === "object" && a !== null && !Array.isArray(a) && !("commands" in a)) ?? {};
    try {
      await run(...args);
    } catch (err) {
      let code: number;
      let message: { code: string; zh: string; en: string };
      if (err instanceof ChainCliError) {
        code = err.code;
        message = { code: "cli", zh: err.zh ?? err.message, en: err.message };
      } else {
        const explained = explainError(err);
        code = exitCodeOf(explained);
        message = explained;
      }
      // toJson: a contract error's decoded arguments hold bigints (certificate numbers, nonces)
      if (opts.json) printJson(toJson({ ok: false, error: message }));
      else process.stderr.write(`✗ ${message.zh}\n  ${message.en}\n`);
      process.exitCode = code;
    }
  };
}
