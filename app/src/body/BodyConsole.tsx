/**
 * 认定主体 console over the workbench API (sign-in with Ethereum): the dossier inbox and acceptance, panel
 * assignment, the assessor's score sheet (signed in the wallet), the evaluation with its explanation, approval
 * into the issuance queue (the body's key issues in batches; progress and retry shown), the public notice with
 * objections, and suspend / reinstate / revoke / renew with reasons. Each action asks for confirmation first.
 * Also: issuance signed in the operator's own wallet (WalletIssuance), re-issue to a new wallet with the new
 * wallet's consent (Reissue, and its consent page `#/body/consent`), objection rulings (Objections) and evidence
 * files by SHA-256 (Evidence).
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { levelLabel, shortHex } from "../lib/format";
import type { Route } from "../router";
import { useChainish } from "../wallet/context";
import { TxView, useTx, type TxRunner } from "../wallet/tx";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import { WorkbenchApi, type Assessor, type DossierDetail, type DossierSummary, type OwnSheetView, type Message, type ObjectionView, type OutboxItem, type OutboxPage, type Page, type Session, type WalletStatus } from "./api";
import { EvidencePanel, EvidencePicker } from "./Evidence";
import { ObjectionList } from "./Objections";
import { RevocationReasonField } from "./RevocationReasonField";
import { ConsentPage, ReissueRequest, ReissueOperator } from "./Reissue";
import { ScoreSheet } from "./ScoreSheet";
import { WalletIssuance } from "./WalletIssuance";

type Tab = "inbox" | "notice" | "outbox" | "assessors";

export default function BodyConsole({ route }: { route: Route }) {
  const { t } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const api = useMemo(() => new WorkbenchApi(new URL(c.config.apiBase, window.location.href).href.replace(/\/$/, "")), [c.config.apiBase]);
  const [session, setSession] = useState<Session | null>(() => api.session());
  const [signInError, setSignInError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mine = session && w.address && session.address.toLowerCase() === w.address.toLowerCase() ? session : null;

  const signIn = async () => {
    if (!w.address) return;
    setBusy(true);
    setSignInError(null);
    try {
      setSession(await api.signIn(await w.walletClient(), w.address, c.chain.id));
    } catch (err) {
      setSignInError(err);
    } finally {
      setBusy(false);
    }
  };

  const [, section, arg] = route.parts;
  const tab = (route.query.get("tab") as Tab | null) ?? "inbox";
  // the new wallet's consent to a re-issue: no workbench session needed, only that wallet
  if (section === "consent") return <ConsentPage query={route.query} />;
  return (
    <div>
      <h1>{t("body.heading")}</h1>
      <p>{t("body.intro")}</p>
      <ConnectPanel />
      {w.connected && !mine ? (
        <div className="card">
          <button type="button" className="primary" disabled={busy} onClick={() => void signIn()}>
            {t("body.signIn")}
          </button>
          {busy ? <p role="status">{t("tx.signing")}</p> : null}
          {signInError ? <ErrorBox error={signInError} /> : null}
        </div>
      ) : null}
      {mine ? (
        <>
          <div className="row wrap card" data-testid="signed-in">
            <span>{t("body.signedIn", { address: shortHex(mine.address), roles: mine.roles.map((r) => t(`body.roles.${r}`)).join("、") })}</span>
            <button
              type="button"
              onClick={() => {
                void api.signOut().then(() => setSession(null));
              }}
            >
              {t("body.signOut")}
            </button>
          </div>
          {section === "dossier" && arg ? (
            <DossierView api={api} session={mine} id={arg} />
          ) : (
            <>
              <div className="tabs" role="tablist">
                {(["inbox", "notice", ...(mine.roles.includes("operator") ? (["outbox", "assessors"] as const) : [])] as Tab[]).map((k) => (
                  <a key={k} role="tab" aria-selected={tab === k} className={tab === k ? "button primary" : "button"} href={`#/body?tab=${k}`}>
                    {t(`body.${k}`)}
                  </a>
                ))}
              </div>
              {tab === "inbox" ? <Inbox api={api} /> : null}
              {tab === "notice" ? <Notice api={api} operator={mine.roles.includes("operator")} /> : null}
              {tab === "outbox" ? (
                <>
                  <WalletIssuance api={api} />
                  <Outbox api={api} />
                </>
              ) : null}
              {tab === "assessors" ? <Assessors api={api} /> : null}
            </>
          )}
        </>
      ) : null}
    </div>
  );
}

/** An assessor after the round: the sheets they signed, read-only. */
function OwnSheets({ d, tx }: { d: OwnSheetView; tx: TxRunner }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="own-sheet-heading">
      <p>
        <a href="#/body">← {t("body.inbox")}</a>
      </p>
      {/* the outcome of the sheet just handed in stays in view */}
      <TxView tx={tx} />
      <h2 id="own-sheet-heading">{t("body.dossier", { id: d.id })}</h2>
      <p>
        {t("body.state")}: <StateBadge state={d.state} />
      </p>
      <p role="note">{t("body.ownSheetOnly")}</p>
      <ul>
        {d.mySheets.map((s) => (
          <li key={s.round} data-testid="own-sheet">
            {t("body.ownSheetRound", { round: s.round })} · <code className="break">{s.digest}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className="badge state" data-state={state}>
      {t(`body.states.${state}`, { defaultValue: state })}
    </span>
  );
}

const PAGE_SIZE = 50;

/** Pages of a list by cursor: the cursors of the pages before this one, so "previous" goes back exactly. */
function usePager() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.length ? cursors[cursors.length - 1] : undefined,
    page: cursors.length + 1,
    next: (c: string) => setCursors((x) => [...x, c]),
    previous: () => setCursors((x) => x.slice(0, -1)),
    reset: () => setCursors([]),
  };
}

