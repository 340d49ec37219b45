/**
 * The printable certificate (A4, print stylesheet): what a CQO frames and a verifier scans. It shows the holder's
 * name, employer, level, number and dates; its QR code opens the verify page with a selective disclosure of
 * exactly the printed fields (PRINTED_FIELDS: name, employer, level — never the ID number), so the verifier's
 * page proves the paper's name and employer against the certificate's result root on chain.
 *
 * The name and employer come from the holder's credential (values and salts): kept in this browser, or chosen as
 * a file here. A credential of the earlier format (cqo-credential/1) binds the name to the ID number: then the
 * paper shows neither name nor employer rather than reveal the ID number.
 *
 * PDF: the browser's own print-to-PDF (window.print with the A4 print stylesheet); no PDF library is bundled.
 *
 * A certificate that is not valid now (revoked, suspended, voided, expired, review overdue, or still in public
 * notice) prints only under a large diagonal watermark of its status, with a plain warning above the sheet: a
 * paper must not outlive, or anticipate, the record it shows (issue #14). A valid one prints clean.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { disclose, PRINTED_FIELDS, type Credential } from "../../../scoring/commit/credential";
import { ErrorBox } from "../components/ErrorBox";
import { QrImage } from "../components/QrImage";
import { formatCertificateNumber } from "../lib/certificateNumber";
import { bodyNameFromMetadata, formatDate } from "../lib/format";
import { base64UrlEncode, verifyLink } from "../lib/links";
import { useChainish } from "./context";
import { heldCredential, keepCredential, readCredential } from "./heldCredentials";
import type { CertificateStatus } from "../../../sdk/types";
import "../public/notices/watermark.css";

const LEVEL_ZH = ["", "一级", "二级", "三级", "四级", "五级", "六级", "七级", "八级"];
const LEVEL_EN = ["", "Level I", "Level II", "Level III", "Level IV", "Level V", "Level VI", "Level VII", "Level VIII"];

/** The watermark of each status a paper must not pass for valid under (Valid has none). */
const WATERMARKS: Record<Exclude<CertificateStatus, "Valid">, { zh: string; en: string }> = {
  Revoked: { zh: "已撤销", en: "REVOKED" },
  Suspended: { zh: "已暂停", en: "SUSPENDED" },
  Voided: { zh: "已作废", en: "VOIDED" },
  Expired: { zh: "已过期", en: "EXPIRED" },
  ReviewOverdue: { zh: "年审逾期", en: "REVIEW OVERDUE" },
  Pending: { zh: "公示中", en: "IN PUBLIC NOTICE" },
  NotFound: { zh: "不存在", en: "NOT FOUND" },
};

export function watermarkOf(status: CertificateStatus): { zh: string; en: string } | null {
  return status === "Valid" ? null : WATERMARKS[status];
}

/** The warning above the sheet, in both languages whatever the screen's (it is about the paper). */
function statusWarning(status: CertificateStatus, mark: { zh: string; en: string }): { zh: string; en: string } {
  if (status === "Pending")
    return {
      zh: "本证书仍在公示期内，尚未生效：打印件带有“公示中”水印，公示期满后方可打印正式证书。",
      en: "This certificate is still in its public notice and not yet valid: the print carries an “in public notice” watermark; print it clean once the notice is over.",
    };
  return {
    zh: `本证书当前状态为“${mark.zh}”，不是有效证书：打印件带有“${mark.zh}”水印，不能作为有效证书使用。`,
    en: `This certificate is ${mark.en.toLowerCase()}, not valid: the print carries a “${mark.en}” watermark and must not be used as a valid certificate.`,
  };
}

/** What the paper can print and prove from a credential: its name, employer and the verify link carrying them. */
export interface PrintedIdentity {
  name: string;
  employer: string;
  /** the disclosure of PRINTED_FIELDS, as JSON */
  disclosure: string;
}

/** The printed fields of a v2 credential, or null (format /1, or a field missing). */
export function printedIdentity(credential: Credential): PrintedIdentity | null {
  if (credential.format !== "cqo-credential/2") return null;
  const value = (n: string) => credential.fields.find((f) => f.name === n)?.value;
  const name = value("name");
  const employer = value("employer.name");
  if (typeof name !== "string" || typeof employer !== "string") return null;
  const d = disclose(credential, PRINTED_FIELDS);
  return d.ok ? { name, employer, disclosure: JSON.stringify(d.value) } : null;
}

