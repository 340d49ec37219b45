/** How rows are shown to API clients (the shapes documented in the OpenAPI schemas of server/routes/schemas.ts). */
import { certificateNumberOf } from "../sdk";
import type { ObjectionRow, ReissueRow } from "./lifecycle";
import type { DossierRow } from "./store/dossiers";

export const dossierSummary = (d: DossierRow) => ({
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

export const reissueView = (r: ReissueRow) => ({
  root: r.root,
  tokenId: r.token_id,
  newTokenId: certificateNumberOf(r.root).toString(),
  newHolder: r.new_holder,
  deadline: r.deadline,
  status: r.status,
  requestedBy: r.requested_by,
  txHash: r.tx_hash,
  createdAt: r.created_at,
  executedAt: r.executed_at,
});

export const objectionView = (o: ObjectionRow) => ({
  id: o.id,
  dossierId: o.dossier_id,
  tokenId: o.token_id,
  filer: o.filer,
  statement: o.statement,
  evidence: o.evidence,
  evidenceHash: o.evidence_hash,
  status: o.status,
  filedTx: o.filed_tx,
  resolution: o.resolution_json ? (JSON.parse(o.resolution_json) as unknown) : null,
  resolvedBy: o.resolved_by,
  resolvedTx: o.resolved_tx,
  createdAt: o.created_at,
  resolvedAt: o.resolved_at,
});
