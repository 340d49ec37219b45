/**
 * 协会 console: accredit, suspend, reinstate and revoke bodies; their scope, term, notice period and signing keys;
 * register and deprecate rulebooks; void a body's certificates issued before a date (the supervisor). Every
 * action calls the contract from the connected wallet through the sdk, after a confirmation that says what will
 * happen; errors come back as the sdk's zh/en explanations. A signing key joins a body (at accreditation or later)
 * only with its own consent signature, pasted here as the key's holder made it (ConsentField).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { keccak256, toHex, type Hex } from "viem";
import { levelsToScope, type BodyRecord, type RulebookRecord } from "../../../sdk/types";
import { bodyNameFromMetadata, formatDate, levelLabel, shortHex } from "../lib/format";
import { useChainish } from "../wallet/context";
import { TxView, useTx } from "../wallet/tx";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import { ConsentField, grantOf, useSigningKeyConsent } from "./ConsentField";

const ZERO: Hex = `0x${"0".repeat(64)}`;
const evidenceHash = (text: string): Hex => (text.trim() ? keccak256(toHex(text.trim())) : ZERO);
const DAY = 86_400;
const dateToUnix = (d: string): number => Math.floor(new Date(`${d}T00:00:00`).getTime() / 1000);
const unixToDate = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);

function LevelPicker({ idPrefix, value, onChange }: { idPrefix: string; value: number[]; onChange: (v: number[]) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <fieldset className="row wrap">
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
    </fieldset>
  );
}

export default function AssociationConsole() {
  const { t } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const qc = useQueryClient();
  const tx = useTx();
  const roles = useQuery({
    queryKey: ["roles", w.address],
    enabled: !!w.address,
    queryFn: async () => {
      const cqo = await w.cqo();
      const [association, supervisor] = await Promise.all([cqo.isAssociation(w.address!), cqo.isSupervisor(w.address!)]);
      return { association, supervisor };
    },
  });
  const registry = useQuery({
    queryKey: ["registry"],
    queryFn: async () => {
      const { CqoClient } = await import("../../../sdk/client");
      const cqo = new CqoClient(await w.publicClient(), c.config.deployment);
      const [bodies, rulebooks, nextBodyId] = await Promise.all([cqo.listBodies(), cqo.listRulebooks(), cqo.nextBodyId()]);
      return { bodies, rulebooks, nextBodyId };
    },
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["registry"] });
  const r = roles.data ?? { association: false, supervisor: false };
  const roleText = [r.association ? t("association.roleAssociation") : null, r.supervisor ? t("association.roleSupervisor") : null].filter(Boolean).join("、") || t("association.roleNone");

  return (
    <div>
      <h1>{t("association.heading")}</h1>
      <p>{t("association.intro")}</p>
      <ConnectPanel />
      {w.connected ? <p data-testid="roles">{t("association.role", { roles: roleText })}</p> : null}
      <TxView tx={tx} />
      <section className="card" aria-labelledby="bodies-heading">
        <h2 id="bodies-heading">{t("association.bodies")}</h2>
        {registry.data?.bodies.map((b) => <BodyPanel key={b.bodyId} body={b} tx={tx} roles={r} onDone={refresh} />)}
        {w.connected ? <AccreditForm tx={tx} enabled={r.association} nextBodyId={registry.data?.nextBodyId ?? null} onDone={refresh} /> : null}
      </section>
      <section className="card" aria-labelledby="rulebooks-heading">
        <h2 id="rulebooks-heading">{t("association.rulebooks")}</h2>
        <RulebookList rulebooks={registry.data?.rulebooks ?? []} tx={tx} enabled={w.connected && r.association} onDone={refresh} />
        {w.connected ? <RegisterRulebook tx={tx} enabled={r.association} onDone={refresh} /> : null}
      </section>
    </div>
  );
}

type Tx = ReturnType<typeof useTx>;
interface Roles {
  association: boolean;
  supervisor: boolean;
}

function BodyPanel({ body, tx, roles, onDone }: { body: BodyRecord; tx: Tx; roles: Roles; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const w = useWallet();
  const lang = i18n.language;
  const id = body.bodyId;
  const [evidence, setEvidence] = useState("");
  const [levels, setLevels] = useState(body.levels);
  const [until, setUntil] = useState(unixToDate(body.accreditedUntil));
  const [noticeDays, setNoticeDays] = useState(String(Math.round(body.noticePeriod / DAY)));
  const [consentText, setConsentText] = useState("");
  const consent = useSigningKeyConsent(consentText, id);
  const grant = grantOf(consent);
  const [voidDate, setVoidDate] = useState(unixToDate(Math.floor(Date.now() / 1000)));
  const levelsText = levels.map((l) => levelLabel(l, lang)).join("、");
  const run = (text: string, action: (cqo: Awaited<ReturnType<typeof w.cqo>>) => Promise<{ blockNumber: bigint }>, after?: () => void) =>
    tx.ask(text, async (onHash) => action(await w.cqo(onHash)), () => {
      after?.();
      onDone();
    });
  const assocOrSup = roles.association || roles.supervisor;
  return (
    <details className="body-panel card" data-body={id}>
      <summary>
        <strong>{t("association.bodyRow", { id })}</strong> {bodyNameFromMetadata(body.metadataURI) ?? body.metadataURI} ·{" "}
        <span data-testid={`body-status-${id}`}>{t(`association.bodyStatus.${body.status}`)}</span>
      </summary>
      <dl className="details">
        <dt>{t("association.scope")}</dt>
        <dd>{body.levels.map((l) => levelLabel(l, lang)).join("、")}</dd>
        <dt>{t("association.term")}</dt>
        <dd>{formatDate(body.accreditedUntil, lang)}</dd>
        <dt>{t("association.notice")}</dt>
        <dd>{t("association.days", { n: Math.round(body.noticePeriod / DAY) })}</dd>
        <dt>{t("association.admin")}</dt>
        <dd className="mono break">{body.admin}</dd>
        <dt>{t("association.keys")}</dt>
        <dd>
          <ul>
            {body.signingKeys.map((k) => (
              <li key={k} className="mono">
                {shortHex(k, 8, 6)}{" "}
                <button type="button" disabled={!w.connected} onClick={() => run(t("association.confirm.removeKey", { id, key: k }), (cqo) => cqo.removeSigningKey(id, k))}>
                  {t("association.removeKey")}
                </button>
              </li>
            ))}
          </ul>
        </dd>
        {body.voidedBefore ? (
          <>
            <dt>{t("association.voidedBefore")}</dt>
            <dd>{formatDate(body.voidedBefore, lang)}</dd>
          </>
        ) : null}
      </dl>
      {w.connected ? (
        <>
          <label htmlFor={`evidence-${id}`}>{t("association.evidence")}</label>
          <input id={`evidence-${id}`} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} />
          <div className="row wrap">
            {body.status === "Active" ? (
              <button type="button" disabled={!assocOrSup} onClick={() => run(t("association.confirm.suspend", { id }), (cqo) => cqo.suspendBody(id, evidenceHash(evidence)))}>
                {t("association.suspend")}
              </button>
            ) : null}
            {body.status === "Suspended" ? (
              <button type="button" disabled={!assocOrSup} onClick={() => run(t("association.confirm.reinstate", { id }), (cqo) => cqo.reinstateBody(id))}>
                {t("association.reinstate")}
              </button>
            ) : null}
            {body.status !== "Revoked" ? (
              <button type="button" className="danger" disabled={!roles.association} onClick={() => run(t("association.confirm.revoke", { id }), (cqo) => cqo.revokeAccreditation(id, evidenceHash(evidence)))}>
                {t("association.revoke")}
              </button>
            ) : null}
          </div>
          {!assocOrSup ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}
          <h3>{t("association.updateTerms")}</h3>
          <LevelPicker idPrefix={`terms-${id}`} value={levels} onChange={setLevels} />
          <div className="row wrap">
            <div className="field">
              <label htmlFor={`until-${id}`}>{t("association.termUntil")}</label>
              <input id={`until-${id}`} type="date" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
            </div>
            <div className="field">
              <label htmlFor={`notice-${id}`}>{t("association.noticeDays")}</label>
              <input id={`notice-${id}`} type="number" min={0} max={194} value={noticeDays} onChange={(e) => setNoticeDays(e.currentTarget.value)} />
            </div>
          </div>
          <button
            type="button"
            disabled={!roles.association || levels.length === 0}
            onClick={() =>
              run(t("association.confirm.updateTerms", { id, levels: levelsText, until, days: noticeDays }), (cqo) =>
                cqo.updateBodyTerms(id, { scope: levelsToScope(levels), accreditedUntil: dateToUnix(until), noticePeriod: Number(noticeDays) * DAY }),
              )
            }
          >
            {t("association.save")}
          </button>
          <h3>{t("association.addKey")}</h3>
          <ConsentField id={`key-consent-${id}`} label={t("association.consent.label")} value={consentText} onChange={setConsentText} check={consent} bodyId={id} />
          <button
            type="button"
            disabled={!grant}
            onClick={() => grant && run(t("association.confirm.addKey", { id, key: grant.key }), (cqo) => cqo.addSigningKey(id, grant), () => setConsentText(""))}
          >
            {t("association.addKey")}
          </button>
          <h3>{t("association.void")}</h3>
          <div className="row wrap align-end">
            <div className="field">
              <label htmlFor={`void-${id}`}>{t("association.voidDate")}</label>
              <input id={`void-${id}`} type="date" value={voidDate} onChange={(e) => setVoidDate(e.currentTarget.value)} />
            </div>
            <button
              type="button"
              className="danger"
              disabled={!roles.supervisor}
              onClick={() => run(t("association.confirm.void", { id, date: voidDate }), (cqo) => cqo.voidCertificatesIssuedBefore(id, Math.min(dateToUnix(voidDate), Math.floor(Date.now() / 1000) - 1), evidenceHash(evidence)))}
            >
              {t("association.void")}
            </button>
          </div>
          {!roles.supervisor ? <p className="notice info">{t("association.needRole", { role: t("association.roleSupervisor") })}</p> : null}
        </>
      ) : null}
    </details>
  );
}

function AccreditForm({ tx, enabled, nextBodyId, onDone }: { tx: Tx; enabled: boolean; nextBodyId: number | null; onDone: () => void }) {
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
  return (
    <form
      className="card"
      aria-labelledby="accredit-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (!grant) return;
        const metadata = JSON.stringify({ name, country: "CN" });
        tx.ask(
          t("association.confirm.accredit", { name, admin, id: nextBodyId, key: grant.key, levels: levels.map((l) => levelLabel(l, i18n.language)).join("、"), until, days }),
          async (onHash) =>
            (await w.cqo(onHash)).accreditBody(
              {
                admin,
                scope: levelsToScope(levels),
                accreditedUntil: dateToUnix(until),
                noticePeriod: Number(days) * DAY,
                metadataURI: `data:application/json,${encodeURIComponent(metadata)}`,
                metadataHash: keccak256(toHex(metadata)),
              },
              [grant],
            ),
          () => {
            // a consent is single use, and the next body gets another id
            setConsentText("");
            onDone();
          },
        );
      }}
    >
      <h3 id="accredit-heading">{t("association.accredit")}</h3>
      <label htmlFor="acc-name">{t("association.name")}</label>
      <input id="acc-name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <label htmlFor="acc-admin">{t("association.adminAddress")}</label>
      <input id="acc-admin" className="mono" required value={admin} onChange={(e) => setAdmin(e.currentTarget.value.trim())} />
      <p data-testid="next-body-id">{t("association.nextBodyId", { id: nextBodyId ?? "…" })}</p>
      <ConsentField id="acc-consent" label={t("association.consent.labelFirst")} value={consentText} onChange={setConsentText} check={consent} bodyId={nextBodyId} />
      <LevelPicker idPrefix="acc" value={levels} onChange={setLevels} />
      <div className="row wrap">
        <div className="field">
          <label htmlFor="acc-until">{t("association.termUntil")}</label>
          <input id="acc-until" type="date" required value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
        </div>
        <div className="field">
          <label htmlFor="acc-days">{t("association.noticeDays")}</label>
          <input id="acc-days" type="number" min={0} max={194} required value={days} onChange={(e) => setDays(e.currentTarget.value)} />
        </div>
      </div>
      <button type="submit" className="primary" disabled={!enabled || levels.length === 0 || !grant}>
        {t("association.accredit")}
      </button>
      {!enabled ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}
    </form>
  );
}

function RulebookList({ rulebooks, tx, enabled, onDone }: { rulebooks: RulebookRecord[]; tx: Tx; enabled: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const w = useWallet();
  return (
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
            <td className="break">{r.uri}</td>
            <td>
              <code title={r.contentHash}>{shortHex(r.contentHash, 8, 6)}</code>
            </td>
            <td data-testid={`rulebook-status-${r.rulebookId}`}>{t(`verify.rulebookStatus.${r.status}`)}</td>
            <td>
              {r.status === "Active" ? (
                <button type="button" disabled={!enabled} onClick={() => tx.ask(t("association.confirm.deprecate", { id: r.rulebookId }), async (onHash) => (await w.cqo(onHash)).deprecateRulebook(r.rulebookId), onDone)}>
                  {t("association.deprecate")}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RegisterRulebook({ tx, enabled, onDone }: { tx: Tx; enabled: boolean; onDone: () => void }) {
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
        if (hash) tx.ask(t("association.confirm.register", { hash: shortHex(hash, 8, 6), uri }), async (onHash) => (await w.cqo(onHash)).registerRulebook(hash, uri), onDone);
      }}
    >
      <h3>{t("association.register")}</h3>
      <label htmlFor="rb-file">{t("association.rulebookFile")}</label>
      <input id="rb-file" type="file" accept="application/json,.json" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void onFile(f); }} />
      {problem ? (
        <p className="notice error" role="alert">
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
    </form>
  );
}
