/**
 * The same deploy + lifecycle smoke test, written once against viem clients, run on two nodes: an anvil node that
 * this file starts (from @foundry-rs/anvil, Paris rules) and the in-process Hardhat network. Contracts are deployed
 * from the compiled artifacts (the BodyAdministration library first, linked into the certificate's bytecode);
 * transactions are signed locally by viem accounts from the shared dev mnemonic and sent raw, so both nodes see
 * exactly the same requests.
 */
import { expect } from "chai";
import hre, { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  hashTypedData,
  http,
  keccak256,
  pad,
  parseEventLogs,
  toHex,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type TransactionReceipt,
  type WalletClient,
  type Account,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { CertificateRenderer__factory, CQOCertificate__factory } from "../typechain-types";
import { cqoDomain, reissueConsentTypedData, signingKeyConsentTypes, voucherTypedData, type Issuance } from "./helpers/eip712";
import { linkLibraries, type LinkReference } from "../sdk/link";
import { CertificateStatus, RevocationReason } from "./model/reference-model";
import { rpc as jsonRpc, startNode, type LocalNode } from "../scripts/lib/node";

/** The dev mnemonic both Hardhat and anvil derive their funded accounts from. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const CERT_ABI = CQOCertificate__factory.abi;
const RENDERER_ABI = CertificateRenderer__factory.abi;

const DAY = 86_400;
const YEAR = 365 * DAY;
const NOTICE = 7 * DAY;
/** The association's handover delay at deployment (seconds). */
const ADMIN_DELAY = DAY;

/** A node's raw JSON-RPC, for the methods viem's public actions don't type (evm_increaseTime, evm_mine). */
type Rpc = (method: string, params: unknown[]) => Promise<unknown>;

/** Everything the lifecycle needs from a node, whichever it is. */
interface Node {
  name: string;
  chain: Chain;
  transport: Transport;
  rpc: Rpc;
}

interface Clients {
  publicClient: PublicClient<Transport, Chain>;
  wallet: (account: Account) => WalletClient<Transport, Chain, Account>;
  rpc: Rpc;
}

function clientsFor(node: Node): Clients {
  return {
    publicClient: createPublicClient({ chain: node.chain, transport: node.transport, pollingInterval: 50 }),
    wallet: (account) => createWalletClient({ account, chain: node.chain, transport: node.transport, pollingInterval: 50 }),
    rpc: node.rpc,
  };
}

function devChain(id: number, name: string, url: string): Chain {
  return defineChain({
    id,
    name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

// ------------------------------------------------------------------ the lifecycle, chain-agnostic

interface LifecycleReport {
  certificate: Address;
  issued: bigint[];
  finalStatuses: Record<string, CertificateStatus>;
}

/** Decoded events of one receipt, by name, in order. */
function eventsOf(receipt: TransactionReceipt) {
  return parseEventLogs({ abi: CERT_ABI, logs: receipt.logs });
}

/** The contract's numbering, computed off-chain: the body's id in the top byte, then the root's first 56 bits. */
const numberOf = (bodyId: number, root: Hex): bigint => (BigInt(bodyId) << 56n) | (BigInt(root) >> 200n);
const root = (label: string): Hex => keccak256(toHex(`anvil lifecycle ${label}`));
const ZERO: Hex = `0x${"00".repeat(32)}`;
const BODY = 1;

/**
 * @param unit the chain's clock: 1 when block timestamps count seconds, 1000 when they count milliseconds (FISCO
 * BCOS, AntChain); every date the contract takes and returns is in seconds either way.
 */
async function lifecycle(c: Clients, unit: 1 | 1000 = 1): Promise<LifecycleReport> {
  const account = (i: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
  const [association, supervisor, bodyAdmin, key, relayer, holder, holder2, key2] = [0, 1, 2, 3, 4, 5, 6, 7].map(account);
  const newWallet = privateKeyToAccount(keccak256(toHex("anvil lifecycle new wallet")));
  const pc = c.publicClient;

  const send = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await pc.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status, `transaction ${receipt.transactionHash}`).to.equal("success");
    return receipt;
  };
  const seconds = (timestamp: bigint): number => Math.floor(Number(timestamp) / unit);
  const now = async (): Promise<number> => seconds((await pc.getBlock()).timestamp);
  const travel = async (by: number): Promise<void> => {
    await c.rpc("evm_increaseTime", [by * unit]);
    await c.rpc("evm_mine", []);
  };

  // Deploy from the compiled artifacts: the renderer, the two libraries, then the certificate linked to both.
  const rendererArtifact = await hre.artifacts.readArtifact("CertificateRenderer");
  const certArtifact = await hre.artifacts.readArtifact("CQOCertificate");
  expect(certArtifact.abi).to.deep.equal(CERT_ABI, "typechain's ABI is the artifact's");
  expect(rendererArtifact.abi).to.deep.equal(RENDERER_ABI);
  const deployer = c.wallet(association);
  const renderer = (await send(deployer.deployContract({ abi: RENDERER_ABI, bytecode: rendererArtifact.bytecode as Hex, args: [] }))).contractAddress as Address;
  const libraries: Record<string, Address> = {};
  const links: { references: LinkReference; address: Address }[] = [];
  for (const name of ["BodyAdministration", "CertificateAdministration"]) {
    const artifact = await hre.artifacts.readArtifact(name);
    libraries[name] = (await send(deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode as Hex }))).contractAddress as Address;
    const placeholders = certArtifact.linkReferences[`contracts/libraries/${name}.sol`]?.[name] ?? [];
    expect(placeholders.length, `CQOCertificate calls ${name}`).to.be.greaterThan(0);
    links.push({ references: placeholders, address: libraries[name]! });
  }
  const linked = linkLibraries(certArtifact.bytecode as Hex, links);
  const certReceipt = await send(
    deployer.deployContract({ abi: CERT_ABI, bytecode: linked, args: [association.address, ADMIN_DELAY, BigInt(unit), renderer] }),
  );
  const certificate = certReceipt.contractAddress as Address;
  expect(certificate).to.match(/^0x[0-9a-fA-F]{40}$/);
  expect(eventsOf(certReceipt).map((e) => e.eventName)).to.deep.equal(["RoleGranted", "RendererChanged"]);
  const runtime = (await pc.getCode({ address: certificate })) ?? "0x";
  // The runtime code is the artifact's, up to the immutables filled in at deployment, and calls the libraries deployed above.
  expect(runtime.length).to.equal(certArtifact.deployedBytecode.length);
  for (const name of ["BodyAdministration", "CertificateAdministration"]) {
    for (const { start } of certArtifact.deployedLinkReferences[`contracts/libraries/${name}.sol`]![name]!) {
      expect(`0x${runtime.slice(2 + start * 2, 2 + start * 2 + 40)}`).to.equal(libraries[name]!.toLowerCase());
    }
  }

  const as = (who: Account) => ({ address: certificate, abi: CERT_ABI, account: who, chain: pc.chain }) as const;
  const w = (who: Account) => c.wallet(who);
  const read = { address: certificate, abi: CERT_ABI } as const;
  /** The custom error a call would revert with now (both nodes must decode the same name). */
  const refusal = (who: Account, call: Omit<Parameters<typeof pc.simulateContract>[0], "address" | "abi" | "account" | "chain">) =>
    pc.simulateContract({ ...as(who), ...call } as Parameters<typeof pc.simulateContract>[0]).then(
      () => "no revert",
      (e: unknown) => errorNameOf(e),
    );

  // The clock (its epoch in seconds whatever the unit) and the association's role, handed over only in two steps.
  const deployBlock = await pc.getBlock({ blockNumber: certReceipt.blockNumber });
  expect(await pc.readContract({ ...read, functionName: "CLOCK_UNIT" })).to.equal(BigInt(unit));
  expect(await pc.readContract({ ...read, functionName: "EPOCH" })).to.equal(seconds(deployBlock.timestamp));
  expect(await pc.readContract({ ...read, functionName: "GENESIS_BLOCK" })).to.equal(certReceipt.blockNumber);
  expect(await pc.readContract({ ...read, functionName: "defaultAdmin" })).to.equal(association.address);
  // OpenZeppelin's schedule reads block.timestamp: the delay is kept in the chain's unit
  expect(await pc.readContract({ ...read, functionName: "defaultAdminDelay" })).to.equal(ADMIN_DELAY * unit);
  expect(await refusal(association, { functionName: "grantRole", args: [ZERO, relayer.address] })).to.equal("AccessControlEnforcedDefaultAdminRules");

  await send(w(association).writeContract({ ...as(association), functionName: "grantRole", args: [await pc.readContract({ ...read, functionName: "SUPERVISOR_ROLE" }), supervisor.address] }));

  // Accredit a body: its key consents (EIP-712 SigningKeyConsent) for the id the body is about to get.
  const t0 = await now();
  const [bodiesBefore] = await pc.readContract({ ...read, functionName: "registryCounts" });
  expect(bodiesBefore + 1).to.equal(BODY);
  const consentDeadline = t0 + DAY;
  const consentOf = (signer: typeof key, bodyId: number, deadline = consentDeadline) =>
    signer.signTypedData({ domain: cqoDomain(pc.chain.id, certificate), types: signingKeyConsentTypes, primaryType: "SigningKeyConsent", message: { bodyId, key: signer.address, deadline } });
  const grant = { key: key.address, deadline: consentDeadline, signature: await consentOf(key, BODY) };
  expect(
    hashTypedData({ domain: cqoDomain(pc.chain.id, certificate), types: signingKeyConsentTypes, primaryType: "SigningKeyConsent", message: { bodyId: BODY, key: key.address, deadline: consentDeadline } }),
  ).to.equal(await pc.readContract({ ...read, functionName: "signingKeyConsentDigest", args: [BODY, key.address, consentDeadline] }));
  const accreditation = {
    admin: bodyAdmin.address,
    scope: 0b111,
    accreditedUntil: t0 + 5 * YEAR,
    noticePeriod: NOTICE,
    metadataURI: "ipfs://body/1",
    metadataHash: keccak256(toHex("body 1")),
  };
  // a consent naming another body id is not this body's key's consent
  const wrongBody = { key: key.address, deadline: consentDeadline, signature: await consentOf(key, BODY + 1) };
  expect(await refusal(association, { functionName: "accreditBody", args: [accreditation, [wrongBody]] })).to.equal("InvalidSignature");
  const accredit = await send(w(association).writeContract({ ...as(association), functionName: "accreditBody", args: [accreditation, [grant]] }));
  const [accredited, keyAdded] = eventsOf(accredit);
  expect(accredited.eventName).to.equal("BodyAccredited");
  expect(accredited.args).to.include({ bodyId: BODY, admin: bodyAdmin.address, scope: 0b111, noticePeriod: NOTICE, by: association.address });
  expect(keyAdded.eventName === "SigningKeyAdded" && keyAdded.args).to.deep.equal({ bodyId: BODY, key: key.address, by: association.address });
  // the library's events come from the certificate contract (DELEGATECALL)
  expect(accredit.logs.every((l) => l.address.toLowerCase() === certificate.toLowerCase())).to.equal(true);
  // a key never holds a role
  expect(await refusal(association, { functionName: "grantRole", args: [await pc.readContract({ ...read, functionName: "SUPERVISOR_ROLE" }), key.address] })).to.equal("SigningKeyCannotHoldRole");

  // A second key, added by the body's admin; removed, its consent cannot bring it back (single use).
  const grant2 = { key: key2.address, deadline: consentDeadline, signature: await consentOf(key2, BODY) };
  const added = eventsOf(await send(w(bodyAdmin).writeContract({ ...as(bodyAdmin), functionName: "addSigningKey", args: [BODY, grant2] })));
  expect(added.map((e) => [e.eventName, e.args])).to.deep.equal([["SigningKeyAdded", { bodyId: BODY, key: key2.address, by: bodyAdmin.address }]]);
  await send(w(bodyAdmin).writeContract({ ...as(bodyAdmin), functionName: "removeSigningKey", args: [BODY, key2.address] }));
  expect(await refusal(bodyAdmin, { functionName: "addSigningKey", args: [BODY, grant2] })).to.equal("SigningKeyConsentUsed");
  const [, profile, keys] = await pc.readContract({ ...read, functionName: "getBody", args: [BODY] });
  expect([profile.admin, keys]).to.deep.equal([bodyAdmin.address, [key.address]]);
  expect(await pc.readContract({ ...read, functionName: "bodyMetadataURI", args: [BODY] })).to.equal("ipfs://body/1");

  const rulebookHash = keccak256(toHex("rulebook hn-cqo 2024.1"));
  const registered = eventsOf(
    await send(w(association).writeContract({ ...as(association), functionName: "registerRulebook", args: [rulebookHash, "ipfs://rulebook", 0, 0] })),
  );
  expect(registered.map((e) => e.eventName)).to.deep.equal(["RulebookRegistered"]);
  expect(registered[0].args).to.deep.equal({ rulebookId: 1, contentHash: rulebookHash, uri: "ipfs://rulebook", reviewInterval: 0, reviewGrace: 0, by: association.address });

  // Issue one, then a batch. Numbers are the body's: its id, then the root's first 56 bits.
  const validUntil = t0 + 3 * YEAR;
  const single: Issuance = { holder: holder.address, resultRoot: root("single"), level: 1, rulebookId: 1, validUntil };
  const singleId = numberOf(BODY, single.resultRoot);
  expect(await pc.readContract({ ...read, functionName: "certificateNumberOf", args: [BODY, single.resultRoot] })).to.equal(singleId);
  const issueEvents = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "issueCertificate", args: [single] })));
  expect(issueEvents.map((e) => e.eventName)).to.deep.equal(["Transfer", "Locked", "CertificateIssued"]);
  const issuedEvent = issueEvents[2];
  expect(issuedEvent.eventName === "CertificateIssued" && issuedEvent.args).to.deep.equal({
    tokenId: singleId,
    bodyId: BODY,
    resultRoot: single.resultRoot,
    level: 1,
    rulebookId: 1,
    validUntil,
    by: key.address,
  });
  expect(await pc.readContract({ ...read, functionName: "isResultRootUsed", args: [BODY, single.resultRoot] })).to.equal(true);
  expect(await refusal(key, { functionName: "issueCertificate", args: [single] })).to.equal("ResultRootAlreadyUsed");

  const batch: Issuance[] = ["b1", "b2", "b3"].map((label, i) => ({
    holder: i === 2 ? holder.address : holder2.address,
    resultRoot: root(label),
    level: 2 + (i % 2),
    rulebookId: 1,
    validUntil,
  }));
  const batchIds = batch.map((b) => numberOf(BODY, b.resultRoot));
  const batchEvents = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "issueCertificates", args: [batch] })));
  expect(batchEvents.filter((e) => e.eventName === "CertificateIssued").map((e) => e.args.tokenId)).to.deep.equal(batchIds);

  // A voucher for the body's current nonce, relayed by someone else; the event names the signing key, not the relayer.
  const [bodyTerms] = await pc.readContract({ ...read, functionName: "getBody", args: [BODY] });
  const voucher = {
    bodyId: BODY,
    issuance: { holder: holder2.address, resultRoot: root("voucher"), level: 3, rulebookId: 1, validUntil },
    nonce: bodyTerms.voucherNonce,
    deadline: (await now()) + DAY,
  };
  const signature = await key.signTypedData(voucherTypedData(pc.chain.id, certificate, voucher));
  const voucherEvents = eventsOf(
    await send(w(relayer).writeContract({ ...as(relayer), functionName: "issueWithVoucher", args: [key.address, signature, voucher] })),
  );
  expect(voucherEvents.map((e) => e.eventName)).to.deep.equal(["Transfer", "Locked", "CertificateIssued"]);
  const voucherIssued = voucherEvents[2];
  expect(voucherIssued.eventName === "CertificateIssued" && voucherIssued.args.by).to.equal(key.address);
  const voucherId = numberOf(BODY, voucher.issuance.resultRoot);

  // Cancelling vouchers draws an unpredictable nonce: one signed for the old nonce is refused.
  const cancelled = eventsOf(await send(w(bodyAdmin).writeContract({ ...as(bodyAdmin), functionName: "cancelVouchers", args: [BODY] })));
  const [afterCancel] = await pc.readContract({ ...read, functionName: "getBody", args: [BODY] });
  expect(afterCancel.voucherNonce).to.not.equal(bodyTerms.voucherNonce);
  expect(cancelled.map((e) => [e.eventName, e.args])).to.deep.equal([["VouchersCancelled", { bodyId: BODY, nonce: afterCancel.voucherNonce, by: bodyAdmin.address }]]);
  const stale = { ...voucher, issuance: { ...voucher.issuance, resultRoot: root("stale voucher") } };
  const staleSignature = await key.signTypedData(voucherTypedData(pc.chain.id, certificate, stale));
  expect(await refusal(relayer, { functionName: "issueWithVoucher", args: [key.address, staleSignature, stale] })).to.equal("VoucherNonceMismatch");

  const status = (tokenId: bigint) => pc.readContract({ ...read, functionName: "statusOf", args: [tokenId] });
  const view = (tokenId: bigint) => pc.readContract({ ...read, functionName: "verifyCertificate", args: [tokenId] });
  const allIds = [singleId, ...batchIds, voucherId];
  for (const id of allIds) expect(await status(id), `status of ${id} in notice`).to.equal(CertificateStatus.Pending);
  expect(await pc.readContract({ ...read, functionName: "certificatesOf", args: [holder.address] })).to.deep.equal([singleId, batchIds[2]]);
  expect(await pc.readContract({ ...read, functionName: "balanceOf", args: [holder2.address] })).to.equal(3n);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 3] })).to.equal(false);
  // renewing during the notice is refused (the current result's notice must be over)
  expect(await refusal(key, { functionName: "renewCertificate", args: [batchIds[1], root("too early"), 1, t0 + 6 * YEAR] })).to.equal("InPublicNotice");

  // Past the notice period: valid.
  await travel(NOTICE + 1);
  for (const id of allIds) expect(await status(id), `status of ${id} after notice`).to.equal(CertificateStatus.Valid);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 1] })).to.equal(true);
  expect(await pc.readContract({ ...read, functionName: "isValidCertificateOf", args: [holder.address, singleId, 1] })).to.equal(true);

  // Suspensions by the body and by the supervisor are separate: each lifts only its own.
  const evidence = keccak256(toHex("complaint"));
  const issuedBlock = (await view(singleId)).lastEventBlock;
  const bySuspend = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "suspendCertificate", args: [evidence, singleId] })));
  expect(bySuspend.map((e) => [e.eventName, e.args])).to.deep.equal([
    ["CertificateSuspended", { tokenId: singleId, bodyId: BODY, evidenceHash: evidence, by: key.address, bySupervisor: false, previousEventBlock: issuedBlock }],
  ]);
  expect(await refusal(key, { functionName: "suspendCertificate", args: [evidence, singleId] })).to.equal("CertificateAlreadySuspended");
  const supSuspend = eventsOf(await send(w(supervisor).writeContract({ ...as(supervisor), functionName: "suspendCertificate", args: [evidence, singleId] })));
  expect(supSuspend[0].eventName === "CertificateSuspended" && [supSuspend[0].args.by, supSuspend[0].args.bySupervisor]).to.deep.equal([supervisor.address, true]);
  const both = await view(singleId);
  expect([both.status, both.suspendedByBody, both.suspendedBySupervisor]).to.deep.equal([CertificateStatus.Suspended, true, true]);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 1] })).to.equal(false);
  const bodyLift = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "reinstateCertificate", args: [singleId] })));
  expect(bodyLift[0].eventName === "CertificateReinstated" && [bodyLift[0].args.by, bodyLift[0].args.bySupervisor]).to.deep.equal([key.address, false]);
  expect(await status(singleId), "still the supervisor's suspension").to.equal(CertificateStatus.Suspended);
  expect(await refusal(key, { functionName: "reinstateCertificate", args: [singleId] })).to.equal("SuspendedBySupervisor");
  await send(w(supervisor).writeContract({ ...as(supervisor), functionName: "reinstateCertificate", args: [singleId] }));
  const lifted = await view(singleId);
  expect([lifted.status, lifted.suspendedByBody, lifted.suspendedBySupervisor]).to.deep.equal([CertificateStatus.Valid, false, false]);

  // Revoke with a reason, by the supervisor.
  const fraud = keccak256(toHex("fraud evidence"));
  const beforeRevoke = (await view(batchIds[0])).lastEventBlock;
  const revoked = eventsOf(
    await send(w(supervisor).writeContract({ ...as(supervisor), functionName: "revokeCertificate", args: [batchIds[0], fraud, RevocationReason.Fraud] })),
  );
  expect(revoked.map((e) => [e.eventName, e.args])).to.deep.equal([
    ["CertificateRevoked", { tokenId: batchIds[0], bodyId: BODY, reason: RevocationReason.Fraud, evidenceHash: fraud, by: supervisor.address, bySupervisor: true, previousEventBlock: beforeRevoke }],
  ]);
  const revokedView = await view(batchIds[0]);
  expect(revokedView.status).to.equal(CertificateStatus.Revoked);
  expect(revokedView.revocationReason).to.equal(RevocationReason.Fraud);

  // Re-issue to a new wallet, which consents by signature; the new number is the body's for the new root.
  const newRoot = root("reissued");
  const newId = numberOf(BODY, newRoot);
  const reissueDeadline = (await now()) + DAY;
  const consent = await newWallet.signTypedData(
    reissueConsentTypedData(pc.chain.id, certificate, { tokenId: singleId, newHolder: newWallet.address, newResultRoot: newRoot, deadline: reissueDeadline }),
  );
  const reissued = eventsOf(
    await send(
      w(key).writeContract({ ...as(key), functionName: "reissueCertificate", args: [singleId, newWallet.address, newRoot, reissueDeadline, consent] }),
    ),
  );
  expect(reissued.map((e) => e.eventName)).to.deep.equal(["CertificateRevoked", "Transfer", "Locked", "CertificateReissued"]);
  expect(reissued[3].args).to.deep.include({ tokenId: singleId, newTokenId: newId, bodyId: BODY, newHolder: newWallet.address, resultRoot: newRoot, by: key.address });
  const oldView = await view(singleId);
  const newView = await view(newId);
  expect([oldView.status, oldView.revocationReason, oldView.successor]).to.deep.equal([CertificateStatus.Revoked, RevocationReason.Reissued, newId]);
  // the new wallet's own public notice: pending, then valid
  expect([newView.status, newView.holder, newView.predecessor, newView.level, newView.bodyId]).to.deep.equal([CertificateStatus.Pending, newWallet.address, singleId, 1, BODY]);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [newWallet.address, 1] })).to.equal(false);
  await travel(NOTICE + 1);
  expect((await view(newId)).status).to.equal(CertificateStatus.Valid);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [newWallet.address, 1] })).to.equal(true);

  // The history, walked back block by block from lastEventBlock through previousEventBlock (no range scans).
  expect(await walkHistory(pc, certificate, singleId)).to.deep.equal([
    ["CertificateIssued", key.address],
    ["CertificateSuspended", key.address],
    ["CertificateSuspended", supervisor.address],
    ["CertificateReinstated", key.address],
    ["CertificateReinstated", supervisor.address],
    ["CertificateRevoked", key.address],
    ["CertificateReissued", key.address],
  ]);

  // Renew after a re-evaluation: same number, a new result with its own notice; the old one stays in force meanwhile.
  const renewedRoot = root("renewed");
  const renewedUntil = t0 + 6 * YEAR;
  const renewReceipt = await send(w(key).writeContract({ ...as(key), functionName: "renewCertificate", args: [batchIds[1], renewedRoot, 1, renewedUntil] }));
  const renewedAt = seconds((await pc.getBlock({ blockNumber: renewReceipt.blockNumber })).timestamp);
  const renewed = eventsOf(renewReceipt);
  expect(renewed.map((e) => e.eventName)).to.deep.equal(["CertificateRenewed"]);
  const renewal = renewed[0].eventName === "CertificateRenewed" ? renewed[0].args : null;
  expect(renewal).to.deep.include({ tokenId: batchIds[1], bodyId: BODY, resultRoot: renewedRoot, rulebookId: 1, validUntil: renewedUntil, by: key.address });
  expect(renewal?.validFrom, "the renewal's own notice").to.equal(renewedAt + NOTICE);
  const renewedView = await view(batchIds[1]);
  expect([renewedView.resultRoot, renewedView.validUntil, renewedView.validFrom, renewedView.status]).to.deep.equal([renewedRoot, renewedUntil, renewal?.validFrom, CertificateStatus.Valid]);
  expect(renewedView.issuedAt).to.be.lessThan(renewedView.evaluatedAt);
  expect(await pc.readContract({ ...read, functionName: "isResultRootUsed", args: [BODY, renewedRoot] })).to.equal(true);
  expect(await refusal(key, { functionName: "issueCertificate", args: [{ ...single, resultRoot: renewedRoot }] })).to.equal("ResultRootUsedByRenewal");
  // The renewal's notice is public like an issuance's: anyone may object; the body dismisses.
  const objection = keccak256(toHex("objection to the renewal"));
  const filed = eventsOf(await send(w(relayer).writeContract({ ...as(relayer), functionName: "fileObjection", args: [batchIds[1], objection] })));
  expect(filed.map((e) => [e.eventName, e.args])).to.deep.equal([
    ["ObjectionFiled", { tokenId: batchIds[1], bodyId: BODY, filer: relayer.address, evidenceHash: objection, previousEventBlock: Number(renewReceipt.blockNumber) }],
  ]);
  expect(await status(batchIds[1]), "under objection").to.equal(CertificateStatus.Pending);
  const dismissed = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "resolveObjection", args: [batchIds[1], false, RevocationReason.None, ZERO] })));
  expect(dismissed[0].eventName === "ObjectionResolved" && [dismissed[0].args.upheld, dismissed[0].args.by, dismissed[0].args.bySupervisor]).to.deep.equal([false, key.address, false]);
  expect(await status(batchIds[1])).to.equal(CertificateStatus.Valid);

  // Past the original end of validity: the renewed one is still valid, the others expired.
  await travel(3 * YEAR);
  const final: Record<string, CertificateStatus> = {};
  for (const id of [...allIds, newId]) final[id.toString()] = await status(id);
  expect(final[batchIds[1].toString()]).to.equal(CertificateStatus.Valid);
  expect(final[batchIds[2].toString()]).to.equal(CertificateStatus.Expired);
  expect(final[newId.toString()]).to.equal(CertificateStatus.Expired);

  // The metadata is built on-chain and names the status.
  const uri = await pc.readContract({ ...read, functionName: "tokenURI", args: [batchIds[1]] });
  const json = JSON.parse(Buffer.from(uri.replace("data:application/json;base64,", ""), "base64").toString("utf8")) as {
    attributes: { trait_type: string; value: string | number }[];
  };
  expect(json.attributes.find((a) => a.trait_type === "Status")?.value).to.equal("Valid");

  // Reverts come back decoded by name on both nodes.
  expect(await refusal(key, { functionName: "suspendCertificate", args: [evidence, batchIds[0]] })).to.equal("CertificateAlreadyRevoked");

  return { certificate, issued: allIds, finalStatuses: final };
}

