/**
 * Model-based property test: random sequences of registry and certificate commands run against CQOCertificate on
 * the Hardhat network and against the TypeScript reference model (test/model/reference-model.ts). After every step
 * the chain's views of every known certificate, holder, body and key must equal the model's; a command the model
 * says must revert must revert on-chain with the same custom error, and a command the model accepts must succeed and
 * emit the events the model names, in order.
 *
 * Time is explicit: every transaction is mined at `model.now + 1` (`evm_setNextBlockTimestamp`), reverted ones
 * included (they carry a gas limit, so they are mined instead of failing at gas estimation), and time travel mines
 * a block at the target time. `eth_call` on Hardhat runs at the latest block's timestamp, so the views are computed
 * at exactly `model.now` on both sides.
 *
 * Tuning: CQO_PBT_RUNS and CQO_PBT_COMMANDS override the number of runs and the longest command sequence. On a
 * failure fast-check prints the seed and the shrunk command sequence; replay it with CQO_PBT_SEED and CQO_PBT_PATH.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Wallet, type ContractTransactionResponse, type TypedDataDomain } from "ethers";
import {
  createPublicClient,
  custom,
  toHex,
  type Address as Hex,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type PublicClient,
  type ReadContractParameters,
} from "viem";
import { CQOCertificate__factory, type CQOCertificate } from "../typechain-types";
import {
  type Address,
  type CertificateViewModel,
  type Consent,
  type Issuance,
  type Outcome,
  ReferenceModel,
  RevocationReason,
  ZERO_ADDRESS,
  certificateNumberOf,
} from "./model/reference-model";
import { REISSUE_CONSENT_TYPES } from "./fixtures";

const CERT_ABI = CQOCertificate__factory.abi;
const DAY = 86_400;
const YEAR = 365 * DAY;
const GAS_LIMIT = 3_000_000n;
/** A certificate number no generated root reaches (fresh roots are keccak outputs). */
const UNKNOWN_TOKEN_ID = 0xdead_beefn;
const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const RUNS = Number(process.env.CQO_PBT_RUNS ?? 30);
const MAX_COMMANDS = Number(process.env.CQO_PBT_COMMANDS ?? 35);

// ------------------------------------------------------------------ commands (plain data, printable)

/**
 * Who sends a transaction. `keyOfBodyN`: the body's first current signing key; `issuerKey`: the first current key of
 * the certificate's body; `bodyAdmin`: the named body's admin. Each falls back to the stranger when there is none.
 */
type Actor =
  | "association"
  | "supervisor"
  | "stranger"
  | "bodyAdmin"
  | "issuerKey"
  | `admin${0 | 1 | 2}`
  | `key${0 | 1 | 2 | 3 | 4 | 5}`
  | `keyOfBody${1 | 2 | 3}`;

/** A result root: a fresh one, one already used, one sharing a used root's certificate number, or zero. */
type RootSpec = { kind: "fresh" } | { kind: "reuse"; pick: number } | { kind: "sibling"; pick: number } | { kind: "zero" };
/** An issued certificate (by index, modulo how many there are) or a number never issued. */
type CertRef = { pick: number } | { unknown: true };
/** A certificate's end of validity: days after the transaction, or exactly at / just after its start. */
type ValiditySpec = { kind: "days"; days: number } | { kind: "atValidFrom" } | { kind: "justAfterValidFrom" };

interface IssueItem {
  holder: number; // index into the holders; HOLDERS means the zero address
  root: RootSpec;
  level: number;
  rulebook: number;
  validity: ValiditySpec;
}

type TimeSpec =
  | { kind: "secs"; secs: number }
  | { kind: "toValidFrom"; cert: CertRef; offset: number }
  | { kind: "toValidUntil"; cert: CertRef; offset: number }
  | { kind: "toAccreditedUntil"; body: number; offset: number };

type VoidSpec = { kind: "ago"; secs: number } | { kind: "zero" } | { kind: "future" } | { kind: "atIssueOf"; cert: CertRef; offset: number };

type Action =
  | { t: "accredit"; by: Actor; admin: number; scope: number; termDays: number; notice: number; keys: number[] }
  | { t: "terms"; by: Actor; body: number; scope: number; termDays: number; notice: number }
  | { t: "addKey"; by: Actor; body: number; key: number }
  | { t: "removeKey"; by: Actor; body: number; key: number }
  | { t: "suspendBody"; by: Actor; body: number }
  | { t: "reinstateBody"; by: Actor; body: number }
  | { t: "revokeBody"; by: Actor; body: number }
  | { t: "void"; by: Actor; body: number; when: VoidSpec }
  | { t: "registerRulebook"; by: Actor; reuse: boolean }
  | { t: "deprecateRulebook"; by: Actor; rulebook: number }
  | { t: "issue"; by: Actor; item: IssueItem }
  | { t: "batch"; by: Actor; items: IssueItem[] }
  | { t: "suspend"; by: Actor; cert: CertRef }
  | { t: "reinstate"; by: Actor; cert: CertRef }
  | { t: "revoke"; by: Actor; cert: CertRef; reason: number }
  | { t: "revokeMany"; by: Actor; certs: CertRef[]; reason: number }
  | { t: "object"; by: Actor; cert: CertRef }
  | { t: "resolve"; by: Actor; cert: CertRef; upheld: boolean; reason: number }
  | { t: "renew"; by: Actor; cert: CertRef; root: RootSpec; rulebook: number; validity: ValiditySpec }
  | {
      t: "reissue";
      by: Actor;
      cert: CertRef;
      newHolder: number;
      root: RootSpec;
      deadline: number; // seconds after the transaction (negative: already past)
      consent: "newHolder" | "otherWallet" | "otherRoot";
    }
  | { t: "time"; when: TimeSpec };

