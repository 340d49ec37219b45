/**
 * Certificate numbers for people: shown in groups of four digits from the left, as bank card numbers are read
 * aloud ("1593 8900 6356 7573 5616"), and accepted as typed, with or without the spaces. A number is the
 * contract's token id: body id << 56 | the top 56 bits of the result root (contracts v2), so at most 2^64 − 1
 * and never 0. Pure: no DOM, no chain.
 */

export const MAX_CERTIFICATE_NUMBER = (1n << 64n) - 1n;

/** "15938900635675735616" → "1593 8900 6356 7573 5616"; anything that is not a run of digits is returned as given. */
export function formatCertificateNumber(id: bigint | string | number): string {
  const digits = typeof id === "string" ? id.trim() : id.toString();
  if (!/^\d+$/.test(digits)) return digits;
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

export type ParsedCertificateNumber =
  | { ok: true; tokenId: string }
  | { ok: false; problem: { zh: string; en: string } };

/**
 * A typed or pasted number → the token id in plain digits. Spaces of any kind (an IME's full-width space too),
 * hyphens and a leading "#" or "No." are ignored; full-width digits (０-９) are read as digits.
 */
export function parseCertificateNumber(input: string): ParsedCertificateNumber {
  const text = input
    .trim()
    .replace(/^(?:No\.?|#|＃)\s*/i, "")
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\-‐‑–]/g, "");
  if (!/^\d+$/.test(text)) {
    return { ok: false, problem: { zh: "证书编号只能包含数字（可以带空格）。", en: "A certificate number has digits only (spaces are fine)." } };
  }
  const value = BigInt(text);
  if (value === 0n || value > MAX_CERTIFICATE_NUMBER) {
    return { ok: false, problem: { zh: "没有这样的证书编号：编号为 1 到 20 位数字，且不为 0。", en: "No such certificate number: 1 to 20 digits, not 0." } };
  }
  return { ok: true, tokenId: value.toString() };
}
