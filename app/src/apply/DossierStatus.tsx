/**
 * #/apply/<dossierId>: where an application stands — 申请 → 受理 → 认定 → 公示 → 发证 from the workbench's state and
 * the dates of its audit log; the reasons of a 不予受理, the evaluation once decided (eligibility, veto, level and
 * its explanation), the withdrawal before acceptance, and once issued the way to the certificate.
 */
import { useCallback, useEffect, useState } from "react";
import type { Evaluation } from "../../../scoring";
import type { DossierSummary, Page, WorkbenchApi } from "../body/api";
import { ErrorBox } from "../components/ErrorBox";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDateTime } from "../lib/format";
import { stateWords, useWords, type TextKey, type Words } from "./text";

export interface DossierStatusView extends DossierSummary {
  rejection?: Words[] | null;
  evaluation?: Evaluation | null;
}

interface AuditEntry {
  action: string;
  from: string | null;
  to: string | null;
  details: unknown;
  at: number;
}

type StepState = "done" | "current" | "pending" | "failed";

const STEPS: { label: TextKey; actions: string[] }[] = [
  { label: "stepApply", actions: ["submit"] },
  { label: "stepAccept", actions: ["accept", "reject", "withdraw"] },
  { label: "stepDecide", actions: ["evaluate"] },
  // a re-evaluation's notice begins when the body renews the certificate with it (on-chain, the same number)
  { label: "stepNotice", actions: ["issued-on-chain", "apply-renewal"] },
  { label: "stepIssue", actions: ["end-notice"] },
];

/** How far each state has come: the steps done, and whether the next one failed or ended the application. */
function progressOf(state: string): { done: number; failed: boolean } {
  switch (state) {
    case "submitted":
      return { done: 1, failed: false };
    case "rejected":
    case "withdrawn":
      return { done: 1, failed: true };
    case "accepted":
    case "assigned":
    case "scored":
    case "flagged":
      return { done: 2, failed: false };
    case "not-certified":
      return { done: 2, failed: true };
    case "evaluated":
    case "queued":
      return { done: 3, failed: false };
    case "in-notice":
      return { done: 3, failed: false };
    default:
      // issued, suspended, revoked, renewal-applied: the certificate was issued
      return { done: 5, failed: false };
  }
}

const ISSUED = ["in-notice", "issued", "suspended", "revoked"];

/** the certificate a re-evaluation renewed (its audit entry `apply-renewal`), or null */
function renewedToken(audit: AuditEntry[]): string | null {
  const entry = [...audit].reverse().find((a) => a.action === "apply-renewal");
  const token = (entry?.details as { tokenId?: unknown } | null | undefined)?.tokenId;
  return typeof token === "string" && /^[1-9]\d*$/.test(token) ? token : null;
}

