/**
 * The demo's seeds.
 *
 * - `seedWorkbenchDemo` is `npm start` without the terminal: a local chain (Hardhat node), the contracts, two
 *   accredited bodies and the default rulebook, the workbench (in-process, with body A's signing key) and 30
 *   dossiers taken through the whole procedure over its HTTP API (scripts/lib/procedure.ts). Import it only after
 *   `hardhat compile`, which generates the sdk's ABIs.
 * - `seedDemo` is the older fixture that writes certificates straight to the contract with random roots (every
 *   status, including expired and voided, which the procedure does not produce); the dApp's tests use it.
 */
import { ethers, type Signer } from "ethers";
import type { CQOCertificate } from "../../typechain-types";
import defaultRulebook from "../../rulebooks/hn-cqo-default-2024.1.json";
import { parseRulebook, rulebookHash } from "../../scoring";
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

const DAY = 86_400;
const YEAR = 365 * DAY;

/** The demo's cast: who plays which role, by signer. */
export interface DemoCast {
  association: Signer;
  supervisor: Signer;
  bodyA: { admin: Signer; key: Signer };
  bodyB: { admin: Signer; key: Signer };
  holders: Signer[]; // at least 9
}

export interface DemoCertificate {
  label: string;
  tokenId: bigint;
  holder: string;
  expected: string; // the status the demo intends it to show
}

/** Moves the chain's clock forward (a local chain only). */
export type TimeTravel = (seconds: number) => Promise<void>;

async function now(certificate: CQOCertificate): Promise<number> {
  const block = await certificate.runner!.provider!.getBlock("latest");
  return block!.timestamp;
}

const root = () => ethers.hexlify(ethers.randomBytes(32));

/**
 * Seeds a fresh deployment with a demo association: a supervisor, two accredited bodies, the default rulebook,
 * and certificates in every status (pending, valid, suspended, revoked, expired, voided, re-issued, objected).
 * The result roots are random here; the workbench pipeline replaces them with real evaluation commitments.
 */
export async function seedDemo(certificate: CQOCertificate, cast: DemoCast, travel: TimeTravel): Promise<DemoCertificate[]> {
  const assoc = certificate.connect(cast.association);
  await (await assoc.grantRole(ethers.id("SUPERVISOR_ROLE"), await cast.supervisor.getAddress())).wait();

  const parsed = parseRulebook(defaultRulebook);
  if (!parsed.ok) throw new Error(`default rulebook invalid: ${JSON.stringify(parsed.errors)}`);
  await (await assoc.registerRulebook(rulebookHash(parsed.value), "rulebooks/hn-cqo-default-2024.1.json")).wait();
  const rulebookId = 1;

  const t0 = await now(certificate);
  const accredit = async (admin: Signer, key: Signer, scope: number, name: string) => {
    const metadata = JSON.stringify({ name, country: "CN", province: "湖南" });
    await (
      await assoc.accreditBody(
        {
          admin: await admin.getAddress(),
          scope,
          accreditedUntil: t0 + 5 * YEAR,
          noticePeriod: 7 * DAY,
          metadataURI: `data:application/json,${encodeURIComponent(metadata)}`,
          metadataHash: ethers.keccak256(ethers.toUtf8Bytes(metadata)),
        },
        [await key.getAddress()],
      )
    ).wait();
  };
  await accredit(cast.bodyA.admin, cast.bodyA.key, 0b111, "湖南省质量认定中心（演示） Hunan Quality Certification Centre (demo)");
  await accredit(cast.bodyB.admin, cast.bodyB.key, 0b100, "长沙市首席质量官评价所（演示） Changsha CQO Assessment (demo)");

  const certs: DemoCertificate[] = [];
  const issue = async (body: "A" | "B", holder: Signer, level: number, validFor: number, label: string, expected: string) => {
    const key = body === "A" ? cast.bodyA.key : cast.bodyB.key;
    const resultRoot = root();
    const start = await now(certificate);
    await (
      await certificate.connect(key).issueCertificate({
        holder: await holder.getAddress(),
        resultRoot,
        level,
        rulebookId,
        validUntil: start + validFor,
      })
    ).wait();
    const entry = { label, tokenId: await certificate.certificateNumberOf(resultRoot), holder: await holder.getAddress(), expected };
    certs.push(entry);
    return entry;
  };

  const h = cast.holders;
  // Issued "long ago": after the time travel below these are past their notice period.
  const valid = await issue("A", h[0], 1, 3 * YEAR, "Level I, valid", "Valid");
  await issue("A", h[1], 2, 3 * YEAR, "Level II, valid", "Valid");
  const suspended = await issue("A", h[2], 2, 3 * YEAR, "suspended by the body", "Suspended");
  const revoked = await issue("A", h[3], 3, 3 * YEAR, "revoked for fraud", "Revoked");
  await issue("A", h[4], 3, 8 * DAY, "expired", "Expired");
  const voided = await issue("B", h[5], 3, 3 * YEAR, "voided by the supervisor", "Voided");
  const lost = await issue("A", h[6], 2, 3 * YEAR, "re-issued to a new wallet (old)", "Revoked");

  await travel(10 * DAY);
  const key = certificate.connect(cast.bodyA.key);
  await (await key.suspendCertificate(ethers.id("annual review missed"), suspended.tokenId)).wait();
  await (await key.revokeCertificate(revoked.tokenId, ethers.id("forged training certificate"), 1)).wait();
  await (await certificate.connect(cast.supervisor).voidCertificatesIssuedBefore(2, (await now(certificate)) - 1, ethers.id("body B audit"))).wait();

  // Re-issue: the new wallet consents by signing, the body submits.
  const newWallet = h[7];
  const newRoot = root();
  const deadline = (await now(certificate)) + DAY;
  const network = await certificate.runner!.provider!.getNetwork();
  const consent = await newWallet.signTypedData(
    { name: "CQO Certificate", version: "1", chainId: network.chainId, verifyingContract: await certificate.getAddress() },
    {
      ReissueConsent: [
        { name: "tokenId", type: "uint256" },
        { name: "newHolder", type: "address" },
        { name: "newResultRoot", type: "bytes32" },
        { name: "deadline", type: "uint40" },
      ],
    },
    { tokenId: lost.tokenId, newHolder: await newWallet.getAddress(), newResultRoot: newRoot, deadline },
  );
  await (await key.reissueCertificate(lost.tokenId, await newWallet.getAddress(), newRoot, deadline, consent)).wait();
  certs.push({ label: "re-issued to a new wallet (new)", tokenId: await certificate.certificateNumberOf(newRoot), holder: await newWallet.getAddress(), expected: "Valid" });

  // Fresh results: still in public notice (公示); one has an objection filed against it.
  await issue("A", h[8], 1, 3 * YEAR, "in public notice", "Pending");
  const objected = await issue("A", h[0], 2, 3 * YEAR, "objection filed during notice", "Pending");
  await (await certificate.connect(h[1]).fileObjection(objected.tokenId, ethers.id("anonymous complaint"))).wait();

  void valid;
  void voided;
  return certs;
}

// ---------------------------------------------------------------- the procedure through the workbench

/** .demo/ (CQO_DEMO_DIR to use another folder, e.g. a test beside a running demo) */
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
