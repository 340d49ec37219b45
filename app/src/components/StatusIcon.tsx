/** Status icons as inline SVG (no emoji font needed), always beside words, never alone. */
import type { CertificateStatus } from "../../../sdk/types";
import { STATUS_ICON_PATHS } from "../lib/statusIcons";

const PATHS = STATUS_ICON_PATHS;

export function StatusIcon({ status, size = 40 }: { status: CertificateStatus; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[status]} />
    </svg>
  );
}
