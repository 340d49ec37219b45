/** The console's other tabs: certificates in public notice (公示), the issuance outbox, the register of assessors. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { useChainish } from "../wallet/context";
import { TxView, useTx } from "../wallet/tx";
import { WorkbenchApi, type Assessor, type DossierSummary, type ObjectionView, type OutboxItem, type OutboxPage } from "./api";
import { ObjectionList } from "./Objections";
import { Pager, PAGE_SIZE, usePager } from "./parts";

export function Notice({ api, operator }: { api: WorkbenchApi; operator: boolean }) {
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

export function Outbox({ api }: { api: WorkbenchApi }) {
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

export function Assessors({ api }: { api: WorkbenchApi }) {
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
