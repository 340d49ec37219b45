/**
 * CQOCertificate (contracts v2): issuance (single, batch, voucher), lifecycle (suspend, reinstate, revoke, objection,
 * renew, re-issue), computed status over time, verification views, the history chain of events, ERC-721 / ERC-5192
 * surface, on-chain metadata, and a deployment whose chain counts milliseconds.
 *
 * v2 in these tests: a certificate number is its body's (`bodyId << 56 | root >> 200`); suspensions by the body and
 * by the supervisor are independent flags; objections stay open for the whole notice; only a body in good standing
 * restores a certificate; renewal is a new result with its own notice; every event says who acted (`by`,
 * `bySupervisor`) and names the block of the certificate's previous event (`previousEventBlock`).
 *
 * Lifecycle functions are called with arguments by name (`send`), so the tests do not depend on parameter order.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  attribute,
  BODY_1,
  BODY_2,
  BodyStatus,
  CertificateStatus,
  DAY,
  decodeTokenURI,
  DEFAULT_ADMIN_ROLE,
  deployCertificate,
  deployFixture,
  deployMillisecondFixture,
  deployWallet,
  eventBlockOf,
  type Fixture,
  flagsOf,
  INTERFACE_IDS,
  type Issuance,
  type IssuanceVoucher,
  issueOne,
  keyGrant,
  NOTICE_PERIOD,
  now,
  randomRoot,
  RevocationReason,
  rootWithSameNumber,
  RULEBOOK_1,
  RULEBOOK_HASH,
  SCOPE_ALL_THREE,
  send,
  setNextTimestamp,
  signReissueConsent,
  signVoucher,
  staticCall,
  SUPERVISOR_ROLE,
  tokenIdOf,
  travel,
  travelTo,
  txBlock,
  txTimestamp,
  voucherDigest,
  YEAR,
} from "./fixtures";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CQOCertificate } from "../typechain-types";

const EVIDENCE = ethers.id("evidence");
const RULEBOOK_2_HASH = ethers.id("rulebook-2");

/** Every reason a caller may give (`None` and `Reissued` are refused). */
const CALLER_REASONS = [
  RevocationReason.Fraud,
  RevocationReason.Violation,
  RevocationReason.HolderRequest,
  RevocationReason.BodyError,
  RevocationReason.Other,
];

// ------------------------------------------------------------------ small wrappers (arguments by name)

const suspend = (c: CQOCertificate, tokenId: bigint, evidenceHash = EVIDENCE) =>
  send(c, "suspendCertificate", { tokenId, evidenceHash });
const reinstate = (c: CQOCertificate, tokenId: bigint) => send(c, "reinstateCertificate", { tokenId });
const revoke = (c: CQOCertificate, tokenId: bigint, reason: RevocationReason, evidenceHash = EVIDENCE) =>
  send(c, "revokeCertificate", { tokenId, reason, evidenceHash });
const revokeMany = (c: CQOCertificate, tokenIds: bigint[], reason: RevocationReason, evidenceHash = EVIDENCE) =>
  send(c, "revokeCertificates", { tokenIds, reason, evidenceHash });
const object = (c: CQOCertificate, tokenId: bigint, evidenceHash = EVIDENCE) =>
  send(c, "fileObjection", { tokenId, evidenceHash });
const resolve = (
  c: CQOCertificate,
  tokenId: bigint,
  upheld: boolean,
  reason: RevocationReason,
  evidenceHash = EVIDENCE,
) => send(c, "resolveObjection", { tokenId, upheld, reason, evidenceHash });
const renew = (c: CQOCertificate, tokenId: bigint, newResultRoot: string, rulebookId: number, newValidUntil: number) =>
  send(c, "renewCertificate", { tokenId, newResultRoot, rulebookId, newValidUntil });
const reissue = (
  c: CQOCertificate,
  tokenId: bigint,
  newHolder: string,
  newResultRoot: string,
  consentDeadline: number,
  holderConsent: string,
) => send(c, "reissueCertificate", { tokenId, newHolder, newResultRoot, consentDeadline, holderConsent });
const issueWithVoucher = (c: CQOCertificate, voucher: IssuanceVoucher, signer: string, signature: string) =>
  send(c, "issueWithVoucher", { voucher, signer, signature });

/** A re-issue consent signed by `signer` for `newHolder` (by default the signer itself). */
async function consent(
  f: Fixture,
  signer: HardhatEthersSigner,
  tokenId: bigint,
  newResultRoot: string,
  deadline: number,
  newHolder: string = signer.address,
) {
  return signReissueConsent(signer, f.certificate, { tokenId, newHolder, newResultRoot, deadline });
}

/** Checks the stored facts of a certificate against its issuance. */
async function expectRecord(
  c: CQOCertificate,
  item: Issuance,
  bodyId: number,
  issuedAt: number,
  noticePeriod = NOTICE_PERIOD,
) {
  const tokenId = tokenIdOf(item.resultRoot, bodyId);
  const v = await c.verifyCertificate(tokenId);
  expect(v.tokenId).to.equal(tokenId);
  expect(v.holder).to.equal(item.holder);
  expect(v.bodyId).to.equal(bodyId);
  expect(v.level).to.equal(item.level);
  expect(v.issuedAt).to.equal(issuedAt);
  expect(v.evaluatedAt).to.equal(issuedAt);
  expect(v.validFrom).to.equal(issuedAt + noticePeriod);
  expect(v.validUntil).to.equal(item.validUntil);
  expect(v.rulebookId).to.equal(item.rulebookId);
  expect(v.resultRoot).to.equal(item.resultRoot);
  expect(v.suspendedByBody).to.equal(false);
  expect(v.suspendedBySupervisor).to.equal(false);
}

