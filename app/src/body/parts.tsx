/**
 * Small pieces the body console's screens share: the state badge, the pager of cursor lists, bilingual text, an
 * assessor's own sheets; for the lists (issue #14): a value behind a copy button, a grouped certificate number, a
 * date, a confirmation named for its action, and whether an error is worth a retry.
 */
import { useEffect, useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { formatDateTime, shortHex } from "../lib/format";
import { TxView, type TxRunner } from "../wallet/tx";
import { WorkbenchError, type OwnSheetView, type Message, type Page } from "./api";
import "./lists.css";

export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className="badge state nowrap" data-state={state}>
      {t(`body.states.${state}`, { defaultValue: state })}
    </span>
  );
}

export const PAGE_SIZE = 50;

/** Pages of a list by cursor: the cursors of the pages before this one, so "previous" goes back exactly. */
export function usePager() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.length ? cursors[cursors.length - 1] : undefined,
    page: cursors.length + 1,
    next: (c: string) => setCursors((x) => [...x, c]),
    previous: () => setCursors((x) => x.slice(0, -1)),
    reset: () => setCursors([]),
  };
}

export function Pager({ pager, page, total, totalCapped }: { pager: ReturnType<typeof usePager>; page: Page<unknown> | undefined; total?: number; totalCapped?: boolean }) {
  const { t } = useTranslation();
  if (!page || (pager.page === 1 && !page.nextCursor)) return total ? <p>{t("body.listTotal", { total })}</p> : null;
  return (
    <div className="row wrap align-end" role="navigation" aria-label={t("body.pages")}>
      <button type="button" data-testid="page-previous" disabled={pager.page === 1} onClick={pager.previous}>
        ← {t("body.previous")}
      </button>
      <span data-testid="page-number">
        {t("body.pageNumber", { page: pager.page })}
        {total !== undefined ? ` · ${totalCapped ? t("body.listTotalCapped", { total }) : t("body.listTotal", { total })}` : ""}
      </span>
      <button type="button" data-testid="page-next" disabled={!page.nextCursor} onClick={() => page.nextCursor && pager.next(page.nextCursor)}>
        {t("body.next")} →
      </button>
    </div>
  );
}

/**
 * The inbox: a page of 50 at a time (newest first; by number when searching a number), filtered by state or by
 * "needs action", searched by dossier number or applicant address on the server. Polled every 3 s with the list's
 * ETag (an unchanged inbox is a 304 without a body), again when the window regains focus and after one's own actions.
 */

export const bi = (m: Message | null | undefined, lang: string) => (m ? (lang === "en" ? m.en : m.zh) : "");

