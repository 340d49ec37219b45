/**
 * A fresh deployment on anvil, made with the sdk itself (renderer, BodyAdministration library, linked certificate):
 * the association, a supervisor, two bodies with keys that consented, a rulebook, and helpers for issuances with
 * fresh result roots.
 */
import { keccak256, toHex, type Address, type Hex } from "viem";
import { CqoClient, deployCqo, type DeployOptions, type Deployment } from "../../sdk";
import type { Issuance } from "../../sdk/eip712";
import { startAnvil, type Anvil } from "./anvil";

export const DAY = 86_400;
export const YEAR = 365 * DAY;
export const NOTICE = 7 * DAY;

/** Test accounts by role (indexes into the mnemonic). */
export const ROLE = { association: 0, supervisor: 1, admin1: 2, key1: 3, key2: 4, relayer: 5, stranger: 6, holders: 7 } as const;

export interface Fixture {
  anvil: Anvil;
  deployment: Deployment;
  /** a client whose wallet is the account at `index` */
  as: (index: number) => CqoClient;
  reader: CqoClient;
  bodyId: number;
  body2Id: number;
  rulebookId: number;
  holder: (n: number) => Address;
  /** the latest block's time in unix seconds (its timestamp divided by the deployment's clock unit) */
  now: () => Promise<number>;
  /** moves the chain's clock `seconds` forward (in its own unit: milliseconds on a clockUnit 1000 chain) and mines */
  advance: (seconds: number) => Promise<void>;
  issuance: (holder: Address, overrides?: Partial<Issuance>) => Promise<Issuance>;
}

let rootCounter = 0;
export const freshRoot = (label = "root"): Hex => keccak256(toHex(`sdk test ${label} ${++rootCounter} ${process.pid} ${Date.now()}`));

/**
 * `anvilArgs` e.g. ["--timestamp", String(Date.now())] with `{ clockUnit: 1000 }`: a chain whose block timestamps
 * count milliseconds, as FISCO BCOS's do.
 */
export async function deployFixture(options: Omit<DeployOptions, "association"> = {}, anvilArgs: string[] = []): Promise<Fixture> {
  const anvil = await startAnvil(anvilArgs);
  const association = anvil.account(ROLE.association).address;
  const deployment = await deployCqo(anvil.publicClient, anvil.wallet(ROLE.association), { association, ...options });
  const clients = new Map<number, CqoClient>();
  const as = (index: number) => {
    let c = clients.get(index);
    if (!c) clients.set(index, (c = new CqoClient(anvil.publicClient, deployment, anvil.wallet(index))));
    return c;
  };
  const now = async () => Math.floor(Number((await anvil.publicClient.getBlock()).timestamp) / deployment.clockUnit);
  const admin = as(ROLE.association);
  const t0 = await now();
  await admin.grantSupervisor(anvil.account(ROLE.supervisor).address);
  const { rulebookId } = await admin.registerRulebook(keccak256(toHex("sdk test rulebook")), "ipfs://rulebook/1");
  const terms = { scope: 0b111, accreditedUntil: t0 + 10 * YEAR, noticePeriod: NOTICE, metadataURI: "ipfs://body", metadataHash: keccak256(toHex("body")) };
  // Each key consents to the body it will serve, named by the id the body is about to get.
  const accredit = async (key: number) => {
    const grant = await as(key).signSigningKeyConsent({ bodyId: await admin.nextBodyId(), deadline: t0 + DAY });
    return (await admin.accreditBody({ ...terms, admin: anvil.account(ROLE.admin1).address }, [grant])).bodyId;
  };
  const bodyId = await accredit(ROLE.key1);
  const body2Id = await accredit(ROLE.key2);
  return {
    anvil,
    deployment,
    as,
    reader: new CqoClient(anvil.publicClient, deployment),
    bodyId,
    body2Id,
    rulebookId,
    holder: (n) => anvil.account(ROLE.holders + n).address,
    now,
    advance: (seconds) => anvil.increaseTime(seconds * deployment.clockUnit),
    issuance: async (holder, overrides = {}) => ({
      level: 2,
      validUntil: (await now()) + 3 * YEAR,
      resultRoot: freshRoot(),
      holder,
      rulebookId,
      ...overrides,
    }),
  };
}
