/**
 * The holes an adversarial review found in contracts v1 (issue #11), one `describe` per hole: each test states the
 * attack or the mistake, and fails on v1's behaviour. Then what v2 added around them: no zero renderer, a renewal's
 * public notice, and the association's two-step handover.
 *
 * Assertions are on events (with their arguments), custom errors by name and the state the contract reports.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseWallet, ContractTransactionResponse } from "ethers";
import {
  BODY_1,
  BODY_2,
  BodyStatus,
  CertificateStatus,
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployFixture,
  deployFixtureWith,
  deployWallet,
  eip712Domain,
  eventBlockOf,
  type Fixture,
  type IssuanceVoucher,
  issueOne,
  keyGrant,
  NOTICE_PERIOD,
  RevocationReason,
  rootWithSameNumber,
  RULEBOOK_1,
  SCOPE_ALL_THREE,
  SIGNING_KEY_CONSENT_TYPES,
  type SigningKeyGrant,
  signReissueConsent,
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  txBlock,
  YEAR,
} from "./fixtures";

const EVIDENCE = ethers.id("evidence");

/** The gas of a mined transaction. */
async function gasOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("transaction not mined");
  return receipt.gasUsed;
}

/** |a - b| for gas amounts. */
const gasGap = (a: bigint, b: bigint): bigint => (a > b ? a - b : b - a);

/** A consent signed by a plain ethers wallet (the fixtures' `keyGrant` takes Hardhat signers). */
async function walletGrant(f: Fixture, wallet: BaseWallet, bodyId: number, deadline: number): Promise<SigningKeyGrant> {
  const message = { bodyId, key: wallet.address, deadline };
  const signature = await wallet.signTypedData(await eip712Domain(f.certificate), SIGNING_KEY_CONSENT_TYPES, message);
  return { ...message, signature };
}

/** A voucher for body 1 with the fixture's default issuance. */
function voucherFor(f: Fixture, holder: HardhatEthersSigner, nonce: bigint, deadline: number): IssuanceVoucher {
  return { bodyId: BODY_1, issuance: f.issuance(holder), nonce, deadline };
}

async function voucherNonceOf(f: Fixture, bodyId: number): Promise<bigint> {
  return (await f.certificate.getBody(bodyId)).body.voucherNonce;
}

/** Accredits one more body (the association signs) and returns its id. */
async function accreditAnother(f: Fixture, admin: HardhatEthersSigner, grants: SigningKeyGrant[]): Promise<number> {
  const [bodies] = await f.certificate.registryCounts();
  const bodyId = Number(bodies) + 1;
  await f.certificate.accreditBody(
    {
      admin: admin.address,
      scope: SCOPE_ALL_THREE,
      accreditedUntil: f.accreditedUntil,
      noticePeriod: NOTICE_PERIOD,
      metadataURI: `ipfs://bodies/${bodyId}.json`,
      metadataHash: ethers.id(`body-${bodyId}`),
    },
    grants,
  );
  return bodyId;
}

// ------------------------------------------------------------------ hole 2's set of certificates

/** One certificate of body 1 for each thing a body may be asked to do about what it issued. */
interface Answerable {
  toSuspend: bigint;
  toRevoke: bigint;
  /** objected during its notice */
  toUphold: bigint;
  /** objected during its notice */
  toDismiss: bigint;
  /** suspended by the body */
  toReinstate: bigint;
}

/** Issues the set (valid past the body's term, so that only the body's standing changes when the term ends). */
async function issueAnswerable(f: Fixture): Promise<Answerable> {
  const validUntil = f.accreditedUntil + YEAR;
  const one = async (i: number) => (await issueOne(f, f.key1, f.holders[i], { validUntil })).tokenId;
  const set = { toSuspend: await one(0), toRevoke: await one(1), toUphold: await one(2), toDismiss: await one(3), toReinstate: await one(4) };
  await f.certificate.connect(f.stranger).fileObjection(set.toUphold, EVIDENCE);
  await f.certificate.connect(f.stranger).fileObjection(set.toDismiss, EVIDENCE);
  await f.certificate.connect(f.key1).suspendCertificate(EVIDENCE, set.toReinstate);
  return set;
}

/** The body (through its other key) still suspends, revokes and upholds an objection. */
async function expectBodyStillAnswers(f: Fixture, set: Answerable): Promise<void> {
  const c = f.certificate.connect(f.key2);
  let previous = await eventBlockOf(c, set.toSuspend);
  await expect(c.suspendCertificate(EVIDENCE, set.toSuspend))
    .to.emit(c, "CertificateSuspended")
    .withArgs(set.toSuspend, BODY_1, EVIDENCE, f.key2.address, false, previous);
  previous = await eventBlockOf(c, set.toRevoke);
  await expect(c.revokeCertificate(set.toRevoke, EVIDENCE, RevocationReason.Fraud))
    .to.emit(c, "CertificateRevoked")
    .withArgs(set.toRevoke, BODY_1, RevocationReason.Fraud, EVIDENCE, f.key2.address, false, previous);
  previous = await eventBlockOf(c, set.toUphold);
  await expect(c.resolveObjection(set.toUphold, true, RevocationReason.Violation, EVIDENCE))
    .to.emit(c, "ObjectionResolved")
    .withArgs(set.toUphold, BODY_1, true, EVIDENCE, f.key2.address, false, previous)
    .and.to.emit(c, "CertificateRevoked")
    .withArgs(set.toUphold, BODY_1, RevocationReason.Violation, EVIDENCE, f.key2.address, false, previous);
  expect(await c.statusOf(set.toSuspend)).to.equal(CertificateStatus.Suspended);
  expect(await c.statusOf(set.toRevoke)).to.equal(CertificateStatus.Revoked);
  expect(await c.statusOf(set.toUphold)).to.equal(CertificateStatus.Revoked);
}

/** Neither of what restores a certificate is allowed to the body: both revert with `error(args)`. */
async function expectBodyCannotRestore(f: Fixture, set: Answerable, error: string, args: unknown[]): Promise<void> {
  const c = f.certificate.connect(f.key1);
  await expect(c.reinstateCertificate(set.toReinstate))
    .to.be.revertedWithCustomError(c, error)
    .withArgs(...args);
  await expect(c.resolveObjection(set.toDismiss, false, RevocationReason.None, EVIDENCE))
    .to.be.revertedWithCustomError(c, error)
    .withArgs(...args);
  const view = await c.verifyCertificate(set.toReinstate);
  expect(view.suspendedByBody).to.equal(true);
  expect((await c.verifyCertificate(set.toDismiss)).underObjection).to.equal(true);
}

