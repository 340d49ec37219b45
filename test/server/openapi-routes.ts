/** Shared by openapi.test.ts and fuzz.test.ts: the routes fastify knows (from printRoutes) and the document's operations. */
import type { FastifyInstance } from "fastify";

export interface KnownRoute {
  method: string;
  url: string;
}

/** every route of the app except HEAD, the document itself and the docs page */
export function knownRoutes(app: FastifyInstance): KnownRoute[] {
  const out: KnownRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ├└─]*?)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const seg = m[2]!;
    stack.length = depth;
    const parent = stack.join("");
    const url = parent.endsWith("/") && seg.startsWith("/") ? parent + seg.slice(1) : parent + seg;
    stack.push(seg);
    for (const method of (m[3] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
      if (method === "HEAD" || url === "/openapi.json" || url === "/docs" || url.startsWith("/docs/")) continue;
      out.push({ method, url });
    }
  }
  return out;
}

export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** a fastify url template → a RegExp over concrete paths */
export const pathMatcher = (url: string) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{[A-Za-z0-9_]+\\\}|:[A-Za-z0-9_]+/g, "[^/]+")}$`);
