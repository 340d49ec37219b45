/**
 * The association's register forms: accredit a body (its first signing key joins with its own consent), the list
 * of rulebooks with 停用, and 登记评价方案. Each is disabled, with the reason, for a wallet without the
 * association's role; the sdk's input checks come back next to the field they name, in words: the field's label
 * and what is wrong (consoleText.ts fieldProblemWords), never the sdk's path of the argument.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { keccak256, toHex, type Hex } from "viem";
import { levelsToScope, type RulebookRecord } from "../../../sdk/types";
import { levelLabel, shortHex } from "../lib/format";
import { useWallet } from "../wallet/wallet";
import { FieldErrors, invalidProps, type ActionTx } from "./ActionTx";
import { ConsentField, grantOf, useSigningKeyConsent } from "./ConsentField";
import { useConsoleText } from "./consoleText";
import { checkAccreditation, type FieldProblem } from "./inputProblems";
import { ScrollRegion } from "../components/ScrollRegion";

export const DAY = 86_400;
export const dateToUnix = (d: string): number => Math.floor(new Date(`${d}T00:00:00`).getTime() / 1000);
export const unixToDate = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);

/**
 * A field's problem next to it, as the user reads it: "主体管理员地址：应为非零的以太坊地址…". The input carries
 * aria-invalid and aria-describedby = `${inputId}-error` (invalidProps); the sdk's paths stay out of the text.
 */
export function LevelPicker({ idPrefix, value, onChange, problems = [] }: { idPrefix: string; value: number[]; onChange: (v: number[]) => void; problems?: readonly FieldProblem[] }) {
  const { t, i18n } = useTranslation();
  return (
    <fieldset className="row wrap" {...invalidProps(`${idPrefix}-levels`, "levels", problems)}>
      <legend>{t("association.levels")}</legend>
      {[1, 2, 3].map((l) => (
        <span key={l} className="row">
          <input
            type="checkbox"
            id={`${idPrefix}-level-${l}`}
            checked={value.includes(l)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, l].sort() : value.filter((x) => x !== l))}
          />
          <label htmlFor={`${idPrefix}-level-${l}`}>{levelLabel(l, i18n.language)}</label>
        </span>
      ))}
      <FieldErrors inputId={`${idPrefix}-levels`} field="levels" problems={problems} />
    </fieldset>
  );
}

export function AccreditForm({ actions, enabled, nextBodyId, onDone }: { actions: ActionTx; enabled: boolean; nextBodyId: number | null; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const w = useWallet();
  const [name, setName] = useState("");
  const [admin, setAdmin] = useState("");
  const [consentText, setConsentText] = useState("");
  // the consent must name the id the new body will get: the registry's count + 1 when the transaction runs
  const consent = useSigningKeyConsent(consentText, nextBodyId);
  const grant = grantOf(consent);
  const [levels, setLevels] = useState<number[]>([3]);
  const [until, setUntil] = useState(unixToDate(Math.floor(Date.now() / 1000) + 3 * 365 * DAY));
  const [days, setDays] = useState("7");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  return (
    <form
      className="card"
      aria-labelledby="accredit-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!grant || !enabled) return;
        const metadata = JSON.stringify({ name, country: "CN" });
        const accreditation = {
          admin,
          scope: levelsToScope(levels),
          accreditedUntil: dateToUnix(until),
          noticePeriod: Number(days) * DAY,
          metadataURI: `data:application/json,${encodeURIComponent(metadata)}`,
          metadataHash: keccak256(toHex(metadata)),
        };
        const found = checkAccreditation(accreditation);
        setProblems(found);
        if (found.length) return;
        actions.ask(
          "accredit",
          t("association.confirm.accredit", { name, admin, id: nextBodyId, key: grant.key, levels: levels.map((l) => levelLabel(l, i18n.language)).join("、"), until, days }),
          async (onHash) => (await w.cqo(onHash)).accreditBody(accreditation, [grant]),
          () => {
            // a consent is single use, and the next body gets another id
            setConsentText("");
            onDone();
          },
          setProblems,
        );
      }}
    >
      <h3 id="accredit-heading">{t("association.accredit")}</h3>
      <fieldset disabled={!enabled} className="plain">
        <label htmlFor="acc-name">{t("association.name")}</label>
        <input id="acc-name" required value={name} onChange={(e) => setName(e.currentTarget.value)} {...invalidProps("acc-name", "name", problems)} />
        <FieldErrors inputId="acc-name" field="name" problems={problems} />
        <label htmlFor="acc-admin">{t("association.adminAddress")}</label>
        <input id="acc-admin" className="mono" required value={admin} onChange={(e) => setAdmin(e.currentTarget.value.trim())} {...invalidProps("acc-admin", "admin", problems)} />
        <FieldErrors inputId="acc-admin" field="admin" problems={problems} />
        <p data-testid="next-body-id">{t("association.nextBodyId", { id: nextBodyId ?? "…" })}</p>
        <ConsentField id="acc-consent" label={t("association.consent.labelFirst")} value={consentText} onChange={setConsentText} check={consent} bodyId={nextBodyId} />
        <FieldErrors inputId="acc-consent-sdk" field="consent" problems={problems} />
        <LevelPicker idPrefix="acc" value={levels} onChange={setLevels} problems={problems} />
        <div className="row wrap">
          <div className="field">
            <label htmlFor="acc-until">{t("association.termUntil")}</label>
            <input id="acc-until" type="date" required value={until} onChange={(e) => setUntil(e.currentTarget.value)} {...invalidProps("acc-until", "until", problems)} />
            <FieldErrors inputId="acc-until" field="until" problems={problems} />
          </div>
          <div className="field">
            <label htmlFor="acc-days">{t("association.noticeDays")}</label>
            <input id="acc-days" type="number" min={0} max={194} required value={days} onChange={(e) => setDays(e.currentTarget.value)} {...invalidProps("acc-days", "days", problems)} />
            <FieldErrors inputId="acc-days" field="days" problems={problems} />
          </div>
        </div>
        <button type="submit" className="primary" disabled={!enabled || levels.length === 0 || !grant}>
          {t("association.accredit")}
        </button>
      </fieldset>
      {!enabled ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}
    </form>
  );
}

