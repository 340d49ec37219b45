/**
 * Model-based property test: random sequences of registry and certificate commands run against CQOCertificate (v2)
 * on the Hardhat network and against the TypeScript reference model (test/model/reference-model.ts). After every
 * step the chain's views of every known certificate (the whole `verifyCertificate` view), holder, body (record,
 * profile and keys) and key must equal the model's; a command the model says must revert must revert on-chain with
 * the same custom error, and a command the model accepts must succeed and emit the events the model names, in
 * order, with the arguments the model predicts (who acted, as supervisor or not, the previous event's block, ...).
 *
 * Time is explicit: every transaction is mined at `model.now + 1` (`evm_setNextBlockTimestamp`), reverted ones
 * included (they carry a gas limit, so they are mined instead of failing at gas estimation), and time travel mines
 * a block at the target time. `eth_call` on Hardhat runs at the latest block, so the views are computed at exactly
 * `model.now` on both sides. The model also follows block numbers (events name the block of the certificate's
 * previous event) and the previous block's hash (`cancelVouchers` draws its nonce from it).
 *
 * Annual reviews (issue #13): the fixture's rulebooks carry review schedules (none, yearly, quarterly); `review`
 * records one by a random actor, and time travel aims at a review's window, due date and end of grace (just before
 * and at each), so that runs reach `ReviewNotYetOpen`, `ReviewOverdue` by time alone, late reviews, renewals and
 * re-issues refused while overdue, and failed reviews. The view comparison includes `nextReviewDue` and
 * `reviewsPassed`. Defaults: 25 runs of at most 35 commands (a macro command runs up to 5 transactions); the whole
 * file takes ~1m45s on the 2-core machine under other jobs' load (load average ~9), ~45 s of CPU.
 *
 * Tuning: CQO_PBT_RUNS and CQO_PBT_COMMANDS override the number of runs and the longest command sequence. On a
 * failure fast-check prints the seed and the shrunk command sequence; replay it with CQO_PBT_SEED and CQO_PBT_PATH.
 * CQO_PBT_STATS=1 prints how often each command succeeded or reverted with each error.
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
  type KeyGrant,
  type ModelEvent,
  type Outcome,
  type ReviewSchedule,
  type Voucher,
  CertificateStatus,
  NO_REVIEWS,
  HOLDINGS_SCANNED,
  MAX_BODIES,
  ReferenceModel,
  RevocationReason,
  ReviewResult,
  ZERO_ADDRESS,
  bodyOfTokenId,
  certificateNumberOf,
} from "./model/reference-model";
import {
  REISSUE_CONSENT_TYPES,
  SUPERVISOR_ROLE,
  checkTypehashes,
  deployCertificate,
  eip712Domain,
  keyGrant,
  voucherTypes,
} from "./fixtures";

const CERT_ABI = CQOCertificate__factory.abi;
const DAY = 86_400;
const YEAR = 365 * DAY;
const GAS_LIMIT = 3_000_000n;
/** A certificate number no generated root reaches (fresh roots are keccak outputs). */
const UNKNOWN_TOKEN_ID = 0xdead_beefn;
const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
const UINT64_MASK = (1n << 64n) - 1n;
const TAIL_MASK = (1n << 200n) - 1n;

/**
 * The fixture's rulebooks: 1 without annual reviews (the scenarios written before reviews existed use it), 2 with
 * yearly reviews and 60 days of grace (the rulebook's usual schedule), 3 with short ones, so that a run passes
 * several reviews of one result and reaches the end of a schedule.
 */
const FIXTURE_SCHEDULES: ReviewSchedule[] = [NO_REVIEWS, { interval: YEAR, grace: 60 * DAY }, { interval: 90 * DAY, grace: 10 * DAY }];
const REVIEWED = 2;
const QUARTERLY = 3;

const RUNS = Number(process.env.CQO_PBT_RUNS ?? 25);
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

/**
 * A result root: a fresh one, one already used (by any body), one another body than the issuer's used (a copy taken
 * from the mempool), one sharing a used root's top 56 bits (its number, in the body that used it), or zero.
 */
type RootSpec =
  | { kind: "fresh" }
  | { kind: "reuse"; pick: number }
  | { kind: "copy"; pick: number }
  | { kind: "copyLatest" }
  | { kind: "sibling"; pick: number }
  | { kind: "zero" };
/**
 * An issued certificate (by index, modulo how many there are; or the newest), a number a renewal root claimed, or
 * one never used.
 */
type CertRef = { pick: number } | { newest: true } | { claim: number } | { unknown: true };
/** A body by id (0 and ids past the last are unknown), or the body that issued a certificate. */
type BodyRef = number | { ofCert: CertRef };
/** A certificate's end of validity: days after the transaction, or exactly at / just after its start. */
type ValiditySpec = { kind: "days"; days: number } | { kind: "atValidFrom" } | { kind: "justAfterValidFrom" };

interface IssueItem {
  holder: number; // index into the holders; HOLDERS means the zero address
  root: RootSpec;
  level: number;
  rulebook: number;
  validity: ValiditySpec;
}

/**
 * A signing key's consent: freshly signed by the key for this body (deadline in seconds after the transaction;
 * negative: already past), signed by another account, signed for another body, or one already submitted before.
 */
type GrantSpec =
  | { kind: "fresh"; deadline: number }
  | { kind: "otherSigner" }
  | { kind: "otherBody" }
  | { kind: "reuse"; pick: number };

type TimeSpec =
  | { kind: "secs"; secs: number }
  | { kind: "toValidFrom"; cert: CertRef; offset: number }
  | { kind: "toValidUntil"; cert: CertRef; offset: number }
  | { kind: "toPreviousValidUntil"; cert: CertRef; offset: number }
  | { kind: "toAccreditedUntil"; body: BodyRef; offset: number }
  /** To the certificate's next review: the window opening, the due date, or the end of the grace period. */
  | { kind: "toReview"; cert: CertRef; at: "opens" | "due" | "overdue"; offset: number };

type VoidSpec =
  | { kind: "ago"; secs: number }
  | { kind: "zero" }
  | { kind: "future" }
  | { kind: "atEvaluationOf"; cert: CertRef; offset: number }
  | { kind: "atIssueOf"; cert: CertRef; offset: number };

type Action =
  | { t: "accredit"; by: Actor; admin: number; scope: number; termDays: number; notice: number; keys: { key: number; grant: GrantSpec }[] }
  | { t: "terms"; by: Actor; body: number; scope: number; termDays: number; notice: number }
  | { t: "addKey"; by: Actor; body: number; key: number; grant: GrantSpec }
  | { t: "removeKey"; by: Actor; body: number; key: number }
  | { t: "suspendBody"; by: Actor; body: BodyRef }
  | { t: "reinstateBody"; by: Actor; body: BodyRef }
  | { t: "revokeBody"; by: Actor; body: number }
  | { t: "void"; by: Actor; body: number; when: VoidSpec }
  | { t: "cancelVouchers"; by: Actor; body: number }
  | { t: "registerRulebook"; by: Actor; reuse: boolean; schedule: ReviewSchedule }
  | { t: "deprecateRulebook"; by: Actor; rulebook: number }
  | { t: "issue"; by: Actor; item: IssueItem }
  | { t: "batch"; by: Actor; items: IssueItem[] }
  | {
      t: "voucher";
      signer: Actor;
      item: IssueItem;
      /** the body's current nonce, or one `cancelVouchers` replaced (a voucher signed before the cancel) */
      nonce: "current" | "stale";
      deadline: number; // seconds after the transaction (negative: already past)
      /** the signer over this voucher, another key over it, or the signer over another holder's voucher */
      signature: "signer" | "otherKey" | "tampered";
      body: "own" | "other";
    }
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
  | { t: "review"; by: Actor; cert: CertRef; result: ReviewResult }
  | { t: "time"; when: TimeSpec };

// ------------------------------------------------------------------ the chain side

const HOLDERS = 4;
const KEYS = 6;
const ADMINS = 3;
/** A key index meaning "the supervisor": a role holder, which no consent can make a signing key. */
const SUPERVISOR_AS_KEY = KEYS;

/** A consent signed during the run, kept so that a later command can submit it again. */
interface SignedGrant {
  model: KeyGrant;
  signature: string;
}

interface Fixed {
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
}

interface Real extends Fixed {
  freshCount: number;
  /** How many of the model's used roots `isResultRootUsed` has been asked about. */
  rootsChecked: number;
  grants: SignedGrant[];
  /** Per body, the nonces `cancelVouchers` replaced, oldest first. */
  staleNonces: Map<number, bigint[]>;
}

interface SetupParams {
  t0: number;
  epoch: number;
  rulebooks: { hash: bigint; schedule: ReviewSchedule }[];
  bodies: { admin: number; scope: number; accreditedUntil: number; noticePeriod: number; keys: number[] }[];
  grants: SignedGrant[][];
}

const lc = (a: string): Address => a.toLowerCase();

async function deployForModel(): Promise<{ fixed: Fixed; params: SetupParams }> {
  const signers = await ethers.getSigners();
  const [association, supervisor] = signers;
  const admins = signers.slice(2, 2 + ADMINS);
  const keys = signers.slice(5, 5 + KEYS);
  const stranger = signers[11];
  const { certificate: cert } = await deployCertificate(association);
  await cert.grantRole(SUPERVISOR_ROLE, supervisor.address);
  await checkTypehashes(cert);
  const epoch = Number(await cert.EPOCH());
  const latest = await ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("no latest block");
  const t0 = latest.timestamp + 1;
  const bodies = [
    { admin: 0, scope: 0b0111, accreditedUntil: t0 + 3 * YEAR, noticePeriod: 7 * DAY, keys: [0, 1] },
    { admin: 1, scope: 0b1110, accreditedUntil: t0 + 2 * YEAR, noticePeriod: DAY, keys: [2] },
  ];
  const rulebooks = FIXTURE_SCHEDULES.map((schedule, i) => ({ hash: BigInt(ethers.id(`rulebook:${i + 1}`)), schedule }));
  for (const [i, { hash, schedule }] of rulebooks.entries()) {
    await network.provider.send("evm_setNextBlockTimestamp", [t0 + i]);
    await cert.registerRulebook(ethers.toBeHex(hash, 32), `ipfs://rulebook/${i + 1}`, schedule.interval, schedule.grace);
  }
  const grants: SignedGrant[][] = [];
  for (const [i, b] of bodies.entries()) {
    const bodyId = i + 1;
    const deadline = t0 + 10 * YEAR;
    const signed = await Promise.all(b.keys.map((k) => signGrant(cert, keys[k], bodyId, deadline, keys[k].address)));
    grants.push(signed);
    await network.provider.send("evm_setNextBlockTimestamp", [t0 + rulebooks.length + i]);
    await cert.accreditBody(
      {
        admin: admins[b.admin].address,
        scope: b.scope,
        accreditedUntil: b.accreditedUntil,
        noticePeriod: b.noticePeriod,
        metadataURI: `ipfs://body/${bodyId}`,
        metadataHash: ethers.id(`body:${bodyId}`),
      },
      signed.map(solGrant),
    );
  }
  const holders = Array.from({ length: HOLDERS }, (_, i) => new Wallet(ethers.id(`cqo holder ${i}`)));
  const byAddress = new Map(signers.map((s) => [lc(s.address), s]));
  const domain = await eip712Domain(cert);
  const address = (await cert.getAddress()) as Hex;
  const client = createPublicClient({ transport: custom(network.provider) });
  return {
    fixed: { cert, address, client, domain, association, supervisor, stranger, admins, keys, holders, byAddress },
    params: { t0, epoch, rulebooks, bodies, grants },
  };
}

