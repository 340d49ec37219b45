/**
 * Who may do what (every endpoint × every role), sign-in with Ethereum (nonces, expiry, domain, chain,
 * signature, the operator role read from the chain), content-addressed evidence, and migrations of an existing
 * database.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { buildServer, type Workbench } from "../../server/app";
import { KEYS_MAX_AGE_MS } from "../../server/auth";
import { MIGRATIONS, migrate, openDb, schemaVersion } from "../../server/db";
import {
  ASSESSORS,
  BODY_ADMIN,
  OPERATOR,
  OTHER_BODY_KEY,
  RULEBOOK_KEY,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  registerAssessors,
  siweMessage,
  signInAs,
  startAnvil,
  tempDir,
  testConfig,
  type Anvil,
  type Http,
  type World,
  submitDossier,
  samplePdf,
  signingKeyGrant,
} from "./helpers";

function multipart(content: Buffer, filename = "任命书.pdf", mime = "application/pdf") {
  const boundary = `----cqo${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(filename)}"\r\nContent-Type: ${mime}\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe("server: access, sign-in, evidence, migrations", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let http: Http;
  let tmp: ReturnType<typeof tempDir>;
  /** the server's clock: tests move it to expire nonces and sessions */
  let clock = Date.now();

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("access");
    wb = await buildServer({ config: testConfig(tmp.dir), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)), now: () => clock, startWorker: false });
    http = injectHttp(wb.app);
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  const upload = async (content: Buffer, token?: string) => {
    const m = multipart(content);
    const r = await wb.app.inject({ method: "POST", url: "/evidence", payload: m.payload, headers: { ...m.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return { status: r.statusCode, body: JSON.parse(r.body) as { sha256: string; size: number; error?: { code: string } } };
  };

  describe("sign-in with Ethereum (EIP-4361)", () => {
    it("a signing key of the body on-chain is an operator; another body's key and anyone else are not", async () => {
      const me = async (i: number) => (await http("GET", "/me", undefined, await signInAs(http, account(i)))).json<{ roles: string[] }>().roles;
      expect(await me(OPERATOR)).to.deep.equal(["operator", "applicant"]);
      expect(await me(OTHER_BODY_KEY)).to.deep.equal(["applicant"]);
      expect(await me(12)).to.deep.equal(["applicant"]);
    });

    it("a key added on-chain is an operator once the key snapshot is renewed (never before); a removed key is not, at once", async () => {
      const me = async (i: number) => (await http("GET", "/me", undefined, await signInAs(http, account(i)))).json<{ roles: string[] }>().roles;
      const admin = clientFor(anvil.url, world.deployment, account(BODY_ADMIN));
      const NEW_KEY = 14;
      await new Promise((r) => setTimeout(r, KEYS_MAX_AGE_MS + 100));
      expect(await me(12)).to.deep.equal(["applicant"]); // takes a fresh snapshot of the body's keys
      await admin.addSigningKey(world.bodyId, await signingKeyGrant(anvil.url, world.deployment, account(NEW_KEY), world.bodyId));
      try {
        // the snapshot (at most KEYS_MAX_AGE_MS old) does not list the new key yet: refused, not granted
        expect(await me(NEW_KEY)).to.deep.equal(["applicant"]);
        await new Promise((r) => setTimeout(r, KEYS_MAX_AGE_MS + 100));
        expect(await me(NEW_KEY)).to.deep.equal(["operator", "applicant"]);
        // the snapshot now lists it; the chain no longer does: the confirmation read refuses it
        await admin.removeSigningKey(world.bodyId, account(NEW_KEY).address);
        expect(await me(NEW_KEY)).to.deep.equal(["applicant"]);
      } finally {
        if ((await admin.bodyOfSigningKey(account(NEW_KEY).address)) !== null) await admin.removeSigningKey(world.bodyId, account(NEW_KEY).address);
      }
      expect(await me(OPERATOR)).to.deep.equal(["operator", "applicant"]);
    });

    it("a nonce is good for one sign-in only", async () => {
      const { message, signature } = await siweMessage(http, account(12));
      expect200(await http("POST", "/auth/verify", { message, signature }), "first");
      const again = await http("POST", "/auth/verify", { message, signature });
      expect(again.status).to.equal(401);
      expect(again.json<{ error: { code: string } }>().error.code).to.equal("siwe-nonce-used");
    });

    it("a nonce the server never issued is refused", async () => {
      const { message, signature } = await siweMessage(http, account(12), { nonce: "abcdefgh12345678" });
      expect((await http("POST", "/auth/verify", { message, signature })).json<{ error: { code: string } }>().error.code).to.equal("siwe-nonce-unknown");
    });

    it("an expired message, an expired nonce and a message not yet valid are refused", async () => {
      const { nonce: _n1, ...expired } = await siweMessage(http, account(12), { expirationTime: new Date(clock - 1000) });
      expect((await http("POST", "/auth/verify", expired)).json<{ error: { code: string } }>().error.code).to.equal("siwe-expired");

      const { nonce: _n2, ...stale } = await siweMessage(http, account(12), { expirationTime: new Date(clock + 3600_000) });
      clock += 6 * 60_000; // past the nonce's 5 minutes
      try {
        expect((await http("POST", "/auth/verify", stale)).json<{ error: { code: string } }>().error.code).to.equal("siwe-nonce-expired");
      } finally {
        clock -= 6 * 60_000;
      }
    });

    it("a message for another domain (phishing replay) or another chain is refused", async () => {
      const phish = await siweMessage(http, account(12), { domain: "phish.example" });
      const r = await http("POST", "/auth/verify", { message: phish.message, signature: phish.signature });
      expect(r.status).to.equal(401);
      expect(r.json<{ error: { code: string; zh: string; en: string } }>().error).to.include({ code: "siwe-domain" });
      const { nonce: _n3, ...other } = await siweMessage(http, account(12), { chainId: 1 });
      expect((await http("POST", "/auth/verify", other)).json<{ error: { code: string } }>().error.code).to.equal("siwe-chain");
    });

    it("a signature by another key is refused; garbage is a 400 naming the field", async () => {
      const m = await siweMessage(http, account(12));
      const forged = await account(13).signMessage({ message: m.message });
      expect((await http("POST", "/auth/verify", { message: m.message, signature: forged })).json<{ error: { code: string } }>().error.code).to.equal("siwe-signature");
      const bad = await http("POST", "/auth/verify", { message: "", signature: "nope" });
      expect(bad.status).to.equal(400);
      expect(bad.json<{ error: { problems: { field: string }[] } }>().error.problems.map((p) => p.field)).to.have.members(["body.message", "body.signature"]);
      expect((await http("POST", "/auth/verify", { message: "hello", signature: "0x00" })).json<{ error: { code: string } }>().error.code).to.equal("siwe-malformed");
    });

    it("sessions expire, can be ended, and are bearer tokens only (no cookie is set or read)", async () => {
      const { message, signature } = await siweMessage(http, account(14));
      const r = await wb.app.inject({ method: "POST", url: "/auth/verify", payload: { message, signature } });
      expect(r.headers["set-cookie"]).to.equal(undefined);
      const token = (JSON.parse(r.body) as { token: string }).token;
      const viaCookie = await wb.app.inject({ method: "GET", url: "/me", headers: { cookie: `cqo_session=${token}` } });
      expect(viaCookie.statusCode).to.equal(401);
      clock += 3601_000;
      try {
        expect((await http("GET", "/me", undefined, token)).status).to.equal(401);
      } finally {
        clock -= 3601_000;
      }
      expect((await http("GET", "/me", undefined, token)).status).to.equal(200);
      await http("POST", "/auth/logout", undefined, token);
      expect((await http("GET", "/me", undefined, token)).status).to.equal(401);
    });
  });

  describe("authorisation matrix", () => {
    type Who = "anonymous" | "stranger" | "owner" | "panelAssessor" | "otherAssessor" | "operator";
    const WHO: Who[] = ["anonymous", "stranger", "owner", "panelAssessor", "otherAssessor", "operator"];
    const tokens = {} as Record<Who, string | undefined>;
    let id = "";
    let sha = "";
    /** "ok": authorised (whatever the command then says: 200, 201, 400, 409, 422); otherwise the exact refusal */
    type Expect = "ok" | 401 | 403 | 404;

    before(async () => {
      tokens.anonymous = undefined;
      tokens.operator = await signInAs(http, account(OPERATOR));
      await registerAssessors(http, tokens.operator);
      tokens.owner = await signInAs(http, account(20));
      tokens.stranger = await signInAs(http, account(21));
      tokens.panelAssessor = await signInAs(http, privateKeyToAccount(ASSESSORS[0]!.key));
      tokens.otherAssessor = await signInAs(http, privateKeyToAccount(ASSESSORS[4]!.key));
      const up = await upload(samplePdf("matrix appointment letter"), tokens.owner);
      sha = up.body.sha256;
      const dossier = { ...dossierFor(900), evidence: [{ kind: "appointment", name: "任命书.pdf", sha256: sha }] };
      id = await submitDossier(http, dossier, tokens.owner);
      expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
      expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }, tokens.operator), "assign");
    });

    const operatorOnly: Record<Who, Expect> = { anonymous: 401, stranger: 403, owner: 403, panelAssessor: 403, otherAssessor: 403, operator: "ok" };
    const anySignedIn: Record<Who, Expect> = { anonymous: 401, stranger: "ok", owner: "ok", panelAssessor: "ok", otherAssessor: "ok", operator: "ok" };
    const dossierReaders: Record<Who, Expect> = { anonymous: 401, stranger: 404, owner: "ok", panelAssessor: "ok", otherAssessor: 404, operator: "ok" };
    const cases: [string, string, () => string, unknown, Record<Who, Expect>][] = [
      ["GET", "/me", () => "/me", undefined, anySignedIn],
      ["GET", "/rulebooks", () => "/rulebooks", undefined, anySignedIn],
      ["POST", "/assessors", () => "/assessors", {}, operatorOnly],
      ["GET", "/assessors", () => "/assessors", undefined, operatorOnly],
      ["DELETE", "/assessors/:address", () => `/assessors/${ASSESSORS[5]!.address}`, undefined, operatorOnly],
      ["POST", "/evidence", () => "/evidence", {}, anySignedIn],
      ["GET", "/evidence/:sha256", () => `/evidence/${sha}`, undefined, dossierReaders],
      ["POST", "/dossiers", () => "/dossiers", {}, anySignedIn],
      ["GET", "/dossiers", () => "/dossiers", undefined, anySignedIn],
      ["GET", "/dossiers/:id", () => `/dossiers/${id}`, undefined, dossierReaders],
      ["GET", "/dossiers/:id/audit", () => `/dossiers/${id}/audit`, undefined, dossierReaders],
      ...(["accept", "reject", "assign", "evaluate", "re-review", "approve", "end-notice", "suspend", "reinstate", "revoke", "renew"].map(
        (c) => ["POST", `/dossiers/:id/${c}`, () => `/dossiers/${id}/${c}`, {}, operatorOnly] as [string, string, () => string, unknown, Record<Who, Expect>],
      )),
      ["POST", "/dossiers/:id/sheets", () => `/dossiers/${id}/sheets`, {}, { anonymous: 401, stranger: 403, owner: 403, panelAssessor: "ok", otherAssessor: 404, operator: 403 }],
      ["GET", "/dossiers/:id/credential", () => `/dossiers/${id}/credential`, undefined, { anonymous: 401, stranger: 404, owner: "ok", panelAssessor: 404, otherAssessor: 404, operator: 404 }],
      ["GET", "/outbox", () => "/outbox", undefined, operatorOnly],
      ["POST", "/outbox/:root/retry", () => `/outbox/0x${"12".repeat(32)}/retry`, {}, operatorOnly],
    ];

    for (const [method, route, path, body, expected] of cases) {
      it(`${method} ${route}: ${WHO.map((w) => `${w} ${expected[w]}`).join(", ")}`, async () => {
        for (const who of WHO) {
          const r = await http(method, path(), body, tokens[who]);
          const want = expected[who];
          if (want === "ok") expect([401, 403, 404], `${who}: ${JSON.stringify(r.body)}`).to.not.include(r.status);
          else expect(r.status, `${who}: ${JSON.stringify(r.body)}`).to.equal(want);
        }
      });
    }

    it("lists are scoped: an applicant sees only their own dossiers, an assessor only those assigned", async () => {
      const ids = async (who: Who) => (await http("GET", "/dossiers", undefined, tokens[who])).json<{ items: { id: string }[] }>().items.map((d) => d.id);
      expect(await ids("owner")).to.deep.equal([id]);
      expect(await ids("stranger")).to.deep.equal([]);
      expect(await ids("panelAssessor")).to.include(id);
      expect(await ids("otherAssessor")).to.not.include(id);
      expect(await ids("operator")).to.include(id);
    });
  });

  describe("evidence, content-addressed", () => {
    it("is stored under its SHA-256, durably renamed into place, deduplicated, and read back byte for byte", async () => {
      const token = await signInAs(http, account(15));
      const content = samplePdf(`training certificate ${Date.now()}`);
      const sha = createHash("sha256").update(content).digest("hex");
      const first = await upload(content, token);
      expect(first.status).to.equal(201);
      expect(first.body).to.include({ sha256: sha, size: content.length });
      const onDisk = join(tmp.dir, "evidence", sha.slice(0, 2), sha);
      expect(readFileSync(onDisk).equals(content)).to.equal(true);
      expect((await upload(content, token)).status).to.equal(200);
      expect(readdirSync(join(tmp.dir, "evidence", "tmp"))).to.deep.equal([]);
      const back = await wb.app.inject({ method: "GET", url: `/evidence/${sha}`, headers: { authorization: `Bearer ${token}` } });
      expect(back.statusCode).to.equal(200);
      expect(back.rawPayload.equals(content)).to.equal(true);
      expect(back.headers["x-content-sha256"]).to.equal(sha);
    });

    it("a file over the limit is refused (413) and leaves nothing behind", async () => {
      const token = await signInAs(http, account(15));
      const big = Buffer.alloc(1024 * 1024 + 1, 7);
      const sha = createHash("sha256").update(big).digest("hex");
      const r = await upload(big, token);
      expect(r.status).to.equal(413);
      expect(existsSync(join(tmp.dir, "evidence", sha.slice(0, 2), sha))).to.equal(false);
      expect(readdirSync(join(tmp.dir, "evidence", "tmp"))).to.deep.equal([]);
    });
  });

  describe("migrations", () => {
    it("an existing version-1 database is migrated at start, in a transaction, keeping its data", async () => {
      const dir = tempDir("migrate");
      try {
        const config = testConfig(dir.dir);
        const old = openDb(config.dbPath, MIGRATIONS.slice(0, 1));
        expect(schemaVersion(old)).to.equal(1);
        old.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES ('OLD-1', '0xabc', ?, 'submitted', '{}', '0x', 1, 1)").run(RULEBOOK_KEY);
        old.close();

        const wb2 = await buildServer({ config, chain: null });
        try {
          expect((await wb2.app.inject({ method: "GET", url: "/health" })).json()).to.include({ schema: Math.max(...MIGRATIONS.map((m) => m.version)) });
          expect(wb2.db.prepare("SELECT state FROM dossiers WHERE id = 'OLD-1'").get()).to.deep.equal({ state: "submitted" });
          expect(wb2.db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).to.deep.equal(MIGRATIONS.map((m) => ({ version: m.version })));
          expect(migrate(wb2.db)).to.deep.equal([]);
          // a failing migration changes nothing, not even the part before the failure
          const broken = [...MIGRATIONS, { version: 99, name: "broken", sql: "CREATE TABLE half_done (a); SELECT * FROM no_such_table;" }];
          expect(() => migrate(wb2.db, broken)).to.throw(/no_such_table/);
          expect(schemaVersion(wb2.db)).to.equal(Math.max(...MIGRATIONS.map((m) => m.version)));
          expect(wb2.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).to.equal(undefined);
        } finally {
          await wb2.close();
        }
      } finally {
        dir.cleanup();
      }
    });
  });
});
