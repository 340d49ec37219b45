/**
 * Sign-in with Ethereum (EIP-4361). The server hands out a nonce, the wallet signs a message naming this server's
 * domain, the nonce and an expiry; the server checks all three and the signature, burns the nonce and opens a
 * session. Roles come from where they live: the body's operators are its current signing keys on-chain (checked
 * at sign-in), assessors are registered in the workbench by an operator, anyone else signed in is an applicant.
 */
import { createHash, randomBytes } from "node:crypto";
import { getAddress, hashMessage, type Address, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import { z } from "zod";
import type { CqoClient } from "../sdk";
import type { Db } from "./db";
import { HttpError, invalidInput } from "./errors";
import { SignatureInput, isSignedByOffThread } from "./signatures";

export const NONCE_TTL_MS = 5 * 60_000;
/** how far a wallet's clock may be ahead of (issuedAt, notBefore) or behind (the expiry's bound) the server's */
export const SIWE_CLOCK_SKEW_MS = 60_000;

const ERC6492_SUFFIX = "6492".repeat(16);

export const SignInBody = z.strictObject({
  message: z.string().min(1).max(4000),
  signature: SignatureInput,
});

export interface Session {
  address: Address;
  operator: boolean;
  assessor: boolean;
  expiresAt: number;
}

const siweError = (code: string, zh: string, en: string) => new HttpError(401, code, { zh, en });

/** Nonces and sessions are purged by a timer (server/protection.ts, purgeAuth), not here. */
export function issueNonce(db: Db, now: number): { nonce: string; expiresAt: number } {
  const nonce = generateSiweNonce();
  const expiresAt = now + NONCE_TTL_MS;
  db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run(nonce, now, expiresAt);
  return { nonce, expiresAt };
}

/** how long a used nonce is kept (a replay within it is told "used", after it "unknown": refused either way) */
export const USED_NONCE_KEPT_MS = 60_000;

/**
 * Deletes what can never sign anyone in again: nonces expired or used (kept USED_NONCE_KEPT_MS), sessions expired
 * or ended. Run at start and every minute (server/protection.ts); each DELETE walks an index (migration 6).
 */
export function purgeAuth(db: Db, now: number): { nonces: number; sessions: number } {
  return db.transaction(() => {
    const nonces =
      db.prepare("DELETE FROM siwe_nonces WHERE expires_at <= ?").run(now).changes +
      db.prepare("DELETE FROM siwe_nonces WHERE used_at IS NOT NULL AND used_at <= ?").run(now - USED_NONCE_KEPT_MS).changes;
    const sessions =
      db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now).changes + db.prepare("DELETE FROM sessions WHERE revoked_at IS NOT NULL").run().changes;
    return { nonces, sessions };
  })();
}

/** The origin sign-in messages must name as their URI: CQO_SIWE_ORIGIN, else http:// and the domain. */
export const siweOriginFor = (domain: string, configured?: string): string => (configured ? new URL(configured).origin : `http://${domain}`);

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface SignInContext {
  db: Db;
  chain: CqoClient | null;
  bodyId: number;
  /** the domain the message must name: this server's host as the browser sees it */
  domain: string;
  /** the origin its URI must name (scheme, host and port as the browser sees them) */
  origin: string;
  now: number;
  sessionTtlMs: number;
}

