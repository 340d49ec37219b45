/** The verifier's side of the proof of possession (see lib/possession.ts). */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isAddressEqual } from "viem";
import type { CertificateVerification } from "../../../sdk/types";
import { getChain, getPublicClient } from "../chain";
import { CopyText } from "../components/CopyText";
import { ErrorBox } from "../components/ErrorBox";
import { QrImage } from "../components/QrImage";
import { appBase } from "../lib/links";
import { verifyPossessionProof } from "../../../sdk/eip712";
import { CHALLENGE_TTL_SECONDS, challengeToQuery, decodeResponse, newChallenge, proofOf, type Challenge } from "../lib/possession";
import { QrScanner } from "./QrScanner";

type Outcome = { ok: true; holder: string; status: CertificateVerification["status"] } | { ok: false; message: string };

export function PossessionCheck({ v }: { v: CertificateVerification }) {
  const { t } = useTranslation();
  const [verifier, setVerifier] = useState("");
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [response, setResponse] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const create = () => {
    setOutcome(null);
    setResponse("");
    setChallenge(newChallenge(v.tokenId, verifier.trim() || t("possession.defaultVerifier"), (n) => crypto.getRandomValues(new Uint8Array(n))));
  };

  const check = async (text: string) => {
    setError(null);
    setOutcome(null);
    if (!challenge) return;
    const r = decodeResponse(text);
    if (!r) return setOutcome({ ok: false, message: t("possession.badFormat") });
    if (r.tokenId !== v.tokenId) return setOutcome({ ok: false, message: t("possession.otherCertificate", { id: r.tokenId.toString() }) });
    if (Date.now() / 1000 - challenge.issuedAt > CHALLENGE_TTL_SECONDS) return setOutcome({ ok: false, message: t("possession.expired", { minutes: CHALLENGE_TTL_SECONDS / 60 }) });
    setBusy(true);
    try {
      const [{ cqo, config }, publicClient] = await Promise.all([getChain(), getPublicClient()]);
      // the holder now, not when the page opened: a re-issued certificate has moved
      const now = await cqo.verifyCertificate(v.tokenId);
      if (!now.holder) return setOutcome({ ok: false, message: t("possession.noHolder") });
      if (!isAddressEqual(now.holder, r.holder)) return setOutcome({ ok: false, message: t("possession.notHolder", { signer: r.holder, holder: now.holder }) });
      // EOA by ecrecover; a contract wallet (ERC-1271) or a not-yet-deployed one (ERC-6492) through the chain
      const valid = await verifyPossessionProof(publicClient, {
        chainId: config.deployment.chainId,
        verifyingContract: config.deployment.certificate,
        proof: proofOf(challenge, r.holder),
        signer: now.holder,
        signature: r.signature,
      });
      setOutcome(valid ? { ok: true, holder: now.holder, status: now.status } : { ok: false, message: t("possession.badSignature") });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const link = challenge ? `${appBase()}#/mine/respond?${challengeToQuery(challenge)}` : "";
  return (
    <section className="card" aria-labelledby="pop-heading" id="possession">
      <h2 id="pop-heading">{t("possession.heading")}</h2>
      <p>{t("possession.intro")}</p>
      {!v.holder ? (
        <p>{t("possession.noHolder")}</p>
      ) : (
        <>
          <div className="row wrap align-end">
            <div className="field">
              <label htmlFor="pop-verifier">{t("possession.verifierName")}</label>
              <input id="pop-verifier" value={verifier} maxLength={80} onChange={(e) => setVerifier(e.currentTarget.value)} />
            </div>
            <button type="button" className="primary" onClick={create}>
              {challenge ? t("possession.newChallenge") : t("possession.start")}
            </button>
          </div>
          {challenge ? (
            <div className="pop" data-challenge={challenge.challenge}>
              <p>{t("possession.challengeQr")}</p>
              <QrImage text={link} alt={t("possession.challengeQr")} size={240} />
              <CopyText id="pop-link" label={t("possession.challengeText")} value={link} />
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void check(response);
                }}
              >
                <label htmlFor="pop-response">{t("possession.responseLabel")}</label>
                <textarea id="pop-response" rows={3} spellCheck={false} value={response} onChange={(e) => setResponse(e.currentTarget.value)} />
                <div className="row wrap">
                  <button type="submit" className="primary" disabled={!response.trim() || busy}>
                    {t("possession.responseCheck")}
                  </button>
                </div>
              </form>
              <QrScanner
                idPrefix="pop-scan"
                uploadLabel={t("possession.scanResponse")}
                onResult={(text) => {
                  setResponse(text);
                  void check(text);
                }}
              />
            </div>
          ) : null}
          {outcome?.ok ? (
            <div className="notice ok" role="status" data-testid="pop-ok">
              ✔ {t("possession.ok", { id: v.tokenId.toString(), holder: outcome.holder })} {t("possession.okStatus", { status: t(`verdict.${outcome.status}.title`) })}
            </div>
          ) : null}
          {outcome && !outcome.ok ? (
            <div className="notice error" role="alert" data-testid="pop-failed">
              ✖ {outcome.message}
            </div>
          ) : null}
          {error ? <ErrorBox error={error} /> : null}
        </>
      )}
    </section>
  );
}
