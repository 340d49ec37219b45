/**
 * 持证人申请 (issue #13): the holders' standing requests to revoke their own certificates (GET /revocation-requests,
 * operators only), oldest first: who asks (the name first, the wallet behind its copy button), why in words, when,
 * the certificate and the dossier to open. The body revokes on the dossier page with the reason 持证人申请
 * (HolderRequest), which the workbench accepts only while such a request stands; the revocation closes it.
 *
 * GET /revocation-requests carries the holder's wallet, not their name: each row looks its dossier up
 * (GET /dossiers?q=<number>, the inbox's own search, revalidated by ETag) for the applicant's name.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { requestReasonWords } from "../lib/revocationRequest";
import type { RevocationRequestView, WorkbenchApi } from "./api";
import { canRetry, CertificateNumber, ListDate, Person } from "./parts";

/** the query of the open requests, shared with the dossier page's revocation field (RevocationReasonField) */
export const REQUESTS_KEY = ["revocation-requests"] as const;

export const REQUEST_TEXT = {
  zh: {
    tab: "持证人申请",
    tabWith: (n: number) => (n ? `持证人申请（${n}）` : "持证人申请"),
    heading: "持证人撤销申请",
    intro: "持证人可申请撤销自己的证书（持证人本人不能在链上撤销）。打开申报，在“撤销证书”处以“持证人申请”为由撤销，该申请即办结并从本列表移除。",
    empty: "目前没有待处理的持证人撤销申请。",
    loading: "正在读取持证人申请…",
    columns: { holder: "持证人", reason: "申请理由", date: "申请时间", certificate: "证书编号", dossier: "申报编号" },
    open: (id: string) => `打开申报 ${id} 办理撤销`,
    openShort: "办理撤销",
    count: (n: number) => `共 ${n} 件待处理`,
  },
  en: {
    tab: "Holder requests",
    tabWith: (n: number) => (n ? `Holder requests (${n})` : "Holder requests"),
    heading: "Holders' revocation requests",
    intro: "A holder may ask for their own certificate to be revoked (a holder cannot revoke on chain). Open the dossier and revoke with the reason “at the holder's request”: the request is then done and leaves this list.",
    empty: "No holder's revocation request is waiting.",
    loading: "Reading the holders' requests…",
    columns: { holder: "Holder", reason: "Reason given", date: "Asked on", certificate: "Certificate", dossier: "Application" },
    open: (id: string) => `Open application ${id} to revoke`,
    openShort: "Revoke",
    count: (n: number) => `${n} waiting`,
  },
};

export function useRequestText() {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? REQUEST_TEXT.en : REQUEST_TEXT.zh;
}

/** the open requests (operators only), polled every 15 s; the dossier page's revocation field reads the same query */
export function useRevocationRequests(api: WorkbenchApi, enabled = true) {
  return useQuery({ queryKey: REQUESTS_KEY, queryFn: () => api.revocationRequests(), enabled, refetchInterval: 15_000 });
}

/** the applicant's name of one dossier as the inbox shows it (null once erased) */
export function HolderRequests({ api }: { api: WorkbenchApi }) {
  const T = useRequestText();
  const q = useRevocationRequests(api);
  const rows = q.data?.items ?? [];
  const c = T.columns;
  return (
    <section className="card console-list holder-requests" aria-labelledby="holder-requests-heading" data-testid="holder-requests">
      <h2 id="holder-requests-heading">{T.heading}</h2>
      <p>{T.intro}</p>
      {q.error ? <ErrorBox error={q.error} onRetry={canRetry(q.error) ? () => void q.refetch() : undefined} /> : null}
      {!q.data && !q.error ? <p role="status">{T.loading}</p> : null}
      {q.data && rows.length === 0 ? <p data-testid="holder-requests-empty">{T.empty}</p> : null}
      {rows.length ? (
        <>
          <p className="list-hint" data-testid="holder-requests-count">
            {T.count(rows.length)}
          </p>
          <table className="list cards" data-testid="holder-requests-list">
            <thead>
              <tr>
                <th scope="col">{c.holder}</th>
                <th scope="col">{c.reason}</th>
                <th scope="col">{c.date}</th>
                <th scope="col">{c.certificate}</th>
                <th scope="col">{c.dossier}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <RequestRow key={r.id} r={r} T={T} />
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

function RequestRow({ r, T }: { r: RevocationRequestView; T: ReturnType<typeof useRequestText> }) {
  const { i18n } = useTranslation();
  const c = T.columns;
  const href = `#/body/dossier/${encodeURIComponent(r.dossierId)}`;
  return (
    <tr data-request={r.id} data-dossier={r.dossierId} data-reason={r.reason}>
      <td data-label={c.holder} data-testid="request-holder">
        <Person name={r.applicantName} personalData={r.personalData} address={r.holder} />
      </td>
      <td data-label={c.reason} data-testid="request-reason">
        {requestReasonWords(i18n.language)[r.reason] ?? r.reason}
      </td>
      <td data-label={c.date}>
        <ListDate ms={r.createdAt} />
      </td>
      <td data-label={c.certificate}>
        <CertificateNumber tokenId={r.tokenId} />
      </td>
      <td data-label={c.dossier}>
        <span className="list-actions">
          <a href={href} className="nowrap">
            {r.dossierId}
          </a>
          <a href={href} className="button" aria-label={T.open(r.dossierId)} data-testid="request-open">
            {T.openShort}
          </a>
        </span>
      </td>
    </tr>
  );
}
