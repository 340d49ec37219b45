/**
 * The certifying body's workbench: `buildServer(options)` assembles the database, the evidence store, the chain
 * client, the issuance worker and the HTTP routes. Tests build it in-process on a random port; server/main.ts
 * builds it from the environment.
 */
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { CqoClient } from "../sdk";
import { SESSION_COOKIE, SignInBody, issueNonce, sessionOf, signIn, signOut, tokenFrom, type Session } from "./auth";
import { connect } from "./chain";
import type { CrashPoint, ServerConfig } from "./config";
import { closeDb, durable, openDb, type Db } from "./db";
import { EvidenceStore } from "./evidence";
import { HttpError, forbidden, parseInput, unauthenticated } from "./errors";
import { IssuanceWorker } from "./outbox";
import { loadRulebooks, type RulebookSet } from "./rulebooks";
import { syncFromChain, type SyncReport } from "./lifecycle";
import { registerRoutes } from "./routes";
import { registerWalletIssuance } from "./wallet-issuance";
import type { Actor } from "./workflow";

export interface ServerOptions {
  config: ServerConfig;
  /** an already connected client (tests); undefined = connect from config; null = no chain at all */
  chain?: CqoClient | null;
  rulebooks?: RulebookSet;
  /** default true when the chain client has a signing key */
  startWorker?: boolean;
  /** the clock, in milliseconds (tests move it to expire nonces and sessions) */
  now?: () => number;
  logger?: boolean;
  /**
   * tests: called at a crash point instead of killing the process (throwing here leaves the database exactly as
   * a crash would); without it, CQO_TEST_CRASH_AFTER SIGKILLs the process there
   */
  onCrashPoint?: (point: CrashPoint) => void;
  /** re-sync from chain state when listening (default true when there is a chain) */
  syncOnStart?: boolean;
}

export interface Workbench {
  app: FastifyInstance;
  db: Db;
  worker: IssuanceWorker | null;
  chain: CqoClient | null;
  evidence: EvidenceStore;
  /** re-syncs the database from chain state (also run by listen()) */
  sync(): Promise<SyncReport | null>;
  /** listens, returns the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface Ctx {
  db: Db;
  chain: CqoClient | null;
  worker: IssuanceWorker | null;
  evidence: EvidenceStore;
  rulebooks: RulebookSet;
  config: ServerConfig;
  now: () => number;
  siweDomain: () => string;
  /** a crash point of the tests (see ServerOptions.onCrashPoint) */
  crash: (point: CrashPoint) => void;
  /** who the re-sync from chain state acts as in the audit log */
  syncActor: Actor;
}

declare module "fastify" {
  interface FastifyRequest {
    session: Session | null;
    sessionToken: string | null;
  }
}

