/**
 * A small client of the workbench API for scripts and tests: JSON over fetch (or fastify's inject), SIWE
 * sign-in (EIP-4361, the domain and chain id the server names), and refusals turned into errors that say which
 * call failed and why.
 */
import type { Hex } from "viem";
import type { HDAccount, PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

export interface Reply {
  status: number;
  body: unknown;
}

/** One HTTP call: method, path, JSON body, bearer token. */
export type Http = (method: string, path: string, body?: unknown, token?: string) => Promise<Reply>;

function parse(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function fetchHttp(base: string): Http {
  return async (method, path, body, token) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: parse(await r.text()) };
  };
}

interface Injectable {
  inject: (o: { method: string; url: string; payload?: string; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string }>;
}

/** The same port over fastify.inject: no socket, for in-process benchmarks and tests. */
export function injectHttp(app: Injectable): Http {
  return async (method, path, body, token) => {
    const r = await app.inject({
      method,
      url: path,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return { status: r.statusCode, body: parse(r.body) };
  };
}

export class ApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

/** Calls and insists on `expected` (200 unless told); returns the typed JSON body. */
export async function call<T>(http: Http, what: string, method: string, path: string, body: unknown, token: string | undefined, expected = 200): Promise<T> {
  const r = await http(method, path, body, token);
  if (r.status !== expected) throw new ApiError(what, r.status, r.body);
  return r.body as T;
}

/**
 * Every item of one of the workbench's paginated lists (GET /dossiers, /objections, /outbox, /assessors,
 * /dossiers/:id/audit answer `{ items, nextCursor }` a page at a time): follows `nextCursor`, at most `maxPages`.
 */
export async function listAll<T>(http: Http, what: string, path: string, token: string | undefined, maxPages = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const url = cursor ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}` : path;
    const page: { items: T[]; nextCursor: string | null } = await call(http, what, "GET", url, undefined, token);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error(`${what}: more than ${maxPages} pages of ${path}`);
}

/** Signs in with Ethereum as `signer`: nonce, an EIP-4361 message for the server's domain and chain, the token. */
export async function signIn(http: Http, signer: HDAccount | PrivateKeyAccount): Promise<string> {
  const n = await call<{ nonce: string; domain: string; chainId: number | null }>(http, "nonce", "GET", "/auth/nonce", undefined, undefined);
  const message = createSiweMessage({
    domain: n.domain,
    address: signer.address,
    statement: "Sign in to the CQO workbench",
    uri: `http://${n.domain}`,
    version: "1",
    chainId: n.chainId ?? 31337,
    nonce: n.nonce,
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 30 * 60_000),
  });
  const signature: Hex = await signer.signMessage({ message });
  return (await call<{ token: string }>(http, `sign in ${signer.address}`, "POST", "/auth/verify", { message, signature }, undefined)).token;
}
