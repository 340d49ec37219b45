/**
 * The shell: header with navigation and language, and the routes. The verify pages are in the main chunk; the
 * directory of bodies (#/bodies), the wallet, association and body pages are loaded on demand (wagmi, react-query, scoring forms stay out of the
 * verifier's download).
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getChain } from "./chain";
import { setLang, type Lang } from "./i18n";
import { useRoute } from "./router";
import { CertificatePage } from "./verify/CertificatePage";
import { VerifyHome } from "./verify/VerifyHome";
import { WalletPage } from "./verify/WalletPage";

const WalletArea = lazy(() => import("./wallet/WalletArea"));
// the public directory of certifying bodies: its own chunk, no wallet
const Bodies = lazy(() => import("./public/Bodies"));

function Nav({ active }: { active: string }) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.language === "en" ? "en" : "zh") as Lang;
  const link = (href: string, key: string, name: string) => (
    <a href={href} aria-current={active === key ? "page" : undefined} className={active === key ? "active" : undefined}>
      {name}
    </a>
  );
  return (
    <header className="site-header no-print">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("app.skip")}
      </a>
      <div className="brand">
        <span className="logo" aria-hidden="true">◎</span>
        <span>
          <strong>{t("app.name")}</strong>
          <small>{t("app.tagline")}</small>
        </span>
      </div>
      <nav aria-label="main">
        {link("#/", "verify", t("app.nav.verify"))}
        {link("#/notices", "notices", t("app.nav.notices"))}
        {link("#/bodies", "bodies", t("app.nav.bodies"))}
        {link("#/apply", "apply", t("app.nav.apply"))}
        {link("#/mine", "mine", t("app.nav.mine"))}
        {link("#/body", "body", t("app.nav.body"))}
        {link("#/association", "association", t("app.nav.association"))}
      </nav>
      <div className="lang" role="group" aria-label={t("app.language")}>
        <button type="button" aria-pressed={lang === "zh"} onClick={() => setLang("zh")} lang="zh-CN">
          中文
        </button>
        <button type="button" aria-pressed={lang === "en"} onClick={() => setLang("en")} lang="en">
          English
        </button>
      </div>
    </header>
  );
}

function Footer() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<{ address: string; chainId: number } | null>(null);
  useEffect(() => {
    getChain().then(
      (c) => setInfo({ address: c.config.deployment.certificate, chainId: c.config.deployment.chainId }),
      () => setInfo(null),
    );
  }, []);
  return <footer className="site-footer no-print">{info ? t("app.footer", info) : null}</footer>;
}

export function App() {
  const route = useRoute();
  const { t } = useTranslation();
  const [head, second] = route.parts;
  let page: React.ReactNode;
  let active = "verify";
  if (head === "verify" && second) page = <CertificatePage key={second} tokenId={second} query={route.query} />;
  else if (head === "wallet" && second) page = <WalletPage key={second} address={second} />;
  else if (head === "bodies") {
    active = "bodies";
    page = <Bodies key={second ?? ""} id={second} />;
  }
  else if (head === "mine" || head === "body" || head === "association" || head === "apply" || head === "notices") {
    active = head;
    page = <WalletArea route={route} />;
  } else page = <VerifyHome />;
  return (
    <>
      <Nav active={active} />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p role="status">{t("app.loading")}</p>}>{page}</Suspense>
      </main>
      <Footer />
    </>
  );
}
