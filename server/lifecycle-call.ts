/**
 * A lifecycle transaction as a route sends it: an intent row first, then the transaction, then its effect and the
 * intent settled in one SQLite transaction. A crash in between leaves the intent pending for syncFromChain
 * (server/lifecycle.ts). Earlier pending intents of the dossier are settled from chain state first, so a retry
 * never doubles a record.
 */
import { parseEventLogs } from "viem";
import { cqoCertificateAbi, type CqoClient, type SentTransaction } from "../sdk";
import { onChain, requireSigner } from "./chain-calls";
import { isRefusal } from "./chain-refusals";
import type { Ctx } from "./context";
import { durable } from "./db";
import { assertNotErased } from "./erasure";
import { conflict } from "./errors";
import { settleIntents } from "./chain-sync";
import { reissueFacts } from "./renewal-notice";
import { applyIntent, openIntent, pendingIntents, settleIntent, type IntentParams, type MinedFacts } from "./lifecycle";
import { getDossier, type DossierRow } from "./store/dossiers";
import type { Actor } from "./workflow";

export async function runLifecycle(ctx: Ctx, d: DossierRow, actor: Actor, params: IntentParams, send: (chain: CqoClient) => Promise<SentTransaction>): Promise<SentTransaction> {
  const chain = requireSigner(ctx);
  assertNotErased(ctx.db, d.id);
  // One lifecycle call per dossier at a time. Without this, a second call would take the first one's pending
  // intent (not mined yet) for a crash's leftover, settle it as not applied, and the audit log would contradict
  // the chain. A pending intent seen while no call is in flight is a real leftover (a crash): settled first.
  if (ctx.inFlight.has(d.id)) {
    throw conflict("dossier-busy", { zh: "该申报正在执行另一项上链操作，请等待其完成后再试", en: "another on-chain action on this dossier is in flight: wait for it and retry" });
  }
  ctx.inFlight.add(d.id);
  try {
    return await runExclusive(ctx, chain, d, actor, params, send);
  } finally {
    ctx.inFlight.delete(d.id);
  }
}

async function runExclusive(ctx: Ctx, chain: CqoClient, d: DossierRow, actor: Actor, params: IntentParams, send: (chain: CqoClient) => Promise<SentTransaction>): Promise<SentTransaction> {
  const { db } = ctx;
  // the route read the dossier before it held the dossier: an earlier call may have moved it since
  const current = getDossier(db, d.id)!;
  if (current.state !== d.state || current.token_id !== d.token_id) {
    throw conflict("dossier-changed", { zh: "该申报已被另一操作更新，请刷新后重试", en: "the dossier was changed by another action: reload and retry" }, { state: current.state });
  }
  const stale = pendingIntents(db).filter((i) => i.dossierId === d.id);
  if (stale.length) {
    await onChain(() => settleIntents(db, chain, ctx.syncActor, ctx.config.bodyId, stale));
    const now = getDossier(db, d.id)!;
    if (now.state !== d.state || now.token_id !== d.token_id) {
      throw conflict("resynced", { zh: "链上已有更新，已同步，请刷新后重试", en: "the chain had moved on; the dossier was re-synced: reload and retry" }, { state: now.state });
    }
    // an earlier call's transaction may still be mined (the body's key has transactions not mined yet): no second one
    if (pendingIntents(db).some((i) => i.dossierId === d.id)) {
      throw conflict("chain-pending", { zh: "该申报之前的上链操作尚未确认（交易可能仍在等待打包），请稍后重试", en: "an earlier on-chain action of this dossier is not confirmed yet (its transaction may still be mined): retry later" });
    }
  }
  const intent = openIntent(db, d.id, d.token_id!, actor, params);
  await durable(db); // the intent is on disk before the chain hears of it
  let sent: SentTransaction;
  try {
    sent = await onChain(() => send(chain));
  } catch (err) {
    // a refusal (409 or 422: the simulation or the mined transaction reverted) changed nothing; anything else
    // might have reached the chain: the intent stays pending for the sync
    if (isRefusal(err)) settleIntent(db, intent.id, "refused");
    throw err;
  }
  ctx.crash("lifecycle-sent");
  const mined = await minedFacts(chain, sent);
  db.transaction(() => applyIntent(db, intent, sent.hash, "call", ctx.config.bodyId, mined))();
  return sent;
}

/**
 * A renewal's new notice end from its CertificateRenewed event (the contract's validFrom, in unix seconds); a
 * re-issue's from its new number's view (its event does not carry it).
 */
async function minedFacts(chain: CqoClient, sent: SentTransaction): Promise<MinedFacts> {
  const ours = (l: { address: string }) => l.address.toLowerCase() === chain.address.toLowerCase();
  const [renewed] = parseEventLogs({ abi: cqoCertificateAbi, logs: sent.receipt.logs, eventName: "CertificateRenewed" }).filter(ours);
  if (renewed) return { validFrom: Number(renewed.args.validFrom) };
  const [reissued] = parseEventLogs({ abi: cqoCertificateAbi, logs: sent.receipt.logs, eventName: "CertificateReissued" }).filter(ours);
  return reissued ? reissueFacts(chain, reissued.args.newTokenId) : {};
}
