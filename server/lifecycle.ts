/**
 * Lifecycle transactions (suspend, reinstate, revoke, renew, re-issue, objections, annual reviews): a route first
 * writes an intent row, then sends the transaction, then records its effect (`applyIntent`) and settles the intent
 * in one SQLite transaction. An intent left "pending" by a crash in between is settled from chain state by
 * server/chain-sync.ts, which also follows what changed on-chain without the workbench.
 *
 * Certificate numbers are the body's own (its id in the top byte): every number derived from a root here is
 * derived with the workbench's body id.
 */
import type { Hex } from "viem";
import { certificateNumberOf, type ReviewResultName, type RevocationReasonName } from "../sdk";

/** A revocation's reason as recorded: what an operator gives, or what the chain shows (a failed review's too). */
type RecordedReason = Exclude<RevocationReasonName, "None" | "Reissued">;
import type { Db } from "./db";
import { sealed } from "./vault";
import { audit, transition, type Actor, type Role, type State } from "./workflow";

/** `onChain`: a change the sync followed from the chain (not the workbench's call): whether the supervisor acted, the event's evidence hash */
export interface Followed {
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
/** What the mined transaction said that the record keeps: a renewal's or a re-issue's new notice end (validFrom, unix seconds). */
export interface MinedFacts {
  validFrom?: number;
}

export function applyIntent(db: Db, intent: Intent, txHash: Hex | null, via: "call" | "sync", bodyId: number, mined: MinedFacts = {}): void {
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
      // validFrom: the end of the renewal's public notice, which GET /notices lists it until (store/notices.ts)
      transition(db, id, "renew", from, "issued", intent.actor, { txHash, renewalDossierId: p.renewalDossierId, root: p.root, validUntil: p.validUntil, validFrom: mined.validFrom, note: p.note, ...synced });
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
        // validFrom: the end of the new number's own notice, which GET /notices lists it until (store/notices.ts)
        { txHash, previousTokenId: intent.tokenId, tokenId: newTokenId, newHolder: row.new_holder, root: row.root, validFrom: mined.validFrom, note: p.note, ...synced },
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
