/**
 * Environment of the workbench. Every value has a safe local default so `tsx server/main.ts` works on a fresh
 * clone after `npm start`; production sets them explicitly.
 */
import { resolve } from "node:path";
import { z } from "zod";

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
  CQO_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(8 * 3600),
  CQO_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  CQO_WORKER_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** wait up to this long for a full batch before issuing a partial one (0: issue at once) */
  CQO_BATCH_LINGER_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  CQO_EVIDENCE_MAX_BYTES: z.coerce.number().int().min(1).default(20 * 1024 * 1024),
  /** who sends issuance transactions: "worker" (the outbox, with CQO_SIGNER_KEY) or "wallet" (operators' wallets only) */
  CQO_ISSUANCE_MODE: z.enum(["worker", "wallet"]).default("worker"),
  /**
   * blocks after which an issuance is final: 1 on a BFT consortium chain (Besu QBFT/IBFT, FISCO BCOS PBFT); more on a
   * chain with reorgs, whose last blocks' issuances the worker then re-checks until they are that deep
   */
  CQO_CONFIRMATIONS: z.coerce.number().int().min(1).max(64).default(1),
  /** how long a wallet issuance lease holds its rows when the browser goes away */
  CQO_WALLET_LEASE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /**
   * tests only: where the process kills itself (SIGKILL) to simulate a crash — the issuance worker at claimed,
   * sent or recorded; a lifecycle route after its transaction is mined, before it is recorded (lifecycle-sent)
   */
  CQO_TEST_CRASH_AFTER: z.enum(["claimed", "sent", "recorded", "lifecycle-sent"]).optional(),
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
  sessionTtlSeconds: number;
  batchSize: number;
  workerIntervalMs: number;
  /** see CQO_BATCH_LINGER_MS; default 0 */
  batchLingerMs?: number;
  evidenceMaxBytes: number;
  crashAfter?: CrashPoint;
  /** see server/wallet-issuance.ts; default "worker" */
  issuanceMode?: "worker" | "wallet";
  walletLeaseSeconds?: number;
  /** see CQO_CONFIRMATIONS; default 1 */
  confirmations?: number;
  /** how long a wallet issuance report waits for its receipt (default 30 s) */
  walletReceiptTimeoutMs?: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const e = r.data;
  return {
    dbPath: resolve(cwd, e.CQO_DB_PATH),
    rpcUrl: e.CQO_RPC_URL,
    deploymentPath: resolve(cwd, e.CQO_DEPLOYMENT),
    evidenceDir: resolve(cwd, e.CQO_EVIDENCE_DIR),
    port: e.PORT,
    host: e.HOST,
    bodyId: e.CQO_BODY_ID,
    signerKey: e.CQO_SIGNER_KEY as `0x${string}` | undefined,
    siweDomain: e.CQO_SIWE_DOMAIN,
    sessionTtlSeconds: e.CQO_SESSION_TTL_SECONDS,
    batchSize: e.CQO_BATCH_SIZE,
    workerIntervalMs: e.CQO_WORKER_INTERVAL_MS,
    batchLingerMs: e.CQO_BATCH_LINGER_MS,
    evidenceMaxBytes: e.CQO_EVIDENCE_MAX_BYTES,
    crashAfter: e.CQO_TEST_CRASH_AFTER,
    issuanceMode: e.CQO_ISSUANCE_MODE,
    walletLeaseSeconds: e.CQO_WALLET_LEASE_SECONDS,
    confirmations: e.CQO_CONFIRMATIONS,
  };
}
