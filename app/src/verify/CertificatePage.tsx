/** One certificate: the verdict first (marked for the benchmark), then the details, history, disclosure, proof. */
import { lazy, Suspense, useDeferredValue, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BodyRecord, CertificateVerification, RulebookRecord } from "../../../sdk/types";
import { getChain, getPublicClient } from "../chain";
import { CopyText } from "../components/CopyText";
import { ErrorBox } from "../components/ErrorBox";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { bodyNameFromMetadata, formatDate, levelLabel } from "../lib/format";
import { verifyLink } from "../lib/links";
import { releaseEarlyVerdict, takeEarlyVerdict, verdictFor } from "./prefetch";
import { Verdict } from "./Verdict";

// below the verdict: loaded after it, in their own chunks
const Timeline = lazy(() => import("./Timeline").then((m) => ({ default: m.Timeline })));
const DisclosureCheck = lazy(() => import("./DisclosureCheck").then((m) => ({ default: m.DisclosureCheck })));
const PossessionCheck = lazy(() => import("./PossessionCheck").then((m) => ({ default: m.PossessionCheck })));

export function CertificatePage({ tokenId, query }: { tokenId: string; query: URLSearchParams }) {
  const { t } = useTranslation();
  // the answer index.html's early script got (and painted) before the app: the first render shows the same verdict
  const [early] = useState(() => takeEarlyVerdict(tokenId));
  const [v, setV] = useState<CertificateVerification | null>(early?.v ?? null);
  const [checkedAt, setCheckedAt] = useState(early?.checkedAt ?? 0);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    if (attempt === 0) performance.mark("cqo:page");
    if (attempt === 0 && early) {
      releaseEarlyVerdict();
      return;
    }
    setError(null);
    (attempt === 0 ? verdictFor(tokenId) : getChain().then(({ cqo }) => cqo.verifyCertificate(tokenId)))
      .then((r) => {
        if (!live) return;
        setV(r);
        setCheckedAt(Math.floor(Date.now() / 1000));
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [tokenId, attempt]);

  // the verdict commits alone; the details, history and checks follow in a deferred render
  const rest = useDeferredValue(v);
  const marked = useRef(false);
  useLayoutEffect(() => {
    if (v && !marked.current) {
      marked.current = true;
      // first time a verdict is on the screen: the early script's, or this one
      if (performance.getEntriesByName("cqo:verdict").length === 0) {
        performance.mark("cqo:verdict");
        // after the frame that shows it (the mark above is before the browser paints)
        requestAnimationFrame(() => setTimeout(() => performance.mark("cqo:verdict-painted"), 0));
      }
    }
  }, [v]);

  return (
    <div className="stack">
      <p className="no-print">
        <a href="#/">← {t("verify.back")}</a>
      </p>
      <section className="card" aria-labelledby="cert-heading">
        <h1 id="cert-heading">{t("verify.certificate", { id: tokenId })}</h1>
        {error ? <ErrorBox error={error} onRetry={() => setAttempt((n) => n + 1)} /> : null}
        {!v && !error ? <p role="status">{t("verify.checking")}</p> : null}
        {v ? <Verdict v={v} checkedAt={checkedAt} /> : null}
        {v ? (
          <button type="button" className="link" onClick={() => setAttempt((n) => n + 1)}>
            {t("verify.refresh")}
          </button>
        ) : null}
      </section>
      {rest && rest.status !== "NotFound" ? (
        <>
          <Details v={rest} />
          <Suspense fallback={<p role="status">{t("app.loading")}</p>}>
            <Timeline v={rest} />
            <DisclosureCheck root={rest.resultRoot} level={rest.level} fromLink={query.get("d")} />
            <PossessionCheck v={rest} />
          </Suspense>
        </>
      ) : null}
    </div>
  );
}

function Details({ v }: { v: CertificateVerification }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [body, setBody] = useState<BodyRecord | null>(null);
  const [rulebook, setRulebook] = useState<RulebookRecord | null>(null);
  // a renewal's new result is in public notice until validFrom: compared with the chain's time, not the device's
  const renewed = v.evaluatedAt > v.issuedAt;
  const [chainTime, setChainTime] = useState<number | null>(null);
  useLayoutEffect(() => {
    // for the benchmark: when the rest of the page (below the verdict) is there
    if (performance.getEntriesByName("cqo:details").length === 0) performance.mark("cqo:details");
  }, []);
  useEffect(() => {
    let live = true;
    void getChain().then(({ cqo }) => {
      cqo.getBody(v.bodyId).then((b) => live && setBody(b), () => undefined);
      cqo.getRulebook(v.rulebookId).then((r) => live && setRulebook(r), () => undefined);
    });
    if (renewed)
      void Promise.all([getChain(), getPublicClient(), import("../lib/chainTime")])
        .then(([{ config }, client, { chainNow }]) => chainNow(client, config.deployment))
        .then((now) => live && setChainTime(now), () => undefined);
    return () => {
      live = false;
    };
  }, [v]);
  const bodyName = body ? bodyNameFromMetadata(body.metadataURI) : null;
  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">{t("verify.details")}</h2>
      <dl className="details">
        <dt>{t("verify.certificateNumber")}</dt>
        <dd className="mono" data-testid="certificate-number">
          {formatCertificateNumber(v.tokenId)}
        </dd>
        <dt>{t("verify.level")}</dt>
        <dd data-testid="level">{levelLabel(v.level, lang)}</dd>
        <dt>{t("verify.holder")}</dt>
        <dd className="mono break" data-testid="holder">
          <a href={`#/wallet/${v.holder ?? ""}`}>{v.holder}</a>
        </dd>
        <dt>{t("verify.body")}</dt>
        <dd>
          #{v.bodyId} {bodyName ? `· ${bodyName}` : ""}
          <br />
          <span className={v.bodyAccredited ? "badge ok" : "badge bad"}>
            {v.bodyAccredited ? `✔ ${t("verify.bodyAccredited")}` : `✖ ${t("verify.bodyNotAccredited")}`}
          </span>
        </dd>
        {v.suspendedByBody || v.suspendedBySupervisor ? (
          <>
            <dt>{t("verify.suspension")}</dt>
            <dd className="row wrap">
              {v.suspendedByBody ? <span className="badge bad" data-testid="suspended-by-body">{t("verify.suspendedByBody")}</span> : null}
              {v.suspendedBySupervisor ? <span className="badge bad" data-testid="suspended-by-supervisor">{t("verify.suspendedBySupervisor")}</span> : null}
            </dd>
          </>
        ) : null}
        <dt>{t("verify.issuedAt")}</dt>
        <dd>{formatDate(v.issuedAt, lang)}</dd>
        {renewed ? (
          <>
            <dt>{t("verify.evaluatedAt")}</dt>
            <dd data-testid="evaluated-at">{formatDate(v.evaluatedAt, lang)}</dd>
          </>
        ) : null}
        <dt>{t("verify.validFrom")}</dt>
        <dd>
          <span data-testid="valid-from">{formatDate(v.validFrom, lang)}</span>
          {renewed && chainTime !== null && chainTime < v.validFrom ? (
            <p className="notice info" data-testid="renewal-notice">
              {t("verify.renewalNotice", { date: formatDate(v.validFrom, lang) })}
            </p>
          ) : null}
        </dd>
        <dt>{t("verify.validUntil")}</dt>
        <dd>{formatDate(v.validUntil, lang)}</dd>
        <dt>{t("verify.rulebook")}</dt>
        <dd>
          #{v.rulebookId} {rulebook ? `· ${rulebook.uri} (${t(`verify.rulebookStatus.${rulebook.status}`)})` : ""}
          <br />
          <code className="break">{v.rulebookHash}</code>
        </dd>
        <dt>{t("verify.resultRoot")}</dt>
        <dd>
          <code className="break">{v.resultRoot}</code>
        </dd>
        {v.predecessor ? (
          <>
            <dt>{t("verify.predecessor")}</dt>
            <dd>
              <a href={`#/verify/${v.predecessor}`}>#{v.predecessor.toString()}</a>
            </dd>
          </>
        ) : null}
        {v.successor ? (
          <>
            <dt>{t("verify.successor")}</dt>
            <dd>
              <a href={`#/verify/${v.successor}`}>#{v.successor.toString()}</a>
            </dd>
          </>
        ) : null}
      </dl>
      <CopyText id="verify-link" label={t("verify.verifyLink")} value={verifyLink(v.tokenId)} />
    </section>
  );
}
