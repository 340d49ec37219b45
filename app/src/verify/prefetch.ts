/**
 * The verdict is asked for before React renders, and usually before this script even arrived: index.html's
 * inline script (verify/early.ts, inlined by vite.config.ts) sends the eth_call on a verify link at once and, when
 * the answer comes before the app, paints the verdict itself. Here that answer is decoded with the sdk's ABI
 * (sdk/reads.ts): synchronously if it has come (takeEarlyVerdict: React's first render shows the same verdict), or
 * as a promise; if there is none (or it was for another contract) the call is made again.
 */
import type { CertificateVerification } from "../../../sdk/types";
import { getChain } from "../chain";
import { decodeVerification } from "../../../sdk/reads";
import type { EarlyState } from "./early";

const early = (): EarlyState | undefined => (window as { __cqoEarly?: EarlyState }).__cqoEarly;

let pending: { id: string; promise: Promise<CertificateVerification> } | null = null;
let taken = false;
let decodedEarly: { v: CertificateVerification; checkedAt: number } | null = null;

export function prefetchVerdict(hash: string): void {
  const m = /^#\/verify\/(\d{1,20})(?:[?/]|$)/.exec(hash);
  if (!m) return;
  const id = m[1]!;
  const e = early();
  const promise = getChain().then(async ({ cqo }) => {
    performance.mark("cqo:config");
    if (e && e.id === id) {
      const a = await e.answer.catch(() => null);
      const decoded = a?.result ? safe(() => cqo.decodeEarly(a.certificate, a.result!)) : null;
      if (decoded) {
        performance.mark("cqo:answer");
        return decoded;
      }
    }
    const v = await cqo.verifyCertificate(id);
    performance.mark("cqo:answer");
    return v;
  });
  promise.catch(() => undefined);
  pending = { id, promise };
}

/**
 * The early answer for this certificate if it has already come, decoded now (once per page load): the verdict
 * index.html painted, with the time it was checked. The deployment it was asked of is the one the app loads.
 */
export function takeEarlyVerdict(id: string): { v: CertificateVerification; checkedAt: number } | null {
  const s = early()?.settled;
  if (taken || !s || s.id !== id) return null;
  if (!decodedEarly) {
    const v = safe(() => decodeVerification(s.result));
    decodedEarly = v ? { v, checkedAt: s.checkedAt } : null;
  }
  return decodedEarly;
}

/** After the page mounted with it: a later visit to the same certificate asks the chain again. */
export function releaseEarlyVerdict(): void {
  if (!decodedEarly) return;
  taken = true;
  if (pending && pending.id === early()?.settled?.id) pending = null;
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export function verdictFor(id: string): Promise<CertificateVerification> {
  if (pending && pending.id === id) {
    const p = pending.promise;
    pending = null;
    return p;
  }
  return getChain().then(({ cqo }) => cqo.verifyCertificate(id));
}
