/** The holder answers a verifier's challenge by signing it (EIP-712) in the certificate's wallet. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isAddressEqual, type Hex } from "viem";
import { CopyText } from "../components/CopyText";
import { describeError } from "../components/ErrorBox";
import { QrImage } from "../components/QrImage";
import { possessionTypedData } from "../../../sdk/eip712";
import { CHALLENGE_TTL_SECONDS, challengeFromQuery, encodeResponse, proofOf } from "../lib/possession";
import { useChainish } from "./context";
import { ConnectPanel, useWallet } from "./wallet";

export default function Respond({ query }: { query: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const challenge = challengeFromQuery(query);
  const [answer, setAnswer] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ zh: string; en: string; cancelled: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const cert = useQuery({ queryKey: ["verify", challenge?.tokenId.toString()], enabled: !!challenge, queryFn: () => c.cqo.verifyCertificate(challenge!.tokenId) });

  if (!challenge) return <p className="notice error">{t("mine.respondBad")}</p>;
  const id = challenge.tokenId.toString();
  const expired = Date.now() / 1000 - challenge.issuedAt > CHALLENGE_TTL_SECONDS;
  const holder = cert.data?.holder ?? null;
  const wrongWallet = !!(w.address && holder && !isAddressEqual(w.address, holder));

  const sign = async () => {
    if (!w.address) return;
    setBusy(true);
    setProblem(null);
    try {
      const wallet = await w.walletClient();
      const signature: Hex = await wallet.signTypedData({ account: w.address, ...possessionTypedData(c.config.deployment.chainId, c.config.deployment.certificate, proofOf(challenge, w.address)) });
      setAnswer(encodeResponse(challenge.tokenId, w.address, signature));
    } catch (err) {
      setProblem(await describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <h1>{t("mine.respondHeading")}</h1>
      <p className="notice info">{t("mine.respondIntro", { verifier: challenge.verifier, id })}</p>
      {expired ? <p className="notice error">{t("mine.respondExpired")}</p> : null}
      <ConnectPanel />
      {wrongWallet ? (
        <p className="notice error" role="alert">
          {t("mine.respondWrongWallet", { address: w.address, id, holder })}
        </p>
      ) : null}
      {w.connected && !answer ? (
        <button type="button" className="primary" disabled={busy || expired || wrongWallet || !holder} onClick={() => void sign()}>
          {t("mine.respondSign")}
        </button>
      ) : null}
      {busy ? <p role="status">{t("tx.signing")}</p> : null}
      {problem ? (
        problem.cancelled ? (
          <p className="notice info" data-testid="cancelled">
            {t("errors.cancelled")}
          </p>
        ) : (
          <p className="notice error" role="alert">
            {i18n.language === "en" ? problem.en : problem.zh}
          </p>
        )
      ) : null}
      {answer ? (
        <section className="card" data-testid="pop-answer">
          <p>{t("mine.respondDone")}</p>
          <QrImage text={answer} alt={t("possession.responseLabel")} size={300} className="qr answer-qr" />
          <CopyText id="pop-answer" label={t("possession.responseLabel")} value={answer} />
        </section>
      ) : null}
    </div>
  );
}
