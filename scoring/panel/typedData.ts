/**
 * The EIP-712 typed data of a panel sheet, defined once for the workbench (signing), the engine
 * (verification) and any contract that wants to check a sheet.
 *
 * Domain choice: name and version only, no chainId or verifyingContract. A sheet is an off-chain document
 * signed before anyone decides on which chain the certificate lands; it is already bound to one rulebook
 * hash and one dossier hash, so replay on another chain gains nothing. A deployment that wants chain
 * binding passes both to panelSheetDomain() and all signers and verifiers use that domain.
 */
import type { Address, Hex, TypedDataDomain } from "viem";
import type { PanelSheet } from "./schema";

export const PANEL_SHEET_DOMAIN = { name: "cqo-chain PanelSheet", version: "1" } as const satisfies TypedDataDomain;

export function panelSheetDomain(chainId?: number, verifyingContract?: Address): TypedDataDomain {
  return {
    ...PANEL_SHEET_DOMAIN,
    ...(chainId === undefined ? {} : { chainId }),
    ...(verifyingContract === undefined ? {} : { verifyingContract }),
  };
}

export const PANEL_SHEET_TYPES = {
  PanelSheet: [
    { name: "rulebook", type: "bytes32" },
    { name: "dossier", type: "bytes32" },
    { name: "assessorId", type: "string" },
    { name: "assessor", type: "address" },
    { name: "assessorEmployer", type: "string" },
    { name: "scores", type: "IndicatorScore[]" },
    { name: "comments", type: "string" },
    { name: "signedOn", type: "string" },
  ],
  IndicatorScore: [
    { name: "indicator", type: "string" },
    { name: "points", type: "uint16" },
  ],
} as const;

export const PANEL_SHEET_PRIMARY_TYPE = "PanelSheet" as const;

export interface PanelSheetMessage {
  rulebook: Hex;
  dossier: Hex;
  assessorId: string;
  assessor: Address;
  assessorEmployer: string;
  scores: { indicator: string; points: number }[];
  comments: string;
  signedOn: string;
}

/** Scores are sorted by indicator id so the signed message does not depend on JSON key order. */
export function panelSheetMessage(sheet: Omit<PanelSheet, "signature">): PanelSheetMessage {
  const ids = Object.keys(sheet.scores).sort();
  return {
    rulebook: sheet.rulebook as Hex,
    dossier: sheet.dossier as Hex,
    assessorId: sheet.assessor.id,
    assessor: sheet.assessor.address as Address,
    assessorEmployer: sheet.assessor.employerUscc,
    scores: ids.map((indicator) => ({ indicator, points: sheet.scores[indicator]! })),
    comments: sheet.comments,
    signedOn: sheet.signedOn,
  };
}

/** Everything viem's signTypedData / verifyTypedData / hashTypedData need, minus the signature. */
export function panelSheetTypedData(sheet: Omit<PanelSheet, "signature">, domain: TypedDataDomain = PANEL_SHEET_DOMAIN) {
  return {
    domain,
    types: PANEL_SHEET_TYPES,
    primaryType: PANEL_SHEET_PRIMARY_TYPE,
    message: panelSheetMessage(sheet),
  };
}
