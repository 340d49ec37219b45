/** The printable certificate (A4, print stylesheet): what a CQO frames and a verifier scans. */
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { QrImage } from "../components/QrImage";
import { bodyNameFromMetadata, formatDate } from "../lib/format";
import { verifyLink } from "../lib/links";
import { useChainish } from "./context";

const LEVEL_ZH = ["", "一级", "二级", "三级", "四级", "五级", "六级", "七级", "八级"];
const LEVEL_EN = ["", "Level I", "Level II", "Level III", "Level IV", "Level V", "Level VI", "Level VII", "Level VIII"];

export default function PrintCertificate({ tokenId }: { tokenId: string }) {
  const { t } = useTranslation();
  const c = useChainish();
  const q = useQuery({
    queryKey: ["print", tokenId],
    queryFn: async () => {
      const v = await c.cqo.verifyCertificate(tokenId);
      return { v, body: await c.cqo.getBody(v.bodyId) };
    },
  });
  useEffect(() => {
    document.body.classList.add("printing");
    return () => document.body.classList.remove("printing");
  }, []);
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <p role="status">{t("app.loading")}</p>;
  const { v, body } = q.data;
  const bodyName = body ? bodyNameFromMetadata(body.metadataURI) : null;
  const link = verifyLink(v.tokenId);
  // bilingual on paper, whatever the screen's language
  const date = (s: number) => `${formatDate(s, "zh")} · ${formatDate(s, "en")}`;
  // a fragment: the sheet must be a direct child of <main> for the print stylesheet
  return (
    <>
      <div className="no-print row wrap">
        <a href="#/mine">← {t("mine.heading")}</a>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t("mine.printButton")}
        </button>
      </div>
      <article className="print-sheet visible" aria-label={t("mine.printHeading")}>
        <h1>首席质量官能力水平认定证书</h1>
        <p className="sub">Chief Quality Officer Capability Certificate</p>
        <p className="level">
          {LEVEL_ZH[v.level]} · {LEVEL_EN[v.level]}
        </p>
        <dl>
          <dt>证书编号 No.</dt>
          <dd>{v.tokenId.toString()}</dd>
          <dt>持证钱包 Holder</dt>
          <dd>{v.holder}</dd>
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
          <dt>评价方案 Rulebook</dt>
          <dd>
            #{v.rulebookId} <code>{v.rulebookHash.slice(0, 18)}…</code>
          </dd>
        </dl>
        <QrImage text={link} alt={t("mine.qrAlt", { id: v.tokenId.toString() })} size={260} />
        <p>扫码核验 · Scan to verify</p>
        <p className="mono break" style={{ fontSize: "9pt" }}>
          {link}
        </p>
        <p className="note">本证书的状态以区块链上的记录为准，请扫码查询实时状态。 The blockchain record is authoritative: scan the code for the live status.</p>
      </article>
    </>
  );
}