/** A certificate's events, oldest first, as [name, by]: one eth_getLogs per block, following previousEventBlock. */
async function walkHistory(pc: PublicClient<Transport, Chain>, certificate: Address, tokenId: bigint): Promise<[string, Address][]> {
  const id = pad(toHex(tokenId), { size: 32 });
  const entries: [string, Address, bigint, number][] = [];
  let block = BigInt((await pc.readContract({ address: certificate, abi: CERT_ABI, functionName: "verifyCertificate", args: [tokenId] })).lastEventBlock);
  for (let steps = 0; block !== 0n; steps++) {
    expect(steps, "the walk ends").to.be.lessThan(20);
    const logs = await pc.getLogs({ address: certificate, fromBlock: block, toBlock: block });
    const mine = parseEventLogs({ abi: CERT_ABI, logs }).filter((e) => e.topics[1] === id || (e.eventName === "CertificateReissued" && e.topics[2] === id));
    expect(mine.length, `block ${block} holds an event of ${tokenId}`).to.be.greaterThan(0);
    let earliest: bigint | null = null;
    let first = false;
    for (const e of mine) {
      const args = e.args as { by?: Address; previousEventBlock?: number };
      entries.push([e.eventName, args.by ?? "0x", block, e.logIndex]);
      if (earliest === null && args.previousEventBlock !== undefined) earliest = BigInt(args.previousEventBlock);
      if (e.eventName === "CertificateIssued" || (e.eventName === "CertificateReissued" && e.topics[2] === id)) first = true;
    }
    if (first) break;
    block = earliest ?? 0n;
  }
  entries.sort((a, b) => (a[2] === b[2] ? a[3] - b[3] : a[2] < b[2] ? -1 : 1));
  return entries.map(([name, by]) => [name, by]);
}

