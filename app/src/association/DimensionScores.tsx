/**
 * 抽查所得的得分分布 (issue #13): per body, the distribution of each dimension's points (意识, 诚信, 知识, 能力, 业绩,
 * named as the evaluation names them) and of the total, over the certificates whose audit answers were checked
 * consistent against their on-chain roots (dimensionStats.ts); each body's mean shares beside the other audited
 * bodies', and the bodies the score rule suggests for a further audit. Charts drawn with the page's chart.js
 * chunk (OversightChart.tsx); the tables beside them carry the same figures as text.
 */
import { useMemo } from "react";
import { ScrollRegion } from "../components/ScrollRegion";
import { BINS, MIN_VERIFIED, SCORE_GAP, SCORE_SDS, scoreFlags, scoresByBody, TOTAL, type MetricSummary, type VerifiedScores } from "./dimensionStats";
import { OutlierFlags } from "./OutlierFlags";
import { OversightChart } from "./OversightChart";
import { useSupervisionText } from "./supervisionText";

const PALETTE = ["#0b3d73", "#bc4c00", "#1a7f37", "#8250df", "#9a6700", "#cf222e", "#3b78c2", "#24292f"];

/** tenths of a point as points: "85" or "22.5" */
const points = (tenths: number) => {
  const x = tenths / 10;
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
};
const share = (x: number) => `${(x * 100).toFixed(1)}%`;

function binLabels(m: MetricSummary): string[] {
  return Array.from({ length: BINS }, (_, i) =>
    m.scaleMax !== null ? `${points((m.scaleMax * i) / BINS)}–${points((m.scaleMax * (i + 1)) / BINS)}` : `${(100 * i) / BINS}–${(100 * (i + 1)) / BINS}%`,
  );
}

