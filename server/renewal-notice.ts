/**
 * A new result's public notice after the first one (issue #13): a renewal's (复评公示) and a re-issue's (补发公示).
 * - `renewCertificate` puts the new result through the body's notice on chain (its `validFrom` = renewal +
 *   noticePeriod; open to objections until then) while the result it replaces stays in force, so the certificate
 *   reads Valid and its dossier stays `issued` (or `suspended`) in the workbench.
 * - `reissueCertificate` gives the new number its own notice (the contract's F2): the same result, now held by a new
 *   wallet, open to objections until its `validFrom`, while the dossier is `issued` with the new number.
 * In both, `validFrom` against the chain's clock, not a status or the dossier's state, says whether the notice runs.
 *
 * The list (GET /notices, public) reads the notice's end each renewal and re-issue recorded (lifecycle.ts: from
 * the CertificateRenewed event, or the new number's view after a re-issue), with one read of the chain's clock per
 * request; an objection (POST /objections) asks the chain itself, the judge.
 */
import type { CqoClient } from "../sdk";
import { chainNow } from "./chain-calls";
import type { Db } from "./db";
import type { MinedFacts } from "./lifecycle";
import { laterNoticesRunning, type NoticeRow } from "./store/notices";

/**
 * The certificate's current result as the public's objections see it, from the chain: `inNotice` (not revoked, its
 * validFrom ahead of the chain's clock: objections are taken) and `underObjection` (one waits, perhaps filed
 * straight to the contract).
 */
export async function noticeOnChain(chain: CqoClient, tokenId: string): Promise<{ inNotice: boolean; underObjection: boolean }> {
  const [v, now] = await Promise.all([chain.verifyCertificate(tokenId), chainNow({ chain })]);
  const standing = v.status !== "Revoked" && v.status !== "NotFound";
  return { inNotice: standing && v.validFrom > now, underObjection: standing && v.underObjection };
}

/**
 * What a mined re-issue records: the end of the new number's own notice, read from the chain (the
 * CertificateReissued event does not carry it). Unreadable now (the RPC gone): nothing, and the notice is not
 * listed; POST /objections still asks the chain, so objections are not lost with it.
 */
export async function reissueFacts(chain: CqoClient, newTokenId: bigint | string): Promise<MinedFacts> {
  try {
    const v = await chain.verifyCertificate(newTokenId.toString());
    return v.status === "NotFound" ? {} : { validFrom: v.validFrom };
  } catch {
    return {};
  }
}

/** The renewed and re-issued certificates whose new result's notice runs now, the one that ends sooner first. */
export async function laterNotices(db: Db, chain: CqoClient, limit: number): Promise<NoticeRow[]> {
  return laterNoticesRunning(db, await chainNow({ chain }), limit);
}
