/**
 * HTTP conventions of the workbench: zod schemas declared on each route are the single source of truth for its
 * input (validated here, with every field's problem in Chinese and English) and its documented output (OpenAPI,
 * server/openapi.ts); every error leaves as `{ error: { code, zh, en, problems?, details? } }`, never a stack.
 */
import type { FastifyInstance, FastifySchemaCompiler } from "fastify";
import { z } from "zod";
import { fromZod } from "../scoring";
import { HttpError, fieldProblems, invalidInput } from "./errors";

type Part = "body" | "params" | "querystring" | "headers";

/** Validates a request part with its zod schema; a refusal names each field as `body.x`, `params.id`, `querystring.q`. */
export const zodValidator: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data: unknown) => {
    const r = schema.safeParse(data);
    if (r.success) return { value: r.data };
    const part = (httpPart ?? "body") as Part;
    return { error: invalidInput(fieldProblems(fromZod(r.error), [part])) };
  };

/** The error handler: our HttpErrors as they are, other 4xx with a bilingual wrapper, anything else a 500 without detail. */
export function installErrorHandler(app: FastifyInstance, options: { evidenceMaxBytes: number }): void {
  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).send(err.toJSON());
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.code === "FST_REQ_FILE_TOO_LARGE" || e.code === "FST_FILES_LIMIT" || e.code === "FST_PARTS_LIMIT") {
      return reply.status(413).send(new HttpError(413, "file-too-large", { zh: `文件超过 ${options.evidenceMaxBytes} 字节上限`, en: `the file exceeds ${options.evidenceMaxBytes} bytes` }).toJSON());
    }
    if (e.statusCode === 429) return reply.status(429).send(new HttpError(429, "rate-limited", { zh: "请求过于频繁，请稍后再试", en: e.message ?? "too many requests" }).toJSON());
    // a body fastify could not parse (invalid JSON, an empty JSON body…): a problem of the part `body`
    if (e.statusCode === 400 && e.code?.startsWith("FST_ERR_CTP_")) {
      return reply.status(400).send(invalidInput([{ field: "body", path: ["body"], zh: "请求体不是有效的 JSON", en: e.message ?? "the body is not valid JSON" }]).toJSON());
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(new HttpError(e.statusCode, e.code ?? "bad-request", { zh: "请求无效", en: e.message ?? "bad request" }).toJSON());
    }
    req.log.error({ err }, "unhandled error");
    return reply.status(500).send(new HttpError(500, "internal", { zh: "服务器内部错误", en: "internal server error" }).toJSON());
  });
}
