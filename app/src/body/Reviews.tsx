/**
 * 年审: the body's review queue (GET /reviews: certificates due within 30 days or overdue, from chain state) with
 * due dates, days left or overdue and the on-chain status (年审逾期 past the grace), the holder's annual report when
 * filed (its appointment letter previewed or downloaded by its hash), and the operator's decision
 * (POST /dossiers/:id/review → `recordReview` on chain with the body's signing key): passed moves the next review
 * a year on; failed suspends the certificate or revokes it as FailedReview. The evidence file is uploaded to the
 * workbench and cited by its SHA-256; each decision asks for confirmation naming the action first.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { TxView, useTx, type TxRunner } from "../wallet/tx";
import type { WorkbenchApi } from "./api";
import { EvidenceLinks } from "./Evidence";
import { ListDate, Person } from "./parts";
import "./reviews.css";

const TEXT = {
  zh: {
    heading: "年审",
    intro: "30 天内到期或已逾期的年审。年审自到期日前一个季度起可以记录；逾期超过宽限期的证书在链上显示为“年审逾期”。",
    empty: "目前没有 30 天内到期或逾期的年审。",
    due: "年审到期日",
    daysLeft: (n: number) => `剩余 ${n} 天`,
    overdue: (n: number) => `已逾期 ${n} 天`,
    graceUntil: "宽限期至",
    opensAt: "可记录自",
    notOpen: "尚未开放",
    holder: "持证人",
    reasonsLabel: "列入原因",
    reasons: { "due-soon": "30 天内到期", overdue: "已逾期", "report-needs-review": "年度报告需重点审核", "employer-changed": "工作单位变更" },
    employerChange: "工作单位变更报告",
    newEmployer: "新工作单位",
    newUscc: "统一社会信用代码",
    changedOn: "变更日期",
    statement: "说明",
    receivedAt: "收到时间",
    passedCount: "已通过年审次数",
    chainStatus: "链上状态",
    report: "年度报告",
    noReport: "持证人尚未提交年度报告",
    stillCqo: "仍任首席质量官",
    employer: "任职单位",
    letter: "任命文件",
    hours: "培训学时",
    incidents: "质量事故声明",
    signedAt: "签名时间",
    yes: "是",
    no: "否",
    none: "无",
    needsReview: "需重点审核：任职单位有变化或不再担任首席质量官",
    decision: "年审结论",
    passed: "通过",
    failed: "不通过",
    onFailure: "不通过时",
    suspend: "暂停证书",
    revoke: "撤销证书（年审未通过）",
    evidence: "年审记录文件（必填）",
    evidenceHint: "文件上传到工作台，链上只记录其 SHA-256。",
    evidenceMissing: "请上传年审记录文件",
    uploading: "正在上传…",
    note: "备注",
    record: "记录年审结论",
    confirmPassed: (n: string) => `确认年审通过 · 由本主体签名密钥上链（证书 #${n}）`,
    confirmSuspend: (n: string) => `确认年审不通过并暂停证书 · 由本主体签名密钥上链（证书 #${n}）`,
    confirmRevoke: (n: string) => `确认年审不通过并撤销证书 · 由本主体签名密钥上链（证书 #${n}）`,
    recorded: (tx: string) => `已上链：${tx}`,
  },
  en: {
    heading: "Annual reviews",
    intro: "Annual reviews due within 30 days or overdue. A review can be recorded from a quarter before its due date; past the grace period the chain shows the certificate as “review overdue”.",
    empty: "No annual review is due within 30 days or overdue.",
    due: "Review due",
    daysLeft: (n: number) => `${n} days left`,
    overdue: (n: number) => `${n} days overdue`,
    graceUntil: "Grace until",
    opensAt: "Can be recorded from",
    notOpen: "not open yet",
    holder: "Holder",
    reasonsLabel: "Why listed",
    reasons: { "due-soon": "due within 30 days", overdue: "overdue", "report-needs-review": "annual report to look at closely", "employer-changed": "change of employer" },
    employerChange: "Change of employer report",
    newEmployer: "New employer",
    newUscc: "Unified social credit code",
    changedOn: "Changed on",
    statement: "Statement",
    receivedAt: "Received",
    passedCount: "Reviews passed",
    chainStatus: "On-chain status",
    report: "Annual report",
    noReport: "The holder has not filed an annual report yet",
    stillCqo: "Still the CQO",
    employer: "Employer",
    letter: "Appointment letter",
    hours: "Training hours",
    incidents: "Declaration of incidents",
    signedAt: "Signed at",
    yes: "yes",
    no: "no",
    none: "none",
    needsReview: "Look closely: the employer changed or the holder is no longer its CQO",
    decision: "Result",
    passed: "Passed",
    failed: "Failed",
    onFailure: "When failed",
    suspend: "suspend the certificate",
    revoke: "revoke the certificate (failed review)",
    evidence: "Review record file (required)",
    evidenceHint: "The file is uploaded to the workbench; only its SHA-256 goes on-chain.",
    evidenceMissing: "upload the review record file",
    uploading: "Uploading…",
    note: "Note",
    record: "Record the review",
    confirmPassed: (n: string) => `Confirm the annual review passed · recorded on-chain with this body's signing key (certificate #${n})`,
    confirmSuspend: (n: string) => `Confirm the annual review failed and suspend the certificate · recorded on-chain with this body's signing key (certificate #${n})`,
    confirmRevoke: (n: string) => `Confirm the annual review failed and revoke the certificate · recorded on-chain with this body's signing key (certificate #${n})`,
    recorded: (tx: string) => `On chain: ${tx}`,
  },
} as const;

type Text = (typeof TEXT)["zh"] | (typeof TEXT)["en"];

export interface ReviewReport {
  id: number;
  signedAt: number;
  signature: string;
  needsReview: boolean;
  content: { stillCqo: boolean; employerName: string; appointmentLetter: string | null; trainingHours: number; incidents: string };
}

type QueueReason = "due-soon" | "overdue" | "report-needs-review" | "employer-changed";

/** the holder's change of employer report no review has answered yet (server/routes/employer-changes.ts) */
export interface EmployerChangeItem {
  id: number;
  signedAt: number;
  receivedAt: number;
  signature: string;
  content: { newEmployerName: string; newEmployerUscc: string; stillCqo: boolean; changedOn: string; statement: string };
}

