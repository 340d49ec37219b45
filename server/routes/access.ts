/** Who may see which dossier. A dossier someone may not see answers 404: its existence is not disclosed. */
import type { Session } from "../auth";
import type { Db } from "../db";
import { assertNotErased } from "../erasure";
import { HttpError, notFound } from "../errors";
import { getDossier, holderOf, type DossierRow } from "../store/dossiers";
import { isPanelMember, isRoundMember } from "../store/panel";
import type { Actor } from "../workflow";

/**
 * How much of a dossier a session may see:
 * - `full`: an operator of the body; the wallet that holds (or applied for) it — after a re-issue, the new wallet
 *   only: the usual reason is a lost or stolen wallet, which must lose the dossier, its audit log and its evidence;
 *   an assessor of the current round while the round is open (state `assigned`).
 * - `own-sheet`: an assessor whose round is over (all sheets in, or a new round began): their own sheets only.
 * - null: nothing, answered as 404.
 */
export type DossierAccess = "full" | "own-sheet" | null;

export function dossierAccess(db: Db, s: Session, d: DossierRow): DossierAccess {
  if (s.operator || holderOf(d) === s.address) return "full";
  if (s.assessor && isPanelMember(db, d.id, s.address)) return d.state === "assigned" && isRoundMember(db, d.id, d.round, s.address) ? "full" : "own-sheet";
  return null;
}

/** The dossier if this session may see all of it; otherwise 404, so a stranger cannot even learn it exists. */
export function visibleDossier(db: Db, s: Session, id: string): DossierRow {
  const d = getDossier(db, id);
  if (d && dossierAccess(db, s, d) === "full") return d;
  throw notFound(`dossier ${id}`);
}

/**
 * The dossier for an operator's command (the guard checked the role, the schema the id). Separation of duties:
 * an operator never acts on a dossier they applied for or whose certificate they hold (403 `own-dossier`).
 */
export function operatorDossier(db: Db, s: Session, id: string): { d: DossierRow; actor: Actor } {
  const d = getDossier(db, id);
  if (!d) throw notFound(`dossier ${id}`);
  if (d.applicant === s.address || holderOf(d) === s.address) throw ownDossier();
  return { d, actor: { address: s.address, role: "operator" } };
}

export const ownDossier = () =>
  new HttpError(403, "own-dossier", { zh: "职责分离：不能处理本人申报或本人持有的证书", en: "separation of duties: you cannot act on your own dossier or certificate" });

/** Separation of duties at approval: whoever scored the dossier on its panel does not also approve it. */
export function assertNotOnPanel(db: Db, s: Session, d: DossierRow): void {
  if (isPanelMember(db, d.id, s.address)) {
    throw new HttpError(403, "separation-of-duties", { zh: "职责分离：评审组成员不能批准其评审过的申报", en: "separation of duties: a member of the panel cannot approve the dossier they scored" });
  }
}

/**
 * Who may prepare and request a re-issue: the holder (applicant, or the wallet of an earlier re-issue), signed in
 * with that wallet; or an operator of the body acting for a holder who lost it (the usual reason for a re-issue),
 * who must then record, when preparing, how the holder's identity was checked. Anyone else gets 404. Either way
 * the new wallet's own EIP-712 consent is what the contract requires.
 */
export function reissueParty(db: Db, s: Session, id: string): { d: DossierRow; actor: Actor } {
  const d = getDossier(db, id);
  const party = d && holderOf(d) === s.address ? "applicant" : d && s.operator ? "operator" : null;
  if (!d || !party) throw notFound(`dossier ${id}`);
  // only a party learns that the dossier was erased
  assertNotErased(db, d.id);
  return { d, actor: { address: s.address, role: party } };
}
