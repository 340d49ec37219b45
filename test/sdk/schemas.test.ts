/** The sdk's input boundaries and deployment files, without a chain. */
import { expect } from "chai";
import {
  AddressSchema,
  Bytes32Schema,
  deploymentFor,
  GivableRevocationReasonSchema,
  IssuanceSchema,
  IssuanceVoucherSchema,
  knownDeployments,
  LevelSchema,
  parseDeployment,
  SigningKeyGrantSchema,
  TokenIdSchema,
  levelsToScope,
  scopeToLevels,
} from "../../sdk";

describe("sdk schemas and deployments", () => {
  it("accepts levels 1..8 only, reasons by name only (not None, not Reissued)", () => {
    expect([0, 1, 8, 9, 2.5].map((l) => LevelSchema.safeParse(l).success)).to.deep.equal([false, true, true, false, false]);
    expect(GivableRevocationReasonSchema.safeParse("Fraud").success).to.equal(true);
    expect(GivableRevocationReasonSchema.safeParse("Reissued").success).to.equal(false);
    expect(GivableRevocationReasonSchema.safeParse("None").success).to.equal(false);
    expect(GivableRevocationReasonSchema.safeParse(1).success).to.equal(false);
  });

  it("normalises addresses, bytes32 and certificate numbers", () => {
    expect(AddressSchema.parse("0x000000000000000000000000000000000000dead")).to.equal("0x000000000000000000000000000000000000dEaD");
    expect(AddressSchema.safeParse("0x1234").success).to.equal(false);
    expect(Bytes32Schema.parse(`0x${"AB".repeat(32)}`)).to.equal(`0x${"ab".repeat(32)}`);
    expect(Bytes32Schema.safeParse("0x12").success).to.equal(false);
    expect(TokenIdSchema.parse("0xff")).to.equal(255n);
    expect(TokenIdSchema.parse("18446744073709551615")).to.equal(2n ** 64n - 1n);
    expect(TokenIdSchema.safeParse("18446744073709551616").success).to.equal(false);
    expect(TokenIdSchema.safeParse(0).success).to.equal(false);
  });

  it("refuses an issuance with a zero root, a zero holder or a 41-bit date", () => {
    const ok = { level: 2, validUntil: 2_000_000_000, resultRoot: `0x${"11".repeat(32)}`, holder: "0x000000000000000000000000000000000000dEaD", rulebookId: 1 };
    expect(IssuanceSchema.safeParse(ok).success).to.equal(true);
    expect(IssuanceSchema.safeParse({ ...ok, resultRoot: `0x${"00".repeat(32)}` }).success).to.equal(false);
    expect(IssuanceSchema.safeParse({ ...ok, holder: `0x${"00".repeat(20)}` }).success).to.equal(false);
    expect(IssuanceSchema.safeParse({ ...ok, validUntil: 2 ** 40 }).success).to.equal(false);
  });

  it("scope masks and levels round-trip", () => {
    expect(scopeToLevels(0b1010_0001)).to.deep.equal([1, 6, 8]);
    expect(levelsToScope([1, 6, 8])).to.equal(0b1010_0001);
  });

  it("reads deployments.json and the demo's deployment file (blockNumber) alike, checked against the chain", () => {
    expect(knownDeployments.chains).to.be.an("object");
    const demo = { chainId: 31337, certificate: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", renderer: "0x5fbdb2315678afecb367f032d93f642f64180aa3", association: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", deployedAt: "2025-01-01T00:00:00Z", blockNumber: 2, rpcUrl: "http://127.0.0.1:8545" };
    const d = parseDeployment(demo);
    expect(d).to.include({ deployBlock: 2, certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" });
    expect(deploymentFor(31337, demo).chainId).to.equal(31337);
    expect(() => deploymentFor(1, demo)).to.throw(/chain 1/);
    expect(() => parseDeployment({ chainId: 1, certificate: "0x12" })).to.throw(/certificate/);
  });

  it("a deployment records its clock unit (1 when an older file has none) and its library; other units are refused", () => {
    const base = { chainId: 31337, certificate: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", renderer: "0x5fbdb2315678afecb367f032d93f642f64180aa3", deployBlock: 3 };
    expect(parseDeployment(base).clockUnit).to.equal(1);
    expect(parseDeployment(base).library).to.equal(undefined);
    const ms = parseDeployment({ ...base, clockUnit: 1000, library: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0" });
    expect(ms).to.include({ clockUnit: 1000, library: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" });
    expect(() => parseDeployment({ ...base, clockUnit: 60 })).to.throw(/clockUnit/);
    expect(() => parseDeployment({ ...base, library: "0x12" })).to.throw(/library/);
    // what writeDeploymentFile writes reads back the same
    expect(parseDeployment(JSON.parse(JSON.stringify(ms)))).to.deep.equal(ms);
  });

  it("a voucher's nonce is a uint64 bigint; a signing-key grant needs a key, a 40-bit deadline and hex bytes", () => {
    const issuance = { level: 2, validUntil: 2_000_000_000, resultRoot: `0x${"11".repeat(32)}`, holder: "0x000000000000000000000000000000000000dEaD", rulebookId: 1 };
    const voucher = { issuance, deadline: 2_000_000_000, bodyId: 1 };
    expect(IssuanceVoucherSchema.parse({ ...voucher, nonce: "18446744073709551615" }).nonce).to.equal(2n ** 64n - 1n);
    expect(IssuanceVoucherSchema.parse({ ...voucher, nonce: 0 }).nonce).to.equal(0n);
    expect(IssuanceVoucherSchema.safeParse({ ...voucher, nonce: 2n ** 64n }).success).to.equal(false);
    const grant = { key: "0x000000000000000000000000000000000000dead", deadline: 2_000_000_000, signature: `0x${"ab".repeat(65)}` };
    expect(SigningKeyGrantSchema.parse(grant).key).to.equal("0x000000000000000000000000000000000000dEaD");
    expect(SigningKeyGrantSchema.safeParse({ ...grant, key: `0x${"00".repeat(20)}` }).success).to.equal(false);
    expect(SigningKeyGrantSchema.safeParse({ ...grant, deadline: 2 ** 40 }).success).to.equal(false);
    expect(SigningKeyGrantSchema.safeParse({ ...grant, signature: "0xabc" }).success).to.equal(false);
  });
});
