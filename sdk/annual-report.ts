/**
 * The holder's annual report (年度报告) before an annual review (年审), signed in the holder's wallet as EIP-712
 * typed data and sent to the certifying body's workbench (issue #13). Nothing of it goes on-chain: the body keeps the
 * report (personal data, sealed at rest) and records its review decision with `recordReview`.
 *
 * The signature binds the holder's wallet to one certificate and to what they declare: whether they are still the
 * CQO of their employer, the employer's name, the SHA-256 of the appointment letter they uploaded (zero: none), the
 * training hours since the last review and their declaration of quality incidents. `signedAt` lets the workbench
 * refuse a stale or future report.
 */
import { type Address, type Hex, type TypedDataDomain } from "viem";

export const ANNUAL_REPORT_EIP712_NAME = "CQO Annual Report";
export const ANNUAL_REPORT_EIP712_VERSION = "1";

/** The appointment letter's field when the holder attached none. */
export const NO_APPOINTMENT_LETTER: Hex = `0x${"0".repeat(64)}`;

export function annualReportDomain(chainId: number | bigint, verifyingContract: Address) {
  return { name: ANNUAL_REPORT_EIP712_NAME, version: ANNUAL_REPORT_EIP712_VERSION, chainId: Number(chainId), verifyingContract } as const satisfies TypedDataDomain;
}

export const annualReportTypes = {
  AnnualReport: [
    { name: "holder", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "stillCqo", type: "bool" },
    { name: "employerName", type: "string" },
    { name: "appointmentLetter", type: "bytes32" },
    { name: "trainingHours", type: "uint32" },
    { name: "incidents", type: "string" },
    { name: "signedAt", type: "uint40" },
  ],
} as const;

export type AnnualReport = {
  holder: Address;
  /** the certificate reviewed */
  tokenId: bigint;
  /** still the Chief Quality Officer of the employer named */
  stillCqo: boolean;
  employerName: string;
  /** 0x + the SHA-256 of the uploaded appointment letter; NO_APPOINTMENT_LETTER when none */
  appointmentLetter: Hex;
  /** training hours since the last review (or since issuance) */
  trainingHours: number;
  /** the holder's declaration of quality incidents since the last review ("无" / "none" when none) */
  incidents: string;
  /** unix seconds, when it was signed */
  signedAt: number;
};

/** The report's message from its parts (a hex SHA-256 without 0x, or none, for the appointment letter). */
export function annualReport(args: Omit<AnnualReport, "tokenId" | "appointmentLetter"> & { tokenId: bigint | string; appointmentLetter?: string | null }): AnnualReport {
  const letter = args.appointmentLetter ? (`0x${args.appointmentLetter.replace(/^0x/, "").toLowerCase()}` as Hex) : NO_APPOINTMENT_LETTER;
  return {
    holder: args.holder,
    tokenId: BigInt(args.tokenId),
    stillCqo: args.stillCqo,
    employerName: args.employerName,
    appointmentLetter: letter,
    trainingHours: args.trainingHours,
    incidents: args.incidents,
    signedAt: args.signedAt,
  };
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for an annual report. */
export function annualReportTypedData(chainId: number | bigint, verifyingContract: Address, message: AnnualReport) {
  return { domain: annualReportDomain(chainId, verifyingContract), types: annualReportTypes, primaryType: "AnnualReport", message } as const;
}
