/**
 * The inbox (收件箱): the body's dossiers, searched (a dossier number's beginning or a wallet: the server's `q`),
 * filtered by state (the "all" option says so) and by "needs my action" (`needsAction=true`), paged, with their
 * dates; the applicant's name, their wallet behind a copy button, the certificate number in groups. A table on wide screens,
 * a list of cards below 640 px (lists.css).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import type { NamedDossier, WorkbenchApi } from "./api";
import { canRetry, CertificateNumber, ListDate, Pager, PAGE_SIZE, Person, StateBadge, useListWords, usePager } from "./parts";

type View = "all" | "mine";

export function Inbox({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const w = useListWords();
  const [view, setView] = useState<View>("all");
  const [filter, setFilter] = useState("");
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const pager = usePager();
  const query = { limit: PAGE_SIZE, cursor: pager.cursor, q: search || undefined, ...(view === "mine" ? { needsAction: true } : {}), ...(filter ? { state: filter } : {}) };
  const q = useQuery({ queryKey: ["dossiers", "inbox", query], queryFn: () => api.list<NamedDossier>("/dossiers", query), refetchInterval: 3000, placeholderData: keepPreviousData });
  // the total comes with the first page: kept while paging through the same view, filter and search
  const [total, setTotal] = useState<{ key: string; total: number; capped: boolean } | null>(null);
  const totalKey = `${view} ${filter} ${search}`;
  const data = q.data;
  useEffect(() => {
    if (data?.total !== undefined && pager.page === 1) setTotal({ key: totalKey, total: data.total, capped: data.totalCapped === true });
  }, [data, totalKey, pager.page]);
  const shownTotal = total?.key === totalKey ? total : null;
  const rows = data?.items ?? [];
  const c = w.columns;
  return (
    <section className="card console-list" aria-labelledby="inbox-heading" data-testid="inbox-section" data-view={view}>
      <h2 id="inbox-heading">{t("body.inbox")}</h2>
      <div className="list-views" role="group" aria-label={w.viewsLabel}>
        {(["all", "mine"] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={view === v}
            data-view-button={v}
            onClick={() => {
              setView(v);
              pager.reset();
            }}
          >
            {w.views[v]}
          </button>
        ))}
      </div>
      {view === "mine" ? <p className="list-hint">{w.mineHint}</p> : null}
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
          <input id="inbox-search" type="search" value={text} placeholder={t("body.searchPlaceholder")} autoComplete="off" spellCheck={false} onChange={(e) => setText(e.currentTarget.value)} />
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
            {Object.keys(t("body.states", { returnObjects: true }) as Record<string, string>).map((s) => (
              <option key={s} value={s}>
                {t(`body.states.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {q.error ? <ErrorBox error={q.error} onRetry={canRetry(q.error) ? () => void q.refetch() : undefined} /> : null}
      {!data && !q.error ? <p role="status">{t("app.loading")}</p> : null}
      {rows.length === 0 && data ? <p data-testid="inbox-empty">{search ? t("body.noMatch") : t("body.empty")}</p> : null}
      {rows.length ? (
        <table className="list cards" data-testid="inbox">
          <thead>
            <tr>
              <th scope="col">{c.number}</th>
              <th scope="col">{c.applicant}</th>
              <th scope="col">{c.state}</th>
              <th scope="col">{c.submitted}</th>
              <th scope="col">{c.updated}</th>
              <th scope="col">{c.certificate}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-dossier={d.id} data-state={d.state}>
                <td data-label={c.number}>
                  <a href={`#/body/dossier/${encodeURIComponent(d.id)}`} className="nowrap">
                    {d.id}
                  </a>
                </td>
                <td data-label={c.applicant}>
                  <Person name={d.applicantName} personalData={d.personalData} address={d.applicant} />
                </td>
                <td data-label={c.state}>
                  <StateBadge state={d.state} />
                </td>
                <td data-label={c.submitted}>
                  <ListDate ms={d.createdAt} />
                </td>
                <td data-label={c.updated}>
                  <ListDate ms={d.updatedAt} />
                </td>
                <td data-label={c.certificate}>{d.tokenId ? <CertificateNumber tokenId={d.tokenId} /> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} page={data} total={shownTotal?.total} totalCapped={shownTotal?.capped} />
    </section>
  );
}
