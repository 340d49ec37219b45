/**
 * The bodies flagged for a sampling audit, as the supervision page lists them: the rule in words first, then why
 * nothing is flagged (too few to compare, or none far from the others) or one line per flag. Used for the
 * certificate statistics (Supervision.tsx) and the score distributions (DimensionScores.tsx), whose rules differ.
 */
import type { ReactNode } from "react";

export interface OutlierFlag {
  bodyId: number;
  metric: string;
  /** the flag in words: the body, the measure, its value, the others' mean and the threshold */
  line: ReactNode;
}

export function OutlierFlags({ testId, rule, comparable, tooFew, noFlags, flags }: { testId: string; rule: ReactNode; comparable: boolean; tooFew: ReactNode; noFlags: ReactNode; flags: readonly OutlierFlag[] }) {
  return (
    <>
      <p className="muted">{rule}</p>
      {!comparable ? (
        <p data-testid={`${testId}-none`}>{tooFew}</p>
      ) : flags.length === 0 ? (
        <p data-testid={`${testId}-none`}>{noFlags}</p>
      ) : (
        <ul data-testid={testId}>
          {flags.map((f) => (
            <li key={`${f.bodyId}-${f.metric}`} data-body={f.bodyId} data-metric={f.metric}>
              {f.line}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
