/**
 * A holder's revocation request (撤销申请): the reasons the workbench takes (server/store/holder-requests.ts
 * REVOCATION_REQUEST_REASONS) and their words, shared by the holder's form, the body's list and the audit log.
 */
export const REVOCATION_REQUEST_REASONS = ["no-longer-cqo", "left-employer", "no-longer-needed", "other"] as const;
export type RevocationRequestReason = (typeof REVOCATION_REQUEST_REASONS)[number];

const WORDS: Record<"zh" | "en", Record<RevocationRequestReason, string>> = {
  zh: { "no-longer-cqo": "不再担任首席质量官", "left-employer": "已离开原单位", "no-longer-needed": "不再需要本证书", other: "其他原因" },
  en: { "no-longer-cqo": "no longer the chief quality officer", "left-employer": "left the employer", "no-longer-needed": "no longer needs the certificate", other: "another reason" },
};

export const isRevocationRequestReason = (x: string): x is RevocationRequestReason => (REVOCATION_REQUEST_REASONS as readonly string[]).includes(x);

/** the reason in words, in the page's language */
export const requestReasonWords = (lang: string): Record<RevocationRequestReason, string> => (lang === "en" ? WORDS.en : WORDS.zh);
