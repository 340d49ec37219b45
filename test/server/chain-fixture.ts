/**
 * The chain side of the workbench tests: the dev mnemonic's accounts and their parts, the default rulebook, an
 * anvil node per test file, sdk clients, a fresh deployment (one accredited body, the default rulebook), and the
 * workbench's test configuration.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount, type HDAccount, type PrivateKeyAccount } from "viem/accounts";
import { CqoClient, deployCqo, levelsToScope, type Deployment, type ReviewSchedule, type SigningKeyGrant } from "../../sdk";
import { chainFor } from "../../server/chain";
import type { ServerConfig } from "../../server/config";
import { rulebookHash, parseRulebook, type Rulebook } from "../../scoring";
import defaultRulebookJson from "../../rulebooks/hn-cqo-default-2024.1.json";
import { freePort, startNode } from "../../scripts/lib/node";

export const REPO = join(__dirname, "..", "..");
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const account = (i: number): HDAccount => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
/** the key of account(i), for a child process's CQO_SIGNER_KEY */
export const privateKeyOf = (i: number): Hex => {
  const key = account(i).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}`;
};

export const ASSOCIATION = 0;
export const BODY_ADMIN = 1;
/** the body's signing key: the workbench's operator and its issuance signer */
export const OPERATOR = 2;
export const OTHER_BODY_KEY = 3;
export const SIWE_DOMAIN = "workbench.test";
export const RULEBOOK_KEY = "hn-cqo-default@2024.1";
export const NOTICE_PERIOD = 7 * 86_400;

export const RULEBOOK: Rulebook = (() => {
  const r = parseRulebook(defaultRulebookJson);
  if (!r.ok) throw new Error("default rulebook invalid");
  return r.value;
})();
export const RULEBOOK_HASH = rulebookHash(RULEBOOK);

export { freePort };

export interface Anvil {
  url: string;
  port: number;
  proc: ChildProcess;
  /** stops it; SIGTERM lets anvil dump its --state file, SIGKILL does not */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** anvil through scripts/lib/node.ts (one way to start a node for the demo, the benchmarks and every test). */
export async function startAnvil(options: { port?: number; statePath?: string } = {}): Promise<Anvil> {
  const node = await startNode("anvil", { port: options.port, anvilArgs: options.statePath ? ["--state", options.statePath] : [] });
  return {
    url: node.url,
    port: node.port,
    proc: node.proc,
    stop: (signal = "SIGTERM") => (signal === "SIGKILL" ? node.kill() : node.stop(15_000)),
  };
}

/** Moves the anvil node's clock on by `seconds` and mines a block there (a notice period, a year to the review). */
export async function travel(url: string, seconds: number): Promise<void> {
  for (const [method, params] of [["evm_increaseTime", [seconds]], ["evm_mine", []]] as const) {
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function publicClientFor(url: string, deployment: Deployment): PublicClient {
  return createPublicClient({ chain: chainFor(deployment, url), transport: http(url, { retryCount: 0 }), pollingInterval: 50 }) as PublicClient;
}

export function clientFor(url: string, deployment: Deployment, signer?: PrivateKeyAccount | HDAccount): CqoClient {
  const chain = chainFor(deployment, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const wc = signer ? createWalletClient({ account: signer, chain, transport, pollingInterval: 50 }) : undefined;
  return new CqoClient(pc, deployment, wc);
}

export interface World {
  deployment: Deployment;
  bodyId: number;
  rulebookId: number;
}

/** The chain's clock in unix seconds (a millisecond chain's block timestamps divided by the deployment's clockUnit). */
export async function chainSeconds(client: CqoClient): Promise<number> {
  return Math.floor(Number((await client.publicClient.getBlock({ blockTag: "latest" })).timestamp) / client.deployment.clockUnit);
}

/**
 * A key's own consent to sign for `bodyId` (EIP-712 SigningKeyConsent, signed by the key), valid for an hour: what
 * accreditBody and addSigningKey take. For a body not accredited yet, `bodyId` is the registry's nextBodyId().
 */
export async function signingKeyGrant(url: string, deployment: Deployment, key: HDAccount | PrivateKeyAccount, bodyId: number): Promise<SigningKeyGrant> {
  const signer = clientFor(url, deployment, key);
  return signer.signSigningKeyConsent({ bodyId, deadline: (await chainSeconds(signer)) + 3600 });
}

export interface BodyTerms {
  admin: HDAccount | PrivateKeyAccount;
  keys: (HDAccount | PrivateKeyAccount)[];
  levels?: number[];
  noticePeriod?: number;
  name?: string;
}

/** The association accredits a body whose keys each consent first; returns its id. */
export async function accreditBody(url: string, deployment: Deployment, terms: BodyTerms): Promise<number> {
  const association = clientFor(url, deployment, account(ASSOCIATION));
  const bodyId = await association.nextBodyId();
  const grants = await Promise.all(terms.keys.map((k) => signingKeyGrant(url, deployment, k, bodyId)));
  const now = await chainSeconds(association);
  const name = terms.name ?? "test";
  const r = await association.accreditBody(
    {
      admin: terms.admin.address,
      scope: levelsToScope(terms.levels ?? [1, 2, 3]),
      accreditedUntil: now + 10 * 365 * 86_400,
      noticePeriod: terms.noticePeriod ?? NOTICE_PERIOD,
      metadataURI: `ipfs://bodies/${name}.json`,
      metadataHash: `0x${"11".repeat(32)}`,
    },
    grants,
  );
  if (r.bodyId !== bodyId) throw new Error(`accredited as body ${r.bodyId}, the consents named ${bodyId}`);
  return r.bodyId;
}

/**
 * Deploys with the sdk, accredits one body (levels 1-3, 7 days' notice) and registers the default rulebook, with no
 * annual reviews unless `schedule` gives them (tests of the review queue: every 365 days, 60 days' grace).
 */
export async function deployWorld(url: string, schedule?: ReviewSchedule): Promise<World> {
  const chain = chainFor({ chainId: 31337 }, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const assoc = createWalletClient({ account: account(ASSOCIATION), chain, transport, pollingInterval: 50 });
  const deployment = await deployCqo(pc, assoc, { association: account(ASSOCIATION).address });
  const bodyId = await accreditBody(url, deployment, { admin: account(BODY_ADMIN), keys: [account(OPERATOR)] });
  const { rulebookId } = await new CqoClient(pc, deployment, assoc).registerRulebook(RULEBOOK_HASH, "ipfs://rulebooks/hn-cqo-default-2024.1.json", schedule);
  return { deployment, bodyId, rulebookId };
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cqo-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dir: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    dbPath: join(dir, "workbench.sqlite"),
    rpcUrl: "http://127.0.0.1:1",
    deploymentPath: join(dir, "deployment.json"),
    evidenceDir: join(dir, "evidence"),
    port: 0,
    host: "127.0.0.1",
    bodyId: 1,
    siweDomain: SIWE_DOMAIN,
    sessionTtlSeconds: 3600,
    batchSize: 5,
    workerIntervalMs: 50,
    evidenceMaxBytes: 1024 * 1024,
    // the suites sign in far more often than a person: rate limits are tested on their own (auth-attacks.test.ts)
    rateLimits: false,
    ...overrides,
  };
}

export function writeDeployment(dir: string, deployment: Deployment): string {
  const file = join(dir, "deployment.json");
  writeFileSync(file, JSON.stringify(deployment));
  return file;
}
