/** Sign-in with Ethereum (EIP-4361) and the session: nonce, verify, logout, me; and the health check. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { SignInBody, issueNonce, signIn, signOut, siweOriginFor } from "../auth";
import { rolesOf, signedIn, sessionOf, type RouteOptions } from "../context";
import { schemaVersion } from "../db";
import { rateLimit } from "../protection";
import { errors } from "../openapi";

const Roles = z.array(z.enum(["operator", "assessor", "applicant"]));
const Health = z.object({ ok: z.boolean(), schema: z.number().int(), chain: z.number().int().nullable(), worker: z.boolean() });
const Nonce = z.object({ nonce: z.string(), expiresAt: z.number().int(), domain: z.string(), uri: z.string(), chainId: z.number().int().nullable(), issuedAt: z.string() });
const Verified = z.object({
  token: z.string().describe("会话令牌（Bearer）/ the session token (bearer)"),
  address: z.string(),
  roles: Roles,
  expiresAt: z.number().int(),
  operatorCheck: z.enum(["chain", "unavailable"]).describe("chain: the operator role was checked on-chain; unavailable: no chain to check it"),
});
const Ok = z.object({ ok: z.literal(true) });
const Me = z.object({ address: z.string(), roles: Roles, expiresAt: z.number().int(), bodyId: z.number().int() });

export async function authRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, chain } = ctx;
  const origin = () => siweOriginFor(ctx.siweDomain(), config.siweOrigin);

  r.get("/health", { schema: { response: { 200: Health } } }, async () => ({ ok: true, schema: schemaVersion(db), chain: chain?.deployment.chainId ?? null, worker: ctx.worker !== null }));

  // what the message must name: domain, uri (this origin), chain id; issuedAt is the server's clock now
  r.get("/auth/nonce", { config: { rateLimit: rateLimit("nonce") }, schema: { response: { 200: Nonce } } }, async () => {
    const now = ctx.now();
    return { ...issueNonce(db, now), domain: ctx.siweDomain(), uri: origin(), chainId: chain?.deployment.chainId ?? null, issuedAt: new Date(now).toISOString() };
  });

  // the token is returned in the body only (bearer): no cookie is set or read (server/auth.ts, tokenFrom)
  r.post("/auth/verify", { schema: { body: SignInBody, response: { 200: Verified, ...errors(400, 401, 403, 422, 503) } }, config: { rateLimit: rateLimit("signIn") } }, async (req) => {
    const result = await signIn({ db, chain, bodyId: config.bodyId, domain: ctx.siweDomain(), origin: origin(), now: ctx.now(), sessionTtlMs: config.sessionTtlSeconds * 1000 }, req.body);
    return { token: result.token, address: result.session.address, roles: rolesOf(result.session), expiresAt: result.session.expiresAt, operatorCheck: result.operatorCheck };
  });

  r.post("/auth/logout", { schema: { response: { 200: Ok } } }, async (req) => {
    if (req.sessionToken) signOut(db, req.sessionToken, ctx.now());
    return { ok: true as const };
  });

  r.get("/me", { onRequest: signedIn, schema: { response: { 200: Me, ...errors(401) } } }, async (req) => {
    const s = sessionOf(req);
    return { address: s.address, roles: rolesOf(s), expiresAt: s.expiresAt, bodyId: config.bodyId };
  });
}
