/**
 * The operator's commands on one dossier (受理, 不予受理, 指派, 计算, 批准, 公示期满, 暂停, 恢复, 撤销, 换证), each asked
 * through the dossier page's confirmation (an `Ask`: named for the action, saying who acts and whether a transaction
 * is sent), and the words of every action (ACTION_TEXT, zh and en).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Assessor, DossierDetail, DossierSummary, WorkbenchApi } from "./api";
import { EvidencePicker } from "./Evidence";
import { RevocationReasonField } from "./RevocationReasonField";
import { shortHex } from "../lib/format";

export interface Ask {
  /** the dialog's title and its confirm button, named for the action */
  title: string;
  confirm: string;
  /** what will happen */
  text: string;
  /** who acts and whether a transaction is sent */
  who: string;
  /** the result's words: what was done */
  done: string;
  danger?: boolean;
  run: () => Promise<{ txHash?: string } | void>;
}

export interface ActionRunner {
  ask(ask: Ask): void;
  run(ask: Ask): void;
}

export const ACTION_TEXT = {
  zh: {
    running: "正在办理…",
    tx: "交易",
    dismiss: "关闭",
    byYou: "由您（经办人）在工作台办理：不发送链上交易，不打开钱包。",
    byKey: "由本主体的签名密钥在工作台服务器上链（发送一笔交易）：不打开您的钱包。",
    byQueue: "批准后进入发证队列，由本主体的签名密钥上链发证：不打开您的钱包。",
    byWallet: "批准本身不发送交易；发证时须在“发证队列”中用您的钱包签名。",
    accept: ["确认受理", "确认受理", "已受理"],
    reject: ["确认不予受理", "确认不予受理（不可撤回）", "已不予受理"],
    assign: ["确认指派评审组", "确认指派", "已指派评审组"],
    evaluate: ["确认计算评价结果", "确认计算", "已计算评价结果"],
    reReview: ["确认发起复审", "确认复审", "已发起新一轮评审"],
    approve: ["确认批准发证", "确认批准", "已批准发证"],
    endNotice: ["确认公示期满", "确认公示期满", "公示期满，证书已生效"],
    suspend: ["确认暂停证书", "确认暂停 · 由本主体签名密钥上链", "已在链上暂停证书"],
    reinstate: ["确认恢复证书", "确认恢复 · 由本主体签名密钥上链", "已在链上恢复证书"],
    revoke: ["确认撤销证书", "确认撤销（不可恢复）· 由本主体签名密钥上链", "已在链上撤销证书"],
    renew: ["确认复评续期", "确认续期 · 由本主体签名密钥上链", "已在链上续期证书"],
    suspendReason: "暂停原因",
    reasonNeeded: "请填写原因",
    revokeNeeded: "请选择撤销原因",
    revokeNote: "撤销说明（可选）",
    suspendText: (id: string, reason: string) => `将在链上暂停申报 ${id} 的证书，原因：${reason}。可以恢复。`,
    renewal: "用于续期的复评申报",
    renewalNone: "该申报人暂无可用于续期的复评申报（同一申报人、状态为“可发证”）。",
    choose: "— 请选择 —",
    issuance: { queued: "排队等待上链", sending: "正在上链", issued: "已上链", failed: "上链失败" } as Record<string, string>,
  },
  en: {
    running: "Working…",
    tx: "transaction",
    dismiss: "Dismiss",
    byYou: "Done by you (the operator) on the workbench: no transaction is sent, the wallet is not opened.",
    byKey: "Sent on-chain by the body's signing key on the workbench server (one transaction): your wallet is not opened.",
    byQueue: "Once approved it joins the issuance queue and the body's signing key issues it on-chain: your wallet is not opened.",
    byWallet: "Approving sends no transaction; the issuance is signed in your wallet from the issuance queue.",
    accept: ["Confirm acceptance", "Confirm acceptance", "Accepted"],
    reject: ["Confirm rejection", "Confirm rejection (final)", "Rejected"],
    assign: ["Confirm the panel", "Confirm the panel", "Panel assigned"],
    evaluate: ["Confirm the evaluation", "Compute the result", "Result computed"],
    reReview: ["Confirm a re-review", "Start the re-review", "New review round started"],
    approve: ["Confirm the approval", "Approve", "Approved for issuance"],
    endNotice: ["Confirm the end of the notice", "Confirm the notice is over", "Notice over: the certificate is in force"],
    suspend: ["Confirm the suspension", "Suspend · sent on-chain by the body's signing key", "Certificate suspended on-chain"],
    reinstate: ["Confirm the reinstatement", "Reinstate · sent on-chain by the body's signing key", "Certificate reinstated on-chain"],
    revoke: ["Confirm the revocation", "Revoke (final) · sent on-chain by the body's signing key", "Certificate revoked on-chain"],
    renew: ["Confirm the renewal", "Renew · sent on-chain by the body's signing key", "Certificate renewed on-chain"],
    suspendReason: "Reason for the suspension",
    reasonNeeded: "give a reason",
    revokeNeeded: "choose the reason for the revocation",
    revokeNote: "Revocation note (optional)",
    suspendText: (id: string, reason: string) => `The certificate of dossier ${id} will be suspended on-chain, reason: ${reason}. It can be reinstated.`,
    renewal: "Re-evaluation used for the renewal",
    renewalNone: "This applicant has no re-evaluation to renew with (same applicant, state evaluated).",
    choose: "— choose —",
    issuance: { queued: "queued for the chain", sending: "being sent", issued: "on-chain", failed: "failed" } as Record<string, string>,
  },
};