/** An assessor after the round: the sheets they signed, read-only. */
export function OwnSheets({ d, tx }: { d: OwnSheetView; tx: TxRunner }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="own-sheet-heading">
      <p>
        <a href="#/body">← {t("body.inbox")}</a>
      </p>
      {/* the outcome of the sheet just handed in stays in view */}
      <TxView tx={tx} />
      <h2 id="own-sheet-heading">{t("body.dossier", { id: d.id })}</h2>
      <p>
        {t("body.state")}: <StateBadge state={d.state} />
      </p>
      <p role="note">{t("body.ownSheetOnly")}</p>
      <ul>
        {d.mySheets.map((s) => (
          <li key={s.round} data-testid="own-sheet">
            {t("body.ownSheetRound", { round: s.round })} · <code className="break">{s.digest}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** the lists' own words (the shared locale files are not these pages'), zh first */
export const LIST_TEXT = {
  zh: {
    copy: "复制",
    copied: "已复制",
    cancel: "取消",
    certificate: "证书编号",
    applicantWallet: "申报人钱包地址",
    walletAddress: "钱包地址",
    views: { all: "全部申报", mine: "需要我处理" },
    viewsLabel: "查看范围",
    mineHint: "只列出等待您操作的申报。",
    columns: { number: "申报编号", applicant: "申报人", state: "状态", submitted: "提交时间", updated: "最近更新", certificate: "证书编号" },
    noticeIntro: "公示期内任何人都可提出异议；公示期满且没有待处理的异议时，才能确认发证。",
    noticeEnds: "公示截止",
    daysLeft: (n: number) => (n > 0 ? `还剩 ${n} 天` : "已期满"),
    noticeState: "公示状态",
    reading: "正在读取链上状态…",
    notOver: (n: number) => `公示期未满，还剩 ${n} 天`,
    openObjection: "有待处理的异议",
    endNotice: "公示期满，确认发证",
    endNoticeTitle: "确认发证 · 由您确认，不发送交易",
    endNoticeText: (id: string, number: string) => `将确认申报 ${id}（证书 ${number}）的公示期已满且没有待处理的异议，申报转为“已发证”。工作台先在链上核对证书状态再记录；不发送交易，不需要钱包签名。`,
    endNoticeDone: (id: string) => `✔ 申报 ${id} 已确认发证。`,
    outboxStatus: { queued: "排队中", sending: "正在上链", issued: "已上链", failed: "失败" } as Record<string, string>,
    columnsOutbox: { dossier: "申报编号", status: "状态", certificate: "证书编号", tx: "交易" },
    txHash: "交易哈希",
    retryIssue: "重新排队发证",
    filerWallet: "异议提出人钱包地址",
    signedAt: (at: string) => `签于 ${at}（链上证据哈希即提出人所签内容的摘要）`,
    rulingLabel: "处理结果（必选）",
    rulingNote: "处理说明（必填，申报人与提出人可见）",
    rulingMissing: "请选择处理结果。",
    noteMissing: "请填写处理说明。",
    dismissTitle: "异议不成立 · 由本主体签名密钥上链",
    upholdTitle: "异议成立并撤销证书 · 由本主体签名密钥上链",
    newWallet: "新钱包地址",
    reissueTx: "补发交易",
    reissueTitle: "在链上补发 · 由本主体签名密钥上链",
    walletConfirmTitle: "用我的钱包签发 · 由您的钱包签名并发送交易",
    erased: "已删除个人信息",
    withheld: "评审结束后不显示姓名",
    nameUnknown: "姓名未记录",
    walletOf: (name: string) => `${name}的钱包地址`,
    filerNoName: "公众（异议无需登记姓名）",
    newWalletOf: (name: string) => `${name}的新钱包`,
    materialsErased: "该申报人的个人信息已按其请求或保存期限删除（《个人信息保护法》）：申报材料不再显示，链上记录与操作记录保留。",
  },
  en: {
    copy: "Copy",
    copied: "Copied",
    cancel: "Cancel",
    certificate: "Certificate number",
    applicantWallet: "applicant's wallet",
    walletAddress: "Wallet address",
    views: { all: "All applications", mine: "Needs my action" },
    viewsLabel: "Show",
    mineHint: "Only the applications waiting for you.",
    columns: { number: "Application", applicant: "Applicant", state: "State", submitted: "Submitted", updated: "Last change", certificate: "Certificate" },
    noticeIntro: "Anyone may object during the notice; the issuance is confirmed only once the notice is over and no objection is open.",
    noticeEnds: "Notice ends",
    daysLeft: (n: number) => (n > 0 ? `${n} day${n === 1 ? "" : "s"} left` : "over"),
    noticeState: "Notice",
    reading: "Reading the chain…",
    notOver: (n: number) => `The notice is not over: ${n} day${n === 1 ? "" : "s"} left`,
    openObjection: "An objection is open",
    endNotice: "Notice over: confirm the issuance",
    endNoticeTitle: "Confirm the issuance · by you, no transaction",
    endNoticeText: (id: string, number: string) => `Confirms that the notice of application ${id} (certificate ${number}) is over with no open objection; the application becomes “issued”. The workbench checks the certificate on chain first, then records it; no transaction is sent, no wallet signature is needed.`,
    endNoticeDone: (id: string) => `✔ Application ${id}: issuance confirmed.`,
    outboxStatus: { queued: "Queued", sending: "Sending", issued: "On chain", failed: "Failed" } as Record<string, string>,
    columnsOutbox: { dossier: "Application", status: "Status", certificate: "Certificate", tx: "Transaction" },
    txHash: "transaction hash",
    retryIssue: "Queue the issuance again",
    filerWallet: "objector's wallet",
    signedAt: (at: string) => `signed ${at} (EIP-712 ObjectionStatement: the on-chain evidence hash is the digest the objector signed)`,
    rulingLabel: "Ruling (required)",
    rulingNote: "Note on the ruling (required; the applicant and the objector see it)",
    rulingMissing: "Choose a ruling.",
    noteMissing: "Write a note on the ruling.",
    dismissTitle: "Dismiss the objection · sent on chain by this body's signing key",
    upholdTitle: "Uphold the objection and revoke · sent on chain by this body's signing key",
    newWallet: "new wallet",
    reissueTx: "re-issue transaction",
    reissueTitle: "Re-issue on chain · sent by this body's signing key",
    walletConfirmTitle: "Issue from my wallet · signed and sent by your wallet",
    erased: "personal data erased",
    withheld: "name not shown after your round",
    nameUnknown: "name not recorded",
    walletOf: (name: string) => `${name}'s wallet`,
    filerNoName: "a member of the public (objections carry no name)",
    newWalletOf: (name: string) => `${name}'s new wallet`,
    materialsErased: "This applicant's personal data was erased (at their request or at the end of its retention, PIPL): the dossier's materials are no longer shown; the on-chain record and the audit log remain.",
  },
};

/** the lists' own words in the page's language */
export function useListWords() {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? LIST_TEXT.en : LIST_TEXT.zh;
}

/** no retry where retrying cannot help: a refusal (4xx) stays refused */
export const canRetry = (err: unknown) => !(err instanceof WorkbenchError && err.status >= 400 && err.status < 500);

/** A long value (a wallet, a hash) shown short, the whole of it behind a copy button. */
export function CopyValue({ value, shown, what }: { value: string; shown?: string; what: string }) {
  return (
    <span className="copy-value">
      <code className="nowrap" title={value}>
        {shown ?? shortHex(value)}
      </code>
      <CopyButton value={value} what={what} />
    </span>
  );
}

/**
 * A person as the lists show them (names before addresses, issue #14): the name first, the wallet shortened behind
 * a copy button; in the name's place, why there is none (erased, withheld after an assessor's round, or `missing`:
 * a person who gives none, such as an objection's filer).
 */
export function Person({ name, address, personalData = "shown", walletWhat, missing: why }: { name: string | null | undefined; address: string; personalData?: "shown" | "erased" | "withheld"; walletWhat?: string; missing?: string }) {
  const w = useListWords();
  const shown = personalData === "shown" && name ? name : null;
  const missing = personalData === "erased" ? w.erased : personalData === "withheld" ? w.withheld : (why ?? w.nameUnknown);
  return (
    <span className="person" style={{ display: "inline-flex", flexDirection: "column", gap: "0.15rem", minWidth: 0, maxWidth: "100%" }}>
      {shown ? (
        <strong className="person-name" data-testid="person-name" style={{ overflowWrap: "anywhere" }}>
          {shown}
        </strong>
      ) : (
        <span className="person-name hint" data-testid="person-missing" data-personal-data={personalData}>
          {missing}
        </span>
      )}
      <CopyValue value={address} what={walletWhat ?? `${shown ? w.walletOf(shown) : w.walletAddress} ${address}`} />
    </span>
  );
}

/** A certificate number in groups of four, linked to its verification, with a copy button. */
export function CertificateNumber({ tokenId }: { tokenId: string }) {
  const w = useListWords();
  const grouped = formatCertificateNumber(tokenId);
  return (
    <span className="copy-value">
      <a href={`#/verify/${tokenId}`} className="cert-number" aria-label={`${w.certificate} ${grouped}`}>
        {grouped}
      </a>
      <CopyButton value={tokenId} what={`${w.certificate} ${grouped}`} />
    </span>
  );
}

export function CopyButton({ value, what }: { value: string; what: string }) {
  const w = useListWords();
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" className="copy-button" aria-label={`${copied ? w.copied : w.copy}：${what}`} onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}>
      {copied ? w.copied : w.copy}
    </button>
  );
}

/** A time of the workbench (milliseconds) as a date and time people read. */
export function ListDate({ ms }: { ms: number }) {
  const { i18n } = useTranslation();
  return (
    <time className="nowrap" dateTime={new Date(ms).toISOString()}>
      {formatDateTime(Math.floor(ms / 1000), i18n.language)}
    </time>
  );
}

/** A confirmation named for its action: what happens, who acts, whether a transaction is sent. */
export function ConfirmDialog({ title, children, confirm, danger, onConfirm, onCancel }: { title: string; children: ReactNode; confirm: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  const w = useListWords();
  const id = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} data-testid="list-confirm">
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-text`}>{children}</div>
        <div className="row wrap">
          <button type="button" className={danger ? "danger" : "primary"} autoFocus onClick={onConfirm} data-testid="list-confirm-ok">
            {confirm}
          </button>
          <button type="button" onClick={onCancel}>
            {w.cancel}
          </button>
        </div>
      </div>
    </div>
  );
}
