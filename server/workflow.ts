/**
 * The dossier workflow of the standard (申请 → 受理 → 认定 → 公示 → 发证, then 监督管理) as an explicit state
 * machine. The table below is the only place that says which command may move a dossier from which state to
 * which; the routes ask it before touching anything, and `transition` re-checks it inside the same SQLite
 * transaction that writes the new state and the audit entry, so a refused or interrupted command writes nothing.
 */
import type { Db } from "./db";
import { conflict } from "./errors";

export const STATES = [
  "submitted", // 申请: the applicant filed it
  "accepted", // 受理: the body accepted it for assessment
  "rejected", // 不予受理, with reasons (terminal)
  "assigned", // a panel is assigned; sheets are being collected
  "scored", // every panel member's signed sheet is in
  "evaluated", // evaluated and issuable: waiting for the body's approval to issue
  "not-certified", // evaluated: ineligible, vetoed or below every level (terminal)
  "flagged", // evaluated: the sheets diverge; re-review needed before anything else
  "queued", // approved; in the issuance outbox
  "in-notice", // issued on-chain, pending for the body's notice period (公示)
  "issued", // valid certificate
  "suspended", // 暂停 (reversible)
  "revoked", // 撤销 (terminal)
  "renewal-applied", // a re-evaluation whose result renewed an earlier certificate (terminal)
  "withdrawn", // 撤回: the applicant withdrew it before acceptance (terminal; its personal data is erased at once)
] as const;
export type State = (typeof STATES)[number];

/** worker: the issuance outbox; sync: the re-sync from chain state; public: anyone signed in (objections) */
export type Role = "operator" | "assessor" | "applicant" | "worker" | "sync" | "public";

export interface CommandRule {
  from: readonly State[];
  /** several targets when the outcome decides (evaluate, sheet) */
  to: readonly State[];
  role: Role;
}

export const COMMANDS = {
  accept: { from: ["submitted"], to: ["accepted"], role: "operator" },
  reject: { from: ["submitted"], to: ["rejected"], role: "operator" },
  /** the applicant takes the dossier back before acceptance */
  withdraw: { from: ["submitted"], to: ["withdrawn"], role: "applicant" },
  assign: { from: ["accepted"], to: ["assigned"], role: "operator" },
  /** one assessor's sheet; the last one moves the dossier to scored */
  sheet: { from: ["assigned"], to: ["assigned", "scored"], role: "assessor" },
  evaluate: { from: ["scored"], to: ["evaluated", "not-certified", "flagged"], role: "operator" },
  /** back to acceptance for a new panel round; the old sheets stay in the record */
  "re-review": { from: ["flagged"], to: ["accepted"], role: "operator" },
  approve: { from: ["evaluated"], to: ["queued"], role: "operator" },
  /** the worker saw the certificate mined */
  "issued-on-chain": { from: ["queued"], to: ["in-notice"], role: "worker" },
  /** the chain lost blocks that held the certificate (a node restored from an older state, a reorg) */
  "chain-rewound": { from: ["in-notice"], to: ["queued"], role: "worker" },
  "end-notice": { from: ["in-notice"], to: ["issued"], role: "operator" },
  suspend: { from: ["issued"], to: ["suspended"], role: "operator" },
  reinstate: { from: ["suspended"], to: ["issued"], role: "operator" },
  revoke: { from: ["in-notice", "issued", "suspended"], to: ["revoked"], role: "operator" },
  /** a valid certificate renewed with a new evaluation: same number, new root and validity */
  renew: { from: ["issued"], to: ["issued"], role: "operator" },
  /** the re-evaluation used for a renewal */
  "apply-renewal": { from: ["evaluated"], to: ["renewal-applied"], role: "operator" },
  /** moved to a new wallet (lost keys): same dossier, new number, with the new wallet's EIP-712 consent */
  reissue: { from: ["issued"], to: ["issued"], role: "operator" },
  /** 异议 during public notice: the certificate stays pending on-chain until the objection is resolved */
  // "issued" and "suspended": during a renewal's or a re-issue's own notice (server/renewal-notice.ts), which the
  // route checks on chain; the contract takes objections to a suspended certificate's new result too
  "file-objection": { from: ["in-notice", "issued", "suspended"], to: ["in-notice", "issued", "suspended"], role: "public" },
  /** upheld revokes the certificate; dismissed lets it become valid at the end of its notice (or stay suspended) */
  "resolve-objection": { from: ["in-notice", "issued", "suspended"], to: ["in-notice", "issued", "suspended", "revoked"], role: "operator" },
} as const satisfies Record<string, CommandRule>;

