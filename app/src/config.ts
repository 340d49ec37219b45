/**
 * Where the chain and the contract are. A build for a real deployment bakes them in (VITE_CQO_RPC_URL,
 * VITE_CQO_CERTIFICATE, optionally VITE_CQO_CHAIN_ID, VITE_CQO_DEPLOY_BLOCK, VITE_CQO_CLOCK_UNIT, VITE_CQO_API); otherwise the app
 * reads deployment.json next to index.html (the demo's .demo/deployment.json, served by the dev server and by
 * app/serve.ts). A verifier needs nothing else: no account, no server of the body.
 */
import type { Deployment } from "../../sdk/deployments";
import { parseDeploymentLite as parseDeployment } from "./lib/reads";

export interface AppConfig {
  rpcUrl: string;
  deployment: Deployment;
  /** the certifying body's workbench API (the body console only) */
  apiBase: string;
}

const env = import.meta.env;

async function rpcChainId(rpcUrl: string): Promise<number> {
  const r = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });
  const body = (await r.json()) as { result?: string };
  if (!body.result) throw new Error("eth_chainId failed");
  return Number(BigInt(body.result));
}

let loading: Promise<AppConfig> | null = null;

export function loadConfig(): Promise<AppConfig> {
  loading ??= (async () => {
    const apiBase = (env.VITE_CQO_API as string | undefined) ?? "./api";
    const rpcFromEnv = env.VITE_CQO_RPC_URL as string | undefined;
    const certificate = env.VITE_CQO_CERTIFICATE as string | undefined;
    if (rpcFromEnv && certificate) {
      const chainId = env.VITE_CQO_CHAIN_ID ? Number(env.VITE_CQO_CHAIN_ID) : await rpcChainId(rpcFromEnv);
      const deployment = parseDeployment({
        chainId,
        certificate,
        renderer: (env.VITE_CQO_RENDERER as string | undefined) ?? "0x0000000000000000000000000000000000000000",
        deployBlock: Number(env.VITE_CQO_DEPLOY_BLOCK ?? 0),
        // 1000 for a chain whose block timestamps count milliseconds (the contract's CLOCK_UNIT)
        clockUnit: Number(env.VITE_CQO_CLOCK_UNIT ?? 1),
      });
      return { rpcUrl: rpcFromEnv, deployment, apiBase };
    }
    // index.html's inline script already asked for it (see vite.config.ts, earlyVerdict)
    const early = (window as { __cqoDeployment?: Promise<unknown> }).__cqoDeployment;
    const raw = ((await early?.catch(() => null)) ??
      (await fetch("./deployment.json", { credentials: "same-origin" }).then((r) => {
        if (!r.ok) throw new Error(`deployment.json: HTTP ${r.status}`);
        return r.json() as Promise<unknown>;
      }))) as { rpcUrl?: unknown };
    const deployment = parseDeployment(raw);
    // a relative rpcUrl ("./rpc") is the page's own host proxying the node
    const rpcUrl = new URL(rpcFromEnv ?? (typeof raw.rpcUrl === "string" ? raw.rpcUrl : "http://127.0.0.1:8545"), window.location.href).href;
    return { rpcUrl, deployment, apiBase };
  })();
  return loading;
}
