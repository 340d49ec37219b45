/**
 * EIP-712 vouchers, signing-key consents and reissue consents (domain version "2"), signed with viem by EOAs and by
 * an ERC-1271 contract wallet, submitted by a relayer that pays the gas. Checks that the contract's digests are
 * viem's `hashTypedData`, the events (whose `by` is the key that signed, never the relayer), and every refusal by
 * custom error name: expiry, replay, another chain, another contract, the v1 domain, a cancelled nonce (and the
 * nonce after it: issue #11, hole 7), a signer of another body, a removed key, a suspended body, tampered fields.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { hashTypedData, keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { ERC1271WalletMock__factory, type CQOCertificate } from "../typechain-types";
import {
  CQO_EIP712_NAME,
  CQO_EIP712_VERSION,
  cqoDomain,
  issuanceVoucherTypes,
  reissueConsentTypedData,
  reissueConsentTypes,
  signingKeyConsentTypedData,
  signingKeyConsentTypes,
  typeHash,
  voucherTypedData,
  type IssuanceVoucher,
  type SigningKeyGrant,
} from "./helpers/eip712";
import { deployCertificate as deployLinkedCertificate, keyGrant } from "./fixtures";
import { BodyStatus, CertificateStatus, RevocationReason } from "./model/reference-model";

const DAY = 86_400;
const YEAR = 365 * DAY;
const NOTICE = 7 * DAY;
const BODY_1 = 1;
const BODY_2 = 2;
const RULEBOOK_1 = 1;
const RULEBOOK_2 = 2;
const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;


/** A viem account from a fixed private key: it never holds ether, so it can only sign. */
const offlineAccount = (label: string): PrivateKeyAccount => privateKeyToAccount(keccak256(toHex(`cqo test key: ${label}`)));

/** A certificate's number: its body's id, then the root's first 56 bits. */
const tokenIdOf = (resultRoot: Hex, bodyId: number = BODY_1): bigint => (BigInt(bodyId) << 56n) | (BigInt(resultRoot) >> 200n);
let rootCounter = 0;
const freshRoot = (): Hex => keccak256(toHex(`voucher root ${++rootCounter}`));

/** Renderer, the BodyAdministration library, then the linked certificate contract (deployed by the association). */
async function deployCertificate(association: HardhatEthersSigner): Promise<CQOCertificate> {
  return (await deployLinkedCertificate(association)).certificate;
}

/**
 * `signer`'s consent (signed with viem) to serve `bodyId` on the contract at `certificate`: for itself, or for the
 * ERC-1271 wallet at `key` that it owns.
 */
async function consentOf(
  chainId: bigint,
  certificate: Address,
  signer: PrivateKeyAccount,
  bodyId: number,
  key: Address = signer.address,
): Promise<SigningKeyGrant> {
  const deadline = (await time.latest()) + DAY;
  const signature = await signer.signTypedData(
    signingKeyConsentTypedData({ chainId: Number(chainId), certificate }, { bodyId, key, deadline }),
  );
  return { key, deadline, signature };
}

/**
 * A certificate contract with two accredited bodies and two rulebooks. Body 1 signs with an offline EOA key (no
 * ether), a funded key that sends its own transactions, and an ERC-1271 wallet owned by another offline key.
 */
async function voucherFixture() {
  const [association, supervisor, admin1, admin2, relayer, sender1, stranger] = await ethers.getSigners();
  const cert = await deployCertificate(association);
  const address = (await cert.getAddress()) as Address;
  await cert.grantRole(await cert.SUPERVISOR_ROLE(), supervisor.address);
  await cert.registerRulebook(keccak256(toHex("rulebook 1")), "ipfs://rulebook/1", 0, 0);
  await cert.registerRulebook(keccak256(toHex("rulebook 2")), "ipfs://rulebook/2", 0, 0);

  const keyA = offlineAccount("body 1 key A");
  const keyB = offlineAccount("body 2 key B");
  const walletOwner = offlineAccount("body 1 multisig owner");
  const wallet = await new ERC1271WalletMock__factory(association).deploy(walletOwner.address);
  const walletAddress = (await wallet.getAddress()) as Address;

  const { chainId } = await ethers.provider.getNetwork();
  const t0 = await time.latest();
  const accreditation = (admin: HardhatEthersSigner, scope: number) => ({
    admin: admin.address,
    scope,
    accreditedUntil: t0 + 10 * YEAR,
    noticePeriod: NOTICE,
    metadataURI: "ipfs://body",
    metadataHash: keccak256(toHex("body")),
  });
  // every key consents to serve its body: viem accounts, a Hardhat signer, and the wallet through its owner
  await cert.accreditBody(accreditation(admin1, 0b0111), [
    await consentOf(chainId, address, keyA, BODY_1),
    await keyGrant(cert, sender1, BODY_1),
    await consentOf(chainId, address, walletOwner, BODY_1, walletAddress),
  ]);
  await cert.accreditBody(accreditation(admin2, 0b0111), [await consentOf(chainId, address, keyB, BODY_2)]);
  return { cert, address, chainId, association, supervisor, admin1, admin2, relayer, sender1, stranger, keyA, keyB, walletOwner, walletAddress };
}

