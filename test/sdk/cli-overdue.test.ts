/**
 * `cqo verify` on annual reviews (年审, issue #13), as a child process against anvil: two certificates under a
 * rulebook with reviews every year and 30 days of grace; one has its review recorded in time (passed: exit 0, the
 * next date a year later), the other misses it and, once due + grace has passed on the chain's clock, is
 * ReviewOverdue: exit 1, the status named in zh and en, in the human output and in --json; a failed review recorded
 * late revokes it as FailedReview.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toHex } from "viem";
import { writeDeploymentFile } from "../../sdk/node";
import { DAY, deployFixture, NOTICE, ROLE, YEAR, type Fixture } from "./fixture";

const ROOT = join(__dirname, "..", "..");
const EVIDENCE = keccak256(toHex("cli review evidence"));
const GRACE = 30 * DAY;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface VerifyJson {
  ok: boolean;
  valid: boolean;
  certificates: {
    verification: { tokenId: string; status: string; valid: boolean; nextReviewDue: number; reviewsPassed: number; revocationReason: string | null };
    history: { kind: string; result?: string; nextReviewDue?: number }[] | null;
  }[];
}

/** The cli's bin as a child process, with no key in its environment (verify signs nothing). */
function cqo(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CQO_PRIVATE_KEY: undefined, CQO_KEYSTORE_PASSWORD: undefined, CQO_DEPLOYMENT: undefined };
    execFile(process.execPath, [join(ROOT, "cli", "bin", "cqo.cjs"), ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const isoDate = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

describe("cqo verify: annual reviews, in time and overdue (child process on anvil)", function () {
  this.timeout(150_000);
  let f: Fixture;
  let dir: string;
  let base: string[];
  let inTime: string;
  let overdue: string;
  let firstDue: number;

  const verify = async (tokenId: string, json = false): Promise<Run> => cqo(["verify", tokenId, ...(json ? ["--json"] : []), ...base]);
  const parsed = (run: Run): VerifyJson => JSON.parse(run.stdout) as VerifyJson;

  before(async () => {
    f = await deployFixture();
    dir = mkdtempSync(join(tmpdir(), "cqo-cli-overdue-"));
    const deploymentFile = join(dir, "deployment.json");
    writeDeploymentFile(deploymentFile, f.deployment);
    base = ["--rpc", f.anvil.url, "--deployment", deploymentFile];
    const { rulebookId } = await f.as(ROLE.association).registerRulebook(keccak256(toHex("cli reviewed rulebook")), "ipfs://cli-reviewed", { reviewInterval: YEAR, reviewGrace: GRACE });
    const key1 = f.as(ROLE.key1);
    inTime = (await key1.issueCertificate(await f.issuance(f.holder(40), { rulebookId }))).tokenId.toString();
    overdue = (await key1.issueCertificate(await f.issuance(f.holder(41), { rulebookId }))).tokenId.toString();
    await f.advance(NOTICE + 1);
    firstDue = (await f.reader.verifyCertificate(overdue)).nextReviewDue;
  });
  after(async () => {
    await f?.anvil.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("before the due date both are valid (exit 0) and show the next annual review date", async () => {
    expect(firstDue).to.be.greaterThan(await f.now());
    const run = await verify(overdue);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("有效 Valid").and.contain(`next annual review due ${isoDate(firstDue)} (下次年审), 0 passed`);
    expect(run.stdout).to.not.contain("年审逾期");
  });

  it("a review passed in time keeps exit 0 and moves the next date a year on; the history walks it", async () => {
    await f.advance(firstDue - (await f.now()) - YEAR / 4 + DAY); // the window opens a quarter interval before the due date
    await f.as(ROLE.key1).recordReview(inTime, "Passed", EVIDENCE);
    await f.advance(firstDue + GRACE + DAY - (await f.now())); // past the first due date and its grace
    const run = await verify(inTime);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("✓ 有效 Valid");
    expect(run.stdout).to.contain(`next annual review due ${isoDate(firstDue + YEAR)} (下次年审), 1 passed`);
    expect(run.stdout).to.contain(`annual review 年审: Passed 年审通过, next due ${isoDate(firstDue + YEAR)}`);
    expect(run.stdout).to.not.contain("年审逾期");
    const json = await verify(inTime, true);
    expect(json.code).to.equal(0);
    const [cert] = parsed(json).certificates;
    expect(cert!.verification).to.include({ status: "Valid", valid: true, nextReviewDue: firstDue + YEAR, reviewsPassed: 1 });
    expect(cert!.history!.map((h) => h.kind)).to.deep.equal(["issued", "reviewed"]);
  });

  it("a review missed past due + grace: ReviewOverdue, exit 1, named in zh and en, --json status ReviewOverdue", async () => {
    const run = await verify(overdue);
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expect(run.stdout).to.contain(`Certificate #${overdue}: ✗ 年审逾期 ReviewOverdue`);
    expect(run.stdout).to.contain(`review      overdue since ${isoDate(firstDue)} (+ grace): not valid until the body records it (年审逾期，年审记录前无效)`);
    expect(run.stdout).to.not.contain("下次年审");

    const json = await verify(overdue, true);
    expect(json.code, json.stderr).to.equal(1);
    const out = parsed(json);
    expect(out).to.include({ ok: true, valid: false });
    expect(out.certificates[0]!.verification).to.include({ tokenId: overdue, status: "ReviewOverdue", valid: false, nextReviewDue: firstDue, reviewsPassed: 0 });

    // the holder's wallet: no valid certificate, exit 1
    const wallet = await cqo(["verify", f.holder(41), ...base]);
    expect(wallet.code).to.equal(1);
    expect(wallet.stdout).to.contain("1 certificate(s), none valid 无有效证书").and.contain("年审逾期 ReviewOverdue");
  });

  it("a failed review recorded late revokes it as FailedReview; still exit 1, the reason and the review in the history", async () => {
    await f.as(ROLE.key1).recordReview(overdue, "FailedRevoked", EVIDENCE);
    const run = await verify(overdue);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain("撤销 Revoked").and.contain("reason      FailedReview 年审/复评未通过");
    expect(run.stdout).to.contain("annual review 年审: FailedRevoked");
    expect(run.stdout).to.not.contain("年审逾期");
    const [cert] = parsed(await verify(overdue, true)).certificates;
    expect(cert!.verification).to.include({ status: "Revoked", revocationReason: "FailedReview" });
    expect(cert!.history!.slice(-2).map((h) => [h.kind, h.result ?? null])).to.deep.equal([["reviewed", "FailedRevoked"], ["revoked", null]]);
  });
});
