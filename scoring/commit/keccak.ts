/**
 * keccak-256 for the hot path: a sponge with one reused state over Keccak-f[1600] generated from the
 * FIPS 202 definitions by keccakf.gen.ts, as a small WebAssembly module with native 64-bit lanes
 * (keccakf.wasm.ts, about 0.3 µs per permutation) and as unrolled JS (keccakf.ts, about 1.7 µs), the JS
 * one used wherever WebAssembly cannot be instantiated. Both compute exactly viem's and js-sha3's
 * keccak256 (property tests check both permutations). A dossier's record needs about 75 permutations;
 * with js-sha3 they were a third of the sheets-already-verified pipeline. EIP-712 hashing of foreign
 * domains and signature recovery stay with viem.
 */
import type { Hex } from "viem";
import { keccakF1600 } from "./keccakf";
import { KECCAK_F_WASM_BASE64 } from "./keccakf.wasm";

/** Rate of keccak-256 in bytes (1600 - 2·256 bits) and in 32-bit words. */
const RATE = 136;
const RATE_WORDS = 34;

interface Permutation {
  /** the 25 lanes as 50 little-endian 32-bit halves */
  state: Int32Array;
  permute: () => void;
  kind: "wasm" | "js";
}

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function jsPermutation(): Permutation {
  const state = new Int32Array(50);
  return { state, permute: () => keccakF1600(state), kind: "js" };
}

/**
 * The WebAssembly permutation (64-bit lanes, several times faster than any JS one), or null where
 * WebAssembly is unavailable or forbidden (a strict Content-Security-Policy), on big-endian hosts, or if it
 * disagrees with the JS permutation on a self-test: the JS one is then used, with identical results.
 */
export function wasmPermutation(): Permutation | null {
  try {
    if (typeof WebAssembly !== "object" || new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(KECCAK_F_WASM_BASE64)));
    const memory = instance.exports.memory as WebAssembly.Memory;
    const permute = instance.exports.permute as () => void;
    const p: Permutation = { state: new Int32Array(memory.buffer, 0, 50), permute, kind: "wasm" };
    const ref = jsPermutation();
    for (let i = 0; i < 50; i++) p.state[i] = ref.state[i] = Math.imul(i + 1, 0x9e3779b9);
    p.permute();
    ref.permute();
    for (let i = 0; i < 50; i++) if (p.state[i] !== ref.state[i]) return null;
    return p;
  } catch {
    return null;
  }
}

let perm: Permutation = wasmPermutation() ?? jsPermutation();
let state = perm.state;
let permute = perm.permute;

/** Which permutation the sponge uses; tests switch to run both. */
export function keccakBackend(): "wasm" | "js" {
  return perm.kind;
}

export function useKeccakBackend(kind: "wasm" | "js"): void {
  const p = kind === "wasm" ? wasmPermutation() : jsPermutation();
  if (!p) throw new Error("WebAssembly keccak is not available here");
  perm = p;
  state = p.state;
  permute = p.permute;
}
const encoder = new TextEncoder();
/** Scratch for UTF-8 text; grown on demand, never shrunk (a dossier's JSON is a few kilobytes). */
let textBuf = new Uint8Array(8192);

/** keccak-256 of data[0 … length) into out[at … at + 32). Synchronous and not re-entrant (no callbacks). */
export function keccakInto(data: Uint8Array, length: number, out: Uint8Array, at = 0): void {
  const s = state;
  s.fill(0);
  let o = 0;
  while (length - o >= RATE) {
    for (let w = 0; w < RATE_WORDS; w++, o += 4) s[w]! ^= data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    permute();
  }
  // last (possibly empty) block, padded with Keccak's 0x01 … 0x80
  let w = 0;
  for (; o + 4 <= length; w++, o += 4) s[w]! ^= data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
  let word = 0;
  let shift = 0;
  for (; o < length; o++, shift += 8) word |= data[o]! << shift;
  s[w]! ^= word | (0x01 << shift);
  s[RATE_WORDS - 1]! ^= 0x80 << 24;
  permute();
  for (let i = 0; i < 8; i++) {
    const v = s[i]!;
    const j = at + 4 * i;
    out[j] = v;
    out[j + 1] = v >>> 8;
    out[j + 2] = v >>> 16;
    out[j + 3] = v >>> 24;
  }
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
