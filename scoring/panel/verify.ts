/**
 * Which sheets may count. A sheet is refused (with every reason) when it is unsigned, signed by someone
 * else, written for another dossier or rulebook, scores the wrong indicators, comes from the applicant's
 * employer (conflict of interest) or repeats an assessor. Refusal is part of the evaluation record, not an
 * error: the panel goes on with the sheets that remain.
 */
import { isAddressEqual, recoverAddress, type Address, type Hex, type TypedDataDomain } from "viem";
import type { Dossier } from "../dossier/schema";
import { msg, type Message } from "../errors";
import { hexToBytes, keccakHex } from "../commit/keccak";
import type { Rulebook } from "../rulebook/schema";
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

export interface PanelCheck {
  accepted: VerifiedSheet[];
  refused: RefusedSheet[];
}

export interface SheetContext {
  rulebook: Rulebook;
  rulebookHash: Hex;
  dossier: Dossier;
  dossierHash: Hex;
  domain?: TypedDataDomain;
}

/** Checks that need no cryptography; shared by the verifying and the pre-verified paths. */
export function sheetContentProblems(ctx: SheetContext, sheet: PanelSheet): Message[] {
  const reasons: Message[] = [];
  if (sheet.rulebook !== ctx.rulebookHash) reasons.push(msg("评分表所依据的评价方案与本次不同", "the sheet was written for another rulebook"));
  if (sheet.dossier !== ctx.dossierHash) reasons.push(msg("评分表针对的是另一份申报材料", "the sheet was written for another dossier"));
  if (sheet.assessor.employerUscc === ctx.dossier.employer.uscc) {
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
  return sortOut(checked);
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
  );
}

function sortOut(checked: { sheet: PanelSheet; digest: Hex; signer: Address | null; reasons: Message[] }[]): PanelCheck {
  const accepted: VerifiedSheet[] = [];
  const refused: RefusedSheet[] = [];
  // Order-independent duplicate rule: of two sheets by one assessor both are refused, so which one "came
  // first" never matters.
  const counts = new Map<string, number>();
  for (const c of checked) {
    for (const key of [`id:${c.sheet.assessor.id}`, `addr:${c.sheet.assessor.address.toLowerCase()}`]) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  for (const c of checked) {
    const reasons = [...c.reasons];
    const dup = [`id:${c.sheet.assessor.id}`, `addr:${c.sheet.assessor.address.toLowerCase()}`].some((k) => (counts.get(k) ?? 0) > 1);
    if (dup) reasons.push(msg("同一评审专家提交了多份评分表", "the same assessor submitted more than one sheet"));
    if (reasons.length || c.signer === null || c.sheet.signature === undefined) {
      refused.push({ digest: c.digest, assessorId: c.sheet.assessor.id, reasons });
      continue;
    }
    const sig = hexToBytes(c.sheet.signature);
    const buf = new Uint8Array(32 + sig.length);
    buf.set(hexToBytes(c.digest), 0);
    buf.set(sig, 32);
    accepted.push({ sheet: c.sheet, digest: c.digest, sheetHash: keccakHex(buf), signer: c.signer });
  }
  // Canonical order, so the record never depends on the order sheets were handed in.
  accepted.sort((a, b) => (a.sheetHash < b.sheetHash ? -1 : a.sheetHash > b.sheetHash ? 1 : 0));
  refused.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return { accepted, refused };
}