function Pager({ pager, page, total, totalCapped }: { pager: ReturnType<typeof usePager>; page: Page<unknown> | undefined; total?: number; totalCapped?: boolean }) {
  const { t } = useTranslation();
  if (!page || (pager.page === 1 && !page.nextCursor)) return total ? <p>{t("body.listTotal", { total })}</p> : null;
  return (
    <div className="row wrap align-end" role="navigation" aria-label={t("body.pages")}>
      <button type="button" data-testid="page-previous" disabled={pager.page === 1} onClick={pager.previous}>
        ← {t("body.previous")}
      </button>
      <span data-testid="page-number">
        {t("body.pageNumber", { page: pager.page })}
        {total !== undefined ? ` · ${totalCapped ? t("body.listTotalCapped", { total }) : t("body.listTotal", { total })}` : ""}
      </span>
      <button type="button" data-testid="page-next" disabled={!page.nextCursor} onClick={() => page.nextCursor && pager.next(page.nextCursor)}>
        {t("body.next")} →
      </button>
    </div>
  );
}

/**
 * The inbox: a page of 50 at a time (newest first; by number when searching a number), filtered by state or by
 * "needs action", searched by dossier number or applicant address on the server. Polled every 3 s with the list's
 * ETag (an unchanged inbox is a 304 without a body), again when the window regains focus and after one's own actions.
 */
