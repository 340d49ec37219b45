/**
 * Lifecycle transactions (suspend, reinstate, revoke, renew, re-issue, objections, annual reviews) and the re-sync from chain
 * state. A route first writes an intent row, then sends the transaction, then records its effect and settles the
 * intent in one SQLite transaction. If the process dies between the mined transaction and that write, the
 * intent stays "pending": at the next start (and on `POST /sync`) `syncFromChain` asks the chain — the sdk's
 * verifyCertificate and certificateHistory — whether the call took effect, records it with the transaction found
 * in the certificate's events, or marks the intent "not-applied". It also follows changes made on-chain without
 * the workbench (the supervisor suspending or revoking, an objection filed straight to the contract, a review
 * recorded with a body key: a failed one as the review that suspended or revoked, a passed one from the count of
 * reviews passed), recording who acted (the event's `by`) and whether as the supervisor.
 *
 * Suspensions are two independent flags on-chain (the body's and the supervisor's, each lifted only by whoever set
 * it); the workbench's "suspended" means either. Its own calls are the body's: their effect is read from the body's
 * flag and the body's events, never from the supervisor's.
 *
 * Certificate numbers are the body's own (its id in the top byte): every number derived from a root here is
 * derived with the workbench's body id.
 */
import type { Hex } from "viem";
import { certificateNumberOf, type CertificateVerification, type CqoClient, type HistoryEntry, type ReviewResultName, type RevocationReasonName } from "../sdk";

/** A revocation's reason as recorded: what an operator gives, or what the chain shows (a failed review's too). */
type RecordedReason = Exclude<RevocationReasonName, "None" | "Reissued">;
import type { Db } from "./db";
import { sealed } from "./vault";
import { audit, isLegal, transition, type Actor, type Role, type State } from "./workflow";

/** `onChain`: a change the sync followed from the chain (not the workbench's call): whether the supervisor acted, the event's evidence hash */
interface Followed {
  onChain?: { bySupervisor: boolean; evidenceHash?: Hex };
}

export type IntentParams =
  | ({ command: "suspend"; evidence: string | null; note?: string } & Followed)
  | ({ command: "reinstate"; note?: string } & Followed)
  | ({ command: "revoke"; reason: RecordedReason; evidence: string | null; note?: string } & Followed)
  | { command: "renew"; renewalDossierId: string; root: Hex; validUntil: number; rulebookId: number; credential: unknown; note?: string }
  | { command: "reissue"; root: Hex; note?: string }
  | { command: "file-objection"; objectionId: number }
  | ({ command: "resolve-objection"; objectionId: number; upheld: boolean; reason: RecordedReason | null; evidence: string | null; note?: string } & Followed)
  /** 年审: `dueAt` the review date it is for (nextReviewDue when sent); `evidence` the 0x bytes32 sent */
  | ({ command: "review"; result: ReviewResultName; evidence: Hex; dueAt: number; note?: string } & Followed);

export type LifecycleCommand = IntentParams["command"];

export interface Intent {
  id: number;
  dossierId: string;
  tokenId: string;
  actor: Actor;
  params: IntentParams;
}

interface IntentRow {
  id: number;
  dossier_id: string;
  command: string;
  token_id: string;
  params_json: string;
  actor: string;
  actor_role: Role;
  status: string;
  created_at: number;
}

export interface ObjectionRow {
  id: number;
  dossier_id: string;
  token_id: string;
  filer: string;
  statement: string;
  evidence: string | null;
  evidence_hash: Hex;
  status: "filing" | "filed" | "upheld" | "dismissed" | "not-filed";
  filed_tx: Hex | null;
  resolution_json: string | null;
  resolved_by: string | null;
  resolved_tx: Hex | null;
  created_at: number;
  resolved_at: number | null;
  /** the filer's EIP-712 signature of the statement (migration 7); null for rows filed before, or straight to the contract */
  signature: Hex | null;
  /** the signed ObjectionStatement typed data {domain, primaryType, message} as JSON; its digest is evidence_hash */
  signed_json: string | null;
}

