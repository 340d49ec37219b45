/**
 * Issue #11, hole 1: another accredited body copies a queued result root (from the mempool, a leaked outbox, a
 * backup) and issues it first, for the same holder. Certificate numbers are per body on v2, so the copy gets a
 * number of its own; the workbench must check the issuing body of whatever it records, never take the other body's
 * certificate for its own (not from the outbox's reconciliation, not from an operator's wallet report), and still
 * issue its own certificate under its own number. Against anvil, plus the record check alone on crafted views.
 */
import { expect } from "chai";
import { parseEventLogs, type Address, type Hex } from "viem";
import { certificateNumberOf, cqoCertificateAbi, type CertificateVerification, type CqoClient } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { IssuanceWorker, isOurIssuance, type OutboxRow } from "../../server/outbox";
import {
  BODY_ADMIN,
  OPERATOR,
  OTHER_BODY_KEY,
  accreditBody,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  signInTeam,
  signingKeyGrant,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  type Anvil,
  type Http,
  type Tokens,
  type World,
} from "./helpers";

describe("server: another body front-runs a queued root (issue #11, anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let otherBody: number;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 1_100;
  const applicant = account(11);
  /** a second signing key of the workbench's own body */
  const ROGUE_KEY = 8;

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    otherBody = await accreditBody(anvil.url, world.deployment, { admin: account(5), keys: [account(OTHER_BODY_KEY)], noticePeriod: 86_400, name: "front-runner" });
    tmp = tempDir("front-running");
    // no worker of its own: the test decides when the workbench sends, after the other body has issued
    wb = await buildServer({ config: testConfig(tmp.dir, { bodyId: world.bodyId }), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), startWorker: false });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, applicant);
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const outboxRow = (root: Hex) => wb.db.prepare("SELECT * FROM outbox WHERE root = ?").get(root) as OutboxRow;
  const dossier = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string; tokenId: string | null }>();
  const auditActions = async (id: string) => (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string }[] }>().items.map((a) => a.action);

  /** An approved dossier, queued, and the same issuance sent first by the other body's key. */
  const frontRun = async () => {
    const { id, state } = await toEvaluated(http, tokens, dossierFor(seed++));
    expect(state).to.equal("evaluated");
    const approved = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ root: Hex; tokenId: string }>();
    const row = outboxRow(approved.root);
    expect(row.status).to.equal("queued");
    const thief = clientFor(anvil.url, world.deployment, account(OTHER_BODY_KEY));
    const stolen = await thief.issueCertificate({ level: row.level, validUntil: row.valid_until, resultRoot: row.root, holder: row.holder as Address, rulebookId: row.rulebook_id });
    return { id, root: approved.root, ours: BigInt(approved.tokenId), stolen };
  };

  it("the copy is another certificate: another number, the other body's, same root and holder", async () => {
    const { root, ours, stolen } = await frontRun();
    expect(ours).to.equal(certificateNumberOf(world.bodyId, root));
    expect(stolen.tokenId).to.equal(certificateNumberOf(otherBody, root));
    expect(stolen.tokenId).to.not.equal(ours);
    const reader = clientFor(anvil.url, world.deployment);
    const copy = await reader.verifyCertificate(stolen.tokenId);
    expect(copy).to.deep.include({ bodyId: otherBody, resultRoot: root, holder: applicant.address });
    expect((await reader.verifyCertificate(ours)).status).to.equal("NotFound");
    expect(await reader.isResultRootUsed(otherBody, root)).to.equal(true);
    expect(await reader.isResultRootUsed(world.bodyId, root)).to.equal(false);
  });

  it("an operator reporting the other body's transaction records nothing: 422 tx-not-issuance, the row stays queued", async () => {
    const { root, stolen } = await frontRun();
    const r = await http("POST", "/issuance/wallet/report", { txHash: stolen.hash }, tokens.operator);
    expect(r.status).to.equal(422);
    expect(r.json<{ error: { code: string } }>().error.code).to.equal("tx-not-issuance");
    expect(outboxRow(root)).to.include({ status: "queued", tx_hash: null });
  });

  it("the outbox, even reconciling a row it had claimed, does not record the copy, and issues its own certificate under its own number", async () => {
    const { id, root, ours, stolen } = await frontRun();
    // as if the worker had claimed the row and died before the chain heard of it: reconciled from chain state at start
    wb.db.prepare("UPDATE outbox SET status = 'sending' WHERE root = ?").run(root);
    const worker = new IssuanceWorker(wb.db, clientFor(anvil.url, world.deployment, account(OPERATOR)), { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    const issued = await worker.runOnce();
    expect(issued).to.be.at.least(1);

    const row = outboxRow(root);
    expect(row.status).to.equal("issued");
    expect(row.token_id).to.equal(ours.toString());
    expect(row.tx_hash).to.not.equal(stolen.hash);
    // the recorded transaction is this body's issuance of this root, by its own key
    const receipt = await clientFor(anvil.url, world.deployment).publicClient.getTransactionReceipt({ hash: row.tx_hash! });
    const events = parseEventLogs({ abi: cqoCertificateAbi, logs: receipt.logs, eventName: "CertificateIssued" }).filter((e) => e.args.resultRoot === root);
    expect(events.map((e) => ({ tokenId: e.args.tokenId, bodyId: e.args.bodyId, by: e.args.by }))).to.deep.equal([{ tokenId: ours, bodyId: world.bodyId, by: account(OPERATOR).address }]);

    const reader = clientFor(anvil.url, world.deployment);
    expect(await reader.verifyCertificate(ours)).to.deep.include({ bodyId: world.bodyId, resultRoot: root, holder: applicant.address, status: "Pending" });
    expect((await reader.verifyCertificate(stolen.tokenId)).bodyId, "the copy is untouched").to.equal(otherBody);
    const d = await dossier(id);
    expect(d).to.deep.include({ state: "in-notice", tokenId: ours.toString() });
    expect(await auditActions(id)).to.not.include("issuance-failed");
    // nothing in the workbench names the other body's number
    const named = wb.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE token_id = ?").get(stolen.tokenId.toString()) as { n: number };
    expect(named.n).to.equal(0);
    await worker.stop();
  });

  it("a second key of this same body front-running with the same root and holder but other terms: the batch's copy is refused, the row failed, the dossier never recorded as issued", async () => {
    // a rogue operator (or a stolen key) of the workbench's own body
    const rogue = account(ROGUE_KEY);
    const admin = clientFor(anvil.url, world.deployment, account(BODY_ADMIN));
    await admin.addSigningKey(world.bodyId, await signingKeyGrant(anvil.url, world.deployment, rogue, world.bodyId));
    const worker = new IssuanceWorker(wb.db, clientFor(anvil.url, world.deployment, account(OPERATOR)), { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    await worker.runOnce(); // started: whatever earlier tests left queued is issued; next pass sends its batch straight away

    const { id, state } = await toEvaluated(http, tokens, dossierFor(seed++));
    expect(state).to.equal("evaluated");
    const approved = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ root: Hex; tokenId: string }>();
    const row = outboxRow(approved.root);
    expect(row.status).to.equal("queued");
    const level = row.level === 1 ? 2 : 1;
    const copy = await clientFor(anvil.url, world.deployment, rogue).issueCertificate({
      level, validUntil: row.valid_until + 10 * 365 * 86_400, resultRoot: row.root, holder: row.holder as Address, rulebookId: row.rulebook_id,
    });
    // same body, same root: the copy holds our number, and our root is used
    expect(copy.tokenId).to.equal(BigInt(approved.tokenId));
    const reader = clientFor(anvil.url, world.deployment);
    expect(await reader.verifyCertificate(copy.tokenId)).to.deep.include({ bodyId: world.bodyId, resultRoot: row.root, holder: applicant.address, level });

    // the worker's batch: the contract refuses the used root, the sdk drops it as "already used", reconcile checks it
    const issued = await worker.runOnce();
    expect(issued).to.equal(0);
    const after = outboxRow(approved.root);
    expect(after.status).to.equal("failed");
    expect(after.tx_hash).to.equal(null);
    expect(after.issued_at).to.equal(null);
    const d = await dossier(id);
    expect(d.state).to.equal("queued");
    expect(d.tokenId).to.equal(null);
    expect(await auditActions(id)).to.include("issuance-failed").and.not.include("issued-on-chain");
    // a restarted worker (reconciling at start) does not take it either
    const again = new IssuanceWorker(wb.db, clientFor(anvil.url, world.deployment, account(OPERATOR)), { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    wb.db.prepare("UPDATE outbox SET status = 'sending' WHERE root = ?").run(approved.root);
    await again.runOnce();
    expect(outboxRow(approved.root).status).to.equal("failed");
    expect((await dossier(id)).state).to.equal("queued");
    await again.stop();
    await worker.stop();
  });

  it("a chain that answers for the other body's certificate under our number is not believed: the row is failed, never recorded as issued", async () => {
    const { id, root, stolen } = await frontRun();
    wb.db.prepare("UPDATE outbox SET status = 'sending' WHERE root = ?").run(root);
    const chain = clientFor(anvil.url, world.deployment, account(OPERATOR));
    // what a v1-style lookup by root alone would find: "used", and the copy's view
    const confused = Object.assign(Object.create(chain) as CqoClient, {
      isResultRootUsed: async () => true,
      verifyCertificate: async () => chain.verifyCertificate(stolen.tokenId),
    });
    const worker = new IssuanceWorker(wb.db, confused, { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    await worker.runOnce();
    const row = outboxRow(root);
    expect(row.status).to.equal("failed");
    expect(row.tx_hash).to.equal(null);
    expect((await dossier(id)).state).to.equal("queued");
    expect(await auditActions(id)).to.include("issuance-failed").and.not.include("issued-on-chain");
    await worker.stop();
  });
});

describe("server: isOurIssuance, the record check of the outbox and the wallet reports", () => {
  const bodyId = 7;
  const root: Hex = `0x${"ab".repeat(32)}`;
  const holder: Address = "0x00000000000000000000000000000000000000a1";
  const tokenId = certificateNumberOf(bodyId, root);
  const row = { root, holder, token_id: tokenId.toString(), level: 2, valid_until: 3, rulebook_id: 1 };
  const view = (o: Partial<CertificateVerification> = {}): CertificateVerification => ({
    tokenId,
    status: "Pending",
    valid: false,
    revocationReason: null,
    underObjection: false,
    holder,
    bodyId,
    bodyAccredited: true,
    level: 2,
    issuedAt: 1,
    validFrom: 2,
    validUntil: 3,
    rulebookId: 1,
    rulebookHash: `0x${"00".repeat(32)}`,
    resultRoot: root,
    predecessor: null,
    successor: null,
    suspendedByBody: false,
    suspendedBySupervisor: false,
    evaluatedAt: 1,
    lastEventBlock: 1n,
    nextReviewDue: 0,
    reviewsPassed: 0,
    ...o,
  });

  it("true for this body's certificate of the row's root and holder under this body's number", () => {
    expect(isOurIssuance(view(), row, bodyId)).to.equal(true);
    expect(isOurIssuance(view({ holder: holder.toUpperCase().replace("0X", "0x") as Address }), row, bodyId), "addresses compare case-blind").to.equal(true);
  });

  it("false for another body's certificate, another number, root or holder, or nothing", () => {
    const other = certificateNumberOf(bodyId + 1, root);
    expect(isOurIssuance(view({ bodyId: bodyId + 1 }), row, bodyId), "issued by another body").to.equal(false);
    expect(isOurIssuance(view({ tokenId: other }), row, bodyId), "the view of another number").to.equal(false);
    expect(isOurIssuance(view({ tokenId: other, bodyId: bodyId + 1 }), { ...row, token_id: other.toString() }, bodyId), "a row holding the other body's number").to.equal(false);
    expect(isOurIssuance(view(), row, bodyId + 1), "a workbench of another body").to.equal(false);
    expect(isOurIssuance(view({ resultRoot: `0x${"cd".repeat(32)}` }), row, bodyId), "another root").to.equal(false);
    expect(isOurIssuance(view({ holder: "0x00000000000000000000000000000000000000b2" }), row, bodyId), "another holder").to.equal(false);
    expect(isOurIssuance(view({ status: "NotFound", holder: null }), row, bodyId), "no certificate").to.equal(false);
  });

  it("false for this body's certificate of the row's root and holder with other terms (a copy by another key of this body)", () => {
    expect(isOurIssuance(view({ level: 1 }), row, bodyId), "another level").to.equal(false);
    expect(isOurIssuance(view({ level: 3 }), row, bodyId), "a lower level").to.equal(false);
    expect(isOurIssuance(view({ validUntil: 3 + 10 * 365 * 86_400 }), row, bodyId), "another end of validity").to.equal(false);
    expect(isOurIssuance(view({ validUntil: 2 }), row, bodyId), "an earlier end of validity").to.equal(false);
    expect(isOurIssuance(view({ rulebookId: 2 }), row, bodyId), "another rulebook").to.equal(false);
    expect(isOurIssuance(view(), row, bodyId), "the row's own terms").to.equal(true);
  });
});