/** The custom error name inside a viem contract error. */
function errorNameOf(e: unknown): string {
  let current: unknown = e;
  while (typeof current === "object" && current !== null) {
    const record = current as { data?: { errorName?: string }; cause?: unknown };
    if (record.data?.errorName !== undefined) return record.data.errorName;
    current = record.cause;
  }
  return `not a contract error: ${String(e)}`;
}

// ------------------------------------------------------------------ nodes

function httpRpc(url: string): Rpc {
  return (method, params) => jsonRpc(url, method, params);
}

/**
 * Hardhat's in-process provider, with its errors in the JSON-RPC shape anvil uses (`{ code: 3, data: revertData }`),
 * so viem decodes custom errors from both nodes the same way.
 */
function hardhatEip1193(): { request: (args: { method: string; params?: unknown }) => Promise<unknown> } {
  return {
    async request(args) {
      try {
        return await network.provider.request({ method: args.method, params: args.params as unknown[] | undefined });
      } catch (e) {
        const data = (e as { data?: unknown }).data;
        const nested = typeof data === "object" && data !== null ? (data as { data?: unknown }).data : undefined;
        const revert = typeof data === "string" ? data : typeof nested === "string" ? nested : undefined;
        if (revert === undefined) throw e;
        throw Object.assign(new Error((e as Error).message), { code: 3, data: revert });
      }
    },
  };
}

