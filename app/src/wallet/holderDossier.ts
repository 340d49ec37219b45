/**
 * The holder's dossier of a certificate at the certifying body's workbench, as every holder page needs it first
 * (the credential, the annual report, a change of employer, a revocation request, a renewal draft): signed in with
 * this wallet (SIWE, only when the session is not already this wallet's), then found in the holder's own list
 * (GET /dossiers shows a non-operator only theirs).
 */
import type { Address, WalletClient } from "viem";
import type { DossierSummary, Page, WorkbenchApi } from "../body/api";
import { AppError } from "../components/errors";

/** the states with a certificate on-chain (server/routes/dossiers.ts) */
export const CERTIFIED_STATES = ["in-notice", "issued", "suspended", "revoked"] as const;

/** The dossier's id; an AppError in both languages when the workbench has none for this certificate. */
export async function dossierOf(api: WorkbenchApi, tokenId: string, states: readonly string[] = CERTIFIED_STATES): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const page: Page<DossierSummary> = await api.list<DossierSummary>("/dossiers", { state: states, limit: 100, cursor });
    const found = page.items.find((d) => d.tokenId === tokenId);
    if (found) return found.id;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  throw new AppError({ zh: `认定主体的工作台上没有您持有的证书 #${tokenId} 的申报。`, en: `The body's workbench has no dossier of certificate #${tokenId} that you hold.` });
}

/** Signs in with `wallet` unless the session is its own already, then finds its dossier of `tokenId`. */
export async function holderDossier(
  api: WorkbenchApi,
  wallet: { address: Address; walletClient(): Promise<WalletClient> },
  chainId: number,
  tokenId: string,
  states?: readonly string[],
): Promise<string> {
  const s = api.session();
  if (!s || s.address.toLowerCase() !== wallet.address.toLowerCase()) await api.signIn(await wallet.walletClient(), wallet.address, chainId);
  return dossierOf(api, tokenId, states);
}
