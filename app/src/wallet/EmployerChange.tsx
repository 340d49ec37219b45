/**
 * 工作单位变更报告 (issue #13, chapter 11 of the standard): the holder reports a change of employer at any time
 * between annual reviews. The fields are checked as the workbench checks them (sdk/employer-change.ts
 * `EmployerChangeFields`, the single source of the report's shape), each error next to its field; the report is
 * signed in the wallet as EIP-712 typed data and sent to the certifying body's workbench
 * (POST /dossiers/:id/employer-change), which puts the certificate in its review queue. Nothing goes on-chain.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Address } from "viem";
import { fromZod } from "../../../scoring";
import { EmployerChangeFields, employerChange, employerChangeTypedData } from "../../../sdk/employer-change";
import { WorkbenchError } from "../body/api";
import "../body/reviews.css";
import { ErrorBox } from "../components/ErrorBox";
import { formatDateTime } from "../lib/format";
import { useChainish } from "./context";
import { holderDossier } from "./holderDossier";
import { ConnectPanel, useWallet } from "./wallet";
import { useWorkbenchApi } from "./useWorkbenchApi";

const TEXT = {
  zh: {
    heading: "报告工作单位变更",
    intro: "工作单位发生变化时，请及时报告认定主体：填写新单位并在钱包中签名后提交。认定主体将据此安排年审。",
    offChain: "报告内容属于个人信息，只交给认定主体，不上链。",
    certificate: "证书编号",
    newEmployerName: "新工作单位名称",
    newEmployerUscc: "新工作单位统一社会信用代码（18 位）",
    stillCqo: "在新单位是否仍担任首席质量官",
    yes: "是",
    no: "否",
    changedOn: "变更日期",
    statement: "情况说明",
    statementHint: "例如：调入时间、任命文件、岗位职责的变化。",
    sign: "在钱包中签名并提交",
    signing: "请在钱包中签名…",
    filed: (at: string) => `工作单位变更报告已于 ${at} 提交。认定主体将安排年审，并可能要求补充材料。`,
    earlier: "已提交的变更报告",
    none: "尚未提交过变更报告。",
    reviewed: "已年审",
    pending: "待年审",
    connect: "请先连接持证钱包。",
  },
  en: {
    heading: "Report a change of employer",
    intro: "When your employer changes, tell the certifying body: fill in the new employer, sign it in your wallet (EIP-712) and send it. The body will schedule an annual review.",
    offChain: "The report is personal data: it goes to the body only, nothing goes on-chain.",
    certificate: "Certificate number",
    newEmployerName: "New employer's name",
    newEmployerUscc: "New employer's unified social credit code (18 characters)",
    stillCqo: "Still the Chief Quality Officer at the new employer",
    yes: "Yes",
    no: "No",
    changedOn: "Date of the change",
    statement: "Statement",
    statementHint: "For example: when you moved, the appointment letter, how your duties changed.",
    sign: "Sign in the wallet and send",
    signing: "Sign in your wallet…",
    filed: (at: string) => `Change of employer reported at ${at}. The body will schedule an annual review and may ask for documents.`,
    earlier: "Reports sent",
    none: "No change of employer reported yet.",
    reviewed: "reviewed",
    pending: "review pending",
    connect: "Connect the wallet that holds the certificate first.",
  },
} as const;

type Field = "newEmployerName" | "newEmployerUscc" | "stillCqo" | "changedOn" | "statement";
const FIELDS: readonly Field[] = ["newEmployerName", "newEmployerUscc", "stillCqo", "changedOn", "statement"];
type Problems = Partial<Record<Field, string>>;

interface ChangeView {
  id: number;
  receivedAt: number;
  reviewed: boolean;
  content: { newEmployerName: string; changedOn: string };
}

const isField = (x: unknown): x is Field => typeof x === "string" && (FIELDS as readonly string[]).includes(x);

export default function EmployerChange({ tokenId }: { tokenId: string }) {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const T = lang === "en" ? TEXT.en : TEXT.zh;
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [uscc, setUscc] = useState("");
  const [stillCqo, setStillCqo] = useState<boolean | null>(null);
  const [changedOn, setChangedOn] = useState("");
  const [statement, setStatement] = useState("");
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [serverProblems, setServerProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [filedAt, setFiledAt] = useState<number | null>(null);

  const fields = { newEmployerName: name.trim().normalize("NFC"), newEmployerUscc: uscc.trim().toUpperCase(), stillCqo: stillCqo ?? undefined, changedOn, statement: statement.trim().normalize("NFC"), signedAt: Math.floor(Date.now() / 1000) };
  const parsed = EmployerChangeFields.safeParse(fields);
  const problems: Problems = { ...serverProblems };
  if (!parsed.success) {
    for (const p of fromZod(parsed.error)) {
      const f = p.path[0];
      if (isField(f) && !problems[f]) problems[f] = lang === "en" ? p.message.en : p.message.zh;
    }
  }
  const shown = (f: Field) => (touched[f] || serverProblems[f] ? problems[f] : undefined);
  const ready = parsed.success && !Object.values(serverProblems).some(Boolean);

  const signedIn = () => holderDossier(api, { address: w.address!, walletClient: w.walletClient }, c.chain.id, tokenId);
  const earlier = useQuery({
    queryKey: ["employer-changes", tokenId, w.address],
    enabled: w.connected && api.session() !== null,
    queryFn: async () => (await api.call<{ items: ChangeView[] }>("GET", `/dossiers/${encodeURIComponent(await signedIn())}/employer-changes`)).items,
  });

  const submit = async () => {
    setTouched(Object.fromEntries(FIELDS.map((f) => [f, true])));
    if (!parsed.success || !w.address) return;
    setBusy(true);
    setError(null);
    try {
      const id = await signedIn();
      // signed now, not when the form was last drawn: the workbench refuses a stale report
      const body = { ...parsed.data, signedAt: Math.floor(Date.now() / 1000) };
      const message = employerChange({ ...body, holder: w.address, tokenId, dossierId: id });
      const wallet = await w.walletClient();
      const signature = await wallet.signTypedData({ account: w.address as Address, ...employerChangeTypedData(c.config.deployment.chainId, c.config.deployment.certificate, message) });
      const r = await api.call<ChangeView>("POST", `/dossiers/${encodeURIComponent(id)}/employer-change`, { ...body, signature });
      setFiledAt(r.receivedAt);
      void qc.invalidateQueries({ queryKey: ["employer-changes", tokenId] });
    } catch (err) {
      if (err instanceof WorkbenchError && err.problems.length) {
        const byField: Problems = {};
        for (const p of err.problems) {
          const f = p.field.replace(/^body\./, "");
          if (isField(f)) byField[f] = lang === "en" ? p.en : p.zh;
        }
        setServerProblems(byField);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  /** a field the holder changed: its own problems show from now on, the server's earlier one about it goes */
  const touch = (f: Field) => {
    setTouched((t) => ({ ...t, [f]: true }));
    setServerProblems((p) => ({ ...p, [f]: undefined }));
  };
  const describedBy = (f: Field, hint?: string) => [hint, shown(f) ? `ec-${f}-error` : undefined].filter(Boolean).join(" ") || undefined;
  const errorOf = (f: Field) =>
    shown(f) ? (
      <span id={`ec-${f}-error`} className="field-error" data-testid={`ec-${f}-error`}>
        {shown(f)}
      </span>
    ) : null;

  return (
    <section className="card annual-report" aria-labelledby="employer-change-heading" data-testid="employer-change">
      <h1 id="employer-change-heading">{T.heading}</h1>
      <p>{T.intro}</p>
      <p className="hint">{T.offChain}</p>
      <p>
        {T.certificate}: <a href={`#/verify/${tokenId}`}>#{tokenId}</a>
      </p>
      <ConnectPanel />
      {!w.connected ? <p className="hint">{T.connect}</p> : null}
      {filedAt !== null ? (
        <p className="notice ok" role="status" data-testid="employer-change-filed">
          ✔ {T.filed(formatDateTime(Math.floor(filedAt / 1000), lang))}
        </p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="field">
            <label htmlFor="ec-newEmployerName">{T.newEmployerName}</label>
            <input id="ec-newEmployerName" value={name} maxLength={200} aria-invalid={shown("newEmployerName") ? true : undefined} aria-describedby={describedBy("newEmployerName")} onChange={(e) => (setName(e.currentTarget.value), touch("newEmployerName"))} />
            {errorOf("newEmployerName")}
          </div>
          <div className="field">
            <label htmlFor="ec-newEmployerUscc">{T.newEmployerUscc}</label>
            <input id="ec-newEmployerUscc" value={uscc} maxLength={18} autoComplete="off" spellCheck={false} className="mono" aria-invalid={shown("newEmployerUscc") ? true : undefined} aria-describedby={describedBy("newEmployerUscc")} onChange={(e) => (setUscc(e.currentTarget.value), touch("newEmployerUscc"))} />
            {errorOf("newEmployerUscc")}
          </div>
          <fieldset className="choice" aria-invalid={shown("stillCqo") ? true : undefined} aria-describedby={describedBy("stillCqo")}>
            <legend>{T.stillCqo}</legend>
            <div className="row">
              <input type="radio" id="ec-cqo-yes" name="ec-cqo" checked={stillCqo === true} onChange={() => (setStillCqo(true), touch("stillCqo"))} />
              <label htmlFor="ec-cqo-yes">{T.yes}</label>
              <input type="radio" id="ec-cqo-no" name="ec-cqo" checked={stillCqo === false} onChange={() => (setStillCqo(false), touch("stillCqo"))} />
              <label htmlFor="ec-cqo-no">{T.no}</label>
            </div>
            {errorOf("stillCqo")}
          </fieldset>
          <div className="field">
            <label htmlFor="ec-changedOn">{T.changedOn}</label>
            <input id="ec-changedOn" type="date" value={changedOn} aria-invalid={shown("changedOn") ? true : undefined} aria-describedby={describedBy("changedOn")} onChange={(e) => (setChangedOn(e.currentTarget.value), touch("changedOn"))} />
            {errorOf("changedOn")}
          </div>
          <div className="field">
            <label htmlFor="ec-statement">{T.statement}</label>
            <textarea id="ec-statement" rows={4} maxLength={2000} value={statement} aria-invalid={shown("statement") ? true : undefined} aria-describedby={describedBy("statement", "ec-statement-hint")} onChange={(e) => (setStatement(e.currentTarget.value), touch("statement"))} />
            <span id="ec-statement-hint" className="hint">
              {T.statementHint}
            </span>
            {errorOf("statement")}
          </div>
          <button type="submit" className="primary" disabled={busy || !w.connected || !ready} data-testid="sign-employer-change">
            {T.sign}
          </button>
          {busy ? <p role="status">{T.signing}</p> : null}
        </form>
      )}
      {error ? <ErrorBox error={error} /> : null}
      <h2>{T.earlier}</h2>
      {earlier.data && earlier.data.length === 0 ? <p data-testid="employer-changes-none">{T.none}</p> : null}
      {earlier.data?.length ? (
        <ul data-testid="employer-changes">
          {earlier.data.map((r) => (
            <li key={r.id} data-reviewed={r.reviewed}>
              {r.content.changedOn} · {r.content.newEmployerName} · {formatDateTime(Math.floor(r.receivedAt / 1000), lang)} · <span className={r.reviewed ? "badge ok" : "badge due"}>{r.reviewed ? T.reviewed : T.pending}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
