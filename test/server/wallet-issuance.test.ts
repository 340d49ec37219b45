/**
 * Issuance signed in the operator's wallet (server/wallet-issuance.ts), against anvil: an operator leases the next
 * queued results, sends `issueCertificates` from their own key with the exact structs the workbench returned, and
 * reports the hash; the workbench records from the receipt and the chain only. Roles, exclusive leases, lease
 * expiry (and the outbox worker skipping leased rows until then), forged hashes, a second report, a lease given
 * back after a declined signature, a resumed lease whose transaction was mined but never reported, and the
 * wallet-only mode in which no worker sends anything.
 */
import { expect } from "chai";
import { keccak256, toHex, type Hex } from "viem";
import { explainError, levelsToScope } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { IssuanceWorker } from "../../server/outbox";
import {
  ASSOCIATION,
  BODY_ADMIN,
  OPERATOR,
  accreditBody,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  signInAs,
  signInTeam,
  signingKeyGrant,
  sleep,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  type Anvil,
  type Http,
  type Tokens,
  type World,
} from "./helpers";

interface Item {
  root: Hex;
  dossierId: string;
  tokenId: string;
  issuance: { level: number; validUntil: number; resultRoot: Hex; holder: Hex; rulebookId: number };
}
interface Claim {
  claimId: string;
  resumed: boolean;
  items: Item[];
  recorded: Item[];
  failed: { root: Hex; dossierId: string; code: string }[];
  remaining: number;
}
interface Report {
  txHash: Hex;
  blockNumber: number;
  recorded: Item[];
  alreadyRecorded: Item[];
  released: number;
}