export async function buildServer(options: ServerOptions): Promise<Workbench> {
  const config = options.config;
  const now = options.now ?? Date.now;
  const db = openDb(config.dbPath);
  const evidence = new EvidenceStore(config.evidenceDir);
  const rulebooks = options.rulebooks ?? loadRulebooks();
  const chain = options.chain !== undefined ? options.chain : connect({ rpcUrl: config.rpcUrl, deploymentPath: config.deploymentPath, signerKey: config.signerKey });

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 4 * 1024 * 1024 });
  const log = (msg: string, data?: Record<string, unknown>) => app.log.warn(data ?? {}, msg);
  // wallet-only mode: a worker that sends nothing and only watches for a chain that went back (see outbox.ts)
  const watchOnly = config.issuanceMode === "wallet";
  const worker =
    chain && (chain.walletClient?.account || watchOnly) && options.startWorker !== false
      ? new IssuanceWorker(db, chain, { batchSize: config.batchSize, intervalMs: config.workerIntervalMs, lingerMs: config.batchLingerMs, crashAfter: config.crashAfter, log, watchOnly, confirmations: config.confirmations })
      : null;

  let boundPort = config.port;
  const crash = (point: CrashPoint) => {
    if (options.onCrashPoint) return options.onCrashPoint(point);
    if (config.crashAfter !== point) return;
    log(`CQO_TEST_CRASH_AFTER=${point}: killing the process`);
    process.kill(process.pid, "SIGKILL");
  };
  const syncActor: Actor = { address: chain?.walletClient?.account?.address ?? "chain", role: "sync" };
  const ctx: Ctx = { db, chain, worker, evidence, rulebooks, config, now, siweDomain: () => config.siweDomain ?? `localhost:${boundPort}`, crash, syncActor };
  const sync = async (): Promise<SyncReport | null> => (chain ? syncFromChain(db, chain, syncActor, log) : null);

  await app.register(multipart, { limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 10 } });

  app.decorateRequest("session", null);
  app.decorateRequest("sessionToken", null);
  app.addHook("onRequest", async (req) => {
    const token = tokenFrom(req.headers);
    req.sessionToken = token;
    req.session = token ? sessionOf(db, token, now()) : null;
  });
  // nobody hears of a change before it is on disk (group commit: server/db.ts)
  app.addHook("onSend", async (_req, _reply, payload) => {
    await durable(db);
    return payload;
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).send(err.toJSON());
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === "FST_REQ_FILE_TOO_LARGE" || e.code === "FST_FILES_LIMIT") {
      return reply.status(413).send(new HttpError(413, "file-too-large", { zh: `文件超过 ${config.evidenceMaxBytes} 字节上限`, en: `the file exceeds ${config.evidenceMaxBytes} bytes` }).toJSON());
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(new HttpError(e.statusCode, e.code ?? "bad-request", { zh: "请求无效", en: e.message ?? "bad request" }).toJSON());
    }
    req.log.error({ err }, "unhandled error");
    return reply.status(500).send(new HttpError(500, "internal", { zh: "服务器内部错误", en: "internal server error" }).toJSON());
  });

  // ---------------------------------------------------------------- sign-in

  app.get("/health", async () => ({ ok: true, schema: (db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number }).v, chain: chain?.deployment.chainId ?? null, worker: worker !== null }));

  app.get("/auth/nonce", async () => ({ ...issueNonce(db, now()), domain: ctx.siweDomain(), chainId: chain?.deployment.chainId ?? null }));

  app.post("/auth/verify", async (req, reply) => {
    const body = parseInput(SignInBody, req.body, "body");
    const r = await signIn({ db, chain, bodyId: config.bodyId, domain: ctx.siweDomain(), now: now(), sessionTtlMs: config.sessionTtlSeconds * 1000 }, body);
    const maxAge = Math.max(0, Math.floor((r.session.expiresAt - now()) / 1000));
    reply.header("set-cookie", `${SESSION_COOKIE}=${encodeURIComponent(r.token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`);
    return { token: r.token, address: r.session.address, roles: rolesOf(r.session), expiresAt: r.session.expiresAt, operatorCheck: r.operatorCheck };
  });

  app.post("/auth/logout", async (req, reply) => {
    if (req.sessionToken) signOut(db, req.sessionToken, now());
    reply.header("set-cookie", `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true };
  });

  app.get("/me", async (req) => {
    const s = requireSession(req);
    return { address: s.address, roles: rolesOf(s), expiresAt: s.expiresAt, bodyId: config.bodyId };
  });

  registerRoutes(app, ctx);
  registerWalletIssuance(app, ctx);

  return {
    app,
    db,
    worker,
    chain,
    evidence,
    sync,
    async listen() {
      const url = await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      if (addr && typeof addr === "object") boundPort = addr.port;
      if (chain && options.syncOnStart !== false) {
        // a lifecycle call that was mined but not recorded before a crash; the chain may be down: not fatal
        await sync().catch((err: unknown) => log("re-sync from chain state failed; POST /sync to retry", { error: (err as Error).message }));
      }
      worker?.start();
      return url;
    },
    async close() {
      await worker?.stop();
      await app.close();
      closeDb(db);
    },
  };
}

export function rolesOf(s: Session): ("operator" | "assessor" | "applicant")[] {
  return [...(s.operator ? (["operator"] as const) : []), ...(s.assessor ? (["assessor"] as const) : []), "applicant"];
}

export function requireSession(req: FastifyRequest): Session {
  if (!req.session) throw unauthenticated();
  return req.session;
}

export function requireRole(req: FastifyRequest, role: "operator" | "assessor"): Session {
  const s = requireSession(req);
  if (role === "operator" && !s.operator) throw forbidden(role);
  if (role === "assessor" && !s.assessor) throw forbidden(role);
  return s;
}

