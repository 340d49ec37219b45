/**
 * CertifyingBodyRegistry (inherited by CQOCertificate, its writes in the BodyAdministration library): bodies,
 * signing keys and their consents, voucher cancellation, mass voiding, rulebooks, views, and the association's
 * two-step role (OpenZeppelin AccessControlDefaultAdminRules). Every external function: happy path with its event
 * (each ending with `by`, the account that acted) and the state after, and every revert path by custom error name
 * and arguments. Issue #11's holes closed here: 4 (a key joins only with its own consent and never holds a role),
 * 5 (the association's power over a body costs the same whatever its number of keys), 7 (cancelled vouchers stay
 * cancelled: the new nonce cannot be predicted).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, TypedDataDomain, Wallet } from "ethers";
import type { CQOCertificate } from "../typechain-types";
import {
  ACCREDITATION_TERM,
  BODY_1,
  BODY_1_METADATA_HASH,
  BODY_1_METADATA_URI,
  BODY_2,
  BODY_2_METADATA_URI,
  BodyStatus,
  CertificateStatus,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployCertificate,
  deployFixture,
  deployFixtureWith,
  deployWallet,
  eip712Domain,
  eventBlockOf,
  type Fixture,
  HOUR,
  issueOne,
  type IssuanceVoucher,
  keyGrant,
  NOTICE_PERIOD,
  now,
  RevocationReason,
  RULEBOOK_1,
  RULEBOOK_HASH,
  RULEBOOK_URI,
  RulebookStatus,
  SCOPE_ALL_THREE,
  SCOPE_LEVEL_3,
  send,
  setNextTimestamp,
  SIGNING_KEY_CONSENT_TYPES,
  type SigningKeyGrant,
  signingKeyConsentDigest,
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  travel,
  travelTo,
  txBlock,
  txTimestamp,
  voucherTypes,
  YEAR,
} from "./fixtures";

const EVIDENCE = ethers.id("evidence");
/** Body ids fill a certificate number's top byte. */
const MAX_BODIES = 255;
/** The delay of the association's handover in the fixtures that test it. */
const ADMIN_DELAY = 3 * DAY;

/** The fixture with a three-day handover of the association's role. */
async function delayedHandoverFixture(): Promise<Fixture> {
  return deployFixtureWith({ adminTransferDelay: ADMIN_DELAY });
}

/** The same on a millisecond chain, with a one-hour delay (an hour of milliseconds is 41 days of Hardhat's clock). */
async function millisecondHandoverFixture(): Promise<Fixture> {
  return deployFixtureWith({ clockUnit: 1000, adminTransferDelay: HOUR });
}

/** An accreditation for a third body, relative to `t`. */
function accreditation(
  admin: string,
  t: number,
  overrides: Partial<{ scope: number; accreditedUntil: number; noticePeriod: number }> = {},
) {
  return {
    admin,
    scope: SCOPE_ALL_THREE,
    accreditedUntil: t + ACCREDITATION_TERM,
    noticePeriod: NOTICE_PERIOD,
    metadataURI: "ipfs://bodies/3.json",
    metadataHash: ethers.id("body-3"),
    ...overrides,
  };
}

/** Keys that never hold ether: they only sign (consents, vouchers). Deterministic, so runs are reproducible. */
function offlineKeys(label: string, count: number): Wallet[] {
  return Array.from({ length: count }, (_, i) => new ethers.Wallet(ethers.id(`registry test key ${label} ${i}`)));
}

/** An offline key's consent to serve `bodyId` (what `keyGrant` builds for a Hardhat signer). */
async function offlineGrant(c: CQOCertificate, key: Wallet, bodyId: number, deadline: number): Promise<SigningKeyGrant> {
  const message = { bodyId, key: key.address, deadline };
  return { ...message, signature: await key.signTypedData(await eip712Domain(c), SIGNING_KEY_CONSENT_TYPES, message) };
}

/** A consent signed under another EIP-712 domain (another chain, contract or version), which the contract refuses. */
async function grantInDomain(
  c: CQOCertificate,
  signer: HardhatEthersSigner,
  bodyId: number,
  deadline: number,
  domain: Partial<TypedDataDomain>,
): Promise<SigningKeyGrant> {
  const message = { bodyId, key: signer.address, deadline };
  const signature = await signer.signTypedData(await eip712Domain(c, domain), SIGNING_KEY_CONSENT_TYPES, message);
  return { ...message, signature };
}

/** What `cancelVouchers` draws: the low 64 bits of keccak256(previous block hash, body id, previous nonce). */
function drawnNonce(previousBlockHash: string, bodyId: number, previousNonce: bigint): bigint {
  const encoded = ethers.AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "uint16", "uint64"],
    [previousBlockHash, bodyId, previousNonce],
  );
  return BigInt(ethers.keccak256(encoded)) & ((1n << 64n) - 1n);
}

async function gasUsed(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction not mined");
  return receipt.gasUsed;
}

/** Finds the storage slot that packs the registry's body count (low 16 bits) and rulebook count (next 16 bits). */
async function registryCountSlot(f: Fixture): Promise<number> {
  const address = await f.certificate.getAddress();
  const [bodies, rulebooks] = await f.certificate.registryCounts();
  const expected = (rulebooks << 16n) | bodies;
  for (let slot = 0; slot < 32; slot++) {
    if (BigInt(await ethers.provider.getStorage(address, slot)) === expected) return slot;
  }
  throw new Error("registry counters slot not found");
}

