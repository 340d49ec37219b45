/**
 * Benchmark anchor only: "hand-written keccak (removed)", the engine's keccak-256 before issue #10 (commit
 * 3640383, scoring/commit/keccak.ts + keccakf.wasm.ts): a sponge with one reused state over a Keccak-f[1600]
 * generated as a 1.5 kB WebAssembly module with 64-bit lanes (the generated unrolled-JS fallback, never used in
 * Node, is not kept). Never imported by the engine: bench/scoring.ts loads a second copy of the engine with this
 * module in place of scoring/commit/keccak.ts, to measure the old engine beside the new one in the same run.
 * Exports the same names as scoring/commit/keccak.ts (the hex and UTF-8 helpers are the engine's own).
 */
import type { Hex } from "viem";
import { bytesToHex, utf8Into } from "../../scoring/commit/keccak";

export { bytesToHex, hexInto, hexOf, hexToBytes, utf8, utf8Into } from "../../scoring/commit/keccak";

/** The generated Keccak-f[1600] (keccakf.gen.ts, removed), WebAssembly (base64): exports memory (state at 0) and permute(). */
const KECCAK_F_WASM_BASE64 =
  "AGFzbQEAAAABBAFgAAADAgEABQMBAAEHFAIGbWVtb3J5AgAHcGVybXV0ZQAACtYIAdMIAjx+AX9BACkDACEAQQApAwghAUEAKQMQ" +
  "IQJBACkDGCEDQQApAyAhBEEAKQMoIQVBACkDMCEGQQApAzghB0EAKQNAIQhBACkDSCEJQQApA1AhCkEAKQNYIQtBACkDYCEMQQAp" +
  "A2ghDUEAKQNwIQ5BACkDeCEPQQApA4ABIRBBACkDiAEhEUEAKQOQASESQQApA5gBIRNBACkDoAEhFEEAKQOoASEVQQApA7ABIRZB" +
  "ACkDuAEhF0EAKQPAASEYQQAhPANAIAAgBYUgCoUgD4UgFIUhMiABIAaFIAuFIBCFIBWFITMgAiAHhSAMhSARhSAWhSE0IAMgCIUg" +
  "DYUgEoUgF4UhNSAEIAmFIA6FIBOFIBiFITYgNiAzQgGJhSE3IDIgNEIBiYUhOCAzIDVCAYmFITkgNCA2QgGJhSE6IDUgMkIBiYUh" +
  "OyAAIDeFIRkgASA4hUIBiSEjIAIgOYVCPokhLSADIDqFQhyJIR4gBCA7hUIbiSEoIAUgN4VCJIkhKSAGIDiFQiyJIRogByA5hUIG" +
  "iSEkIAggOoVCN4khLiAJIDuFQhSJIR8gCiA3hUIDiSEgIAsgOIVCCokhKiAMIDmFQiuJIRsgDSA6hUIZiSElIA4gO4VCJ4khLyAP" +
  "IDeFQimJITAgECA4hUItiSEhIBEgOYVCD4khKyASIDqFQhWJIRwgEyA7hUIIiSEmIBQgN4VCEokhJyAVIDiFQgKJITEgFiA5hUI9" +
  "iSEiIBcgOoVCOIkhLCAYIDuFQg6JIR0gGSAaQn+FIBuDhSEAIBogG0J/hSAcg4UhASAbIBxCf4UgHYOFIQIgHCAdQn+FIBmDhSED" +
  "IB0gGUJ/hSAag4UhBCAeIB9Cf4UgIIOFIQUgHyAgQn+FICGDhSEGICAgIUJ/hSAig4UhByAhICJCf4UgHoOFIQggIiAeQn+FIB+D" +
  "hSEJICMgJEJ/hSAlg4UhCiAkICVCf4UgJoOFIQsgJSAmQn+FICeDhSEMICYgJ0J/hSAjg4UhDSAnICNCf4UgJIOFIQ4gKCApQn+F" +
  "ICqDhSEPICkgKkJ/hSArg4UhECAqICtCf4UgLIOFIREgKyAsQn+FICiDhSESICwgKEJ/hSApg4UhEyAtIC5Cf4UgL4OFIRQgLiAv" +
  "Qn+FIDCDhSEVIC8gMEJ/hSAxg4UhFiAwIDFCf4UgLYOFIRcgMSAtQn+FIC6DhSEYIAAgPCkDgAKFIQAgPEEIaiI8QcABRw0AC0EA" +
  "IAA3AwBBACABNwMIQQAgAjcDEEEAIAM3AxhBACAENwMgQQAgBTcDKEEAIAY3AzBBACAHNwM4QQAgCDcDQEEAIAk3A0hBACAKNwNQ" +
  "QQAgCzcDWEEAIAw3A2BBACANNwNoQQAgDjcDcEEAIA83A3hBACAQNwOAAUEAIBE3A4gBQQAgEjcDkAFBACATNwOYAUEAIBQ3A6AB" +
  "QQAgFTcDqAFBACAWNwOwAUEAIBc3A7gBQQAgGDcDwAELC8gBAQBBgAILwAEBAAAAAAAAAIKAAAAAAAAAioAAAAAAAIAAgACAAAAA" +
  "gIuAAAAAAAAAAQAAgAAAAACBgACAAAAAgAmAAAAAAACAigAAAAAAAACIAAAAAAAAAAmAAIAAAAAACgAAgAAAAACLgACAAAAAAIsA" +
  "AAAAAACAiYAAAAAAAIADgAAAAAAAgAKAAAAAAACAgAAAAAAAAIAKgAAAAAAAAAoAAIAAAACAgYAAgAAAAICAgAAAAAAAgAEAAIAA" +
  "AAAACIAAgAAAAIA=";

const RATE = 136;
const RATE_WORDS = 34;

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const instance = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(KECCAK_F_WASM_BASE64)));
/** the 25 lanes as 50 little-endian 32-bit halves */
const state = new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer, 0, 50);
const permute = instance.exports.permute as () => void;

/** Calls of keccakInto, so the benchmark can check the anchor engine really hashed with this module. */
export let anchorCalls = 0;

export function keccakBackend(): "hand-written" {
  return "hand-written";
}

export function keccakReady(): Promise<"hand-written"> {
  return Promise.resolve("hand-written");
}

export function useKeccakBackend(): void {
  throw new Error("the hand-written anchor has one backend");
}

let textBuf = new Uint8Array(8192);

export function keccakInto(data: Uint8Array, length: number, out: Uint8Array, at = 0): void {
  anchorCalls++;
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

const digestBuf = new Uint8Array(32);

export function keccakHex(data: Uint8Array): Hex {
  keccakInto(data, data.length, digestBuf);
  return bytesToHex(digestBuf);
}

function encodeScratch(text: string): number {
  if (3 * text.length > textBuf.length) textBuf = new Uint8Array(Math.max(3 * text.length, 2 * textBuf.length));
  return utf8Into(text, textBuf, 0);
}

export function keccakUtf8(text: string): Hex {
  const n = encodeScratch(text);
  keccakInto(textBuf, n, digestBuf);
  return bytesToHex(digestBuf);
}

export function keccakUtf8Into(text: string, out: Uint8Array, at = 0): void {
  const n = encodeScratch(text);
  keccakInto(textBuf, n, out, at);
}
