/** Sign-in with Ethereum (EIP-4361) and the session: nonce, verify, logout, me; and the health check. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { SESSION_COOKIE, SignInBody, issueNonce, signIn, signOut } from "../auth";
import { rolesOf, signedIn, sessionOf, type RouteOptions } from "../context";
import { schemaVersion } from "../db";

export async function authRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, chain } = ctx;

  r.get("/health", async () => ({ ok: true, schema: schemaVersion(db), chain: chain?.deployment.chainId ?? null, worker: ctx.worker !== null }));

  r.get("/auth/nonce", async () => ({ ...issueNonce(db, ctx.now()), domain: ctx.siweDomain(), chainId: chain?.deployment.chainId ?? null }));

  r.post("/auth/verify", { schema: { body: SignInBody } }, async (req, reply) => {
    const result = await signIn({ db, chain, bodyId: config.bodyId, domain: ctx.siweDomain(), now: ctx.now(), sessionTtlMs: config.sessionTtlSeconds * 1000 }, req.body);
    const maxAge = Math.max(0, Math.floor((result.session.expiresAt - ctx.now()) / 1000));
    reply.header("set-cookie", `${SESSION_COOKIE}=${encodeURIComponent(result.token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}`);
    return { token: result.token, address: result.session.address, roles: rolesOf(result.session), expiresAt: result.session.expiresAt, operatorCheck: result.operatorCheck };
  });

  r.post("/auth/logout", async (req, reply) => {
    if (req.sessionToken) signOut(db, req.sessionToken, ctx.now());
    reply.header("set-cookie", `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true };
  });

  r.get("/me", { onRequest: signedIn }, async (req) => {
    const s = sessionOf(req);
    return { address: s.address, roles: rolesOf(s), expiresAt: s.expiresAt, bodyId: config.bodyId };
  });
}
