/**
 * A renewal's public notice (复评公示, issue #13). `renewCertificate` puts the new result through the body's notice
 * on chain (its `validFrom` = renewal + noticePeriod; open to objections until then) while the result it replaces
 * stays in force, so the certificate reads Valid and its dossier stays `issued` in the workbench: the chain's
 * `validFrom` against the chain's clock, not a status or the dossier's state, says whether the notice runs. These
 * reads ask it, for the few certificates renewed within one notice period (store/notices.ts).
 */
import type { CqoClient } from "../sdk";
import { chainNow } from "./chain-calls";
import type { Db } from "./db";
import { renewalNoticeCandidates, type NoticeRow } from "./store/notices";

const DAY_MS = 86_400_000;

/** Whether the certificate's current result is still in its notice: not revoked, its validFrom ahead of the chain's clock. */
export async function renewalNoticeRunning(chain: CqoClient, tokenId: string, now?: number): Promise<boolean> {
  const [v, t] = await Promise.all([chain.verifyCertificate(tokenId), now ?? chainNow({ chain })]);
  return v.status !== "Revoked" && v.status !== "NotFound" && v.validFrom > t;
}

/**
 * The renewed certificates whose notice runs now, oldest renewal first. `nowMs` is the wall clock of the audit
 * log; the window is the body's notice period plus a day of slack, so a clock a little off loses none.
 */
export async function renewalNotices(db: Db, chain: CqoClient, bodyId: number, nowMs: number, limit: number): Promise<NoticeRow[]> {
  const body = await chain.getBody(bodyId);
  if (!body) return [];
  const candidates = renewalNoticeCandidates(db, nowMs - body.noticePeriod * 1000 - DAY_MS, limit);
  const now = await chainNow({ chain });
  const running = await Promise.all(candidates.map((c) => renewalNoticeRunning(chain, c.token_id, now)));
  return candidates.filter((_, i) => running[i]);
}
