/**
 * Crash tests, for real: an anvil node, a deployment made with the sdk, an outbox of approved results prepared
 * through the HTTP API, and the workbench run as a child process (`node --import tsx server/main.ts`) that is
 * SIGKILLed in the middle of issuance: at fixed points (CQO_TEST_CRASH_AFTER) and at random times. Then the
 * chain node itself is killed mid-issuance and restarted from its state file while the worker retries. After
 * the last restart every result must be issued exactly once: one mint (Transfer from the zero address) per
 * root on-chain, and the database agreeing row for row.
 */
import { expect } from "chai";
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { zeroAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { certificateNumberOf, cqoCertificateAbi } from "../../sdk";
import { buildServer } from "../../server/app";
import type { CrashPoint } from "../../server/config";
import {
  ASSESSORS,
  OPERATOR,
  REPO,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  freePort,
  injectHttp,
  privateKeyOf,
  publicClientFor,
  registerAssessors,
  signInAs,
  sleep,
  startAnvil,
  tempDir,
  testConfig,
  toEvaluated,
  writeDeployment,
  type Anvil,
  type World,
} from "./helpers";

interface Env {
  dir: string;
  anvil: Anvil;
  world: World;
}

/** N approved results in the outbox, prepared in-process with the worker off; returns their roots. */
async function prepareOutbox(env: Env, n: number, firstSeed: number): Promise<Hex[]> {
  const wb = await buildServer({ config: testConfig(env.dir), chain: clientFor(env.anvil.url, env.world.deployment, account(OPERATOR)), startWorker: false });
  try {
    const http = injectHttp(wb.app);
    const operator = await signInAs(http, account(OPERATOR));
    await registerAssessors(http, operator);
    const assessors = await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(http, privateKeyToAccount(a.key))));
    const applicants = new Map<number, string>();
    const roots: Hex[] = [];
    for (let seed = firstSeed; roots.length < n; seed++) {
      // a few holders with several certificates each, as in real life (renewals, other employers)
      const holder = 40 + (seed % 7);
      if (!applicants.has(holder)) applicants.set(holder, await signInAs(http, account(holder)));
      const { id, state } = await toEvaluated(http, { operator, applicant: applicants.get(holder)!, assessors }, dossierFor(seed));
      if (state !== "evaluated") continue;
      roots.push(expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ root: Hex }>().root);
    }
    return roots;
  } finally {
    await wb.close();
  }
}

interface Child {
  proc: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  listening: Promise<void>;
}

