/** The holder's certificates: cards with the verify QR code, and the holder's actions. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { QrImage } from "../components/QrImage";
import { formatDate, levelLabel } from "../lib/format";
import { interpretScan, verifyLink } from "../lib/links";
import { navigate } from "../router";
import { QrScanner } from "../verify/QrScanner";
import { Verdict } from "../verify/Verdict";
import { useChainish } from "./context";
import { CredentialFromBody } from "./CredentialFromBody";
import { HolderActions } from "./HolderActions";
import { ConnectPanel, useWallet } from "./wallet";

export default function MyCertificates() {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const certs = useQuery({
    queryKey: ["certificatesOf", w.address],
    enabled: !!w.address,
    queryFn: () => c.cqo.certificatesOf(w.address!),
  });
  const now = Math.floor(Date.now() / 1000);
  return (
    <div>
      <h1>{t("mine.heading")}</h1>
      <p>{t("mine.intro")}</p>
      <ConnectPanel />
      {certs.error ? <ErrorBox error={certs.error} onRetry={() => void certs.refetch()} /> : null}
      {certs.isLoading ? <p role="status">{t("app.loading")}</p> : null}
      {certs.data && certs.data.length === 0 ? <p>{t("mine.none")}</p> : null}
      {certs.data && certs.data.length > 0 ? (
        <div className="cards">
          {[...certs.data].reverse().map((v) => {
            const id = v.tokenId.toString();
            return (
              <article key={id} className="card cert-card" data-token={id} aria-labelledby={`card-${id}`}>
                <h2 id={`card-${id}`}>{t("mine.card", { id })}</h2>
                <Verdict v={v} checkedAt={now} />
                <p>
                  {levelLabel(v.level, i18n.language)} · {t("verify.validUntil")} {formatDate(v.validUntil, i18n.language)}
                </p>
                <QrImage text={verifyLink(v.tokenId)} alt={t("mine.qrAlt", { id })} size={200} />
                <div className="row wrap">
                  <a className="button" href={`#/verify/${id}`}>
                    {t("verify.open")}
                  </a>
                  <a className="button" href={`#/mine/print/${id}`}>
                    {t("mine.print")}
                  </a>
                  <a className="button" href={`#/mine/disclose/${id}`}>
                    {t("mine.disclose")}
                  </a>
                </div>
                <CredentialFromBody tokenId={id} root={v.resultRoot} />
                {v.status === "Valid" || v.status === "Suspended" || v.status === "ReviewOverdue" ? <HolderActions tokenId={id} /> : null}
              </article>
            );
          })}
        </div>
      ) : null}
      {w.connected ? (
        <section className="card">
          <h2>{t("mine.respond")}</h2>
          <QrScanner
            idPrefix="respond-scan"
            onResult={(text) => {
              const s = interpretScan(text);
              if (s.kind === "app-route" || s.kind === "certificate") navigate(s.route);
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
