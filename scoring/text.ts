/**
 * Text that people type and others read: names, employers, notes, statements. Two rules, for every such field:
 *
 * 1. Unicode NFC. "张" typed on one keyboard and "张" pasted from a PDF may differ in code points; a hash or a
 *    comparison must not. Text the workbench stores and hashes is normalised to NFC; text someone signed (a score
 *    sheet) must already be NFC, since normalising it would break the signature.
 * 2. No invisible characters. Bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width
 *    characters (U+200B–U+200D, U+2060, U+FEFF), NUL and every other control or format character (Unicode Cc, Cf),
 *    lone surrogates and noncharacters are refused with a field error: they let "王五" display as another name or
 *    hide text from a reviewer. Multi-line fields allow line feed and tab, nothing else of the kind.
 */
import { z } from "zod";
import { encodeMessage } from "./errors";

const FORBIDDEN_LINE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\uFDD0-\uFDEF\uFFFE\uFFFF]/u;
const FORBIDDEN_MULTILINE = /[\p{Cf}\p{Cs}\p{Co}\uFDD0-\uFDEF\uFFFE\uFFFF]|[^\P{Cc}\n\t]/u;

const msg = (zh: string, en: string) => encodeMessage({ zh, en });

/** The first forbidden character of `s` as "U+XXXX", or null. */
export function forbiddenCharacter(s: string, multiline = false): string | null {
  const m = (multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_LINE).exec(s);
  if (!m) return null;
  return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

export interface TextOptions {
  min?: number;
  max: number;
  /** line feeds and tabs allowed (notes, statements, descriptions) */
  multiline?: boolean;
}

function checked(o: TextOptions) {
  return z.string().superRefine((s, ctx) => {
    const bad = forbiddenCharacter(s, o.multiline);
    if (bad) ctx.addIssue({ code: "custom", message: msg(`包含不可见字符或控制字符（${bad}），请删除后重试`, `contains an invisible or control character (${bad}): remove it`) });
    const n = [...s.normalize("NFC")].length;
    if (o.min !== undefined && n < o.min) ctx.addIssue({ code: "custom", message: o.min === 1 ? msg("不能为空", "must not be empty") : msg(`至少 ${o.min} 个字符`, `at least ${o.min} characters`) });
    if (n > o.max) ctx.addIssue({ code: "custom", message: msg(`最多 ${o.max} 个字符`, `at most ${o.max} characters`) });
  });
}

/** Free text the workbench stores: checked, then normalised to NFC. */
export const text = (o: TextOptions) => checked(o).transform((s) => s.normalize("NFC"));

/** Text inside something signed: checked, and refused unless already NFC (normalising would break the signature). */
export const signedText = (o: TextOptions) =>
  checked(o).refine((s) => s === s.normalize("NFC"), { message: msg("文本须为 Unicode NFC 规范形式", "text must be in Unicode NFC form") });