export default function PrintCertificate({ tokenId }: { tokenId: string }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const q = useQuery({
    queryKey: ["print", tokenId],
    queryFn: async () => {
      const v = await c.cqo.verifyCertificate(tokenId);
      return { v, body: await c.cqo.getBody(v.bodyId) };
    },
  });
  const [credential, setCredential] = useState<Credential | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    document.body.classList.add("printing");
    return () => document.body.classList.remove("printing");
  }, []);
  const root = q.data?.v.resultRoot;
  useEffect(() => {
    if (root) setCredential((held) => held ?? heldCredential(root));
  }, [root]);
  const identity = useMemo(() => (credential ? printedIdentity(credential) : null), [credential]);

  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <p role="status">{t("app.loading")}</p>;
  const { v, body } = q.data;

  const load = async (file: File) => {
    setProblem(null);
    const r = readCredential(await file.text());
    if (!r.ok) return setProblem(i18n.language === "en" ? r.problem.en : r.problem.zh);
    if (r.credential.root.toLowerCase() !== v.resultRoot.toLowerCase()) return setProblem(t("mine.credentialWrong", { id: tokenId }));
    keepCredential(r.credential);
    setCredential(r.credential);
  };

  const bodyName = body ? bodyNameFromMetadata(body.metadataURI) : null;
  const plainLink = verifyLink(v.tokenId);
  const qrLink = identity ? verifyLink(v.tokenId, base64UrlEncode(identity.disclosure)) : plainLink;
  const number = formatCertificateNumber(v.tokenId);
  // bilingual on paper, whatever the screen's language
  const date = (s: number) => `${formatDate(s, "zh")} · ${formatDate(s, "en")}`;
  const mark = watermarkOf(v.status);
  const warning = mark ? statusWarning(v.status, mark) : null;
  // a fragment: the sheet must be a direct child of <main> for the print stylesheet
  return (
    <>
      <div className="no-print stack">
        <p className="row wrap">
          <a href="#/mine">← {t("mine.heading")}</a>
          <button type="button" className="primary" onClick={() => window.print()}>
            {t("mine.printButton")}
          </button>
          <small>{t("mine.printPdfHint")}</small>
        </p>
        {mark && warning ? (
          <p className="notice error" role="alert" data-testid="print-status-warning" data-status={v.status}>
            <strong>⚠ {i18n.language === "en" ? warning.en : warning.zh}</strong>
          </p>
        ) : null}
        {!credential ? (
          <section className="card">
            <p>{t("mine.printNeedsCredential")}</p>
            <label htmlFor="print-credential-file">{t("mine.credentialFile")}</label>
            <input id="print-credential-file" type="file" accept="application/json,.json" onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void load(f); }} />
          </section>
        ) : null}
        {credential && !identity ? (
          <p className="notice info" data-testid="print-old-format">
            {t("mine.printOldFormat")}
          </p>
        ) : null}
        {identity ? (
          <p className="notice ok" data-testid="print-proves">
            {t("mine.printProves")}
          </p>
        ) : null}
        {problem ? (
          <p className="notice error" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
      <article className={mark ? "print-sheet visible watermarked" : "print-sheet visible"} aria-label={t("mine.printHeading")} data-proves={identity ? PRINTED_FIELDS.join(",") : ""} data-status={v.status}>
        {mark ? (
          <div className="status-watermark" aria-hidden="true" data-testid="print-watermark">
            <span className="wm-zh">{mark.zh}</span>
            <span className="wm-en">{mark.en}</span>
          </div>
        ) : null}
        <h1>首席质量官能力水平认定证书</h1>
        <p className="sub">Chief Quality Officer Capability Certificate</p>
        {identity ? (
          <>
            <p className="holder-name" data-testid="print-name">
              {identity.name}
            </p>
            <p className="holder-employer" data-testid="print-employer">
              {identity.employer}
            </p>
          </>
        ) : null}
        {mark ? (
          <p className="status-line" data-testid="print-status-line">
            状态 Status：{mark.zh} · {mark.en} — 非有效证书 Not a valid certificate
          </p>
        ) : null}
        <p className="level" data-testid="print-level">
          {LEVEL_ZH[v.level]} · {LEVEL_EN[v.level]}
        </p>
        <dl>
          <dt>证书编号 No.</dt>
          <dd className="mono" data-testid="print-number">
            {number}
          </dd>
          <dt>认定主体 Certifying body</dt>
          <dd>
            #{v.bodyId} {bodyName ?? ""}
          </dd>
          <dt>颁发 Issued</dt>
          <dd>{date(v.issuedAt)}</dd>
          <dt>生效 Valid from</dt>
          <dd>{date(v.validFrom)}</dd>
          <dt>有效期至 Valid until</dt>
          <dd>{date(v.validUntil)}</dd>
          <dt>持证钱包 Holder wallet</dt>
          <dd className="mono small">{v.holder}</dd>
        </dl>
        {/* a disclosure makes a dense code (about version 35): drawn large, for a phone's camera at arm's length */}
        <QrImage text={qrLink} alt={t("mine.qrAlt", { id: v.tokenId.toString() })} size={identity ? 640 : 300} className={identity ? "qr proof-qr" : "qr"} />
        <p>{identity ? "扫码核验姓名、单位与等级 · Scan to verify name, employer and level" : "扫码核验 · Scan to verify"}</p>
        <p className="mono break" style={{ fontSize: "9pt" }}>
          {plainLink}
        </p>
        <p className="note">本证书的状态以区块链上的记录为准，请扫码查询实时状态。 The blockchain record is authoritative: scan the code for the live status.</p>
      </article>
    </>
  );
}