describe("CertifyingBodyRegistry", function () {
  describe("deployment and roles", function () {
    it("gives the association's role to the association alone, and nothing to anyone else", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.association.address)).to.equal(true);
      expect(await c.defaultAdmin()).to.equal(f.association.address);
      expect(await c.owner()).to.equal(f.association.address);
      expect(await c.pendingDefaultAdmin()).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await c.defaultAdminDelay()).to.equal(0);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.supervisor.address)).to.equal(true);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.supervisor.address)).to.equal(false);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.association.address)).to.equal(false);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.stranger.address)).to.equal(false);
      expect(await c.SUPERVISOR_ROLE()).to.equal(SUPERVISOR_ROLE);
      expect(await c.getRoleAdmin(SUPERVISOR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
      expect(await c.MAX_BODIES()).to.equal(MAX_BODIES);
    });

    it("refuses a zero association address (OpenZeppelin's AccessControlInvalidDefaultAdmin)", async function () {
      const f = await loadFixture(deployFixture);
      await expect(deployCertificate(ethers.ZeroAddress, { renderer: await f.renderer.getAddress() }))
        .to.be.revertedWithCustomError(f.certificate, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("lets the association grant and revoke the supervisor role, and a supervisor renounce it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.grantRole(SUPERVISOR_ROLE, f.stranger.address))
        .to.emit(c, "RoleGranted")
        .withArgs(SUPERVISOR_ROLE, f.stranger.address, f.association.address);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.stranger.address)).to.equal(true);
      await expect(c.revokeRole(SUPERVISOR_ROLE, f.stranger.address))
        .to.emit(c, "RoleRevoked")
        .withArgs(SUPERVISOR_ROLE, f.stranger.address, f.association.address);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.stranger.address)).to.equal(false);
      await expect(c.connect(f.supervisor).renounceRole(SUPERVISOR_ROLE, f.supervisor.address))
        .to.emit(c, "RoleRevoked")
        .withArgs(SUPERVISOR_ROLE, f.supervisor.address, f.supervisor.address);
      // a former supervisor has no power left
      await expect(c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.supervisor.address);
    });

    it("refuses role management by anyone but the association", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.supervisor).grantRole(SUPERVISOR_ROLE, f.stranger.address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.supervisor.address, DEFAULT_ADMIN_ROLE);
      await expect(c.connect(f.stranger).revokeRole(SUPERVISOR_ROLE, f.supervisor.address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.stranger.address, DEFAULT_ADMIN_ROLE);
      await expect(
        c.connect(f.stranger).renounceRole(SUPERVISOR_ROLE, f.supervisor.address),
      ).to.be.revertedWithCustomError(c, "AccessControlBadConfirmation");
    });

    it("never grants or revokes the association's role directly, not even at the association's request", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.association, f.supervisor, f.stranger]) {
        await expect(c.connect(who).grantRole(DEFAULT_ADMIN_ROLE, f.stranger.address)).to.be.revertedWithCustomError(
          c,
          "AccessControlEnforcedDefaultAdminRules",
        );
      }
      await expect(c.revokeRole(DEFAULT_ADMIN_ROLE, f.association.address)).to.be.revertedWithCustomError(
        c,
        "AccessControlEnforcedDefaultAdminRules",
      );
      // renouncing needs a scheduled handover to nobody first
      await expect(c.renounceRole(DEFAULT_ADMIN_ROLE, f.association.address))
        .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(0);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.stranger.address)).to.equal(false);
      expect(await c.defaultAdmin()).to.equal(f.association.address);
    });
  });

  describe("handing over the association's role (two steps, with a delay)", function () {
    it("schedules the handover, refuses it before the delay has passed, then the old admin loses every power", async function () {
      const f = await loadFixture(delayedHandoverFixture);
      const c = f.certificate;
      const next = f.holders[0];
      expect(await c.defaultAdminDelay()).to.equal(ADMIN_DELAY);

      const begin = await c.beginDefaultAdminTransfer(next.address);
      const schedule = (await txTimestamp(begin)) + ADMIN_DELAY;
      await expect(begin).to.emit(c, "DefaultAdminTransferScheduled").withArgs(next.address, schedule);
      expect(await c.pendingDefaultAdmin()).to.deep.equal([next.address, BigInt(schedule)]);
      // until accepted, nothing moved
      expect(await c.defaultAdmin()).to.equal(f.association.address);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, next.address)).to.equal(false);

      // only the pending admin may accept, and only once the schedule has passed (at it is still too early)
      for (const who of [f.association, f.stranger, f.supervisor]) {
        await expect(c.connect(who).acceptDefaultAdminTransfer())
          .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
          .withArgs(who.address);
      }
      await setNextTimestamp(schedule);
      await expect(c.connect(next).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await setNextTimestamp(schedule + 1);
      const accept = c.connect(next).acceptDefaultAdminTransfer();
      await expect(accept)
        .to.emit(c, "RoleRevoked")
        .withArgs(DEFAULT_ADMIN_ROLE, f.association.address, next.address);
      await expect(accept).to.emit(c, "RoleGranted").withArgs(DEFAULT_ADMIN_ROLE, next.address, next.address);
      expect(await c.defaultAdmin()).to.equal(next.address);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.association.address)).to.equal(false);
      expect(await c.pendingDefaultAdmin()).to.deep.equal([ethers.ZeroAddress, 0n]);

      // the old admin can do nothing the association does
      const old = c.connect(f.association);
      const t = await now();
      await expect(old.accreditBody(accreditation(f.holders[1].address, t), []))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.association.address, DEFAULT_ADMIN_ROLE);
      await expect(old.grantRole(SUPERVISOR_ROLE, f.holders[2].address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.association.address, DEFAULT_ADMIN_ROLE);
      await expect(old.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, f.accreditedUntil, NOTICE_PERIOD))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.association.address, DEFAULT_ADMIN_ROLE);
      await expect(old.suspendBody(BODY_1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.association.address);
      await expect(old.removeSigningKey(BODY_1, f.key1.address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.association.address);
      await expect(old.cancelVouchers(BODY_1))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.association.address);
      await expect(old.beginDefaultAdminTransfer(f.association.address))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.association.address, DEFAULT_ADMIN_ROLE);

      // the new admin does
      await expect(c.connect(next).accreditBody(accreditation(f.holders[1].address, t), []))
        .to.emit(c, "BodyAccredited")
        .withArgs(
          3,
          f.holders[1].address,
          SCOPE_ALL_THREE,
          t + ACCREDITATION_TERM,
          NOTICE_PERIOD,
          "ipfs://bodies/3.json",
          ethers.id("body-3"),
          next.address,
        );
      await expect(c.connect(next).suspendBody(BODY_1, EVIDENCE))
        .to.emit(c, "BodySuspended")
        .withArgs(BODY_1, next.address, EVIDENCE);
      // and, holding no role any more, the old admin may now serve as a body's key
      await expect(c.connect(f.body2Admin).addSigningKey(BODY_2, await keyGrant(c, f.association, BODY_2)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_2, f.association.address, f.body2Admin.address);
    });

    it("a cancelled handover cannot be accepted; a new one replaces the pending one", async function () {
      const f = await loadFixture(delayedHandoverFixture);
      const c = f.certificate;
      const [first, second] = [f.holders[0], f.holders[1]];
      await c.beginDefaultAdminTransfer(first.address);
      await expect(c.connect(f.stranger).cancelDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.stranger.address, DEFAULT_ADMIN_ROLE);
      await expect(c.cancelDefaultAdminTransfer()).to.emit(c, "DefaultAdminTransferCanceled");
      expect(await c.pendingDefaultAdmin()).to.deep.equal([ethers.ZeroAddress, 0n]);
      await travel(ADMIN_DELAY + 1);
      await expect(c.connect(first).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
        .withArgs(first.address);

      await c.beginDefaultAdminTransfer(first.address);
      const replace = await c.beginDefaultAdminTransfer(second.address);
      await expect(replace).to.emit(c, "DefaultAdminTransferCanceled");
      await expect(replace)
        .to.emit(c, "DefaultAdminTransferScheduled")
        .withArgs(second.address, (await txTimestamp(replace)) + ADMIN_DELAY);
      await travel(ADMIN_DELAY + 1);
      await expect(c.connect(first).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
        .withArgs(first.address);
      await expect(c.connect(second).acceptDefaultAdminTransfer())
        .to.emit(c, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, second.address, second.address);
      expect(await c.defaultAdmin()).to.equal(second.address);
    });

    it("counts the delay in the chain's unit: on a millisecond chain an hour is 3,600,000 units", async function () {
      const f = await loadFixture(millisecondHandoverFixture);
      const c = f.certificate;
      const next = f.holders[0];
      expect(await c.CLOCK_UNIT()).to.equal(1000);
      expect(await c.defaultAdminDelay()).to.equal(HOUR * 1000);
      expect(await c.defaultAdminDelayIncreaseWait()).to.equal(5 * DAY * 1000);
      const begin = await c.beginDefaultAdminTransfer(next.address);
      const schedule = (await txTimestamp(begin)) + HOUR * 1000;
      await expect(begin).to.emit(c, "DefaultAdminTransferScheduled").withArgs(next.address, schedule);
      // an hour of the chain's seconds is far from enough
      await time.setNextBlockTimestamp((await txTimestamp(begin)) + HOUR + 1);
      await expect(c.connect(next).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await time.setNextBlockTimestamp(schedule + 1);
      await expect(c.connect(next).acceptDefaultAdminTransfer())
        .to.emit(c, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, next.address, next.address);
    });
  });

  describe("signing keys never hold a role, role holders are never keys (issue #11, hole 4)", function () {
    it("refuses the supervisor and the association as signing keys, even with their own consent", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const holder of [f.supervisor, f.association]) {
        await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, holder, BODY_1)))
          .to.be.revertedWithCustomError(c, "RoleHolderCannotBeSigningKey")
          .withArgs(holder.address);
        await expect(c.addSigningKey(BODY_1, await keyGrant(c, holder, BODY_1)))
          .to.be.revertedWithCustomError(c, "RoleHolderCannotBeSigningKey")
          .withArgs(holder.address);
        await expect(c.accreditBody(accreditation(f.holders[0].address, await now()), [await keyGrant(c, holder, 3)]))
          .to.be.revertedWithCustomError(c, "RoleHolderCannotBeSigningKey")
          .withArgs(holder.address);
        expect(await c.bodyOfSigningKey(holder.address)).to.equal(0);
      }
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
    });

    it("refuses any role to a signing key; a removed key may take one, a former supervisor may become a key", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.grantRole(SUPERVISOR_ROLE, f.key1.address))
        .to.be.revertedWithCustomError(c, "SigningKeyCannotHoldRole")
        .withArgs(f.key1.address, SUPERVISOR_ROLE);
      const wallet = await deployWallet(f.holders[5]);
      const walletAddress = await wallet.getAddress();
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, f.holders[5], BODY_1, undefined, walletAddress));
      await expect(c.grantRole(SUPERVISOR_ROLE, walletAddress))
        .to.be.revertedWithCustomError(c, "SigningKeyCannotHoldRole")
        .withArgs(walletAddress, SUPERVISOR_ROLE);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.key1.address)).to.equal(false);

      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key1.address);
      await expect(c.grantRole(SUPERVISOR_ROLE, f.key1.address))
        .to.emit(c, "RoleGranted")
        .withArgs(SUPERVISOR_ROLE, f.key1.address, f.association.address);

      await c.revokeRole(SUPERVISOR_ROLE, f.supervisor.address);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, f.supervisor, BODY_1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, f.supervisor.address, f.bodyAdmin.address);
    });

    it("refuses the association's role to a key, including a pending admin who became a key meanwhile", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      // no delay in this fixture: the handover can be accepted from the next block on
      await c.beginDefaultAdminTransfer(f.key1.address);
      await expect(c.connect(f.key1).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "SigningKeyCannotHoldRole")
        .withArgs(f.key1.address, DEFAULT_ADMIN_ROLE);

      const pending = f.holders[0];
      await c.beginDefaultAdminTransfer(pending.address);
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, pending, BODY_1));
      await expect(c.connect(pending).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "SigningKeyCannotHoldRole")
        .withArgs(pending.address, DEFAULT_ADMIN_ROLE);
      expect(await c.defaultAdmin()).to.equal(f.association.address);
    });
  });

  describe("accreditBody", function () {
    it("accredits a body with the next id, its terms, metadata and consenting keys, and emits every event", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [admin, keyA, keyB] = [f.holders[0], f.holders[1], f.holders[2]];
      const acc = accreditation(admin.address, await now());
      const [bodies] = await c.registryCounts();
      const bodyId = Number(bodies) + 1; // what a consent for a new body must name
      expect(bodyId).to.equal(3);
      const grants = [await keyGrant(c, keyA, bodyId), await keyGrant(c, keyB, bodyId)];
      expect(await c.accreditBody.staticCall(acc, grants)).to.equal(3n);
      const tx = c.accreditBody(acc, grants);
      await expect(tx)
        .to.emit(c, "BodyAccredited")
        .withArgs(
          3,
          admin.address,
          acc.scope,
          acc.accreditedUntil,
          acc.noticePeriod,
          acc.metadataURI,
          acc.metadataHash,
          f.association.address,
        );
      await expect(tx).to.emit(c, "SigningKeyAdded").withArgs(3, keyA.address, f.association.address);
      await expect(tx).to.emit(c, "SigningKeyAdded").withArgs(3, keyB.address, f.association.address);

      const [body, profile, keys] = await c.getBody(3);
      expect(profile.admin).to.equal(admin.address);
      expect(body.accreditedUntil).to.equal(acc.accreditedUntil);
      expect(body.noticePeriod).to.equal(acc.noticePeriod);
      expect(body.scope).to.equal(acc.scope);
      expect(body.status).to.equal(BodyStatus.Active);
      expect(body.voucherNonce).to.equal(0n);
      expect(await c.bodyMetadataURI(3)).to.equal(acc.metadataURI);
      expect(profile.metadataHash).to.equal(acc.metadataHash);
      expect(profile.voidedBefore).to.equal(0);
      expect(profile.lastVoidBlock).to.equal(0);
      expect(keys).to.deep.equal([keyA.address, keyB.address]);
      expect(await c.bodyOfSigningKey(keyA.address)).to.equal(3);
      expect(await c.bodyOfSigningKey(keyB.address)).to.equal(3);
      expect(await c.isAccredited(3)).to.equal(true);
      expect(await c.registryCounts()).to.deep.equal([3n, 1n]);

      // the new key can issue at once, under its body's number
      const item = f.issuance(f.holders[3], { level: 1 });
      await expect(c.connect(keyA).issueCertificate(item))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(item.resultRoot, 3), 3, item.resultRoot, 1, RULEBOOK_1, item.validUntil, keyA.address);
    });

    it("accredits a body with no signing keys (added later by its admin)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.accreditBody(accreditation(f.holders[0].address, await now()), []))
        .to.emit(c, "BodyAccredited")
        .and.not.to.emit(c, "SigningKeyAdded");
      const [, , keys] = await c.getBody(3);
      expect(keys).to.deep.equal([]);
    });

    it("assigns body ids in sequence from 1", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
      const t = await now();
      for (const expectedId of [3, 4, 5]) {
        await expect(c.accreditBody(accreditation(f.holders[expectedId].address, t), []))
          .to.emit(c, "BodyAccredited")
          .withArgs(
            expectedId,
            f.holders[expectedId].address,
            SCOPE_ALL_THREE,
            t + ACCREDITATION_TERM,
            NOTICE_PERIOD,
            "ipfs://bodies/3.json",
            ethers.id("body-3"),
            f.association.address,
          );
      }
      expect(await c.registryCounts()).to.deep.equal([5n, 1n]);
      await expect(c.getBody(0)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(0);
      await expect(c.getBody(6)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(6);
    });

    it("reverts RegistryFull at the 256th body: body ids fill a certificate number's top byte", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = await now();
      // bodies 3 .. 254 without keys, one transaction each (a few seconds on Hardhat)
      for (let id = 3; id < MAX_BODIES; id++) {
        await c.accreditBody(accreditation(f.holders[0].address, t), []);
      }
      expect(await c.registryCounts()).to.deep.equal([254n, 1n]);
      const lastKey = f.holders[1];
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [await keyGrant(c, lastKey, MAX_BODIES)]))
        .to.emit(c, "BodyAccredited")
        .withArgs(
          MAX_BODIES,
          f.holders[0].address,
          SCOPE_ALL_THREE,
          t + ACCREDITATION_TERM,
          NOTICE_PERIOD,
          "ipfs://bodies/3.json",
          ethers.id("body-3"),
          f.association.address,
        );
      await expect(c.accreditBody(accreditation(f.holders[2].address, t), [])).to.be.revertedWithCustomError(
        c,
        "RegistryFull",
      );
      expect(await c.registryCounts()).to.deep.equal([255n, 1n]);
      // the last body issues with 0xff in its numbers' top byte
      const item = f.issuance(f.holders[3]);
      await expect(c.connect(lastKey).issueCertificate(item))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(item.resultRoot, MAX_BODIES), MAX_BODIES, item.resultRoot, 2, RULEBOOK_1, item.validUntil, lastKey.address);
      expect(tokenIdOf(item.resultRoot, MAX_BODIES) >> 56n).to.equal(0xffn);
    });

    it("refuses a zero admin", async function () {
      const f = await loadFixture(deployFixture);
      await expect(
        f.certificate.accreditBody(accreditation(ethers.ZeroAddress, await now()), []),
      ).to.be.revertedWithCustomError(f.certificate, "InvalidAddress");
    });

    it("refuses an empty scope", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.certificate.accreditBody(accreditation(f.holders[0].address, await now(), { scope: 0 }), []))
        .to.be.revertedWithCustomError(f.certificate, "InvalidScope")
        .withArgs(0);
    });

    it("refuses a term that is not in the future (boundary: accreditedUntil == block time)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = (await now()) + 100;
      await setNextTimestamp(t);
      await expect(c.accreditBody(accreditation(f.holders[0].address, 0, { accreditedUntil: t }), []))
        .to.be.revertedWithCustomError(c, "InvalidAccreditationTerm")
        .withArgs(t);
      await setNextTimestamp(t + 1);
      await expect(c.accreditBody(accreditation(f.holders[0].address, 0, { accreditedUntil: t + 2 }), [])).to.emit(
        c,
        "BodyAccredited",
      );
    });

    it("refuses a signing key already serving a body, the same key twice, and a zero key", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = await now();
      const newKey = await keyGrant(c, f.holders[1], 3);
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [newKey, await keyGrant(c, f.key1, 3)]))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.key1.address, BODY_1);
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [newKey, newKey]))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.holders[1].address, 3);
      const zeroKey: SigningKeyGrant = { key: ethers.ZeroAddress, deadline: t + DAY, signature: "0x" };
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [zeroKey])).to.be.revertedWithCustomError(
        c,
        "InvalidAddress",
      );
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
    });

    it("refuses a key whose consent names another body id, and accredits nothing", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const forBody4 = await keyGrant(c, f.holders[1], 4);
      await expect(c.accreditBody(accreditation(f.holders[0].address, await now()), [forBody4]))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.holders[1].address);
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
      expect(await c.bodyOfSigningKey(f.holders[1].address)).to.equal(0);
    });

    it("is the association's only", async function () {
      const f = await loadFixture(deployFixture);
      await expect(
        f.certificate.connect(f.supervisor).accreditBody(accreditation(f.holders[0].address, await now()), []),
      )
        .to.be.revertedWithCustomError(f.certificate, "AccessControlUnauthorizedAccount")
        .withArgs(f.supervisor.address, DEFAULT_ADMIN_ROLE);
    });
  });

  describe("updateBodyTerms", function () {
    it("updates scope, term and notice period and emits BodyTermsUpdated", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const until = (await now()) + 2 * YEAR;
      await expect(c.updateBodyTerms(BODY_1, 0b110, until, 3 * DAY))
        .to.emit(c, "BodyTermsUpdated")
        .withArgs(BODY_1, 0b110, until, 3 * DAY, f.association.address);
      const [body, profile] = await c.getBody(BODY_1);
      expect(body.scope).to.equal(0b110);
      expect(body.accreditedUntil).to.equal(until);
      expect(body.noticePeriod).to.equal(3 * DAY);
      expect(body.status).to.equal(BodyStatus.Active);
      expect(profile.admin).to.equal(f.bodyAdmin.address);
    });

    it("a narrower scope takes effect for issuance by every key at once", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.updateBodyTerms(BODY_1, 0b110, f.accreditedUntil, NOTICE_PERIOD);
      for (const key of [f.key1, f.key2]) {
        await expect(c.connect(key).issueCertificate(f.issuance(f.holders[0], { level: 1 })))
          .to.be.revertedWithCustomError(c, "LevelOutOfScope")
          .withArgs(BODY_1, 1);
        await expect(c.connect(key).issueCertificate(f.issuance(f.holders[0], { level: 2 }))).to.emit(
          c,
          "CertificateIssued",
        );
      }
    });

    it("a wider scope lets body 2 certify level 1", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.body2Key).issueCertificate(f.issuance(f.holders[0], { level: 1 })))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_2, 1);
      await c.updateBodyTerms(BODY_2, SCOPE_ALL_THREE, f.accreditedUntil, NOTICE_PERIOD);
      const item = f.issuance(f.holders[0], { level: 1 });
      await expect(c.connect(f.body2Key).issueCertificate(item))
        .to.emit(c, "CertificateIssued")
        .withArgs(
          tokenIdOf(item.resultRoot, BODY_2),
          BODY_2,
          item.resultRoot,
          1,
          RULEBOOK_1,
          item.validUntil,
          f.body2Key.address,
        );
    });

    it("a shorter term ends issuance at the new date; a longer one restores it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const until = (await now()) + 30 * DAY;
      await c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, until, NOTICE_PERIOD);
      await issueOne(f, f.key1, f.holders[0]); // still within the term
      await travelTo(until);
      expect(await c.isAccredited(BODY_1)).to.equal(false);
      await expect(c.connect(f.key2).issueCertificate(f.issuance(f.holders[0])))
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_1, until);
      await c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, until + YEAR, NOTICE_PERIOD);
      expect(await c.isAccredited(BODY_1)).to.equal(true);
      await expect(c.connect(f.key2).issueCertificate(f.issuance(f.holders[0]))).to.emit(c, "CertificateIssued");
    });

    it("a new notice period applies to new certificates only", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const before = await issueOne(f, f.key1, f.holders[0]);
      await c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, f.accreditedUntil, DAY);
      const after = await issueOne(f, f.key1, f.holders[1]);
      expect((await c.verifyCertificate(before.tokenId)).validFrom).to.equal(before.issuedAt + NOTICE_PERIOD);
      expect((await c.verifyCertificate(after.tokenId)).validFrom).to.equal(after.issuedAt + DAY);
    });

    it("keeps a suspended body suspended", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.suspendBody(BODY_1, EVIDENCE);
      await c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, f.accreditedUntil + YEAR, NOTICE_PERIOD);
      expect((await c.getBody(BODY_1))[0].status).to.equal(BodyStatus.Suspended);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
    });

    it("refuses an unknown body, an empty scope and a past term", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.updateBodyTerms(3, SCOPE_ALL_THREE, f.accreditedUntil, NOTICE_PERIOD))
        .to.be.revertedWithCustomError(c, "BodyNotFound")
        .withArgs(3);
      await expect(c.updateBodyTerms(BODY_1, 0, f.accreditedUntil, NOTICE_PERIOD))
        .to.be.revertedWithCustomError(c, "InvalidScope")
        .withArgs(0);
      const t = await now();
      await expect(c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, t, NOTICE_PERIOD))
        .to.be.revertedWithCustomError(c, "InvalidAccreditationTerm")
        .withArgs(t);
    });

    it("is the association's only (not the body admin, not the supervisor)", async function () {
      const f = await loadFixture(deployFixture);
      for (const who of [f.bodyAdmin, f.supervisor]) {
        await expect(
          f.certificate.connect(who).updateBodyTerms(BODY_1, SCOPE_ALL_THREE, f.accreditedUntil, NOTICE_PERIOD),
        )
          .to.be.revertedWithCustomError(f.certificate, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, DEFAULT_ADMIN_ROLE);
      }
    });
  });

  describe("the association's power over a body costs the same whatever its number of keys (issue #11, hole 5)", function () {
    const KEYS = 50;
    /** Gas a body's key count may change (none is expected: the writes touch the body's slot only). */
    const TOLERANCE = 300n;

    it("suspends, reinstates, updates and revokes a body of 50 keys at the gas of a body of 1, and binds all 50", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = await now();
      const small = 3;
      const large = 4;
      const [lone] = offlineKeys("lone", 1);
      const many = offlineKeys("many", KEYS);
      await c.accreditBody(accreditation(f.holders[0].address, t), [await offlineGrant(c, lone, small, t + DAY)]);
      await c.accreditBody(
        accreditation(f.holders[1].address, t),
        await Promise.all(many.map((key) => offlineGrant(c, key, large, t + DAY))),
      );
      expect((await c.getBody(small))[2]).to.have.length(1);
      expect((await c.getBody(large))[2]).to.have.length(KEYS);

      const steps: [string, (bodyId: number) => Promise<ContractTransactionResponse>][] = [
        ["suspendBody", (id) => c.suspendBody(id, EVIDENCE)],
        ["reinstateBody", (id) => c.reinstateBody(id)],
        ["updateBodyTerms", (id) => c.updateBodyTerms(id, SCOPE_LEVEL_3, t + 2 * YEAR, DAY)],
        ["suspendBody again", (id) => c.suspendBody(id, EVIDENCE)],
        ["revokeAccreditation", (id) => c.revokeAccreditation(id, EVIDENCE)],
      ];
      const voucherOf = async (key: Wallet, level: number): Promise<[string, string, IssuanceVoucher]> => {
        const voucher: IssuanceVoucher = {
          bodyId: large,
          issuance: f.issuance(f.holders[2], { level }),
          nonce: 0n,
          deadline: (await now()) + DAY,
        };
        return [key.address, await key.signTypedData(await eip712Domain(c), voucherTypes(), voucher), voucher];
      };
      const relayer = c.connect(f.stranger);
      for (const [name, step] of steps) {
        const forOne = await gasUsed(step(small));
        const forMany = await gasUsed(step(large));
        const difference = forMany > forOne ? forMany - forOne : forOne - forMany;
        expect(difference, `${name}: ${forOne} gas for 1 key, ${forMany} for ${KEYS}`).to.be.at.most(TOLERANCE);

        // every key follows at once, the first and the last alike
        for (const key of [many[0], many[KEYS - 1]]) {
          if (name === "suspendBody") {
            await expect(relayer.issueWithVoucher(...(await voucherOf(key, 3))))
              .to.be.revertedWithCustomError(c, "BodyNotActive")
              .withArgs(large, BodyStatus.Suspended);
          }
          if (name === "updateBodyTerms") {
            await expect(relayer.issueWithVoucher(...(await voucherOf(key, 2))))
              .to.be.revertedWithCustomError(c, "LevelOutOfScope")
              .withArgs(large, 2);
            await expect(relayer.issueWithVoucher(...(await voucherOf(key, 3))))
              .to.emit(c, "CertificateIssued")
              .withArgs(() => true, large, () => true, 3, RULEBOOK_1, f.validUntil, key.address);
          }
          if (name === "revokeAccreditation") {
            await expect(relayer.issueWithVoucher(...(await voucherOf(key, 3))))
              .to.be.revertedWithCustomError(c, "BodyNotActive")
              .withArgs(large, BodyStatus.Revoked);
          }
        }
      }
    });
  });

  describe("updateBodyMetadata", function () {
    it("lets the body admin and the association point at a new document", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.bodyAdmin).updateBodyMetadata(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2")))
        .to.emit(c, "BodyMetadataUpdated")
        .withArgs(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2"), f.bodyAdmin.address);
      expect(await c.bodyMetadataURI(BODY_1)).to.equal("ipfs://bodies/1-v2.json");
      expect((await c.getBody(BODY_1))[1].metadataHash).to.equal(ethers.id("v2"));
      await expect(c.updateBodyMetadata(BODY_1, "ipfs://bodies/1-v3.json", ethers.id("v3")))
        .to.emit(c, "BodyMetadataUpdated")
        .withArgs(BODY_1, "ipfs://bodies/1-v3.json", ethers.id("v3"), f.association.address);
      expect(await c.bodyMetadataURI(BODY_1)).to.equal("ipfs://bodies/1-v3.json");
      expect((await c.getBody(BODY_1))[1].metadataHash).to.equal(ethers.id("v3"));
      // the other body's document is untouched
      expect(await c.bodyMetadataURI(BODY_2)).to.equal(BODY_2_METADATA_URI);
    });

    it("refuses another body's admin, a key, a stranger, and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.body2Admin, f.key1, f.stranger, f.supervisor]) {
        await expect(c.connect(who).updateBodyMetadata(BODY_1, "x", ethers.ZeroHash))
          .to.be.revertedWithCustomError(c, "NotBodyAdmin")
          .withArgs(BODY_1, who.address);
      }
      await expect(c.updateBodyMetadata(9, "x", ethers.ZeroHash))
        .to.be.revertedWithCustomError(c, "BodyNotFound")
        .withArgs(9);
      expect(await c.bodyMetadataURI(BODY_1)).to.equal(BODY_1_METADATA_URI);
      expect((await c.getBody(BODY_1))[1].metadataHash).to.equal(BODY_1_METADATA_HASH);
    });
  });

  describe("setBodyAdmin", function () {
    it("hands administration over: the new admin acts, the old one no longer can", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const newAdmin = f.holders[0];
      await expect(c.connect(f.bodyAdmin).setBodyAdmin(BODY_1, newAdmin.address))
        .to.emit(c, "BodyAdminChanged")
        .withArgs(BODY_1, f.bodyAdmin.address, newAdmin.address, f.bodyAdmin.address);
      expect((await c.getBody(BODY_1))[1].admin).to.equal(newAdmin.address);
      await expect(c.connect(newAdmin).addSigningKey(BODY_1, await keyGrant(c, f.holders[1], BODY_1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, f.holders[1].address, newAdmin.address);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, f.holders[2], BODY_1)))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.bodyAdmin.address);
      // the admin is not a signing key: keys keep issuing as before
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[3]))).to.emit(c, "CertificateIssued");
    });

    it("lets the association replace a body's admin", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.certificate.setBodyAdmin(BODY_2, f.holders[0].address))
        .to.emit(f.certificate, "BodyAdminChanged")
        .withArgs(BODY_2, f.body2Admin.address, f.holders[0].address, f.association.address);
    });

    it("refuses a zero admin, a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.bodyAdmin).setBodyAdmin(BODY_1, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        c,
        "InvalidAddress",
      );
      await expect(c.connect(f.body2Admin).setBodyAdmin(BODY_1, f.body2Admin.address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.body2Admin.address);
      await expect(c.setBodyAdmin(7, f.stranger.address)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(7);
    });
  });

  describe("suspendBody / reinstateBody / revokeAccreditation", function () {
    it("the supervisor suspends a body: its keys can no longer issue, but keep power over what it issued", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      const other = await issueOne(f, f.key1, f.holders[1]);
      await expect(c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE))
        .to.emit(c, "BodySuspended")
        .withArgs(BODY_1, f.supervisor.address, EVIDENCE);
      expect((await c.getBody(BODY_1))[0].status).to.equal(BodyStatus.Suspended);
      expect(await c.isAccredited(BODY_1)).to.equal(false);
      expect((await c.verifyCertificate(tokenId)).bodyAccredited).to.equal(false);
      for (const key of [f.key1, f.key2]) {
        await expect(c.connect(key).issueCertificate(f.issuance(f.holders[2])))
          .to.be.revertedWithCustomError(c, "BodyNotActive")
          .withArgs(BODY_1, BodyStatus.Suspended);
      }
      await expect(c.connect(f.key1).issueCertificates([f.issuance(f.holders[2])]))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      // still answerable for its certificates
      let previous = await eventBlockOf(c, tokenId);
      await expect(send(c.connect(f.key2), "suspendCertificate", { tokenId, evidenceHash: EVIDENCE }))
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.key2.address, false, previous);
      previous = await eventBlockOf(c, other.tokenId);
      await expect(
        send(c.connect(f.key2), "revokeCertificate", {
          tokenId: other.tokenId,
          reason: RevocationReason.BodyError,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "CertificateRevoked")
        .withArgs(other.tokenId, BODY_1, RevocationReason.BodyError, EVIDENCE, f.key2.address, false, previous);
      // but cannot lift what it suspended while it is suspended itself
      await expect(send(c.connect(f.key2), "reinstateCertificate", { tokenId }))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      // body 2 is not affected
      await expect(c.connect(f.body2Key).issueCertificate(f.issuance(f.holders[2], { level: 3 }))).to.emit(
        c,
        "CertificateIssued",
      );
    });

    it("certificates of a suspended body stay valid until voided", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      await c.suspendBody(BODY_1, EVIDENCE);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
    });

    it("reinstating lets the keys issue again", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE);
      await expect(c.connect(f.supervisor).reinstateBody(BODY_1))
        .to.emit(c, "BodyReinstated")
        .withArgs(BODY_1, f.supervisor.address);
      expect((await c.getBody(BODY_1))[0].status).to.equal(BodyStatus.Active);
      expect(await c.isAccredited(BODY_1)).to.equal(true);
      await expect(c.connect(f.key2).issueCertificate(f.issuance(f.holders[0]))).to.emit(c, "CertificateIssued");
    });

    it("the association can suspend and reinstate too", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.suspendBody(BODY_2, EVIDENCE))
        .to.emit(c, "BodySuspended")
        .withArgs(BODY_2, f.association.address, EVIDENCE);
      await expect(c.reinstateBody(BODY_2)).to.emit(c, "BodyReinstated").withArgs(BODY_2, f.association.address);
    });

    it("suspend refuses a suspended, revoked or unknown body; reinstate refuses an active, revoked or unknown one", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.supervisor);
      await expect(c.reinstateBody(BODY_1))
        .to.be.revertedWithCustomError(c, "BodyNotSuspended")
        .withArgs(BODY_1, BodyStatus.Active);
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(c.suspendBody(BODY_1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await f.certificate.revokeAccreditation(BODY_2, EVIDENCE);
      await expect(c.suspendBody(BODY_2, EVIDENCE))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_2, BodyStatus.Revoked);
      await expect(c.reinstateBody(BODY_2))
        .to.be.revertedWithCustomError(c, "BodyNotSuspended")
        .withArgs(BODY_2, BodyStatus.Revoked);
      await expect(c.suspendBody(3, EVIDENCE)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(3);
      await expect(c.reinstateBody(3)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(3);
    });

    it("suspend and reinstate refuse anyone but the association and the supervisor", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.bodyAdmin, f.key1, f.stranger]) {
        await expect(c.connect(who).suspendBody(BODY_1, EVIDENCE))
          .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
          .withArgs(who.address);
      }
      await c.suspendBody(BODY_1, EVIDENCE);
      for (const who of [f.bodyAdmin, f.key1, f.stranger]) {
        await expect(c.connect(who).reinstateBody(BODY_1))
          .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
          .withArgs(who.address);
      }
    });

    it("revoking an accreditation is terminal: its keys can neither issue nor act on what it issued; the supervisor can", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await expect(c.revokeAccreditation(BODY_1, EVIDENCE))
        .to.emit(c, "BodyAccreditationRevoked")
        .withArgs(BODY_1, f.association.address, EVIDENCE);
      expect((await c.getBody(BODY_1))[0].status).to.equal(BodyStatus.Revoked);
      expect(await c.isAccredited(BODY_1)).to.equal(false);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[1])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Revoked);
      await expect(c.revokeAccreditation(BODY_1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
        .withArgs(BODY_1);
      for (const fn of ["revokeCertificate", "suspendCertificate"]) {
        await expect(
          send(c.connect(f.key1), fn, {
            tokenId,
            evidenceHash: EVIDENCE,
            ...(fn === "revokeCertificate" ? { reason: RevocationReason.BodyError } : {}),
          }),
        )
          .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
          .withArgs(BODY_1);
      }
      const previous = await eventBlockOf(c, tokenId);
      await expect(
        send(c.connect(f.supervisor), "revokeCertificate", {
          tokenId,
          reason: RevocationReason.BodyError,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "CertificateRevoked")
        .withArgs(tokenId, BODY_1, RevocationReason.BodyError, EVIDENCE, f.supervisor.address, true, previous);
    });

    it("revokes a suspended body's accreditation", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(c.revokeAccreditation(BODY_1, EVIDENCE)).to.emit(c, "BodyAccreditationRevoked");
      expect((await c.getBody(BODY_1))[0].status).to.equal(BodyStatus.Revoked);
    });

    it("revokeAccreditation: the association only; unknown body refused", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.supervisor).revokeAccreditation(BODY_1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.supervisor.address, DEFAULT_ADMIN_ROLE);
      await expect(c.revokeAccreditation(3, EVIDENCE)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(3);
    });
  });

  describe("signing keys (rotation)", function () {
    it("the body admin and the association add consenting keys; a new key issues under the body's current terms", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [k3, k4] = [f.holders[0], f.holders[1]];
      await c.updateBodyTerms(BODY_1, 0b011, f.accreditedUntil, NOTICE_PERIOD);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, k3, BODY_1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, k3.address, f.bodyAdmin.address);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, k4, BODY_1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, k4.address, f.association.address);
      expect(await c.bodyOfSigningKey(k3.address)).to.equal(BODY_1);
      expect((await c.getBody(BODY_1))[2]).to.deep.equal([f.key1.address, f.key2.address, k3.address, k4.address]);
      await expect(c.connect(k3).issueCertificate(f.issuance(f.holders[5], { level: 3 })))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_1, 3);
      await expect(c.connect(k4).issueCertificate(f.issuance(f.holders[5], { level: 1 }))).to.emit(
        c,
        "CertificateIssued",
      );
    });

    it("a key added to a suspended body cannot issue until the body is reinstated", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k3 = f.holders[0];
      await c.suspendBody(BODY_1, EVIDENCE);
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, k3, BODY_1));
      await expect(c.connect(k3).issueCertificate(f.issuance(f.holders[1])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await c.reinstateBody(BODY_1);
      await expect(c.connect(k3).issueCertificate(f.issuance(f.holders[1]))).to.emit(c, "CertificateIssued");
    });

    it("addSigningKey refuses a key in use (by any body), a zero key, a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, f.body2Key, BODY_1)))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.body2Key.address, BODY_2);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, f.key2, BODY_1)))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.key2.address, BODY_1);
      await expect(
        c.addSigningKey(BODY_1, { key: ethers.ZeroAddress, deadline: (await now()) + DAY, signature: "0x" }),
      ).to.be.revertedWithCustomError(c, "InvalidAddress");
      await expect(c.addSigningKey(BODY_2, await keyGrant(c, f.holders[0], BODY_2)))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_2, f.bodyAdmin.address);
      await expect(f.certificate.connect(f.key1).addSigningKey(BODY_1, await keyGrant(c, f.holders[0], BODY_1)))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.key1.address);
      await expect(c.addSigningKey(5, await keyGrant(c, f.holders[0], 5)))
        .to.be.revertedWithCustomError(c, "BodyNotFound")
        .withArgs(5);
    });

    it("a removed key can no longer issue, suspend, reinstate, revoke, renew or resolve", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await expect(c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key1.address))
        .to.emit(c, "SigningKeyRemoved")
        .withArgs(BODY_1, f.key1.address, f.bodyAdmin.address);
      expect(await c.bodyOfSigningKey(f.key1.address)).to.equal(0);
      expect((await c.getBody(BODY_1))[2]).to.deep.equal([f.key2.address]);
      const k = c.connect(f.key1);
      await expect(k.issueCertificate(f.issuance(f.holders[1])))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.key1.address);
      await expect(k.issueCertificates([f.issuance(f.holders[1])]))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.key1.address);
      await expect(send(k, "suspendCertificate", { tokenId, evidenceHash: EVIDENCE }))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await send(c.connect(f.key2), "suspendCertificate", { tokenId, evidenceHash: EVIDENCE });
      await expect(send(k, "reinstateCertificate", { tokenId }))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await send(c.connect(f.key2), "reinstateCertificate", { tokenId });
      await expect(send(k, "revokeCertificate", { tokenId, reason: RevocationReason.Fraud, evidenceHash: EVIDENCE }))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await send(c, "fileObjection", { tokenId, evidenceHash: EVIDENCE });
      await expect(
        send(k, "resolveObjection", { tokenId, upheld: false, reason: RevocationReason.None, evidenceHash: EVIDENCE }),
      )
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await expect(
        send(k, "renewCertificate", {
          tokenId,
          newResultRoot: ethers.id("new root"),
          rulebookId: RULEBOOK_1,
          newValidUntil: f.validUntil + YEAR,
        }),
      )
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.key1.address);
    });

    it("a voucher signed by a removed key is refused", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const voucher = { bodyId: BODY_1, issuance: f.issuance(f.holders[0]), nonce: 0n, deadline: (await now()) + DAY };
      const signature = await signVoucher(f.key1, c, voucher);
      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key1.address);
      await expect(send(c.connect(f.holders[0]), "issueWithVoucher", { voucher, signer: f.key1.address, signature }))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.key1.address);
    });

    it("a new key keeps full control of certificates issued by the old key", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const newKey = f.holders[9];
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      const d = await issueOne(f, f.key1, f.holders[2]);
      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key1.address);
      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key2.address);
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, newKey, BODY_1));
      const k = c.connect(newKey);
      let previous = await eventBlockOf(c, a.tokenId);
      const suspended = await send(k, "suspendCertificate", { tokenId: a.tokenId, evidenceHash: EVIDENCE });
      await expect(suspended)
        .to.emit(c, "CertificateSuspended")
        .withArgs(a.tokenId, BODY_1, EVIDENCE, newKey.address, false, previous);
      await expect(send(k, "reinstateCertificate", { tokenId: a.tokenId }))
        .to.emit(c, "CertificateReinstated")
        .withArgs(a.tokenId, BODY_1, newKey.address, false, await txBlock(suspended));
      previous = await eventBlockOf(c, b.tokenId);
      await expect(
        send(k, "revokeCertificate", {
          tokenId: b.tokenId,
          reason: RevocationReason.Violation,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "CertificateRevoked")
        .withArgs(b.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE, newKey.address, false, previous);
      // objections are filed during the notice
      await send(c, "fileObjection", { tokenId: a.tokenId, evidenceHash: EVIDENCE });
      previous = await eventBlockOf(c, a.tokenId);
      await expect(
        send(k, "resolveObjection", {
          tokenId: a.tokenId,
          upheld: false,
          reason: RevocationReason.None,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "ObjectionResolved")
        .withArgs(a.tokenId, BODY_1, false, EVIDENCE, newKey.address, false, previous);
      // a renewal comes once the current result's notice is over
      await travel(NOTICE_PERIOD);
      const newRoot = ethers.id("renewed");
      const renewAt = (await now()) + 10;
      await setNextTimestamp(renewAt);
      previous = await eventBlockOf(c, d.tokenId);
      await expect(
        send(k, "renewCertificate", {
          tokenId: d.tokenId,
          newResultRoot: newRoot,
          rulebookId: RULEBOOK_1,
          newValidUntil: f.validUntil + YEAR,
        }),
      )
        .to.emit(c, "CertificateRenewed")
        .withArgs(
          d.tokenId,
          BODY_1,
          newRoot,
          RULEBOOK_1,
          renewAt + NOTICE_PERIOD,
          f.validUntil + YEAR,
          newKey.address,
          previous,
        );
    });

    it("a removed key can serve another body, with a consent naming that body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key2.address);
      await expect(c.connect(f.body2Admin).addSigningKey(BODY_2, await keyGrant(c, f.key2, BODY_2)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_2, f.key2.address, f.body2Admin.address);
      expect(await c.bodyOfSigningKey(f.key2.address)).to.equal(BODY_2);
      await expect(c.connect(f.key2).issueCertificate(f.issuance(f.holders[0], { level: 2 })))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_2, 2);
    });

    it("removeSigningKey refuses a key of another body, a non-key, a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.body2Key.address))
        .to.be.revertedWithCustomError(c, "NotSigningKeyOfBody")
        .withArgs(f.body2Key.address, BODY_1);
      await expect(c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.stranger.address))
        .to.be.revertedWithCustomError(c, "NotSigningKeyOfBody")
        .withArgs(f.stranger.address, BODY_1);
      await expect(c.connect(f.body2Admin).removeSigningKey(BODY_1, f.key1.address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.body2Admin.address);
      await expect(c.removeSigningKey(4, f.key1.address)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(4);
      // the association may remove a key
      await expect(c.removeSigningKey(BODY_1, f.key1.address))
        .to.emit(c, "SigningKeyRemoved")
        .withArgs(BODY_1, f.key1.address, f.association.address);
    });
  });

  describe("a key's consent to join a body (issue #11, hole 4)", function () {
    it("signingKeyConsentDigest is the EIP-712 digest of SigningKeyConsent(bodyId, key, deadline)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const consent = { bodyId: BODY_2, key: f.holders[0].address, deadline: f.t0 + DAY };
      expect(await c.signingKeyConsentDigest(consent.bodyId, consent.key, consent.deadline)).to.equal(
        await signingKeyConsentDigest(c, consent),
      );
      expect(await c.SIGNING_KEY_CONSENT_TYPEHASH()).to.equal(
        ethers.id("SigningKeyConsent(uint16 bodyId,address key,uint40 deadline)"),
      );
      const grant = await keyGrant(c, f.holders[0], BODY_2, consent.deadline);
      expect(ethers.recoverAddress(await signingKeyConsentDigest(c, consent), grant.signature)).to.equal(consent.key);
    });

    it("refuses a key without its signature, or signed by another account (InvalidSignature)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const key = f.holders[0];
      const deadline = (await now()) + DAY;
      const cases: [string, SigningKeyGrant][] = [
        ["no signature", { key: key.address, deadline, signature: "0x" }],
        ["65 zero bytes", { key: key.address, deadline, signature: `0x${"00".repeat(65)}` }],
        ["signed by a stranger", await keyGrant(c, f.stranger, BODY_1, deadline, key)],
        ["signed by the body's admin", await keyGrant(c, f.bodyAdmin, BODY_1, deadline, key)],
        ["signed by another key of the body", await keyGrant(c, f.key1, BODY_1, deadline, key)],
      ];
      for (const [label, grant] of cases) {
        await expect(c.addSigningKey(BODY_1, grant), label)
          .to.be.revertedWithCustomError(c, "InvalidSignature")
          .withArgs(key.address);
      }
      expect(await c.bodyOfSigningKey(key.address)).to.equal(0);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, key, BODY_1, deadline))).to.emit(c, "SigningKeyAdded");
    });

    it("refuses a consent for another body, key, deadline, chain, contract or domain version (InvalidSignature)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const key = f.holders[0];
      const deadline = (await now()) + DAY;
      const good = await keyGrant(c, key, BODY_1, deadline);
      const { chainId } = await ethers.provider.getNetwork();
      const cases: [string, SigningKeyGrant][] = [
        ["for body 2", await keyGrant(c, key, BODY_2, deadline)],
        ["a later deadline than signed", { ...good, deadline: deadline + 1 }],
        ["another chain", await grantInDomain(c, key, BODY_1, deadline, { chainId: chainId + 1n })],
        ["another contract", await grantInDomain(c, key, BODY_1, deadline, { verifyingContract: f.stranger.address })],
        ["the v1 domain", await grantInDomain(c, key, BODY_1, deadline, { version: "1" })],
      ];
      for (const [label, grant] of cases) {
        await expect(c.addSigningKey(BODY_1, grant), label)
          .to.be.revertedWithCustomError(c, "InvalidSignature")
          .withArgs(key.address);
      }
      // a consent names its key: another key cannot use it
      await expect(c.addSigningKey(BODY_1, { ...good, key: f.holders[1].address }))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.holders[1].address);
      // a consent for body 1 is no use to body 2's admin either
      await expect(f.certificate.connect(f.body2Admin).addSigningKey(BODY_2, good))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(key.address);
      await expect(c.addSigningKey(BODY_1, good))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, key.address, f.bodyAdmin.address);
    });

    it("accepts a consent until its deadline and refuses it one second later (SigningKeyConsentExpired)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const deadline = (await now()) + 100;
      const onTime = await keyGrant(c, f.holders[0], BODY_1, deadline);
      const late = await keyGrant(c, f.holders[1], BODY_1, deadline);
      await setNextTimestamp(deadline);
      await expect(c.addSigningKey(BODY_1, onTime)).to.emit(c, "SigningKeyAdded");
      await setNextTimestamp(deadline + 1);
      await expect(c.addSigningKey(BODY_1, late))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentExpired")
        .withArgs(f.holders[1].address, deadline);
      await expect(f.certificate.accreditBody(accreditation(f.holders[2].address, await now()), [await keyGrant(c, f.holders[1], 3, deadline)]))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentExpired")
        .withArgs(f.holders[1].address, deadline);
    });

    it("uses a consent once: a removed key comes back only with a new one (SigningKeyConsentUsed)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const key = f.holders[0];
      const grant = await keyGrant(c, key, BODY_1);
      await c.addSigningKey(BODY_1, grant);
      await c.removeSigningKey(BODY_1, key.address);
      // the admin (or the association) cannot bring a retired key back on its old consent
      await expect(c.addSigningKey(BODY_1, grant))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentUsed")
        .withArgs(key.address);
      await expect(f.certificate.addSigningKey(BODY_1, grant))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentUsed")
        .withArgs(key.address);
      expect(await c.bodyOfSigningKey(key.address)).to.equal(0);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, key, BODY_1, grant.deadline + 1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, key.address, f.bodyAdmin.address);
    });

    it("an ERC-1271 contract wallet consents through its owner's signature", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const owner = f.holders[0];
      const wallet = await deployWallet(owner);
      const walletAddress = await wallet.getAddress();
      const deadline = (await now()) + DAY;
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, f.stranger, BODY_1, deadline, walletAddress)))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(walletAddress);
      await expect(c.addSigningKey(BODY_1, { key: walletAddress, deadline, signature: "0x" }))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(walletAddress);
      // the owner's consent to join as itself is not the wallet's
      const ownConsent = await keyGrant(c, owner, BODY_1, deadline);
      await expect(c.addSigningKey(BODY_1, { ...ownConsent, key: walletAddress }))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(walletAddress);
      await expect(c.addSigningKey(BODY_1, await keyGrant(c, owner, BODY_1, deadline, walletAddress)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, walletAddress, f.bodyAdmin.address);
      expect(await c.bodyOfSigningKey(walletAddress)).to.equal(BODY_1);
      expect(await c.bodyOfSigningKey(owner.address)).to.equal(0);
    });
  });

  describe("cancelVouchers (issue #11, hole 7)", function () {
    it("draws a nonce no one could predict, refusing vouchers for the old nonce and for the old nonce + 1", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const deadline = (await now()) + DAY;
      const oldNonce = (await c.getBody(BODY_1))[0].voucherNonce;
      expect(oldNonce).to.equal(0n);
      // what a body that expected "cancelling raises the nonce" might have signed in advance
      const old: IssuanceVoucher = { bodyId: BODY_1, issuance: f.issuance(f.holders[0]), nonce: oldNonce, deadline };
      const next: IssuanceVoucher = { ...old, issuance: f.issuance(f.holders[1]), nonce: oldNonce + 1n };
      const oldSig = await signVoucher(f.key1, c, old);
      const nextSig = await signVoucher(f.key1, c, next);

      const parent = await ethers.provider.getBlock("latest");
      if (!parent?.hash) throw new Error("no latest block");
      const tx = await c.connect(f.bodyAdmin).cancelVouchers(BODY_1);
      const nonce = (await c.getBody(BODY_1))[0].voucherNonce;
      expect(nonce).to.equal(drawnNonce(parent.hash, BODY_1, oldNonce));
      await expect(tx).to.emit(c, "VouchersCancelled").withArgs(BODY_1, nonce, f.bodyAdmin.address);
      expect(nonce).to.not.equal(oldNonce);
      expect(nonce).to.not.equal(oldNonce + 1n);

      const relayer = c.connect(f.holders[0]);
      for (const [voucher, signature] of [
        [old, oldSig],
        [next, nextSig],
      ] as const) {
        await expect(send(relayer, "issueWithVoucher", { voucher, signer: f.key1.address, signature }))
          .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
          .withArgs(nonce, voucher.nonce);
      }
      // a voucher for the drawn nonce works, by any key of the body
      const fresh: IssuanceVoucher = { ...old, nonce };
      await expect(
        send(relayer, "issueWithVoucher", {
          voucher: fresh,
          signer: f.key2.address,
          signature: await signVoucher(f.key2, c, fresh),
        }),
      )
        .to.emit(c, "CertificateIssued")
        .withArgs(
          tokenIdOf(fresh.issuance.resultRoot),
          BODY_1,
          fresh.issuance.resultRoot,
          2,
          RULEBOOK_1,
          fresh.issuance.validUntil,
          f.key2.address,
        );

      // cancelling again (the association may) draws another nonce from the block before it and the last nonce
      const parent2 = await ethers.provider.getBlock("latest");
      if (!parent2?.hash) throw new Error("no latest block");
      const again = await c.cancelVouchers(BODY_1);
      const nonce2 = (await c.getBody(BODY_1))[0].voucherNonce;
      expect(nonce2).to.equal(drawnNonce(parent2.hash, BODY_1, nonce));
      expect(nonce2).to.not.equal(nonce);
      expect(nonce2).to.not.equal(nonce + 1n);
      await expect(again).to.emit(c, "VouchersCancelled").withArgs(BODY_1, nonce2, f.association.address);
      const stale: IssuanceVoucher = { ...old, issuance: f.issuance(f.holders[2]), nonce };
      await expect(
        send(relayer, "issueWithVoucher", { voucher: stale, signer: f.key1.address, signature: await signVoucher(f.key1, c, stale) }),
      )
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(nonce2, nonce);
      // another body's nonce does not move
      expect((await c.getBody(BODY_2))[0].voucherNonce).to.equal(0n);
    });

    it("two bodies cancelling from the same parent block draw different nonces", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        const parent = await ethers.provider.getBlock("latest");
        if (!parent?.hash) throw new Error("no latest block");
        await c.connect(f.bodyAdmin).cancelVouchers(BODY_1);
        await c.connect(f.body2Admin).cancelVouchers(BODY_2);
        await ethers.provider.send("evm_mine", []);
        const one = (await c.getBody(BODY_1))[0].voucherNonce;
        const two = (await c.getBody(BODY_2))[0].voucherNonce;
        expect(one).to.equal(drawnNonce(parent.hash, BODY_1, 0n));
        expect(two).to.equal(drawnNonce(parent.hash, BODY_2, 0n));
        expect(one).to.not.equal(two);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
    });

    it("refuses a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.key1, f.supervisor, f.body2Admin]) {
        await expect(c.connect(who).cancelVouchers(BODY_1))
          .to.be.revertedWithCustomError(c, "NotBodyAdmin")
          .withArgs(BODY_1, who.address);
      }
      await expect(c.cancelVouchers(3)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(3);
      expect((await c.getBody(BODY_1))[0].voucherNonce).to.equal(0n);
    });
  });

  describe("voidCertificatesIssuedBefore", function () {
    it("voids in one write every certificate the body issued before the date, and only those", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const early = await issueOne(f, f.key1, f.holders[0]);
      const early2 = await issueOne(f, f.key2, f.holders[1]);
      const other = await issueOne(f, f.body2Key, f.holders[2], { level: 3 });
      await travel(DAY);
      const cutoff = await now();
      await setNextTimestamp(cutoff + 1);
      const atCutoff = await issueOne(f, f.key1, f.holders[3]); // issued at cutoff + 1: not void
      await travel(NOTICE_PERIOD);
      const tx = await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, cutoff + 1, EVIDENCE);
      await expect(tx)
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_1, cutoff + 1, EVIDENCE, f.supervisor.address, 0);
      const [, profile] = await c.getBody(BODY_1);
      expect(profile.voidedBefore).to.equal(cutoff + 1);
      expect(profile.lastVoidBlock).to.equal(await txBlock(tx));
      expect(await c.statusOf(early.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(early2.tokenId)).to.equal(CertificateStatus.Voided);
      expect(atCutoff.issuedAt).to.equal(cutoff + 1);
      expect(await c.statusOf(atCutoff.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.statusOf(other.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 3)).to.equal(false);
      expect((await c.getBody(BODY_2))[1].lastVoidBlock).to.equal(0);
    });

    it("setting an earlier date (or 0) restores certificates voided by mistake; each void names the one before", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.supervisor);
      const a = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await travel(NOTICE_PERIOD);
      const first = await c.voidCertificatesIssuedBefore(BODY_1, await now(), EVIDENCE);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Voided);
      const second = await c.voidCertificatesIssuedBefore(BODY_1, b.issuedAt, EVIDENCE);
      await expect(second)
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_1, b.issuedAt, EVIDENCE, f.supervisor.address, await txBlock(first));
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Valid);
      const third = await c.voidCertificatesIssuedBefore(BODY_1, 0, ethers.ZeroHash);
      await expect(third)
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_1, 0, ethers.ZeroHash, f.supervisor.address, await txBlock(second));
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Valid);
      expect((await c.getBody(BODY_1))[1].lastVoidBlock).to.equal(await txBlock(third));
    });

    it("refuses a future date and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.supervisor);
      const t = (await now()) + 10;
      await setNextTimestamp(t);
      await expect(c.voidCertificatesIssuedBefore(BODY_1, t + 1, EVIDENCE))
        .to.be.revertedWithCustomError(c, "VoidDateInFuture")
        .withArgs(t + 1);
      await setNextTimestamp(t + 1);
      await expect(c.voidCertificatesIssuedBefore(BODY_1, t + 1, EVIDENCE)).to.emit(c, "BodyCertificatesVoided");
      await expect(c.voidCertificatesIssuedBefore(9, 0, EVIDENCE))
        .to.be.revertedWithCustomError(c, "BodyNotFound")
        .withArgs(9);
    });

    it("is the supervisor's only (the association must grant itself the role first)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.association, f.bodyAdmin, f.key1, f.stranger]) {
        await expect(c.connect(who).voidCertificatesIssuedBefore(BODY_1, 0, EVIDENCE))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, SUPERVISOR_ROLE);
      }
    });
  });

  describe("rulebooks", function () {
    it("registers rulebooks with sequential ids and emits RulebookRegistered", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const rb = await c.getRulebook(RULEBOOK_1);
      expect(rb.status).to.equal(RulebookStatus.Active);
      expect(rb.contentHash).to.equal(RULEBOOK_HASH);
      expect(await c.rulebookURI(RULEBOOK_1)).to.equal(RULEBOOK_URI);
      const h2 = ethers.id("rulebook-2");
      const year = 365 * 86_400;
      const grace = 30 * 86_400;
      expect(await c.registerRulebook.staticCall(h2, "ipfs://rb2", year, grace)).to.equal(2n);
      await expect(c.registerRulebook(h2, "ipfs://rb2", year, grace))
        .to.emit(c, "RulebookRegistered")
        .withArgs(2, h2, "ipfs://rb2", year, grace, f.association.address);
      const rb2 = await c.getRulebook(2);
      expect([rb2.reviewInterval, rb2.reviewGrace]).to.deep.equal([BigInt(year), BigInt(grace)]);
      const h3 = ethers.id("rulebook-3");
      await expect(c.registerRulebook(h3, "", 0, 0)).to.emit(c, "RulebookRegistered").withArgs(3, h3, "", 0, 0, f.association.address);
      expect(await c.rulebookIdOf(RULEBOOK_HASH)).to.equal(1);
      expect(await c.rulebookIdOf(h2)).to.equal(2);
      expect(await c.rulebookIdOf(h3)).to.equal(3);
      expect(await c.rulebookIdOf(ethers.id("unknown"))).to.equal(0);
      expect(await c.registryCounts()).to.deep.equal([2n, 3n]);
      const stored = await c.getRulebook(2);
      expect([stored.status, stored.contentHash]).to.deep.equal([BigInt(RulebookStatus.Active), h2]);
      expect(await c.rulebookURI(2)).to.equal("ipfs://rb2");
      expect(await c.rulebookURI(3)).to.equal("");
      expect(await c.rulebookURI(4)).to.equal("");
    });

    it("refuses a zero hash and a hash already registered (even deprecated)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.registerRulebook(ethers.ZeroHash, "x", 0, 0)).to.be.revertedWithCustomError(c, "InvalidRulebookHash");
      // A review schedule needs an interval longer than its grace, and a grace period needs reviews.
      for (const [interval, grace] of [[0, 1], [100, 100], [100, 101]]) {
        await expect(c.registerRulebook(ethers.id(`schedule ${interval} ${grace}`), "x", interval, grace))
          .to.be.revertedWithCustomError(c, "InvalidReviewSchedule")
          .withArgs(interval, grace);
      }
      await expect(c.registerRulebook(ethers.id("schedule 100 99"), "x", 100, 99)).to.emit(c, "RulebookRegistered");
      await expect(c.registerRulebook(RULEBOOK_HASH, "another uri", 0, 0))
        .to.be.revertedWithCustomError(c, "RulebookAlreadyRegistered")
        .withArgs(RULEBOOK_HASH, RULEBOOK_1);
      await c.deprecateRulebook(RULEBOOK_1);
      await expect(c.registerRulebook(RULEBOOK_HASH, "again", 0, 0))
        .to.be.revertedWithCustomError(c, "RulebookAlreadyRegistered")
        .withArgs(RULEBOOK_HASH, RULEBOOK_1);
      expect(await c.registryCounts()).to.deep.equal([2n, 2n]); // rulebook 1 and the 100-second schedule
      expect(await c.rulebookURI(RULEBOOK_1)).to.equal(RULEBOOK_URI);
    });

    it("reverts RegistryFull once 65535 rulebooks exist", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const slot = await registryCountSlot(f);
      // rulebook count 65534, body count 2: 65534 registrations would take hours, so the counter is set directly
      await ethers.provider.send("hardhat_setStorageAt", [
        await c.getAddress(),
        ethers.toQuantity(slot),
        ethers.toBeHex((65534n << 16n) | 2n, 32),
      ]);
      await expect(c.registerRulebook(ethers.id("last"), "x", 0, 0))
        .to.emit(c, "RulebookRegistered")
        .withArgs(65535, ethers.id("last"), "x", 0, 0, f.association.address);
      await expect(c.registerRulebook(ethers.id("one too many"), "x", 0, 0)).to.be.revertedWithCustomError(c, "RegistryFull");
      expect(await c.registryCounts()).to.deep.equal([2n, 65535n]);
    });

    it("deprecates a rulebook: refused for new certificates, kept on certificates scored with it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await expect(c.deprecateRulebook(RULEBOOK_1))
        .to.emit(c, "RulebookDeprecated")
        .withArgs(RULEBOOK_1, f.association.address);
      expect((await c.getRulebook(RULEBOOK_1)).status).to.equal(RulebookStatus.Deprecated);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[1])))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_1);
      const v = await c.verifyCertificate(tokenId);
      expect(v.rulebookId).to.equal(RULEBOOK_1);
      expect(v.rulebookHash).to.equal(RULEBOOK_HASH);
      await expect(c.deprecateRulebook(RULEBOOK_1))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_1);
      await expect(c.deprecateRulebook(2)).to.be.revertedWithCustomError(c, "RulebookNotFound").withArgs(2);
    });

    it("getRulebook reverts RulebookNotFound for unknown ids", async function () {
      const f = await loadFixture(deployFixture);
      for (const id of [0, 2, 65535]) {
        await expect(f.certificate.getRulebook(id))
          .to.be.revertedWithCustomError(f.certificate, "RulebookNotFound")
          .withArgs(id);
      }
    });

    it("register and deprecate are the association's only", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.supervisor, f.bodyAdmin, f.stranger]) {
        await expect(c.connect(who).registerRulebook(ethers.id("x"), "x", 0, 0))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, DEFAULT_ADMIN_ROLE);
        await expect(c.connect(who).deprecateRulebook(RULEBOOK_1))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, DEFAULT_ADMIN_ROLE);
      }
    });
  });

  describe("views", function () {
    it("getBody returns the fixture bodies' records", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [body, profile, keys] = await c.getBody(BODY_2);
      expect(profile.admin).to.equal(f.body2Admin.address);
      expect(body.scope).to.equal(SCOPE_LEVEL_3);
      expect(body.accreditedUntil).to.equal(f.accreditedUntil);
      expect(body.noticePeriod).to.equal(NOTICE_PERIOD);
      expect(body.status).to.equal(BodyStatus.Active);
      expect(body.voucherNonce).to.equal(0n);
      expect(profile.voidedBefore).to.equal(0);
      expect(profile.lastVoidBlock).to.equal(0);
      expect(keys).to.deep.equal([f.body2Key.address]);
      expect(await c.bodyMetadataURI(BODY_2)).to.equal(BODY_2_METADATA_URI);
      expect(await c.bodyMetadataURI(BODY_1)).to.equal(BODY_1_METADATA_URI);
      expect(await c.bodyMetadataURI(3)).to.equal("");
    });

    it("isAccredited: false for an unknown body and from the last second of the term on", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      expect(await c.isAccredited(0)).to.equal(false);
      expect(await c.isAccredited(3)).to.equal(false);
      await travelTo(f.accreditedUntil - 1);
      expect(await c.isAccredited(BODY_1)).to.equal(true);
      await travelTo(f.accreditedUntil);
      expect(await c.isAccredited(BODY_1)).to.equal(false);
      expect(await c.isAccredited(BODY_2)).to.equal(false);
    });

    it("bodyOfSigningKey: 0 for a non-key", async function () {
      const f = await loadFixture(deployFixture);
      expect(await f.certificate.bodyOfSigningKey(f.key2.address)).to.equal(BODY_1);
      expect(await f.certificate.bodyOfSigningKey(f.body2Key.address)).to.equal(BODY_2);
      expect(await f.certificate.bodyOfSigningKey(f.bodyAdmin.address)).to.equal(0);
      expect(await f.certificate.bodyOfSigningKey(ethers.ZeroAddress)).to.equal(0);
    });
  });
});