export function RulebookList({ rulebooks, actions, enabled, onDone }: { rulebooks: RulebookRecord[]; actions: ActionTx; enabled: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const C = useConsoleText();
  const w = useWallet();
  return (
    <ScrollRegion label={`${t("association.rulebooks")} · ${t("association.rulebookHash")}`}>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("association.rulebookUri")}</th>
            <th scope="col">{t("association.rulebookHash")}</th>
            <th scope="col">{t("association.status")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("association.deprecate")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rulebooks.map((r) => (
            <tr key={r.rulebookId} data-rulebook={r.rulebookId}>
              <td>{r.rulebookId}</td>
              <td className="break" translate="no">
                {r.uri}
              </td>
              <td>
                <code title={r.contentHash}>{shortHex(r.contentHash, 8, 6)}</code>
              </td>
              <td data-testid={`rulebook-status-${r.rulebookId}`}>{t(`verify.rulebookStatus.${r.status}`)}</td>
              <td>
                {r.status === "Active" ? (
                  <button
                    type="button"
                    disabled={!enabled}
                    title={enabled ? undefined : C.disabledWhy}
                    onClick={() => actions.ask("deprecate", t("association.confirm.deprecate", { id: r.rulebookId }), async (onHash) => (await w.cqo(onHash)).deprecateRulebook(r.rulebookId), onDone)}
                  >
                    {t("association.deprecate")}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export function RegisterRulebook({ actions, enabled, onDone }: { actions: ActionTx; enabled: boolean; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const w = useWallet();
  const [hash, setHash] = useState<Hex | null>(null);
  const [uri, setUri] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const onFile = async (file: File) => {
    setProblem(null);
    setHash(null);
    try {
      const { parseRulebook, rulebookHash } = await import("../../../scoring");
      const parsed = parseRulebook(JSON.parse(await file.text()));
      if (!parsed.ok) {
        setProblem(parsed.errors.slice(0, 5).map((e) => (i18n.language === "en" ? e.message.en : e.message.zh)).join("; "));
        return;
      }
      setHash(rulebookHash(parsed.value));
      if (!uri) setUri(`rulebooks/${file.name}`);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        if (hash && enabled) actions.ask("register", t("association.confirm.register", { hash: shortHex(hash, 8, 6), uri }), async (onHash) => (await w.cqo(onHash)).registerRulebook(hash, uri), onDone);
      }}
    >
      <h3>{t("association.register")}</h3>
      <fieldset disabled={!enabled} className="plain">
        <label htmlFor="rb-file">{t("association.rulebookFile")}</label>
        <input
          id="rb-file"
          type="file"
          accept="application/json,.json"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "rb-file-error" : undefined}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void onFile(f);
          }}
        />
        {problem ? (
          <p className="notice error field-error" id="rb-file-error" role="alert">
            {problem}
          </p>
        ) : null}
        {hash ? (
          <p>
            {t("association.rulebookHash")}: <code className="break">{hash}</code>
          </p>
        ) : null}
        <label htmlFor="rb-uri">{t("association.rulebookUri")}</label>
        <input id="rb-uri" value={uri} onChange={(e) => setUri(e.currentTarget.value)} />
        <button type="submit" className="primary" disabled={!enabled || !hash || !uri}>
          {t("association.register")}
        </button>
      </fieldset>
      {!enabled ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}
    </form>
  );
}
