/** `cqo verify TOKEN_ID|ADDRESS`: the verdict, straight from the contract, and the history from its events. */
import type { Command } from "commander";
import {
  CERTIFICATE_STATUS_ZH,
  REVIEW_RESULT_ZH,
  REVOCATION_REASON_ZH,
  type CertificateVerification,
  type CqoClient,
  type HistoryEntry,
} from "../../../sdk";
import { EXIT } from "../io";
import { ChainCliError, chainAction, chainOptions, clientFor, emit, isoDate, isoTime, say, type ChainOptions } from "./chain-context";

/** The supervisor's acts are marked on the actor line; a suspension also says whose it is (each side lifts only its own). */
const SUPERVISOR_MARK = " (监督 supervisor)";
const side = (h: HistoryEntry): string => (h.bySupervisor ? " by the supervisor 监督管理" : h.bySupervisor === false ? " by the body 认定主体" : "");

function describe(h: HistoryEntry): string {
  switch (h.kind) {
    case "issued":
      return `issued 颁发: level ${h.level}, body ${h.bodyId}, rulebook #${h.rulebookId}, valid until ${isoDate(h.validUntil)}`;
    case "suspended":
      return `suspended 暂停${side(h)} (evidence ${h.evidenceHash})`;
    case "reinstated":
      return `reinstated 恢复${side(h)}`;
    case "objection-filed":
      return `objection filed 异议 by ${h.filer}`;
    case "objection-resolved":
      return `objection ${h.upheld ? "upheld 异议成立" : "dismissed 异议驳回"}`;
    case "renewed":
      return `renewed 续期: valid ${isoDate(h.validFrom)} → ${isoDate(h.validUntil)} (rulebook #${h.rulebookId}, root ${h.resultRoot})`;
    case "reissued-from":
      return `re-issued from #${h.from} 补发自`;
    case "reissued-to":
      return `re-issued as #${h.to} to ${h.newHolder} 已补发`;
    case "revoked":
      return `revoked 撤销: ${h.reason} ${REVOCATION_REASON_ZH[h.reason]}`;
    case "voided":
      return `voided 作废: the supervisor voided body certificates evaluated before ${isoDate(h.voidedBefore)}`;
    case "void-lifted":
      return "void lifted 作废撤回";
    case "reviewed":
      return `annual review 年审: ${h.result} ${REVIEW_RESULT_ZH[h.result]}${h.nextReviewDue ? `, next due ${isoDate(h.nextReviewDue)}` : ""}`;
  }
}

/** Who holds the certificate suspended: a body's suspension and the supervisor's are separate (each lifts its own). */
function suspension(v: CertificateVerification): string | null {
  const by = [v.suspendedByBody ? "the body 认定主体" : null, v.suspendedBySupervisor ? "the supervisor 监督管理" : null].filter(Boolean);
  return by.length ? `suspended by ${by.join(" and ")}` : null;
}

function printCertificate(v: CertificateVerification, history: HistoryEntry[] | null): void {
  say(`\n证书 Certificate #${v.tokenId}: ${v.valid ? "✓" : "✗"} ${CERTIFICATE_STATUS_ZH[v.status]} ${v.status}`);
  if (v.status === "NotFound") return;
  if (v.revocationReason) say(`  reason      ${v.revocationReason} ${REVOCATION_REASON_ZH[v.revocationReason]}`);
  const suspended = suspension(v);
  if (suspended) say(`  suspension  ${suspended} (暂停)`);
  if (v.underObjection) say("  objection   filed, not yet resolved (异议处理中)");
  if (v.status === "ReviewOverdue")
    say(`  review      overdue since ${isoDate(v.nextReviewDue)} (+ grace): not valid until the body records it (年审逾期，年审记录前无效)`);
  else if (v.nextReviewDue) say(`  review      next annual review due ${isoDate(v.nextReviewDue)} (下次年审), ${v.reviewsPassed} passed`);
  say(`  holder      ${v.holder}`);
  say(`  level       ${v.level} (1 = 一级, highest)`);
  say(`  body        ${v.bodyId} (${v.bodyAccredited ? "accredited now" : "NOT accredited now"})`);
  say(`  issued      ${isoDate(v.issuedAt)}   valid ${isoDate(v.validFrom)} → ${isoDate(v.validUntil)}`);
  if (v.evaluatedAt !== v.issuedAt) say(`  evaluated   ${isoDate(v.evaluatedAt)} (the current result: a renewal)`);
  say(`  rulebook    #${v.rulebookId} ${v.rulebookHash}`);
  say(`  resultRoot  ${v.resultRoot}`);
  if (v.predecessor) say(`  re-issued from #${v.predecessor}`);
  if (v.successor) say(`  re-issued as #${v.successor}`);
  if (history) {
    say("  history 历史:");
    for (const h of history) {
      say(`    ${isoTime(h.timestamp)}  block ${h.blockNumber}  ${describe(h)}\n      by ${h.actor}${h.bySupervisor ? SUPERVISOR_MARK : ""}  tx ${h.txHash}`);
    }
  }
}

async function withHistory(cqo: CqoClient, v: CertificateVerification, history: boolean) {
  return { verification: v, history: history && v.status !== "NotFound" ? await cqo.certificateHistory(v.tokenId) : null };
}

export function register(program: Command): void {
  chainOptions(
    program
      .command("verify")
      .argument("<query>", "a certificate number (decimal, spaces allowed as printed: \"1593 8900 6356\"; or 0x-hex) or a wallet address")
      .option("--no-history", "skip the history from events")
      .description("verify a certificate or a wallet's certificates (验证); exit 0 when valid"),
    { signs: false },
  ).action(
    chainAction(async (query: string, opts: ChainOptions & { history: boolean }) => {
      const cqo = await clientFor(opts, { signs: false });
      let results: { verification: CertificateVerification; history: HistoryEntry[] | null }[];
      let wallet: string | null = null;
      // a number as printed on the paper, grouped for reading aloud ("1593 8900 6356 7573 5616"): the spaces go
      query = /^[\d\s]+$/.test(query) ? query.replace(/\s+/g, "") : query.trim();
      if (/^0x[0-9a-fA-F]{40}$/.test(query)) {
        wallet = query;
        const all = await cqo.certificatesOf(query);
        results = await Promise.all(all.map((v) => withHistory(cqo, v, opts.history)));
      } else if (/^(\d+|0x[0-9a-fA-F]{1,16})$/.test(query)) {
        results = [await withHistory(cqo, await cqo.verifyCertificate(query), opts.history)];
      } else {
        throw new ChainCliError(`"${query}" is neither a certificate number nor a wallet address`, EXIT.INVALID, "既不是证书编号也不是钱包地址");
      }
      const valid = results.some((r) => r.verification.valid);
      emit(opts, { ok: true, valid, wallet, certificates: results }, () => {
        if (wallet) say(`wallet ${wallet}: ${results.length} certificate(s), ${valid ? "holds a valid one 持有有效证书" : "none valid 无有效证书"}`);
        for (const r of results) printCertificate(r.verification, r.history);
      });
      process.exitCode = valid ? EXIT.OK : EXIT.INVALID;
    }),
  );
}
