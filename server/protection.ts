/**
 * What protects every route of the workbench besides its guards (server/context.ts): security headers on every
 * response (@fastify/helmet), JSON-only bodies (multipart only where a route says so), rate limits on the routes a
 * stranger can make expensive (@fastify/rate-limit, in memory), and the periodic purge of used nonces and dead
 * sessions. Registered once by buildServer, before the routes.
 *
 * Rate limits: two per route, both over a one-minute window — one per client IP (`req.ip`: behind a reverse proxy
 * set CQO_TRUST_PROXY, or every client shares the proxy's address), and, on routes that need a session, one per
 * signed-in address (an address cannot get round the first by changing IP). A sign-in has no session yet, and a
 * limit on the address its message names would let anyone lock that wallet out: nonce and sign-in are limited per
 * IP only (a nonce is burnt by its first attempt, so a sign-in costs its caller a nonce too).
 */
import helmet from "@fastify/helmet";
import rateLimitPlugin, { type RateLimitOptions } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import fp from "fastify-plugin";
import { purgeAuth } from "./auth";
import type { Ctx } from "./context";
import { HttpError } from "./errors";

export type RateKind = "nonce" | "signIn" | "upload" | "objection";
export const RATE_KINDS: readonly RateKind[] = ["nonce", "signIn", "upload", "objection"];

/** requests per minute; perAddress null: no per-address limit (routes without a session) */
export interface RateLimitSetting {
  perIp: number;
  perAddress: number | null;
}

/**
 * The defaults: well above what a person does in a minute (and what the demo does from one address: about 40
 * sign-ins while it seeds 30 dossiers), well below what a script flooding the workbench would.
 */
export const RATE_LIMIT_DEFAULTS: Readonly<Record<RateKind, RateLimitSetting>> = {
  nonce: { perIp: 120, perAddress: null },
  signIn: { perIp: 60, perAddress: null },
  upload: { perIp: 120, perAddress: 60 },
  // each objection is relayed on-chain with the body's key, paying gas
  objection: { perIp: 20, perAddress: 5 },
};

export const RATE_WINDOW_MS = 60_000;

/** The configured limits (config.rateLimits): false turns them off (benchmarks), a partial object overrides. */
export type RateLimitConfig = false | Partial<Record<RateKind, Partial<RateLimitSetting>>>;

export function resolveRateLimits(config: RateLimitConfig | undefined): Record<RateKind, RateLimitSetting> | null {
  if (config === false) return null;
  const out = {} as Record<RateKind, RateLimitSetting>;
  for (const kind of RATE_KINDS) {
    const defaults = RATE_LIMIT_DEFAULTS[kind];
    out[kind] = { perIp: config?.[kind]?.perIp ?? defaults.perIp, perAddress: config?.[kind]?.perAddress !== undefined ? config[kind]!.perAddress! : defaults.perAddress };
  }
  return out;
}

/**
 * CQO_RATE_LIMITS: `off`, or `kind=perIp[/perAddress]` pairs separated by commas, e.g.
 * `nonce=300,signIn=120,upload=60/30,objection=10/3`; kinds not named keep their defaults. Throws on anything else.
 */
export function parseRateLimits(text: string): RateLimitConfig {
  const t = text.trim();
  if (t === "off" || t === "0" || t === "false") return false;
  const out: Partial<Record<RateKind, Partial<RateLimitSetting>>> = {};
  for (const part of t.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(nonce|signIn|upload|objection)=(\d{1,7})(?:\/(\d{1,7}))?$/.exec(part);
    if (!m) throw new Error(`CQO_RATE_LIMITS: "${part}" is not kind=perIp[/perAddress] (kinds: ${RATE_KINDS.join(", ")})`);
    const kind = m[1] as RateKind;
    if ((kind === "nonce" || kind === "signIn") && m[3] !== undefined) throw new Error(`CQO_RATE_LIMITS: ${kind} has no per-address limit (there is no session yet)`);
    out[kind] = { perIp: Number(m[2]), ...(m[3] !== undefined ? { perAddress: Number(m[3]) } : {}) };
  }
  return out;
}

declare module "fastify" {
  interface FastifyInstance {
    /** the workbench's rate limits, null: off (server/protection.ts) */
    cqoRateLimits: Record<RateKind, RateLimitSetting> | null;
  }
  interface FastifyContextConfig {
    /** the route takes multipart/form-data besides JSON (POST /evidence) */
    multipart?: boolean;
  }
}

const kindOf = new WeakMap<object, RateKind>();
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * A route's `config.rateLimit`: the per-IP limit of its kind (read from the server's configuration at request
 * time); the per-address one is added by the protection plugin for the same kind (routes with a session).
 */
export function rateLimit(kind: RateKind): RateLimitOptions {
  const options: RateLimitOptions = {
    max: (req: FastifyRequest) => req.server.cqoRateLimits?.[kind].perIp ?? UNLIMITED,
    timeWindow: RATE_WINDOW_MS,
  };
  kindOf.set(options, kind);
  return options;
}

