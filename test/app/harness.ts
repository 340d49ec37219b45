/**
 * End-to-end harness for the dApp: a local chain (anvil) with the demo deployment and seed (scripts/lib), the app
 * built by Vite and served by app/serve.ts, Debian's chromium driven by playwright-core, and a test wallet
 * injected into the page as an EIP-1193 provider (window.ethereum + EIP-6963) whose keys live in this process:
 * every signature and transaction in a test is made for real by viem with a private key.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, type Address, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { serveApp, type Served } from "../../app/serve";
import { CqoClient, type Deployment, type SigningKeyGrant } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { chainFor } from "../../server/chain";
import type { ServerConfig } from "../../server/config";
import { ASSESSORS, expect200, fetchHttp, freePort, registerAssessors, siweMessage, startAnvil, tempDir, testConfig, writeDeployment, type Anvil, type Http, type Tokens } from "../server/helpers";
import { seedChain, type Seeded, type SeededCertificate } from "./seed";

export const REPO = join(__dirname, "..", "..");
export const MNEMONIC = "test test test test test test test test test test test junk";
export const CHROMIUM = process.env.CQO_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO, "test-results", "screenshots");

/** Who plays which part, by mnemonic index (see ./seed.ts): 0 association, 1 supervisor, 2/3 body A admin/key, 4/5 body B admin/key, 6… holders. */
export const ROLE = { association: 0, supervisor: 1, adminA: 2, keyA: 3, adminB: 4, keyB: 5, holder: 6 } as const;

export function privateKeyOf(index: number): Hex {
  const key = mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}`;
}

export interface World extends Omit<Seeded, "deployment"> {
  anvil: Anvil;
  rpcUrl: string;
  deployment: Deployment & { rpcUrl: string };
  certs: SeededCertificate[];
  travel(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export async function startWorld(): Promise<World> {
  const anvil = await startAnvil();
  const travel = async (s: number) => {
    await rpc(anvil.url, "evm_increaseTime", [s]);
    await rpc(anvil.url, "evm_mine", []);
  };
  try {
    const seeded = await seedChain(anvil.url, privateKeyOf, travel);
    return {
      ...seeded,
      anvil,
      rpcUrl: anvil.url,
      deployment: { ...seeded.deployment, rpcUrl: anvil.url },
      travel,
      stop: () => anvil.stop("SIGKILL"),
    };
  } catch (err) {
    await anvil.stop("SIGKILL");
    throw err;
  }
}

/** The chain's time in seconds (it runs ahead of this machine's clock after `travel`). */
export async function chainNow(world: Pick<World, "rpcUrl" | "deployment">): Promise<number> {
  const pc = createPublicClient({ transport: http(world.rpcUrl, { retryCount: 0 }) });
  return Number((await pc.getBlock({ blockTag: "latest" })).timestamp) / (world.deployment.clockUnit ?? 1);
}

/** A wallet's consent to serve `bodyId` as a signing key (contracts v2), signed in this process with the sdk. */
export async function signingKeyConsent(world: Pick<World, "rpcUrl" | "deployment">, privateKey: Hex, bodyId: number, validFor = 86_400): Promise<SigningKeyGrant> {
  const chain = chainFor(world.deployment, world.rpcUrl);
  const transport = http(world.rpcUrl, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport }) as PublicClient;
  const key = new CqoClient(pc, world.deployment, createWalletClient({ account: privateKeyToAccount(privateKey), chain, transport }));
  return key.signSigningKeyConsent({ bodyId, deadline: Math.floor(await chainNow(world)) + validFor });
}

let built: string | null = null;

/** Builds the app once per process into a temporary directory (Vite: about a second). */
export function buildApp(): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), "cqo-app-"));
  const r = spawnSync(join(REPO, "node_modules", ".bin", "vite"), ["build", "--config", "app/vite.config.ts", "--logLevel", "warn"], {
    cwd: REPO,
    env: { ...process.env, CQO_APP_OUT_DIR: out },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  built = out;
  return out;
}

export async function serveWorld(world: World, apiTarget?: string, options: { inlineDeployment?: boolean } = {}): Promise<Served> {
  return serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget, rpcTarget: world.rpcUrl, ...options });
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"];

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}. The dApp's end-to-end tests need Debian's chromium: ` +
        "run `apt-get update && apt-get install -y chromium` (or set CQO_CHROMIUM to a Chromium binary).",
    );
  }
  const options: LaunchOptions = { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] };
  return chromium.launch(options);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const ignore = join(REPO, "test-results", ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "*\n");
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens a route of the app in a language ("#/verify/1?lang=en"). */
export function appUrl(served: Served, route: string, lang: "zh" | "en" = "zh"): string {
  const sep = route.includes("?") ? "&" : "?";
  return `${served.url}#${route}${sep}lang=${lang}`;
}

