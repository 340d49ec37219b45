/**
 * The whole lifecycle on a millisecond chain (FISCO BCOS, AntChain: `block.timestamp` counts milliseconds), issue #11.
 *
 * The contract is deployed with clockUnit 1000 on a Hardhat chain driven with real millisecond timestamps from
 * 2026-01-01 (`evm_setNextBlockTimestamp` before each transaction, `evm_mine` before each read). Every date passed
 * in or read back is unix seconds; boundaries are checked to the millisecond (one millisecond before a date in
 * seconds, the contract's clock still reads the second before).
 *
 * v1 kept dates as uint40 in the chain's unit: a millisecond date of 2026 (1.77e12) is already beyond uint40
 * (1.10e12), so nothing could be stored. Here `accreditedUntil` in 2036 is an ordinary seconds value.
 *
 * Hardhat's clock cannot go back, so the file takes a snapshot before its first test and reverts to it after its
 * last: the files after it find the chain's clock in seconds, as they left it.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { CQOCertificate } from "../typechain-types";
import {
  BODY_1,
  CertificateStatus,
  DAY,
  deployCertificate,
  type IssuanceVoucher,
  issuance,
  keyGrant,
  NOTICE_PERIOD,
  randomRoot,
  RevocationReason,
  RULEBOOK_1,
  RULEBOOK_HASH,
  RULEBOOK_URI,
  SCOPE_ALL_THREE,
  signReissueConsent,
  signVoucher,
  SUPERVISOR_ROLE,
  tokenIdOf,
  YEAR,
} from "./fixtures";

const CLOCK_UNIT = 1000;
/** The chain starts at 2026-01-01T00:00:00.000Z, in milliseconds. */
const START_MS = Date.UTC(2026, 0, 1);
/** The body's term: 2036-01-01, in seconds (as every date the contract takes). */
const ACCREDITED_UNTIL = Date.UTC(2036, 0, 1) / 1000;
/** Certificates' end of validity: 2029-01-01, in seconds. */
const VALID_UNTIL = Date.UTC(2029, 0, 1) / 1000;
const EVIDENCE = ethers.id("evidence");
/** Dates in seconds stay below this for millennia; a millisecond date of this century is far above it. */
const SECONDS_CEILING = 10_000_000_000;

const rpc = (method: string, params: unknown[] = []): Promise<unknown> => network.provider.send(method, params);

/** Makes the next transaction's block carry contract time `seconds` plus `ms` milliseconds. */
async function nextTxAt(seconds: number, ms = 0): Promise<void> {
  await rpc("evm_setNextBlockTimestamp", [seconds * CLOCK_UNIT + ms]);
}

/** Mines an empty block at contract time `seconds` plus `ms` milliseconds (views read the latest block). */
async function mineAt(seconds: number, ms = 0): Promise<void> {
  await rpc("evm_mine", [seconds * CLOCK_UNIT + ms]);
}

async function blockOf(tx: ContractTransactionResponse): Promise<{ number: number; timestamp: number }> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("transaction not mined");
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (!block) throw new Error("block not found");
  return { number: block.number, timestamp: block.timestamp };
}

interface MillisecondChain {
  certificate: CQOCertificate;
  association: HardhatEthersSigner;
  supervisor: HardhatEthersSigner;
  bodyAdmin: HardhatEthersSigner;
  key: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  holders: HardhatEthersSigner[];
  /** Contract time (seconds) at the end of the fixture. */
  t0: number;
  /** The timestamp (ms) of the deployment block. */
  deployedAtMs: number;
}

/**
 * Deploys with clockUnit 1000 (and a one-day handover delay) at 2026-01-01 in milliseconds, accredits body 1 until
 * 2036 (seconds) with one key, and registers rulebook 1.
 */
