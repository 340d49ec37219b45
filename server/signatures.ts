/**
 * ECDSA public-key recovery for the server's signature checks (SIWE sign-in, EIP-712 score sheets), with
 * libsecp256k1 compiled to WebAssembly (tiny-secp256k1) instead of viem's pure-JS noble curves: the same
 * address for the same (digest, signature), about 20 times faster, which made recovery the largest CPU cost
 * of the workbench. test/server/signatures.test.ts checks it against viem's recoverAddress on random keys.
 *
 * What is refused (null), each as viem refuses it: anything but 65 bytes of hex; v other than 0, 1, 27, 28;
 * r or s zero or not below the curve order; a point that does not recover. One rule stricter than viem: a
 * high-s signature (s > n/2, the malleable twin of a valid one, EIP-2) is refused; every wallet signs low-s.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import * as secp from "tiny-secp256k1";
import { bytesToHex, getAddress, hexToBytes, keccak256, type Address, type Hex } from "viem";
import { z } from "zod";
import { encodeMessage, msg, panelSheetDigest, trustVerifiedSheets, type Message, type PanelCheck, type PanelSheet, type SheetContext } from "../scoring";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** An EOA's signature: r ‖ s ‖ v. */
export const EOA_SIGNATURE_BYTES = 65;
/**
 * The most bytes a signature may have anywhere the server takes one: a contract wallet's (ERC-1271, or an ERC-6492
 * wrapper for a wallet not deployed yet) is longer than an EOA's, but never needs more than this. Checked in the
 * input schemas, before any chain call.
 */
export const MAX_SIGNATURE_BYTES = 2048;

/**
 * Whether a signature carries an ECDSA s above n/2 (the malleable twin of a valid signature, EIP-2): a 65-byte
 * r ‖ s ‖ v, or a 64-byte EIP-2098 compact r ‖ yParityAndS (the top bit is the parity). Such a signature is
 * refused everywhere — also before a chain call, since the chain's ecrecover (viem's ERC-6492 validator for an EOA,
 * or its local fallback) would accept it.
 */
export function isHighS(signature: string): boolean {
  if (!/^0x[0-9a-fA-F]*$/.test(signature)) return false;
  const bytes = (signature.length - 2) / 2;
  if (bytes !== EOA_SIGNATURE_BYTES && bytes !== 64) return false;
  let s = BigInt(`0x${signature.slice(66, 130)}`);
  if (bytes === 64) s &= (1n << 255n) - 1n;
  return s > HALF_N;
}

/**
 * A signature in one spelling for a replay check: lowercase hex, and an EOA's v as 27/28 (wallets also send 0/1 for
 * the same signature). Anything else is returned lowercased as it is.
 */
export function canonicalSignature(signature: Hex): Hex {
  const lower = signature.toLowerCase() as Hex;
  if (lower.length !== 2 + 2 * EOA_SIGNATURE_BYTES) return lower;
  const v = Number.parseInt(lower.slice(-2), 16);
  return v === 0 || v === 1 ? (`${lower.slice(0, -2)}${(v + 27).toString(16)}` as Hex) : lower;
}

const bi = (zh: string, en: string) => encodeMessage({ zh, en });

/**
 * A signature in a request body: 0x-hex, at most MAX_SIGNATURE_BYTES, never high-s (see isHighS). Whether it is
 * an EOA's (65 bytes, recovered here) or a contract wallet's (checked through the chain) is the route's business.
 */
export const SignatureInput = z
  .string()
  .max(2 + 2 * MAX_SIGNATURE_BYTES, bi(`签名最多 ${MAX_SIGNATURE_BYTES} 字节`, `a signature is at most ${MAX_SIGNATURE_BYTES} bytes`))
  .regex(/^0x([0-9a-fA-F]{2})+$/, bi("签名应为 0x 开头的十六进制", "a signature is 0x-hex"))
  .refine((s) => !isHighS(s), bi("签名的 s 值过大（可延展签名，EIP-2），请用标准钱包重新签名", "the signature has a high s (a malleable signature, EIP-2): sign again with a standard wallet"))
  .transform((s): Hex => s as Hex);

interface ParsedSignature {
  hash: Uint8Array;
  /** r ‖ s, 64 bytes */
  rs: Uint8Array;
  recovery: 0 | 1;
}

/** The checks viem makes (and low s), before any curve arithmetic; null: refused. */
function parseSignature(digest: Hex, signature: string): ParsedSignature | null {
  if (!HASH.test(digest) || !SIGNATURE.test(signature)) return null;
  const v = Number.parseInt(signature.slice(130), 16);
  const recovery: 0 | 1 | null = v === 0 || v === 27 ? 0 : v === 1 || v === 28 ? 1 : null;
  if (recovery === null) return null;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r === 0n || r >= N || s === 0n || s > HALF_N) return null;
  return { hash: hexToBytes(digest), rs: hexToBytes(`0x${signature.slice(2, 130)}`), recovery };
}

function recoverPoint(p: ParsedSignature): Uint8Array | null {
  try {
    return secp.recover(p.hash, p.rs, p.recovery, false);
  } catch {
    return null;
  }
}

function addressOf(point: Uint8Array | null): Address | null {
  if (!point || point.length !== 65) return null;
  return getAddress(`0x${keccak256(bytesToHex(point.subarray(1))).slice(26)}`);
}