const tooMany = (seconds: number) =>
  new HttpError(429, "rate-limited", { zh: `请求过于频繁，请 ${seconds} 秒后再试`, en: `too many requests: try again in ${seconds} s` }, [], { retryAfterSeconds: seconds });

const JSON_ONLY = { zh: "请求体须为 JSON（Content-Type: application/json）", en: "the body must be JSON (content-type: application/json)" };
const JSON_OR_MULTIPART = { zh: "请求体须为 JSON 或 multipart/form-data", en: "the body must be JSON or multipart/form-data" };

/** Whether the request says it carries a body. */
function hasBody(req: FastifyRequest): boolean {
  const h = req.headers;
  return h["content-type"] !== undefined || h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}

export interface ProtectionOptions {
  ctx: Ctx;
}

async function protectionPlugin(app: FastifyInstance, { ctx }: ProtectionOptions): Promise<void> {
  const { config } = ctx;

  // ------------------------------------------------------------ headers, on every response (errors and 404s too)
  // The API serves JSON and evidence files: nothing of it may run, be framed or leak a referrer. HSTS only when
  // the workbench is reached over https (CQO_HSTS_MAX_AGE, or an https CQO_SIWE_ORIGIN).
  const hstsMaxAge = config.hstsMaxAge ?? (config.siweOrigin?.startsWith("https://") ? 180 * 86_400 : 0);
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    xContentTypeOptions: true,
    referrerPolicy: { policy: "no-referrer" },
    xFrameOptions: { action: "deny" },
    strictTransportSecurity: hstsMaxAge > 0 ? { maxAge: hstsMaxAge, includeSubDomains: true } : false,
  });

  // ------------------------------------------------------------ JSON only (multipart where a route says so)
  // A browser sends text/plain, urlencoded and multipart cross-site without asking (no CORS preflight): none of
  // them reaches a JSON route. After the guards (onRequest), so a request without a session is a 401 first.
  app.removeContentTypeParser("text/plain");
  app.addHook("preParsing", async (req, _reply, payload) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || !hasBody(req)) return payload;
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json") return payload;
    const multipart = req.routeOptions.config?.multipart === true;
    if (type === "multipart/form-data" && multipart) return payload;
    throw new HttpError(415, "unsupported-media-type", multipart ? JSON_OR_MULTIPART : JSON_ONLY, [], { contentType: type || null });
  });

  // ------------------------------------------------------------ rate limits
  app.decorate("cqoRateLimits", resolveRateLimits(config.rateLimits));
  await app.register(rateLimitPlugin, {
    global: false,
    // answered by the error handler as { error: { code: "rate-limited", zh, en } }, with retry-after set
    errorResponseBuilder: (_req, c) => tooMany(Math.max(1, Math.ceil(c.ttl / 1000))),
  });
  const perAddress = new Map(
    RATE_KINDS.map((kind) => [
      kind,
      app.createRateLimit({
        keyGenerator: (req) => req.session?.address ?? "",
        max: (req) => req.server.cqoRateLimits?.[kind].perAddress ?? UNLIMITED,
        timeWindow: RATE_WINDOW_MS,
      }),
    ]),
  );
  app.addHook("onRoute", (route) => {
    const limit = route.config?.rateLimit;
    const kind = limit ? kindOf.get(limit) : undefined;
    if (!kind || RATE_LIMIT_DEFAULTS[kind].perAddress === null) return;
    const check = perAddress.get(kind)!;
    const hook: onRequestAsyncHookHandler = async (req, reply) => {
      if (!req.session || app.cqoRateLimits?.[kind].perAddress == null) return;
      const r = await check(req);
      if (r.isAllowed || !r.isExceeded) return;
      reply.header("retry-after", r.ttlInSeconds);
      throw tooMany(Math.max(1, r.ttlInSeconds));
    };
    // after the route's guard (which sets nothing but refuses without a session) and its per-IP limit
    route.onRequest = [...(Array.isArray(route.onRequest) ? route.onRequest : route.onRequest ? [route.onRequest] : []), hook];
  });

  // ------------------------------------------------------------ the purge of nonces and sessions
  const interval = config.purgeIntervalMs ?? 60_000;
  let timer: NodeJS.Timeout | null = null;
  const purge = () => {
    try {
      purgeAuth(ctx.db, ctx.now());
    } catch (err) {
      ctx.log("purging nonces and sessions failed", { error: (err as Error).message });
    }
  };
  app.addHook("onReady", async () => {
    purge();
    timer = setInterval(purge, interval);
    timer.unref();
  });
  app.addHook("onClose", async () => {
    if (timer) clearInterval(timer);
    timer = null;
  });
}

/** The plugin (not encapsulated: its hooks and headers apply to every route). */
export const protection = fp(protectionPlugin, { name: "cqo-protection", fastify: "5.x" });
