/** Objections (异议) during public notice: anyone signed in files one; the body resolves it. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { keccak256, toHex } from "viem";
import { z } from "zod";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import { HttpError, conflict, notFound } from "../errors";
import { runLifecycle } from "../lifecycle-call";
import { dossierByToken, getDossier } from "../store/dossiers";
import { allObjections, getObjection, insertFilingObjection, markNotFiled, objectionsFiledBy } from "../store/objections";
import { dossierSummary, objectionView } from "../views";
import { assertLegal, type Actor } from "../workflow";
import { evidenceHash } from "./evidence-ref";
import { Note, Sha256Input, bi } from "./inputs";
import { RevocationReason } from "./lifecycle";

const ObjectionBody = z.strictObject({
  tokenId: z.string().regex(/^[1-9][0-9]{0,19}$/, bi("证书编号应为不超过 20 位的十进制数", "a certificate number is up to 20 decimal digits")),
  statement: z.string().min(1, bi("请说明异议理由", "state the objection")).max(2000, bi("异议理由最多 2000 字", "at most 2000 characters")),
  evidence: Sha256Input.optional(),
});
const ObjectionParams = z.strictObject({ objectionId: z.coerce.number().int().positive() });
const ResolveBody = z
  .strictObject({ upheld: z.boolean(), reason: RevocationReason.optional(), evidence: Sha256Input.optional(), note: Note })
  .refine((b) => !b.upheld || b.reason !== undefined, { path: ["reason"], message: bi("异议成立须给出撤销理由", "an upheld objection needs a revocation reason") });

export async function objectionRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/objections", { onRequest: signedIn, schema: { body: ObjectionBody } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    // the certificate number is public (公示): answering whether it is ours discloses nothing new
    const d = dossierByToken(db, body.tokenId);
    if (!d) throw notFound(`certificate ${body.tokenId} of this body`);
    assertLegal("file-objection", d.state);
    const evidence = body.evidence ?? null;
    const onChainEvidence = evidence ? evidenceHash(ctx, evidence) : keccak256(toHex(body.statement));
    const filer: Actor = { address: s.address, role: "public" };
    const objectionId = insertFilingObjection(db, { dossierId: d.id, tokenId: d.token_id!, filer: s.address, statement: body.statement, evidence, evidenceHash: onChainEvidence, at: ctx.now() });
    try {
      // relayed by the body's key: the filer is recorded here and in the audit log, the evidence hash on-chain
      const sent = await runLifecycle(ctx, d, filer, { command: "file-objection", objectionId }, (chain) => chain.fileObjection(d.token_id!, onChainEvidence));
      return reply.status(201).send({ ...objectionView(getObjection(db, objectionId)!), txHash: sent.hash });
    } catch (err) {
      if (err instanceof HttpError && err.status !== 503) markNotFiled(db, objectionId);
      throw err;
    }
  });

  r.get("/objections", { onRequest: signedIn }, async (req) => {
    const s = sessionOf(req);
    return (s.operator ? allObjections(db) : objectionsFiledBy(db, s.address)).map(objectionView);
  });

  r.post("/objections/:objectionId/resolve", { onRequest: operatorOnly, schema: { params: ObjectionParams, body: ResolveBody } }, async (req) => {
    const s = sessionOf(req);
    const { objectionId } = req.params;
    const body = req.body;
    const o = getObjection(db, objectionId);
    if (!o) throw notFound(`objection ${objectionId}`);
    if (o.status !== "filed") throw conflict("objection-not-open", { zh: "该异议不在待处理状态", en: "this objection is not open" }, { status: o.status });
    const d = getDossier(db, o.dossier_id)!;
    assertLegal("resolve-objection", d.state);
    const hash = evidenceHash(ctx, body.evidence);
    const actor: Actor = { address: s.address, role: "operator" };
    const decision = body.upheld ? { upheld: true as const, reason: body.reason! } : { upheld: false as const };
    const sent = await runLifecycle(
      ctx,
      d,
      actor,
      { command: "resolve-objection", objectionId, upheld: body.upheld, reason: body.upheld ? body.reason! : null, evidence: body.evidence ?? null, note: body.note },
      (chain) => chain.resolveObjection(d.token_id!, decision, hash),
    );
    return { ...objectionView(getObjection(db, objectionId)!), dossier: dossierSummary(getDossier(db, d.id)!), txHash: sent.hash };
  });
}
