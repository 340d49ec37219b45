/**
 * The issuance outbox. Approval writes the credential and an outbox row in the same transaction as the dossier's
 * move to "queued"; this worker then issues queued rows in batches through the sdk and records each mined chunk
 * (transaction, block, token ids) in one transaction with the dossiers' move to "in-notice".
 *
 * Why it never loses or doubles a certificate, whenever the process or the node dies:
 * - the chain is the judge: the contract refuses a used resultRoot, and the sdk's issueBatch then drops the used
 *   roots and goes on with the rest, so re-sending after a crash issues only what is missing;
 * - rows the worker claimed but did not see mined ("sending") are reconciled from chain state at start and
 *   before each batch: a root this body used, whose certificate is this body's and holds our holder, root, level,
 *   end of validity and rulebook, is recorded as issued, with the transaction found in the certificate's events
 *   (anything else is marked failed, never issued);
 * - numbers and "root used" are the body's own (its id is the number's top byte): another body that copies a root
 *   from the mempool and issues it first gets a certificate of its own, which is never recorded as ours, and ours
 *   still goes out under our number (issue #11);
 * - a chain that went back (a node restored from an older state dump, a reorg) is noticed when its head is below
 *   the highest block we recorded: rows whose root is no longer used are queued again.
 */
import type { Address, Hex } from "viem";
import { certificateNumberOf, explainError, type BatchChunk, type CertificateVerification, type CqoClient, type Issuance } from "../sdk";
import type { CrashPoint } from "./config";
import { durable, type Db } from "./db";
import { audit, isLegal, transition, type Actor, type State } from "./workflow";

export type OutboxStatus = "queued" | "sending" | "issued" | "failed";

export interface OutboxRow {
  root: Hex;
  dossier_id: string;
  holder: Address;
  level: number;
  rulebook_id: number;
  valid_until: number;
  status: OutboxStatus;
  attempts: number;
  token_id: string;
  tx_hash: Hex | null;
  block_number: number | null;
  last_error: string | null;
  enqueued_at: number;
  issued_at: number | null;
}

export interface WorkerOptions {
  /** the workbench's body (CQO_BODY_ID): every root and number is checked as this body's */
  bodyId: number;
  batchSize: number;
  intervalMs: number;
  crashAfter?: CrashPoint;
  /**
   * Wait up to this long after the oldest queued row for a full batch before sending a partial one (default 0:
   * send at once). Fewer, fuller transactions when approvals trickle in: gas per certificate falls with batch size.
   */
  lingerMs?: number;
  maxGasPerChunk?: bigint;
  log?: (msg: string, data?: Record<string, unknown>) => void;
  /**
   * Blocks after which a recorded issuance is taken as final (default 1: at once, as on a BFT consortium chain).
   * With N > 1 the rows of the last N blocks are re-checked on every pass; one a reorg dropped is queued again.
   */
  confirmations?: number;
  /**
   * Wallet-only mode (certificates are sent from operators' wallets): the worker sends nothing and only watches
   * the chain for a rewind, so certificates a node lost are queued again for the wallets. Needs no signing key.
   */
  watchOnly?: boolean;
  /** tests: called after every pass */
  onPass?: (pass: { issued: number; error?: string }) => void;
}

/** How many confirmations a transaction mined in `blockNumber` has at `head` (its own block is the first). */
export const confirmationsAt = (blockNumber: number, head: number): number => head - blockNumber + 1;

/** Rows an operator's wallet has leased (server/wallet-issuance.ts) are not the worker's to send. */
const NOT_LEASED = "root NOT IN (SELECT root FROM wallet_claims)";

/** How deep a reorg (or a node's lost tail) we re-check at start. */
const REWIND_DEPTH = 64;
const MAX_BACKOFF_MS = 5_000;

export class IssuanceWorker {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private stopped = true;
  private backoffMs = 0;
  private started = false;
  private highestRecordedBlock = 0;
  /** the database's highest recorded block when last read: rows recorded by operators' wallets raise it too */
  private lastRecordedInDb = 0;
  /** set by runOnce when it holds a partial batch back (lingerMs): when to look again */
  private lingerWaitMs: number | null = null;
  readonly actor: Actor;

  constructor(
    private readonly db: Db,
    private readonly chain: CqoClient,
    private readonly options: WorkerOptions,
  ) {
    const account = chain.walletClient?.account;
    if (options.watchOnly) this.actor = { address: account?.address ?? "chain", role: "sync" };
    else if (!account) throw new Error("the issuance worker needs the body's signing key (CQO_SIGNER_KEY)");
    else this.actor = { address: account.address, role: "worker" };
  }