export interface ReissueRow {
  root: Hex;
  dossier_id: string;
  token_id: string;
  new_holder: string;
  deadline: number;
  credential_json: string;
  source_dossier_id: string;
  status: "prepared" | "requested" | "executed" | "cancelled";
  signature: Hex | null;
  requested_by: string;
  created_at: number;
  requested_at: number | null;
  executed_at: number | null;
  tx_hash: Hex | null;
}

export function openIntent(db: Db, dossierId: string, tokenId: string, actor: Actor, params: IntentParams): Intent {
  // the parameters (a renewal's credential: values and salts) are sealed at rest under the row's own id
  const id = db.transaction(() => {
    const r = db
      .prepare("INSERT INTO chain_intents (dossier_id, command, token_id, params_json, actor, actor_role, status, created_at) VALUES (?, ?, ?, '', ?, ?, 'pending', ?)")
      .run(dossierId, params.command, tokenId, actor.address, actor.role, Date.now());
    const id = Number(r.lastInsertRowid);
    db.prepare("UPDATE chain_intents SET params_json = ? WHERE id = ?").run(sealed(db, "chain_intents", "params_json", id, JSON.stringify(params)), id);
    return id;
  })();
  return { id, dossierId, tokenId, actor, params };
}

export function settleIntent(db: Db, id: number, status: "done" | "refused" | "not-applied"): void {
  db.prepare("UPDATE chain_intents SET status = ?, settled_at = ? WHERE id = ? AND status = 'pending'").run(status, Date.now(), id);
}

export function pendingIntents(db: Db): Intent[] {
  return (db.prepare("SELECT * FROM chain_intents WHERE status = 'pending' ORDER BY id").all() as IntentRow[]).map((r) => ({
    id: r.id,
    dossierId: r.dossier_id,
    tokenId: r.token_id,
    actor: { address: r.actor, role: r.actor_role },
    params: JSON.parse(r.params_json) as IntentParams,
  }));
}

const stateOf = (db: Db, id: string): State => {
  const row = db.prepare("SELECT state FROM dossiers WHERE id = ?").get(id) as { state: State } | undefined;
  if (!row) throw new Error(`dossier ${id} vanished`);
  return row.state;
};

/**
 * Records a mined lifecycle transaction: the dossier's move, its audit entry and the command's rows. Runs inside
 * the caller's SQLite transaction; `via` says whether the route saw the receipt or the sync found it on-chain.
 */
