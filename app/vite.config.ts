/**
 * The dApp's build. Root is app/; the sdk and the scoring engine are imported from the repository. In dev the
 * demo's deployment (.demo/deployment.json, written by `npm start`) is served as /deployment.json and the
 * workbench API is proxied at /api (CQO_API_TARGET, default http://127.0.0.1:8787).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { toFunctionSelector } from "viem";

const APP = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(APP, "..");
const DEMO_DEPLOYMENT = process.env.CQO_DEPLOYMENT ?? resolve(REPO, ".demo", "deployment.json");

/**
 * The verdict's chain call starts before the app's script has even downloaded: a small inline script reads the
 * deployment (or the baked-in one) and, on a verify link, sends the eth_call for verifyCertificate(id) at once.
 * The app decodes the answer with the sdk's ABI (verify/prefetch.ts) or, if anything differs, asks again.
 */
function earlyVerdict(): Plugin {
  return {
    name: "cqo-early-verdict",
    transformIndexHtml() {
      const selector = toFunctionSelector("function verifyCertificate(uint256)").slice(2);
      const baked =
        process.env.VITE_CQO_RPC_URL && process.env.VITE_CQO_CERTIFICATE
          ? JSON.stringify({ rpcUrl: process.env.VITE_CQO_RPC_URL, certificate: process.env.VITE_CQO_CERTIFICATE })
          : "null";
      const code = `(function(){try{var baked=${baked};
var dep=baked?Promise.resolve(baked):fetch("./deployment.json",{credentials:"same-origin"}).then(function(r){if(!r.ok)throw new Error("deployment.json "+r.status);return r.json()});
if(!baked)window.__cqoDeployment=dep;
var m=/^#\\/verify\\/(\\d{1,20})(?:[?\\/]|$)/.exec(location.hash);if(!m)return;var id=BigInt(m[1]);if(id<=0n||id>=18446744073709551616n)return;
var data="0x${selector}"+id.toString(16).padStart(64,"0");
window.__cqoEarly={id:m[1],answer:dep.then(function(d){var url=new URL(d.rpcUrl||"http://127.0.0.1:8545",location.href).href;
return fetch(url,{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({jsonrpc:"2.0",id:1,method:"eth_call",params:[{to:d.certificate,data:data},"latest"]})}).then(function(r){return r.json()}).then(function(j){return{certificate:d.certificate,result:j.result}})})};
window.__cqoEarly.answer.catch(function(){});}catch(e){}})();`;
      return [{ tag: "script", children: code, injectTo: "head-prepend" }];
    },
  };
}

/** Serves the demo deployment at /deployment.json while developing (a built app gets it from its host). */
function demoDeployment(): Plugin {
  return {
    name: "cqo-demo-deployment",
    configureServer(server) {
      server.middlewares.use("/deployment.json", (_req, res) => {
        if (!existsSync(DEMO_DEPLOYMENT)) {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: `no ${DEMO_DEPLOYMENT}: run npm start first` }));
          return;
        }
        res.setHeader("content-type", "application/json");
        res.setHeader("cache-control", "no-store");
        // the chain is reached through this server's /rpc proxy: a phone on the same network can verify too
        const deployment = JSON.parse(readFileSync(DEMO_DEPLOYMENT, "utf8")) as Record<string, unknown>;
        res.end(JSON.stringify({ ...deployment, rpcUrl: "./rpc" }));
      });
    },
  };
}

/** The demo chain's RPC (from .demo/deployment.json), proxied at /rpc in dev. */
function rpcTarget(): string {
  if (process.env.CQO_RPC_TARGET) return process.env.CQO_RPC_TARGET;
  try {
    const d = JSON.parse(readFileSync(DEMO_DEPLOYMENT, "utf8")) as { rpcUrl?: unknown };
    if (typeof d.rpcUrl === "string") return d.rpcUrl;
  } catch {
    // no demo yet
  }
  return "http://127.0.0.1:8545";
}

export default defineConfig({
  root: APP,
  base: "./",
  plugins: [react(), demoDeployment(), earlyVerdict()],
  server: {
    host: process.env.CQO_APP_HOST ?? "127.0.0.1",
    port: Number(process.env.CQO_APP_PORT ?? 5173),
    fs: { allow: [REPO] },
    proxy: {
      "/rpc": { target: rpcTarget(), rewrite: () => "/" },
      "/api": { target: process.env.CQO_API_TARGET ?? "http://127.0.0.1:8787", rewrite: (p) => p.replace(/^\/api/, "") },
    },
  },
  build: {
    outDir: process.env.CQO_APP_OUT_DIR ?? resolve(APP, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