  /** true in wallet-only mode: this worker sends nothing (see WorkerOptions.watchOnly) */
  get watchOnly(): boolean {
    return this.options.watchOnly === true;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  /** New work arrived: run now rather than at the next interval (unless backing off). */
  wake(): void {
    if (this.stopped || this.current || this.backoffMs > 0) return;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.pass().finally(() => {
        this.current = null;
      });
    }, ms);
  }

  private async pass(): Promise<void> {
    let issued = 0;
    try {
      issued = await this.runOnce();
      this.backoffMs = 0;
      this.options.onPass?.({ issued });
      const more = !this.watchOnly && this.db.prepare(`SELECT 1 FROM outbox WHERE status IN ('queued', 'sending') AND ${NOT_LEASED} LIMIT 1`).get() !== undefined;
      this.schedule(this.lingerWaitMs ?? (more ? 0 : this.options.intervalMs));
    } catch (err) {
      const explained = explainError(err);
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(200, this.backoffMs * 2));
      this.options.log?.("issuance pass failed; retrying", { code: explained.code, error: explained.en, retryInMs: this.backoffMs });
      this.options.onPass?.({ issued, error: explained.code });
      this.schedule(this.backoffMs);
    }
  }

  /** One pass: reconcile, then issue one batch. Returns how many certificates were recorded as issued. */
  async runOnce(): Promise<number> {
    if (this.watchOnly) {
      await this.checkRewind(!this.started);
      this.started = true;
      return 0;
    }
    let recorded = 0;
    if (!this.started) {
      recorded += await this.checkRewind(true);
      recorded += await this.reconcile(this.rows("SELECT * FROM outbox WHERE status IN ('queued', 'sending') ORDER BY enqueued_at"));
      this.started = true;
    } else {
      recorded += await this.checkRewind(false);
      recorded += await this.reconcile(this.rows("SELECT * FROM outbox WHERE status = 'sending' ORDER BY enqueued_at"));
    }

    this.lingerWaitMs = null;
    if (this.options.lingerMs) {
      const q = this.db.prepare(`SELECT COUNT(*) AS n, MIN(enqueued_at) AS oldest FROM outbox WHERE status IN ('queued', 'sending') AND ${NOT_LEASED}`).get() as { n: number; oldest: number | null };
      const waited = q.oldest === null ? 0 : Date.now() - q.oldest;
      if (q.n > 0 && q.n < this.options.batchSize && waited < this.options.lingerMs) {
        this.lingerWaitMs = Math.max(10, this.options.lingerMs - waited);
        return recorded;
      }
    }
    const batch = this.rows(`SELECT * FROM outbox WHERE status IN ('queued', 'sending') AND ${NOT_LEASED} ORDER BY enqueued_at, root LIMIT ?`, this.options.batchSize);
    if (batch.length === 0) return recorded;
    this.db.transaction(() => {
      const claim = this.db.prepare("UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE root = ?");
      for (const r of batch) claim.run(r.root);
    })();
    this.crash("claimed");
    await durable(this.db); // the claim and the approvals before it are on disk before the chain hears of them

    const byToken = new Map(batch.map((r) => [BigInt(r.token_id), r]));
    let result;
    try {
      result = await this.chain.issueBatch(batch.map(toIssuance), {
        maxGasPerChunk: this.options.maxGasPerChunk,
        onProgress: (p) => {
          if (!p.lastChunk) return;
          this.crash("sent");
          recorded += this.recordChunk(p.lastChunk, byToken);
          this.crash("recorded");
        },
      });
    } catch (err) {
      const explained = explainError(err);
      if (explained.kind === "contract" && explained.code !== "ResultRootAlreadyUsed") {
        // One bad item makes the whole chunk revert: find it by issuing the rest one by one.
        return recorded + (await this.isolate(batch, explained.en));
      }
      this.db.prepare(`UPDATE outbox SET last_error = ? WHERE root IN (${batch.map(() => "?").join(",")}) AND status != 'issued'`).run(explained.en, ...batch.map((r) => r.root));
      throw err;
    }
    // Skipped roots were used on-chain before this batch (a crashed run we did not record, or a pending
    // transaction): leave them "sending" and let reconciliation record them from the chain.
    if (result.skipped.length) {
      recorded += await this.reconcile(result.skipped.map((s) => byToken.get(s.tokenId)).filter((r): r is OutboxRow => r !== undefined));
    }
    return recorded;
  }

  private async isolate(batch: OutboxRow[], why: string): Promise<number> {
    let recorded = 0;
    for (const row of batch) {
      if (this.rowStatus(row.root) === "issued") continue;
      try {
        const r = await this.chain.issueBatch([toIssuance(row)], { maxGasPerChunk: this.options.maxGasPerChunk });
        for (const chunk of r.chunks) recorded += this.recordChunk(chunk, new Map([[BigInt(row.token_id), row]]));
        if (r.skipped.length) recorded += await this.reconcile([row]);
      } catch (err) {
        const e = explainError(err);
        if (e.kind !== "contract") throw err;
        this.db.transaction(() => {
          this.db.prepare("UPDATE outbox SET status = 'failed', last_error = ? WHERE root = ?").run(`${e.code}: ${e.en}`, row.root);
          audit(this.db, { dossierId: row.dossier_id, actor: this.actor, action: "issuance-failed", details: { root: row.root, code: e.code, zh: e.zh, en: e.en, batchError: why } });
        })();
        this.options.log?.("issuance refused by the contract", { root: row.root, code: e.code });
      }
    }
    return recorded;
  }

  /** Records a mined chunk: outbox rows and dossiers in one transaction. */
  private recordChunk(chunk: BatchChunk, byToken: Map<bigint, OutboxRow>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const tokenId of chunk.tokenIds) {
        const row = byToken.get(tokenId);
        if (!row) continue;
        n += this.markIssued(row, chunk.hash, Number(chunk.blockNumber));
      }
    })();
    this.highestRecordedBlock = Math.max(this.highestRecordedBlock, Number(chunk.blockNumber));
    return n;
  }

  private markIssued(row: OutboxRow, txHash: Hex | null, blockNumber: number | null): number {
    return recordIssued(this.db, row, txHash, blockNumber, this.actor, "outbox") ? 1 : 0;
  }

  /** Records rows whose root is used on-chain; puts the others back in the queue. */
  private async reconcile(rows: OutboxRow[]): Promise<number> {
    let recorded = 0;
    for (let i = 0; i < rows.length; i += 32) {
      const slice = rows.slice(i, i + 32);
      const used = await Promise.all(slice.map((r) => this.chain.isResultRootUsed(this.options.bodyId, r.root)));
      for (const [k, row] of slice.entries()) {
        if (!used[k]) {
          this.db.prepare("UPDATE outbox SET status = 'queued' WHERE root = ? AND status = 'sending'").run(row.root);
          continue;
        }
        const v = await this.chain.verifyCertificate(row.token_id);
        if (!isOurIssuance(v, row, this.options.bodyId)) {
          // The root was used by something that is not our certificate (e.g. a renewal with the same root, or a
          // copy with other terms that another key of this body sent first).
          this.db.transaction(() => {
            this.db.prepare("UPDATE outbox SET status = 'failed', last_error = ? WHERE root = ?").run("the result root is used on-chain by another record", row.root);
            audit(this.db, { dossierId: row.dossier_id, actor: this.actor, action: "issuance-failed", details: { root: row.root, reason: "root used by another record" } });
          })();
          continue;
        }
        const history = await this.chain.certificateHistory(row.token_id).catch(() => []);
        const issued = history.find((h) => h.kind === "issued");
        const tx = issued ? { hash: issued.txHash, block: Number(issued.blockNumber) } : { hash: null, block: null };
        this.db.transaction(() => {
          recorded += this.markIssued(row, tx.hash, tx.block);
          if (tx.block !== null) this.highestRecordedBlock = Math.max(this.highestRecordedBlock, tx.block);
        })();
      }
    }
    return recorded;
  }

  /**
   * A node restored from an older state or a reorg can forget blocks we recorded. At start we re-check the last
   * REWIND_DEPTH blocks' rows; afterwards when the head is below the highest block recorded (by this worker or,
   * read from the database when it changed, by an operator's wallet), and, with `confirmations` N > 1, the rows
   * of the last N blocks on every pass until they are N deep: a reorg at the same height (another block in place
   * of ours) drops a certificate without lowering the head.
   */
  private async checkRewind(atStart: boolean): Promise<number> {
    const r = this.db.prepare("SELECT MAX(block_number) AS b FROM outbox WHERE status = 'issued'").get() as { b: number | null };
    const inDb = r.b ?? 0;
    if (atStart) this.highestRecordedBlock = inDb;
    else if (inDb !== this.lastRecordedInDb) this.highestRecordedBlock = Math.max(this.highestRecordedBlock, inDb);
    this.lastRecordedInDb = inDb;
    if (this.highestRecordedBlock === 0) return 0;
    const head = Number(await this.chain.publicClient.getBlockNumber({ cacheTime: 0 })); // no cached head
    const depth = this.options.confirmations ?? 1;
    let rows: OutboxRow[];
    if (atStart || head < this.highestRecordedBlock) {
      const since = Math.min(head, this.highestRecordedBlock) - REWIND_DEPTH;
      rows = this.rows("SELECT * FROM outbox WHERE status = 'issued' AND (block_number IS NULL OR block_number > ?)", since);
    } else if (depth > 1 && confirmationsAt(this.highestRecordedBlock, head) < depth) {
      // the rows with fewer than `depth` confirmations: block_number > head - depth + 1
      rows = this.rows("SELECT * FROM outbox WHERE status = 'issued' AND block_number > ?", head - depth + 1);
    } else return 0;
    const used = await Promise.all(rows.map((r) => this.chain.isResultRootUsed(this.options.bodyId, r.root)));
    let requeued = 0;
    this.db.transaction(() => {
      rows.forEach((row, k) => {
        if (used[k]) return;
        requeued++;
        this.db.prepare("UPDATE outbox SET status = 'queued', tx_hash = NULL, block_number = NULL, issued_at = NULL, last_error = ? WHERE root = ?").run("the chain no longer has this certificate: queued again", row.root);
        const d = this.db.prepare("SELECT state FROM dossiers WHERE id = ?").get(row.dossier_id) as { state: State } | undefined;
        if (d && isLegal("chain-rewound", d.state)) transition(this.db, row.dossier_id, "chain-rewound", d.state, "queued", this.actor, { root: row.root, head }, { token_id: null });
      });
    })();
    if (requeued) this.options.log?.("chain went back: certificates queued again", { requeued, head, highestRecordedBlock: this.highestRecordedBlock });
    this.highestRecordedBlock = Math.min(this.highestRecordedBlock, head);
    return 0;
  }

  private rows(sql: string, ...params: (string | number)[]): OutboxRow[] {
    return this.db.prepare(sql).all(...params) as OutboxRow[];
  }

  private rowStatus(root: string): OutboxStatus | undefined {
    return (this.db.prepare("SELECT status FROM outbox WHERE root = ?").get(root) as { status: OutboxStatus } | undefined)?.status;
  }

  private crash(point: CrashPoint): void {
    if (this.options.crashAfter !== point) return;
    this.options.log?.(`CQO_TEST_CRASH_AFTER=${point}: killing the process`);
    process.kill(process.pid, "SIGKILL");
  }
}