export interface ReviewItem {
  tokenId: string;
  dossierId: string;
  holder: string;
  /** the holder's name; null once erased */
  applicantName: string | null;
  personalData: "shown" | "erased";
  reasons: QueueReason[];
  employerChange: EmployerChangeItem | null;
  state: string;
  status: string;
  dueAt: number;
  opensAt: number;
  graceUntil: number;
  daysLeft: number;
  open: boolean;
  overdue: boolean;
  reviewsPassed: number;
  reportFiled: boolean;
  report: ReviewReport | null;
  needsReview: boolean;
}

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

export function useReviewText(): Text {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? TEXT.en : TEXT.zh;
}

export default function Reviews({ api }: { api: WorkbenchApi }) {
  const T = useReviewText();
  const tx = useTx();
  const queue = useQuery({ queryKey: ["reviews"], queryFn: () => api.call<{ now: number; items: ReviewItem[] }>("GET", "/reviews") });
  const items = queue.data?.items ?? [];
  return (
    <>
      <TxView tx={tx} />
      <section className="card reviews" aria-labelledby="reviews-heading" data-testid="reviews">
        <h2 id="reviews-heading">{T.heading}</h2>
        <p>{T.intro}</p>
        {queue.error ? <ErrorBox error={queue.error} onRetry={() => void queue.refetch()} /> : null}
        {queue.data && items.length === 0 ? <p>{T.empty}</p> : null}
        <ul className="review-queue">
          {items.map((i) => (
            <ReviewCard key={i.tokenId} api={api} item={i} tx={tx} T={T} />
          ))}
        </ul>
      </section>
    </>
  );
}

/** on-chain statuses not in force, a warning on the card */
const NOT_IN_FORCE = new Set(["ReviewOverdue", "Suspended", "Revoked", "Expired", "Voided"]);

