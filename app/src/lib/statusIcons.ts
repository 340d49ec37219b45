/** The status icons' SVG paths, shared by components/StatusIcon and the verdict painted before the app (verify/early.ts). */
import type { CertificateStatus } from "../../../sdk/types";

/** Keyed by every status the app can meet: the sdk's, and ReviewOverdue (7) before every sdk has it. */
export const STATUS_ICON_PATHS: Record<CertificateStatus | "ReviewOverdue", string> = {
  Valid: "M5 12.5l4.5 4.5L19 7.5",
  Pending: "M12 6v6l4 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
  Suspended: "M9 6v12M15 6v12",
  Revoked: "M6 6l12 12M18 6L6 18",
  Expired: "M7 3h10M7 21h10M8 3c0 5 8 6 8 9s-8 4-8 9M16 3c0 5-8 6-8 9",
  Voided: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8",
  // a calendar with a clock hand: the annual review (年审) is overdue
  ReviewOverdue: "M4 6h16v14H4zM4 10h16M8 3v4M16 3v4M12 13v3l2 1",
  NotFound: "M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.5",
};
