/**
 * HTTP for the workbench tests: one `Http` function over fastify's inject or over fetch against a child process,
 * and sign-in with Ethereum (SIWE) as any account.
 */
import type { Hex } from "viem";
import type { HDAccount, PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { SIWE_DOMAIN } from "./chain-fixture";

export interface Reply {
  status: number;
  body: unknown;
  json<T = Record<string, unknown>>(): T;
}

/** A minimal HTTP port over fastify.inject or fetch, so the same helpers drive both. */
export type Http = (method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>) => Promise<Reply>;

export function fetchHttp(base: string): Http {
  return async (method, path, body, token, headers = {}) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const parsed = parseBody(text);
    return { status: r.status, body: parsed, json: <T>() => parsed as T };
  };
}

/** JSON when it is JSON (every API reply), the raw text otherwise (evidence downloads). */
function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function injectHttp(app: { inject: (o: { method: string; url: string; payload?: string; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string }> }): Http {
  return async (method, path, body, token, headers = {}) => {
    const r = await app.inject({
      method,
      url: path,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const parsed = parseBody(r.body);
    return { status: r.statusCode, body: parsed, json: <T>() => parsed as T };
  };
}

export interface SiweOptions {
  domain?: string;
  chainId?: number;
  expirationTime?: Date;
  nonce?: string;
  /** default http://<domain>, the workbench's default CQO_SIWE_ORIGIN */
  uri?: string;
}

export async function siweMessage(http: Http, signer: HDAccount | PrivateKeyAccount, o: SiweOptions = {}): Promise<{ message: string; signature: Hex; nonce: string }> {
  // issuedAt on the server's clock (tests move it), as the nonce's answer gives it
  const issued = o.nonce ? null : (await http("GET", "/auth/nonce")).json<{ nonce: string; issuedAt?: string }>();
  const nonce = o.nonce ?? issued!.nonce;
  const message = createSiweMessage({
    domain: o.domain ?? SIWE_DOMAIN,
    address: signer.address,
    statement: "Sign in to the CQO workbench",
    uri: o.uri ?? `http://${o.domain ?? SIWE_DOMAIN}`,
    version: "1",
    chainId: o.chainId ?? 31337,
    nonce,
    issuedAt: issued?.issuedAt ? new Date(issued.issuedAt) : new Date(),
    expirationTime: o.expirationTime ?? new Date(Date.now() + 10 * 60_000),
  });
  return { message, signature: await signer.signMessage({ message }), nonce };
}

export async function signInAs(http: Http, signer: HDAccount | PrivateKeyAccount): Promise<string> {
  const { message, signature } = await siweMessage(http, signer);
  const r = await http("POST", "/auth/verify", { message, signature });
  if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
  return r.json<{ token: string }>().token;
}
