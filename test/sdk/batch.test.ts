/**
 * Batch issuance's retry rule (issue #11, hole 9): only `ResultRootAlreadyUsed` — this body already issued exactly
 * this root — counts as "already issued" and is skipped. A root a renewal claimed (`ResultRootUsedByRenewal`) and a
 * number another root holds (`CertificateNumberTaken`) are real failures, thrown for the caller, never counted
 * as issued. Also another body's copy of a root (its own number), and the off-line voucher check's three answers.
 */
import { expect } from "chai";
import { keccak256, toHex, type Hex } from "viem";
import { certificateNumberOf, explainError, type Issuance } from "../../sdk";
import { DAY, deployFixture, freshRoot, NOTICE, ROLE, YEAR, type Fixture } from "./fixture";

/** A root with the same certificate number as `root` (its first 56 bits) and another tail. */
const sameNumber = (root: Hex): Hex => `0x${root.slice(2, 16)}${keccak256(toHex(root)).slice(16)}` as Hex;

async function refusal(promise: Promise<unknown>): Promise<ReturnType<typeof explainError>> {
  try {
    await promise;
  } catch (err) {
    return explainError(err);
  }
  expect.fail("expected a refusal");
}

describe("sdk issueBatch: what a retry may skip", function () {
  this.timeout(90_000);
  let f: Fixture;
  /** an issued certificate, then renewed: its first root is issued, its renewal's root is claimed by the renewal */
  let issued: Issuance;
  let renewedTokenId: bigint;
  let renewalRoot: Hex;

  before(async () => {
    f = await deployFixture();
    const key1 = f.as(ROLE.key1);
    issued = await f.issuance(f.holder(1));
    renewedTokenId = (await key1.issueCertificate(issued)).tokenId;
    await f.advance(NOTICE + 1);
    renewalRoot = freshRoot("batch renewal");
    await key1.renewCertificate(renewedTokenId, { resultRoot: renewalRoot, rulebookId: f.rulebookId, validUntil: (await f.now()) + 4 * YEAR });
    expect(await f.reader.isResultRootUsed(f.bodyId, renewalRoot)).to.equal(true);
    expect(sameNumber(issued.resultRoot)).to.not.equal(issued.resultRoot);
    expect(certificateNumberOf(f.bodyId, sameNumber(issued.resultRoot))).to.equal(renewedTokenId);
  });
  after(async () => {
    await f?.anvil.stop();
  });

  it("skips a root the body already issued, with the body's number, and issues the rest", async () => {
    const fresh = await f.issuance(f.holder(2));
    const result = await f.as(ROLE.key1).issueBatch([{ ...issued }, fresh]);
    expect(result.skipped).to.deep.equal([{ resultRoot: issued.resultRoot, tokenId: renewedTokenId, reason: "already-used" }]);
    expect(result.issued).to.deep.equal([{ tokenId: certificateNumberOf(f.bodyId, fresh.resultRoot), resultRoot: fresh.resultRoot, holder: fresh.holder }]);
  });

  it("throws ResultRootUsedByRenewal for a renewal's root, first in the chunk: nothing of the chunk is issued", async () => {
    const before = await f.issuance(f.holder(3));
    const clash = await f.issuance(f.holder(3), { resultRoot: renewalRoot });
    const why = await refusal(f.as(ROLE.key1).issueBatch([before, clash]));
    expect(why.code).to.equal("ResultRootUsedByRenewal");
    expect(why.args).to.deep.equal([renewalRoot, renewedTokenId]);
    expect((await f.reader.verifyCertificate(certificateNumberOf(f.bodyId, before.resultRoot))).status).to.equal("NotFound");
  });

  it("throws ResultRootUsedByRenewal when it hides behind an already-issued root (the retry's own check)", async () => {
    // The chunk's estimate names the issued root first; the retry then finds the renewal's root used too, and
    // must not count it as issued.
    const clash = await f.issuance(f.holder(4), { resultRoot: renewalRoot });
    const fresh = await f.issuance(f.holder(4));
    const why = await refusal(f.as(ROLE.key1).issueBatch([{ ...issued }, clash, fresh]));
    expect(why.code).to.equal("ResultRootUsedByRenewal");
    expect((await f.reader.verifyCertificate(certificateNumberOf(f.bodyId, fresh.resultRoot))).status).to.equal("NotFound");
  });

  it("throws CertificateNumberTaken for another root with a used number, alone or behind an issued root", async () => {
    const taken = await f.issuance(f.holder(5), { resultRoot: sameNumber(issued.resultRoot) });
    expect(await f.reader.isResultRootUsed(f.bodyId, taken.resultRoot)).to.equal(false);
    let why = await refusal(f.as(ROLE.key1).issueBatch([taken]));
    expect(why.code).to.equal("CertificateNumberTaken");
    expect(why.args).to.deep.equal([renewedTokenId]);
    why = await refusal(f.as(ROLE.key1).issueBatch([{ ...issued }, taken]));
    expect(why.code).to.equal("CertificateNumberTaken");
  });

  it("another body issues its own copy of a root under its own number: not skipped", async () => {
    const copy = { ...issued, holder: f.holder(6) };
    const result = await f.as(ROLE.key2).issueBatch([copy]);
    expect(result.skipped).to.deep.equal([]);
    expect(result.issued.map((i) => i.tokenId)).to.deep.equal([certificateNumberOf(f.body2Id, issued.resultRoot)]);
    expect(certificateNumberOf(f.body2Id, issued.resultRoot)).to.not.equal(renewedTokenId);
    const v = await f.reader.verifyCertificate(result.issued[0]!.tokenId);
    expect(v).to.include({ bodyId: f.body2Id, holder: f.holder(6), resultRoot: issued.resultRoot });
  });

  it("the off-line voucher check tells the three reuses apart, as the contract would refuse them", async () => {
    const key1 = f.as(ROLE.key1);
    const deadline = (await f.now()) + DAY;
    const check = async (resultRoot: Hex) => {
      const signed = await key1.signIssuanceVoucher({ issuance: await f.issuance(f.holder(7), { resultRoot }), deadline, bodyId: f.bodyId, nonce: 0n });
      return (await f.reader.verifyIssuanceVoucher(signed)).problems.map((p) => p.code);
    };
    expect(await check(issued.resultRoot)).to.deep.equal(["ResultRootAlreadyUsed"]);
    expect(await check(renewalRoot)).to.deep.equal(["ResultRootUsedByRenewal"]);
    expect(await check(sameNumber(issued.resultRoot))).to.deep.equal(["CertificateNumberTaken"]);
    expect(await check(freshRoot("batch voucher"))).to.deep.equal([]);
  });
});
