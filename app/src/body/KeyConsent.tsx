/**
 * `#/body/key-consent?body=N`: the holder of a would-be signing key signs, in that key's wallet, its consent to
 * serve body N (contracts v2: EIP-712 `SigningKeyConsent {bodyId, key, deadline}`, sdk `signingKeyConsentTypedData`)
 * and hands the JSON to the association, which pastes it when it accredits the body or adds the key. No workbench
 * sign-in and no transaction: only a signature, whose deadline is counted from the chain's time.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Address } from "viem";
import { signingKeyConsentTypedData } from "../../../sdk/eip712";
import { CopyText } from "../components/CopyText";
import { ErrorBox } from "../components/ErrorBox";
import { AppError } from "../components/errors";
import { QrImage } from "../components/QrImage";
import { chainNow } from "../lib/chainTime";
import { bodyNameFromMetadata, formatDateTime } from "../lib/format";
import { MAX_BODY_ID, signingKeyConsentJson } from "../lib/keyConsent";
import { useChainish } from "../wallet/context";
import { ConnectPanel, useWallet } from "../wallet/wallet";

const DAY = 86_400;
const MAX_DAYS = 90;

export function KeyConsentPage({ query }: { query: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const [bodyText, setBodyText] = useState(query.get("body") ?? "");
  const [daysText, setDaysText] = useState("7");
  const [result, setResult] = useState<{ json: string; bodyId: number; until: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const bodyId = /^\d{1,3}$/.test(bodyText) && Number(bodyText) >= 1 && Number(bodyText) <= MAX_BODY_ID ? Number(bodyText) : null;
  const days = /^\d{1,2}$/.test(daysText) && Number(daysText) >= 1 && Number(daysText) <= MAX_DAYS ? Number(daysText) : null;
  const registry = useQuery({
    queryKey: ["key-consent-body", bodyId],
    queryFn: async () => {
      const cqo = await w.cqo();
      const [next, body] = await Promise.all([cqo.nextBodyId(), bodyId ? cqo.getBody(bodyId) : Promise.resolve(null)]);
      return { next, body };
    },
  });
  // the contract refuses a role holder (the association, the supervisor) as a key: say so before the wallet signs
  const roles = useQuery({
    queryKey: ["key-consent-roles", w.address],
    enabled: !!w.address,
    queryFn: async () => {
      const cqo = await w.cqo();
      const [association, supervisor, keyOf] = await Promise.all([cqo.isAssociation(w.address!), cqo.isSupervisor(w.address!), cqo.bodyOfSigningKey(w.address!)]);
      return { roleHolder: association || supervisor, keyOf };
    },
  });
  const next = registry.data?.next ?? null;
  const known = registry.data?.body ?? null;
  const bodyProblem =
    bodyText === "" ? null : bodyId === null ? "badBody" : next !== null && bodyId > next ? "noSuchBody" : known?.status === "Revoked" ? "revokedBody" : null;

  const sign = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      if (!w.address || bodyId === null || days === null) return;
      if (roles.data?.roleHolder) throw new AppError({ zh: "这个钱包持有协会或监督方角色，合约不接受它作为签名密钥。", en: "This wallet holds the association's or the supervisor's role: the contract does not accept it as a signing key." });
      const deadline = (await chainNow(await w.publicClient(), c.config.deployment)) + days * DAY;
      const key = w.address as Address;
      const wallet = await w.walletClient();
      const signature = await wallet.signTypedData({ account: key, ...signingKeyConsentTypedData(c.config.deployment, { bodyId, key, deadline }) });
      setResult({ json: signingKeyConsentJson(bodyId, { key, deadline, signature }), bodyId, until: deadline });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const bodyName = known ? (bodyNameFromMetadata(known.metadataURI) ?? known.metadataURI) : null;
  return (
    <div>
      <p>
        <a href="#/body">← {t("body.heading")}</a>
      </p>
      <h1>{t("keyConsent.heading")}</h1>
      <p>{t("keyConsent.intro")}</p>
      <ConnectPanel />
      <section className="card" aria-labelledby="kc-what">
        <h2 id="kc-what">{t("keyConsent.what")}</h2>
        <div className="row wrap align-end">
          <div className="field">
            <label htmlFor="kc-body">{t("keyConsent.bodyId")}</label>
            <input id="kc-body" inputMode="numeric" value={bodyText} aria-invalid={!!bodyProblem} aria-describedby="kc-body-about" onChange={(e) => setBodyText(e.currentTarget.value.trim())} />
          </div>
          {next !== null ? (
            <button type="button" onClick={() => setBodyText(String(next))} data-testid="kc-next">
              {t("keyConsent.useNext", { id: next })}
            </button>
          ) : null}
          <div className="field">
            <label htmlFor="kc-days">{t("keyConsent.days")}</label>
            <input id="kc-days" type="number" min={1} max={MAX_DAYS} value={daysText} aria-invalid={days === null} onChange={(e) => setDaysText(e.currentTarget.value.trim())} />
          </div>
        </div>
        <div id="kc-body-about" aria-live="polite">
          {bodyProblem ? <p className="notice error" data-testid="kc-body-problem">{t(`keyConsent.problems.${bodyProblem}`, { max: MAX_BODY_ID, next })}</p> : null}
          {!bodyProblem && bodyId !== null && known ? <p data-testid="kc-body-name">{t("keyConsent.existing", { id: bodyId, name: bodyName })}</p> : null}
          {!bodyProblem && bodyId !== null && !known && bodyId === next ? <p className="notice info" data-testid="kc-body-new">{t("keyConsent.newBody", { id: bodyId })}</p> : null}
          {days === null ? <p className="notice error">{t("keyConsent.problems.days", { max: MAX_DAYS })}</p> : null}
        </div>
        <p>{t("keyConsent.meaning", { id: bodyId ?? "…", days: days ?? "…" })}</p>
      </section>
      {w.connected ? (
        <section className="card">
          {roles.data?.roleHolder ? <p className="notice error">{t("keyConsent.roleHolder")}</p> : null}
          {roles.data?.keyOf ? <p className="notice info">{t("keyConsent.alreadyKey", { id: roles.data.keyOf })}</p> : null}
          <button type="button" className="primary" disabled={busy || bodyId === null || !!bodyProblem || days === null || !!roles.data?.roleHolder} onClick={() => void sign()} data-testid="key-consent-sign">
            {t("keyConsent.sign", { id: bodyId ?? "…" })}
          </button>
          {busy ? <p role="status">{t("tx.awaitingWallet")}</p> : null}
          {error ? <ErrorBox error={error} /> : null}
          {result ? (
            <div data-testid="key-consent-result" data-body={result.bodyId}>
              <p className="notice ok">✔ {t("keyConsent.signed", { id: result.bodyId, until: formatDateTime(result.until, i18n.language) })}</p>
              <CopyText id="key-consent-json" value={result.json} label={t("keyConsent.json")} />
              <QrImage text={result.json} alt={t("keyConsent.qrAlt")} size={240} />
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
