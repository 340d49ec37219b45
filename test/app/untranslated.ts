/**
 * The one check of issue #14 that a Chinese page shows no untranslated text: every run of Latin letters (two or
 * more letters: `issued`, `in-notice`, `dossier`, enum names, `SIWE`, `Injected`, `undefined`, `NaN`,
 * `Invalid Date`, `.json`, camelCase identifiers …) is reported, except what a Chinese page legitimately shows in
 * Latin letters: the short, explained list of TERMS below, values that are data, not words (DATA: hex addresses
 * and hashes, URLs, dossier, assessor and credit-code numbers, versioned identifiers), what the page marks
 * translate="no" or lang="en", and strings the test names as stored data (a body's name on chain).
 * `untranslatedIn(text)` finds them; `expectTranslated(page, name)` asserts a page has none and names each one
 * with the text around it.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { clientFor } from "../server/helpers";
import type { World } from "./harness";

/** Latin-letter terms a Chinese page may show, each with why; everything else in Latin letters is untranslated. */
export const TERMS: Readonly<Record<string, string>> = {
  "ERC-721": "the token standard's name: it has no Chinese name, Chinese documentation writes it so",
  "ERC-5192": "the soulbound-token standard's name, likewise",
  JSON: "the format a signing-key consent is pasted in (the association's form says 这不是 JSON): no Chinese name",
  PDF: "a file format named where evidence may be attached or downloaded",
  OFD: "the Chinese national e-document format (版式文档), always written OFD",
  PNG: "an image format named beside the evidence field",
  JPEG: "likewise",
  WebP: "likewise",
  "SHA-256": "the hash an evidence file is named by, printed beside the hash itself",
  "Keccak-256": "the hash the association's sampling is drawn with, named so anyone can redo it",
  GB: "the prefix of a national standard's number (GB 11643, the ID number's check digit): always written GB",
};
// Decided against, so reported when they reach a Chinese page: EIP-712 (say 结构化签名 or nothing: the clerk
// signs a statement, the standard is the wallet's business), SIWE (以太坊钱包登录), QR (二维码), ID (编号).

/** Data a page shows as it is, not words: taken out before words are looked for. */
const DATA: readonly RegExp[] = [
  // URLs, any scheme (https://, ipfs://)
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s，。；）)]+/g,
  // addresses and hashes: 0x hex, whole or shortened with "…"; bare hashes (16+ hex digits, a digit among them)
  /\b0x[0-9a-fA-F]+(?:…[0-9a-fA-F]*)?/g,
  /…[0-9a-fA-F]{3,}\b/g,
  /\b(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/g,
  // numbers with a letter prefix: dossier numbers (HN-2026-000003, the search field's "HN-…"), assessor numbers
  // (EXP-0001), training certificate numbers (HNCQO-T-0009203): capitals, then parts ending in a run of 4+ digits
  // (so EIP-712 is still a word)
  /\b[A-Z]{1,6}(?:-[A-Z]{1,3})*(?:-(?:\d{4,}|…))+/g,
  // a unified social credit code (统一社会信用代码, GB 32100): 18 characters of its alphabet
  /\b(?=[0-9A-Z]*\d)[0-9A-HJ-NP-RTUWXY]{18}\b/g,
  // identifiers with a version: a rulebook (hn-cqo-default@2024.1), a declaration's text (hn-cqo-integrity/1);
  // a version number (2024.1, 2023.9-example)
  /\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?:@\d[\w.-]*|\/\d+)/g,
  /\b\d+(?:\.\d+)+(?:-[a-z0-9]+)*\b/g,
];

/** a run of Latin letters, joined across - _ . ' and digits, with a leading dot for a file extension */
const WORD = /\.?[A-Za-z][A-Za-z0-9]*(?:[-_.'’][A-Za-z0-9]+)*/g;

/** One untranslated bit: the word as it stands and the text around it. */
export interface Untranslated {
  word: string;
  context: string;
}

/**
 * The untranslated bits of a Chinese page's visible text, in the order they appear; `data` are strings the page
 * shows as they are stored (a body's name as registered on chain), taken out like the patterns above.
 */
export function untranslatedIn(text: string, data: readonly string[] = []): Untranslated[] {
  // keep offsets: data is blanked out with spaces of the same length
  let cleaned = text;
  for (const d of data.filter((x) => x.length > 0)) cleaned = cleaned.split(d).join(" ".repeat(d.length));
  for (const re of DATA) cleaned = cleaned.replace(re, (m) => " ".repeat(m.length));
  const found: Untranslated[] = [];
  for (const m of cleaned.matchAll(WORD)) {
    const word = m[0].replace(/[.'’]+$/, "");
    if ((word.match(/[A-Za-z]/g) ?? []).length < 2) continue;
    if (word in TERMS) continue;
    const at = m.index ?? 0;
    const context = text.slice(Math.max(0, at - 20), at + word.length + 20).replace(/\s+/g, " ");
    found.push({ word, context });
  }
  return found;
}

/**
 * The page's visible text as a reader of Chinese sees it: `innerText` of `selector` (the whole body by default:
 * header, page and footer), without what the page marks as not to be translated — `lang="en"` (the language
 * switch's "English") and `translate="no"` (HTML's own mark, for data shown as it is: a wallet's name, a field's
 * path in the sdk) — with the placeholders of its fields.
 */
export async function visibleText(page: Page, selector = "body"): Promise<string> {
  return page.evaluate((sel) => {
    const root = document.querySelector<HTMLElement>(sel);
    if (!root) return "";
    let text = root.innerText;
    for (const el of Array.from(root.querySelectorAll<HTMLElement>('[lang^="en"], [translate="no"]'))) {
      const own = el.innerText;
      if (own) text = text.replace(own, " ");
    }
    const placeholders = Array.from(root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input[placeholder], textarea[placeholder]"))
      .filter((el) => !el.closest('[translate="no"]'))
      .map((el) => el.placeholder);
    return [text, ...placeholders].join("\n");
  }, selector);
}

/** What the page shows as it is stored (see untranslatedIn), and the part of the page to read (default: body). */
export interface Reading {
  data?: readonly string[];
  selector?: string;
}

/** The untranslated bits of the Chinese page as it stands, each as `"word" in “context”` (none: []). */
export async function untranslatedOn(page: Page, name: string, reading: Reading = {}): Promise<string[]> {
  const text = await visibleText(page, reading.selector);
  expect(text.trim().length, `${name}: the page has no text`).to.be.greaterThan(20);
  return untranslatedIn(text, reading.data).map((f) => `"${f.word}" in “${f.context}”`);
}

/** Asserts that the Chinese page has no untranslated text; the failure lists each word with the text around it. */
export async function expectTranslated(page: Page, name: string, reading: Reading = {}): Promise<void> {
  const found = await untranslatedOn(page, name, reading);
  expect(found, `${name} (zh) shows untranslated text:\n  ${found.join("\n  ")}\n`).to.deep.equal([]);
}

/** Every body's name as its on-chain metadata states it (inline JSON): data a page shows as registered. */
export async function bodyNamesOnChain(world: World): Promise<string[]> {
  const bodies = await clientFor(world.rpcUrl, world.deployment).listBodies();
  return bodies.flatMap((b) => {
    const m = /^data:application\/json(?:;charset=[^,;]+)?,(.*)$/s.exec(b.metadataURI);
    if (!m) return [];
    try {
      const name = (JSON.parse(decodeURIComponent(m[1]!)) as { name?: unknown }).name;
      return typeof name === "string" ? [name] : [];
    } catch {
      return [];
    }
  });
}