export async function signIn(ctx: SignInContext, input: z.infer<typeof SignInBody>): Promise<{ token: string; session: Session; operatorCheck: "chain" | "unavailable" }> {
  let fields: ReturnType<typeof parseSiweMessage>;
  try {
    fields = parseSiweMessage(input.message);
  } catch {
    throw siweError("siwe-malformed", "登录消息不是 EIP-4361 格式", "the message is not an EIP-4361 message");
  }
  if (!fields.address || !fields.nonce || !fields.domain || !fields.uri || fields.version !== "1" || fields.chainId === undefined || !fields.issuedAt) {
    throw siweError("siwe-malformed", "登录消息缺少必需字段（domain、address、uri、version、chainId、nonce、issuedAt）", "the message lacks required fields (domain, address, uri, version, chainId, nonce, issuedAt)");
  }
  // viem parses a date that is not RFC 3339 (or not a real date: month 13) as an Invalid Date: refuse it by name
  const dates = { issuedAt: ["Issued At", "签发时间"], expirationTime: ["Expiration Time", "过期时间"], notBefore: ["Not Before", "生效时间"] } as const;
  const badDates = (Object.keys(dates) as (keyof typeof dates)[]).filter((k) => fields[k] !== undefined && Number.isNaN(fields[k]!.getTime()));
  if (badDates.length) {
    throw invalidInput(
      badDates.map((k) => ({
        field: `body.message.${k}`,
        path: ["body", "message", k],
        zh: `${dates[k][1]}（${dates[k][0]}）应为 RFC 3339 日期时间，如 2025-01-31T08:00:00Z`,
        en: `${dates[k][0]} must be an RFC 3339 date-time, e.g. 2025-01-31T08:00:00Z`,
      })),
    );
  }
  // Burn the nonce first, whatever happens next: a nonce is good for one attempt only.
  const nonceRow = ctx.db.prepare("SELECT expires_at, used_at FROM siwe_nonces WHERE nonce = ?").get(fields.nonce) as { expires_at: number; used_at: number | null } | undefined;
  if (!nonceRow) throw siweError("siwe-nonce-unknown", "登录随机数未知", "unknown nonce: ask for a new one");
  const burned = ctx.db.prepare("UPDATE siwe_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL").run(ctx.now, fields.nonce);
  if (burned.changes !== 1) throw siweError("siwe-nonce-used", "登录随机数已被使用", "this nonce was already used: ask for a new one");
  if (nonceRow.expires_at < ctx.now) throw siweError("siwe-nonce-expired", "登录随机数已过期", "the nonce has expired: ask for a new one");

  if (fields.domain !== ctx.domain) throw siweError("siwe-domain", `登录消息的域名应为 ${ctx.domain}`, `the message is for ${fields.domain}, this server is ${ctx.domain}`);
  // the URI names the origin the wallet was asked from: a page of another origin (another port, http for https) is refused
  let uriOrigin: string | null = null;
  try {
    uriOrigin = new URL(fields.uri).origin;
  } catch {
    uriOrigin = null;
  }
  const scheme = new URL(ctx.origin).protocol.slice(0, -1);
  if (uriOrigin !== ctx.origin || (fields.scheme !== undefined && fields.scheme !== scheme)) {
    throw siweError("siwe-uri", `登录消息的 URI 应为 ${ctx.origin}`, `the message's URI is ${fields.uri}${fields.scheme ? ` (scheme ${fields.scheme})` : ""}, this server signs in ${ctx.origin}`);
  }
  if (ctx.chain && fields.chainId !== ctx.chain.deployment.chainId) {
    throw siweError("siwe-chain", `登录消息的链 ID 应为 ${ctx.chain.deployment.chainId}`, `the message is for chain ${fields.chainId}, this server uses chain ${ctx.chain.deployment.chainId}`);
  }
  const skew = SIWE_CLOCK_SKEW_MS;
  if (fields.issuedAt.getTime() > ctx.now + skew) throw siweError("siwe-issued-in-future", "登录消息的签发时间晚于当前时间", "the message is issued in the future (Issued At)");
  if (!fields.expirationTime) throw siweError("siwe-no-expiry", "登录消息须有过期时间（Expiration Time）", "the message needs an Expiration Time");
  if (fields.expirationTime.getTime() <= ctx.now) throw siweError("siwe-expired", "登录消息已过期", "the message has expired");
  if (fields.expirationTime.getTime() > ctx.now + ctx.sessionTtlMs + skew) {
    throw siweError(
      "siwe-expiry-too-far",
      `登录消息的过期时间不得晚于会话时长（${Math.round(ctx.sessionTtlMs / 60_000)} 分钟）之后`,
      `the message's Expiration Time is beyond the session's length (${Math.round(ctx.sessionTtlMs / 60_000)} minutes) from now`,
    );
  }
  if (fields.notBefore && fields.notBefore.getTime() > ctx.now + skew) throw siweError("siwe-not-yet-valid", "登录消息尚未生效", "the message is not valid yet (notBefore)");

  const address = getAddress(fields.address);
  // an EOA's signature, recovered locally on a worker thread (server/signatures.ts: libsecp256k1, refuses malleable high-s)
  let valid = await isSignedByOffThread(hashMessage(input.message), input.signature, address);
  if (!valid && ctx.chain) {
    // a contract wallet (ERC-1271, e.g. a Safe) signs through the chain; an address without code is an EOA, whose
    // signature was just refused here (the chain's ecrecover would take a high-s twin or a compact form)
    const chain = ctx.chain;
    const code = await chain.publicClient.getCode({ address }).catch(() => undefined);
    const deployed = code !== undefined && code !== "0x";
    // ERC-6492: a wallet not deployed yet wraps its signature with its factory call
    const counterfactual = input.signature.toLowerCase().endsWith(ERC6492_SUFFIX);
    if (deployed || counterfactual) valid = await chain.publicClient.verifyMessage({ address, message: input.message, signature: input.signature as Hex }).catch(() => false);
  }
  if (!valid) throw siweError("siwe-signature", "签名与登录消息中的地址不符", "the signature does not match the address in the message");

  let operator = false;
  let operatorCheck: "chain" | "unavailable" = "chain";
  if (ctx.chain) {
    try {
      operator = await isOperatorKey(ctx.chain, ctx.bodyId, address);
    } catch {
      // the chain is down: sign in without the operator role rather than lock everyone out
      operatorCheck = "unavailable";
    }
  } else operatorCheck = "unavailable";

  const token = randomBytes(32).toString("base64url");
  // operators hold power that the chain can take away (a removed key): their sessions are short
  const ttl = operator ? Math.min(ctx.sessionTtlMs, 3600_000) : ctx.sessionTtlMs;
  const expiresAt = Math.min(ctx.now + ttl, fields.expirationTime?.getTime() ?? Number.MAX_SAFE_INTEGER);
  ctx.db.prepare("INSERT INTO sessions (token_hash, address, operator, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)").run(hashToken(token), address, operator ? 1 : 0, ctx.now, expiresAt);
  return { token, session: { address, operator, assessor: isAssessor(ctx.db, address), expiresAt }, operatorCheck };
}

