/**
 * CertifyingBodyRegistry (inherited by CQOCertificate): bodies, signing keys, voucher nonce, mass voiding,
 * rulebooks, views, and the OpenZeppelin role functions. Every external function: happy path with its event and
 * the state after, and every revert path by custom error name and arguments.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  ACCREDITATION_TERM,
  BODY_1,
  BODY_1_METADATA_HASH,
  BODY_1_METADATA_URI,
  BODY_2,
  BodyStatus,
  CertificateStatus,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployFixture,
  type Fixture,
  issueOne,
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
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  travel,
  travelTo,
  YEAR,
} from "./fixtures";

const EVIDENCE = ethers.id("evidence");

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

/** Finds the storage slot that packs `_bodyCount` (low 16 bits) and `_rulebookCount` (next 16 bits). */
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
    it("grants DEFAULT_ADMIN_ROLE to the association and nothing to anyone else", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.association.address)).to.equal(true);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.supervisor.address)).to.equal(true);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.supervisor.address)).to.equal(false);
      expect(await c.hasRole(SUPERVISOR_ROLE, f.association.address)).to.equal(false);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.stranger.address)).to.equal(false);
      expect(await c.SUPERVISOR_ROLE()).to.equal(SUPERVISOR_ROLE);
      expect(await c.getRoleAdmin(SUPERVISOR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
    });

    it("refuses a zero association address", async function () {
      const f = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("CQOCertificate");
      await expect(factory.deploy(ethers.ZeroAddress, await f.renderer.getAddress())).to.be.revertedWithCustomError(
        f.certificate,
        "InvalidAddress",
      );
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
  });

  describe("accreditBody", function () {
    it("accredits a body with the next id, its terms, metadata and keys, and emits every event", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [admin, keyA, keyB] = [f.holders[0], f.holders[1], f.holders[2]];
      const acc = accreditation(admin.address, await now());
      expect(await c.accreditBody.staticCall(acc, [keyA.address, keyB.address])).to.equal(3n);
      const tx = c.accreditBody(acc, [keyA.address, keyB.address]);
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
        );
      await expect(tx).to.emit(c, "SigningKeyAdded").withArgs(3, keyA.address);
      await expect(tx).to.emit(c, "SigningKeyAdded").withArgs(3, keyB.address);

      const [body, profile, keys] = await c.getBody(3);
      expect(body.admin).to.equal(admin.address);
      expect(body.accreditedUntil).to.equal(acc.accreditedUntil);
      expect(body.noticePeriod).to.equal(acc.noticePeriod);
      expect(body.scope).to.equal(acc.scope);
      expect(body.status).to.equal(BodyStatus.Active);
      expect(body.voucherNonce).to.equal(0);
      expect(profile.metadataURI).to.equal(acc.metadataURI);
      expect(profile.metadataHash).to.equal(acc.metadataHash);
      expect(profile.voidedBefore).to.equal(0);
      expect(keys).to.deep.equal([keyA.address, keyB.address]);
      expect(await c.bodyOfSigningKey(keyA.address)).to.equal(3);
      expect(await c.bodyOfSigningKey(keyB.address)).to.equal(3);
      expect(await c.isAccredited(3)).to.equal(true);
      expect(await c.registryCounts()).to.deep.equal([3n, 1n]);

      // the new key can issue at once
      await expect(c.connect(keyA).issueCertificate(f.issuance(f.holders[3], { level: 1 }))).to.emit(
        c,
        "CertificateIssued",
      );
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

    it("assigns uint16 body ids in sequence from 1", async function () {
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
          );
      }
      expect(await c.registryCounts()).to.deep.equal([5n, 1n]);
      await expect(c.getBody(0)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(0);
      await expect(c.getBody(6)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(6);
    });

    it("reverts RegistryFull once 65535 bodies exist", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const slot = await registryCountSlot(f);
      // _bodyCount = 65534, _rulebookCount = 1
      await ethers.provider.send("hardhat_setStorageAt", [
        await c.getAddress(),
        ethers.toQuantity(slot),
        ethers.toBeHex((1n << 16n) | 65534n, 32),
      ]);
      const t = await now();
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), []))
        .to.emit(c, "BodyAccredited")
        .withArgs(
          65535,
          f.holders[0].address,
          SCOPE_ALL_THREE,
          t + ACCREDITATION_TERM,
          NOTICE_PERIOD,
          "ipfs://bodies/3.json",
          ethers.id("body-3"),
        );
      await expect(c.accreditBody(accreditation(f.holders[1].address, t), [])).to.be.revertedWithCustomError(
        c,
        "RegistryFull",
      );
      expect(await c.registryCounts()).to.deep.equal([65535n, 1n]);
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

    it("refuses a signing key already serving a body, and a zero key", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = await now();
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [f.holders[1].address, f.key1.address]))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.key1.address, BODY_1);
      await expect(c.accreditBody(accreditation(f.holders[0].address, t), [f.holders[1].address, f.holders[1].address]))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.holders[1].address, 3);
      await expect(
        c.accreditBody(accreditation(f.holders[0].address, t), [ethers.ZeroAddress]),
      ).to.be.revertedWithCustomError(c, "InvalidAddress");
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
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
        .withArgs(BODY_1, 0b110, until, 3 * DAY);
      const [body] = await c.getBody(BODY_1);
      expect(body.scope).to.equal(0b110);
      expect(body.accreditedUntil).to.equal(until);
      expect(body.noticePeriod).to.equal(3 * DAY);
      expect(body.status).to.equal(BodyStatus.Active);
      expect(body.admin).to.equal(f.bodyAdmin.address);
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
        .withArgs(tokenIdOf(item.resultRoot), BODY_2, item.resultRoot, 1, RULEBOOK_1, item.validUntil);
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

  describe("updateBodyMetadata", function () {
    it("lets the body admin and the association point at a new document", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.bodyAdmin).updateBodyMetadata(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2")))
        .to.emit(c, "BodyMetadataUpdated")
        .withArgs(BODY_1, "ipfs://bodies/1-v2.json", ethers.id("v2"));
      let [, profile] = await c.getBody(BODY_1);
      expect(profile.metadataURI).to.equal("ipfs://bodies/1-v2.json");
      expect(profile.metadataHash).to.equal(ethers.id("v2"));
      await expect(c.updateBodyMetadata(BODY_1, "ipfs://bodies/1-v3.json", ethers.id("v3")))
        .to.emit(c, "BodyMetadataUpdated")
        .withArgs(BODY_1, "ipfs://bodies/1-v3.json", ethers.id("v3"));
      [, profile] = await c.getBody(BODY_1);
      expect(profile.metadataURI).to.equal("ipfs://bodies/1-v3.json");
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
      const [, profile] = await c.getBody(BODY_1);
      expect(profile.metadataURI).to.equal(BODY_1_METADATA_URI);
      expect(profile.metadataHash).to.equal(BODY_1_METADATA_HASH);
    });
  });

  describe("setBodyAdmin", function () {
    it("hands administration over: the new admin acts, the old one no longer can", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const newAdmin = f.holders[0];
      await expect(c.connect(f.bodyAdmin).setBodyAdmin(BODY_1, newAdmin.address))
        .to.emit(c, "BodyAdminChanged")
        .withArgs(BODY_1, f.bodyAdmin.address, newAdmin.address);
      expect((await c.getBody(BODY_1))[0].admin).to.equal(newAdmin.address);
      await expect(c.connect(newAdmin).addSigningKey(BODY_1, f.holders[1].address))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, f.holders[1].address);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, f.holders[2].address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.bodyAdmin.address);
      // the admin is not a signing key: keys keep issuing as before
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[3]))).to.emit(c, "CertificateIssued");
    });

    it("lets the association replace a body's admin", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.certificate.setBodyAdmin(BODY_2, f.holders[0].address))
        .to.emit(f.certificate, "BodyAdminChanged")
        .withArgs(BODY_2, f.body2Admin.address, f.holders[0].address);
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
      await expect(send(c.connect(f.key2), "suspendCertificate", { tokenId, evidenceHash: EVIDENCE }))
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE);
      await expect(
        send(c.connect(f.key2), "revokeCertificate", {
          tokenId: other.tokenId,
          reason: RevocationReason.BodyError,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "CertificateRevoked")
        .withArgs(other.tokenId, BODY_1, RevocationReason.BodyError, EVIDENCE);
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
      await expect(
        send(c.connect(f.key1), "revokeCertificate", {
          tokenId,
          reason: RevocationReason.BodyError,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
        .withArgs(BODY_1);
      await expect(
        send(c.connect(f.supervisor), "revokeCertificate", {
          tokenId,
          reason: RevocationReason.BodyError,
          evidenceHash: EVIDENCE,
        }),
      ).to.emit(c, "CertificateRevoked");
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
    it("the body admin and the association add keys; a new key carries the body's current terms", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [k3, k4] = [f.holders[0], f.holders[1]];
      await c.updateBodyTerms(BODY_1, 0b011, f.accreditedUntil, NOTICE_PERIOD);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, k3.address))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, k3.address);
      await expect(c.addSigningKey(BODY_1, k4.address)).to.emit(c, "SigningKeyAdded").withArgs(BODY_1, k4.address);
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
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, k3.address);
      await expect(c.connect(k3).issueCertificate(f.issuance(f.holders[1])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await c.reinstateBody(BODY_1);
      await expect(c.connect(k3).issueCertificate(f.issuance(f.holders[1]))).to.emit(c, "CertificateIssued");
    });

    it("addSigningKey refuses a key in use (by any body), a zero key, a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      await expect(c.addSigningKey(BODY_1, f.body2Key.address))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.body2Key.address, BODY_2);
      await expect(c.addSigningKey(BODY_1, f.key2.address))
        .to.be.revertedWithCustomError(c, "SigningKeyInUse")
        .withArgs(f.key2.address, BODY_1);
      await expect(c.addSigningKey(BODY_1, ethers.ZeroAddress)).to.be.revertedWithCustomError(c, "InvalidAddress");
      await expect(c.addSigningKey(BODY_2, f.holders[0].address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_2, f.bodyAdmin.address);
      await expect(f.certificate.connect(f.key1).addSigningKey(BODY_1, f.holders[0].address))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_1, f.key1.address);
      await expect(c.addSigningKey(5, f.holders[0].address))
        .to.be.revertedWithCustomError(c, "BodyNotFound")
        .withArgs(5);
    });

    it("a removed key can no longer issue, suspend, reinstate, revoke, renew or resolve", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await expect(c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key1.address))
        .to.emit(c, "SigningKeyRemoved")
        .withArgs(BODY_1, f.key1.address);
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
      await expect(send(k, "revokeCertificate", { tokenId, reason: RevocationReason.Fraud, evidenceHash: EVIDENCE }))
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
      await send(c, "fileObjection", { tokenId, evidenceHash: EVIDENCE });
      await expect(
        send(k, "resolveObjection", { tokenId, upheld: false, reason: RevocationReason.None, evidenceHash: EVIDENCE }),
      )
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
    });

    it("a voucher signed by a removed key is refused", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const voucher = { bodyId: BODY_1, issuance: f.issuance(f.holders[0]), nonce: 0, deadline: (await now()) + DAY };
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
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, newKey.address);
      const k = c.connect(newKey);
      await expect(send(k, "suspendCertificate", { tokenId: a.tokenId, evidenceHash: EVIDENCE }))
        .to.emit(c, "CertificateSuspended")
        .withArgs(a.tokenId, BODY_1, EVIDENCE);
      await expect(send(k, "reinstateCertificate", { tokenId: a.tokenId }))
        .to.emit(c, "CertificateReinstated")
        .withArgs(a.tokenId, BODY_1);
      await expect(
        send(k, "revokeCertificate", {
          tokenId: b.tokenId,
          reason: RevocationReason.Violation,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "CertificateRevoked")
        .withArgs(b.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE);
      const newRoot = ethers.id("renewed");
      await expect(
        send(k, "renewCertificate", {
          tokenId: d.tokenId,
          newResultRoot: newRoot,
          rulebookId: RULEBOOK_1,
          newValidUntil: f.validUntil + YEAR,
        }),
      )
        .to.emit(c, "CertificateRenewed")
        .withArgs(d.tokenId, BODY_1, newRoot, RULEBOOK_1, f.validUntil + YEAR);
      await send(c, "fileObjection", { tokenId: a.tokenId, evidenceHash: EVIDENCE });
      await expect(
        send(k, "resolveObjection", {
          tokenId: a.tokenId,
          upheld: false,
          reason: RevocationReason.None,
          evidenceHash: EVIDENCE,
        }),
      )
        .to.emit(c, "ObjectionResolved")
        .withArgs(a.tokenId, BODY_1, false, EVIDENCE);
    });

    it("a removed key can serve another body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key2.address);
      await expect(c.connect(f.body2Admin).addSigningKey(BODY_2, f.key2.address))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_2, f.key2.address);
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
        .withArgs(BODY_1, f.key1.address);
    });
  });

  describe("increaseVoucherNonce", function () {
    it("raises the nonce, voiding every outstanding voucher; vouchers for the new nonce work", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const deadline = (await now()) + DAY;
      const old = { bodyId: BODY_1, issuance: f.issuance(f.holders[0]), nonce: 0, deadline };
      const oldSig = await signVoucher(f.key1, c, old);
      await expect(c.connect(f.bodyAdmin).increaseVoucherNonce(BODY_1))
        .to.emit(c, "VoucherNonceIncreased")
        .withArgs(BODY_1, 1);
      expect((await c.getBody(BODY_1))[0].voucherNonce).to.equal(1);
      await expect(
        send(c.connect(f.holders[0]), "issueWithVoucher", { voucher: old, signer: f.key1.address, signature: oldSig }),
      )
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(1, 0);
      const fresh = { ...old, nonce: 1 };
      await expect(
        send(c.connect(f.holders[0]), "issueWithVoucher", {
          voucher: fresh,
          signer: f.key2.address,
          signature: await signVoucher(f.key2, c, fresh),
        }),
      ).to.emit(c, "CertificateIssued");
      await expect(c.increaseVoucherNonce(BODY_1)).to.emit(c, "VoucherNonceIncreased").withArgs(BODY_1, 2);
      // another body's nonce does not move
      expect((await c.getBody(BODY_2))[0].voucherNonce).to.equal(0);
    });

    it("refuses a non-admin and an unknown body", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const who of [f.key1, f.supervisor, f.body2Admin]) {
        await expect(c.connect(who).increaseVoucherNonce(BODY_1))
          .to.be.revertedWithCustomError(c, "NotBodyAdmin")
          .withArgs(BODY_1, who.address);
      }
      await expect(c.increaseVoucherNonce(3)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(3);
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
      await expect(c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, cutoff + 1, EVIDENCE))
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_1, cutoff + 1, EVIDENCE);
      expect((await c.getBody(BODY_1))[1].voidedBefore).to.equal(cutoff + 1);
      expect(await c.statusOf(early.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(early2.tokenId)).to.equal(CertificateStatus.Voided);
      expect(atCutoff.issuedAt).to.equal(cutoff + 1);
      expect(await c.statusOf(atCutoff.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.statusOf(other.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 3)).to.equal(false);
    });

    it("setting an earlier date (or 0) restores certificates voided by mistake", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.supervisor);
      const a = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await travel(NOTICE_PERIOD);
      await c.voidCertificatesIssuedBefore(BODY_1, await now(), EVIDENCE);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Voided);
      await c.voidCertificatesIssuedBefore(BODY_1, b.issuedAt, EVIDENCE);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Valid);
      await expect(c.voidCertificatesIssuedBefore(BODY_1, 0, ethers.ZeroHash))
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_1, 0, ethers.ZeroHash);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Valid);
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
      expect(rb.uri).to.equal(RULEBOOK_URI);
      const h2 = ethers.id("rulebook-2");
      expect(await c.registerRulebook.staticCall(h2, "ipfs://rb2")).to.equal(2n);
      await expect(c.registerRulebook(h2, "ipfs://rb2")).to.emit(c, "RulebookRegistered").withArgs(2, h2, "ipfs://rb2");
      const h3 = ethers.id("rulebook-3");
      await expect(c.registerRulebook(h3, "")).to.emit(c, "RulebookRegistered").withArgs(3, h3, "");
      expect(await c.rulebookIdOf(RULEBOOK_HASH)).to.equal(1);
      expect(await c.rulebookIdOf(h2)).to.equal(2);
      expect(await c.rulebookIdOf(h3)).to.equal(3);
      expect(await c.rulebookIdOf(ethers.id("unknown"))).to.equal(0);
      expect(await c.registryCounts()).to.deep.equal([2n, 3n]);
      const stored = await c.getRulebook(2);
      expect([stored.status, stored.contentHash, stored.uri]).to.deep.equal([
        BigInt(RulebookStatus.Active),
        h2,
        "ipfs://rb2",
      ]);
    });

    it("refuses a zero hash and a hash already registered (even deprecated)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.registerRulebook(ethers.ZeroHash, "x")).to.be.revertedWithCustomError(c, "InvalidRulebookHash");
      await expect(c.registerRulebook(RULEBOOK_HASH, "another uri"))
        .to.be.revertedWithCustomError(c, "RulebookAlreadyRegistered")
        .withArgs(RULEBOOK_HASH, RULEBOOK_1);
      await c.deprecateRulebook(RULEBOOK_1);
      await expect(c.registerRulebook(RULEBOOK_HASH, "again"))
        .to.be.revertedWithCustomError(c, "RulebookAlreadyRegistered")
        .withArgs(RULEBOOK_HASH, RULEBOOK_1);
      expect(await c.registryCounts()).to.deep.equal([2n, 1n]);
    });

    it("reverts RegistryFull once 65535 rulebooks exist", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const slot = await registryCountSlot(f);
      await ethers.provider.send("hardhat_setStorageAt", [
        await c.getAddress(),
        ethers.toQuantity(slot),
        ethers.toBeHex((65534n << 16n) | 2n, 32),
      ]);
      await expect(c.registerRulebook(ethers.id("last"), "x"))
        .to.emit(c, "RulebookRegistered")
        .withArgs(65535, ethers.id("last"), "x");
      await expect(c.registerRulebook(ethers.id("one too many"), "x")).to.be.revertedWithCustomError(c, "RegistryFull");
      expect(await c.registryCounts()).to.deep.equal([2n, 65535n]);
    });

    it("deprecates a rulebook: refused for new certificates, kept on certificates scored with it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await expect(c.deprecateRulebook(RULEBOOK_1)).to.emit(c, "RulebookDeprecated").withArgs(RULEBOOK_1);
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
        await expect(c.connect(who).registerRulebook(ethers.id("x"), "x"))
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
      const [body, profile, keys] = await f.certificate.getBody(BODY_2);
      expect(body.admin).to.equal(f.body2Admin.address);
      expect(body.scope).to.equal(SCOPE_LEVEL_3);
      expect(body.accreditedUntil).to.equal(f.accreditedUntil);
      expect(body.noticePeriod).to.equal(NOTICE_PERIOD);
      expect(profile.voidedBefore).to.equal(0);
      expect(keys).to.deep.equal([f.body2Key.address]);
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
