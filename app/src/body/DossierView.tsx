/**
 * One dossier in the console: its materials (申报材料) beside every decision and the score sheet, the evaluation in
 * words, the decisions taken and the audit log. Every command is confirmed first by a dialog named for it, saying
 * who acts and whether a transaction is sent (only wallet actions say "wallet"); its result says what was done and
 * when, in the page, without covering it. The view is keyed by dossier id (BodyConsole), so nothing typed or chosen
 * for one dossier — a renewal, an evidence file, a reason, an error — is carried to the next.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { useTx, TxView } from "../wallet/tx";
import { WorkbenchError, type Assessor, type DossierDetail, type DossierSummary, type OwnSheetView, type Session, type WalletStatus } from "./api";
import type { WorkbenchApi } from "./api";
import { AuditLog, DecisionRecord, whenText } from "./AuditLog";
import { EvaluationInWords } from "./EvaluationInWords";
import { EvidencePanel, EvidencePicker } from "./Evidence";
import { Materials } from "./Materials";
import { ObjectionList } from "./Objections";
import { ReissueRequest, ReissueOperator } from "./Reissue";
import { RevocationReasonField } from "./RevocationReasonField";
import { ScoreSheet } from "./ScoreSheet";
import { OwnSheets, StateBadge } from "./parts";
import { shortHex } from "../lib/format";
import "./dossier.css";

/** no retry where retrying cannot help: a refusal (4xx) stays refused */
export const retryable = (err: unknown) => !(err instanceof WorkbenchError && err.status >= 400 && err.status < 500);

type Stage = { stage: "idle" } | { stage: "confirm"; ask: Ask } | { stage: "running"; ask: Ask } | { stage: "done"; text: string; at: number; txHash?: string } | { stage: "error"; ask: Ask; error: unknown };

/** the page's runner of workbench commands: confirm (named for the action), run, say what was done and when */
function useAction(onDone: () => void): ActionRunner & { state: Stage; reset(): void } {
  const [state, setState] = useState<Stage>({ stage: "idle" });
  const run = (ask: Ask) => {
    setState({ stage: "running", ask });
    ask
      .run()
      .then((r) => {
        setState({ stage: "done", text: ask.done, at: Date.now(), txHash: r?.txHash });
        onDone();
      })
      .catch((error: unknown) => setState({ stage: "error", ask, error }));
  };
  return { state, ask: (ask) => setState({ stage: "confirm", ask }), run, reset: () => setState({ stage: "idle" }) };
}

function ActionView({ runner }: { runner: ReturnType<typeof useAction> }) {
  const { t, i18n } = useTranslation();
  const w = ACTION_TEXT[i18n.language === "en" ? "en" : "zh"];
  const s = runner.state;
  if (s.stage === "idle") return null;
  if (s.stage === "confirm") {
    return (
      <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && runner.reset()}>
        <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="action-title" aria-describedby="action-text">
          <h2 id="action-title">{s.ask.title}</h2>
          <p id="action-text">{s.ask.text}</p>
          <p className="notice info" data-testid="action-who">
            {s.ask.who}
          </p>
          <div className="row wrap">
            <button type="button" className={s.ask.danger ? "danger" : "primary"} autoFocus onClick={() => runner.run(s.ask)} data-testid="confirm">
              {s.ask.confirm}
            </button>
            <button type="button" onClick={runner.reset}>
              {t("tx.cancel")}
            </button>
          </div>
        </div>
      </div>
    );
  }
  return (
    <div className="progress action-result" aria-live="polite" data-tx={s.stage === "running" ? "wallet" : s.stage}>
      {s.stage === "running" ? <p className="notice info">{w.running}</p> : null}
      {s.stage === "done" ? (
        <p className="notice ok" role="status" data-testid="action-done">
          ✔ {s.text} · {whenText(s.at, i18n.language)}
          {s.txHash ? (
            <>
              {" "}
              · {w.tx} <code className="break">{s.txHash}</code>
            </>
          ) : null}{" "}
          <button type="button" className="link" onClick={runner.reset}>
            {w.dismiss}
          </button>
        </p>
      ) : null}
      {s.stage === "error" ? <ErrorBox error={s.error} onRetry={retryable(s.error) ? () => runner.run(s.ask) : undefined} /> : null}
    </div>
  );
}

