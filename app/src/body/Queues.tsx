/**
 * The console's other tabs: certificates in public notice (公示) with the notice's end and the days left, and the
 * confirmation of the issuance once the notice is over with no objection open (disabled until then, the reason
 * shown); the issuance outbox (the register of assessors is Assessors.tsx). A table on wide screens, cards below
 * 640 px.
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { chainNow } from "../lib/chainTime";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDateTime } from "../lib/format";
import { useChainish } from "../wallet/context";
import { TxView, useTx } from "../wallet/tx";
import { useWallet } from "../wallet/wallet";
import { WorkbenchApi, type NamedDossier, type ObjectionView, type OutboxItem, type OutboxPage } from "./api";
import { ObjectionList } from "./Objections";
import { canRetry, CertificateNumber, ConfirmDialog, CopyValue, Pager, PAGE_SIZE, Person, useListWords, usePager } from "./parts";

const DAY = 86_400;

type Ending = { id: string; stage: "confirm" | "running" | "done" } | { id: string; stage: "error"; error: unknown } | null;

export function Notice({ api, operator }: { api: WorkbenchApi; operator: boolean }) {
  const { t, i18n } = useTranslation();
  const w = useListWords();
  const c = useChainish();
  const wallet = useWallet();
  const qc = useQueryClient();
  const tx = useTx();
  const [ending, setEnding] = useState<Ending>(null);
  // the server filters: the dossiers in notice, the open objections and the closed ones, each the first page of 200
  const dossiers = useQuery({ queryKey: ["dossiers", "in-notice"], queryFn: () => api.list<NamedDossier>("/dossiers", { state: "in-notice", limit: 200 }), refetchInterval: 5000 });
  const openObjections = useQuery({ queryKey: ["objections", "open"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["filing", "filed"], limit: 200 }), refetchInterval: 5000 });
  const closedObjections = useQuery({ queryKey: ["objections", "closed"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["upheld", "dismissed", "not-filed"], limit: 200 }) });
  const objections = openObjections.error ? openObjections : closedObjections;
  const inNotice = (dossiers.data?.items ?? []).filter((d) => d.state === "in-notice" && d.tokenId);
  // the chain's view of each certificate and the chain's now: the notice ends by the chain's clock, not the device's
  const chain = useQuery({
    queryKey: ["notice-chain", inNotice.map((d) => d.tokenId).join(",")],
    enabled: inNotice.length > 0,
    refetchInterval: 15_000,
    queryFn: async () => {
      const [now, list] = await Promise.all([chainNow(await wallet.publicClient(), c.config.deployment), Promise.all(inNotice.map((d) => c.cqo.verifyCertificate(d.tokenId!)))]);
      return { now, list };
    },
  });
  const open = openObjections.data?.items ?? [];
  const closed = closedObjections.data?.items ?? [];
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
    void qc.invalidateQueries({ queryKey: ["dossier"] });
    void qc.invalidateQueries({ queryKey: ["notice-chain"] });
  };
  const endNotice = async (id: string) => {
    setEnding({ id, stage: "running" });
    try {
      await api.call("POST", `/dossiers/${encodeURIComponent(id)}/end-notice`, {});
      setEnding({ id, stage: "done" });
      refresh();
    } catch (error) {
      setEnding({ id, stage: "error", error });
    }
  };
  const confirming = ending?.stage === "confirm" ? inNotice.find((d) => d.id === ending.id) : undefined;
  return (
    <>
      <TxView tx={tx} />
      <section className="card console-list" aria-labelledby="notice-heading" data-testid="notice-section">
        <h2 id="notice-heading">{t("body.notice")}</h2>
        <p>{w.noticeIntro}</p>
        {dossiers.error ? <ErrorBox error={dossiers.error} onRetry={canRetry(dossiers.error) ? () => void dossiers.refetch() : undefined} /> : null}
        {chain.error ? <ErrorBox error={chain.error} onRetry={() => void chain.refetch()} /> : null}
        {ending?.stage === "done" ? (
          <p className="notice ok" role="status" data-testid="end-notice-done">
            {w.endNoticeDone(ending.id)}
          </p>
        ) : null}
        {dossiers.data && inNotice.length === 0 ? <p>{t("body.empty")}</p> : null}
        {dossiers.data?.nextCursor ? <p>{t("body.firstOnly", { n: inNotice.length })}</p> : null}
        <ul className="card-list" data-testid="notice-list">
          {inNotice.map((d, i) => {
            const v = chain.data?.list[i];
            const now = chain.data?.now;
            const objected = open.some((o) => o.dossierId === d.id) || v?.underObjection === true;
            const left = v && now !== undefined ? Math.max(0, Math.ceil((v.validFrom - now) / DAY)) : null;
            const reason = !v || now === undefined ? w.reading : objected ? w.openObjection : now < v.validFrom ? w.notOver(Math.max(1, left ?? 1)) : v.status !== "Valid" ? t(`verdict.${v.status}.title`) : null;
            const reasonId = `notice-reason-${d.id}`;
            const busy = ending?.id === d.id && ending.stage === "running";
            return (
              <li key={d.id} data-notice={d.id} data-can-end={reason === null}>
                <a className="card-title" href={`#/body/dossier/${encodeURIComponent(d.id)}`}>
                  {t("body.dossier", { id: d.id })}
                </a>
                <dl>
                  <dt>{w.certificate}</dt>
                  <dd>
                    <CertificateNumber tokenId={d.tokenId!} />
                  </dd>
                  <dt>{w.columns.applicant}</dt>
                  <dd>
                    <Person name={d.applicantName} personalData={d.personalData} address={d.applicant} />
                  </dd>
                  <dt>{w.noticeEnds}</dt>
                  <dd data-testid="notice-ends">{v ? formatDateTime(v.validFrom, i18n.language) : "…"}</dd>
                  <dt>{w.noticeState}</dt>
                  <dd data-testid="notice-left">
                    {left !== null ? w.daysLeft(left) : "…"}
                    {objected ? <span className="badge bad nowrap"> ⚠ {w.openObjection}</span> : null}
                  </dd>
                </dl>
                {operator ? (
                  <div className="list-actions">
                    <button type="button" className="primary" disabled={reason !== null || busy} aria-describedby={reason ? reasonId : undefined} data-testid={`end-notice-${d.id}`} onClick={() => setEnding({ id: d.id, stage: "confirm" })}>
                      {w.endNotice}
                    </button>
                    {reason ? (
                      <span id={reasonId} className="list-reason" data-testid="end-notice-reason">
                        {reason}
                      </span>
                    ) : null}
                    {busy ? <span role="status">{t("app.loading")}</span> : null}
                  </div>
                ) : null}
                {ending?.id === d.id && ending.stage === "error" ? <ErrorBox error={ending.error} onRetry={canRetry(ending.error) ? () => void endNotice(d.id) : undefined} /> : null}
              </li>
            );
          })}
        </ul>
        {confirming ? (
          <ConfirmDialog title={w.endNoticeTitle} confirm={w.endNotice} onConfirm={() => void endNotice(confirming.id)} onCancel={() => setEnding(null)}>
            <p>{w.endNoticeText(confirming.id, formatCertificateNumber(confirming.tokenId!))}</p>
          </ConfirmDialog>
        ) : null}
      </section>
      <section className="card console-list" aria-labelledby="objections-heading">
        <h2 id="objections-heading">{t("bodyOps.objections.heading")}</h2>
        <p>{t("bodyOps.objections.intro")}</p>
        {objections.error ? <ErrorBox error={objections.error} onRetry={canRetry(objections.error) ? () => void objections.refetch() : undefined} /> : null}
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

export function Outbox({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const w = useListWords();
  const qc = useQueryClient();
  const [retryError, setRetryError] = useState<unknown>(null);
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
  const h = w.columnsOutbox;
  return (
    <section className="card console-list" aria-labelledby="outbox-heading" data-testid="outbox-section">
      <h2 id="outbox-heading">{t("body.outbox")}</h2>
      {q.error ? <ErrorBox error={q.error} onRetry={canRetry(q.error) ? () => void q.refetch() : undefined} /> : null}
      {all ? (
        <p role="status" data-testid="outbox-progress">
          <progress max={all} value={done} aria-label={t("body.progress", { done, total: all })} /> {t("body.progress", { done, total: all })}
        </p>
      ) : (
        <p>{t("body.empty")}</p>
      )}
      {retryError ? <ErrorBox error={retryError} /> : null}
      {items.length ? (
        <table className="list cards" data-testid="outbox">
          <thead>
            <tr>
              <th scope="col">{h.dossier}</th>
              <th scope="col">{h.status}</th>
              <th scope="col">{h.certificate}</th>
              <th scope="col">{h.tx}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.root} data-outbox={o.dossierId} data-status={o.status}>
                <td data-label={h.dossier}>
                  <a href={`#/body/dossier/${encodeURIComponent(o.dossierId)}`} className="nowrap">
                    {o.dossierId}
                  </a>
                  <span className="person-name" data-testid="outbox-name">
                    {o.applicantName ? <strong>{o.applicantName}</strong> : <span className="hint">{w.erased}</span>}
                  </span>
                </td>
                <td data-label={h.status}>
                  <span className={`badge nowrap ${o.status === "failed" ? "bad" : o.status === "issued" ? "ok" : ""}`}>{w.outboxStatus[o.status] ?? o.status}</span>
                  {o.lastError ? <span className="notice error list-reason">{o.lastError}</span> : null}
                </td>
                <td data-label={h.certificate}>{o.tokenId ? <CertificateNumber tokenId={o.tokenId} /> : "—"}</td>
                <td data-label={h.tx}>
                  {o.txHash ? <CopyValue value={o.txHash} what={`${w.txHash} ${o.txHash}`} /> : "—"}
                  {o.status === "failed" ? (
                    <div className="list-actions">
                      <button
                        type="button"
                        onClick={() => {
                          setRetryError(null);
                          void api.call("POST", `/outbox/${o.root}/retry`).then(
                            () => qc.invalidateQueries({ queryKey: ["outbox"] }),
                            (err: unknown) => setRetryError(err),
                          );
                        }}
                      >
                        {w.retryIssue}
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} page={q.data} />
    </section>
  );
}
