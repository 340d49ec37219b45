/**
 * sdk/reads.ts — the zod-free read functions — against a real deployment on anvil: the same records as CqoClient's
 * reads for every kind of certificate (pending, valid, suspended, revoked with a reason, re-issued lineage, not
 * found), bodies, rulebooks, roles, used roots, a raw eth_call decoded, the bound form on a lean client, and the
 * module graph free of zod. Also the proof-of-possession typed data of sdk/eip712.ts, checked through the chain
 * for an EOA and an ERC-1271 contract wallet.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import { createClient, http, keccak256, toHex, zeroAddress, type Address, type Hex } from "viem";
import { call } from "viem/actions";
import {
  cqoCertificateAbi,
  certificateIdsOf,
  certificatesOf,
  cqoReads,
  decodeVerification,
  DEFAULT_ADMIN_ROLE,
  getBody,
  getBodyOfSigningKey,
  getRegistryCounts,
  getRulebook,
  getRulebookIdOf,
  hasRole,
  holdsValidCertificate,
  isResultRootUsed,
  listBodies,
  listRulebooks,
  possessionTypedData,
  POSSESSION_EIP712_NAME,
  verifyPossessionProof,
  SUPERVISOR_ROLE,
  type PossessionProof,
  verifyCertificate,
  verifyCertificateCalldata,
} from "../../sdk";
import { deployFixture, NOTICE, ROLE, type Fixture } from "./fixture";

const EVIDENCE: Hex = keccak256(toHex("reads evidence"));

describe("sdk/reads (zod-free reads on anvil)", function () {
  this.timeout(60_000);
  let f: Fixture;
  let pending: bigint;
  let valid: bigint;
  let suspended: bigint;
  let revoked: bigint;
  let reissued: { from: bigint; to: bigint };
  let usedRoot: Hex;

  before(async () => {
    f = await deployFixture();
    const key1 = f.as(ROLE.key1);
    const issue = async (n: number) => (await key1.issueCertificate(await f.issuance(f.holder(n)))).tokenId;
    valid = await issue(1);
    suspended = await issue(2);
    revoked = await issue(3);
    const old = await issue(4);
    await f.anvil.increaseTime(NOTICE + 1);
    const i = await f.issuance(f.holder(5));
    usedRoot = i.resultRoot;
    pending = (await key1.issueCertificate(i)).tokenId;
    await key1.suspendCertificate(suspended, EVIDENCE);
    await key1.revokeCertificate(revoked, "Fraud", EVIDENCE);
    const consent = { tokenId: old, newHolder: f.holder(6), newResultRoot: keccak256(toHex(`reads reissue ${Date.now()}`)), deadline: (await f.now()) + 3600 };
    const signed = await f.as(ROLE.holders + 6).signReissueConsent(consent);
    const { newTokenId } = await key1.reissueCertificate(signed.consent, signed.signature);
    reissued = { from: old, to: newTokenId };
  });
  after(async () => {
    await f?.anvil.stop();
  });

  const client = () => f.anvil.publicClient;
  const address = () => f.deployment.certificate;

  it("verifyCertificate gives each status with the same record as CqoClient", async () => {
    const expected: [bigint, string, string | null][] = [
      [valid, "Valid", null],
      [pending, "Pending", null],
      [suspended, "Suspended", null],
      [revoked, "Revoked", "Fraud"],
      [reissued.from, "Revoked", "Reissued"],
      [reissued.to, "Pending", null], // a re-issued certificate's own public notice
    ];
    for (const [id, status, reason] of expected) {
      const v = await verifyCertificate(client(), address(), id);
      expect(v, `#${id}`).to.include({ tokenId: id, status, valid: status === "Valid", revocationReason: reason });
      expect(v).to.deep.equal(await f.reader.verifyCertificate(id));
    }
    expect((await verifyCertificate(client(), address(), valid)).holder).to.equal(f.holder(1));
    const lineage = await verifyCertificate(client(), address(), reissued.to);
    expect(lineage.predecessor).to.equal(reissued.from);
    expect((await verifyCertificate(client(), address(), reissued.from)).successor).to.equal(reissued.to);
  });

  it("verifyCertificate's v2 fields: whose suspension, the current result's time, the latest event's block", async () => {
    const s = await verifyCertificate(client(), address(), suspended);
    expect(s).to.include({ suspendedByBody: true, suspendedBySupervisor: false });
    const v = await verifyCertificate(client(), address(), valid);
    expect(v).to.include({ suspendedByBody: false, suspendedBySupervisor: false });
    expect(v.evaluatedAt).to.equal(v.issuedAt);
    expect(v.validFrom - v.evaluatedAt).to.equal(NOTICE);
    expect(v.bodyId).to.equal(f.bodyId);
    // the suspension is the suspended certificate's latest event: its block is the one lastEventBlock names
    const [suspension] = await client().getContractEvents({ address: address(), abi: cqoCertificateAbi, eventName: "CertificateSuspended", args: { tokenId: suspended }, fromBlock: 0n });
    expect(s.lastEventBlock).to.equal(suspension!.blockNumber);
    // and the suspension names the issuance's block as the one before it
    const [issued] = await client().getContractEvents({ address: address(), abi: cqoCertificateAbi, eventName: "CertificateIssued", args: { tokenId: suspended }, fromBlock: 0n });
    expect(BigInt(suspension!.args.previousEventBlock!)).to.equal(issued!.blockNumber);
    expect(v.lastEventBlock > 0n).to.equal(true);
    const none = await verifyCertificate(client(), address(), 987_654_321n);
    expect(none).to.include({ lastEventBlock: 0n, evaluatedAt: 0, suspendedByBody: false, suspendedBySupervisor: false });
  });

  it("an unknown number is NotFound with no holder, and viem refuses an id that does not fit", async () => {
    const v = await verifyCertificate(client(), address(), 987_654_321n);
    expect(v).to.include({ status: "NotFound", valid: false, holder: null, revocationReason: null, predecessor: null, successor: null });
    let refused: unknown = null;
    await verifyCertificate(client(), address(), -1n).catch((e: unknown) => (refused = e));
    expect(refused, "negative token id").to.be.instanceOf(Error);
  });

  it("decodes a raw eth_call answer exactly as verifyCertificate reads it", async () => {
    const { data } = await call(client(), { to: address(), data: verifyCertificateCalldata(revoked) });
    expect(data).to.match(/^0x[0-9a-f]+$/);
    expect(decodeVerification(data!)).to.deep.equal(await verifyCertificate(client(), address(), revoked));
    expect(() => decodeVerification("0x1234")).to.throw();
  });

  it("certificates of a wallet, oldest first, and the valid-at-level check", async () => {
    expect(await certificateIdsOf(client(), address(), f.holder(1))).to.deep.equal([valid]);
    const mine = await certificatesOf(client(), address(), f.holder(1));
    expect(mine.map((c) => c.status)).to.deep.equal(["Valid"]);
    expect(mine).to.deep.equal(await f.reader.certificatesOf(f.holder(1)));
    expect(await certificatesOf(client(), address(), f.holder(30))).to.deep.equal([]);
    expect(await holdsValidCertificate(client(), address(), f.holder(1), 2)).to.equal(true);
    expect(await holdsValidCertificate(client(), address(), f.holder(1), 1)).to.equal(false);
    expect(await holdsValidCertificate(client(), address(), f.holder(2), 3)).to.equal(false);
  });

  it("bodies, signing keys, rulebooks, counts, roles and used roots", async () => {
    expect(await getRegistryCounts(client(), address())).to.deep.equal({ bodies: 2, rulebooks: 1 });
    const body = await getBody(client(), address(), f.bodyId);
    expect(body).to.deep.equal(await f.reader.getBody(f.bodyId));
    expect(body).to.include({ bodyId: f.bodyId, status: "Active", accredited: true, noticePeriod: NOTICE });
    expect(await getBody(client(), address(), 99)).to.equal(null);
    expect(await getBody(client(), address(), 0)).to.equal(null);
    expect((await listBodies(client(), address())).map((b) => b.bodyId)).to.deep.equal([1, 2]);
    expect(await getBodyOfSigningKey(client(), address(), f.anvil.account(ROLE.key2).address)).to.equal(f.body2Id);
    expect(await getBodyOfSigningKey(client(), address(), f.anvil.account(ROLE.stranger).address)).to.equal(null);
    const rulebook = await getRulebook(client(), address(), f.rulebookId);
    expect(rulebook).to.include({ rulebookId: f.rulebookId, status: "Active", uri: "ipfs://rulebook/1" });
    expect(await getRulebook(client(), address(), 7)).to.equal(null);
    expect(await listRulebooks(client(), address())).to.deep.equal([rulebook]);
    expect(await getRulebookIdOf(client(), address(), rulebook!.contentHash)).to.equal(f.rulebookId);
    expect(await getRulebookIdOf(client(), address(), keccak256(toHex("no such rulebook")))).to.equal(null);
    expect(await hasRole(client(), address(), SUPERVISOR_ROLE, f.anvil.account(ROLE.supervisor).address)).to.equal(true);
    expect(await hasRole(client(), address(), DEFAULT_ADMIN_ROLE, f.anvil.account(ROLE.association).address)).to.equal(true);
    expect(await hasRole(client(), address(), DEFAULT_ADMIN_ROLE, f.anvil.account(ROLE.stranger).address)).to.equal(false);
    expect(await isResultRootUsed(client(), address(), f.bodyId, usedRoot)).to.equal(true);
    // exact per body: another body never used it
    expect(await isResultRootUsed(client(), address(), f.body2Id, usedRoot)).to.equal(false);
    expect(await isResultRootUsed(client(), address(), f.bodyId, keccak256(toHex("never used")))).to.equal(false);
    expect(body).to.include({ admin: f.anvil.account(ROLE.admin1).address, metadataURI: "ipfs://body", voucherNonce: 0n, lastVoidBlock: 0n, voidedBefore: 0 });
  });

  it("the bound form works on a lean createClient (no public actions) and reads another contract as nothing", async () => {
    const lean = createClient({ transport: http(f.anvil.url) });
    const cqo = cqoReads(lean, address());
    expect(cqo.address).to.equal(address());
    expect((await cqo.verifyCertificate(suspended)).status).to.equal("Suspended");
    expect(await cqo.getRegistryCounts()).to.deep.equal({ bodies: 2, rulebooks: 1 });
    expect((await cqo.certificatesOf(f.holder(3))).map((c) => c.revocationReason)).to.deep.equal(["Fraud"]);
    let failed: unknown = null;
    await cqoReads(lean, zeroAddress).verifyCertificate(valid).catch((e: unknown) => (failed = e));
    expect(failed, "a call to an address without code").to.be.instanceOf(Error);
  });

  it("imports nothing that loads zod (the verify page's budget depends on it)", () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!;
        expect(spec, `${file} imports ${spec}`).to.not.match(/^zod(\/|$)/);
        if (spec.startsWith(".")) visit(resolve(dirname(file), `${spec}.ts`));
      }
    };
    visit(join(__dirname, "..", "..", "sdk", "reads.ts"));
    expect([...seen].map((p) => p.replace(/.*\/sdk\//, "sdk/")).sort()).to.deep.equal(["sdk/abi.ts", "sdk/generated/abi.ts", "sdk/reads.ts", "sdk/types.ts"]);
  });

  describe("proof of possession (sdk/eip712)", () => {
    const proof = (holder: Address, over: Partial<PossessionProof> = {}): PossessionProof => ({
      tokenId: valid,
      holder,
      challenge: keccak256(toHex(`challenge ${Date.now()}`)),
      verifier: "前台 · front desk",
      issuedAt: 1_700_000_000n,
      ...over,
    });
    const check = (p: PossessionProof, signer: Address, signature: Hex, chainId = f.deployment.chainId) =>
      verifyPossessionProof(f.anvil.publicClient, { chainId, verifyingContract: address(), proof: p, signer, signature });

    it("an EOA's signature proves possession of exactly the challenge, the chain and the contract it was made for", async () => {
      const holder = f.anvil.account(ROLE.holders + 1);
      const p = proof(holder.address);
      const typed = possessionTypedData(f.deployment.chainId, address(), p);
      expect(typed.domain).to.deep.equal({ name: POSSESSION_EIP712_NAME, version: "1", chainId: 31337, verifyingContract: address() });
      const signature = await f.anvil.wallet(ROLE.holders + 1).signTypedData({ account: holder, ...typed });
      expect(await check(p, holder.address, signature)).to.equal(true);
      expect(await check({ ...p, challenge: keccak256(toHex("another challenge")) }, holder.address, signature)).to.equal(false);
      expect(await check(p, f.holder(2), signature)).to.equal(false);
      expect(await check(p, holder.address, signature, 1)).to.equal(false);
    });

    it("an ERC-1271 contract wallet's proof is checked through the chain", async () => {
      const artifact = await hre.artifacts.readArtifact("ERC1271WalletMock");
      const owner = f.anvil.account(ROLE.holders + 21);
      const deployer = f.anvil.wallet(ROLE.association);
      const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode as Hex, args: [owner.address], account: deployer.account!, chain: deployer.chain });
      const wallet = (await f.anvil.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
      const p = proof(wallet);
      const signature = await f.anvil.wallet(ROLE.holders + 21).signTypedData({ account: owner, ...possessionTypedData(f.deployment.chainId, address(), p) });
      expect(await check(p, wallet, signature)).to.equal(true);
      expect(await check({ ...p, issuedAt: p.issuedAt + 1n }, wallet, signature)).to.equal(false);
      const stranger = await f.anvil.wallet(ROLE.stranger).signTypedData({ account: f.anvil.account(ROLE.stranger), ...possessionTypedData(f.deployment.chainId, address(), p) });
      expect(await check(p, wallet, stranger)).to.equal(false);
    });
  });
});
