/**
 * Encryption at rest (server/sealed.ts, server/sealed-columns.ts): AES-256-GCM round trips; every way a sealed
 * value can be wrong (altered, moved to another row, sealed under a key the ring lacks, malformed) is refused with
 * SealedDataError and its code; key rotation over a real migrated database, readable at every point of the way and
 * after a crash part-way; evidence files re-sealed in place; the key configuration from the environment.
 */
import { expect } from "chai";
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { closeDb, openDb, type Db } from "../../server/db";
import { KeyConfigError, SealedDataError, devKeyRing, isSealed, isSealedBytes, keyRingFromEnv, keyRingOf, seal, sealBytes, sealedKeyId, unseal, unsealBytes, type KeyRing } from "../../server/sealed";
import { SEALED_COLUMNS, aadOf, evidenceAad, rotateEvidenceFiles, rotateSealedColumns } from "../../server/sealed-columns";
import { runAdmin } from "../../server/admin";
import { tempDir } from "./helpers";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const ringA = keyRingOf(keyA);
const ringB = keyRingOf(keyB, [keyA]);
const ringBOnly = keyRingOf(keyB);

function refused(fn: () => unknown, code: SealedDataError["code"]): SealedDataError {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(SealedDataError);
    expect((err as SealedDataError).code, (err as Error).message).to.equal(code);
    return err as SealedDataError;
  }
  throw new Error(`expected SealedDataError ${code}`);
}

function configError(fn: () => unknown, variable: string): KeyConfigError {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(KeyConfigError);
    expect((err as KeyConfigError).variable).to.equal(variable);
    expect((err as Error).message).to.contain(variable);
    return err as KeyConfigError;
  }
  throw new Error(`expected a KeyConfigError naming ${variable}`);
}

/** Flips one bit of the byte at `at` of the decoded body of a sealed text. */
function flip(sealed: string, at: number): string {
  const [v, id, body] = sealed.split(":");
  const b = Buffer.from(body!, "base64url");
  b[at] = b[at]! ^ 0x01;
  return `${v}:${id}:${b.toString("base64url")}`;
}

