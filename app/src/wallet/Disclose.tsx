/**
 * The holder chooses which fields of their credential (cqo-credential/2, or /1 of earlier certificates, from the
 * body) to disclose. Everything happens on this device: the file is read locally (and kept in this browser for
 * the next time, see heldCredentials.ts), the disclosure is built with the scoring engine's disclose().
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { disclose, type Credential } from "../../../scoring/commit/credential";
import { CopyText } from "../components/CopyText";
import { QrImage } from "../components/QrImage";
import { downloadText } from "../lib/format";
import { base64UrlEncode, verifyLink } from "../lib/links";
import { fieldLabel, FieldValue } from "../verify/DisclosureCheck";
import { useChainish } from "./context";
import { forgetCredential, heldCredential, keepCredential, readCredential } from "./heldCredentials";

export default function Disclose({ tokenId }: { tokenId: string }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const cert = useQuery({ queryKey: ["verify", tokenId], queryFn: () => c.cqo.verifyCertificate(tokenId) });
  const [credential, setCredential] = useState<Credential | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set(["level"]));
  const [output, setOutput] = useState<{ json: string; link: string } | null>(null);

  // the credential kept in this browser for this certificate, if any
  useEffect(() => {
    if (cert.data && !credential) setCredential(heldCredential(cert.data.resultRoot));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cert.data]);

  const load = async (file: File) => {
    setProblem(null);
    setOutput(null);
    setCredential(null);
    const r = readCredential(await file.text());
    if (!r.ok) {
      setProblem(i18n.language === "en" ? r.problem.en : r.problem.zh);
      return;
    }
    if (cert.data && r.credential.root.toLowerCase() !== cert.data.resultRoot.toLowerCase()) {
      setProblem(t("mine.credentialWrong", { id: tokenId }));
      return;
    }
    if (cert.data) keepCredential(r.credential);
    setCredential(r.credential);
  };

  const make = () => {
    if (!credential) return;
    const r = disclose(credential, [...chosen]);
    if (!r.ok) {
      setProblem(r.errors.map((e) => (i18n.language === "en" ? e.message.en : e.message.zh)).join("; "));
      return;
    }
    const json = JSON.stringify(r.value);
    setOutput({ json, link: verifyLink(tokenId, base64UrlEncode(json)) });
  };

  return (
    <div>
      <p>
        <a href="#/mine">← {t("mine.heading")}</a>
      </p>
      <h1>{t("mine.discloseHeading", { id: tokenId })}</h1>
      <p>{t("mine.discloseIntro")}</p>
      <section className="card">
        <label htmlFor="credential-file">{t("mine.credentialFile")}</label>
        <input id="credential-file" type="file" accept="application/json,.json" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void load(f); }} />
        {problem ? (
          <p className="notice error" role="alert">
            {problem}
          </p>
        ) : null}
      </section>
      {credential ? (
        <section className="card">
          <p className="row wrap" data-testid="credential-kept">
            <small>{t("mine.credentialKept")}</small>
            <button
              type="button"
              className="link"
              onClick={() => {
                forgetCredential(credential.root);
                setCredential(null);
                setOutput(null);
              }}
            >
              {t("mine.forgetCredential")}
            </button>
          </p>
          <fieldset>
            <legend>{t("mine.choose")}</legend>
            {credential.fields.map((f) => (
              <div key={f.name} className="row">
                <input
                  type="checkbox"
                  id={`field-${f.name}`}
                  data-field={f.name}
                  checked={chosen.has(f.name)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.currentTarget.checked) next.add(f.name);
                    else next.delete(f.name);
                    setChosen(next);
                    setOutput(null);
                  }}
                />
                <label htmlFor={`field-${f.name}`}>
                  {fieldLabel(f.name, t)}: <FieldValue name={f.name} value={f.value} />
                </label>
              </div>
            ))}
          </fieldset>
          <button type="button" className="primary" disabled={chosen.size === 0} onClick={make}>
            {t("mine.makeDisclosure")}
          </button>
        </section>
      ) : null}
      {output ? (
        <section className="card" data-testid="disclosure-output">
          <button type="button" onClick={() => downloadText(`cqo-disclosure-${tokenId}.json`, output.json)}>
            {t("mine.downloadDisclosure")}
          </button>
          <CopyText id="disclosure-link" label={t("mine.disclosureLink")} value={output.link} />
          {output.link.length <= 2000 ? <QrImage text={output.link} alt={t("mine.disclosureLink")} size={300} /> : null}
        </section>
      ) : null}
    </div>
  );
}
