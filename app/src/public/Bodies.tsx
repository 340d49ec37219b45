/**
 * 认定主体名录 — the public directory of certifying bodies, read from the chain (no server, no wallet): `#/bodies`
 * lists every body with its standing, scope, term and certificate counts; `#/bodies/<id>` is one body's page.
 * Loaded on demand (App.tsx), so the verify route's download does not grow.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getChain } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import { AppError } from "../components/errors";
import { StatusIcon } from "../components/StatusIcon";
import { formatDate, levelLabel, shortHex } from "../lib/format";
import type { CertificateStatus } from "../../../sdk/types";
import { DIRECTORY_STATUSES, readDirectory, type DirectoryEntry, type DirectoryStatus, type StatusCounts } from "./bodyDirectory";

/** A body id from the address bar: 1 … 255 (a certificate number's top byte). */
export function parseBodyId(input: string): number {
  if (!/^\d{1,3}$/.test(input) || Number(input) < 1 || Number(input) > 255)
    throw new AppError({ zh: `“${input}”不是认定主体编号：编号为 1 到 255 的整数。`, en: `“${input}” is not a certifying body's number: it is a whole number from 1 to 255.` });
  return Number(input);
}

function useDirectory(bodyId?: number): { entries: DirectoryEntry[] | null; error: unknown; checkedAt: number } {
  const [state, setState] = useState<{ entries: DirectoryEntry[] | null; error: unknown; checkedAt: number }>({ entries: null, error: null, checkedAt: 0 });
  useEffect(() => {
    let live = true;
    setState({ entries: null, error: null, checkedAt: 0 });
    getChain()
      .then((c) => readDirectory(c.client, c.config.deployment, bodyId))
      .then(
        (entries) => live && setState({ entries, error: null, checkedAt: Math.floor(Date.now() / 1000) }),
        (error: unknown) => live && setState({ entries: null, error, checkedAt: 0 }),
      );
    return () => {
      live = false;
    };
  }, [bodyId]);
  return state;
}

function Standing({ entry }: { entry: DirectoryEntry }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${entry.standing === "accredited" ? "ok" : "bad"}`} data-testid={`standing-${entry.body.bodyId}`} data-standing={entry.standing}>
      {t(`directory.standing.${entry.standing}`)}
    </span>
  );
}

function statusLabel(t: (k: string) => string, s: DirectoryStatus): string {
  return s === "Unknown" ? t("directory.unknownStatus") : t(`verdict.${s}.title`);
}

/** "有效 4 · 公示中 3 · …": the non-zero counts in the directory's order. */
function CountsLine({ counts }: { counts: StatusCounts }) {
  const { t } = useTranslation();
  const parts = DIRECTORY_STATUSES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${statusLabel(t, s)} ${counts[s]}`);
  return <span data-testid="counts-line">{counts.total === 0 ? t("directory.noCertificates") : parts.join(" · ")}</span>;
}

function Scope({ levels }: { levels: readonly number[] }) {
  const { i18n, t } = useTranslation();
  return <>{levels.length ? levels.map((l) => levelLabel(l, i18n.language)).join(i18n.language === "en" ? ", " : "、") : t("directory.noScope")}</>;
}

/** A body's standing, scope and term: the facts the list and the body's page both show first. */
function StandingScopeTerm({ entry }: { entry: DirectoryEntry }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <dt>{t("directory.standingLabel")}</dt>
      <dd>
        <Standing entry={entry} />
      </dd>
      <dt>{t("directory.scope")}</dt>
      <dd>
        <Scope levels={entry.body.levels} />
      </dd>
      <dt>{t("directory.term")}</dt>
      <dd>{t("directory.until", { date: formatDate(entry.body.accreditedUntil, i18n.language) })}</dd>
    </>
  );
}

function Name({ entry }: { entry: DirectoryEntry }) {
  const { t } = useTranslation();
  return <>{entry.name.name ?? t("directory.unnamed", { id: entry.body.bodyId })}</>;
}

