/**
 * One certifying body in the association's console: its record, and the actions on it — suspend / reinstate (the
 * association or the supervisor), revoke, terms and signing keys (the association), void (the supervisor,
 * VoidForm.tsx). A wallet without the role sees every form disabled, with the reason.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { keccak256, toHex, type Hex } from "viem";
import { levelsToScope, type BodyRecord } from "../../../sdk/types";
import { bodyNameFromMetadata, formatDate, levelLabel, shortHex } from "../lib/format";
import { useWallet } from "../wallet/wallet";
import { FieldErrors, invalidProps, type ActionTx } from "./ActionTx";
import { ConsentField, grantOf, useSigningKeyConsent } from "./ConsentField";
import { useConsoleText } from "./consoleText";
import type { FieldProblem } from "./inputProblems";
import { DAY, dateToUnix, LevelPicker, unixToDate } from "./RegistryForms";
import { VoidForm } from "./VoidForm";

const ZERO: Hex = `0x${"0".repeat(64)}`;
const evidenceHash = (text: string): Hex => (text.trim() ? keccak256(toHex(text.trim())) : ZERO);

export interface Roles {
  association: boolean;
  supervisor: boolean;
}

export function BodyPanel({ body, actions, roles, onDone }: { body: BodyRecord; actions: ActionTx; roles: Roles; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const C = useConsoleText();
  const w = useWallet();
  const lang = i18n.language;
  const id = body.bodyId;
  const name = bodyNameFromMetadata(body.metadataURI) ?? body.metadataURI;
  const [evidence, setEvidence] = useState("");
  const [levels, setLevels] = useState(body.levels);
  const [until, setUntil] = useState(unixToDate(body.accreditedUntil));
  const [noticeDays, setNoticeDays] = useState(String(Math.round(body.noticePeriod / DAY)));
  const [consentText, setConsentText] = useState("");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const consent = useSigningKeyConsent(consentText, id);
  const grant = grantOf(consent);
  const levelsText = levels.map((l) => levelLabel(l, lang)).join("、");
  const run = (
    action: Parameters<ActionTx["ask"]>[0],
    text: string,
    call: (cqo: Awaited<ReturnType<typeof w.cqo>>) => Promise<{ blockNumber: bigint }>,
    after?: () => void,
  ) =>
    actions.ask(
      action,
      text,
      async (onHash) => call(await w.cqo(onHash)),
      () => {
        after?.();
        onDone();
      },
      setProblems,
    );
  const assocOrSup = roles.association || roles.supervisor;
  const why = roles.association ? undefined : C.disabledWhy;
  return (
    <details className="body-panel card" data-body={id}>
      <summary>
        <strong>{t("association.bodyRow", { id })}</strong> {name} · <span data-testid={`body-status-${id}`}>{t(`association.bodyStatus.${body.status}`)}</span>
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
                <button
                  type="button"
                  disabled={!w.connected || !roles.association}
                  title={why}
                  data-testid={`remove-key-${k}`}
                  onClick={() => run("removeKey", t("association.confirm.removeKey", { id, key: k }), (cqo) => cqo.removeSigningKey(id, k))}
                >
                  {t("association.removeKey")}
                </button>
              </li>
            ))}
          </ul>
          {!roles.association ? <p className="muted">{C.keysManagedInBody}</p> : null}
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
          <fieldset disabled={!assocOrSup} className="plain">
            <label htmlFor={`evidence-${id}`}>{t("association.evidence")}</label>
            <input id={`evidence-${id}`} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} />
            <div className="row wrap">
              {body.status === "Active" ? (
                <button type="button" disabled={!assocOrSup} onClick={() => run("suspend", t("association.confirm.suspend", { id }), (cqo) => cqo.suspendBody(id, evidenceHash(evidence)))}>
                  {t("association.suspend")}
                </button>
              ) : null}
              {body.status === "Suspended" ? (
                <button type="button" disabled={!assocOrSup} onClick={() => run("reinstate", t("association.confirm.reinstate", { id }), (cqo) => cqo.reinstateBody(id))}>
                  {t("association.reinstate")}
                </button>
              ) : null}
              {body.status !== "Revoked" ? (
                <button type="button" className="danger" disabled={!roles.association} title={why} onClick={() => run("revoke", t("association.confirm.revoke", { id }), (cqo) => cqo.revokeAccreditation(id, evidenceHash(evidence)))}>
                  {t("association.revoke")}
                </button>
              ) : null}
            </div>
          </fieldset>
          {!assocOrSup ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}

          <h3>{t("association.updateTerms")}</h3>
          <fieldset disabled={!roles.association} className="plain" data-testid={`terms-${id}`}>
            <LevelPicker idPrefix={`terms-${id}`} value={levels} onChange={setLevels} problems={problems} />
            <div className="row wrap">
              <div className="field">
                <label htmlFor={`until-${id}`}>{t("association.termUntil")}</label>
                <input id={`until-${id}`} type="date" value={until} onChange={(e) => setUntil(e.currentTarget.value)} {...invalidProps(`until-${id}`, "until", problems)} />
                <FieldErrors inputId={`until-${id}`} field="until" problems={problems} />
              </div>
              <div className="field">
                <label htmlFor={`notice-${id}`}>{t("association.noticeDays")}</label>
                <input id={`notice-${id}`} type="number" min={0} max={194} value={noticeDays} onChange={(e) => setNoticeDays(e.currentTarget.value)} {...invalidProps(`notice-${id}`, "days", problems)} />
                <FieldErrors inputId={`notice-${id}`} field="days" problems={problems} />
              </div>
            </div>
            <button
              type="button"
              disabled={!roles.association || levels.length === 0}
              onClick={() =>
                run("updateTerms", t("association.confirm.updateTerms", { id, levels: levelsText, until, days: noticeDays }), (cqo) =>
                  cqo.updateBodyTerms(id, { scope: levelsToScope(levels), accreditedUntil: dateToUnix(until), noticePeriod: Number(noticeDays) * DAY }),
                )
              }
            >
              {t("association.save")}
            </button>
          </fieldset>
          {!roles.association ? <p className="notice info">{t("association.needRole", { role: t("association.roleAssociation") })}</p> : null}

          <h3>{t("association.addKey")}</h3>
          <fieldset disabled={!roles.association} className="plain">
            <ConsentField id={`key-consent-${id}`} label={t("association.consent.label")} value={consentText} onChange={setConsentText} check={consent} bodyId={id} />
            <FieldErrors inputId={`key-consent-${id}-sdk`} field="consent" problems={problems} />
            <button
              type="button"
              disabled={!grant || !roles.association}
              onClick={() => grant && run("addKey", t("association.confirm.addKey", { id, key: grant.key }), (cqo) => cqo.addSigningKey(id, grant), () => setConsentText(""))}
            >
              {t("association.addKey")}
            </button>
          </fieldset>

          <VoidForm body={body} name={name} enabled={roles.supervisor} onDone={onDone} />
        </>
      ) : null}
    </details>
  );
}
