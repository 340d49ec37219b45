/**
 * The verdict is asked for before React renders, and usually before this script even arrived: index.html's
 * inline script (vite.config.ts, earlyVerdict) sends the eth_call on a verify link at once. Here its answer is
 * decoded with the sdk's ABI; if there is none (or it was for another contract) the call is made again.
 * CertificatePage takes the promise once.
 */
import type { Hex } from "viem";
import type { CertificateVerification } from "../../../sdk/types";
import { getChain } from "../chain";

interface Early {
  id: string;
  answer: Promise<{ certificate: string; result?: Hex }>;
}

let pending: { id: string; promise: Promise<CertificateVerification> } | null = null;

export function prefetchVerdict(hash: string): void {
  const m = /^#\/verify\/(\d{1,20})(?:[?/]|$)/.exec(hash);
  if (!m) return;
  const id = m[1]!;
  const early = (window as { __cqoEarly?: Early }).__cqoEarly;
  const promise = getChain().then(async ({ cqo }) => {
    performance.mark("cqo:config");
    if (early && early.id === id) {
      const a = await early.answer.catch(() => null);
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