type ActionKey = "accept" | "reject" | "assign" | "evaluate" | "reReview" | "approve" | "endNotice" | "suspend" | "reinstate" | "revoke" | "renew";
type Who = "byYou" | "byKey" | "byQueue" | "byWallet";

/** A command that is one button on one state: posted to `path` after the confirmation `confirm` (i18n keys). */
interface OneStep {
  key: ActionKey;
  path: string;
  label: string;
  primary: boolean;
  confirm(walletMode: boolean): string;
  who(walletMode: boolean): Who;
}

/** The one-button command of each state that has one (submitted's 受理 sits beside its 不予受理 form). */
const ONE_STEP: Readonly<Record<string, OneStep>> = {
  submitted: { key: "accept", path: "accept", label: "body.accept", primary: true, confirm: () => "body.confirm.accept", who: () => "byYou" },
  scored: { key: "evaluate", path: "evaluate", label: "body.evaluate", primary: true, confirm: () => "body.confirm.evaluate", who: () => "byYou" },
  flagged: { key: "reReview", path: "re-review", label: "body.evaluate", primary: false, confirm: () => "body.confirm.evaluate", who: () => "byYou" },
  evaluated: {
    key: "approve",
    path: "approve",
    label: "body.approve",
    primary: true,
    confirm: (walletMode) => (walletMode ? "bodyOps.wallet.approveConfirm" : "body.confirm.approve"),
    who: (walletMode) => (walletMode ? "byWallet" : "byQueue"),
  },
  "in-notice": { key: "endNotice", path: "end-notice", label: "body.endNotice", primary: true, confirm: () => "body.confirm.endNotice", who: () => "byYou" },
  suspended: { key: "reinstate", path: "reinstate", label: "body.reinstate", primary: false, confirm: () => "body.confirm.reinstate", who: () => "byKey" },
};

