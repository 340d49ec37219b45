/**
 * A reorg at the same height: the block that held our issuance is replaced by another one, so the head does not go
 * down and the rewind check alone cannot see it. With CQO_CONFIRMATIONS N > 1 the outbox re-checks the last N
 * blocks' issuances on every pass and queues a dropped one again. Simulated on anvil with evm_snapshot /
 * evm_revert and one evm_mine (the same height, without our transaction); the workers run pass by pass.
 */
import { expect } from "chai";
import { buildServer, type Workbench } from "../../server/app";
import { IssuanceWorker } from "../../server/outbox";
import { configFromEnv } from "../../server/config";
import { rpc } from "../../scripts/lib/node";
import { OPERATOR, account, clientFor, deployWorld, dossierFor, expect200, injectHttp, signInTeam, startAnvil, tempDir, testConfig, toEvaluated, type Anvil, type World } from "./helpers";

describe("server: a same-height reorg and CQO_CONFIRMATIONS (anvil)", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("reorg");
    wb = await buildServer({ config: testConfig(tmp.dir, { confirmations: 3 }), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), startWorker: false });
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  it("CQO_CONFIRMATIONS is read from the environment (default 1) and refused out of range", () => {
    expect(configFromEnv({}).confirmations).to.equal(1);
    expect(configFromEnv({ CQO_CONFIRMATIONS: "12" }).confirmations).to.equal(12);
    expect(() => configFromEnv({ CQO_CONFIRMATIONS: "0" })).to.throw(/CQO_CONFIRMATIONS/);
    expect(() => configFromEnv({ CQO_CONFIRMATIONS: "65" })).to.throw(/CQO_CONFIRMATIONS/);
  });

  it("an issuance replaced at the same height is found by the N-block re-check and issued again", async () => {
    const http = injectHttp(wb.app);
    const tokens = await signInTeam(http, account(11));
    const { id, state } = await toEvaluated(http, tokens, dossierFor(4242));
    expect(state).to.equal("evaluated");
    const { root, tokenId } = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ root: string; tokenId: string }>();
    const chain = clientFor(anvil.url, world.deployment, account(OPERATOR));
    const row = () => wb.db.prepare("SELECT status, block_number FROM outbox WHERE root = ?").get(root) as { status: string; block_number: number | null };
    const dossierState = () => (wb.db.prepare("SELECT state FROM dossiers WHERE id = ?").get(id) as { state: string }).state;

    // one sending worker that takes issuances as final at once, one watcher that waits for three blocks
    const sender = new IssuanceWorker(wb.db, chain, { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    const watcher = new IssuanceWorker(wb.db, chain, { bodyId: world.bodyId, batchSize: 5, intervalMs: 50, confirmations: 3, watchOnly: true });
    await watcher.runOnce(); // started: nothing recorded yet

    const before = await rpc<string>(anvil.url, "evm_snapshot");
    expect(await sender.runOnce()).to.equal(1);
    const issuedAt = row().block_number!;
    expect(row().status).to.equal("issued");
    expect(dossierState()).to.equal("in-notice");

    // the block with our transaction is replaced by an empty one: same height, no certificate
    expect(await rpc<boolean>(anvil.url, "evm_revert", [before])).to.equal(true);
    await rpc(anvil.url, "evm_mine");
    expect(Number(await chain.publicClient.getBlockNumber({ cacheTime: 0 }))).to.equal(issuedAt);
    expect((await chain.verifyCertificate(tokenId)).status).to.equal("NotFound");

    // one confirmation: the head did not go down, so nothing looks wrong
    await sender.runOnce();
    expect(row().status).to.equal("issued");

    // three confirmations: the last blocks' issuances are checked, the dropped one goes back to the queue
    await watcher.runOnce();
    expect(row()).to.deep.equal({ status: "queued", block_number: null });
    expect(dossierState()).to.equal("queued");
    const audit = wb.db.prepare("SELECT action, role FROM audit_log WHERE dossier_id = ? ORDER BY id DESC LIMIT 1").get(id) as { action: string; role: string };
    expect(audit).to.deep.equal({ action: "chain-rewound", role: "sync" });

    expect(await sender.runOnce()).to.equal(1);
    expect(row().status).to.equal("issued");
    expect((await chain.verifyCertificate(tokenId)).status).to.not.equal("NotFound");

    // the notice period is over, but the issuance has 2 of 3 confirmations: not confirmed yet
    await rpc(anvil.url, "evm_increaseTime", [8 * 86_400]);
    await rpc(anvil.url, "evm_mine");
    const early = await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator);
    expect(early.status).to.equal(409);
    expect(early.json<{ error: { code: string; details: unknown } }>().error).to.deep.include({ code: "not-final", details: { confirmations: 2, required: 3 } });
    await rpc(anvil.url, "evm_mine");
    expect(expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice").json<{ state: string }>().state).to.equal("issued");

    // three blocks deep: final, no longer read on every pass
    let reads = 0;
    const counting = Object.assign(Object.create(chain) as typeof chain, {
      isResultRootUsed: (bodyId: number, r: string, tag?: "latest" | "pending") => {
        reads++;
        return chain.isResultRootUsed(bodyId, r, tag);
      },
    });
    const counted = new IssuanceWorker(wb.db, counting, { bodyId: world.bodyId, batchSize: 5, intervalMs: 50, confirmations: 3, watchOnly: true });
    await counted.runOnce(); // at start: the 64-block re-check reads it once
    expect(reads).to.equal(1);
    await counted.runOnce();
    expect(reads, "a final issuance is not read again").to.equal(1);
    expect(row().status).to.equal("issued");
  });
});
