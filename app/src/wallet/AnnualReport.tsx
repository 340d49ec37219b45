/**
 * 年度报告: the holder fills in the annual report before the annual review (年审) — still the CQO of the employer,
 * the employer's name, the appointment letter (uploaded, cited by its SHA-256), training hours since the last
 * review, a declaration of incidents — signs it in the wallet as EIP-712 (sdk/annual-report.ts) and sends it to
 * the certifying body's workbench (POST /dossiers/:id/annual-reports, after sign-in with Ethereum).
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Address } from "viem";
import { annualReport, annualReportTypedData } from "../../../sdk/annual-report";
import "../body/reviews.css";
import { ErrorBox } from "../components/ErrorBox";
import { useChainish } from "./context";
import { ConnectPanel, useWallet } from "./wallet";
import { holderDossier } from "./holderDossier";
import { useWorkbenchApi } from "./useWorkbenchApi";

const TEXT = {
  zh: {
    heading: "年度报告（年审）",
    intro: "年审前，请如实填写年度报告，在钱包中签名后提交给认定主体。报告内容属于个人信息，仅认定主体可见，不上链。",
    certificate: "证书编号",
    stillCqo: "是否仍担任该单位首席质量官",
    yes: "是",
    no: "否",
    employer: "任职单位名称",
    letter: "任命文件（可选，PDF 或图片）",
    letterHint: "文件上传到认定主体工作台，报告中只记录其 SHA-256。",
    hours: "自上次年审以来的培训学时",
    incidents: "质量事故声明",
    incidentsHint: "如无质量事故，请填写“无”。",
    required: "必填",
    badHours: "请填写 0 到 10000 之间的整数",
    sign: "签名并提交年度报告",
    signing: "请在钱包中签名…",
    filed: "年度报告已提交，认定主体将据此进行年审。",
    letterFiled: "报告引用的任命文件 SHA-256：",
    needsReview: "任职单位有变化或不再担任首席质量官：认定主体将重点审核。",
    connect: "请先连接持证钱包。",
  },
  en: {
    heading: "Annual report (annual review)",
    intro: "Before the annual review, fill in your annual report truthfully, sign it in your wallet and send it to the certifying body. It is personal data: only the body sees it, nothing goes on-chain.",
    certificate: "Certificate number",
    stillCqo: "Still the Chief Quality Officer of the employer",
    yes: "Yes",
    no: "No",
    employer: "Employer's name",
    letter: "Appointment letter (optional, PDF or image)",
    letterHint: "The file is uploaded to the body's workbench; the report records its SHA-256 only.",
    hours: "Training hours since the last review",
    incidents: "Declaration of quality incidents",
    incidentsHint: "If there were none, write “none”.",
    required: "required",
    badHours: "a whole number from 0 to 10000",
    sign: "Sign and send the annual report",
    signing: "Sign in your wallet…",
    filed: "Annual report sent: the body will review it.",
    letterFiled: "The appointment letter the report cites, SHA-256: ",
    needsReview: "Your employer changed or you are no longer its CQO: the body will look at this closely.",
    connect: "Connect the wallet that holds the certificate first.",
  },
} as const;

/** an annual report is for a certificate in force or suspended, not a revoked one */
const REPORTABLE_STATES = ["in-notice", "issued", "suspended"] as const;

type Problems = Partial<Record<"employer" | "hours" | "incidents", string>>;