describe("server: issuance signed in the operator's wallet (anvil)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tokens: Tokens;
  let second: string;
  let otherBody: string;
  let tmp: ReturnType<typeof tempDir>;
  let seed = 900;
  let clockOffset = 0;
  const SECOND_KEY = 4;
  const OTHER_BODY = 3;

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    // a second signing key of the same body, and another body with its own key
    await clientFor(anvil.url, world.deployment, account(BODY_ADMIN)).addSigningKey(world.bodyId, await signingKeyGrant(anvil.url, world.deployment, account(SECOND_KEY), world.bodyId));
    await accreditBody(anvil.url, world.deployment, { admin: account(5), keys: [account(OTHER_BODY)], noticePeriod: 86_400, name: "other" });
    tmp = tempDir("wallet-issuance");
    const config = testConfig(tmp.dir, { issuanceMode: "wallet", walletLeaseSeconds: 60, walletReceiptTimeoutMs: 3_000 });
    wb = await buildServer({ config, chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), now: () => Date.now() + clockOffset });
    await wb.listen();
    http = injectHttp(wb.app);
    tokens = await signInTeam(http, account(11));
    second = await signInAs(http, account(SECOND_KEY));
    otherBody = await signInAs(http, account(OTHER_BODY));
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const approved = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id, state } = await toEvaluated(http, tokens, dossierFor(seed++));
      expect(state).to.equal("evaluated");
      expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve");
      ids.push(id);
    }
    return ids;
  };
  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string; tokenId: string | null; issuance: { status: string; txHash: string | null; blockNumber: number | null } }>();
  const claim = async (token: string, max?: number) => expect200(await http("POST", "/issuance/wallet/claim", max ? { max } : {}, token), "claim").json<Claim>();
  /** the operator's own wallet: the sdk sends exactly the structs the workbench returned */
  const send = (key: number, items: Item[]) => clientFor(anvil.url, world.deployment, account(key)).issueCertificates(items.map((i) => i.issuance));
  const row = (root: string) => wb.db.prepare("SELECT status, tx_hash, block_number, token_id FROM outbox WHERE root = ?").get(root) as { status: string; tx_hash: string | null; block_number: number | null; token_id: string };
  const drain = async () => {
    // leave nothing queued between tests
    for (;;) {
      const c = await claim(tokens.operator, 50);
      if (!c.items.length) {
        await http("POST", "/issuance/wallet/release", { claimId: c.claimId }, tokens.operator);
        return;
      }
      const sent = await send(OPERATOR, c.items);
      expect200(await http("POST", "/issuance/wallet/report", { txHash: sent.hash, claimId: c.claimId }, tokens.operator), "report");
    }
  };

  it("wallet-only mode: the worker only watches the chain; approved results wait for an operator's wallet", async () => {
    expect(wb.worker?.watchOnly, "a worker that only watches for a rewind").to.equal(true);
    const [id] = await approved(1);
    await sleep(300);
    expect((await stateOf(id!)).state).to.equal("queued");
    const status = expect200(await http("GET", "/issuance/wallet", undefined, tokens.operator), "status").json<{ mode: string; queued: number; mine: unknown }>();
    expect(status).to.include({ mode: "wallet", queued: 1, mine: null });
    await drain();
    expect((await stateOf(id!)).state).to.equal("in-notice");
  });

  it("only an operator of this body may claim, report, release or look", async () => {
    const applicant = tokens.applicant;
    for (const [method, path, body] of [
      ["GET", "/issuance/wallet", undefined],
      ["POST", "/issuance/wallet/claim", {}],
      ["POST", "/issuance/wallet/report", { txHash: `0x${"ab".repeat(32)}` }],
      ["POST", "/issuance/wallet/release", { claimId: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      expect((await http(method, path, body)).status, `${path} anonymous`).to.equal(401);
      expect((await http(method, path, body, applicant)).status, `${path} applicant`).to.equal(403);
      // a signing key of another body is no operator here
      expect((await http(method, path, body, otherBody)).status, `${path} other body's key`).to.equal(403);
    }
    const bad = await http("POST", "/issuance/wallet/claim", { max: 0 }, tokens.operator);
    expect(bad.status).to.equal(400);
    expect(bad.json<{ error: { problems: { field: string }[] } }>().error.problems[0]!.field).to.equal("body.max");
  });

  it("leases are exclusive; the wallet's transaction is recorded from its receipt; a second report changes nothing", async () => {
    const ids = await approved(3);
    const a = await claim(tokens.operator, 2);
    expect(a.resumed).to.equal(false);
    expect(a.items.map((i) => i.dossierId)).to.deep.equal(ids.slice(0, 2));
    expect(a.remaining).to.equal(1);
    for (const i of a.items) {
      const r = wb.db.prepare("SELECT holder, level, rulebook_id, valid_until FROM outbox WHERE root = ?").get(i.root) as { holder: string; level: number; rulebook_id: number; valid_until: number };
      expect(i.issuance).to.deep.equal({ level: r.level, validUntil: r.valid_until, resultRoot: i.root, holder: r.holder, rulebookId: r.rulebook_id });
    }
    // the other operator of the body gets only what is left
    const b = await claim(second, 5);
    expect(b.items.map((i) => i.dossierId)).to.deep.equal([ids[2]]);
    // asking again resumes the same lease
    const again = await claim(tokens.operator, 2);
    expect(again).to.include({ claimId: a.claimId, resumed: true });

    const sent = await send(OPERATOR, a.items);
    const rep = expect200(await http("POST", "/issuance/wallet/report", { txHash: sent.hash, claimId: a.claimId }, tokens.operator), "report").json<Report>();
    expect(rep.recorded.map((i) => i.root)).to.deep.equal(a.items.map((i) => i.root));
    expect(rep.blockNumber).to.equal(Number(sent.blockNumber));
    for (const i of a.items) {
      expect(row(i.root)).to.deep.equal({ status: "issued", tx_hash: sent.hash, block_number: Number(sent.blockNumber), token_id: i.tokenId });
      const d = await stateOf(i.dossierId);
      expect(d.state).to.equal("in-notice");
      expect(d.tokenId).to.equal(i.tokenId);
    }
    const audit = (await http("GET", `/dossiers/${ids[0]}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; to: string; actor: string; details: { via?: string } }[] }>().items;
    expect(audit.at(-1)).to.deep.include({ action: "issued-on-chain", to: "in-notice", actor: account(OPERATOR).address });
    expect(audit.at(-1)!.details.via).to.equal("wallet");
    const status = (await http("GET", "/issuance/wallet", undefined, tokens.operator)).json<{ mine: unknown; claims: { operator: string }[] }>();
    expect(status.mine).to.equal(null);
    expect(status.claims.map((c) => c.operator)).to.deep.equal([account(SECOND_KEY).address]);

    const twice = expect200(await http("POST", "/issuance/wallet/report", { txHash: sent.hash, claimId: a.claimId }, tokens.operator), "second report").json<Report>();
    expect(twice.recorded).to.deep.equal([]);
    expect(twice.alreadyRecorded.map((i) => i.root)).to.deep.equal(a.items.map((i) => i.root));
    const auditAfter = (await http("GET", `/dossiers/${ids[0]}/audit?limit=200`, undefined, tokens.operator)).json<{ items: unknown[] }>().items;
    expect(auditAfter.length).to.equal(audit.length);

    // the second operator's lease: issued from their own wallet, reported by them
    const sent2 = await send(SECOND_KEY, b.items);
    const rep2 = expect200(await http("POST", "/issuance/wallet/report", { txHash: sent2.hash, claimId: b.claimId }, second), "report 2").json<Report>();
    expect(rep2.recorded.map((i) => i.dossierId)).to.deep.equal([ids[2]]);
  });

  it("refuses forged reports: unknown hashes, transactions that are not ours, issuances of roots it never queued", async () => {
    const [id] = await approved(1);
    const c = await claim(tokens.operator);
    const code = async (txHash: string) => {
      const r = await http("POST", "/issuance/wallet/report", { txHash, claimId: c.claimId }, tokens.operator);
      return { status: r.status, code: r.json<{ error: { code: string } }>().error?.code };
    };
    expect(await code(`0x${"ab".repeat(32)}`)).to.deep.equal({ status: 422, code: "tx-not-issuance" });
    expect((await http("POST", "/issuance/wallet/report", { txHash: "0x1234" }, tokens.operator)).status).to.equal(400);
    // a real transaction that is not to the certificate contract
    const op = clientFor(anvil.url, world.deployment, account(OPERATOR));
    const transfer = await op.walletClient!.sendTransaction({ account: op.walletClient!.account!, chain: op.walletClient!.chain ?? null, to: account(20).address, value: 1n });
    await op.publicClient.waitForTransactionReceipt({ hash: transfer });
    expect(await code(transfer)).to.deep.equal({ status: 422, code: "tx-not-issuance" });
    // a real issuance by this body's key, of a root the workbench never queued
    const foreign = await op.issueCertificates([{ ...c.items[0]!.issuance, resultRoot: keccak256(toHex("not in the outbox")) }]);
    expect(await code(foreign.hash)).to.deep.equal({ status: 422, code: "tx-not-issuance" });
    expect(row(c.items[0]!.root).status).to.equal("queued");
    expect((await stateOf(id!)).state).to.equal("queued");
    // the lease still holds: the real transaction is then recorded
    const sent = await send(OPERATOR, c.items);
    expect200(await http("POST", "/issuance/wallet/report", { txHash: sent.hash, claimId: c.claimId }, tokens.operator), "report");
    expect((await stateOf(id!)).state).to.equal("in-notice");
  });

  it("a declined signature gives the lease back; a lease the browser abandons expires and the outbox worker sends it", async () => {
    const ids = await approved(2);
    const c = await claim(tokens.operator, 1);
    expect(c.items.map((i) => i.dossierId)).to.deep.equal([ids[0]]);
    const rel = expect200(await http("POST", "/issuance/wallet/release", { claimId: c.claimId }, tokens.operator), "release").json<{ released: number }>();
    expect(rel.released).to.equal(1);
    expect((await http("GET", "/issuance/wallet", undefined, tokens.operator)).json<{ queued: number }>().queued).to.equal(2);

    // the second operator leases the first row and goes away; the outbox worker leaves it alone meanwhile
    const held = await claim(second, 1);
    expect(held.items.map((i) => i.dossierId)).to.deep.equal([ids[0]]);
    const worker = new IssuanceWorker(wb.db, clientFor(anvil.url, world.deployment, account(OPERATOR)), { bodyId: world.bodyId, batchSize: 5, intervalMs: 50 });
    expect(await worker.runOnce()).to.equal(1);
    expect((await stateOf(ids[1]!)).state).to.equal("in-notice");
    expect(row(held.items[0]!.root).status).to.equal("queued");
    expect(await worker.runOnce()).to.equal(0);
    expect(row(held.items[0]!.root).status).to.equal("queued");

    // nobody else can take it before the lease expires
    const early = await claim(tokens.operator, 5);
    expect(early.items).to.deep.equal([]);
    await http("POST", "/issuance/wallet/release", { claimId: early.claimId }, tokens.operator);
    clockOffset += 61_000;
    expect((await http("GET", "/issuance/wallet", undefined, tokens.operator)).json<{ claims: unknown[] }>().claims).to.deep.equal([]);
    expect(await worker.runOnce()).to.equal(1);
    expect((await stateOf(ids[0]!)).state).to.equal("in-notice");
    // the abandoning operator's late report of nothing: their lease is gone and nothing is issued twice
    const late = await http("POST", "/issuance/wallet/release", { claimId: held.claimId }, second);
    expect(late.json<{ released: number }>().released).to.equal(0);
  });

  it("a result the contract would refuse from the operator's key is marked failed with the contract's reason, not leased", async () => {
    const [id] = await approved(1);
    const r = wb.db.prepare("SELECT root, level FROM outbox WHERE dossier_id = ?").get(id) as { root: Hex; level: number };
    const assoc = clientFor(anvil.url, world.deployment, account(ASSOCIATION));
    const body = (await assoc.getBody(world.bodyId))!;
    // the association narrows the body's scope after the approval: this level may no longer be issued
    await assoc.updateBodyTerms(world.bodyId, { scope: levelsToScope(body.levels.filter((l) => l !== r.level)), accreditedUntil: body.accreditedUntil, noticePeriod: body.noticePeriod });
    try {
      const c = await claim(tokens.operator);
      expect(c.items).to.deep.equal([]);
      expect(c.failed.map((f) => [f.dossierId, f.code])).to.deep.equal([[id, "LevelOutOfScope"]]);
      const row = wb.db.prepare("SELECT status, last_error FROM outbox WHERE root = ?").get(r.root) as { status: string; last_error: string };
      expect(row.status).to.equal("failed");
      expect(row.last_error).to.match(/^LevelOutOfScope: /);
      expect(wb.db.prepare("SELECT COUNT(*) AS n FROM wallet_claims").get()).to.deep.equal({ n: 0 });
    } finally {
      await assoc.updateBodyTerms(world.bodyId, { scope: body.scope, accreditedUntil: body.accreditedUntil, noticePeriod: body.noticePeriod });
    }
    // the scope back, the operator retries it and issues it from the wallet
    expect200(await http("POST", `/outbox/${r.root}/retry`, {}, tokens.operator), "retry");
    await drain();
    expect((await stateOf(id!)).state).to.equal("in-notice");
  });

  it("resumes after a closed page: a transaction mined but never reported is recorded from the chain, not sent again", async () => {
    const [id] = await approved(1);
    const c = await claim(tokens.operator);
    const sent = await send(OPERATOR, c.items);
    // the page closed before it reported; the operator comes back
    const back = await claim(tokens.operator);
    expect(back).to.include({ claimId: c.claimId, resumed: true });
    expect(back.items).to.deep.equal([]);
    expect(back.recorded.map((i) => i.dossierId)).to.deep.equal([id]);
    expect(row(c.items[0]!.root)).to.deep.include({ status: "issued", tx_hash: sent.hash, block_number: Number(sent.blockNumber) });
    // the contract refuses the root a second time anyway
    const again = await send(OPERATOR, c.items).then(
      () => "sent",
      (err: unknown) => explainError(err).code,
    );
    expect(again).to.equal("ResultRootAlreadyUsed");
    // the late report is idempotent
    const rep = expect200(await http("POST", "/issuance/wallet/report", { txHash: sent.hash, claimId: c.claimId }, tokens.operator), "late report").json<Report>();
    expect(rep.recorded).to.deep.equal([]);
    expect(rep.alreadyRecorded.map((i) => i.dossierId)).to.deep.equal([id]);
  });

  it("a chain that went back (the node lost the wallet's block): the watching worker queues the result again for the wallets", async () => {
    const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
      const r = await fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      return ((await r.json()) as { result: unknown }).result;
    };
    const [id] = await approved(1);
    const snapshot = await rpc("evm_snapshot");
    await drain();
    const issued = await stateOf(id!);
    expect(issued.state).to.equal("in-notice");
    expect(await rpc("evm_revert", [snapshot])).to.equal(true);
    // nobody sends anything: the worker notices the head below the recorded block and requeues
    const deadline = Date.now() + 20_000;
    while ((await stateOf(id!)).state !== "queued") {
      if (Date.now() > deadline) throw new Error("the rewind was not noticed");
      await sleep(50);
    }
    expect(row(wb.db.prepare("SELECT root FROM outbox WHERE dossier_id = ?").pluck().get(id) as string)).to.include({ status: "queued", tx_hash: null, block_number: null });
    const audit = (await http("GET", `/dossiers/${id}/audit?limit=200`, undefined, tokens.operator)).json<{ items: { action: string; role: string }[] }>().items;
    expect(audit.at(-1)).to.deep.include({ action: "chain-rewound", role: "sync" });
    // the operator's wallet issues it again
    await drain();
    const again = await stateOf(id!);
    expect(again.state).to.equal("in-notice");
    expect(again.tokenId).to.equal(issued.tokenId);
    expect((await clientFor(anvil.url, world.deployment).verifyCertificate(again.tokenId!)).status).to.not.equal("NotFound");
  });
});