// ------------------------------------------------------------------ the chain side

const HOLDERS = 4;
const KEYS = 6;
const ADMINS = 3;

interface Real {
  cert: CQOCertificate;
  /** The same contract, read through viem. */
  address: Hex;
  client: PublicClient;
  domain: TypedDataDomain;
  association: HardhatEthersSigner;
  supervisor: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  admins: HardhatEthersSigner[];
  keys: HardhatEthersSigner[];
  holders: Wallet[];
  /** Every funded account by lower-case address. */
  byAddress: Map<Address, HardhatEthersSigner>;
  freshCount: number;
  /** How many of the model's used roots `isResultRootUsed` has been asked about. */
  rootsChecked: number;
}

interface SetupParams {
  t0: number;
  rulebookHashes: bigint[];
  bodies: { admin: number; scope: number; accreditedUntil: number; noticePeriod: number; keys: number[] }[];
}

const lc = (a: string): Address => a.toLowerCase();

async function deployForModel(): Promise<{ real: Omit<Real, "freshCount" | "rootsChecked">; params: SetupParams }> {
  const signers = await ethers.getSigners();
  const [association, supervisor] = signers;
  const admins = signers.slice(2, 2 + ADMINS);
  const keys = signers.slice(5, 5 + KEYS);
  const stranger = signers[11];
  const renderer = await ethers.deployContract("CertificateRenderer");
  const cert = (await ethers.deployContract("CQOCertificate", [
    association.address,
    await renderer.getAddress(),
  ])) as unknown as CQOCertificate;
  await cert.grantRole(await cert.SUPERVISOR_ROLE(), supervisor.address);
  const latest = await ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("no latest block");
  const t0 = latest.timestamp + 1;
  const params: SetupParams = {
    t0,
    rulebookHashes: [BigInt(ethers.id("rulebook:1")), BigInt(ethers.id("rulebook:2"))],
    bodies: [
      { admin: 0, scope: 0b0111, accreditedUntil: t0 + 3 * YEAR, noticePeriod: 7 * DAY, keys: [0, 1] },
      { admin: 1, scope: 0b1110, accreditedUntil: t0 + 2 * YEAR, noticePeriod: DAY, keys: [2] },
    ],
  };
  for (const [i, hash] of params.rulebookHashes.entries()) {
    await network.provider.send("evm_setNextBlockTimestamp", [t0 + i]);
    await cert.registerRulebook(ethers.toBeHex(hash, 32), `ipfs://rulebook/${i + 1}`);
  }
  for (const [i, b] of params.bodies.entries()) {
    await network.provider.send("evm_setNextBlockTimestamp", [t0 + 2 + i]);
    await cert.accreditBody(
      {
        admin: admins[b.admin].address,
        scope: b.scope,
        accreditedUntil: b.accreditedUntil,
        noticePeriod: b.noticePeriod,
        metadataURI: `ipfs://body/${i + 1}`,
        metadataHash: ethers.id(`body:${i + 1}`),
      },
      b.keys.map((k) => keys[k].address),
    );
  }
  const holders = Array.from({ length: HOLDERS }, (_, i) => new Wallet(ethers.id(`cqo holder ${i}`)));
  const byAddress = new Map(signers.map((s) => [lc(s.address), s]));
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "CQO Certificate", version: "1", chainId, verifyingContract: await cert.getAddress() };
  const address = (await cert.getAddress()) as Hex;
  const client = createPublicClient({ transport: custom(network.provider) });
  return { real: { cert, address, client, domain, association, supervisor, stranger, admins, keys, holders, byAddress }, params };
}

async function modelFixture(): Promise<{ real: Omit<Real, "freshCount" | "rootsChecked">; params: SetupParams }> {
  return deployForModel();
}

/** Builds the model of the fixture's state by running the same commands at the fixture's time. */
function modelOf(real: Omit<Real, "freshCount" | "rootsChecked">, params: SetupParams, now: number): ReferenceModel {
  const model = new ReferenceModel(lc(real.association.address), lc(real.supervisor.address), params.t0);
  const association = lc(real.association.address);
  for (const hash of params.rulebookHashes) expectOk(model.registerRulebook(association, hash));
  for (const b of params.bodies) {
    expectOk(
      model.accreditBody(
        association,
        { admin: lc(real.admins[b.admin].address), scope: b.scope, accreditedUntil: b.accreditedUntil, noticePeriod: b.noticePeriod },
        b.keys.map((k) => lc(real.keys[k].address)),
      ),
    );
  }
  model.setTime(now);
  return model;
}

function expectOk(outcome: Outcome): void {
  if (!outcome.ok) throw new Error(`model setup failed: ${outcome.error}`);
}

async function latestTimestamp(): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no latest block");
  return block.timestamp;
}

// ------------------------------------------------------------------ resolving a command against the model

function actorSigner(model: ReferenceModel, real: Real, actor: Actor, ctx: { body?: number; tokenId?: bigint }): HardhatEthersSigner {
  const orStranger = (address: Address | undefined): HardhatEthersSigner =>
    (address !== undefined ? real.byAddress.get(address) : undefined) ?? real.stranger;
  switch (actor) {
    case "association":
      return real.association;
    case "supervisor":
      return real.supervisor;
    case "stranger":
      return real.stranger;
    case "bodyAdmin":
      return orStranger(ctx.body !== undefined ? model.body(ctx.body)?.admin : undefined);
    case "issuerKey": {
      const cert = ctx.tokenId !== undefined ? model.cert(ctx.tokenId) : undefined;
      return orStranger(cert !== undefined ? model.body(cert.bodyId)?.keys[0] : undefined);
    }
    default: {
      if (actor.startsWith("admin")) return real.admins[Number(actor.slice(5))];
      if (actor.startsWith("keyOfBody")) return orStranger(model.body(Number(actor.slice(9)))?.keys[0]);
      return real.keys[Number(actor.slice(3))];
    }
  }
}

