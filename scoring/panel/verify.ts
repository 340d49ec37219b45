/**
 * Which sheets may count. A sheet is refused (with every reason) when it is unsigned, signed by someone
 * else, written for another dossier or rulebook, scores the wrong indicators, comes from the applicant's
 * employer (conflict of interest) or repeats an assessor. Refusal is part of the evaluation record, not an
 * error: the panel goes on with the sheets that remain.
 *
 * What "repeats an assessor" and "the assessor's employer" mean is the rulebook's (rulebook/rules.ts): under a
 * rulebook/2 an identical signed sheet counts once, two different ones from one assessor are both refused, and
 * the employer is the one the body registered (SheetContext.registered).
 */
import { isAddressEqual, recoverAddress, type Address, type Hex, type TypedDataDomain } from "viem";
import type { Dossier } from "../dossier/schema";
import { msg, type Message } from "../errors";
import { hexToBytes, keccakHex } from "../commit/keccak";
import { rulesOf, type Rules } from "../rulebook/rules";
import type { Rulebook } from "../rulebook/schema";
import type { AssessorLookup } from "./registry";
import type { PanelSheet } from "./schema";
import { panelSheetDigest } from "./digest";
import { PANEL_SHEET_DOMAIN } from "./typedData";

export interface VerifiedSheet {
  sheet: PanelSheet;
  /** EIP-712 digest the assessor signed */
  digest: Hex;
  /** keccak256(digest ‖ signature): the hash of the signed sheet that the panel commitment covers */
  sheetHash: Hex;
  signer: Address;
}

export interface RefusedSheet {
  /** EIP-712 digest of the refused sheet: identifies it without depending on input order */
  digest: Hex;
  assessorId: string;
  reasons: Message[];
}

export interface IdenticalCopies {
  /** EIP-712 digest shared by the copies */
  digest: Hex;
  assessorId: string;
  /** how many times the sheet was handed in; it counts once */
  copies: number;
}

export interface PanelCheck {
  accepted: VerifiedSheet[];
  refused: RefusedSheet[];
  /** sheets handed in more than once, identical (rulebook/2 only; absent otherwise) */
  identical?: IdenticalCopies[];
}

export interface SheetContext {
  rulebook: Rulebook;
  rulebookHash: Hex;
  dossier: Dossier;
  dossierHash: Hex;
  domain?: TypedDataDomain;
  /** the body's register of assessors: required by a rulebook/2 (the employer that counts is the registered one) */
  registered?: AssessorLookup;
}

/** Checks that need no cryptography; shared by the verifying and the pre-verified paths. */
export function sheetContentProblems(ctx: SheetContext, sheet: PanelSheet): Message[] {
  const reasons: Message[] = [];
  if (sheet.rulebook !== ctx.rulebookHash) reasons.push(msg("评分表所依据的评价方案与本次不同", "the sheet was written for another rulebook"));
  if (sheet.dossier !== ctx.dossierHash) reasons.push(msg("评分表针对的是另一份申报材料", "the sheet was written for another dossier"));
  let employer: string | null = sheet.assessor.employerUscc;
  if (rulesOf(ctx.rulebook).employer === "registered") {
    const reg = ctx.registered?.(sheet.assessor.address);
    if (!reg) {
      employer = null;
      reasons.push(msg("该评审专家未在认定主体登记，无法核对其工作单位", "the assessor is not in the body's register: their employer cannot be checked"));
    } else {
      if (reg.id !== sheet.assessor.id) reasons.push(msg(`专家编号与登记的 ${reg.id} 不符`, `the assessor id differs from the registered ${reg.id}`));
      if (reg.employerUscc !== sheet.assessor.employerUscc) reasons.push(msg("评分表所填工作单位与认定主体登记的不符", "the sheet declares an employer other than the one the body registered"));
      employer = reg.employerUscc;
    }
  }
  if (employer === ctx.dossier.employer.uscc) {
    reasons.push(msg("利益冲突：评审专家与申报人同属一个单位", "conflict of interest: the assessor works for the applicant's employer"));
  }
  const expected = panelIndicatorMax(ctx.rulebook);
  for (const [id, max] of expected) {
    const v = sheet.scores[id];
    if (v === undefined) reasons.push(msg(`缺少指标 "${id}" 的评分`, `no score for indicator "${id}"`));
    else if (v > max) reasons.push(msg(`指标 "${id}" 评分 ${v} 超过满分 ${max}`, `score ${v} for "${id}" exceeds its max ${max}`));
  }
  for (const id of Object.keys(sheet.scores)) {
    if (!expected.has(id)) reasons.push(msg(`"${id}" 不是由专家评分的指标`, `"${id}" is not a panel-scored indicator`));
  }
  return reasons;
}

const panelMaxCache = new WeakMap<Rulebook, Map<string, number>>();

export function panelIndicatorMax(rb: Rulebook): Map<string, number> {
  let m = panelMaxCache.get(rb);
  if (!m) {
    m = new Map();
    for (const d of rb.dimensions) for (const i of d.indicators) if (i.scoring.method === "panel") m.set(i.id, i.max);
    panelMaxCache.set(rb, m);
  }
  return m;
}

