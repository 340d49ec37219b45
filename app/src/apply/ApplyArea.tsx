/**
 * 申报 (issue #12): the applicant's pages. #/apply — connect the wallet, sign in to the certifying body's workbench
 * with Ethereum, my applications and the form of a new one; #/apply/<dossierId> — where one application stands.
 */
import { useCallback, useEffect, useState } from "react";
import { WorkbenchApi, type DossierSummary, type Session } from "../body/api";
import { ErrorBox } from "../components/ErrorBox";
import { formatDateTime } from "../lib/format";
import { navigate, type Route } from "../router";
import { useChainish } from "../wallet/context";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import type { Address } from "viem";
import type { Dossier } from "../../../scoring";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { ApplicationForm } from "./ApplicationForm";
import { fromDossier, type Draft } from "./draft";
import { DossierStatus } from "./DossierStatus";
import { stateWords, useWords } from "./text";
import "./apply.css";
import { useWorkbenchApi } from "../wallet/useWorkbenchApi";

export default function ApplyArea({ route }: { route: Route }) {
  const { tx } = useWords();
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [session, setSession] = useState<Session | null>(() => api.session());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dossierId = route.parts[1];
  // 复评: #/apply?renew=<the certificate's dossier> (from the card in 我的证书)
  const renewOf = route.query.get("renew");
  const mine = !!session && !!w.address && session.address.toLowerCase() === w.address.toLowerCase();

  const signIn = async () => {
    if (!w.address) return;
    setBusy(true);
    setError(null);
    try {
      setSession(await api.signIn(await w.walletClient(), w.address, c.chain.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const signOut = async () => {
    await api.signOut();
    setSession(null);
  };

  return (
    <div className="apply-area">
      <h1>{tx("title")}</h1>
      <p className="muted">{tx("intro")}</p>
      <ConnectPanel />
      {!w.connected || !w.address ? (
        <p className="notice info">{tx("connectFirst")}</p>
      ) : !mine ? (
        <div className="card">
          <button type="button" className="primary" disabled={busy} onClick={() => void signIn()} data-testid="apply-sign-in">
            {tx("signIn")}
          </button>
          {busy ? <p role="status">{tx("signingIn")}</p> : null}
          {error ? <ErrorBox error={error} /> : null}
        </div>
      ) : (
        <>
          <p className="row wrap" data-testid="apply-signed-in">
            <span className="badge ok">{tx("signedInAs")}</span>
            <button type="button" className="link" onClick={() => void signOut()}>
              {tx("signOut")}
            </button>
          </p>
          {dossierId ? (
            <DossierStatus key={dossierId} api={api} id={dossierId} />
          ) : (
            <>
              <MyDossiers api={api} />
              {renewOf ? (
                <RenewalForm key={`${w.address} ${renewOf}`} api={api} address={w.address} from={renewOf} />
              ) : (
                <ApplicationForm key={w.address} api={api} address={w.address} onSubmitted={(s) => navigate(`/apply/${encodeURIComponent(s.id)}`)} />
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}

const RENEWAL_TEXT = {
  zh: (from: string, token: string) => `复评申报：已按证书 ${formatCertificateNumber(token)}（申报 ${from}）的申报材料预填。请逐项核对、更新（如任职、培训、业绩）后重新签署诚信承诺书并提交；认定后证书编号不变。`,
  en: (from: string, token: string) => `Re-evaluation: pre-filled from certificate ${formatCertificateNumber(token)} (dossier ${from}). Check and bring every item up to date (appointment, training, achievements), sign the integrity declaration again and submit; once decided, the certificate keeps its number.`,
};

/** The form pre-filled with the certificate's own dossier (GET /dossiers/:id/renewal-draft) under the current rulebook. */
function RenewalForm({ api, address, from }: { api: WorkbenchApi; address: Address; from: string }) {
  const { lang } = useWords();
  const [draft, setDraft] = useState<{ initial: Draft; tokenId: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.call<{ from: string; tokenId: string; rulebook: string; dossier: Dossier }>("GET", `/dossiers/${encodeURIComponent(from)}/renewal-draft`).then(
      (r) => live && setDraft({ initial: fromDossier(r.dossier, r.rulebook), tokenId: r.tokenId }),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [api, from]);
  if (error) return <ErrorBox error={error} />;
  if (!draft) return <p role="status">…</p>;
  return (
    <>
      <p className="notice info" data-testid="renewal-prefilled">
        {(lang === "en" ? RENEWAL_TEXT.en : RENEWAL_TEXT.zh)(from, draft.tokenId)}
      </p>
      <ApplicationForm api={api} address={address} initial={draft.initial} onSubmitted={(s) => navigate(`/apply/${encodeURIComponent(s.id)}`)} />
    </>
  );
}

function MyDossiers({ api }: { api: WorkbenchApi }) {
  const { tx, pick, lang } = useWords();
  const [items, setItems] = useState<DossierSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    api.list<DossierSummary>("/dossiers", { limit: 100 }).then(
      (p) => setItems(p.items),
      (err: unknown) => setError(err),
    );
  }, [api]);
  useEffect(load, [load]);
  return (
    <section className="card" aria-labelledby="my-dossiers" data-testid="my-dossiers">
      <h2 id="my-dossiers">{tx("myDossiers")}</h2>
      {error ? <ErrorBox error={error} onRetry={load} /> : null}
      {items === null && !error ? <p role="status">{tx("loading")}</p> : null}
      {items && items.length === 0 ? <p className="muted">{tx("noDossiers")}</p> : null}
      {items && items.length > 0 ? (
        <ul className="plain dossier-list">
          {items.map((d) => (
            <li key={d.id} data-dossier={d.id} data-state={d.state}>
              <a href={`#/apply/${encodeURIComponent(d.id)}`}>
                <span className="mono">{d.id}</span>
              </a>
              <span className="badge">{pick(stateWords(d.state))}</span>
              <span className="muted">
                {tx("rulebook")}: {d.rulebook} · {tx("submittedAt")}: {formatDateTime(d.createdAt / 1000, lang)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
