/**
 * The annual review walks' world (年审, issue #13): anvil with the contracts and the default rulebook registered with
 * annual reviews (every 365 days, 60 days of grace unless told), one accredited body whose operator's key issues, its
 * workbench in-process for the app's host, the assessors registered, and one certificate per holder issued through the
 * workbench and past its notice. The dApp is served and a browser launched. Shared by reviews, reviews-overdue and
 * body-requests, which differ only in the holders, the grace and the workbench's config.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { createPublicClient, createWalletClient, http as viemHttp, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { serveApp, type Served } from "../../app/serve";
import { CqoClient, deployCqo, type Deployment } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { chainFor } from "../../server/chain";
import type { ServerConfig } from "../../server/config";
import { ASSESSORS, ASSOCIATION, BODY_ADMIN, OPERATOR, RULEBOOK_HASH, account, accreditBody, dossierFor, expect200, fetchHttp, freePort, privateKeyOf, registerAssessors, siweMessage, startAnvil, tempDir, testConfig, toEvaluated, writeDeployment, type Anvil, type Http } from "../server/helpers";
import { buildApp, injectWallet, launchBrowser, type World } from "./harness";

export const DAY = 86_400;

export interface ReviewedWorldOptions {
  prefix: string;
  /** each certificate's holder (a dev account index) and the dossier's seed */
  holders: readonly { index: number; seed: number }[];
  /** days after the end of the notice to travel before the app starts (the review falls due at 365) */
  travelDays: number;
  graceDays?: number;
  /** the workbench's config beyond the chain, key and sign-in domain (a webhook, say) */
  config?: Partial<ServerConfig>;
}

export interface ReviewedWorld {
  anvil: Anvil;
  deployment: Deployment & { rpcUrl: string };
  workbench: Workbench;
  served: Served;
  browser: Browser;
  http: Http;
  /** the operator's session, signed in for the app's host */
  operator: string;
  /** in the order of `holders` */
  tokenIds: string[];
  dossierIds: string[];
  /** signs `index` (or a private key) in to the workbench for the app's host */
  signInAs(index: number | `0x${string}`): Promise<string>;
  rpc(method: string, params?: unknown[]): Promise<Response>;
  travel(seconds: number): Promise<void>;
  /** a browser context whose injected wallet is `index`'s (injectWallet reads only the chain's id and RPC URL) */
  walletContext(index: number): Promise<BrowserContext>;
  stop(): Promise<void>;
}

export async function startReviewedWorld(o: ReviewedWorldOptions): Promise<ReviewedWorld> {
  const anvil = await startAnvil();
  const wbDir = tempDir(`${o.prefix}-wb`);
  const rpc = (method: string, params: unknown[] = []) => fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const travel = async (s: number) => {
    await rpc("evm_increaseTime", [s]);
    await rpc("evm_mine", []);
  };
  const chain = chainFor({ chainId: 31337 }, anvil.url);
  const transport = viemHttp(anvil.url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const assoc = createWalletClient({ account: account(ASSOCIATION), chain, transport, pollingInterval: 50 });
  const deployed = await deployCqo(pc, assoc, { association: account(ASSOCIATION).address });
  const bodyId = await accreditBody(anvil.url, deployed, { admin: account(BODY_ADMIN), keys: [account(OPERATOR)] });
  await new CqoClient(pc, deployed, assoc).registerRulebook(RULEBOOK_HASH, "ipfs://rulebooks/hn-cqo-default-2024.1.json", { reviewInterval: 365 * DAY, reviewGrace: (o.graceDays ?? 60) * DAY });
  const deployment = { ...deployed, rpcUrl: anvil.url };

  const appPort = await freePort();
  const host = `127.0.0.1:${appPort}`;
  const workbench = await buildServer({
    config: testConfig(wbDir.dir, { rpcUrl: anvil.url, deploymentPath: writeDeployment(wbDir.dir, deployed), bodyId, signerKey: privateKeyOf(OPERATOR), siweDomain: host, ...o.config }),
  });
  const apiUrl = await workbench.listen();
  const http = fetchHttp(apiUrl);
  const signInAs = async (index: number | `0x${string}`): Promise<string> => {
    const signer = privateKeyToAccount(typeof index === "number" ? privateKeyOf(index) : index);
    const { message, signature } = await siweMessage(http, signer, { domain: host });
    return expect200(await http("POST", "/auth/verify", { message, signature }), "sign-in").json<{ token: string }>().token;
  };
  const operator = await signInAs(OPERATOR);
  await registerAssessors(http, operator);
  const assessors = await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(a.key)));
  const tokenIds: string[] = [];
  const dossierIds: string[] = [];
  for (const h of o.holders) {
    const { id } = await toEvaluated(http, { operator, applicant: await signInAs(h.index), assessors }, dossierFor(h.seed));
    dossierIds.push(id);
    tokenIds.push(expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ tokenId: string }>().tokenId);
  }
  for (const id of dossierIds) {
    while ((await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string }>().state !== "in-notice") await new Promise((r) => setTimeout(r, 100));
  }
  await travel(8 * DAY);
  for (const id of dossierIds) expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, operator), "end-notice");
  await travel(o.travelDays * DAY);
  const served = await serveApp({ dist: buildApp(), deployment, apiTarget: apiUrl, rpcTarget: anvil.url, port: appPort });
  const browser = await launchBrowser();
  const walletContext = async (index: number): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(context, { rpcUrl: anvil.url, deployment } as unknown as World, privateKeyOf(index));
    return context;
  };
  const stop = async () => {
    await browser.close();
    await served.close();
    await workbench.close();
    await anvil.stop("SIGKILL");
    wbDir.cleanup();
  };
  return { anvil, deployment, workbench, served, browser, http, operator, tokenIds, dossierIds, signInAs, rpc, travel, walletContext, stop };
}
