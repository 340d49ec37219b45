/**
 * Environment of the workbench. Every value has a safe local default so `tsx server/main.ts` works on a fresh
 * clone after `npm start`; production sets them explicitly.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { keyRingFromEnv, type KeyRing } from "./sealed";
import { parseRateLimits, type RateLimitConfig } from "./protection";

const Env = z.object({
  CQO_DB_PATH: z.string().min(1).default(".data/workbench.sqlite"),
  CQO_RPC_URL: z.string().url().default("http://127.0.0.1:8545"),
  CQO_DEPLOYMENT: z.string().min(1).default(".demo/deployment.json"),
  CQO_EVIDENCE_DIR: z.string().min(1).default(".data/evidence"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().default("127.0.0.1"),
  /** the certifying body this workbench serves (its on-chain id) */
  CQO_BODY_ID: z.coerce.number().int().min(1).max(65_535).default(1),
  /**
   * The body's signing key for issuance and lifecycle transactions (0x + 64 hex). Without it the workbench runs
   * read-only: dossiers move up to approval, nothing is sent to the chain.
   */
  CQO_SIGNER_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "CQO_SIGNER_KEY must be 0x and 64 hex digits")
    .optional(),
  /** the EIP-4361 domain sign-in messages must name (the host the users' browsers see) */
  CQO_SIWE_DOMAIN: z.string().min(1).optional(),
  /** the origin (scheme://host[:port]) sign-in messages must name as their URI; default http://<CQO_SIWE_DOMAIN> */
  CQO_SIWE_ORIGIN: z
    .string()
    .url()
    .refine((s) => /^https?:\/\//.test(s) && new URL(s).origin === s.replace(/\/$/, ""), "CQO_SIWE_ORIGIN must be an origin: http(s)://host[:port], no path")
    .optional(),
  /** rate limits per minute: "off", or e.g. "nonce=120,signIn=60,upload=120/60,objection=20/5" (per IP[/per address]) */
  CQO_RATE_LIMITS: z
    .string()
    .refine((s) => {
      try {
        parseRateLimits(s);
        return true;
      } catch {
        return false;
      }
    }, 'CQO_RATE_LIMITS: "off" or kind=perIp[/perAddress],… (kinds nonce, signIn, upload, objection)')
    .optional(),
  /** behind a reverse proxy: fastify's trustProxy ("true", or the proxies' addresses/CIDRs, comma-separated) so that rate limits see the client's IP */
  CQO_TRUST_PROXY: z.string().optional(),
  /** Strict-Transport-Security max-age in seconds (0: none); default 180 days when CQO_SIWE_ORIGIN is https, else none */
  CQO_HSTS_MAX_AGE: z.coerce.number().int().min(0).max(2 * 365 * 86_400).optional(),
  CQO_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(8 * 3600),
  CQO_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  CQO_WORKER_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** wait up to this long for a full batch before issuing a partial one (0: issue at once) */
  CQO_BATCH_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  CQO_EVIDENCE_MAX_BYTES: z.coerce.number().int().min(1).default(20 * 1024 * 1024),
  /** per wallet: evidence files it may have uploaded, and their bytes in all (an expired upload no longer counts) */
  CQO_EVIDENCE_QUOTA_FILES: z.coerce.number().int().min(1).default(50),
  CQO_EVIDENCE_QUOTA_BYTES: z.coerce.number().int().min(1).default(200 * 1024 * 1024),
  /** an upload nothing cites (dossier, objection, lifecycle call) is deleted this long after it was uploaded */
  CQO_EVIDENCE_UNUSED_TTL_HOURS: z.coerce.number().min(0.001).max(24 * 365).default(72),
  /** who sends issuance transactions: "worker" (the outbox, with CQO_SIGNER_KEY) or "wallet" (operators' wallets only) */
  CQO_ISSUANCE_MODE: z.enum(["worker", "wallet"]).default("worker"),
  /**
   * blocks after which an issuance is final: 1 on a BFT consortium chain (Besu QBFT/IBFT, FISCO BCOS PBFT); more on a
   * chain with reorgs, whose last blocks' issuances the worker then re-checks until they are that deep
   */
  CQO_CONFIRMATIONS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * "1": every dossier must come with the applicant's integrity declaration signed in the wallet (POST /dossiers
   * `declaration`); "0" (default): an API client may leave it out, and the dossier's pledgeSigned is then as declared
   */
  CQO_REQUIRE_DECLARATION: z.enum(["0", "1"]).default("0"),
  /** how long a wallet issuance lease holds its rows when the browser goes away */
  CQO_WALLET_LEASE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /**
   * tests only: where the process kills itself (SIGKILL) to simulate a crash — the issuance worker at claimed,
   * sent or recorded; a lifecycle route after its transaction is mined, before it is recorded (lifecycle-sent)
   */
  /** days a finished dossier (rejected, withdrawn, not certified, revoked, renewed) keeps its personal data before erasure */
  CQO_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(1095),
  /** the body's dossier series: numbers are PREFIX-YYYY-NNNNNN, assigned by the workbench (letters, digits, dashes) */
  CQO_DOSSIER_PREFIX: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, "CQO_DOSSIER_PREFIX: 1-16 capital letters, digits or dashes").default("HN"),
  CQO_TEST_CRASH_AFTER: z.enum(["claimed", "sent", "recorded", "lifecycle-sent"]).optional(),
  /** 年审 reminders (server/routes/reviews.ts): POSTed to this http(s) URL when set; empty: no webhook */
  CQO_REVIEW_WEBHOOK_URL: z
    .string()
    .trim()
    .refine((s) => s === "" || (/^https?:\/\//.test(s) && URL.canParse(s)), "CQO_REVIEW_WEBHOOK_URL must be an http(s) URL")
    .optional(),
  /** the HMAC-SHA256 key the reminders are signed with (x-cqo-signature); required with CQO_REVIEW_WEBHOOK_URL */
  CQO_REVIEW_WEBHOOK_SECRET: z.string().optional(),
});