export function DimensionScores({
  verified,
  certificatesOf,
  allCertificates,
  nameOf,
  lang,
}: {
  verified: readonly VerifiedScores[];
  certificatesOf: (bodyId: number) => number;
  allCertificates: number;
  nameOf: (bodyId: number) => string;
  lang: string;
}) {
  const T = useSupervisionText();
  const bodies = useMemo(() => scoresByBody(verified), [verified]);
  const flags = useMemo(() => scoreFlags(bodies), [bodies]);
  const metrics = [...new Set(bodies.flatMap((b) => b.metrics.map((m) => m.metric)))];
  const n = bodies.reduce((a, b) => a + b.n, 0);
  const metricName = (metric: string) => {
    if (metric === TOTAL) return T.totalName;
    const name = verified.find((v) => v.names[metric])?.names[metric];
    return name ? (lang === "en" ? name.en : name.zh) : metric;
  };
  const flagged = (bodyId: number, metric: string) => flags.some((f) => f.bodyId === bodyId && f.metric === metric);
  const comparable = metrics.some((m) => bodies.filter((b) => (b.metrics.find((x) => x.metric === m)?.n ?? 0) >= MIN_VERIFIED).length >= 3);

  return (
    <section className="card" aria-labelledby="scores-heading" data-testid="ds-section">
      <h3 id="scores-heading">{T.scoresHeading}</h3>
      <p className="notice info" data-testid="ds-basis" data-n={n} data-of={allCertificates}>
        {T.scoresBasis(n, allCertificates)}
      </p>
      <p className="muted">{T.scoresKept}</p>
      {bodies.length === 0 ? (
        <p data-testid="ds-none">{T.scoresNone}</p>
      ) : (
        <>
          <h4>{T.compare}</h4>
          <ScrollRegion label={T.compare}>
            <table className="list" data-testid="ds-compare">
              <thead>
                <tr>
                  <th scope="col">{T.body}</th>
                  <th scope="col">{T.n}</th>
                  {metrics.map((m) => (
                    <th scope="col" key={m} title={m}>
                      {metricName(m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {bodies.map((b) => (
                  <tr key={b.bodyId} data-body={b.bodyId}>
                    <th scope="row">{nameOf(b.bodyId)}</th>
                    <td data-testid={`ds-compare-${b.bodyId}-n`}>{`${b.n} / ${certificatesOf(b.bodyId)}`}</td>
                    {metrics.map((m) => {
                      const s = b.metrics.find((x) => x.metric === m);
                      const f = flagged(b.bodyId, m);
                      return (
                        <td key={m} data-testid={`ds-compare-${b.bodyId}-${m}`} data-flagged={f}>
                          {s ? share(s.meanShare) : "—"}
                          {f ? <strong className="badge bad">{` ⚑ ${T.flagged}`}</strong> : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <div className="oversight-charts">
            <OversightChart
              id="ds-chart-compare"
              title={T.compareChart}
              labels={metrics.map(metricName)}
              series={bodies.map((b, i) => ({
                label: `#${b.bodyId}`,
                values: metrics.map((m) => {
                  const s = b.metrics.find((x) => x.metric === m);
                  return s ? Math.round(s.meanShare * 1000) / 10 : 0;
                }),
                color: PALETTE[i % PALETTE.length]!,
              }))}
              axes={{ stacked: false, yMax: 100, yTitle: T.shareAxis }}
            />
          </div>
          <OutlierFlags
            testId="ds-flags"
            rule={T.scoreRule(MIN_VERIFIED, SCORE_SDS, SCORE_GAP * 100)}
            comparable={comparable}
            tooFew={T.scoreTooFew(MIN_VERIFIED)}
            noFlags={T.scoreNoFlags}
            flags={flags.map((f) => ({ bodyId: f.bodyId, metric: f.metric, line: T.scoreFlagLine(nameOf(f.bodyId), metricName(f.metric), share(f.value), share(f.othersMean), share(f.threshold)) }))}
          />

          {bodies.map((b) => (
            <div key={b.bodyId} data-testid={`ds-body-${b.bodyId}`} data-n={b.n}>
              <h4>{T.scoresBody(nameOf(b.bodyId), b.n, certificatesOf(b.bodyId))}</h4>
              <ScrollRegion label={nameOf(b.bodyId)}>
                <table className="list" data-testid={`ds-${b.bodyId}-table`}>
                  <thead>
                    <tr>
                      <th scope="col">{T.metric}</th>
                      <th scope="col">{T.n}</th>
                      <th scope="col">{T.meanPoints}</th>
                      <th scope="col">{T.meanShare}</th>
                      <th scope="col">{T.range}</th>
                      <th scope="col">{T.maxPoints}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.metrics.map((m) => (
                      <tr key={m.metric} data-metric={m.metric}>
                        <th scope="row" title={m.metric}>
                          {metricName(m.metric)}
                        </th>
                        <td data-testid={`ds-${b.bodyId}-${m.metric}-n`}>{m.n}</td>
                        <td data-testid={`ds-${b.bodyId}-${m.metric}-mean`}>{points(m.mean)}</td>
                        <td data-testid={`ds-${b.bodyId}-${m.metric}-share`}>{share(m.meanShare)}</td>
                        <td>{`${points(m.min)} – ${points(m.median)} – ${points(m.max)}`}</td>
                        <td>{m.scaleMax !== null ? points(m.scaleMax) : T.variesMax}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollRegion>
              <div className="oversight-charts">
                {b.metrics.map((m, i) => (
                  <OversightChart
                    key={m.metric}
                    id={`ds-chart-${b.bodyId}-${m.metric}`}
                    title={T.histogram(metricName(m.metric), `#${b.bodyId}`)}
                    labels={binLabels(m)}
                    series={[{ label: T.countAxis, values: m.bins, color: PALETTE[i % PALETTE.length]! }]}
                    axes={{ stacked: false, legend: false, xTitle: T.binAxis, yTitle: T.countAxis }}
                  />
                ))}
              </div>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
