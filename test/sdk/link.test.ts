/**
 * sdk/link.ts: the library address lands on every placeholder the compiler left, and nowhere else; a reference
 * that points at real code, or bytecode left with a placeholder, is refused. Also the certificate's real bytecode.
 */
import { expect } from "chai";
import hre from "hardhat";
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { linkedCertificateBytecode, linkLibrary } from "../../sdk";
import { cqoCertificateBytecode, cqoCertificateLinkReferences } from "../../sdk/generated/bytecode";

const LIBRARY: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
/** What solc writes: __$ + 34 hex digits of keccak256("source:Library") + $__ (40 characters, 20 bytes). */
const placeholder = (name: string) => `__$${keccak256(toHex(name)).slice(2, 36)}$__`;

describe("sdk linkLibrary", () => {
  const ph = placeholder("contracts/libraries/BodyAdministration.sol:BodyAdministration");
  // 0x | 60 80 | placeholder (20 bytes at offset 2) | 5b | placeholder (at offset 23) | 00
  const code = `0x6080${ph}5b${ph}00` as Hex;
  const references = [
    { start: 2, length: 20 },
    { start: 23, length: 20 },
  ];

  it("writes the address (lower case, no 0x) at every offset and leaves every other byte", () => {
    const linked = linkLibrary(code, references, LIBRARY);
    const hex = LIBRARY.slice(2).toLowerCase();
    expect(linked).to.equal(`0x6080${hex}5b${hex}00`);
    expect(linked.length).to.equal(code.length);
  });

  it("accepts the address in any case", () => {
    expect(linkLibrary(code, references, LIBRARY.toLowerCase() as Address)).to.equal(linkLibrary(code, references, LIBRARY));
  });

  it("refuses an offset that holds no placeholder (another compilation's references, or linked twice)", () => {
    expect(() => linkLibrary(code, [{ start: 1, length: 20 }], LIBRARY)).to.throw(/no library placeholder at byte 1/);
    const once = linkLibrary(code, references, LIBRARY);
    expect(() => linkLibrary(once, references, LIBRARY)).to.throw(/no library placeholder/);
    expect(() => linkLibrary(code, [{ start: 40, length: 20 }], LIBRARY)).to.throw(/no library placeholder/);
    expect(() => linkLibrary(code, [{ start: 2, length: 32 }], LIBRARY)).to.throw(/20 bytes/);
  });

  it("refuses bytecode that still has a placeholder once linked (a library left out)", () => {
    expect(() => linkLibrary(code, references.slice(0, 1), LIBRARY)).to.throw(/unlinked/);
  });

  it("links the certificate's creation code: no placeholder left, as the artifact's references say", async () => {
    const artifact = await hre.artifacts.readArtifact("CQOCertificate");
    expect(cqoCertificateBytecode).to.equal(artifact.bytecode);
    const refs = cqoCertificateLinkReferences["contracts/libraries/BodyAdministration.sol"].BodyAdministration;
    expect(refs).to.deep.equal(artifact.linkReferences["contracts/libraries/BodyAdministration.sol"]!["BodyAdministration"]);
    expect(refs.length).to.be.greaterThan(0);
    const adminRefs = cqoCertificateLinkReferences["contracts/libraries/CertificateAdministration.sol"].CertificateAdministration;
    expect(adminRefs).to.deep.equal(
      artifact.linkReferences["contracts/libraries/CertificateAdministration.sol"]!["CertificateAdministration"],
    );
    expect(adminRefs.length).to.be.greaterThan(0);
    expect(cqoCertificateBytecode).to.contain("__$");
    const other = getAddress(`0x${"ab".repeat(20)}`);
    const linked = linkedCertificateBytecode({ bodyAdministration: LIBRARY, certificateAdministration: other });
    expect(linked).to.not.contain("__$");
    const hex = LIBRARY.slice(2).toLowerCase();
    for (const { start } of refs) expect(linked.slice(2 + start * 2, 2 + start * 2 + 40)).to.equal(hex);
    for (const { start } of adminRefs) expect(linked.slice(2 + start * 2, 2 + start * 2 + 40)).to.equal("ab".repeat(20));
    // one library alone leaves the other's placeholders: refused
    expect(() => linkLibrary(cqoCertificateBytecode, refs, LIBRARY)).to.throw(/unlinked/);
  });
});