export type Command = keyof typeof COMMANDS;

export function isLegal(command: Command, from: State, to?: State): boolean {
  const rule: CommandRule = COMMANDS[command];
  return rule.from.includes(from) && (to === undefined || rule.to.includes(to));
}

const STATE_ZH: Record<State, string> = {
  submitted: "已申请",
  accepted: "已受理",
  rejected: "不予受理",
  assigned: "已分配评审组",
  scored: "已评分",
  evaluated: "已认定（可发证）",
  "not-certified": "不予认定",
  flagged: "评分分歧待复核",
  queued: "待上链发证",
  "in-notice": "公示中",
  issued: "已发证",
  suspended: "已暂停",
  revoked: "已撤销",
  "renewal-applied": "已用于换证",
  withdrawn: "已撤回",
};

/** 409 with the state, the command and what it would need. */
export function illegalTransition(command: Command, from: State) {
  const rule: CommandRule = COMMANDS[command];
  return conflict(
    "illegal-transition",
    {
      zh: `当前状态为「${STATE_ZH[from]}」，不能执行「${command}」（需要状态：${rule.from.map((s) => STATE_ZH[s]).join("、")}）`,
      en: `cannot ${command} a dossier in state "${from}" (needs: ${rule.from.join(", ")})`,
    },
    { state: from, command, allowedFrom: rule.from },
  );
}

export function assertLegal(command: Command, from: State): void {
  if (!isLegal(command, from)) throw illegalTransition(command, from);
}

export interface Actor {
  address: string;
  role: Role;
}

export function audit(db: Db, entry: { dossierId: string | null; actor: Actor; action: string; from?: State | null; to?: State | null; details?: unknown }): void {
  db.prepare(
    "INSERT INTO audit_log (dossier_id, actor, role, action, from_state, to_state, details_json, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(
    entry.dossierId,
    entry.actor.address,
    entry.actor.role,
    entry.action,
    entry.from ?? null,
    entry.to ?? null,
    entry.details === undefined ? null : JSON.stringify(entry.details),
    Date.now(),
  );
}

/**
 * Moves a dossier; must run inside the caller's transaction. Compares-and-sets on the state read by the caller,
 * so two concurrent commands on one dossier cannot both succeed.
 */
export function transition(db: Db, dossierId: string, command: Command, from: State, to: State, actor: Actor, details?: unknown, extra: Record<string, string | number | null> = {}): void {
  if (!db.inTransaction) throw new Error("transition() must run inside a transaction");
  if (!isLegal(command, from, to)) throw illegalTransition(command, from);
  const cols = Object.keys(extra);
  const sets = ["state = ?", "updated_at = ?", ...cols.map((c) => `${c} = ?`)].join(", ");
  const r = db.prepare(`UPDATE dossiers SET ${sets} WHERE id = ? AND state = ?`).run(to, Date.now(), ...cols.map((c) => extra[c] ?? null), dossierId, from);
  if (r.changes !== 1) {
    const row = db.prepare("SELECT state FROM dossiers WHERE id = ?").get(dossierId) as { state: State } | undefined;
    throw illegalTransition(command, row?.state ?? from);
  }
  audit(db, { dossierId, actor, action: command, from, to, details });
}
