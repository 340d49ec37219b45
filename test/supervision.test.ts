/**
 * Supervision after issuance (监督管理, issue #13) and the last holes of contracts v2 (issue #11):
 * - annual reviews (年审) on the rulebook's schedule: `recordReview` (passed, failed-suspended, failed-revoked),
 *   `ReviewOverdue` computed with no transaction, renewal restarting the schedule;
 * - a primary certificate no body can hide (F1), one objection per filer and result (F3; an active issuing body's
 *   relaying keys exempt), and the supervisor taking over a revoked body's suspensions. A holder asks the body to
 *   revoke their certificate (`HolderRequest`); there is no on-chain surrender, which a holder could use to pre-empt
 *   a graver revocation.
 * (A re-issue's own public notice, F2, is in certificate.test.ts and vouchers.test.ts.)
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  BODY_1,
  BodyStatus,
  CertificateStatus,
  DAY,
  deployFixture,
  deployMillisecondFixture,
  eventBlockOf,
  type Fixture,
  issueOne,
  NOTICE_PERIOD,
  randomRoot,
  RevocationReason,
  send,
  setNextTimestamp,
  signReissueConsent,
  tokenIdOf,
  travelTo,
  txBlock,
  YEAR,
} from "./fixtures";

const EVIDENCE = ethers.id("review evidence");
const GRACE = 30 * DAY;
const REVIEWED = 2; // rulebook 2: reviews every YEAR, GRACE days of grace
const Review = { Passed: 0, FailedSuspended: 1, FailedRevoked: 2 } as const;

/** The fixture with rulebook 2 (annual reviews) and one level-2 certificate under it, three years valid. */
async function reviewedFixture(): Promise<Fixture & { tokenId: bigint; validFrom: number; block: number }> {
  const f = await deployFixture();
  await f.certificate.registerRulebook(ethers.id("rulebook with annual reviews"), "ipfs://rb-reviews", YEAR, GRACE);
  const { tokenId, issuedAt, block } = await issueOne(f, f.key1, f.holders[0], { rulebookId: REVIEWED });
  return { ...f, tokenId, validFrom: issuedAt + NOTICE_PERIOD, block };
}

const review = (f: Fixture, tokenId: bigint, result: number, by = f.key1) =>
  send(f.certificate.connect(by), "recordReview", { tokenId, result, evidenceHash: EVIDENCE });

