/**
 * A tiny static host for the built app (app/dist), used by the end-to-end tests and the benchmark: serves the
 * files, the deployment as /deployment.json, and proxies /api/* to the workbench when one is given. Production
 * hosts do the same with any static server.
 */
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
}

export interface Served {
  url: string;
  host: string;
  close(): Promise<void>;
}

function proxy(req: IncomingMessage, res: ServerResponse, target: string, prefix: string): void {
  const url = new URL(target);
  const rest = (req.url ?? "/").slice(prefix.length);
  const path = `${url.pathname.replace(/\/$/, "")}${rest.startsWith("/") || rest === "" ? rest : `/${rest}`}` || "/";
  const upstream = httpRequest(
    { hostname: url.hostname, port: url.port, path, method: req.method, headers: { ...req.headers, host: url.host } },
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
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
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
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
