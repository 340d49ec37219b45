/**
 * The demo's cast (accounts of Hardhat's public test mnemonic) and its world on a fresh chain: the contracts
 * deployed with the sdk, a supervisor, the default rulebook registered, two certifying bodies accredited with their
 * keys' consents.
 * Shared by `npm start`, the end-to-end test and the pipeline benchmark.
 */
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { CqoClient, deployCqo, levelsToScope, reviewScheduleOf, type Deployment } from "../../sdk";
import { chainFor } from "../../server/chain";
import { parseRulebook, rulebookHash, type Rulebook } from "../../scoring";
import { syntheticUscc, prng, type DevAssessor } from "../../scoring/synthetic";
import defaultRulebookJson from "../../rulebooks/hn-cqo-default-2026.1.json";

/** Hardhat's and anvil's public test mnemonic: these keys are known to everyone and must never hold value. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

const accounts = new Map<number, HDAccount>();
export function devAccount(index: number): HDAccount {
  let a = accounts.get(index);
  if (!a) accounts.set(index, (a = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index })));
  return a;
}

export function devPrivateKey(index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** Which mnemonic account plays which part (indexes 0-19 are funded on both nodes). */
export const CAST = {
  association: 0,
  supervisor: 1,
  bodyAAdmin: 2,
  /** body A's signing key: the workbench's operator and its issuance signer */
  bodyAKey: 3,
  bodyBAdmin: 4,
  bodyBKey: 5,
  /** the panel's three assessors */
  assessors: [6, 7, 8] as const,
  /** a member of the public who files an objection */
  objector: 9,
  /** applicants: one wallet per dossier from here on (they never send a transaction, so need no funds) */
  firstApplicant: 20,
  /** the new wallet a certificate is re-issued to */
  newWallet: 19,
} as const;

export const DEFAULT_RULEBOOK_KEY = "hn-cqo-default@2026.1";
export const DEFAULT_RULEBOOK: Rulebook = (() => {
  const r = parseRulebook(defaultRulebookJson);
  if (!r.ok) throw new Error("the default rulebook is invalid");
  return r.value;
})();
export const DEFAULT_RULEBOOK_HASH = rulebookHash(DEFAULT_RULEBOOK);
export const NOTICE_PERIOD = 7 * 86_400;

/** The panel as scoring's DevAssessor: the mnemonic accounts' keys, synthetic employers. */
export function demoAssessors(indexes: readonly number[] = CAST.assessors): DevAssessor[] {
  return indexes.map((index, i) => ({
    id: `EXP-${String(i + 1).padStart(4, "0")}`,
    key: devPrivateKey(index),
    address: devAccount(index).address,
    employerUscc: syntheticUscc(prng(9_000_001 + index)),
  }));
}

export interface World {
  deployment: Deployment;
  bodyA: number;
  bodyB: number;
  rulebookId: number;
}

export function clients(url: string, deployment: Deployment, signer?: HDAccount): CqoClient {
  const chain = chainFor(deployment, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const wc = signer ? createWalletClient({ account: signer, chain, transport, pollingInterval: 50 }) : undefined;
  return new CqoClient(pc, deployment, wc);
}

/** How long the demo's key consents may wait for their transaction (they are used at once). */
const CONSENT_SECONDS = 3600;

/**
 * Deploys (the association's EOA as admin: a local chain; see README for a multisig) with the sdk (the renderer, the
 * BodyAdministration library, the linked certificate contract), grants the supervisor, registers the default
 * rulebook and accredits body A (levels 1-3) and body B (level 3), 7 days' notice each, each with its signing key's
 * own consent (SigningKeyConsent, signed by the key for the id the body is about to get).
 */
export async function deployWorld(url: string): Promise<World> {
  const chainId = Number(BigInt(await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) }).then((r) => r.json() as Promise<{ result: string }>).then((b) => b.result)));
  const chain = chainFor({ chainId }, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const association = devAccount(CAST.association);
  const wallet = createWalletClient({ account: association, chain, transport, pollingInterval: 50 });
  const deployment = { ...(await deployCqo(pc, wallet, { association: association.address })), rpcUrl: url };
  const admin = new CqoClient(pc, deployment, wallet);
  await admin.grantSupervisor(devAccount(CAST.supervisor).address);
  // with its annual review schedule, from the rulebook's own `validity` (see sdk/review-schedule.ts)
  const { rulebookId } = await admin.registerRulebook(DEFAULT_RULEBOOK_HASH, "rulebooks/hn-cqo-default-2026.1.json", reviewScheduleOf(DEFAULT_RULEBOOK));
  const now = Math.floor(Number((await pc.getBlock()).timestamp) / deployment.clockUnit);
  const accredit = async (adminIndex: number, keyIndex: number, levels: number[], name: string) => {
    const metadata = JSON.stringify({ name, country: "CN", province: "湖南" });
    const bodyId = await admin.nextBodyId();
    const key = new CqoClient(pc, deployment, createWalletClient({ account: devAccount(keyIndex), chain, transport, pollingInterval: 50 }));
    const consent = await key.signSigningKeyConsent({ bodyId, deadline: now + CONSENT_SECONDS });
    const r = await admin.accreditBody(
      {
        admin: devAccount(adminIndex).address,
        scope: levelsToScope(levels),
        accreditedUntil: now + 5 * 365 * 86_400,
        noticePeriod: NOTICE_PERIOD,
        metadataURI: `data:application/json,${encodeURIComponent(metadata)}`,
        metadataHash: keccak256(toHex(metadata)),
      },
      [consent],
    );
    if (r.bodyId !== bodyId) throw new Error(`body accredited as ${r.bodyId}, its key consented for ${bodyId}`);
    return r.bodyId;
  };
  const bodyA = await accredit(CAST.bodyAAdmin, CAST.bodyAKey, [1, 2, 3], "湖南省质量认定中心（演示） Hunan Quality Certification Centre (demo)");
  const bodyB = await accredit(CAST.bodyBAdmin, CAST.bodyBKey, [3], "长沙市首席质量官评价所（演示） Changsha CQO Assessment (demo)");
  return { deployment, bodyA, bodyB, rulebookId };
}