export function applyIntent(db: Db, intent: Intent, txHash: Hex | null, via: "call" | "sync", bodyId: number): void {
  if (!db.inTransaction) throw new Error("applyIntent() must run inside a transaction");
  const p = intent.params;
  const id = intent.dossierId;
  const from = stateOf(db, id);
  const now = Date.now();
  const synced = via === "sync" ? { resyncedFromChain: true } : {};
  const followed = (f: Followed) => (f.onChain ? { bySupervisor: f.onChain.bySupervisor, ...(f.onChain.evidenceHash ? { evidenceHash: f.onChain.evidenceHash } : {}) } : {});
  switch (p.command) {
    case "suspend":
      transition(db, id, "suspend", from, "suspended", intent.actor, { txHash, evidence: p.evidence, note: p.note, ...followed(p), ...synced });
      break;
    case "reinstate":
      transition(db, id, "reinstate", from, "issued", intent.actor, { txHash, note: p.note, ...followed(p), ...synced });
      break;
    case "revoke":
      transition(db, id, "revoke", from, "revoked", intent.actor, { txHash, reason: p.reason, evidence: p.evidence, note: p.note, ...followed(p), ...synced });
      break;
    case "renew": {
      db.prepare("INSERT INTO credentials (root, dossier_id, purpose, credential_json, created_at, source_dossier_id) VALUES (?, ?, 'renewal', ?, ?, ?)").run(
        p.root,
        id,
        sealed(db, "credentials", "credential_json", p.root, JSON.stringify(p.credential)),
        now,
        p.renewalDossierId,
      );
      transition(db, id, "renew", from, "issued", intent.actor, { txHash, renewalDossierId: p.renewalDossierId, root: p.root, validUntil: p.validUntil, note: p.note, ...synced });
      transition(db, p.renewalDossierId, "apply-renewal", stateOf(db, p.renewalDossierId), "renewal-applied", intent.actor, { txHash, renewed: id, tokenId: intent.tokenId, ...synced });
      break;
    }
    case "reissue": {
      const row = db.prepare("SELECT * FROM reissues WHERE root = ?").get(p.root) as ReissueRow | undefined;
      if (!row) throw new Error(`no re-issue ${p.root}`);
      const newTokenId = certificateNumberOf(bodyId, p.root).toString();
      db.prepare("INSERT INTO credentials (root, dossier_id, purpose, credential_json, created_at, source_dossier_id) VALUES (?, ?, 'reissue', ?, ?, ?)").run(
        row.root,
        id,
        sealed(db, "credentials", "credential_json", row.root, row.credential_json),
        now,
        row.source_dossier_id,
      );
      db.prepare("UPDATE reissues SET status = 'executed', executed_at = ?, tx_hash = ? WHERE root = ?").run(now, txHash, row.root);
      transition(
        db,
        id,
        "reissue",
        from,
        "issued",
        intent.actor,
        { txHash, previousTokenId: intent.tokenId, tokenId: newTokenId, newHolder: row.new_holder, root: row.root, note: p.note, ...synced },
        { token_id: newTokenId, holder: row.new_holder },
      );
      break;
    }
    case "file-objection": {
      db.prepare("UPDATE objections SET status = 'filed', filed_tx = ? WHERE id = ?").run(txHash, p.objectionId);
      transition(db, id, "file-objection", from, from, intent.actor, { objectionId: p.objectionId, txHash, ...synced });
      break;
    }
    case "resolve-objection": {
      const resolution = { upheld: p.upheld, reason: p.reason, evidence: p.evidence, note: p.note };
      db.prepare("UPDATE objections SET status = ?, resolution_json = ?, resolved_by = ?, resolved_tx = ?, resolved_at = ? WHERE id = ?").run(
        p.upheld ? "upheld" : "dismissed",
        JSON.stringify(resolution),
        intent.actor.address,
        txHash,
        now,
        p.objectionId,
      );
      transition(db, id, "resolve-objection", from, p.upheld ? "revoked" : from, intent.actor, { objectionId: p.objectionId, txHash, ...resolution, ...followed(p), ...synced });
      break;
    }
    case "review": {
      // a failed review moves the dossier as the contract moved the certificate (suspended by the body, or
      // revoked as FailedReview); a passed one, or a failed one of a certificate suspended already, is audited
      const details = { txHash, result: p.result, evidence: p.evidence, dueAt: p.dueAt, note: p.note, ...followed(p), ...synced };
      if (p.result === "FailedSuspended" && from === "issued") transition(db, id, "suspend", from, "suspended", intent.actor, { ...details, annualReview: "failed" });
      else if (p.result === "FailedRevoked" && from !== "revoked") transition(db, id, "revoke", from, "revoked", intent.actor, { ...details, reason: "FailedReview", annualReview: "failed" });
      else audit(db, { dossierId: id, actor: intent.actor, action: "annual-review", details });
      break;
    }
  }
  settleIntent(db, intent.id, "done");
}

const last = <K extends HistoryEntry["kind"]>(history: HistoryEntry[], kind: K, where: (e: Extract<HistoryEntry, { kind: K }>) => boolean = () => true) =>
  [...history].reverse().find((e): e is Extract<HistoryEntry, { kind: K }> => e.kind === kind && where(e as Extract<HistoryEntry, { kind: K }>));

