/**
 * 操作记录: a dossier's audit log (GET /dossiers/:id/audit, oldest first, a page at a time) — who (their name first,
 * the address behind a copy button), when, what, why (reasons, notes, evidence), and the transaction. Also the
 * decisions that must stay in view (DecisionRecord): a rejection's reasons, a suspension's or revocation's reason,
 * date, evidence and actor.
 */
import { isRevocationRequestReason, requestReasonWords } from "../lib/revocationRequest";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { WorkbenchError, type Message, type Page, type WorkbenchApi } from "./api";
import { bi } from "./parts";
import "./dossier.css";

export interface AuditEntry {
  actor: string | null;
  role: string;
  action: string;
  from: string | null;
  to: string | null;
  details: unknown;
  at: number;
}

const TEXT = {
  zh: {
    heading: "操作记录",
    when: "时间",
    who: "操作人",
    what: "操作",
    why: "理由与说明",
    tx: "交易",
    copy: "复制地址",
    copyShort: "复制",
    copied: "已复制",
    more: "加载更多",
    empty: "暂无记录。",
    hidden: "（不公开）",
    reasons: "理由",
    note: "备注",
    evidence: "证据文件",
    reason: "原因",
    colon: "：",
    sep: "；",
    erasure: { request: "本人请求删除", withdrawn: "申报已撤回", retention: "保存期限届满" } as Record<string, string>,
    reviewResult: "年审结论",
    reviewResults: { Passed: "通过", FailedSuspended: "不通过，暂停证书", FailedRevoked: "不通过，撤销证书" } as Record<string, string>,
    round: (n: number) => `第 ${n} 轮`,
    sheets: (n: number, of: number) => `已收 ${n} / ${of} 份`,
    level: (n: number) => `等级 ${n}`,
    decisions: "处理决定",
    rejected: "不予受理的理由",
    revoked: "撤销",
    suspended: "暂停",
    by: (who: string, when: string) => `${who} · ${when}`,
    roles: { operator: "经办人", assessor: "评审专家", applicant: "申报人", public: "公众", system: "系统", worker: "上链服务（签名密钥）", supervisor: "监管机构" } as Record<string, string>,
    actions: {
      submit: "提交申报",
      accept: "受理",
      reject: "不予受理",
      assign: "指派评审组",
      sheet: "提交评分表",
      evaluate: "计算评价结果",
      "re-review": "发起复审",
      approve: "批准发证",
      "issued-on-chain": "链上发证",
      "issuance-failed": "发证失败",
      "retry-issuance": "重新发证",
      "wallet-claim": "领取发证任务（钱包）",
      "wallet-issued": "从钱包发证",
      "wallet-release": "释放发证任务",
      "end-notice": "公示期满",
      suspend: "暂停证书",
      reinstate: "恢复证书",
      revoke: "撤销证书",
      renew: "复评续期",
      withdraw: "撤回申报",
      "file-objection": "提出异议",
      "resolve-objection": "处理异议",
      "reissue-prepared": "准备补发",
      "reissue-requested": "申请补发",
      "erase-personal-data": "删除个人信息",
      "chain-drift": "链上状态不一致",
      "lifecycle-not-applied": "链上操作未生效",
      reissue: "补发到新钱包",
      "apply-renewal": "用于复评续期",
      "chain-rewound": "链上区块回退，重新发证",
      "annual-report": "持证人提交年度报告",
      "annual-review": "记录年审",
      "employer-change": "持证人报告工作单位变更",
      "request-revocation": "持证人申请撤销",
      "register-assessor": "登记评审专家",
      "deactivate-assessor": "停用评审专家",
      "withdraw-notice-consent": "撤回公示同意",
      "reissue-notice": "补发公示期（从链上补记）",
    } as Record<string, string>,
  },
  en: {
    heading: "Activity log",
    when: "When",
    who: "Who",
    what: "What",
    why: "Reasons and notes",
    tx: "Transaction",
    copy: "Copy address",
    copyShort: "copy",
    copied: "Copied",
    more: "Load more",
    empty: "Nothing recorded yet.",
    hidden: "(not disclosed)",
    reasons: "reasons",
    note: "note",
    evidence: "evidence file",
    reason: "reason",
    colon: ": ",
    sep: "; ",
    erasure: { request: "the person asked for erasure", withdrawn: "the application was withdrawn", retention: "the retention period ended" } as Record<string, string>,
    reviewResult: "Review",
    reviewResults: { Passed: "passed", FailedSuspended: "failed, certificate suspended", FailedRevoked: "failed, certificate revoked" } as Record<string, string>,
    round: (n: number) => `round ${n}`,
    sheets: (n: number, of: number) => `${n} of ${of} received`,
    level: (n: number) => `level ${n}`,
    decisions: "Decisions",
    rejected: "Reasons for the rejection",
    revoked: "Revoked",
    suspended: "Suspended",
    by: (who: string, when: string) => `${who} · ${when}`,
    roles: { operator: "Operator", assessor: "Assessor", applicant: "Applicant", public: "Public", system: "System", worker: "Issuing service (signing key)", supervisor: "Supervisor" } as Record<string, string>,
    actions: {
      submit: "Submitted",
      accept: "Accepted",
      reject: "Rejected",
      assign: "Panel assigned",
      sheet: "Score sheet handed in",
      evaluate: "Result computed",
      "re-review": "Re-review started",
      approve: "Approved for issuance",
      "issued-on-chain": "Issued on-chain",
      "issuance-failed": "Issuance failed",
      "retry-issuance": "Issuance retried",
      "wallet-claim": "Issuance claimed (wallet)",
      "wallet-issued": "Issued from a wallet",
      "wallet-release": "Issuance released",
      "end-notice": "Notice period ended",
      suspend: "Certificate suspended",
      reinstate: "Certificate reinstated",
      revoke: "Certificate revoked",
      renew: "Renewed",
      withdraw: "Withdrawn",
      "file-objection": "Objection filed",
      "resolve-objection": "Objection ruled on",
      "reissue-prepared": "Re-issue prepared",
      "reissue-requested": "Re-issue requested",
      "erase-personal-data": "Personal data erased",
      "chain-drift": "Chain state differs",
      "lifecycle-not-applied": "Chain call not applied",
      reissue: "Re-issued to a new wallet",
      "apply-renewal": "Used for a renewal",
      "chain-rewound": "Chain blocks lost: issuance queued again",
      "annual-report": "Annual report filed by the holder",
      "annual-review": "Annual review recorded",
      "employer-change": "Change of employer reported by the holder",
      "request-revocation": "Revocation requested by the holder",
      "register-assessor": "Assessor registered",
      "deactivate-assessor": "Assessor deactivated",
      "withdraw-notice-consent": "Consent to the notice withdrawn",
      "reissue-notice": "Re-issue's notice recorded from the chain",
    } as Record<string, string>,
  },
};
type Words = (typeof TEXT)["zh"];
export const auditWords = (lang: string): Words => (lang === "en" ? TEXT.en : TEXT.zh);

