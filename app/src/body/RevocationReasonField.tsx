/**
 * The revocation reasons a body may give (not Voided: only the association voids), as a labelled select with no
 * reason chosen at first: the operator picks one (`""` until then), and an error shows beside the field.
 */
import { useTranslation } from "react-i18next";
import { GIVABLE_REVOCATION_REASONS } from "../../../sdk/types";

export function RevocationReasonField({ id, value, onChange, error }: { id: string; value: string; onChange: (reason: string) => void; error?: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t("body.revokeReason")}</label>
      <select id={id} value={value} required aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{i18n.language === "en" ? "— choose a reason —" : "— 请选择原因 —"}</option>
        {GIVABLE_REVOCATION_REASONS.map((r) => (
          <option key={r} value={r}>
            {t(`reason.${r}`)}
          </option>
        ))}
      </select>
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
