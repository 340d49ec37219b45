/** The verdict at a glance: colour, icon and words (never colour alone). */
import { useTranslation } from "react-i18next";
import type { CertificateVerification } from "../../../sdk/types";
import { StatusIcon } from "../components/StatusIcon";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDateTime } from "../lib/format";

/** The lead of a certificate revoked because it was re-issued to a new wallet: where the holder's certificate is now. */
const REISSUED_AS = { zh: "已补发为", en: "Re-issued as" } as const;
/** as large as the title (set through the DOM, which the page's CSP allows; the stylesheet is shared) */
const LEAD_STYLE = { fontSize: "1.35rem", fontWeight: 800, overflowWrap: "anywhere" } as const;

export function Verdict({ v, checkedAt }: { v: CertificateVerification; checkedAt: number }) {
  const { t, i18n } = useTranslation();
  const reason = v.revocationReason ? t(`reason.${v.revocationReason}`) : t("reason.None");
  // re-issued (lost keys): the successor is the certificate to look at, so it leads
  const successor = v.status === "Revoked" && v.revocationReason === "Reissued" && v.successor ? v.successor.toString() : null;
  return (
    <>
      {successor ? (
        // before the verdict, outside it: the verdict stays exactly what index.html's early script paints (verify/early.ts)
        <p className="notice info" data-testid="reissued-as" style={LEAD_STYLE}>
          {REISSUED_AS[i18n.language === "en" ? "en" : "zh"]}{" "}
          <a href={`#/verify/${successor}`} className="mono">
            #{formatCertificateNumber(successor)}
          </a>
        </p>
      ) : null}
      <div className={`verdict verdict--${v.status}`} data-status={v.status} role="status" aria-live="polite">
        <span className="verdict-icon" aria-hidden="true">
          <StatusIcon status={v.status} />
        </span>
        <div>
          <p className="verdict-title">{t(`verdict.${v.status}.title`)}</p>
          <p className="verdict-text">{t(`verdict.${v.status}.text`, { reason })}</p>
          {v.underObjection ? <p className="verdict-text">⚠ {t("verdict.underObjection")}</p> : null}
          {/* who suspended it: the body and the supervisor each lift only their own suspension */}
          {v.status === "Suspended" && v.suspendedByBody ? <p className="verdict-text">⚠ {t("verdict.suspendedByBody")}</p> : null}
          {v.status === "Suspended" && v.suspendedBySupervisor ? <p className="verdict-text">⚠ {t("verdict.suspendedBySupervisor")}</p> : null}
          {v.status !== "NotFound" && !v.bodyAccredited ? <p className="verdict-text">⚠ {t("verify.bodyNotAccredited")}</p> : null}
          <p className="verdict-time">{t("verdict.asOf", { time: formatDateTime(checkedAt, i18n.language) })}</p>
        </div>
      </div>
    </>
  );
}