async function millisecondChainFixture(): Promise<MillisecondChain> {
  const [association, supervisor, bodyAdmin, key, stranger, ...holders] = await ethers.getSigners();
  const latest = await time.latest();
  if (latest >= START_MS) throw new Error(`the chain's clock (${latest}) is already past 2026 in milliseconds`);
  await rpc("evm_setNextBlockTimestamp", [START_MS]);
  const { certificate } = await deployCertificate(association, { clockUnit: CLOCK_UNIT, adminTransferDelay: DAY });
  const deployment = certificate.deploymentTransaction();
  if (!deployment) throw new Error("no deployment transaction");
  const deployedAtMs = (await blockOf(deployment)).timestamp;

  const t = Math.floor(deployedAtMs / CLOCK_UNIT);
  await nextTxAt(t + 1, 1);
  await certificate.grantRole(SUPERVISOR_ROLE, supervisor.address);
  await nextTxAt(t + 2, 2);
  await certificate.accreditBody(
    {
      admin: bodyAdmin.address,
      scope: SCOPE_ALL_THREE,
      accreditedUntil: ACCREDITED_UNTIL,
      noticePeriod: NOTICE_PERIOD,
      metadataURI: "ipfs://bodies/1.json",
      metadataHash: ethers.id("body-1-metadata"),
    },
    [await keyGrant(certificate, key, BODY_1, t + DAY)],
  );
  await nextTxAt(t + 3, 3);
  await certificate.registerRulebook(RULEBOOK_HASH, RULEBOOK_URI, 0, 0);
  return { certificate, association, supervisor, bodyAdmin, key, stranger, holders, t0: t + 3, deployedAtMs };
}

/** Issues one certificate at contract time `seconds` + `ms`; returns its number and its issue time in seconds. */
async function issueAt(
  m: MillisecondChain,
  holder: HardhatEthersSigner,
  seconds: number,
  ms: number,
  validUntil = VALID_UNTIL,
): Promise<{ tokenId: bigint; issuedAt: number; root: string; block: number }> {
  const item = issuance(holder, { validUntil });
  await nextTxAt(seconds, ms);
  const tx = await m.certificate.connect(m.key).issueCertificate(item);
  const block = await blockOf(tx);
  expect(block.timestamp).to.equal(seconds * CLOCK_UNIT + ms);
  return { tokenId: tokenIdOf(item.resultRoot), issuedAt: seconds, root: item.resultRoot, block: block.number };
}

