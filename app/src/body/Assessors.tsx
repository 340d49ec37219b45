/**
 * The register of assessors (评审专家库): the list, and the registration form, checked inline with the schemas the
 * workbench shares (server/routes/assessors.ts AssessorBody); a refusal naming a field comes back beside it.
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ChangeEvent, type FocusEvent } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { fromZod, text } from "../../../scoring";
import { Uscc } from "../../../scoring/dossier/schema";
import { AddressSchema, NonZeroAddressSchema } from "../../../sdk/schemas";
import { ErrorBox } from "../components/ErrorBox";
import { AppError, type Bilingual } from "../components/errors";
import { WorkbenchApi, WorkbenchError, type Assessor } from "./api";
import { CopyValue, Pager, PAGE_SIZE, useListWords, usePager } from "./parts";

type AssessorField = "address" | "assessorId" | "name" | "employerUscc";
const ASSESSOR_FIELDS: readonly AssessorField[] = ["address", "assessorId", "name", "employerUscc"];
const isAssessorField = (x: string): x is AssessorField => (ASSESSOR_FIELDS as readonly string[]).includes(x);
/** the form's field a workbench problem names (`body.address` → address), or null */
const fieldOfProblem = (p: { field: string }): AssessorField | null => (isAssessorField(p.field.replace(/^body\./, "")) ? (p.field.replace(/^body\./, "") as AssessorField) : null);
const NO_ASSESSOR: Record<AssessorField, string> = { address: "", assessorId: "", name: "", employerUscc: "" };

/** the register form's own words (zh first, en) */
const ASSESSOR_WORDS = {
  zh: {
    badAddress: "应为以太坊钱包地址（0x 加 40 位十六进制）",
    zeroAddress: "不能是零地址：评审专家要用自己的钱包登录",
    at: (label: string, problem: string) => `${label}：${problem}`,
    refused: (headline: string) => `${headline}：请按字段旁的说明修改后重新登记。`,
    registered: (id: string) => `已登记评审专家 ${id}。`,
  },
  en: {
    badAddress: "must be an Ethereum wallet address (0x and 40 hex digits)",
    zeroAddress: "must not be the zero address: an assessor signs in with their own wallet",
    at: (label: string, problem: string) => `${label}: ${problem}`,
    refused: (headline: string) => `${headline}: correct the fields as noted beside them and register again.`,
    registered: (id: string) => `Assessor ${id} registered.`,
  },
};
const bothWords = (k: "badAddress" | "zeroAddress"): Bilingual => ({ zh: ASSESSOR_WORDS.zh[k], en: ASSESSOR_WORDS.en[k] });

/**
 * POST /assessors's body as the workbench checks it (server/routes/assessors.ts AssessorBody), with the schemas it
 * shares: the sdk's address (not zero: an assessor signs in with it), scoring's text and USCC (GB 32100) rules. The
 * assessor id's character set is the workbench's own rule: its refusal (400, `body.assessorId`) comes back beside
 * the field, as does any other refusal naming a field.
 */
const AssessorInput = z.strictObject({
  address: NonZeroAddressSchema,
  assessorId: text({ min: 1, max: 64 }),
  name: text({ min: 1, max: 64 }),
  employerUscc: Uscc,
});