/** The signer's checksummed address, or null when the signature is malformed, malleable or does not recover. */
export function recoverSigner(digest: Hex, signature: string): Address | null {
  const parsed = parseSignature(digest, signature);
  return parsed ? addressOf(recoverPoint(parsed)) : null;
}

/** Whether `signature` over `digest` is by `address` (an EOA); false for anything recoverSigner refuses. */
export function isSignedBy(digest: Hex, signature: string, address: string): boolean {
  const signer = recoverSigner(digest, signature);
  return signer !== null && signer.toLowerCase() === address.toLowerCase();
}

/**
 * One sheet handed in, checked as scoring's verifySheets checks it (the same refusals, in the same words): the
 * EIP-712 digest, the signature recovered here, then scoring's content checks through its pre-verified path
 * (trustVerifiedSheets), which the server may use because the signature was just checked.
 */
export async function verifySheet(ctx: SheetContext, sheet: PanelSheet): Promise<PanelCheck> {
  const digest = panelSheetDigest(sheet, ctx.domain);
  let problem: Message | null = null;
  if (sheet.signature === undefined) problem = msg("评分表未签名", "the sheet is not signed");
  else if (isHighS(sheet.signature)) problem = msg("签名的 s 值过大（可延展签名，EIP-2）", "the signature is malleable (high s, EIP-2)");
  else {
    const signer = await recoverSignerOffThread(digest, sheet.signature);
    if (signer === null) problem = msg("签名无法解析", "the signature cannot be recovered");
    else if (signer.toLowerCase() !== sheet.assessor.address.toLowerCase()) problem = msg("签名不是该评审专家所签", "the signature is not the assessor's");
  }
  const check = trustVerifiedSheets(ctx, [{ sheet, digest }]);
  if (problem === null) return check;
  return { accepted: [], refused: [{ digest, assessorId: sheet.assessor.id, reasons: [...(check.refused[0]?.reasons ?? []), problem] }] };
}

// ---------------------------------------------------------------- off the event loop

/**
 * The same recovery on a worker thread: the elliptic-curve work (the bulk of a sign-in's or a sheet's CPU) runs
 * beside the event loop, on a core the server's JavaScript does not use. Checks and the address stay here; a
 * worker that cannot start or fails falls back to recovering inline. One small pool per process, unref'd.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const secp = require(workerData.secp);
parentPort.on("message", ({ id, hash, sig, recovery }) => {
  let point = null;
  try { point = secp.recover(Buffer.from(hash, "hex"), Buffer.from(sig, "hex"), recovery, false); } catch { point = null; }
  parentPort.postMessage({ id, point: point ? Buffer.from(point).toString("hex") : null });
});
`;

interface Job {
  resolve: (point: Uint8Array | null) => void;
  reject: (err: unknown) => void;
}

class RecoveryPool {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private next = 0;
  private broken = false;

  constructor(size: number) {
    try {
      const secpPath = require.resolve("tiny-secp256k1");
      for (let i = 0; i < size; i++) {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { secp: secpPath } });
        w.unref();
        // hex strings both ways: cheaper to pass between threads than typed arrays
        w.on("message", ({ id, point }: { id: number; point: string | null }) => {
          const job = this.jobs.get(id);
          this.jobs.delete(id);
          if (this.jobs.size === 0) for (const x of this.workers) x.unref(); // idle: never keeps the process alive
          job?.resolve(point === null ? null : Uint8Array.from(Buffer.from(point, "hex")));
        });
        w.on("error", (err) => this.fail(err));
        w.on("exit", () => this.fail(new Error("signature worker exited")));
        this.workers.push(w);
      }
    } catch {
      this.broken = true;
    }
  }

  private fail(err: unknown): void {
    this.broken = true;
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
  }

  get running(): number {
    return this.broken ? 0 : this.workers.length;
  }

  recover(hash: string, sig: string, recovery: 0 | 1): Promise<Uint8Array | null> | null {
    if (this.broken || this.workers.length === 0) return null;
    const id = this.next++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      if (this.jobs.size === 0) for (const x of this.workers) x.ref(); // busy: an answer is awaited
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, hash, sig, recovery });
    });
  }
}

let pool: RecoveryPool | null = null;
const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism() - 1));

/** recoverSigner on the worker pool (the same answers; inline when no worker can run). */
export async function recoverSignerOffThread(digest: Hex, signature: string): Promise<Address | null> {
  const parsed = parseSignature(digest, signature);
  if (!parsed) return null;
  pool ??= new RecoveryPool(POOL_SIZE);
  let point: Uint8Array | null;
  const pending = pool.recover(digest.slice(2), signature.slice(2, 130), parsed.recovery);
  try {
    point = pending ? await pending : recoverPoint(parsed);
  } catch {
    point = recoverPoint(parsed);
  }
  return addressOf(point);
}

/** isSignedBy on the worker pool. */
export async function isSignedByOffThread(digest: Hex, signature: string, address: string): Promise<boolean> {
  const signer = await recoverSignerOffThread(digest, signature);
  return signer !== null && signer.toLowerCase() === address.toLowerCase();
}

/** How many recovery workers run (0: recovering inline), for tests and diagnostics. */
export function recoveryWorkers(): number {
  return pool?.running ?? 0;
}
