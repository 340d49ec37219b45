/**
 * Every refusal is an HttpError with a stable code and a message in Chinese and English; input errors also list
 * each offending field with its path and reason, so a form can mark the field and a script can match on it.
 */
import type { z } from "zod";
import { fromZod, formatPath, type Message, type Problem } from "../scoring";

export interface FieldProblem {
  field: string;
  path: (string | number)[];
  zh: string;
  en: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Message,
    readonly problems: FieldProblem[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${text.en}`);
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        zh: this.text.zh,
        en: this.text.en,
        ...(this.problems.length ? { problems: this.problems } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

export const fieldProblems = (problems: readonly Problem[], prefix: (string | number)[] = []): FieldProblem[] =>
  problems.map((p) => {
    const path = [...prefix, ...p.path];
    return { field: formatPath(path), path, zh: p.message.zh, en: p.message.en };
  });

export const invalidInput = (problems: FieldProblem[]) =>
  new HttpError(400, "invalid-input", { zh: "输入无效", en: "invalid input" }, problems);

/** Parses untrusted input with a zod schema; refuses with every field's problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "params" | "query"): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalidInput(fieldProblems(fromZod(r.error), [where]));
}

export const unauthenticated = () =>
  new HttpError(401, "unauthenticated", { zh: "请先用以太坊账户登录", en: "sign in with Ethereum first" });

export const forbidden = (role: string) =>
  new HttpError(403, "forbidden", { zh: `此操作需要角色：${roleZh(role)}`, en: `this action needs the role: ${role}` });

/** Not found, and also what someone sees for a dossier that is not theirs: its existence is not disclosed. */
export const notFound = (what: string) => new HttpError(404, "not-found", { zh: `未找到：${what}`, en: `not found: ${what}` });

export const conflict = (code: string, text: Message, details?: Record<string, unknown>) => new HttpError(409, code, text, [], details);

export const unprocessable = (code: string, text: Message, problems: FieldProblem[] = [], details?: Record<string, unknown>) =>
  new HttpError(422, code, text, problems, details);

export const chainUnavailable = (detail: Message) => new HttpError(503, "chain-unavailable", detail);

function roleZh(role: string): string {
  return ({ operator: "认定主体操作员", assessor: "评审专家", applicant: "申报人" } as Record<string, string>)[role] ?? role;
}
