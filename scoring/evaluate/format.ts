import type { Message } from "../errors";
import { FACTS, isFactName } from "../dossier/facts";
import type { Condition } from "../rulebook/schema";

/** Tenths as "85.0": integer arithmetic so the text is identical on every platform. */
export function pts(tenths: number): string {
  const sign = tenths < 0 ? "-" : "";
  const a = Math.abs(tenths);
  return `${sign}${Math.floor(a / 10)}.${a % 10}`;
}

/** Permille as "70.0%". */
export function pct(permille: number): string {
  return `${pts(permille)}%`;
}

const OP_TEXT = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠" } as const;

export function describeCondition(c: Condition, facts: Record<string, number>): Message {
  if ("fact" in c) {
    const name = isFactName(c.fact) ? FACTS[c.fact].name : { zh: c.fact, en: c.fact };
    const actual = facts[c.fact];
    return { zh: `${name.zh}（${actual}）${OP_TEXT[c.op]} ${c.value}`, en: `${name.en} (${actual}) ${OP_TEXT[c.op]} ${c.value}` };
  }
  const parts = ("all" in c ? c.all : c.any).map((x) => describeCondition(x, facts));
  const [zhJoin, enJoin] = "all" in c ? ["且", " and "] : ["或", " or "];
  return { zh: `（${parts.map((p) => p.zh).join(zhJoin)}）`, en: `(${parts.map((p) => p.en).join(enJoin)})` };
}
