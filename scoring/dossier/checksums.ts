/** Check characters of Chinese identifiers, so a typo is caught at intake instead of after issuance. */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** GB 11643-1999 (ISO 7064 MOD 11-2) check character of the first 17 digits of a 居民身份证号码. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export type IdNumberFault = "format" | "birthdate" | "check";

/** null when valid; otherwise what is wrong. The birth date must be a real calendar date. */
export function idNumberFault(id: string): IdNumberFault | null {
  if (!/^\d{17}[\dX]$/.test(id)) return "format";
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return "birthdate";
  }
  return idNumberCheckChar(id.slice(0, 17)) === id[17] ? null : "check";
}

/** GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V. */
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31]!;
}

/** 统一社会信用代码: 18 characters, the last one a MOD 31 check character. */
export function usccFault(code: string): "format" | "check" | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return "format";
  return usccCheckChar(code.slice(0, 17)) === code[17] ? null : "check";
}
