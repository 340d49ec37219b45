/**
 * On a certificate card, what the holder asks of the body (监督管理, issue #13): the annual report (年度报告), a
 * change of employer (工作单位变更报告, ./EmployerChange), the
 * re-evaluation (复评: the application form pre-filled from the certificate's own dossier), and revocation at the
 * holder's request (撤销申请 — the body revokes with reason HolderRequest; the holder cannot revoke on-chain).
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { REVOCATION_REQUEST_REASONS, requestReasonWords, type RevocationRequestReason } from "../lib/revocationRequest";
import { useChainish } from "./context";
import { holderDossier } from "./holderDossier";
import { useWallet } from "./wallet";
import { useWorkbenchApi } from "./useWorkbenchApi";


const TEXT = {
  zh: {
    annualReport: "提交年度报告",
    employerChange: "报告工作单位变更",
    renew: "复评申报（换证）",
    request: "申请撤销本证书",
    heading: "申请撤销证书",
    intro: "撤销由认定主体办理并上链，理由记为“持证人申请”，不可恢复。提交后请等待认定主体处理。",
    reason: "撤销原因",
    choose: "请选择原因",
    note: "补充说明（可不填）",
    confirm: "确认提交撤销申请 · 由认定主体处理，不在钱包中签名",
    cancel: "取消",
    sent: (at: string) => `撤销申请已于 ${at} 提交，认定主体处理后证书将被撤销。`,
  },
  en: {
    annualReport: "File the annual report",
    employerChange: "Report a change of employer",
    renew: "Apply for re-evaluation (renewal)",
    request: "Ask for this certificate's revocation",
    heading: "Ask for revocation",
    intro: "The body revokes on-chain with the reason “holder request”; it cannot be undone. Wait for the body to act once you have asked.",
    reason: "Reason",
    choose: "Choose a reason",
    note: "Note (optional)",
    confirm: "Send the revocation request · handled by the body, nothing signed in the wallet",
    cancel: "Cancel",
    sent: (at: string) => `Revocation requested at ${at}; the body will revoke the certificate.`,
  },
};

export function HolderActions({ tokenId }: { tokenId: string }) {
  const { i18n } = useTranslation();
  const x = i18n.language.startsWith("zh") ? TEXT.zh : TEXT.en;
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<RevocationRequestReason | "">("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sentAt, setSentAt] = useState<string | null>(null);

  const signedIn = () => holderDossier(api, { address: w.address!, walletClient: w.walletClient }, c.chain.id, tokenId);
  const renew = async () => {
    setError(null);
    try {
      window.location.hash = `#/apply?renew=${encodeURIComponent(await signedIn())}`;
    } catch (err) {
      setError(err);
    }
  };
  const send = async () => {
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      const id = await signedIn();
      await api.call("POST", `/dossiers/${encodeURIComponent(id)}/revocation-request`, { reason, ...(note.trim() ? { note: note.trim() } : {}) });
      setSentAt(new Date().toLocaleString(i18n.language));
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!w.connected) return null;
  const fid = (k: string) => `holder-${k}-${tokenId}`;
  return (
    <div className="holder-actions" data-testid="holder-actions">
      <div className="row wrap">
        <a className="button" href={`#/mine/annual-report/${tokenId}`}>
          {x.annualReport}
        </a>
        <a className="button" href={`#/mine/employer-change/${tokenId}`} data-testid="employer-change-link">
          {x.employerChange}
        </a>
        <button type="button" onClick={() => void renew()} data-testid="renew">
          {x.renew}
        </button>
        {!sentAt ? (
          <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} aria-controls={fid("form")} data-testid="request-revocation">
            {x.request}
          </button>
        ) : null}
      </div>
      {open ? (
        <form
          id={fid("form")}
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <h3>{x.heading}</h3>
          <p>{x.intro}</p>
          <label htmlFor={fid("reason")}>{x.reason}</label>
          <select id={fid("reason")} value={reason} onChange={(e) => setReason(e.target.value as RevocationRequestReason | "")} required>
            <option value="">{x.choose}</option>
            {REVOCATION_REQUEST_REASONS.map((r) => (
              <option key={r} value={r}>
                {requestReasonWords(i18n.language)[r]}
              </option>
            ))}
          </select>
          <label htmlFor={fid("note")}>{x.note}</label>
          <textarea id={fid("note")} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          <div className="row wrap">
            <button type="submit" className="danger" disabled={!reason || busy} data-testid="confirm-revocation-request">
              {x.confirm}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {x.cancel}
            </button>
          </div>
        </form>
      ) : null}
      {sentAt ? (
        <p className="notice ok" role="status" data-testid="revocation-requested">
          {x.sent(sentAt)}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