/** The transactions the audit log of a dossier records already (so a re-sync never records one twice). */
const recordedTxs = (db: Db, dossierId: string): Set<string> =>
  new Set(
    (db.prepare("SELECT json_extract(details_json, '$.txHash') AS tx FROM audit_log WHERE dossier_id = ? AND json_valid(details_json) AND json_extract(details_json, '$.txHash') IS NOT NULL").all(dossierId) as { tx: unknown }[])
      .filter((r): r is { tx: string } => typeof r.tx === "string")
      .map((r) => r.tx.toLowerCase()),
  );

/** The body's own latest suspension or reinstatement (the supervisor's flag is the supervisor's). */
const lastOfBody = (history: HistoryEntry[]) =>
  [...history].reverse().find((e): e is Extract<HistoryEntry, { kind: "suspended" | "reinstated" }> => (e.kind === "suspended" || e.kind === "reinstated") && e.bySupervisor !== true);

/** Whether the chain shows the intent's effect, and the transaction that had it. */
export function effectOnChain(db: Db, intent: Intent, v: CertificateVerification, history: HistoryEntry[], bodyId: number): { applied: boolean; txHash: Hex | null } {
  const p = intent.params;
  const found = (e: HistoryEntry | undefined, applied: boolean) => ({ applied, txHash: applied ? (e?.txHash ?? null) : null });
  const recorded = (column: "filed_tx" | "resolved_tx") =>
    new Set((db.prepare(`SELECT ${column} AS tx FROM objections WHERE token_id = ? AND ${column} IS NOT NULL`).all(intent.tokenId) as { tx: string }[]).map((r) => r.tx.toLowerCase()));
  switch (p.command) {
    case "suspend": {
      const e = lastOfBody(history);
      return found(e, v.suspendedByBody && e?.kind === "suspended");
    }
    case "reinstate": {
      const e = lastOfBody(history);
      return found(e, !v.suspendedByBody && v.revocationReason === null && e?.kind === "reinstated");
    }
    case "revoke":
      return found(last(history, "revoked"), v.status === "Revoked" && v.revocationReason === p.reason);
    case "renew":
      return found(last(history, "renewed", (e) => e.resultRoot.toLowerCase() === p.root.toLowerCase()), v.resultRoot.toLowerCase() === p.root.toLowerCase());
    case "reissue":
      return found(last(history, "reissued-to"), v.successor !== null && v.successor === certificateNumberOf(bodyId, p.root));
    case "file-objection": {
      const o = db.prepare("SELECT * FROM objections WHERE id = ?").get(p.objectionId) as ObjectionRow | undefined;
      const seen = recorded("filed_tx");
      const e = last(history, "objection-filed", (x) => x.evidenceHash.toLowerCase() === o?.evidence_hash.toLowerCase() && !seen.has(x.txHash.toLowerCase()));
      return found(e, e !== undefined);
    }
    case "resolve-objection": {
      const seen = recorded("resolved_tx");
      const e = last(history, "objection-resolved", (x) => x.upheld === p.upheld && !seen.has(x.txHash.toLowerCase()));
      return found(e, e !== undefined);
    }
    case "review": {
      // the review's event, not one recorded already; a passed one moved the next review date past the one it was for
      const seen = recordedTxs(db, intent.dossierId);
      const e = last(history, "reviewed", (x) => x.result === p.result && x.evidenceHash.toLowerCase() === p.evidence.toLowerCase() && !seen.has(x.txHash.toLowerCase()));
      const applied = e !== undefined && (p.result !== "Passed" || v.nextReviewDue === 0 || v.nextReviewDue > p.dueAt);
      return found(e, applied);
    }
  }
}

