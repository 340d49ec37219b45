/**
 * Any error as a message a person can act on, in the page's language: chain and wallet errors through the sdk's
 * explainError (loaded when an error is shown, so its zod dependency stays out of the verify route), the app's
 * own errors as they are. A declined signature is a quiet note, not an error.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AppError, type Bilingual } from "./errors";
import { walletErrorWords } from "./walletErrors";

export type Described = Bilingual & { cancelled: boolean };

export async function describeError(error: unknown): Promise<Described> {
  if (error instanceof AppError) return { ...error.bilingual, cancelled: false };
  const wallet = walletErrorWords(error);
  if (wallet) return { ...wallet, cancelled: false };
  const { explainError } = await import("../../../sdk/errors");
  const e = explainError(error);
  return { zh: e.zh, en: e.en, cancelled: !e.isError };
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const [d, setD] = useState<Described | null>(null);
  useEffect(() => {
    let live = true;
    void describeError(error).then((x) => live && setD(x));
    return () => {
      live = false;
    };
  }, [error]);
  if (!d) return null;
  if (d.cancelled) {
    return (
      <p className="notice info" role="status" data-testid="cancelled">
        {t("errors.cancelled")}
      </p>
    );
  }
  return (
    <div className="notice error" role="alert">
      <strong>{t("errors.title")}：</strong> {i18n.language === "en" ? d.en : d.zh}{" "}
      {onRetry ? (
        <button type="button" className="link" onClick={onRetry}>
          {t("errors.retry")}
        </button>
      ) : null}
    </div>
  );
}