describe("server: sealed personal data (AES-256-GCM)", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir("sealed");
  });
  afterEach(() => tmp.cleanup());

  describe("seal / unseal", () => {
    it("round-trips text and bytes, with a fresh IV each time and the key id in the value", () => {
      for (const text of ["", "张三 · 首席质量官", JSON.stringify({ name: "李四", idNumber: "110101199003071234" }), "x".repeat(100_000)]) {
        const s = seal(ringA, text, "dossiers.dossier_json:D-1");
        expect(s).to.match(/^cqo1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
        expect(isSealed(s)).to.equal(true);
        expect(sealedKeyId(s)).to.equal(ringA.current.id);
        expect(unseal(ringA, s, "dossiers.dossier_json:D-1")).to.equal(text);
        expect(unseal(ringB, s, "dossiers.dossier_json:D-1"), "a ring with the old key as previous").to.equal(text);
      }
      const one = seal(ringA, "same", "a");
      const two = seal(ringA, "same", "a");
      expect(one).to.not.equal(two);
      expect(Buffer.from(one.split(":")[2]!, "base64url").subarray(0, 12).equals(Buffer.from(two.split(":")[2]!, "base64url").subarray(0, 12))).to.equal(false);

      const bytes = randomBytes(70_000);
      const sb = sealBytes(ringA, bytes, "evidence:x");
      expect(sb.subarray(0, 4).toString()).to.equal("CQO1");
      expect(sb[4]).to.equal(8);
      expect(sb.subarray(5, 13).toString()).to.equal(ringA.current.id);
      expect(sb.length).to.equal(4 + 1 + 8 + 12 + bytes.length + 16);
      expect(isSealedBytes(sb)).to.equal(true);
      expect(unsealBytes(ringA, sb, "evidence:x").equals(bytes)).to.equal(true);
      expect(isSealed(JSON.stringify({ a: 1 }))).to.equal(false);
      expect(isSealedBytes(Buffer.from("%PDF-1.7"))).to.equal(false);
    });

    it("refuses an altered value (any byte: IV, ciphertext, tag), a wrong AAD (a row swap), an unknown key id, and malformed input", () => {
      const s = seal(ringA, "王五的身份证号", "dossiers.dossier_json:D-1");
      const len = Buffer.from(s.split(":")[2]!, "base64url").length;
      for (const at of [0, 11, 12, len - 17, len - 16, len - 1]) refused(() => unseal(ringA, flip(s, at), "dossiers.dossier_json:D-1"), "auth-failed");
      // the same ciphertext in another row, another column, another table
      refused(() => unseal(ringA, s, "dossiers.dossier_json:D-2"), "auth-failed");
      refused(() => unseal(ringA, s, "credentials.credential_json:D-1"), "auth-failed");
      // a ring without the key
      refused(() => unseal(ringBOnly, s, "dossiers.dossier_json:D-1"), "unknown-key");
      // the key id rewritten to another key of the ring: the prefix is authenticated
      refused(() => unseal(ringB, s.replace(ringA.current.id, ringB.current.id), "dossiers.dossier_json:D-1"), "auth-failed");
      for (const bad of ["hello", "cqo1:abc", `cqo1:${ringA.current.id}:AAAA`, `cqo2${s.slice(4)}`, `${s}!`, s.slice(0, 30)]) refused(() => unseal(ringA, bad, "dossiers.dossier_json:D-1"), "malformed");

      const b = sealBytes(ringA, Buffer.from("证据"), "evidence:aa");
      for (const at of [13, 24, 25, b.length - 17, b.length - 1]) {
        const t = Buffer.from(b);
        t[at] = t[at]! ^ 0x80;
        refused(() => unsealBytes(ringA, t, "evidence:aa"), "auth-failed");
      }
      // the header's key id rewritten to another key of the ring: authenticated too
      const relabelled = Buffer.concat([b.subarray(0, 5), Buffer.from(ringB.current.id), b.subarray(13)]);
      refused(() => unsealBytes(ringB, relabelled, "evidence:aa"), "auth-failed");
      refused(() => unsealBytes(ringA, b, "evidence:bb"), "auth-failed");
      refused(() => unsealBytes(ringBOnly, b, "evidence:aa"), "unknown-key");
      refused(() => unsealBytes(ringA, b.subarray(0, 20), "evidence:aa"), "malformed");
      refused(() => unsealBytes(ringA, Buffer.from("plain file"), "evidence:aa"), "malformed");
      // text sealed is not bytes sealed and vice versa
      refused(() => unsealBytes(ringA, Buffer.from(s), "dossiers.dossier_json:D-1"), "malformed");
    });

    it("derives key ids from the keys; the development ring is fixed and marked", () => {
      expect(ringA.current.id).to.equal(createHash("sha256").update(keyA).digest("hex").slice(0, 8));
      expect([...ringB.byId.keys()]).to.deep.equal([ringB.current.id, ringA.current.id]);
      expect(() => keyRingOf(randomBytes(16))).to.throw(TypeError);
      const dev = devKeyRing();
      expect(dev.dev).to.equal(true);
      expect(unseal(devKeyRing(), seal(dev, "demo", "x"), "x")).to.equal("demo");
      expect(ringA.dev).to.equal(undefined);
    });
  });

  describe("the key ring from the environment", () => {
    const b64 = keyA.toString("base64");
    it("reads CQO_DATA_KEY as base64, base64url or hex; null when nothing is set; previous keys as id:key, bare keys or files", () => {
      expect(keyRingFromEnv({}, tmp.dir)).to.equal(null);
      expect(keyRingFromEnv({ CQO_DATA_KEY: "  " }, tmp.dir)).to.equal(null);
      for (const spec of [b64, keyA.toString("base64url"), keyA.toString("hex"), `0x${keyA.toString("hex")}`]) {
        const ring = keyRingFromEnv({ CQO_DATA_KEY: spec }, tmp.dir)!;
        expect(ring.current.id).to.equal(ringA.current.id);
        expect(ring.current.key.equals(keyA)).to.equal(true);
      }
      expect(keyRingFromEnv({ CQO_DATA_KEY: `k2024:${b64}` }, tmp.dir)!.current.id).to.equal("k2024");

      const oldFile = join(tmp.dir, "old.key");
      const older = randomBytes(32);
      writeFileSync(oldFile, `# retired 2024\n${older.toString("hex")}\n`, { mode: 0o600 });
      const ring = keyRingFromEnv({ CQO_DATA_KEY: keyB.toString("base64"), CQO_DATA_KEYS_PREVIOUS: `k2024:${b64}, old.key` }, tmp.dir)!;
      expect([...ring.byId.keys()]).to.deep.equal([ringBOnly.current.id, "k2024", keyRingOf(older).current.id]);
      expect(unseal(ring, seal(keyRingFromEnv({ CQO_DATA_KEY: `k2024:${b64}` }, tmp.dir)!, "v", "a"), "a")).to.equal("v");
    });

    it("reads CQO_DATA_KEY_FILE, and refuses a key file that group or others may access (0644)", () => {
      const file = join(tmp.dir, "data.key");
      writeFileSync(file, `${b64}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      expect(keyRingFromEnv({ CQO_DATA_KEY_FILE: "data.key" }, tmp.dir)!.current.id).to.equal(ringA.current.id);
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        chmodSync(file, mode);
        const e = configError(() => keyRingFromEnv({ CQO_DATA_KEY_FILE: file }, tmp.dir), "CQO_DATA_KEY_FILE");
        expect(e.message).to.contain(`0${mode.toString(8)}`);
      }
      chmodSync(file, 0o644);
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: keyB.toString("hex"), CQO_DATA_KEYS_PREVIOUS: file }, tmp.dir), "CQO_DATA_KEYS_PREVIOUS");
      chmodSync(file, 0o400);
      expect(keyRingFromEnv({ CQO_DATA_KEY_FILE: file }, tmp.dir)!.current.id).to.equal(ringA.current.id);
    });

    it("names the variable at fault for every bad value", () => {
      for (const bad of ["short", keyA.toString("hex").slice(2), randomBytes(31).toString("base64"), randomBytes(33).toString("base64"), `${b64.slice(0, -2)}!=`, "bad id:" + b64]) {
        configError(() => keyRingFromEnv({ CQO_DATA_KEY: bad }, tmp.dir), "CQO_DATA_KEY");
      }
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: devKeyRing().current.key.toString("hex") }, tmp.dir), "CQO_DATA_KEY");
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: b64, CQO_DATA_KEY_FILE: "x" }, tmp.dir), "CQO_DATA_KEY");
      configError(() => keyRingFromEnv({ CQO_DATA_KEY_FILE: join(tmp.dir, "missing.key") }, tmp.dir), "CQO_DATA_KEY_FILE");
      configError(() => keyRingFromEnv({ CQO_DATA_KEY_FILE: tmp.dir }, tmp.dir), "CQO_DATA_KEY_FILE");
      const two = join(tmp.dir, "two.key");
      writeFileSync(two, `${b64}\n${keyB.toString("hex")}\n`, { mode: 0o600 });
      configError(() => keyRingFromEnv({ CQO_DATA_KEY_FILE: two }, tmp.dir), "CQO_DATA_KEY_FILE");
      configError(() => keyRingFromEnv({ CQO_DATA_KEYS_PREVIOUS: b64 }, tmp.dir), "CQO_DATA_KEYS_PREVIOUS");
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: b64, CQO_DATA_KEYS_PREVIOUS: "old:zzz" }, tmp.dir), "CQO_DATA_KEYS_PREVIOUS");
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: b64, CQO_DATA_KEYS_PREVIOUS: "no-such-file.key" }, tmp.dir), "CQO_DATA_KEYS_PREVIOUS");
      // one id for two different keys
      configError(() => keyRingFromEnv({ CQO_DATA_KEY: `k1:${b64}`, CQO_DATA_KEYS_PREVIOUS: `k1:${keyB.toString("base64")}` }, tmp.dir), "CQO_DATA_KEYS_PREVIOUS");
    });
  });

  describe("rotation of the sealed columns (a real migrated database)", () => {
    /** 7 dossiers with a row in every sealed table; odd ones sealed under key A, even ones plaintext (from before encryption). */
    function populate(db: Db): Map<string, string> {
      const plain = new Map<string, string>();
      const put = (table: string, pk: string | number, value: string, sealed: boolean, column?: string) => {
        const c = SEALED_COLUMNS.find((x) => x.table === table && (column === undefined || x.column === column))!;
        plain.set(aadOf(c, pk), value);
        return sealed ? seal(ringA, value, aadOf(c, pk)) : value;
      };
      const now = Date.now();
      db.transaction(() => {
        for (let i = 1; i <= 7; i++) {
          const id = `D-${i}`;
          const s = i % 2 === 1;
          db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, ?, 'r@1', 'submitted', ?, '0x', ?, ?)").run(id, `0x${i}`, put("dossiers", id, JSON.stringify({ name: `申请人 ${i}`, phone: `1380000000${i}` }), s), now, now);
          const root = `0x${String(i).padStart(64, "0")}`;
          db.prepare("INSERT INTO credentials (root, dossier_id, purpose, credential_json, created_at) VALUES (?, ?, 'issue', ?, ?)").run(root, id, put("credentials", root, JSON.stringify({ salts: [i, i + 1] }), s), now);
          const rroot = `0x${String(100 + i).padStart(64, "0")}`;
          db.prepare("INSERT INTO reissues (root, dossier_id, token_id, new_holder, deadline, credential_json, source_dossier_id, status, requested_by, created_at) VALUES (?, ?, '1', '0x', 0, ?, ?, 'prepared', '0x', ?)").run(rroot, id, put("reissues", rroot, JSON.stringify({ reissue: i }), s), id, now);
          const intent = Number(db.prepare("INSERT INTO chain_intents (dossier_id, command, token_id, params_json, actor, actor_role, status, created_at) VALUES (?, 'suspend', '1', '{}', '0x', 'operator', 'pending', ?)").run(id, now).lastInsertRowid);
          db.prepare("UPDATE chain_intents SET params_json = ? WHERE id = ?").run(put("chain_intents", intent, JSON.stringify({ note: `说明 ${i}` }), s), intent);
          const objection = Number(db.prepare("INSERT INTO objections (dossier_id, token_id, filer, statement, evidence_hash, status, created_at) VALUES (?, ?, '0x', 'x', '0x', 'filed', ?)").run(id, String(i), now).lastInsertRowid);
          db.prepare("UPDATE objections SET statement = ? WHERE id = ?").run(put("objections", objection, `异议陈述 ${i}：材料不实`, s), objection);
          const report = Number(
            db.prepare("INSERT INTO annual_reports (dossier_id, token_id, holder, due_at, report_json, signature, signed_at, employer_changed, received_at) VALUES (?, ?, '0x', 0, 'x', ?, 0, 0, ?)").run(id, String(i), `0x${i}`, now).lastInsertRowid,
          );
          db.prepare("UPDATE annual_reports SET report_json = ? WHERE id = ?").run(put("annual_reports", report, JSON.stringify({ employer: `单位 ${i}`, incidents: "无" }), s), report);
          db.prepare("UPDATE dossiers SET applicant_name = ? WHERE id = ?").run(put("dossiers", id, `申请人 ${i}`, s, "applicant_name"), id);
          const change = Number(
            db.prepare("INSERT INTO employer_changes (dossier_id, token_id, holder, report_json, signature, signed_at, received_at, audit_id) VALUES (?, ?, '0x', 'x', ?, 0, ?, 0)").run(id, String(i), `0x${i}`, now).lastInsertRowid,
          );
          db.prepare("UPDATE employer_changes SET report_json = ? WHERE id = ?").run(put("employer_changes", change, JSON.stringify({ newEmployerName: `新单位 ${i}` }), s), change);
        }
      })();
      return plain;
    }

    /** Every sealed column's value, by AAD, opened with `ring` (plaintext passes through); key ids seen. */
    function readAll(db: Db | Database.Database, ring: KeyRing): { values: Map<string, string>; keyIds: Map<string, number> } {
      const values = new Map<string, string>();
      const keyIds = new Map<string, number>();
      for (const c of SEALED_COLUMNS) {
        for (const r of db.prepare(`SELECT ${c.pk} AS k, ${c.column} AS v FROM ${c.table}`).all() as { k: string | number; v: string }[]) {
          const id = sealedKeyId(r.v) ?? "plaintext";
          keyIds.set(id, (keyIds.get(id) ?? 0) + 1);
          values.set(aadOf(c, r.k), isSealed(r.v) ? unseal(ring, r.v, aadOf(c, r.k)) : r.v);
        }
      }
      return { values, keyIds };
    }

    it("re-seals every column under the new key in batches; old-key values stay readable at every batch, also to another connection", () => {
      const path = join(tmp.dir, "w.sqlite");
      const db = openDb(path);
      try {
        const plain = populate(db);
        expect(plain.size).to.equal(7 * SEALED_COLUMNS.length);
        const other = new Database(path, { readonly: true });
        const mixes: Map<string, number>[] = [];
        try {
          const counts = rotateSealedColumns(db, ringB, {
            batchSize: 2,
            onBatch: () => {
              const seen = readAll(other, ringB);
              expect(seen.values).to.deep.equal(plain);
              mixes.push(seen.keyIds);
            },
          });
          const expected = { resealed: 4, plaintext: 3 };
          // two sealed columns on dossiers (the dossier, the applicant's name): their counts add up
          expect(counts).to.deep.equal({ dossiers: { resealed: 8, plaintext: 6 }, credentials: expected, reissues: expected, chain_intents: expected, objections: expected, annual_reports: expected, employer_changes: expected });
        } finally {
          other.close();
        }
        expect(mixes.length).to.equal(SEALED_COLUMNS.length * 4); // 7 rows in batches of 2: 4 batches per table
        expect(mixes.some((m) => (m.get(ringA.current.id) ?? 0) > 0 && (m.get(ringB.current.id) ?? 0) > 0), "old and new keys side by side mid-rotation").to.equal(true);
        // done: everything under B alone, nothing plaintext, values unchanged; a second run has nothing to do
        const after = readAll(db, ringBOnly);
        expect(after.values).to.deep.equal(plain);
        expect([...after.keyIds]).to.deep.equal([[ringB.current.id, 7 * SEALED_COLUMNS.length]]);
        expect(Object.values(rotateSealedColumns(db, ringB)).every((c) => c.resealed === 0 && c.plaintext === 0)).to.equal(true);
        expect(db.pragma("synchronous", { simple: true }), "the connection's setting is restored").to.equal(1);
      } finally {
        closeDb(db);
      }
    });

    it("a crash part-way leaves each row under the old or the new key, all readable; running it again finishes; a damaged value stops it", () => {
      const path = join(tmp.dir, "w.sqlite");
      const db = openDb(path);
      try {
        const plain = populate(db);
        let batches = 0;
        expect(() =>
          rotateSealedColumns(db, ringB, {
            batchSize: 3,
            onBatch: () => {
              if (++batches === 5) throw new Error("crash");
            },
          }),
        ).to.throw("crash");
        const mid = readAll(db, ringB);
        expect(mid.values).to.deep.equal(plain);
        // committed before the crash: dossier_json's 3 batches (7 rows) and applicant_name's first 2 (6 rows)
        expect(mid.keyIds.get(ringB.current.id)).to.equal(13);
        expect(() => readAll(db, ringBOnly), "old-key rows remain").to.throw(SealedDataError);
        rotateSealedColumns(db, ringB, { batchSize: 3 });
        expect(readAll(db, ringBOnly).values).to.deep.equal(plain);

        // a value that looks sealed but does not open is not "plaintext": the rotation stops, naming the row
        db.prepare("UPDATE objections SET statement = ? WHERE id = 2").run(seal(ringB, "moved", "objections.statement:3"));
        const e = refused(() => rotateSealedColumns(db, keyRingOf(randomBytes(32), [keyB])), "auth-failed");
        expect(e.message).to.contain("objections.statement:2");
      } finally {
        closeDb(db);
      }
    });
  });

  describe("the rotate-key command (server/admin.ts)", () => {
    const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runAdmin(argv, env, tmp.dir, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    };

    it("re-seals the database and the evidence under CQO_DATA_KEY, reading old values with CQO_DATA_KEYS_PREVIOUS; bilingual refusals", async () => {
      const db = openDb(join(tmp.dir, "w.sqlite"));
      db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES ('D-1', '0xa', 'r@1', 'submitted', ?, '0x', 0, 0)").run(seal(ringA, '{"name":"钱七"}', "dossiers.dossier_json:D-1"));
      closeDb(db);
      const content = Buffer.from("evidence under key A");
      const sha = createHash("sha256").update(content).digest("hex");
      mkdirSync(join(tmp.dir, "ev", sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(tmp.dir, "ev", sha.slice(0, 2), sha), sealBytes(ringA, content, evidenceAad(sha)));
      const env = { CQO_DB_PATH: "w.sqlite", CQO_EVIDENCE_DIR: "ev", CQO_DATA_KEY: keyB.toString("base64") };

      // without the old key the value cannot be opened: refused, in both languages, nothing changed
      const refusedRun = await run(["rotate-key"], env);
      expect(refusedRun.code).to.equal(1);
      expect(refusedRun.err[0]).to.match(/^错误：\[unknown-key\]/);
      expect(refusedRun.err[1]).to.match(/^error: \[unknown-key\] dossiers\.dossier_json:D-1/);

      const ok = await run(["rotate-key"], { ...env, CQO_DATA_KEYS_PREVIOUS: `${keyA.toString("hex")}` });
      expect(ok.code, ok.err.join("\n")).to.equal(0);
      expect(JSON.parse(ok.out[1]!)).to.deep.include({ keyId: ringB.current.id, evidence: { resealed: 1, current: 0, plaintext: 0 } });
      const after = new Database(join(tmp.dir, "w.sqlite"), { readonly: true });
      try {
        const v = (after.prepare("SELECT dossier_json AS v FROM dossiers").get() as { v: string }).v;
        expect(unseal(ringBOnly, v, "dossiers.dossier_json:D-1")).to.equal('{"name":"钱七"}');
      } finally {
        after.close();
      }
      expect(unsealBytes(ringBOnly, readFileSync(join(tmp.dir, "ev", sha.slice(0, 2), sha)), evidenceAad(sha)).equals(content)).to.equal(true);

      const badKey = await run(["rotate-key"], { ...env, CQO_DATA_KEY: "not-a-key" });
      expect(badKey.code).to.equal(1);
      expect(badKey.err[0]).to.contain("CQO_DATA_KEY：").and.to.contain("base64");
      expect(badKey.err[1]).to.contain("error: CQO_DATA_KEY: must be 32 random bytes");
      expect((await run(["rotate-key"], { CQO_DB_PATH: "w.sqlite" })).err[1]).to.contain("no data key");
      expect((await run(["rotate-key"], { ...env, CQO_DB_PATH: "missing.sqlite" })).err[1]).to.contain("no database at");
      expect(existsSync(join(tmp.dir, "missing.sqlite")), "no database created by the command").to.equal(false);
      expect((await run(["frobnicate"], env)).code).to.equal(2);
      expect((await run(["backup"], env)).err[1]).to.contain("backup needs --out FILE");
    });
  });

  describe("rotation of the evidence files", () => {
    it("re-seals files under an older key in place (same name), leaves current-key and plaintext files alone, refuses a swapped file", () => {
      const dir = join(tmp.dir, "evidence");
      const put = (content: Buffer, ring: KeyRing | null): string => {
        const sha = createHash("sha256").update(content).digest("hex");
        mkdirSync(join(dir, sha.slice(0, 2)), { recursive: true });
        writeFileSync(join(dir, sha.slice(0, 2), sha), ring ? sealBytes(ring, content, evidenceAad(sha)) : content, { mode: 0o600 });
        return sha;
      };
      const contents = [0, 1, 2].map((i) => randomBytes(1000 + i));
      const old = contents.map((c) => put(c, ringA));
      const fresh = put(Buffer.from("already current"), ringB);
      const plainSha = put(Buffer.from("uploaded before encryption"), null);
      mkdirSync(join(dir, "tmp"), { recursive: true });

      expect(rotateEvidenceFiles(dir, ringB)).to.deep.equal({ resealed: 3, current: 1, plaintext: 1 });
      const file = (sha: string) => readFileSync(join(dir, sha.slice(0, 2), sha));
      for (const [i, sha] of old.entries()) {
        expect(sealedKeyId(file(sha))).to.equal(ringB.current.id);
        expect(unsealBytes(ringBOnly, file(sha), evidenceAad(sha)).equals(contents[i]!)).to.equal(true);
      }
      expect(file(plainSha).toString()).to.equal("uploaded before encryption");
      expect(readdirSync(join(dir, "tmp"))).to.deep.equal([]);
      expect(rotateEvidenceFiles(dir, ringB)).to.deep.equal({ resealed: 0, current: 4, plaintext: 1 });

      // one file's sealed content under another file's name: its tag (AAD = the name) fails, nothing replaced
      const ringC = keyRingOf(randomBytes(32), [keyB]);
      writeFileSync(join(dir, old[0]!.slice(0, 2), old[0]!), file(old[1]!));
      refused(() => rotateEvidenceFiles(dir, ringC), "auth-failed");
      expect(existsSync(join(dir, fresh.slice(0, 2), fresh))).to.equal(true);
    });
  });
});