/** workbench times are milliseconds; shown in China's time zone with the zone named */
export const whenText = (ms: number, lang: string) =>
  new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" }).format(new Date(ms)) + (lang === "en" ? " (UTC+8)" : "（北京时间）");

function CopyAddress({ address, w }: { address: string; w: Words }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="link copy"
      title={address}
      aria-label={`${w.copy} ${address}`}
      onClick={() => {
        void navigator.clipboard?.writeText(address).then(() => setCopied(true), () => setCopied(false));
      }}
    >
      <span className="mono">{shortHex(address)}</span> {copied ? `✔ ${w.copied}` : w.copyShort}
    </button>
  );
}

/** Who acted: the name this page knows for the address (applicant, assessor), else the role; the address to copy. */
export function Actor({ address, role, names, lang }: { address: string | null; role: string; names: Record<string, string>; lang: string }) {
  const w = auditWords(lang);
  const roleWord = w.roles[role] ?? role;
  if (!address) return <span>{`${roleWord} ${w.hidden}`}</span>;
  const name = names[address.toLowerCase()];
  return (
    <span className="actor">
      <strong>{name ?? roleWord}</strong>
      {name ? <span className="muted"> · {roleWord}</span> : null} <CopyAddress address={address} w={w} />
    </span>
  );
}

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const isMessage = (x: unknown): x is Message => typeof asRecord(x).zh === "string" && typeof asRecord(x).en === "string";

/** the why of an entry, in words: reasons, reason, note, evidence, round and counts */
function why(e: AuditEntry, lang: string, reasonWord: (r: string) => string): string[] {
  const w = auditWords(lang);
  const d = asRecord(e.details);
  const out: string[] = [];
  if (Array.isArray(d.reasons)) out.push(`${w.reasons}${w.colon}${d.reasons.map((r) => (isMessage(r) ? bi(r, lang) : String(r))).join(w.sep)}`);
  // an erasure's reason (server/erasure.ts ErasureReason) is not a revocation reason: its own words
  // a holder's request names its own reasons (lib/revocationRequest.ts), not a revocation reason
  const own = (r: string) => (e.action === "erase-personal-data" ? w.erasure[r] : e.action === "request-revocation" && isRevocationRequestReason(r) ? requestReasonWords(lang)[r] : undefined);
  if (typeof d.reason === "string" && d.reason) out.push(`${w.reason}${w.colon}${own(d.reason) ?? reasonWord(d.reason)}`);
  if (e.action === "sheet" && typeof d.sheets === "number" && typeof d.of === "number") out.push(w.sheets(d.sheets, d.of));
  if (e.action === "assign" && typeof d.round === "number") out.push(w.round(d.round));
  if (e.action === "evaluate" && typeof d.level === "number") out.push(w.level(d.level));
  if (typeof d.result === "string" && w.reviewResults[d.result]) out.push(`${w.reviewResult}${w.colon}${w.reviewResults[d.result]}`);
  if (typeof d.note === "string" && d.note) out.push(`${w.note}${w.colon}${d.note}`);
  // the whole SHA-256: it is the on-chain evidence hash, compared character for character with the file
  if (typeof d.evidence === "string" && d.evidence) out.push(`${w.evidence}${w.colon}${d.evidence}`);
  return out;
}

