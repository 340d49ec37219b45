/**
 * Re-issue to a new wallet (补发到新钱包), as the workbench runs it (server/routes.ts):
 * 1. the holder, signed in with the wallet that holds the certificate, names the new wallet (or, when that wallet is
 *    lost, an operator does, recording how the holder's identity was checked): the workbench builds a fresh
 *    credential and the EIP-712 `ReissueConsent` the new wallet must sign;
 * 2. the new wallet signs it on the consent page (`#/body/consent?c=…`, a link and a QR code: any device, no
 *    sign-in), which shows the signature as text and a QR code;
 * 3. the holder (or that operator) pastes the signature: the workbench checks it (EOA or ERC-1271) and records the request;
 * 4. an operator executes: `reissueCertificate` on chain; the old number is closed, the new wallet holds the new one.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
// a re-issue stays with the body of the old number (its top byte), which the new number carries too
import { bodyIdOfCertificate, certificateNumberOf } from "../../../sdk/types";
import { reissueConsentTypedData } from "../../../sdk/eip712";
import { CopyText } from "../components/CopyText";
import { ErrorBox } from "../components/ErrorBox";
import { AppError, type Bilingual } from "../components/errors";
import { QrImage } from "../components/QrImage";
import { QrScanner } from "../verify/QrScanner";
import { shortHex } from "../lib/format";
import { useChainish } from "../wallet/context";
import type { TxRunner } from "../wallet/tx";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import { WorkbenchError, type DossierDetail, type ReissueView, type WorkbenchApi } from "./api";
import { CertificateNumber, CopyButton, CopyValue, useListWords } from "./parts";

/** What the consent link carries: enough to rebuild the typed data with the sdk and show it in words. */
const ConsentLink = z.strictObject({
  chainId: z.number().int().positive(),
  contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  tokenId: z.string().regex(/^[1-9][0-9]{0,77}$/),
  newHolder: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  root: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  deadline: z.number().int().positive(),
});
type ConsentLink = z.infer<typeof ConsentLink>;

