/**
 * The API as a service (issue #10): the OpenAPI 3.1 document of the workbench, generated from the zod schemas the
 * routes declare (`schema: { params, body, querystring, response }`, the same ones server/http.ts validates with),
 * served at `GET /openapi.json`, with a docs page at `/docs` (@fastify/swagger-ui; its assets are served from the
 * npm package, nothing from a CDN). Registered by buildServer BEFORE the route plugins, so it sees every route.
 *
 * Each operation is tagged with the plugin that declared it (authRoutes → `auth`, …) unless the route names its
 * own `schema.tags`; a summary in Chinese and English comes from the route's `schema.summary` or the table below.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { createJsonSchemaTransform } from "fastify-type-provider-zod";
import { z } from "zod";
import pkg from "../package.json";

/** the error every refusal leaves as (server/errors.ts, HttpError.toJSON) */
export const FieldProblemSchema = z.object({ field: z.string(), path: z.array(z.union([z.string(), z.number()])), zh: z.string(), en: z.string() });
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      zh: z.string(),
      en: z.string(),
      problems: z.array(FieldProblemSchema).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ description: "错误 / error: `{ error: { code, zh, en, problems?, details? } }`" });

/** `schema.response` entries for the refusals a route may answer with */
export const errors = (...statuses: number[]): Record<number, typeof ErrorSchema> => Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));

/** where the document and the docs page are served (hidden from the document itself) */
export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PREFIX = "/docs";

/** plugin function name → tag */
const TAG_OF_PLUGIN: Record<string, string> = {
  authRoutes: "auth",
  assessorRoutes: "assessors",
  evidenceRoutes: "evidence",
  dossierRoutes: "dossiers",
  panelRoutes: "panel",
  issuanceRoutes: "issuance",
  lifecycleRoutes: "lifecycle",
  reissueRoutes: "reissue",
  objectionRoutes: "objections",
  erasureRoutes: "erasure",
  reviewRoutes: "reviews",
  supervisionRoutes: "supervision",
};

const TAGS = [
  { name: "auth", description: "以太坊登录与会话 / Sign-in with Ethereum, the session, health" },
  { name: "assessors", description: "规则库与评审专家名册 / rulebooks and the register of assessors" },
  { name: "evidence", description: "证明材料 / evidence uploads" },
  { name: "dossiers", description: "申报材料 / dossiers" },
  { name: "panel", description: "评审组与评分表 / the panel and its score sheets" },
  { name: "issuance", description: "发证与发证队列 / issuance and the outbox" },
  { name: "wallet-issuance", description: "钱包发证 / issuance signed by a wallet" },
  { name: "lifecycle", description: "证书生命周期 / certificate lifecycle" },
  { name: "reissue", description: "补发证书 / re-issue" },
  { name: "objections", description: "公示异议 / objections during the notice period" },
  { name: "erasure", description: "个人数据删除 / erasure of personal data" },
  { name: "reviews", description: "年审 / annual reviews" },
  { name: "supervision", description: "协会抽查 / the association's sampling audit" },
];

/** summaries (zh / en) of the routes that do not give their own `schema.summary`: "METHOD url" → text */
const SUMMARIES: Record<string, string> = {
  "GET /health": "健康检查 / health check",
  "GET /auth/nonce": "获取登录随机数 / a sign-in nonce",
  "POST /auth/verify": "以太坊签名登录 / sign in with Ethereum (EIP-4361)",
  "POST /auth/logout": "退出登录 / sign out",
  "GET /me": "当前会话 / the current session",
  "GET /rulebooks": "规则库列表 / the rulebooks",
  "POST /assessors": "登记评审专家 / register an assessor",
  "GET /assessors": "评审专家名册 / the register of assessors",
  "DELETE /assessors/{address}": "停用评审专家 / deactivate an assessor",
  "POST /outbox/{root}/retry": "重试失败的发证 / retry a failed issuance",
  "GET /issuance/wallet": "待钱包签发的批次 / batches waiting for a wallet",
  "POST /issuance/wallet/claim": "领取钱包发证批次 / claim a wallet batch",
  "POST /issuance/wallet/release": "释放钱包发证批次 / release a wallet batch",
  "POST /issuance/wallet/report": "报告钱包发证交易 / report a wallet's transaction",
};

const tagOfUrl = (url: string): string => (url.startsWith("/issuance/wallet") ? "wallet-issuance" : "other");

/** OpenAPI path of a fastify url: `/a/:id` → `/a/{id}` */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

async function openApiPlugin(app: FastifyInstance): Promise<void> {
  // before @fastify/swagger's own onRoute hook: tag each route with its plugin (the instance it is declared on)
  app.addHook("onRoute", function (this: FastifyInstance, route: RouteOptions) {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (schema.hide) return;
    const tag = TAG_OF_PLUGIN[this.pluginName] ?? tagOfUrl(route.url);
    const summary = SUMMARIES[`${route.method} ${openApiPath(route.url)}`];
    route.schema = { ...schema, ...(schema.tags ? {} : { tags: [tag] }), ...(schema.summary || !summary ? {} : { summary }) };
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "cqo-chain workbench API (认定主体工作台)",
        version: pkg.version,
        description: "认定主体工作台的 HTTP 接口；错误均为 `{ error: { code, zh, en, problems?, details? } }`。 / The certifying body's workbench; every error is `{ error: { code, zh, en, problems?, details? } }`.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "POST /auth/verify 返回的会话令牌 / the session token from POST /auth/verify" } } },
      tags: TAGS,
    },
    transform: createJsonSchemaTransform({ skipList: [OPENAPI_PATH, `${DOCS_PREFIX}/`, `${DOCS_PREFIX}/*`, `${DOCS_PREFIX}/json`, `${DOCS_PREFIX}/yaml`, `${DOCS_PREFIX}/static/*`, `${DOCS_PREFIX}/uiConfig`, `${DOCS_PREFIX}/initOAuth`] }),
  });

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());

  // the docs page: assets from the package itself; the workbench's strict CSP relaxed for these routes only
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { url: OPENAPI_PATH, validatorUrl: null, deepLinking: false },
    staticCSP: "default-src 'self'; base-uri 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; frame-ancestors 'none'",
  });
}

/** not encapsulated (fastify-plugin): its onRoute hooks must see the routes of every plugin registered after it */
export const openApi = fp(openApiPlugin, { name: "openapi" });
