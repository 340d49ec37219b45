/**
 * The same deploy + lifecycle smoke test, written once against viem clients, run on two nodes: an anvil node that
 * this file starts (from @foundry-rs/anvil) and the in-process Hardhat network. Contracts are deployed from the
 * compiled artifacts; transactions are signed locally by viem accounts from the shared dev mnemonic and sent raw,
 * so both nodes see exactly the same requests.
 */
import { expect } from "chai";
import hre, { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  http,
  keccak256,
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
import { reissueConsentTypedData, voucherTypedData, type Issuance } from "./helpers/eip712";
import { CertificateStatus, RevocationReason } from "./model/reference-model";
import { rpc as jsonRpc, startNode, type LocalNode } from "../scripts/lib/node";

/** The dev mnemonic both Hardhat and anvil derive their funded accounts from. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const CERT_ABI = CQOCertificate__factory.abi;
const RENDERER_ABI = CertificateRenderer__factory.abi;

const DAY = 86_400;
const YEAR = 365 * DAY;
const NOTICE = 7 * DAY;

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

const tokenIdOf = (root: Hex): bigint => BigInt(root) >> 192n;
const root = (label: string): Hex => keccak256(toHex(`anvil lifecycle ${label}`));

async function lifecycle(c: Clients): Promise<LifecycleReport> {
  const account = (i: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
  const [association, supervisor, bodyAdmin, key, relayer, holder, holder2] = [0, 1, 2, 3, 4, 5, 6].map(account);
  const newWallet = privateKeyToAccount(keccak256(toHex("anvil lifecycle new wallet")));
  const pc = c.publicClient;

  const send = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await pc.waitForTransactionReceipt({ hash: await hash });
    expect(receipt.status, `transaction ${receipt.transactionHash}`).to.equal("success");
    return receipt;
  };
  const now = async (): Promise<number> => Number((await pc.getBlock()).timestamp);
  const travel = async (seconds: number): Promise<void> => {
    await c.rpc("evm_increaseTime", [seconds]);
    await c.rpc("evm_mine", []);
  };

  // Deploy from the compiled artifacts.
  const rendererArtifact = await hre.artifacts.readArtifact("CertificateRenderer");
  const certArtifact = await hre.artifacts.readArtifact("CQOCertificate");
  expect(certArtifact.abi).to.deep.equal(CERT_ABI, "typechain's ABI is the artifact's");
  expect(rendererArtifact.abi).to.deep.equal(RENDERER_ABI);
  const deployer = c.wallet(association);
  const rendererReceipt = await send(
    deployer.deployContract({ abi: RENDERER_ABI, bytecode: rendererArtifact.bytecode as Hex, args: [] }),
  );
  const renderer = rendererReceipt.contractAddress as Address;
  const certReceipt = await send(
    deployer.deployContract({ abi: CERT_ABI, bytecode: certArtifact.bytecode as Hex, args: [association.address, renderer] }),
  );
  const certificate = certReceipt.contractAddress as Address;
  expect(certificate).to.match(/^0x[0-9a-fA-F]{40}$/);
  expect(eventsOf(certReceipt).map((e) => e.eventName)).to.deep.equal(["RoleGranted", "RendererChanged"]);
  // The runtime code is the artifact's, up to the immutables (EIP-712 domain cache) filled in at deployment.
  expect(((await pc.getCode({ address: certificate })) ?? "0x").length).to.equal(certArtifact.deployedBytecode.length);

  const as = (who: Account) => ({ address: certificate, abi: CERT_ABI, account: who, chain: pc.chain }) as const;
  const w = (who: Account) => c.wallet(who);
  const read = { address: certificate, abi: CERT_ABI } as const;

  await send(w(association).writeContract({ ...as(association), functionName: "grantRole", args: [await pc.readContract({ ...read, functionName: "SUPERVISOR_ROLE" }), supervisor.address] }));

  // Accredit a body and register a rulebook.
  const t0 = await now();
  const accredit = await send(
    w(association).writeContract({
      ...as(association),
      functionName: "accreditBody",
      args: [
        {
          admin: bodyAdmin.address,
          scope: 0b111,
          accreditedUntil: t0 + 5 * YEAR,
          noticePeriod: NOTICE,
          metadataURI: "ipfs://body/1",
          metadataHash: keccak256(toHex("body 1")),
        },
        [key.address],
      ],
    }),
  );
  const [accredited, keyAdded] = eventsOf(accredit);
  expect(accredited.eventName).to.equal("BodyAccredited");
  expect(accredited.args).to.include({ bodyId: 1, admin: bodyAdmin.address, scope: 0b111, noticePeriod: NOTICE });
  expect(keyAdded.eventName === "SigningKeyAdded" && keyAdded.args).to.deep.equal({ bodyId: 1, key: key.address });

  const rulebookHash = keccak256(toHex("rulebook hn-cqo 2024.1"));
  const registered = eventsOf(
    await send(w(association).writeContract({ ...as(association), functionName: "registerRulebook", args: [rulebookHash, "ipfs://rulebook"] })),
  );
  expect(registered.map((e) => e.eventName)).to.deep.equal(["RulebookRegistered"]);
  expect(registered[0].args).to.deep.equal({ rulebookId: 1, contentHash: rulebookHash, uri: "ipfs://rulebook" });

  // Issue one, then a batch.
  const validUntil = t0 + 3 * YEAR;
  const single: Issuance = { holder: holder.address, resultRoot: root("single"), level: 1, rulebookId: 1, validUntil };
  const singleId = tokenIdOf(single.resultRoot);
  const issueEvents = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "issueCertificate", args: [single] })));
  expect(issueEvents.map((e) => e.eventName)).to.deep.equal(["Transfer", "Locked", "CertificateIssued"]);
  const issuedEvent = issueEvents[2];
  expect(issuedEvent.eventName === "CertificateIssued" && issuedEvent.args).to.deep.equal({
    tokenId: singleId,
    bodyId: 1,
    resultRoot: single.resultRoot,
    level: 1,
    rulebookId: 1,
    validUntil,
  });

  const batch: Issuance[] = ["b1", "b2", "b3"].map((label, i) => ({
    holder: i === 2 ? holder.address : holder2.address,
    resultRoot: root(label),
    level: 2 + (i % 2),
    rulebookId: 1,
    validUntil,
  }));
  const batchIds = batch.map((b) => tokenIdOf(b.resultRoot));
  const batchEvents = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "issueCertificates", args: [batch] })));
  expect(batchEvents.filter((e) => e.eventName === "CertificateIssued").map((e) => e.args.tokenId)).to.deep.equal(batchIds);

  // A voucher, relayed by someone else.
  const voucher = {
    bodyId: 1,
    issuance: { holder: holder2.address, resultRoot: root("voucher"), level: 3, rulebookId: 1, validUntil },
    nonce: 0,
    deadline: (await now()) + DAY,
  };
  const signature = await key.signTypedData(voucherTypedData(pc.chain.id, certificate, voucher));
  const voucherEvents = eventsOf(
    await send(w(relayer).writeContract({ ...as(relayer), functionName: "issueWithVoucher", args: [key.address, signature, voucher] })),
  );
  expect(voucherEvents.map((e) => e.eventName)).to.deep.equal(["Transfer", "Locked", "CertificateIssued"]);
  const voucherId = tokenIdOf(voucher.issuance.resultRoot);

  const status = (tokenId: bigint) => pc.readContract({ ...read, functionName: "statusOf", args: [tokenId] });
  const allIds = [singleId, ...batchIds, voucherId];
  for (const id of allIds) expect(await status(id), `status of ${id} in notice`).to.equal(CertificateStatus.Pending);
  expect(await pc.readContract({ ...read, functionName: "certificatesOf", args: [holder.address] })).to.deep.equal([singleId, batchIds[2]]);
  expect(await pc.readContract({ ...read, functionName: "balanceOf", args: [holder2.address] })).to.equal(3n);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 3] })).to.equal(false);

  // Past the notice period: valid.
  await travel(NOTICE + 1);
  for (const id of allIds) expect(await status(id), `status of ${id} after notice`).to.equal(CertificateStatus.Valid);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 1] })).to.equal(true);

  // Suspend and reinstate.
  const evidence = keccak256(toHex("complaint"));
  const suspended = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "suspendCertificate", args: [evidence, singleId] })));
  expect(suspended.map((e) => [e.eventName, e.args])).to.deep.equal([["CertificateSuspended", { tokenId: singleId, bodyId: 1, evidenceHash: evidence }]]);
  expect(await status(singleId)).to.equal(CertificateStatus.Suspended);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [holder.address, 1] })).to.equal(false);
  const reinstated = eventsOf(await send(w(key).writeContract({ ...as(key), functionName: "reinstateCertificate", args: [singleId] })));
  expect(reinstated.map((e) => [e.eventName, e.args])).to.deep.equal([["CertificateReinstated", { tokenId: singleId, bodyId: 1 }]]);
  expect(await status(singleId)).to.equal(CertificateStatus.Valid);

  // Revoke with a reason, by the supervisor.
  const fraud = keccak256(toHex("fraud evidence"));
  const revoked = eventsOf(
    await send(w(supervisor).writeContract({ ...as(supervisor), functionName: "revokeCertificate", args: [batchIds[0], fraud, RevocationReason.Fraud] })),
  );
  expect(revoked.map((e) => [e.eventName, e.args])).to.deep.equal([
    ["CertificateRevoked", { tokenId: batchIds[0], bodyId: 1, reason: RevocationReason.Fraud, evidenceHash: fraud }],
  ]);
  const revokedView = await pc.readContract({ ...read, functionName: "verifyCertificate", args: [batchIds[0]] });
  expect(revokedView.status).to.equal(CertificateStatus.Revoked);
  expect(revokedView.revocationReason).to.equal(RevocationReason.Fraud);

  // Re-issue to a new wallet, which consents by signature.
  const newRoot = root("reissued");
  const newId = tokenIdOf(newRoot);
  const consentDeadline = (await now()) + DAY;
  const consent = await newWallet.signTypedData(
    reissueConsentTypedData(pc.chain.id, certificate, { tokenId: singleId, newHolder: newWallet.address, newResultRoot: newRoot, deadline: consentDeadline }),
  );
  const reissued = eventsOf(
    await send(
      w(key).writeContract({ ...as(key), functionName: "reissueCertificate", args: [singleId, newWallet.address, newRoot, consentDeadline, consent] }),
    ),
  );
  expect(reissued.map((e) => e.eventName)).to.deep.equal(["CertificateRevoked", "Transfer", "Locked", "CertificateReissued"]);
  expect(reissued[3].args).to.deep.equal({ tokenId: singleId, newTokenId: newId, bodyId: 1, newHolder: newWallet.address, resultRoot: newRoot });
  const oldView = await pc.readContract({ ...read, functionName: "verifyCertificate", args: [singleId] });
  const newView = await pc.readContract({ ...read, functionName: "verifyCertificate", args: [newId] });
  expect([oldView.status, oldView.revocationReason, oldView.successor]).to.deep.equal([CertificateStatus.Revoked, RevocationReason.Reissued, newId]);
  expect([newView.status, newView.holder, newView.predecessor, newView.level]).to.deep.equal([CertificateStatus.Valid, newWallet.address, singleId, 1]);
  expect(await pc.readContract({ ...read, functionName: "holdsValidCertificate", args: [newWallet.address, 1] })).to.equal(true);

  // Renew after a re-evaluation: same number, new root and end of validity.
  const renewedRoot = root("renewed");
  const renewedUntil = t0 + 6 * YEAR;
  const renewed = eventsOf(
    await send(w(key).writeContract({ ...as(key), functionName: "renewCertificate", args: [batchIds[1], renewedRoot, 1, renewedUntil] })),
  );
  expect(renewed.map((e) => [e.eventName, e.args])).to.deep.equal([
    ["CertificateRenewed", { tokenId: batchIds[1], bodyId: 1, resultRoot: renewedRoot, rulebookId: 1, validUntil: renewedUntil }],
  ]);
  const renewedView = await pc.readContract({ ...read, functionName: "verifyCertificate", args: [batchIds[1]] });
  expect([renewedView.resultRoot, renewedView.validUntil, renewedView.status]).to.deep.equal([renewedRoot, renewedUntil, CertificateStatus.Valid]);
  expect(await pc.readContract({ ...read, functionName: "isResultRootUsed", args: [renewedRoot] })).to.equal(true);

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
  const failure = await pc
    .simulateContract({ ...as(key), functionName: "suspendCertificate", args: [evidence, batchIds[0]] })
    .then(() => "no revert", (e: unknown) => errorNameOf(e));
  expect(failure).to.equal("CertificateAlreadyRevoked");

  return { certificate, issued: allIds, finalStatuses: final };
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

  it("anvil: deploys, issues, verifies, travels in time, suspends, reinstates, revokes, reissues, renews", async function () {
    if (anvil === undefined) throw new Error("anvil not started");
    const rpc = httpRpc(anvil.url);
    const chainId = Number(await rpc("eth_chainId", []));
    const clientVersion = String(await rpc("web3_clientVersion", []));
    expect(clientVersion.toLowerCase()).to.contain("anvil");
    const report = await lifecycle(clientsFor({ name: "anvil", chain: devChain(chainId, "anvil", anvil.url), transport: http(anvil.url), rpc }));
    expect(report.issued).to.have.length(5);
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
