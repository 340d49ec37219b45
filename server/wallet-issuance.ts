/**
 * Issuance signed in the operator's wallet (钱包签发): instead of the workbench's own key, an operator — a current
 * signing key of this body, checked at sign-in — sends `issueCertificates` from their wallet.
 *
 * 1. `POST /issuance/wallet/claim` leases the next approved, queued outbox rows to the caller (the outbox worker
 *    skips leased rows; a lease the browser abandons expires after `walletLeaseSeconds`). Rows whose root is
 *    already used on-chain are recorded from the chain on the spot; rows the contract would refuse (simulated with
 *    the operator as sender) are marked failed with the contract's reason, as the worker does; the lease shrinks
 *    to what fits the block gas limit. The answer holds the exact `Issuance` structs to send.
 * 2. The app sends them in one transaction from the wallet and reports the hash: `POST /issuance/wallet/report`.
 *    The workbench trusts nothing in the report but the hash: it reads the receipt (succeeded), the certificate
 *    contract's own `CertificateIssued` events of this body and mint `Transfer`s, and checks each root is used
 *    on-chain now; it records the transaction, block and token ids exactly as the outbox does and releases the
 *    lease. Reporting the same hash twice changes nothing.
 * 3. `POST /issuance/wallet/release` gives a lease back (the operator declined in the wallet).
 *
 * Resuming after a closed page: the same operator's live lease comes back from `claim`; roots used meanwhile are
 * recorded from the chain; the contract refuses a used root anyway, so nothing is issued twice.
 *
 * `issuanceMode: "wallet"` (CQO_ISSUANCE_MODE=wallet): the outbox worker sends nothing (it only watches for a chain that
 * went back); certificates are issued only here.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { encodeFunctionData, getAddress, parseEventLogs, zeroAddress, type Address, type Hex, type TransactionReceipt } from "viem";
import { z } from "zod";
import { cqoCertificateAbi, explainError, type CqoClient, type Issuance } from "../sdk";
import { requireRole, type Ctx } from "./context";
import { chainUnavailable, conflict, parseInput, unprocessable } from "./errors";
import { chainError } from "./chain-calls";
import { isOurIssuance, recordIssued, type OutboxRow } from "./outbox";
import { audit, type Actor } from "./workflow";
import { errors } from "./openapi";

const bi = (zh: string, en: string) => JSON.stringify({ __bilingual: { zh, en } });

const ClaimBody = z
  .strictObject({
    max: z.number().int().min(1, bi("至少 1 项", "at least 1")).max(500, bi("每批最多 500 项", "at most 500 per batch")).optional(),
  })
  .optional();
const TxHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, bi("交易哈希应为 0x 加 64 位十六进制", "a transaction hash is 0x and 64 hex digits")).transform((s): Hex => s.toLowerCase() as Hex);
const ClaimId = z.string().uuid(bi("租约编号格式不正确", "malformed claim id"));
const ReportBody = z.strictObject({ txHash: TxHash, claimId: ClaimId.optional() });
const ReleaseBody = z.strictObject({ claimId: ClaimId });

/** what the routes answer (schema.response) */
const Item = z.object({
  root: z.string(),
  dossierId: z.string(),
  tokenId: z.string(),
  issuance: z.object({ level: z.number().int(), validUntil: z.number(), resultRoot: z.string(), holder: z.string(), rulebookId: z.number().int() }),
});
const Failed = z.object({ root: z.string(), dossierId: z.string(), code: z.string(), zh: z.string(), en: z.string() });
const WalletQueue = z.object({
  mode: z.enum(["worker", "wallet"]),
  leaseSeconds: z.number(),
  queued: z.number().int(),
  claims: z.array(z.object({ claimId: z.string(), operator: z.string(), claimedAt: z.number(), expiresAt: z.number(), count: z.number().int() })),
  mine: z.object({ claimId: z.string(), expiresAt: z.number(), items: z.array(Item) }).nullable(),
});
const Claimed = z.object({
  claimId: z.string(),
  resumed: z.boolean(),
  expiresAt: z.number(),
  items: z.array(Item),
  gas: z.string().describe("estimated gas of the batch (decimal)"),
  recorded: z.array(Item),
  failed: z.array(Failed),
  remaining: z.number().int(),
  certificate: z.string().describe("the certificate contract's address"),
});
const Released = z.object({ claimId: z.string(), released: z.number().int() });
const Reported = z.object({ txHash: z.string(), blockNumber: z.number().int(), from: z.string(), recorded: z.array(Item), alreadyRecorded: z.array(Item), released: z.number().int() });
const ERRORS = errors(400, 401, 403, 404, 409, 422, 503);