describe("supervision: annual reviews, primary certificates, objections once", function () {
  describe("the review schedule", function () {
    it("falls due one interval after the notice; overdue only after the grace period, with no transaction", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      const due = f.validFrom + YEAR;
      const v = await c.verifyCertificate(f.tokenId);
      expect(v.nextReviewDue).to.equal(due);
      expect(v.reviewsPassed).to.equal(0);
      await travelTo(due + GRACE - 1);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.Valid);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(true);
      await travelTo(due + GRACE);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.ReviewOverdue);
      expect((await c.verifyCertificate(f.tokenId)).status).to.equal(CertificateStatus.ReviewOverdue);
      expect(await c.holdsValidCertificate(f.holders[0].address, 2)).to.equal(false);
      expect(await c.isValidCertificateOf(f.holders[0].address, f.tokenId, 2)).to.equal(false);
      const uri = await c.tokenURI(f.tokenId);
      const json = JSON.parse(Buffer.from(uri.split(",")[1]!, "base64").toString("utf8")) as {
        attributes: { trait_type: string; value: unknown }[];
      };
      expect(json.attributes.find((a) => a.trait_type === "Status")?.value).to.equal("Review overdue");
    });

    it("a rulebook without reviews, and a last review that would fall at or after the end of validity, ask for none", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      const plain = await issueOne(f, f.key1, f.holders[1]); // rulebook 1: no reviews
      expect((await c.verifyCertificate(plain.tokenId)).nextReviewDue).to.equal(0);
      await travelTo(plain.issuedAt + NOTICE_PERIOD + 2 * YEAR);
      expect(await c.statusOf(plain.tokenId)).to.equal(CertificateStatus.Valid);
      await expect(review(f, plain.tokenId, Review.Passed)).to.be.revertedWithCustomError(c, "NoReviewDue").withArgs(plain.tokenId);

      // validity ends exactly two intervals after the notice: one review, then none
      const t = (await ethers.provider.getBlock("latest"))!.timestamp + 1;
      await setNextTimestamp(t);
      const short = await issueOne(f, f.key1, f.holders[2], { rulebookId: REVIEWED, validUntil: t + NOTICE_PERIOD + 2 * YEAR });
      const from = short.issuedAt + NOTICE_PERIOD;
      expect((await c.verifyCertificate(short.tokenId)).nextReviewDue).to.equal(from + YEAR);
      await travelTo(from + YEAR);
      await expect(review(f, short.tokenId, Review.Passed))
        .to.emit(c, "AnnualReviewRecorded")
        .withArgs(short.tokenId, BODY_1, Review.Passed, EVIDENCE, 0, f.key1.address, short.block);
      expect((await c.verifyCertificate(short.tokenId)).nextReviewDue).to.equal(0);
      await expect(review(f, short.tokenId, Review.Passed)).to.be.revertedWithCustomError(c, "NoReviewDue");
      await travelTo(from + 2 * YEAR - 1);
      expect(await c.statusOf(short.tokenId)).to.equal(CertificateStatus.Valid);
    });
  });

  describe("recordReview", function () {
    it("passed: opens a quarter interval before it falls due, moves the next date by one interval, once per period", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      const opens = f.validFrom + YEAR - YEAR / 4;
      await expect(review(f, f.tokenId, Review.Passed))
        .to.be.revertedWithCustomError(c, "ReviewNotYetOpen")
        .withArgs(f.tokenId, opens);
      await travelTo(opens - 2);
      await expect(review(f, f.tokenId, Review.Passed)).to.be.revertedWithCustomError(c, "ReviewNotYetOpen");
      await setNextTimestamp(opens);
      const tx = review(f, f.tokenId, Review.Passed);
      await expect(tx)
        .to.emit(c, "AnnualReviewRecorded")
        .withArgs(f.tokenId, BODY_1, Review.Passed, EVIDENCE, f.validFrom + 2 * YEAR, f.key1.address, f.block);
      await expect(tx).not.to.emit(c, "CertificateSuspended");
      const v = await c.verifyCertificate(f.tokenId);
      expect(v.reviewsPassed).to.equal(1);
      expect(v.nextReviewDue).to.equal(f.validFrom + 2 * YEAR);
      expect(v.lastEventBlock).to.equal(await txBlock(await tx));
      expect(v.status).to.equal(CertificateStatus.Valid);
      // the second review opens a quarter interval before its own due date, not before
      await expect(review(f, f.tokenId, Review.Passed))
        .to.be.revertedWithCustomError(c, "ReviewNotYetOpen")
        .withArgs(f.tokenId, f.validFrom + 2 * YEAR - YEAR / 4);
      await travelTo(f.validFrom + YEAR + GRACE + DAY);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.Valid);
    });

    it("costs one storage write: the record slot, already non-zero (issue #13's gas rule, counted in the trace)", async function () {
      const f = await loadFixture(reviewedFixture);
      await travelTo(f.validFrom + YEAR);
      const before = await ethers.provider.getBlockNumber();
      const tx = await review(f, f.tokenId, Review.Passed);
      const trace = (await ethers.provider.send("debug_traceTransaction", [tx.hash, { disableMemory: true, disableStorage: true }])) as {
        structLogs: { op: string; stack?: string[] }[];
      };
      const writes = trace.structLogs.filter((l) => l.op === "SSTORE");
      expect(writes.length, "SSTOREs in recordReview").to.equal(1);
      // the slot written (the top of the stack at SSTORE) held the record before: a warm, non-zero to non-zero write
      const slot = writes[0]!.stack!.at(-1)!;
      const held = await ethers.provider.getStorage(await f.certificate.getAddress(), `0x${slot.replace(/^0x/, "").padStart(64, "0")}`, before);
      expect(BigInt(held), "the record slot before the review").to.not.equal(0n);
    });

    it("a late review brings an overdue certificate back", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await travelTo(f.validFrom + YEAR + GRACE + 10 * DAY);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.ReviewOverdue);
      await review(f, f.tokenId, Review.Passed);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.Valid);
      expect((await c.verifyCertificate(f.tokenId)).nextReviewDue).to.equal(f.validFrom + 2 * YEAR);
    });

    it("failed-suspended: the body's suspension, announced by both events; the body lifts it later", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await travelTo(f.validFrom + YEAR);
      const tx = review(f, f.tokenId, Review.FailedSuspended);
      await expect(tx)
        .to.emit(c, "AnnualReviewRecorded")
        .withArgs(f.tokenId, BODY_1, Review.FailedSuspended, EVIDENCE, f.validFrom + YEAR, f.key1.address, f.block);
      await expect(tx).to.emit(c, "CertificateSuspended").withArgs(f.tokenId, BODY_1, EVIDENCE, f.key1.address, false, f.block);
      const v = await c.verifyCertificate(f.tokenId);
      expect(v.status).to.equal(CertificateStatus.Suspended);
      expect(v.suspendedByBody).to.equal(true);
      expect(v.reviewsPassed).to.equal(0);
      // already suspended by the body: a second failure says so once, with no second suspension event
      await expect(review(f, f.tokenId, Review.FailedSuspended)).not.to.emit(c, "CertificateSuspended");
      await send(c.connect(f.key1), "reinstateCertificate", { tokenId: f.tokenId });
      await review(f, f.tokenId, Review.Passed);
      expect(await c.statusOf(f.tokenId)).to.equal(CertificateStatus.Valid);
    });

    it("FailedReview is the review's own reason: revokeCertificate and an upheld objection refuse it", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await expect(send(c.connect(f.key1), "revokeCertificate", { tokenId: f.tokenId, evidenceHash: EVIDENCE, reason: RevocationReason.FailedReview }))
        .to.be.revertedWithCustomError(c, "InvalidRevocationReason")
        .withArgs(RevocationReason.FailedReview);
      await send(c.connect(f.stranger), "fileObjection", { tokenId: f.tokenId, evidenceHash: EVIDENCE });
      await expect(
        send(c.connect(f.supervisor), "resolveObjection", { tokenId: f.tokenId, upheld: true, reason: RevocationReason.FailedReview, evidenceHash: EVIDENCE }),
      )
        .to.be.revertedWithCustomError(c, "InvalidRevocationReason")
        .withArgs(RevocationReason.FailedReview);
    });

    it("failed-revoked: revoked for good as FailedReview", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await travelTo(f.validFrom + YEAR);
      const tx = review(f, f.tokenId, Review.FailedRevoked);
      await expect(tx)
        .to.emit(c, "AnnualReviewRecorded")
        .withArgs(f.tokenId, BODY_1, Review.FailedRevoked, EVIDENCE, 0, f.key1.address, f.block);
      await expect(tx)
        .to.emit(c, "CertificateRevoked")
        .withArgs(f.tokenId, BODY_1, RevocationReason.FailedReview, EVIDENCE, f.key1.address, false, f.block);
      expect((await c.verifyCertificate(f.tokenId)).revocationReason).to.equal(RevocationReason.FailedReview);
      await expect(review(f, f.tokenId, Review.Passed))
        .to.be.revertedWithCustomError(c, "CertificateAlreadyRevoked")
        .withArgs(f.tokenId, RevocationReason.FailedReview);
    });

    it("is the issuing body's: the supervisor, another body and strangers are refused; a suspended body only fails", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await travelTo(f.validFrom + YEAR);
      for (const who of [f.supervisor, f.body2Key, f.stranger, f.holders[0], f.association]) {
        await expect(review(f, f.tokenId, Review.Passed, who))
          .to.be.revertedWithCustomError(c, "NotIssuingBody")
          .withArgs(f.tokenId, BODY_1);
      }
      await c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE);
      await expect(review(f, f.tokenId, Review.Passed))
        .to.be.revertedWithCustomError(c, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await expect(review(f, f.tokenId, Review.FailedSuspended)).to.emit(c, "AnnualReviewRecorded");
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      await expect(review(f, f.tokenId, Review.FailedRevoked))
        .to.be.revertedWithCustomError(c, "BodyAccreditationIsRevoked")
        .withArgs(BODY_1);
    });

    it("renewal and re-issue need the review done; a renewal starts the schedule again", async function () {
      const f = await loadFixture(reviewedFixture);
      const c = f.certificate;
      await travelTo(f.validFrom + YEAR + GRACE);
      await expect(
        send(c.connect(f.key1), "renewCertificate", {
          tokenId: f.tokenId,
          newResultRoot: randomRoot(),
          rulebookId: REVIEWED,
          newValidUntil: f.validFrom + 5 * YEAR,
        }),
      )
        .to.be.revertedWithCustomError(c, "NotInGoodStanding")
        .withArgs(f.tokenId, CertificateStatus.ReviewOverdue);
      const newRoot = randomRoot();
      const deadline = f.validFrom + 2 * YEAR;
      const consent = await signReissueConsent(f.holders[1], c, {
        tokenId: f.tokenId,
        newHolder: f.holders[1].address,
        newResultRoot: newRoot,
        deadline,
      });
      const reissue = () =>
        send(c.connect(f.key1), "reissueCertificate", {
          tokenId: f.tokenId,
          newHolder: f.holders[1].address,
          newResultRoot: newRoot,
          consentDeadline: deadline,
          holderConsent: consent,
        });
      await expect(reissue()).to.be.revertedWithCustomError(c, "NotInGoodStanding").withArgs(f.tokenId, CertificateStatus.ReviewOverdue);

      await review(f, f.tokenId, Review.Passed);
      const t = (await ethers.provider.getBlock("latest"))!.timestamp + 1;
      await setNextTimestamp(t);
      await send(c.connect(f.key1), "renewCertificate", {
        tokenId: f.tokenId,
        newResultRoot: randomRoot(),
        rulebookId: REVIEWED,
        newValidUntil: t + 4 * YEAR,
      });
      const v = await c.verifyCertificate(f.tokenId);
      expect(v.reviewsPassed).to.equal(0);
      expect(v.nextReviewDue).to.equal(t + NOTICE_PERIOD + YEAR);
    });

    it("works in seconds on a millisecond chain", async function () {
      const f = await loadFixture(deployMillisecondFixture);
      const c = f.certificate;
      await c.registerRulebook(ethers.id("ms rulebook with reviews"), "ipfs://rb-ms", YEAR, GRACE);
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0], { rulebookId: REVIEWED });
      const due = issuedAt + NOTICE_PERIOD + YEAR;
      expect((await c.verifyCertificate(tokenId)).nextReviewDue).to.equal(due);
      await f.clock.travelTo(due + GRACE);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.ReviewOverdue);
      await review(f, tokenId, Review.Passed);
      expect((await c.verifyCertificate(tokenId)).nextReviewDue).to.equal(due + YEAR);
      expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
    });
  });

  describe("a primary certificate no body can push out of sight (F1)", function () {
    it("a flood of revoked certificates hides the valid one from the scan, never from the holder's primary choice", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const holder = f.holders[0];
      const real = await issueOne(f, f.key1, holder);
      await travelTo(real.issuedAt + NOTICE_PERIOD);
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(true);
      // body 2 issues HOLDINGS_SCANNED certificates to the wallet and revokes them
      const flood = Array.from({ length: 16 }, () => f.issuance(holder, { level: 3 }));
      await c.connect(f.body2Key).issueCertificates(flood);
      await c.connect(f.body2Key).revokeCertificates(
        flood.map((i) => tokenIdOf(i.resultRoot, 2)),
        EVIDENCE,
        RevocationReason.Other,
      );
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(false);
      await expect(c.connect(holder).choosePrimaryCertificate(17))
        .to.be.revertedWithCustomError(c, "NoSuchHolding")
        .withArgs(holder.address, 17);
      await expect(c.connect(holder).choosePrimaryCertificate(0))
        .to.emit(c, "PrimaryCertificateChosen")
        .withArgs(holder.address, real.tokenId);
      expect(await c.primaryCertificateIndexOf(holder.address)).to.equal(1);
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(true);
      expect(await c.holdsValidCertificate(holder.address, 1)).to.equal(false); // level 2 is not level 1
      // the holder may move it; an index past the inline three works the same
      await c.connect(holder).choosePrimaryCertificate(16);
      expect(await c.primaryCertificateIndexOf(holder.address)).to.equal(17);
      expect(await c.holdsValidCertificate(holder.address, 2)).to.equal(false);
    });
  });

  describe("objections once per filer and result (F3)", function () {
    it("a filer whose objection was dismissed cannot file again on the same result; others can; a renewal is a new result", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      const object = (who = f.stranger) => send(c.connect(who), "fileObjection", { tokenId, evidenceHash: EVIDENCE });
      const dismiss = () => send(c.connect(f.key1), "resolveObjection", { tokenId, upheld: false, reason: 0, evidenceHash: EVIDENCE });
      await object();
      await dismiss();
      await expect(object()).to.be.revertedWithCustomError(c, "ObjectionAlreadyFiled").withArgs(tokenId, f.stranger.address);
      await expect(object(f.holders[5])).to.emit(c, "ObjectionFiled");
      await dismiss();
      // the issuing body's keys relay the public's signed objections from the workbench: not bounded
      for (let i = 0; i < 2; i++) {
        await expect(object(f.key2)).to.emit(c, "ObjectionFiled").withArgs(tokenId, BODY_1, f.key2.address, EVIDENCE, () => true);
        await dismiss();
      }
      await expect(object(f.body2Key)).to.emit(c, "ObjectionFiled"); // another body's key is anyone
      await dismiss();
      await expect(object(f.body2Key)).to.be.revertedWithCustomError(c, "ObjectionAlreadyFiled");
      // once the body is suspended (or revoked), its keys are bounded like anyone
      await c.connect(f.supervisor).suspendBody(BODY_1, EVIDENCE);
      await expect(object(f.key2)).to.emit(c, "ObjectionFiled");
      await send(c.connect(f.supervisor), "resolveObjection", { tokenId, upheld: false, reason: 0, evidenceHash: EVIDENCE });
      await expect(object(f.key2)).to.be.revertedWithCustomError(c, "ObjectionAlreadyFiled").withArgs(tokenId, f.key2.address);
      await c.connect(f.supervisor).reinstateBody(BODY_1);
      await travelTo(issuedAt + NOTICE_PERIOD);
      const t = issuedAt + NOTICE_PERIOD + 1;
      await setNextTimestamp(t);
      await send(c.connect(f.key1), "renewCertificate", { tokenId, newResultRoot: randomRoot(), rulebookId: 1, newValidUntil: t + 3 * YEAR });
      await expect(object()).to.emit(c, "ObjectionFiled").withArgs(tokenId, BODY_1, f.stranger.address, EVIDENCE, await eventBlockOf(c, tokenId));
    });
  });

  describe("a revoked body's suspensions pass to the supervisor", function () {
    it("the supervisor lifts the body's suspension once the body's accreditation is revoked, not before", async function () {
      const f = await loadFixture(deployFixture);
      const c = f.certificate;
      const { tokenId, issuedAt } = await issueOne(f, f.key1, f.holders[0]);
      await travelTo(issuedAt + NOTICE_PERIOD);
      await send(c.connect(f.key1), "suspendCertificate", { tokenId, evidenceHash: EVIDENCE });
      const lift = () => send(c.connect(f.supervisor), "reinstateCertificate", { tokenId });
      await expect(lift()).to.be.revertedWithCustomError(c, "CertificateNotSuspended").withArgs(tokenId, true);
      await c.revokeAccreditation(BODY_1, EVIDENCE);
      await expect(lift()).to.emit(c, "CertificateReinstated").withArgs(tokenId, BODY_1, f.supervisor.address, true, () => true);
      const v = await c.verifyCertificate(tokenId);
      expect(v.suspendedByBody).to.equal(false);
      expect(v.status).to.equal(CertificateStatus.Valid);
    });
  });
});