function Inbox({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState("");
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const pager = usePager();
  const query = { limit: PAGE_SIZE, cursor: pager.cursor, q: search || undefined, ...(filter === "needs-action" ? { needsAction: true } : filter ? { state: filter } : {}) };
  const q = useQuery({ queryKey: ["dossiers", "inbox", query], queryFn: () => api.list<DossierSummary>("/dossiers", query), refetchInterval: 3000, placeholderData: keepPreviousData });
  // the total comes with the first page: kept while paging through the same filter and search
  const [total, setTotal] = useState<{ key: string; total: number; capped: boolean } | null>(null);
  const totalKey = `${filter} ${search}`;
  const data = q.data;
  useEffect(() => {
    if (data?.total !== undefined && pager.page === 1) setTotal({ key: totalKey, total: data.total, capped: data.totalCapped === true });
  }, [data, totalKey, pager.page]);
  const shownTotal = total?.key === totalKey ? total : null;
  const rows = data?.items ?? [];
  return (
    <section className="card" aria-labelledby="inbox-heading">
      <h2 id="inbox-heading">{t("body.inbox")}</h2>
      <form
        className="row wrap align-end"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(text.trim());
          pager.reset();
        }}
      >
        <div className="field">
          <label htmlFor="inbox-search">{t("body.searchLabel")}</label>
          <input id="inbox-search" type="search" value={text} placeholder={t("body.searchPlaceholder")} onChange={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="submit">{t("body.search")}</button>
        {search ? (
          <button
            type="button"
            onClick={() => {
              setText("");
              setSearch("");
              pager.reset();
            }}
          >
            {t("body.clearSearch")}
          </button>
        ) : null}
        <div className="field">
          <label htmlFor="state-filter">{t("body.state")}</label>
          <select
            id="state-filter"
            value={filter}
            onChange={(e) => {
              setFilter(e.currentTarget.value);
              pager.reset();
            }}
          >
            <option value="">{t("body.allStates")}</option>
            <option value="needs-action">{t("body.needsAction")}</option>
            {Object.keys(t("body.states", { returnObjects: true }) as Record<string, string>).map((s) => (
              <option key={s} value={s}>
                {t(`body.states.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {q.error ? <ErrorBox error={q.error} onRetry={() => void q.refetch()} /> : null}
      {!data && !q.error ? <p role="status">{t("app.loading")}</p> : null}
      {rows.length === 0 && data ? <p>{search ? t("body.noMatch") : t("body.empty")}</p> : null}
      {rows.length ? (
        <table className="list" data-testid="inbox">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("body.state")}</th>
              <th scope="col">{t("body.applicant")}</th>
              <th scope="col">{t("body.tokenId")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-dossier={d.id}>
                <td>
                  <a href={`#/body/dossier/${encodeURIComponent(d.id)}`}>{d.id}</a>
                </td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td className="mono">{shortHex(d.applicant)}</td>
                <td>{d.tokenId ? <a href={`#/verify/${d.tokenId}`}>{d.tokenId}</a> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} page={data} total={shownTotal?.total} totalCapped={shownTotal?.capped} />
    </section>
  );
}

const bi = (m: Message | null | undefined, lang: string) => (m ? (lang === "en" ? m.en : m.zh) : "");

function DossierView({ api, session, id }: { api: WorkbenchApi; session: Session; id: string }) {
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

function Notice({ api, operator }: { api: WorkbenchApi; operator: boolean }) {
  const { t } = useTranslation();
  const c = useChainish();
  const tx = useTx();
  // the server filters: the dossiers in notice, the open objections and the closed ones, each the first page of 200
  const dossiers = useQuery({ queryKey: ["dossiers", "in-notice"], queryFn: () => api.list<DossierSummary>("/dossiers", { state: "in-notice", limit: 200 }) });
  const openObjections = useQuery({ queryKey: ["objections", "open"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["filing", "filed"], limit: 200 }) });
  const closedObjections = useQuery({ queryKey: ["objections", "closed"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["upheld", "dismissed", "not-filed"], limit: 200 }) });
  const objections = openObjections.error ? openObjections : closedObjections;
  const inNotice = (dossiers.data?.items ?? []).filter((d) => d.state === "in-notice" && d.tokenId);
  const chain = useQuery({
    queryKey: ["notice-chain", inNotice.map((d) => d.tokenId).join(",")],
    enabled: inNotice.length > 0,
    queryFn: () => Promise.all(inNotice.map((d) => c.cqo.verifyCertificate(d.tokenId!))),
  });
  const open = openObjections.data?.items ?? [];
  const closed = closedObjections.data?.items ?? [];
  return (
    <>
      <TxView tx={tx} />
      <section className="card" aria-labelledby="notice-heading">
        <h2 id="notice-heading">{t("body.notice")}</h2>
        {dossiers.error ? <ErrorBox error={dossiers.error} /> : null}
        {inNotice.length === 0 ? <p>{t("body.empty")}</p> : null}
        {dossiers.data?.nextCursor ? <p>{t("body.firstOnly", { n: inNotice.length })}</p> : null}
        <ul>
          {inNotice.map((d, i) => {
            const v = chain.data?.[i];
            return (
              <li key={d.id}>
                <a href={`#/body/dossier/${encodeURIComponent(d.id)}`}>{d.id}</a> · <a href={`#/verify/${d.tokenId}`}>#{d.tokenId}</a>
                {v ? ` · ${t(`verdict.${v.status}.title`)}${v.underObjection ? ` · ⚠ ${t("verdict.underObjection")}` : ""}` : ""}
              </li>
            );
          })}
        </ul>
      </section>
      <section className="card" aria-labelledby="objections-heading">
        <h2 id="objections-heading">{t("bodyOps.objections.heading")}</h2>
        <p>{t("bodyOps.objections.intro")}</p>
        {objections.error ? <ErrorBox error={objections.error} onRetry={() => void objections.refetch()} /> : null}
        <h3>{t("bodyOps.objections.open", { n: open.length })}</h3>
        <ObjectionList api={api} objections={open} operator={operator} tx={tx} showDossier />
        {closed.length ? (
          <details>
            <summary>{t("bodyOps.objections.closed", { n: closed.length })}</summary>
            <ObjectionList api={api} objections={closed} operator={false} tx={tx} showDossier />
          </details>
        ) : null}
      </section>
    </>
  );
}

function Outbox({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // progress from the counts per status (the first page carries them), the rows a page at a time; both polled with their ETag
  const counts = useQuery({
    queryKey: ["outbox", "counts"],
    queryFn: async () => (await api.list<OutboxItem, OutboxPage>("/outbox", { limit: 1 })).counts ?? null,
    refetchInterval: (query) => (query.state.data && query.state.data.queued + query.state.data.sending > 0 ? 1000 : 5000),
  });
  const pager = usePager();
  const q = useQuery({
    queryKey: ["outbox", "page", pager.cursor ?? ""],
    queryFn: () => api.list<OutboxItem, OutboxPage>("/outbox", { limit: PAGE_SIZE, cursor: pager.cursor }),
    refetchInterval: counts.data && counts.data.queued + counts.data.sending > 0 ? 1000 : 5000,
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const c = counts.data;
  const all = c ? c.queued + c.sending + c.issued + c.failed : 0;
  const done = c?.issued ?? 0;
  return (
    <section className="card" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">{t("body.outbox")}</h2>
      {q.error ? <ErrorBox error={q.error} /> : null}
      {all ? (
        <p role="status" data-testid="outbox-progress">
          <progress max={all} value={done} /> {t("body.progress", { done, total: all })}
        </p>
      ) : (
        <p>{t("body.empty")}</p>
      )}
      <table className="list">
        <tbody>
          {items.map((o) => (
            <tr key={o.root}>
              <td>{o.dossierId}</td>
              <td>{o.status}</td>
              <td>{o.tokenId ? <a href={`#/verify/${o.tokenId}`}>{o.tokenId}</a> : "—"}</td>
              <td className="mono">{o.txHash ? shortHex(o.txHash) : ""}</td>
              <td>
                {o.status === "failed" ? (
                  <button type="button" onClick={() => void api.call("POST", `/outbox/${o.root}/retry`).then(() => qc.invalidateQueries({ queryKey: ["outbox"] }))}>
                    {t("body.retry")}
                  </button>
                ) : null}
                {o.lastError ? <span className="notice error">{o.lastError}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager pager={pager} page={q.data} />
    </section>
  );
}

function Assessors({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const pager = usePager();
  const q = useQuery({ queryKey: ["assessors", "page", pager.cursor ?? ""], queryFn: () => api.list<Assessor>("/assessors", { limit: PAGE_SIZE, cursor: pager.cursor }), placeholderData: keepPreviousData });
  const [form, setForm] = useState({ address: "", assessorId: "", name: "", employerUscc: "" });
  const [error, setError] = useState<unknown>(null);
  const field = (k: keyof typeof form, label: string) => (
    <div className="field">
      <label htmlFor={`asr-${k}`}>{label}</label>
      <input id={`asr-${k}`} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.currentTarget.value.trim() })} />
    </div>
  );
  return (
    <section className="card" aria-labelledby="assessors-heading">
      <h2 id="assessors-heading">{t("body.assessors")}</h2>
      <ul>
        {(q.data?.items ?? []).map((a) => (
          <li key={a.address}>
            {a.assessorId} · {a.name} · <span className="mono">{shortHex(a.address)}</span> · {a.employerUscc} {a.active ? "" : "✖"}
          </li>
        ))}
      </ul>
      <Pager pager={pager} page={q.data} total={q.data?.total} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.call("POST", "/assessors", form).then(
            () => {
              setForm({ address: "", assessorId: "", name: "", employerUscc: "" });
              void qc.invalidateQueries({ queryKey: ["assessors"] });
            },
            (err: unknown) => setError(err),
          );
        }}
      >
        <h3>{t("body.registerAssessor")}</h3>
        <div className="row wrap">
          {field("address", t("association.adminAddress").replace(/主体管理员|Body admin /, ""))}
          {field("assessorId", t("body.assessorId"))}
          {field("name", t("body.assessorName"))}
          {field("employerUscc", t("body.assessorUscc"))}
        </div>
        <button type="submit" className="primary">
          {t("body.registerAssessor")}
        </button>
        {error ? <ErrorBox error={error} /> : null}
      </form>
    </section>
  );
}
