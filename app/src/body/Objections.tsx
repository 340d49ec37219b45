/**
 * Objections (异议) during public notice: who filed, what they say, their evidence (downloadable by its SHA-256),
 * their EIP-712 signature of the statement (whose digest is the on-chain evidence hash), the transaction that put
 * it on chain — who and what only for the body: the holder's view of their dossier has none of it (the server
 * leaves it out) and says so; and the operator's ruling (`resolveObjection` on chain, through the
 * workbench): upheld → the certificate is revoked with the chosen reason, the dossier moves to revoked; dismissed →
 * the objection is closed and the notice runs on to its end. A ruling has no default and needs a note; each asks
 * for a confirmation named for it, which says that the body's signing key sends it on chain.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TxRunner } from "../wallet/tx";
import type { ObjectionView, WorkbenchApi } from "./api";
import { formatDateTime } from "../lib/format";
import { EvidenceLinks, EvidencePicker } from "./Evidence";
import { CertificateNumber, CopyValue, ListDate, Person, useListWords } from "./parts";
import { RevocationReasonField } from "./RevocationReasonField";

/** a radio button keeps its own size (44 px touch target from its row and label) */
const RADIO = { width: "1.3rem", height: "1.3rem", flex: "none" } as const;

export function ObjectionList({ api, objections, operator, tx, showDossier }: { api: WorkbenchApi; objections: ObjectionView[]; operator: boolean; tx: TxRunner; showDossier?: boolean }) {
  const { t, i18n } = useTranslation();
  const w = useListWords();
  if (objections.length === 0) return <p>{t("bodyOps.objections.none")}</p>;
  return (
    <ul className="objections" data-testid="objections" style={{ listStyle: "none", padding: 0 }}>
      {objections.map((o) => (
        <li key={o.id} className="card" data-objection={o.id} data-status={o.status}>
          <p>
            <strong>{t("bodyOps.objections.number", { id: o.id })}</strong> · <span className="badge state nowrap">{t(`bodyOps.objections.status.${o.status}`)}</span>
            {showDossier ? (
              <>
                {" "}
                · <a href={`#/body/dossier/${encodeURIComponent(o.dossierId)}`} className="nowrap">{t("body.dossier", { id: o.dossierId })}</a>
              </>
            ) : null}{" "}
            · <CertificateNumber tokenId={o.tokenId} />
          </p>
          <dl className="details">
            {o.applicantName !== undefined ? (
              <>
                <dt>{w.columns.applicant}</dt>
                <dd data-testid="objection-applicant">
                  {o.applicantName ? <strong className="person-name">{o.applicantName}</strong> : <span className="hint">{w.erased}</span>}
                </dd>
              </>
            ) : null}
            {o.filer !== undefined ? (
              <>
                <dt>{t("bodyOps.objections.filer")}</dt>
                <dd data-testid="objection-filer">
                  <Person name={null} missing={w.filerNoName} address={o.filer} walletWhat={`${w.filerWallet} ${o.filer}`} />
                </dd>
                <dt>{t("bodyOps.objections.statement")}</dt>
                <dd className="statement">{o.statement}</dd>
                <dt>{t("bodyOps.objections.evidence")}</dt>
                <dd>
                  {o.evidence ? (
                    <>
                      <code className="break">SHA-256 {o.evidence}</code> <EvidenceLinks api={api} sha256={o.evidence} name={`objection-${o.id}`} />
                    </>
                  ) : (
                    <span>{t("bodyOps.objections.noEvidence")}</span>
                  )}
                </dd>
                <dt>{t("bodyOps.objections.signature")}</dt>
                <dd data-testid={`objection-signature-${o.id}`}>
                  {o.signature && o.signedStatement ? (
                    <>
                      <CopyValue value={o.signature} what={t("bodyOps.objections.signature")} />{" "}
                      <span className="hint">{w.signedAt(formatDateTime(o.signedStatement.message.issuedAt, i18n.language))}</span>
                    </>
                  ) : (
                    <span>{t("bodyOps.objections.unsigned")}</span>
                  )}
                </dd>
                <dt>{t("bodyOps.objections.onChain")}</dt>
                <dd>
                  {o.evidenceHash ? <CopyValue value={o.evidenceHash} what={t("bodyOps.objections.onChain")} /> : "—"}
                </dd>
              </>
            ) : (
              <>
                <dt>{t("bodyOps.objections.filer")}</dt>
                <dd className="hint">{t("bodyOps.objections.private")}</dd>
              </>
            )}
            <dt>{t("bodyOps.objections.filedAt")}</dt>
            <dd>
              <ListDate ms={o.createdAt} />
              {o.filedTx ? (
                <>
                  {" · "}
                  <CopyValue value={o.filedTx} what={`${w.txHash} ${o.filedTx}`} />
                </>
              ) : null}
            </dd>
            {o.resolution ? (
              <>
                <dt>{t("bodyOps.objections.ruling")}</dt>
                <dd>
                  {o.resolution.upheld ? t("bodyOps.objections.upheldWith", { reason: t(`reason.${o.resolution.reason ?? "Violation"}`) }) : t("bodyOps.objections.dismissedText")}
                  {o.resolution.note ? ` · ${o.resolution.note}` : ""}
                  {o.resolvedTx ? (
                    <>
                      {" · "}
                      <CopyValue value={o.resolvedTx} what={`${w.txHash} ${o.resolvedTx}`} />
                    </>
                  ) : null}
                </dd>
              </>
            ) : null}
          </dl>
          {operator && o.status === "filed" ? <Resolve api={api} o={o} tx={tx} /> : null}
        </li>
      ))}
    </ul>
  );
}

