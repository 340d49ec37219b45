/**
 * `cqo` as a script would run it: a child process (npx cqo) against anvil, checking output and exit codes of
 * issue (chunked, then resumed), verify (number and wallet), a refused status change and the failure modes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { writeDeploymentFile } from "../../sdk/node";
import { deployFixture, freshRoot, NOTICE, ROLE, type Fixture } from "./fixture";

const ROOT = join(__dirname, "..", "..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the cli's bin directly; `viaNpx` as a user would type it (slower: npx resolves the workspace bin first). */
function cqo(args: string[], env: Record<string, string | undefined>, viaNpx = false): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, CQO_PRIVATE_KEY: undefined, CQO_KEYSTORE_PASSWORD: undefined, CQO_DEPLOYMENT: undefined, ...env };
    const [file, argv] = viaNpx ? ["npx", ["cqo", ...args]] : [process.execPath, [join(ROOT, "cli", "bin", "cqo.cjs"), ...args]];
    execFile(file, argv, { cwd: ROOT, env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("cqo chain commands (child process on anvil)", function () {
  this.timeout(90_000);
  let f: Fixture;
  let dir: string;
  let deploymentFile: string;
  let base: string[];
  let asKey1: Record<string, string>;
  let items: { holder: string; resultRoot: string; level: number; rulebookId: number; validYears: number }[];

  before(async () => {
    f = await deployFixture();
    dir = mkdtempSync(join(tmpdir(), "cqo-cli-"));
    deploymentFile = join(dir, "deployment.json");
    writeDeploymentFile(deploymentFile, f.deployment);
    base = ["--rpc", f.anvil.url, "--deployment", deploymentFile];
    asKey1 = { CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.key1) };
    items = Array.from({ length: 12 }, (_, i) => ({ holder: f.holder(30 + (i % 3)), resultRoot: freshRoot("cli"), level: 3, rulebookId: f.rulebookId, validYears: 3 }));
  });
  after(async () => {
    await f?.anvil.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("cqo issue: chunks a file of results, then a re-run with more results issues only the missing ones", async () => {
    const first = join(dir, "first.json");
    writeFileSync(first, JSON.stringify({ format: "cqo-issuance/1", items: items.slice(0, 7) }));
    const run1 = await cqo(["issue", first, "--max-gas", "500000", "--json", ...base], asKey1);
    expect(run1.code, run1.stderr).to.equal(0);
    const r1 = JSON.parse(run1.stdout) as { ok: boolean; issued: unknown[]; chunks: unknown[]; skipped: unknown[] };
    expect(r1.issued.length).to.equal(7);
    expect(r1.chunks.length).to.be.greaterThan(1);

    const all = join(dir, "all.json");
    writeFileSync(all, JSON.stringify(items));
    const run2 = await cqo(["issue", all, ...base], asKey1, true);
    expect(run2.code, run2.stderr).to.equal(0);
    expect(run2.stdout).to.match(/5 certificate\(s\) issued in 1 transaction\(s\); 7 already on-chain/);
    expect((await f.reader.certificatesOf(f.holder(30))).length).to.equal(4);
  });

  it("cqo verify: exit 1 while pending, 0 once valid; the history names the issuing key", async () => {
    const tokenId = (BigInt(items[0]!.resultRoot) >> 192n).toString();
    const pending = await cqo(["verify", tokenId, ...base], {}, true);
    expect(pending.code).to.equal(1);
    expect(pending.stdout).to.contain("Pending").and.contain("issued 颁发").and.contain(f.anvil.account(ROLE.key1).address);
    await f.anvil.increaseTime(NOTICE + 1);
    const valid = await cqo(["verify", f.holder(30), "--json", ...base], {});
    expect(valid.code).to.equal(0);
    const json = JSON.parse(valid.stdout) as { valid: boolean; certificates: { verification: { status: string }; history: { kind: string }[] }[] };
    expect(json.valid).to.equal(true);
    expect(json.certificates.map((c) => c.verification.status)).to.deep.equal(["Valid", "Valid", "Valid", "Valid"]);
    expect(json.certificates[0]!.history.map((h) => h.kind)).to.deep.equal(["issued"]);
  });

  it("exit codes: 5 refused by the contract, 6 node unreachable, 7 no key, 1 bad input", async () => {
    const tokenId = (BigInt(items[1]!.resultRoot) >> 192n).toString();
    const refused = await cqo(["status", "suspend", tokenId, ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.stranger) });
    expect(refused.code).to.equal(5);
    expect(refused.stderr).to.contain("only its signing keys or the supervisor");
    const offline = await cqo(["verify", tokenId, "--rpc", "http://127.0.0.1:9", "--deployment", deploymentFile], {});
    expect(offline.code).to.equal(6);
    const noKey = await cqo(["status", "suspend", tokenId, ...base], {});
    expect(noKey.code).to.equal(7);
    const badReason = await cqo(["status", "revoke", tokenId, "--reason", "Reissued", ...base], asKey1);
    expect(badReason.code).to.equal(1);
  });
});
