/** Links and scanned texts: what a QR code or a pasted line can mean to the verifier. */
import { parseCertificateNumber } from "./certificateNumber";

export function appBase(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

export function verifyLink(tokenId: bigint | string, disclosure?: string): string {
  return `${appBase()}#/verify/${tokenId}${disclosure ? `?d=${disclosure}` : ""}`;
}

export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function base64UrlDecode(b64: string): string {
  const bin = atob(b64.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export type Scanned =
  | { kind: "certificate"; tokenId: string; route: string }
  | { kind: "wallet"; address: string; route: string }
  | { kind: "app-route"; route: string }
  | { kind: "possession-response"; text: string }
  | { kind: "unknown"; text: string };

export const POSSESSION_RESPONSE_PREFIX = "cqo-pop/1:";

/** Interprets a scanned or typed text: a verify link, any link into this app, a number, an address, a response. */
export function interpretScan(input: string): Scanned {
  const text = input.trim();
  if (text.startsWith(POSSESSION_RESPONSE_PREFIX)) return { kind: "possession-response", text };
  const hash = text.indexOf("#/");
  if (hash >= 0) {
    const route = text.slice(hash + 1);
    const m = /^\/verify\/(\d{1,20})/.exec(route);
    if (m) return { kind: "certificate", tokenId: m[1]!, route };
    return { kind: "app-route", route };
  }
  // a number as printed ("1593 8900 6356 7573 5616") or typed without the spaces
  const number = parseCertificateNumber(text);
  if (number.ok) return { kind: "certificate", tokenId: number.tokenId, route: `/verify/${number.tokenId}` };
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return { kind: "wallet", address: text, route: `/wallet/${text}` };
  return { kind: "unknown", text };
}
