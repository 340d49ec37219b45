import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/lib/node";

const ROOT = join(__dirname, "..");

/** Runs a script as `npm start` would, in its own process group; resolves with its output and exit code. */
function run(script: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    return true;
  } catch {
    return false;
  }
}

describe("demo (npm start)", () => {
  it("CQO_DEMO_EXIT=1: compiles, seeds 30 dossiers through the workbench in under 2 minutes, prints accounts and a verify command, and leaves nothing running", async function () {
    this.timeout(240_000);
    const [chainPort, serverPort] = [await freePort(), await freePort()];
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), "cqo-demo-"));
    const r = await run("scripts/demo.ts", { CQO_DEMO_EXIT: "1", CQO_DEMO_PORT: String(chainPort), CQO_DEMO_SERVER_PORT: String(serverPort), CQO_DEMO_APP: "0", CQO_DEMO_DIR: dir }, 200_000);
    expect(r.code, r.out.slice(-3000)).to.equal(0);
    const seconds = Number(/seed ([\d.]+) s/.exec(r.out)?.[1]);
    expect(seconds, "seeding time").to.be.greaterThan(0).and.lessThan(120);
    expect(Date.now() - started).to.be.lessThan(200_000);
    const rows = r.out.split("\n").filter((l) => /^HN-\d{4}-\d{6}\b/.test(l));
    expect(rows).to.have.length(30);
    const count = (re: RegExp) => rows.filter((l) => re.test(l)).length;
    expect(count(/\brejected\s+—/)).to.equal(3);
    expect(count(/not-certified/)).to.equal(1);
    expect(count(/\bflagged\s+—/)).to.equal(1);
    expect(count(/renewal-applied/)).to.equal(1);
    expect(count(/Suspended/)).to.equal(1);
    expect(count(/revoked .*Revoked/)).to.equal(1);
    expect(count(/Pending 公示中 \(异议 objection\)/)).to.equal(1);
    expect(count(/Pending/)).to.equal(3); // in notice, under objection, and the re-issued certificate's own notice
    expect(count(/Valid/)).to.be.greaterThanOrEqual(18);
    // 监督管理: a year on, one certificate passed its annual review, one missed it (issue #13)
    expect(count(/年审通过 annual review passed .* Valid 有效/)).to.equal(1);
    expect(count(/年审逾期 annual review overdue .* ReviewOverdue 年审逾期/)).to.equal(1);
    expect(r.out).to.match(/npx cqo verify \d+ --rpc \S+ +# 年审逾期/);
    // each certificate names its holder's account by mnemonic index: the applicants are 20 on, in the table's order
    const holders = rows.map((l) => /\s#(\d+) 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\s/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    expect(holders).to.have.length(24);
    rows.forEach((l, i) => {
      const m = /\s#(\d+) 0x/.exec(l);
      // the re-issued certificate moved to the new wallet (#19); every other holder is the row's own applicant
      if (m && !/补发/.test(l)) expect(Number(m[1]), l).to.equal(20 + i);
    });
    expect(r.out).to.match(/re-issued: \d+ is revoked as Reissued; \d+ belongs to 0x/);
    expect(r.out).to.match(/npx cqo verify \d+ --rpc http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).to.contain("body A signing key = workbench operator");
    // every certificate is body A's: its number carries the body's id in the top byte
    const numbers = rows.map((l) => /\s(\d{15,20})\s/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
    expect(numbers).to.have.length(24);
    expect(numbers.map((n) => BigInt(n) >> 56n)).to.deep.equal(numbers.map(() => 1n));
    expect(r.out).to.match(/library BodyAdministration 0x[0-9a-fA-F]{40} · clock unit 1 \(block timestamps in seconds\)/);
    const deployment = JSON.parse(readFileSync(join(dir, "deployment.json"), "utf8")) as { chainId: number; rpcUrl: string; clockUnit: number; library: string };
    expect(deployment).to.include({ chainId: 31337, rpcUrl: `http://127.0.0.1:${chainPort}`, clockUnit: 1 });
    expect(deployment.library).to.match(/^0x[0-9a-fA-F]{40}$/);
    // no orphans: the chain and the workbench are gone
    expect(await listening(chainPort)).to.equal(false);
    expect(await listening(serverPort)).to.equal(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("bench:pipeline quick mode (BENCH_QUICK=1)", () => {
  it("takes 100 dossiers to issued certificates and writes its figures", async function () {
    this.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), "cqo-bench-smoke-"));
    try {
      const out = join(dir, "pipeline.json");
      const r = await run("bench/pipeline.ts", { BENCH_QUICK: "1", BENCH_CHAIN: "anvil", BENCH_OUT: out }, 280_000);
      expect(r.code, r.out.slice(-3000)).to.equal(0);
      const j = JSON.parse(readFileSync(out, "utf8")) as {
        certificates: number;
        transactions: number;
        gasPerCertificate: number;
        certificatesPerTransaction: number;
        memory: { peakRssMb: number };
        targets: Record<string, { pass: boolean }>;
        stages: Record<string, unknown>;
      };
      expect(j.certificates).to.equal(100);
      expect(j.transactions).to.be.greaterThan(0).and.lessThan(100);
      expect(j.gasPerCertificate).to.be.greaterThan(60_000).and.lessThan(120_000);
      expect(j.certificatesPerTransaction).to.equal(Math.round((100 / j.transactions) * 10) / 10);
      expect(j.memory.peakRssMb).to.be.greaterThan(0);
      expect(Object.keys(j.targets)).to.deep.equal(["certificatesPerSecond", "certificatesPerTransaction"]);
      expect(j.stages).to.have.property("sheets (3, signatures verified)");
      expect(r.out).to.match(/(PASS|FAIL) certificates\/s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
