import canonicalize from "canonicalize";
import type { Hex } from "viem";
import { keccakUtf8 } from "../commit/keccak";
import type { Rulebook } from "./schema";

/**
 * The rulebook's identity: keccak-256 of its RFC 8785 canonical JSON (UTF-8). The registry on chain stores
 * the same value, so key order and whitespace in the file never change which rulebook was used.
 */
export function rulebookHash(rulebook: Rulebook): Hex {
  return keccakUtf8(canonical(rulebook));
}

/** RFC 8785 text of a JSON value; the values we hash never contain undefined, so this always yields text. */
export function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no JSON representation");
  return text;
}
