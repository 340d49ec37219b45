/**
 * A tiny static host for the built app (app/dist), used by the end-to-end tests and the benchmark: serves the
 * files, the deployment as /deployment.json, and proxies /api/* to the workbench when one is given. Production
 * hosts do the same with any static server — and send the same Content-Security-Policy (contentSecurityPolicy
 * below: the inline script and stylesheet of index.html by their SHA-256, nothing else inline, no eval).
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { HOST_DEPLOYMENT_SLOT } from "./src/verify/early";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface ServeOptions {
  dist: string;
  /** the deployment JSON served at /deployment.json (with rpcUrl) */
  deployment: unknown;
  /** base URL of the workbench API, proxied at /api */
  apiTarget?: string;
  /**
   * the chain's JSON-RPC URL, proxied at /rpc; the deployment is then served with rpcUrl "./rpc" (same origin:
   * no CORS preflight per call, and a phone on the network reaches the chain through the page's host)
   */
  rpcTarget?: string;
  port?: number;
  host?: string;
  /**
   * write the deployment into index.html (its early script's slot, see app/src/verify/early.ts) instead of having
   * the page fetch /deployment.json first: what a host that knows its deployment does (like a build with the
   * VITE_CQO_* variables baked in). /deployment.json is served either way.
   */
  inlineDeployment?: boolean;
  /** more origins the page may connect to (connect-src), besides itself and a chain RPC that is not proxied */
  connect?: string[];
}

export interface Served {
  url: string;
  host: string;
  /** the Content-Security-Policy sent with every response */
  csp: string;
  close(): Promise<void>;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The SHA-256 sources of an HTML page's inline scripts (no src) and inline stylesheets, as a browser hashes them. */
export function inlineHashes(html: string): { scripts: string[]; styles: string[] } {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)].filter((m) => !/\ssrc\s*=/i.test(m[1]!) && m[2]!.length > 0).map((m) => sha256(m[2]!));
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)].map((m) => sha256(m[1]!));
  return { scripts: [...new Set(scripts)], styles: [...new Set(styles)] };
}

/**
 * The dApp's Content-Security-Policy for the index.html it is served with: everything from the page's own origin;
 * the inline early script (verify/early.ts) and the inlined stylesheet allowed by their hashes only, so an injected
 * inline script or style does not run; no eval and no WebAssembly (the app has none: scoring's keccak is
 * @noble/hashes in a browser); images also as data: and blob: URLs (QR codes, the favicon); the chain's RPC when it
 * is not proxied; no plugins, no <base>, no framing.
 */
export function contentSecurityPolicy(html: string, options: { connect?: string[]; dev?: boolean } = {}): string {
  const { scripts, styles } = inlineHashes(html);
  const connect = [...new Set((options.connect ?? []).map((u) => new URL(u).origin))];
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    ["script-src", ["'self'", ...scripts]],
    // dev: Vite injects each module's CSS as a <style> element at run time
    ["style-src", ["'self'", ...(options.dev ? ["'unsafe-inline'"] : styles)]],
    ["img-src", ["'self'", "data:", "blob:"]],
    ["connect-src", ["'self'", ...connect, ...(options.dev ? ["ws:", "wss:"] : [])]],
    ["font-src", ["'self'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'none'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(" ")}`).join("; ");
}

/** Headers of every response of the app's host (besides the CSP). */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

function proxy(req: IncomingMessage, res: ServerResponse, target: string, prefix: string): void {
  const url = new URL(target);
  const rest = (req.url ?? "/").slice(prefix.length);
  const path = `${url.pathname.replace(/\/$/, "")}${rest.startsWith("/") || rest === "" ? rest : `/${rest}`}` || "/";
  const upstream = httpRequest(
    {
      hostname: url.hostname,
      port: url.port,
      path,
      method: req.method,
      // the client's address for the workbench's rate limits (it reads it with CQO_TRUST_PROXY set)
      headers: { ...req.headers, host: url.host, "x-forwarded-for": [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ") },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on("error", () => {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "bad-gateway", message: { zh: "工作台服务器不可达", en: "the workbench server is unreachable" } }));
  });
  req.pipe(upstream);
}

export async function serveApp(options: ServeOptions): Promise<Served> {
  const root = resolve(options.dist);
  if (!existsSync(join(root, "index.html"))) throw new Error(`${root}/index.html missing: run npm run app:build`);
  const deploymentJson = JSON.stringify(options.rpcTarget ? { ...(options.deployment as object), rpcUrl: "./rpc" } : options.deployment);
  const html = readFileSync(join(root, "index.html"), "utf8");
  if (options.inlineDeployment && !html.includes(HOST_DEPLOYMENT_SLOT)) throw new Error("index.html has no deployment slot (an older build?)");
  const indexHtml = options.inlineDeployment ? html.replace(HOST_DEPLOYMENT_SLOT, () => deploymentJson.replace(/</g, "\\u003c")) : html;
  // computed from the very HTML served (the inline deployment changes the early script's hash)
  const rpcUrl = (options.deployment as { rpcUrl?: unknown } | null)?.rpcUrl;
  const direct = !options.rpcTarget && typeof rpcUrl === "string" && /^https?:\/\//.test(rpcUrl) ? [rpcUrl] : [];
  const csp = contentSecurityPolicy(indexHtml, { connect: [...direct, ...(options.connect ?? [])] });
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    res.setHeader("content-security-policy", csp);
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    } catch {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("bad request");
      return;
    }
    if (path.startsWith("/api/") || path === "/api") {
      if (!options.apiTarget) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "no-api", message: { zh: "未配置工作台服务器", en: "no workbench server configured" } }));
        return;
      }
      proxy(req, res, options.apiTarget, "/api");
      return;
    }
    if (path === "/rpc" && options.rpcTarget) {
      proxy(req, res, options.rpcTarget, "/rpc");
      return;
    }
    if (path === "/deployment.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(deploymentJson);
      return;
    }
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": TYPES[".html"]!, "cache-control": "no-cache" });
      res.end(indexHtml);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    const immutable = file.includes(`${join(root, "assets")}`);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" });
    createReadStream(file).pipe(res);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}/`,
    host: `${host}:${port}`,
    csp,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