function ReviewCard({ api, item: i, tx, T }: { api: WorkbenchApi; item: ReviewItem; tx: TxRunner; T: Text }) {
  const { t } = useTranslation();
  const late = Math.max(0, -i.daysLeft);
  const letter = i.report?.content.appointmentLetter ?? null;
  return (
    <li className="card review-item" data-token={i.tokenId} data-overdue={i.overdue ? "true" : "false"}>
      <p className="review-title">
        <a href={`#/body/dossier/${encodeURIComponent(i.dossierId)}`}>{i.dossierId}</a> · <a href={`#/verify/${i.tokenId}`}>#{i.tokenId}</a>{" "}
        <span className={i.overdue ? "badge bad" : "badge due"} data-testid={`days-${i.tokenId}`}>
          {i.overdue ? T.overdue(late) : T.daysLeft(i.daysLeft)}
        </span>
        {i.needsReview ? <span className="badge bad">⚠ {T.needsReview}</span> : null}
      </p>
      <dl className="details">
        <dt>{T.due}</dt>
        <dd>{day(i.dueAt)}</dd>
        <dt>{T.graceUntil}</dt>
        <dd>{day(i.graceUntil)}</dd>
        <dt>{T.opensAt}</dt>
        <dd>
          {day(i.opensAt)}
          {i.open ? "" : ` (${T.notOpen})`}
        </dd>
        <dt>{T.holder}</dt>
        <dd data-testid={`holder-${i.tokenId}`}>
          <Person name={i.applicantName} personalData={i.personalData} address={i.holder} />
        </dd>
        <dt>{T.reasonsLabel}</dt>
        <dd data-testid={`reasons-${i.tokenId}`}>
          {i.reasons.map((r) => (
            <span key={r} className={r === "overdue" || r === "employer-changed" ? "badge bad nowrap" : "badge nowrap"} data-reason={r}>
              {T.reasons[r]}
            </span>
          ))}
        </dd>
        <dt>{T.chainStatus}</dt>
        <dd>
          <span className={NOT_IN_FORCE.has(i.status) ? "badge bad nowrap" : "badge nowrap"} data-testid={`status-${i.tokenId}`} data-status={i.status}>
            {t(`verdict.${i.status}.title`, { defaultValue: i.status })}
          </span>
        </dd>
        <dt>{T.passedCount}</dt>
        <dd>{i.reviewsPassed}</dd>
      </dl>
      {i.employerChange ? (
        <>
          <h3>{T.employerChange}</h3>
          <dl className="details" data-testid={`employer-change-${i.tokenId}`}>
            <dt>{T.newEmployer}</dt>
            <dd>{i.employerChange.content.newEmployerName}</dd>
            <dt>{T.newUscc}</dt>
            <dd className="mono break">{i.employerChange.content.newEmployerUscc}</dd>
            <dt>{T.stillCqo}</dt>
            <dd>{i.employerChange.content.stillCqo ? T.yes : T.no}</dd>
            <dt>{T.changedOn}</dt>
            <dd>{i.employerChange.content.changedOn}</dd>
            <dt>{T.statement}</dt>
            <dd className="statement">{i.employerChange.content.statement}</dd>
            <dt>{T.signedAt}</dt>
            <dd>
              <ListDate ms={i.employerChange.signedAt * 1000} /> · <code>{shortHex(i.employerChange.signature)}</code>
            </dd>
            <dt>{T.receivedAt}</dt>
            <dd>
              <ListDate ms={i.employerChange.receivedAt} />
            </dd>
          </dl>
        </>
      ) : null}
      <h3>{T.report}</h3>
      {i.report ? (
        <dl className="details" data-testid={`report-${i.tokenId}`}>
          <dt>{T.stillCqo}</dt>
          <dd>{i.report.content.stillCqo ? T.yes : T.no}</dd>
          <dt>{T.employer}</dt>
          <dd>{i.report.content.employerName}</dd>
          <dt>{T.letter}</dt>
          <dd data-testid={`letter-${i.tokenId}`}>
            {letter ? <code className="break">SHA-256 {letter}</code> : T.none} {letter ? <EvidenceLinks api={api} sha256={letter} name={T.letter} /> : null}
          </dd>
          <dt>{T.hours}</dt>
          <dd>{i.report.content.trainingHours}</dd>
          <dt>{T.incidents}</dt>
          <dd className="statement">{i.report.content.incidents}</dd>
          <dt>{T.signedAt}</dt>
          <dd>
            <ListDate ms={i.report.signedAt * 1000} /> · <code>{shortHex(i.report.signature)}</code>
          </dd>
        </dl>
      ) : (
        <p className="hint">{T.noReport}</p>
      )}
      <Decision api={api} item={i} tx={tx} T={T} />
    </li>
  );
}

