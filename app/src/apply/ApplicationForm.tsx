/**
 * 新申报: the dossier's form, checked as it is typed by the workbench's own parseDossier (the same words, next to
 * each field), kept as a draft in this browser per wallet; the integrity declaration signed in the wallet as
 * EIP-712 over the dossier as parsed, with the separate consent to publication; then POST /dossiers.
 */
import { useEffect, useMemo, useState, type FormEvent } from "react";
import type { Address, Hex } from "viem";
import { declarationTypedData, integrityDeclaration, INTEGRITY_DECLARATION } from "../../../sdk/declaration";
import type { Dossier } from "../../../scoring";
import type { DossierSummary, WorkbenchApi } from "../body/api";
import { AppError } from "../components/errors";
import { ErrorBox } from "../components/ErrorBox";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";
import { checkDraft, clearDraft, emptyDraft, getIn, inputId, loadDraft, pathOf, saveDraft, setIn, type Draft, type FieldMessage, type FieldProblems } from "./draft";
import { EvidenceSection } from "./EvidenceSection";
import { FieldProblemsText, FormContext, Select, type FormBinding } from "./Fields";
import { ApplicantSection, EmployerSection, RecordsSection } from "./Sections";
import { TEXT, useWords, type Words } from "./text";
import { WorkbenchError } from "../body/api";
import { fieldProblemsOf, submitApplication } from "./workbench";

interface RulebookView {
  key: string;
  id: string;
  version: string;
  title: Words;
}

interface Signed {
  signature: Hex;
  signedAt: number;
  publishInNotice: boolean;
  /** the dossier as parsed, exactly what was signed and is sent */
  dossier: Dossier;
}

/** the fields checked as they are typed, before they lose focus: their check character decides at full length */
const LIVE = new Set(["applicant.idNumber", "employer.uscc"]);

const isBlank = (d: Draft) => JSON.stringify({ ...d, rulebook: "" }) === JSON.stringify(emptyDraft());

