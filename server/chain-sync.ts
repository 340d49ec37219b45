/**
 * The re-sync from chain state (server/lifecycle.ts writes the intents it settles). If the process dies between a
 * mined lifecycle transaction and its record, the intent stays "pending": at the next start (and on `POST /sync`)
 * `syncFromChain` asks the chain — the sdk's verifyCertificate and certificateHistory — whether the call took
 * effect, records it with the transaction found in the certificate's events, or marks the intent "not-applied". It
 * also follows changes made on-chain without the workbench (the supervisor suspending or revoking, an objection
 * filed straight to the contract — during a first notice or a renewal's —, a review recorded with a body key: a
 * failed one as the review that suspended or revoked, a passed one from the count of reviews passed), recording who
 * acted (the event's `by`) and whether as the supervisor.
 *
 * Suspensions are two independent flags on-chain (the body's and the supervisor's, each lifted only by whoever set
 * it); the workbench's "suspended" means either. Its own calls are the body's: their effect is read from the body's
 * flag and the body's events, never from the supervisor's.
 */

import type { Hex } from "viem";
import { certificateNumberOf, type CertificateVerification, type CqoClient, type HistoryEntry, type ReviewResultName } from "../sdk";
import type { Db } from "./db";
import { latestCredential } from "./store/dossiers";
import { applyIntent, openIntent, pendingIntents, settleIntent, type Followed, type Intent, type IntentParams, type MinedFacts, type ObjectionRow, type ReissueRow } from "./lifecycle";
import { reissueFacts } from "./renewal-notice";
import { audit, isLegal, transition, type Actor, type State } from "./workflow";

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
export function effectOnChain(db: Db, intent: Intent, v: CertificateVerification, history: HistoryEntry[], bodyId: number): { applied: boolean; txHash: Hex | null; mined?: MinedFacts } {
  const p = intent.params;
  const found = (e: HistoryEntry | undefined, applied: boolean) => ({ applied, txHash: applied ? (e?.txHash ?? null) : null, ...(applied && e?.kind === "renewed" ? { mined: { validFrom: e.validFrom } } : {}) });
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
 *
 * `busy` is the set of dossiers a lifecycle call holds (ctx.inFlight): their pending intent is that call's, not a
 * crash's leftover, so they are skipped, and each dossier the sync works on is held in it meanwhile (a call
 * started then answers 409 dossier-busy instead of racing the sync to the same record).
 */
export async function syncFromChain(db: Db, chain: CqoClient, actor: Actor, bodyId: number, log?: (msg: string, data?: Record<string, unknown>) => void, busy: Set<string> = new Set()): Promise<SyncReport> {
  const report: SyncReport = { recorded: 0, notApplied: 0, followed: 0, unresolved: 0 };
  const held = [...new Set(pendingIntents(db).map((i) => i.dossierId))].filter((id) => !busy.has(id));
  for (const id of held) busy.add(id);
  try {
    await settleIntents(db, chain, actor, bodyId, pendingIntents(db).filter((i) => held.includes(i.dossierId)), report, log);
  } finally {
    for (const id of held) busy.delete(id);
  }

  const rows = db.prepare("SELECT id, state, token_id FROM dossiers WHERE token_id IS NOT NULL AND state IN ('in-notice', 'issued', 'suspended')").all() as TokenDossier[];
  for (let i = 0; i < rows.length; i += 32) {
    const slice = rows.slice(i, i + 32).filter((r) => !busy.has(r.id));
    const views = await Promise.all(slice.map((r) => chain.verifyCertificate(r.token_id)));
    for (const [k, row] of slice.entries()) {
      if (busy.has(row.id)) continue;
      busy.add(row.id);
      try {
        const v = views[k]!;
        // the dossier as it is now (a call may have moved it since the list was read); another number since: next time
        const fresh = currentRow(db, row);
        if (fresh.token_id !== row.token_id) continue;
        const r = await follow(db, chain, actor, bodyId, fresh, v);
        if (r === "followed") report.followed++;
        if (r === "unresolved") report.unresolved++;
        // the dossier as follow left it (the steps below record, they do not move it)
        const followed = currentRow(db, row);
        report.followed += await followPassedReviews(db, chain, actor, bodyId, followed, v);
        report.followed += await followRenewal(db, chain, followed, v);
        report.followed += fillReissueNoticeEnd(db, actor, followed, v);
      } catch (err) {
        report.unresolved++;
        log?.("re-sync of a dossier failed", { dossier: row.id, error: (err as Error).message });
      } finally {
        busy.delete(row.id);
      }
    }
  }
  if (report.recorded + report.notApplied + report.followed + report.unresolved > 0) log?.("re-synced from chain state", { ...report });
  return report;
}