describe("CQOCertificate", function () {
  describe("deployment", function () {
    it("emits RendererChanged(renderer, by) and exposes its constants, clock and EIP-712 domain version 2", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const deployTx = c.deploymentTransaction();
      if (deployTx === null) throw new Error("no deployment transaction");
      await expect(deployTx)
        .to.emit(c, "RendererChanged")
        .withArgs(await f.renderer.getAddress(), f.association.address);
      expect(await c.renderer()).to.equal(await f.renderer.getAddress());
      expect(await c.MAX_BODIES()).to.equal(255);
      expect(await c.HOLDINGS_SCANNED()).to.equal(16);
      expect(await c.REISSUE_CONSENT_TYPEHASH()).to.equal(
        ethers.id("ReissueConsent(uint256 tokenId,address newHolder,bytes32 newResultRoot,uint40 deadline)"),
      );
      expect(await c.VOUCHER_TYPEHASH()).to.equal(
        ethers.id(
          "IssuanceVoucher(Issuance issuance,uint40 deadline,uint16 bodyId,uint64 nonce)" +
            "Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)",
        ),
      );
      const eip712 = await c.eip712Domain();
      expect(eip712.name).to.equal("CQO Certificate");
      expect(eip712.version).to.equal("2");
      expect(eip712.verifyingContract).to.equal(await c.getAddress());
      // the clock: seconds, counted from the deployment
      const receipt = await deployTx.wait();
      if (!receipt) throw new Error("not mined");
      const block = await ethers.provider.getBlock(receipt.blockNumber);
      expect(await c.CLOCK_UNIT()).to.equal(1);
      expect(await c.EPOCH()).to.equal(block?.timestamp);
      expect(await c.GENESIS_BLOCK()).to.equal(receipt.blockNumber);
      expect(await c.defaultAdmin()).to.equal(f.association.address);
    });

    it("refuses a zero renderer (InvalidAddress) and a clock unit other than 1 or 1000 (InvalidClockUnit)", async function () {
      const f = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("CQOCertificate", { libraries: f.libraries });
      const renderer = await f.renderer.getAddress();
      await expect(factory.deploy(f.association.address, 0, 1, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.certificate,
        "InvalidAddress",
      );
      for (const unit of [0, 2, 10, 60, 999, 1001, 1_000_000]) {
        await expect(factory.deploy(f.association.address, 0, unit, renderer))
          .to.be.revertedWithCustomError(f.certificate, "InvalidClockUnit")
          .withArgs(unit);
      }
      const { certificate } = await deployCertificate(f.association, { clockUnit: 1000, renderer });
      expect(await certificate.CLOCK_UNIT()).to.equal(1000);
      expect(await certificate.renderer()).to.equal(renderer);
    });
  });

  // ================================================================== issuance

  describe("issueCertificate", function () {
    it("issues: number = body id, then the root's top 56 bits; CertificateIssued names the key; record stored", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const holder = f.holders[0];
      const item = f.issuance(holder, { level: 1 });
      const tokenId = tokenIdOf(item.resultRoot);
      expect(tokenId >> 56n).to.equal(BigInt(BODY_1));
      expect(tokenId & ((1n << 56n) - 1n)).to.equal(BigInt(item.resultRoot) >> 200n);
      expect(await c.issueCertificate.staticCall(item)).to.equal(tokenId);
      const tx = c.issueCertificate(item);
      await expect(tx)
        .to.emit(c, "CertificateIssued")
        .withArgs(tokenId, BODY_1, item.resultRoot, 1, RULEBOOK_1, item.validUntil, f.key1.address);
      await expect(tx).to.emit(c, "Transfer").withArgs(ethers.ZeroAddress, holder.address, tokenId);
      await expect(tx).to.emit(c, "Locked").withArgs(tokenId);
      const issuedAt = await txTimestamp(await tx);

      await expectRecord(c, item, BODY_1, issuedAt);
      const v = await c.verifyCertificate(tokenId);
      expect(v.status).to.equal(CertificateStatus.Pending);
      expect(v.revocationReason).to.equal(RevocationReason.None);
      expect(v.underObjection).to.equal(false);
      expect(v.bodyAccredited).to.equal(true);
      expect(v.rulebookHash).to.equal(RULEBOOK_HASH);
      expect(v.predecessor).to.equal(0);
      expect(v.successor).to.equal(0);
      expect(v.lastEventBlock).to.equal(await txBlock(await tx));
      expect(await c.ownerOf(tokenId)).to.equal(holder.address);
      expect(await c.balanceOf(holder.address)).to.equal(1);
      expect(await c.certificatesOf(holder.address)).to.deep.equal([tokenId]);
      expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(true);
      expect(await c.isResultRootUsed(BODY_2, item.resultRoot)).to.equal(false);
      expect((await c.verifyCertificate(tokenId)).resultRoot).to.equal(item.resultRoot);
      expect(await c.locked(tokenId)).to.equal(true);
    });

    it("issues every level of a body's scope, up to level 8", async function () {
      const f = await loadFixture(deployFixture);
      await f.certificate.updateBodyTerms(BODY_1, 0xff, f.accreditedUntil, NOTICE_PERIOD);
      for (let level = 1; level <= 8; level++) {
        const item = f.issuance(f.holders[level], { level });
        await expect(f.certificate.connect(f.key1).issueCertificate(item))
          .to.emit(f.certificate, "CertificateIssued")
          .withArgs(tokenIdOf(item.resultRoot), BODY_1, item.resultRoot, level, RULEBOOK_1, item.validUntil, f.key1.address);
      }
      await expect(f.certificate.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { level: 9 })))
        .to.be.revertedWithCustomError(f.certificate, "LevelOutOfScope")
        .withArgs(BODY_1, 9);
    });

    it("refuses an account that is not a signing key", async function () {
      const f = await loadFixture(deployFixture);
      for (const who of [f.association, f.supervisor, f.bodyAdmin, f.stranger]) {
        await expect(f.certificate.connect(who).issueCertificate(f.issuance(f.holders[0])))
          .to.be.revertedWithCustomError(f.certificate, "UnauthorizedAccount")
          .withArgs(who.address);
      }
    });

    it("refuses a suspended body, a revoked body and a body past its term", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0])))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Revoked);
      await travelTo(f.accreditedUntil - 10);
      await setNextTimestamp(f.accreditedUntil);
      await expect(
        c
          .connect(f.body2Key)
          .issueCertificate(f.issuance(f.holders[0], { level: 3, validUntil: f.accreditedUntil + YEAR })),
      )
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_2, f.accreditedUntil);
    });

    it("issues in the last second of the body's term", async function () {
      const f = await loadFixture(deployFixture);
      await travelTo(f.accreditedUntil - 10);
      await setNextTimestamp(f.accreditedUntil - 1);
      await expect(
        f.certificate
          .connect(f.body2Key)
          .issueCertificate(f.issuance(f.holders[0], { level: 3, validUntil: f.accreditedUntil + YEAR })),
      ).to.emit(f.certificate, "CertificateIssued");
    });

    it("refuses a level outside the body's scope, level 0 and a level above 8", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const level of [1, 2]) {
        await expect(c.connect(f.body2Key).issueCertificate(f.issuance(f.holders[0], { level })))
          .to.be.revertedWithCustomError(c, "LevelOutOfScope")
          .withArgs(BODY_2, level);
      }
      for (const level of [0, 4, 8, 9, 255]) {
        await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { level })))
          .to.be.revertedWithCustomError(c, "LevelOutOfScope")
          .withArgs(BODY_1, level);
      }
    });

    it("refuses a deprecated, an unknown and the zero rulebook", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { rulebookId: 2 })))
        .to.be.revertedWithCustomError(c, "RulebookNotFound")
        .withArgs(2);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { rulebookId: 0 })))
        .to.be.revertedWithCustomError(c, "RulebookNotFound")
        .withArgs(0);
      await c.deprecateRulebook(RULEBOOK_1);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(f.holders[0])))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_1);
    });

    it("refuses a zero holder and a zero root", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      await expect(c.issueCertificate(f.issuance(ethers.ZeroAddress))).to.be.revertedWithCustomError(
        c,
        "InvalidHolder",
      );
      await expect(
        c.issueCertificate(f.issuance(f.holders[0], { resultRoot: ethers.ZeroHash })),
      ).to.be.revertedWithCustomError(c, "InvalidResultRoot");
    });

    it("refuses a root the body already used; another body's copy of it gets a number of its own", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const item = f.issuance(f.holders[0], { level: 3 });
      await c.connect(f.key1).issueCertificate(item);
      await expect(c.connect(f.key2).issueCertificate(item))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(item.resultRoot);
      // v2: a body that copies a root (from the mempool, say) takes nothing from the issuer
      const copy = { ...item, holder: f.holders[1].address };
      const theirs = tokenIdOf(item.resultRoot, BODY_2);
      expect(theirs).to.not.equal(tokenIdOf(item.resultRoot, BODY_1));
      await expect(c.connect(f.body2Key).issueCertificate(copy))
        .to.emit(c, "CertificateIssued")
        .withArgs(theirs, BODY_2, item.resultRoot, 3, RULEBOOK_1, item.validUntil, f.body2Key.address);
      expect(await c.ownerOf(tokenIdOf(item.resultRoot, BODY_1))).to.equal(f.holders[0].address);
      expect(await c.ownerOf(theirs)).to.equal(f.holders[1].address);
      expect((await c.verifyCertificate(theirs)).bodyId).to.equal(BODY_2);
      expect(await c.isResultRootUsed(BODY_2, item.resultRoot)).to.equal(true);
      await expect(c.connect(f.body2Key).issueCertificate(copy))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(item.resultRoot);
    });

    it("refuses another root with the same certificate number: CertificateNumberTaken", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const first = await issueOne(f, f.key1, f.holders[0]);
      const twin = rootWithSameNumber(first.item.resultRoot);
      expect(twin).to.not.equal(first.item.resultRoot);
      expect(tokenIdOf(twin)).to.equal(first.tokenId);
      expect(await c.certificateNumberOf(BODY_1, twin)).to.equal(first.tokenId);
      expect(await c.isResultRootUsed(BODY_1, twin)).to.equal(false); // an exact comparison
      await expect(c.issueCertificate(f.issuance(f.holders[1], { resultRoot: twin })))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(first.tokenId);
      expect(await c.ownerOf(first.tokenId)).to.equal(f.holders[0].address);
    });

    it("refuses validUntil not after validFrom (issue time + notice period)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const t = (await now()) + 100;
      await setNextTimestamp(t);
      await expect(c.issueCertificate(f.issuance(f.holders[0], { validUntil: t + NOTICE_PERIOD })))
        .to.be.revertedWithCustomError(c, "InvalidValidity")
        .withArgs(t + NOTICE_PERIOD, t + NOTICE_PERIOD);
      await setNextTimestamp(t + 1);
      await expect(c.issueCertificate(f.issuance(f.holders[0], { validUntil: t }))).to.be.revertedWithCustomError(
        c,
        "InvalidValidity",
      );
      await setNextTimestamp(t + 2);
      const item = f.issuance(f.holders[0], { validUntil: t + 2 + NOTICE_PERIOD + 1 });
      await expect(c.issueCertificate(item)).to.emit(c, "CertificateIssued");
    });

    it("refuses an end of validity beyond the epoch's 2^32 seconds: DateOutOfRange", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const epoch = Number(await c.EPOCH());
      const tooLate = epoch + 2 ** 32;
      await expect(c.issueCertificate(f.issuance(f.holders[0], { validUntil: tooLate })))
        .to.be.revertedWithCustomError(c, "DateOutOfRange")
        .withArgs(tooLate);
      const last = await issueOne(f, f.key1, f.holders[0], { validUntil: tooLate - 1 });
      expect((await c.verifyCertificate(last.tokenId)).validUntil).to.equal(tooLate - 1);
    });
  });

  describe("issueCertificates (batch)", function () {
    it("issues a batch: all events, numbers returned in order, every record stored", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key2);
      const batch = [0, 1, 2, 3, 4].map((i) => f.issuance(f.holders[i], { level: 1 + (i % 3) }));
      const ids = batch.map((item) => tokenIdOf(item.resultRoot));
      expect(await c.issueCertificates.staticCall(batch)).to.deep.equal(ids);
      const tx = c.issueCertificates(batch);
      for (const item of batch) {
        const id = tokenIdOf(item.resultRoot);
        await expect(tx)
          .to.emit(c, "CertificateIssued")
          .withArgs(id, BODY_1, item.resultRoot, item.level, RULEBOOK_1, item.validUntil, f.key2.address);
        await expect(tx).to.emit(c, "Transfer").withArgs(ethers.ZeroAddress, item.holder, id);
        await expect(tx).to.emit(c, "Locked").withArgs(id);
      }
      const issuedAt = await txTimestamp(await tx);
      for (const item of batch) await expectRecord(c, item, BODY_1, issuedAt);
    });

    it("an empty batch issues nothing", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      expect(await c.issueCertificates.staticCall([])).to.deep.equal([]);
      await expect(c.issueCertificates([])).to.not.emit(c, "CertificateIssued");
    });

    it("is idempotent: a retried batch reverts ResultRootAlreadyUsed and issues nothing", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const batch = [0, 1, 2].map((i) => f.issuance(f.holders[i]));
      await c.issueCertificates(batch);
      await expect(c.issueCertificates(batch))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(batch[0].resultRoot);
      // a retry with new items after an issued one: all or none
      const fresh = [f.issuance(f.holders[3]), f.issuance(f.holders[4])];
      await expect(c.issueCertificates([fresh[0], batch[1], fresh[1]]))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(batch[1].resultRoot);
      for (const item of fresh) expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(false);
      expect(await c.balanceOf(f.holders[3].address)).to.equal(0);
      for (let i = 0; i < 3; i++) expect(await c.balanceOf(f.holders[i].address)).to.equal(1);
      // the same root twice in one batch
      const dup = f.issuance(f.holders[5]);
      await expect(c.issueCertificates([dup, dup]))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(dup.resultRoot);
      expect(await c.isResultRootUsed(BODY_1, dup.resultRoot)).to.equal(false);
    });

    it("issues a batch with mixed rulebooks, each certificate naming its own", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.registerRulebook(RULEBOOK_2_HASH, "ipfs://rb2", 0, 0);
      const batch = [1, 2, 2, 1, 2].map((rulebookId, i) => f.issuance(f.holders[i], { rulebookId }));
      await c.connect(f.key1).issueCertificates(batch);
      for (const item of batch) {
        const v = await c.verifyCertificate(tokenIdOf(item.resultRoot));
        expect(v.rulebookId).to.equal(item.rulebookId);
        expect(v.rulebookHash).to.equal(item.rulebookId === 1 ? RULEBOOK_HASH : RULEBOOK_2_HASH);
      }
    });

    it("refuses the whole batch when any item names a deprecated or unknown rulebook", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.registerRulebook(RULEBOOK_2_HASH, "ipfs://rb2", 0, 0);
      await c.deprecateRulebook(2);
      const ok = f.issuance(f.holders[0]);
      await expect(c.connect(f.key1).issueCertificates([ok, f.issuance(f.holders[1], { rulebookId: 2 })]))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(2);
      await expect(c.connect(f.key1).issueCertificates([ok, f.issuance(f.holders[1], { rulebookId: 3 })]))
        .to.be.revertedWithCustomError(c, "RulebookNotFound")
        .withArgs(3);
      expect(await c.isResultRootUsed(BODY_1, ok.resultRoot)).to.equal(false);
    });

    it("refuses rulebook 0 in a batch, as single issuance does", async function () {
      // Single issuance refuses rulebook 0 (RulebookNotFound(0)); a batch must not let it through.
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const item = f.issuance(f.holders[0], { rulebookId: 0 });
      await expect(c.issueCertificates([item]))
        .to.be.revertedWithCustomError(c, "RulebookNotFound")
        .withArgs(0);
      expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(false);
    });

    it("refuses every per-item fault, naming it, and issues nothing", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const ok = f.issuance(f.holders[0]);
      const k = c.connect(f.key1);
      await expect(k.issueCertificates([ok, f.issuance(ethers.ZeroAddress)])).to.be.revertedWithCustomError(
        c,
        "InvalidHolder",
      );
      await expect(
        k.issueCertificates([ok, f.issuance(f.holders[1], { resultRoot: ethers.ZeroHash })]),
      ).to.be.revertedWithCustomError(c, "InvalidResultRoot");
      await expect(k.issueCertificates([ok, f.issuance(f.holders[1], { level: 4 })]))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_1, 4);
      await expect(
        k.issueCertificates([ok, f.issuance(f.holders[1], { validUntil: 1 })]),
      ).to.be.revertedWithCustomError(c, "InvalidValidity");
      // two roots of one batch that share a number
      await expect(k.issueCertificates([ok, f.issuance(f.holders[1], { resultRoot: rootWithSameNumber(ok.resultRoot) })]))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(tokenIdOf(ok.resultRoot));
      expect(await c.isResultRootUsed(BODY_1, ok.resultRoot)).to.equal(false);
    });

    it("refuses non-keys, suspended bodies and bodies past their term", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const batch = [f.issuance(f.holders[0], { level: 3 })];
      await expect(c.connect(f.stranger).issueCertificates(batch))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.stranger.address);
      await c.suspendBody(BODY_2, EVIDENCE);
      await expect(c.connect(f.body2Key).issueCertificates(batch))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_2, BodyStatus.Suspended);
      await travelTo(f.accreditedUntil);
      await expect(c.connect(f.key1).issueCertificates(batch))
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_1, f.accreditedUntil);
    });
  });

  describe("issueWithVoucher", function () {
    async function voucherFor(f: Fixture, overrides: Partial<IssuanceVoucher> = {}): Promise<IssuanceVoucher> {
      return {
        bodyId: BODY_1,
        issuance: f.issuance(f.holders[0]),
        nonce: 0,
        deadline: (await now()) + DAY,
        ...overrides,
      };
    }

    it("issues from a voucher signed by an EOA key, submitted by anyone; the event names the key, not the relayer", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const voucher = await voucherFor(f);
      const signature = await signVoucher(f.key1, c, voucher);
      expect(await c.voucherDigest(voucher)).to.equal(await voucherDigest(c, voucher));
      const tokenId = tokenIdOf(voucher.issuance.resultRoot);
      expect(
        await staticCall(c.connect(f.stranger), "issueWithVoucher", { voucher, signer: f.key1.address, signature }),
      ).to.equal(tokenId);
      const tx = issueWithVoucher(c.connect(f.stranger), voucher, f.key1.address, signature);
      await expect(tx)
        .to.emit(c, "CertificateIssued")
        .withArgs(
          tokenId,
          BODY_1,
          voucher.issuance.resultRoot,
          voucher.issuance.level,
          RULEBOOK_1,
          voucher.issuance.validUntil,
          f.key1.address,
        );
      await expect(tx).to.emit(c, "Transfer").withArgs(ethers.ZeroAddress, f.holders[0].address, tokenId);
      await expect(tx).to.emit(c, "Locked").withArgs(tokenId);
      await expectRecord(c, voucher.issuance, BODY_1, await txTimestamp(await tx));
      // replay
      await expect(issueWithVoucher(c, voucher, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(voucher.issuance.resultRoot);
    });

    it("issues from a voucher signed through an ERC-1271 contract wallet that is a signing key", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const owner = f.holders[8];
      const wallet = await deployWallet(owner);
      const walletAddress = await wallet.getAddress();
      // the wallet consents to serve the body through its owner's signature (ERC-1271)
      await c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, owner, BODY_1, undefined, walletAddress));
      const voucher = await voucherFor(f);
      const signature = await signVoucher(owner, c, voucher);
      await expect(issueWithVoucher(c.connect(f.holders[0]), voucher, walletAddress, signature))
        .to.emit(c, "CertificateIssued")
        .withArgs(
          tokenIdOf(voucher.issuance.resultRoot),
          BODY_1,
          voucher.issuance.resultRoot,
          2,
          RULEBOOK_1,
          voucher.issuance.validUntil,
          walletAddress,
        );
      // a signature by someone else than the wallet's owner
      const other = await voucherFor(f);
      await expect(issueWithVoucher(c, other, walletAddress, await signVoucher(f.stranger, c, other)))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(walletAddress);
    });

    it("accepts a voucher up to and including its deadline, refuses it after", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const t = (await now()) + 100;
      const voucher = await voucherFor(f, { deadline: t });
      const signature = await signVoucher(f.key1, c, voucher);
      await setNextTimestamp(t + 1);
      await expect(issueWithVoucher(c, voucher, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "VoucherExpired")
        .withArgs(t);
      const onTime = await voucherFor(f, { deadline: t + 2 });
      await setNextTimestamp(t + 2);
      await expect(issueWithVoucher(c, onTime, f.key1.address, await signVoucher(f.key1, c, onTime))).to.emit(
        c,
        "CertificateIssued",
      );
    });

    it("refuses a signer of another body, a non-key, a wrong nonce and a wrong signature", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const voucher = await voucherFor(f);
      await expect(issueWithVoucher(c, voucher, f.body2Key.address, await signVoucher(f.body2Key, c, voucher)))
        .to.be.revertedWithCustomError(c, "VoucherSignerNotOfBody")
        .withArgs(f.body2Key.address, BODY_1);
      await expect(issueWithVoucher(c, voucher, f.stranger.address, await signVoucher(f.stranger, c, voucher)))
        .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
        .withArgs(f.stranger.address);
      const wrongNonce = { ...voucher, nonce: 1 };
      await expect(issueWithVoucher(c, wrongNonce, f.key1.address, await signVoucher(f.key1, c, wrongNonce)))
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(0, 1);
      // key2 signed, key1 named as signer
      await expect(issueWithVoucher(c, voucher, f.key1.address, await signVoucher(f.key2, c, voucher)))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
      // a tampered voucher (level changed after signing)
      const signature = await signVoucher(f.key1, c, voucher);
      const tampered = { ...voucher, issuance: { ...voucher.issuance, level: 1 } };
      await expect(issueWithVoucher(c, tampered, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
      // garbage signature bytes
      await expect(issueWithVoucher(c, voucher, f.key1.address, "0x1234"))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
    });

    it("cancelVouchers draws a new uint64 nonce: older vouchers are refused, vouchers for the new one accepted", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const old = await voucherFor(f);
      const oldSignature = await signVoucher(f.key1, c, old);
      await c.connect(f.bodyAdmin).cancelVouchers(BODY_1);
      const [body] = await c.getBody(BODY_1);
      const nonce = body.voucherNonce;
      expect(nonce).to.not.equal(0n);
      await expect(issueWithVoucher(c, old, f.key1.address, oldSignature))
        .to.be.revertedWithCustomError(c, "VoucherNonceMismatch")
        .withArgs(nonce, 0);
      const fresh = await voucherFor(f, { nonce });
      await expect(issueWithVoucher(c, fresh, f.key1.address, await signVoucher(f.key1, c, fresh))).to.emit(
        c,
        "CertificateIssued",
      );
    });

    it("refuses a signature for another chain or another contract", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const voucher = await voucherFor(f);
      const otherChain = await signVoucher(f.key1, c, voucher, { chainId: 1n });
      await expect(issueWithVoucher(c, voucher, f.key1.address, otherChain))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
      const otherContract = await signVoucher(f.key1, c, voucher, { verifyingContract: f.stranger.address });
      await expect(issueWithVoucher(c, voucher, f.key1.address, otherContract))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
      // a v1 signature (domain version "1") is worthless on v2
      const v1 = await signVoucher(f.key1, c, voucher, { version: "1" });
      await expect(issueWithVoucher(c, voucher, f.key1.address, v1))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(f.key1.address);
    });

    it("refuses a suspended body, a deprecated rulebook and an out-of-scope level", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const outOfScope = await voucherFor(f, { bodyId: BODY_2 });
      await expect(issueWithVoucher(c, outOfScope, f.body2Key.address, await signVoucher(f.body2Key, c, outOfScope)))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_2, 2);
      const voucher = await voucherFor(f);
      const signature = await signVoucher(f.key1, c, voucher);
      await c.deprecateRulebook(RULEBOOK_1);
      await expect(issueWithVoucher(c, voucher, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_1);
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(issueWithVoucher(c, voucher, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
    });
  });

  // ================================================================== status over time

  describe("computed status", function () {
    it("pending during the notice period, valid from validFrom, expired from validUntil", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt, item } = await issueOne(f, f.key1, f.holders[0]);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      expect(await c.holdsValidCertificate(f.holders[0].address, 8)).to.equal(false);
      await travelTo(issuedAt + NOTICE_PERIOD - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await travelTo(issuedAt + NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      expect((await c.verifyCertificate(tokenId)).status).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(true);
      await travelTo(item.validUntil - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await travelTo(item.validUntil);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Expired);
      expect((await c.verifyCertificate(tokenId)).status).to.equal(CertificateStatus.Expired);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(false);
    });

    it("NotFound for a number never issued, with an empty view", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const id of [12345n, tokenIdOf(randomRoot())]) {
        expect(await c.statusOf(id)).to.equal(CertificateStatus.NotFound);
        const v = await c.verifyCertificate(id);
        expect(v.tokenId).to.equal(id);
        expect(v.status).to.equal(CertificateStatus.NotFound);
        expect(v.holder).to.equal(ethers.ZeroAddress);
        expect(v.bodyId).to.equal(0);
        expect(v.level).to.equal(0);
        expect(v.resultRoot).to.equal(ethers.ZeroHash);
        expect(v.evaluatedAt).to.equal(0);
        expect(v.lastEventBlock).to.equal(0);
        expect(v.suspendedByBody).to.equal(false);
        expect(v.suspendedBySupervisor).to.equal(false);
      }
    });

    it("a voided certificate is Voided whatever else (but revocation wins); an earlier date restores it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      const d = await issueOne(f, f.key1, f.holders[2]);
      await travel(NOTICE_PERIOD);
      await suspend(c.connect(f.key1), b.tokenId);
      await revoke(c.connect(f.key1), d.tokenId, RevocationReason.Fraud);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, await now(), EVIDENCE);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Voided);
      expect(await c.statusOf(d.tokenId)).to.equal(CertificateStatus.Revoked);
      const v = await c.verifyCertificate(a.tokenId);
      expect(v.status).to.equal(CertificateStatus.Voided);
      expect(v.bodyAccredited).to.equal(true);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, a.issuedAt, EVIDENCE);
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Suspended);
    });

    it("a void compares the time of the current result: a certificate renewed after the void date is not voided", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const renewed = await issueOne(f, f.key1, f.holders[0]);
      const kept = await issueOne(f, f.key1, f.holders[1]);
      await travel(NOTICE_PERIOD);
      const voidDate = (await now()) + 1;
      await setNextTimestamp(voidDate);
      const renewedAt = await txTimestamp(
        await renew(c.connect(f.key1), renewed.tokenId, randomRoot(), RULEBOOK_1, renewed.item.validUntil + YEAR),
      );
      expect(renewedAt).to.equal(voidDate);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, voidDate, EVIDENCE);
      // first issued before the void date, but its current result was recorded at it
      const v = await c.verifyCertificate(renewed.tokenId);
      expect(v.issuedAt).to.equal(renewed.issuedAt);
      expect(v.evaluatedAt).to.equal(renewedAt);
      expect(v.status).to.equal(CertificateStatus.Valid);
      expect(await c.statusOf(kept.tokenId)).to.equal(CertificateStatus.Voided);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, voidDate + 1, EVIDENCE);
      expect(await c.statusOf(renewed.tokenId)).to.equal(CertificateStatus.Voided);
    });

    it("a suspended certificate reads Suspended during its notice and after its expiry", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      await suspend(c.connect(f.key1), tokenId);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
      await travelTo(item.validUntil + 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
    });
  });

  // ================================================================== lifecycle

  describe("suspendCertificate / reinstateCertificate", function () {
    it("the issuing body suspends and reinstates (any of its keys); the events name the key and the previous block", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, block } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const suspended = suspend(c.connect(f.key2), tokenId, EVIDENCE);
      await expect(suspended)
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.key2.address, false, block);
      const suspendedBlock = await txBlock(await suspended);
      expect(await flagsOf(c, tokenId)).to.deep.equal({
        objected: false,
        suspendedByBody: true,
        suspendedBySupervisor: false,
      });
      expect(await eventBlockOf(c, tokenId)).to.equal(suspendedBlock);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
      expect(await c.holdsValidCertificate(f.holders[0].address, 3)).to.equal(false);
      const reinstated = reinstate(c.connect(f.key1), tokenId);
      await expect(reinstated)
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.key1.address, false, suspendedBlock);
      expect(await eventBlockOf(c, tokenId)).to.equal(await txBlock(await reinstated));
      expect(await flagsOf(c, tokenId)).to.deep.equal({
        objected: false,
        suspendedByBody: false,
        suspendedBySupervisor: false,
      });
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
    });

    it("the supervisor's and the body's suspensions are independent: each lifts only its own", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, block } = await issueOne(f, f.key1, f.holders[0]);
      const bySupervisor = suspend(c.connect(f.supervisor), tokenId);
      await expect(bySupervisor)
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.supervisor.address, true, block);
      let previous = await txBlock(await bySupervisor);
      // the body cannot lift the supervisor's suspension
      await expect(reinstate(c.connect(f.key1), tokenId))
        .to.be.revertedWithCustomError(c, "SuspendedBySupervisor")
        .withArgs(tokenId);
      // but it may suspend too: a flag of its own
      const byBody = suspend(c.connect(f.key1), tokenId);
      await expect(byBody)
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.key1.address, false, previous);
      previous = await txBlock(await byBody);
      expect(await flagsOf(c, tokenId)).to.deep.equal({
        objected: false,
        suspendedByBody: true,
        suspendedBySupervisor: true,
      });
      await expect(suspend(c.connect(f.supervisor), tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadySuspended")
        .withArgs(tokenId, true);
      await expect(suspend(c.connect(f.key2), tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadySuspended")
        .withArgs(tokenId, false);
      // the body lifts its own: the supervisor's stays
      const bodyLift = reinstate(c.connect(f.key2), tokenId);
      await expect(bodyLift)
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.key2.address, false, previous);
      previous = await txBlock(await bodyLift);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
      const v = await c.verifyCertificate(tokenId);
      expect([v.suspendedByBody, v.suspendedBySupervisor]).to.deep.equal([false, true]);
      await expect(reinstate(c.connect(f.key1), tokenId))
        .to.be.revertedWithCustomError(c, "SuspendedBySupervisor")
        .withArgs(tokenId);
      // the supervisor lifts its own
      await expect(reinstate(c.connect(f.supervisor), tokenId))
        .to.emit(c, "CertificateReinstated")
        .withArgs(tokenId, BODY_1, f.supervisor.address, true, previous);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await expect(reinstate(c.connect(f.supervisor), tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(tokenId, true);
      // and does not lift the body's
      await suspend(c.connect(f.key1), tokenId);
      await expect(reinstate(c.connect(f.supervisor), tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(tokenId, true);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
      await expect(reinstate(c.connect(f.key1), tokenId)).to.emit(c, "CertificateReinstated");
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
    });

    it("refuses to reinstate a certificate that is not suspended, and any change to a revoked one", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const a = await issueOne(f, f.key1, f.holders[0]);
      await expect(reinstate(k, a.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(a.tokenId, false);
      await expect(reinstate(c.connect(f.supervisor), a.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(a.tokenId, true);
      await suspend(k, a.tokenId);
      await expect(suspend(k, a.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadySuspended")
        .withArgs(a.tokenId, false);
      // an objected certificate may be suspended (the flags are independent), and stays under objection
      const b = await issueOne(f, f.key1, f.holders[1]);
      await object(c.connect(f.stranger), b.tokenId);
      await expect(reinstate(k, b.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(b.tokenId, false);
      await expect(suspend(k, b.tokenId)).to.emit(c, "CertificateSuspended");
      expect(await c.statusOf(b.tokenId)).to.equal(CertificateStatus.Suspended);
      expect(await flagsOf(c, b.tokenId)).to.deep.equal({
        objected: true,
        suspendedByBody: true,
        suspendedBySupervisor: false,
      });
      await reinstate(k, b.tokenId);
      const v = await c.verifyCertificate(b.tokenId);
      expect(v.status).to.equal(CertificateStatus.Pending);
      expect(v.underObjection).to.equal(true);
      const d = await issueOne(f, f.key1, f.holders[2]);
      await revoke(k, d.tokenId, RevocationReason.Other);
      await expect(suspend(k, d.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(d.tokenId, RevocationReason.Other);
      await expect(suspend(c.connect(f.supervisor), d.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(d.tokenId, RevocationReason.Other);
      await expect(reinstate(c.connect(f.supervisor), d.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(d.tokenId, RevocationReason.Other);
    });

    it("a suspended or expired body may still suspend but not reinstate; a revoked body may do neither", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE);
      await expect(suspend(k, a.tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(a.tokenId, BODY_1, EVIDENCE, f.key1.address, false, a.block);
      await expect(reinstate(k, a.tokenId))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      // and the supervisor cannot lift it for the body
      await expect(reinstate(c.connect(f.supervisor), a.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateNotSuspended")
        .withArgs(a.tokenId, true);
      await c.reinstateBody(BODY_1);
      await expect(reinstate(k, a.tokenId)).to.emit(c, "CertificateReinstated");
      // past its term
      await travelTo(f.accreditedUntil);
      await expect(suspend(k, b.tokenId)).to.emit(c, "CertificateSuspended");
      await expect(reinstate(k, b.tokenId))
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_1, f.accreditedUntil);
      // revoked: only the supervisor acts on its certificates
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      await expect(suspend(k, a.tokenId)).to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked").withArgs(BODY_1);
      await expect(reinstate(k, b.tokenId))
        .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
        .withArgs(BODY_1);
      await expect(suspend(c.connect(f.supervisor), a.tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(a.tokenId, BODY_1, EVIDENCE, f.supervisor.address, true, await eventBlockOf(c, a.tokenId));
    });

    it("refuses another body's key, the body admin, the association and strangers; and unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      for (const who of [f.body2Key, f.bodyAdmin, f.association, f.stranger, f.holders[0]]) {
        await expect(suspend(c.connect(who), tokenId))
          .to.be.revertedWithCustomError(c, "NotIssuingBody")
          .withArgs(tokenId, BODY_1);
      }
      await suspend(c.connect(f.key1), tokenId);
      await expect(reinstate(c.connect(f.body2Key), tokenId))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await expect(suspend(c.connect(f.key1), 777n))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(777);
      await expect(reinstate(c.connect(f.key1), 777n))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(777);
    });
  });

  describe("revokeCertificate / revokeCertificates", function () {
    for (const reason of CALLER_REASONS) {
      it(`revokes with reason ${RevocationReason[reason]} (terminal)`, async function () {
        const f = await loadFixture(deployFixture);
        const c = f.certificate;
        const { tokenId, block } = await issueOne(f, f.key1, f.holders[0]);
        const tx = revoke(c.connect(f.key2), tokenId, reason, EVIDENCE);
        await expect(tx)
          .to.emit(c, "CertificateRevoked")
          .withArgs(tokenId, BODY_1, reason, EVIDENCE, f.key2.address, false, block);
        const v = await c.verifyCertificate(tokenId);
        expect(v.status).to.equal(CertificateStatus.Revoked);
        expect(v.revocationReason).to.equal(reason);
        expect(v.lastEventBlock).to.equal(await txBlock(await tx));
        expect(await c.ownerOf(tokenId)).to.equal(f.holders[0].address);
        await expect(revoke(c.connect(f.key2), tokenId, RevocationReason.Other))
          .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
          .withArgs(tokenId, reason);
      });
    }

    it("refuses the reasons None, Reissued and FailedReview (the re-issue's and the review's own)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      for (const reason of [RevocationReason.None, RevocationReason.Reissued, RevocationReason.FailedReview]) {
        await expect(revoke(c.connect(f.key1), tokenId, reason))
          .to.be.revertedWithCustomError(c, "InvalidRevocationReason")
          .withArgs(reason);
        await expect(revokeMany(c.connect(f.key1), [tokenId], reason))
          .to.be.revertedWithCustomError(c, "InvalidRevocationReason")
          .withArgs(reason);
      }
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
    });

    it("the supervisor revokes; suspended and objected certificates can be revoked", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      const suspendedBlock = await txBlock(await suspend(c.connect(f.supervisor), a.tokenId));
      const objectedBlock = await txBlock(await object(c.connect(f.stranger), b.tokenId));
      await expect(revoke(c.connect(f.supervisor), a.tokenId, RevocationReason.Violation))
        .to.emit(c, "CertificateRevoked")
        .withArgs(a.tokenId, BODY_1, RevocationReason.Violation, EVIDENCE, f.supervisor.address, true, suspendedBlock);
      await expect(revoke(c.connect(f.key1), b.tokenId, RevocationReason.BodyError))
        .to.emit(c, "CertificateRevoked")
        .withArgs(b.tokenId, BODY_1, RevocationReason.BodyError, EVIDENCE, f.key1.address, false, objectedBlock);
      expect((await c.verifyCertificate(b.tokenId)).underObjection).to.equal(false);
      // a revoked certificate's objection can no longer be resolved
      await expect(resolve(c.connect(f.key1), b.tokenId, false, RevocationReason.None))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(b.tokenId, RevocationReason.BodyError);
    });

    it("a suspended or expired body may still revoke what it issued; a revoked body may not", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const [a, b, d] = [
        await issueOne(f, f.key1, f.holders[0]),
        await issueOne(f, f.key1, f.holders[1]),
        await issueOne(f, f.key1, f.holders[2]),
      ];
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(revoke(k, a.tokenId, RevocationReason.Fraud))
        .to.emit(c, "CertificateRevoked")
        .withArgs(a.tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE, f.key1.address, false, a.block);
      await c.reinstateBody(BODY_1);
      await travelTo(f.accreditedUntil);
      await expect(revokeMany(k, [b.tokenId], RevocationReason.BodyError)).to.emit(c, "CertificateRevoked");
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      await expect(revoke(k, d.tokenId, RevocationReason.Fraud))
        .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
        .withArgs(BODY_1);
      await expect(revoke(c.connect(f.supervisor), d.tokenId, RevocationReason.Fraud))
        .to.emit(c, "CertificateRevoked")
        .withArgs(d.tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE, f.supervisor.address, true, d.block);
    });

    it("refuses non-issuers and unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      for (const who of [f.body2Key, f.association, f.bodyAdmin, f.holders[0]]) {
        await expect(revoke(c.connect(who), tokenId, RevocationReason.Fraud))
          .to.be.revertedWithCustomError(c, "NotIssuingBody")
          .withArgs(tokenId, BODY_1);
      }
      await expect(revoke(c.connect(f.key1), 5n, RevocationReason.Fraud))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(5);
    });

    it("revokes a batch with one reason and evidence; all or none", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const batch = [0, 1, 2, 3].map((i) => f.issuance(f.holders[i]));
      const issuedBlock = await txBlock(await c.connect(f.key1).issueCertificates(batch));
      const ids = batch.map((item) => tokenIdOf(item.resultRoot));
      await revoke(c.connect(f.key1), ids[3], RevocationReason.Other);
      // the last one is already revoked: nothing happens
      await expect(revokeMany(c.connect(f.key2), ids, RevocationReason.Fraud))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(ids[3], RevocationReason.Other);
      expect(await c.statusOf(ids[0])).to.equal(CertificateStatus.Pending);
      const tx = revokeMany(c.connect(f.key2), ids.slice(0, 3), RevocationReason.Fraud, EVIDENCE);
      for (const id of ids.slice(0, 3)) {
        await expect(tx)
          .to.emit(c, "CertificateRevoked")
          .withArgs(id, BODY_1, RevocationReason.Fraud, EVIDENCE, f.key2.address, false, issuedBlock);
      }
      for (const id of ids) expect(await c.statusOf(id)).to.equal(CertificateStatus.Revoked);
      expect((await c.verifyCertificate(ids[3])).revocationReason).to.equal(RevocationReason.Other);
      await expect(revokeMany(c.connect(f.key2), [], RevocationReason.Fraud)).to.not.emit(c, "CertificateRevoked");
    });

    it("a batch naming another body's certificate is refused as a whole", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const mine = await issueOne(f, f.key1, f.holders[0]);
      const theirs = await issueOne(f, f.body2Key, f.holders[1], { level: 3 });
      await expect(revokeMany(c.connect(f.key1), [mine.tokenId, theirs.tokenId], RevocationReason.Fraud))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(theirs.tokenId, BODY_2);
      expect(await c.statusOf(mine.tokenId)).to.equal(CertificateStatus.Pending);
      // the supervisor may revoke across bodies
      const tx = revokeMany(c.connect(f.supervisor), [mine.tokenId, theirs.tokenId], RevocationReason.Fraud);
      await expect(tx)
        .to.emit(c, "CertificateRevoked")
        .withArgs(mine.tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE, f.supervisor.address, true, mine.block);
      await expect(tx)
        .to.emit(c, "CertificateRevoked")
        .withArgs(theirs.tokenId, BODY_2, RevocationReason.Fraud, EVIDENCE, f.supervisor.address, true, theirs.block);
    });
  });

  describe("objections", function () {
    it("anyone files during the notice; the certificate stays pending after the notice until resolved", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt, block } = await issueOne(f, f.key1, f.holders[0]);
      const filed = object(c.connect(f.stranger), tokenId, EVIDENCE);
      await expect(filed)
        .to.emit(c, "ObjectionFiled")
        .withArgs(tokenId, BODY_1, f.stranger.address, EVIDENCE, block);
      const filedBlock = await txBlock(await filed);
      let v = await c.verifyCertificate(tokenId);
      expect(v.status).to.equal(CertificateStatus.Pending);
      expect(v.underObjection).to.equal(true);
      expect(v.lastEventBlock).to.equal(filedBlock);
      await travelTo(issuedAt + NOTICE_PERIOD + DAY);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      expect(await c.holdsValidCertificate(f.holders[0].address, 3)).to.equal(false);
      // dismissed: valid at once, since the notice is over
      await expect(resolve(c.connect(f.key2), tokenId, false, RevocationReason.None, EVIDENCE))
        .to.emit(c, "ObjectionResolved")
        .withArgs(tokenId, BODY_1, false, EVIDENCE, f.key2.address, false, filedBlock);
      v = await c.verifyCertificate(tokenId);
      expect(v.status).to.equal(CertificateStatus.Valid);
      expect(v.underObjection).to.equal(false);
    });

    it("dismissed during the notice: still pending until validFrom, then valid; the notice stays open meanwhile", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      const filedBlock = await txBlock(await object(c.connect(f.holders[5]), tokenId));
      await expect(resolve(c.connect(f.supervisor), tokenId, false, RevocationReason.None))
        .to.emit(c, "ObjectionResolved")
        .withArgs(tokenId, BODY_1, false, EVIDENCE, f.supervisor.address, true, filedBlock);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      // another objection during what is left of the notice
      await expect(object(c.connect(f.stranger), tokenId)).to.emit(c, "ObjectionFiled");
      await resolve(c.connect(f.key1), tokenId, false, RevocationReason.None);
      await travelTo(issuedAt + NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      // after the notice, never again
      await expect(object(c.connect(f.stranger), tokenId))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(tokenId, issuedAt + NOTICE_PERIOD);
    });

    it("an objection left unresolved keeps a certificate pending only until its end of validity", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0], {
        validUntil: (await now()) + NOTICE_PERIOD + DAY,
      });
      await object(c.connect(f.stranger), tokenId);
      await travelTo(item.validUntil - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await travelTo(item.validUntil);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Expired);
      const v = await c.verifyCertificate(tokenId);
      expect(v.status).to.equal(CertificateStatus.Expired);
      expect(v.underObjection).to.equal(true);
    });

    it("upheld: revoked with the given reason; both events name the same previous block", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      const filedBlock = await txBlock(await object(c.connect(f.stranger), tokenId));
      const tx = resolve(c.connect(f.key1), tokenId, true, RevocationReason.Fraud, EVIDENCE);
      await expect(tx)
        .to.emit(c, "ObjectionResolved")
        .withArgs(tokenId, BODY_1, true, EVIDENCE, f.key1.address, false, filedBlock);
      await expect(tx)
        .to.emit(c, "CertificateRevoked")
        .withArgs(tokenId, BODY_1, RevocationReason.Fraud, EVIDENCE, f.key1.address, false, filedBlock);
      const v = await c.verifyCertificate(tokenId);
      expect(v.status).to.equal(CertificateStatus.Revoked);
      expect(v.revocationReason).to.equal(RevocationReason.Fraud);
      expect(v.underObjection).to.equal(false);
      expect(v.lastEventBlock).to.equal(await txBlock(await tx));
      await expect(resolve(c.connect(f.key1), tokenId, true, RevocationReason.Fraud))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(tokenId, RevocationReason.Fraud);
    });

    it("upheld refuses the reasons None, Reissued and FailedReview", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await object(c.connect(f.stranger), tokenId);
      for (const reason of [RevocationReason.None, RevocationReason.Reissued, RevocationReason.FailedReview]) {
        await expect(resolve(c.connect(f.key1), tokenId, true, reason))
          .to.be.revertedWithCustomError(c, "InvalidRevocationReason")
          .withArgs(reason);
      }
      expect((await c.verifyCertificate(tokenId)).underObjection).to.equal(true);
    });

    it("filing: refused at and after validFrom, twice, on a revoked certificate or an unknown one; open while suspended", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.stranger);
      const a = await issueOne(f, f.key1, f.holders[0]);
      const validFrom = a.issuedAt + NOTICE_PERIOD;
      await setNextTimestamp(validFrom);
      await expect(object(c, a.tokenId))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(a.tokenId, validFrom);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await setNextTimestamp(b.issuedAt + NOTICE_PERIOD - 1);
      await expect(object(c, b.tokenId)).to.emit(c, "ObjectionFiled"); // the last second of the notice
      await expect(object(c, b.tokenId)).to.be.revertedWithCustomError(c, "ObjectionPending").withArgs(b.tokenId);
      // v2: a suspension does not close the notice, whoever suspended
      const d = await issueOne(f, f.key1, f.holders[2]);
      await suspend(f.certificate.connect(f.key1), d.tokenId);
      const suspendedBlock = await eventBlockOf(f.certificate, d.tokenId);
      await expect(object(c, d.tokenId))
        .to.emit(c, "ObjectionFiled")
        .withArgs(d.tokenId, BODY_1, f.stranger.address, EVIDENCE, suspendedBlock);
      const dv = await f.certificate.verifyCertificate(d.tokenId);
      expect(dv.status).to.equal(CertificateStatus.Suspended);
      expect(dv.underObjection).to.equal(true);
      const e = await issueOne(f, f.key1, f.holders[3]);
      await suspend(f.certificate.connect(f.supervisor), e.tokenId);
      await expect(object(c, e.tokenId)).to.emit(c, "ObjectionFiled");
      await revoke(f.certificate.connect(f.key1), d.tokenId, RevocationReason.Other);
      await expect(object(c, d.tokenId))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(d.tokenId, RevocationReason.Other);
      await expect(object(c, 99n)).to.be.revertedWithCustomError(c, "CertificateNotFound").withArgs(99);
    });

    it("resolving: refused without an objection, by non-issuers, and for unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      for (const upheld of [false, true]) {
        await expect(resolve(c.connect(f.key1), tokenId, upheld, RevocationReason.Fraud))
          .to.be.revertedWithCustomError(c, "NoObjectionPending")
          .withArgs(tokenId);
      }
      await expect(resolve(c.connect(f.supervisor), tokenId, false, RevocationReason.None))
        .to.be.revertedWithCustomError(c, "NoObjectionPending")
        .withArgs(tokenId);
      await object(c.connect(f.stranger), tokenId);
      for (const who of [f.stranger, f.body2Key, f.association]) {
        await expect(resolve(c.connect(who), tokenId, false, RevocationReason.None))
          .to.be.revertedWithCustomError(c, "NotIssuingBody")
          .withArgs(tokenId, BODY_1);
      }
      await expect(resolve(c.connect(f.key1), 99n, false, RevocationReason.None))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(99);
    });

    it("a suspended or expired body may uphold an objection but not dismiss it; a revoked body neither", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await object(c.connect(f.stranger), a.tokenId);
      await object(c.connect(f.stranger), b.tokenId);
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(resolve(k, a.tokenId, false, RevocationReason.None))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await expect(resolve(k, a.tokenId, true, RevocationReason.Fraud))
        .to.emit(c, "ObjectionResolved")
        .withArgs(a.tokenId, BODY_1, true, EVIDENCE, f.key1.address, false, await eventBlockOf(c, a.tokenId));
      expect(await c.statusOf(a.tokenId)).to.equal(CertificateStatus.Revoked);
      await c.reinstateBody(BODY_1);
      // past its term: an objection to a certificate issued in the body's last days
      await travelTo(f.accreditedUntil - DAY);
      const late = await issueOne(f, f.key1, f.holders[2], { validUntil: f.accreditedUntil + YEAR });
      await object(c.connect(f.stranger), late.tokenId);
      await travelTo(f.accreditedUntil);
      await expect(resolve(k, late.tokenId, false, RevocationReason.None))
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_1, f.accreditedUntil);
      await expect(resolve(k, late.tokenId, true, RevocationReason.Violation)).to.emit(c, "CertificateRevoked");
      // revoked: the supervisor decides
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      for (const upheld of [false, true]) {
        await expect(resolve(k, b.tokenId, upheld, RevocationReason.Fraud))
          .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
          .withArgs(BODY_1);
      }
      await expect(resolve(c.connect(f.supervisor), b.tokenId, false, RevocationReason.None))
        .to.emit(c, "ObjectionResolved")
        .withArgs(b.tokenId, BODY_1, false, EVIDENCE, f.supervisor.address, true, await eventBlockOf(c, b.tokenId));
    });
  });

  describe("renewCertificate", function () {
    it("renews after the notice: new root, rulebook and end of validity, with a notice of its own; number and holder kept", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.registerRulebook(RULEBOOK_2_HASH, "ipfs://rb2", 0, 0);
      const { tokenId, item, issuedAt, block } = await issueOne(f, f.key1, f.holders[0], { level: 1 });
      await travelTo(item.validUntil + DAY); // expired
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Expired);
      const newRoot = randomRoot();
      const newUntil = item.validUntil + 3 * YEAR;
      const t = item.validUntil + 2 * DAY;
      await setNextTimestamp(t);
      const tx = renew(c.connect(f.key2), tokenId, newRoot, 2, newUntil);
      await expect(tx)
        .to.emit(c, "CertificateRenewed")
        .withArgs(tokenId, BODY_1, newRoot, 2, t + NOTICE_PERIOD, newUntil, f.key2.address, block);
      const v = await c.verifyCertificate(tokenId);
      // the result it replaces has ended: pending through the renewal's notice
      expect(v.status).to.equal(CertificateStatus.Pending);
      expect(v.resultRoot).to.equal(newRoot);
      expect(v.validFrom).to.equal(t + NOTICE_PERIOD);
      expect(v.validUntil).to.equal(newUntil);
      expect(v.evaluatedAt).to.equal(t);
      expect(v.issuedAt).to.equal(issuedAt);
      expect(v.rulebookId).to.equal(2);
      expect(v.rulebookHash).to.equal(RULEBOOK_2_HASH);
      expect(v.level).to.equal(1);
      expect(v.holder).to.equal(f.holders[0].address);
      expect(v.lastEventBlock).to.equal(await txBlock(await tx));
      await travelTo(t + NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      expect((await c.verifyCertificate(tokenId)).resultRoot).to.equal(newRoot);
      expect(await c.isResultRootUsed(BODY_1, newRoot)).to.equal(true);
      expect(await c.isResultRootUsed(BODY_1, item.resultRoot)).to.equal(true);
      // the number the renewal's root maps to is not a certificate
      expect(await c.statusOf(tokenIdOf(newRoot))).to.equal(CertificateStatus.NotFound);
      await expect(c.ownerOf(tokenIdOf(newRoot))).to.be.revertedWithCustomError(c, "CertificateNotFound");
      // the renewal root can no longer be issued or renewed with, and the error names the renewed certificate
      await expect(
        c.connect(f.key1).issueCertificate(f.issuance(f.holders[1], { resultRoot: newRoot, validUntil: newUntil })),
      )
        .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
        .withArgs(newRoot, tokenId);
      const other = await issueOne(f, f.key1, f.holders[1], { validUntil: newUntil });
      await travel(NOTICE_PERIOD);
      await expect(renew(c.connect(f.key1), other.tokenId, newRoot, RULEBOOK_1, newUntil))
        .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
        .withArgs(newRoot, tokenId);
      expect(await c.balanceOf(f.holders[0].address)).to.equal(1);
    });

    it("during a renewal's notice the previous result stays in force until its own end; objections may be filed", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      const t = item.validUntil - DAY; // renewed the day before it ends
      await travelTo(t - 1);
      await setNextTimestamp(t);
      const renewedBlock = await txBlock(await renew(k, tokenId, randomRoot(), RULEBOOK_1, item.validUntil + YEAR));
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(true);
      await expect(renew(k, tokenId, randomRoot(), RULEBOOK_1, item.validUntil + 2 * YEAR))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(tokenId, t + NOTICE_PERIOD);
      // an objection to the new result: pending until decided
      await expect(object(c.connect(f.stranger), tokenId))
        .to.emit(c, "ObjectionFiled")
        .withArgs(tokenId, BODY_1, f.stranger.address, EVIDENCE, renewedBlock);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await resolve(k, tokenId, false, RevocationReason.None);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      // the previous result ends during the notice: pending until the renewal's validFrom
      await travelTo(item.validUntil);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await travelTo(t + NOTICE_PERIOD - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await travelTo(t + NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await expect(object(c.connect(f.stranger), tokenId))
        .to.be.revertedWithCustomError(c, "NoticePeriodOver")
        .withArgs(tokenId, t + NOTICE_PERIOD);
    });

    it("an objection to a renewal, upheld, revokes the certificate", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      await renew(c.connect(f.key1), tokenId, randomRoot(), RULEBOOK_1, item.validUntil + YEAR);
      await object(c.connect(f.stranger), tokenId);
      await expect(resolve(c.connect(f.supervisor), tokenId, true, RevocationReason.Violation))
        .to.emit(c, "CertificateRevoked")
        .withArgs(
          tokenId,
          BODY_1,
          RevocationReason.Violation,
          EVIDENCE,
          f.supervisor.address,
          true,
          await eventBlockOf(c, tokenId),
        );
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Revoked);
    });

    it("a retried issuance of the original root of a renewed certificate reverts ResultRootAlreadyUsed", async function () {
      // The contract documents that a retried batch reverts ResultRootAlreadyUsed for an item already issued,
      // so that a relayer can drop it and retry the rest. That must hold after the certificate was renewed.
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      await renew(c.connect(f.key1), tokenId, randomRoot(), RULEBOOK_1, item.validUntil + YEAR);
      await expect(c.connect(f.key1).issueCertificates([item]))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(item.resultRoot);
    });

    it("renews twice, each after the previous notice; the latest root is the certificate's", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0]);
      const [r1, r2] = [randomRoot(), randomRoot()];
      await travel(NOTICE_PERIOD);
      const first = await txBlock(await renew(c, tokenId, r1, RULEBOOK_1, item.validUntil + YEAR));
      await travel(NOTICE_PERIOD);
      const t = (await now()) + 1;
      await setNextTimestamp(t);
      await expect(renew(c, tokenId, r2, RULEBOOK_1, item.validUntil + 2 * YEAR))
        .to.emit(c, "CertificateRenewed")
        .withArgs(tokenId, BODY_1, r2, RULEBOOK_1, t + NOTICE_PERIOD, item.validUntil + 2 * YEAR, f.key1.address, first);
      expect((await c.verifyCertificate(tokenId)).resultRoot).to.equal(r2);
      expect(await c.isResultRootUsed(BODY_1, r1)).to.equal(true);
      await travel(NOTICE_PERIOD);
      for (const used of [r1, r2]) {
        await expect(renew(c, tokenId, used, RULEBOOK_1, item.validUntil + 3 * YEAR))
          .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
          .withArgs(used, tokenId);
      }
    });

    it("refuses a renewal during the current notice, and a new end of validity not after the renewal's validFrom", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const { tokenId, issuedAt, item } = await issueOne(f, f.key1, f.holders[0]);
      const validFrom = issuedAt + NOTICE_PERIOD;
      await setNextTimestamp(validFrom - 1);
      await expect(renew(c, tokenId, randomRoot(), RULEBOOK_1, item.validUntil + YEAR))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(tokenId, validFrom);
      const t = validFrom + 10 * DAY;
      await setNextTimestamp(t);
      await expect(renew(c, tokenId, randomRoot(), RULEBOOK_1, t + NOTICE_PERIOD))
        .to.be.revertedWithCustomError(c, "InvalidValidity")
        .withArgs(t + NOTICE_PERIOD, t + NOTICE_PERIOD);
      await setNextTimestamp(t + 1);
      await expect(renew(c, tokenId, randomRoot(), RULEBOOK_1, t)).to.be.revertedWithCustomError(c, "InvalidValidity");
      await setNextTimestamp(t + 2);
      await expect(renew(c, tokenId, randomRoot(), RULEBOOK_1, t + 2 + NOTICE_PERIOD + 1)).to.emit(
        c,
        "CertificateRenewed",
      );
    });

    it("renews exactly at the end of the notice", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.key1);
      const { tokenId, issuedAt, item } = await issueOne(f, f.key1, f.holders[0]);
      await setNextTimestamp(issuedAt + NOTICE_PERIOD);
      await expect(renew(c, tokenId, randomRoot(), RULEBOOK_1, item.validUntil + YEAR)).to.emit(c, "CertificateRenewed");
    });

    it("refuses a zero root, a used root, a root with a taken number, a deprecated or unknown rulebook", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[1]);
      await travel(NOTICE_PERIOD);
      const until = a.item.validUntil + YEAR;
      await expect(renew(k, a.tokenId, ethers.ZeroHash, RULEBOOK_1, until)).to.be.revertedWithCustomError(
        c,
        "InvalidResultRoot",
      );
      await expect(renew(k, a.tokenId, b.item.resultRoot, RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(b.item.resultRoot);
      await expect(renew(k, a.tokenId, a.item.resultRoot, RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
        .withArgs(a.item.resultRoot);
      await expect(renew(k, a.tokenId, rootWithSameNumber(b.item.resultRoot), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(b.tokenId);
      await expect(renew(k, a.tokenId, randomRoot(), 2, until))
        .to.be.revertedWithCustomError(c, "RulebookNotFound")
        .withArgs(2);
      await c.deprecateRulebook(RULEBOOK_1);
      await expect(renew(k, a.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_1);
    });

    it("refuses a certificate not in good standing (any flag), revoked or voided, and a level no longer in scope", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const [a, b, d, e, g] = [
        await issueOne(f, f.key1, f.holders[0]),
        await issueOne(f, f.key1, f.holders[1]),
        await issueOne(f, f.key1, f.holders[2]),
        await issueOne(f, f.key1, f.holders[3], { level: 1 }),
        await issueOne(f, f.key1, f.holders[4]),
      ];
      const until = a.item.validUntil + YEAR;
      await suspend(k, a.tokenId);
      await object(c.connect(f.stranger), b.tokenId);
      await revoke(k, d.tokenId, RevocationReason.Other);
      await suspend(c.connect(f.supervisor), g.tokenId);
      await travel(NOTICE_PERIOD);
      await expect(renew(k, a.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(a.tokenId, CertificateStatus.Suspended);
      await expect(renew(k, b.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(b.tokenId, CertificateStatus.Pending);
      await expect(renew(k, g.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(g.tokenId, CertificateStatus.Suspended);
      await expect(renew(k, d.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(d.tokenId, RevocationReason.Other);
      await c.updateBodyTerms(BODY_1, 0b110, f.accreditedUntil, NOTICE_PERIOD);
      await expect(renew(k, e.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "LevelOutOfScope")
        .withArgs(BODY_1, 1);
      await c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, f.accreditedUntil, NOTICE_PERIOD);
      await travel(1);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, await now(), EVIDENCE);
      await expect(renew(k, e.tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "CertificateIsVoided")
        .withArgs(e.tokenId);
    });

    it("refuses non-keys, another body's key, a suspended body, a body past its term, and unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item } = await issueOne(f, f.key1, f.holders[0], { level: 3 });
      await travel(NOTICE_PERIOD);
      const until = item.validUntil + YEAR;
      for (const who of [f.supervisor, f.association, f.bodyAdmin, f.stranger]) {
        await expect(renew(c.connect(who), tokenId, randomRoot(), RULEBOOK_1, until))
          .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
          .withArgs(who.address);
      }
      await expect(renew(c.connect(f.body2Key), tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
      await expect(renew(c.connect(f.key1), 4242n, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(4242);
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(renew(c.connect(f.key1), tokenId, randomRoot(), RULEBOOK_1, until))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await c.reinstateBody(BODY_1);
      await travelTo(f.accreditedUntil);
      await expect(renew(c.connect(f.key1), tokenId, randomRoot(), RULEBOOK_1, f.accreditedUntil + YEAR))
        .to.be.revertedWithCustomError(c, "BodyAccreditationExpired")
        .withArgs(BODY_1, f.accreditedUntil);
    });
  });

  describe("reissueCertificate", function () {
    it("re-issues to a new EOA wallet with its consent: old revoked as Reissued, links both ways, terms kept", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [oldHolder, newHolder] = [f.holders[0], f.holders[1]];
      const old = await issueOne(f, f.key1, oldHolder, { level: 1 });
      await travel(NOTICE_PERIOD + DAY);
      const newRoot = randomRoot();
      const newId = tokenIdOf(newRoot);
      const deadline = (await now()) + DAY;
      const sig = await consent(f, newHolder, old.tokenId, newRoot, deadline);
      expect(
        await staticCall(c.connect(f.key2), "reissueCertificate", {
          tokenId: old.tokenId,
          newHolder: newHolder.address,
          newResultRoot: newRoot,
          consentDeadline: deadline,
          holderConsent: sig,
        }),
      ).to.equal(newId);
      const tx = reissue(c.connect(f.key2), old.tokenId, newHolder.address, newRoot, deadline, sig);
      await expect(tx)
        .to.emit(c, "CertificateRevoked")
        .withArgs(old.tokenId, BODY_1, RevocationReason.Reissued, ethers.ZeroHash, f.key2.address, false, old.block);
      await expect(tx).to.emit(c, "Transfer").withArgs(ethers.ZeroAddress, newHolder.address, newId);
      await expect(tx).to.emit(c, "Locked").withArgs(newId);
      await expect(tx)
        .to.emit(c, "CertificateReissued")
        .withArgs(old.tokenId, newId, BODY_1, newHolder.address, newRoot, f.key2.address, old.block);
      const reissuedBlock = await txBlock(await tx);

      const before = await c.verifyCertificate(old.tokenId);
      expect(before.status).to.equal(CertificateStatus.Revoked);
      expect(before.revocationReason).to.equal(RevocationReason.Reissued);
      expect(before.successor).to.equal(newId);
      expect(before.predecessor).to.equal(0);
      expect(before.lastEventBlock).to.equal(reissuedBlock);
      const reissuedAt = (await ethers.provider.getBlock(reissuedBlock))!.timestamp;
      const after = await c.verifyCertificate(newId);
      // A new wallet goes through a public notice of its own (hole F2): pending, open to objections.
      expect(after.status).to.equal(CertificateStatus.Pending);
      expect(after.holder).to.equal(newHolder.address);
      expect(after.predecessor).to.equal(old.tokenId);
      expect(after.successor).to.equal(0);
      expect(after.level).to.equal(1);
      expect(after.bodyId).to.equal(BODY_1);
      expect(after.issuedAt).to.equal(old.issuedAt);
      expect(after.evaluatedAt).to.equal(reissuedAt);
      expect(after.validFrom).to.equal(reissuedAt + NOTICE_PERIOD);
      expect(after.validUntil).to.equal(old.item.validUntil);
      expect(after.rulebookId).to.equal(RULEBOOK_1);
      expect(after.resultRoot).to.equal(newRoot);
      expect(after.lastEventBlock).to.equal(reissuedBlock);
      expect(await c.ownerOf(newId)).to.equal(newHolder.address);
      expect(await c.ownerOf(old.tokenId)).to.equal(oldHolder.address);
      expect(await c.certificatesOf(newHolder.address)).to.deep.equal([newId]);
      expect(await c.holdsValidCertificate(newHolder.address, 1)).to.equal(false);
      expect(await c.holdsValidCertificate(oldHolder.address, 3)).to.equal(false);
      expect(await c.isResultRootUsed(BODY_1, newRoot)).to.equal(true);
      await travelTo(reissuedAt + NOTICE_PERIOD);
      expect(await c.statusOf(newId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(newHolder.address, 1)).to.equal(true);
    });

    it("re-issues a renewed certificate, once the renewal's notice is over, with its renewed validity and rulebook", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.registerRulebook(RULEBOOK_2_HASH, "ipfs://rb2", 0, 0);
      const old = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const renewedUntil = old.item.validUntil + YEAR;
      const t = (await now()) + 1;
      await setNextTimestamp(t);
      await renew(c.connect(f.key1), old.tokenId, randomRoot(), 2, renewedUntil);
      const newRoot = randomRoot();
      const deadline = t + 30 * DAY;
      const sig = await consent(f, f.holders[1], old.tokenId, newRoot, deadline);
      await expect(reissue(c.connect(f.key1), old.tokenId, f.holders[1].address, newRoot, deadline, sig))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(old.tokenId, t + NOTICE_PERIOD);
      await travelTo(t + NOTICE_PERIOD);
      const reissuedAt = t + NOTICE_PERIOD + 1;
      await setNextTimestamp(reissuedAt);
      await reissue(c.connect(f.key1), old.tokenId, f.holders[1].address, newRoot, deadline, sig);
      const after = await c.verifyCertificate(tokenIdOf(newRoot));
      expect(after.validUntil).to.equal(renewedUntil);
      expect(after.rulebookId).to.equal(2);
      expect(after.issuedAt).to.equal(old.issuedAt); // the first issuance
      expect(after.evaluatedAt).to.equal(reissuedAt); // the new wallet's publication
      expect(after.validFrom).to.equal(reissuedAt + NOTICE_PERIOD);
      expect(after.status).to.equal(CertificateStatus.Pending);
    });

    it("re-issues to an ERC-1271 contract wallet whose owner consented", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const owner = f.holders[7];
      const wallet = await deployWallet(owner);
      const walletAddress = await wallet.getAddress();
      const old = await issueOne(f, f.key1, f.holders[0]);
      const other = await issueOne(f, f.key1, f.holders[1]);
      await travel(NOTICE_PERIOD);
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      const sig = await consent(f, owner, old.tokenId, newRoot, deadline, walletAddress);
      await expect(reissue(c.connect(f.key1), old.tokenId, walletAddress, newRoot, deadline, sig))
        .to.emit(c, "CertificateReissued")
        .withArgs(old.tokenId, tokenIdOf(newRoot), BODY_1, walletAddress, newRoot, f.key1.address, old.block);
      expect(await c.ownerOf(tokenIdOf(newRoot))).to.equal(walletAddress);
      // a consent for the wallet signed by someone else than its owner
      const again = randomRoot();
      const forged = await consent(f, f.stranger, other.tokenId, again, deadline, walletAddress);
      await expect(reissue(c.connect(f.key1), other.tokenId, walletAddress, again, deadline, forged))
        .to.be.revertedWithCustomError(c, "InvalidSignature")
        .withArgs(walletAddress);
    });

    it("refuses an expired consent (accepts it at its deadline)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const old = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const newRoot = randomRoot();
      const deadline = (await now()) + 100;
      const sig = await consent(f, f.holders[1], old.tokenId, newRoot, deadline);
      await setNextTimestamp(deadline + 1);
      await expect(reissue(c.connect(f.key1), old.tokenId, f.holders[1].address, newRoot, deadline, sig))
        .to.be.revertedWithCustomError(c, "ConsentExpired")
        .withArgs(deadline);
      const d2 = deadline + 10;
      const sig2 = await consent(f, f.holders[1], old.tokenId, newRoot, d2);
      await setNextTimestamp(d2);
      await expect(reissue(c.connect(f.key1), old.tokenId, f.holders[1].address, newRoot, d2, sig2)).to.emit(
        c,
        "CertificateReissued",
      );
    });

    it("refuses a consent by the wrong signer, or for another certificate, root, deadline, chain or domain version", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const old = await issueOne(f, f.key1, f.holders[0]);
      const other = await issueOne(f, f.key1, f.holders[2]);
      await travel(NOTICE_PERIOD);
      const newHolder = f.holders[1].address;
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      const message = { tokenId: old.tokenId, newHolder, newResultRoot: newRoot, deadline };
      const cases: [string, string][] = [
        ["signed by the old holder", await consent(f, f.holders[0], old.tokenId, newRoot, deadline, newHolder)],
        ["for another certificate", await consent(f, f.holders[1], other.tokenId, newRoot, deadline)],
        ["for another root", await consent(f, f.holders[1], old.tokenId, randomRoot(), deadline)],
        ["for another deadline", await consent(f, f.holders[1], old.tokenId, newRoot, deadline + 1)],
        ["for another chain", await signReissueConsent(f.holders[1], c, message, { chainId: 5n })],
        ["for v1's domain", await signReissueConsent(f.holders[1], c, message, { version: "1" })],
      ];
      for (const [name, sig] of cases) {
        await expect(reissue(k, old.tokenId, newHolder, newRoot, deadline, sig), name)
          .to.be.revertedWithCustomError(c, "InvalidSignature")
          .withArgs(newHolder);
      }
      expect(await c.statusOf(old.tokenId)).to.equal(CertificateStatus.Valid);
    });

    it("refuses the same holder and the zero address", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const old = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      const same = await consent(f, f.holders[0], old.tokenId, newRoot, deadline);
      await expect(
        reissue(c.connect(f.key1), old.tokenId, f.holders[0].address, newRoot, deadline, same),
      ).to.be.revertedWithCustomError(c, "InvalidHolder");
      await expect(
        reissue(c.connect(f.key1), old.tokenId, ethers.ZeroAddress, newRoot, deadline, same),
      ).to.be.revertedWithCustomError(c, "InvalidHolder");
    });

    it("refuses a used root, a renewal's root, a zero root and a root whose number is taken", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const old = await issueOne(f, f.key1, f.holders[0]);
      const other = await issueOne(f, f.key1, f.holders[2]);
      await travel(NOTICE_PERIOD);
      const renewalRoot = randomRoot();
      await renew(k, other.tokenId, renewalRoot, RULEBOOK_1, other.item.validUntil + YEAR);
      const h = f.holders[1];
      const deadline = (await now()) + DAY;
      for (const root of [old.item.resultRoot, other.item.resultRoot]) {
        await expect(
          reissue(k, old.tokenId, h.address, root, deadline, await consent(f, h, old.tokenId, root, deadline)),
        )
          .to.be.revertedWithCustomError(c, "ResultRootAlreadyUsed")
          .withArgs(root);
      }
      await expect(
        reissue(k, old.tokenId, h.address, renewalRoot, deadline, await consent(f, h, old.tokenId, renewalRoot, deadline)),
      )
        .to.be.revertedWithCustomError(c, "ResultRootUsedByRenewal")
        .withArgs(renewalRoot, other.tokenId);
      await expect(
        reissue(
          k,
          old.tokenId,
          h.address,
          ethers.ZeroHash,
          deadline,
          await consent(f, h, old.tokenId, ethers.ZeroHash, deadline),
        ),
      ).to.be.revertedWithCustomError(c, "InvalidResultRoot");
      const twin = rootWithSameNumber(other.item.resultRoot);
      await expect(reissue(k, old.tokenId, h.address, twin, deadline, await consent(f, h, old.tokenId, twin, deadline)))
        .to.be.revertedWithCustomError(c, "CertificateNumberTaken")
        .withArgs(other.tokenId);
    });

    it("refuses revoked (incl. already re-issued), flagged, voided certificates and one in its notice", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const k = c.connect(f.key1);
      const h = f.holders[1];
      const deadline = (await now()) + 60 * DAY;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const b = await issueOne(f, f.key1, f.holders[3]);
      const o = await issueOne(f, f.key1, f.holders[4]);
      const r2 = randomRoot();
      await expect(reissue(k, a.tokenId, h.address, r2, deadline, await consent(f, h, a.tokenId, r2, deadline)))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(a.tokenId, a.issuedAt + NOTICE_PERIOD);
      await object(c.connect(f.stranger), o.tokenId);
      await travel(NOTICE_PERIOD);
      const r1 = randomRoot();
      await reissue(k, a.tokenId, h.address, r1, deadline, await consent(f, h, a.tokenId, r1, deadline));
      await expect(
        reissue(
          k,
          a.tokenId,
          f.holders[2].address,
          r2,
          deadline,
          await consent(f, f.holders[2], a.tokenId, r2, deadline),
        ),
      )
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(a.tokenId, RevocationReason.Reissued);
      await expect(reissue(k, o.tokenId, h.address, r2, deadline, await consent(f, h, o.tokenId, r2, deadline)))
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(o.tokenId, CertificateStatus.Pending);
      await suspend(k, b.tokenId);
      await expect(reissue(k, b.tokenId, h.address, r2, deadline, await consent(f, h, b.tokenId, r2, deadline)))
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(b.tokenId, CertificateStatus.Suspended);
      await reinstate(k, b.tokenId);
      await travel(1);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_1, await now(), EVIDENCE);
      await expect(reissue(k, b.tokenId, h.address, r2, deadline, await consent(f, h, b.tokenId, r2, deadline)))
        .to.be.revertedWithCustomError(c, "CertificateIsVoided")
        .withArgs(b.tokenId);
    });

    it("refuses non-keys, another body's key, the supervisor, a suspended body, and unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const old = await issueOne(f, f.key1, f.holders[0], { level: 3 });
      await travel(NOTICE_PERIOD);
      const h = f.holders[1];
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      const sig = await consent(f, h, old.tokenId, newRoot, deadline);
      for (const who of [f.supervisor, f.bodyAdmin, f.holders[0], f.stranger]) {
        await expect(reissue(c.connect(who), old.tokenId, h.address, newRoot, deadline, sig))
          .to.be.revertedWithCustomError(c, "UnauthorizedAccount")
          .withArgs(who.address);
      }
      await expect(reissue(c.connect(f.body2Key), old.tokenId, h.address, newRoot, deadline, sig))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(old.tokenId, BODY_1);
      await expect(reissue(c.connect(f.key1), 31337n, h.address, newRoot, deadline, sig))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(31337);
      await c.suspendBody(BODY_1, EVIDENCE);
      await expect(reissue(c.connect(f.key1), old.tokenId, h.address, newRoot, deadline, sig))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
    });
  });

  // ================================================================== views

  describe("views", function () {
    it("certificatesOf lists more than three certificates oldest first (inline and overflow storage)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      const ids: bigint[] = [];
      for (let i = 0; i < 6; i++) {
        const { tokenId } = await issueOne(f, i % 2 === 0 ? f.key1 : f.key2, holder, { level: 3 });
        ids.push(tokenId);
        expect(await c.certificatesOf(holder.address)).to.deep.equal(ids);
        expect(await c.balanceOf(holder.address)).to.equal(ids.length);
      }
      // a batch into the overflow too, by another body
      const more = [f.issuance(holder, { level: 3 }), f.issuance(holder, { level: 3 })];
      await c.connect(f.body2Key).issueCertificates(more);
      ids.push(...more.map((m) => tokenIdOf(m.resultRoot, BODY_2)));
      expect(await c.certificatesOf(holder.address)).to.deep.equal(ids);
      expect(await c.certificatesOf(f.stranger.address)).to.deep.equal([]);
      for (const id of ids) expect(await c.ownerOf(id)).to.equal(holder.address);
    });

    it("a wallet holds at most 65535 certificates (HoldingsFull)", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      const first = await issueOne(f, f.key1, holder);
      // find the holder's holdings slot: count 1 in the low 16 bits, the first number above it
      const address = await c.getAddress();
      const expected = (first.tokenId << 16n) | 1n;
      let slot: string | undefined;
      for (let p = 0; p < 64 && !slot; p++) {
        const candidate = ethers.keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [holder.address, p]),
        );
        if (BigInt(await ethers.provider.getStorage(address, candidate)) === expected) slot = candidate;
      }
      if (!slot) throw new Error("holdings slot not found");
      await ethers.provider.send("hardhat_setStorageAt", [
        address,
        slot,
        ethers.toBeHex((first.tokenId << 16n) | 65534n, 32),
      ]);
      expect(await c.balanceOf(holder.address)).to.equal(65534);
      const last = await issueOne(f, f.key1, holder);
      expect(await c.balanceOf(holder.address)).to.equal(65535);
      expect(await c.ownerOf(last.tokenId)).to.equal(holder.address);
      await expect(c.connect(f.key1).issueCertificate(f.issuance(holder))).to.be.revertedWithCustomError(
        c,
        "HoldingsFull",
      );
    });

    it("holdsValidCertificate: level 1 is highest; atLeastLevel = 2 accepts levels 1 and 2, not 3", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const [h1, h2, h3] = f.holders;
      await issueOne(f, f.key1, h1, { level: 1 });
      await issueOne(f, f.key1, h2, { level: 2 });
      await issueOne(f, f.key1, h3, { level: 3 });
      await travel(NOTICE_PERIOD);
      const table: [HardhatEthersSigner, number, boolean][] = [
        [h1, 1, true],
        [h1, 2, true],
        [h1, 3, true],
        [h2, 1, false],
        [h2, 2, true],
        [h2, 3, true],
        [h3, 1, false],
        [h3, 2, false],
        [h3, 3, true],
      ];
      for (const [holder, atLeast, expected] of table) {
        expect(await c.holdsValidCertificate(holder.address, atLeast), `level-${atLeast} query`).to.equal(expected);
      }
      expect(await c.holdsValidCertificate(f.stranger.address, 8)).to.equal(false);
      expect(await c.holdsValidCertificate(h1.address, 0)).to.equal(false);
    });

    it("holdsValidCertificate finds a valid certificate behind invalid ones, in the overflow slots", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      const bad: bigint[] = [];
      for (let i = 0; i < 4; i++) bad.push((await issueOne(f, f.key1, holder, { level: 1 })).tokenId);
      await travel(NOTICE_PERIOD);
      await suspend(c.connect(f.key1), bad[0]);
      await revoke(c.connect(f.key1), bad[1], RevocationReason.Other);
      await suspend(c.connect(f.supervisor), bad[2]);
      await revoke(c.connect(f.key1), bad[3], RevocationReason.Other);
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(false);
      const good = await issueOne(f, f.key1, holder, { level: 2 }); // 5th: overflow slot
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(false); // still pending
      await travelTo(good.issuedAt + NOTICE_PERIOD);
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(true);
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(true);
      expect(await c.holdsValidCertificate(holder.address, 1)).to.equal(false);
    });

    it("holdsValidCertificate looks at the holder's 16 newest certificates only; isValidCertificateOf checks any one", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      const good = await issueOne(f, f.key1, holder, { level: 1 });
      const revoked = Array.from({ length: 15 }, () => f.issuance(holder, { level: 3 }));
      await c.connect(f.key1).issueCertificates(revoked);
      const revokedIds = revoked.map((item) => tokenIdOf(item.resultRoot));
      await revokeMany(c.connect(f.key1), revokedIds, RevocationReason.HolderRequest);
      await travel(NOTICE_PERIOD);
      expect(await c.balanceOf(holder.address)).to.equal(16);
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(true); // the 16th newest
      // one more (still pending) pushes the valid one out of the scan
      const newest = await issueOne(f, f.key1, holder, { level: 3 });
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(false);
      expect(await c.holdsValidCertificate(holder.address, 1)).to.equal(false);
      // any one certificate, O(1)
      expect(await c.isValidCertificateOf(holder.address, good.tokenId, 1)).to.equal(true);
      expect(await c.isValidCertificateOf(holder.address, good.tokenId, 3)).to.equal(true);
      expect(await c.isValidCertificateOf(holder.address, good.tokenId, 0)).to.equal(false);
      expect(await c.isValidCertificateOf(f.stranger.address, good.tokenId, 1)).to.equal(false);
      expect(await c.isValidCertificateOf(holder.address, revokedIds[0], 3)).to.equal(false);
      expect(await c.isValidCertificateOf(holder.address, newest.tokenId, 3)).to.equal(false);
      expect(await c.isValidCertificateOf(ethers.ZeroAddress, 12345n, 8)).to.equal(false);
      await travelTo(newest.issuedAt + NOTICE_PERIOD);
      expect(await c.isValidCertificateOf(holder.address, newest.tokenId, 3)).to.equal(true);
      expect(await c.isValidCertificateOf(holder.address, newest.tokenId, 2)).to.equal(false);
      expect(await c.holdsValidCertificate(holder.address, 3)).to.equal(true);
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(false);
    });

    it("certificateNumberOf is the body id then the root's top 56 bits; isResultRootUsed is per body; the view's resultRoot", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const root = "0x0123456789abcd" + "ef" + "11".repeat(24);
      const number = (1n << 56n) | 0x0123456789abcdn;
      expect(await c.certificateNumberOf(BODY_1, root)).to.equal(number);
      expect(await c.certificateNumberOf(BODY_2, root)).to.equal((2n << 56n) | 0x0123456789abcdn);
      expect(tokenIdOf(root, BODY_2)).to.equal(await c.certificateNumberOf(BODY_2, root));
      expect(await c.certificateNumberOf(255, ethers.toBeHex(ethers.MaxUint256, 32))).to.equal((1n << 64n) - 1n);
      expect(await c.certificateNumberOf(BODY_1, ethers.ZeroHash)).to.equal(1n << 56n); // never 0
      for (const bodyId of [0, 256, 65535]) {
        await expect(c.certificateNumberOf(bodyId, root))
          .to.be.revertedWithCustomError(c, "BodyNotFound")
          .withArgs(bodyId);
      }
      await expect(c.isResultRootUsed(0, root)).to.be.revertedWithCustomError(c, "BodyNotFound").withArgs(0);
      expect(await c.isResultRootUsed(BODY_1, root)).to.equal(false);
      await c.connect(f.key1).issueCertificate(f.issuance(f.holders[0], { resultRoot: root }));
      expect(await c.isResultRootUsed(BODY_1, root)).to.equal(true);
      expect(await c.isResultRootUsed(BODY_2, root)).to.equal(false);
      expect(await c.isResultRootUsed(BODY_1, rootWithSameNumber(root))).to.equal(false);
      expect((await c.verifyCertificate(number)).resultRoot).to.equal(root);
      expect((await c.verifyCertificate(1)).resultRoot).to.equal(ethers.ZeroHash);
    });

    it("verifyCertificate and statusOf agree for every status", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const pending = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const [valid, suspended, revoked, expired, voided] = [
        await issueOne(f, f.key1, f.holders[1]),
        await issueOne(f, f.key1, f.holders[2]),
        await issueOne(f, f.key1, f.holders[3]),
        await issueOne(f, f.key1, f.holders[4], { validUntil: (await now()) + NOTICE_PERIOD + DAY }),
        await issueOne(f, f.body2Key, f.holders[5], { level: 3 }),
      ];
      await c.connect(f.key1).issueCertificate(f.issuance(f.holders[0])); // keeps `pending` company
      const pendingNow = await issueOne(f, f.key1, f.holders[6]);
      await travelTo(expired.item.validUntil);
      await suspend(c.connect(f.supervisor), suspended.tokenId);
      await revoke(c.connect(f.key1), revoked.tokenId, RevocationReason.HolderRequest);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_2, await now(), EVIDENCE);
      const late = await issueOne(f, f.key1, f.holders[7]);
      const expectations: [bigint, CertificateStatus][] = [
        [late.tokenId, CertificateStatus.Pending],
        [pending.tokenId, CertificateStatus.Valid],
        [valid.tokenId, CertificateStatus.Valid],
        [suspended.tokenId, CertificateStatus.Suspended],
        [revoked.tokenId, CertificateStatus.Revoked],
        [expired.tokenId, CertificateStatus.Expired],
        [voided.tokenId, CertificateStatus.Voided],
        [pendingNow.tokenId, CertificateStatus.Valid],
        [1n, CertificateStatus.NotFound],
      ];
      for (const [id, status] of expectations) {
        expect(await c.statusOf(id), `statusOf ${id}`).to.equal(status);
        expect((await c.verifyCertificate(id)).status, `verifyCertificate ${id}`).to.equal(status);
      }
      const v = await c.verifyCertificate(voided.tokenId);
      expect(v.bodyId).to.equal(BODY_2);
      expect(v.bodyAccredited).to.equal(true);
      const s = await c.verifyCertificate(suspended.tokenId);
      expect([s.suspendedByBody, s.suspendedBySupervisor]).to.deep.equal([false, true]);
      expect(s.evaluatedAt).to.equal(suspended.issuedAt);
    });
  });

  // ================================================================== history (ERC-1056 walk)

  describe("the history chain: previousEventBlock", function () {
    const CERTIFICATE_EVENTS = new Set([
      "CertificateIssued",
      "CertificateSuspended",
      "CertificateReinstated",
      "CertificateRevoked",
      "ObjectionFiled",
      "ObjectionResolved",
      "CertificateRenewed",
      "CertificateReissued",
    ]);

    /**
     * A certificate's events, oldest first, found as a client does: from `lastEventBlock`, one `eth_getLogs` of a
     * single block per step, following the earliest event's `previousEventBlock` back to the token's first event.
     */
    async function walk(c: CQOCertificate, tokenId: bigint): Promise<{ events: string[]; requests: number }> {
      const address = await c.getAddress();
      const blocks: string[][] = [];
      let requests = 0;
      let block = Number(await eventBlockOf(c, tokenId));
      while (block !== 0) {
        requests++;
        const logs = await ethers.provider.getLogs({ address, fromBlock: block, toBlock: block });
        const mine = logs
          .map((log) => ({ index: log.index, event: c.interface.parseLog(log) }))
          .filter(
            (e) =>
              e.event !== null &&
              CERTIFICATE_EVENTS.has(e.event.name) &&
              (e.event.args.tokenId === tokenId ||
                (e.event.name === "CertificateReissued" && e.event.args.newTokenId === tokenId)),
          )
          .sort((a, b) => a.index - b.index);
        if (mine.length === 0) throw new Error(`no event of ${tokenId} in block ${block}`);
        blocks.unshift(mine.map((e) => e.event?.name ?? ""));
        const first = mine[0].event;
        if (first === null) throw new Error("unparsed");
        if (first.name === "CertificateIssued") break;
        if (first.name === "CertificateReissued" && first.args.newTokenId === tokenId) break;
        const previous = Number(first.args.previousEventBlock);
        expect(previous, `${first.name} in block ${block}`).to.be.lessThan(block);
        for (const e of mine) expect(Number(e.event?.args.previousEventBlock)).to.equal(previous);
        block = previous;
      }
      return { events: blocks.flat(), requests };
    }

    it("walks a certificate's whole life back, one block per event, past other certificates' events", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      const noise = await issueOne(f, f.key2, f.holders[1]);
      await object(c.connect(f.stranger), a.tokenId);
      await object(c.connect(f.stranger), noise.tokenId);
      await resolve(c.connect(f.supervisor), a.tokenId, false, RevocationReason.None);
      await travel(NOTICE_PERIOD);
      await suspend(c.connect(f.key1), a.tokenId);
      await suspend(c.connect(f.supervisor), noise.tokenId);
      await reinstate(c.connect(f.key2), a.tokenId);
      await renew(c.connect(f.key1), a.tokenId, randomRoot(), RULEBOOK_1, a.item.validUntil + YEAR);
      await travel(NOTICE_PERIOD);
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      await reissue(c.connect(f.key1), a.tokenId, f.holders[2].address, newRoot, deadline, await consent(f, f.holders[2], a.tokenId, newRoot, deadline));
      expect(await walk(c, a.tokenId)).to.deep.equal({
        events: [
          "CertificateIssued",
          "ObjectionFiled",
          "ObjectionResolved",
          "CertificateSuspended",
          "CertificateReinstated",
          "CertificateRenewed",
          "CertificateRevoked",
          "CertificateReissued",
        ],
        requests: 7,
      });
      // the new certificate's history starts at the re-issue
      const newId = tokenIdOf(newRoot);
      expect(await walk(c, newId)).to.deep.equal({ events: ["CertificateReissued"], requests: 1 });
      await suspend(c.connect(f.key2), newId);
      expect(await walk(c, newId)).to.deep.equal({ events: ["CertificateReissued", "CertificateSuspended"], requests: 2 });
      expect(await walk(c, noise.tokenId)).to.deep.equal({
        events: ["CertificateIssued", "ObjectionFiled", "CertificateSuspended"],
        requests: 3,
      });
    });

    it("an upheld objection's two events share one block and one previousEventBlock", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const a = await issueOne(f, f.key1, f.holders[0]);
      await object(c.connect(f.stranger), a.tokenId);
      await resolve(c.connect(f.key1), a.tokenId, true, RevocationReason.Fraud);
      expect(await walk(c, a.tokenId)).to.deep.equal({
        events: ["CertificateIssued", "ObjectionFiled", "ObjectionResolved", "CertificateRevoked"],
        requests: 3,
      });
    });
  });

  // ================================================================== ERC-721 / ERC-5192

  describe("ERC-721 and ERC-5192 surface", function () {
    it("name, symbol, balanceOf, ownerOf, getApproved, isApprovedForAll", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      expect(await c.name()).to.equal("CQO Certificate");
      expect(await c.symbol()).to.equal("CQO");
      expect(await c.balanceOf(f.holders[0].address)).to.equal(1);
      expect(await c.balanceOf(f.stranger.address)).to.equal(0);
      await expect(c.balanceOf(ethers.ZeroAddress)).to.be.revertedWithCustomError(c, "InvalidHolder");
      expect(await c.ownerOf(tokenId)).to.equal(f.holders[0].address);
      await expect(c.ownerOf(tokenId + 1n))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(tokenId + 1n);
      expect(await c.getApproved(tokenId)).to.equal(ethers.ZeroAddress);
      await expect(c.getApproved(tokenId + 1n))
        .to.be.revertedWithCustomError(c, "CertificateNotFound")
        .withArgs(tokenId + 1n);
      expect(await c.isApprovedForAll(f.holders[0].address, f.stranger.address)).to.equal(false);
    });

    it("every transfer and approval reverts Soulbound, even from the holder", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate.connect(f.holders[0]);
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      const [from, to] = [f.holders[0].address, f.holders[1].address];
      await expect(c.transferFrom(from, to, tokenId)).to.be.revertedWithCustomError(c, "Soulbound");
      await expect(c["safeTransferFrom(address,address,uint256)"](from, to, tokenId)).to.be.revertedWithCustomError(
        c,
        "Soulbound",
      );
      await expect(
        c["safeTransferFrom(address,address,uint256,bytes)"](from, to, tokenId, "0x"),
      ).to.be.revertedWithCustomError(c, "Soulbound");
      await expect(c.approve(to, tokenId)).to.be.revertedWithCustomError(c, "Soulbound");
      await expect(c.setApprovalForAll(to, true)).to.be.revertedWithCustomError(c, "Soulbound");
      await expect(c.connect(f.association).transferFrom(from, to, tokenId)).to.be.revertedWithCustomError(
        c,
        "Soulbound",
      );
      expect(await c.ownerOf(tokenId)).to.equal(from);
    });

    it("locked() is true for every certificate, whatever its status; reverts for unknown numbers", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      expect(await c.locked(tokenId)).to.equal(true);
      await revoke(c.connect(f.key1), tokenId, RevocationReason.Other);
      expect(await c.locked(tokenId)).to.equal(true);
      await expect(c.locked(3)).to.be.revertedWithCustomError(c, "CertificateNotFound").withArgs(3);
    });

    it("supportsInterface: ERC-165, ERC-721, metadata, ERC-5192, IAccessControl, IAccessControlDefaultAdminRules", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      for (const id of [
        INTERFACE_IDS.ERC165,
        INTERFACE_IDS.ERC721,
        INTERFACE_IDS.ERC721Metadata,
        INTERFACE_IDS.ERC5192,
        INTERFACE_IDS.AccessControl,
        INTERFACE_IDS.AccessControlDefaultAdminRules,
      ]) {
        expect(await c.supportsInterface(id), id).to.equal(true);
      }
      for (const id of [INTERFACE_IDS.invalid, "0x00000000", "0x780e9d63" /* ERC721Enumerable */]) {
        expect(await c.supportsInterface(id), id).to.equal(false);
      }
      // the constant ids are what the interfaces compute to
      const sel = (sig: string) => BigInt(ethers.id(sig).slice(0, 10));
      expect(ethers.toBeHex(sel("locked(uint256)"), 4)).to.equal(INTERFACE_IDS.ERC5192);
      const accessControl =
        sel("hasRole(bytes32,address)") ^
        sel("getRoleAdmin(bytes32)") ^
        sel("grantRole(bytes32,address)") ^
        sel("revokeRole(bytes32,address)") ^
        sel("renounceRole(bytes32,address)");
      expect(ethers.toBeHex(accessControl, 4)).to.equal(INTERFACE_IDS.AccessControl);
      const defaultAdminRules = [
        "defaultAdmin()",
        "pendingDefaultAdmin()",
        "defaultAdminDelay()",
        "pendingDefaultAdminDelay()",
        "beginDefaultAdminTransfer(address)",
        "cancelDefaultAdminTransfer()",
        "acceptDefaultAdminTransfer()",
        "changeDefaultAdminDelay(uint48)",
        "rollbackDefaultAdminDelay()",
        "defaultAdminDelayIncreaseWait()",
      ].reduce((id, sig) => id ^ sel(sig), 0n);
      expect(ethers.toBeHex(defaultAdminRules, 4)).to.equal(INTERFACE_IDS.AccessControlDefaultAdminRules);
    });
  });

  // ================================================================== metadata

  describe("tokenURI and setRenderer", function () {
    it("returns base64 JSON with name, level, status, dates, rulebook, root, and a base64 SVG image", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item, issuedAt } = await issueOne(f, f.key1, f.holders[0], { level: 1 });
      const meta = decodeTokenURI(await c.tokenURI(tokenId));
      expect(meta.name).to.equal(`首席质量官能力水平证书 CQO Certificate #${tokenId}`);
      expect(meta.description).to.contain("soulbound");
      expect(attribute(meta, "Level")).to.equal(1);
      expect(attribute(meta, "Status")).to.equal("Pending");
      expect(attribute(meta, "Revocation reason")).to.equal("None");
      expect(attribute(meta, "Certifying body")).to.equal(BODY_1);
      expect(attribute(meta, "Issued")).to.equal(issuedAt);
      expect(attribute(meta, "Valid from")).to.equal(issuedAt + NOTICE_PERIOD);
      expect(attribute(meta, "Valid until")).to.equal(item.validUntil);
      expect(attribute(meta, "Rulebook")).to.equal(RULEBOOK_HASH);
      expect(attribute(meta, "Result root")).to.equal(item.resultRoot);
      expect(meta.attributes.filter((a) => a.display_type === "date").map((a) => a.trait_type)).to.deep.equal([
        "Issued",
        "Valid from",
        "Valid until",
      ]);
      const svgPrefix = "data:image/svg+xml;base64,";
      expect(meta.image.startsWith(svgPrefix)).to.equal(true);
      const svg = Buffer.from(meta.image.slice(svgPrefix.length), "base64").toString("utf8");
      expect(svg.startsWith("<svg")).to.equal(true);
      expect(svg.endsWith("</svg>")).to.equal(true);
      expect(svg).to.contain(`CQO Certificate #${tokenId}`);
      expect(svg).to.contain("一级 Level I");
      expect(svg).to.contain("Pending");
      expect(svg).to.contain('fill="#6c757d"');
    });

    it("a renewed certificate shows its first issuance, and the renewal's notice and validity", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, item, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      await travel(NOTICE_PERIOD);
      const t = (await now()) + 1;
      await setNextTimestamp(t);
      const newRoot = randomRoot();
      await renew(c.connect(f.key1), tokenId, newRoot, RULEBOOK_1, item.validUntil + YEAR);
      const meta = decodeTokenURI(await c.tokenURI(tokenId));
      expect(attribute(meta, "Issued")).to.equal(issuedAt);
      expect(attribute(meta, "Valid from")).to.equal(t + NOTICE_PERIOD);
      expect(attribute(meta, "Valid until")).to.equal(item.validUntil + YEAR);
      expect(attribute(meta, "Result root")).to.equal(newRoot);
      expect(attribute(meta, "Status")).to.equal("Valid");
    });

    it("shows every status and revocation reason by name, and the level names", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      await c.updateBodyTerms(BODY_1, 0xff, f.accreditedUntil, NOTICE_PERIOD);
      const l2 = await issueOne(f, f.key1, f.holders[0], { level: 2 });
      const l3 = await issueOne(f, f.key1, f.holders[1], { level: 3 });
      const l5 = await issueOne(f, f.key1, f.holders[2], { level: 5 });
      const short = await issueOne(f, f.key1, f.holders[3], { validUntil: (await now()) + NOTICE_PERIOD + DAY });
      const reasons = [];
      for (const reason of CALLER_REASONS) {
        const r = await issueOne(f, f.key1, f.holders[4]);
        await revoke(c.connect(f.key1), r.tokenId, reason);
        reasons.push({ id: r.tokenId, reason });
      }
      await travel(NOTICE_PERIOD); // a re-issue waits for the end of the notice
      const newRoot = randomRoot();
      const deadline = (await now()) + DAY;
      await reissue(
        c.connect(f.key1),
        l5.tokenId,
        f.holders[5].address,
        newRoot,
        deadline,
        await consent(f, f.holders[5], l5.tokenId, newRoot, deadline),
      );
      const b2 = await issueOne(f, f.body2Key, f.holders[6], { level: 3 });
      await travelTo(short.item.validUntil);
      await suspend(c.connect(f.key1), l3.tokenId);
      await c.connect(f.supervisor).voidCertificatesIssuedBefore(BODY_2, await now(), EVIDENCE);

      const meta = async (id: bigint) => decodeTokenURI(await c.tokenURI(id));
      const svgOf = (m: { image: string }) => Buffer.from(m.image.split(",")[1], "base64").toString("utf8");
      const valid = await meta(l2.tokenId);
      expect(attribute(valid, "Status")).to.equal("Valid");
      expect(svgOf(valid)).to.contain("二级 Level II");
      expect(svgOf(valid)).to.contain('fill="#0f5132"');
      const suspended = await meta(l3.tokenId);
      expect(attribute(suspended, "Status")).to.equal("Suspended");
      expect(svgOf(suspended)).to.contain("三级 Level III");
      expect(attribute(await meta(short.tokenId), "Status")).to.equal("Expired");
      const voided = await meta(b2.tokenId);
      expect(attribute(voided, "Status")).to.equal("Voided");
      expect(attribute(voided, "Certifying body")).to.equal(BODY_2);
      const reissued = await meta(l5.tokenId);
      expect(attribute(reissued, "Status")).to.equal("Revoked");
      expect(attribute(reissued, "Revocation reason")).to.equal("Re-issued");
      expect(svgOf(reissued)).to.contain("Level 5");
      expect(attribute(reissued, "Level")).to.equal(5);
      const names: Record<number, string> = {
        [RevocationReason.Fraud]: "Fraud",
        [RevocationReason.Violation]: "Violation",
        [RevocationReason.HolderRequest]: "Holder request",
        [RevocationReason.BodyError]: "Body error",
        [RevocationReason.Other]: "Other",
      };
      for (const { id, reason } of reasons) {
        const m = await meta(id);
        expect(attribute(m, "Status")).to.equal("Revoked");
        expect(attribute(m, "Revocation reason")).to.equal(names[reason]);
      }
      // the renderer's public name functions, including the values no certificate shows
      expect(await f.renderer.statusName(CertificateStatus.NotFound)).to.equal("Not found");
      expect(await f.renderer.reasonName(RevocationReason.None)).to.equal("None");
      expect(await f.renderer.reasonName(RevocationReason.Reissued)).to.equal("Re-issued");
      expect(await f.renderer.reasonName(RevocationReason.FailedReview)).to.equal("Failed review"); // recordReview's own
    });

    it("renders a NotFound view directly through the renderer", async function () {
      const f = await loadFixture(deployFixture);
      const v = await f.certificate.verifyCertificate(42);
      const view = {
        tokenId: v.tokenId,
        status: v.status,
        revocationReason: v.revocationReason,
        underObjection: v.underObjection,
        holder: v.holder,
        bodyId: v.bodyId,
        bodyAccredited: v.bodyAccredited,
        level: v.level,
        issuedAt: v.issuedAt,
        validFrom: v.validFrom,
        validUntil: v.validUntil,
        rulebookId: v.rulebookId,
        rulebookHash: v.rulebookHash,
        resultRoot: v.resultRoot,
        predecessor: v.predecessor,
        successor: v.successor,
        suspendedByBody: v.suspendedByBody,
        suspendedBySupervisor: v.suspendedBySupervisor,
        evaluatedAt: v.evaluatedAt,
        lastEventBlock: v.lastEventBlock,
        nextReviewDue: v.nextReviewDue,
        reviewsPassed: v.reviewsPassed,
      };
      const m = decodeTokenURI(await f.renderer.tokenURI(view));
      expect(m.name).to.contain("#42");
      expect(attribute(m, "Status")).to.equal("Not found");
      expect(attribute(m, "Level")).to.equal(0);
      expect(attribute(m, "Result root")).to.equal(ethers.ZeroHash);
    });

    it("tokenURI reverts CertificateNotFound for a number never issued", async function () {
      const f = await loadFixture(deployFixture);
      await expect(f.certificate.tokenURI(1))
        .to.be.revertedWithCustomError(f.certificate, "CertificateNotFound")
        .withArgs(1);
    });

    it("setRenderer: the association replaces the renderer (never with zero); tokenURI follows it", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      const next = await ethers.deployContract("CertificateRenderer");
      const nextAddress = await next.getAddress();
      await expect(c.setRenderer(nextAddress))
        .to.emit(c, "RendererChanged")
        .withArgs(nextAddress, f.association.address);
      expect(await c.renderer()).to.equal(nextAddress);
      expect(decodeTokenURI(await c.tokenURI(tokenId)).name).to.contain(`#${tokenId}`);
      await expect(c.setRenderer(ethers.ZeroAddress)).to.be.revertedWithCustomError(c, "InvalidAddress");
      expect(await c.renderer()).to.equal(nextAddress);
      // a renderer that is not a contract: tokenURI fails, the records do not
      await c.setRenderer(f.stranger.address);
      await expect(c.tokenURI(tokenId)).to.be.reverted;
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      for (const who of [f.supervisor, f.bodyAdmin, f.stranger]) {
        await expect(c.connect(who).setRenderer(nextAddress))
          .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
          .withArgs(who.address, DEFAULT_ADMIN_ROLE);
      }
    });
  });

  describe("roles used by the certificate", function () {
    it("a supervisor granted later can act at once; revoked, it cannot", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId } = await issueOne(f, f.key1, f.holders[0]);
      await c.grantRole(SUPERVISOR_ROLE, f.stranger.address);
      await expect(suspend(c.connect(f.stranger), tokenId))
        .to.emit(c, "CertificateSuspended")
        .withArgs(tokenId, BODY_1, EVIDENCE, f.stranger.address, true, await eventBlockOf(c, tokenId));
      await c.revokeRole(SUPERVISOR_ROLE, f.stranger.address);
      await expect(reinstate(c.connect(f.stranger), tokenId))
        .to.be.revertedWithCustomError(c, "NotIssuingBody")
        .withArgs(tokenId, BODY_1);
    });
  });

  // ================================================================== a chain that counts milliseconds

  describe("on a chain whose block.timestamp counts milliseconds (clockUnit 1000)", function () {
    it("takes, stores and returns dates in seconds: EPOCH, issuance, notice, validity", async function () {
      const f = await loadFixture(deployMillisecondFixture);
      const c = f.certificate;
      expect(await c.CLOCK_UNIT()).to.equal(1000);
      const deployTx = c.deploymentTransaction();
      if (deployTx === null) throw new Error("no deployment transaction");
      expect(await c.EPOCH()).to.equal(Math.floor((await txTimestamp(deployTx)) / 1000));
      const { tokenId, item, issuedAt } = await issueOne(f, f.key1, f.holders[0], {
        validUntil: f.t0 + NOTICE_PERIOD + 2 * DAY,
      });
      const v = await c.verifyCertificate(tokenId);
      expect(v.issuedAt).to.equal(issuedAt);
      expect(v.evaluatedAt).to.equal(issuedAt);
      expect(v.validFrom).to.equal(issuedAt + NOTICE_PERIOD);
      expect(v.validUntil).to.equal(item.validUntil);
      expect(v.status).to.equal(CertificateStatus.Pending);
      await f.clock.travelTo(issuedAt + NOTICE_PERIOD - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
      await f.clock.travelTo(issuedAt + NOTICE_PERIOD);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await f.clock.travelTo(item.validUntil - 1);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
      await f.clock.travelTo(item.validUntil);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Expired);
    });

    it("reads deadlines, notices and renewals in seconds; the admin delay is kept in the chain's unit", async function () {
      const f = await loadFixture(deployMillisecondFixture);
      const c = f.certificate;
      // a voucher's deadline
      const t = (await f.clock.now()) + 100;
      const voucher: IssuanceVoucher = { bodyId: BODY_1, issuance: f.issuance(f.holders[0]), nonce: 0, deadline: t };
      const signature = await signVoucher(f.key1, c, voucher);
      await f.clock.setNextTimestamp(t + 1);
      await expect(issueWithVoucher(c, voucher, f.key1.address, signature))
        .to.be.revertedWithCustomError(c, "VoucherExpired")
        .withArgs(t);
      const onTime = { ...voucher, deadline: t + 10, issuance: f.issuance(f.holders[0]) };
      await f.clock.setNextTimestamp(t + 10);
      const tx = await issueWithVoucher(c, onTime, f.key1.address, await signVoucher(f.key1, c, onTime));
      const tokenId = tokenIdOf(onTime.issuance.resultRoot);
      expect((await c.verifyCertificate(tokenId)).issuedAt).to.equal(await f.clock.txTime(tx));
      // a signing key's consent deadline
      const key = f.holders[9];
      const late = await keyGrant(c, key, BODY_1, (await f.clock.now()) + 10);
      await f.clock.setNextTimestamp(late.deadline + 1);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, late))
        .to.be.revertedWithCustomError(c, "SigningKeyConsentExpired")
        .withArgs(key.address, late.deadline);
      await expect(c.connect(f.bodyAdmin).addSigningKey(BODY_1, await keyGrant(c, key, BODY_1))).to.emit(
        c,
        "SigningKeyAdded",
      );
      // the notice, then a renewal's
      await expect(renew(c.connect(key), tokenId, randomRoot(), RULEBOOK_1, f.validUntil + YEAR))
        .to.be.revertedWithCustomError(c, "InPublicNotice")
        .withArgs(tokenId, t + 10 + NOTICE_PERIOD);
      await f.clock.travelTo(t + 10 + NOTICE_PERIOD);
      const renewedAt = (await f.clock.now()) + 1;
      const newRoot = randomRoot();
      const previous = await eventBlockOf(c, tokenId);
      await f.clock.setNextTimestamp(renewedAt);
      await expect(renew(c.connect(key), tokenId, newRoot, RULEBOOK_1, f.validUntil + YEAR))
        .to.emit(c, "CertificateRenewed")
        .withArgs(tokenId, BODY_1, newRoot, RULEBOOK_1, renewedAt + NOTICE_PERIOD, f.validUntil + YEAR, key.address, previous);
      expect((await c.verifyCertificate(tokenId)).evaluatedAt).to.equal(renewedAt);
      // OpenZeppelin's admin delay reads block.timestamp: the constructor stores it in milliseconds
      const { certificate } = await deployCertificate(f.association, { clockUnit: 1000, adminTransferDelay: 3600 });
      expect(await certificate.defaultAdminDelay()).to.equal(3_600_000);
      expect(await certificate.defaultAdminDelayIncreaseWait()).to.equal(5 * DAY * 1000);
    });
  });
});