function startServer(env: Env, extra: Record<string, string> = {}): Child {
  const deploymentPath = writeDeployment(env.dir, env.world.deployment);
  const proc = spawn(process.execPath, ["--import", "tsx", join(REPO, "server", "main.ts")], {
    cwd: REPO,
    env: {
      ...process.env,
      NODE_ENV: "test",
      CQO_DB_PATH: join(env.dir, "workbench.sqlite"),
      CQO_EVIDENCE_DIR: join(env.dir, "evidence"),
      CQO_DEPLOYMENT: deploymentPath,
      CQO_RPC_URL: env.anvil.url,
      CQO_SIGNER_KEY: privateKeyOf(OPERATOR),
      CQO_BODY_ID: String(env.world.bodyId),
      CQO_BATCH_SIZE: "4",
      CQO_WORKER_INTERVAL_MS: "50",
      PORT: "0",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  let onListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (onListening = resolve));
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (text.includes("workbench listening")) onListening();
  };
  proc.stdout!.on("data", collect);
  proc.stderr!.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  return { proc, output, exited, listening };
}

const kill = async (child: Child) => {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill("SIGKILL");
  return child.exited;
};

function outbox(env: Env): { root: Hex; status: string; token_id: string; tx_hash: Hex | null; block_number: number | null; dossier_id: string }[] {
  const db = new Database(join(env.dir, "workbench.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT root, status, token_id, tx_hash, block_number, dossier_id FROM outbox ORDER BY root").all() as ReturnType<typeof outbox>;
  } finally {
    db.close();
  }
}

function dossierStates(env: Env): Map<string, { state: string; token_id: string | null }> {
  const db = new Database(join(env.dir, "workbench.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT id, state, token_id FROM dossiers").all() as { id: string; state: string; token_id: string | null }[];
    return new Map(rows.map((r) => [r.id, r]));
  } finally {
    db.close();
  }
}

const issuedCount = (env: Env) => outbox(env).filter((r) => r.status === "issued").length;

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, child: Child | null, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${child?.output.join("").slice(-3000) ?? ""}`);
    await sleep(50);
  }
}

/** Mints per certificate number, from the chain's own Transfer events. */
async function mintsOnChain(env: Env): Promise<Map<bigint, { count: number; tx: Hex }>> {
  const pc = publicClientFor(env.anvil.url, env.world.deployment);
  const logs = await pc.getContractEvents({ address: env.world.deployment.certificate, abi: cqoCertificateAbi, eventName: "Transfer", args: { from: zeroAddress }, fromBlock: BigInt(env.world.deployment.deployBlock) });
  const out = new Map<bigint, { count: number; tx: Hex }>();
  for (const l of logs) {
    const id = l.args.tokenId!;
    const prev = out.get(id);
    out.set(id, { count: (prev?.count ?? 0) + 1, tx: l.transactionHash });
  }
  return out;
}

/** Every root minted exactly once, nothing else minted, and the database agrees row for row. */
async function assertExactlyOnce(env: Env, roots: Hex[]): Promise<void> {
  const mints = await mintsOnChain(env);
  expect(mints.size, "certificates minted").to.equal(roots.length);
  const rows = new Map(outbox(env).map((r) => [r.root, r]));
  const dossiers = dossierStates(env);
  const chain = clientFor(env.anvil.url, env.world.deployment);
  for (const root of roots) {
    const tokenId = certificateNumberOf(env.world.bodyId, root);
    const mint = mints.get(tokenId);
    expect(mint?.count, `mints of ${root}`).to.equal(1);
    const row = rows.get(root)!;
    expect(row.status, root).to.equal("issued");
    expect(row.token_id).to.equal(tokenId.toString());
    expect(row.tx_hash, `tx of ${root}`).to.equal(mint!.tx);
    expect(dossiers.get(row.dossier_id)).to.deep.equal({ id: row.dossier_id, state: "in-notice", token_id: tokenId.toString() });
    expect((await chain.verifyCertificate(tokenId)).resultRoot).to.equal(root);
  }
}

describe("server: crash safety of the issuance outbox (child process, anvil)", function () {
  this.timeout(180_000);

  let tmp: ReturnType<typeof tempDir>;
  let env: Env;
  const children: Child[] = [];
  const spawnTracked = (extra?: Record<string, string>) => {
    const c = startServer(env, extra);
    children.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of children.splice(0)) await kill(c);
    await env?.anvil.stop("SIGKILL");
    tmp?.cleanup();
  });

  it("SIGKILL at each point of a batch (claimed, mined but not recorded, recorded), then at random times: every result issued exactly once", async () => {
    tmp = tempDir("crash");
    const anvil = await startAnvil();
    env = { dir: tmp.dir, anvil, world: await deployWorld(anvil.url) };
    const roots = await prepareOutbox(env, 24, 500);

    // claimed: rows marked "sending", nothing sent
    let c = spawnTracked({ CQO_TEST_CRASH_AFTER: "claimed" satisfies CrashPoint });
    expect((await c.exited).signal).to.equal("SIGKILL");
    expect((await mintsOnChain(env)).size).to.equal(0);
    expect(outbox(env).filter((r) => r.status === "sending")).to.have.length(4);

    // sent: the first chunk is mined, the process dies before the database hears of it
    c = spawnTracked({ CQO_TEST_CRASH_AFTER: "sent" satisfies CrashPoint });
    expect((await c.exited).signal).to.equal("SIGKILL");
    expect((await mintsOnChain(env)).size).to.equal(4);
    expect(issuedCount(env)).to.equal(0);

    // recorded: at start it reconciles the 4 from the chain, issues the next chunk, records it and dies
    c = spawnTracked({ CQO_TEST_CRASH_AFTER: "recorded" satisfies CrashPoint });
    expect((await c.exited).signal).to.equal("SIGKILL");
    expect((await mintsOnChain(env)).size).to.equal(8);
    expect(issuedCount(env)).to.equal(8);

    // random times, one certificate per batch: each kill waits until this run has minted something, then
    // lands a random 0-200 ms later, somewhere in the send / mine / record cycle of a batch
    const delays = [0, 1, 2].map(() => Math.floor(Math.random() * 200));
    console.log(`      random kill delays: ${delays.join(", ")} ms`);
    const progress: number[] = [];
    for (const delay of delays) {
      const before = (await mintsOnChain(env)).size;
      c = spawnTracked({ CQO_BATCH_SIZE: "1" });
      // (or nothing is left to mint: an earlier run may have finished before its kill landed)
      await waitFor("a mint in this run", async () => {
        const minted = (await mintsOnChain(env)).size;
        return minted > before || minted === roots.length;
      }, c);
      await sleep(delay);
      await kill(c);
      progress.push((await mintsOnChain(env)).size);
    }
    const afterRandom = (await mintsOnChain(env)).size;

    c = spawnTracked();
    await waitFor("every result issued", () => issuedCount(env) === roots.length, c);
    await assertExactlyOnce(env, roots);
    console.log(`      random kills ${delays.map((d, i) => `at ${d} ms (${progress[i]} minted)`).join(", ")}; ${afterRandom} of ${roots.length} before the last start`);
  });

  it("the chain node killed mid-issuance and restarted from its state file while the worker retries: exactly once", async () => {
    tmp = tempDir("chainkill");
    const statePath = join(tmp.dir, "anvil-state.json");
    const port = await freePort();
    let anvil = await startAnvil({ port, statePath });
    env = { dir: tmp.dir, anvil, world: await deployWorld(anvil.url) };
    const roots = await prepareOutbox(env, 24, 700);
    // anvil writes its state file on a graceful exit: this checkpoint holds the deployment and the outbox's setup
    await anvil.stop("SIGTERM");
    anvil = await startAnvil({ port, statePath });
    env.anvil = anvil;

    const c = spawnTracked({ CQO_BATCH_SIZE: "1" });
    await waitFor("the first certificates", () => issuedCount(env) >= 2, c);
    // the node goes away in the middle of the run: the worker fails, backs off and retries
    await anvil.stop("SIGTERM");
    const down = issuedCount(env);
    await waitFor("the worker retrying", () => c.output.join("").includes("issuance pass failed; retrying"), c, 15_000);
    await sleep(500);
    expect(c.proc.exitCode, "the server survives the node's absence").to.equal(null);
    anvil = await startAnvil({ port, statePath });
    env.anvil = anvil;
    await waitFor("every result issued", () => issuedCount(env) === roots.length, c);
    await assertExactlyOnce(env, roots);
    console.log(`      node killed with ${down} of ${roots.length} issued; restarted from ${statePath.split("/").pop()}`);
  });

  it("a node that comes back from an older state (its last blocks lost): the worker notices the chain went back and issues the lost certificates again", async () => {
    tmp = tempDir("rewind");
    const statePath = join(tmp.dir, "anvil-state.json");
    const port = await freePort();
    let anvil = await startAnvil({ port, statePath });
    env = { dir: tmp.dir, anvil, world: await deployWorld(anvil.url) };
    const roots = await prepareOutbox(env, 8, 900);
    await anvil.stop("SIGTERM"); // checkpoint: nothing issued yet
    anvil = await startAnvil({ port, statePath });
    env.anvil = anvil;

    const c = spawnTracked();
    await waitFor("every result issued", () => issuedCount(env) === roots.length, c);
    // SIGKILL: no state dump, so the node restarts from the checkpoint and has forgotten every certificate
    await anvil.stop("SIGKILL");
    anvil = await startAnvil({ port, statePath });
    env.anvil = anvil;
    await waitFor("the lost certificates issued again", async () => issuedCount(env) === roots.length && (await mintsOnChain(env)).size === roots.length, c);
    await assertExactlyOnce(env, roots);
    // every certificate was lost with the node's tail and queued again (not merely found where it was): the worker
    // may re-issue before this test can look at the restarted node, so the proof is in the audit log
    const db = new Database(join(env.dir, "workbench.sqlite"), { readonly: true, fileMustExist: true });
    try {
      const rewound = db.prepare("SELECT DISTINCT o.root FROM audit_log a JOIN outbox o ON o.dossier_id = a.dossier_id WHERE a.action = 'chain-rewound'").pluck().all() as Hex[];
      expect([...rewound].sort()).to.deep.equal([...roots].sort());
    } finally {
      db.close();
    }
  });
});
