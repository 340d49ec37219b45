/**
 * The OpenAPI document (server/openapi.ts): every route fastify knows is in GET /openapi.json with its method,
 * tag and request schemas; the docs page serves its assets from the package; and every JSON answer collected on a
 * realistic walk through the routes that declare `schema.response` validates against the document's schema for
 * its status (ajv, JSON Schema 2020-12).
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect } from "chai";
import { buildServer, type Workbench } from "../../server/app";
import {
  ASSESSORS,
  OPERATOR,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  injectHttp,
  signInAs,
  signInTeam,
  startAnvil,
  submitDossier,
  tempDir,
  testConfig,
  toEvaluated,
  type Anvil,
  type Http,
  type Reply,
  type Tokens,
} from "./helpers";
import { knownRoutes, openApiPath, pathMatcher } from "./openapi-routes";

type Json = Record<string, any>;
const PART_IN: Record<string, string> = { params: "path", querystring: "query" };

describe("server: OpenAPI document (GET /openapi.json, /docs)", () => {
  let wb: Workbench;
  let tmp: { dir: string; cleanup(): void };
  let doc: Json;

  before(async () => {
    tmp = tempDir("openapi");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: null });
    await wb.app.ready();
    const r = await wb.app.inject({ method: "GET", url: "/openapi.json" });
    expect(r.statusCode).to.equal(200);
    doc = JSON.parse(r.body) as Json;
  });
  after(async () => {
    await wb?.close();
    tmp?.cleanup();
  });

  it("is OpenAPI 3.1 with the title, version and the bearer scheme", () => {
    expect(doc.openapi).to.equal("3.1.0");
    expect(doc.info.title).to.contain("认定主体工作台");
    expect(doc.info.version).to.match(/^\d+\.\d+\.\d+/);
    expect(doc.components.securitySchemes.bearer).to.deep.include({ type: "http", scheme: "bearer" });
  });

  it("lists every route fastify knows, with its method and a tag, and nothing else", () => {
    const routes = knownRoutes(wb.app);
    expect(routes.length).to.be.greaterThan(30);
    const missing = routes.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]);
    expect(missing, "routes missing from /openapi.json").to.deep.equal([]);
    const untagged = routes.filter((r) => !(doc.paths[openApiPath(r.url)][r.method.toLowerCase()].tags?.length > 0));
    expect(untagged, "untagged operations").to.deep.equal([]);
    const inDoc = Object.entries<Json>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(inDoc.sort()).to.deep.equal(routes.map((r) => `${r.method} ${openApiPath(r.url)}`).sort());
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/docs") || p === "/openapi.json")).to.equal(false);
  });

  it("documents the request schemas: a body for routes with a body schema, every path parameter, the query filters", () => {
    for (const [path, ops] of Object.entries<Json>(doc.paths)) {
      const pathParams = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries<Json>(ops)) {
        const route = wb.app.findRoute({ method: method.toUpperCase() as "GET", url: path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1") });
        expect(route, `${method} ${path} found by fastify`).to.not.equal(null);
        const schema = (route as unknown as { schema?: Json } | null)?.schema ?? {};
        for (const [part, where] of Object.entries(PART_IN)) {
          if (!schema[part]) continue;
          const names = (op.parameters ?? []).filter((p: Json) => p.in === where).map((p: Json) => p.name);
          expect(names.length, `${method} ${path}: ${part} documented`).to.be.greaterThan(0);
        }
        if (schema.body) expect(op.requestBody?.content?.["application/json"]?.schema, `${method} ${path}: body`).to.be.an("object");
        const inPath = (op.parameters ?? []).filter((p: Json) => p.in === "path").map((p: Json) => p.name);
        if (schema.params) expect(inPath.sort(), `${method} ${path}: path parameters`).to.deep.equal(pathParams.sort());
      }
    }
    // a sample: the assessor register's body is strict and names its fields
    const body = doc.paths["/assessors"].post.requestBody.content["application/json"].schema;
    expect(body.required).to.include.members(["address", "assessorId", "name", "employerUscc"]);
    expect(body.additionalProperties).to.equal(false);
  });

  it("documents the error shape on the routes that declare their responses", () => {
    const err = doc.paths["/assessors"].post.responses["400"].content["application/json"].schema;
    expect(err.properties.error.required).to.include.members(["code", "zh", "en"]);
    expect(err.properties.error.properties).to.have.keys("code", "zh", "en", "problems", "details");
  });

  it("serves the docs page with the package's own assets (no CDN) under its own CSP", async () => {
    const page = await wb.app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).to.equal(200);
    const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).to.be.greaterThan(0);
    expect(refs.filter((r) => /^(https?:)?\/\//.test(r))).to.deep.equal([]);
    for (const ref of refs) {
      const url = new URL(ref, "http://x/docs/").pathname;
      expect((await wb.app.inject({ method: "GET", url })).statusCode, url).to.equal(200);
    }
    expect(String(page.headers["content-security-policy"])).to.not.match(/https:|cdn|unpkg|jsdelivr/);
  });
});

describe("server: answers match the document's response schemas (a walk against anvil)", () => {
  let anvil: Anvil;
  let wb: Workbench;
  let tmp: { dir: string; cleanup(): void };
  let doc: Json;
  let http: Http;
  let tokens: Tokens;
  const seen: { method: string; path: string; status: number; body: unknown }[] = [];

  before(async () => {
    anvil = await startAnvil();
    const world = await deployWorld(anvil.url);
    tmp = tempDir("openapi-walk");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), startWorker: false });
    await wb.app.ready();
    doc = JSON.parse((await wb.app.inject({ method: "GET", url: "/openapi.json" })).body) as Json;
    const inner = injectHttp(wb.app);
    http = async (method, path, body, token, headers) => {
      const r: Reply = await inner(method, path, body, token, headers);
      seen.push({ method, path: path.split("?")[0]!, status: r.status, body: r.body });
      return r;
    };
    tokens = await signInTeam(http, account(7));
  });
  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  it("every collected JSON answer of a route with declared responses validates against its status's schema", async () => {
    const a = ASSESSORS[0]!;
    await http("GET", "/health");
    await http("GET", "/auth/nonce");
    await http("GET", "/me", undefined, tokens.operator);
    await http("GET", "/me", undefined, tokens.applicant);
    await http("GET", "/me");
    await http("GET", "/rulebooks", undefined, tokens.applicant);
    await http("GET", "/rulebooks");
    await http("GET", "/assessors", undefined, tokens.operator);
    await http("GET", "/assessors?limit=2", undefined, tokens.operator);
    await http("GET", "/assessors?active=true&limit=1", undefined, tokens.operator);
    await http("GET", "/assessors?cursor=%%%", undefined, tokens.operator);
    await http("GET", "/assessors", undefined, tokens.applicant);
    await http("POST", "/assessors", { address: a.address, assessorId: a.id, name: `专家 ${a.id}`, employerUscc: a.employerUscc }, tokens.operator);
    await http("POST", "/assessors", { address: a.address, assessorId: "other-id", name: "x", employerUscc: a.employerUscc }, tokens.operator);
    await http("POST", "/assessors", { address: "nope", assessorId: "", name: "", employerUscc: "1" }, tokens.operator);
    await http("POST", "/assessors", { address: a.address, assessorId: a.id, name: "x", employerUscc: a.employerUscc }, tokens.applicant);
    await http("DELETE", `/assessors/0x${"ab".repeat(20)}`, undefined, tokens.operator);
    await http("DELETE", "/assessors/not-an-address", undefined, tokens.operator);
    await http("DELETE", `/assessors/${ASSESSORS[5]!.address}`, undefined, tokens.operator);
    await http("POST", `/outbox/0x${"cd".repeat(32)}/retry`, undefined, tokens.operator);
    await http("POST", "/outbox/zz/retry", undefined, tokens.operator);
    await http("POST", `/outbox/0x${"cd".repeat(32)}/retry`, undefined, tokens.applicant);
    // a dossier through the first steps, so the walk also crosses routes without declared responses
    const id = await submitDossier(http, dossierFor(11), tokens.applicant);
    await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator);
    await http("GET", `/dossiers/${id}`, undefined, tokens.operator);
    await http("GET", "/outbox", undefined, tokens.operator);
    // the rest of the procedure: a panel, sheets, the evaluation and the approval; lists, refusals, the wallet queue
    const ev = await toEvaluated(http, tokens, dossierFor(12));
    await http("GET", `/dossiers/${ev.id}`, undefined, tokens.operator);
    await http("GET", `/dossiers/${ev.id}`, undefined, tokens.applicant);
    await http("GET", `/dossiers/${ev.id}/audit`, undefined, tokens.applicant);
    await http("GET", `/dossiers/${ev.id}/audit?limit=2`, undefined, tokens.operator);
    await http("GET", `/dossiers/${ev.id}/audit?cursor=%%%`, undefined, tokens.operator);
    if (ev.state === "evaluated") await http("POST", `/dossiers/${ev.id}/approve`, {}, tokens.operator);
    await http("GET", "/outbox", undefined, tokens.operator);
    await http("GET", "/outbox?status=queued&limit=1", undefined, tokens.operator);
    await http("GET", "/dossiers", undefined, tokens.operator);
    await http("GET", "/dossiers?limit=1", undefined, tokens.applicant);
    await http("GET", "/dossiers?state=nope", undefined, tokens.operator);
    await http("GET", "/dossiers/HN-0000-000000", undefined, tokens.operator);
    await http("POST", `/dossiers/${id}/reject`, { reasons: ["理由"] }, tokens.operator);
    await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator);
    await http("GET", `/dossiers/${id}/credential`, undefined, tokens.applicant);
    await http("POST", `/dossiers/${id}/withdraw`, {}, tokens.applicant);
    const third = await submitDossier(http, dossierFor(13), tokens.applicant);
    await http("POST", `/dossiers/${third}/withdraw`, {}, tokens.applicant);
    await http("POST", `/dossiers/${third}/erase`, { reason: "request", reference: "ref-1" }, tokens.operator);
    await http("GET", "/objections", undefined, tokens.applicant);
    await http("GET", "/objections?limit=1", undefined, tokens.operator);
    await http("GET", "/issuance/wallet", undefined, tokens.operator);
    await http("GET", "/issuance/wallet", undefined, tokens.applicant);
    await http("POST", "/issuance/wallet/release", { claimId: "00000000-0000-4000-8000-000000000000" }, tokens.operator);
    await http("POST", "/sync", undefined, tokens.operator);
    const leaving = await signInAs(http, account(8));
    await http("POST", "/auth/logout", undefined, leaving);

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const ops = Object.entries<Json>(doc.paths).flatMap(([p, o]) => Object.entries<Json>(o).map(([m, op]) => ({ method: m.toUpperCase(), path: p, op, re: pathMatcher(p) })));
    const failures: string[] = [];
    const checked = new Set<string>();
    let validated = 0;
    for (const s of seen) {
      const op = ops.find((o) => o.method === s.method && o.re.test(s.path));
      if (!op) {
        failures.push(`${s.method} ${s.path}: not in the document`);
        continue;
      }
      const declared = Object.values<Json>(op.op.responses ?? {}).some((r) => r.content);
      if (!declared) continue;
      const schema = op.op.responses[String(s.status)]?.content?.["application/json"]?.schema;
      if (!schema) {
        failures.push(`${s.method} ${s.path} answered ${s.status}, which the document does not declare: ${JSON.stringify(s.body).slice(0, 300)}`);
        continue;
      }
      const validate = ajv.compile(schema);
      if (!validate(s.body)) failures.push(`${s.method} ${s.path} ${s.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(s.body).slice(0, 300)}`);
      validated++;
      checked.add(`${s.method} ${op.path} ${s.status}`);
    }
    expect(failures).to.deep.equal([]);
    for (const must of [
      "GET /health 200",
      "GET /auth/nonce 200",
      "GET /me 200",
      "GET /me 401",
      "GET /rulebooks 200",
      "GET /assessors 200",
      "GET /assessors 400",
      "GET /assessors 403",
      "POST /assessors 201",
      "POST /assessors 400",
      "POST /assessors 403",
      "POST /assessors 409",
      "DELETE /assessors/{address} 200",
      "DELETE /assessors/{address} 400",
      "DELETE /assessors/{address} 404",
      "POST /outbox/{root}/retry 400",
      "POST /outbox/{root}/retry 403",
      "POST /outbox/{root}/retry 409",
      "POST /dossiers 201",
      "GET /dossiers 200",
      "GET /dossiers 400",
      "GET /dossiers/{id} 200",
      "GET /dossiers/{id} 404",
      "GET /dossiers/{id}/audit 200",
      "POST /dossiers/{id}/accept 200",
      "POST /dossiers/{id}/accept 409",
      "POST /dossiers/{id}/reject 409",
      "GET /dossiers/{id}/credential 409",
      "POST /dossiers/{id}/assign 200",
      "POST /dossiers/{id}/sheets 201",
      "POST /dossiers/{id}/evaluate 200",
      "POST /dossiers/{id}/withdraw 200",
      "POST /dossiers/{id}/withdraw 409",
      "GET /outbox 200",
      "GET /objections 200",
      "GET /issuance/wallet 200",
      "GET /issuance/wallet 403",
      "POST /issuance/wallet/release 200",
      "POST /sync 200",
      "POST /auth/verify 200",
      "POST /auth/logout 200",
    ]) {
      expect(checked, `validated: ${must}`).to.include(must);
    }
    expect(validated).to.be.greaterThan(20);
  });

  it("every route declares the JSON schema of its 2xx answer (but the evidence download, a binary stream)", () => {
    const undeclared = Object.entries<Json>(doc.paths).flatMap(([p, o]) =>
      Object.entries<Json>(o)
        .filter(([, op]) => !Object.entries<Json>(op.responses ?? {}).some(([status, r]) => /^2\d\d$/.test(status) && r.content?.["application/json"]?.schema))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    expect(undeclared).to.deep.equal(["GET /evidence/{sha256}"]);
  });

  it("a schema that does not match is caught (the check can fail)", () => {
    const ajv = new Ajv2020({ strict: false });
    const schema = doc.paths["/me"].get.responses["200"].content["application/json"].schema;
    expect(ajv.validate(schema, { address: "0x1", roles: ["applicant"], expiresAt: 1, bodyId: 1 })).to.equal(true);
    expect(ajv.validate(schema, { address: "0x1", roles: ["root"], expiresAt: 1, bodyId: 1 })).to.equal(false);
    expect(ajv.validate(schema, { address: "0x1", roles: ["applicant"], expiresAt: "soon", bodyId: 1 })).to.equal(false);
  });
});
