/**
 * The end-to-end lifecycle, twice: on a Hardhat node and on anvil, each started as a child process. The same
 * procedure as `npm start` (scripts/lib/procedure.ts) runs through the workbench's HTTP API — submission,
 * acceptance and rejection, panel, signed sheets, evaluation (veto, divergence), approval, the outbox's batch
 * issuance, an objection filed and dismissed, the end of notice, suspension, revocation, renewal, re-issue to a
 * new wallet — then the chain (through the sdk) and the database are checked against the plan. Last, the
 * supervisor suspends a certificate straight on the contract and a restarted workbench follows the chain.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, pad, toHex, type Hex } from "viem";
import { disclose, verifyDisclosure, type Credential } from "../../scoring";
import { certificateNumberOf, type CqoClient } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import type { ServerConfig } from "../../server/config";
import type { OutboxRow } from "../../server/outbox";
import { startNode, type LocalNode, type NodeKind } from "../../scripts/lib/node";
import { runProcedure, type ProcedureResult } from "../../scripts/lib/procedure";
import { call, fetchHttp, listAll, type Http } from "../../scripts/lib/workbench-client";
import { CAST, clients, deployWorld, devAccount, devPrivateKey, type World } from "../../scripts/lib/world";

/** every planned part of scripts/lib/procedure.ts (14) and one plainly issued */
const COUNT = 15;
const TRANSFER = keccak256(toHex("Transfer(address,address,uint256)"));
const ZERO_TOPIC = pad("0x00", { size: 32 });

