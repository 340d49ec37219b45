/**
 * On a certificate card: the holder's credential (values and salts) fetched from the certifying body's workbench
 * after sign-in with Ethereum (body/api.ts WorkbenchApi), kept in this browser (heldCredentials.ts) so the
 * disclosure and print pages find it, and saved as a JSON file on request.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AppError } from "../components/errors";
import { ErrorBox } from "../components/ErrorBox";
import type { Credential } from "../../../scoring/commit/credential";
import { useChainish } from "./context";
import { heldCredential, keepCredential, readCredential } from "./heldCredentials";
import { holderDossier } from "./holderDossier";
import { useWallet } from "./wallet";
import { useWorkbenchApi } from "./useWorkbenchApi";

export function CredentialFromBody({ tokenId, root }: { tokenId: string; root: string }) {
  const { t } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [credential, setCredential] = useState<Credential | null>(() => heldCredential(root));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const fetchCredential = async () => {
    if (!w.address) return;
    setBusy(true);
    setError(null);
    try {
      const id = await holderDossier(api, { address: w.address, walletClient: w.walletClient }, c.chain.id, tokenId);
      const got = await api.call<{ tokenId: string; root: string; credential: unknown }>("GET", `/dossiers/${encodeURIComponent(id)}/credential`);
      const r = readCredential(JSON.stringify(got.credential));
      if (!r.ok) throw new AppError(r.problem);
      // the on-chain root is the judge: a credential of another result is not this certificate's
      if (r.credential.root.toLowerCase() !== root.toLowerCase()) throw new AppError({ zh: `认定主体返回的凭证与证书 #${tokenId} 的链上承诺不符。`, en: `The credential from the body does not match certificate #${tokenId}'s on-chain commitment.` });
      keepCredential(r.credential);
      setCredential(r.credential);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = () => {
    if (!credential) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(credential, null, 2)], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `cqo-credential-${tokenId}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="credential-from-body" data-testid="credential-from-body">
      <div className="row wrap">
        {w.connected ? (
          <button type="button" disabled={busy} onClick={() => void fetchCredential()} data-testid="fetch-credential">
            {t("mine.fetchCredential")}
          </button>
        ) : null}
        {credential ? (
          <button type="button" onClick={save} data-testid="save-credential">
            {t("mine.saveCredential")}
          </button>
        ) : null}
      </div>
      {busy ? <p role="status">{t("mine.fetchingCredential")}</p> : null}
      {credential && !busy ? (
        <p className="notice ok" data-testid="credential-kept">
          {t("mine.credentialKept")}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