export function BodyList() {
  const { t, i18n } = useTranslation();
  const { entries, error, checkedAt } = useDirectory();
  return (
    <section aria-labelledby="bodies-heading">
      <h1 id="bodies-heading">{t("directory.heading")}</h1>
      <p>{t("directory.intro")}</p>
      {error ? <ErrorBox error={error} /> : null}
      {!entries && !error ? <p role="status">{t("directory.reading")}</p> : null}
      {entries && entries.length === 0 ? <p>{t("directory.empty")}</p> : null}
      {entries && entries.length > 0 ? (
        <ul className="body-directory" data-testid="body-directory">
          {entries.map((e) => (
            <li key={e.body.bodyId} className="card" data-body={e.body.bodyId}>
              <h2>
                <a href={`#/bodies/${e.body.bodyId}`}>
                  #{e.body.bodyId} · <Name entry={e} />
                </a>
              </h2>
              <dl className="facts">
                <StandingScopeTerm entry={e} />
                <dt>{t("directory.certificates")}</dt>
                <dd>
                  <CountsLine counts={e.counts} />
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      ) : null}
      {checkedAt ? <p className="muted">{t("directory.asOf", { date: formatDate(checkedAt, i18n.language) })}</p> : null}
    </section>
  );
}

export function BodyPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const [parsed] = useState<{ bodyId: number } | { error: unknown }>(() => {
    try {
      return { bodyId: parseBodyId(id) };
    } catch (error) {
      return { error };
    }
  });
  if ("error" in parsed)
    return (
      <section>
        <p>
          <a href="#/bodies">← {t("directory.back")}</a>
        </p>
        <ErrorBox error={parsed.error} />
      </section>
    );
  return <BodyDetail bodyId={parsed.bodyId} />;
}

function BodyDetail({ bodyId }: { bodyId: number }) {
  const { t, i18n } = useTranslation();
  const { entries, error } = useDirectory(bodyId);
  const e = entries?.[0];
  const id = String(bodyId);
  return (
    <section aria-labelledby="body-heading">
      <p>
        <a href="#/bodies">← {t("directory.back")}</a>
      </p>
      {error ? <ErrorBox error={error} /> : null}
      {!entries && !error ? <p role="status">{t("directory.reading")}</p> : null}
      {entries && !e ? <p data-testid="body-not-found">{t("directory.notFound", { id })}</p> : null}
      {e ? (
        <div className="card" data-body={e.body.bodyId}>
          <h1 id="body-heading" className="break">
            <Name entry={e} />
          </h1>
          <dl className="facts">
            <dt>{t("directory.number")}</dt>
            <dd>#{e.body.bodyId}</dd>
            <StandingScopeTerm entry={e} />
            <dt>{t("directory.notice")}</dt>
            <dd>{t("directory.noticeDays", { count: Math.round(e.body.noticePeriod / 86_400) })}</dd>
            <dt>{t("directory.admin")}</dt>
            <dd>
              <code className="break">{e.body.admin}</code>
            </dd>
            <dt>{t("directory.keys")}</dt>
            <dd>
              {e.body.signingKeys.length ? (
                <ul className="plain">
                  {e.body.signingKeys.map((k) => (
                    <li key={k}>
                      <code title={k}>{shortHex(k)}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                t("directory.noKeys")
              )}
            </dd>
            <dt>{t("directory.metadata")}</dt>
            <dd data-testid="metadata-check">
              {e.name.matchesHash === true ? `✔ ${t("directory.metadataOk")}` : e.name.matchesHash === false ? `⚠ ${t("directory.metadataMismatch")}` : t("directory.metadataExternal")}
            </dd>
          </dl>
          <h2 id="counts-heading">{t("directory.countsHeading")}</h2>
          <table className="counts" aria-labelledby="counts-heading" data-testid="body-counts">
            <thead>
              <tr>
                <th scope="col">{t("directory.status")}</th>
                <th scope="col">{t("directory.count")}</th>
              </tr>
            </thead>
            <tbody>
              {DIRECTORY_STATUSES.filter((s) => s !== "Unknown" || (e.counts.Unknown ?? 0) > 0).map((s) => (
                <tr key={s} data-status={s}>
                  <th scope="row">
                    {s !== "Unknown" ? <StatusIcon status={s as CertificateStatus} size={18} /> : null} {statusLabel(t, s)}
                  </th>
                  <td data-count={s}>{e.counts[s] ?? 0}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t("directory.total")}</th>
                <td data-count="total">{e.counts.total}</td>
              </tr>
              <tr>
                <th scope="row">{t("directory.underObjection")}</th>
                <td data-count="underObjection">{e.counts.underObjection}</td>
              </tr>
            </tbody>
          </table>
          <p>
            <a href="#/">{t("directory.verifyOne")}</a>
          </p>
        </div>
      ) : null}
    </section>
  );
}

export default function Bodies({ id }: { id?: string }) {
  return id ? <BodyPage key={id} id={id} /> : <BodyList />;
}
