/**
 * The EIP-712 digest of a panel sheet, computed from PANEL_SHEET_TYPES with cached type hashes and the
 * fast keccak. viem's hashTypedData gives the same bytes (a property test checks it) but re-derives and
 * re-validates the types on every call, which made sheet hashing cost about as much as everything else in
 * the pipeline together. Signature recovery itself stays with viem.
 */
import { hashTypedData, type Hex, type TypedDataDomain } from "viem";
import { hexToBytes, keccakBytes, keccakHex, utf8 } from "../commit/keccak";
import type { PanelSheet } from "./schema";
import { PANEL_SHEET_DOMAIN, PANEL_SHEET_TYPES, panelSheetMessage, panelSheetTypedData } from "./typedData";

type Field = { readonly name: string; readonly type: string };

function encodeType(name: string, fields: readonly Field[]): string {
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

// PanelSheet references IndicatorScore only, so the EIP-712 encodeType is the two definitions in order.
const SHEET_TYPEHASH = keccakBytes(utf8(encodeType("PanelSheet", PANEL_SHEET_TYPES.PanelSheet) + encodeType("IndicatorScore", PANEL_SHEET_TYPES.IndicatorScore)));
const SCORE_TYPEHASH = keccakBytes(utf8(encodeType("IndicatorScore", PANEL_SHEET_TYPES.IndicatorScore)));
const DOMAIN_TYPEHASH = keccakBytes(utf8("EIP712Domain(string name,string version)"));

function words(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32 * parts.length);
  parts.forEach((p, i) => out.set(p, 32 * i + (32 - p.length)));
  return out;
}

function uint(n: number): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31, v = n; v > 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

const strHash = (s: string) => keccakBytes(utf8(s));

const DEFAULT_SEPARATOR = keccakBytes(words([DOMAIN_TYPEHASH, strHash(PANEL_SHEET_DOMAIN.name), strHash(PANEL_SHEET_DOMAIN.version)]));

export function panelSheetDigest(sheet: Omit<PanelSheet, "signature">, domain: TypedDataDomain = PANEL_SHEET_DOMAIN): Hex {
  // other domains (with chainId / verifyingContract) are rare: let viem handle them
  if (domain !== PANEL_SHEET_DOMAIN) return hashTypedData(panelSheetTypedData(sheet, domain));
  const m = panelSheetMessage(sheet);
  const scoreHashes = m.scores.map((s) => keccakBytes(words([SCORE_TYPEHASH, strHash(s.indicator), uint(s.points)])));
  const structHash = keccakBytes(
    words([
      SHEET_TYPEHASH,
      hexToBytes(m.rulebook),
      hexToBytes(m.dossier),
      strHash(m.assessorId),
      hexToBytes(m.assessor),
      strHash(m.assessorEmployer),
      keccakBytes(words(scoreHashes)),
      strHash(m.comments),
      strHash(m.signedOn),
    ]),
  );
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(DEFAULT_SEPARATOR, 2);
  buf.set(structHash, 34);
  return keccakHex(buf);
}
