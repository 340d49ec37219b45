import { expect } from "chai";
import { idNumberCheckChar, idNumberFault, usccCheckChar, usccFault } from "../../scoring";

describe("scoring: identifier checksums", () => {
  it("GB 11643: accepts a correct ID number and pinpoints each kind of fault", () => {
    // 11010519491231002X is the standard's worked example (check character X)
    expect(idNumberCheckChar("11010519491231002")).to.equal("X");
    expect(idNumberFault("11010519491231002X")).to.equal(null);
    expect(idNumberFault("110105194912310021")).to.equal("check");
    expect(idNumberFault("110105194902300028")).to.equal("birthdate");
    expect(idNumberFault("1101051949123100")).to.equal("format");
  });

  it("GB 32100: accepts a correct credit code and rejects a changed check character or alphabet", () => {
    const body = "91430100MA4L0000";
    const first17 = `${body}0`;
    const check = usccCheckChar(first17);
    expect(check).to.be.a("string");
    expect(usccFault(first17 + check)).to.equal(null);
    const wrong = check === "0" ? "1" : "0";
    expect(usccFault(first17 + wrong)).to.equal("check");
    expect(usccFault(`${body}I${check}`)).to.equal("format"); // I is not in the alphabet
  });
});
