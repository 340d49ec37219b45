/**
 * 监督 (issue #13): the association's oversight of the certifying bodies, computed in the browser from the chain's
 * events and the certificates' current views (supervisionData.ts → supervisionStats.ts): per body, certificates by
 * level and status, issuances, renewals, re-issues, revocations, overdue reviews, objections filed and upheld,
 * voids; two charts (chart.js, loaded with this page only); the bodies the outlier rule suggests for a sampling
 * audit; the audit itself (SamplingAudit.tsx); and the score distributions by dimension of the answers the audit
 * verified (DimensionScores.tsx), kept in this page's memory only, for every body audited while it is open.
 */
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CertificateStatus } from "../../../sdk/types";
import { ErrorBox } from "../components/ErrorBox";
import { bodyNameFromMetadata, levelLabel } from "../lib/format";
import "./association.css";
import { OutlierFlags } from "./OutlierFlags";
import { OversightChart } from "./OversightChart";
import type { AuditCheck } from "./auditCheck";
import { DimensionScores } from "./DimensionScores";
import { verifiedScoresOf, type VerifiedScores } from "./dimensionStats";
import { SamplingAudit } from "./SamplingAudit";
import { auditFlags, comparable, LEVELS, MIN_CERTIFICATES, OUTLIER_SDS, oversightOf, type BodyOversight, type Metric } from "./supervisionStats";
import { useSupervisionText } from "./supervisionText";
import { useOversightFacts } from "./useOversight";
import { ScrollRegion } from "../components/ScrollRegion";

const STATUSES: readonly CertificateStatus[] = ["Valid", "Pending", "Suspended", "ReviewOverdue", "Expired", "Revoked", "Voided"];
const STATUS_COLORS: Record<string, string> = {
  Valid: "#1a7f37",
  Pending: "#9a6700",
  Suspended: "#bc4c00",
  ReviewOverdue: "#8250df",
  Expired: "#6e7781",
  Revoked: "#cf222e",
  Voided: "#24292f",
};
const LEVEL_COLORS = ["#0b3d73", "#3b78c2", "#9cc3ec"];

const COUNTS: readonly (keyof BodyOversight)[] = ["issued", "renewed", "reissued", "revoked", "reviewOverdue", "reviewsFailed", "objectionsFiled", "objectionsUpheld", "voids", "voided"];

