/**
 * What every route of the workbench shares: the context built once by `buildServer` (database, chain, evidence
 * store, rulebooks, clock), the session on each request, and the guards that check it. Guards run as `onRequest`
 * hooks, before the input is validated, so a refusal never depends on data the caller may not see: role first
 * (401/403), then the input (400), then the dossier (404).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { CqoClient } from "../sdk";
import type { Session } from "./auth";
import type { CrashPoint, ServerConfig } from "./config";
import type { Db } from "./db";
import type { EvidenceStore } from "./evidence";
import { forbidden, unauthenticated } from "./errors";
import type { IssuanceTerms } from "./issuance-terms";
import type { IssuanceWorker } from "./outbox";
import type { RulebookSet } from "./rulebooks";
import type { Actor } from "./workflow";

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
  /** the credential and chain terms of an issuance (server/issuance-terms.ts) */
  terms: IssuanceTerms;
  log: (msg: string, data?: Record<string, unknown>) => void;
  /** dossiers with a lifecycle transaction in flight (server/lifecycle-call.ts): one at a time per dossier */
  inFlight: Set<string>;
}

/** A route plugin's options: the shared context. */
export interface RouteOptions {
  ctx: Ctx;
}

declare module "fastify" {
  interface FastifyRequest {
    session: Session | null;
    sessionToken: string | null;
  }
}

export type RoleName = "operator" | "assessor" | "applicant";

export function rolesOf(s: Session): RoleName[] {
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

/** `onRequest` guards: any signed-in wallet, or one with a role. */
export const signedIn = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
  requireSession(req);
};
export const operatorOnly = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
  requireRole(req, "operator");
};
export const assessorOnly = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
  requireRole(req, "assessor");
};

/** The session of a guarded route (the guard has run). */
export const sessionOf = (req: FastifyRequest): Session => requireSession(req);
