/**
 * A holder's selective disclosure (cqo-disclosure/2, or /1 of earlier certificates) checked against the
 * certificate's result root on chain, with the scoring engine's verifyDisclosure (loaded on demand). From a link
 * (?d=base64url JSON: the printed certificate's QR code carries name, employer and level), a file or a paste.
 * A proven name and employer are said in one line; a disclosure that names them but does not verify is said
 * plainly not to match the on-chain record.
 */
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { base64UrlDecode } from "../lib/links";
import { levelLabel } from "../lib/format";

type Checked =
  | { ok: true; fields: { name: string; value: unknown }[] }
  | { ok: false; problems: { zh: string; en: string }[]; claimed: string[] };

/** The field names a disclosure claims to show, read before (and whatever the result of) its verification. */
function claimedNames(parsed: unknown): string[] {
  const fields = (parsed as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.map((f) => (f as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === "string");
}

/** Field name → its label key under disclosure.fields (i18next keys cannot hold the dots of "employer.name"). */
const LABEL_KEYS: Record<string, string> = {
  level: "level",
  total: "total",
  rulebook: "rulebook",
  dossier: "dossier",
  applicant: "applicant",
  panel: "panel",
  name: "name",
  idNumber: "idNumber",
  "employer.name": "employerName",
  "employer.creditCode": "employerCreditCode",
};

export async function checkDisclosure(text: string, root: Hex): Promise<Checked> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ zh: "内容不是有效的 JSON。", en: "That is not valid JSON." }], claimed: [] };
  }
  const { verifyDisclosure } = await import("../../../scoring/commit/verifyDisclosure");
  const r = verifyDisclosure(parsed, root);
  if (r.ok) return { ok: true, fields: r.value.fields };
  return { ok: false, problems: r.errors.map((p) => p.message), claimed: claimedNames(parsed) };
}

export function fieldLabel(name: string, t: (k: string, o?: Record<string, string>) => string): string {
  if (name.startsWith("dimension.")) return t("disclosure.fields.dimension", { id: name.slice("dimension.".length) });
  const key = Object.hasOwn(LABEL_KEYS, name) ? LABEL_KEYS[name] : undefined;
  return key ? t(`disclosure.fields.${key}`) : name;
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
  // a name or an employer is text for people; hashes, codes and numbers are set in monospace
  if ((name === "name" || name === "employer.name") && typeof value === "string") return <>{value}</>;
  return <span className="mono break">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

/** "姓名 王伟 · 单位 湖南某某有限公司 — 已对照链上记录验证": what a verifier holding the paper needs to read. */
function ProvenIdentity({ fields }: { fields: { name: string; value: unknown }[] }) {
  const { t } = useTranslation();
  const shown = ["name", "employer.name"]
    .map((n) => fields.find((f) => f.name === n && typeof f.value === "string"))
    .filter((f): f is { name: string; value: string } => !!f);
  if (shown.length === 0) return null;
  return (
    <p className="identity" data-testid="disclosure-identity">
      <strong>
        {shown.map((f, i) => (
          <span key={f.name} data-field={f.name}>
            {i > 0 ? " · " : ""}
            {fieldLabel(f.name, t)} <span data-value="">{f.value}</span>
          </span>
        ))}
      </strong>{" "}
      — {t("disclosure.identityProven")}
    </p>
  );
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
      setResult({ ok: false, problems: [{ zh: "链接中的披露内容已损坏。", en: "The disclosure in the link is damaged." }], claimed: [] });
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
          <ProvenIdentity fields={result.fields} />
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
          {result.claimed.includes("name") || result.claimed.includes("employer.name") ? (
            <p data-testid="identity-mismatch">
              <strong>✖ {t("disclosure.identityMismatch")}</strong>
            </p>
          ) : null}
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