export default function Supervision() {
  const T = useSupervisionText();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const facts = useOversightFacts();
  const data = facts.data;
  const stats = useMemo(() => (data ? oversightOf(data.bodies.map((b) => b.bodyId), data.certificates, data.events) : []), [data]);
  const flags = useMemo(() => auditFlags(stats), [stats]);
  // certificate number → its verified scores (the latest check of its answer decides: inconsistent drops it)
  const [verified, setVerified] = useState<Record<string, VerifiedScores>>({});
  const onChecked = useCallback((bodyId: number, tokenId: string, check: AuditCheck) => {
    const scores = verifiedScoresOf(tokenId, bodyId, check);
    setVerified((v) => {
      const { [tokenId]: _previous, ...rest } = v;
      return scores ? { ...rest, [tokenId]: scores } : rest;
    });
  }, []);
  const verifiedList = useMemo(() => Object.values(verified), [verified]);
  if (facts.error) return <ErrorBox error={facts.error} onRetry={() => void facts.refetch()} />;
  if (!data) return <p role="status">{T.loading}</p>;
  const nameOf = (bodyId: number) => {
    const b = data.bodies.find((x) => x.bodyId === bodyId);
    return `#${bodyId} ${(b && bodyNameFromMetadata(b.metadataURI)) ?? ""}`.trim();
  };
  const percent = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
  const fixed = (x: number | null) => (x === null ? "—" : x.toFixed(2));
  const metricName: Record<Metric, string> = { levelIShare: T.levelIShare, meanLevel: T.meanLevel };
  const metricValue = (m: Metric, v: number) => (m === "levelIShare" ? percent(v) : fixed(v));
  // the charts name bodies by number (the table beside them has the names): long names crowd a phone's axis
  const labels = stats.map((s) => `#${s.bodyId}`);
  return (
    <section aria-labelledby="supervision-heading" className="supervision">
      <h2 id="supervision-heading">{T.heading}</h2>
      <p>
        {T.intro} <span className="muted" data-testid="sv-block">{T.atBlock(data.block.toString())}</span>
      </p>
      <p className="notice info" data-testid="sv-no-dimensions">
        {T.noDimensions}
      </p>

      <h3>{T.perBody}</h3>
      <ScrollRegion label={T.perBody}>
        <table className="list figures" data-testid="sv-table">
          <thead>
            <tr>
              <th scope="col">{T.body}</th>
              <th scope="col">{T.certificates}</th>
              {LEVELS.map((l) => (
                <th scope="col" key={l}>
                  {T.level(levelLabel(l, lang))}
                </th>
              ))}
              <th scope="col">{T.levelIShare}</th>
              <th scope="col">{T.meanLevel}</th>
              <th scope="col">{T.noticeHeldRate}</th>
              {COUNTS.map((k) => (
                <th scope="col" key={k}>
                  {T[k as keyof typeof T] as string}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr key={s.bodyId} data-body={s.bodyId}>
                <th scope="row">{nameOf(s.bodyId)}</th>
                <td data-testid={`sv-${s.bodyId}-certificates`}>{s.certificates}</td>
                {LEVELS.map((l) => (
                  <td key={l} data-testid={`sv-${s.bodyId}-level-${l}`}>
                    {s.byLevel[l] ?? 0}
                  </td>
                ))}
                <td data-testid={`sv-${s.bodyId}-levelIShare`}>{percent(s.levelIShare)}</td>
                <td>{fixed(s.meanLevel)}</td>
                <td data-testid={`sv-${s.bodyId}-noticeHeldRate`}>{percent(s.noticeHeldRate)}</td>
                {COUNTS.map((k) => (
                  <td key={k} data-testid={`sv-${s.bodyId}-${k}`}>
                    {String(s[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="muted" data-testid="sv-approval-note">
        {T.approvalNote}
      </p>

      <h3>{T.byStatus}</h3>
      <ScrollRegion label={T.byStatus}>
        <table className="list" data-testid="sv-status-table">
          <thead>
            <tr>
              <th scope="col">{T.body}</th>
              {STATUSES.map((st) => (
                <th scope="col" key={st}>
                  {t(`verdict.${st}.title`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr key={s.bodyId}>
                <th scope="row">{nameOf(s.bodyId)}</th>
                {STATUSES.map((st) => (
                  <td key={st} data-testid={`sv-${s.bodyId}-status-${st}`}>
                    {s.byStatus[st] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>

      <div className="oversight-charts">
        <OversightChart
          id="sv-chart-levels"
          title={T.chartLevels}
          labels={labels}
          series={LEVELS.map((l, i) => ({ label: levelLabel(l, lang), values: stats.map((s) => s.byLevel[l] ?? 0), color: LEVEL_COLORS[i]! }))}
        />
        <OversightChart
          id="sv-chart-statuses"
          title={T.chartStatuses}
          labels={labels}
          series={STATUSES.map((st) => ({ label: t(`verdict.${st}.title`), values: stats.map((s) => s.byStatus[st] ?? 0), color: STATUS_COLORS[st]! }))}
        />
      </div>
      <p className="muted">{T.chartNote}</p>

      <h3>{T.flags}</h3>
      <OutlierFlags
        testId="sv-flags"
        rule={T.flagRule(OUTLIER_SDS, MIN_CERTIFICATES)}
        comparable={comparable(stats)}
        tooFew={T.tooFew(MIN_CERTIFICATES)}
        noFlags={T.noFlags}
        flags={flags.map((f) => ({ bodyId: f.bodyId, metric: f.metric, line: T.flagLine(nameOf(f.bodyId), metricName[f.metric], metricValue(f.metric, f.value), metricValue(f.metric, f.othersMean), f.deviations.toFixed(1)) }))}
      />

      <SamplingAudit facts={data} nameOf={nameOf} suggested={flags.map((f) => f.bodyId)} onChecked={onChecked} />
      <DimensionScores
        verified={verifiedList}
        certificatesOf={(bodyId) => stats.find((s) => s.bodyId === bodyId)?.certificates ?? 0}
        allCertificates={stats.reduce((a, s) => a + s.certificates, 0)}
        nameOf={nameOf}
        lang={lang}
      />
    </section>
  );
}
