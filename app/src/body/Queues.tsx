/**
 * The console's other tabs: certificates in public notice (公示) with the notice's end and the days left, and the
 * confirmation of the issuance once the notice is over with no objection open (disabled until then, the reason
 * shown); the issuance outbox; the register of assessors. A table on wide screens, cards below 640 px.
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
import { chainNow } from "../lib/chainTime";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDateTime } from "../lib/format";
import { useChainish } from "../wallet/context";
import { TxView, useTx } from "../wallet/tx";
import { useWallet } from "../wallet/wallet";
import { WorkbenchApi, WorkbenchError, type Assessor, type NamedDossier, type ObjectionView, type OutboxItem, type OutboxPage } from "./api";
import { ObjectionList } from "./Objections";
import { canRetry, CertificateNumber, ConfirmDialog, CopyValue, Pager, PAGE_SIZE, Person, useListWords, usePager } from "./parts";

const DAY = 86_400;

type Ending = { id: string; stage: "confirm" | "running" | "done" } | { id: string; stage: "error"; error: unknown } | null;

export function Notice({ api, operator }: { api: WorkbenchApi; operator: boolean }) {
  const { t, i18n } = useTranslation();
  const w = useListWords();
  const c = useChainish();
  const wallet = useWallet();
  const qc = useQueryClient();
  const tx = useTx();
  const [ending, setEnding] = useState<Ending>(null);
  // the server filters: the dossiers in notice, the open objections and the closed ones, each the first page of 200
  const dossiers = useQuery({ queryKey: ["dossiers", "in-notice"], queryFn: () => api.list<NamedDossier>("/dossiers", { state: "in-notice", limit: 200 }), refetchInterval: 5000 });
  const openObjections = useQuery({ queryKey: ["objections", "open"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["filing", "filed"], limit: 200 }), refetchInterval: 5000 });
  const closedObjections = useQuery({ queryKey: ["objections", "closed"], queryFn: () => api.list<ObjectionView>("/objections", { status: ["upheld", "dismissed", "not-filed"], limit: 200 }) });
  const objections = openObjections.error ? openObjections : closedObjections;
  const inNotice = (dossiers.data?.items ?? []).filter((d) => d.state === "in-notice" && d.tokenId);
  // the chain's view of each certificate and the chain's now: the notice ends by the chain's clock, not the device's
  const chain = useQuery({
    queryKey: ["notice-chain", inNotice.map((d) => d.tokenId).join(",")],
    enabled: inNotice.length > 0,
    refetchInterval: 15_000,
    queryFn: async () => {
      const [now, list] = await Promise.all([chainNow(await wallet.publicClient(), c.config.deployment), Promise.all(inNotice.map((d) => c.cqo.verifyCertificate(d.tokenId!)))]);
      return { now, list };
    },
  });
  const open = openObjections.data?.items ?? [];
  const closed = closedObjections.data?.items ?? [];
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
    void qc.invalidateQueries({ queryKey: ["dossier"] });
    void qc.invalidateQueries({ queryKey: ["notice-chain"] });
  };
  const endNotice = async (id: string) => {
    setEnding({ id, stage: "running" });
    try {
      await api.call("POST", `/dossiers/${encodeURIComponent(id)}/end-notice`, {});
      setEnding({ id, stage: "done" });
      refresh();
    } catch (error) {
      setEnding({ id, stage: "error", error });
    }
  };
  const confirming = ending?.stage === "confirm" ? inNotice.find((d) => d.id === ending.id) : undefined;
  return (
    <>
      <TxView tx={tx} />
      <section className="card console-list" aria-labelledby="notice-heading" data-testid="notice-section">
        <h2 id="notice-heading">{t("body.notice")}</h2>
        <p>{w.noticeIntro}</p>
        {dossiers.error ? <ErrorBox error={dossiers.error} onRetry={canRetry(dossiers.error) ? () => void dossiers.refetch() : undefined} /> : null}
        {chain.error ? <ErrorBox error={chain.error} onRetry={() => void chain.refetch()} /> : null}
        {ending?.stage === "done" ? (
          <p className="notice ok" role="status" data-testid="end-notice-done">
            {w.endNoticeDone(ending.id)}
          </p>
        ) : null}
        {dossiers.data && inNotice.length === 0 ? <p>{t("body.empty")}</p> : null}
        {dossiers.data?.nextCursor ? <p>{t("body.firstOnly", { n: inNotice.length })}</p> : null}
        <ul className="card-list" data-testid="notice-list">
          {inNotice.map((d, i) => {
            const v = chain.data?.list[i];
            const now = chain.data?.now;
            const objected = open.some((o) => o.dossierId === d.id) || v?.underObjection === true;
            const left = v && now !== undefined ? Math.max(0, Math.ceil((v.validFrom - now) / DAY)) : null;
            const reason = !v || now === undefined ? w.reading : objected ? w.openObjection : now < v.validFrom ? w.notOver(Math.max(1, left ?? 1)) : v.status !== "Valid" ? t(`verdict.${v.status}.title`) : null;
            const reasonId = `notice-reason-${d.id}`;
            const busy = ending?.id === d.id && ending.stage === "running";
            return (
              <li key={d.id} data-notice={d.id} data-can-end={reason === null}>
                <a className="card-title" href={`#/body/dossier/${encodeURIComponent(d.id)}`}>
                  {t("body.dossier", { id: d.id })}
                </a>
                <dl>
                  <dt>{w.certificate}</dt>
                  <dd>
                    <CertificateNumber tokenId={d.tokenId!} />
                  </dd>
                  <dt>{w.columns.applicant}</dt>
                  <dd>
                    <Person name={d.applicantName} personalData={d.personalData} address={d.applicant} />
                  </dd>
                  <dt>{w.noticeEnds}</dt>
                  <dd data-testid="notice-ends">{v ? formatDateTime(v.validFrom, i18n.language) : "…"}</dd>
                  <dt>{w.noticeState}</dt>
                  <dd data-testid="notice-left">
                    {left !== null ? w.daysLeft(left) : "…"}
                    {objected ? <span className="badge bad nowrap"> ⚠ {w.openObjection}</span> : null}
                  </dd>
                </dl>
                {operator ? (
                  <div className="list-actions">
                    <button type="button" className="primary" disabled={reason !== null || busy} aria-describedby={reason ? reasonId : undefined} data-testid={`end-notice-${d.id}`} onClick={() => setEnding({ id: d.id, stage: "confirm" })}>
                      {w.endNotice}
                    </button>
                    {reason ? (
                      <span id={reasonId} className="list-reason" data-testid="end-notice-reason">
                        {reason}
                      </span>
                    ) : null}
                    {busy ? <span role="status">{t("app.loading")}</span> : null}
                  </div>
                ) : null}
                {ending?.id === d.id && ending.stage === "error" ? <ErrorBox error={ending.error} onRetry={canRetry(ending.error) ? () => void endNotice(d.id) : undefined} /> : null}
              </li>
            );
          })}
        </ul>
        {confirming ? (
          <ConfirmDialog title={w.endNoticeTitle} confirm={w.endNotice} onConfirm={() => void endNotice(confirming.id)} onCancel={() => setEnding(null)}>
            <p>{w.endNoticeText(confirming.id, formatCertificateNumber(confirming.tokenId!))}</p>
          </ConfirmDialog>
        ) : null}
      </section>
      <section className="card console-list" aria-labelledby="objections-heading">
        <h2 id="objections-heading">{t("bodyOps.objections.heading")}</h2>
        <p>{t("bodyOps.objections.intro")}</p>
        {objections.error ? <ErrorBox error={objections.error} onRetry={canRetry(objections.error) ? () => void objections.refetch() : undefined} /> : null}
        <h3>{t("bodyOps.objections.open", { n: open.length })}</h3>
        <ObjectionList api={api} objections={open} operator={operator} tx={tx} showDossier />
        {closed.length ? (
          <details>
            <summary>{t("bodyOps.objections.closed", { n: closed.length })}</summary>
            <ObjectionList api={api} objections={closed} operator={false} tx={tx} showDossier />
          </details>
        ) : null}
      </section>
    </>
  );
}

export function Outbox({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const w = useListWords();
  const qc = useQueryClient();
  const [retryError, setRetryError] = useState<unknown>(null);
  // progress from the counts per status (the first page carries them), the rows a page at a time; both polled with their ETag
  const counts = useQuery({
    queryKey: ["outbox", "counts"],
    queryFn: async () => (await api.list<OutboxItem, OutboxPage>("/outbox", { limit: 1 })).counts ?? null,
    refetchInterval: (query) => (query.state.data && query.state.data.queued + query.state.data.sending > 0 ? 1000 : 5000),
  });
  const pager = usePager();
  const q = useQuery({
    queryKey: ["outbox", "page", pager.cursor ?? ""],
    queryFn: () => api.list<OutboxItem, OutboxPage>("/outbox", { limit: PAGE_SIZE, cursor: pager.cursor }),
    refetchInterval: counts.data && counts.data.queued + counts.data.sending > 0 ? 1000 : 5000,
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const c = counts.data;
  const all = c ? c.queued + c.sending + c.issued + c.failed : 0;
  const done = c?.issued ?? 0;
  const h = w.columnsOutbox;
  return (
    <section className="card console-list" aria-labelledby="outbox-heading" data-testid="outbox-section">
      <h2 id="outbox-heading">{t("body.outbox")}</h2>
      {q.error ? <ErrorBox error={q.error} onRetry={canRetry(q.error) ? () => void q.refetch() : undefined} /> : null}
      {all ? (
        <p role="status" data-testid="outbox-progress">
          <progress max={all} value={done} aria-label={t("body.progress", { done, total: all })} /> {t("body.progress", { done, total: all })}
        </p>
      ) : (
        <p>{t("body.empty")}</p>
      )}
      {retryError ? <ErrorBox error={retryError} /> : null}
      {items.length ? (
        <table className="list cards" data-testid="outbox">
          <thead>
            <tr>
              <th scope="col">{h.dossier}</th>
              <th scope="col">{h.status}</th>
              <th scope="col">{h.certificate}</th>
              <th scope="col">{h.tx}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.root} data-outbox={o.dossierId} data-status={o.status}>
                <td data-label={h.dossier}>
                  <a href={`#/body/dossier/${encodeURIComponent(o.dossierId)}`} className="nowrap">
                    {o.dossierId}
                  </a>
                  <span className="person-name" data-testid="outbox-name">
                    {o.applicantName ? <strong>{o.applicantName}</strong> : <span className="hint">{w.erased}</span>}
                  </span>
                </td>
                <td data-label={h.status}>
                  <span className={`badge nowrap ${o.status === "failed" ? "bad" : o.status === "issued" ? "ok" : ""}`}>{w.outboxStatus[o.status] ?? o.status}</span>
                  {o.lastError ? <span className="notice error list-reason">{o.lastError}</span> : null}
                </td>
                <td data-label={h.certificate}>{o.tokenId ? <CertificateNumber tokenId={o.tokenId} /> : "—"}</td>
                <td data-label={h.tx}>
                  {o.txHash ? <CopyValue value={o.txHash} what={`${w.txHash} ${o.txHash}`} /> : "—"}
                  {o.status === "failed" ? (
                    <div className="list-actions">
                      <button
                        type="button"
                        onClick={() => {
                          setRetryError(null);
                          void api.call("POST", `/outbox/${o.root}/retry`).then(
                            () => qc.invalidateQueries({ queryKey: ["outbox"] }),
                            (err: unknown) => setRetryError(err),
                          );
                        }}
                      >
                        {w.retryIssue}
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} page={q.data} />
    </section>
  );
}

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