async function modelFixture(): Promise<{ fixed: Fixed; params: SetupParams }> {
  return deployForModel();
}

/** `signer` signs a consent for `key` to serve `bodyId` until `deadline`; the model learns exactly what was signed. */
async function signGrant(cert: CQOCertificate, signer: HardhatEthersSigner, bodyId: number, deadline: number, key: string): Promise<SignedGrant> {
  const grant = await keyGrant(cert, signer, bodyId, deadline, key);
  return {
    model: { key: lc(key), deadline, signed: { by: lc(signer.address), bodyId, key: lc(key), deadline } },
    signature: grant.signature,
  };
}

const solGrant = (g: SignedGrant): { key: string; deadline: number; signature: string } => ({
  key: g.model.key,
  deadline: g.model.deadline,
  signature: g.signature,
});

/** Builds the model of the fixture's state by running the same commands, then sets its clock to the chain's. */
function modelOf(fixed: Fixed, params: SetupParams, latest: { timestamp: number; number: number }): ReferenceModel {
  const association = lc(fixed.association.address);
  const model = new ReferenceModel(association, lc(fixed.supervisor.address), params.epoch, params.t0, 0);
  for (const { hash, schedule } of params.rulebooks) expectOk(model.registerRulebook(association, hash, schedule));
  for (const [i, b] of params.bodies.entries()) {
    const acc = {
      admin: lc(fixed.admins[b.admin].address),
      scope: b.scope,
      accreditedUntil: b.accreditedUntil,
      noticePeriod: b.noticePeriod,
      metadataHash: BigInt(ethers.id(`body:${i + 1}`)),
    };
    expectOk(model.accreditBody(association, acc, params.grants[i].map((g) => g.model)));
  }
  model.advance(latest.timestamp, latest.number);
  return model;
}

function expectOk(outcome: Outcome): void {
  if (!outcome.ok) throw new Error(`model setup failed: ${outcome.error}`);
}

