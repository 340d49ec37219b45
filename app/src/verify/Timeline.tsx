/**
 * The certificate's history, rebuilt from the contract's events (sdk/history: walked back from the certificate's
 * latest event block), oldest first. Each entry names who did it — the event's own `by`: the signing key for an
 * issuance, the filer for an objection — and marks the supervisor's acts.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { certificateHistory, type HistoryEntry } from "../../../sdk/history";
import type { CertificateVerification } from "../../../sdk/types";
import { getChain, getPublicClient } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import { formatDate, formatDateTime, levelLabel, shortHex } from "../lib/format";

/** each cycle's rulebook (an issuance, a renewal under the rulebook's newer version), in this page's own words */
const RULEBOOK_TEXT = { zh: (id: number) => `评价方案 #${id}`, en: (id: number) => `rulebook #${id}` };

/** the rulebook a cycle of the certificate was decided under: its issuance and each renewal */
const rulebookOf = (e: HistoryEntry): number | null => (e.kind === "issued" || e.kind === "renewed" ? e.rulebookId : null);

/** What the actor of an entry is: the key that signed an issuance, whoever filed an objection, else the account that acted. */
function actorLabel(kind: HistoryEntry["kind"]): string {
  if (kind === "issued") return "history.byKey";
  if (kind === "objection-filed") return "history.byFiler";
  return "history.by";
}

export function Timeline({ v }: { v: CertificateVerification }) {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([getChain(), getPublicClient()])
      .then(([{ config }, publicClient]) => certificateHistory(publicClient, config.deployment, v.tokenId))
      .then((h) => live && setEntries(h))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [v, attempt]);

  const lang = i18n.language;
  const describe = (e: HistoryEntry): string => {
    switch (e.kind) {
      case "issued":
        return t("history.kinds.issued", { level: levelLabel(e.level, lang), until: formatDate(e.validUntil, lang) });
      case "renewed":
        return t("history.kinds.renewed", { from: formatDate(e.validFrom, lang), until: formatDate(e.validUntil, lang) });
      case "objection-resolved":
        return t("history.kinds.objection-resolved", { outcome: e.upheld ? t("history.upheld") : t("history.dismissed") });
      case "reissued-from":
        return t("history.kinds.reissued-from", { from: e.from.toString() });
      case "reissued-to":
        return t("history.kinds.reissued-to", { to: e.to.toString(), holder: shortHex(e.newHolder) });
      case "revoked":
        return t("history.kinds.revoked", { reason: t(`reason.${e.reason}`) });
      case "voided":
        return t("history.kinds.voided", { before: formatDate(e.voidedBefore, lang) });
      case "reviewed":
        return t("history.kinds.reviewed", {
          result: t(`history.kinds.reviewResult.${e.result}`),
          next: e.nextReviewDue ? t("history.kinds.reviewNext", { date: formatDate(e.nextReviewDue, lang) }) : "",
        });
      default:
        return t(`history.kinds.${e.kind}`);
    }
  };

  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("history.heading")}</h2>
      {error ? <ErrorBox error={error} onRetry={() => setAttempt((n) => n + 1)} /> : null}
      {!entries && !error ? <p role="status">{t("history.loading")}</p> : null}
      {entries && entries.length === 0 ? <p>{t("history.empty")}</p> : null}
      {entries && entries.length > 0 ? (
        <ol className="timeline">
          {entries.map((e) => {
            const rulebook = rulebookOf(e);
            return (
              <li key={`${e.txHash}-${e.logIndex}-${e.kind}`} className={`tl tl--${e.kind}`} data-kind={e.kind} data-rulebook={rulebook ?? undefined}>
                <time dateTime={new Date(e.timestamp * 1000).toISOString()}>{formatDateTime(e.timestamp, lang)}</time>
                <span className="tl-what">
                  {describe(e)}
                  {rulebook !== null ? <span className="muted"> · {(lang === "en" ? RULEBOOK_TEXT.en : RULEBOOK_TEXT.zh)(rulebook)}</span> : null}
                </span>
                <span className="tl-meta">
                  {e.bySupervisor ? (
                    <>
                      <span className="badge supervisor" data-testid="by-supervisor">
                        {t("history.supervisor")}
                      </span>{" "}
                    </>
                  ) : null}
                  {t(actorLabel(e.kind))} <code title={e.actor}>{shortHex(e.actor)}</code> · {t("history.tx")} <code title={e.txHash}>{shortHex(e.txHash)}</code>
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
