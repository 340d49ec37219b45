/**
 * 公示 — the public's notice page (issue #12): every certificate the body's workbench lists as in public notice,
 * grouped by the body that issued it (its name from the chain), each with what the applicant consented to
 * publish — name, employer, level — proven in this browser against the certificate's on-chain result root, the
 * notice's end and the days left (the chain's validFrom and the chain's clock), and whether an objection is open.
 * Reading needs no wallet; filing an objection (ObjectionForm) connects one. `#/notices/<number>` opens that
 * certificate's objection form.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getPublicClient } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDate, levelLabel } from "../lib/format";
import type { Route } from "../router";
import { useChainish } from "../wallet/context";
import { apiBaseUrl, daysLeft, fetchNotices, readNoticeRows, type NoticeBody, type NoticeRow } from "./notices/noticeData";
import { ObjectionForm } from "./notices/ObjectionForm";
import { useNoticeText } from "./notices/text";
import "./notices/notices.css";

interface Loaded {
  bodies: NoticeBody[];
  /** the chain's time when read, unix seconds */
  now: number;
  clockOffset: number;
}

function Identity({ row }: { row: NoticeRow }) {
  const { x, lang } = useNoticeText();
  const id = row.identity;
  if (id.kind === "none")
    return (
      <>
        <dt>{x.name}</dt>
        <dd data-testid="identity-none">{x.notDisclosed}</dd>
      </>
    );
  if (id.kind === "unproven")
    return (
      <>
        <dt>{x.name}</dt>
        <dd>
          <div className="notice error" data-testid="identity-unproven">
            <strong>✖ {x.notProven}</strong>
            {id.problems.length ? (
              <ul>
                {id.problems.map((p, i) => (
                  <li key={i}>{lang === "en" ? p.en : p.zh}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </dd>
      </>
    );
  return (
    <>
      {id.name !== null ? (
        <>
          <dt>{x.name}</dt>
          <dd className="notice-name" data-testid="notice-name">
            {id.name}
          </dd>
        </>
      ) : null}
      {id.employer !== null ? (
        <>
          <dt>{x.employer}</dt>
          <dd data-testid="notice-employer">{id.employer}</dd>
        </>
      ) : null}
      <dt>{x.check}</dt>
      <dd>
        <span className="badge ok" data-testid="identity-proven">
          ✔ {x.proven}
        </span>
        {id.level !== null && row.v && id.level !== row.v.level ? <p className="notice error">{x.levelMismatch}</p> : null}
      </dd>
    </>
  );
}

function NoticeEntry({ row, now, clockOffset, formOpen, filed, onToggle, onFiled }: { row: NoticeRow; now: number; clockOffset: number; formOpen: boolean; filed: boolean; onToggle(): void; onFiled(): void }) {
  const { x, lang } = useNoticeText();
  const { t } = useTranslation();
  const id = row.item.tokenId;
  const v = row.v;
  const objectionOpen = filed || row.item.objectionOpen || (v?.underObjection ?? false);
  const left = v ? daysLeft(v.validFrom, now) : 0;
  return (
    <li className="notice-item" data-testid="notice-item" data-token={id} data-identity={row.identity.kind} data-objection={objectionOpen ? "open" : "none"}>
      <p className="notice-number">
        <span className="muted">{x.number}</span>{" "}
        <a className="mono" href={`#/verify/${id}`} data-testid="notice-number">
          {formatCertificateNumber(id)}
        </a>
      </p>
      {v ? (
        <dl className="facts">
          <Identity row={row} />
          <dt>{x.kindLabel}</dt>
          <dd data-testid="notice-kind" data-kind={row.item.kind}>
            {x.kinds[row.item.kind]}
            {row.item.kind === "renewal" && v.status === "Valid" ? <span className="hint" style={{ display: "block" }}>{x.renewalInForce}</span> : null}
            {row.item.kind === "reissue" ? <span className="hint" style={{ display: "block" }}>{x.reissueNote}</span> : null}
          </dd>
          <dt>{x.level}</dt>
          <dd data-testid="notice-level">{levelLabel(v.level, lang)}</dd>
          <dt>{x.noticeEnds}</dt>
          <dd data-testid="notice-ends">
            {formatDate(v.validFrom, lang)} · {v.validFrom > now ? x.daysLeft(left) : x.noticeOver}
          </dd>
          <dt>{x.objection}</dt>
          <dd>
            <span className={objectionOpen ? "badge bad" : "badge ok"} data-testid="notice-objection">
              {objectionOpen ? `⚠ ${x.objectionOpen}` : x.noObjection}
            </span>
          </dd>
          {v.status !== "Pending" && !(row.item.kind === "renewal" && v.status === "Valid") ? (
            <>
              <dt>{x.chainStatus}</dt>
              <dd data-testid="notice-status">{t(`verdict.${v.status}.title`)}</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p className="notice error" data-testid="notice-not-on-chain">
          {x.notOnChain}
        </p>
      )}
      <div className="row wrap">
        <a className="button" href={`#/verify/${id}`}>
          {x.verify}
        </a>
        {v && !filed ? (
          <button type="button" aria-expanded={formOpen} aria-controls={`objection-${id}`} onClick={onToggle} data-testid="open-objection">
            {formOpen ? x.closeForm : x.file}
          </button>
        ) : null}
      </div>
      <div id={`objection-${id}`}>
        {filed ? (
          <p className="notice ok" role="status" data-testid="objection-filed">
            ✔ {x.filed}
          </p>
        ) : formOpen && v ? (
          <ObjectionForm tokenId={id} clockOffset={clockOffset} objectionOpen={objectionOpen} onFiled={onFiled} />
        ) : null}
      </div>
    </li>
  );
}

export default function Notices({ route }: { route: Route }) {
  const { x, lang } = useNoticeText();
  const c = useChainish();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [open, setOpen] = useState<string | null>(route.parts[1] ?? null);
  const [filed, setFiled] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    let live = true;
    setError(null);
    (async () => {
      const { answer, clockOffset } = await fetchNotices(apiBaseUrl(c.config.apiBase));
      const [bodies, client, { chainNow }] = await Promise.all([readNoticeRows(c.cqo, answer.items), getPublicClient(), import("../lib/chainTime")]);
      return { bodies, now: await chainNow(client, c.config.deployment), clockOffset };
    })().then(
      (l) => live && setLoaded(l),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [attempt, c]);

  const count = loaded?.bodies.reduce((n, b) => n + b.rows.length, 0) ?? 0;
  return (
    <div className="notices" lang={lang === "en" ? "en" : "zh-CN"}>
      <h1>{x.heading}</h1>
      <p>{x.intro}</p>
      {error ? (
        <div data-testid="notices-error">
          <p>
            <strong>{x.workbenchDown}</strong>
          </p>
          <ErrorBox error={error} onRetry={() => setAttempt((n) => n + 1)} />
        </div>
      ) : null}
      {!loaded && !error ? <p role="status">{x.reading}</p> : null}
      {loaded && count === 0 ? <p data-testid="notices-empty">{x.empty}</p> : null}
      {loaded?.bodies.map((b) => (
        <section key={b.bodyId} className="card notice-body" aria-labelledby={`notice-body-${b.bodyId}`} data-body={b.bodyId}>
          <h2 id={`notice-body-${b.bodyId}`} className="notice-body-name">
            {b.bodyId ? x.body(b.bodyId, b.name) : x.unknownBody}
          </h2>
          <ul className="notice-list">
            {b.rows.map((row) => (
              <NoticeEntry
                key={row.item.tokenId}
                row={row}
                now={loaded.now}
                clockOffset={loaded.clockOffset}
                formOpen={open === row.item.tokenId}
                filed={filed.has(row.item.tokenId)}
                onToggle={() => setOpen((o) => (o === row.item.tokenId ? null : row.item.tokenId))}
                onFiled={() => {
                  setFiled((s) => new Set(s).add(row.item.tokenId));
                  // the chain's record again: the objection is on it now (underObjection)
                  setAttempt((n) => n + 1);
                }}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