export function DossierView({ api, session, id }: { api: WorkbenchApi; session: Session; id: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const qc = useQueryClient();
  const tx = useTx();
  const q = useQuery({
    queryKey: ["dossier", id],
    queryFn: () => api.call<DossierDetail | OwnSheetView>("GET", `/dossiers/${encodeURIComponent(id)}`),
    // issuing: every second; the panel scoring: every 3 s, so the evaluation screen shows sheets as they arrive
    refetchInterval: (query) => (query.state.data?.state === "queued" ? 1000 : ["assigned", "scored"].includes(query.state.data?.state ?? "") ? 3000 : false),
  });
  const operator = session.roles.includes("operator");
  const assessors = useQuery({ queryKey: ["assessors", "active"], enabled: operator, queryFn: async () => (await api.list<Assessor>("/assessors", { active: true, limit: 200 })).items });
  const walletMode = useQuery({ queryKey: ["wallet-issuance"], enabled: operator, queryFn: () => api.call<WalletStatus>("GET", "/issuance/wallet") }).data?.mode === "wallet";
  const rulebooks = useQuery({ queryKey: ["rulebooks"], queryFn: () => api.call<{ key: string; minAssessors: number }[]>("GET", "/rulebooks") });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["dossier", id] });
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
  };
  const runner = useAction(refresh);

  if (q.error) return <ErrorBox error={q.error} onRetry={retryable(q.error) ? () => void q.refetch() : undefined} />;
  if (!q.data) return <p role="status">{t("app.loading")}</p>;
  if (q.data.access === "own-sheet") return <OwnSheets d={q.data} tx={tx} />;
  const d = q.data;
  const min = rulebooks.data?.find((r) => r.key === d.rulebook)?.minAssessors ?? 3;
  const me = d.panel.find((p) => p.address.toLowerCase() === session.address.toLowerCase());
  // names before addresses: the applicant's, the panel's, the register's; the signed-in person is "you"
  const names: Record<string, string> = {};
  for (const a of assessors.data ?? []) names[a.address.toLowerCase()] = a.name;
  for (const p of d.panel) names[p.address.toLowerCase()] = p.name;
  names[d.applicant.toLowerCase()] = d.dossier.applicant.name;
  names[session.address.toLowerCase()] ??= lang === "en" ? "you" : "您";
  const version = d.updatedAt;
  const actions = operator ? <OperatorActions api={api} d={d} runner={runner} min={min} assessors={assessors.data ?? []} walletMode={walletMode} /> : null;
  return (
    <div className="dossier-page" data-dossier={d.id}>
      <p>
        <a href="#/body">← {t("body.inbox")}</a>
      </p>
      <ActionView runner={runner} />
      <TxView tx={tx} />
      <section className="card" aria-labelledby="dossier-heading">
        <h2 id="dossier-heading">{t("body.dossier", { id: d.id })}</h2>
        <p>
          {t("body.state")}: <StateBadge state={d.state} />
        </p>
        <dl className="details">
          <dt>{t("body.applicant")}</dt>
          <dd>
            {d.dossier.applicant.name} <code className="break">{d.applicant}</code>
          </dd>
          <dt>{t("body.employer")}</dt>
          <dd>
            {d.dossier.employer.name} · <span className="mono break">{d.dossier.employer.uscc}</span>
          </dd>
          <dt>{t("verify.rulebook")}</dt>
          <dd className="break">{d.rulebook}</dd>
          {d.tokenId ? (
            <>
              <dt>{t("body.tokenId")}</dt>
              <dd>
                <a href={`#/verify/${d.tokenId}`} data-testid="dossier-token">
                  {d.tokenId}
                </a>
              </dd>
            </>
          ) : null}
          {d.issuance ? (
            <>
              <dt>{t("body.issuance")}</dt>
              <dd data-testid="issuance-status">
                {t("body.issuanceStatus", { status: ACTION_TEXT[lang === "en" ? "en" : "zh"].issuance[d.issuance.status] ?? d.issuance.status })} {d.issuance.lastError ? <span className="notice error">{d.issuance.lastError}</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
        {d.panel.length ? (
          <>
            <h3>{t("body.assign")}</h3>
            <ul>
              {d.panel.map((p) => (
                <li key={p.address}>
                  {p.assessorId} {p.name} {p.sheetSubmitted ? "✔" : "…"}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <div className="dossier-layout">
        <div className="dossier-materials">
          <Materials api={api} raw={d.dossier} />
        </div>
        <div className="dossier-decisions">
          <DecisionRecord api={api} id={d.id} version={version} rejection={(d as DossierDetail & { rejection?: unknown }).rejection} names={names} />
          {d.state === "evaluated" ? null : actions}
          {me && !me.sheetSubmitted && d.state === "assigned" && session.roles.includes("assessor") ? <ScoreSheet api={api} dossier={d} me={me} tx={tx} onDone={refresh} /> : null}
          <EvaluationInWords d={d}>{d.state === "evaluated" ? actions : null}</EvaluationInWords>
        </div>
      </div>

      {operator ? <ReissueOperator api={api} d={d} tx={tx} onDone={refresh} /> : null}
      {d.state === "issued" && (d.holder ?? d.applicant).toLowerCase() === session.address.toLowerCase() ? (
        <ReissueRequest api={api} d={d} onDone={refresh} />
      ) : operator && d.state === "issued" ? (
        <details className="card" data-testid="reissue-lost-wallet-toggle">
          <summary>{t("bodyOps.reissue.lostWalletSummary")}</summary>
          <ReissueRequest api={api} d={d} onDone={refresh} forLostWallet />
        </details>
      ) : null}

      {(d.objections ?? []).length ? (
        <section className="card" aria-labelledby="dossier-objections-heading">
          <h2 id="dossier-objections-heading">{t("bodyOps.objections.heading")}</h2>
          <ObjectionList api={api} objections={d.objections ?? []} operator={operator} tx={tx} />
        </section>
      ) : null}

      {operator ? <EvidencePanel api={api} cited={d.dossier.evidence ?? []} /> : null}
      <AuditLog api={api} id={d.id} version={version} names={names} />
    </div>
  );
}

// ---------------------------------------------------------------- the operator's commands

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

function OperatorActions({ api, d, runner, min, assessors, walletMode }: { api: WorkbenchApi; d: DossierDetail; runner: ActionRunner; min: number; assessors: Assessor[]; walletMode: boolean }) {
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
  const ask = (key: "accept" | "reject" | "assign" | "evaluate" | "reReview" | "approve" | "endNotice" | "suspend" | "reinstate" | "revoke" | "renew", text: string, who: string, run: () => Promise<{ txHash?: string } | void>, danger = false) => {
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
  return (
    <section className="card actions" aria-label={t("body.state")} data-testid="operator-actions">
      {d.state === "submitted" ? (
        <>
          <button type="button" className="primary" onClick={() => ask("accept", t("body.confirm.accept", { id }), w.byYou, () => post("accept"))}>
            {t("body.accept")}
          </button>
          <div className="field">
            <label htmlFor="reject-reason">{t("body.rejectReason")}</label>
            <input id="reject-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          </div>
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
      {d.state === "scored" ? (
        <button type="button" className="primary" onClick={() => ask("evaluate", t("body.confirm.evaluate", { id }), w.byYou, () => post("evaluate"))}>
          {t("body.evaluate")}
        </button>
      ) : null}
      {d.state === "flagged" ? (
        <button type="button" onClick={() => ask("reReview", t("body.confirm.evaluate", { id }), w.byYou, () => post("re-review"))}>
          {t("body.evaluate")}
        </button>
      ) : null}
      {d.state === "evaluated" ? (
        <button type="button" className="primary" onClick={() => ask("approve", walletMode ? t("bodyOps.wallet.approveConfirm", { id }) : t("body.confirm.approve", { id }), walletMode ? w.byWallet : w.byQueue, () => post("approve"))}>
          {t("body.approve")}
        </button>
      ) : null}
      {d.state === "queued" && walletMode ? (
        <p className="notice info" data-testid="queued-wallet">
          {t("bodyOps.wallet.queuedHint")} <a href="#/body?tab=outbox">{t("bodyOps.wallet.goIssue")}</a>
        </p>
      ) : null}
      {d.state === "in-notice" ? (
        <button type="button" className="primary" onClick={() => ask("endNotice", t("body.confirm.endNotice", { id }), w.byYou, () => post("end-notice"))}>
          {t("body.endNotice")}
        </button>
      ) : null}
      {lifecycle ? <EvidencePicker id="lifecycle-evidence" value={evidence} onChange={setEvidence} /> : null}
      {d.state === "issued" ? (
        <div className="row wrap align-end">
          <div className="field">
            <label htmlFor="suspend-reason">{w.suspendReason}</label>
            <input
              id="suspend-reason"
              value={suspendReason}
              aria-invalid={tried.suspend && !suspendReason.trim() ? true : undefined}
              aria-describedby={tried.suspend && !suspendReason.trim() ? "suspend-reason-error" : undefined}
              onChange={(e) => setSuspendReason(e.currentTarget.value)}
            />
            {tried.suspend && !suspendReason.trim() ? (
              <span id="suspend-reason-error" className="field-error">
                {w.reasonNeeded}
              </span>
            ) : null}
          </div>
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
      {d.state === "suspended" ? (
        <button type="button" onClick={() => ask("reinstate", t("body.confirm.reinstate", { id }), w.byKey, () => post("reinstate"))}>
          {t("body.reinstate")}
        </button>
      ) : null}
      {lifecycle ? (
        <div className="row wrap align-end">
          <RevocationReasonField id="revoke-reason" value={revokeReason} onChange={setRevokeReason} error={tried.revoke && !revokeReason ? w.revokeNeeded : null} />
          <div className="field">
            <label htmlFor="revoke-note">{w.revokeNote}</label>
            <input id="revoke-note" value={revokeNote} onChange={(e) => setRevokeNote(e.currentTarget.value)} />
          </div>
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
