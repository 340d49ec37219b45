/**
 * The holder's change of employer report (工作单位变更报告, issue #13): reported on its own, at any time between
 * annual reviews, signed in the holder's wallet as EIP-712 typed data and sent to the certifying body's workbench.
 * Nothing of it goes on-chain: the body keeps the report (personal data, sealed at rest) and the certificate waits
 * in its review queue until the body records a review (`recordReview`) after it.
 *
 * The signature binds the holder's wallet to one certificate and its dossier at the body, and to what they
 * declare: the new employer's name and unified social credit code (统一社会信用代码, GB 32100, checked as the
 * dossier schema checks it), whether they are still the CQO there, the date of the change and a statement.
 * `signedAt` lets the workbench refuse a stale or future report.
 *
 * `EmployerChangeFields` (what the holder fills in) and `EmployerChangeSchema` (the whole signed message) are the
 * single source of the report's shape: the workbench's request body and the dApp's form both check with them.
 */
import { getAddress, isAddress, type Address, type TypedDataDomain } from "viem";
import { z } from "zod";
import { encodeMessage, signedText } from "../scoring";
import { IsoDate, Uscc } from "../scoring/dossier/schema";

export const EMPLOYER_CHANGE_EIP712_NAME = "CQO Employer Change";
export const EMPLOYER_CHANGE_EIP712_VERSION = "1";

const bi = (zh: string, en: string) => encodeMessage({ zh, en });

/** What the holder declares (the form's fields, the workbench's body without the signature). */
export const EmployerChangeFields = z.strictObject({
  newEmployerName: signedText({ min: 1, max: 200 }),
  /** 统一社会信用代码: 18 characters of the GB 32100 alphabet (upper case), the last a MOD 31 check character */
  newEmployerUscc: Uscc,
  /** still the Chief Quality Officer at the new employer */
  stillCqo: z.boolean(bi("请选择是否仍担任首席质量官", "say whether you are still the CQO")),
  /** the date the holder moved (YYYY-MM-DD) */
  changedOn: IsoDate,
  statement: signedText({ min: 1, max: 2000, multiline: true }),
  /** unix seconds, when it was signed */
  signedAt: z.number().int().positive().max(2 ** 40 - 1),
});

/** The whole signed message: the fields plus the wallet, the certificate and its dossier at the body. */
export const EmployerChangeSchema = EmployerChangeFields.extend({
  holder: z
    .string()
    .refine((s) => isAddress(s, { strict: false }), bi("应为以太坊地址", "must be an Ethereum address"))
    .transform((s): Address => getAddress(s)),
  tokenId: z
    .union([z.bigint().nonnegative(), z.string().regex(/^[0-9]{1,78}$/, bi("证书编号应为十进制整数", "the certificate number must be a decimal integer"))])
    .transform((v) => BigInt(v)),
  dossierId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bi("申报编号格式不正确", "malformed dossier id")),
});

export type EmployerChangeInput = z.input<typeof EmployerChangeSchema>;
export type EmployerChange = z.output<typeof EmployerChangeSchema>;

export function employerChangeDomain(chainId: number | bigint, verifyingContract: Address) {
  return { name: EMPLOYER_CHANGE_EIP712_NAME, version: EMPLOYER_CHANGE_EIP712_VERSION, chainId: Number(chainId), verifyingContract } as const satisfies TypedDataDomain;
}

export const employerChangeTypes = {
  EmployerChange: [
    { name: "holder", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "dossierId", type: "string" },
    { name: "newEmployerName", type: "string" },
    { name: "newEmployerUscc", type: "string" },
    { name: "stillCqo", type: "bool" },
    { name: "changedOn", type: "string" },
    { name: "statement", type: "string" },
    { name: "signedAt", type: "uint40" },
  ],
} as const;

/** The report's message from its parts, checked (throws a ZodError naming the field). */
export function employerChange(input: EmployerChangeInput): EmployerChange {
  return EmployerChangeSchema.parse(input);
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a change of employer report. */
export function employerChangeTypedData(chainId: number | bigint, verifyingContract: Address, message: EmployerChange) {
  const { holder, tokenId, dossierId, newEmployerName, newEmployerUscc, stillCqo, changedOn, statement, signedAt } = message;
  return {
    domain: employerChangeDomain(chainId, verifyingContract),
    types: employerChangeTypes,
    primaryType: "EmployerChange",
    message: { holder, tokenId, dossierId, newEmployerName, newEmployerUscc, stillCqo, changedOn, statement, signedAt },
  } as const;
}
