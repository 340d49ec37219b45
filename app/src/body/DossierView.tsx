/** One dossier in the console: its materials, panel, evaluation and every command the body or an assessor may give. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { levelLabel, shortHex } from "../lib/format";
import { TxView, useTx } from "../wallet/tx";
import { WorkbenchApi, type Assessor, type DossierDetail, type OwnSheetView, type Session, type WalletStatus } from "./api";
import { EvidencePanel, EvidencePicker } from "./Evidence";
import { ObjectionList } from "./Objections";
import { RevocationReasonField } from "./RevocationReasonField";
import { ReissueRequest, ReissueOperator } from "./Reissue";
import { ScoreSheet } from "./ScoreSheet";
import { OwnSheets, StateBadge, bi } from "./parts";

export function DossierView({ api, session, id }: { api: WorkbenchApi; session: Session; id: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const qc = useQueryClient();
  const tx = useTx();
  const q = useQuery({
    queryKey: ["dossier", id],
    queryFn: () => api.call<DossierDetail | OwnSheetView>("GET", `/dossiers/${encodeURIComponent(id)}`),
    refetchInterval: (query) => (query.state.data?.state === "queued" ? 1000 : false),
  });
  const operator = session.roles.includes("operator");
  const assessors = useQuery({ queryKey: ["assessors", "active"], enabled: operator, queryFn: async () => (await api.list<Assessor>("/assessors", { active: true, limit: 200 })).items });
  const walletMode = useQuery({ queryKey: ["wallet-issuance"], enabled: operator, queryFn: () => api.call<WalletStatus>("GET", "/issuance/wallet") }).data?.mode === "wallet";
  const rulebooks = useQuery({ queryKey: ["rulebooks"], queryFn: () => api.call<{ key: string; minAssessors: number }[]>("GET", "/rulebooks") });
  const [reason, setReason] = useState("");
  const [revokeReason, setRevokeReason] = useState<string>("Violation");
  const [renewal, setRenewal] = useState("");
  const [evidence, setEvidence] = useState("");
  const [panel, setPanel] = useState<string[]>([]);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["dossier", id] });
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
  };
  const act = (text: string, path: string, body: unknown = {}) => tx.ask(text, async () => void (await api.call("POST", `/dossiers/${encodeURIComponent(id)}/${path}`, body)), refresh);

  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <p role="status">{t("app.loading")}</p>;
  if (q.data.access === "own-sheet") return <OwnSheets d={q.data} tx={tx} />;
  const d = q.data;
  const min = rulebooks.data?.find((r) => r.key === d.rulebook)?.minAssessors ?? 3;
  const me = d.panel.find((p) => p.address.toLowerCase() === session.address.toLowerCase());
  const ev = d.evaluation;
  return (
    <div>
      <p>
        <a href="#/body">← {t("body.inbox")}</a>
      </p>
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
            {d.dossier.employer.name} · <span className="mono">{d.dossier.employer.uscc}</span>
          </dd>
          <dt>{t("verify.rulebook")}</dt>
          <dd>{d.rulebook}</dd>
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
                {t("body.issuanceStatus", { status: d.issuance.status })} {d.issuance.lastError ? <span className="notice error">{d.issuance.lastError}</span> : null}
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

      {operator ? (
        <section className="card" aria-label={t("body.state")}>
          {d.state === "submitted" ? (
            <>
              <button type="button" className="primary" onClick={() => act(t("body.confirm.accept", { id }), "accept")}>
                {t("body.accept")}
              </button>
              <label htmlFor="reject-reason">{t("body.rejectReason")}</label>
              <input id="reject-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
              <button type="button" className="danger" disabled={!reason.trim()} onClick={() => act(t("body.confirm.reject", { id }), "reject", { reasons: [reason.trim()] })}>
                {t("body.reject")}
              </button>
            </>
          ) : null}
          {d.state === "accepted" ? (
            <fieldset>
              <legend>{t("body.chooseAssessors", { n: min })}</legend>
              {(assessors.data ?? [])
                .filter((a) => a.active)
                .map((a) => (
                  <div key={a.address} className="row">
                    <input
                      type="checkbox"
                      id={`as-${a.address}`}
                      checked={panel.includes(a.address)}
                      onChange={(e) => setPanel(e.currentTarget.checked ? [...panel, a.address] : panel.filter((x) => x !== a.address))}
                    />
                    <label htmlFor={`as-${a.address}`}>
                      {a.assessorId} · {a.name} · <span className="mono">{shortHex(a.address)}</span>
                    </label>
                  </div>
                ))}
              <button type="button" className="primary" disabled={panel.length < min} onClick={() => act(t("body.confirm.assign", { id, n: panel.length }), "assign", { assessors: panel })}>
                {t("body.assign")}
              </button>
            </fieldset>
          ) : null}
          {d.state === "scored" ? (
            <button type="button" className="primary" onClick={() => act(t("body.confirm.evaluate", { id }), "evaluate")}>
              {t("body.evaluate")}
            </button>
          ) : null}
          {d.state === "flagged" ? (
            <button type="button" onClick={() => act(t("body.confirm.evaluate", { id }), "re-review")}>
              {t("body.evaluate")}
            </button>
          ) : null}
          {d.state === "evaluated" ? (
            <button type="button" className="primary" onClick={() => act(walletMode ? t("bodyOps.wallet.approveConfirm", { id }) : t("body.confirm.approve", { id }), "approve")}>
              {t("body.approve")}
            </button>
          ) : null}
          {d.state === "queued" && walletMode ? (
            <p className="notice info" data-testid="queued-wallet">
              {t("bodyOps.wallet.queuedHint")} <a href="#/body?tab=outbox">{t("bodyOps.wallet.goIssue")}</a>
            </p>
          ) : null}
          {d.state === "in-notice" ? (
            <button type="button" className="primary" onClick={() => act(t("body.confirm.endNotice", { id }), "end-notice")}>
              {t("body.endNotice")}
            </button>
          ) : null}
          {["in-notice", "issued", "suspended"].includes(d.state) ? <EvidencePicker id="lifecycle-evidence" value={evidence} onChange={setEvidence} /> : null}
          {d.state === "issued" ? (
            <button type="button" onClick={() => act(t("body.confirm.suspend", { id }), "suspend", evidence ? { evidence } : {})}>
              {t("body.suspend")}
            </button>
          ) : null}
          {d.state === "suspended" ? (
            <button type="button" onClick={() => act(t("body.confirm.reinstate", { id }), "reinstate")}>
              {t("body.reinstate")}
            </button>
          ) : null}
          {["in-notice", "issued", "suspended"].includes(d.state) ? (
            <div className="row wrap align-end">
              <RevocationReasonField id="revoke-reason" value={revokeReason} onChange={setRevokeReason} />
              <button type="button" className="danger" onClick={() => act(t("body.confirm.revoke", { id, reason: t(`reason.${revokeReason}`) }), "revoke", { reason: revokeReason, ...(evidence ? { evidence } : {}) })}>
                {t("body.revoke")}
              </button>
            </div>
          ) : null}
          {d.state === "issued" ? (
            <div className="row wrap align-end">
              <div className="field">
                <label htmlFor="renewal-id">{t("body.renewalDossier")}</label>
                <input id="renewal-id" value={renewal} onChange={(e) => setRenewal(e.currentTarget.value.trim())} />
              </div>
              <button type="button" disabled={!renewal} onClick={() => act(t("body.confirm.renew", { renewal }), "renew", { renewalDossierId: renewal })}>
                {t("body.renew")}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      {me && !me.sheetSubmitted && d.state === "assigned" && session.roles.includes("assessor") ? <ScoreSheet api={api} dossier={d} me={me} tx={tx} onDone={refresh} /> : null}

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

      <EvidencePanel api={api} cited={d.dossier.evidence ?? []} />

      {ev ? (
        <section className="card" aria-labelledby="evaluation-heading" data-testid="evaluation">
          <h2 id="evaluation-heading">{t("body.evaluation")}</h2>
          <p className="verdict-title">
            {ev.level ? levelLabel(ev.level, lang) : "—"} · {t("body.total")} {(ev.total / 10).toFixed(1)} / {(ev.totalMax / 10).toFixed(1)}
          </p>
          {ev.levelReasons.map((m, i) => (
            <p key={i}>{bi(m, lang)}</p>
          ))}
          {ev.blockers.length ? (
            <div className="notice error">
              <strong>{t("body.blockers")}</strong>
              <ul>
                {ev.blockers.map((m, i) => (
                  <li key={i}>{bi(m, lang)}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <h3>{t("body.eligible")}</h3>
          <ul>
            {ev.eligibility.rules.map((r) => (
              <li key={r.id}>
                {r.passed ? "✔" : "✖"} {bi(r.name, lang)} — {bi(r.reason, lang)}
              </li>
            ))}
          </ul>
          <h3>{t("body.veto")}</h3>
          <ul>
            {ev.veto.items.map((v) => (
              <li key={v.id}>
                {v.triggered ? "✖" : "✔"} {bi(v.name, lang)} — {bi(v.reason, lang)}
              </li>
            ))}
          </ul>
          <table className="list">
            <tbody>
              {ev.dimensions.map((dim) => (
                <tr key={dim.id}>
                  <th scope="row">{bi(dim.name, lang)}</th>
                  <td>
                    {(dim.points / 10).toFixed(1)} / {(dim.max / 10).toFixed(1)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>{t("body.indicator")}</summary>
            <ul>
              {ev.indicators.map((ind) => (
                <li key={ind.id}>
                  <strong>{bi(ind.name, lang)}</strong> {(ind.points / 10).toFixed(1)} / {(ind.max / 10).toFixed(1)}
                  <ul>
                    {ind.explanation.map((m, i) => (
                      <li key={i}>{bi(m, lang)}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </details>
        </section>
      ) : null}
    </div>
  );
}