const txOf = (e: AuditEntry): string | null => {
  const tx = asRecord(e.details).txHash;
  return typeof tx === "string" ? tx : null;
};

export function useAudit(api: WorkbenchApi, id: string, version: number) {
  return useInfiniteQuery({
    queryKey: ["audit", id, version],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.list<AuditEntry>(`/dossiers/${encodeURIComponent(id)}/audit`, { limit: 50, cursor: pageParam }),
    getNextPageParam: (last: Page<AuditEntry>) => last.nextCursor ?? undefined,
  });
}

export function AuditLog({ api, id, version, names }: { api: WorkbenchApi; id: string; version: number; names: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const w = auditWords(lang);
  const q = useAudit(api, id, version);
  const entries = (q.data?.pages ?? []).flatMap((p) => p.items);
  const reasonWord = (r: string) => t(`reason.${r}`, { defaultValue: r });
  const retryable = !(q.error instanceof WorkbenchError && q.error.status < 500);
  return (
    <section className="card audit" aria-labelledby="audit-heading" data-testid="audit-log">
      <h2 id="audit-heading">{w.heading}</h2>
      {q.error ? <ErrorBox error={q.error} onRetry={retryable ? () => void q.refetch() : undefined} /> : null}
      {q.data && entries.length === 0 ? <p>{w.empty}</p> : null}
      <ol className="audit-list">
        {entries.map((e, i) => {
          const tx = txOf(e);
          return (
            <li key={`${e.at}-${i}`} data-action={e.action} data-testid="audit-entry">
              <div className="audit-head">
                <strong className="audit-what">{w.actions[e.action] ?? e.action}</strong>
                <time dateTime={new Date(e.at).toISOString()}>{whenText(e.at, lang)}</time>
              </div>
              <div>
                <span className="muted">{w.who}{w.colon}</span>
                <Actor address={e.actor} role={e.role} names={names} lang={lang} />
              </div>
              {why(e, lang, reasonWord).map((line, j) => (
                <div key={j} className="audit-why">
                  {line}
                </div>
              ))}
              {tx ? (
                <div>
                  <span className="muted">{w.tx}{w.colon}</span>
                  <code className="break">{tx}</code>
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {q.hasNextPage ? (
        <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {w.more}
        </button>
      ) : null}
    </section>
  );
}

/** The decisions that must stay in view: a rejection's reasons; the last suspension and revocation with who, when, why, evidence. */
export function DecisionRecord({ api, id, version, rejection, names }: { api: WorkbenchApi; id: string; version: number; rejection: unknown; names: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const w = auditWords(lang);
  const q = useAudit(api, id, version);
  const entries = (q.data?.pages ?? []).flatMap((p) => p.items);
  const reasons = Array.isArray(rejection) ? rejection.filter(isMessage) : [];
  const last = (action: string) => [...entries].reverse().find((e) => e.action === action);
  // a revocation is the body's own, or an upheld objection's ruling
  const upheld = [...entries].reverse().find((e) => e.action === "resolve-objection" && asRecord(e.details).upheld === true);
  const shown = [last("revoke") ?? upheld, last("suspend")].filter((e): e is AuditEntry => e !== undefined);
  if (reasons.length === 0 && shown.length === 0) return null;
  return (
    <section className="card decisions" aria-labelledby="decisions-heading" data-testid="decisions">
      <h2 id="decisions-heading">{w.decisions}</h2>
      {reasons.length ? (
        <>
          <h3>{w.rejected}</h3>
          <ul data-testid="rejection-reasons">
            {reasons.map((r, i) => (
              <li key={i}>{bi(r, lang)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {shown.map((e) => (
        <div key={e.action} className="decision" data-testid={`decision-${e.action}`}>
          <h3>{e.action === "suspend" ? w.suspended : w.revoked}</h3>
          <p>
            <Actor address={e.actor} role={e.role} names={names} lang={lang} /> · {whenText(e.at, lang)}
          </p>
          {why(e, lang, (r) => t(`reason.${r}`, { defaultValue: r })).map((line, j) => (
            <p key={j}>{line}</p>
          ))}
          {txOf(e) ? <code className="break">{txOf(e)}</code> : null}
        </div>
      ))}
    </section>
  );
}