export type CrashPoint = NonNullable<z.infer<typeof Env>["CQO_TEST_CRASH_AFTER"]>;

export interface ServerConfig {
  dbPath: string;
  rpcUrl: string;
  deploymentPath: string;
  evidenceDir: string;
  port: number;
  host: string;
  bodyId: number;
  signerKey?: `0x${string}`;
  siweDomain?: string;
  /** see CQO_SIWE_ORIGIN; default http://<siweDomain> */
  siweOrigin?: string;
  /** see CQO_RATE_LIMITS (server/protection.ts); default RATE_LIMIT_DEFAULTS, false: none */
  rateLimits?: RateLimitConfig;
  /** see CQO_TRUST_PROXY; default false */
  trustProxy?: boolean | string;
  /** see CQO_HSTS_MAX_AGE */
  hstsMaxAge?: number;
  /** how often used nonces and dead sessions are purged (default 60 s) */
  purgeIntervalMs?: number;
  sessionTtlSeconds: number;
  batchSize: number;
  workerIntervalMs: number;
  /** see CQO_BATCH_LINGER_MS; default 0 */
  batchLingerMs?: number;
  evidenceMaxBytes: number;
  /** see CQO_EVIDENCE_QUOTA_FILES / _BYTES; default 50 files, 200 MiB */
  evidenceQuotaFiles?: number;
  evidenceQuotaBytes?: number;
  /** see CQO_EVIDENCE_UNUSED_TTL_HOURS; default 72 */
  evidenceUnusedTtlHours?: number;
  crashAfter?: CrashPoint;
  /**
   * the key ring personal data is sealed with at rest (CQO_DATA_KEY / CQO_DATA_KEY_FILE, CQO_DATA_KEYS_PREVIOUS; see
   * server/sealed.ts); absent: the development ring, refused when NODE_ENV=production
   */
  keyRing?: KeyRing;
  /** see CQO_RETENTION_DAYS; default 1095 (3 years) */
  retentionDays?: number;
  /** see CQO_DOSSIER_PREFIX; default "HN" */
  dossierPrefix?: string;
  /** see server/wallet-issuance.ts; default "worker" */
  issuanceMode?: "worker" | "wallet";
  walletLeaseSeconds?: number;
  /** see CQO_REQUIRE_DECLARATION; default false */
  requireDeclaration?: boolean;
  /** see CQO_CONFIRMATIONS; default 1 */
  confirmations?: number;
  /** how long a wallet issuance report waits for its receipt (default 30 s) */
  walletReceiptTimeoutMs?: number;
  /** see CQO_REVIEW_WEBHOOK_URL; absent: the annual review reminders are listed, not POSTed */
  reviewWebhookUrl?: string;
  /** see CQO_REVIEW_WEBHOOK_SECRET */
  reviewWebhookSecret?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const e = r.data;
  // a switch that kills the process must never be reachable in production: only a test run (NODE_ENV=test) may set it
  if (e.CQO_TEST_CRASH_AFTER !== undefined && env.NODE_ENV !== "test") {
    throw new Error("invalid environment:\n  CQO_TEST_CRASH_AFTER: for tests only; it is refused unless NODE_ENV=test (仅供测试使用)");
  }
  const keyRing = keyRingFromEnv(env, cwd) ?? undefined;
  if (!keyRing && env.NODE_ENV === "production") {
    throw new Error("invalid environment:\n  CQO_DATA_KEY: required when NODE_ENV=production (or CQO_DATA_KEY_FILE): personal data is encrypted at rest with it (生产环境须配置个人信息加密密钥)");
  }
  const reviewWebhookUrl = e.CQO_REVIEW_WEBHOOK_URL || undefined;
  if (reviewWebhookUrl && !e.CQO_REVIEW_WEBHOOK_SECRET) {
    throw new Error("invalid environment:\n  CQO_REVIEW_WEBHOOK_SECRET: required with CQO_REVIEW_WEBHOOK_URL: the reminders are signed with it (年审提醒 webhook 须配置签名密钥)");
  }
  return {
    keyRing,
    dbPath: resolve(cwd, e.CQO_DB_PATH),
    rpcUrl: e.CQO_RPC_URL,
    deploymentPath: resolve(cwd, e.CQO_DEPLOYMENT),
    evidenceDir: resolve(cwd, e.CQO_EVIDENCE_DIR),
    port: e.PORT,
    host: e.HOST,
    bodyId: e.CQO_BODY_ID,
    signerKey: e.CQO_SIGNER_KEY as `0x${string}` | undefined,
    siweDomain: e.CQO_SIWE_DOMAIN,
    siweOrigin: e.CQO_SIWE_ORIGIN,
    rateLimits: e.CQO_RATE_LIMITS !== undefined ? parseRateLimits(e.CQO_RATE_LIMITS) : undefined,
    trustProxy: trustProxyOf(e.CQO_TRUST_PROXY),
    hstsMaxAge: e.CQO_HSTS_MAX_AGE,
    sessionTtlSeconds: e.CQO_SESSION_TTL_SECONDS,
    batchSize: e.CQO_BATCH_SIZE,
    workerIntervalMs: e.CQO_WORKER_INTERVAL_MS,
    batchLingerMs: e.CQO_BATCH_LINGER_MS,
    evidenceMaxBytes: e.CQO_EVIDENCE_MAX_BYTES,
    evidenceQuotaFiles: e.CQO_EVIDENCE_QUOTA_FILES,
    evidenceQuotaBytes: e.CQO_EVIDENCE_QUOTA_BYTES,
    evidenceUnusedTtlHours: e.CQO_EVIDENCE_UNUSED_TTL_HOURS,
    crashAfter: e.CQO_TEST_CRASH_AFTER,
    dossierPrefix: e.CQO_DOSSIER_PREFIX,
    retentionDays: e.CQO_RETENTION_DAYS,
    issuanceMode: e.CQO_ISSUANCE_MODE,
    walletLeaseSeconds: e.CQO_WALLET_LEASE_SECONDS,
    confirmations: e.CQO_CONFIRMATIONS,
    requireDeclaration: e.CQO_REQUIRE_DECLARATION === "1",
    reviewWebhookUrl,
    reviewWebhookSecret: reviewWebhookUrl ? e.CQO_REVIEW_WEBHOOK_SECRET : undefined,
  };
}

/** CQO_TRUST_PROXY as fastify takes it: true, or a comma-separated list of the proxies' addresses and CIDRs. */
function trustProxyOf(v: string | undefined): boolean | string | undefined {
  if (v === undefined || v === "" || v === "false") return undefined;
  return v === "true" ? true : v;
}
