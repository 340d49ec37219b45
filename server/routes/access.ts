/** Who may see which dossier. A dossier someone may not see answers 404: its existence is not disclosed. */
import type { Session } from "../auth";
import type { Db } from "../db";
import { notFound } from "../errors";
import { getDossier, holderOf, type DossierRow } from "../store/dossiers";
import { isPanelMember } from "../store/panel";
import type { Actor } from "../workflow";

/** The dossier if this session may see it; otherwise 404, so a stranger cannot even learn it exists. */
export function visibleDossier(db: Db, s: Session, id: string): DossierRow {
  const d = getDossier(db, id);
  if (!d) throw notFound(`dossier ${id}`);
  if (s.operator || d.applicant === s.address || d.holder === s.address || (s.assessor && isPanelMember(db, id, s.address))) return d;
  throw notFound(`dossier ${id}`);
}

/** The dossier for an operator's command (the guard checked the role, the schema the id). */
export function operatorDossier(db: Db, s: Session, id: string): { d: DossierRow; actor: Actor } {
  const d = getDossier(db, id);
  if (!d) throw notFound(`dossier ${id}`);
  return { d, actor: { address: s.address, role: "operator" } };
}

/**
 * Who may prepare and request a re-issue: the holder (applicant, or the wallet of an earlier re-issue), signed in
 * with that wallet; or an operator of the body acting for a holder who lost it (the usual reason for a re-issue),
 * who must then record, when preparing, how the holder's identity was checked. Anyone else gets 404. Either way
 * the new wallet's own EIP-712 consent is what the contract requires.
 */
export function reissueParty(db: Db, s: Session, id: string): { d: DossierRow; actor: Actor } {
  const d = getDossier(db, id);
  if (d && holderOf(d) === s.address) return { d, actor: { address: s.address, role: "applicant" } };
  if (d && s.operator) return { d, actor: { address: s.address, role: "operator" } };
  throw notFound(`dossier ${id}`);
}