describe("holes found in v1 (issue #11)", function () {
  // ================================================================== hole 1

  describe("hole 1: another body copies a result root from the mempool", function () {
    it("the copy gets the copier's own number and the issuer's issuance still succeeds with its own", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      // level 3: in both bodies' scope, so the copy is the same issuance in every field
      const item = f.issuance(holder, { level: 3 });
      const issuersNumber = tokenIdOf(item.resultRoot, BODY_1);
      const copiersNumber = tokenIdOf(item.resultRoot, BODY_2);
      expect(copiersNumber).to.not.equal(issuersNumber);
      expect(await c.certificateNumberOf(BODY_1, item.resultRoot)).to.equal(issuersNumber);
      expect(await c.certificateNumberOf(BODY_2, item.resultRoot)).to.equal(copiersNumber);

      // body 2 front-runs body 1 with the very same issuance
      await expect(c.connect(f.body2Key).issueCertificate(item))
        .to.emit(c, "CertificateIssued")
        .withArgs(copiersNumber, BODY_2, item.resultRoot, item.level, item.rulebookId, item.validUntil, f.body2Key.address);
      expect(await c.isResultRootUsed(BODY_2, item.resultRoot)).to.equal(true);
      expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(false);

      await expect(c.connect(f.key1).issueCertificate(item))
        .to.emit(c, "CertificateIssued")
        .withArgs(issuersNumber, BODY_1, item.resultRoot, item.level, item.rulebookId, item.validUntil, f.key1.address)
        .and.to.emit(c, "Transfer")
        .withArgs(ethers.ZeroAddress, holder.address, issuersNumber);

      const issuers = await c.verifyCertificate(issuersNumber);
      const copiers = await c.verifyCertificate(copiersNumber);
      expect(issuers.bodyId).to.equal(BODY_1);
      expect(copiers.bodyId).to.equal(BODY_2);
      for (const view of [issuers, copiers]) {
        expect(view.status).to.equal(CertificateStatus.Pending);
        expect(view.holder).to.equal(holder.address);
        expect(view.resultRoot).to.equal(item.resultRoot);
        expect(view.level).to.equal(item.level);
      }
      expect(await c.certificatesOf(holder.address)).to.deep.equal([copiersNumber, issuersNumber]);
      // a retry of body 1's is "already issued", and the copier has no power over the issuer's certificate
      await expect(c.connect(f.key1).issueCertificate(item))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(item.resultRoot);
      await expect(c.connect(f.body2Key).suspendCertificate(EVIDENCE, issuersNumber))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(issuersNumber, BODY_1);
    });
  });

  // ================================================================== hole 2

  describe("hole 2: a body out of good standing keeps only the powers that protect the public", function () {
    it("a suspended body still suspends, revokes and upholds, but neither reinstates nor dismisses (BodyNotActive)", async function () {
      const f = await loadFixture(deployFixture);
      const set = await issueAnswerable(f);
      await expect(f.certificate.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE))
        .to.emit(f.certificate, "BodySuspended")
        .withArgs(BODY_1, f.supervisor.address, EVIDENCE);

      await expectBodyStillAnswers(f, set);
      await expectBodyCannotRestore(f, set, "BodyNotActive", [BODY_1, BodyStatus.Suspended]);

      // its standing is what counted: reinstated, the body lifts its suspension again
      await f.certificate.connect(f.supervisor).reinstateBody(BODY_1);
      await expect(f.certificate.connect(f.key1).reinstateCertificate(set.toReinstate))
        .to.emit(f.certificate, "CertificateReinstated")
        .withArgs(set.toReinstate, BODY_1, f.key1.address, false, anyValue);
    });

    it("a body past its term still suspends, revokes and upholds, but neither reinstates nor dismisses (BodyAccreditationExpired)", async function () {
      const f = await loadFixture(deployFixture);
      const set = await issueAnswerable(f);
      await f.clock.travelTo(f.accreditedUntil);
      expect(await f.certificate.isAccredited(BODY_1)).to.equal(false);

      await expectBodyStillAnswers(f, set);
      await expectBodyCannotRestore(f, set, "BodyAccreditationExpired", [BODY_1, f.accreditedUntil]);

      // the supervisor still decides the objection
      const previous = await eventBlockOf(f.certificate, set.toDismiss);
      await expect(f.certificate.connect(f.supervisor).resolveObjection(set.toDismiss, false, RevocationReason.None, EVIDENCE))
        .to.emit(f.certificate, "ObjectionResolved")
        .withArgs(set.toDismiss, BODY_1, false, EVIDENCE, f.supervisor.address, true, previous);
      expect(await f.certificate.statusOf(set.toDismiss)).to.equal(CertificateStatus.Valid);
    });

    it("a revoked body can do nothing (BodyAccreditationIsRevoked) while the supervisor still can", async function () {
      const f = await loadFixture(deployFixture);
      const set = await issueAnswerable(f);
      await expect(f.certificate.revokeAccreditation(BODY_1, EVIDENCE))
        .to.emit(f.certificate, "BodyAccreditationRevoked")
        .withArgs(BODY_1, f.association.address, EVIDENCE);

      const body = f.certificate.connect(f.key1);
      const refusals: [string, () => Promise<ContractTransactionResponse>][] = [
        ["suspend", () => body.suspendCertificate(EVIDENCE, set.toSuspend)],
        ["revoke", () => body.revokeCertificate(set.toRevoke, EVIDENCE, RevocationReason.Fraud)],
        ["uphold", () => body.resolveObjection(set.toUphold, true, RevocationReason.Fraud, EVIDENCE)],
        ["dismiss", () => body.resolveObjection(set.toDismiss, false, RevocationReason.None, EVIDENCE)],
        ["reinstate", () => body.reinstateCertificate(set.toReinstate)],
      ];
      for (const [, act] of refusals) {
        await expect(act()).to.be.revertedWithCustomError(body, "BodyAccreditationIsRevoked").withArgs(BODY_1);
      }

      const supervisor = f.certificate.connect(f.supervisor);
      const by = f.supervisor.address;
      await expect(supervisor.suspendCertificate(EVIDENCE, set.toSuspend))
        .to.emit(supervisor, "CertificateSuspended")
        .withArgs(set.toSuspend, BODY_1, EVIDENCE, by, true, anyValue);
      await expect(supervisor.reinstateCertificate(set.toSuspend))
        .to.emit(supervisor, "CertificateReinstated")
        .withArgs(set.toSuspend, BODY_1, by, true, anyValue);
      await expect(supervisor.revokeCertificate(set.toRevoke, EVIDENCE, RevocationReason.Fraud))
        .to.emit(supervisor, "CertificateRevoked")
        .withArgs(set.toRevoke, BODY_1, RevocationReason.Fraud, EVIDENCE, by, true, anyValue);
      await expect(supervisor.resolveObjection(set.toUphold, true, RevocationReason.Violation, EVIDENCE))
        .to.emit(supervisor, "CertificateRevoked")
        .withArgs(set.toUphold, BODY_1, RevocationReason.Violation, EVIDENCE, by, true, anyValue);
      await expect(supervisor.resolveObjection(set.toDismiss, false, RevocationReason.None, EVIDENCE))
        .to.emit(supervisor, "ObjectionResolved")
        .withArgs(set.toDismiss, BODY_1, false, EVIDENCE, by, true, anyValue);
      // the body's own suspension is the body's: the supervisor ends it only by revoking
      await expect(supervisor.revokeCertificate(set.toReinstate, EVIDENCE, RevocationReason.BodyError))
        .to.emit(supervisor, "CertificateRevoked")
        .withArgs(set.toReinstate, BODY_1, RevocationReason.BodyError, EVIDENCE, by, true, anyValue);
      // lifted, and back in its notice (the set was issued moments ago)
      expect(await f.certificate.statusOf(set.toSuspend)).to.equal(CertificateStatus.Pending);
      expect((await f.certificate.verifyCertificate(set.toSuspend)).suspendedBySupervisor).to.equal(false);
      expect(await f.certificate.statusOf(set.toRevoke)).to.equal(CertificateStatus.Revoked);
      expect(await f.certificate.statusOf(set.toUphold)).to.equal(CertificateStatus.Revoked);
      expect(await f.certificate.statusOf(set.toReinstate)).to.equal(CertificateStatus.Revoked);
    });
  });

  // ================================================================== hole 3

  describe("hole 3: a suspension during the notice does not close the notice", function () {
    it("an objection may still be filed while suspended; reinstated after the notice, the certificate stays Pending until resolved", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      const validFrom = issuedAt + NOTICE_PERIOD;
      await c.connect(f.key1).suspendCertificate(EVIDENCE, tokenId);

      const previous = await eventBlockOf(c, tokenId);
      await expect(c.connect(f.stranger).fileObjection(tokenId, EVIDENCE))
        .to.emit(c, "ObjectionFiled")
        .withArgs(tokenId, BODY_1, f.stranger.address, EVIDENCE, previous);
      let view = await c.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Suspended);
      expect(view.underObjection).to.equal(true);
      expect(view.suspendedByBody).to.equal(true);
      expect(view.validFrom).to.equal(validFrom);

      await f.clock.travelTo(validFrom + DAY);
      await expect(c.connect(f.key1).reinstateCertificate(tokenId))
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.key1.address, false, anyValue);
      view = await c.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Pending);
      expect(view.underObjection).to.equal(true);
      expect(view.validFrom).to.equal(validFrom);
      expect(await c.holdsValidCertificate(f.holders[0].address, 8)).to.equal(false);

      await expect(c.connect(f.key1).resolveObjection(tokenId, false, RevocationReason.None, EVIDENCE))
        .to.emit(c, "ObjectionResolved")
        .withArgs(tokenId, BODY_1, false, EVIDENCE, f.key1.address, false, anyValue);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await expect(c.connect(f.holders[1]).fileObjection(tokenId, EVIDENCE))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(tokenId, validFrom);
    });

    it("without an objection, reinstated after the notice it is Valid, and the notice end never moved", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      const validFrom = issuedAt + NOTICE_PERIOD;
      await c.connect(f.key1).suspendCertificate(EVIDENCE, tokenId);
      await c.connect(f.supervisor).suspendCertificate(EVIDENCE, tokenId);
      expect((await c.verifyCertificate(tokenId)).validFrom).to.equal(validFrom);

      await f.clock.travelTo(validFrom + DAY);
      await c.connect(f.key1).reinstateCertificate(tokenId);
      await c.connect(f.supervisor).reinstateCertificate(tokenId);
      const view = await c.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Valid);
      expect(view.validFrom).to.equal(validFrom);
      await expect(c.connect(f.stranger).fileObjection(tokenId, EVIDENCE))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(tokenId, validFrom);
    });

    it("objections are open until the last second of the notice, suspended or not, and closed from its end", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await c.connect(f.supervisor).suspendCertificate(EVIDENCE, a.tokenId);
      await c.connect(f.supervisor).suspendCertificate(EVIDENCE, b.tokenId);
      await f.clock.setNextTimestamp(a.issuedAt + NOTICE_PERIOD - 1);
      await expect(c.connect(f.stranger).fileObjection(a.tokenId, EVIDENCE)).to.emit(c, "ObjectionFiled");
      await f.clock.setNextTimestamp(b.issuedAt + NOTICE_PERIOD);
      await expect(c.connect(f.stranger).fileObjection(b.tokenId, EVIDENCE))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(b.tokenId, b.issuedAt + NOTICE_PERIOD);
    });
  });

  // ================================================================== hole 4

  describe("hole 4: a body admin cannot make anyone a signing key", function () {
    it("a key joins only with its own consent, before its deadline, once", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.bodyAdmin);
      const newKey = f.holders[0];
      const deadline = (await f.clock.now()) + DAY;

      // signed by someone else (the admin itself), or not at all
      const forged = await keyGrant(f.certificate, f.bodyAdmin, BODY_1, deadline, newKey);
      await expect(c.addSigningKey(BODY_1, forged))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(newKey.address);
      await expect(c.addSigningKey(BODY_1, { ...forged, signature: "0x" }))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(newKey.address);
      // a consent names its body: one for body 2 does not serve body 1
      const forBody2 = await keyGrant(f.certificate, newKey, BODY_2, deadline);
      await expect(c.addSigningKey(BODY_1, forBody2))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(newKey.address);
      // an expired consent
      const lapsed = await keyGrant(f.certificate, newKey, BODY_1, await f.clock.now());
      await expect(c.addSigningKey(BODY_1, lapsed))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentExpired")
        .withArgs(newKey.address, lapsed.deadline);
      expect(await f.certificate.bodyOfSigningKey(newKey.address)).to.equal(0);

      const consent = await keyGrant(f.certificate, newKey, BODY_1, deadline);
      await expect(c.addSigningKey(BODY_1, consent))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, newKey.address, f.bodyAdmin.address);
      expect(await f.certificate.bodyOfSigningKey(newKey.address)).to.equal(BODY_1);

      // removed, the key cannot be brought back with the consent it gave once (not even by the association)
      await c.removeSigningKey(BODY_1, newKey.address);
      await expect(c.addSigningKey(BODY_1, consent))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentUsed")
        .withArgs(newKey.address);
      await expect(f.certificate.addSigningKey(BODY_1, consent))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentUsed")
        .withArgs(newKey.address);
      await expect(c.addSigningKey(BODY_1, await keyGrant(f.certificate, newKey, BODY_1, deadline + 1)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, newKey.address, f.bodyAdmin.address);
    });

    it("the supervisor and the association cannot become keys (RoleHolderCannotBeSigningKey), even consenting", async function () {
      const f = await loadFixture(deployFixture);
      const deadline = (await f.clock.now()) + DAY;
      const supervisorConsent = await keyGrant(f.certificate, f.supervisor, BODY_1, deadline);
      await expect(f.certificate.connect(f.bodyAdmin).addSigningKey(BODY_1, supervisorConsent))
        .to.be.revertedWithCustomError(f.certificate, "RoleHolderCannotBeSigningKey")
        .withArgs(f.supervisor.address);
      const [bodies] = await f.certificate.registryCounts();
      const nextBody = Number(bodies) + 1;
      const associationConsent = await keyGrant(f.certificate, f.association, nextBody, deadline);
      await expect(accreditAnother(f, f.stranger, [associationConsent]))
        .to.be.revertedWithCustomError(f.certificate, "RoleHolderCannotBeSigningKey")
        .withArgs(f.association.address);
      expect(await f.certificate.bodyOfSigningKey(f.supervisor.address)).to.equal(0);
      expect(await f.certificate.bodyOfSigningKey(f.association.address)).to.equal(0);
    });

    it("a signing key cannot be granted a role (SigningKeyCannotHoldRole), SUPERVISOR_ROLE nor the association's", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.certificate.grantRole(SUPERVISOR_ROLE, f.key1.address))
        .to.be.revertedWithCustomError(f.certificate, "SigningKeyCannotHoldRole")
        .withArgs(f.key1.address, SUPERVISOR_ROLE);
      await f.certificate.beginDefaultAdminTransfer(f.key1.address);
      await f.clock.travel(1);
      await expect(f.certificate.connect(f.key1).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.certificate, "SigningKeyCannotHoldRole")
        .withArgs(f.key1.address, DEFAULT_ADMIN_ROLE);
      expect(await f.certificate.hasRole(SUPERVISOR_ROLE, f.key1.address)).to.equal(false);
      expect(await f.certificate.defaultAdmin()).to.equal(f.association.address);
      // the rule is about current keys: once removed, the address may serve
      await f.certificate.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key2.address);
      await expect(f.certificate.grantRole(SUPERVISOR_ROLE, f.key2.address))
        .to.emit(f.certificate, "RoleGranted")
        .withArgs(SUPERVISOR_ROLE, f.key2.address, f.association.address);
    });
  });

  // ================================================================== hole 5

  describe("hole 5: flooding a body with keys does not make it costly to discipline", function () {
    const KEYS = 60;

    it(`suspendBody, reinstateBody, updateBodyTerms and revokeAccreditation cost the same with ${KEYS} keys as with 1`, async function () {
      const f = await loadFixture(deployFixture);
      const deadline = (await f.clock.now()) + DAY;
      const [bodies] = await f.certificate.registryCounts();
      const oneKeyBody = Number(bodies) + 1;
      const floodedBody = oneKeyBody + 1;
      // the flooded body's last key is a funded signer, so that it can try to issue afterwards
      const lastKey = f.holders[1];
      const wallets = Array.from({ length: KEYS - 1 }, () => ethers.Wallet.createRandom());
      const floodGrants = [
        ...(await Promise.all(wallets.map((w) => walletGrant(f, w, floodedBody, deadline)))),
        await keyGrant(f.certificate, lastKey, floodedBody, deadline),
      ];
      expect(await accreditAnother(f, f.bodyAdmin, [await keyGrant(f.certificate, f.holders[0], oneKeyBody, deadline)])).to.equal(oneKeyBody);
      expect(await accreditAnother(f, f.bodyAdmin, floodGrants)).to.equal(floodedBody);
      expect((await f.certificate.getBody(oneKeyBody)).signingKeys).to.have.length(1);
      expect((await f.certificate.getBody(floodedBody)).signingKeys).to.have.length(KEYS);
      await f.certificate.connect(lastKey).issueCertificate(f.issuance(f.holders[2]));

      const c = f.certificate;
      const s = f.certificate.connect(f.supervisor);
      const later = f.accreditedUntil + YEAR;
      const operations: [string, (bodyId: number) => Promise<ContractTransactionResponse>][] = [
        ["updateBodyTerms", (bodyId) => c.updateBodyTerms(bodyId, 0b011, later, 3 * DAY)],
        ["suspendBody", (bodyId) => s.suspendBody(bodyId, EVIDENCE)],
        ["reinstateBody", (bodyId) => s.reinstateBody(bodyId)],
        ["suspendBody again", (bodyId) => s.suspendBody(bodyId, EVIDENCE)],
        ["revokeAccreditation", (bodyId) => c.revokeAccreditation(bodyId, EVIDENCE)],
      ];
      for (const [name, operation] of operations) {
        const one = await gasOf(await operation(oneKeyBody));
        const flooded = await gasOf(await operation(floodedBody));
        expect(gasGap(one, flooded), `${name}: ${one} gas with 1 key, ${flooded} with ${KEYS}`).to.be.at.most(500n);
      }

      // and the one write reached every key
      const { body } = await f.certificate.getBody(floodedBody);
      expect(body.status).to.equal(BodyStatus.Revoked);
      expect(body.accreditedUntil).to.equal(later);
      await expect(f.certificate.connect(lastKey).issueCertificate(f.issuance(f.holders[3])))
        .to.be.revertedWithCustomError(f.certificate, "BodyNotActive")
        .withArgs(floodedBody, BodyStatus.Revoked);
    });
  });

  // ================================================================== hole 6

  describe("hole 6: the body and the supervisor suspend independently", function () {
    it("both flags are set; the body lifts only its own, and the certificate stays Suspended until the supervisor lifts its own", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      await f.clock.travelTo(issuedAt + NOTICE_PERIOD);

      await expect(c.connect(f.key1).suspendCertificate(EVIDENCE, tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.key1.address, false, anyValue);
      const previous = await eventBlockOf(c, tokenId);
      await expect(c.connect(f.supervisor).suspendCertificate(EVIDENCE, tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.supervisor.address, true, previous);
      let view = await c.verifyCertificate(tokenId);
      expect([view.suspendedByBody, view.suspendedBySupervisor]).to.deep.equal([true, true]);
      await expect(c.connect(f.key2).suspendCertificate(EVIDENCE, tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadySuspended")
        .withArgs(tokenId, false);
      await expect(c.connect(f.supervisor).suspendCertificate(EVIDENCE, tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadySuspended")
        .withArgs(tokenId, true);

      await expect(c.connect(f.key1).reinstateCertificate(tokenId))
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.key1.address, false, anyValue);
      view = await c.verifyCertificate(tokenId);
      expect([view.suspendedByBody, view.suspendedBySupervisor]).to.deep.equal([false, true]);
      expect(view.status).to.equal(CertificateStatus.Suspended);
      await expect(c.connect(f.key1).reinstateCertificate(tokenId))
        .to.be.revertedWithCustomError(c, "SuspendedBySupervisor")
        .withArgs(tokenId);

      await expect(c.connect(f.supervisor).reinstateCertificate(tokenId))
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.supervisor.address, true, anyValue);
      view = await c.verifyCertificate(tokenId);
      expect([view.suspendedByBody, view.suspendedBySupervisor]).to.deep.equal([false, false]);
      expect(view.status).to.equal(CertificateStatus.Valid);
      await expect(c.connect(f.key1).reinstateCertificate(tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(tokenId, false);
    });

    it("the body cannot lift a suspension only the supervisor set; the supervisor's reinstatement leaves the body's", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      await f.clock.travelTo(issuedAt + NOTICE_PERIOD);
      await c.connect(f.supervisor).suspendCertificate(EVIDENCE, tokenId);
      await expect(c.connect(f.key2).reinstateCertificate(tokenId))
        .to.be.revertedWithCustomError(c, "SuspendedBySupervisor")
        .withArgs(tokenId);
      await c.connect(f.key1).suspendCertificate(EVIDENCE, tokenId);
      await c.connect(f.supervisor).reinstateCertificate(tokenId);
      const view = await c.verifyCertificate(tokenId);
      expect([view.suspendedByBody, view.suspendedBySupervisor]).to.deep.equal([true, false]);
      expect(view.status).to.equal(CertificateStatus.Suspended);
      await expect(c.connect(f.supervisor).reinstateCertificate(tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(tokenId, true);
    });
  });

  // ================================================================== hole 7

  describe("hole 7: cancelling vouchers cannot bring a pre-signed voucher to life", function () {
    it("a voucher signed for nonce + 1 before cancelVouchers is refused after it, like one for the old nonce", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const deadline = (await f.clock.now()) + DAY;
      const oldNonce = await voucherNonceOf(f, BODY_1);
      const forOld = voucherFor(f, f.holders[0], oldNonce, deadline);
      const forNext = voucherFor(f, f.holders[1], oldNonce + 1n, deadline);
      const forOldSignature = await signVoucher(f.key1, c, forOld);
      const forNextSignature = await signVoucher(f.key1, c, forNext);

      const tx = await c.connect(f.bodyAdmin).cancelVouchers(BODY_1);
      const blockNumber = await txBlock(tx);
      const newNonce = await voucherNonceOf(f, BODY_1);
      await expect(tx).to.emit(c, "VouchersCancelled").withArgs(BODY_1, newNonce, f.bodyAdmin.address);
      // drawn from the previous block's hash: no one could sign for it before that block existed
      const parent = await ethers.provider.getBlock(blockNumber - 1);
      const drawn = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint16", "uint64"], [parent?.hash, BODY_1, oldNonce]),
      );
      expect(newNonce).to.equal(BigInt(drawn) & (2n ** 64n - 1n));
      expect(newNonce).to.not.equal(oldNonce);
      expect(newNonce).to.not.equal(oldNonce + 1n);

      const relayer = c.connect(f.stranger);
      await expect(relayer.issueWithVoucher(f.key1.address, forNextSignature, forNext))
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(newNonce, oldNonce + 1n);
      await expect(relayer.issueWithVoucher(f.key1.address, forOldSignature, forOld))
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(newNonce, oldNonce);

      const fresh = voucherFor(f, f.holders[2], newNonce, deadline);
      await expect(relayer.issueWithVoucher(f.key1.address, await signVoucher(f.key1, c, fresh), fresh))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(fresh.issuance.resultRoot), BODY_1, fresh.issuance.resultRoot, fresh.issuance.level, RULEBOOK_1, fresh.issuance.validUntil, f.key1.address);
    });

    it("each cancellation draws a new nonce: a voucher for the previous one is refused", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const deadline = (await f.clock.now()) + DAY;
      await c.connect(f.bodyAdmin).cancelVouchers(BODY_1);
      const first = await voucherNonceOf(f, BODY_1);
      const voucher = voucherFor(f, f.holders[0], first, deadline);
      const signature = await signVoucher(f.key1, c, voucher);
      await expect(c.cancelVouchers(BODY_1)).to.emit(c, "VouchersCancelled").withArgs(BODY_1, anyValue, f.association.address);
      const second = await voucherNonceOf(f, BODY_1);
      expect(second).to.not.equal(first);
      await expect(c.connect(f.stranger).issueWithVoucher(f.key1.address, signature, voucher))
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(second, first);
      // cancelling another body's vouchers is not a body admin's business
      await expect(c.connect(f.bodyAdmin).cancelVouchers(BODY_2))
        .to.be.revertedWithCustomError(c, "NotBodyAdmin")
        .withArgs(BODY_2, f.bodyAdmin.address);
    });
  });

  // ================================================================== hole 8

  describe("hole 8: certificates pushed into a wallet cannot make holdsValidCertificate unaffordable", function () {
    it("its gas is the same with 20 or 40 hostile certificates, and isValidCertificateOf checks any one exactly", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const victim = f.holders[0].address;
      const scanned = Number(await c.HOLDINGS_SCANNED());
      expect(scanned).to.equal(16);
      const genuine = await issueOne(f, f.key1, victim, { level: 1 });
      await f.clock.travelTo(genuine.issuedAt + NOTICE_PERIOD);
      expect(await c.holdsValidCertificate(victim, 1)).to.equal(true);

      // a hostile body pushes level-3 certificates into the wallet, in notice (so never valid): every scanned
      // certificate costs its full status computation (atLeastLevel 3 admits their level)
      const push = async (n: number) => {
        const batch = Array.from({ length: n }, () => f.issuance(victim, { level: 3 }));
        await c.connect(f.body2Key).issueCertificates(batch);
        return batch.map((item) => tokenIdOf(item.resultRoot, BODY_2));
      };
      const hostile = await push(20);
      const gas20 = await c.holdsValidCertificate.estimateGas(victim, 3);
      await push(20);
      const gas40 = await c.holdsValidCertificate.estimateGas(victim, 3);
      expect(await c.balanceOf(victim)).to.equal(41);
      expect(gasGap(gas20, gas40), `${gas20} gas with 20, ${gas40} with 40`).to.be.at.most(200n);

      // bounded, not complete: the genuine certificate is out of the newest 16 ...
      expect(await c.holdsValidCertificate(victim, 3)).to.equal(false);
      expect(await c.holdsValidCertificate(victim, 1)).to.equal(false);
      // ... and isValidCertificateOf answers for any one certificate, exactly
      expect(await c.isValidCertificateOf(victim, genuine.tokenId, 1)).to.equal(true);
      expect(await c.isValidCertificateOf(victim, genuine.tokenId, 2)).to.equal(true);
      expect(await c.isValidCertificateOf(f.holders[1].address, genuine.tokenId, 1)).to.equal(false);
      expect(await c.isValidCertificateOf(victim, hostile[0], 3)).to.equal(false); // in notice
      await c.connect(f.key1).suspendCertificate(EVIDENCE, genuine.tokenId);
      expect(await c.isValidCertificateOf(victim, genuine.tokenId, 1)).to.equal(false);
    });

    it("with fewer certificates than it scans, holdsValidCertificate still finds the oldest", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const victim = f.holders[0].address;
      const genuine = await issueOne(f, f.key1, victim, { level: 1 });
      await c.connect(f.body2Key).issueCertificates(Array.from({ length: 15 }, () => f.issuance(victim, { level: 3 })));
      await f.clock.travelTo(genuine.issuedAt + NOTICE_PERIOD);
      expect(await c.balanceOf(victim)).to.equal(16);
      expect(await c.holdsValidCertificate(victim, 1)).to.equal(true);
    });
  });

  // ================================================================== hole 9

  describe("hole 9: a certificate number is the body's, never 0, and root reuse is named exactly", function () {
    it("isResultRootUsed compares the exact root; a root sharing the number is CertificateNumberTaken", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      const twin = rootWithSameNumber(item.resultRoot);
      expect(await c.certificateNumberOf(BODY_1, twin)).to.equal(tokenId);
      expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(true);
      expect(await c.isResultRootUsed(BODY_1, twin)).to.equal(false);
      expect(await c.isResultRootUsed(BODY_2, item.resultRoot)).to.equal(false);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[1], { resultRoot: twin })))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(tokenId);
      await expect(c.connect(f.key2).issueCertificate(item))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(item.resultRoot);
      await expect(c.isResultRootUsed(0, item.resultRoot)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(0);
    });

    it("a root a renewal used is ResultRootUsedByRenewal (not ResultRootAlreadyUsed) when issued again", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const renewed = await issueOne(f, f.key1, f.holders[0]);
      const other = await issueOne(f, f.key1, f.holders[1]);
      await f.clock.travelTo(renewed.issuedAt + NOTICE_PERIOD);
      const renewalRoot = ethers.hexlify(ethers.randomBytes(32));
      await c.connect(f.key1).renewCertificate(renewed.tokenId, renewalRoot, RULEBOOK_1, f.validUntil + YEAR);
      expect(await c.isResultRootUsed(BODY_1, renewalRoot)).to.equal(true);
      expect((await c.verifyCertificate(renewed.tokenId)).resultRoot).to.equal(renewalRoot);

      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[2], { resultRoot: renewalRoot })))
        .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
        .withArgs(renewalRoot, renewed.tokenId);
      await expect(c.connect(f.key2).renewCertificate(other.tokenId, renewalRoot, RULEBOOK_1, f.validUntil + YEAR))
        .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
        .withArgs(renewalRoot, renewed.tokenId);
      await expect(c.connect(f.key1).renewCertificate(other.tokenId, other.item.resultRoot, RULEBOOK_1, f.validUntil + YEAR))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(other.item.resultRoot);
      // the renewal's root claims a number, but no certificate lives there
      const claimed = tokenIdOf(renewalRoot, BODY_1);
      expect(await c.statusOf(claimed)).to.equal(CertificateStatus.NotFound);
      await expect(c.ownerOf(claimed)).to.be.revertedWithCustomError(c, "CertificateNotFound").withArgs(claimed);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[2], { resultRoot: rootWithSameNumber(renewalRoot) })))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(claimed);
    });

    it("certificate numbers are never 0: certificateNumberOf(1, 0x00…01) > 0, and body 0 or 256 is BodyNotFound", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const smallest = ethers.toBeHex(1, 32);
      expect(await c.certificateNumberOf(BODY_1, smallest)).to.equal(1n << 56n);
      expect(await c.certificateNumberOf(255, ethers.toBeHex(ethers.MaxUint256, 32))).to.equal((255n << 56n) | (2n ** 56n - 1n));
      await expect(c.certificateNumberOf(0, smallest)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(0);
      await expect(c.certificateNumberOf(256, smallest)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(256);

      // a root whose top bits are all zero issues as a real, non-zero number
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { resultRoot: smallest })))
        .to.emit(c, "CertificateIssued")
        .withArgs(1n << 56n, BODY_1, smallest, 2, RULEBOOK_1, f.validUntil, f.key1.address);
      expect(await c.ownerOf(1n << 56n)).to.equal(f.holders[0].address);
      expect(await c.statusOf(0)).to.equal(CertificateStatus.NotFound);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { resultRoot: ethers.ZeroHash })))
        .to.be.revertedWithCustomError(c, "InvalidResultRoot");
    });
  });

  // ================================================================== hole 10

  describe("hole 10: events name who acted", function () {
    it("`by` is the signing key that signed, not the relayer, also for a contract wallet's voucher", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const relayer = c.connect(f.stranger);
      const deadline = (await f.clock.now()) + DAY;

      // a Safe-like contract wallet joins as a key with its owner's consent, and signs a voucher
      const owner = f.holders[5];
      const wallet = await deployWallet(owner);
      const walletAddress = await wallet.getAddress();
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, owner, BODY_1, deadline, walletAddress)))
        .to.emit(c, "SigningKeyAdded")
        .withArgs(BODY_1, walletAddress, f.bodyAdmin.address);
      const nonce = await voucherNonceOf(f, BODY_1);
      const byWallet = voucherFor(f, f.holders[0], nonce, deadline);
      await expect(relayer.issueWithVoucher(walletAddress, await signVoucher(owner, c, byWallet), byWallet))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(byWallet.issuance.resultRoot), BODY_1, byWallet.issuance.resultRoot, 2, RULEBOOK_1, byWallet.issuance.validUntil, walletAddress);

      const byKey = voucherFor(f, f.holders[1], nonce, deadline);
      await expect(relayer.issueWithVoucher(f.key2.address, await signVoucher(f.key2, c, byKey), byKey))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(byKey.issuance.resultRoot), BODY_1, byKey.issuance.resultRoot, 2, RULEBOOK_1, byKey.issuance.validUntil, f.key2.address);

      const direct = f.issuance(f.holders[2]);
      await expect(c.connect(f.key2).issueCertificate(direct))
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenIdOf(direct.resultRoot), BODY_1, direct.resultRoot, 2, RULEBOOK_1, direct.validUntil, f.key2.address);
    });

    it("lifecycle events name the acting key or the supervisor, with bySupervisor", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      // an objection names its filer
      await expect(c.connect(f.holders[7]).fileObjection(a.tokenId, EVIDENCE))
        .to.emit(c, "ObjectionFiled")
        .withArgs(a.tokenId, BODY_1, f.holders[7].address, EVIDENCE, anyValue);
      await expect(c.connect(f.supervisor).resolveObjection(a.tokenId, false, RevocationReason.None, EVIDENCE))
        .to.emit(c, "ObjectionResolved")
        .withArgs(a.tokenId, BODY_1, false, EVIDENCE, f.supervisor.address, true, anyValue);
      await expect(c.connect(f.key2).suspendCertificate(EVIDENCE, b.tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(b.tokenId, BODY_1, EVIDENCE, f.key2.address, false, anyValue);
      await expect(c.connect(f.supervisor).revokeCertificate(b.tokenId, EVIDENCE, RevocationReason.Violation))
        .to.emit(c, "CertificateRevoked")
        .withArgs(b.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE, f.supervisor.address, true, anyValue);

      await f.clock.travelTo(a.issuedAt + NOTICE_PERIOD);
      const renewalRoot = ethers.hexlify(ethers.randomBytes(32));
      await expect(c.connect(f.key2).renewCertificate(a.tokenId, renewalRoot, RULEBOOK_1, f.validUntil + YEAR))
        .to.emit(c, "CertificateRenewed")
        .withArgs(a.tokenId, BODY_1, renewalRoot, RULEBOOK_1, anyValue, f.validUntil + YEAR, f.key2.address, anyValue);

      // re-issue: the acting key, on both events
      const c2 = await issueOne(f, f.key1, f.holders[2]);
      await f.clock.travelTo(c2.issuedAt + NOTICE_PERIOD);
      const newHolder = f.holders[3];
      const newRoot = ethers.hexlify(ethers.randomBytes(32));
      const consentDeadline = (await f.clock.now()) + DAY;
      const consent = await signReissueConsent(newHolder, c, { tokenId: c2.tokenId, newHolder: newHolder.address, newResultRoot: newRoot, deadline: consentDeadline });
      const previous = await eventBlockOf(c, c2.tokenId);
      await expect(c.connect(f.key2).reissueCertificate(c2.tokenId, newHolder.address, newRoot, consentDeadline, consent))
        .to.emit(c, "CertificateRevoked")
        .withArgs(c2.tokenId, BODY_1, RevocationReason.Reissued, ethers.ZeroHash, f.key2.address, false, previous)
        .and.to.emit(c, "CertificateReissued")
        .withArgs(c2.tokenId, tokenIdOf(newRoot), BODY_1, newHolder.address, newRoot, f.key2.address, previous);
    });

    it("registry events name the association, the supervisor or the body admin who acted", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.bodyAdmin).cancelVouchers(BODY_1))
        .to.emit(c, "VouchersCancelled")
        .withArgs(BODY_1, anyValue, f.bodyAdmin.address);
      await expect(c.connect(f.bodyAdmin).removeSigningKey(BODY_1, f.key2.address))
        .to.emit(c, "SigningKeyRemoved")
        .withArgs(BODY_1, f.key2.address, f.bodyAdmin.address);
      await expect(c.removeSigningKey(BODY_1, f.key1.address))
        .to.emit(c, "SigningKeyRemoved")
        .withArgs(BODY_1, f.key1.address, f.association.address);
      await expect(c.connect(f.supervisor).suspendBody(BODY_2, EVIDENCE))
        .to.emit(c, "BodySuspended")
        .withArgs(BODY_2, f.supervisor.address, EVIDENCE);
      await expect(c.updateBodyTerms(BODY_2, 0b100, f.accreditedUntil, NOTICE_PERIOD))
        .to.emit(c, "BodyTermsUpdated")
        .withArgs(BODY_2, 0b100, f.accreditedUntil, NOTICE_PERIOD, f.association.address);
      const voidedBefore = await f.clock.now();
      await expect(c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_2, voidedBefore, EVIDENCE))
        .to.emit(c, "BodyCertificatesVoided")
        .withArgs(BODY_2, voidedBefore, EVIDENCE, f.supervisor.address, 0);
    });
  });

  // ================================================================== beyond the ten holes

  describe("renderer zero refused", function () {
    it("deploying with renderer address(0) reverts InvalidAddress, and so does setRenderer(0)", async function () {
      const f = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("CQOCertificate", { libraries: f.libraries });
      await expect(factory.deploy(f.association.address, 0, 1, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "InvalidAddress",
      );
      await expect(factory.deploy(f.association.address, 0, 60, await f.renderer.getAddress()))
        .to.be.revertedWithCustomError(factory, "InvalidClockUnit")
        .withArgs(60);

      const current = await f.certificate.renderer();
      await expect(f.certificate.setRenderer(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.certificate,
        "InvalidAddress",
      );
      expect(await f.certificate.renderer()).to.equal(current);
      const next = await ethers.deployContract("CertificateRenderer");
      await expect(f.certificate.setRenderer(await next.getAddress()))
        .to.emit(f.certificate, "RendererChanged")
        .withArgs(await next.getAddress(), f.association.address);
    });
  });

  describe("a renewal goes through a public notice", function () {
    it("validFrom = renewal time + notice; objections may be filed; Valid while the previous validity runs", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt, item } = await issueOne(f, f.key1, f.holders[0]);
      const newRoot = ethers.hexlify(ethers.randomBytes(32));
      const newValidUntil = item.validUntil + YEAR;

      // not before the current result's own notice is over
      await f.clock.setNextTimestamp(issuedAt + NOTICE_PERIOD - 1);
      await expect(c.connect(f.key1).renewCertificate(tokenId, newRoot, RULEBOOK_1, newValidUntil))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(tokenId, issuedAt + NOTICE_PERIOD);

      const renewedAt = issuedAt + NOTICE_PERIOD + DAY;
      const validFrom = renewedAt + NOTICE_PERIOD;
      await f.clock.setNextTimestamp(renewedAt);
      const previous = await eventBlockOf(c, tokenId);
      await expect(c.connect(f.key1).renewCertificate(tokenId, newRoot, RULEBOOK_1, newValidUntil))
        .to.emit(c, "CertificateRenewed")
        .withArgs(tokenId, BODY_1, newRoot, RULEBOOK_1, validFrom, newValidUntil, f.key1.address, previous);
      let view = await c.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Valid);
      expect(view.issuedAt).to.equal(issuedAt);
      expect(view.evaluatedAt).to.equal(renewedAt);
      expect(view.validFrom).to.equal(validFrom);
      expect(view.validUntil).to.equal(newValidUntil);
      expect(view.resultRoot).to.equal(newRoot);

      // nor a second renewal during the renewal's notice
      await expect(c.connect(f.key1).renewCertificate(tokenId, ethers.id("again"), RULEBOOK_1, newValidUntil))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(tokenId, validFrom);

      await expect(c.connect(f.stranger).fileObjection(tokenId, EVIDENCE))
        .to.emit(c, "ObjectionFiled")
        .withArgs(tokenId, BODY_1, f.stranger.address, EVIDENCE, anyValue);
      view = await c.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Pending);
      expect(view.underObjection).to.equal(true);
      await c.connect(f.key1).resolveObjection(tokenId, false, RevocationReason.None, EVIDENCE);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);

      await f.clock.setNextTimestamp(validFrom);
      await expect(c.connect(f.stranger).fileObjection(tokenId, EVIDENCE))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(tokenId, validFrom);
    });

    it("Pending once the previous validUntil has passed, until the renewal's notice ends", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = await f.clock.now();
      const previousUntil = t + NOTICE_PERIOD + 3 * DAY;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0], { validUntil: previousUntil });
      const renewedAt = issuedAt + NOTICE_PERIOD + DAY;
      await f.clock.setNextTimestamp(renewedAt);
      await c.connect(f.key1).renewCertificate(tokenId, ethers.id("renewal"), RULEBOOK_1, previousUntil + YEAR);
      const validFrom = renewedAt + NOTICE_PERIOD;
      expect(validFrom).to.be.greaterThan(previousUntil);

      await f.clock.travelTo(previousUntil - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await f.clock.travelTo(previousUntil);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(false);
      await f.clock.travelTo(validFrom - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await f.clock.travelTo(validFrom);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(true);
    });
  });

  describe("the association's two-step handover (AccessControlDefaultAdminRules)", function () {
    async function handoverFixture(): Promise<Fixture> {
      return deployFixtureWith({ adminTransferDelay: DAY });
    }

    it("no direct grant; the new admin accepts after the delay and the old one loses the role", async function () {
      const f = await loadFixture(handoverFixture);
      const c = f.certificate;
      const next = f.holders[0];
      expect(await c.defaultAdminDelay()).to.equal(DAY);
      await expect(c.grantRole(DEFAULT_ADMIN_ROLE, next.address)).to.be.revertedWithCustomError(
        c,
        "AccessControlEnforcedDefaultAdminRules",
      );

      const begunAt = (await f.clock.now()) + 10;
      await f.clock.setNextTimestamp(begunAt);
      await expect(c.beginDefaultAdminTransfer(next.address))
        .to.emit(c, "DefaultAdminTransferScheduled")
        .withArgs(next.address, begunAt + DAY);
      const [pending, schedule] = await c.pendingDefaultAdmin();
      expect([pending, schedule]).to.deep.equal([next.address, BigInt(begunAt + DAY)]);

      await expect(c.connect(next).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(begunAt + DAY);
      await expect(c.connect(f.stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
        .withArgs(f.stranger.address);

      await f.clock.setNextTimestamp(begunAt + DAY + 1);
      await expect(c.connect(next).acceptDefaultAdminTransfer())
        .to.emit(c, "RoleRevoked")
        .withArgs(DEFAULT_ADMIN_ROLE, f.association.address, next.address)
        .and.to.emit(c, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, next.address, next.address);
      expect(await c.defaultAdmin()).to.equal(next.address);
      expect(await c.hasRole(DEFAULT_ADMIN_ROLE, f.association.address)).to.equal(false);

      await expect(c.registerRulebook(ethers.id("rulebook-2"), "ipfs://rulebooks/2.json", 0, 0))
        .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
        .withArgs(f.association.address, DEFAULT_ADMIN_ROLE);
      await expect(c.connect(next).registerRulebook(ethers.id("rulebook-2"), "ipfs://rulebooks/2.json", 0, 0))
        .to.emit(c, "RulebookRegistered")
        .withArgs(2, ethers.id("rulebook-2"), "ipfs://rulebooks/2.json", 0, 0, next.address);
    });
  });
});