/**
 * Whether the certificate the chain shows under a row's number is the one the row describes: issued by this body
 * (the contract's view, not the number's arithmetic), under the number this body gives the root, with the row's
 * root, holder, level, end of validity and rulebook. A certificate of another body, or anything else that happens
 * to answer, is not ours to record: in particular one that another key of this same body (stolen, or a rogue
 * operator) issued first with the row's root and holder but other terms (level 1 for a level-3 dossier, ten more
 * years), which the contract then refuses ours for (ResultRootAlreadyUsed) and the sdk counts as already issued.
 */
export function isOurIssuance(
  v: CertificateVerification,
  row: Pick<OutboxRow, "root" | "holder" | "token_id" | "level" | "valid_until" | "rulebook_id">,
  bodyId: number,
): boolean {
  return (
    v.status !== "NotFound" &&
    v.bodyId === bodyId &&
    v.tokenId === BigInt(row.token_id) &&
    BigInt(row.token_id) === certificateNumberOf(bodyId, row.root) &&
    v.resultRoot.toLowerCase() === row.root.toLowerCase() &&
    v.holder?.toLowerCase() === row.holder.toLowerCase() &&
    v.level === Number(row.level) &&
    v.validUntil === Number(row.valid_until) &&
    v.rulebookId === Number(row.rulebook_id)
  );
}