describe("deploy + lifecycle smoke test on anvil and on Hardhat (same viem code)", function () {
  this.timeout(120_000);
  let anvil: LocalNode | undefined;

  before(async function () {
    anvil = await startNode("anvil");
  });

  after(async function () {
    if (anvil !== undefined) await anvil.stop();
  });

  it("anvil: deploys with the library, accredits with key consents, issues, cancels vouchers, suspends on both sides, revokes, reissues, walks the history, renews", async function () {
    if (anvil === undefined) throw new Error("anvil not started");
    const rpc = httpRpc(anvil.url);
    const chainId = Number(await rpc("eth_chainId", []));
    const clientVersion = String(await rpc("web3_clientVersion", []));
    expect(clientVersion.toLowerCase()).to.contain("anvil");
    const report = await lifecycle(clientsFor({ name: "anvil", chain: devChain(chainId, "anvil", anvil.url), transport: http(anvil.url), rpc }));
    expect(report.issued).to.have.length(5);
  });

  it("anvil with a millisecond clock (clockUnit 1000, as FISCO BCOS): the same lifecycle, dates still in seconds", async function () {
    const node = await startNode("anvil");
    try {
      const rpc = httpRpc(node.url);
      // a chain whose block timestamps count milliseconds from here on
      await rpc("evm_setNextBlockTimestamp", [Date.now()]);
      await rpc("evm_mine", []);
      const latest = (await rpc("eth_getBlockByNumber", ["latest", false])) as { timestamp: Hex };
      expect(Number(BigInt(latest.timestamp)), "block timestamps in milliseconds").to.be.greaterThan(1e12);
      const chainId = Number(await rpc("eth_chainId", []));
      const report = await lifecycle(clientsFor({ name: "anvil-ms", chain: devChain(chainId, "anvil-ms", node.url), transport: http(node.url), rpc }), 1000);
      expect(report.issued).to.have.length(5);
    } finally {
      await node.stop();
    }
  });

  it("hardhat: the same lifecycle on the in-process network", async function () {
    const provider = hardhatEip1193();
    const rpc: Rpc = (method, params) => provider.request({ method, params });
    const chainId = Number(await rpc("eth_chainId", []));
    const clientVersion = String(await rpc("web3_clientVersion", []));
    expect(clientVersion.toLowerCase()).to.contain("hardhat");
    const report = await lifecycle(
      clientsFor({ name: "hardhat", chain: devChain(chainId, "hardhat", "http://in-process"), transport: custom(provider), rpc }),
    );
    expect(report.issued).to.have.length(5);
  });
});
