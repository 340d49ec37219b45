import type { Condition } from "../rulebook/schema";

/** Unknown facts cannot occur: parseRulebook rejects them, so a missing value is treated as 0 defensively. */
export function holds(c: Condition, facts: Record<string, number>): boolean {
  if ("fact" in c) {
    const v = facts[c.fact] ?? 0;
    switch (c.op) {
      case ">=": return v >= c.value;
      case ">": return v > c.value;
      case "<=": return v <= c.value;
      case "<": return v < c.value;
      case "==": return v === c.value;
      case "!=": return v !== c.value;
    }
  }
  if ("all" in c) return c.all.every((x) => holds(x, facts));
  return c.any.some((x) => holds(x, facts));
}
