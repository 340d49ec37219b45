import { useState } from "react";
import { useTranslation } from "react-i18next";

/** A read-only value with a copy button (links, challenges, answers). */
export function CopyText({ value, label, id }: { value: string; label: string; id: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? t("verify.copied") : t("verify.copy")}
        </button>
      </div>
    </div>
  );
}