export interface SyncReport {
  /** pending intents found on-chain and recorded */
  recorded: number;
  /** pending intents the chain does not show: settled as not applied */
  notApplied: number;
  /** changes made on-chain outside the workbench, now recorded */
  followed: number;
  /** differences the workbench cannot record (audited as chain-drift) */
  unresolved: number;
}

interface TokenDossier {
  id: string;
  state: State;
  token_id: string;
}

/**
 * Brings the database up to the chain: first the pending intents (a crash between a mined transaction and its
 * record), then every dossier whose certificate the chain shows in another state.
 */
export async function syncFromChain(db: Db, chain: CqoClient, actor: Actor, bodyId: number, log?: (msg: string, data?: Record<string, unknown>) => void): Promise<SyncReport> {
  const report: SyncReport = { recorded: 0, notApplied: 0, followed: 0, unresolved: 0 };
  await settleIntents(db, chain, actor, bodyId, pendingIntents(db), report, log);

  const rows = db.prepare("SELECT id, state, token_id FROM dossiers WHERE token_id IS NOT NULL AND state IN ('in-notice', 'issued', 'suspended')").all() as TokenDossier[];
  for (let i = 0; i < rows.length; i += 32) {
    const slice = rows.slice(i, i + 32);
    const views = await Promise.all(slice.map((r) => chain.verifyCertificate(r.token_id)));
    for (const [k, row] of slice.entries()) {
      const r = await follow(db, chain, actor, bodyId, row, views[k]!);
      if (r === "followed") report.followed++;
      if (r === "unresolved") report.unresolved++;
      report.followed += await followPassedReviews(db, chain, actor, bodyId, row, views[k]!);
    }
  }
  if (report.recorded + report.notApplied + report.followed + report.unresolved > 0) log?.("re-synced from chain state", { ...report });
  return report;
}

/** Settles pending intents from chain state: recorded when the chain shows their effect, else not applied. */
export async function settleIntents(
  db: Db,
  chain: CqoClient,
  actor: Actor,
  bodyId: number,
  intents: Intent[],
  report: SyncReport = { recorded: 0, notApplied: 0, followed: 0, unresolved: 0 },
  log?: (msg: string, data?: Record<string, unknown>) => void,
): Promise<SyncReport> {
  for (const intent of intents) {
    const [v, history] = await Promise.all([chain.verifyCertificate(intent.tokenId), chain.certificateHistory(intent.tokenId)]);
    const effect = effectOnChain(db, intent, v, history, bodyId);
    if (effect.applied) {
      try {
        db.transaction(() => applyIntent(db, intent, effect.txHash, "sync", bodyId))();
        report.recorded++;
        log?.("lifecycle call found on-chain and recorded", { intent: intent.id, command: intent.params.command, txHash: effect.txHash });
      } catch (err) {
        report.unresolved++;
        db.transaction(() => {
          settleIntent(db, intent.id, "not-applied");
          audit(db, { dossierId: intent.dossierId, actor, action: "chain-drift", details: { intent: intent.id, command: intent.params.command, error: (err as Error).message } });
        })();
      }
    } else {
      db.transaction(() => {
        settleIntent(db, intent.id, "not-applied");
        if (intent.params.command === "file-objection") db.prepare("UPDATE objections SET status = 'not-filed' WHERE id = ? AND status = 'filing'").run(intent.params.objectionId);
        audit(db, { dossierId: intent.dossierId, actor, action: "lifecycle-not-applied", details: { intent: intent.id, command: intent.params.command } });
      })();
      report.notApplied++;
    }
  }
  return report;
}

/** Who acted on-chain, as a followed change records it. */
function onChainOf(e: HistoryEntry | undefined): Followed["onChain"] {
  if (!e) return undefined;
  const evidenceHash = "evidenceHash" in e ? e.evidenceHash : undefined;
  return { bySupervisor: e.bySupervisor === true, ...(evidenceHash ? { evidenceHash } : {}) };
}