export function Assessors({ api }: { api: WorkbenchApi }) {
  const { t, i18n } = useTranslation();
  const w = useListWords();
  const W = i18n.language === "en" ? ASSESSOR_WORDS.en : ASSESSOR_WORDS.zh;
  const qc = useQueryClient();
  const pager = usePager();
  const q = useQuery({ queryKey: ["assessors", "page", pager.cursor ?? ""], queryFn: () => api.list<Assessor>("/assessors", { limit: PAGE_SIZE, cursor: pager.cursor }), placeholderData: keepPreviousData });
  const [form, setForm] = useState(NO_ASSESSOR);
  const [touched, setTouched] = useState<Partial<Record<AssessorField, boolean>>>({});
  const [serverProblems, setServerProblems] = useState<Partial<Record<AssessorField, Bilingual>>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [registered, setRegistered] = useState<string | null>(null);
  const labels: Record<AssessorField, string> = { address: w.walletAddress, assessorId: t("body.assessorId"), name: t("body.assessorName"), employerUscc: t("body.assessorUscc") };

  const parsed = AssessorInput.safeParse({ address: form.address.trim(), assessorId: form.assessorId.trim(), name: form.name.trim(), employerUscc: form.employerUscc.trim().toUpperCase() });
  const inline: Partial<Record<AssessorField, Bilingual>> = {};
  if (!parsed.success) {
    for (const p of fromZod(parsed.error)) {
      const f = String(p.path[0]);
      if (!isAssessorField(f) || inline[f]) continue;
      // the sdk's address messages are English only: the form's own words, zero or not an address
      inline[f] = f === "address" ? bothWords(AddressSchema.safeParse(form.address.trim()).success ? "zeroAddress" : "badAddress") : p.message;
    }
  }
  // the workbench's refusal of a field stands until that field is changed; the form's own check once it was left
  const problemOf = (f: AssessorField): string | undefined => {
    const m = serverProblems[f] ?? (touched[f] ? inline[f] : undefined);
    return m ? W.at(labels[f], i18n.language === "en" ? m.en : m.zh) : undefined;
  };
  const focus = (f: AssessorField | undefined) => f && document.getElementById(`asr-${f}`)?.focus();

  const submit = () => {
    setTouched(Object.fromEntries(ASSESSOR_FIELDS.map((f) => [f, true])));
    setRegistered(null);
    if (!parsed.success) {
      focus(ASSESSOR_FIELDS.find((f) => inline[f]));
      return;
    }
    const body = parsed.data;
    setError(null);
    setBusy(true);
    api.call("POST", "/assessors", body).then(
      () => {
        setForm(NO_ASSESSOR);
        setTouched({});
        setServerProblems({});
        setRegistered(body.assessorId);
        setBusy(false);
        void qc.invalidateQueries({ queryKey: ["assessors"] });
      },
      (err: unknown) => {
        setBusy(false);
        const problems = err instanceof WorkbenchError ? err.problems : [];
        const placed: Partial<Record<AssessorField, Bilingual>> = {};
        for (const p of problems) {
          const f = fieldOfProblem(p);
          if (f && !placed[f]) placed[f] = { zh: p.zh, en: p.en };
        }
        setServerProblems(placed);
        // every problem beside its field: the box below says only that the workbench refused, without the paths
        const all = err instanceof WorkbenchError && problems.length > 0 && problems.every((p) => fieldOfProblem(p) !== null);
        setError(all ? new AppError({ zh: ASSESSOR_WORDS.zh.refused(err.headline.zh), en: ASSESSOR_WORDS.en.refused(err.headline.en) }) : err);
        focus(ASSESSOR_FIELDS.find((f) => placed[f]));
      },
    );
  };

  const field = (k: AssessorField, mono = false) => {
    const problem = problemOf(k);
    const invalid = problem ? { "aria-invalid": true, "aria-describedby": `asr-${k}-error` } : {};
    const change = (e: ChangeEvent<HTMLInputElement>) => {
      const v = e.currentTarget.value;
      setForm((f) => ({ ...f, [k]: v }));
      setServerProblems((p) => ({ ...p, [k]: undefined }));
    };
    // left with something typed: its check shows from now on (an empty field, only once the form is sent). Not when
    // left for the submit button: the problem appearing on mousedown would move the button from under the click
    const leave = (e: FocusEvent<HTMLInputElement>) => {
      const toSubmit = e.relatedTarget instanceof HTMLButtonElement && e.relatedTarget.type === "submit";
      if (form[k] !== "" && !toSubmit) setTouched((t) => ({ ...t, [k]: true }));
    };
    return (
      <div className="field">
        <label htmlFor={`asr-${k}`}>{labels[k]}</label>
        <input id={`asr-${k}`} className={mono ? "mono" : undefined} value={form[k]} autoComplete="off" spellCheck={k === "name" ? undefined : false} aria-required="true" {...invalid} onChange={change} onBlur={leave} />
        {problem ? <span id={`asr-${k}-error`} className="field-error" data-testid={`asr-${k}-error`}>{problem}</span> : null}
      </div>
    );
  };
  return (
    <section className="card console-list" aria-labelledby="assessors-heading">
      <h2 id="assessors-heading">{t("body.assessors")}</h2>
      <ul className="card-list">
        {(q.data?.items ?? []).map((a) => (
          <li key={a.address} data-assessor={a.assessorId}>
            <span className="card-title">{a.name}</span> · <span className="nowrap">{a.assessorId}</span> · <span className="nowrap">{a.employerUscc}</span>
            {a.active ? null : <span className="badge bad nowrap"> ✖</span>}
            <div>
              <CopyValue value={a.address} what={`${a.name} ${a.address}`} />
            </div>
          </li>
        ))}
      </ul>
      <Pager pager={pager} page={q.data} total={q.data?.total} />
      <form
        noValidate
        aria-labelledby="register-assessor-heading"
        data-testid="register-assessor"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) submit();
        }}
      >
        <h3 id="register-assessor-heading">{t("body.registerAssessor")}</h3>
        <div className="row wrap">
          {field("address", true)}
          {field("assessorId", true)}
          {field("name")}
          {field("employerUscc", true)}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {t("body.registerAssessor")}
        </button>
        {busy ? <span role="status">{t("app.loading")}</span> : null}
        {registered ? (
          <p className="notice ok" role="status" data-testid="assessor-registered">
            ✔ {W.registered(registered)}
          </p>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
      </form>
    </section>
  );
}
