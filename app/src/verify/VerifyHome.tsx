/** The verifier's start page: a number or a wallet, or a QR code. */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { parseCertificateNumber } from "../lib/certificateNumber";
import { interpretScan } from "../lib/links";
import { navigate } from "../router";
import { QrScanner } from "./QrScanner";

export function VerifyHome() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const go = (text: string, fromScan: boolean) => {
    const s = interpretScan(text);
    if (s.kind === "certificate" || s.kind === "wallet" || s.kind === "app-route") {
      navigate(s.route);
      return;
    }
    // a typed number that is not one (too long, 0): say what is wrong with it, not that it is no number
    const number = parseCertificateNumber(text);
    const numberish = /^[#＃\s\d０-９-]+$/.test(text.trim()) && /[\d０-９]/.test(text);
    if (!fromScan && !number.ok && numberish) setProblem(i18n.language === "en" ? number.problem.en : number.problem.zh);
    else setProblem(fromScan ? t("verify.scanUnknown", { text: text.slice(0, 120) }) : t("verify.invalidQuery"));
  };

  return (
    <section className="card narrow" aria-labelledby="verify-heading">
      <h1 id="verify-heading" ref={heading} tabIndex={-1}>
        {t("verify.heading")}
      </h1>
      <p>{t("verify.intro")}</p>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          go(query, false);
        }}
      >
        <label htmlFor="q">{t("verify.query")}</label>
        <div className="row">
          <input
            id="q"
            name="q"
            inputMode="text"
            autoComplete="off"
            spellCheck={false}
            value={query}
            aria-describedby="q-hint"
            aria-invalid={problem ? true : undefined}
            onChange={(e) => {
              setQuery(e.currentTarget.value);
              setProblem(null);
            }}
          />
          <button type="submit" className="primary">
            {t("verify.submit")}
          </button>
        </div>
        <small id="q-hint">{t("verify.queryHint")}</small>
      </form>
      {problem ? (
        <p className="notice error" role="alert">
          {problem}
        </p>
      ) : null}
      <h2>{t("verify.scan")}</h2>
      <QrScanner idPrefix="home-scan" onResult={(text) => go(text, true)} />
    </section>
  );
}