/** The failed review (年审) whose transaction also suspended or revoked the certificate, if that is what did it. */
const reviewOf = (history: HistoryEntry[], e: HistoryEntry | undefined, result: Exclude<ReviewResultName, "Passed">) =>
  e === undefined ? undefined : last(history, "reviewed", (x) => x.result === result && x.txHash.toLowerCase() === e.txHash.toLowerCase());

/**
 * Passed reviews recorded on-chain without the workbench (a body key used directly): they move no state, so the
 * certificate's count of reviews passed since its current result says whether the audit log misses some. Those
 * are recorded from their events, each with the review date it was for (its next date less the rulebook's
 * interval; 0 when the event names none). Returns how many were recorded.
 */
async function followPassedReviews(db: Db, chain: CqoClient, actor: Actor, bodyId: number, row: TokenDossier, v: CertificateVerification): Promise<number> {
  if (v.status === "NotFound" || v.status === "Revoked" || v.reviewsPassed === 0) return 0;
  // the count restarts with each new result (a renewal) and each new certificate (a re-issue)
  const since = (db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log WHERE dossier_id = ? AND action IN ('renew', 'reissue')").get(row.id) as { id: number }).id;
  const recorded = (
    db
      .prepare("SELECT COUNT(*) AS n FROM audit_log WHERE dossier_id = ? AND id > ? AND action = 'annual-review' AND json_valid(details_json) AND json_extract(details_json, '$.result') = 'Passed'")
      .get(row.id, since) as { n: number }
  ).n;
  if (recorded >= v.reviewsPassed) return 0;
  const history = await chain.certificateHistory(row.token_id);
  const seen = recordedTxs(db, row.id);
  const missing = history.filter((e): e is Extract<HistoryEntry, { kind: "reviewed" }> => e.kind === "reviewed" && e.result === "Passed" && !seen.has(e.txHash.toLowerCase())).slice(-(v.reviewsPassed - recorded));
  if (!missing.length) return 0;
  const interval = (await chain.getRulebook(v.rulebookId))?.reviewInterval ?? 0;
  db.transaction(() => {
    for (const e of missing) {
      const params: IntentParams = { command: "review", result: "Passed", evidence: e.evidenceHash, dueAt: e.nextReviewDue > 0 && interval > 0 ? e.nextReviewDue - interval : 0, onChain: onChainOf(e) };
      applyIntent(db, openIntent(db, row.id, row.token_id, { address: e.actor, role: "sync" }, params), e.txHash, "sync", bodyId);
    }
  })();
  return missing.length;
}

/** One dossier against its certificate's on-chain view. */
async function follow(db: Db, chain: CqoClient, actor: Actor, bodyId: number, row: TokenDossier, v: CertificateVerification): Promise<"same" | "followed" | "unresolved"> {
  if (v.status === "NotFound") return "same"; // a node that lost blocks: the outbox's rewind check owns this
  const openObjection = db.prepare("SELECT * FROM objections WHERE token_id = ? AND status IN ('filing', 'filed') ORDER BY id DESC LIMIT 1").get(row.token_id) as ObjectionRow | undefined;
  const revoked = v.status === "Revoked";
  const suspended = v.status === "Suspended";
  const objectionChanged = (v.underObjection && !openObjection) || (!v.underObjection && openObjection !== undefined);
  const stateDiffers =
    (revoked && row.state !== "revoked") || (suspended && row.state === "issued") || (!suspended && !revoked && row.state === "suspended") || objectionChanged;
  if (!stateDiffers) return "same";
  const history = await chain.certificateHistory(row.token_id);
  const sys = (address?: string): Actor => ({ address: address ?? actor.address, role: "sync" });
  const apply = (params: IntentParams, tx: HistoryEntry | undefined, who?: string) =>
    db.transaction(() => {
      const intent = openIntent(db, row.id, row.token_id, sys(who ?? tx?.actor), params);
      applyIntent(db, intent, tx?.txHash ?? null, "sync", bodyId);
    })();

  try {
    // an objection filed straight to the contract, during a first notice or a renewal's (the dossier then issued)
    if ((row.state === "in-notice" || row.state === "issued") && v.underObjection && !openObjection) {
      const e = last(history, "objection-filed");
      db.transaction(() => {
        const o = db
          .prepare("INSERT INTO objections (dossier_id, token_id, filer, statement, evidence, evidence_hash, status, created_at) VALUES (?, ?, ?, ?, NULL, ?, 'filing', ?)")
          .run(row.id, row.token_id, e?.actor ?? "unknown", "filed on-chain, not through the workbench", e?.kind === "objection-filed" ? e.evidenceHash : `0x${"0".repeat(64)}`, Date.now());
        const intent = openIntent(db, row.id, row.token_id, { address: e?.actor ?? "unknown", role: "public" }, { command: "file-objection", objectionId: Number(o.lastInsertRowid) });
        applyIntent(db, intent, e?.txHash ?? null, "sync", bodyId);
      })();
      return "followed";
    }
    if (openObjection?.status === "filed" && !v.underObjection) {
      const e = last(history, "objection-resolved");
      if (e && (row.state === "in-notice" || row.state === "issued")) {
        const reason = v.revocationReason && v.revocationReason !== "None" && v.revocationReason !== "Reissued" ? v.revocationReason : null;
        apply({ command: "resolve-objection", objectionId: openObjection.id, upheld: e.upheld, reason, evidence: null, onChain: onChainOf(e) }, e);
        return "followed";
      }
    }
    if (revoked && row.state !== "revoked") {
      if (v.revocationReason === "Reissued" && v.successor !== null) {
        const pending = (db.prepare("SELECT * FROM reissues WHERE dossier_id = ? AND status = 'requested'").all(row.id) as ReissueRow[]).find(
          (r) => certificateNumberOf(bodyId, r.root) === v.successor,
        );
        if (pending && isLegal("reissue", row.state)) {
          apply({ command: "reissue", root: pending.root }, last(history, "reissued-to"));
          return "followed";
        }
      } else if (v.revocationReason && v.revocationReason !== "None" && v.revocationReason !== "Reissued" && isLegal("revoke", row.state)) {
        const e = last(history, "revoked");
        const review = reviewOf(history, e, "FailedRevoked");
        if (review) apply({ command: "review", result: review.result, evidence: review.evidenceHash, dueAt: 0, onChain: onChainOf(review) }, review);
        else apply({ command: "revoke", reason: v.revocationReason, evidence: null, onChain: onChainOf(e) }, e);
        return "followed";
      }
    } else if (suspended && row.state === "issued") {
      // whoever set a flag that is still set (the supervisor's or the body's, straight from a key)
      const e = last(history, "suspended", (x) => (x.bySupervisor === true ? v.suspendedBySupervisor : v.suspendedByBody));
      const review = reviewOf(history, e, "FailedSuspended");
      // a failed review's event carries the review date it was for
      if (review) apply({ command: "review", result: review.result, evidence: review.evidenceHash, dueAt: review.nextReviewDue, onChain: onChainOf(review) }, review);
      else apply({ command: "suspend", evidence: null, onChain: onChainOf(e) }, e);
      return "followed";
    } else if (!suspended && !revoked && row.state === "suspended") {
      const e = last(history, "reinstated");
      apply({ command: "reinstate", onChain: onChainOf(e) }, e);
      return "followed";
    }
  } catch (err) {
    audit(db, { dossierId: row.id, actor, action: "chain-drift", details: { chain: v.status, db: row.state, error: (err as Error).message } });
    return "unresolved";
  }
  audit(db, { dossierId: row.id, actor, action: "chain-drift", details: { chain: v.status, reason: v.revocationReason, underObjection: v.underObjection, db: row.state } });
  return "unresolved";
}
