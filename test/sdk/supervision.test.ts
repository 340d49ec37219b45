/**
 * The sdk's supervision calls on anvil (issue #13's contract part): a rulebook registered with its review schedule
 * (from its own JSON), annual reviews recorded and walked in the history, an overdue review computed by the
 * contract, the holder's primary certificate; and `reviewScheduleOf`'s arithmetic.
 */
import { expect } from "chai";
import { keccak256, toHex } from "viem";
import {
  explainError,
  primaryCertificateIndexOf,
  reviewScheduleOf,
  ReviewScheduleSchema,
  type CqoClient,
} from "../../sdk";
import defaultRulebook from "../../rulebooks/hn-cqo-default-2024.1.json";
import { DAY, deployFixture, NOTICE, ROLE, YEAR, type Fixture } from "./fixture";

const EVIDENCE = keccak256(toHex("sdk review evidence"));

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    const explained = explainError(err);
    expect(explained.code, explained.en).to.equal(code);
    expect(explained.zh).to.be.a("string").and.not.equal("");
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("sdk: review schedules from rulebooks", () => {
  it("12 months are 365 days; the grace comes from reviewGraceDays (0 when absent); a grace as long as the interval is refused", () => {
    expect(reviewScheduleOf(defaultRulebook)).to.deep.equal({ reviewInterval: 365 * DAY, reviewGrace: 0 });
    expect(reviewScheduleOf({ validity: { years: 3, reviewMonths: 12, reviewGraceDays: 30 } })).to.deep.equal({
      reviewInterval: 365 * DAY,
      reviewGrace: 30 * DAY,
    });
    expect(reviewScheduleOf({ validity: { years: 3, reviewMonths: 6 } }).reviewInterval).to.equal(183 * DAY); // 182.5, rounded
    expect(() => reviewScheduleOf({ validity: { years: 3, reviewMonths: 1, reviewGraceDays: 30 } })).to.throw(/grace/);
    expect(() => reviewScheduleOf({ validity: { years: 3 } })).to.throw();
    expect(ReviewScheduleSchema.safeParse({ reviewInterval: 0, reviewGrace: 1 }).success).to.equal(false);
    expect(ReviewScheduleSchema.safeParse({ reviewInterval: 10, reviewGrace: 9 }).success).to.equal(true);
  });
});

describe("sdk: annual reviews and the primary certificate (anvil)", function () {
  let f: Fixture;
  let admin: CqoClient;
  let key1: CqoClient;
  let reviewed: number;
  before(async () => {
    f = await deployFixture();
    admin = f.as(ROLE.association);
    key1 = f.as(ROLE.key1);
    reviewed = (await admin.registerRulebook(keccak256(toHex("sdk reviewed rulebook")), "ipfs://reviewed", { reviewInterval: YEAR, reviewGrace: 30 * DAY })).rulebookId;
  });
  after(async () => {
    await f?.anvil.stop();
  });

  it("registers a rulebook with its schedule and reads it back; refuses a bad schedule before sending", async () => {
    const rb = await f.reader.getRulebook(reviewed);
    expect(rb).to.include({ reviewInterval: YEAR, reviewGrace: 30 * DAY, status: "Active" });
    let refused: unknown;
    try {
      await admin.registerRulebook(keccak256(toHex("bad schedule")), "x", { reviewInterval: 0, reviewGrace: 5 });
    } catch (err) {
      refused = err;
    }
    expect(String(refused)).to.match(/schedule/);
  });

  it("records a review, shows the next date, walks it in the history; an overdue review is not valid", async () => {
    const { tokenId } = await key1.issueCertificate(await f.issuance(f.holder(1), { rulebookId: reviewed }));
    const v0 = await f.reader.verifyCertificate(tokenId);
    expect(v0.nextReviewDue).to.equal(v0.validFrom + YEAR);
    await expectCode(key1.recordReview(tokenId, "Passed", EVIDENCE), "ReviewNotYetOpen");
    await f.advance(NOTICE + YEAR - YEAR / 4 + 1); // a review opens a quarter interval before its due date
    await key1.recordReview(tokenId, "Passed", EVIDENCE);
    const v1 = await f.reader.verifyCertificate(tokenId);
    expect(v1).to.include({ reviewsPassed: 1, nextReviewDue: v0.validFrom + 2 * YEAR, status: "Valid" });
    const history = await f.reader.certificateHistory(tokenId);
    const entry = history.at(-1)!;
    expect(entry).to.include({ kind: "reviewed", result: "Passed", evidenceHash: EVIDENCE, nextReviewDue: v0.validFrom + 2 * YEAR });
    expect(entry.actor).to.equal(f.anvil.account(ROLE.key1).address);

    await f.advance(YEAR + YEAR / 4 + 31 * DAY); // past the second due date (notice end + 2 years) and its 30 days of grace
    const late = await f.reader.verifyCertificate(tokenId);
    expect(late.status).to.equal("ReviewOverdue");
    expect(late.valid).to.equal(false);
    await expectCode(f.as(ROLE.supervisor).recordReview(tokenId, "Passed", EVIDENCE), "NotIssuingBody");
    await key1.recordReview(tokenId, "FailedRevoked", EVIDENCE);
    const revoked = await f.reader.verifyCertificate(tokenId);
    expect(revoked).to.include({ status: "Revoked", revocationReason: "FailedReview" });
    expect((await f.reader.certificateHistory(tokenId)).slice(-2).map((h) => h.kind)).to.deep.equal(["reviewed", "revoked"]);
  });

  it("the holder names a primary certificate", async () => {
    const holder = f.as(ROLE.holders + 2);
    const first = await key1.issueCertificate(await f.issuance(f.holder(2)));
    const second = await key1.issueCertificate(await f.issuance(f.holder(2)));
    expect(await primaryCertificateIndexOf(f.anvil.publicClient, f.deployment.certificate, f.holder(2))).to.equal(null);
    await holder.choosePrimaryCertificate(1);
    expect(await primaryCertificateIndexOf(f.anvil.publicClient, f.deployment.certificate, f.holder(2))).to.equal(1);
    await expectCode(holder.choosePrimaryCertificate(5), "NoSuchHolding");
    expect(second.tokenId).to.not.equal(first.tokenId);
  });
});
