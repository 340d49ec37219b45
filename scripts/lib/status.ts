/** Display names of the contract's enums (CertificateTypes.sol), in the enum's order. */
export const STATUS_NAMES = ["NotFound", "Pending", "Valid", "Suspended", "Revoked", "Expired", "Voided"] as const;
export const STATUS_NAMES_ZH = ["不存在", "公示中", "有效", "暂停", "已撤销", "已过期", "已作废"] as const;
export const REASON_NAMES = ["None", "Fraud", "Violation", "FailedReview", "Reissued", "HolderRequest", "BodyError", "Other"] as const;

export function statusLabel(status: bigint | number): string {
  const i = Number(status);
  return `${STATUS_NAMES_ZH[i] ?? "?"} ${STATUS_NAMES[i] ?? "?"}`;
}