// ---------------------------------------------------------------- the injected test wallet

export interface TestWallet {
  account(): PrivateKeyAccount;
  /** switches the wallet's account (emits accountsChanged in the page) */
  use(page: Page, privateKey: Hex): Promise<void>;
  /** the next signature or transaction request is declined by the "user" (EIP-1193 error 4001) */
  rejectNext(): void;
  /** every method the page called, in order */
  calls: string[];
}

const WALLET_INIT = `(() => {
  const listeners = {};
  const provider = {
    isCqoTestWallet: true,
    async request({ method, params }) {
      const reply = JSON.parse(await window.__cqoWallet(JSON.stringify({ method, params: params ?? [] })));
      if (reply.error) { const e = new Error(reply.error.message); e.code = reply.error.code; e.data = reply.error.data; throw e; }
      return reply.result;
    },
    on(event, fn) { (listeners[event] ??= []).push(fn); return provider; },
    removeListener(event, fn) { listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn); return provider; },
  };
  window.__cqoEmit = (event, value) => (listeners[event] ?? []).forEach((fn) => fn(value));
  window.ethereum = provider;
  const info = { uuid: "6f1a6c1e-3a57-4a57-9d0e-cq0test00001", name: "CQO Test Wallet", icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Crect width='8' height='8' fill='%23333'/%3E%3C/svg%3E", rdns: "org.cqo-chain.testwallet" };
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

/** Injects the test wallet into every page of the context. */
export async function injectWallet(context: BrowserContext, world: World, privateKey: Hex): Promise<TestWallet> {
  let account = privateKeyToAccount(privateKey);
  let reject = false;
  const calls: string[] = [];
  const chainIdHex = `0x${world.deployment.chainId.toString(16)}`;
  const forward = async (method: string, params: unknown[]): Promise<unknown> => {
    const r = await fetch(world.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const body = (await r.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
    return body.result;
  };
  const handle = async (method: string, params: unknown[]): Promise<unknown> => {
    const signing = ["personal_sign", "eth_signTypedData_v4", "eth_sendTransaction"].includes(method);
    if (signing && reject) {
      reject = false;
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return [account.address];
      case "eth_chainId":
        return chainIdHex;
      case "net_version":
        return String(world.deployment.chainId);
      case "wallet_switchEthereumChain":
        return null;
      case "wallet_requestPermissions":
      case "wallet_getPermissions":
        return [{ parentCapability: "eth_accounts" }];
      case "personal_sign": {
        const [data] = params as [Hex];
        return account.signMessage({ message: { raw: data } });
      }
      case "eth_signTypedData_v4": {
        const [, json] = params as [string, string];
        const typed = JSON.parse(json) as { domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> };
        const { EIP712Domain: _omit, ...types } = typed.types;
        void _omit;
        return account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message } as Parameters<PrivateKeyAccount["signTypedData"]>[0]);
      }
      case "eth_sendTransaction": {
        const [tx] = params as [{ to?: Address; data?: Hex; value?: Hex; gas?: Hex }];
        const wallet = createWalletClient({ account, transport: http(world.rpcUrl) });
        return wallet.sendTransaction({ chain: null, to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : undefined, gas: tx.gas ? BigInt(tx.gas) : undefined });
      }
      default:
        return forward(method, params);
    }
  };
  await context.exposeFunction("__cqoWallet", async (json: string) => {
    const { method, params } = JSON.parse(json) as { method: string; params: unknown[] };
    calls.push(method);
    try {
      return JSON.stringify({ result: (await handle(method, params)) ?? null });
    } catch (err) {
      const e = err as { code?: number; message?: string; data?: unknown };
      return JSON.stringify({ error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message ?? String(err), data: e.data } });
    }
  });
  await context.addInitScript(WALLET_INIT);
  return {
    account: () => account,
    async use(page, key) {
      account = privateKeyToAccount(key);
      await page.evaluate((a) => (window as unknown as { __cqoEmit: (e: string, v: unknown) => void }).__cqoEmit("accountsChanged", [a]), account.address);
    },
    rejectNext() {
      reject = true;
    },
    calls,
  };
}

/** Signs the console in with the wallet (SIWE) unless this tab's session already is; connects the wallet first. */
export async function signInToConsole(page: Page): Promise<void> {
  await ensureConnected(page);
  const signedIn = page.locator('[data-testid="signed-in"]');
  const button = page.locator('button:has-text("用钱包登录"), button:has-text("Sign in with the wallet")');
  await signedIn.or(button).first().waitFor();
  if (!(await signedIn.count())) await button.click();
  await signedIn.waitFor();
}

/** axe-core's WCAG 2 A/AA violations inside `scope` ("rule: targets"), none expected */
export async function axeViolations(page: Page, scope: string): Promise<string[]> {
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async (sel) => {
    type Axe = { run(context: string, options: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
    const r = await (window as unknown as { axe: Axe }).axe.run(sel, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, scope);
}

/**
 * Connects the page's wallet: wagmi reconnects by itself when the wallet already authorised the site, otherwise
 * the test clicks the wallet's EIP-6963 button (the two race on a reload, hence the retry).
 */
export async function ensureConnected(page: Page): Promise<void> {
  const connected = page.locator('[data-testid="wallet-connected"]');
  const button = page.locator('button:has-text("CQO Test Wallet")');
  for (let attempt = 0; attempt < 3; attempt++) {
    await connected.or(button).first().waitFor();
    if (await connected.count()) return;
    await button.click({ timeout: 2_000 }).catch(() => undefined);
    if (await connected.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
  }
  throw new Error("the test wallet did not connect");
}

export interface AppWorkbench {
  /** body A's workbench, in-process, its key issuing */
  workbench: Workbench;
  apiUrl: string;
  http: Http;
  /** the app, served against the workbench and the chain */
  served: Served;
  /** the page's host, the workbench's SIWE domain */
  host: string;
  /** signs in with Ethereum on the page's host; returns the session token */
  signInAs(signer: PrivateKeyAccount): Promise<string>;
  /** body A's operator, `applicant` and the first three assessors signed in (the operator registering them first) */
  signInTeam(applicant: PrivateKeyAccount): Promise<Tokens>;
  close(): Promise<void>;
}

/**
 * Body A's workbench (in-process) on the page's own host, as sign-in with Ethereum requires, and the app served
 * against it: a free port for the app, the workbench's siweDomain naming it.
 */
export async function startAppWorkbench(world: World, options: { prefix?: string; config?: Partial<ServerConfig> } = {}): Promise<AppWorkbench> {
  const dir = tempDir(options.prefix ?? "app-wb");
  const appPort = await freePort();
  const host = `127.0.0.1:${appPort}`;
  let workbench: Workbench | undefined;
  let served: Served | undefined;
  const close = async () => {
    await served?.close();
    await workbench?.close();
    dir.cleanup();
  };
  try {
    workbench = await buildServer({
      config: testConfig(dir.dir, { rpcUrl: world.rpcUrl, deploymentPath: writeDeployment(dir.dir, world.deployment), bodyId: world.bodyA, signerKey: privateKeyOf(ROLE.keyA), siweDomain: host, ...options.config }),
    });
    const apiUrl = await workbench.listen();
    const http = fetchHttp(apiUrl);
    served = await serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget: apiUrl, rpcTarget: world.rpcUrl, port: appPort });
    const signInAs = async (signer: PrivateKeyAccount): Promise<string> => {
      const { message, signature } = await siweMessage(http, signer, { domain: host });
      return expect200(await http("POST", "/auth/verify", { message, signature }), "sign-in").json<{ token: string }>().token;
    };
    const signInTeam = async (applicant: PrivateKeyAccount): Promise<Tokens> => {
      const operator = await signInAs(privateKeyToAccount(privateKeyOf(ROLE.keyA)));
      await registerAssessors(http, operator);
      return { operator, applicant: await signInAs(applicant), assessors: await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(privateKeyToAccount(a.key)))) };
    };
    return { workbench, apiUrl, http, served, host, signInAs, signInTeam, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The seeded world served by the app (no workbench) and a browser: what a page test reading the chain starts from. */
export interface ServedWorld {
  world: World;
  served: Served;
  browser: Browser;
  close(): Promise<void>;
}

export async function startServedWorld(): Promise<ServedWorld> {
  const world = await startWorld();
  let served: Served | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await served?.close();
    await world.stop();
  };
  try {
    served = await serveWorld(world);
    browser = await launchBrowser();
    return { world, served, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
