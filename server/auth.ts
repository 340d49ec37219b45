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
import { HttpError } from "./errors";
import { isSignedByOffThread } from "./signatures";

export const NONCE_TTL_MS = 5 * 60_000;

export const SignInBody = z.strictObject({
  message: z.string().min(1).max(4000),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})+$/, "signature must be 0x-hex"),
});

export interface Session {
  address: Address;
  operator: boolean;
  assessor: boolean;
  expiresAt: number;
}

const siweError = (code: string, zh: string, en: string) => new HttpError(401, code, { zh, en });

const lastNoncePurge = new WeakMap<Db, number>();

export function issueNonce(db: Db, now: number): { nonce: string; expiresAt: number } {
  const nonce = generateSiweNonce();
  const expiresAt = now + NONCE_TTL_MS;
  db.prepare("INSERT INTO siwe_nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)").run(nonce, now, expiresAt);
  // keep the table small: nonces are only useful for minutes (a scan of the table, so at most once a minute)
  if (Math.abs(now - (lastNoncePurge.get(db) ?? -Infinity)) >= 60_000) {
    lastNoncePurge.set(db, now);
    db.prepare("DELETE FROM siwe_nonces WHERE expires_at < ?").run(now - 24 * 3600_000);
  }
  return { nonce, expiresAt };
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface SignInContext {
  db: Db;
  chain: CqoClient | null;
  bodyId: number;
  /** the domain the message must name: this server's host as the browser sees it */
  domain: string;
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
  if (!fields.address || !fields.nonce || !fields.domain || !fields.uri || fields.version !== "1" || fields.chainId === undefined) {
    throw siweError("siwe-malformed", "登录消息缺少必需字段（domain、address、uri、version、chainId、nonce）", "the message lacks required fields (domain, address, uri, version, chainId, nonce)");
  }
  // Burn the nonce first, whatever happens next: a nonce is good for one attempt only.
  const nonceRow = ctx.db.prepare("SELECT expires_at, used_at FROM siwe_nonces WHERE nonce = ?").get(fields.nonce) as { expires_at: number; used_at: number | null } | undefined;
  if (!nonceRow) throw siweError("siwe-nonce-unknown", "登录随机数未知", "unknown nonce: ask for a new one");
  const burned = ctx.db.prepare("UPDATE siwe_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL").run(ctx.now, fields.nonce);
  if (burned.changes !== 1) throw siweError("siwe-nonce-used", "登录随机数已被使用", "this nonce was already used: ask for a new one");
  if (nonceRow.expires_at < ctx.now) throw siweError("siwe-nonce-expired", "登录随机数已过期", "the nonce has expired: ask for a new one");

  if (fields.domain !== ctx.domain) throw siweError("siwe-domain", `登录消息的域名应为 ${ctx.domain}`, `the message is for ${fields.domain}, this server is ${ctx.domain}`);
  if (ctx.chain && fields.chainId !== ctx.chain.deployment.chainId) {
    throw siweError("siwe-chain", `登录消息的链 ID 应为 ${ctx.chain.deployment.chainId}`, `the message is for chain ${fields.chainId}, this server uses chain ${ctx.chain.deployment.chainId}`);
  }
  if (fields.expirationTime && fields.expirationTime.getTime() <= ctx.now) throw siweError("siwe-expired", "登录消息已过期", "the message has expired");
  if (fields.notBefore && fields.notBefore.getTime() > ctx.now) throw siweError("siwe-not-yet-valid", "登录消息尚未生效", "the message is not valid yet (notBefore)");

  const address = getAddress(fields.address);
  // an EOA's signature, recovered locally on a worker thread (server/signatures.ts: libsecp256k1, refuses malleable high-s)
  let valid = await isSignedByOffThread(hashMessage(input.message), input.signature, address);
  if (!valid && ctx.chain) {
    // a contract wallet (ERC-1271, e.g. a Safe) signs through the chain
    valid = await ctx.chain.publicClient.verifyMessage({ address, message: input.message, signature: input.signature as Hex }).catch(() => false);
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

export const SESSION_COOKIE = "cqo_session";

/** The bearer token, else the session cookie. */
export function tokenFrom(headers: { authorization?: string; cookie?: string }): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim() || null;
  for (const part of (headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join("=")) || null;
  }
  return null;
}