function toIssuance(row: OutboxRow): Issuance {
  return { level: row.level, validUntil: row.valid_until, resultRoot: row.root, holder: row.holder, rulebookId: row.rulebook_id };
}

/**
 * Records a row as issued (transaction, block, time), ends any wallet lease on it and moves its dossier to
 * in-notice with an audit entry saying how it was issued (`via`: the outbox worker, the operator's wallet, a
 * re-sync). The one place both issuance paths write a result down; false if it was already recorded.
 */
export function recordIssued(db: Db, row: OutboxRow, txHash: Hex | null, blockNumber: number | null, actor: Actor, via: string): boolean {
  const r = db
    .prepare("UPDATE outbox SET status = 'issued', tx_hash = ?, block_number = ?, issued_at = ?, last_error = NULL WHERE root = ? AND status != 'issued'")
    .run(txHash, blockNumber, Date.now(), row.root);
  db.prepare("DELETE FROM wallet_claims WHERE root = ?").run(row.root);
  if (r.changes !== 1) return false;
  const d = db.prepare("SELECT state FROM dossiers WHERE id = ?").get(row.dossier_id) as { state: State } | undefined;
  const details = { root: row.root, tokenId: row.token_id, txHash, blockNumber, via };
  if (d && isLegal("issued-on-chain", d.state)) transition(db, row.dossier_id, "issued-on-chain", d.state, "in-notice", actor, details, { token_id: row.token_id });
  else audit(db, { dossierId: row.dossier_id, actor, action: "issued-on-chain", details: { ...details, note: `dossier was ${d?.state}` } });
  return true;
}
