/** Certificate numbers grouped for reading aloud and read back as typed (app/src/lib/certificateNumber.ts): pure, no browser. */
import { expect } from "chai";
import fc from "fast-check";
import { formatCertificateNumber, MAX_CERTIFICATE_NUMBER, parseCertificateNumber } from "../../app/src/lib/certificateNumber";
import { interpretScan } from "../../app/src/lib/links";

describe("dApp · certificate numbers (证书编号) in groups of four", () => {
  it("groups digits in fours from the left, from a bigint, a string or a number", () => {
    expect(formatCertificateNumber(15938900635675735616n)).to.equal("1593 8900 6356 7573 5616");
    expect(formatCertificateNumber("15938900635675735616")).to.equal("1593 8900 6356 7573 5616");
    expect(formatCertificateNumber(72057594037927937n)).to.equal("7205 7594 0379 2793 7");
    expect(formatCertificateNumber(1234)).to.equal("1234");
    expect(formatCertificateNumber(12345)).to.equal("1234 5");
    expect(formatCertificateNumber(7)).to.equal("7");
    // not a number: shown as given, never mangled
    expect(formatCertificateNumber("0xabc")).to.equal("0xabc");
  });

  it("reads a number with or without spaces, full-width digits and spaces, a leading # or No.", () => {
    const id = "15938900635675735616";
    for (const typed of [id, "1593 8900 6356 7573 5616", " 1593  8900 6356 7573 5616 ", "1593-8900-6356-7573-5616", "１５９３　８９００　６３５６　７５７３　５６１６", "#1593 8900 6356 7573 5616", "No. 1593 8900 6356 7573 5616", "no.15938900635675735616"]) {
      const r = parseCertificateNumber(typed);
      expect(r, typed).to.deep.equal({ ok: true, tokenId: id });
    }
    // leading zeros are the same number
    expect(parseCertificateNumber("0012")).to.deep.equal({ ok: true, tokenId: "12" });
  });

  it("refuses what is no certificate number, saying why in zh and en", () => {
    for (const bad of ["", "   ", "abc", "12a4", "0x1234", "1.5", "0", "0000", (MAX_CERTIFICATE_NUMBER + 1n).toString(), "9".repeat(21)]) {
      const r = parseCertificateNumber(bad);
      expect(r.ok, JSON.stringify(bad)).to.equal(false);
      if (!r.ok) {
        expect(r.problem.zh).to.match(/证书编号/);
        expect(r.problem.en).to.match(/certificate number/i);
      }
    }
    expect(parseCertificateNumber(MAX_CERTIFICATE_NUMBER.toString())).to.deep.equal({ ok: true, tokenId: MAX_CERTIFICATE_NUMBER.toString() });
  });

  it("formatting then parsing gives the number back, for every number a certificate can have", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_CERTIFICATE_NUMBER }), (n) => {
        const shown = formatCertificateNumber(n);
        expect(shown.split(" ").every((g, i, all) => (i < all.length - 1 ? g.length === 4 : g.length >= 1 && g.length <= 4))).to.equal(true);
        expect(parseCertificateNumber(shown)).to.deep.equal({ ok: true, tokenId: n.toString() });
      }),
      { numRuns: 300 },
    );
  });

  it("the verifier's search box and scanner read a grouped number as that certificate", () => {
    expect(interpretScan("1593 8900 6356 7573 5616")).to.deep.equal({ kind: "certificate", tokenId: "15938900635675735616", route: "/verify/15938900635675735616" });
    expect(interpretScan("#42")).to.deep.equal({ kind: "certificate", tokenId: "42", route: "/verify/42" });
    expect(interpretScan("0x0000000000000000000000000000000000000001").kind).to.equal("wallet");
    expect(interpretScan("not a number").kind).to.equal("unknown");
  });
});
