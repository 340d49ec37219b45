/** Small pieces the body console's screens share: the state badge, the pager of cursor lists, bilingual text, an assessor's own sheets. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { TxView, type TxRunner } from "../wallet/tx";
import { type OwnSheetView, type Message, type Page } from "./api";

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className="badge state" data-state={state}>
      {t(`body.states.${state}`, { defaultValue: state })}
    </span>
  );
}

export const PAGE_SIZE = 50;

/** Pages of a list by cursor: the cursors of the pages before this one, so "previous" goes back exactly. */
export function usePager() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.length ? cursors[cursors.length - 1] : undefined,
    page: cursors.length + 1,
    next: (c: string) => setCursors((x) => [...x, c]),
    previous: () => setCursors((x) => x.slice(0, -1)),
    reset: () => setCursors([]),
  };
}

export function Pager({ pager, page, total, totalCapped }: { pager: ReturnType<typeof usePager>; page: Page<unknown> | undefined; total?: number; totalCapped?: boolean }) {
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

export const bi = (m: Message | null | undefined, lang: string) => (m ? (lang === "en" ? m.en : m.zh) : "");

/** An assessor after the round: the sheets they signed, read-only. */
export function OwnSheets({ d, tx }: { d: OwnSheetView; tx: TxRunner }) {
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