for (const kind of ["hardhat", "anvil"] as const satisfies readonly NodeKind[]) {
  describe(`e2e: the whole lifecycle through the workbench and the sdk (${kind} node)`, function () {
    this.timeout(180_000);
    let node: LocalNode;
    let world: World;
    let wb: Workbench;
    let http: Http;
    let result: ProcedureResult;
    let reader: CqoClient;
    let dir: string;
    let config: ServerConfig;

    before(async () => {
      node = await startNode(kind);
      world = await deployWorld(node.url);
      reader = clients(node.url, world.deployment);
      dir = mkdtempSync(join(tmpdir(), `cqo-e2e-${kind}-`));
      config = {
        dbPath: join(dir, "workbench.sqlite"),
        rpcUrl: node.url,
        deploymentPath: join(dir, "deployment.json"),
        evidenceDir: join(dir, "evidence"),
        port: 0,
        host: "127.0.0.1",
        bodyId: world.bodyA,
        signerKey: devPrivateKey(CAST.bodyAKey),
        siweDomain: "127.0.0.1:8787",
        sessionTtlSeconds: 3600,
        batchSize: 50,
        workerIntervalMs: 50,
        evidenceMaxBytes: 1024 * 1024,
      };
      wb = await buildServer({ config, chain: clients(node.url, world.deployment, devAccount(CAST.bodyAKey)) });
      http = fetchHttp(await wb.listen());
      result = await runProcedure({ http, rpcUrl: node.url, deployment: world.deployment, count: COUNT, objection: "dismissed", seedBase: 5_000 });
    });

    after(async () => {
      await wb?.close();
      await node?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const part = (p: string) => {
      const d = result.dossiers.find((x) => x.part === p);
      if (!d) throw new Error(`no ${p} dossier`);
      return d;
    };

    it("every dossier ends where the plan says, in the database and on-chain", async () => {
      expect(result.dossiers).to.have.length(COUNT);
      const rows = await listAll<{ id: string; state: string; tokenId: string | null; holder: string }>(http, "list", "/dossiers?limit=200", result.tokens.operator);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const d of result.dossiers) {
        const row = byId.get(d.id);
        expect(row?.state, `${d.id} (${d.part}) in the db`).to.equal(d.state);
        if (d.chainStatus === null) {
          expect(row?.tokenId ?? null, `${d.id} has no certificate`).to.equal(null);
          continue;
        }
        expect(row?.tokenId, d.id).to.equal(d.tokenId);
        const v = await reader.verifyCertificate(d.tokenId!);
        expect(v.status, `${d.id} (${d.part}) on-chain`).to.equal(d.chainStatus);
        expect(v.holder, `${d.id} holder`).to.equal(d.holder);
        expect(v.bodyId).to.equal(world.bodyA);
        expect(v.resultRoot).to.equal(d.root);
        expect(row?.holder).to.equal(d.holder);
      }
      const states = result.dossiers.map((d) => d.state).sort();
      expect(states.filter((s) => s === "rejected")).to.have.length(3);
      expect(states).to.include.members(["not-certified", "flagged", "in-notice", "renewal-applied", "suspended", "revoked"]);
    });

    it("the outbox issued each approved result exactly once, in batches, with its transaction recorded", async () => {
      const outbox = wb.db.prepare("SELECT * FROM outbox").all() as OutboxRow[];
      const approved = result.dossiers.filter((d) => d.chainStatus !== null);
      expect(outbox).to.have.length(approved.length);
      for (const row of outbox) {
        expect(row.status, row.root).to.equal("issued");
        expect(row.tx_hash).to.match(/^0x[0-9a-f]{64}$/);
        expect(await reader.isResultRootUsed(world.bodyA, row.root)).to.equal(true);
      }
      // batched: fewer transactions than certificates, and each transaction minted exactly the rows recorded with it
      const txs = new Set(outbox.map((r) => r.tx_hash!));
      expect(txs.size).to.be.lessThan(outbox.length);
      for (const hash of txs) {
        const receipt = await reader.publicClient.getTransactionReceipt({ hash });
        const mints = receipt.logs.filter((l) => l.topics[0] === TRANSFER && l.topics[1] === ZERO_TOPIC);
        expect(mints.length, hash).to.equal(outbox.filter((r) => r.tx_hash === hash).length);
      }
      // one mint per root: every certificate of the body appears once in the holders' lists
      const minted = await Promise.all(approved.map((d) => reader.certificatesOf(d.holder!)));
      const ids = minted.flat().map((v) => v.tokenId.toString());
      expect(new Set(ids).size).to.equal(ids.length);
    });

    it("re-issue: the old certificate is revoked as Reissued and linked to the new one, which the new wallet holds with its own credential", async () => {
      const d = part("reissued");
      const old = await reader.verifyCertificate(d.previousTokenId!);
      expect(old.status).to.equal("Revoked");
      expect(old.revocationReason).to.equal("Reissued");
      expect(old.successor?.toString()).to.equal(d.tokenId);
      const fresh = await reader.verifyCertificate(d.tokenId!);
      expect(fresh.predecessor?.toString()).to.equal(d.previousTokenId);
      expect(fresh.holder).to.equal(result.newWallet);
      expect(certificateNumberOf(world.bodyA, fresh.resultRoot).toString()).to.equal(d.tokenId);
      const history = await reader.certificateHistory(d.previousTokenId!);
      expect(history.map((h) => h.kind)).to.deep.equal(["issued", "revoked", "reissued-to"]);
      expect(history[1]).to.include({ kind: "revoked", reason: "Reissued" });

      // the credential now belongs to the new wallet: its root is the new certificate's, a disclosure verifies
      const cred = await call<{ root: Hex; credential: Credential; tokenId: string }>(http, "credential", "GET", `/dossiers/${d.id}/credential`, undefined, result.tokens.newWallet);
      expect(cred.tokenId).to.equal(d.tokenId);
      expect(cred.root).to.equal(fresh.resultRoot);
      const shown = disclose(cred.credential, ["level"]);
      expect(shown.ok).to.equal(true);
      if (shown.ok) expect(verifyDisclosure(shown.value, fresh.resultRoot).ok).to.equal(true);
      // the old wallet no longer gets it
      const oldToken = result.tokens.applicants.get(d.applicant.address)!;
      expect((await http("GET", `/dossiers/${d.id}/credential`, undefined, oldToken)).status).to.equal(404);
    });

    it("renewal, suspension, revocation and the dismissed objection are in the certificates' on-chain history and the audit log", async () => {
      const renewed = part("renewed");
      const rv = await reader.verifyCertificate(renewed.tokenId!);
      expect(rv.resultRoot).to.equal(renewed.root);
      expect((await reader.certificateHistory(renewed.tokenId!)).map((h) => h.kind)).to.deep.equal(["issued", "renewed"]);

      const suspended = part("suspended");
      expect((await reader.certificateHistory(suspended.tokenId!)).map((h) => h.kind)).to.deep.equal(["issued", "suspended"]);
      const revoked = part("revoked");
      const rh = await reader.certificateHistory(revoked.tokenId!);
      expect(rh.map((h) => h.kind)).to.deep.equal(["issued", "revoked"]);
      expect((await reader.verifyCertificate(revoked.tokenId!)).revocationReason).to.equal("Violation");

      const objected = part("objected");
      const oh = await reader.certificateHistory(objected.tokenId!);
      expect(oh.map((h) => h.kind)).to.deep.equal(["issued", "objection-filed", "objection-resolved"]);
      const objections = await listAll<{ status: string; filer: string; filedTx: string; resolvedTx: string }>(http, "objections", "/objections", result.tokens.operator);
      expect(objections).to.have.length(1);
      expect(objections[0]).to.include({ status: "dismissed", filer: devAccount(CAST.objector).address, filedTx: oh[1]!.txHash, resolvedTx: oh[2]!.txHash });

      const audit = await listAll<{ action: string; role: string }>(http, "audit", `/dossiers/${objected.id}/audit`, result.tokens.operator);
      expect(audit.map((a) => a.action)).to.deep.equal(["submit", "accept", "assign", "sheet", "sheet", "sheet", "evaluate", "approve", "issued-on-chain", "file-objection", "resolve-objection", "end-notice"]);
      expect(audit.find((a) => a.action === "file-objection")?.role).to.equal("public");
      // every lifecycle intent was settled by its own call
      expect((wb.db.prepare("SELECT COUNT(*) AS n FROM chain_intents WHERE status != 'done'").get() as { n: number }).n).to.equal(0);
    });

    it("a change made on the contract outside the workbench (the supervisor suspends) is followed after a restart", async () => {
      const d = result.dossiers.find((x) => x.part === "issued" && x.chainStatus === "Valid")!;
      const supervisor = clients(node.url, world.deployment, devAccount(CAST.supervisor));
      await supervisor.suspendCertificate(d.tokenId!, `0x${"ab".repeat(32)}`);
      await wb.close();
      wb = await buildServer({ config, chain: clients(node.url, world.deployment, devAccount(CAST.bodyAKey)) });
      http = fetchHttp(await wb.listen());
      const row = wb.db.prepare("SELECT state FROM dossiers WHERE id = ?").get(d.id) as { state: string };
      expect(row.state).to.equal("suspended");
      const last = wb.db.prepare("SELECT action, role, actor, details_json FROM audit_log WHERE dossier_id = ? ORDER BY id DESC LIMIT 1").get(d.id) as { action: string; role: string; actor: string; details_json: string };
      expect(last).to.include({ action: "suspend", role: "sync", actor: devAccount(CAST.supervisor).address });
      expect(JSON.parse(last.details_json)).to.include({ resyncedFromChain: true });
    });
  });
}