function freshRoot(real: Real): bigint {
  real.freshCount += 1;
  return BigInt(ethers.solidityPackedKeccak256(["string", "uint256"], ["cqo fresh root", real.freshCount]));
}

function resolveRoot(model: ReferenceModel, real: Real, spec: RootSpec): bigint {
  const used = model.usedRoots();
  switch (spec.kind) {
    case "zero":
      return 0n;
    case "fresh":
      return freshRoot(real);
    case "reuse":
      return used.length === 0 ? freshRoot(real) : used[spec.pick % used.length];
    case "sibling": {
      if (used.length === 0) return freshRoot(real);
      const tail = freshRoot(real) & ((1n << 192n) - 1n);
      return (certificateNumberOf(used[spec.pick % used.length]) << 192n) | tail;
    }
  }
}

function resolveCert(model: ReferenceModel, ref: CertRef): bigint {
  const ids = model.issuedTokenIds();
  if ("unknown" in ref || ids.length === 0) return UNKNOWN_TOKEN_ID;
  return ids[ref.pick % ids.length];
}

function resolveValidity(spec: ValiditySpec, txTime: number, validFrom: number): number {
  switch (spec.kind) {
    case "days":
      return txTime + spec.days * DAY;
    case "atValidFrom":
      return validFrom;
    case "justAfterValidFrom":
      return validFrom + 1;
  }
}

function resolveHolder(real: Real, index: number): Address {
  return index >= HOLDERS ? ZERO_ADDRESS : lc(real.holders[index].address);
}

function resolveIssuance(model: ReferenceModel, real: Real, item: IssueItem, notice: number, txTime: number): Issuance {
  return {
    holder: resolveHolder(real, item.holder),
    resultRoot: resolveRoot(model, real, item.root),
    level: item.level,
    rulebookId: item.rulebook,
    validUntil: resolveValidity(item.validity, txTime, txTime + notice),
  };
}

const toSol = (i: Issuance): CQOCertificate.IssuanceStruct => ({
  holder: i.holder,
  resultRoot: ethers.toBeHex(i.resultRoot, 32),
  level: i.level,
  rulebookId: i.rulebookId,
  validUntil: i.validUntil,
});

// ------------------------------------------------------------------ running one command on both sides

type ChainOutcome = { ok: true; events: string[] } | { ok: false; error: string };

/** Sends a transaction and reports either the events it emitted or the custom error it reverted with. */
async function send(real: Real, tx: () => Promise<ContractTransactionResponse>): Promise<ChainOutcome> {
  try {
    const response = await tx();
    const receipt = await response.wait();
    if (receipt === null) throw new Error("no receipt");
    const events = receipt.logs.map((log) => real.cert.interface.parseLog(log)?.name ?? `unknown log ${log.topics[0]}`);
    return { ok: true, events };
  } catch (e) {
    const data = revertData(e);
    if (data === undefined) throw e;
    const parsed = real.cert.interface.parseError(data);
    return { ok: false, error: parsed?.name ?? `unparsed revert data ${data}` };
  }
}

function revertData(e: unknown): string | undefined {
  // Hardhat's provider errors carry the revert data in `data`, ethers' in `data` or `info.error.data`.
  let current: unknown = e;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const record = current as { data?: unknown; error?: unknown; info?: { error?: unknown } };
    if (typeof record.data === "string" && record.data.startsWith("0x")) return record.data;
    if (typeof record.data === "object" && record.data !== null) {
      const nested = (record.data as { data?: unknown }).data;
      if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    }
    current = record.error ?? record.info?.error;
  }
  return undefined;
}

function describeOutcome(o: Outcome | ChainOutcome): string {
  return o.ok ? `success with events [${o.events.join(", ")}]` : `revert ${o.error}`;
}

/** Mines an empty block at `t` unless the transaction already did. */
async function syncClock(t: number): Promise<void> {
  const latest = await latestTimestamp();
  if (latest < t) await network.provider.send("evm_mine", [t]);
  else if (latest > t) throw new Error(`chain clock ${latest} ahead of the model ${t}`);
}