function Resolve({ api, o, tx }: { api: WorkbenchApi; o: ObjectionView; tx: TxRunner }) {
  const { t } = useTranslation();
  const w = useListWords();
  const qc = useQueryClient();
  // no default ruling: the operator chooses one and says why
  const [decision, setDecision] = useState<"dismiss" | "uphold" | null>(null);
  const [reason, setReason] = useState<string>("Violation");
  const [evidence, setEvidence] = useState("");
  const [note, setNote] = useState("");
  const name = `ruling-${o.id}`;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["objections"] });
    void qc.invalidateQueries({ queryKey: ["dossier"] });
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
  };
  const upheld = decision === "uphold";
  const noteOk = note.trim().length > 0;
  const ready = decision !== null && noteOk;
  return (
    <form
      className="resolve"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        const text = upheld
          ? t("bodyOps.objections.confirmUphold", { id: o.id, number: o.tokenId, reason: t(`reason.${reason}`) })
          : t("bodyOps.objections.confirmDismiss", { id: o.id, number: o.tokenId });
        tx.ask(
          text,
          async () =>
            void (await api.call("POST", `/objections/${o.id}/resolve`, {
              upheld,
              ...(upheld ? { reason } : {}),
              ...(evidence ? { evidence } : {}),
              note: note.trim(),
            })),
          refresh,
          { by: "body-key", title: upheld ? w.upholdTitle : w.dismissTitle },
        );
      }}
    >
      <fieldset>
        <legend>{w.rulingLabel}</legend>
        <div className="row">
          <input type="radio" style={RADIO} id={`${name}-dismiss`} name={name} checked={decision === "dismiss"} onChange={() => setDecision("dismiss")} />
          <label htmlFor={`${name}-dismiss`}>{t("bodyOps.objections.dismiss")}</label>
        </div>
        <div className="row">
          <input type="radio" style={RADIO} id={`${name}-uphold`} name={name} checked={upheld} onChange={() => setDecision("uphold")} />
          <label htmlFor={`${name}-uphold`}>{t("bodyOps.objections.uphold")}</label>
        </div>
        {decision ? <p className="hint">{upheld ? t("bodyOps.objections.upholdMeans") : t("bodyOps.objections.dismissMeans")}</p> : null}
      </fieldset>
      {upheld ? <RevocationReasonField id={`${name}-reason`} value={reason} onChange={setReason} /> : null}
      <EvidencePicker id={`${name}-evidence`} value={evidence} onChange={setEvidence} />
      <div className="field">
        <label htmlFor={`${name}-note`}>{w.rulingNote}</label>
        <textarea
          id={`${name}-note`}
          rows={2}
          value={note}
          maxLength={2000}
          required
          aria-required="true"
          onChange={(e) => setNote(e.currentTarget.value)}
        />
      </div>
      <div className="list-actions">
        <button type="submit" className={upheld ? "danger" : "primary"} disabled={!ready} aria-describedby={ready ? undefined : `${name}-missing`} data-testid={`resolve-${o.id}`}>
          {decision === null ? t("bodyOps.objections.resolve") : upheld ? t("bodyOps.objections.uphold") : t("bodyOps.objections.dismiss")}
        </button>
        {ready ? null : (
          <span id={`${name}-missing`} className="list-reason" data-testid={`resolve-missing-${o.id}`}>
            {[decision === null ? w.rulingMissing : "", noteOk ? "" : w.noteMissing].filter(Boolean).join(" ")}
          </span>
        )}
      </div>
    </form>
  );
}
