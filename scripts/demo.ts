/**
 * `npm start`: a local chain, the contracts, and a demo association with certificates in every status.
 * Stops cleanly on Ctrl-C. Set CQO_DEMO_PORT to use another port, CQO_DEMO_EXIT=1 to seed and exit.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "ethers";
import { deployCqo } from "./lib/deploy";
import { seedDemo } from "./lib/seed";
import { statusLabel } from "./lib/status";

const ROOT = join(__dirname, "..");
const PORT = Number(process.env.CQO_DEMO_PORT ?? 8545);
const RPC = `http://127.0.0.1:${PORT}`;
const MNEMONIC = "test test test test test test test test test test test junk"; // Hardhat's public test mnemonic

async function waitForRpc(node: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (node.exitCode !== null) throw new Error(`the local chain exited with code ${node.exitCode}`);
    try {
      const response = await fetch(RPC, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no answer from ${RPC} after 60 s`);
}

async function main(): Promise<void> {
  console.log("• compiling contracts …");
  const compiled = spawnSync("npx", ["hardhat", "compile", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  if (compiled.status !== 0) throw new Error("compilation failed");

  console.log(`• starting a local chain on ${RPC} …`);
  const node = spawn("npx", ["hardhat", "node", "--port", String(PORT)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true });
  const stop = () => {
    if (node.exitCode === null && node.pid) process.kill(-node.pid, "SIGTERM");
  };
  process.on("SIGINT", () => {
    stop();
    process.exit(0);
  });
  process.on("SIGTERM", () => {
    stop();
    process.exit(0);
  });
  process.on("exit", stop);

  await waitForRpc(node);
  const provider = new ethers.JsonRpcProvider(RPC, undefined, { pollingInterval: 100 });
  const signers = Array.from({ length: 16 }, (_, i) =>
    ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider),
  );
  const nonceManaged = signers.map((s) => new ethers.NonceManager(s));
  const [association, supervisor, adminA, keyA, adminB, keyB, ...holders] = nonceManaged;

  console.log("• deploying …");
  const { certificate, deployment } = await deployCqo(association, await association.getAddress());
  console.log("• seeding the demo association, two bodies, a rulebook and certificates …");
  const certs = await seedDemo(certificate, { association, supervisor, bodyA: { admin: adminA, key: keyA }, bodyB: { admin: adminB, key: keyB }, holders }, async (s) => {
    await provider.send("evm_increaseTime", [s]);
    await provider.send("evm_mine", []);
  });

  mkdirSync(join(ROOT, ".demo"), { recursive: true });
  writeFileSync(join(ROOT, ".demo", "deployment.json"), JSON.stringify({ ...deployment, rpcUrl: RPC }, null, 2));

  console.log(`\n首席质量官证书演示 · CQO certificate demo — chain ${deployment.chainId} at ${RPC}`);
  console.log(`certificate contract: ${deployment.certificate}`);
  console.log(`association (协会):   ${signers[0].address}`);
  console.log(`supervisor (监督):    ${signers[1].address}`);
  console.log(`body A key (认定主体): ${signers[3].address}   body B key: ${signers[5].address}\n`);
  for (const c of certs) {
    const status = await certificate.statusOf(c.tokenId);
    console.log(`  #${c.tokenId.toString().padEnd(20)} ${statusLabel(status).padEnd(16)} ${c.label}  (holder ${c.holder})`);
  }
  console.log(`\nTry:  npm run verify -- ${certs[0].tokenId}      npm run verify -- ${certs[0].holder}`);
  if (process.env.CQO_DEMO_EXIT === "1") {
    stop();
    return;
  }
  console.log("The chain keeps running; Ctrl-C stops everything.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
