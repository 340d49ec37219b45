/**
 * The applicant's integrity declaration (诚信承诺书) and consent to publication during the public notice (公示),
 * signed in the applicant's wallet as EIP-712 typed data when the dossier is submitted (issue #12).
 *
 * The signature binds the wallet to one dossier's content (`declarationDigestOf`: the dossier as the applicant wrote
 * it, before the workbench numbers it), to the text of the declaration they read (by its hash and version), and to
 * their choice about publication. Consent to publish is its own field, neither ticked by default nor implied by the
 * declaration: PIPL requires a separate consent to make personal data public, and the signature is the record of
 * it. Nothing of this goes on-chain; the workbench keeps the signature with the dossier.
 */
import { keccak256, toHex, type Address, type Hex, type TypedDataDomain } from "viem";
import { dossierHash, type Dossier } from "../scoring";

export const DECLARATION_EIP712_NAME = "CQO Integrity Declaration";
export const DECLARATION_EIP712_VERSION = "1";

/** The declaration's text, versioned: a new text is a new version, and the version is in what is signed. */
export const INTEGRITY_DECLARATION = {
  version: "hn-cqo-integrity/1",
  zh:
    "本人承诺：所填申报材料及所附证明材料真实、准确、完整，无虚假记载和重大遗漏；本人遵守国家法律法规和诚信要求，" +
    "如有不实，愿承担由此产生的一切后果，并接受认定主体撤销认定结果的处理。",
  en:
    "I declare that the application and the evidence attached to it are true, accurate and complete, with no false " +
    "statement or material omission; that I abide by the law and the requirements of integrity; and that if any of it " +
    "is untrue I accept every consequence, including the certifying body's revocation of the result.",
} as const;

/** What the applicant consents to publish during the public notice when `publishInNotice` is true. */
export const NOTICE_PUBLISHED_FIELDS = ["name", "employer.name", "level"] as const;

export function declarationDomain(chainId: number | bigint, verifyingContract: Address) {
  return { name: DECLARATION_EIP712_NAME, version: DECLARATION_EIP712_VERSION, chainId: Number(chainId), verifyingContract } as const satisfies TypedDataDomain;
}

export const integrityDeclarationTypes = {
  IntegrityDeclaration: [
    { name: "applicant", type: "address" },
    { name: "dossierDigest", type: "bytes32" },
    { name: "declarationVersion", type: "string" },
    { name: "declarationHash", type: "bytes32" },
    { name: "publishInNotice", type: "bool" },
    { name: "signedAt", type: "uint40" },
  ],
} as const;

export type IntegrityDeclaration = {
  applicant: Address;
  /** `declarationDigestOf(dossier)` */
  dossierDigest: Hex;
  declarationVersion: string;
  /** keccak256 of the zh text then "\n" then the en text, as shown to the applicant */
  declarationHash: Hex;
  /** the separate consent to publish name, employer and level during the public notice */
  publishInNotice: boolean;
  /** unix seconds, when it was signed (the workbench refuses a stale or future one) */
  signedAt: number;
};

export const declarationTextHash = (text: { zh: string; en: string } = INTEGRITY_DECLARATION): Hex => keccak256(toHex(`${text.zh}\n${text.en}`));

/**
 * The digest of the dossier as the applicant submits it: its number and the body's findings are not the
 * applicant's to choose (the workbench assigns the one and sets the other), so both are fixed before hashing, and
 * the workbench computes the same digest from what it received.
 */
export function declarationDigestOf(dossier: Dossier): Hex {
  return dossierHash({ ...dossier, dossierId: "pending", review: { falseMaterials: false } });
}

export function integrityDeclaration(args: { applicant: Address; dossier: Dossier; publishInNotice: boolean; signedAt: number }): IntegrityDeclaration {
  return {
    applicant: args.applicant,
    dossierDigest: declarationDigestOf(args.dossier),
    declarationVersion: INTEGRITY_DECLARATION.version,
    declarationHash: declarationTextHash(),
    publishInNotice: args.publishInNotice,
    signedAt: args.signedAt,
  };
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a declaration. */
export function declarationTypedData(chainId: number | bigint, verifyingContract: Address, message: IntegrityDeclaration) {
  return { domain: declarationDomain(chainId, verifyingContract), types: integrityDeclarationTypes, primaryType: "IntegrityDeclaration", message } as const;
}
