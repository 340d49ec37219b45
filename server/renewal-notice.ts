/**
 * A renewal's public notice (复评公示, issue #13). `renewCertificate` puts the new result through the body's notice
 * on chain (its `validFrom` = renewal + noticePeriod; open to objections until then) while the result it replaces
 * stays in force, so the certificate reads Valid and its dossier stays `issued` in the workbench: `validFrom`
 * against the chain's clock, not a status or the dossier's state, says whether the notice runs.
 *
 * The list (GET /notices, public) reads the notice's end the renewal recorded from its event (lifecycle.ts), with
 * one read of the chain's clock per request; an objection (POST /objections) asks the chain itself, the judge.
 */
import type { CqoClient } from "../sdk";
import { chainNow } from "./chain-calls";
import type { Db } from "./db";
import { renewalsInNotice, type NoticeRow } from "./store/notices";

/** Whether the certificate's current result is still in its notice: not revoked, its validFrom ahead of the chain's clock. */
export async function renewalNoticeRunning(chain: CqoClient, tokenId: string): Promise<boolean> {
  const [v, now] = await Promise.all([chain.verifyCertificate(tokenId), chainNow({ chain })]);
  return v.status !== "Revoked" && v.status !== "NotFound" && v.validFrom > now;
}

/** The renewed certificates whose notice runs now, the one that ends sooner first. */
export async function renewalNotices(db: Db, chain: CqoClient, limit: number): Promise<NoticeRow[]> {
  return renewalsInNotice(db, await chainNow({ chain }), limit);
}
