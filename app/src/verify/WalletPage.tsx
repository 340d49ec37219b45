/** Every certificate of a wallet, listed on-chain (no indexer), each with its verdict. */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CertificateVerification } from "../../../sdk/types";
import { getChain } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import { formatDate, levelLabel } from "../lib/format";

export function WalletPage({ address }: { address: string }) {
  const { t, i18n } = useTranslation();
  const [list, setList] = useState<CertificateVerification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    getChain()
      .then(({ cqo }) => cqo.certificatesOf(address))
      .then((l) => live && setList(l))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [address]);
  return (
    <section className="card" aria-labelledby="wallet-heading">
      <p>
        <a href="#/">← {t("verify.back")}</a>
      </p>
      <h1 id="wallet-heading" className="break">
        {t("verify.wallet", { address })}
      </h1>
      {error ? <ErrorBox error={error} /> : null}
      {!list && !error ? <p role="status">{t("verify.checking")}</p> : null}
      {list && list.length === 0 ? <p>{t("verify.walletEmpty")}</p> : null}
      {list && list.length > 0 ? (
        <ul className="cert-list">
          {list.map((c) => (
            <li key={c.tokenId.toString()} className={`mini verdict--${c.status}`} data-status={c.status}>
              <a href={`#/verify/${c.tokenId}`}>
                <strong>#{c.tokenId.toString()}</strong> · {t(`verdict.${c.status}.title`)} · {levelLabel(c.level, i18n.language)} · {formatDate(c.validUntil, i18n.language)}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
