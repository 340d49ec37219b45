/** The inbox (收件箱): the body's dossiers, searched, filtered and paged. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { WorkbenchApi, type DossierSummary } from "./api";
import { Pager, PAGE_SIZE, StateBadge, usePager } from "./parts";

export function Inbox({ api }: { api: WorkbenchApi }) {
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
