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
import { cqoCertificateAbi } from "../sdk/abi";
import { CERTIFICATE_STATUSES, REVOCATION_REASONS } from "../sdk/types";
import { STATUS_ICON_PATHS } from "./src/lib/statusIcons";
import { en } from "./src/locales/en";
import { zh, type Messages } from "./src/locales/zh";
import { earlyVerdict, HOST_DEPLOYMENT_SLOT, type EarlyConfig, type EarlyTexts } from "./src/verify/early";
import { contentSecurityPolicy, SECURITY_HEADERS } from "./serve";

const APP = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(APP, "..");
const DEMO_DEPLOYMENT = process.env.CQO_DEPLOYMENT ?? resolve(REPO, ".demo", "deployment.json");

/** The texts the verdict painted before the app needs, in one language (the same keys React renders). */
function earlyTexts(m: Messages): EarlyTexts {
  return {
    title: m.app.title,
    skip: m.app.skip,
    name: m.app.name,
    tagline: m.app.tagline,
    language: m.app.language,
    nav: m.app.nav,
    back: m.verify.back,
    certificate: m.verify.certificate,
    refresh: m.verify.refresh,
    bodyNotAccredited: m.verify.bodyNotAccredited,
    underObjection: m.verdict.underObjection,
    suspendedByBody: m.verdict.suspendedByBody,
    suspendedBySupervisor: m.verdict.suspendedBySupervisor,
    asOf: m.verdict.asOf,
    verdict: Object.fromEntries(CERTIFICATE_STATUSES.map((s) => [s, m.verdict[s]])),
    reason: { ...m.reason },
  };
}

/** Where the verdict's fields sit in verifyCertificate's answer (a static tuple: one 32-byte word per field). */
function verdictLayout(): Pick<EarlyConfig, "words" | "at"> {
  const fn = cqoCertificateAbi.find((i) => i.type === "function" && i.name === "verifyCertificate");
  const out = fn && "outputs" in fn ? fn.outputs[0] : undefined;
  if (!out || !("components" in out)) throw new Error("verifyCertificate: unexpected ABI");
  const names = out.components.map((c) => c.name as string);
  if (out.components.some((c) => !/^(u?int\d*|bool|address|bytes\d+)$/.test(c.type))) throw new Error("verifyCertificate: the answer is no longer a static tuple");
  const at = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`verifyCertificate: no field ${name}`);
    return i;
  };
  return { words: names.length, at: { status: at("status"), reason: at("revocationReason"), underObjection: at("underObjection"), bodyAccredited: at("bodyAccredited"), suspendedByBody: at("suspendedByBody"), suspendedBySupervisor: at("suspendedBySupervisor") } };
}

/**
 * The verdict before the app: an inline script (verify/early.ts, stringified) sends the verdict's eth_call while
 * the HTML is parsed and paints the verdict from the answer, before React and the app's JavaScript. The deployment
 * comes baked in (VITE_CQO_RPC_URL + VITE_CQO_CERTIFICATE), from the host (app/serve.ts replaces
 * `/*cqo:deployment*\/null` with the deployment's JSON), or from ./deployment.json.
 */
function earlyVerdictPlugin(): Plugin {
  return {
    name: "cqo-early-verdict",
    transformIndexHtml: {
      // after Vite has written its script, modulepreload and stylesheet tags (build) — they are taken over here
      order: "post",
      handler(html, ctx) {
        let app: EarlyConfig["app"] = null;
        if (ctx.bundle) {
          const entry = /<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>\s*/.exec(html);
          if (!entry) throw new Error("index.html: no module script to take over");
          const preload = [...html.matchAll(/<link rel="modulepreload"[^>]*\shref="([^"]+)"[^>]*>\s*/g)];
          app = { entry: entry[1]!, preload: preload.map((m) => m[1]!), holdMs: 1200 };
          html = html.replace(entry[0], "");
          for (const m of preload) html = html.replace(m[0], "");
          // the stylesheet inline: no render-blocking request in front of the verdict's paint
          const bundle = ctx.bundle;
          html = html.replace(/<link rel="stylesheet"[^>]*\shref="\.\/([^"]+\.css)"[^>]*>/g, (tag, file: string) => {
            const asset = bundle[file];
            if (!asset || asset.type !== "asset") return tag;
            const css = typeof asset.source === "string" ? asset.source : new TextDecoder().decode(asset.source);
            return `<style>${css.replace(/<\/style/gi, "<\\/style")}</style>`;
          });
        }
        const config: EarlyConfig = {
          baked:
            process.env.VITE_CQO_RPC_URL && process.env.VITE_CQO_CERTIFICATE
              ? { rpcUrl: process.env.VITE_CQO_RPC_URL, certificate: process.env.VITE_CQO_CERTIFICATE }
              : null,
          selector: toFunctionSelector("function verifyCertificate(uint256)").slice(2),
          ...verdictLayout(),
          statuses: CERTIFICATE_STATUSES,
          reasons: REVOCATION_REASONS,
          icons: STATUS_ICON_PATHS,
          texts: { zh: earlyTexts(zh), en: earlyTexts(en) },
          app,
        };
        const json = JSON.stringify(config).replace(/</g, "\\u003c");
        // __name: a bundler keeping function names may wrap inner functions in it
        const code = `(function(){var __name=function(f){return f};(${earlyVerdict.toString()})(${json},${HOST_DEPLOYMENT_SLOT})})();`;
        return { html, tags: [{ tag: "script", children: code, injectTo: "head-prepend" }] };
      },
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

/**
 * The same Content-Security-Policy and headers as app/serve.ts. Dev: the inline scripts of the page Vite serves
 * (the early script, React's refresh preamble) by their hashes; styles inline too, since Vite injects each module's
 * CSS as a <style> element; the HMR websocket. Preview: the policy of the built index.html, as serve.ts sends it.
 */
function securityHeaders(): Plugin {
  const connect = [process.env.VITE_CQO_RPC_URL, process.env.VITE_CQO_API].filter((u): u is string => typeof u === "string" && /^https?:\/\//.test(u));
  let outDir = resolve(APP, "dist");
  return {
    name: "cqo-security-headers",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
        const path = (req.url ?? "/").split("?")[0];
        if (path !== "/" && path !== "/index.html") return next();
        server
          .transformIndexHtml(req.url ?? "/", readFileSync(resolve(APP, "index.html"), "utf8"), req.originalUrl)
          .then((html) => res.setHeader("content-security-policy", contentSecurityPolicy(html, { dev: true, connect })))
          .then(() => next(), next);
      });
    },
    configurePreviewServer(server) {
      const index = resolve(outDir, "index.html");
      const csp = existsSync(index) ? contentSecurityPolicy(readFileSync(index, "utf8"), { connect }) : null;
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
        if (csp) res.setHeader("content-security-policy", csp);
        next();
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
  plugins: [react(), demoDeployment(), earlyVerdictPlugin(), securityHeaders()],
  server: {
    host: process.env.CQO_APP_HOST ?? "127.0.0.1",
    port: Number(process.env.CQO_APP_PORT ?? 5173),
    fs: { allow: [REPO] },
    proxy: {
      "/rpc": { target: rpcTarget(), rewrite: () => "/" },
      // xfwd: the client's address in x-forwarded-for, for the workbench's rate limits (with CQO_TRUST_PROXY)
      "/api": { target: process.env.CQO_API_TARGET ?? "http://127.0.0.1:8787", rewrite: (p) => p.replace(/^\/api/, ""), xfwd: true },
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
