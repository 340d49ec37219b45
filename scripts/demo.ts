/**
 * `npm start`: compile, a local chain (Hardhat node on CQO_DEMO_PORT, default 8545), the contracts, two
 * accredited bodies and the default rulebook, the certifying body's workbench on CQO_DEMO_SERVER_PORT (default
 * 8787) with body A's signing key, 30 demo dossiers taken through the whole procedure over the workbench's API,
 * then the dApp (npm run app:dev) if the repository has it. Prints the URLs, the demo accounts and a verify
 * command; Ctrl-C stops everything (each child runs in its own process group). CQO_DEMO_EXIT=1: seed and exit.
 * CQO_DEMO_APP=0: no dApp.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..");
const CHAIN_PORT = Number(process.env.CQO_DEMO_PORT ?? 8545);
const SERVER_PORT = Number(process.env.CQO_DEMO_SERVER_PORT ?? 8787);
const APP_PORT = Number(process.env.CQO_APP_PORT ?? 5173);
const EXIT_AFTER_SEED = process.env.CQO_DEMO_EXIT === "1";

interface AppPlan {
  script: "app:dev" | "app:preview";
  url: string;
}

/** The dApp, if another engineer's app/ is in the tree with a dev or preview script. */
function appPlan(): AppPlan | null {
  if (process.env.CQO_DEMO_APP === "0" || !existsSync(join(ROOT, "app"))) return null;
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
  const script = scripts["app:dev"] ? "app:dev" : scripts["app:preview"] ? "app:preview" : null;
  return script ? { script, url: `http://127.0.0.1:${APP_PORT}/` } : null;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const r = await fetch(url);
      if (r.status < 500) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log("• compiling contracts (and generating the sdk's ABIs) …");
  const compiled = spawnSync(join(ROOT, "node_modules", ".bin", "hardhat"), ["compile", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  if (compiled.status !== 0) throw new Error("compilation failed");
  const compiledAt = Date.now();

  // the sdk imports the generated ABIs: load everything else only now
  const { seedWorkbenchDemo, DEMO_DEPLOYMENT } = await import("./lib/seed");
  const { killGroupNow, stopGroup } = await import("./lib/node");
  const { CAST, devAccount, devPrivateKey } = await import("./lib/world");
  const { CERTIFICATE_STATUS_ZH } = await import("../sdk");

  const app = EXIT_AFTER_SEED ? null : appPlan();
  // sign-in messages name the host the browser shows: the dApp's when it runs, else the workbench's own
  const siweDomain = process.env.CQO_SIWE_DOMAIN ?? (app ? `127.0.0.1:${APP_PORT}` : `127.0.0.1:${SERVER_PORT}`);
  console.log(`• starting a Hardhat node on 127.0.0.1:${CHAIN_PORT} …`);
  // until seeding is done, Ctrl-C stops the chain and exits (the workbench lives in this process)
  let seeding: ChildProcess | null = null;
  const abort = () => {
    if (seeding) killGroupNow(seeding);
    process.exit(130);
  };
  process.on("SIGINT", abort);
  process.on("SIGTERM", abort);
  const demo = await seedWorkbenchDemo({ chainPort: CHAIN_PORT, serverPort: SERVER_PORT, siweDomain, log: (l) => console.log(l), onNode: (n) => (seeding = n.proc) }).catch((err: unknown) => {
    if (seeding) killGroupNow(seeding);
    throw err;
  });
  process.off("SIGINT", abort);
  process.off("SIGTERM", abort);
  const seededAt = Date.now();

  let appProc: ChildProcess | null = null;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (appProc) await stopGroup(appProc, 3_000);
    await demo.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  process.on("exit", () => {
    if (appProc) killGroupNow(appProc);
    killGroupNow(demo.node.proc);
  });

  // ------------------------------------------------------------ the result
  const line = (s = "") => console.log(s);
  line();
  line(`首席质量官能力水平认定 · CQO certification demo — chain ${demo.deployment.chainId} at ${demo.node.url}`);
  line(`certificate contract ${demo.deployment.certificate}   (${DEMO_DEPLOYMENT})`);
  line(`library BodyAdministration ${demo.deployment.library ?? "-"} · clock unit ${demo.deployment.clockUnit} (block timestamps in ${demo.deployment.clockUnit === 1000 ? "milliseconds" : "seconds"})`);
  line();
  // the holder's wallet by its mnemonic index (the demo picker and `cqo` use these accounts)
  const indexOf = new Map(Array.from({ length: CAST.firstApplicant + demo.dossiers.length + 1 }, (_, i) => [devAccount(i).address.toLowerCase(), i] as const));
  const holderOf = (a?: string) => (a ? `#${indexOf.get(a.toLowerCase()) ?? "?"} ${a.slice(0, 6)}…${a.slice(-4)}` : "—");
  line("dossier                  part                                   workbench         certificate          holder (account)     on-chain");
  for (const d of demo.dossiers) {
    const chain = d.chain ? `${d.chain.status} ${CERTIFICATE_STATUS_ZH[d.chain.status]}${d.chain.underObjection ? " (异议 objection)" : ""}` : "—";
    line(`${d.id.padEnd(24)} ${d.label.padEnd(38)} ${d.state.padEnd(17)} ${(d.tokenId ?? "").padEnd(20)} ${holderOf(d.holder).padEnd(20)} ${chain}`);
  }
  const reissued = demo.dossiers.find((d) => d.part === "reissued");
  if (reissued?.previousTokenId) line(`  (re-issued: ${reissued.previousTokenId} is revoked as Reissued; ${reissued.tokenId} belongs to ${reissued.holder})`);

  if (app) {
    if (app.script === "app:preview") {
      // a built app reads deployment.json next to its index.html
      const dist = join(ROOT, "app", "dist");
      mkdirSync(dist, { recursive: true });
      copyFileSync(DEMO_DEPLOYMENT, join(dist, "deployment.json"));
    }
    line();
    line(`• starting the dApp (npm run ${app.script}) …`);
    appProc = spawn("npm", ["run", app.script, "--", "--port", String(APP_PORT), "--strictPort"], {
      cwd: ROOT,
      stdio: "ignore",
      detached: true,
      env: { ...process.env, CQO_DEPLOYMENT: DEMO_DEPLOYMENT, CQO_API_TARGET: demo.serverUrl, CQO_APP_PORT: String(APP_PORT) },
    });
    if (!(await waitForHttp(app.url, appProc, 60_000))) {
      line(`  the dApp did not come up on ${app.url} (exit code ${appProc.exitCode ?? "none"}); the chain and the workbench keep running`);
      await stopGroup(appProc, 2_000);
      appProc = null;
    }
  }

  const valid = demo.dossiers.find((d) => d.part === "issued" && d.chain?.status === "Valid");
  line();
  line("URLs");
  line(`  chain (JSON-RPC)     ${demo.node.url}`);
  line(`  workbench API        ${demo.serverUrl}   (SIWE domain ${siweDomain})`);
  if (appProc && app) line(`  dApp                 ${app.url}   (workbench API proxied at /api)`);
  line();
  line("Demo accounts (Hardhat's public test mnemonic \"test test … junk\": known to everyone, never use them for value)");
  const acct = (i: number, role: string, key = false) => line(`  #${String(i).padEnd(3)} ${devAccount(i).address}  ${role}${key ? `   key ${devPrivateKey(i)}` : ""}`);
  acct(CAST.association, "association 协会 (DEFAULT_ADMIN_ROLE)");
  acct(CAST.supervisor, "supervisor 监督管理 (SUPERVISOR_ROLE)");
  acct(CAST.bodyAAdmin, `body A admin (body ${demo.world.bodyA})`);
  acct(CAST.bodyAKey, "body A signing key = workbench operator 认定主体操作员", true);
  acct(CAST.bodyBAdmin, `body B admin (body ${demo.world.bodyB})`);
  acct(CAST.bodyBKey, "body B signing key");
  CAST.assessors.forEach((i, k) => acct(i, `assessor 评审专家 EXP-000${k + 1}`, true));
  acct(CAST.objector, "member of the public who filed the objection");
  acct(CAST.newWallet, `new wallet of the re-issued certificate ${reissued?.tokenId ?? ""}`, true);
  line(`  #${CAST.firstApplicant}… applicants 申报人, one wallet per dossier, in the table's order (the holder column names each account)`);
  line();
  line("Try");
  const rpcFlag = CHAIN_PORT === 8545 ? "" : ` --rpc ${demo.node.url}`;
  if (valid) line(`  npx cqo verify ${valid.tokenId}${rpcFlag}          # a valid certificate: verdict and history`);
  if (reissued) line(`  npx cqo verify ${reissued.previousTokenId}${rpcFlag}          # re-issued: revoked, with its successor`);
  const reviewed = demo.dossiers.find((d) => d.part === "reviewed");
  const overdue = demo.dossiers.find((d) => d.part === "overdue");
  if (reviewed) line(`  npx cqo verify ${reviewed.tokenId}${rpcFlag}          # 年审通过: annual review recorded, next review date`);
  if (overdue) line(`  npx cqo verify ${overdue.tokenId}${rpcFlag}          # 年审逾期: review overdue, not valid (exit code 1)`);
  if (valid) line(`  npx cqo verify ${valid.holder}${rpcFlag}`);
  line(`  curl ${demo.serverUrl}/health`);
  line();
  // the dApp's demo-account picker (chain 31337 only) signs with these same public keys: no wallet needed
  const { DEMO_ACCOUNTS } = await import("../app/src/wallet/demoAccounts");
  line(`Open in a browser (no wallet needed on this chain: pick the part under 演示账户 / Demo accounts on the page)`);
  const appBase = appProc && app ? app.url : `http://127.0.0.1:${APP_PORT}/`;
  if (!appProc) line(`  (the dApp is not running: npm run app:dev)`);
  for (const a of DEMO_ACCOUNTS) line(`  ${`${a.label.zh} ${a.label.en}`.padEnd(44)} ${appBase}${a.page}   #${a.index} ${devAccount(a.index).address}`);
  line(`  ${"认定主体名录 directory of bodies (anyone)".padEnd(44)} ${appBase}#/bodies`);
  line();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  line(`compile ${s(compiledAt - started)} · seed ${s(seededAt - compiledAt)} (${Object.entries(demo.timings).map(([k, v]) => `${k} ${s(v)}`).join(", ")})`);

  if (EXIT_AFTER_SEED) {
    await stopAll(0);
    return;
  }
  line("The chain, the workbench" + (appProc ? " and the dApp" : "") + " keep running; Ctrl-C stops everything.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