/**
 * Whether `address` is a signing key of the body on-chain now. A snapshot of the body's keys, at most
 * KEYS_MAX_AGE_MS old and shared by the sign-ins of that moment, answers "no" for everyone else (applicants,
 * assessors) without a chain read each; a "yes" is confirmed by a fresh read, so a removed key is never an
 * operator again. A key added in the last KEYS_MAX_AGE_MS is not an operator yet (refused, never granted).
 */
export const KEYS_MAX_AGE_MS = 2_000;
const keySnapshots = new WeakMap<CqoClient, Map<number, { at: number; keys: Promise<Set<string>> }>>();
async function isOperatorKey(chain: CqoClient, bodyId: number, address: Address): Promise<boolean> {
  let byBody = keySnapshots.get(chain);
  if (!byBody) keySnapshots.set(chain, (byBody = new Map()));
  let snap = byBody.get(bodyId);
  if (!snap || Date.now() - snap.at >= KEYS_MAX_AGE_MS) {
    const keys = chain.getBody(bodyId).then((b) => new Set((b?.signingKeys ?? []).map((k) => k.toLowerCase())));
    const fresh = { at: Date.now(), keys };
    byBody.set(bodyId, fresh);
    keys.catch(() => {
      if (byBody.get(bodyId) === fresh) byBody.delete(bodyId);
    });
    snap = fresh;
  }
  if (!(await snap.keys).has(address.toLowerCase())) return false;
  return (await chain.bodyOfSigningKey(address)) === bodyId;
}

export function isAssessor(db: Db, address: string): boolean {
  return db.prepare("SELECT 1 FROM assessors WHERE address = ? AND active = 1").get(address) !== undefined;
}

export function sessionOf(db: Db, token: string, now: number): Session | null {
  const row = db.prepare("SELECT address, operator, expires_at FROM sessions WHERE token_hash = ? AND revoked_at IS NULL").get(hashToken(token)) as
    | { address: Address; operator: number; expires_at: number }
    | undefined;
  if (!row || row.expires_at <= now) return null;
  return { address: row.address, operator: row.operator === 1, assessor: isAssessor(db, row.address), expiresAt: row.expires_at };
}

export function signOut(db: Db, token: string, now: number): void {
  db.prepare("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?").run(now, hashToken(token));
}

/** A session token as signIn makes them: 32 random bytes, base64url. Anything else is no session (never a 500). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The bearer token (`Authorization: Bearer …`), or null. The workbench sets and reads no cookie: a browser attaches
 * a cookie to any request, a cross-site form's too, but a bearer token only to the requests its page makes.
 */
export function tokenFrom(headers: { authorization?: string }): string | null {
  const m = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? "");
  return m && TOKEN.test(m[1]!) ? m[1]! : null;
}