describe("CQOCertificate on a millisecond chain (clockUnit 1000)", function () {
  let snapshot: unknown;

  before(async function () {
    snapshot = await rpc("evm_snapshot");
  });

  after(async function () {
    expect(await rpc("evm_revert", [snapshot])).to.equal(true);
    // the files after this one find the chain's clock in seconds again
    expect(await time.latest()).to.be.lessThan(SECONDS_CEILING);
  });

  it("deploys with a seconds EPOCH, takes its dates in seconds, and stores a 2036 term (no uint40 overflow)", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    expect(m.deployedAtMs).to.be.greaterThan(SECONDS_CEILING); // the chain really counts milliseconds
    expect(await c.CLOCK_UNIT()).to.equal(CLOCK_UNIT);
    expect(await c.EPOCH()).to.equal(Math.floor(m.deployedAtMs / CLOCK_UNIT));
    expect(await c.EPOCH()).to.equal(START_MS / 1000);

    // v1's dates were uint40 in the chain's unit: 2036 in milliseconds does not fit, in seconds it does
    expect(BigInt(Date.UTC(2036, 0, 1))).to.be.greaterThan(2n ** 40n - 1n);
    const { body } = await c.getBody(BODY_1);
    expect(body.accreditedUntil).to.equal(ACCREDITED_UNTIL);
    expect(body.noticePeriod).to.equal(NOTICE_PERIOD);
    expect(await c.isAccredited(BODY_1)).to.equal(true);
    // a term in the past is refused: the comparison is with now in seconds, not with block.timestamp
    await nextTxAt(m.t0 + 10);
    await expect(c.updateBodyTerms(BODY_1, SCOPE_ALL_THREE, m.t0 + 5, NOTICE_PERIOD))
      .to.be.revertedWithCustomError(c, "InvalidAccreditationTerm")
      .withArgs(m.t0 + 5);

    // the term ends at its second, to the millisecond
    await mineAt(ACCREDITED_UNTIL - 1, 999);
    expect(await c.isAccredited(BODY_1)).to.equal(true);
    await mineAt(ACCREDITED_UNTIL);
    expect(await c.isAccredited(BODY_1)).to.equal(false);
  });

  it("a date beyond the epoch's 136 years is DateOutOfRange; the last one fits", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate.connect(m.key);
    const epoch = Number(await c.EPOCH());
    const beyond = epoch + 2 ** 32;
    await nextTxAt(m.t0 + 10);
    await expect(c.issueCertificate(issuance(m.holders[0], { validUntil: beyond })))
      .to.be.revertedWithCustomError(c, "DateOutOfRange")
      .withArgs(beyond);
    await nextTxAt(m.t0 + 11);
    const last = issuance(m.holders[0], { validUntil: beyond - 1 });
    await expect(c.issueCertificate(last)).to.emit(c, "CertificateIssued");
    expect((await c.verifyCertificate(tokenIdOf(last.resultRoot))).validUntil).to.equal(beyond - 1);
  });

  it("issue, pending through the notice, objection, dismissal, valid from its second, suspend and reinstate", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    const issuedAt = m.t0 + DAY;
    const validFrom = issuedAt + NOTICE_PERIOD;
    const item = issuance(m.holders[0], { validUntil: VALID_UNTIL });
    const tokenId = tokenIdOf(item.resultRoot);
    await nextTxAt(issuedAt, 567);
    await expect(c.connect(m.key).issueCertificate(item))
      .to.emit(c, "CertificateIssued")
      .withArgs(tokenId, BODY_1, item.resultRoot, item.level, RULEBOOK_1, VALID_UNTIL, m.key.address);

    let view = await c.verifyCertificate(tokenId);
    expect(view.status).to.equal(CertificateStatus.Pending);
    expect(view.issuedAt).to.equal(issuedAt);
    expect(view.evaluatedAt).to.equal(issuedAt);
    expect(view.validFrom).to.equal(validFrom);
    expect(view.validUntil).to.equal(VALID_UNTIL);
    for (const date of [view.issuedAt, view.evaluatedAt, view.validFrom, view.validUntil]) {
      expect(date).to.be.lessThan(SECONDS_CEILING);
    }

    await nextTxAt(issuedAt + DAY, 1);
    await expect(c.connect(m.stranger).fileObjection(tokenId, EVIDENCE))
      .to.emit(c, "ObjectionFiled")
      .withArgs(tokenId, BODY_1, m.stranger.address, EVIDENCE, anyBlock());
    expect((await c.verifyCertificate(tokenId)).underObjection).to.equal(true);
    await nextTxAt(issuedAt + 2 * DAY, 2);
    const dismissal = await c.connect(m.key).resolveObjection(tokenId, false, RevocationReason.None, EVIDENCE);
    await expect(dismissal)
      .to.emit(c, "ObjectionResolved")
      .withArgs(tokenId, BODY_1, false, EVIDENCE, m.key.address, false, anyBlock());
    expect((await c.verifyCertificate(tokenId)).lastEventBlock).to.equal((await blockOf(dismissal)).number);

    // the notice ends at its second: one millisecond before, the contract's clock still reads the second before
    await mineAt(validFrom - 1, 999);
    expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Pending);
    await mineAt(validFrom);
    expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Valid);
    expect(await c.holdsValidCertificate(m.holders[0].address, 2)).to.equal(true);
    // the notice is over for objections too
    await nextTxAt(validFrom, 500);
    await expect(c.connect(m.stranger).fileObjection(tokenId, EVIDENCE))
      .to.be.revertedWithCustomError(c, "NoticePeriodOver")
      .withArgs(tokenId, validFrom);

    await nextTxAt(validFrom + DAY);
    await expect(c.connect(m.key).suspendCertificate(EVIDENCE, tokenId))
      .to.emit(c, "CertificateSuspended")
      .withArgs(tokenId, BODY_1, EVIDENCE, m.key.address, false, anyBlock());
    expect(await c.statusOf(tokenId)).to.equal(CertificateStatus.Suspended);
    await nextTxAt(validFrom + 2 * DAY);
    await expect(c.connect(m.key).reinstateCertificate(tokenId))
      .to.emit(c, "CertificateReinstated")
      .withArgs(tokenId, BODY_1, m.key.address, false, anyBlock());
    view = await c.verifyCertificate(tokenId);
    expect(view.status).to.equal(CertificateStatus.Valid);
    expect(view.validFrom).to.equal(validFrom);
  });

  it("a renewal's notice is in seconds; the certificate expires at its second", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    const first = await issueAt(m, m.holders[0], m.t0 + DAY, 250);
    const renewedAt = first.issuedAt + NOTICE_PERIOD + DAY;
    const renewalValidFrom = renewedAt + NOTICE_PERIOD;
    const newRoot = randomRoot();
    const newValidUntil = VALID_UNTIL + YEAR;

    await nextTxAt(first.issuedAt + NOTICE_PERIOD - 1, 999);
    await expect(c.connect(m.key).renewCertificate(first.tokenId, newRoot, RULEBOOK_1, newValidUntil))
      .to.be.revertedWithCustomError(c, "InPublicNotice")
      .withArgs(first.tokenId, first.issuedAt + NOTICE_PERIOD);
    await nextTxAt(renewedAt, 999);
    await expect(c.connect(m.key).renewCertificate(first.tokenId, newRoot, RULEBOOK_1, newValidUntil))
      .to.emit(c, "CertificateRenewed")
      .withArgs(first.tokenId, BODY_1, newRoot, RULEBOOK_1, renewalValidFrom, newValidUntil, m.key.address, first.block);
    const view = await c.verifyCertificate(first.tokenId);
    expect(view.status).to.equal(CertificateStatus.Valid); // the previous result runs until 2029
    expect(view.issuedAt).to.equal(first.issuedAt);
    expect(view.evaluatedAt).to.equal(renewedAt);
    expect(view.validFrom).to.equal(renewalValidFrom);
    expect(view.validUntil).to.equal(newValidUntil);

    // objections are open during the renewal's notice, to its last millisecond
    await nextTxAt(renewalValidFrom - 1, 999);
    await expect(c.connect(m.stranger).fileObjection(first.tokenId, EVIDENCE)).to.emit(c, "ObjectionFiled");
    await nextTxAt(renewalValidFrom, 1);
    await c.connect(m.key).resolveObjection(first.tokenId, false, RevocationReason.None, EVIDENCE);

    await mineAt(newValidUntil - 1, 999);
    expect(await c.statusOf(first.tokenId)).to.equal(CertificateStatus.Valid);
    await mineAt(newValidUntil);
    expect(await c.statusOf(first.tokenId)).to.equal(CertificateStatus.Expired);
  });

  it("voids compare seconds: a void date in the future (even by a millisecond's second) is refused", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate.connect(m.supervisor);
    const older = await issueAt(m, m.holders[0], m.t0 + DAY, 100);
    const newer = await issueAt(m, m.holders[1], m.t0 + 2 * DAY, 100);
    const voidAt = m.t0 + 3 * DAY;

    await nextTxAt(voidAt, 999);
    await expect(c.voidCertificatesIssuedBefore(BODY_1, voidAt + 1, EVIDENCE))
      .to.be.revertedWithCustomError(c, "VoidDateInFuture")
      .withArgs(voidAt + 1);
    await nextTxAt(voidAt + 1, 0);
    const voiding = await c.voidCertificatesIssuedBefore(BODY_1, newer.issuedAt, EVIDENCE);
    await expect(voiding)
      .to.emit(c, "BodyCertificatesVoided")
      .withArgs(BODY_1, newer.issuedAt, EVIDENCE, m.supervisor.address, 0);
    expect(await c.statusOf(older.tokenId)).to.equal(CertificateStatus.Voided);
    expect(await c.statusOf(newer.tokenId)).to.equal(CertificateStatus.Pending);
    const { profile } = await c.getBody(BODY_1);
    expect(profile.voidedBefore).to.equal(newer.issuedAt);
    expect(profile.lastVoidBlock).to.equal((await blockOf(voiding)).number);
  });

  it("a voucher's deadline is a second: accepted at its last millisecond, VoucherExpired from the next second", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    const deadline = m.t0 + DAY;
    const nonce = (await c.getBody(BODY_1)).body.voucherNonce;
    const voucher = (holder: HardhatEthersSigner): IssuanceVoucher => ({
      bodyId: BODY_1,
      issuance: issuance(holder, { validUntil: VALID_UNTIL }),
      nonce,
      deadline,
    });
    const onTime = voucher(m.holders[0]);
    const late = voucher(m.holders[1]);
    const relayer = c.connect(m.stranger);

    await nextTxAt(deadline, 999);
    await expect(relayer.issueWithVoucher(m.key.address, await signVoucher(m.key, c, onTime), onTime))
      .to.emit(c, "CertificateIssued")
      .withArgs(tokenIdOf(onTime.issuance.resultRoot), BODY_1, onTime.issuance.resultRoot, 2, RULEBOOK_1, VALID_UNTIL, m.key.address);
    expect((await c.verifyCertificate(tokenIdOf(onTime.issuance.resultRoot))).issuedAt).to.equal(deadline);
    await nextTxAt(deadline + 1);
    await expect(relayer.issueWithVoucher(m.key.address, await signVoucher(m.key, c, late), late))
      .to.be.revertedWithCustomError(c, "VoucherExpired")
      .withArgs(deadline);
  });

  it("a re-issue consent's and a signing key consent's deadlines are seconds too", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    const onTime = await issueAt(m, m.holders[0], m.t0 + DAY, 0);
    const late = await issueAt(m, m.holders[1], m.t0 + DAY + 1, 0);
    const deadline = onTime.issuedAt + NOTICE_PERIOD + DAY;
    const newHolder = m.holders[2];
    const reissue = async (tokenId: bigint, newResultRoot: string) =>
      c.connect(m.key).reissueCertificate(
        tokenId,
        newHolder.address,
        newResultRoot,
        deadline,
        await signReissueConsent(newHolder, c, { tokenId, newHolder: newHolder.address, newResultRoot, deadline }),
      );

    const root = randomRoot();
    await nextTxAt(deadline, 999);
    await expect(reissue(onTime.tokenId, root))
      .to.emit(c, "CertificateReissued")
      .withArgs(onTime.tokenId, tokenIdOf(root), BODY_1, newHolder.address, root, m.key.address, onTime.block);
    const reissued = await c.verifyCertificate(tokenIdOf(root));
    // the new wallet's public notice starts at the re-issue, in seconds (the block's 999 ms dropped)
    expect(reissued.status).to.equal(CertificateStatus.Pending);
    expect(reissued.issuedAt).to.equal(onTime.issuedAt);
    expect(reissued.evaluatedAt).to.equal(deadline);
    expect(reissued.validFrom).to.equal(deadline + NOTICE_PERIOD);
    expect(reissued.validUntil).to.equal(VALID_UNTIL);
    await nextTxAt(deadline + 1);
    await expect(reissue(late.tokenId, randomRoot()))
      .to.be.revertedWithCustomError(c, "ConsentExpired")
      .withArgs(deadline);

    // a key's consent: valid through its deadline's last millisecond
    const keyDeadline = deadline + DAY;
    const early = await keyGrant(c, m.holders[3], BODY_1, keyDeadline);
    const lateGrant = await keyGrant(c, m.holders[4], BODY_1, keyDeadline);
    await nextTxAt(keyDeadline, 999);
    await expect(c.connect(m.bodyAdmin).addSigningKey(BODY_1, early))
      .to.emit(c, "SigningKeyAdded")
      .withArgs(BODY_1, m.holders[3].address, m.bodyAdmin.address);
    await nextTxAt(keyDeadline + 1);
    await expect(c.connect(m.bodyAdmin).addSigningKey(BODY_1, lateGrant))
      .to.be.revertedWithCustomError(c, "SigningKeyConsentExpired")
      .withArgs(m.holders[4].address, keyDeadline);
  });

  it("the association's handover delay is kept in the chain's unit: one day is 86,400,000 ms", async function () {
    const m = await loadFixture(millisecondChainFixture);
    const c = m.certificate;
    const next = m.holders[0];
    expect(await c.defaultAdminDelay()).to.equal(DAY * CLOCK_UNIT);
    const begun = m.t0 + 60;
    await nextTxAt(begun, 250);
    const schedule = begun * CLOCK_UNIT + 250 + DAY * CLOCK_UNIT;
    await expect(c.beginDefaultAdminTransfer(next.address))
      .to.emit(c, "DefaultAdminTransferScheduled")
      .withArgs(next.address, schedule);
    await rpc("evm_setNextBlockTimestamp", [schedule]);
    await expect(c.connect(next).acceptDefaultAdminTransfer())
      .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
      .withArgs(schedule);
    await rpc("evm_setNextBlockTimestamp", [schedule + 1]);
    await expect(c.connect(next).acceptDefaultAdminTransfer()).to.emit(c, "RoleGranted");
    expect(await c.defaultAdmin()).to.equal(next.address);
  });
});

/** Any block number (the `previousEventBlock` of an event whose predecessor this test did not record). */
function anyBlock(): (value: unknown) => boolean {
  return (value) => typeof value === "bigint" && value > 0n;
}