async function execute(model: ReferenceModel, real: Real, action: Action): Promise<void> {
  if (action.t === "time") {
    const target = timeTarget(model, action.when);
    model.setTime(target);
    await network.provider.send("evm_mine", [target]);
    return;
  }
  const txTime = model.now + 1;
  model.setTime(txTime);
  await network.provider.send("evm_setNextBlockTimestamp", [txTime]);
  const { expected, actual } = await both(model, real, action, txTime);
  await syncClock(txTime);
  const key = `${action.t} ${expected.ok ? "ok" : expected.error}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
  if (expected.ok !== actual.ok || (!expected.ok && !actual.ok && expected.error !== actual.error)) {
    expect.fail(`${JSON.stringify(action)}: the model expects ${describeOutcome(expected)}, the chain gave ${describeOutcome(actual)}`);
  }
  if (expected.ok && actual.ok) {
    expect(actual.events, `events of ${JSON.stringify(action)}`).to.deep.equal(expected.events);
  }
}

function timeTarget(model: ReferenceModel, spec: TimeSpec): number {
  let target: number;
  switch (spec.kind) {
    case "secs":
      target = model.now + spec.secs;
      break;
    case "toValidFrom":
    case "toValidUntil": {
      const cert = model.cert(resolveCert(model, spec.cert));
      if (cert === undefined) target = model.now + 1;
      else target = (spec.kind === "toValidFrom" ? cert.issuedAt + cert.noticePeriod : cert.validUntil) + spec.offset;
      break;
    }
    case "toAccreditedUntil": {
      const body = model.body(spec.body);
      target = body === undefined ? model.now + 1 : body.accreditedUntil + spec.offset;
      break;
    }
  }
  return Math.max(target, model.now + 1);
}

async function both(
  model: ReferenceModel,
  real: Real,
  action: Exclude<Action, { t: "time" }>,
  txTime: number,
): Promise<{ expected: Outcome; actual: ChainOutcome }> {
  const c = real.cert;
  const opts = { gasLimit: GAS_LIMIT };
  switch (action.t) {
    case "accredit": {
      const signer = actorSigner(model, real, action.by, {});
      const acc = {
        admin: lc(real.admins[action.admin].address),
        scope: action.scope,
        accreditedUntil: txTime + action.termDays * DAY,
        noticePeriod: action.notice,
      };
      const keys = action.keys.map((k) => lc(real.keys[k].address));
      const expected = model.accreditBody(lc(signer.address), acc, keys);
      const actual = await send(real, () =>
        c.connect(signer).accreditBody({ ...acc, metadataURI: "ipfs://body", metadataHash: ethers.id("body") }, keys, opts),
      );
      return { expected, actual };
    }
    case "terms": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const until = txTime + action.termDays * DAY;
      const expected = model.updateBodyTerms(lc(signer.address), action.body, action.scope, until, action.notice);
      const actual = await send(real, () => c.connect(signer).updateBodyTerms(action.body, action.scope, until, action.notice, opts));
      return { expected, actual };
    }
    case "addKey":
    case "removeKey": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const key = lc(real.keys[action.key].address);
      if (action.t === "addKey") {
        const expected = model.addSigningKey(lc(signer.address), action.body, key);
        return { expected, actual: await send(real, () => c.connect(signer).addSigningKey(action.body, key, opts)) };
      }
      const expected = model.removeSigningKey(lc(signer.address), action.body, key);
      return { expected, actual: await send(real, () => c.connect(signer).removeSigningKey(action.body, key, opts)) };
    }
    case "suspendBody": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const expected = model.suspendBody(lc(signer.address), action.body);
      return { expected, actual: await send(real, () => c.connect(signer).suspendBody(action.body, ethers.id("evidence"), opts)) };
    }
    case "reinstateBody": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const expected = model.reinstateBody(lc(signer.address), action.body);
      return { expected, actual: await send(real, () => c.connect(signer).reinstateBody(action.body, opts)) };
    }
    case "revokeBody": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const expected = model.revokeAccreditation(lc(signer.address), action.body);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).revokeAccreditation(action.body, ethers.id("evidence"), opts)),
      };
    }
    case "void": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const w = action.when;
      let before: number;
      if (w.kind === "ago") before = Math.max(0, txTime - w.secs);
      else if (w.kind === "zero") before = 0;
      else if (w.kind === "future") before = txTime + 1;
      else before = (model.cert(resolveCert(model, w.cert))?.issuedAt ?? txTime) + w.offset;
      const expected = model.voidCertificatesIssuedBefore(lc(signer.address), action.body, before);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).voidCertificatesIssuedBefore(action.body, before, ethers.id("fraud"), opts)),
      };
    }
    case "registerRulebook": {
      const signer = actorSigner(model, real, action.by, {});
      const hash = action.reuse ? BigInt(ethers.id("rulebook:1")) : freshRoot(real);
      const expected = model.registerRulebook(lc(signer.address), hash);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).registerRulebook(ethers.toBeHex(hash, 32), "ipfs://rulebook", opts)),
      };
    }
    case "deprecateRulebook": {
      const signer = actorSigner(model, real, action.by, {});
      const expected = model.deprecateRulebook(lc(signer.address), action.rulebook);
      return { expected, actual: await send(real, () => c.connect(signer).deprecateRulebook(action.rulebook, opts)) };
    }
    case "issue":
    case "batch": {
      const signer = actorSigner(model, real, action.by, {});
      const notice = model.body(model.keyBodyOf(lc(signer.address)))?.noticePeriod ?? 0;
      const items = (action.t === "issue" ? [action.item] : action.items).map((item) =>
        resolveIssuance(model, real, item, notice, txTime),
      );
      if (action.t === "issue") {
        const expected = model.issueCertificate(lc(signer.address), items[0]);
        return { expected, actual: await send(real, () => c.connect(signer).issueCertificate(toSol(items[0]), opts)) };
      }
      const expected = model.issueCertificates(lc(signer.address), items);
      return { expected, actual: await send(real, () => c.connect(signer).issueCertificates(items.map(toSol), opts)) };
    }
    case "suspend":
    case "reinstate":
    case "object": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const by = lc(signer.address);
      if (action.t === "suspend") {
        const expected = model.suspendCertificate(by, tokenId);
        return { expected, actual: await send(real, () => c.connect(signer).suspendCertificate(ethers.id("e"), tokenId, opts)) };
      }
      if (action.t === "reinstate") {
        const expected = model.reinstateCertificate(by, tokenId);
        return { expected, actual: await send(real, () => c.connect(signer).reinstateCertificate(tokenId, opts)) };
      }
      const expected = model.fileObjection(by, tokenId);
      return { expected, actual: await send(real, () => c.connect(signer).fileObjection(tokenId, ethers.id("objection"), opts)) };
    }
    case "revoke": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const expected = model.revokeCertificate(lc(signer.address), tokenId, action.reason as RevocationReason);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).revokeCertificate(tokenId, ethers.id("e"), action.reason, opts)),
      };
    }
    case "revokeMany": {
      const tokenIds = action.certs.map((ref) => resolveCert(model, ref));
      const signer = actorSigner(model, real, action.by, { tokenId: tokenIds[0] });
      const expected = model.revokeCertificates(lc(signer.address), tokenIds, action.reason as RevocationReason);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).revokeCertificates(tokenIds, ethers.id("e"), action.reason, opts)),
      };
    }
    case "resolve": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const expected = model.resolveObjection(lc(signer.address), tokenId, action.upheld, action.reason as RevocationReason);
      return {
        expected,
        actual: await send(real, () =>
          c.connect(signer).resolveObjection(tokenId, action.upheld, action.reason, ethers.id("decision"), opts),
        ),
      };
    }
    case "renew": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const cert = model.cert(tokenId);
      const validFrom = cert !== undefined ? cert.issuedAt + cert.noticePeriod : txTime;
      const root = resolveRoot(model, real, action.root);
      const until = resolveValidity(action.validity, txTime, validFrom);
      const expected = model.renewCertificate(lc(signer.address), tokenId, root, action.rulebook, until);
      return {
        expected,
        actual: await send(real, () =>
          c.connect(signer).renewCertificate(tokenId, ethers.toBeHex(root, 32), action.rulebook, until, opts),
        ),
      };
    }
    case "reissue": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const newHolder = resolveHolder(real, action.newHolder);
      const root = resolveRoot(model, real, action.root);
      const deadline = txTime + action.deadline;
      // Who signs, and over which root: the new holder over this root, another wallet, or the right wallet over
      // another root (a tampered consent).
      const newIndex = action.newHolder % HOLDERS;
      const wallet = action.consent === "otherWallet" ? real.holders[(newIndex + 1) % HOLDERS] : real.holders[newIndex];
      const signedRoot = action.consent === "otherRoot" ? root ^ 1n : root;
      const consent: Consent = { signer: lc(wallet.address), tokenId, newHolder, newResultRoot: signedRoot, deadline };
      const signature = await wallet.signTypedData(real.domain, REISSUE_CONSENT_TYPES, {
        tokenId,
        newHolder,
        newResultRoot: ethers.toBeHex(signedRoot, 32),
        deadline,
      });
      const expected = model.reissueCertificate(lc(signer.address), tokenId, newHolder, root, consent);
      return {
        expected,
        actual: await send(real, () =>
          c.connect(signer).reissueCertificate(tokenId, newHolder, ethers.toBeHex(root, 32), deadline, signature, opts),
        ),
      };
    }
  }
}

// ------------------------------------------------------------------ comparing every view with the model

type ChainView = ContractFunctionReturnType<typeof CERT_ABI, "view", "verifyCertificate">;

function viewOf(v: ChainView): CertificateViewModel {
  return {
    tokenId: v.tokenId,
    status: v.status,
    revocationReason: v.revocationReason,
    underObjection: v.underObjection,
    holder: lc(v.holder),
    bodyId: v.bodyId,
    bodyAccredited: v.bodyAccredited,
    level: v.level,
    issuedAt: v.issuedAt,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    rulebookId: v.rulebookId,
    rulebookHash: BigInt(v.rulebookHash),
    resultRoot: BigInt(v.resultRoot),
    predecessor: v.predecessor,
    successor: v.successor,
  };
}

/**
 * Reads one view for each argument list, one `eth_call` after another. Hardhat's in-process node records a trace of
 * every call, so a multicall is no faster than its parts (measured: 100 `statusOf` in one deployless Multicall3
 * call take ~100 ms, 100 sequential viem reads ~90 ms), and concurrent calls are slower still.
 */
async function readMany<const F extends ContractFunctionName<typeof CERT_ABI, "view" | "pure">>(
  real: Real,
  functionName: F,
  argsList: readonly ContractFunctionArgs<typeof CERT_ABI, "view" | "pure", F>[],
): Promise<ContractFunctionReturnType<typeof CERT_ABI, "view" | "pure", F>[]> {
  const results: ContractFunctionReturnType<typeof CERT_ABI, "view" | "pure", F>[] = [];
  for (const args of argsList) {
    const parameters = { address: real.address, abi: CERT_ABI, functionName, args } as ReadContractParameters<
      typeof CERT_ABI,
      F
    >;
    results.push((await real.client.readContract(parameters)) as ContractFunctionReturnType<typeof CERT_ABI, "view" | "pure", F>);
  }
  return results;
}

/**
 * Compares the chain's views with the model's: every known certificate, holder (at every level), body and key.
 */
async function compareAll(model: ReferenceModel, real: Real, context: string): Promise<void> {
  const at = `at ${model.now} after ${context}`;
  expect(await latestTimestamp(), `chain clock ${at}`).to.equal(model.now);

  const tokenIds = [...model.knownTokenIds(), UNKNOWN_TOKEN_ID];
  const statuses = await readMany(real, "statusOf", tokenIds.map((id) => [id] as const));
  const views = await readMany(real, "verifyCertificate", tokenIds.map((id) => [id] as const));
  tokenIds.forEach((tokenId, i) => {
    expect(statuses[i], `statusOf(${tokenId}) ${at}`).to.equal(model.statusOf(tokenId));
    expect(viewOf(views[i]), `verifyCertificate(${tokenId}) ${at}`).to.deep.equal(model.verifyCertificate(tokenId));
  });

  const holders = real.holders.map((w) => w.address as Hex);
  const lists = await readMany(real, "certificatesOf", holders.map((h) => [h] as const));
  const balances = await readMany(real, "balanceOf", holders.map((h) => [h] as const));
  const pairs = holders.flatMap((h) => LEVELS.map((level) => [h, level] as const));
  const valid = await readMany(real, "holdsValidCertificate", pairs);
  holders.forEach((h, i) => {
    const holder = lc(h);
    expect([...lists[i]], `certificatesOf(${holder}) ${at}`).to.deep.equal(model.certificatesOf(holder));
    expect(Number(balances[i]), `balanceOf(${holder}) ${at}`).to.equal(model.balanceOf(holder));
  });
  pairs.forEach(([h, level], i) => {
    expect(valid[i], `holdsValidCertificate(${h}, ${level}) ${at}`).to.equal(model.holdsValidCertificate(lc(h), level));
  });

  const bodyIds = Array.from({ length: model.bodyCount + 1 }, (_, i) => i + 1);
  const accredited = await readMany(real, "isAccredited", bodyIds.map((id) => [id] as const));
  bodyIds.forEach((bodyId, i) => {
    expect(accredited[i], `isAccredited(${bodyId}) ${at}`).to.equal(model.isAccredited(bodyId));
  });
  const existing = bodyIds.slice(0, model.bodyCount);
  const bodies = await readMany(real, "getBody", existing.map((id) => [id] as const));
  existing.forEach((bodyId, i) => {
    const [b, profile, keys] = bodies[i];
    const body = model.body(bodyId);
    expect(
      {
        admin: lc(b.admin),
        scope: b.scope,
        accreditedUntil: b.accreditedUntil,
        noticePeriod: b.noticePeriod,
        status: b.status,
        voucherNonce: b.voucherNonce,
        voidedBefore: profile.voidedBefore,
        keys: keys.map(lc),
      },
      `getBody(${bodyId}) ${at}`,
    ).to.deep.equal(body === undefined ? undefined : { ...body, keys: [...body.keys] });
  });

  const keys = real.keys.map((k) => k.address as Hex);
  const keyBodies = await readMany(real, "bodyOfSigningKey", keys.map((k) => [k] as const));
  keys.forEach((key, i) => {
    expect(keyBodies[i], `bodyOfSigningKey(${key}) ${at}`).to.equal(model.keyBodyOf(lc(key)));
  });

  // A used root stays used: ask about the roots used since the last comparison.
  const roots = model.usedRoots().slice(real.rootsChecked).map((root) => toHex(root, { size: 32 }));
  const used = await readMany(real, "isResultRootUsed", roots.map((r) => [r] as const));
  roots.forEach((root, i) => expect(used[i], `isResultRootUsed(${root}) ${at}`).to.equal(true));
  real.rootsChecked += roots.length;

  const [counts] = await readMany(real, "registryCounts", [[]]);
  expect([...counts], `registryCounts ${at}`).to.deep.equal([model.bodyCount, model.rulebookCount]);
}

// ------------------------------------------------------------------ generators

/**
 * One of the values, each equally likely. (`fc.constantFrom` favours the first and last values, which made the
 * stranger, listed last, the most frequent sender.)
 */
const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.oneof(...values.map((v) => fc.constant(v)));
const actor = (...actors: Actor[]): fc.Arbitrary<Actor> => pick(...actors);
const bodyRef = fc.integer({ min: 0, max: 4 });
const certRef: fc.Arbitrary<CertRef> = fc.oneof(
  { weight: 12, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ pick })) },
  { weight: 1, arbitrary: fc.constant({ unknown: true as const }) },
);
const rootSpec: fc.Arbitrary<RootSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: "fresh" as const }) },
  { weight: 1, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ kind: "reuse" as const, pick })) },
  { weight: 1, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ kind: "sibling" as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: "zero" as const }) },
);
const validitySpec: fc.Arbitrary<ValiditySpec> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 8, max: 3 * 365 }).map((days) => ({ kind: "days" as const, days })) },
  { weight: 1, arbitrary: fc.constant({ kind: "atValidFrom" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "justAfterValidFrom" as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((days) => ({ kind: "days" as const, days })) },
);
const level = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }) });
const reason = fc.oneof({ weight: 6, arbitrary: pick(1, 2, 3, 5, 6, 7) }, { weight: 1, arbitrary: pick(0, 4) });
const scope = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 255 }) }, { weight: 1, arbitrary: fc.constant(0) });
const termDays = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 * 365 }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) });
const notice = pick(0, 60, DAY, 7 * DAY, 30 * DAY);
const issuer = actor("keyOfBody1", "keyOfBody1", "keyOfBody1", "keyOfBody2", "keyOfBody2", "keyOfBody2", "keyOfBody3", "key4", "stranger");

/**
 * An item to issue: mostly one that an accredited body can issue (a fresh root, a real holder, a level most bodies
 * certify, an active rulebook, a long validity), sometimes anything at all.
 */
function issueItem(rulebooks: fc.Arbitrary<number>): fc.Arbitrary<IssueItem> {
  const plausible = fc.record({
    holder: fc.integer({ min: 0, max: HOLDERS - 1 }),
    root: fc.constant({ kind: "fresh" as const }),
    level: fc.integer({ min: 2, max: 3 }),
    rulebook: pick(1, 2),
    validity: fc.integer({ min: 8, max: 3 * 365 }).map((days) => ({ kind: "days" as const, days })),
  });
  const wild = fc.record({
    holder: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: HOLDERS - 1 }) }, { weight: 1, arbitrary: fc.constant(HOLDERS) }),
    root: rootSpec,
    level,
    rulebook: rulebooks,
    validity: validitySpec,
  });
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: wild });
}

const singleRulebook = fc.oneof({ weight: 10, arbitrary: pick(1, 2) }, { weight: 1, arbitrary: pick(0, 3) });
/**
 * Batches never start with rulebook id 0: CQOCertificate.issueCertificates skips the rulebook check for leading items
 * with id 0 (see the separate regression test below), and letting the generator hit that known bug on most runs
 * would hide every other disagreement.
 */
const batchRulebook = fc.oneof({ weight: 10, arbitrary: pick(1, 2) }, { weight: 1, arbitrary: fc.constant(3) });

const timeSpec: fc.Arbitrary<TimeSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3600 }).map((secs) => ({ kind: "secs" as const, secs })) },
  { weight: 3, arbitrary: fc.integer({ min: DAY / 2, max: 10 * DAY }).map((secs) => ({ kind: "secs" as const, secs })) },
  { weight: 1, arbitrary: fc.integer({ min: 30 * DAY, max: 3 * YEAR }).map((secs) => ({ kind: "secs" as const, secs })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ cert: certRef, offset: fc.integer({ min: -1, max: 1 }), toEnd: fc.boolean() })
      .map(({ cert, offset, toEnd }) => ({ kind: toEnd ? ("toValidUntil" as const) : ("toValidFrom" as const), cert, offset })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ body: fc.integer({ min: 1, max: 3 }), offset: fc.integer({ min: -1, max: 1 }) })
      .map(({ body, offset }) => ({ kind: "toAccreditedUntil" as const, body, offset })),
  },
);

const voidSpec: fc.Arbitrary<VoidSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 * DAY }).map((secs) => ({ kind: "ago" as const, secs })) },
  { weight: 1, arbitrary: fc.constant({ kind: "zero" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "future" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ cert: certRef, offset: fc.integer({ min: 0, max: 1 }) })
      .map(({ cert, offset }) => ({ kind: "atIssueOf" as const, cert, offset })),
  },
);

const certActor = actor("issuerKey", "issuerKey", "issuerKey", "supervisor", "supervisor", "stranger", "key2", "association");
/** Renewal and re-issue are for the issuing body's keys only: mostly them, sometimes a supervisor or another key. */
const renewActor = actor("issuerKey", "issuerKey", "issuerKey", "issuerKey", "issuerKey", "supervisor", "key2", "stranger");

const actionArbs: fc.Arbitrary<Action>[] = [
  fc.record({
    t: fc.constant("accredit" as const),
    by: actor("association", "association", "association", "supervisor"),
    admin: fc.integer({ min: 0, max: ADMINS - 1 }),
    scope,
    termDays,
    notice,
    keys: fc.array(fc.integer({ min: 0, max: KEYS - 1 }), { maxLength: 2 }),
  }),
  fc.record({ t: fc.constant("terms" as const), by: actor("association", "association", "bodyAdmin"), body: bodyRef, scope, termDays, notice }),
  fc.record({ t: fc.constant("addKey" as const), by: actor("bodyAdmin", "bodyAdmin", "association", "stranger"), body: bodyRef, key: fc.integer({ min: 0, max: KEYS - 1 }) }),
  fc.record({ t: fc.constant("removeKey" as const), by: actor("bodyAdmin", "bodyAdmin", "association", "stranger"), body: bodyRef, key: fc.integer({ min: 0, max: KEYS - 1 }) }),
  fc.record({ t: fc.constant("suspendBody" as const), by: actor("supervisor", "association", "bodyAdmin"), body: bodyRef }),
  fc.record({ t: fc.constant("reinstateBody" as const), by: actor("supervisor", "association", "stranger"), body: bodyRef }),
  fc.record({ t: fc.constant("revokeBody" as const), by: actor("association", "association", "supervisor"), body: bodyRef }),
  fc.record({ t: fc.constant("void" as const), by: actor("supervisor", "supervisor", "supervisor", "association"), body: bodyRef, when: voidSpec }),
  fc.record({ t: fc.constant("registerRulebook" as const), by: actor("association", "association", "stranger"), reuse: fc.boolean() }),
  fc.record({ t: fc.constant("deprecateRulebook" as const), by: actor("association", "association", "stranger"), rulebook: fc.integer({ min: 0, max: 3 }) }),
];

const weighted: fc.WeightedArbitrary<Action>[] = [
  ...actionArbs.map((arbitrary) => ({ weight: 1, arbitrary })),
  { weight: 8, arbitrary: fc.record({ t: fc.constant("issue" as const), by: issuer, item: issueItem(singleRulebook) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("batch" as const),
      by: issuer,
      items: fc.array(issueItem(batchRulebook), { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("suspend" as const), by: certActor, cert: certRef }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("reinstate" as const), by: certActor, cert: certRef }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("revoke" as const), by: certActor, cert: certRef, reason }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("revokeMany" as const),
      by: certActor,
      certs: fc.array(certRef, { minLength: 1, maxLength: 3 }),
      reason,
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("object" as const), by: actor("stranger", "association", "admin2"), cert: certRef }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("resolve" as const), by: certActor, cert: certRef, upheld: fc.boolean(), reason }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("renew" as const),
      by: renewActor,
      cert: certRef,
      root: rootSpec,
      rulebook: singleRulebook,
      validity: validitySpec,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("reissue" as const),
      by: renewActor,
      cert: certRef,
      newHolder: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: HOLDERS - 1 }) }, { weight: 1, arbitrary: fc.constant(HOLDERS) }),
      root: rootSpec,
      deadline: pick(-1, 0, 3600, 3600),
      consent: pick("newHolder" as const, "newHolder" as const, "newHolder" as const, "otherWallet" as const, "otherRoot" as const),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("time" as const), when: timeSpec }) },
];

const anyAction: fc.Arbitrary<Action> = fc.oneof(...weighted);

// ------------------------------------------------------------------ fast-check glue

class Step implements fc.AsyncCommand<ReferenceModel, Real> {
  constructor(readonly action: Action) {}
  check(): boolean {
    return true; // every command may run: the model decides whether it must succeed or revert
  }
  async run(model: ReferenceModel, real: Real): Promise<void> {
    const t0 = performance.now();
    await execute(model, real, this.action);
    const t1 = performance.now();
    await compareAll(model, real, JSON.stringify(this.action));
    timing.exec += t1 - t0;
    timing.compare += performance.now() - t1;
    timing.steps += 1;
  }
  toString(): string {
    return JSON.stringify(this.action);
  }
}

async function setup(): Promise<{ model: ReferenceModel; real: Real }> {
  const { real, params } = await loadFixture(modelFixture);
  const now = await latestTimestamp();
  return { model: modelOf(real, params, now), real: { ...real, freshCount: 0, rootsChecked: 0 } };
}

async function runActions(actions: Action[]): Promise<void> {
  const { model, real } = await setup();
  await compareAll(model, real, "setup");
  for (const action of actions) await new Step(action).run(model, real);
}

/** How often each command succeeded or reverted with each error, over the whole file: shows what the generator reaches. */
const stats = new Map<string, number>();
const timing = { exec: 0, compare: 0, steps: 0 };

describe("CQOCertificate against the reference model (fast-check)", function () {
  // Long exploratory runs (CQO_PBT_RUNS=300 ...) must not be cut off by mocha while fast-check is still driving the chain.
  this.timeout(process.env.CQO_PBT_RUNS !== undefined ? 0 : 600_000);

  it("agrees with the model after every step of random command sequences", async function () {
    const seed = process.env.CQO_PBT_SEED !== undefined ? Number(process.env.CQO_PBT_SEED) : undefined;
    const path = process.env.CQO_PBT_PATH;
    await fc.assert(
      fc.asyncProperty(fc.commands([anyAction.map((a) => new Step(a))], { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
        const s = await setup();
        await compareAll(s.model, s.real, "setup");
        await fc.asyncModelRun(() => s, cmds);
      }),
      { numRuns: RUNS, seed, path, endOnFailure: process.env.CQO_PBT_SHRINK === "0" },
    );
  });

  it("the initial fixture matches the model, and balanceOf(0) reverts", async function () {
    const { model, real } = await setup();
    await compareAll(model, real, "setup");
    await expect(real.cert.balanceOf(ZERO_ADDRESS)).to.be.revertedWithCustomError(real.cert, "InvalidHolder");
  });

  // Deterministic sequences through the same runner, for paths the generator reaches rarely.
  it("lifecycle scenario: notice, objection, renewal, reissue, voiding and a body's suspension", async function () {
    const h = (holder: number, extra: Partial<IssueItem> = {}): IssueItem => ({
      holder,
      root: { kind: "fresh" },
      level: 2,
      rulebook: 1,
      validity: { kind: "days", days: 400 },
      ...extra,
    });
    await runActions([
      { t: "issue", by: "keyOfBody1", item: h(0) },
      { t: "batch", by: "keyOfBody2", items: [h(1), h(2, { level: 3 }), h(0, { level: 4, rulebook: 2 })] },
      { t: "object", by: "stranger", cert: { pick: 1 } },
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: -1 } },
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { t: "object", by: "stranger", cert: { pick: 0 } }, // too late: NoticePeriodOver
      { t: "resolve", by: "issuerKey", cert: { pick: 1 }, upheld: false, reason: 0 },
      { t: "suspend", by: "supervisor", cert: { pick: 2 } },
      { t: "reinstate", by: "issuerKey", cert: { pick: 2 } }, // UnauthorizedAccount: the supervisor suspended it
      { t: "reinstate", by: "supervisor", cert: { pick: 2 } },
      { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 2, validity: { kind: "days", days: 900 } },
      { t: "issue", by: "keyOfBody1", item: h(3, { root: { kind: "reuse", pick: 4 } }) }, // the renewal root: used
      { t: "issue", by: "keyOfBody1", item: h(3, { root: { kind: "reuse", pick: 0 } }) }, // renewed-away root
      { t: "reissue", by: "issuerKey", cert: { pick: 3 }, newHolder: 3, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
      { t: "suspendBody", by: "supervisor", body: 2 },
      { t: "issue", by: "keyOfBody2", item: h(3, { level: 3 }) }, // BodyNotActive
      { t: "revoke", by: "issuerKey", cert: { pick: 1 }, reason: 1 }, // a suspended body's key still revokes
      { t: "void", by: "supervisor", body: 1, when: { kind: "atIssueOf", cert: { pick: 0 }, offset: 1 } },
      { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 1, validity: { kind: "days", days: 900 } },
      { t: "void", by: "supervisor", body: 1, when: { kind: "zero" } },
      { t: "time", when: { kind: "toValidUntil", cert: { pick: 2 }, offset: 0 } },
      { t: "time", when: { kind: "toAccreditedUntil", body: 2, offset: 0 } },
      { t: "reinstateBody", by: "supervisor", body: 2 },
      { t: "issue", by: "keyOfBody2", item: h(3, { level: 3 }) }, // BodyAccreditationExpired
    ]);
  });

  it("a batch whose first items name rulebook id 0 is refused like a single issuance (RulebookNotFound)", async function () {
    // Expected behaviour per the issue: "Refuse ... a deprecated or unknown rulebook". issueCertificate refuses
    // rulebook 0 with RulebookNotFound(0); issueCertificates must do the same for every item.
    const item: IssueItem = { holder: 0, root: { kind: "fresh" }, level: 1, rulebook: 0, validity: { kind: "days", days: 400 } };
    await runActions([
      { t: "issue", by: "keyOfBody1", item },
      { t: "batch", by: "keyOfBody1", items: [item] },
    ]);
  });

  after(function () {
    if (process.env.CQO_PBT_STATS === "1") {
      for (const [k, n] of [...stats.entries()].sort()) console.log(`      ${k}: ${n}`);
      console.log(`      steps ${timing.steps}, ms executing ${timing.exec.toFixed(0)}, comparing ${timing.compare.toFixed(0)}`);
    }
  });
});