export default function AnnualReport({ tokenId }: { tokenId: string }) {
  const { i18n } = useTranslation();
  const T = i18n.language === "en" ? TEXT.en : TEXT.zh;
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [stillCqo, setStillCqo] = useState(true);
  const [employer, setEmployer] = useState("");
  const [letter, setLetter] = useState<File | null>(null);
  const [hours, setHours] = useState("");
  const [incidents, setIncidents] = useState("");
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState<{ needsReview: boolean; letter: string | null } | null>(null);

  const check = (): Problems => {
    const p: Problems = {};
    if (!employer.trim()) p.employer = T.required;
    if (!/^\d{1,5}$/.test(hours.trim()) || Number(hours) > 10_000) p.hours = T.badHours;
    if (!incidents.trim()) p.incidents = T.required;
    return p;
  };

  const submit = async () => {
    const p = check();
    setProblems(p);
    if (Object.keys(p).length || !w.address) return;
    setBusy(true);
    setError(null);
    try {
      const id = await holderDossier(api, { address: w.address, walletClient: w.walletClient }, c.chain.id, tokenId, REPORTABLE_STATES);
      const sha256 = letter ? (await api.upload(letter)).sha256 : null;
      const fields = { stillCqo, employerName: employer.trim().normalize("NFC"), trainingHours: Number(hours), incidents: incidents.trim().normalize("NFC"), signedAt: Math.floor(Date.now() / 1000) };
      const message = annualReport({ holder: w.address, tokenId, appointmentLetter: sha256, ...fields });
      const wallet = await w.walletClient();
      const signature = await wallet.signTypedData({ account: w.address as Address, ...annualReportTypedData(c.config.deployment.chainId, c.config.deployment.certificate, message) });
      const r = await api.call<{ needsReview: boolean }>("POST", `/dossiers/${encodeURIComponent(id)}/annual-reports`, { ...fields, appointmentLetter: sha256, signature });
      setFiled({ needsReview: r.needsReview, letter: sha256 });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card annual-report" aria-labelledby="annual-report-heading">
      <h1 id="annual-report-heading">{T.heading}</h1>
      <p>{T.intro}</p>
      <p>
        {T.certificate}: <a href={`#/verify/${tokenId}`}>#{tokenId}</a>
      </p>
      <ConnectPanel />
      {!w.connected ? <p className="hint">{T.connect}</p> : null}
      {filed ? (
        <div className="notice ok" role="status" data-testid="report-filed">
          <p>✔ {T.filed}</p>
          {/* the hash the holder signed: the same file shown to the body, checkable against the holder's own copy */}
          {filed.letter ? (
            <p data-testid="report-letter-filed">
              {T.letterFiled}
              <code className="break">{filed.letter}</code>
            </p>
          ) : null}
          {filed.needsReview ? <p>{T.needsReview}</p> : null}
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <fieldset className="choice">
            <legend>{T.stillCqo}</legend>
            <div className="row">
              <input type="radio" id="report-cqo-yes" name="report-cqo" checked={stillCqo} onChange={() => setStillCqo(true)} />
              <label htmlFor="report-cqo-yes">{T.yes}</label>
              <input type="radio" id="report-cqo-no" name="report-cqo" checked={!stillCqo} onChange={() => setStillCqo(false)} />
              <label htmlFor="report-cqo-no">{T.no}</label>
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor="report-employer">{T.employer}</label>
            <input id="report-employer" value={employer} maxLength={200} aria-invalid={problems.employer ? true : undefined} aria-describedby={problems.employer ? "report-employer-error" : undefined} onChange={(e) => setEmployer(e.currentTarget.value)} />
            {problems.employer ? <span id="report-employer-error" className="field-error">{problems.employer}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="report-letter">{T.letter}</label>
            <input id="report-letter" type="file" accept="application/pdf,image/png,image/jpeg,image/webp" aria-describedby="report-letter-hint" onChange={(e) => setLetter(e.currentTarget.files?.[0] ?? null)} />
            <span id="report-letter-hint" className="hint">{T.letterHint}</span>
          </div>
          <div className="field">
            <label htmlFor="report-hours">{T.hours}</label>
            <input id="report-hours" inputMode="numeric" value={hours} aria-invalid={problems.hours ? true : undefined} aria-describedby={problems.hours ? "report-hours-error" : undefined} onChange={(e) => setHours(e.currentTarget.value)} />
            {problems.hours ? <span id="report-hours-error" className="field-error">{problems.hours}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="report-incidents">{T.incidents}</label>
            <textarea id="report-incidents" rows={4} maxLength={4000} value={incidents} aria-invalid={problems.incidents ? true : undefined} aria-describedby={`report-incidents-hint${problems.incidents ? " report-incidents-error" : ""}`} onChange={(e) => setIncidents(e.currentTarget.value)} />
            <span id="report-incidents-hint" className="hint">{T.incidentsHint}</span>
            {problems.incidents ? <span id="report-incidents-error" className="field-error">{problems.incidents}</span> : null}
          </div>
          <button type="submit" className="primary" disabled={busy || !w.connected} data-testid="sign-report">
            {T.sign}
          </button>
          {busy ? <p role="status">{T.signing}</p> : null}
        </form>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}
