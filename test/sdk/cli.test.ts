/**
 * `cqo` as a script would run it: a child process (npx cqo) against anvil, checking output and exit codes of
 * deploy (clock unit, admin delay), key consents and the body commands that take them, issue (chunked, then
 * resumed), verify (number and wallet, the supervisor's acts marked), a refused status change and the failure modes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Hex } from "viem";
import { certificateNumberOf } from "../../sdk";
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
  // each cqo run is a fresh Node process compiling TypeScript through tsx: seconds apiece on a busy machine
  this.timeout(150_000);
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
    const tokenId = certificateNumberOf(f.bodyId, items[0]!.resultRoot as Hex).toString();
    const pending = await cqo(["verify", tokenId, ...base], {}, true);
    expect(pending.code).to.equal(1);
    expect(pending.stdout).to.contain("Pending").and.contain("issued 颁发").and.contain(f.anvil.account(ROLE.key1).address);
    await f.anvil.increaseTime(NOTICE + 1);
    // the number as printed, grouped in fours with spaces (one quoted argument), is the same certificate
    const grouped = tokenId.replace(/\B(?=(\d{4})+(?!\d))/g, " ");
    expect(grouped).to.contain(" ");
    const printed = await cqo(["verify", grouped, "--json", ...base], {});
    expect(JSON.parse(printed.stdout).certificates[0].verification.tokenId, printed.stderr).to.equal(tokenId);
    const valid = await cqo(["verify", f.holder(30), "--json", ...base], {});
    expect(valid.code).to.equal(0);
    const json = JSON.parse(valid.stdout) as { valid: boolean; certificates: { verification: { status: string }; history: { kind: string }[] }[] };
    expect(json.valid).to.equal(true);
    expect(json.certificates.map((c) => c.verification.status)).to.deep.equal(["Valid", "Valid", "Valid", "Valid"]);
    expect(json.certificates[0]!.history.map((h) => h.kind)).to.deep.equal(["issued"]);
  });

  it("exit codes: 5 refused by the contract, 6 node unreachable, 7 no key, 1 bad input", async () => {
    const tokenId = certificateNumberOf(f.bodyId, items[1]!.resultRoot as Hex).toString();
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

  it("cqo verify: a suspension names its side, the supervisor's acts are marked, exit codes unchanged", async () => {
    const tokenId = certificateNumberOf(f.bodyId, items[2]!.resultRoot as Hex).toString();
    const asSupervisor = { CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.supervisor) };
    expect((await cqo(["status", "suspend", tokenId, ...base], asSupervisor)).code).to.equal(0);
    const bySupervisor = await cqo(["verify", tokenId, ...base], {});
    expect(bySupervisor.code, "suspended: not valid").to.equal(1);
    expect(bySupervisor.stdout).to.contain("suspension  suspended by the supervisor 监督管理");
    expect(bySupervisor.stdout).to.contain("suspended 暂停 by the supervisor 监督管理");
    expect(bySupervisor.stdout).to.contain(`by ${f.anvil.account(ROLE.supervisor).address} (监督 supervisor)`);
    // the issuance's actor is the signing key, not marked
    expect(bySupervisor.stdout).to.contain(`by ${f.anvil.account(ROLE.key1).address}  tx`);

    expect((await cqo(["status", "suspend", tokenId, ...base], asKey1)).code).to.equal(0);
    const both = await cqo(["verify", tokenId, "--json", ...base], {});
    const json = JSON.parse(both.stdout) as { certificates: { verification: { suspendedByBody: boolean; suspendedBySupervisor: boolean }; history: { kind: string; actor: string; bySupervisor?: boolean }[] }[] };
    expect(json.certificates[0]!.verification).to.include({ suspendedByBody: true, suspendedBySupervisor: true });
    expect(json.certificates[0]!.history.map((h) => [h.kind, h.actor, h.bySupervisor ?? null])).to.deep.equal([
      ["issued", f.anvil.account(ROLE.key1).address, null],
      ["suspended", f.anvil.account(ROLE.supervisor).address, true],
      ["suspended", f.anvil.account(ROLE.key1).address, false],
    ]);
    const human = await cqo(["verify", tokenId, ...base], {});
    expect(human.stdout).to.contain("suspended by the body 认定主体 and the supervisor 监督管理");
    // the body lifts its own; the supervisor's stays, and the body cannot lift it: refused (5)
    expect((await cqo(["status", "reinstate", tokenId, ...base], asKey1)).code).to.equal(0);
    const refused = await cqo(["status", "reinstate", tokenId, "--json", ...base], asKey1);
    expect(refused.code, refused.stdout + refused.stderr).to.equal(5);
    expect((JSON.parse(refused.stdout) as { error: { code: string } }).error.code).to.equal("SuspendedBySupervisor");
  });

  describe("deploy, key consents and the body commands", () => {
    const NEW_KEYS = [20, 21, 22];
    const asAssociation = () => ({ CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.association) });
    const asAdmin = () => ({ CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.admin1) });

    it("cqo deploy: the clock unit and the admin delay, recorded in the deployment file; a unit that does not fit the chain is refused", async () => {
      const out = join(dir, "deployed.json");
      const r = await cqo(["deploy", "--rpc", f.anvil.url, "--out", out, "--admin-delay", "3600"], asAssociation());
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/clock unit {3}1 \(block timestamps in seconds/);
      expect(r.stdout).to.match(/library {6}0x[0-9a-fA-F]{40} \(BodyAdministration\)/);
      expect(r.stdout).to.contain("handover delay 3600 s");
      const written = JSON.parse(readFileSync(out, "utf8")) as { clockUnit: number; library: string; certificate: string };
      expect(written.clockUnit).to.equal(1);
      expect(written.library).to.match(/^0x[0-9a-fA-F]{40}$/);
      const delay = await f.anvil.publicClient.readContract({ address: written.certificate as Hex, abi: [{ type: "function", name: "defaultAdminDelay", stateMutability: "view", inputs: [], outputs: [{ type: "uint48" }] }], functionName: "defaultAdminDelay" });
      expect(delay).to.equal(3600);

      // anvil counts seconds: a millisecond clock is refused before anything is deployed, from the option or the environment
      const ms = await cqo(["deploy", "--rpc", f.anvil.url, "--clock-unit", "1000"], asAssociation());
      expect(ms.code).to.equal(1);
      expect(ms.stderr).to.contain("does not fit this chain");
      const msEnv = await cqo(["deploy", "--rpc", f.anvil.url, "--json"], { ...asAssociation(), CQO_CLOCK_UNIT: "1000" });
      expect(msEnv.code).to.equal(1);
      expect((JSON.parse(msEnv.stdout) as { error: { en: string } }).error.en).to.contain("--clock-unit 1000 does not fit");
      expect((await cqo(["deploy", "--rpc", f.anvil.url, "--clock-unit", "60"], asAssociation())).code).to.equal(1);
    });

    it("cqo key consent + body accredit --consent: the key's own signature for the next body id; a consent for another body is refused before sending", async () => {
      const [k1, k2] = [f.anvil.account(NEW_KEYS[0]!).address, f.anvil.account(NEW_KEYS[1]!).address];
      const consent1 = join(dir, "consent1.json");
      const signed = await cqo(["key", "consent", "--body", "next", "--out", consent1, ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[0]!) });
      expect(signed.code, signed.stderr).to.equal(0);
      const grant = JSON.parse(readFileSync(consent1, "utf8")) as Record<string, unknown>;
      expect(Object.keys(grant).sort()).to.deep.equal(["deadline", "key", "signature"]);
      expect(grant.key).to.equal(k1);
      const now = await f.now();
      expect(grant.deadline).to.be.within(now + 7 * 86_400 - 60, now + 7 * 86_400 + 60);

      // printed to stdout without --out, with an explicit deadline
      const printed = await cqo(["key", "consent", "--body", "next", "--deadline", String(now + 3600), ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[1]!) });
      expect(printed.code, printed.stderr).to.equal(0);
      expect(JSON.parse(printed.stdout)).to.include({ key: k2, deadline: now + 3600 });
      const consent2 = join(dir, "consent2.json");
      writeFileSync(consent2, printed.stdout);

      // a consent for another body id is not a consent for this one
      const wrong = join(dir, "consent-wrong.json");
      const other = await cqo(["key", "consent", "--body", "200", "--out", wrong, ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[2]!) });
      expect(other.code).to.equal(0);
      const expectedId = (await f.reader.registryCounts()).bodies + 1;
      const accredit = ["body", "accredit", "--admin", f.anvil.account(ROLE.admin1).address, "--levels", "2,3", ...base];
      const refused = await cqo([...accredit, "--consent", consent1, "--consent", wrong], asAssociation());
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain(`is not its signature for body ${expectedId}`);
      expect((await f.reader.registryCounts()).bodies + 1, "nothing sent").to.equal(expectedId);

      const ok = await cqo([...accredit, "--consent", consent1, "--consent", consent2, "--json"], asAssociation());
      expect(ok.code, ok.stderr).to.equal(0);
      const body = JSON.parse(ok.stdout) as { bodyId: number; keys: string[] };
      expect(body).to.deep.include({ bodyId: expectedId, keys: [k1, k2] });
      const shown = await cqo(["body", "show", String(expectedId), "--json", ...base], {});
      const record = (JSON.parse(shown.stdout) as { bodies: { signingKeys: string[]; levels: number[] }[] }).bodies[0]!;
      expect(record.signingKeys).to.deep.equal([k1, k2]);
      expect(record.levels).to.deep.equal([2, 3]);
    });

    it("cqo body add-key signs the key's consent locally (CQO_KEY_PRIVATE_KEY); remove-key; a used consent is refused by the contract (5)", async () => {
      const bodyId = (await f.reader.registryCounts()).bodies;
      const k3 = f.anvil.account(NEW_KEYS[2]!).address;
      const add = await cqo(["body", "add-key", String(bodyId), k3, ...base], { ...asAdmin(), CQO_KEY_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[2]!) });
      expect(add.code, add.stderr).to.equal(0);
      expect(add.stdout).to.contain(`key ${k3} added`);
      expect((await f.reader.getBody(bodyId))?.signingKeys).to.include(k3);
      // the address given must be the consent's key
      const mismatch = await cqo(["body", "add-key", String(bodyId), f.anvil.account(ROLE.stranger).address, ...base], { ...asAdmin(), CQO_KEY_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[2]!) });
      expect(mismatch.code).to.equal(1);
      expect(mismatch.stderr).to.contain("the consent is of");
      // no consent at all
      expect((await cqo(["body", "add-key", String(bodyId), ...base], asAdmin())).code).to.equal(1);

      expect((await cqo(["body", "remove-key", String(bodyId), k3, ...base], asAdmin())).code).to.equal(0);
      expect((await f.reader.getBody(bodyId))?.signingKeys).to.not.include(k3);
      // a consent written once is used once: the same file cannot bring a removed key back
      const file = join(dir, "consent3.json");
      expect((await cqo(["key", "consent", "--body", String(bodyId), "--out", file, ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(NEW_KEYS[2]!) })).code).to.equal(0);
      expect((await cqo(["body", "keys", "add", String(bodyId), "--consent", file, ...base], asAdmin())).code, "the v1 spelling").to.equal(0);
      expect((await cqo(["body", "keys", "remove", String(bodyId), k3, ...base], asAdmin())).code).to.equal(0);
      const reused = await cqo(["body", "add-key", String(bodyId), "--consent", file, "--json", ...base], asAdmin());
      expect(reused.code).to.equal(5);
      expect((JSON.parse(reused.stdout) as { error: { code: string } }).error.code).to.equal("SigningKeyConsentUsed");
    });

    it("cqo body add-key --key-keystore: the key's encrypted keystore signs its consent here; a wrong password exits 7", async () => {
      const bodyId = (await f.reader.registryCounts()).bodies;
      const index = 23;
      const { encryptKeystoreJson } = await import("ethers");
      const keystore = join(dir, "key.keystore.json");
      writeFileSync(keystore, await encryptKeystoreJson({ address: f.anvil.account(index).address, privateKey: f.anvil.privateKey(index) }, "k3y-pass", { scrypt: { N: 1 << 10 } }));
      const wrong = await cqo(["body", "add-key", String(bodyId), "--key-keystore", keystore, ...base], { ...asAdmin(), CQO_KEY_KEYSTORE_PASSWORD: "nope" });
      expect(wrong.code).to.equal(7);
      const ok = await cqo(["body", "add-key", String(bodyId), "--key-keystore", keystore, "--json", ...base], { ...asAdmin(), CQO_KEY_KEYSTORE_PASSWORD: "k3y-pass" });
      expect(ok.code, ok.stderr).to.equal(0);
      expect(JSON.parse(ok.stdout)).to.include({ bodyId, key: f.anvil.account(index).address });
      expect((await f.reader.getBody(bodyId))?.signingKeys).to.include(f.anvil.account(index).address);
    });

    it("cqo body cancel-vouchers: a new voucher nonce, only for the body's admin or the association", async () => {
      const before = (await f.reader.getBody(f.bodyId))!.voucherNonce;
      const r = await cqo(["body", "cancel-vouchers", String(f.bodyId), "--json", ...base], asAdmin());
      expect(r.code, r.stderr).to.equal(0);
      const { voucherNonce } = JSON.parse(r.stdout) as { voucherNonce: string };
      expect(BigInt(voucherNonce)).to.not.equal(before);
      expect((await f.reader.getBody(f.bodyId))!.voucherNonce).to.equal(BigInt(voucherNonce));
      expect((await cqo(["body", "cancel-vouchers", String(f.bodyId), ...base], { CQO_PRIVATE_KEY: f.anvil.privateKey(ROLE.stranger) })).code).to.equal(5);
    });
  });
});