/** `initial`: a re-evaluation's draft (复评, pre-filled from the certificate's own dossier), before any kept draft */
export function ApplicationForm({ api, address, onSubmitted, initial }: { api: WorkbenchApi; address: Address; onSubmitted: (s: DossierSummary) => void; initial?: Draft }) {
  const { tx, pick } = useWords();
  const c = useChainish();
  const w = useWallet();
  const [restored] = useState(() => (initial ? null : loadDraft(address)));
  const [draft, setDraft] = useState<Draft>(() => initial ?? restored ?? emptyDraft());
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [serverProblems, setServerProblems] = useState<FieldProblems>(new Map());
  const [rulebooks, setRulebooks] = useState<RulebookView[] | null>(null);
  const [consent, setConsent] = useState(false);
  const [signed, setSigned] = useState<Signed | null>(null);
  const [busy, setBusy] = useState<"sign" | "submit" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const checked = useMemo(() => checkDraft(draft), [draft]);

  useEffect(() => {
    let live = true;
    api.call<RulebookView[]>("GET", "/rulebooks").then(
      (list) => live && setRulebooks(list),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [api]);
  // the first rulebook unless the draft names one
  useEffect(() => {
    if (rulebooks && rulebooks.length > 0 && !rulebooks.some((r) => r.key === draft.rulebook)) setDraft((d) => ({ ...d, rulebook: rulebooks[0]!.key }));
  }, [rulebooks, draft.rulebook]);
  useEffect(() => {
    if (isBlank(draft)) clearDraft(address);
    else saveDraft(address, draft);
  }, [draft, address]);

  const forget = (field: string) =>
    setServerProblems((m) => {
      if (!m.has(field)) return m;
      const next = new Map(m);
      next.delete(field);
      return next;
    });

  const binding: FormBinding = {
    draft,
    set(field, value) {
      setDraft((d) => setIn(d, pathOf(field), value));
      forget(field);
      setSigned(null);
    },
    touch(field) {
      setTouched((t) => (t.has(field) ? t : new Set([...t, field])));
    },
    problemsOf(field) {
      const value = getIn(draft, pathOf(field));
      const live = LIVE.has(field) && typeof value === "string" && value.trim().length >= 18;
      const local = showAll || touched.has(field) || live ? (checked.problems.get(field) ?? []) : [];
      const server = serverProblems.get(field) ?? [];
      return [...local, ...server.filter((s) => !local.some((l) => l.zh === s.zh))];
    },
  };

  const sign = async () => {
    setShowAll(true);
    setError(null);
    if (!checked.dossier) {
      setError(new AppError(TEXT.fixFirst));
      return;
    }
    setBusy("sign");
    try {
      const signedAt = Math.floor(Date.now() / 1000);
      const message = integrityDeclaration({ applicant: address, dossier: checked.dossier, publishInNotice: consent, signedAt });
      const typed = declarationTypedData(c.chain.id, c.config.deployment.certificate, message);
      const wallet = await w.walletClient();
      const signature = await wallet.signTypedData({ account: address, ...typed });
      setSigned({ signature, signedAt, publishInNotice: consent, dossier: checked.dossier });
      for (const f of ["declaration.signature", "declaration.signedAt", "declaration.publishInNotice", "declaration"]) forget(f);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setShowAll(true);
    setError(null);
    if (!checked.dossier) {
      setError(new AppError(TEXT.fixFirst));
      return;
    }
    if (!signed) {
      setError(new AppError(TEXT.needSignature));
      return;
    }
    setBusy("submit");
    try {
      const summary = await submitApplication(api, {
        rulebook: draft.rulebook,
        dossier: signed.dossier,
        declaration: { signature: signed.signature, signedAt: signed.signedAt, publishInNotice: signed.publishInNotice },
      });
      clearDraft(address);
      onSubmitted(summary);
    } catch (err) {
      if (err instanceof WorkbenchError && err.problems.length > 0) {
        const byField = fieldProblemsOf(err);
        setServerProblems(byField);
        if ([...byField.keys()].some((k) => k.startsWith("declaration"))) setSigned(null);
      }
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const clear = () => {
    clearDraft(address);
    setDraft((d) => ({ ...emptyDraft(), rulebook: d.rulebook }));
    setTouched(new Set());
    setShowAll(false);
    setServerProblems(new Map());
    setSigned(null);
    setConsent(false);
    setConfirmClear(false);
  };

  // every problem, also of parts with no input of their own (submittedOn, the rulebook's own rules)
  const summary: [string, FieldMessage][] = [];
  if (showAll) for (const [f, list] of checked.problems) for (const m of list) summary.push([f, m]);
  for (const [f, list] of serverProblems) for (const m of list) if (!summary.some(([g, x]) => g === f && x.zh === m.zh)) summary.push([f, m]);

  return (
    <FormContext.Provider value={binding}>
      <form className="apply-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="new-application">
        <h2 id="new-application">{tx(initial ? "renewalApplication" : "newApplication")}</h2>
        <div className="row wrap draft-bar">
          <p className="muted" data-testid="draft-note">
            {restored && !isBlank(draft) ? <strong data-testid="draft-restored">{tx("draftRestored")} </strong> : null}
            {tx("draftKept")}
          </p>
          {confirmClear ? (
            <span role="group" aria-label={tx("clearDraft")} className="row wrap">
              <span>{tx("clearDraftConfirm")}</span>
              <button type="button" className="danger" onClick={clear} data-testid="clear-draft-yes">
                {tx("yes")}
              </button>
              <button type="button" onClick={() => setConfirmClear(false)}>
                {tx("cancel")}
              </button>
            </span>
          ) : (
            <button type="button" onClick={() => setConfirmClear(true)} data-testid="clear-draft">
              {tx("clearDraft")}
            </button>
          )}
        </div>

        <fieldset className="card apply-section" data-section="rulebook">
          <legend>{tx("secRulebook")}</legend>
          {rulebooks ? <Select field="rulebook" label="rulebook" options={rulebooks.map((r) => [r.key, { zh: `${r.title.zh}（${r.version}）`, en: `${r.title.en} (${r.version})` }] as const)} /> : <p role="status">{tx("loading")}</p>}
        </fieldset>
        <ApplicantSection />
        <EmployerSection />
        <RecordsSection />
        <EvidenceSection api={api} />

        <fieldset className="card apply-section" data-section="declaration">
          <legend>{tx("secDeclaration")}</legend>
          <blockquote className="declaration-text" lang="zh-CN" data-testid="declaration-zh">
            {INTEGRITY_DECLARATION.zh}
          </blockquote>
          <blockquote className="declaration-text" lang="en" data-testid="declaration-en">
            {INTEGRITY_DECLARATION.en}
          </blockquote>
          <p className="muted">
            {tx("declarationVersion")}: <code>{INTEGRITY_DECLARATION.version}</code>
          </p>
          <div className="consent-box" data-section="consent">
            <div className="apply-check">
              <input
                type="checkbox"
                id="publish-consent"
                checked={consent}
                aria-describedby="publish-consent-hint"
                onChange={(e) => {
                  setConsent(e.target.checked);
                  setSigned(null);
                  forget("declaration.publishInNotice");
                }}
              />
              <label htmlFor="publish-consent">{tx("consent")}</label>
            </div>
            <span className="field-hint" id="publish-consent-hint">
              {tx("consentHint")}
            </span>
            <FieldProblemsText field="declaration.publishInNotice" problems={binding.problemsOf("declaration.publishInNotice")} />
          </div>
          <button type="button" id={inputId("declaration.signature")} disabled={busy !== null} onClick={() => void sign()} data-testid="sign-declaration">
            {tx("sign")}
          </button>
          {busy === "sign" ? <p role="status">{tx("signing")}</p> : null}
          {signed ? (
            <p className="notice ok" data-testid="declaration-signed">
              {tx("signed")} · <code className="break">{signed.signature.slice(0, 18)}…</code>
            </p>
          ) : null}
          <FieldProblemsText field="declaration.signature" problems={[...binding.problemsOf("declaration.signature"), ...binding.problemsOf("declaration.signedAt"), ...binding.problemsOf("declaration")]} />
        </fieldset>

        {summary.length > 0 ? (
          <div className="notice error" role="alert" data-testid="problem-summary">
            <strong>{tx("problemsTitle")}</strong>
            <ul className="field-problems">
              {summary.map(([f, m]) => (
                <li key={`${f} ${m.zh}`}>
                  <button type="button" className="link" onClick={() => document.getElementById(inputId(f))?.focus()}>
                    {f}
                  </button>{" "}
                  {pick(m)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {error && !(error instanceof WorkbenchError && error.problems.length > 0) ? <ErrorBox error={error} /> : null}
        {error instanceof WorkbenchError && error.problems.length > 0 ? <p className="notice error">{pick(error.headline)}</p> : null}
        <button type="submit" className="primary" disabled={busy !== null} data-testid="submit-application">
          {busy === "submit" ? tx("submitting") : tx("submit")}
        </button>
      </form>
    </FormContext.Provider>
  );
}