type Fixture = Awaited<ReturnType<typeof voucherFixture>>;

/** A voucher for body 1 with sensible defaults, relative to the chain's clock. */
async function voucherFor(f: Fixture, overrides: Partial<IssuanceVoucher> & { holder?: Address } = {}): Promise<IssuanceVoucher> {
  const now = await time.latest();
  const holder = overrides.holder ?? offlineAccount(`holder ${rootCounter}`).address;
  return {
    bodyId: overrides.bodyId ?? BODY_1,
    issuance: overrides.issuance ?? {
      holder,
      resultRoot: freshRoot(),
      level: 2,
      rulebookId: RULEBOOK_1,
      validUntil: now + 3 * YEAR,
    },
    nonce: overrides.nonce ?? 0n,
    deadline: overrides.deadline ?? now + DAY,
  };
}

async function sign(account: PrivateKeyAccount, f: Fixture, voucher: IssuanceVoucher, chainId: bigint = f.chainId, contract: Address = f.address): Promise<Hex> {
  return account.signTypedData(voucherTypedData(chainId, contract, voucher));
}

describe("EIP-712 vouchers, signing-key consents and reissue consents (viem signatures)", function () {
  describe("type definitions", function () {
    it("match the contract's type hashes and its ERC-5267 domain", async function () {
      const f = await loadFixture(voucherFixture);
      expect(await f.cert.VOUCHER_TYPEHASH()).to.equal(typeHash(issuanceVoucherTypes, "IssuanceVoucher"));
      expect(await f.cert.ISSUANCE_TYPEHASH()).to.equal(typeHash(issuanceVoucherTypes, "Issuance"));
      expect(await f.cert.REISSUE_CONSENT_TYPEHASH()).to.equal(typeHash(reissueConsentTypes, "ReissueConsent"));
      expect(await f.cert.SIGNING_KEY_CONSENT_TYPEHASH()).to.equal(typeHash(signingKeyConsentTypes, "SigningKeyConsent"));
      const domain = await f.cert.eip712Domain();
      expect(domain.fields).to.equal("0x0f"); // name, version, chainId, verifyingContract
      expect(domain.name).to.equal(CQO_EIP712_NAME);
      expect(domain.version).to.equal(CQO_EIP712_VERSION);
      expect(domain.version).to.equal("2"); // v2's messages never verify against a v1 deployment, nor v1's here
      expect(domain.chainId).to.equal(f.chainId);
      expect(domain.verifyingContract).to.equal(f.address);
      expect(cqoDomain(domain.chainId, f.address)).to.deep.equal({
        name: domain.name,
        version: domain.version,
        chainId: Number(domain.chainId),
        verifyingContract: f.address,
      });
    });

    it("voucherDigest equals viem's hashTypedData for random vouchers", async function () {
      const f = await loadFixture(voucherFixture);
      const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));
      const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b));
      const uint = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            bodyId: uint(16),
            issuance: fc.record({
              holder: address,
              resultRoot: hex32,
              level: uint(8),
              rulebookId: uint(16),
              validUntil: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
            }),
            nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            deadline: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
          }),
          async (voucher) => {
            expect(await f.cert.voucherDigest(voucher)).to.equal(hashTypedData(voucherTypedData(f.chainId, f.address, voucher)));
          },
        ),
        { numRuns: 40 },
      );
    });

    it("signingKeyConsentDigest equals viem's hashTypedData for random consents", async function () {
      const f = await loadFixture(voucherFixture);
      const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            bodyId: fc.integer({ min: 0, max: 2 ** 16 - 1 }),
            key: address,
            deadline: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
          }),
          async (consent) => {
            const typed = signingKeyConsentTypedData({ chainId: Number(f.chainId), certificate: f.address }, consent);
            expect(await f.cert.signingKeyConsentDigest(consent.bodyId, consent.key, consent.deadline)).to.equal(
              hashTypedData(typed),
            );
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe("issueWithVoucher", function () {
    it("issues from an EOA key's voucher submitted by a relayer, who alone pays", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const signature = await sign(f.keyA, f, voucher);
      const tokenId = tokenIdOf(voucher.issuance.resultRoot);
      const relayerBefore = await ethers.provider.getBalance(f.relayer.address);

      const tx = await f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher);
      // the event names the key that signed, not the relayer that sent
      await expect(tx)
        .to.emit(f.cert, "CertificateIssued")
        .withArgs(tokenId, BODY_1, voucher.issuance.resultRoot, 2, RULEBOOK_1, voucher.issuance.validUntil, f.keyA.address);
      await expect(tx).to.emit(f.cert, "Transfer").withArgs(ethers.ZeroAddress, voucher.issuance.holder, tokenId);
      await expect(tx).to.emit(f.cert, "Locked").withArgs(tokenId);

      const receipt = await tx.wait();
      if (receipt === null) throw new Error("no receipt");
      expect(receipt.from).to.equal(f.relayer.address);
      expect(await ethers.provider.getBalance(f.relayer.address)).to.equal(relayerBefore - receipt.gasUsed * receipt.gasPrice);
      expect(await ethers.provider.getBalance(f.keyA.address)).to.equal(0n);

      const view = await f.cert.verifyCertificate(tokenId);
      expect(view.status).to.equal(CertificateStatus.Pending);
      expect(view.holder).to.equal(voucher.issuance.holder);
      expect(view.bodyId).to.equal(BODY_1);
      expect(view.resultRoot).to.equal(voucher.issuance.resultRoot);
      expect(view.validFrom - view.issuedAt).to.equal(BigInt(NOTICE));
      expect(view.evaluatedAt).to.equal(view.issuedAt);
      expect(view.lastEventBlock).to.equal(receipt.blockNumber);
      expect(await f.cert.certificatesOf(voucher.issuance.holder)).to.deep.equal([tokenId]);
    });

    it("accepts a voucher exactly at its deadline and refuses it one second later (VoucherExpired)", async function () {
      const f = await loadFixture(voucherFixture);
      const now = await time.latest();
      const onTime = await voucherFor(f, { deadline: now + 100 });
      const late = await voucherFor(f, { deadline: now + 100 });
      const onTimeSig = await sign(f.keyA, f, onTime);
      const lateSig = await sign(f.keyA, f, late);
      await time.setNextBlockTimestamp(now + 100);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, onTimeSig, onTime)).to.emit(f.cert, "CertificateIssued");
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, lateSig, late))
        .to.be.revertedWithCustomError(f.cert, "VoucherExpired")
        .withArgs(now + 100);
    });

    it("refuses a replay of the same voucher (ResultRootAlreadyUsed), by any submitter", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const signature = await sign(f.keyA, f, voucher);
      await f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher);
      for (const submitter of [f.relayer, f.stranger]) {
        await expect(f.cert.connect(submitter).issueWithVoucher(f.keyA.address, signature, voucher))
          .to.be.revertedWithCustomError(f.cert, "ResultRootAlreadyUsed")
          .withArgs(voucher.issuance.resultRoot);
      }
      expect(await f.cert.balanceOf(voucher.issuance.holder)).to.equal(1n);
    });

    it("refuses a signature for another chain id (InvalidSignature)", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      for (const chainId of [1n, f.chainId + 1n]) {
        const signature = await sign(f.keyA, f, voucher, chainId);
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher))
          .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
          .withArgs(f.keyA.address);
      }
    });

    it("refuses a signature under the v1 domain (InvalidSignature)", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const v2 = voucherTypedData(f.chainId, f.address, voucher);
      const v1Signature = await f.keyA.signTypedData({ ...v2, domain: { ...v2.domain, version: "1" } });
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, v1Signature, voucher))
        .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
        .withArgs(f.keyA.address);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await f.keyA.signTypedData(v2), voucher)).to.emit(
        f.cert,
        "CertificateIssued",
      );
    });

    it("refuses a signature for another contract (InvalidSignature), which that contract accepts", async function () {
      const f = await loadFixture(voucherFixture);
      const other = await deployCertificate(f.association);
      const otherAddress = (await other.getAddress()) as Address;
      await other.registerRulebook(keccak256(toHex("rulebook 1")), "ipfs://rulebook/1", 0, 0);
      const otherBody = {
        admin: f.admin1.address,
        scope: 0b0111,
        accreditedUntil: (await time.latest()) + YEAR,
        noticePeriod: NOTICE,
        metadataURI: "ipfs://body",
        metadataHash: ZERO_HASH,
      };
      // keyA's consent is per contract too: the one it gave this contract is worthless on the other
      await expect(other.accreditBody(otherBody, [await consentOf(f.chainId, f.address, f.keyA, BODY_1)]))
        .to.be.revertedWithCustomError(other, "InvalidSignature")
        .withArgs(f.keyA.address);
      await other.accreditBody(otherBody, [await consentOf(f.chainId, otherAddress, f.keyA, BODY_1)]);
      const voucher = await voucherFor(f);
      const forOther = await sign(f.keyA, f, voucher, f.chainId, otherAddress);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, forOther, voucher))
        .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
        .withArgs(f.keyA.address);
      expect(await other.voucherDigest(voucher)).to.equal(hashTypedData(voucherTypedData(f.chainId, otherAddress, voucher)));
      await expect(other.connect(f.relayer).issueWithVoucher(f.keyA.address, forOther, voucher)).to.emit(other, "CertificateIssued");
    });

    it("refuses vouchers of the cancelled nonce and of the nonce after it once cancelVouchers ran (VoucherNonceMismatch)", async function () {
      const f = await loadFixture(voucherFixture);
      // signed in advance for the current nonce, and for the one a counter would have moved to
      const old = await voucherFor(f);
      const next = await voucherFor(f, { nonce: 1n });
      const oldSig = await sign(f.keyA, f, old);
      const nextSig = await sign(f.keyA, f, next);
      const cancel = await f.cert.connect(f.admin1).cancelVouchers(BODY_1);
      const nonce = (await f.cert.getBody(BODY_1))[0].voucherNonce;
      await expect(cancel).to.emit(f.cert, "VouchersCancelled").withArgs(BODY_1, nonce, f.admin1.address);
      expect(nonce).to.not.equal(0n);
      expect(nonce).to.not.equal(1n);
      for (const [voucher, signature] of [
        [old, oldSig],
        [next, nextSig],
      ] as const) {
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher))
          .to.be.revertedWithCustomError(f.cert, "VoucherNonceMismatch")
          .withArgs(nonce, voucher.nonce);
      }
      // A voucher signed for the drawn nonce works (the full uint64 is signed); one naming the nonce after it does not.
      const current = await voucherFor(f, { nonce });
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await sign(f.keyA, f, current), current))
        .to.emit(f.cert, "CertificateIssued")
        .withArgs(tokenIdOf(current.issuance.resultRoot), BODY_1, current.issuance.resultRoot, 2, RULEBOOK_1, current.issuance.validUntil, f.keyA.address);
      const future = await voucherFor(f, { nonce: nonce + 1n });
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await sign(f.keyA, f, future), future))
        .to.be.revertedWithCustomError(f.cert, "VoucherNonceMismatch")
        .withArgs(nonce, nonce + 1n);
      // The nonce is per body: body 2's vouchers are unaffected.
      const body2 = await voucherFor(f, { bodyId: BODY_2 });
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyB.address, await sign(f.keyB, f, body2), body2)).to.emit(
        f.cert,
        "CertificateIssued",
      );
    });

    it("refuses a signer that is a key of another body (VoucherSignerNotOfBody) or of none (UnauthorizedAccount)", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f, { bodyId: BODY_1 });
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyB.address, await sign(f.keyB, f, voucher), voucher))
        .to.be.revertedWithCustomError(f.cert, "VoucherSignerNotOfBody")
        .withArgs(f.keyB.address, BODY_1);
      const nobody = offlineAccount("not a key");
      await expect(f.cert.connect(f.relayer).issueWithVoucher(nobody.address, await sign(nobody, f, voucher), voucher))
        .to.be.revertedWithCustomError(f.cert, "UnauthorizedAccount")
        .withArgs(nobody.address);
      // Naming a real key of the body while the signature is someone else's.
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await sign(nobody, f, voucher), voucher))
        .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
        .withArgs(f.keyA.address);
    });

    it("refuses a voucher signed by a key removed since (UnauthorizedAccount)", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const signature = await sign(f.keyA, f, voucher);
      await expect(f.cert.connect(f.admin1).removeSigningKey(BODY_1, f.keyA.address))
        .to.emit(f.cert, "SigningKeyRemoved")
        .withArgs(BODY_1, f.keyA.address, f.admin1.address);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher))
        .to.be.revertedWithCustomError(f.cert, "UnauthorizedAccount")
        .withArgs(f.keyA.address);
    });

    it("refuses vouchers of a suspended body (BodyNotActive) and honours them again after reinstatement", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const signature = await sign(f.keyA, f, voucher);
      await f.cert.connect(f.supervisor).suspendBody(BODY_1, keccak256(toHex("evidence")));
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher))
        .to.be.revertedWithCustomError(f.cert, "BodyNotActive")
        .withArgs(BODY_1, BodyStatus.Suspended);
      await f.cert.connect(f.supervisor).reinstateBody(BODY_1);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher)).to.emit(f.cert, "CertificateIssued");
    });

    it("refuses a voucher whose signed fields were tampered with (InvalidSignature)", async function () {
      const f = await loadFixture(voucherFixture);
      const voucher = await voucherFor(f);
      const signature = await sign(f.keyA, f, voucher);
      const i = voucher.issuance;
      const tampered: [string, IssuanceVoucher][] = [
        ["holder", { ...voucher, issuance: { ...i, holder: offlineAccount("thief").address } }],
        ["resultRoot", { ...voucher, issuance: { ...i, resultRoot: freshRoot() } }],
        ["level", { ...voucher, issuance: { ...i, level: 1 } }],
        ["rulebookId", { ...voucher, issuance: { ...i, rulebookId: RULEBOOK_2 } }],
        ["validUntil", { ...voucher, issuance: { ...i, validUntil: i.validUntil + YEAR } }],
        ["deadline", { ...voucher, deadline: voucher.deadline + DAY }],
      ];
      for (const [field, forged] of tampered) {
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, forged), field)
          .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
          .withArgs(f.keyA.address);
      }
      // A body id or nonce changed in transit fails on those checks before the signature is looked at.
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, { ...voucher, bodyId: BODY_2 }))
        .to.be.revertedWithCustomError(f.cert, "VoucherSignerNotOfBody")
        .withArgs(f.keyA.address, BODY_2);
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, { ...voucher, nonce: 1n }))
        .to.be.revertedWithCustomError(f.cert, "VoucherNonceMismatch")
        .withArgs(0, 1);
      // A malformed signature, a flipped byte, and the signature of the voucher's digest itself (not typed data).
      const flipped = `${signature.slice(0, 10)}${signature[10] === "0" ? "1" : "0"}${signature.slice(11)}` as Hex;
      const raw = await f.keyA.sign({ hash: keccak256(toHex("not the digest")) });
      for (const bad of ["0x" as Hex, `0x${"11".repeat(65)}` as Hex, flipped, raw]) {
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, bad, voucher))
          .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
          .withArgs(f.keyA.address);
      }
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, signature, voucher)).to.emit(f.cert, "CertificateIssued");
    });

    it("applies the issuance rules to a voucher: scope and rulebook", async function () {
      const f = await loadFixture(voucherFixture);
      const base = await voucherFor(f);
      const outOfScope = { ...base, issuance: { ...base.issuance, level: 4 } };
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await sign(f.keyA, f, outOfScope), outOfScope))
        .to.be.revertedWithCustomError(f.cert, "LevelOutOfScope")
        .withArgs(BODY_1, 4);
      await f.cert.deprecateRulebook(RULEBOOK_2);
      const deprecated = { ...base, issuance: { ...base.issuance, rulebookId: RULEBOOK_2 } };
      await expect(f.cert.connect(f.relayer).issueWithVoucher(f.keyA.address, await sign(f.keyA, f, deprecated), deprecated))
        .to.be.revertedWithCustomError(f.cert, "RulebookIsDeprecated")
        .withArgs(RULEBOOK_2);
    });

    describe("signed by an ERC-1271 contract wallet", function () {
      it("issues when the wallet's owner signed, submitted by a relayer", async function () {
        const f = await loadFixture(voucherFixture);
        const voucher = await voucherFor(f);
        const signature = await sign(f.walletOwner, f, voucher);
        const tokenId = tokenIdOf(voucher.issuance.resultRoot);
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.walletAddress, signature, voucher))
          .to.emit(f.cert, "CertificateIssued")
          .withArgs(tokenId, BODY_1, voucher.issuance.resultRoot, 2, RULEBOOK_1, voucher.issuance.validUntil, f.walletAddress);
        expect(await f.cert.ownerOf(tokenId)).to.equal(voucher.issuance.holder);
        // Replay fails on the root, not on the wallet.
        await expect(f.cert.connect(f.stranger).issueWithVoucher(f.walletAddress, signature, voucher))
          .to.be.revertedWithCustomError(f.cert, "ResultRootAlreadyUsed")
          .withArgs(voucher.issuance.resultRoot);
      });

      it("refuses a signature by anyone but the owner, another chain or contract, and a removed wallet", async function () {
        const f = await loadFixture(voucherFixture);
        const voucher = await voucherFor(f);
        const cases: [string, Hex][] = [
          ["another key", await sign(offlineAccount("not the owner"), f, voucher)],
          ["a body key that is not the wallet", await sign(f.keyA, f, voucher)],
          ["another chain", await sign(f.walletOwner, f, voucher, f.chainId + 1n)],
          ["another contract", await sign(f.walletOwner, f, voucher, f.chainId, f.walletAddress)],
        ];
        for (const [label, signature] of cases) {
          await expect(f.cert.connect(f.relayer).issueWithVoucher(f.walletAddress, signature, voucher), label)
            .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
            .withArgs(f.walletAddress);
        }
        const good = await sign(f.walletOwner, f, voucher);
        await f.cert.connect(f.admin1).removeSigningKey(BODY_1, f.walletAddress);
        await expect(f.cert.connect(f.relayer).issueWithVoucher(f.walletAddress, good, voucher))
          .to.be.revertedWithCustomError(f.cert, "UnauthorizedAccount")
          .withArgs(f.walletAddress);
      });
    });
  });

  describe("reissueCertificate with a ReissueConsent", function () {
    /** A certificate issued by sender1 whose public notice is over: only then may it be re-issued. */
    async function issued(f: Fixture) {
      const voucher = await voucherFor(f);
      const tx = await f.cert.connect(f.sender1).issueCertificate(voucher.issuance);
      const receipt = await tx.wait();
      if (receipt === null) throw new Error("no receipt");
      await time.increase(NOTICE);
      return { tokenId: tokenIdOf(voucher.issuance.resultRoot), issuance: voucher.issuance, issuedInBlock: receipt.blockNumber };
    }

    async function consent(f: Fixture, signer: PrivateKeyAccount, tokenId: bigint, newHolder: Address, newResultRoot: Hex, deadline: number, chainId = f.chainId) {
      return signer.signTypedData(reissueConsentTypedData(chainId, f.address, { tokenId, newHolder, newResultRoot, deadline }));
    }

    it("re-issues to an EOA that consented: old revoked as Reissued, new linked to it", async function () {
      const f = await loadFixture(voucherFixture);
      const { tokenId, issuance, issuedInBlock } = await issued(f);
      const newHolder = offlineAccount("new wallet");
      const newRoot = freshRoot();
      const newTokenId = tokenIdOf(newRoot);
      const deadline = (await time.latest()) + DAY;
      const signature = await consent(f, newHolder, tokenId, newHolder.address, newRoot, deadline);

      const tx = f.cert.connect(f.sender1).reissueCertificate(tokenId, newHolder.address, newRoot, deadline, signature);
      // both events point back at the issuance, the old certificate's event before them
      await expect(tx)
        .to.emit(f.cert, "CertificateRevoked")
        .withArgs(tokenId, BODY_1, RevocationReason.Reissued, ZERO_HASH, f.sender1.address, false, issuedInBlock);
      await expect(tx)
        .to.emit(f.cert, "CertificateReissued")
        .withArgs(tokenId, newTokenId, BODY_1, newHolder.address, newRoot, f.sender1.address, issuedInBlock);
      await expect(tx).to.emit(f.cert, "Transfer").withArgs(ethers.ZeroAddress, newHolder.address, newTokenId);
      await expect(tx).to.emit(f.cert, "Locked").withArgs(newTokenId);

      const old = await f.cert.verifyCertificate(tokenId);
      expect(old.status).to.equal(CertificateStatus.Revoked);
      expect(old.revocationReason).to.equal(RevocationReason.Reissued);
      expect(old.successor).to.equal(newTokenId);
      const renewed = await f.cert.verifyCertificate(newTokenId);
      expect(renewed.holder).to.equal(newHolder.address);
      expect(renewed.predecessor).to.equal(tokenId);
      expect(renewed.level).to.equal(issuance.level);
      const reissuedAt = (await ethers.provider.getBlock((await (await tx).wait())!.blockNumber))!.timestamp;
      expect(renewed.issuedAt).to.equal(old.issuedAt);
      expect(renewed.evaluatedAt).to.equal(reissuedAt); // a new public notice for the new wallet
      expect(renewed.validFrom).to.equal(reissuedAt + NOTICE);
      expect(renewed.validUntil).to.equal(old.validUntil);
      expect(renewed.status).to.equal(CertificateStatus.Pending);
      expect(renewed.resultRoot).to.equal(newRoot);
      expect(await f.cert.certificatesOf(newHolder.address)).to.deep.equal([newTokenId]);
    });

    it("re-issues to an ERC-1271 wallet whose owner consented", async function () {
      const f = await loadFixture(voucherFixture);
      const { tokenId, issuedInBlock } = await issued(f);
      const owner = offlineAccount("holder's multisig owner");
      const wallet = await new ERC1271WalletMock__factory(f.association).deploy(owner.address);
      const walletAddress = (await wallet.getAddress()) as Address;
      const newRoot = freshRoot();
      const deadline = (await time.latest()) + DAY;
      const bad = await consent(f, offlineAccount("not the owner"), tokenId, walletAddress, newRoot, deadline);
      await expect(f.cert.connect(f.sender1).reissueCertificate(tokenId, walletAddress, newRoot, deadline, bad))
        .to.be.revertedWithCustomError(f.cert, "InvalidSignature")
        .withArgs(walletAddress);
      const good = await consent(f, owner, tokenId, walletAddress, newRoot, deadline);
      await expect(f.cert.connect(f.sender1).reissueCertificate(tokenId, walletAddress, newRoot, deadline, good))
        .to.emit(f.cert, "CertificateReissued")
        .withArgs(tokenId, tokenIdOf(newRoot), BODY_1, walletAddress, newRoot, f.sender1.address, issuedInBlock);
      expect(await f.cert.ownerOf(tokenIdOf(newRoot))).to.equal(walletAddress);
    });

    it("refuses consents that are expired, for another chain, for other fields, or by another wallet", async function () {
      const f = await loadFixture(voucherFixture);
      const { tokenId } = await issued(f);
      const newHolder = offlineAccount("new wallet 2");
      const newRoot = freshRoot();
      const now = await time.latest();
      const deadline = now + DAY;
      const reissue = (signature: Hex, holder: Address = newHolder.address, root: Hex = newRoot, until = deadline) =>
        f.cert.connect(f.sender1).reissueCertificate(tokenId, holder, root, until, signature);

      const past = now + 1;
      await time.setNextBlockTimestamp(now + 2);
      await expect(reissue(await consent(f, newHolder, tokenId, newHolder.address, newRoot, past), newHolder.address, newRoot, past))
        .to.be.revertedWithCustomError(f.cert, "ConsentExpired")
        .withArgs(past);

      const invalid: [string, Hex][] = [
        ["another chain", await consent(f, newHolder, tokenId, newHolder.address, newRoot, deadline, f.chainId + 1n)],
        ["another root", await consent(f, newHolder, tokenId, newHolder.address, freshRoot(), deadline)],
        ["another token", await consent(f, newHolder, tokenId + 1n, newHolder.address, newRoot, deadline)],
        ["another deadline", await consent(f, newHolder, tokenId, newHolder.address, newRoot, deadline + 1)],
        ["another wallet", await consent(f, offlineAccount("someone"), tokenId, newHolder.address, newRoot, deadline)],
        ["the body's key", await consent(f, f.keyA, tokenId, newHolder.address, newRoot, deadline)],
      ];
      for (const [label, signature] of invalid) {
        await expect(reissue(signature), label).to.be.revertedWithCustomError(f.cert, "InvalidSignature").withArgs(newHolder.address);
      }
      expect((await f.cert.verifyCertificate(tokenId)).status).to.equal(CertificateStatus.Valid);
      await expect(reissue(await consent(f, newHolder, tokenId, newHolder.address, newRoot, deadline))).to.emit(f.cert, "CertificateReissued");
    });
  });
});
