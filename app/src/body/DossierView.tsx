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
import { WorkbenchError, type Assessor, type DossierDetail, type OwnSheetView, type Session, type WalletStatus } from "./api";
import type { WorkbenchApi } from "./api";
import { AuditLog, DecisionRecord, whenText } from "./AuditLog";
import { EvaluationInWords } from "./EvaluationInWords";
import { EvidencePanel } from "./Evidence";
import { Materials } from "./Materials";
import { ObjectionList } from "./Objections";
import { ReissueRequest, ReissueOperator } from "./Reissue";
import { ScoreSheet } from "./ScoreSheet";
import { OwnSheets, Person, StateBadge, useListWords } from "./parts";
import { ACTION_TEXT, OperatorActions, type Ask, type ActionRunner } from "./DossierActions";
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
  const w = useListWords();
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
    // a revocation at the holder's request closes their request: the 持证人申请 list with it
    void qc.invalidateQueries({ queryKey: ["revocation-requests"] });
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
  // an erased dossier's JSON is a tombstone (server/erasure.ts): its name and employer are gone, not to be read
  const erased = d.personalData === "erased";
  const shown = erased ? null : d.dossier;
  const applicantName = d.applicantName ?? shown?.applicant?.name ?? null;
  if (applicantName) names[d.applicant.toLowerCase()] = applicantName;
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
          <dd data-testid="dossier-applicant">
            <Person name={applicantName} personalData={d.personalData} address={d.applicant} />
          </dd>
          <dt>{t("body.employer")}</dt>
          <dd>
            {shown?.employer ? (
              <>
                {shown.employer.name} · <span className="mono break">{shown.employer.uscc}</span>
              </>
            ) : (
              <span className="hint">{erased ? w.erased : "—"}</span>
            )}
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
          {erased ? (
            <p className="notice" data-testid="materials-erased">
              {w.materialsErased}
            </p>
          ) : (
            <Materials api={api} raw={d.dossier} />
          )}
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

      {operator && !erased ? <EvidencePanel api={api} cited={shown?.evidence ?? []} /> : null}
      <AuditLog api={api} id={d.id} version={version} names={names} />
    </div>
  );
}

// ---------------------------------------------------------------- the operator's commands