function Decision({ api, item: i, tx, T }: { api: WorkbenchApi; item: ReviewItem; tx: TxRunner; T: Text }) {
  const qc = useQueryClient();
  const [result, setResult] = useState<"passed" | "failed">("passed");
  const [onFailure, setOnFailure] = useState<"suspend" | "revoke">("suspend");
  const [evidence, setEvidence] = useState("");
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [note, setNote] = useState("");
  const [txHash, setTxHash] = useState("");
  const name = `review-${i.tokenId}`;
  const upload = async (file: File | undefined) => {
    setEvidence("");
    setUploadError(null);
    if (!file) return;
    setUploading(true);
    try {
      setEvidence((await api.upload(file)).sha256);
      setMissing(false);
    } catch (err) {
      setUploadError(err);
    } finally {
      setUploading(false);
    }
  };
  const confirmText = result === "passed" ? T.confirmPassed(i.tokenId) : onFailure === "suspend" ? T.confirmSuspend(i.tokenId) : T.confirmRevoke(i.tokenId);
  return (
    <form
      className="review-decision"
      onSubmit={(e) => {
        e.preventDefault();
        if (!evidence) {
          setMissing(true);
          return;
        }
        tx.ask(
          confirmText,
          async () => {
            const r = await api.call<{ txHash: string }>("POST", `/dossiers/${encodeURIComponent(i.dossierId)}/review`, {
              result,
              evidence,
              ...(result === "failed" ? { onFailure } : {}),
              ...(note.trim() ? { note: note.trim() } : {}),
            });
            setTxHash(r.txHash);
          },
          () => {
            void qc.invalidateQueries({ queryKey: ["reviews"] });
            void qc.invalidateQueries({ queryKey: ["dossier"] });
            void qc.invalidateQueries({ queryKey: ["dossiers"] });
          },
          { by: "body-key", title: `${T.decision}：${result === "passed" ? T.passed : T.failed}` },
        );
      }}
    >
      <fieldset>
        <legend>{T.decision}</legend>
        <div className="row">
          <input type="radio" id={`${name}-passed`} name={`${name}-result`} checked={result === "passed"} onChange={() => setResult("passed")} />
          <label htmlFor={`${name}-passed`}>{T.passed}</label>
          <input type="radio" id={`${name}-failed`} name={`${name}-result`} checked={result === "failed"} onChange={() => setResult("failed")} />
          <label htmlFor={`${name}-failed`}>{T.failed}</label>
        </div>
        {result === "failed" ? (
          <div className="field">
            <label htmlFor={`${name}-failure`}>{T.onFailure}</label>
            <select id={`${name}-failure`} value={onFailure} onChange={(e) => setOnFailure(e.currentTarget.value === "revoke" ? "revoke" : "suspend")}>
              <option value="suspend">{T.suspend}</option>
              <option value="revoke">{T.revoke}</option>
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${name}-evidence`}>{T.evidence}</label>
          <input
            id={`${name}-evidence`}
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/webp"
            aria-invalid={missing ? true : undefined}
            aria-describedby={`${name}-evidence-hint${missing ? ` ${name}-evidence-error` : ""}`}
            onChange={(e) => void upload(e.currentTarget.files?.[0])}
          />
          <span id={`${name}-evidence-hint`} className="hint">
            {uploading ? T.uploading : evidence ? `SHA-256 ${evidence}` : T.evidenceHint}
          </span>
          {missing ? (
            <span id={`${name}-evidence-error`} className="field-error">
              {T.evidenceMissing}
            </span>
          ) : null}
          {uploadError ? <ErrorBox error={uploadError} /> : null}
        </div>
        <div className="field">
          <label htmlFor={`${name}-note`}>{T.note}</label>
          <input id={`${name}-note`} value={note} maxLength={2000} onChange={(e) => setNote(e.currentTarget.value)} />
        </div>
        <button type="submit" className={result === "passed" ? "primary" : "danger"} disabled={uploading} data-testid={`record-review-${i.tokenId}`}>
          {T.record}
        </button>
        {txHash ? (
          <p className="notice ok" data-testid={`review-recorded-${i.tokenId}`}>
            ✔ {T.recorded(shortHex(txHash))}
          </p>
        ) : null}
      </fieldset>
    </form>
  );
}