interface ClaimRow {
  root: Hex;
  claim_id: string;
  operator: Address;
  claimed_at: number;
  expires_at: number;
}

export interface WalletItem {
  root: Hex;
  dossierId: string;
  tokenId: string;
  issuance: Issuance;
}

const toIssuance = (row: OutboxRow): Issuance => ({ level: row.level, validUntil: row.valid_until, resultRoot: row.root, holder: getAddress(row.holder), rulebookId: row.rulebook_id });
const item = (row: OutboxRow): WalletItem => ({ root: row.root, dossierId: row.dossier_id, tokenId: row.token_id, issuance: toIssuance(row) });

export function registerWalletIssuance(app: FastifyInstance, ctx: Ctx): void {
  const { db } = ctx;
  const leaseMs = () => (ctx.config.walletLeaseSeconds ?? 300) * 1000;
  const mode = () => ctx.config.issuanceMode ?? "worker";

  const requireChain = (): CqoClient => {
    if (!ctx.chain) throw chainUnavailable({ zh: "未连接区块链", en: "no chain is configured" });
    return ctx.chain;
  };

  const sweep = () => db.prepare("DELETE FROM wallet_claims WHERE expires_at <= ?").run(ctx.now()).changes;
  // leases expire even when no operator comes back: the outbox worker (worker mode) then sends the rows
  const sweeper = setInterval(() => {
    if (db.open) sweep();
  }, Math.min(5_000, leaseMs() / 4));
  sweeper.unref();
  app.addHook("onClose", async () => clearInterval(sweeper));
  const outboxRow = (root: string) => db.prepare("SELECT * FROM outbox WHERE root = ?").get(root) as OutboxRow | undefined;
  const claimedRows = (claimId: string) =>
    db.prepare("SELECT o.* FROM wallet_claims c JOIN outbox o ON o.root = c.root WHERE c.claim_id = ? ORDER BY o.enqueued_at, o.root").all(claimId) as OutboxRow[];
  const unclaimedQueued = () => (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'queued' AND root NOT IN (SELECT root FROM wallet_claims)").get() as { n: number }).n;
  const release = (roots: readonly string[]) => {
    const del = db.prepare("DELETE FROM wallet_claims WHERE root = ?");
    db.transaction(() => roots.forEach((r) => del.run(r)))();
  };

  /** Rows whose root is used on-chain: recorded from the chain (the certificate's events), as the worker reconciles. */
  const recordUsed = async (chain: CqoClient, rows: OutboxRow[], actor: Actor): Promise<{ recorded: WalletItem[]; rest: OutboxRow[] }> => {
    const used = await Promise.all(rows.map((r) => chain.isResultRootUsed(ctx.config.bodyId, r.root)));
    const recorded: WalletItem[] = [];
    const rest: OutboxRow[] = [];
    for (const [k, row] of rows.entries()) {
      if (!used[k]) {
        rest.push(row);
        continue;
      }
      const v = await chain.verifyCertificate(row.token_id);
      if (!isOurIssuance(v, row, ctx.config.bodyId)) {
        db.transaction(() => {
          db.prepare("UPDATE outbox SET status = 'failed', last_error = ? WHERE root = ?").run("the result root is used on-chain by another record", row.root);
          db.prepare("DELETE FROM wallet_claims WHERE root = ?").run(row.root);
          audit(db, { dossierId: row.dossier_id, actor, action: "issuance-failed", details: { root: row.root, reason: "root used by another record" } });
        })();
        continue;
      }
      const history = await chain.certificateHistory(row.token_id).catch(() => []);
      const issued = history.find((h) => h.kind === "issued");
      db.transaction(() => recordIssued(db, row, issued?.txHash ?? null, issued ? Number(issued.blockNumber) : null, actor, "wallet-resync"))();
      recorded.push(item(row));
    }
    return { recorded, rest };
  };

  /**
   * Simulates the batch as the operator: a contract refusal is pinned on the refused rows (marked failed, as the
   * worker does); the lease is then cut to what fits the block gas limit (80 %).
   */
  const fit = async (chain: CqoClient, operator: Address, rows: OutboxRow[], actor: Actor): Promise<{ rows: OutboxRow[]; gas: bigint; failed: { root: Hex; dossierId: string; code: string; zh: string; en: string }[] }> => {
    const estimate = (rs: OutboxRow[]) =>
      chain.publicClient.estimateGas({ account: operator, to: chain.address, data: encodeFunctionData({ abi: cqoCertificateAbi, functionName: "issueCertificates", args: [rs.map(toIssuance)] }) });
    const failed: { root: Hex; dossierId: string; code: string; zh: string; en: string }[] = [];
    let ok = rows;
    let gas = 0n;
    try {
      if (ok.length) gas = await estimate(ok);
    } catch (err) {
      const e = explainError(err);
      if (e.kind !== "contract") throw err;
      ok = [];
      for (const row of rows) {
        try {
          await estimate([row]);
          ok.push(row);
        } catch (one) {
          const x = explainError(one);
          if (x.kind !== "contract") throw one;
          failed.push({ root: row.root, dossierId: row.dossier_id, code: x.code, zh: x.zh, en: x.en });
          db.transaction(() => {
            db.prepare("UPDATE outbox SET status = 'failed', last_error = ? WHERE root = ?").run(`${x.code}: ${x.en}`, row.root);
            db.prepare("DELETE FROM wallet_claims WHERE root = ?").run(row.root);
            audit(db, { dossierId: row.dossier_id, actor, action: "issuance-failed", details: { root: row.root, code: x.code, zh: x.zh, en: x.en, via: "wallet" } });
          })();
        }
      }
      if (ok.length) gas = await estimate(ok);
    }
    if (ok.length > 1) {
      const block = await chain.publicClient.getBlock({ blockTag: "latest" });
      const budget = (block.gasLimit * 8n) / 10n;
      while (gas > budget && ok.length > 1) {
        const keep = Math.max(1, Math.min(ok.length - 1, Math.floor(((ok.length * Number(budget)) / Number(gas)) * 0.95)));
        release(ok.slice(keep).map((r) => r.root));
        ok = ok.slice(0, keep);
        gas = await estimate(ok);
      }
    }
    return { rows: ok, gas, failed };
  };

  app.get("/issuance/wallet", { schema: { response: { 200: WalletQueue, ...errors(401, 403) } } }, async (req) => {
    const s = requireRole(req, "operator");
    sweep();
    const claims = db.prepare("SELECT claim_id, operator, MIN(claimed_at) AS claimed_at, MIN(expires_at) AS expires_at, COUNT(*) AS n FROM wallet_claims GROUP BY claim_id ORDER BY claimed_at").all() as {
      claim_id: string;
      operator: Address;
      claimed_at: number;
      expires_at: number;
      n: number;
    }[];
    const mine = claims.find((c) => c.operator === s.address);
    return {
      mode: mode(),
      leaseSeconds: leaseMs() / 1000,
      queued: unclaimedQueued(),
      claims: claims.map((c) => ({ claimId: c.claim_id, operator: c.operator, claimedAt: c.claimed_at, expiresAt: c.expires_at, count: c.n })),
      mine: mine ? { claimId: mine.claim_id, expiresAt: mine.expires_at, items: claimedRows(mine.claim_id).map(item) } : null,
    };
  });

  app.post("/issuance/wallet/claim", { schema: { response: { 200: Claimed, ...ERRORS } } }, async (req) => {
    const s = requireRole(req, "operator");
    const body = parseInput(ClaimBody, req.body ?? undefined, "body");
    const chain = requireChain();
    const actor: Actor = { address: s.address, role: "operator" };
    const max = body?.max ?? ctx.config.batchSize;
    const now = ctx.now();
    // one synchronous SQLite transaction: two operators (or the worker) never get the same row
    const { claimId, resumed } = db.transaction(() => {
      sweep();
      const live = db.prepare("SELECT claim_id FROM wallet_claims WHERE operator = ? LIMIT 1").get(s.address) as { claim_id: string } | undefined;
      if (live) {
        db.prepare("UPDATE wallet_claims SET expires_at = ? WHERE claim_id = ?").run(now + leaseMs(), live.claim_id);
        return { claimId: live.claim_id, resumed: true };
      }
      const id = randomUUID();
      const rows = db.prepare("SELECT root FROM outbox WHERE status = 'queued' AND root NOT IN (SELECT root FROM wallet_claims) ORDER BY enqueued_at, root LIMIT ?").all(max) as { root: Hex }[];
      const ins = db.prepare("INSERT INTO wallet_claims (root, claim_id, operator, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?)");
      for (const r of rows) ins.run(r.root, id, s.address, now, now + leaseMs());
      if (rows.length) audit(db, { dossierId: null, actor, action: "wallet-claim", details: { claimId: id, roots: rows.map((r) => r.root) } });
      return { claimId: id, resumed: false };
    })();
    let rows = claimedRows(claimId);
    try {
      const used = await recordUsed(chain, rows, actor);
      const fitted = await fit(chain, s.address, used.rest, actor);
      rows = fitted.rows;
      return {
        claimId,
        resumed,
        expiresAt: now + leaseMs(),
        items: rows.map(item),
        gas: fitted.gas.toString(),
        recorded: used.recorded,
        failed: fitted.failed,
        remaining: unclaimedQueued(),
        certificate: chain.address,
      };
    } catch (err) {
      // the chain is down or answered oddly: give the rows back rather than hold them for the lease
      release(claimedRows(claimId).map((r) => r.root));
      throw chainError(err);
    }
  });

  app.post("/issuance/wallet/release", { schema: { response: { 200: Released, ...ERRORS } } }, async (req) => {
    const s = requireRole(req, "operator");
    const body = parseInput(ReleaseBody, req.body, "body");
    const released = db.transaction(() => {
      const n = db.prepare("DELETE FROM wallet_claims WHERE claim_id = ? AND operator = ?").run(body.claimId, s.address).changes;
      if (n) audit(db, { dossierId: null, actor: { address: s.address, role: "operator" }, action: "wallet-release", details: { claimId: body.claimId, released: n } });
      return n;
    })();
    return { claimId: body.claimId, released };
  });

  app.post("/issuance/wallet/report", { schema: { response: { 200: Reported, ...ERRORS } } }, async (req) => {
    const s = requireRole(req, "operator");
    const body = parseInput(ReportBody, req.body, "body");
    const chain = requireChain();
    const actor: Actor = { address: s.address, role: "operator" };
    const notIssuance = (why: { zh: string; en: string }) =>
      unprocessable("tx-not-issuance", { zh: `该交易不是本主体对待发证书的签发：${why.zh}`, en: `this transaction does not issue this body's queued certificates: ${why.en}` }, [
        { field: "body.txHash", path: ["body", "txHash"], zh: why.zh, en: why.en },
      ]);

    let receipt: TransactionReceipt;
    try {
      const tx = await chain.publicClient.getTransaction({ hash: body.txHash }).catch(() => null);
      if (!tx) throw notIssuance({ zh: "链上没有这笔交易", en: "the chain knows no such transaction" });
      receipt = await chain.publicClient.waitForTransactionReceipt({ hash: body.txHash, timeout: ctx.config.walletReceiptTimeoutMs ?? 30_000 }).catch((err: unknown) => {
        if ((err as { name?: string }).name === "WaitForTransactionReceiptTimeoutError") {
          throw conflict("tx-pending", { zh: "交易尚未上链，请稍后再报告", en: "the transaction is not mined yet: report it again shortly" });
        }
        throw err;
      });
    } catch (err) {
      throw chainError(err);
    }
    // not required: `to` is the certificate contract — a contract wallet (a Safe, an ERC-4337 account) that is a
    // signing key of the body calls it from inside its own transaction; the contract's own events below decide
    if (receipt.status !== "success") throw unprocessable("tx-reverted", { zh: "该交易已回滚，没有签发任何证书", en: "the transaction reverted: nothing was issued" });

    const mine = (l: { address: string }) => l.address.toLowerCase() === chain.address.toLowerCase();
    const issuedEvents = parseEventLogs({ abi: cqoCertificateAbi, logs: receipt.logs, eventName: "CertificateIssued" }).filter((l) => mine(l) && l.args.bodyId === ctx.config.bodyId);
    const mints = new Map(
      parseEventLogs({ abi: cqoCertificateAbi, logs: receipt.logs, eventName: "Transfer" })
        .filter((l) => mine(l) && l.args.from === zeroAddress)
        .map((l) => [l.args.tokenId, l.args.to.toLowerCase()] as const),
    );
    const matched: { row: OutboxRow; tokenId: bigint }[] = [];
    for (const ev of issuedEvents) {
      const row = outboxRow(ev.args.resultRoot.toLowerCase());
      if (!row || BigInt(row.token_id) !== ev.args.tokenId || mints.get(ev.args.tokenId) !== row.holder.toLowerCase()) continue;
      matched.push({ row, tokenId: ev.args.tokenId });
    }
    if (matched.length === 0) throw notIssuance({ zh: "交易中没有本工作台待发证书的签发事件", en: "no issuance event of a certificate this workbench queued" });
    // the chain now, not just the receipt: each root is used (a node that lost the block would say otherwise)
    const used = await Promise.all(matched.map((m) => chain.isResultRootUsed(ctx.config.bodyId, m.row.root))).catch((err: unknown) => {
      throw chainError(err);
    });
    if (used.some((u) => !u)) throw conflict("tx-not-final", { zh: "链上状态与该交易不符（区块可能已被回滚），请稍后再报告", en: "the chain's state does not agree with the transaction (its block may have been dropped): report it again later" });

    const blockNumber = Number(receipt.blockNumber);
    const recorded: WalletItem[] = [];
    const already: WalletItem[] = [];
    let released = 0;
    db.transaction(() => {
      for (const { row } of matched) (recordIssued(db, row, body.txHash, blockNumber, actor, "wallet") ? recorded : already).push(item(row));
      if (body.claimId) released = db.prepare("DELETE FROM wallet_claims WHERE claim_id = ? AND operator = ?").run(body.claimId, s.address).changes;
      if (recorded.length) audit(db, { dossierId: null, actor, action: "wallet-issued", details: { txHash: body.txHash, blockNumber, from: receipt.from, roots: recorded.map((r) => r.root) } });
    })();
    ctx.worker?.wake();
    return { txHash: body.txHash, blockNumber, from: getAddress(receipt.from), recorded, alreadyRecorded: already, released };
  });
}
