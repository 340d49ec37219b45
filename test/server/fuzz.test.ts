/**
 * Fuzzing every route (issue #10): fast-check bodies, path parameters, query strings and headers sent with
 * fastify's inject to every route fastify knows, as an anonymous caller, an applicant and the body's operator.
 * Every answer must be below 500, and a 400 must name each offending field by its part (`body.`, `params.`,
 * `querystring.`, `headers.`). Bounded (FUZZ_RUNS per route and caller, default 20) with a fixed seed (FUZZ_SEED);
 * a failure prints the seed, the path to replay and the smallest input found.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildServer, type Workbench } from "../../server/app";
import { OPERATOR, account, clientFor, deployWorld, injectHttp, signInTeam, startAnvil, tempDir, testConfig, type Anvil, type Tokens } from "./helpers";
import { knownRoutes, type KnownRoute } from "./openapi-routes";

const SEED = Number(process.env.FUZZ_SEED ?? 20240610);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

const huge = fc.constantFrom("a".repeat(100_000), "字".repeat(34_000), `0x${"f".repeat(100_000)}`);
const controls = fc.array(fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), { maxLength: 8 }).map((a) => a.join("") + "\u202e\u200b\ufeff");
const nasty = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", " ", "null", "undefined", "NaN", "-1", "1e309", "0x", `0x${"00".repeat(20)}`, `0x${"ab".repeat(32)}`, "D-0001", "../../etc/passwd", "%00", "\\u0000", "😀", "true");
const str = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 3, arbitrary: nasty }, { weight: 2, arbitrary: controls }, { weight: 1, arbitrary: huge }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) });
const deep = fc.integer({ min: 50, max: 3000 }).map((n) => {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const polluted = fc.constantFrom<unknown>(
  JSON.parse('{"__proto__":{"polluted":true,"operator":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"dossier":{"__proto__":{"x":1}},"rulebook":"hn-cqo-default@2024.1"}'),
  { toString: "x", valueOf: 1, hasOwnProperty: null },
);
const value = fc.oneof({ maxDepth: 3 }, fc.jsonValue({ maxDepth: 3 }), str, polluted, fc.double(), fc.bigInt().map(String));
const object = fc.dictionary(fc.oneof(str, nasty), value, { maxKeys: 6 });
/** a body: JSON of any shape, or raw bytes that are not JSON */
const body = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(object, value, deep, polluted).map((v) => ({ raw: JSON.stringify(v) ?? "null", type: "application/json" })) },
  { weight: 1, arbitrary: fc.constantFrom("{", "[1,", "{\"a\":}", "\u0000", "nul", "{\"a\":1}}", '{"__proto__":', "").map((raw) => ({ raw, type: "application/json" })) },
  { weight: 1, arbitrary: fc.tuple(str, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "")).map(([raw, type]) => ({ raw, type })) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const query = fc.dictionary(fc.oneof(fc.constantFrom("limit", "cursor", "active", "status", "state", "dossierId", "__proto__", "constructor"), str), fc.oneof(str, fc.array(str, { maxLength: 3 })), { maxKeys: 4 });
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("Bearer", "Bearer ", "bearer x", "Basic dXNlcjpwYXNz", "Bearer a b", "Token abc", "Bearer " + "x".repeat(10_000), "Bearer __proto__", "Bearer\tx"),
  fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}`),
);

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

describe("server: fuzzing every route (fast-check)", function () {
  this.timeout(600_000);
  let anvil: Anvil;
  let wb: Workbench;
  let tmp: { dir: string; cleanup(): void };
  let tokens: Tokens;
  let routes: KnownRoute[];

  before(async () => {
    anvil = await startAnvil();
    const world = await deployWorld(anvil.url);
    tmp = tempDir("fuzz");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), startWorker: false });
    await wb.app.ready();
    tokens = await signInTeam(injectHttp(wb.app), account(8));
    routes = knownRoutes(wb.app);
    expect(routes.length).to.be.greaterThan(30);
  });
  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  for (const caller of ["anonymous", "applicant", "operator"] as const) {
    it(`every route, as ${caller}: < 500, and a 400 names its fields (seed ${SEED}, ${RUNS} runs a route)`, async () => {
      const token = caller === "anonymous" ? undefined : tokens[caller];
      const failures: string[] = [];
      for (const route of routes) {
        // signing out would end the session the other runs use
        if (token && route.url === "/auth/logout") continue;
        const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
        const input = fc.record({ params: fc.tuple(...params.map(() => str), fc.constant(null)), query, body, authorization, extra: fc.constantFrom<Record<string, string>>({}, { "if-none-match": '"x"' }, { "x-forwarded-for": "1.2.3.4" }, { "content-length": "5" }) });
        {
          const out = await fc.check(
            fc.asyncProperty(input, async ({ params: values, query: q, body: b, authorization: auth, extra }) => {
              let url = route.url;
              params.forEach((p, i) => (url = url.replace(`:${p}`, encodeURIComponent(values[i] as string) || "%20")));
              const qs = Object.entries(q).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)).join("&");
              const headers: Record<string, string> = { ...(route.method === "GET" || route.method === "DELETE" ? {} : extra) };
              if (token && auth === undefined) headers.authorization = `Bearer ${token}`;
              else if (auth !== undefined) headers.authorization = auth;
              const send = b !== null && route.method !== "GET";
              if (send && b.type) headers["content-type"] = b.type;
              if (!send) delete headers["content-length"];
              else delete headers["content-length"];
              const r = await wb.app.inject({ method: route.method as "GET", url: qs ? `${url}?${qs}` : url, headers, ...(send ? { payload: b.raw } : {}) });
              const what = `${route.method} ${printable(url).slice(0, 200)}${qs ? `?${printable(qs).slice(0, 200)}` : ""} → ${r.statusCode} ${printable(r.body).slice(0, 400)}`;
              if (r.statusCode >= 500) throw new Error(`5xx: ${what}`);
              if (r.statusCode === 400) {
                const e = (JSON.parse(r.body) as { error?: { problems?: { field?: unknown }[] } }).error;
                const fields = (e?.problems ?? []).map((p) => p.field);
                if (fields.length === 0 || !fields.every((f) => typeof f === "string" && /^(body|params|querystring|headers)(\.|\[|$)/.test(f))) throw new Error(`400 without fields naming the part: ${what}`);
              }
            }),
            { seed: SEED, numRuns: RUNS, endOnFailure: true },
          );
          if (out.failed) {
            const err = out.errorInstance as Error | undefined;
            failures.push(`${route.method} ${route.url} as ${caller}: ${(err?.message ?? String(out.errorInstance)).slice(0, 700)}\n  replay: FUZZ_SEED=${out.seed} (path ${out.counterexamplePath}); input ${printable(JSON.stringify(out.counterexample)).slice(0, 300)}`);
          }
        }
      }
      expect(failures, failures.join("\n\n")).to.deep.equal([]);
    });
  }
});
