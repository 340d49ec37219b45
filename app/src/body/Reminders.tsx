/**
 * 年审提醒 (issue #13): the reminders of the annual review queue (GET /reminders, operators only) below the queue on
 * the reviews tab: which certificate (and whose, from the queue GET /reviews: the reminders themselves carry numbers
 * and dates only), its due date and days left, the kind of reminder, and its webhook delivery in words; whether a
 * webhook is configured at all. Reading the list sends the reminders not delivered yet (server/routes/reviews.ts),
 * so it is read when opened and on "read again", not polled.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import type { ReminderView, WorkbenchApi } from "./api";
import { canRetry, CertificateNumber, Person } from "./parts";
import type { ReviewItem } from "./Reviews";
import "./reviews.css";

type Kind = ReminderView["kind"];
type Delivery = "none" | "sending" | "delivered" | "failed";

const TEXT = {
  zh: {
    heading: "年审提醒",
    webhookOn: "已配置提醒推送地址：每条提醒推送一次（只含证书编号、申报编号和日期，不含持证人信息）；推送失败的，在下次读取本列表时重试。",
    webhookOff: "未配置提醒推送地址：提醒只在此处列出，不会推送。如需推送，请管理员在工作台服务器上设置",
    and: "和",
    empty: "目前没有年审提醒：没有 30 天内到期或逾期的证书，也没有待审的年度报告或工作单位变更。",
    loading: "正在读取年审提醒…",
    again: "重新读取",
    columns: { certificate: "证书编号", holder: "持证人", dossier: "申报编号", due: "年审到期日", kind: "提醒事项", delivery: "推送状态" },
    kinds: { "due-soon": "年审 30 天内到期", overdue: "年审已逾期", "report-filed": "持证人已提交年度报告", "employer-changed": "持证人报告工作单位变更" } as Record<Kind, string>,
    delivery: { delivered: "已送达", sending: "正在推送", failed: "推送失败，下次读取时重试", none: "尚未推送（读取本列表时推送）" } as Record<Delivery, string>,
    notSent: "不推送（未配置推送地址）",
    daysLeft: (n: number) => `剩余 ${n} 天`,
    overdue: (n: number) => `已逾期 ${n} 天`,
    nameFromQueue: "见年审队列",
  },
  en: {
    heading: "Review reminders",
    webhookOn: "A webhook is configured: each reminder is sent once (certificate and application numbers and dates only, nothing about the holder); a failed one is retried the next time this list is read.",
    webhookOff: "No webhook is configured: reminders are listed here only, nothing is sent. To send them, the administrator sets on the workbench server",
    and: "and",
    empty: "No review reminder: no certificate is due within 30 days or overdue, and no annual report or change of employer is waiting.",
    loading: "Reading the review reminders…",
    again: "Read again",
    columns: { certificate: "Certificate", holder: "Holder", dossier: "Application", due: "Review due", kind: "Reminder", delivery: "Webhook delivery" },
    kinds: { "due-soon": "review due within 30 days", overdue: "review overdue", "report-filed": "annual report filed", "employer-changed": "change of employer reported" } as Record<Kind, string>,
    delivery: { delivered: "delivered", sending: "being sent", failed: "failed; retried the next time this list is read", none: "not sent yet (sent as this list is read)" } as Record<Delivery, string>,
    notSent: "not sent (no webhook configured)",
    daysLeft: (n: number) => `${n} day${n === 1 ? "" : "s"} left`,
    overdue: (n: number) => `${n} day${n === 1 ? "" : "s"} overdue`,
    nameFromQueue: "see the review queue",
  },
};

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const DELIVERIES: readonly string[] = ["none", "sending", "delivered", "failed"];

export default function Reminders({ api }: { api: WorkbenchApi }) {
  const { i18n } = useTranslation();
  const T = i18n.language === "en" ? TEXT.en : TEXT.zh;
  const q = useQuery({ queryKey: ["reminders"], queryFn: () => api.reminders() });
  // the queue the reviews tab shows above (the same query): the holders' names by certificate
  const queue = useQuery({ queryKey: ["reviews"], queryFn: () => api.call<{ now: number; items: ReviewItem[] }>("GET", "/reviews") });
  const holders = new Map((queue.data?.items ?? []).map((i) => [i.tokenId, i]));
  const rows = q.data?.items ?? [];
  const c = T.columns;
  return (
    <section className="card console-list reminders" aria-labelledby="reminders-heading" data-testid="reminders" data-webhook={q.data ? String(q.data.webhook) : undefined}>
      <h2 id="reminders-heading">{T.heading}</h2>
      {q.data ? (
        <p className="list-hint" data-testid="reminders-webhook">
          {q.data.webhook ? (
            T.webhookOn
          ) : (
            <>
              {T.webhookOff} <code translate="no">CQO_REVIEW_WEBHOOK_URL</code> {T.and} <code translate="no">CQO_REVIEW_WEBHOOK_SECRET</code>
              {i18n.language === "en" ? "." : "。"}
            </>
          )}
        </p>
      ) : null}
      <div className="row wrap">
        <button type="button" onClick={() => void q.refetch()} disabled={q.isFetching} data-testid="reminders-again">
          {T.again}
        </button>
      </div>
      {q.error ? <ErrorBox error={q.error} onRetry={canRetry(q.error) ? () => void q.refetch() : undefined} /> : null}
      {!q.data && !q.error ? <p role="status">{T.loading}</p> : null}
      {q.data && rows.length === 0 ? <p data-testid="reminders-empty">{T.empty}</p> : null}
      {rows.length ? (
        <table className="list cards" data-testid="reminders-list">
          <thead>
            <tr>
              <th scope="col">{c.certificate}</th>
              <th scope="col">{c.holder}</th>
              <th scope="col">{c.dossier}</th>
              <th scope="col">{c.due}</th>
              <th scope="col">{c.kind}</th>
              <th scope="col">{c.delivery}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const holder = holders.get(r.tokenId);
              const late = q.data !== undefined && q.data.now >= r.dueAt;
              const delivery = (DELIVERIES.includes(r.delivery) ? r.delivery : "none") as Delivery;
              return (
                <tr key={`${r.tokenId} ${r.kind} ${r.dueAt}`} data-token={r.tokenId} data-kind={r.kind} data-delivery={r.delivery}>
                  <td data-label={c.certificate}>
                    <CertificateNumber tokenId={r.tokenId} />
                  </td>
                  <td data-label={c.holder} data-testid="reminder-holder">
                    {holder ? <Person name={holder.applicantName} personalData={holder.personalData} address={holder.holder} /> : <span className="hint">{T.nameFromQueue}</span>}
                  </td>
                  <td data-label={c.dossier}>
                    <a href={`#/body/dossier/${encodeURIComponent(r.dossierId)}`} className="nowrap">
                      {r.dossierId}
                    </a>
                  </td>
                  <td data-label={c.due}>
                    <time dateTime={day(r.dueAt)} className="nowrap">
                      {day(r.dueAt)}
                    </time>{" "}
                    <span className={late ? "badge bad nowrap" : "badge due nowrap"}>{late ? T.overdue(Math.max(0, -r.daysLeft)) : T.daysLeft(r.daysLeft)}</span>
                  </td>
                  <td data-label={c.kind} data-testid="reminder-kind">
                    {T.kinds[r.kind] ?? r.kind}
                  </td>
                  <td data-label={c.delivery} data-testid="reminder-delivery">
                    <span className={delivery === "failed" ? "badge bad" : delivery === "delivered" ? "badge ok" : "badge"}>{!q.data?.webhook && delivery === "none" ? T.notSent : T.delivery[delivery]}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
