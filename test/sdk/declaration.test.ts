/**
 * The applicant's integrity declaration (sdk/declaration.ts): what the digest binds and what it leaves to the
 * workbench, and that a signature made in a wallet recovers to the applicant only for the very message signed.
 */
import { expect } from "chai";
import { hashTypedData, recoverTypedDataAddress, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { syntheticDossier } from "../../scoring/synthetic";
import { INTEGRITY_DECLARATION, declarationDigestOf, declarationTextHash, declarationTypedData, integrityDeclaration } from "../../sdk";

const applicant = privateKeyToAccount(`0x${"11".repeat(32)}`);
const CERT: Address = "0x00000000000000000000000000000000000c0de1";

describe("sdk · integrity declaration (诚信承诺书, EIP-712)", () => {
  it("the digest ignores the number and the body's findings (the workbench's) but binds every declared field", () => {
    const d = syntheticDossier(7);
    const base = declarationDigestOf(d);
    expect(declarationDigestOf({ ...d, dossierId: "HN-2026-000001" })).to.equal(base);
    expect(declarationDigestOf({ ...d, review: { falseMaterials: true } })).to.equal(base);
    expect(declarationDigestOf({ ...d, applicant: { ...d.applicant, qualityYears: d.applicant.qualityYears + 1 } })).to.not.equal(base);
    expect(declarationDigestOf({ ...d, employer: { ...d.employer, name: `${d.employer.name}分公司` } })).to.not.equal(base);
  });

  it("the text's hash is of zh, a newline and en, so a changed text is a different declaration", () => {
    expect(declarationTextHash()).to.equal(declarationTextHash({ zh: INTEGRITY_DECLARATION.zh, en: INTEGRITY_DECLARATION.en }));
    expect(declarationTextHash({ zh: `${INTEGRITY_DECLARATION.zh}。`, en: INTEGRITY_DECLARATION.en })).to.not.equal(declarationTextHash());
  });

  it("a wallet's signature recovers to the applicant for the message signed, and to someone else once consent flips", async () => {
    const message = integrityDeclaration({ applicant: applicant.address, dossier: syntheticDossier(8), publishInNotice: false, signedAt: 1_780_000_000 });
    expect(message).to.include({ declarationVersion: INTEGRITY_DECLARATION.version, publishInNotice: false });
    const typed = declarationTypedData(31337, CERT, message);
    const signature = await applicant.signTypedData(typed);
    expect(await recoverTypedDataAddress({ ...typed, signature })).to.equal(applicant.address);
    const consented = declarationTypedData(31337, CERT, { ...message, publishInNotice: true });
    expect(hashTypedData(consented)).to.not.equal(hashTypedData(typed));
    expect(await recoverTypedDataAddress({ ...consented, signature })).to.not.equal(applicant.address);
    // another chain or contract: another domain
    expect(hashTypedData(declarationTypedData(1, CERT, message))).to.not.equal(hashTypedData(typed));
  });
});
