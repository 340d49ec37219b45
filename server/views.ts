/** How rows are shown to API clients (the shapes documented in the OpenAPI schemas of server/routes/schemas.ts). */
import { certificateNumberOf } from "../sdk";
import type { ObjectionRow, ReissueRow } from "./lifecycle";
import type { DossierListRow } from "./store/dossiers";

/** a dossier as lists show it (any row with the list columns: a full row too) */
export const dossierSummary = (d: DossierListRow) => ({
  id: d.id,
  state: d.state,
  applicant: d.applicant,
  rulebook: d.rulebook_key,
  round: d.round,
  outcome: d.outcome,
  tokenId: d.token_id,
  holder: d.holder ?? d.applicant,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

/** a re-issue; its new number is the workbench's body's for the root */
export const reissueView = (r: ReissueRow, bodyId: number) => ({
  root: r.root,
  tokenId: r.token_id,
  newTokenId: certificateNumberOf(bodyId, r.root).toString(),
  newHolder: r.new_holder,
  deadline: r.deadline,
  status: r.status,
  requestedBy: r.requested_by,
  txHash: r.tx_hash,
  createdAt: r.created_at,
  executedAt: r.executed_at,
});

/** An objection as the body sees it (operators), and as its filer sees their own (GET /objections): everything. */
export const objectionView = (o: ObjectionRow) => ({
  id: o.id,
  dossierId: o.dossier_id,
  tokenId: o.token_id,
  filer: o.filer,
  statement: o.statement,
  evidence: o.evidence,
  /** on-chain; for a signed statement the EIP-712 digest the filer signed */
  evidenceHash: o.evidence_hash,
  /** the filer's EIP-712 signature and the typed data it signs (null: filed before signatures, or straight to the contract) */
  signature: o.signature,
  signedStatement: o.signed_json ? (JSON.parse(o.signed_json) as unknown) : null,
  status: o.status,
  filedTx: o.filed_tx,
  resolution: o.resolution_json ? (JSON.parse(o.resolution_json) as unknown) : null,
  resolvedBy: o.resolved_by,
  resolvedTx: o.resolved_tx,
  createdAt: o.created_at,
  resolvedAt: o.resolved_at,
});

/**
 * An objection as everyone else who may see the dossier sees it (the applicant or holder, an assessor of its
 * panel): that it exists, its status, its dates and transactions, and the ruling (upheld or dismissed, the
 * revocation reason) — never the filer, the statement, the evidence or the signature (which, with the public
 * evidence hash, would give the filer's address away), nor the body's note and evidence of the ruling. A
 * whistle-blower's identity is the body's to keep.
 */
export const objectionNoticeView = (o: ObjectionRow) => {
  const r = o.resolution_json ? (JSON.parse(o.resolution_json) as { upheld?: boolean; reason?: string | null }) : null;
  return {
    id: o.id,
    dossierId: o.dossier_id,
    tokenId: o.token_id,
    status: o.status,
    filedTx: o.filed_tx,
    resolution: r ? { upheld: r.upheld === true, reason: r.upheld === true ? (r.reason ?? null) : null } : null,
    resolvedTx: o.resolved_tx,
    createdAt: o.created_at,
    resolvedAt: o.resolved_at,
  };
};

export interface AuditEntryView {
  actor: string | null;
  role: string;
  action: string;
  from: string | null;
  to: string | null;
  details: unknown;
  at: number;
}

/**
 * An audit entry for someone who is not an operator: a filed objection's actor is its filer (role `public`), hidden
 * as objectionNoticeView hides it; a ruling keeps its decision and reason, not the body's note or evidence.
 */
export function auditEntryForNonOperator(e: AuditEntryView): AuditEntryView {
  const details = (e.details ?? null) as Record<string, unknown> | null;
  if (e.action === "file-objection") {
    return { ...e, actor: null, details: details ? { objectionId: details.objectionId, txHash: details.txHash ?? null } : null };
  }
  if (e.action === "resolve-objection") {
    return { ...e, details: details ? { objectionId: details.objectionId, txHash: details.txHash ?? null, upheld: details.upheld, reason: details.reason ?? null } : null };
  }
  if (e.role === "public") return { ...e, actor: null, details: null };
  return e;
}