export async function verifySheets(ctx: SheetContext, sheets: readonly PanelSheet[]): Promise<PanelCheck> {
  const domain = ctx.domain ?? PANEL_SHEET_DOMAIN;
  const checked = await Promise.all(
    sheets.map(async (sheet) => {
      const reasons = sheetContentProblems(ctx, sheet);
      const digest = panelSheetDigest(sheet, domain);
      let signer: Address | null = null;
      if (sheet.signature === undefined) {
        reasons.push(msg("评分表未签名", "the sheet is not signed"));
      } else {
        try {
          signer = await recoverAddress({ hash: digest, signature: sheet.signature as Hex });
          if (!isAddressEqual(signer, sheet.assessor.address as Address)) {
            reasons.push(msg("签名不是该评审专家所签", "the signature is not the assessor's"));
          }
        } catch {
          reasons.push(msg("签名无法解析", "the signature cannot be recovered"));
        }
      }
      return { sheet, digest, signer, reasons };
    }),
  );
  return sortOut(checked, rulesOf(ctx.rulebook));
}

/**
 * For sheets whose signatures were already verified when they were received (a workbench verifies on
 * upload): the same content checks, no signature recovery. The caller vouches for the signatures.
 */
export function trustVerifiedSheets(ctx: SheetContext, sheets: readonly { sheet: PanelSheet; digest: Hex }[]): PanelCheck {
  return sortOut(
    sheets.map(({ sheet, digest }) => ({
      sheet,
      digest,
      signer: sheet.assessor.address as Address,
      reasons: sheetContentProblems(ctx, sheet),
    })),
    rulesOf(ctx.rulebook),
  );
}

type Checked = { sheet: PanelSheet; digest: Hex; signer: Address | null; reasons: Message[] };

const byHex = <T>(key: (x: T) => Hex) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

function sheetHashOf(digest: Hex, signature: string): Hex {
  const sig = hexToBytes(signature);
  const buf = new Uint8Array(32 + sig.length);
  buf.set(hexToBytes(digest), 0);
  buf.set(sig, 32);
  return keccakHex(buf);
}

const assessorKeys = (s: PanelSheet) => [`id:${s.assessor.id}`, `addr:${s.assessor.address.toLowerCase()}`];

function sortOut(checked: Checked[], rules: Rules): PanelCheck {
  return rules.identicalSheets === "count-once" ? sortOutOnce(checked) : sortOutLegacy(checked);
}

/** rulebook/1: of two sheets by one assessor both are refused, whatever they are, so which "came first" never matters. */
function sortOutLegacy(checked: Checked[]): PanelCheck {
  const accepted: VerifiedSheet[] = [];
  const refused: RefusedSheet[] = [];
  const counts = new Map<string, number>();
  for (const c of checked) for (const key of assessorKeys(c.sheet)) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const c of checked) {
    const reasons = [...c.reasons];
    const dup = assessorKeys(c.sheet).some((k) => (counts.get(k) ?? 0) > 1);
    if (dup) reasons.push(msg("同一评审专家提交了多份评分表", "the same assessor submitted more than one sheet"));
    if (reasons.length || c.signer === null || c.sheet.signature === undefined) {
      refused.push({ digest: c.digest, assessorId: c.sheet.assessor.id, reasons });
      continue;
    }
    accepted.push({ sheet: c.sheet, digest: c.digest, sheetHash: sheetHashOf(c.digest, c.sheet.signature), signer: c.signer });
  }
  // Canonical order, so the record never depends on the order sheets were handed in.
  accepted.sort(byHex((a) => a.sheetHash));
  refused.sort(byHex((a) => a.digest));
  return { accepted, refused };
}

/**
 * rulebook/2. A sheet refused on its own (signature, hashes, indicators, employer) is refused and repeats
 * nobody: a stranger cannot knock out an assessor by handing in a forged copy under their name. Of the sheets
 * that pass, copies of one signed content (one EIP-712 digest) count once — the one with the smallest sheet
 * hash, so the choice never depends on order; two different contents from one assessor are both refused.
 */
function sortOutOnce(checked: Checked[]): PanelCheck {
  const refused: RefusedSheet[] = [];
  const distinct = new Map<Hex, { v: VerifiedSheet; copies: number }>();
  for (const c of checked) {
    if (c.reasons.length || c.signer === null || c.sheet.signature === undefined) {
      refused.push({ digest: c.digest, assessorId: c.sheet.assessor.id, reasons: [...c.reasons] });
      continue;
    }
    const v: VerifiedSheet = { sheet: c.sheet, digest: c.digest, sheetHash: sheetHashOf(c.digest, c.sheet.signature), signer: c.signer };
    const prev = distinct.get(c.digest);
    if (!prev) distinct.set(c.digest, { v, copies: 1 });
    else distinct.set(c.digest, { v: v.sheetHash < prev.v.sheetHash ? v : prev.v, copies: prev.copies + 1 });
  }
  const counts = new Map<string, number>();
  for (const { v } of distinct.values()) for (const key of assessorKeys(v.sheet)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const accepted: VerifiedSheet[] = [];
  const identical: IdenticalCopies[] = [];
  for (const { v, copies } of distinct.values()) {
    if (assessorKeys(v.sheet).some((k) => (counts.get(k) ?? 0) > 1)) {
      refused.push({ digest: v.digest, assessorId: v.sheet.assessor.id, reasons: [msg("同一评审专家本轮提交了两份不同的评分表，均不予采用", "the same assessor handed in two different sheets in this round: both refused")] });
      continue;
    }
    accepted.push(v);
    if (copies > 1) identical.push({ digest: v.digest, assessorId: v.sheet.assessor.id, copies });
  }
  accepted.sort(byHex((a) => a.sheetHash));
  refused.sort(byHex((a) => a.digest));
  identical.sort(byHex((a) => a.digest));
  return { accepted, refused, identical };
}