/**
 * Whether the body's signing key has transactions the chain has not mined yet (its pending nonce ahead of its mined
 * one): an intent whose effect is not on chain may then still be mined (a call whose wait for the receipt failed
 * when the RPC stopped answering), so it is left pending rather than settled as not applied. A node that cannot
 * say (no `pending` tag) answers false, and the intent is settled as before.
 */
async function keyHasUnminedTransactions(chain: CqoClient): Promise<boolean> {
  const address = chain.walletClient?.account?.address;
  if (!address) return false;
  try {
    const [pending, mined] = await Promise.all([
      chain.publicClient.getTransactionCount({ address, blockTag: "pending" }),
      chain.publicClient.getTransactionCount({ address, blockTag: "latest" }),
    ]);
    return pending > mined;
  } catch {
    return false;
  }
}

/**
 * Settles pending intents from chain state: recorded when the chain shows their effect, else not applied — unless
 * the body's key has transactions not mined yet, which may be the intent's: then it stays pending for a later pass.
 */
export async function settleIntents(
  db: Db,
  chain: CqoClient,
  actor: Actor,
  bodyId: number,
  intents: Intent[],
  report: SyncReport = { recorded: 0, notApplied: 0, followed: 0, unresolved: 0 },
  log?: (msg: string, data?: Record<string, unknown>) => void,
): Promise<SyncReport> {
  let unmined: Promise<boolean> | undefined;
  for (const intent of intents) {
    const [v, history] = await Promise.all([chain.verifyCertificate(intent.tokenId), chain.certificateHistory(intent.tokenId)]);
    const effect = effectOnChain(db, intent, v, history, bodyId);
    if (effect.applied) {
      // a re-issue's notice end is the new number's, which only its view says
      const mined = intent.params.command === "reissue" && v.successor !== null ? await reissueFacts(chain, v.successor) : effect.mined;
      try {
        db.transaction(() => applyIntent(db, intent, effect.txHash, "sync", bodyId, mined))();
        report.recorded++;
        log?.("lifecycle call found on-chain and recorded", { intent: intent.id, command: intent.params.command, txHash: effect.txHash });
      } catch (err) {
        report.unresolved++;
        db.transaction(() => {
          settleIntent(db, intent.id, "not-applied");
          if (intent.params.command === "file-objection") db.prepare("UPDATE objections SET status = 'not-filed' WHERE id = ? AND status = 'filing'").run(intent.params.objectionId);
          audit(db, { dossierId: intent.dossierId, actor, action: "chain-drift", details: { intent: intent.id, command: intent.params.command, error: (err as Error).message } });
        })();
      }
    } else if (await (unmined ??= keyHasUnminedTransactions(chain))) {
      report.unresolved++;
      log?.("lifecycle call not on chain yet while the body's key has transactions not mined: left pending", { intent: intent.id, command: intent.params.command });
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

/**
 * A renewal made on-chain without the workbench (a body key used directly): the certificate's result root is one
 * the workbench holds no credential of and no renewal recorded. It is recorded from its CertificateRenewed event,
 * with its notice's end, so GET /notices lists its notice (the number only: the workbench has no credential of it
 * to disclose, nor a consent to do so) and POST /objections takes objections during it. Returns 1 when recorded.
 */
async function followRenewal(db: Db, chain: CqoClient, row: TokenDossier, v: CertificateVerification): Promise<number> {
  if ((row.state !== "issued" && row.state !== "suspended") || row.token_id !== v.tokenId.toString() || v.status === "NotFound" || v.status === "Revoked") return 0;
  const root = v.resultRoot.toLowerCase();
  if (latestCredential(db, row.id)?.root.toLowerCase() === root) return 0;
  const renewals = db.prepare("SELECT json_extract(details_json, '$.root') AS root FROM audit_log WHERE dossier_id = ? AND action = 'renew' AND json_valid(details_json)").all(row.id) as { root: unknown }[];
  if (renewals.some((r) => typeof r.root === "string" && r.root.toLowerCase() === root)) return 0;
  const history = await chain.certificateHistory(row.token_id);
  const e = last(history, "renewed", (x) => x.resultRoot.toLowerCase() === root);
  if (!e || recordedTxs(db, row.id).has(e.txHash.toLowerCase())) return 0;
  // noCredential: the workbench holds no evaluation or credential of this result (its downloads and the sampling
  // audit still answer the one before, whose root the chain no longer shows)
  const details = { txHash: e.txHash, root: e.resultRoot, validFrom: e.validFrom, validUntil: e.validUntil, resyncedFromChain: true, noCredential: true };
  const by: Actor = { address: e.actor, role: "sync" };
  db.transaction(() => {
    // a renewal mined before a suspension the re-sync followed first: recorded where the dossier now is
    if (row.state === "issued") transition(db, row.id, "renew", "issued", "issued", by, details);
    else audit(db, { dossierId: row.id, actor: by, action: "renew", from: row.state, to: row.state, details });
  })();
  return 1;
}

/**
 * A re-issue recorded without the end of its new number's notice (the view unreadable when it was mined, or a node
 * behind): the re-sync reads it now and records it (`reissue-notice`), so GET /notices lists the notice. Returns 1
 * when recorded.
 */
function fillReissueNoticeEnd(db: Db, actor: Actor, row: TokenDossier, v: CertificateVerification): number {
  if (v.status === "NotFound" || v.status === "Revoked" || row.token_id !== v.tokenId.toString()) return 0;
  const latest = db
    .prepare("SELECT action, json_extract(details_json, '$.validFrom') AS valid_from FROM audit_log WHERE dossier_id = ? AND action IN ('renew', 'reissue', 'reissue-notice') AND json_valid(details_json) ORDER BY id DESC LIMIT 1")
    .get(row.id) as { action: string; valid_from: unknown } | undefined;
  if (latest?.action !== "reissue" || typeof latest.valid_from === "number") return 0;
  db.transaction(() => audit(db, { dossierId: row.id, actor, action: "reissue-notice", from: row.state, to: row.state, details: { tokenId: row.token_id, validFrom: v.validFrom, resyncedFromChain: true } }))();
  return 1;
}

const currentRow = (db: Db, row: TokenDossier): TokenDossier => (db.prepare("SELECT id, state, token_id FROM dossiers WHERE id = ?").get(row.id) as TokenDossier | undefined) ?? row;

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
  const apply = (params: IntentParams, tx: HistoryEntry | undefined, who?: string, mined: MinedFacts = {}) =>
    db.transaction(() => {
      const intent = openIntent(db, row.id, row.token_id, sys(who ?? tx?.actor), params);
      applyIntent(db, intent, tx?.txHash ?? null, "sync", bodyId, mined);
    })();

  try {
    // an objection filed straight to the contract, during a first notice or a renewal's (the dossier then issued)
    if (isLegal("file-objection", row.state) && v.underObjection && !openObjection) {
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
      if (e && isLegal("resolve-objection", row.state)) {
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
          apply({ command: "reissue", root: pending.root }, last(history, "reissued-to"), undefined, await reissueFacts(chain, v.successor));
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
