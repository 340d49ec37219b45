/**
 * Every custom error in the contracts' ABIs has a message in both languages, and each decodes from raw revert
 * data wherever viem nests it. A new error in a contract fails here (and in tsc) until it is explained.
 */
import { expect } from "chai";
import { BaseError, encodeErrorResult, type AbiParameter, type Hex } from "viem";
import { CONTRACT_ERROR_MESSAGES, cqoErrorsAbi, explainError, TransactionRevertedError } from "../../sdk";

/** A plausible value for each argument type, so messages are rendered with real arguments. */
function sample(p: AbiParameter): unknown {
  if (p.type === "address") return "0x000000000000000000000000000000000000dEaD";
  if (p.type === "bytes32") return `0x${"ab".repeat(32)}`;
  if (p.type === "bool") return true;
  if (p.type === "string") return "x";
  if (p.type === "uint256") return 123n;
  if (p.type.startsWith("uint")) return Number(p.type.slice(4)) > 48 ? 7n : 1;
  throw new Error(`no sample for ${p.type}`);
}

describe("sdk explainError: a message for every contract error", () => {
  for (const item of cqoErrorsAbi) {
    it(`${item.name}`, () => {
      expect(Object.hasOwn(CONTRACT_ERROR_MESSAGES, item.name), `no message for ${item.name}`).to.equal(true);
      const args = item.inputs.map(sample);
      const data = encodeErrorResult({ abi: [item], errorName: item.name, args } as Parameters<typeof encodeErrorResult>[0]) as Hex;
      // as an RPC error would carry it, two levels down a viem error chain
      const rpc = Object.assign(new BaseError("execution reverted"), { data });
      const explained = explainError(new BaseError("estimateGas failed", { cause: rpc }));
      expect(explained.code).to.equal(item.name);
      expect(explained.kind).to.equal("contract");
      expect(explained.zh.length).to.be.greaterThan(3);
      expect(explained.en.length).to.be.greaterThan(10);
      expect(explained.zh).to.not.contain("undefined");
      expect(explained.en).to.not.contain("undefined");
    });
  }

  it("has no message for an error the contracts do not have", () => {
    const names = new Set(cqoErrorsAbi.map((e) => e.name));
    expect(Object.keys(CONTRACT_ERROR_MESSAGES).filter((n) => !names.has(n as never))).to.deep.equal([]);
  });

  it("explains a reverted transaction by the reason its replay found", () => {
    const explained = explainError(new BaseError("x", { cause: Object.assign(new BaseError("execution reverted"), { data: encodeErrorResult({ abi: cqoErrorsAbi, errorName: "Soulbound" }) }) }));
    const reverted = new TransactionRevertedError(`0x${"12".repeat(32)}`, explained);
    expect(explainError(reverted)).to.deep.equal(explained);
    expect(explainError(new TransactionRevertedError(`0x${"12".repeat(32)}`)).code).to.equal("unknown");
  });

  it("explains an unknown failure without throwing", () => {
    expect(explainError(new Error("boom"))).to.include({ code: "unknown", isError: true });
    expect(explainError("string thrown")).to.include({ code: "unknown" });
  });
});
