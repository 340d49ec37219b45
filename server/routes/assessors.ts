/** The body's rulebooks and its register of assessors (评审专家). */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { text } from "../../scoring";
import { Uscc } from "../../scoring/dossier/schema";
import { operatorOnly, signedIn, sessionOf, type RouteOptions } from "../context";
import { conflict, notFound } from "../errors";
import { assessorByAddressOrId, deactivateAssessor, upsertAssessor } from "../store/panel";
import { audit } from "../workflow";
import { AddressInput, bi } from "./inputs";
import { errors } from "../openapi";

/** what the routes answer (schema.response: serialized by fastify-type-provider-zod, documented in /openapi.json) */
const RulebookView = z.object({ key: z.string(), id: z.string(), version: z.string(), title: z.object({ zh: z.string(), en: z.string() }), hash: z.string(), minAssessors: z.number().int() });
const AssessorView = z.object({ address: z.string(), assessorId: z.string(), name: z.string(), employerUscc: z.string(), active: z.boolean() });
const AssessorPage = z.object({ items: z.array(AssessorView), nextCursor: z.string().nullable(), total: z.number().int().optional(), totalCapped: z.boolean().optional() });
import { changeCounter } from "../store/changes";
import { assessorsCount, assessorsPage } from "../store/panel";
import { Flag, Limit, TOTAL_CAP, changeToken, cursorOf, isKey, notModified, pageOf, queryOf } from "./pages";

/** GET /assessors: by assessor number, a page at a time; `active=true` for those who may sit on a panel */
const AssessorListQuery = queryOf({ limit: Limit, cursor: cursorOf<string>((p) => (p.length === 1 && isKey(p[0]) ? p[0] : null)).optional(), active: Flag.optional() });

const AssessorBody = z.strictObject({
  address: AddressInput,
  assessorId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bi("专家编号只能包含字母、数字、点、下划线和连字符", "assessor id: 1-64 letters, digits, . _ -")),
  name: text({ min: 1, max: 64 }),
  employerUscc: Uscc,
});
const AddressParams = z.strictObject({ address: AddressInput });

export async function assessorRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.get("/rulebooks", { onRequest: signedIn, schema: { response: { 200: z.array(RulebookView), ...errors(401) } } }, async () =>
    [...ctx.rulebooks.entries()].map(([key, p]) => ({ key, id: p.rulebook.id, version: p.rulebook.version, title: p.rulebook.title, hash: p.rulebookHash, minAssessors: p.rulebook.panel.minAssessors })),
  );

  r.post("/assessors", { onRequest: operatorOnly, schema: { body: AssessorBody, response: { 201: AssessorView, ...errors(400, 401, 403, 409) } } }, async (req, reply) => {
    const s = sessionOf(req);
    const body = req.body;
    db.transaction(() => {
      const existing = assessorByAddressOrId(db, body.address, body.assessorId);
      if (existing && (existing.address !== body.address || existing.assessor_id !== body.assessorId)) {
        throw conflict("assessor-exists", { zh: "该地址或专家编号已被另一名评审专家使用", en: "the address or assessor id belongs to another assessor" });
      }
      upsertAssessor(db, { address: body.address, assessorId: body.assessorId, name: body.name, employerUscc: body.employerUscc, registeredBy: s.address, at: ctx.now() });
      audit(db, { dossierId: null, actor: { address: s.address, role: "operator" }, action: "register-assessor", details: { address: body.address, assessorId: body.assessorId } });
    })();
    return reply.status(201).send({ address: body.address, assessorId: body.assessorId, name: body.name, employerUscc: body.employerUscc, active: true });
  });

  r.get("/assessors", { onRequest: operatorOnly, schema: { querystring: AssessorListQuery, response: { 200: AssessorPage, 304: z.any().describe("未变化（If-None-Match）/ not modified"), ...errors(400, 401, 403) } } }, async (req, reply) => {
    const { limit, cursor, active } = req.query;
    if (notModified(req, reply, changeToken(db, sessionOf(req), changeCounter(db, "assessors"), req.query))) return reply.code(304).send();
    return pageOf(
      assessorsPage(db, active, cursor ?? "", limit + 1),
      limit,
      (a) => ({ address: a.address, assessorId: a.assessor_id, name: a.name, employerUscc: a.employer_uscc, active: a.active === 1 }),
      (a) => [a.assessor_id],
      cursor === undefined ? assessorsCount(db, active, TOTAL_CAP) : undefined,
    );
  });

  r.delete("/assessors/:address", { onRequest: operatorOnly, schema: { params: AddressParams, response: { 200: z.object({ address: z.string(), active: z.boolean() }), ...errors(400, 401, 403, 404) } } }, async (req) => {
    const s = sessionOf(req);
    const { address } = req.params;
    db.transaction(() => {
      if (!deactivateAssessor(db, address)) throw notFound(`assessor ${address}`);
      audit(db, { dossierId: null, actor: { address: s.address, role: "operator" }, action: "deactivate-assessor", details: { address } });
    })();
    return { address, active: false };
  });
}
