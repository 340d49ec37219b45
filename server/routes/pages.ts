/**
 * What every list of the workbench shares (issue #10): keyset pagination with an opaque cursor (base64url of the
 * last row's sort key; never OFFSET, so rows written between two pages neither repeat nor go missing), `limit`
 * (default 50, at most 200), a total that is cheap (counted on an index, up to TOTAL_CAP, first page only), and a
 * change token: an ETag from a per-table change counter (migration 8), the query and the caller, so a poll of an
 * unchanged list answers 304 after one row read.
 *
 * A page is `{ items, nextCursor, total?, totalCapped? }`: `nextCursor` null on the last page; `total` on the first
 * page (no cursor), capped at TOTAL_CAP with `totalCapped: true` beyond it.
 */
import { createHash, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Session } from "../auth";
import type { Db } from "../db";
import { bi } from "./inputs";

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
/** totals are counted up to this many rows (an index range, bounded), then reported as "at least" */
export const TOTAL_CAP = 10_000;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

const limitMessage = bi(`每页条数应为 1 到 ${PAGE_MAX} 的整数`, `limit must be an integer from 1 to ${PAGE_MAX}`);
export const Limit = z.coerce.number({ error: limitMessage }).int(limitMessage).min(1, limitMessage).max(PAGE_MAX, limitMessage).default(PAGE_DEFAULT);

/** `true`/`false` (or 1/0) in a query string */
export const Flag = z.enum(["true", "false", "1", "0"], { error: bi("应为 true 或 false", "must be true or false") }).transform((v) => v === "true" || v === "1");

/** one or several of `values`: `x=a,b` or `x=a&x=b` (each checked; `error`: the bilingual message for one that is not) */
export function listOf<const V extends readonly [string, ...string[]]>(values: V, error: string, max = 20) {
  return z
    .union([z.string(), z.array(z.string())], { error: bi("应为一个或多个取值（逗号分隔）", "one or several values, comma-separated") })
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
    .pipe(z.array(z.enum(values, { error })).min(1, bi("至少给出一个取值", "give at least one value")).max(max, bi(`最多 ${max} 个取值`, `at most ${max} values`)));
}

export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key), "utf8").toString("base64url");

/**
 * An opaque cursor decoded into the sort key it carries; `decode` checks its shape (null: not one of ours). A
 * malformed or foreign cursor is a 400 naming `querystring.cursor`.
 */
export function cursorOf<K>(decode: (parts: unknown[]) => K | null) {
  return z
    .string()
    .max(600, bi("翻页游标无效", "invalid cursor"))
    .transform((s, ctx): K => {
      let parts: unknown = null;
      try {
        if (/^[A-Za-z0-9_-]+$/.test(s)) parts = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
      } catch {
        parts = null;
      }
      const key = Array.isArray(parts) ? decode(parts) : null;
      if (key === null) {
        ctx.addIssue({ code: "custom", message: bi("翻页游标无效：请从第一页重新开始", "invalid cursor: start again from the first page"), input: s });
        return z.NEVER;
      }
      return key;
    });
}

/** a cursor part: an integer time (ms) or a text key */
export const isTime = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
export const isKey = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 200;

/**
 * A query-string schema: the shape's fields, and every other parameter refused by name (`querystring.x`), so a
 * misspelt filter (`?states=`) is an error rather than a list that silently ignores it.
 */
export function queryOf<S extends z.ZodRawShape>(shape: S) {
  return z
    .looseObject(shape)
    .superRefine((q, ctx) => {
      for (const k of Object.keys(q)) {
        if (!Object.hasOwn(shape, k)) ctx.addIssue({ code: "custom", path: [k], message: bi(`未知的查询参数，可用：${Object.keys(shape).join("、")}`, `unknown query parameter; known: ${Object.keys(shape).join(", ")}`) });
      }
    })
    .transform((q) => q as z.output<z.ZodObject<S>>);
}

/**
 * A page from rows read with LIMIT limit + 1: the extra row only says there is a next page; the cursor is the
 * sort key of the last row shown.
 */
export function pageOf<R, T>(rows: R[], limit: number, view: (r: R) => T, keyOf: (r: R) => readonly (string | number)[], total?: number): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
    ...(total === undefined ? {} : { total: Math.min(total, TOTAL_CAP), totalCapped: total > TOTAL_CAP }),
  };
}

// ---------------------------------------------------------------- change tokens

/** per database handle: a restarted (or restored) workbench never answers 304 to a token of another run */
const epochs = new WeakMap<Db, string>();

/**
 * The list's change token: the table's change counter (or another value that changes with every write the list
 * can see), the caller (a list is scoped by who asks) and the validated query (each page and filter its own).
 */
export function changeToken(db: Db, session: Session, version: number | string, query: unknown): string {
  let epoch = epochs.get(db);
  if (!epoch) epochs.set(db, (epoch = randomBytes(6).toString("base64url")));
  const who = `${session.address}:${session.operator ? 1 : 0}${session.assessor ? 1 : 0}`;
  const digest = createHash("sha256").update(JSON.stringify([who, query])).digest("base64url").slice(0, 16);
  return `W/"${epoch}.${version}.${digest}"`;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, "");

/**
 * Sets the ETag (and no-cache: the client revalidates every time); true when the caller's If-None-Match names it,
 * the reply then being a 304 without a body. Compute the token before reading the list: that is the saving.
 */
export function notModified(req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header("etag", etag);
  reply.header("cache-control", "private, no-cache");
  reply.header("vary", "authorization, cookie");
  const inm = req.headers["if-none-match"];
  if (!inm) return false;
  return inm.split(",").some((t) => t.trim() === "*" || opaque(t) === opaque(etag));
}