/** A labelled text input; with `error`, the error beside it (`<id>-error`) and aria-invalid. */
function TextField({ id, label, value, onChange, error }: { id: string; label: string; value: string; onChange(v: string): void; error?: string | null }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.currentTarget.value)} />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function OperatorActions({ api, d, runner, min, assessors, walletMode }: { api: WorkbenchApi; d: DossierDetail; runner: ActionRunner; min: number; assessors: Assessor[]; walletMode: boolean }) {
  const { t, i18n } = useTranslation();
  const w = ACTION_TEXT[i18n.language === "en" ? "en" : "zh"];
  const id = d.id;
  const [reason, setReason] = useState("");
  const [suspendReason, setSuspendReason] = useState("");
  const [revokeReason, setRevokeReason] = useState("");
  const [revokeNote, setRevokeNote] = useState("");
  const [renewal, setRenewal] = useState("");
  const [evidence, setEvidence] = useState("");
  const [panel, setPanel] = useState<string[]>([]);
  const [tried, setTried] = useState<Record<string, boolean>>({});
  // the same applicant's re-evaluations that may renew this certificate
  const renewals = useQuery({
    queryKey: ["renewals", d.applicant, d.id],
    enabled: d.state === "issued",
    queryFn: async () => (await api.list<DossierSummary>("/dossiers", { q: d.applicant, state: "evaluated", limit: 50 })).items.filter((x) => x.id !== d.id && x.applicant.toLowerCase() === d.applicant.toLowerCase()),
  });
  const post = (path: string, body: unknown = {}) => api.call<{ txHash?: string }>("POST", `/dossiers/${encodeURIComponent(id)}/${path}`, body);
  const ask = (key: ActionKey, text: string, who: string, run: () => Promise<{ txHash?: string } | void>, danger = false) => {
    const [title, confirm, done] = w[key];
    runner.ask({ title, confirm, text, who, done: i18n.language === "en" ? `${done} (${id})` : `${done}（${id}）`, danger, run });
  };
  const after = (run: () => Promise<{ txHash?: string }>) => async () => {
    const r = await run();
    setEvidence("");
    setReason("");
    setSuspendReason("");
    setRevokeReason("");
    setRevokeNote("");
    setRenewal("");
    setTried({});
    return r;
  };
  const lifecycle = ["in-notice", "issued", "suspended"].includes(d.state);
  const step = ONE_STEP[d.state];
  const suspendError = tried.suspend && !suspendReason.trim() ? w.reasonNeeded : null;
  // a closed dossier (refused, withdrawn, not certified, revoked, renewed) has nothing to act on: no empty card
  if (!step && !lifecycle && !["submitted", "accepted"].includes(d.state) && !(d.state === "queued" && walletMode)) return null;
  return (
    <section className="card actions" aria-label={t("body.state")} data-testid="operator-actions">
      {step ? (
        <button type="button" className={step.primary ? "primary" : undefined} onClick={() => ask(step.key, t(step.confirm(walletMode), { id }), w[step.who(walletMode)], () => post(step.path))}>
          {t(step.label)}
        </button>
      ) : null}
      {d.state === "submitted" ? (
        <>
          <TextField id="reject-reason" label={t("body.rejectReason")} value={reason} onChange={setReason} />
          <button type="button" className="danger" disabled={!reason.trim()} onClick={() => ask("reject", t("body.confirm.reject", { id }), w.byYou, after(() => post("reject", { reasons: [reason.trim()] })), true)}>
            {t("body.reject")}
          </button>
        </>
      ) : null}
      {d.state === "accepted" ? (
        <fieldset>
          <legend>{t("body.chooseAssessors", { n: min })}</legend>
          {assessors
            .filter((a) => a.active)
            .map((a) => (
              <div key={a.address} className="row">
                <input type="checkbox" id={`as-${a.address}`} checked={panel.includes(a.address)} onChange={(e) => setPanel(e.currentTarget.checked ? [...panel, a.address] : panel.filter((x) => x !== a.address))} />
                <label htmlFor={`as-${a.address}`}>
                  {a.assessorId} · {a.name} · <span className="mono">{shortHex(a.address)}</span>
                </label>
              </div>
            ))}
          <button type="button" className="primary" disabled={panel.length < min} onClick={() => ask("assign", t("body.confirm.assign", { id, n: panel.length }), w.byYou, () => post("assign", { assessors: panel }))}>
            {t("body.assign")}
          </button>
        </fieldset>
      ) : null}
      {d.state === "queued" && walletMode ? (
        <p className="notice info" data-testid="queued-wallet">
          {t("bodyOps.wallet.queuedHint")} <a href="#/body?tab=outbox">{t("bodyOps.wallet.goIssue")}</a>
        </p>
      ) : null}
      {lifecycle ? <EvidencePicker id="lifecycle-evidence" value={evidence} onChange={setEvidence} /> : null}
      {d.state === "issued" ? (
        <div className="row wrap align-end">
          <TextField id="suspend-reason" label={w.suspendReason} value={suspendReason} onChange={setSuspendReason} error={suspendError} />
          <button
            type="button"
            onClick={() => {
              setTried((x) => ({ ...x, suspend: true }));
              if (!suspendReason.trim()) return;
              ask("suspend", w.suspendText(id, suspendReason.trim()), w.byKey, after(() => post("suspend", { note: suspendReason.trim(), ...(evidence ? { evidence } : {}) })));
            }}
          >
            {t("body.suspend")}
          </button>
        </div>
      ) : null}
      {lifecycle ? (
        <div className="row wrap align-end">
          <RevocationReasonField id="revoke-reason" value={revokeReason} onChange={setRevokeReason} error={tried.revoke && !revokeReason ? w.revokeNeeded : null} />
          <TextField id="revoke-note" label={w.revokeNote} value={revokeNote} onChange={setRevokeNote} />
          <button
            type="button"
            className="danger"
            onClick={() => {
              setTried((x) => ({ ...x, revoke: true }));
              if (!revokeReason) return;
              const body = { reason: revokeReason, ...(evidence ? { evidence } : {}), ...(revokeNote.trim() ? { note: revokeNote.trim() } : {}) };
              ask("revoke", t("body.confirm.revoke", { id, reason: t(`reason.${revokeReason}`) }), w.byKey, after(() => post("revoke", body)), true);
            }}
          >
            {t("body.revoke")}
          </button>
        </div>
      ) : null}
      {d.state === "issued" ? (
        renewals.data && renewals.data.length === 0 ? (
          <p className="muted" data-testid="renewal-none">
            {w.renewalNone}
          </p>
        ) : (
          <div className="row wrap align-end">
            <div className="field">
              <label htmlFor="renewal-id">{w.renewal}</label>
              <select id="renewal-id" value={renewal} onChange={(e) => setRenewal(e.currentTarget.value)}>
                <option value="">{w.choose}</option>
                {(renewals.data ?? []).map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.id} · {t(`body.states.${x.state}`)}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" disabled={!renewal} onClick={() => ask("renew", t("body.confirm.renew", { renewal }), w.byKey, after(() => post("renew", { renewalDossierId: renewal })))}>
              {t("body.renew")}
            </button>
          </div>
        )
      ) : null}
    </section>
  );
}
