/**
 * keccak-256 for the engine, from maintained libraries (issue #10: no home-made cryptography); this module only
 * adapts them to the engine's synchronous, allocation-light calls and holds the hex / UTF-8 helpers.
 *
 * - @noble/hashes `keccak_256` (audited by Cure53, pure JS, synchronous; viem's own keccak256): always available,
 *   used in browsers and until the WebAssembly one is ready.
 * - hash-wasm `createKeccak(256)` (WebAssembly), in Node only: its hasher is created asynchronously, so the module
 *   starts creating it when loaded and switches to it once it is ready and agrees with noble on a self-test (a few
 *   milliseconds after start; `keccakReady()` resolves then). Both give identical digests; tests check both
 *   against viem's keccak256.
 *
 * Why not noble alone: the sheets-already-verified pipeline hashes about 75 blocks per dossier (canonical dossier,
 * 11 value hashes, 11 double-hashed leaves, 10 nodes, 5 sheets, the panel), and noble costs about 10 µs per 32-byte
 * hash here against hash-wasm's 0.7 µs: noble alone would take the pipeline below its 2,000 dossiers/s target
 * (figures: bench/results/scoring.json, `keccak`). Why not hash-wasm in the browser: the dApp hashes a few dozen
 * values per disclosure, and without WebAssembly its Content-Security-Policy needs no 'wasm-unsafe-eval'.
 * EIP-712 hashing of foreign domains and signature recovery stay with viem.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import type { IHasher } from "hash-wasm";
import type { Hex } from "viem";

export type KeccakBackend = "hash-wasm" | "noble";

/** The WebAssembly hasher once created (Node only), else null. */
let wasmHasher: IHasher | null = null;
let backend: KeccakBackend = "noble";

function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === "string";
}

/** hash-wasm's hasher if it loads and computes what noble computes (rate-boundary lengths), else null. */
async function loadWasm(): Promise<IHasher | null> {
  if (!inNode() || typeof WebAssembly !== "object") return null;
  try {
    const { createKeccak } = await import("hash-wasm");
    const h = await createKeccak(256);
    for (const len of [0, 32, 135, 136, 137, 300]) {
      const data = Uint8Array.from({ length: len }, (_, i) => (i * 151 + len) & 0xff);
      const a = h.init().update(data).digest("binary");
      const b = keccak_256(data);
      for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return null;
    }
    return h;
  } catch {
    return null;
  }
}

const ready: Promise<KeccakBackend> = loadWasm().then((h) => {
  wasmHasher = h;
  if (h) backend = "hash-wasm";
  return backend;
});

/** Resolves, with the backend then in use, once the WebAssembly hasher is in use or known to be unavailable. */
export function keccakReady(): Promise<KeccakBackend> {
  return ready;
}

/** Which library hashes now. */
export function keccakBackend(): KeccakBackend {
  return backend;
}

/** Tests and the benchmark switch between the two libraries; "hash-wasm" only once keccakReady() has resolved with it. */
export function useKeccakBackend(kind: KeccakBackend): void {
  if (kind === "hash-wasm" && !wasmHasher) throw new Error("hash-wasm keccak is not available here (not Node, or not loaded yet: await keccakReady())");
  backend = kind;
}

const encoder = new TextEncoder();
/** Scratch for UTF-8 text; grown on demand, never shrunk (a dossier's JSON is a few kilobytes). */
let textBuf = new Uint8Array(8192);

/** keccak-256 of data[0 … length) into out[at … at + 32). Synchronous and not re-entrant (no callbacks). */
export function keccakInto(data: Uint8Array, length: number, out: Uint8Array, at = 0): void {
  const input = length === data.length ? data : data.subarray(0, length);
  const h = backend === "hash-wasm" ? wasmHasher : null;
  out.set(h ? h.init().update(input).digest("binary") : keccak_256(input), at);
}

export function keccakBytes(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  keccakInto(data, data.length, out);
  return out;
}

export function keccakHex(data: Uint8Array): Hex {
  keccakInto(data, data.length, digestBuf);
  return bytesToHex(digestBuf);
}
const digestBuf = new Uint8Array(32);

/**
 * Writes the UTF-8 of text into out at `at` and returns the byte count; out must have room for
 * 3 × text.length bytes there (the most UTF-8 needs per UTF-16 code unit).
 */
export function utf8Into(text: string, out: Uint8Array, at: number): number {
  const len = text.length;
  // long text: the native encoder; short text: a loop is cheaper than the call (most of it is ASCII)
  if (len > 64) return encoder.encodeInto(text, out.subarray(at)).written;
  let n = 0;
  for (; n < len; n++) {
    const c = text.charCodeAt(n);
    if (c >= 0x80) break;
    out[at + n] = c;
  }
  if (n === len) return n;
  return n + encoder.encodeInto(text.slice(n), out.subarray(at + n)).written;
}

/** UTF-8 of text in the shared scratch buffer; valid until the next call. */
function encodeScratch(text: string): number {
  if (3 * text.length > textBuf.length) textBuf = new Uint8Array(Math.max(3 * text.length, 2 * textBuf.length));
  return utf8Into(text, textBuf, 0);
}

export function keccakUtf8(text: string): Hex {
  const n = encodeScratch(text); // first: it may replace textBuf
  keccakInto(textBuf, n, digestBuf);
  return bytesToHex(digestBuf);
}

/** keccak-256 of the UTF-8 of text into out[at … at + 32). */
export function keccakUtf8Into(text: string, out: Uint8Array, at = 0): void {
  const n = encodeScratch(text); // first: it may replace textBuf
  keccakInto(textBuf, n, out, at);
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** ASCII codes of the two hex digits of each byte value: HEX_CODES[2b], HEX_CODES[2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, "0");
  HEX_CODES[2 * b] = h.charCodeAt(0);
  HEX_CODES[2 * b + 1] = h.charCodeAt(1);
}
/** Reused char codes; String.fromCharCode over a plain array builds the string in one flat piece. */
const hexChars: number[] = [48, 120];

export function bytesToHex(bytes: Uint8Array): Hex {
  return hexOf(bytes, 0, bytes.length);
}

/** Hex of bytes[start … end). */
export function hexOf(bytes: Uint8Array, start: number, end: number): Hex {
  const chars = hexChars;
  chars.length = 2 + 2 * (end - start);
  for (let i = start, k = 2; i < end; i++, k += 2) {
    const v = bytes[i]!;
    chars[k] = HEX_CODES[2 * v]!;
    chars[k + 1] = HEX_CODES[2 * v + 1]!;
  }
  // in chunks: apply() takes its arguments on the stack
  if (chars.length <= 8192) return String.fromCharCode.apply(null, chars) as Hex;
  let s = "";
  for (let i = 0; i < chars.length; i += 8192) s += String.fromCharCode.apply(null, chars.slice(i, i + 8192));
  return s as Hex;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new Error("not a hex digit");
}

/** Caller guarantees a well-formed 0x-hex string (schemas check it at the boundary). */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array((hex.length - 2) >> 1);
  hexInto(hex, out, 0);
  return out;
}

/** Writes the bytes of a well-formed 0x-hex string into out at `at`. */
export function hexInto(hex: string, out: Uint8Array, at: number): void {
  const n = (hex.length - 2) >> 1;
  for (let i = 0, j = 2; i < n; i++, j += 2) out[at + i] = (nibble(hex.charCodeAt(j)) << 4) | nibble(hex.charCodeAt(j + 1));
}