async function latestBlock(): Promise<{ timestamp: number; number: number; hash: string }> {
  const block = await ethers.provider.getBlock("latest");
  if (block === null || block.hash === null) throw new Error("no latest block");
  return { timestamp: block.timestamp, number: block.number, hash: block.hash };
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
    case "issuerKey":
      return orStranger(ctx.tokenId !== undefined ? model.body(bodyOfTokenId(ctx.tokenId))?.keys[0] : undefined);
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

/** @param bodyId the body that will use the root (0: none, e.g. the caller holds no key) */
function resolveRoot(model: ReferenceModel, real: Real, spec: RootSpec, bodyId: number): bigint {
  const used = model.usedRoots();
  switch (spec.kind) {
    case "zero":
      return 0n;
    case "fresh":
      return freshRoot(real);
    case "reuse":
      return used.length === 0 ? freshRoot(real) : used[spec.pick % used.length].root;
    case "copy":
    case "copyLatest": {
      const others = used.filter((u) => u.bodyId !== bodyId);
      if (others.length === 0) return used.length === 0 ? freshRoot(real) : used[used.length - 1].root;
      return others[spec.kind === "copy" ? spec.pick % others.length : others.length - 1].root;
    }
    case "sibling": {
      if (used.length === 0) return freshRoot(real);
      const top = used[spec.pick % used.length].root & ~TAIL_MASK;
      return top | (freshRoot(real) & TAIL_MASK);
    }
  }
}

function resolveCert(model: ReferenceModel, ref: CertRef): bigint {
  if ("unknown" in ref) return UNKNOWN_TOKEN_ID;
  if ("claim" in ref) {
    const claims = model.knownTokenIds().filter((id) => model.cert(id) === undefined);
    return claims.length === 0 ? UNKNOWN_TOKEN_ID : claims[ref.claim % claims.length];
  }
  const ids = model.issuedTokenIds();
  if (ids.length === 0) return UNKNOWN_TOKEN_ID;
  return "newest" in ref ? ids[ids.length - 1] : ids[ref.pick % ids.length];
}

function resolveBody(model: ReferenceModel, ref: BodyRef): number {
  return typeof ref === "number" ? ref : bodyOfTokenId(resolveCert(model, ref.ofCert));
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

/** Resolves an item for the body `bodyId` (its notice period and its roots). */
function resolveIssuance(model: ReferenceModel, real: Real, item: IssueItem, bodyId: number, txTime: number): Issuance {
  const notice = model.body(bodyId)?.noticePeriod ?? 0;
  return {
    holder: resolveHolder(real, item.holder),
    resultRoot: resolveRoot(model, real, item.root, bodyId),
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

const voucherMessage = (v: Voucher) => ({ issuance: toSol(v.issuance), deadline: v.deadline, bodyId: v.bodyId, nonce: v.nonce });

/** The account that joins as a key (`SUPERVISOR_AS_KEY`: the supervisor), and a consent for it per `spec`. */
async function resolveGrant(real: Real, spec: GrantSpec, keyIndex: number, bodyId: number, txTime: number): Promise<SignedGrant> {
  const key = keyIndex === SUPERVISOR_AS_KEY ? real.supervisor : real.keys[keyIndex];
  let signed: SignedGrant;
  switch (spec.kind) {
    case "reuse":
      if (real.grants.length > 0) return real.grants[spec.pick % real.grants.length];
      signed = await signGrant(real.cert, key, bodyId, txTime + YEAR, key.address);
      break;
    case "fresh":
      signed = await signGrant(real.cert, key, bodyId, txTime + spec.deadline, key.address);
      break;
    case "otherSigner":
      signed = await signGrant(real.cert, real.stranger, bodyId, txTime + YEAR, key.address);
      break;
    case "otherBody":
      signed = await signGrant(real.cert, key, bodyId + 1, txTime + YEAR, key.address);
      break;
  }
  real.grants.push(signed);
  return signed;
}

// ------------------------------------------------------------------ running one command on both sides

interface ChainEvent {
  name: string;
  args: Record<string, unknown>;
}
type ChainOutcome = { ok: true; events: ChainEvent[] } | { ok: false; error: string };

/** Sends a transaction and reports either the events it emitted or the custom error it reverted with. */
async function send(real: Real, tx: () => Promise<ContractTransactionResponse>): Promise<ChainOutcome> {
  try {
    const response = await tx();
    const receipt = await response.wait();
    if (receipt === null) throw new Error("no receipt");
    const events = receipt.logs.map((log): ChainEvent => {
      const parsed = real.cert.interface.parseLog(log);
      return parsed === null ? { name: `unknown log ${log.topics[0]}`, args: {} } : { name: parsed.name, args: parsed.args.toObject() };
    });
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

/** One value as text, whatever side it comes from: numbers in decimal, 32-byte words as numbers, addresses lower-case. */
function textOf(value: unknown): string {
  if (typeof value === "string") return /^0x[0-9a-fA-F]{64}$/.test(value) ? BigInt(value).toString() : value.toLowerCase();
  return String(value);
}

/** Each event as `Name(arg=value, ...)`, with the arguments the model predicts (`keysOf`: whose names to show). */
function describeEvents(events: readonly (ModelEvent | ChainEvent)[], keysOf: (i: number) => string[]): string[] {
  return events.map((e, i) => {
    const args = e.args ?? {};
    return `${e.name}(${keysOf(i).map((k) => `${k}=${textOf(args[k])}`).join(", ")})`;
  });
}

function describeOutcome(o: Outcome | ChainOutcome): string {
  return o.ok ? `success with events [${o.events.map((e) => e.name).join(", ")}]` : `revert ${o.error}`;
}

/** Moves the model's clock to the latest block, which must carry the time the model expects. */
async function syncClock(model: ReferenceModel, expectedTime: number): Promise<void> {
  let latest = await latestBlock();
  if (latest.timestamp < expectedTime) {
    await network.provider.send("evm_mine", [expectedTime]);
    latest = await latestBlock();
  }
  if (latest.timestamp !== expectedTime) throw new Error(`chain clock ${latest.timestamp}, model ${expectedTime}`);
  model.advance(latest.timestamp, latest.number);
}

/** Runs one command on both sides and checks they agree; returns what the model expected. */
async function execute(model: ReferenceModel, real: Real, action: Action): Promise<Outcome> {
  if (action.t === "time") {
    const target = timeTarget(model, action.when);
    await network.provider.send("evm_mine", [target]);
    await syncClock(model, target);
    return { ok: true, events: [] };
  }
  const parent = await latestBlock();
  const txTime = model.now + 1;
  // The transaction is mined alone in the next block, at the next second.
  model.advance(txTime, parent.number + 1);
  await network.provider.send("evm_setNextBlockTimestamp", [txTime]);
  const { expected, actual } = await both(model, real, action, txTime, BigInt(parent.hash));
  await syncClock(model, txTime);
  const key = `${action.t} ${expected.ok ? "ok" : expected.error}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
  if (expected.ok !== actual.ok || (!expected.ok && !actual.ok && expected.error !== actual.error)) {
    expect.fail(`${JSON.stringify(action)}: the model expects ${describeOutcome(expected)}, the chain gave ${describeOutcome(actual)}`);
  }
  if (expected.ok && actual.ok) {
    const keysOf = (i: number): string[] => Object.keys(expected.events[i]?.args ?? {});
    expect(describeEvents(actual.events, keysOf), `events of ${JSON.stringify(action)}`).to.deep.equal(
      describeEvents(expected.events, keysOf),
    );
  }
  return expected;
}

function timeTarget(model: ReferenceModel, spec: TimeSpec): number {
  let target: number;
  switch (spec.kind) {
    case "secs":
      target = model.now + spec.secs;
      break;
    case "toValidFrom":
    case "toValidUntil":
    case "toPreviousValidUntil": {
      const cert = model.cert(resolveCert(model, spec.cert));
      if (cert === undefined) target = model.now + 1;
      else if (spec.kind === "toValidFrom") target = cert.evaluatedAt + cert.noticePeriod + spec.offset;
      else if (spec.kind === "toValidUntil") target = cert.validUntil + spec.offset;
      else target = cert.previousValidUntil === 0 ? model.now + 1 : cert.previousValidUntil + spec.offset;
      break;
    }
    case "toAccreditedUntil": {
      const body = model.body(resolveBody(model, spec.body));
      target = body === undefined ? model.now + 1 : body.accreditedUntil + spec.offset;
      break;
    }
    case "toReview": {
      const tokenId = resolveCert(model, spec.cert);
      const due = model.nextReviewDue(tokenId);
      const cert = model.cert(tokenId);
      if (due === 0 || cert === undefined) target = model.now + 1;
      else {
        const { interval, grace } = model.reviewSchedule(cert.rulebookId);
        const at = spec.at === "opens" ? due - Math.floor(interval / 4) : spec.at === "due" ? due : due + grace;
        target = at + spec.offset;
      }
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
  parentHash: bigint,
): Promise<{ expected: Outcome; actual: ChainOutcome }> {
  const c = real.cert;
  const opts = { gasLimit: GAS_LIMIT };
  switch (action.t) {
    case "accredit": {
      const signer = actorSigner(model, real, action.by, {});
      const metadataHash = ethers.id("body");
      const acc = {
        admin: lc(real.admins[action.admin].address),
        scope: action.scope,
        accreditedUntil: txTime + action.termDays * DAY,
        noticePeriod: action.notice,
        metadataHash: BigInt(metadataHash),
      };
      // A consent names the id the new body will get.
      const nextBodyId = model.bodyCount + 1;
      const grants: SignedGrant[] = [];
      for (const k of action.keys) grants.push(await resolveGrant(real, k.grant, k.key, nextBodyId, txTime));
      const expected = model.accreditBody(lc(signer.address), acc, grants.map((g) => g.model));
      const actual = await send(real, () =>
        c
          .connect(signer)
          .accreditBody({ ...acc, metadataURI: "ipfs://body", metadataHash }, grants.map(solGrant), opts),
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
    case "addKey": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const grant = await resolveGrant(real, action.grant, action.key, action.body, txTime);
      const expected = model.addSigningKey(lc(signer.address), action.body, grant.model);
      return { expected, actual: await send(real, () => c.connect(signer).addSigningKey(action.body, solGrant(grant), opts)) };
    }
    case "removeKey": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const key = lc(real.keys[action.key].address);
      const expected = model.removeSigningKey(lc(signer.address), action.body, key);
      return { expected, actual: await send(real, () => c.connect(signer).removeSigningKey(action.body, key, opts)) };
    }
    case "suspendBody": {
      const body = resolveBody(model, action.body);
      const signer = actorSigner(model, real, action.by, { body });
      const expected = model.suspendBody(lc(signer.address), body);
      return { expected, actual: await send(real, () => c.connect(signer).suspendBody(body, ethers.id("evidence"), opts)) };
    }
    case "reinstateBody": {
      const body = resolveBody(model, action.body);
      const signer = actorSigner(model, real, action.by, { body });
      const expected = model.reinstateBody(lc(signer.address), body);
      return { expected, actual: await send(real, () => c.connect(signer).reinstateBody(body, opts)) };
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
      else {
        const tokenId = resolveCert(model, w.cert);
        const view = model.cert(tokenId) !== undefined ? model.verifyCertificate(tokenId) : undefined;
        before = (view === undefined ? txTime : w.kind === "atEvaluationOf" ? view.evaluatedAt : view.issuedAt) + w.offset;
      }
      const expected = model.voidCertificatesIssuedBefore(lc(signer.address), action.body, before);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).voidCertificatesIssuedBefore(action.body, before, ethers.id("fraud"), opts)),
      };
    }
    case "cancelVouchers": {
      const signer = actorSigner(model, real, action.by, { body: action.body });
      const replaced = model.body(action.body)?.voucherNonce;
      const expected = model.cancelVouchers(lc(signer.address), action.body, parentHash);
      const actual = await send(real, () => c.connect(signer).cancelVouchers(action.body, opts));
      if (expected.ok && replaced !== undefined) real.staleNonces.set(action.body, [...(real.staleNonces.get(action.body) ?? []), replaced]);
      return { expected, actual };
    }
    case "registerRulebook": {
      const signer = actorSigner(model, real, action.by, {});
      const hash = action.reuse ? BigInt(ethers.id("rulebook:1")) : freshRoot(real);
      const { interval, grace } = action.schedule;
      const expected = model.registerRulebook(lc(signer.address), hash, action.schedule);
      return {
        expected,
        actual: await send(real, () =>
          c.connect(signer).registerRulebook(ethers.toBeHex(hash, 32), "ipfs://rulebook", interval, grace, opts),
        ),
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
      const bodyId = model.keyBodyOf(lc(signer.address));
      const items = (action.t === "issue" ? [action.item] : action.items).map((item) =>
        resolveIssuance(model, real, item, bodyId, txTime),
      );
      if (action.t === "issue") {
        const expected = model.issueCertificate(lc(signer.address), items[0]);
        return { expected, actual: await send(real, () => c.connect(signer).issueCertificate(toSol(items[0]), opts)) };
      }
      const expected = model.issueCertificates(lc(signer.address), items);
      return { expected, actual: await send(real, () => c.connect(signer).issueCertificates(items.map(toSol), opts)) };
    }
    case "voucher": {
      const signer = actorSigner(model, real, action.signer, {});
      const own = model.keyBodyOf(lc(signer.address));
      const bodyId = action.body === "own" ? Math.max(own, 1) : (own % 3) + 1;
      const current = model.body(bodyId)?.voucherNonce ?? 0n;
      const stale = real.staleNonces.get(bodyId) ?? [];
      const nonce = action.nonce === "current" ? current : (stale.at(-1) ?? (current + 1n) & UINT64_MASK);
      const issuance = resolveIssuance(model, real, action.item, own, txTime);
      const voucher: Voucher = { issuance, deadline: txTime + action.deadline, bodyId, nonce };
      const other = signer === real.keys[0] ? real.keys[1] : real.keys[0];
      const wallet = action.signature === "otherKey" ? other : signer;
      const signedVoucher: Voucher =
        action.signature === "tampered"
          ? { ...voucher, issuance: { ...issuance, holder: resolveHolder(real, (action.item.holder + 1) % HOLDERS) } }
          : voucher;
      const signature = await wallet.signTypedData(real.domain, voucherTypes(), voucherMessage(signedVoucher));
      const expected = model.issueWithVoucher(lc(real.stranger.address), lc(signer.address), voucher, {
        by: lc(wallet.address),
        voucher: signedVoucher,
      });
      return {
        expected,
        actual: await send(real, () =>
          c.connect(real.stranger).issueWithVoucher(signer.address, signature, voucherMessage(voucher), opts),
        ),
      };
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
      const bodyId = model.keyBodyOf(lc(signer.address));
      // A renewal's notice is the renewing body's current one, from now.
      const validFrom = txTime + (model.body(bodyId)?.noticePeriod ?? 0);
      const root = resolveRoot(model, real, action.root, bodyId);
      const until = resolveValidity(action.validity, txTime, validFrom);
      const expected = model.renewCertificate(lc(signer.address), tokenId, root, action.rulebook, until);
      return {
        expected,
        actual: await send(real, () =>
          c.connect(signer).renewCertificate(tokenId, ethers.toBeHex(root, 32), action.rulebook, until, opts),
        ),
      };
    }
    case "review": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const expected = model.recordReview(lc(signer.address), tokenId, action.result);
      return {
        expected,
        actual: await send(real, () => c.connect(signer).recordReview(tokenId, action.result, ethers.id("review"), opts)),
      };
    }
    case "reissue": {
      const tokenId = resolveCert(model, action.cert);
      const signer = actorSigner(model, real, action.by, { tokenId });
      const newHolder = resolveHolder(real, action.newHolder);
      const root = resolveRoot(model, real, action.root, model.keyBodyOf(lc(signer.address)));
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
    suspendedByBody: v.suspendedByBody,
    suspendedBySupervisor: v.suspendedBySupervisor,
    evaluatedAt: v.evaluatedAt,
    lastEventBlock: v.lastEventBlock,
    nextReviewDue: v.nextReviewDue,
    reviewsPassed: v.reviewsPassed,
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
  const at = `at ${model.now} (block ${model.block}) after ${context}`;
  const latest = await latestBlock();
  expect([latest.timestamp, latest.number], `chain clock ${at}`).to.deep.equal([model.now, model.block]);

  const tokenIds = [...model.knownTokenIds(), UNKNOWN_TOKEN_ID];
  const statuses = await readMany(real, "statusOf", tokenIds.map((id) => [id] as const));
  const views = await readMany(real, "verifyCertificate", tokenIds.map((id) => [id] as const));
  tokenIds.forEach((tokenId, i) => {
    expect(statuses[i], `statusOf(${tokenId}) ${at}`).to.equal(model.statusOf(tokenId));
    expect(viewOf(views[i]), `verifyCertificate(${tokenId}) ${at}`).to.deep.equal(model.verifyCertificate(tokenId));
  });
  // Each certificate for its own holder at its own level (true exactly when valid), and once for a wallet not its own.
  const issued = model.issuedTokenIds();
  const ownChecks = issued.map((id) => {
    const cert = model.cert(id);
    if (cert === undefined) throw new Error(`no certificate ${id}`);
    return [cert.holder as Hex, id, cert.level] as const;
  });
  if (issued.length > 0) ownChecks.push([lc(real.holders[0].address) as Hex, issued[issued.length - 1], 8] as const);
  const ownValid = await readMany(real, "isValidCertificateOf", ownChecks);
  ownChecks.forEach(([holder, id, level], i) => {
    expect(ownValid[i], `isValidCertificateOf(${holder}, ${id}, ${level}) ${at}`).to.equal(
      model.isValidCertificateOf(lc(holder), id, level),
    );
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
        admin: lc(profile.admin),
        scope: b.scope,
        accreditedUntil: b.accreditedUntil,
        noticePeriod: b.noticePeriod,
        status: b.status,
        voucherNonce: b.voucherNonce,
        voidedBefore: profile.voidedBefore,
        lastVoidBlock: profile.lastVoidBlock,
        metadataHash: BigInt(profile.metadataHash),
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

  // A used root stays used, by its body only: ask about the roots used since the last comparison, for the body that
  // used each and for both fixture bodies.
  const fresh = model.usedRoots().slice(real.rootsChecked);
  const rootQueries = fresh.flatMap(({ bodyId, root }) =>
    [...new Set([bodyId, 1, 2])].map((b) => [b, toHex(root, { size: 32 })] as const),
  );
  const used = await readMany(real, "isResultRootUsed", rootQueries);
  rootQueries.forEach(([bodyId, root], i) =>
    expect(used[i], `isResultRootUsed(${bodyId}, ${root}) ${at}`).to.equal(model.isResultRootUsed(bodyId, BigInt(root))),
  );
  real.rootsChecked += fresh.length;

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
  { weight: 24, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ pick })) },
  { weight: 1, arbitrary: fc.nat({ max: 7 }).map((claim) => ({ claim })) },
  { weight: 1, arbitrary: fc.constant({ unknown: true as const }) },
);
const rootSpec: fc.Arbitrary<RootSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: "fresh" as const }) },
  { weight: 1, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ kind: "reuse" as const, pick })) },
  { weight: 1, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ kind: "copy" as const, pick })) },
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
// a caller may give 1, 2, 5, 6, 7; 0 (None), 3 (FailedReview: recordReview's own) and 4 (Reissued) are refused
const reason = fc.oneof({ weight: 6, arbitrary: pick(1, 2, 5, 6, 7) }, { weight: 1, arbitrary: pick(0, 3, 4) });
const scope = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 255 }) }, { weight: 1, arbitrary: fc.constant(0) });
const termDays = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 * 365 }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) });
const notice = pick(0, 60, DAY, 7 * DAY, 30 * DAY);
const issuer = actor("keyOfBody1", "keyOfBody1", "keyOfBody1", "keyOfBody2", "keyOfBody2", "keyOfBody2", "keyOfBody3", "key4", "stranger");
const grantSpec: fc.Arbitrary<GrantSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: "fresh" as const, deadline: 10 * YEAR }) },
  { weight: 1, arbitrary: pick(0, -1, 3600).map((deadline) => ({ kind: "fresh" as const, deadline })) },
  { weight: 1, arbitrary: fc.constant({ kind: "otherSigner" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "otherBody" as const }) },
  { weight: 2, arbitrary: fc.nat({ max: 63 }).map((pick) => ({ kind: "reuse" as const, pick })) },
);
const keyIndex = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: KEYS - 1 }) },
  { weight: 1, arbitrary: fc.constant(SUPERVISOR_AS_KEY) },
);

/**
 * An item to issue: mostly one that an accredited body can issue (a fresh root, a real holder, a level most bodies
 * certify, an active rulebook, a long validity), sometimes anything at all.
 */
function issueItem(rulebooks: fc.Arbitrary<number>): fc.Arbitrary<IssueItem> {
  const plausible = fc.record({
    holder: fc.integer({ min: 0, max: HOLDERS - 1 }),
    root: fc.constant({ kind: "fresh" as const }),
    level: fc.integer({ min: 2, max: 3 }),
    rulebook: pick(1, REVIEWED, REVIEWED, QUARTERLY, QUARTERLY),
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

const singleRulebook = fc.oneof({ weight: 10, arbitrary: pick(1, REVIEWED, QUARTERLY) }, { weight: 1, arbitrary: pick(0, 4) });

/** A new rulebook's review schedule: none, a valid one, or one `registerRulebook` refuses. */
const reviewSchedule: fc.Arbitrary<ReviewSchedule> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(NO_REVIEWS) },
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 30 * DAY, max: YEAR })
      .chain((interval) => fc.integer({ min: 0, max: interval - 1 }).map((grace) => ({ interval, grace }))),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.integer({ min: 1, max: DAY }).map((grace) => ({ interval: 0, grace })),
      fc.integer({ min: DAY, max: YEAR }).chain((interval) => pick(interval, interval + 1).map((grace) => ({ interval, grace }))),
    ),
  },
);

/** To the window, the due date or the end of the grace of a certificate's next review: where the rules change. */
const reviewTime: fc.Arbitrary<TimeSpec> = fc
  .record({
    cert: certRef,
    at: pick("opens" as const, "due" as const, "overdue" as const, "overdue" as const),
    offset: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -1, max: 1 }) }, { weight: 1, arbitrary: fc.integer({ min: -20 * DAY, max: 20 * DAY }) }),
  })
  .map(({ cert, at, offset }) => ({ kind: "toReview" as const, cert, at, offset }));

const reviewResult: fc.Arbitrary<ReviewResult> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(ReviewResult.Passed) },
  { weight: 1, arbitrary: fc.constant(ReviewResult.FailedSuspended) },
  { weight: 1, arbitrary: fc.constant(ReviewResult.FailedRevoked) },
);
/** Reviews are the issuing body's keys' only: mostly them, sometimes the supervisor, another key or anyone. */
const reviewActor = actor("issuerKey", "issuerKey", "issuerKey", "issuerKey", "issuerKey", "supervisor", "key2", "stranger", "association");

const timeSpec: fc.Arbitrary<TimeSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3600 }).map((secs) => ({ kind: "secs" as const, secs })) },
  { weight: 3, arbitrary: fc.integer({ min: DAY / 2, max: 10 * DAY }).map((secs) => ({ kind: "secs" as const, secs })) },
  { weight: 1, arbitrary: fc.integer({ min: 30 * DAY, max: 3 * YEAR }).map((secs) => ({ kind: "secs" as const, secs })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ cert: certRef, offset: fc.integer({ min: -1, max: 1 }), to: pick("from" as const, "from" as const, "until" as const, "previous" as const) })
      .map(({ cert, offset, to }) => ({
        kind: to === "from" ? ("toValidFrom" as const) : to === "until" ? ("toValidUntil" as const) : ("toPreviousValidUntil" as const),
        cert,
        offset,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ body: fc.integer({ min: 1, max: 3 }), offset: fc.integer({ min: -1, max: 1 }) })
      .map(({ body, offset }) => ({ kind: "toAccreditedUntil" as const, body, offset })),
  },
  { weight: 5, arbitrary: reviewTime },
);

const voidSpec: fc.Arbitrary<VoidSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 30 * DAY }).map((secs) => ({ kind: "ago" as const, secs })) },
  { weight: 1, arbitrary: fc.constant({ kind: "zero" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "future" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .record({ cert: certRef, offset: fc.integer({ min: 0, max: 1 }), evaluation: fc.boolean() })
      .map(({ cert, offset, evaluation }) => ({ kind: evaluation ? ("atEvaluationOf" as const) : ("atIssueOf" as const), cert, offset })),
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
    keys: fc.array(fc.record({ key: keyIndex, grant: grantSpec }), { maxLength: 2 }),
  }),
  fc.record({ t: fc.constant("terms" as const), by: actor("association", "association", "bodyAdmin"), body: bodyRef, scope, termDays, notice }),
  fc.record({ t: fc.constant("removeKey" as const), by: actor("bodyAdmin", "bodyAdmin", "association", "stranger"), body: bodyRef, key: fc.integer({ min: 0, max: KEYS - 1 }) }),
  fc.record({ t: fc.constant("suspendBody" as const), by: actor("supervisor", "association", "bodyAdmin"), body: bodyRef }),
  fc.record({ t: fc.constant("reinstateBody" as const), by: actor("supervisor", "association", "stranger"), body: bodyRef }),
  fc.record({ t: fc.constant("revokeBody" as const), by: actor("association", "association", "supervisor"), body: bodyRef }),
  fc.record({ t: fc.constant("void" as const), by: actor("supervisor", "supervisor", "supervisor", "association"), body: bodyRef, when: voidSpec }),
  fc.record({ t: fc.constant("cancelVouchers" as const), by: actor("bodyAdmin", "bodyAdmin", "association", "stranger"), body: bodyRef }),
  fc.record({
    t: fc.constant("registerRulebook" as const),
    by: actor("association", "association", "stranger"),
    reuse: fc.boolean(),
    schedule: reviewSchedule,
  }),
  fc.record({ t: fc.constant("deprecateRulebook" as const), by: actor("association", "association", "stranger"), rulebook: fc.integer({ min: 0, max: 4 }) }),
];

const weighted: fc.WeightedArbitrary<Action>[] = [
  ...actionArbs.map((arbitrary) => ({ weight: 1, arbitrary })),
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("addKey" as const),
      by: actor("bodyAdmin", "bodyAdmin", "association", "stranger"),
      body: bodyRef,
      key: keyIndex,
      grant: grantSpec,
    }),
  },
  { weight: 7, arbitrary: fc.record({ t: fc.constant("issue" as const), by: issuer, item: issueItem(singleRulebook) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("batch" as const),
      by: issuer,
      items: fc.array(issueItem(singleRulebook), { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("voucher" as const),
      signer: issuer,
      item: issueItem(singleRulebook),
      nonce: pick("current" as const, "current" as const, "current" as const, "stale" as const),
      deadline: pick(3600, 3600, 3600, 0, -1),
      signature: pick("signer" as const, "signer" as const, "signer" as const, "signer" as const, "otherKey" as const, "tampered" as const),
      body: pick("own" as const, "own" as const, "own" as const, "own" as const, "other" as const),
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
  { weight: 5, arbitrary: fc.record({ t: fc.constant("review" as const), by: reviewActor, cert: certRef, result: reviewResult }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant("time" as const), when: timeSpec }) },
];

/**
 * Macros: what v2 changed, assembled on purpose. A flag on a certificate, then its body suspended or past its term,
 * then its key tries to lift the flag (or to add one); the supervisor's suspension on top of the body's, each lifted
 * by one of them; a renewal as soon as the notice ends, then an objection, a second renewal or time up to the end of
 * the result it replaced; vouchers cancelled, then one signed for the old nonce; another body copying the root just
 * used.
 */
const standingMacro: fc.Arbitrary<Action[]> = fc
  .record({
    cert: certRef,
    flag: pick("suspend" as const, "object" as const),
    change: pick("suspendBody" as const, "suspendBody" as const, "expireBody" as const),
    then: pick("reinstate" as const, "dismiss" as const, "suspend" as const, "uphold" as const),
  })
  .map(({ cert, flag, change, then }) => {
    const body = { ofCert: cert };
    const attempt: Action =
      then === "reinstate"
        ? { t: "reinstate", by: "issuerKey", cert }
        : then === "suspend"
          ? { t: "suspend", by: "issuerKey", cert }
          : { t: "resolve", by: "issuerKey", cert, upheld: then === "uphold", reason: 1 };
    const actions: Action[] = [
      flag === "suspend" ? { t: "suspend", by: "issuerKey", cert } : { t: "object", by: "stranger", cert },
      change === "suspendBody"
        ? { t: "suspendBody", by: "supervisor", body }
        : { t: "time", when: { kind: "toAccreditedUntil", body, offset: 0 } },
      attempt,
    ];
    // A suspended body comes back, and may then do what it could not.
    if (change === "suspendBody") actions.push({ t: "reinstateBody", by: "association", body }, attempt);
    return actions;
  });

const supervisorMacro: fc.Arbitrary<Action[]> = fc
  .record({ cert: certRef, first: actor("issuerKey", "supervisor"), second: actor("issuerKey", "supervisor") })
  .map(({ cert, first, second }): Action[] => [
    { t: "suspend", by: "issuerKey", cert },
    { t: "suspend", by: "supervisor", cert },
    { t: "reinstate", by: first, cert },
    { t: "reinstate", by: second, cert },
  ]);

const renewalMacro: fc.Arbitrary<Action[]> = fc
  .record({
    cert: certRef,
    validity: validitySpec,
    then: pick("object" as const, "renew" as const, "previous" as const),
    offset: fc.integer({ min: -1, max: 1 }),
  })
  .map(({ cert, validity, then, offset }): Action[] => {
    const renew: Action = { t: "renew", by: "issuerKey", cert, root: { kind: "fresh" }, rulebook: 1, validity };
    return [
      { t: "time", when: { kind: "toValidFrom", cert, offset } },
      renew,
      then === "object"
        ? { t: "object", by: "stranger", cert }
        : then === "renew"
          ? renew
          : { t: "time", when: { kind: "toPreviousValidUntil", cert, offset } },
    ];
  });

const voucherMacro: fc.Arbitrary<Action[]> = fc
  .record({ body: pick(1 as const, 2 as const), nonce: pick("stale" as const, "current" as const), item: issueItem(singleRulebook) })
  .map(({ body, nonce, item }): Action[] => [
    { t: "cancelVouchers", by: "bodyAdmin", body },
    { t: "voucher", signer: `keyOfBody${body}`, item, nonce, deadline: 3600, signature: "signer", body: "own" },
  ]);

const copyMacro: fc.Arbitrary<Action[]> = fc
  .record({ first: pick(1 as const, 2 as const), holder: fc.integer({ min: 0, max: HOLDERS - 1 }), level: pick(2, 3) })
  .map(({ first, holder, level }): Action[] => {
    const issue = (body: 1 | 2, root: RootSpec): Action => ({
      t: "issue",
      by: `keyOfBody${body}`,
      item: { holder, root, level, rulebook: 1, validity: { kind: "days", days: 400 } },
    });
    return [issue(first, { kind: "fresh" }), issue(first === 1 ? 2 : 1, { kind: "copyLatest" })];
  });

/** Offsets of a time travel followed by a transaction, which is mined a second later: mostly just before or at the date. */
const txOffset = fc.oneof({ weight: 3, arbitrary: pick(-2, -1) }, { weight: 1, arbitrary: pick(-3, 0) });

/**
 * Annual reviews: time to a review's window, due date or end of grace (the next transaction mined just before or at it), then the body
 * records it, or tries to renew or re-issue (refused while overdue), or fails it and then lifts the suspension.
 */
const reviewMacro: fc.Arbitrary<Action[]> = fc
  .record({
    cert: certRef,
    at: pick("opens" as const, "due" as const, "overdue" as const, "overdue" as const),
    // the transaction is mined a second after the travel: -2 lands it a second before the date, -1 on it
    offset: txOffset,
    then: pick("review" as const, "review" as const, "renew" as const, "reissue" as const, "failAndLift" as const),
    result: reviewResult,
    newHolder: fc.integer({ min: 0, max: HOLDERS - 1 }),
  })
  .map(({ cert, at, offset, then, result, newHolder }): Action[] => {
    const time: Action = { t: "time", when: { kind: "toReview", cert, at, offset } };
    switch (then) {
      case "review":
        return [time, { t: "review", by: "issuerKey", cert, result }];
      case "renew":
        return [time, { t: "renew", by: "issuerKey", cert, root: { kind: "fresh" }, rulebook: REVIEWED, validity: { kind: "days", days: 800 } }];
      case "reissue":
        return [
          time,
          { t: "reissue", by: "issuerKey", cert, newHolder, root: { kind: "fresh" }, deadline: 3600, consent: "newHolder" },
        ];
      case "failAndLift":
        return [
          time,
          { t: "review", by: "issuerKey", cert, result: ReviewResult.FailedSuspended },
          { t: "reinstate", by: "issuerKey", cert },
          { t: "review", by: "issuerKey", cert, result: ReviewResult.Passed },
        ];
    }
  });

/**
 * A certificate's whole schedule: one issued under a reviewed rulebook, then time to one of its review dates and a
 * review mined just before or at it (by anyone, mostly its body's key), then time to its next review's end of grace, a second before or at it.
 */
const scheduleMacro: fc.Arbitrary<Action[]> = fc
  .record({
    body: pick(1 as const, 1 as const, 2 as const),
    holder: fc.integer({ min: 0, max: HOLDERS - 1 }),
    level: pick(2, 3),
    rulebook: pick(REVIEWED, QUARTERLY),
    days: fc.integer({ min: 100, max: 1000 }),
    // the window's opening is where recordReview's answer changes; due dates and ends of grace are late reviews
    at: pick("opens" as const, "opens" as const, "opens" as const, "due" as const, "overdue" as const),
    offset: txOffset,
    by: fc.oneof({ weight: 3, arbitrary: fc.constant<Actor>("issuerKey") }, { weight: 1, arbitrary: reviewActor }),
    result: reviewResult,
    lastOffset: fc.integer({ min: -1, max: 0 }),
  })
  .map(({ body, holder, level, rulebook, days, at, offset, by, result, lastOffset }): Action[] => {
    const cert: CertRef = { newest: true };
    return [
      { t: "issue", by: `keyOfBody${body}`, item: { holder, root: { kind: "fresh" }, level, rulebook, validity: { kind: "days", days } } },
      { t: "time", when: { kind: "toReview", cert, at, offset } },
      { t: "review", by, cert, result },
      { t: "time", when: { kind: "toReview", cert, at: "overdue", offset: lastOffset } },
    ];
  });

const anyStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 60, arbitrary: fc.oneof(...weighted).map((a) => new Step([a])) },
  { weight: 2, arbitrary: standingMacro.map((actions) => new Step(actions)) },
  { weight: 1, arbitrary: supervisorMacro.map((actions) => new Step(actions)) },
  { weight: 1, arbitrary: renewalMacro.map((actions) => new Step(actions)) },
  { weight: 1, arbitrary: voucherMacro.map((actions) => new Step(actions)) },
  { weight: 1, arbitrary: copyMacro.map((actions) => new Step(actions)) },
  { weight: 5, arbitrary: reviewMacro.map((actions) => new Step(actions)) },
  { weight: 6, arbitrary: scheduleMacro.map((actions) => new Step(actions)) },
);

// ------------------------------------------------------------------ fast-check glue

/**
 * One fast-check command: one action, or a short sequence of them (a macro, for interplays a random sequence would
 * seldom assemble). Model and chain are compared after every transaction either way.
 */
class Step implements fc.AsyncCommand<ReferenceModel, Real> {
  constructor(readonly actions: readonly Action[]) {}
  check(): boolean {
    return true; // every command may run: the model decides whether it must succeed or revert
  }
  async run(model: ReferenceModel, real: Real): Promise<void> {
    for (const action of this.actions) await runAction(model, real, action);
  }
  toString(): string {
    return this.actions.length === 1 ? JSON.stringify(this.actions[0]) : JSON.stringify(this.actions);
  }
}

/** Runs one action on both sides, then compares every view; returns what the model expected. */
async function runAction(model: ReferenceModel, real: Real, action: Action): Promise<Outcome> {
  const t0 = performance.now();
  const outcome = await execute(model, real, action);
  const t1 = performance.now();
  await compareAll(model, real, JSON.stringify(action));
  timing.exec += t1 - t0;
  timing.compare += performance.now() - t1;
  timing.steps += 1;
  return outcome;
}

async function setup(): Promise<{ model: ReferenceModel; real: Real }> {
  const { fixed, params } = await loadFixture(modelFixture);
  const model = modelOf(fixed, params, await latestBlock());
  const real: Real = { ...fixed, freshCount: 0, rootsChecked: 0, grants: params.grants.flat(), staleNonces: new Map() };
  return { model, real };
}

/**
 * A step of a deterministic scenario: a command that must succeed, a command and the error it must revert with, or
 * a check of the state the scenario has reached (the model's, which every step has compared with the chain's).
 */
type ScriptStep =
  | Action
  | [Action, string]
  | { status: CertRef; is: CertificateStatus }
  | { holds: { holder: number; level: number }; is: boolean }
  /** The certificate's next review falls due `intervals` review intervals after its notice (0: no review due). */
  | { reviewDue: CertRef; intervals: number };

/** Runs a scenario through the same runner: model and chain must agree, and both must do what the script says. */
async function runScript(script: ScriptStep[]): Promise<void> {
  const { model, real } = await setup();
  await compareAll(model, real, "setup");
  for (const [i, step] of script.entries()) {
    if ("status" in step) {
      const tokenId = resolveCert(model, step.status);
      expect(CertificateStatus[model.statusOf(tokenId)], `step ${i}: status of ${tokenId}`).to.equal(CertificateStatus[step.is]);
      continue;
    }
    if ("reviewDue" in step) {
      const tokenId = resolveCert(model, step.reviewDue);
      const cert = model.cert(tokenId);
      if (cert === undefined) throw new Error(`step ${i}: no certificate ${tokenId}`);
      const { interval } = model.reviewSchedule(cert.rulebookId);
      const wanted = step.intervals === 0 ? 0 : cert.evaluatedAt + cert.noticePeriod + step.intervals * interval;
      expect(model.nextReviewDue(tokenId), `step ${i}: next review of ${tokenId}`).to.equal(wanted);
      continue;
    }
    if ("holds" in step) {
      const holder = resolveHolder(real, step.holds.holder);
      expect(model.holdsValidCertificate(holder, step.holds.level), `step ${i}: holdsValidCertificate(${holder}, ${step.holds.level})`).to.equal(step.is);
      continue;
    }
    const [action, wanted] = Array.isArray(step) ? step : [step, "ok"];
    const outcome = await runAction(model, real, action);
    expect(outcome.ok ? "ok" : outcome.error, `step ${i}: ${JSON.stringify(action)}`).to.equal(wanted);
  }
}

/** How often each command succeeded or reverted with each error, over the whole file: shows what the generator reaches. */
const stats = new Map<string, number>();
const timing = { exec: 0, compare: 0, steps: 0 };

const item = (holder: number, extra: Partial<IssueItem> = {}): IssueItem => ({
  holder,
  root: { kind: "fresh" },
  level: 2,
  rulebook: 1,
  validity: { kind: "days", days: 400 },
  ...extra,
});

describe("CQOCertificate against the reference model (fast-check)", function () {
  // Long exploratory runs (CQO_PBT_RUNS=300 ...) must not be cut off by mocha while fast-check is still driving the chain.
  this.timeout(process.env.CQO_PBT_RUNS !== undefined ? 0 : 600_000);

  it("agrees with the model after every step of random command sequences", async function () {
    const seed = process.env.CQO_PBT_SEED !== undefined ? Number(process.env.CQO_PBT_SEED) : undefined;
    const path = process.env.CQO_PBT_PATH;
    await fc.assert(
      fc.asyncProperty(fc.commands([anyStep], { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
        const s = await setup();
        await compareAll(s.model, s.real, "setup");
        await fc.asyncModelRun(() => s, cmds);
      }),
      { numRuns: RUNS, seed, path, endOnFailure: process.env.CQO_PBT_SHRINK === "0" },
    );
  });

  it("the initial fixture matches the model; the model's constants and certificate numbers are the contract's", async function () {
    const { model, real } = await setup();
    await compareAll(model, real, "setup");
    await expect(real.cert.balanceOf(ZERO_ADDRESS)).to.be.revertedWithCustomError(real.cert, "InvalidHolder");
    expect(await real.cert.HOLDINGS_SCANNED()).to.equal(BigInt(HOLDINGS_SCANNED));
    expect(await real.cert.MAX_BODIES()).to.equal(BigInt(MAX_BODIES));
    const root = freshRoot(real);
    for (const bodyId of [1, 2, MAX_BODIES]) {
      expect(await real.cert.certificateNumberOf(bodyId, toHex(root, { size: 32 }))).to.equal(certificateNumberOf(bodyId, root));
    }
    for (const bodyId of [0, MAX_BODIES + 1]) {
      await expect(real.cert.certificateNumberOf(bodyId, toHex(root, { size: 32 }))).to.be.revertedWithCustomError(real.cert, "BodyNotFound");
    }
  });

  // Deterministic scenarios through the same runner, for paths the generator reaches rarely. Each step says what it
  // must do (succeed, or revert with that error), so a rule that model and contract both got wrong still fails.
  it("lifecycle scenario: notice, objection, renewal, reissue, voiding and a body's suspension", async function () {
    await runScript([
      { t: "issue", by: "keyOfBody1", item: item(0) },
      { t: "batch", by: "keyOfBody2", items: [item(1), item(2, { level: 3 }), item(0, { level: 4, rulebook: 2 })] },
      { t: "object", by: "stranger", cert: { pick: 1 } },
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: -1 } },
      { status: { pick: 0 }, is: CertificateStatus.Pending },
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { status: { pick: 1 }, is: CertificateStatus.Pending }, // under objection
      [{ t: "object", by: "stranger", cert: { pick: 0 } }, "NoticePeriodOver"],
      { t: "resolve", by: "issuerKey", cert: { pick: 1 }, upheld: false, reason: 0 },
      { status: { pick: 1 }, is: CertificateStatus.Valid },
      { t: "suspend", by: "supervisor", cert: { pick: 2 } },
      [{ t: "reinstate", by: "issuerKey", cert: { pick: 2 } }, "SuspendedBySupervisor"],
      { t: "reinstate", by: "supervisor", cert: { pick: 2 } },
      { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 2, validity: { kind: "days", days: 900 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid }, // in the renewal's notice, the first result holds
      [{ t: "issue", by: "keyOfBody1", item: item(3, { root: { kind: "reuse", pick: 4 } }) }, "ResultRootUsedByRenewal"],
      [{ t: "issue", by: "keyOfBody1", item: item(3, { root: { kind: "reuse", pick: 0 } }) }, "ResultRootAlreadyUsed"],
      { t: "reissue", by: "issuerKey", cert: { pick: 3 }, newHolder: 3, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
      { status: { pick: 3 }, is: CertificateStatus.Revoked },
      { status: { pick: 4 }, is: CertificateStatus.Pending }, // the new wallet's own public notice
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 4 }, offset: 0 } },
      { status: { pick: 4 }, is: CertificateStatus.Valid },
      { t: "suspendBody", by: "supervisor", body: 2 },
      [{ t: "issue", by: "keyOfBody2", item: item(3, { level: 3 }) }, "BodyNotActive"],
      { t: "revoke", by: "issuerKey", cert: { pick: 1 }, reason: 1 }, // a suspended body's key still revokes
      { status: { pick: 2 }, is: CertificateStatus.Valid }, // a body's suspension leaves its certificates as they are
      { t: "void", by: "supervisor", body: 1, when: { kind: "atEvaluationOf", cert: { pick: 0 }, offset: 1 } },
      { status: { pick: 0 }, is: CertificateStatus.Voided },
      [
        { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 1, validity: { kind: "days", days: 900 } },
        "CertificateIsVoided",
      ],
      { t: "void", by: "supervisor", body: 1, when: { kind: "zero" } },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { t: "time", when: { kind: "toValidUntil", cert: { pick: 2 }, offset: 0 } },
      { status: { pick: 2 }, is: CertificateStatus.Expired },
      { t: "time", when: { kind: "toAccreditedUntil", body: 2, offset: 0 } },
      { t: "reinstateBody", by: "supervisor", body: 2 },
      [{ t: "issue", by: "keyOfBody2", item: item(3, { level: 3 }) }, "BodyAccreditationExpired"],
    ]);
  });

  it("the body's and the supervisor's suspensions are independent flags; each lifts only its own", async function () {
    await runScript([
      { t: "issue", by: "keyOfBody1", item: item(0) },
      { t: "suspend", by: "issuerKey", cert: { pick: 0 } },
      [{ t: "suspend", by: "issuerKey", cert: { pick: 0 } }, "CertificateAlreadySuspended"],
      { t: "suspend", by: "supervisor", cert: { pick: 0 } }, // on top of the body's
      [{ t: "suspend", by: "supervisor", cert: { pick: 0 } }, "CertificateAlreadySuspended"],
      { t: "object", by: "stranger", cert: { pick: 0 } }, // still in notice: objections stay open while suspended
      [{ t: "object", by: "stranger", cert: { pick: 0 } }, "ObjectionPending"],
      { t: "reinstate", by: "issuerKey", cert: { pick: 0 } }, // lifts the body's only
      { status: { pick: 0 }, is: CertificateStatus.Suspended },
      [{ t: "reinstate", by: "issuerKey", cert: { pick: 0 } }, "SuspendedBySupervisor"],
      { t: "reinstate", by: "supervisor", cert: { pick: 0 } },
      [{ t: "reinstate", by: "supervisor", cert: { pick: 0 } }, "CertificateNotSuspended"],
      [{ t: "reinstate", by: "issuerKey", cert: { pick: 0 } }, "CertificateNotSuspended"],
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Pending }, // the objection keeps it pending past its notice
      [
        { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 1, validity: { kind: "days", days: 900 } },
        "NotInGoodStanding",
      ],
      [
        { t: "reissue", by: "issuerKey", cert: { pick: 0 }, newHolder: 1, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
        "NotInGoodStanding",
      ],
      { t: "resolve", by: "supervisor", cert: { pick: 0 }, upheld: false, reason: 0 },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      [{ t: "resolve", by: "supervisor", cert: { pick: 0 }, upheld: false, reason: 0 }, "NoObjectionPending"],
      { t: "suspend", by: "supervisor", cert: { pick: 0 } },
      { t: "revoke", by: "issuerKey", cert: { pick: 0 }, reason: 2 }, // revoked while suspended: the view keeps the flag
      [{ t: "reinstate", by: "supervisor", cert: { pick: 0 } }, "CertificateAlreadyRevoked"],
    ]);
  });

  it("a suspended, expired or revoked body may suspend, revoke and uphold but not reinstate or dismiss", async function () {
    await runScript([
      { t: "batch", by: "keyOfBody2", items: [0, 1, 2, 3].map((h) => item(h, { validity: { kind: "days", days: 1000 } })) },
      { t: "suspend", by: "issuerKey", cert: { pick: 0 } },
      { t: "object", by: "stranger", cert: { pick: 1 } },
      { t: "object", by: "stranger", cert: { pick: 2 } },
      { t: "suspendBody", by: "supervisor", body: 2 },
      [{ t: "reinstate", by: "issuerKey", cert: { pick: 0 } }, "BodyNotActive"],
      [{ t: "resolve", by: "issuerKey", cert: { pick: 1 }, upheld: false, reason: 0 }, "BodyNotActive"],
      { t: "resolve", by: "issuerKey", cert: { pick: 1 }, upheld: true, reason: 2 }, // upholding is allowed
      { status: { pick: 1 }, is: CertificateStatus.Revoked },
      { t: "suspend", by: "issuerKey", cert: { pick: 3 } }, // so is suspending
      { t: "object", by: "stranger", cert: { pick: 3 } }, // and the public may still object during the notice
      [{ t: "reinstate", by: "supervisor", cert: { pick: 0 } }, "CertificateNotSuspended"], // not the supervisor's flag
      { t: "reinstateBody", by: "association", body: 2 },
      { t: "reinstate", by: "issuerKey", cert: { pick: 0 } },
      { t: "time", when: { kind: "toAccreditedUntil", body: 2, offset: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid }, // a body's term ending leaves its certificates valid
      [{ t: "reinstate", by: "issuerKey", cert: { pick: 3 } }, "BodyAccreditationExpired"],
      [{ t: "resolve", by: "issuerKey", cert: { pick: 2 }, upheld: false, reason: 0 }, "BodyAccreditationExpired"],
      [{ t: "resolve", by: "issuerKey", cert: { pick: 2 }, upheld: true, reason: 0 }, "InvalidRevocationReason"],
      { t: "revoke", by: "issuerKey", cert: { pick: 3 }, reason: 5 },
      { t: "terms", by: "association", body: 2, scope: 0b1110, termDays: 30, notice: DAY },
      { t: "revokeBody", by: "association", body: 2 },
      [{ t: "suspend", by: "issuerKey", cert: { pick: 2 } }, "BodyAccreditationIsRevoked"],
      [{ t: "resolve", by: "issuerKey", cert: { pick: 2 }, upheld: true, reason: 1 }, "BodyAccreditationIsRevoked"],
      { t: "resolve", by: "supervisor", cert: { pick: 2 }, upheld: false, reason: 0 },
      [{ t: "revokeBody", by: "association", body: 2 }, "BodyAccreditationIsRevoked"],
    ]);
  });

  it("renewal: refused during a notice; during its own notice valid until the previous end, then pending", async function () {
    const renew = (cert: number, validity: ValiditySpec, by: Actor = "issuerKey"): Action => ({
      t: "renew",
      by,
      cert: { pick: cert },
      root: { kind: "fresh" },
      rulebook: 2,
      validity,
    });
    const days400: ValiditySpec = { kind: "days", days: 400 };
    await runScript([
      { t: "terms", by: "association", body: 1, scope: 0b0111, termDays: 3 * 365, notice: 30 * DAY },
      { t: "issue", by: "keyOfBody1", item: item(0, { validity: { kind: "days", days: 40 } }) },
      { t: "issue", by: "keyOfBody1", item: item(1, { validity: { kind: "days", days: 35 } }) },
      [renew(0, days400), "InPublicNotice"],
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      [renew(0, { kind: "atValidFrom" }), "InvalidValidity"],
      [renew(0, days400, "supervisor"), "UnauthorizedAccount"],
      [renew(0, days400, "keyOfBody2"), "NotIssuingBody"],
      renew(0, { kind: "justAfterValidFrom" }),
      { status: { pick: 0 }, is: CertificateStatus.Valid }, // the previous result (40 days) is still in force
      [renew(0, days400), "InPublicNotice"], // the renewal's own notice
      { t: "object", by: "stranger", cert: { pick: 0 } }, // which is open to objections
      { status: { pick: 0 }, is: CertificateStatus.Pending },
      { t: "resolve", by: "issuerKey", cert: { pick: 0 }, upheld: false, reason: 0 },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { t: "time", when: { kind: "toPreviousValidUntil", cert: { pick: 0 }, offset: -1 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { t: "time", when: { kind: "toPreviousValidUntil", cert: { pick: 0 }, offset: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Pending }, // the previous result ended, the renewal's notice runs on
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { status: { pick: 1 }, is: CertificateStatus.Expired },
      renew(1, days400), // an expired certificate may be renewed: nothing is in force during its notice
      { status: { pick: 1 }, is: CertificateStatus.Pending },
      [
        { t: "reissue", by: "issuerKey", cert: { pick: 1 }, newHolder: 2, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
        "InPublicNotice",
      ],
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 1 }, offset: 0 } },
      { t: "reissue", by: "issuerKey", cert: { pick: 1 }, newHolder: 2, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
      { status: { pick: 2 }, is: CertificateStatus.Pending }, // keeps the first issuance date; a notice of its own
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 2 }, offset: 0 } },
      { status: { pick: 2 }, is: CertificateStatus.Valid },
      { t: "void", by: "supervisor", body: 1, when: { kind: "atIssueOf", cert: { pick: 2 }, offset: 1 } },
      { status: { pick: 2 }, is: CertificateStatus.Valid }, // voids compare the current result's time
      { t: "void", by: "supervisor", body: 1, when: { kind: "atEvaluationOf", cert: { pick: 2 }, offset: 1 } },
      { status: { pick: 2 }, is: CertificateStatus.Voided },
    ]);
  });

  it("vouchers: the signer's body and current nonce only; cancelVouchers voids those signed before", async function () {
    const voucher = (extra: Partial<Extract<Action, { t: "voucher" }>> = {}): Action => ({
      t: "voucher",
      signer: "keyOfBody1",
      item: item(0),
      nonce: "current",
      deadline: 3600,
      signature: "signer",
      body: "own",
      ...extra,
    });
    await runScript([
      voucher(),
      [voucher({ signature: "otherKey" }), "InvalidSignature"],
      [voucher({ signature: "tampered" }), "InvalidSignature"],
      [voucher({ deadline: -1 }), "VoucherExpired"],
      voucher({ deadline: 0 }),
      [voucher({ body: "other" }), "VoucherSignerNotOfBody"],
      [voucher({ signer: "stranger" }), "UnauthorizedAccount"],
      [{ t: "cancelVouchers", by: "stranger", body: 1 }, "NotBodyAdmin"],
      { t: "cancelVouchers", by: "bodyAdmin", body: 1 },
      [voucher({ nonce: "stale" }), "VoucherNonceMismatch"], // signed before the cancel
      voucher(),
      { t: "cancelVouchers", by: "association", body: 1 },
      [voucher({ nonce: "stale" }), "VoucherNonceMismatch"],
      [voucher({ item: item(1, { root: { kind: "reuse", pick: 0 } }) }), "ResultRootAlreadyUsed"],
      { t: "suspendBody", by: "supervisor", body: 1 },
      [voucher(), "BodyNotActive"],
      { t: "cancelVouchers", by: "bodyAdmin", body: 1 }, // a suspended body may still cancel
      [{ t: "cancelVouchers", by: "bodyAdmin", body: 9 }, "BodyNotFound"],
    ]);
  });

  it("another body copying a root gets a number of its own and takes nothing from the first", async function () {
    await runScript([
      { t: "issue", by: "keyOfBody1", item: item(0) }, // used root 0: body 1's
      { t: "issue", by: "keyOfBody2", item: item(1, { root: { kind: "copy", pick: 0 } }) }, // used root 1: body 2's copy
      [{ t: "issue", by: "keyOfBody2", item: item(1, { root: { kind: "copy", pick: 0 } }) }, "ResultRootAlreadyUsed"],
      [{ t: "issue", by: "keyOfBody1", item: item(2, { root: { kind: "sibling", pick: 0 } }) }, "CertificateNumberTaken"],
      [{ t: "issue", by: "keyOfBody2", item: item(2, { root: { kind: "sibling", pick: 0 } }) }, "CertificateNumberTaken"],
      [{ t: "issue", by: "keyOfBody1", item: item(2, { root: { kind: "reuse", pick: 0 } }) }, "ResultRootAlreadyUsed"],
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: 1, validity: { kind: "days", days: 500 } }, // used root 2
      [{ t: "issue", by: "keyOfBody1", item: item(3, { root: { kind: "reuse", pick: 2 } }) }, "ResultRootUsedByRenewal"],
      [{ t: "issue", by: "keyOfBody1", item: item(3, { root: { kind: "sibling", pick: 2 } }) }, "CertificateNumberTaken"],
      { t: "issue", by: "keyOfBody2", item: item(3, { root: { kind: "copy", pick: 1 } }) }, // body 2 copies the renewal's root
      [{ t: "suspend", by: "supervisor", cert: { claim: 0 } }, "CertificateNotFound"], // a claim holds no certificate
      [{ t: "object", by: "stranger", cert: { claim: 0 } }, "CertificateNotFound"],
      [{ t: "revoke", by: "keyOfBody2", cert: { pick: 0 }, reason: 1 }, "NotIssuingBody"], // the number says body 1
      { t: "void", by: "supervisor", body: 2, when: { kind: "ago", secs: 0 } },
      { status: { pick: 1 }, is: CertificateStatus.Voided }, // body 2's copies only
      { status: { pick: 2 }, is: CertificateStatus.Voided },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
    ]);
  });

  it("signing keys join only with their own fresh consent for that body, once, and never as role holders", async function () {
    const addKey = (key: number, grant: GrantSpec, by: Actor = "bodyAdmin", body = 1): Action => ({ t: "addKey", by, body, key, grant });
    const accredit = (grants: GrantSpec[]): Action => ({
      t: "accredit",
      by: "association",
      admin: 2,
      scope: 0b11,
      termDays: 100,
      notice: 60,
      keys: grants.map((grant, i) => ({ key: 4 + i, grant })),
    });
    await runScript([
      [addKey(3, { kind: "fresh", deadline: -1 }), "SigningKeyConsentExpired"],
      [addKey(3, { kind: "otherSigner" }), "InvalidSignature"],
      [addKey(3, { kind: "otherBody" }), "InvalidSignature"],
      addKey(3, { kind: "fresh", deadline: 0 }), // the deadline itself is still in time
      [addKey(3, { kind: "fresh", deadline: 3600 }), "SigningKeyInUse"],
      [addKey(SUPERVISOR_AS_KEY, { kind: "fresh", deadline: 3600 }), "RoleHolderCannotBeSigningKey"],
      [addKey(4, { kind: "fresh", deadline: 3600 }, "stranger"), "NotBodyAdmin"],
      { t: "removeKey", by: "bodyAdmin", body: 1, key: 0 }, // key 3 moves into key 0's place
      [addKey(0, { kind: "reuse", pick: 0 }), "SigningKeyConsentUsed"], // the setup's consent for key 0
      [addKey(0, { kind: "reuse", pick: 0 }, "association", 2), "InvalidSignature"], // that consent names body 1
      addKey(0, { kind: "fresh", deadline: 3600 }, "association", 2),
      { t: "issue", by: "keyOfBody1", item: item(0) }, // by key 3
      [accredit([{ kind: "fresh", deadline: 3600 }, { kind: "otherBody" }]), "InvalidSignature"], // all or nothing
      accredit([{ kind: "fresh", deadline: 3600 }, { kind: "fresh", deadline: 3600 }]),
      { t: "issue", by: "keyOfBody3", item: item(1, { level: 1 }) },
    ]);
  });

  it(`holdsValidCertificate looks at a holder's newest ${HOLDINGS_SCANNED} certificates only`, async function () {
    const batch = (n: number): Action => ({ t: "batch", by: "keyOfBody1", items: Array.from({ length: n }, () => item(0, { level: 3 })) });
    await runScript([
      { t: "issue", by: "keyOfBody1", item: item(0, { level: 1 }) },
      { t: "time", when: { kind: "toValidFrom", cert: { pick: 0 }, offset: 0 } },
      { holds: { holder: 0, level: 1 }, is: true },
      batch(8),
      batch(HOLDINGS_SCANNED - 9), // 16 in all: the first is still scanned
      { holds: { holder: 0, level: 1 }, is: true },
      { t: "issue", by: "keyOfBody1", item: item(0, { level: 3 }) }, // the 17th: the first drops out of the scan
      { holds: { holder: 0, level: 1 }, is: false },
      { status: { pick: 0 }, is: CertificateStatus.Valid }, // though still valid (isValidCertificateOf says so)
      { t: "time", when: { kind: "toValidFrom", cert: { pick: HOLDINGS_SCANNED }, offset: 0 } },
      { holds: { holder: 0, level: 3 }, is: true },
      { holds: { holder: 0, level: 2 }, is: false },
    ]);
  });

  it("a batch whose first items name rulebook id 0 is refused like a single issuance (RulebookNotFound)", async function () {
    // Expected behaviour per the issue: "Refuse ... a deprecated or unknown rulebook". issueCertificate refuses
    // rulebook 0 with RulebookNotFound(0); issueCertificates must do the same for every item.
    const zero: IssueItem = { holder: 0, root: { kind: "fresh" }, level: 1, rulebook: 0, validity: { kind: "days", days: 400 } };
    await runScript([
      [{ t: "issue", by: "keyOfBody1", item: zero }, "RulebookNotFound"],
      [{ t: "batch", by: "keyOfBody1", items: [zero] }, "RulebookNotFound"],
      [{ t: "batch", by: "keyOfBody1", items: [item(0), zero] }, "RulebookNotFound"],
    ]);
  });

  it("annual reviews: the window, the grace period, overdue by time alone, a late review, renewal restarting", async function () {
    const review = (by: Actor, result = ReviewResult.Passed, pickIndex = 0): Action => ({ t: "review", by, cert: { pick: pickIndex }, result });
    const toReview = (at: "opens" | "due" | "overdue", offset: number): Action => ({ t: "time", when: { kind: "toReview", cert: { pick: 0 }, at, offset } });
    const renew: Action = { t: "renew", by: "issuerKey", cert: { pick: 0 }, root: { kind: "fresh" }, rulebook: REVIEWED, validity: { kind: "days", days: 800 } };
    await runScript([
      { t: "issue", by: "keyOfBody1", item: item(0, { rulebook: REVIEWED, validity: { kind: "days", days: 1000 } }) },
      { t: "issue", by: "keyOfBody1", item: item(1, { validity: { kind: "days", days: 1000 } }) }, // rulebook 1: no reviews
      { reviewDue: { pick: 0 }, intervals: 1 },
      { reviewDue: { pick: 1 }, intervals: 0 },
      [review("issuerKey"), "ReviewNotYetOpen"],
      [review("issuerKey", ReviewResult.Passed, 1), "NoReviewDue"],
      [review("supervisor"), "NotIssuingBody"], // who may is checked before when
      [review("keyOfBody2"), "NotIssuingBody"],
      [review("stranger"), "NotIssuingBody"],
      [review("association"), "NotIssuingBody"],
      toReview("opens", -2),
      [review("issuerKey"), "ReviewNotYetOpen"], // mined a second before the window opens
      review("issuerKey"), // the window's first second: a quarter interval before the due date
      { reviewDue: { pick: 0 }, intervals: 2 },
      [review("issuerKey"), "ReviewNotYetOpen"], // once per period
      toReview("overdue", -1),
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { holds: { holder: 0, level: 2 }, is: true },
      toReview("overdue", 0), // due date plus grace: overdue with no transaction
      { status: { pick: 0 }, is: CertificateStatus.ReviewOverdue },
      { holds: { holder: 0, level: 2 }, is: false },
      { status: { pick: 1 }, is: CertificateStatus.Valid },
      [renew, "NotInGoodStanding"],
      [{ t: "reissue", by: "issuerKey", cert: { pick: 0 }, newHolder: 2, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" }, "NotInGoodStanding"],
      review("issuerKey"), // late: brings it back
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      { reviewDue: { pick: 0 }, intervals: 0 }, // a third review would fall after the end of validity
      [review("issuerKey"), "NoReviewDue"],
      renew,
      { status: { pick: 0 }, is: CertificateStatus.Valid }, // the previous result is in force during the notice
      { reviewDue: { pick: 0 }, intervals: 1 }, // counted from the renewal's notice, none passed
      toReview("overdue", 0),
      { status: { pick: 0 }, is: CertificateStatus.ReviewOverdue },
    ]);
  });

  it("failed reviews suspend or revoke as FailedReview; a suspended body only fails, a revoked one does nothing", async function () {
    const review = (pickIndex: number, result: ReviewResult, by: Actor = "issuerKey"): Action => ({ t: "review", by, cert: { pick: pickIndex }, result });
    const quarterly = (holder: number): IssueItem => item(holder, { rulebook: QUARTERLY, validity: { kind: "days", days: 400 } });
    await runScript([
      { t: "batch", by: "keyOfBody1", items: [quarterly(0), quarterly(1), quarterly(2)] },
      { t: "time", when: { kind: "toReview", cert: { pick: 0 }, at: "due", offset: 0 } },
      review(0, ReviewResult.FailedSuspended), // AnnualReviewRecorded and CertificateSuspended
      { status: { pick: 0 }, is: CertificateStatus.Suspended },
      { reviewDue: { pick: 0 }, intervals: 1 }, // a failed review moves nothing
      review(0, ReviewResult.FailedSuspended), // already the body's suspension: the review event only
      review(0, ReviewResult.Passed), // a passed review does not lift the suspension
      { status: { pick: 0 }, is: CertificateStatus.Suspended },
      { reviewDue: { pick: 0 }, intervals: 2 },
      { t: "reinstate", by: "issuerKey", cert: { pick: 0 } },
      { status: { pick: 0 }, is: CertificateStatus.Valid },
      review(1, ReviewResult.FailedRevoked),
      { status: { pick: 1 }, is: CertificateStatus.Revoked },
      [review(1, ReviewResult.Passed), "CertificateAlreadyRevoked"],
      [{ t: "revoke", by: "issuerKey", cert: { pick: 2 }, reason: RevocationReason.FailedReview }, "InvalidRevocationReason"],
      [{ t: "revoke", by: "supervisor", cert: { pick: 2 }, reason: RevocationReason.FailedReview }, "InvalidRevocationReason"],
      { t: "suspendBody", by: "supervisor", body: 1 },
      [review(2, ReviewResult.Passed), "BodyNotActive"],
      review(2, ReviewResult.FailedSuspended),
      [review(2, ReviewResult.FailedSuspended, "supervisor"), "NotIssuingBody"],
      { t: "reinstateBody", by: "association", body: 1 },
      { t: "revokeBody", by: "association", body: 1 },
      [review(2, ReviewResult.FailedRevoked), "BodyAccreditationIsRevoked"],
      [review(0, ReviewResult.Passed), "BodyAccreditationIsRevoked"],
    ]);
  });

  it("a re-issue's reviews count from its own notice; a body past its term may fail a review but not pass one", async function () {
    await runScript([
      { t: "terms", by: "association", body: 1, scope: 0b0111, termDays: 200, notice: 7 * DAY },
      { t: "issue", by: "keyOfBody1", item: item(0, { rulebook: QUARTERLY, validity: { kind: "days", days: 400 } }) },
      { t: "time", when: { kind: "toReview", cert: { pick: 0 }, at: "opens", offset: 0 } },
      { t: "review", by: "issuerKey", cert: { pick: 0 }, result: ReviewResult.Passed },
      { reviewDue: { pick: 0 }, intervals: 2 },
      { t: "reissue", by: "issuerKey", cert: { pick: 0 }, newHolder: 1, root: { kind: "fresh" }, deadline: 60, consent: "newHolder" },
      { reviewDue: { pick: 1 }, intervals: 1 },
      { t: "time", when: { kind: "toReview", cert: { pick: 1 }, at: "overdue", offset: -1 } },
      { status: { pick: 1 }, is: CertificateStatus.Valid },
      { t: "time", when: { kind: "toReview", cert: { pick: 1 }, at: "overdue", offset: 0 } },
      { status: { pick: 1 }, is: CertificateStatus.ReviewOverdue },
      { t: "time", when: { kind: "toAccreditedUntil", body: 1, offset: 0 } },
      [{ t: "review", by: "issuerKey", cert: { pick: 1 }, result: ReviewResult.Passed }, "BodyAccreditationExpired"],
      { t: "review", by: "issuerKey", cert: { pick: 1 }, result: ReviewResult.FailedSuspended },
      { status: { pick: 1 }, is: CertificateStatus.Suspended },
    ]);
  });

  it("a result counts at most 15 reviews: then none is due, however long it stays valid", async function () {
    const cert: CertRef = { pick: 0 };
    const passEach: ScriptStep[] = Array.from({ length: 15 }, (): ScriptStep[] => [
      { t: "time", when: { kind: "toReview", cert, at: "opens", offset: -1 } },
      { t: "review", by: "issuerKey", cert, result: ReviewResult.Passed },
    ]).flat();
    await runScript([
      { t: "registerRulebook", by: "association", reuse: false, schedule: { interval: 30 * DAY, grace: DAY } },
      [{ t: "registerRulebook", by: "association", reuse: false, schedule: { interval: 0, grace: DAY } }, "InvalidReviewSchedule"],
      [{ t: "registerRulebook", by: "association", reuse: false, schedule: { interval: DAY, grace: DAY } }, "InvalidReviewSchedule"],
      { t: "issue", by: "keyOfBody1", item: item(0, { rulebook: 4, validity: { kind: "days", days: 600 } }) },
      ...passEach,
      { reviewDue: cert, intervals: 0 },
      [{ t: "review", by: "issuerKey", cert, result: ReviewResult.Passed }, "NoReviewDue"],
      { t: "time", when: { kind: "toValidFrom", cert, offset: 17 * 30 * DAY } },
      { status: cert, is: CertificateStatus.Valid },
    ]);
  });

  after(function () {
    if (process.env.CQO_PBT_STATS === "1") {
      for (const [k, n] of [...stats.entries()].sort()) console.log(`      ${k}: ${n}`);
      console.log(`      steps ${timing.steps}, ms executing ${timing.exec.toFixed(0)}, comparing ${timing.compare.toFixed(0)}`);
    }
  });
});
