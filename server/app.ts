/**
 * The certifying body's workbench: `buildServer(options)` assembles the database, the evidence store, the chain
 * client, the issuance worker and the HTTP routes. Tests build it in-process on a random port; server/main.ts
 * builds it from the environment.
 */
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler } from "fastify-type-provider-zod";
import type { CqoClient } from "../sdk";
import { sessionOf, tokenFrom } from "./auth";
import { connect } from "./chain";
import type { CrashPoint, ServerConfig } from "./config";
import type { Ctx } from "./context";
import { MIGRATIONS, closeDb, durable, openDb, type Db } from "./db";
import { devKeyRing } from "./sealed";
import { EvidenceStore, EvidenceSweeper } from "./evidence";
import { installErrorHandler, zodValidator } from "./http";
import { openApi } from "./openapi";
import { protection } from "./protection";
import { issuanceTerms } from "./issuance-terms";
import { IssuanceWorker } from "./outbox";
import { loadRulebooks, type RulebookSet } from "./rulebooks";
import { syncFromChain, type SyncReport } from "./chain-sync";
import { assessorRoutes } from "./routes/assessors";
import { authRoutes } from "./routes/auth";
import { dossierRoutes } from "./routes/dossiers";
import { eraseExpired, erasureRoutes } from "./routes/erasure";
import { evidenceRoutes } from "./routes/evidence";
import { issuanceRoutes } from "./routes/issuance";
import { lifecycleRoutes } from "./routes/lifecycle";
import { objectionRoutes } from "./routes/objections";
import { panelRoutes } from "./routes/panel";
import { holderRequestRoutes } from "./routes/holder-requests";
import { noticeRoutes } from "./routes/notices";
import { reissueRoutes } from "./routes/reissue";
import { reviewRoutes } from "./routes/reviews";
import { supervisionRoutes } from "./routes/supervision";
import { registerWalletIssuance } from "./wallet-issuance";
import type { Actor } from "./workflow";

export type { Ctx } from "./context";
export { requireRole, requireSession, rolesOf } from "./context";

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
  /** deletes uploads nothing cites once they expire (server/evidence.ts; started by listen(), `sweep()` for a pass now) */
  sweeper: EvidenceSweeper;
  /** re-syncs the database from chain state (also run by listen()) */
  sync(): Promise<SyncReport | null>;
  /** listens, returns the base URL */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function buildServer(options: ServerOptions): Promise<Workbench> {
  const config = options.config;
  const now = options.now ?? Date.now;
  const db = openDb(config.dbPath, MIGRATIONS, { ring: config.keyRing ?? devKeyRing() });
  const evidence = new EvidenceStore(config.evidenceDir);
  const rulebooks = options.rulebooks ?? loadRulebooks();
  const chain = options.chain !== undefined ? options.chain : connect({ rpcUrl: config.rpcUrl, deploymentPath: config.deploymentPath, signerKey: config.signerKey });

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 4 * 1024 * 1024, trustProxy: config.trustProxy ?? false });
  const log = (msg: string, data?: Record<string, unknown>) => app.log.warn(data ?? {}, msg);
  if (!config.keyRing) log("no CQO_DATA_KEY: personal data is sealed with the development key, never for real data");
  const sweeper = new EvidenceSweeper(db, evidence, { ttlMs: (config.evidenceUnusedTtlHours ?? 72) * 3600_000, now, log });
  // wallet-only mode: a worker that sends nothing and only watches for a chain that went back (see outbox.ts)
  const watchOnly = config.issuanceMode === "wallet";
  const worker =
    chain && (chain.walletClient?.account || watchOnly) && options.startWorker !== false
      ? new IssuanceWorker(db, chain, { bodyId: config.bodyId, batchSize: config.batchSize, intervalMs: config.workerIntervalMs, lingerMs: config.batchLingerMs, crashAfter: config.crashAfter, log, watchOnly, confirmations: config.confirmations })
      : null;

  let boundPort = config.port;
  let retention: NodeJS.Timeout | undefined;
  const crash = (point: CrashPoint) => {
    if (options.onCrashPoint) return options.onCrashPoint(point);
    if (config.crashAfter !== point) return;
    log(`CQO_TEST_CRASH_AFTER=${point}: killing the process`);
    process.kill(process.pid, "SIGKILL");
  };
  const syncActor: Actor = { address: chain?.walletClient?.account?.address ?? "chain", role: "sync" };
  const base = { db, chain, worker, evidence, rulebooks, config, now, siweDomain: () => config.siweDomain ?? `localhost:${boundPort}`, crash, syncActor, log };
  const ctx: Ctx = { ...base, terms: issuanceTerms(base), inFlight: new Set() };
  const sync = async (): Promise<SyncReport | null> => (chain ? syncFromChain(db, chain, syncActor, config.bodyId, log, ctx.inFlight) : null);

  await app.register(multipart, { limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 10 } });
  // security headers, JSON-only bodies, rate limits, the purge of nonces and sessions (server/protection.ts)
  await app.register(protection, { ctx });

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

  installErrorHandler(app, { evidenceMaxBytes: config.evidenceMaxBytes });
  app.setValidatorCompiler(zodValidator);
  app.setSerializerCompiler(serializerCompiler);

  // the OpenAPI document and /docs: before the routes, so it sees them all (server/openapi.ts)
  await app.register(openApi);
  for (const plugin of [authRoutes, assessorRoutes, evidenceRoutes, dossierRoutes, panelRoutes, issuanceRoutes, lifecycleRoutes, reissueRoutes, objectionRoutes, erasureRoutes, noticeRoutes, reviewRoutes, supervisionRoutes, holderRequestRoutes]) {
    await app.register(plugin, { ctx });
  }
  registerWalletIssuance(app, ctx);

  return {
    app,
    db,
    worker,
    chain,
    evidence,
    sweeper,
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
      sweeper.start();
      // the retention period (CQO_RETENTION_DAYS): at start, then every 6 hours
      const retain = () => {
        try {
          const n = eraseExpired(ctx);
          if (n) log(`retention: erased the personal data of ${n} dossiers`);
        } catch (err) {
          log("retention sweep failed", { error: (err as Error).message });
        }
      };
      retain();
      retention = setInterval(retain, 6 * 3600_000);
      retention.unref();
      return url;
    },
    async close() {
      await worker?.stop();
      await sweeper.stop();
      if (retention) clearInterval(retention);
      await app.close();
      closeDb(db);
    },
  };
}