const b64url = (s: string) => btoa(unescape(encodeURIComponent(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s: string) => decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/"))));

export function consentUrl(link: ConsentLink): string {
  return `${window.location.origin}${window.location.pathname}#/body/consent?c=${b64url(JSON.stringify(link))}`;
}

const typedDataOf = (l: ConsentLink) =>
  reissueConsentTypedData(l.chainId, getAddress(l.contract), { tokenId: BigInt(l.tokenId), newHolder: getAddress(l.newHolder), newResultRoot: l.root as Hex, deadline: l.deadline });

const SIGNATURE = /^0x([0-9a-fA-F]{2}){65,}$/;

/** a field whose problem shows beside it: aria-invalid, and aria-describedby naming the problem's text (`${inputId}-error`) */
const invalidProps = (inputId: string, bad: boolean) => (bad ? { "aria-invalid": true, "aria-describedby": `${inputId}-error` } : {});

/** the form's fields the workbench's refusals name (`body.newHolder`, server/routes/reissue.ts) */
type ReissueField = "new" | "identity" | "signature";
const FIELD_OF_SERVER: Record<string, ReissueField> = { "body.newHolder": "new", "body.identityCheck": "identity", "body.signature": "signature" };

/**
 * Steps 1–3 in a dossier: name the new wallet, get the consent signed, submit the request. The holder's form; with
 * `forLostWallet`, an operator's, for a holder who can no longer sign in (the identity check is then required).
 */
export function ReissueRequest({ api, d, onDone, forLostWallet = false }: { api: WorkbenchApi; d: DossierDetail; onDone: () => void; forLostWallet?: boolean }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const qc = useQueryClient();
  const id = (name: string) => (forLostWallet ? `reissue-op-${name}` : `reissue-${name}`);
  const [newHolder, setNewHolder] = useState("");
  const [identityCheck, setIdentityCheck] = useState("");
  const [signature, setSignature] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [serverProblems, setServerProblems] = useState<Partial<Record<ReissueField, Bilingual>>>({});
  const [sent, setSent] = useState(false);
  const open = (d.reissues ?? []).filter((r) => r.status === "prepared" && r.deadline * 1000 > Date.now()).at(-1);
  const requested = (d.reissues ?? []).find((r) => r.status === "requested");
  const link: ConsentLink | null = open
    ? { chainId: c.chain.id, contract: c.config.deployment.certificate, tokenId: open.tokenId, newHolder: open.newHolder, root: open.root, deadline: open.deadline }
    : null;
  const addressOk = isAddress(newHolder.trim(), { strict: false });
  const badAddress = newHolder !== "" && !addressOk;
  const badSignature = signature !== "" && !SIGNATURE.test(signature);
  const labels: Record<ReissueField, string> = { new: t("bodyOps.reissue.newWallet"), identity: t("bodyOps.reissue.identityCheck"), signature: t("bodyOps.reissue.pasteSignature") };
  /** the workbench's refusal of a field, beside it until the field changes: "新钱包地址：与当前钱包相同" */
  const serverProblem = (f: ReissueField) => {
    const p = serverProblems[f];
    return p ? `${labels[f]}${i18n.language === "en" ? `: ${p.en}` : `：${p.zh}`}` : null;
  };
  const serverError = (f: ReissueField) =>
    serverProblems[f] ? (
      <p className="notice error field-error" id={id(`${f}-error`)} data-testid={id(`${f}-error`)}>
        {serverProblem(f)}
      </p>
    ) : null;
  const identityOk = !forLostWallet || identityCheck.trim().length >= 2;
  const clear = (f: ReissueField) => setServerProblems((p) => ({ ...p, [f]: undefined }));
  const run = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setServerProblems({});
    try {
      await what();
      await qc.invalidateQueries({ queryKey: ["dossier", d.id] });
      onDone();
    } catch (err) {
      const problems = err instanceof WorkbenchError ? err.problems : [];
      const placed: Partial<Record<ReissueField, Bilingual>> = {};
      for (const p of problems) {
        const f = FIELD_OF_SERVER[p.field];
        if (f) placed[f] = { zh: p.zh, en: p.en };
      }
      setServerProblems(placed);
      // each problem beside its field: the box says what the workbench refused, without the fields' paths
      const all = err instanceof WorkbenchError && problems.length > 0 && problems.every((p) => FIELD_OF_SERVER[p.field]);
      setError(all ? new AppError(err.headline) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={id("heading")} data-testid={forLostWallet ? "reissue-lost-wallet" : "reissue-holder"}>
      <h2 id={id("heading")}>{t(forLostWallet ? "bodyOps.reissue.lostWalletHeading" : "bodyOps.reissue.heading")}</h2>
      <p>{t(forLostWallet ? "bodyOps.reissue.operatorIntro" : "bodyOps.reissue.holderIntro")}</p>
      {requested ? (
        <p className="notice info" role="status" data-testid="reissue-requested">
          {t("bodyOps.reissue.requested", { wallet: requested.newHolder, number: requested.newTokenId })}
        </p>
      ) : null}
      <ol className="steps">
        <li>
          {forLostWallet ? (
            <div className="field">
              <label htmlFor={id("identity")}>{t("bodyOps.reissue.identityCheck")}</label>
              <input id={id("identity")} value={identityCheck} maxLength={500} placeholder={t("bodyOps.reissue.identityCheckHint")} onChange={(e) => (setIdentityCheck(e.currentTarget.value), clear("identity"))} aria-required="true" {...invalidProps(id("identity"), !!serverProblems.identity)} />
              {serverError("identity")}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={id("new")}>{t("bodyOps.reissue.newWallet")}</label>
            <input id={id("new")} value={newHolder} autoComplete="off" spellCheck={false} placeholder="0x…" onChange={(e) => (setNewHolder(e.currentTarget.value), clear("new"))} {...invalidProps(id("new"), badAddress || !!serverProblems.new)} />
            {badAddress ? (
              <p className="notice error field-error" id={id("new-error")} data-testid={id("new-error")}>
                {t("bodyOps.reissue.badAddress")}
              </p>
            ) : (
              serverError("new")
            )}
          </div>
          <button
            type="button"
            className="primary"
            disabled={!addressOk || !identityOk || busy}
            onClick={() =>
              void run(() =>
                api.call("POST", `/dossiers/${encodeURIComponent(d.id)}/reissue/prepare`, {
                  newHolder: getAddress(newHolder.trim()),
                  ...(forLostWallet ? { identityCheck: identityCheck.trim() } : {}),
                }),
              )
            }
          >
            {t("bodyOps.reissue.prepare")}
          </button>
        </li>
        {link && open ? (
          <li data-testid="reissue-consent-link">
            <p>{t("bodyOps.reissue.signOnNew", { wallet: shortHex(open.newHolder), until: new Date(open.deadline * 1000).toLocaleString(i18n.language === "en" ? "en-GB" : "zh-CN", { dateStyle: "long", timeStyle: "short" }) })}</p>
            <QrImage text={consentUrl(link)} alt={t("bodyOps.reissue.qrAlt")} size={200} />
            <CopyText id={id("link")} value={consentUrl(link)} label={t("bodyOps.reissue.link")} />
          </li>
        ) : null}
        {open ? (
          <li>
            <div className="field">
              <label htmlFor={id("signature")}>{t("bodyOps.reissue.pasteSignature")}</label>
              <textarea id={id("signature")} rows={3} value={signature} spellCheck={false} onChange={(e) => (setSignature(e.currentTarget.value.trim()), clear("signature"))} {...invalidProps(id("signature"), badSignature || !!serverProblems.signature)} />
              {badSignature ? (
                <p className="notice error field-error" id={id("signature-error")} data-testid={id("signature-error")}>
                  {t("bodyOps.reissue.badSignature")}
                </p>
              ) : (
                serverError("signature")
              )}
            </div>
            <QrScanner idPrefix={id("sig")} onResult={(text) => setSignature(text.trim())} uploadLabel={t("bodyOps.reissue.scanSignature")} />
            <button
              type="button"
              className="primary"
              disabled={!SIGNATURE.test(signature) || busy}
              onClick={() =>
                void run(async () => {
                  await api.call("POST", `/dossiers/${encodeURIComponent(d.id)}/reissue/request`, { root: open.root, signature });
                  setSent(true);
                  setSignature("");
                })
              }
            >
              {t("bodyOps.reissue.request")}
            </button>
          </li>
        ) : null}
      </ol>
      {busy ? <p role="status">{t("app.loading")}</p> : null}
      {sent ? <p className="notice ok">✔ {t("bodyOps.reissue.sent")}</p> : null}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}

/** The operator's part: the requests with the new wallet's consent, executed on chain after a confirmation. */
export function ReissueOperator({ api, d, tx, onDone }: { api: WorkbenchApi; d: DossierDetail; tx: TxRunner; onDone: () => void }) {
  const { t } = useTranslation();
  const w = useListWords();
  const list = d.reissues ?? [];
  if (list.length === 0) return null;
  const label = (r: ReissueView) => t(`bodyOps.reissue.status.${r.status}`);
  // its own id: the lost-wallet form on the same page is "reissue-op-heading"
  return (
    <section className="card" aria-labelledby="reissue-exec-heading" data-testid="reissue-operator">
      <h2 id="reissue-exec-heading">{t("bodyOps.reissue.heading")}</h2>
      <ul className="card-list">
        {list.map((r) => (
          <li key={r.root} data-reissue={r.status}>
            <p>
              <CertificateNumber tokenId={r.tokenId} /> → <CertificateNumber tokenId={r.newTokenId} /> · <span className="badge state nowrap">{label(r)}</span>
            </p>
            <p>
              {t("bodyOps.reissue.to")} {d.applicantName ? <strong data-testid="reissue-holder-name">{w.newWalletOf(d.applicantName)}</strong> : null}{" "}
              <CopyValue value={r.newHolder} what={`${d.applicantName ? w.newWalletOf(d.applicantName) : w.newWallet} ${r.newHolder}`} />
              {r.txHash ? (
                <>
                  {" · "}
                  <CopyValue value={r.txHash} what={`${w.reissueTx} ${r.txHash}`} />
                </>
              ) : null}
            </p>
            {r.status === "requested" && d.state === "issued" ? (
              <div>
                {r.deadline * 1000 < Date.now() ? <p className="notice error">{t("bodyOps.reissue.expired")}</p> : null}
                <button
                  type="button"
                  className="primary"
                  onClick={() =>
                    tx.ask(
                      t("bodyOps.reissue.confirm", { old: r.tokenId, number: r.newTokenId, wallet: r.newHolder }),
                      async () => void (await api.call("POST", `/dossiers/${encodeURIComponent(d.id)}/reissue`, { root: r.root })),
                      onDone,
                      { by: "body-key", title: w.reissueTitle },
                    )
                  }
                >
                  {t("bodyOps.reissue.execute")}
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `#/body/consent?c=…`: the new wallet reads what it agrees to and signs; no sign-in, no server. */
export function ConsentPage({ query }: { query: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const [signature, setSignature] = useState<Hex | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const link = useMemo(() => {
    try {
      const r = ConsentLink.safeParse(JSON.parse(unb64url(query.get("c") ?? "")));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }, [query]);
  if (!link) return <p className="notice error" role="alert">{t("bodyOps.reissue.badLink")}</p>;
  const wrongChain = link.chainId !== c.chain.id || link.contract.toLowerCase() !== c.config.deployment.certificate.toLowerCase();
  const wrongWallet = w.address && w.address.toLowerCase() !== link.newHolder.toLowerCase();
  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      if (!w.address) return;
      if (wrongWallet) throw new AppError({ zh: `请用新钱包 ${link.newHolder} 签署，当前连接的是 ${w.address}。`, en: `Sign with the new wallet ${link.newHolder}; the connected one is ${w.address}.` });
      const wallet = await w.walletClient();
      setSignature(await wallet.signTypedData({ account: w.address as Address, ...typedDataOf(link) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <h1>{t("bodyOps.reissue.consentHeading")}</h1>
      <section className="card" aria-labelledby="consent-what">
        <h2 id="consent-what">{t("bodyOps.reissue.consentWhat")}</h2>
        <dl className="details">
          <dt>{t("bodyOps.reissue.oldNumber")}</dt>
          <dd>
            <CertificateNumber tokenId={link.tokenId} />
          </dd>
          <dt>{t("bodyOps.reissue.newNumber")}</dt>
          <dd>
            <CertificateNumber tokenId={certificateNumberOf(bodyIdOfCertificate(BigInt(link.tokenId)), link.root as Hex).toString()} />
          </dd>
          <dt>{t("bodyOps.reissue.newWallet")}</dt>
          <dd>
            <code className="break">{link.newHolder}</code> <CopyButton value={link.newHolder} what={link.newHolder} />
          </dd>
          <dt>{t("bodyOps.reissue.deadline")}</dt>
          <dd>{new Date(link.deadline * 1000).toLocaleString(i18n.language === "en" ? "en-GB" : "zh-CN", { dateStyle: "long", timeStyle: "short" })}</dd>
        </dl>
        <p>{t("bodyOps.reissue.consentText")}</p>
        {wrongChain ? <p className="notice error">{t("bodyOps.reissue.wrongChain")}</p> : null}
      </section>
      <ConnectPanel />
      {w.connected ? (
        <section className="card">
          {wrongWallet ? <p className="notice error">{t("bodyOps.reissue.wrongWallet", { wallet: link.newHolder })}</p> : null}
          <button type="button" className="primary" disabled={busy || !!wrongWallet || wrongChain} onClick={() => void sign()} data-testid="consent-sign">
            {t("bodyOps.reissue.signConsent")}
          </button>
          {busy ? <p role="status">{t("tx.awaitingWallet")}</p> : null}
          {error ? <ErrorBox error={error} /> : null}
          {signature ? (
            <div data-testid="consent-signature">
              <p className="notice ok">✔ {t("bodyOps.reissue.signed")}</p>
              <QrImage text={signature} alt={t("bodyOps.reissue.signatureQr")} size={240} />
              <CopyText id="consent-signature-text" value={signature} label={t("bodyOps.reissue.signature")} />
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
