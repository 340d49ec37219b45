/**
 * Errors are data, never exceptions: every problem found in a rulebook, dossier, sheet or disclosure is a
 * Problem with the path of the offending field and a message in Chinese and English, so a workbench can show
 * all of them at once and a script can match on the path.
 */
import type { z } from "zod";

export interface Message {
  zh: string;
  en: string;
}

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  message: Message;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: Problem[] };

export const msg = (zh: string, en: string): Message => ({ zh, en });

export const problem = (path: PathSegment[], zh: string, en: string): Problem => ({ path, message: { zh, en } });

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = <T = never>(errors: Problem[]): Result<T> => ({ ok: false, errors });

/** "a.b[2].c" for humans; the array form stays in the Problem for machines. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(root)" : out;
}

/**
 * zod's own messages are English only; our refinements put a JSON-encoded Message in `message`, the built-in
 * checks get a generic Chinese wording with zod's English detail kept.
 */
export function fromZod(error: z.ZodError, prefix: PathSegment[] = []): Problem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const decoded = decodeMessage(issue.message);
    if (decoded) return { path, message: decoded };
    return { path, message: { zh: zhFor(issue.code), en: issue.message } };
  });
}

/** Carries a bilingual message through zod's string-only `message` field. */
export function encodeMessage(m: Message): string {
  return JSON.stringify({ __bilingual: m });
}

function decodeMessage(text: string): Message | null {
  if (!text.startsWith('{"__bilingual"')) return null;
  try {
    const parsed = JSON.parse(text) as { __bilingual?: Message };
    return parsed.__bilingual ?? null;
  } catch {
    return null;
  }
}

function zhFor(code: string): string {
  switch (code) {
    case "invalid_type":
      return "类型错误或缺少字段";
    case "too_small":
      return "数值或长度过小";
    case "too_big":
      return "数值或长度过大";
    case "invalid_format":
      return "格式不正确";
    case "invalid_value":
      return "取值不在允许范围内";
    case "unrecognized_keys":
      return "包含未定义的字段";
    case "invalid_union":
      return "不符合任何允许的结构";
    default:
      return "输入无效";
  }
}

/** Turns any thrown value into a Problem so callers at the boundary never leak an unexplained exception. */
export function fromThrown(path: PathSegment[], err: unknown): Problem {
  const detail = err instanceof Error ? err.message : String(err);
  return problem(path, `内部错误：${detail}`, `internal error: ${detail}`);
}
