/** The revocation reasons a body may give (not Voided: only the association voids), as a labelled select. */
import { useTranslation } from "react-i18next";
import { GIVABLE_REVOCATION_REASONS } from "../../../sdk/types";

export function RevocationReasonField({ id, value, onChange }: { id: string; value: string; onChange: (reason: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t("body.revokeReason")}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {GIVABLE_REVOCATION_REASONS.map((r) => (
          <option key={r} value={r}>
            {t(`reason.${r}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
