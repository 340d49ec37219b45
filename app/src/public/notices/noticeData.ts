/**
 * What the notice page (公示) reads: the workbench's list of certificates in notice (GET /notices: public, no
 * sign-in) and, for each, the chain's own record, which is the judge — its status, the end of its notice
 * (validFrom), whether an objection is open, its body's name, and the result root a published disclosure must
 * prove itself against (scoring's verifyDisclosure, in this browser). A disclosure that does not verify is never
 * turned into a name on the screen.
 */
import type { Hex } from "viem";
import { z } from "zod";
import { verifyDisclosure } from "../../../../scoring/commit/verifyDisclosure";
import type { CertificateVerification } from "../../../../sdk/types";
import { AppError, type Bilingual } from "../../components/errors";
import { bodyNameFromMetadata } from "../../lib/format";
import type { Reader } from "../../lib/reads";

/** One certificate of the workbench's notice list; the disclosure is checked later, so any shape passes here. */
export const NoticeItem = z.object({
  tokenId: z.string().regex(/^[1-9][0-9]{0,19}$/),
  level: z.number().int().nullable(),
  objectionOpen: z.boolean(),
  /** a first certification's notice, or a re-evaluation's (a workbench from before renewals' notices says neither) */
  kind: z.enum(["issuance", "renewal", "reissue"]).default("issuance"),
  disclosure: z.unknown().nullable(),
});
export type NoticeItem = z.infer<typeof NoticeItem>;

export const NoticesAnswer = z.object({
  bodyId: z.number().int().min(1).max(255),
  items: z.array(NoticeItem).max(10_000),
});
export type NoticesAnswer = z.infer<typeof NoticesAnswer>;

/** The workbench's base URL from the app's config: the one helper of the app (kept under this name for Notices.tsx). */
export { workbenchUrl as apiBaseUrl } from "../../wallet/useWorkbenchApi";

/** The workbench's words for a refusal, from either error shape it (or the app's proxy) answers with. */
function refusalWords(status: number, json: unknown): Bilingual {
  const e = (json as { error?: unknown; message?: unknown } | null) ?? {};
  const err = typeof e.error === "object" && e.error !== null ? (e.error as { zh?: unknown; en?: unknown }) : null;
  const msg = typeof e.message === "object" && e.message !== null ? (e.message as { zh?: unknown; en?: unknown }) : null;
  const src = err ?? msg;
  return {
    zh: typeof src?.zh === "string" ? src.zh : `服务器返回 ${status}`,
    en: typeof src?.en === "string" ? src.en : `the server answered ${status}`,
  };
}

/**
 * GET /notices, with the workbench's clock (its Date header) as an offset from this device's, in seconds: an
 * objection's signing time is judged by the workbench's clock, not a phone's.
 */
export async function fetchNotices(base: string): Promise<{ answer: NoticesAnswer; clockOffset: number }> {
  let r: Response;
  try {
    r = await fetch(`${base}/notices`, { headers: { accept: "application/json" } });
  } catch {
    throw new AppError({ zh: `无法连接认定主体的工作台（${base}）`, en: `Cannot reach the certifying body's workbench (${base})` });
  }
  const text = await r.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!r.ok) throw new AppError(refusalWords(r.status, json));
  const parsed = NoticesAnswer.safeParse(json);
  if (!parsed.success) throw new AppError({ zh: "工作台返回的公示名单格式不正确", en: "The workbench's notice list is not in the expected shape" });
  const date = Date.parse(r.headers.get("date") ?? "");
  const clockOffset = Number.isFinite(date) ? Math.round((date - Date.now()) / 1000) : 0;
  return { answer: parsed.data, clockOffset };
}

/** What the page may say of the applicant: nothing (no consent), proven fields, or a disclosure that failed. */
export type Identity =
  | { kind: "none" }
  | { kind: "proven"; name: string | null; employer: string | null; level: number | null }
  | { kind: "unproven"; problems: Bilingual[] };

/** The published disclosure checked against the certificate's on-chain root: only name, employer and level are kept. */
export function identityOf(disclosure: unknown, root: Hex): Identity {
  if (disclosure === null || disclosure === undefined) return { kind: "none" };
  const r = verifyDisclosure(disclosure, root);
  if (!r.ok) return { kind: "unproven", problems: r.errors.map((p) => p.message) };
  const value = (n: string) => r.value.fields.find((f) => f.name === n)?.value;
  const name = value("name");
  const employer = value("employer.name");
  const level = value("level");
  return {
    kind: "proven",
    name: typeof name === "string" ? name : null,
    employer: typeof employer === "string" ? employer : null,
    level: typeof level === "number" ? level : null,
  };
}

export interface NoticeRow {
  item: NoticeItem;
  /** the chain's record; null when it could not be read */
  v: CertificateVerification | null;
  identity: Identity;
}

export interface NoticeBody {
  bodyId: number;
  name: string | null;
  rows: NoticeRow[];
}

/** Each listed certificate's on-chain record and its checked disclosure, grouped by the body that issued it. */
export async function readNoticeRows(reader: Reader, items: readonly NoticeItem[]): Promise<NoticeBody[]> {
  const rows = await Promise.all(
    items.map(async (item): Promise<NoticeRow> => {
      const v = await reader.verifyCertificate(BigInt(item.tokenId)).catch(() => null);
      const found = v && v.status !== "NotFound" ? v : null;
      // without the chain's root nothing can be proven: a disclosure is then shown as not proven
      const identity: Identity = found ? identityOf(item.disclosure, found.resultRoot) : item.disclosure ? { kind: "unproven", problems: [] } : { kind: "none" };
      return { item, v: found, identity };
    }),
  );
  const ids = [...new Set(rows.map((r) => r.v?.bodyId ?? 0))].sort((a, b) => a - b);
  return Promise.all(
    ids.map(async (bodyId): Promise<NoticeBody> => {
      const body = bodyId ? await reader.getBody(bodyId).catch(() => null) : null;
      return { bodyId, name: body ? bodyNameFromMetadata(body.metadataURI) : null, rows: rows.filter((r) => (r.v?.bodyId ?? 0) === bodyId) };
    }),
  );
}

/** Whole days from `now` to the notice's end, rounded up (0: it ends within the day or is over). */
export function daysLeft(validFrom: number, now: number): number {
  return Math.max(0, Math.ceil((validFrom - now) / 86_400));
}
