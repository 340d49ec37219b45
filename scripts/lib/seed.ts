/**
 * The demo's seed: `seedWorkbenchDemo` is `npm start` without the terminal: a local chain (Hardhat node), the
 * contracts, two accredited bodies and the default rulebook, the workbench (in-process, with body A's signing key)
 * and 30 dossiers taken through the whole procedure over its HTTP API (scripts/lib/procedure.ts). Import it only
 * after `hardhat compile`, which generates the sdk's ABIs. (The dApp's tests seed every status, expired and voided
 * included, with their own fixture: test/app/seed.ts.)
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { CqoClient, type CertificateVerification, type Deployment } from "../../sdk";
import { writeDeploymentFile } from "../../sdk/node";
import { buildServer, type Workbench } from "../../server/app";
import type { ServerConfig } from "../../server/config";
import { REPO_ROOT, startNode, type LocalNode, type NodeKind } from "./node";
import { runProcedure, type ObjectionOutcome, type PlannedDossier, type ProcedureResult } from "./procedure";
import { fetchHttp } from "./workbench-client";
import { CAST, clients, deployWorld, devAccount, devPrivateKey, type World } from "./world";

export const DEMO_DIR = process.env.CQO_DEMO_DIR ? resolve(process.env.CQO_DEMO_DIR) : join(REPO_ROOT, ".demo");
export const DEMO_DEPLOYMENT = join(DEMO_DIR, "deployment.json");

export interface SeedOptions {
  chainPort: number;
  serverPort: number;
  node?: NodeKind;
  /** the EIP-4361 domain sign-ins must name (the host the browser shows) */
  siweDomain: string;
  count?: number;
  objection?: ObjectionOutcome;
  log?: (line: string) => void;
  /** the chain's process as soon as it runs (so a Ctrl-C during seeding can stop it) */
  onNode?: (node: LocalNode) => void;
}

export interface SeededDemo {
  node: LocalNode;
  workbench: Workbench;
  serverUrl: string;
  world: World;
  deployment: Deployment;
  procedure: ProcedureResult;
  /** each dossier with its certificate's on-chain view (null: none) */
  dossiers: (PlannedDossier & { chain: CertificateVerification | null })[];
  timings: Record<string, number>;
  /** stops the workbench, then the chain */
  stop(): Promise<void>;
}

export function demoServerConfig(world: World, o: { serverPort: number; rpcUrl: string; siweDomain: string }): ServerConfig {
  return {
    dbPath: join(DEMO_DIR, "workbench.sqlite"),
    rpcUrl: o.rpcUrl,
    deploymentPath: DEMO_DEPLOYMENT,
    evidenceDir: join(DEMO_DIR, "evidence"),
    port: o.serverPort,
    host: "127.0.0.1",
    bodyId: world.bodyA,
    signerKey: devPrivateKey(CAST.bodyAKey),
    siweDomain: o.siweDomain,
    sessionTtlSeconds: 8 * 3600,
    batchSize: 50,
    workerIntervalMs: 200,
    evidenceMaxBytes: 20 * 1024 * 1024,
    // every applicant of the demo signs the integrity declaration in their wallet, as the dApp's form has them do
    requireDeclaration: true,
  };
}

export async function seedWorkbenchDemo(o: SeedOptions): Promise<SeededDemo> {
  const log = o.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    timings[stage] = Date.now() - t;
    t = Date.now();
  };

  const node = await startNode(o.node ?? "hardhat", { port: o.chainPort });
  o.onNode?.(node);
  let workbench: Workbench | null = null;
  try {
    log(`• ${o.node ?? "hardhat"} node on ${node.url}`);
    lap("chain");
    const world = await deployWorld(node.url);
    // a fresh chain: the previous demo's database and evidence describe certificates that no longer exist
    rmSync(join(DEMO_DIR, "workbench.sqlite"), { force: true });
    rmSync(join(DEMO_DIR, "workbench.sqlite-wal"), { force: true });
    rmSync(join(DEMO_DIR, "workbench.sqlite-shm"), { force: true });
    rmSync(join(DEMO_DIR, "evidence"), { recursive: true, force: true });
    mkdirSync(DEMO_DIR, { recursive: true });
    writeDeploymentFile(DEMO_DEPLOYMENT, world.deployment);
    log(`• deployed ${world.deployment.certificate}; rulebook #${world.rulebookId}; bodies ${world.bodyA} (A) and ${world.bodyB} (B) accredited`);
    lap("deploy");

    const config = demoServerConfig(world, { serverPort: o.serverPort, rpcUrl: node.url, siweDomain: o.siweDomain });
    workbench = await buildServer({ config, chain: clients(node.url, world.deployment, devAccount(CAST.bodyAKey)) });
    const serverUrl = (await workbench.listen()).replace("[::1]", "127.0.0.1");
    log(`• workbench on ${serverUrl} (body A's key ${config.signerKey ? "loaded" : "missing"})`);
    lap("server");

    const procedure = await runProcedure({ http: fetchHttp(serverUrl), rpcUrl: node.url, deployment: world.deployment, count: o.count ?? 30, objection: o.objection, log });
    lap("procedure");

    const reader: CqoClient = clients(node.url, world.deployment);
    const dossiers = await Promise.all(procedure.dossiers.map(async (d) => ({ ...d, chain: d.tokenId ? await reader.verifyCertificate(d.tokenId) : null })));
    const wb = workbench;
    return {
      node,
      workbench: wb,
      serverUrl,
      world,
      deployment: world.deployment,
      procedure,
      dossiers,
      timings: { ...timings, ...Object.fromEntries(Object.entries(procedure.timings).map(([k, v]) => [`procedure: ${k}`, v])) },
      async stop() {
        await wb.close();
        await node.stop();
      },
    };
  } catch (err) {
    await workbench?.close().catch(() => undefined);
    await node.stop();
    throw err;
  }
}
