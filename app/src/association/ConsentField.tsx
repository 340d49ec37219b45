/**
 * The association's field for a signing key's consent (contracts v2: a key joins a body only with its own EIP-712
 * signature). The key's holder makes the JSON on the body console's consent page or with `cqo key consent`; here
 * it is pasted, checked field by field (lib/keyConsent.ts, zod) and its signature verified against the body it
 * must name (viem's verifyTypedData: ordinary and ERC-1271 wallets) before anything is sent, so a consent for
 * another body or key is explained here rather than refused by the contract.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Trans, useTranslation } from "react-i18next";
import { signingKeyConsentTypedData } from "../../../sdk/eip712";
import { chainNow } from "../lib/chainTime";
import { formatDateTime, shortHex } from "../lib/format";
import { parseSigningKeyConsent, type ConsentProblem, type ParsedConsent, type SigningKeyGrant } from "../lib/keyConsent";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";

export type ConsentCheck =
  | { state: "empty" }
  | { state: "invalid"; problems: ConsentProblem[] }
  | { state: "checking" }
  | { state: "ready"; grant: SigningKeyGrant }
  /** the signature could not be checked (RPC trouble): the contract still checks it */
  | { state: "unchecked"; grant: SigningKeyGrant };

/** The consent in `text` for body `bodyId` (null while it is not known), checked as far as it can be now. */
export function useSigningKeyConsent(text: string, bodyId: number | null): ConsentCheck {
  const c = useChainish();
  const w = useWallet();
  const now = useQuery({
    queryKey: ["chain-now"],
    queryFn: async () => chainNow(await w.publicClient(), c.config.deployment),
    staleTime: 15_000,
  });
  const parsed: ParsedConsent | null = useMemo(
    () => (text.trim() ? parseSigningKeyConsent(text, { bodyId, now: now.data ?? Math.floor(Date.now() / 1000) }) : null),
    [text, bodyId, now.data],
  );
  const grant = parsed?.ok ? parsed.grant : null;
  const verified = useQuery({
    queryKey: ["key-consent", c.config.deployment.certificate, bodyId, grant?.key, grant?.deadline, grant?.signature],
    enabled: !!grant && bodyId !== null,
    retry: 0,
    queryFn: async () => {
      const g = grant!;
      const client = await w.publicClient();
      return client.verifyTypedData({ address: g.key, signature: g.signature, ...signingKeyConsentTypedData(c.config.deployment, { bodyId: bodyId!, key: g.key, deadline: g.deadline }) });
    },
  });
  if (!parsed) return { state: "empty" };
  if (!parsed.ok) return { state: "invalid", problems: parsed.problems };
  if (bodyId === null || verified.isPending) return { state: "checking" };
  if (verified.isError) return { state: "unchecked", grant: parsed.grant };
  if (!verified.data) return { state: "invalid", problems: [{ field: "signature", code: "notSigned" }] };
  return { state: "ready", grant: parsed.grant };
}

export const grantOf = (check: ConsentCheck): SigningKeyGrant | null => (check.state === "ready" || check.state === "unchecked" ? check.grant : null);

export function ConsentField({ id, label, value, onChange, check, bodyId }: { id: string; label: string; value: string; onChange: (v: string) => void; check: ConsentCheck; bodyId: number | null }) {
  const { t, i18n } = useTranslation();
  const problemsId = `${id}-problems`;
  return (
    <div className="field consent-field" data-testid={`${id}-field`} data-consent={check.state}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={4}
        spellCheck={false}
        autoComplete="off"
        placeholder='{"bodyId":1,"key":"0x…","deadline":1767225600,"signature":"0x…"}'
        translate="no"
        value={value}
        aria-invalid={check.state === "invalid"}
        aria-describedby={`${id}-hint ${problemsId}`}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      <p className="hint" id={`${id}-hint`}>
        <Trans i18nKey="association.consent.hint" values={{ id: bodyId ?? "…" }} components={{ cmd: <code translate="no" /> }} /> <a href={`#/body/key-consent${bodyId ? `?body=${bodyId}` : ""}`}>{t("association.consent.where")}</a>
      </p>
      <div id={problemsId} aria-live="polite">
        {check.state === "invalid" ? (
          <ul className="notice error field-problems" data-testid={`${id}-problems`}>
            {check.problems.map((p) => (
              <li key={`${p.field}-${p.code}`} data-field={p.field} data-problem={p.code}>
                {t(`association.consent.problems.${p.code}`, { id: bodyId ?? "…" })}
              </li>
            ))}
          </ul>
        ) : null}
        {check.state === "checking" ? <p role="status">{t("association.consent.checking")}</p> : null}
        {check.state === "ready" || check.state === "unchecked" ? (
          <p className={check.state === "ready" ? "notice ok" : "notice info"} data-testid={`${id}-ok`}>
            {check.state === "ready" ? "✔ " : ""}
            {t(check.state === "ready" ? "association.consent.ready" : "association.consent.unchecked", {
              key: shortHex(check.grant.key, 8, 6),
              id: bodyId ?? "…",
              until: formatDateTime(check.grant.deadline, i18n.language),
            })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
