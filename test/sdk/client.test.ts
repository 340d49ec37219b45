/**
 * The sdk against a real node (anvil): deployment, reads, every kind of write, chunked and resumable batch
 * issuance, the history rebuilt from events, vouchers (EOA and ERC-1271) and errors explained from real reverts.
 */
import { expect } from "chai";
import hre from "hardhat";
import { createPublicClient, hashTypedData, http, keccak256, toHex, UserRejectedRequestError, type Address, type Hex } from "viem";
import {
  certificateNumberOf,
  CqoClient,
  cqoCertificateAbi,
  DEFAULT_ADMIN_ROLE,
  deployCqo,
  explainError,
  issuanceVoucherTypes,
  reissueConsentTypes,
  signingKeyConsentTypedData,
  signingKeyConsentTypes,
  typeHash,
  type Issuance,
} from "../../sdk";
import { startAnvil } from "./anvil";
import { DAY, deployFixture, freshRoot, NOTICE, ROLE, YEAR, type Fixture } from "./fixture";

const EVIDENCE: Hex = keccak256(toHex("evidence"));

async function expectExplained(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    const explained = explainError(err);
    expect(explained.code, `${explained.en}`).to.equal(code);
    expect(explained.zh).to.be.a("string").and.not.equal("");
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("sdk (viem client on anvil)", function () {
  this.timeout(60_000);
  let f: Fixture;

  before(async () => {
    f = await deployFixture();
  });
  after(async () => {
    await f?.anvil.stop();
  });

  describe("deployment and registry reads", () => {
    it("deploys with the sdk and reads bodies, keys, rulebooks and counts", async () => {
      expect(f.deployment.chainId).to.equal(31337);
      expect(f.deployment.deployBlock).to.be.greaterThan(0);
      expect(await f.reader.registryCounts()).to.deep.equal({ bodies: 2, rulebooks: 1 });
      const body = await f.reader.getBody(f.bodyId);
      expect(body).to.include({ bodyId: 1, status: "Active", accredited: true, noticePeriod: NOTICE, scope: 0b111, voucherNonce: 0n, lastVoidBlock: 0n });
      expect(body).to.include({ admin: f.anvil.account(ROLE.admin1).address, metadataURI: "ipfs://body" });
      expect(body?.levels).to.deep.equal([1, 2, 3]);
      expect(body?.signingKeys).to.deep.equal([f.anvil.account(ROLE.key1).address]);
      expect(await f.reader.getBody(99)).to.equal(null);
      expect((await f.reader.listBodies()).map((b) => b.bodyId)).to.deep.equal([1, 2]);
      const [rulebook] = await f.reader.listRulebooks();
      expect(rulebook).to.include({ rulebookId: 1, status: "Active", uri: "ipfs://rulebook/1" });
      expect(await f.reader.rulebookIdOf(rulebook!.contentHash)).to.equal(1);
      expect(await f.reader.bodyOfSigningKey(f.anvil.account(ROLE.key2).address)).to.equal(2);
      expect(await f.reader.bodyOfSigningKey(f.anvil.account(ROLE.stranger).address)).to.equal(null);
      expect(await f.reader.isSupervisor(f.anvil.account(ROLE.supervisor).address)).to.equal(true);
    });

    it("verifies an unknown number as NotFound", async () => {
      const v = await f.reader.verifyCertificate(12345n);
      expect(v).to.include({ status: "NotFound", valid: false, holder: null, revocationReason: null });
    });

    it("records the deployment's library and clock unit, and the contract's clock is the one recorded", async () => {
      expect(f.deployment.clockUnit).to.equal(1);
      expect(f.deployment.library).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(await f.anvil.publicClient.getCode({ address: f.deployment.library! })).to.match(/^0x[0-9a-f]{100,}/);
      const read = (functionName: "CLOCK_UNIT" | "GENESIS_BLOCK") => f.anvil.publicClient.readContract({ address: f.deployment.certificate, abi: cqoCertificateAbi, functionName });
      expect(await read("CLOCK_UNIT")).to.equal(1n);
      expect(await read("GENESIS_BLOCK")).to.equal(BigInt(f.deployment.deployBlock));
    });

    it("the EIP-712 types match the contract's type hashes", async () => {
      const read = (functionName: "VOUCHER_TYPEHASH" | "REISSUE_CONSENT_TYPEHASH" | "SIGNING_KEY_CONSENT_TYPEHASH") =>
        f.anvil.publicClient.readContract({ address: f.deployment.certificate, abi: cqoCertificateAbi, functionName });
      expect(await read("VOUCHER_TYPEHASH")).to.equal(typeHash(issuanceVoucherTypes, "IssuanceVoucher"));
      expect(await read("REISSUE_CONSENT_TYPEHASH")).to.equal(typeHash(reissueConsentTypes, "ReissueConsent"));
      expect(await read("SIGNING_KEY_CONSENT_TYPEHASH")).to.equal(typeHash(signingKeyConsentTypes, "SigningKeyConsent"));
    });

    it("a signing-key consent's typed data hashes to the contract's signingKeyConsentDigest (domain version 2)", async () => {
      const message = { bodyId: 7, key: f.anvil.account(ROLE.stranger).address, deadline: 1_900_000_000 };
      const typed = signingKeyConsentTypedData(f.deployment, message);
      expect(typed.domain).to.deep.equal({ name: "CQO Certificate", version: "2", chainId: 31337, verifyingContract: f.deployment.certificate });
      const onChain = await f.anvil.publicClient.readContract({
        address: f.deployment.certificate,
        abi: cqoCertificateAbi,
        functionName: "signingKeyConsentDigest",
        args: [message.bodyId, message.key, message.deadline],
      });
      expect(hashTypedData(typed)).to.equal(onChain);
      // each field is bound: another body, key or deadline is another digest
      expect(hashTypedData(signingKeyConsentTypedData(f.deployment, { ...message, bodyId: 8 }))).to.not.equal(onChain);
      expect(hashTypedData(signingKeyConsentTypedData(f.deployment, { ...message, deadline: message.deadline + 1 }))).to.not.equal(onChain);
    });

    it("certificate numbers: the sdk's pure certificateNumberOf is the contract's, and bodies' copies differ", async () => {
      const root = freshRoot("number");
      for (const bodyId of [1, 2, 255]) {
        const onChain = await f.anvil.publicClient.readContract({ address: f.deployment.certificate, abi: cqoCertificateAbi, functionName: "certificateNumberOf", args: [bodyId, root] });
        expect(certificateNumberOf(bodyId, root)).to.equal(onChain);
      }
      expect(certificateNumberOf(1, root)).to.not.equal(certificateNumberOf(2, root));
      expect(() => certificateNumberOf(0, root)).to.throw(RangeError);
      expect(() => certificateNumberOf(256, root)).to.throw(RangeError);
    });
  });

  describe("issuance and verification", () => {
    it("issues one certificate: pending during notice, then valid; listed by holder", async () => {
      const holder = f.holder(0);
      const issuance = await f.issuance(holder, { level: 1 });
      const { tokenId } = await f.as(ROLE.key1).issueCertificate(issuance);
      expect(tokenId).to.equal(certificateNumberOf(f.bodyId, issuance.resultRoot));
      let v = await f.reader.verifyCertificate(tokenId);
      expect(v).to.include({ status: "Pending", holder, level: 1, bodyId: f.bodyId, rulebookId: f.rulebookId, resultRoot: issuance.resultRoot });
      expect(v.validFrom - v.issuedAt).to.equal(NOTICE);
      expect(await f.reader.holdsValidCertificate(holder, 3)).to.equal(false);
      await f.anvil.increaseTime(NOTICE + 1);
      v = await f.reader.verifyCertificate(tokenId.toString());
      expect(v).to.include({ status: "Valid", valid: true });
      expect(await f.reader.holdsValidCertificate(holder, 1)).to.equal(true);
      const mine = await f.reader.certificatesOf(holder.toLowerCase());
      expect(mine.map((c) => c.tokenId)).to.deep.equal([tokenId]);
    });

    it("splits a batch into chunks under the gas budget, returning hashes and token ids per chunk", async () => {
      const items: Issuance[] = [];
      for (let i = 0; i < 30; i++) items.push(await f.issuance(f.holder(1 + (i % 5))));
      const progress: number[] = [];
      const result = await f.as(ROLE.key1).issueBatch(items, { maxGasPerChunk: 900_000n, onProgress: (p) => progress.push(p.issued) });
      expect(result.chunks.length).to.be.greaterThan(2);
      expect(result.issued.length).to.equal(30);
      expect(result.skipped).to.deep.equal([]);
      for (const chunk of result.chunks) expect(chunk.gasUsed <= 900_000n).to.equal(true);
      expect(result.chunks.flatMap((c) => c.tokenIds)).to.deep.equal(items.map((i) => certificateNumberOf(f.bodyId, i.resultRoot)));
      expect(result.issued.map((i) => i.tokenId)).to.deep.equal(items.map((i) => certificateNumberOf(f.bodyId, i.resultRoot)));
      expect(progress.at(-1)).to.equal(30);
      const v = await f.reader.verifyCertificate(result.issued[29]!.tokenId);
      expect(v.status).to.equal("Pending");
    });

    it("resumes an interrupted batch: issues only what is missing, never twice, never reverting", async () => {
      const items: Issuance[] = [];
      for (let i = 0; i < 20; i++) items.push(await f.issuance(f.holder(6)));
      // The first run "crashed" after 8 certificates.
      await f.as(ROLE.key1).issueBatch(items.slice(0, 8), { maxGasPerChunk: 700_000n });
      const resumed = await f.as(ROLE.key1).issueBatch([...items, items[3]!], { maxGasPerChunk: 700_000n });
      expect(resumed.issued.map((i) => i.resultRoot)).to.deep.equal(items.slice(8).map((i) => i.resultRoot));
      expect(resumed.skipped.filter((s) => s.reason === "already-used").length).to.equal(8);
      expect(resumed.skipped.filter((s) => s.reason === "duplicate").length).to.equal(1);
      const again = await f.as(ROLE.key1).issueBatch(items);
      expect(again.chunks).to.deep.equal([]);
      expect(again.skipped.length).to.equal(20);
      expect((await f.reader.certificatesOf(f.holder(6))).length).to.equal(20);
    });
  });

  describe("a certificate's life and its history from events", () => {
    it("records issue, objection, suspension, reinstatement, renewal, re-issue and revocation with actors", async () => {
      const key1 = f.as(ROLE.key1);
      const holder = f.holder(10);
      const newHolder = f.anvil.account(ROLE.holders + 11);
      const { tokenId } = await key1.issueCertificate(await f.issuance(holder));
      await f.as(ROLE.stranger).fileObjection(tokenId, EVIDENCE);
      expect((await f.reader.verifyCertificate(tokenId)).underObjection).to.equal(true);
      await key1.resolveObjection(tokenId, { upheld: false }, EVIDENCE);
      await f.anvil.increaseTime(NOTICE + 1);
      await f.as(ROLE.supervisor).suspendCertificate(tokenId, EVIDENCE);
      expect((await f.reader.verifyCertificate(tokenId)).status).to.equal("Suspended");
      await f.as(ROLE.supervisor).reinstateCertificate(tokenId);
      const renewedRoot = freshRoot("renewal");
      await key1.renewCertificate(tokenId, { resultRoot: renewedRoot, rulebookId: f.rulebookId, validUntil: (await f.now()) + 4 * YEAR });
      expect((await f.reader.verifyCertificate(tokenId)).resultRoot).to.equal(renewedRoot);
      // re-issue waits for the renewal's own notice to end
      await f.anvil.increaseTime(NOTICE + 1);

      const consent = { tokenId, newHolder: newHolder.address, newResultRoot: freshRoot("reissue"), deadline: (await f.now()) + DAY };
      const signed = await f.as(ROLE.holders + 11).signReissueConsent(consent);
      expect(await f.reader.verifyReissueConsent(signed.consent, signed.signature)).to.equal(true);
      const { newTokenId } = await key1.reissueCertificate(signed.consent, signed.signature);
      const old = await f.reader.verifyCertificate(tokenId);
      expect(old).to.include({ status: "Revoked", revocationReason: "Reissued", successor: newTokenId });
      const fresh = await f.reader.verifyCertificate(newTokenId);
      // a new wallet goes through a public notice of its own
      expect(fresh).to.include({ status: "Pending", holder: newHolder.address, predecessor: tokenId });
      expect(fresh.validFrom - fresh.evaluatedAt).to.equal(NOTICE);
      await key1.revokeCertificate(newTokenId, "HolderRequest", EVIDENCE);

      const history = await f.reader.certificateHistory(tokenId);
      expect(history.map((h) => h.kind)).to.deep.equal([
        "issued",
        "objection-filed",
        "objection-resolved",
        "suspended",
        "reinstated",
        "renewed",
        "revoked",
        "reissued-to",
      ]);
      const key1Address = f.anvil.account(ROLE.key1).address;
      expect(history.map((h) => h.bySupervisor)).to.deep.equal([undefined, undefined, false, true, true, undefined, false, undefined]);
      const renewed = history.find((h) => h.kind === "renewed");
      expect(renewed?.kind === "renewed" && renewed.validFrom - renewed.timestamp).to.equal(NOTICE);
      expect(history.map((h) => h.actor)).to.deep.equal([
        key1Address,
        f.anvil.account(ROLE.stranger).address,
        key1Address,
        f.anvil.account(ROLE.supervisor).address,
        f.anvil.account(ROLE.supervisor).address,
        key1Address,
        key1Address,
        key1Address,
      ]);
      for (let i = 1; i < history.length; i++) expect(history[i]!.timestamp >= history[i - 1]!.timestamp).to.equal(true);
      const revoked = history.find((h) => h.kind === "revoked");
      expect(revoked?.kind === "revoked" && revoked.reason).to.equal("Reissued");

      const successorHistory = await f.reader.certificateHistory(newTokenId);
      expect(successorHistory.map((h) => h.kind)).to.deep.equal(["reissued-from", "revoked"]);
      const from = successorHistory[0]!;
      expect(from.kind === "reissued-from" && from.from).to.equal(tokenId);
    });

    it("shows the association's void of the body, and its lifting, in the history", async () => {
      const { tokenId } = await f.as(ROLE.key2).issueCertificate(await f.issuance(f.holder(12)));
      await f.anvil.increaseTime(10);
      const t = await f.now();
      await f.as(ROLE.supervisor).voidCertificatesIssuedBefore(f.body2Id, t, EVIDENCE);
      expect((await f.reader.verifyCertificate(tokenId)).status).to.equal("Voided");
      await f.as(ROLE.supervisor).voidCertificatesIssuedBefore(f.body2Id, 0, EVIDENCE);
      const history = await f.reader.certificateHistory(tokenId);
      expect(history.map((h) => h.kind)).to.deep.equal(["issued", "voided", "void-lifted"]);
      expect(history[1]!.actor).to.equal(f.anvil.account(ROLE.supervisor).address);
    });

    it("manages bodies: keys with consent, suspension, reinstatement, cancelled vouchers, terms", async () => {
      const admin = f.as(ROLE.admin1);
      const extra = f.anvil.account(ROLE.stranger).address;
      const grant = await f.as(ROLE.stranger).signSigningKeyConsent({ bodyId: f.body2Id, deadline: (await f.now()) + DAY });
      expect(grant.key).to.equal(extra);
      await admin.addSigningKey(f.body2Id, grant);
      expect((await f.reader.getBody(f.body2Id))?.signingKeys).to.include(extra);
      await admin.removeSigningKey(f.body2Id, extra);
      // a consent is single use, and names one body
      await expectExplained(admin.addSigningKey(f.body2Id, grant), "SigningKeyConsentUsed");
      // (another deadline, or the digest for body 2 would be the used one's)
      const forBody1 = await f.as(ROLE.stranger).signSigningKeyConsent({ bodyId: f.bodyId, deadline: (await f.now()) + DAY + 1 });
      await expectExplained(admin.addSigningKey(f.body2Id, forBody1), "InvalidSignature");
      // nobody signs for a key but the key
      const refused = await f.as(ROLE.key2).signSigningKeyConsent({ bodyId: f.body2Id, key: extra, deadline: (await f.now()) + DAY }).catch((e: unknown) => e);
      expect(String(refused)).to.match(/consents for itself/);
      const before = (await f.reader.getBody(f.body2Id))!.voucherNonce;
      const { nonce } = await admin.cancelVouchers(f.body2Id);
      expect(nonce).to.not.equal(before);
      await f.as(ROLE.supervisor).suspendBody(f.body2Id, EVIDENCE);
      expect(await f.reader.getBody(f.body2Id)).to.include({ status: "Suspended", accredited: false, voucherNonce: nonce });
      await f.as(ROLE.supervisor).reinstateBody(f.body2Id);
      await f.as(ROLE.association).updateBodyTerms(f.body2Id, { scope: 0b1111, accreditedUntil: (await f.now()) + 5 * YEAR, noticePeriod: NOTICE });
      expect((await f.reader.getBody(f.body2Id))?.levels).to.deep.equal([1, 2, 3, 4]);
    });
  });

  describe("vouchers", () => {
    it("signs, checks off-line, and lets a relayer submit a body key's voucher", async () => {
      const issuance = await f.issuance(f.holder(13));
      const signed = await f.as(ROLE.key1).signIssuanceVoucher({ issuance, deadline: (await f.now()) + DAY, bodyId: f.bodyId, nonce: 0n });
      expect(await f.reader.verifyIssuanceVoucher(signed)).to.deep.equal({ ok: true, problems: [] });
      const tampered = { ...signed, voucher: { ...signed.voucher, issuance: { ...issuance, level: 1 } } };
      const check = await f.reader.verifyIssuanceVoucher(tampered);
      expect(check.problems.map((p) => p.code)).to.deep.equal(["InvalidSignature"]);
      const { tokenId } = await f.as(ROLE.relayer).issueWithVoucher(signed);
      expect(tokenId).to.equal(certificateNumberOf(f.bodyId, issuance.resultRoot));
      expect((await f.reader.verifyCertificate(tokenId)).holder).to.equal(f.holder(13));
      // the history names the key that signed, not the relayer that paid
      expect((await f.reader.certificateHistory(tokenId)).map((h) => h.actor)).to.deep.equal([f.anvil.account(ROLE.key1).address]);
      expect((await f.reader.verifyIssuanceVoucher(signed)).problems.map((p) => p.code)).to.deep.equal(["ResultRootAlreadyUsed"]);
    });

    it("checks an ERC-1271 wallet's voucher off-line and on-chain", async () => {
      const artifact = await hre.artifacts.readArtifact("ERC1271WalletMock");
      const owner = f.anvil.account(ROLE.holders + 20);
      const deployer = f.anvil.wallet(ROLE.association);
      const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode as Hex, args: [owner.address], account: deployer.account!, chain: deployer.chain });
      const wallet = (await f.anvil.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
      const ownerClient = new CqoClient(f.anvil.publicClient, f.deployment, f.anvil.wallet(ROLE.holders + 20));
      // the wallet consents through its owner's signature (ERC-1271)
      await f.as(ROLE.admin1).addSigningKey(f.bodyId, await ownerClient.signSigningKeyConsent({ bodyId: f.bodyId, key: wallet, deadline: (await f.now()) + DAY }));
      expect(await f.reader.bodyOfSigningKey(wallet)).to.equal(f.bodyId);
      const signed = await ownerClient.signIssuanceVoucher({ issuance: await f.issuance(f.holder(14)), deadline: (await f.now()) + DAY, bodyId: f.bodyId, nonce: 0n });
      const asWallet = { ...signed, signer: wallet };
      expect((await f.reader.verifyIssuanceVoucher(asWallet)).ok).to.equal(true);
      expect((await f.reader.verifyIssuanceVoucher({ ...asWallet, voucher: { ...signed.voucher, deadline: signed.voucher.deadline + 1 } })).problems.map((p) => p.code)).to.deep.equal(["InvalidSignature"]);
      await f.as(ROLE.relayer).issueWithVoucher(asWallet);
    });
  });

  describe("explainError on real refusals", () => {
    it("decodes the contracts' custom errors, in zh and en", async () => {
      const key1 = f.as(ROLE.key1);
      const issuance = await f.issuance(f.holder(15));
      await key1.issueCertificate(issuance);
      await expectExplained(key1.issueCertificate(issuance), "ResultRootAlreadyUsed");
      await expectExplained(key1.suspendCertificate(999n, EVIDENCE), "CertificateNotFound");
      const tokenId = certificateNumberOf(f.bodyId, issuance.resultRoot);
      await expectExplained(f.as(ROLE.stranger).suspendCertificate(tokenId, EVIDENCE), "NotIssuingBody");
      await expectExplained(f.as(ROLE.key2).suspendCertificate(tokenId, EVIDENCE), "NotIssuingBody");
      await expectExplained(key1.issueCertificate(await f.issuance(f.holder(15), { level: 5 })), "LevelOutOfScope");
      await expectExplained(f.as(ROLE.stranger).registerRulebook(keccak256(toHex("x")), ""), "AccessControlUnauthorizedAccount");
      await expectExplained(f.as(ROLE.association).registerRulebook(keccak256(toHex("sdk test rulebook")), ""), "RulebookAlreadyRegistered");
      await expectExplained(key1.reinstateCertificate(tokenId), "CertificateNotSuspended");
      await f.as(ROLE.supervisor).suspendCertificate(tokenId, EVIDENCE);
      await expectExplained(key1.reinstateCertificate(tokenId), "SuspendedBySupervisor");
      await expectExplained(f.as(ROLE.supervisor).suspendCertificate(tokenId, EVIDENCE), "CertificateAlreadySuspended");
      await expectExplained(f.as(ROLE.association).grantRole(DEFAULT_ADMIN_ROLE, f.anvil.account(ROLE.stranger).address), "AccessControlEnforcedDefaultAdminRules");
      await expectExplained(f.as(ROLE.association).grantSupervisor(f.anvil.account(ROLE.key1).address), "SigningKeyCannotHoldRole");
      const e = await key1.suspendCertificate(999n, EVIDENCE).catch((err: unknown) => explainError(err));
      expect(e).to.include({ kind: "contract", isError: true });
      expect(e && "en" in e ? e.en : "").to.contain("#999");
    });

    it("refuses bad input before any transaction, and names the field", async () => {
      await expectExplained(f.as(ROLE.key1).issueCertificate({ ...(await f.issuance(f.holder(15))), level: 9 }), "invalid-input");
      // @ts-expect-error: Reissued is set only by re-issuance, and the type says so
      await expectExplained(f.as(ROLE.key1).revokeCertificate(1n, "Reissued", EVIDENCE), "invalid-input");
      await expectExplained(f.reader.verifyCertificate("not a number"), "invalid-input");
    });

    it("explains a declined signature as cancelled, and an unreachable node", async () => {
      const cancelled = explainError(new UserRejectedRequestError(new Error("User rejected the request.")));
      expect(cancelled).to.include({ code: "cancelled", kind: "cancelled", isError: false });
      const offline = new CqoClient(createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0 }) }), f.deployment);
      await expectExplained(offline.verifyCertificate(1n), "network-unreachable");
      const nowhere = new CqoClient(f.anvil.publicClient, { ...f.deployment, certificate: f.anvil.account(ROLE.stranger).address });
      await expectExplained(nowhere.verifyCertificate(1n), "no-contract");
    });

    it("a node that goes away while a transaction waits for its receipt is reported unreachable within seconds", async () => {
      const node = await startAnvil();
      try {
        const deployment = await deployCqo(node.publicClient, node.wallet(ROLE.association), { association: node.account(ROLE.association).address });
        await node.testClient.setAutomine(false); // the transaction is sent but never mined
        const association = new CqoClient(node.publicClient, deployment, node.wallet(ROLE.association));
        const started = Date.now();
        const waiting = association.grantSupervisor(node.account(ROLE.supervisor).address);
        const outcome = waiting.then(() => "mined", (err: unknown) => explainError(err).code);
        await new Promise((r) => setTimeout(r, 500));
        await node.stop();
        expect(await outcome).to.equal("network-unreachable");
        expect(Date.now() - started, "well before viem's 3-minute receipt timeout").to.be.below(15_000);
      } finally {
        await node.stop();
      }
    });
  });
});
