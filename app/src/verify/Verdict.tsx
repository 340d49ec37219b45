/** The verdict at a glance: colour, icon and words (never colour alone). */
import { useTranslation } from "react-i18next";
import type { CertificateVerification } from "../../../sdk/types";
import { StatusIcon } from "../components/StatusIcon";
import { formatDateTime } from "../lib/format";

export function Verdict({ v, checkedAt }: { v: CertificateVerification; checkedAt: number }) {
  const { t, i18n } = useTranslation();
  const reason = v.revocationReason ? t(`reason.${v.revocationReason}`) : t("reason.None");
  return (
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
  );
}