export function DossierStatus({ api, id }: { api: WorkbenchApi; id: string }) {
  const { tx, pick, lang } = useWords();
  const [d, setD] = useState<DossierStatusView | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [detail, page] = await Promise.all([api.call<DossierStatusView>("GET", `/dossiers/${encodeURIComponent(id)}`), api.list<AuditEntry>(`/dossiers/${encodeURIComponent(id)}/audit`, { limit: 100 })]);
      setD(detail);
      setAudit((page as Page<AuditEntry>).items);
    } catch (err) {
      setError(err);
    }
  }, [api, id]);
  useEffect(() => {
    void load();
  }, [load]);

  const withdraw = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call<DossierSummary>("POST", `/dossiers/${encodeURIComponent(id)}/withdraw`, note.trim() ? { note: note.trim() } : {});
      setConfirming(false);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <p>
      <a href="#/apply">← {tx("back")}</a>
    </p>
  );
  if (!d) return error ? <>{back}<ErrorBox error={error} onRetry={() => void load()} /></> : <p role="status">{tx("loading")}</p>;

  const { done, failed } = progressOf(d.state);
  const when = (actions: string[]) => [...audit].reverse().find((a) => actions.includes(a.action))?.at;
  const ev = d.evaluation ?? null;
  const stepState = (i: number): StepState => (i < done ? "done" : i === done ? (failed ? "failed" : "current") : "pending");

  return (
    <section className="apply-status" aria-labelledby="status-title" data-state={d.state}>
      {back}
      <h2 id="status-title">
        {tx("statusTitle")} · <span className="mono">{d.id}</span>
      </h2>
      <p>
        {tx("state")}: <strong data-testid="dossier-state">{pick(stateWords(d.state))}</strong>{" "}
        <button type="button" className="link" onClick={() => void load()}>
          {tx("refresh")}
        </button>
      </p>
      <ol className="apply-steps" data-testid="steps">
        {STEPS.map((s, i) => {
          const st = stepState(i);
          const at = st !== "pending" ? when(s.actions) : undefined;
          return (
            <li key={s.label} className={`apply-step apply-step--${st}`} data-step={s.label} data-status={st} aria-current={st === "current" ? "step" : undefined}>
              <span className="apply-step-name">{tx(s.label)}</span>
              <span className="apply-step-status">{st === "failed" ? pick(stateWords(d.state)) : tx(st)}</span>
              {at ? <time dateTime={new Date(at).toISOString()}>{formatDateTime(at / 1000, lang)}</time> : null}
            </li>
          );
        })}
      </ol>

      {d.state === "withdrawn" ? <p className="notice info">{tx("withdrawnNote")}</p> : null}
      {d.rejection && d.rejection.length > 0 ? (
        <div className="notice error" data-testid="rejection">
          <strong>{tx("rejectedTitle")}</strong>
          <ul>
            {d.rejection.map((r, i) => (
              <li key={i}>{pick(r)}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {ev ? <EvaluationPart ev={ev} /> : null}

      {d.state === "renewal-applied" ? <RenewedNote tokenId={renewedToken(audit)} /> : null}

      {ISSUED.includes(d.state) && d.tokenId ? (
        <p className="notice ok">
          <a href="#/mine" data-testid="to-mine">
            {tx("toMine")} →
          </a>
        </p>
      ) : null}

      {d.state === "submitted" ? (
        <div className="card withdraw-box">
          {confirming ? (
            <div role="group" aria-labelledby="withdraw-confirm-text">
              <p id="withdraw-confirm-text">{tx("withdrawConfirm")}</p>
              <label htmlFor="withdraw-note">{tx("withdrawNote")}</label>
              <textarea id="withdraw-note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
              <div className="row wrap">
                <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()} data-testid="withdraw-confirm">
                  {tx("withdrawDo")}
                </button>
                <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
                  {tx("cancel")}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirming(true)} data-testid="withdraw">
              {tx("withdraw")}
            </button>
          )}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}

      {audit.length > 0 ? (
        <details className="apply-history">
          <summary>{tx("history")}</summary>
          <ol className="timeline">
            {audit.map((a, i) => (
              <li key={i} className="tl">
                <span className="tl-what">{a.to ? pick(stateWords(a.to)) : a.action}</span>
                <time>{formatDateTime(a.at / 1000, lang)}</time>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}

/** 复评 used: which certificate it renewed (the same number), its new notice, where to verify it */
function RenewedNote({ tokenId }: { tokenId: string | null }) {
  const { tx } = useWords();
  const number = tokenId ? formatCertificateNumber(tokenId) : null;
  return (
    <div className="notice ok" data-testid="renewed-certificate">
      <p>{number ? tx("renewedCertificate").replace("{n}", number) : tx("renewedSome")}</p>
      <p>{tx("renewedNotice")}</p>
      <p className="row wrap">
        {tokenId ? <a href={`#/verify/${tokenId}`}>{tx("renewedVerify")} →</a> : null}
        <a href="#/mine" data-testid="to-mine">
          {tx("toMine")} →
        </a>
      </p>
    </div>
  );
}

function EvaluationPart({ ev }: { ev: Evaluation }) {
  const { tx, pick } = useWords();
  const failedRules = ev.eligibility.rules.filter((r) => !r.passed);
  const vetoes = ev.veto.items.filter((v) => v.triggered);
  return (
    <div className="card" data-testid="evaluation">
      <h3>{tx("evaluation")}</h3>
      <dl className="facts">
        <dt>{tx("level")}</dt>
        <dd>{ev.levelName ? pick(ev.levelName) : "—"}</dd>
        <dt>{tx("total")}</dt>
        <dd>
          {(ev.total / 10).toFixed(1)} / {(ev.totalMax / 10).toFixed(1)}
        </dd>
      </dl>
      {failedRules.length > 0 ? (
        <>
          <h4>{tx("eligibilityFailed")}</h4>
          <ul data-testid="eligibility-failures">
            {failedRules.map((r) => (
              <li key={r.id}>
                <strong>{pick(r.name)}</strong>：{pick(r.reason)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {vetoes.length > 0 ? (
        <>
          <h4>{tx("vetoed")}</h4>
          <ul data-testid="veto-items">
            {vetoes.map((v) => (
              <li key={v.id}>
                <strong>{pick(v.name)}</strong>：{pick(v.reason)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {ev.levelReasons.length > 0 ? (
        <>
          <h4>{tx("levelReasons")}</h4>
          <ul>
            {ev.levelReasons.map((m, i) => (
              <li key={i}>{pick(m)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {ev.blockers.length > 0 ? (
        <>
          <h4>{tx("blockers")}</h4>
          <ul>
            {ev.blockers.map((m, i) => (
              <li key={i}>{pick(m)}</li>
            ))}
          </ul>
        </>
      ) : null}
      <details>
        <summary>{tx("indicators")}</summary>
        <ul>
          {ev.indicators.map((ind) => (
            <li key={ind.id}>
              <strong>{pick(ind.name)}</strong> {(ind.points / 10).toFixed(1)} / {(ind.max / 10).toFixed(1)}
              {ind.explanation.length > 0 ? (
                <ul>
                  {ind.explanation.map((m, i) => (
                    <li key={i}>{pick(m)}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
