/**
 * A holder's selective disclosure (cqo-disclosure/1) checked against the certificate's result root on chain, with
 * the scoring engine's verifyDisclosure (loaded on demand). From a link (?d=base64url JSON), a file or a paste.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { base64UrlDecode } from "../lib/links";
import { levelLabel } from "../lib/format";

type Checked =
  | { ok: true; fields: { name: string; value: unknown }[] }
  | { ok: false; problems: { zh: string; en: string }[] };

export async function checkDisclosure(text: string, root: Hex): Promise<Checked> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ zh: "内容不是有效的 JSON。", en: "That is not valid JSON." }] };
  }
  const { verifyDisclosure } = await import("../../../scoring/commit/verifyDisclosure");
  const r = verifyDisclosure(parsed, root);
  if (r.ok) return { ok: true, fields: r.value.fields };
  return { ok: false, problems: r.errors.map((p) => p.message) };
}

export function fieldLabel(name: string, t: (k: string, o?: Record<string, string>) => string): string {
  if (name.startsWith("dimension.")) return t("disclosure.fields.dimension", { id: name.slice("dimension.".length) });
  const known = ["level", "total", "rulebook", "dossier", "applicant", "panel"];
  return known.includes(name) ? t(`disclosure.fields.${name}`) : name;
}

export function FieldValue({ name, value }: { name: string; value: unknown }) {
  const { i18n } = useTranslation();
  if (name === "level" && typeof value === "number") return <>{levelLabel(value, i18n.language)}</>;
  if ((name === "total" || name.startsWith("dimension.")) && typeof value === "number") return <>{(value / 10).toFixed(1)}</>;
  if (name === "applicant" && value && typeof value === "object") {
    const a = value as { name?: unknown; idNumber?: unknown };
    return (
      <>
        {String(a.name ?? "")} · <span className="mono">{String(a.idNumber ?? "")}</span>
      </>
    );
  }
  return <span className="mono break">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

export function DisclosureCheck({ root, level, fromLink }: { root: Hex; level: number; fromLink: string | null }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState("");
  const [result, setResult] = useState<Checked | null>(null);
  const [linked, setLinked] = useState(false);

  const run = async (value: string) => setResult(await checkDisclosure(value, root));

  useEffect(() => {
    if (!fromLink) return;
    try {
      const decoded = base64UrlDecode(fromLink);
      setText(decoded);
      setLinked(true);
      void run(decoded);
    } catch {
      setResult({ ok: false, problems: [{ zh: "链接中的披露内容已损坏。", en: "The disclosure in the link is damaged." }] });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fromLink, root]);

  const disclosedLevel = result?.ok ? result.fields.find((f) => f.name === "level")?.value : undefined;
  return (
    <section className="card" aria-labelledby="disclosure-heading" id="disclosure">
      <h2 id="disclosure-heading">{t("disclosure.heading")}</h2>
      <p>{t("disclosure.intro")}</p>
      {linked ? <p className="notice info">{t("disclosure.fromLink")}</p> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(text);
        }}
      >
        <label htmlFor="disclosure-text">{t("disclosure.paste")}</label>
        <textarea id="disclosure-text" rows={5} spellCheck={false} value={text} onChange={(e) => setText(e.currentTarget.value)} />
        <div className="row wrap">
          <button type="submit" className="primary" disabled={!text.trim()}>
            {t("disclosure.check")}
          </button>
          <label className="button" htmlFor="disclosure-file">
            {t("disclosure.upload")}
          </label>
          <input
            id="disclosure-file"
            className="visually-hidden"
            type="file"
            accept="application/json,.json"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file)
                void file.text().then((s) => {
                  setText(s);
                  void run(s);
                });
            }}
          />
        </div>
      </form>
      {result?.ok ? (
        <div className="notice ok" role="status" data-testid="disclosure-ok">
          <p>✔ {t("disclosure.proven")}</p>
          <table className="fields">
            <thead>
              <tr>
                <th scope="col">{t("disclosure.field")}</th>
                <th scope="col">{t("disclosure.value")}</th>
              </tr>
            </thead>
            <tbody>
              {result.fields.map((f) => (
                <tr key={f.name} data-field={f.name}>
                  <th scope="row">{fieldLabel(f.name, t)}</th>
                  <td>
                    <FieldValue name={f.name} value={f.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {typeof disclosedLevel === "number" && disclosedLevel !== level ? <p className="notice error">{t("disclosure.levelMismatch")}</p> : null}
          <p>
            <small>{t("disclosure.hiddenNote")}</small>
          </p>
        </div>
      ) : null}
      {result && !result.ok ? (
        <div className="notice error" role="alert" data-testid="disclosure-failed">
          <p>✖ {t("disclosure.failed")}</p>
          <ul>
            {result.problems.map((p, i) => (
              <li key={i}>{i18n.language === "en" ? p.en : p.zh}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
