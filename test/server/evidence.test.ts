/**
 * Evidence files (issue #10), each test named after the attack it stops: citing someone else's file (the hashes of
 * lifecycle evidence are public on-chain) to read it, probing which hashes exist, uploading something a browser
 * would run, filling the disk; and what must keep working — an applicant's own files, the panel's access, the
 * body's lifecycle evidence, files stored before this change.
 */
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Hex } from "viem";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import { objectionStatement, objectionTypedData } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { MIGRATIONS, openDb, schemaVersion } from "../../server/db";
import {
  ASSESSORS,
  OPERATOR,
  RULEBOOK,
  RULEBOOK_HASH,
  RULEBOOK_KEY,
  account,
  clientFor,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  privateKeyToAccount,
  registerAssessors,
  samplePdf,
  samplePng,
  signInAs,
  siweMessage,
  startAnvil,
  tempDir,
  testConfig,
  type Anvil,
  type Http,
  type World,
} from "./helpers";

interface ErrorBody {
  error: { code: string; zh: string; en: string; problems?: { field: string; path: (string | number)[]; zh: string; en: string }[]; details?: Record<string, unknown> };
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function multipart(content: Buffer, filename: string, mime: string) {
  const boundary = `----cqo${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mime}\r\n\r\n`);
  return { head, tail: Buffer.from(`\r\n--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A ZIP of stored (uncompressed) entries: enough for an OFD package (OFD.xml at the root) or any other ZIP. */
function zip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

const sampleOfd = (text: string) =>
  zip([
    {
      name: "OFD.xml",
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
      ),
    },
    { name: "Doc_0/Document.xml", data: Buffer.from(`<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><!-- ${text} --></ofd:Document>`) },
  ]);
const sampleJpeg = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), Buffer.from(text), Buffer.from([0xff, 0xd9])]);
const sampleWebp = (text: string) => {
  const body = Buffer.concat([Buffer.from("WEBPVP8 "), Buffer.alloc(4), Buffer.from(text)]);
  const head = Buffer.alloc(8);
  head.write("RIFF", 0, "latin1");
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
};

const HOSTILE: [string, Buffer][] = [
  ["HTML", Buffer.from(`<!doctype html><html><body><script>fetch("/api/dossiers")</script></body></html>`)],
  ["SVG with a script", Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>`)],
  ["SVG with an XML declaration", Buffer.from(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)],
  ["JavaScript", Buffer.from(`fetch("/api/dossiers").then((r) => r.text()).then(alert)`)],
  ["XHTML", Buffer.from(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`)],
  ["a plain ZIP (not OFD)", zip([{ name: "index.html", data: Buffer.from("<script>alert(1)</script>") }])],
  ["plain text", Buffer.from("just some words")],
];

describe("server: evidence files (issue #10)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let world: World;
  let wb: Workbench;
  let base: string;
  let http: Http;
  let tmp: ReturnType<typeof tempDir>;
  /** the server's clock: the expiry test moves it */
  let clock = Date.now();
  const QUOTA_FILES = 5;
  const QUOTA_BYTES = 3 * 1024 * 1024;
  const TTL_HOURS = 72;
  const tokens = {} as Record<"operator" | "applicant" | "attacker" | "panel" | "otherAssessor", string>;
  const APPLICANT = 10;
  const ATTACKER = 11;
  let fresh = 30;
  /** a wallet nobody used yet (its own quota) */
  const freshWallet = async () => signInAs(http, account(fresh++));

  const evidenceDir = () => join(tmp.dir, "evidence");
  const tmpFiles = () => readdirSync(join(evidenceDir(), "tmp"));
  const onDisk = (sha: string) => existsSync(join(evidenceDir(), sha.slice(0, 2), sha));

  const upload = async (content: Buffer, token: string, filename = "证明.pdf", mime = "application/pdf") => {
    const m = multipart(content, filename, mime);
    const r = await wb.app.inject({
      method: "POST",
      url: "/evidence",
      payload: Buffer.concat([m.head, content, m.tail]),
      headers: { "content-type": m.contentType, authorization: `Bearer ${token}` },
    });
    return { status: r.statusCode, body: JSON.parse(r.body) as { sha256: string; size: number; mediaType: string } & Partial<ErrorBody> };
  };
  const uploaded = async (content: Buffer, token: string, filename?: string, mime?: string): Promise<string> => {
    const r = await upload(content, token, filename, mime);
    if (r.status !== 201 && r.status !== 200) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.sha256;
  };
  const download = (sha: string, token: string) => wb.app.inject({ method: "GET", url: `/evidence/${sha}`, headers: { authorization: `Bearer ${token}` } });
  const submit = (evidence: string[], token: string, seed: number) =>
    http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: { ...dossierFor(seed), evidence: evidence.map((sha, i) => ({ kind: "appointment", name: `证明 ${i}.pdf`, sha256: sha })) } }, token);
  const rpc = (method: string, params: unknown[]) =>
    fetch(anvil.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("evidence");
    wb = await buildServer({
      config: testConfig(tmp.dir, { evidenceQuotaFiles: QUOTA_FILES, evidenceQuotaBytes: QUOTA_BYTES, evidenceUnusedTtlHours: TTL_HOURS, sessionTtlSeconds: 7 * 86_400 }),
      chain: clientFor(anvil.url, world.deployment, account(OPERATOR)),
      now: () => clock,
    });
    base = await wb.listen();
    http = injectHttp(wb.app);
    tokens.operator = await signInAs(http, account(OPERATOR));
    await registerAssessors(http, tokens.operator);
    tokens.applicant = await signInAs(http, account(APPLICANT));
    tokens.attacker = await signInAs(http, account(ATTACKER));
    tokens.panel = await signInAs(http, privateKeyToAccount(ASSESSORS[0]!.key));
    tokens.otherAssessor = await signInAs(http, privateKeyToAccount(ASSESSORS[4]!.key));
  });

  after(async () => {
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  describe("a certificate suspended with the body's evidence (public on-chain)", () => {
    let id = "";
    let tokenId = "";
    let bodyFile = "";
    let applicantFile = "";
    let refusedApplicantFile: { status: number; body: ErrorBody };
    let refusedUnknown: { status: number; body: ErrorBody };
    let suspended: { status: number; body: { state: string; txHash: Hex } };
    const objectionRefusals: { status: number; body: ErrorBody }[] = [];

    before(async () => {
      applicantFile = await uploaded(samplePdf("applicant's appointment letter"), tokens.applicant);
      id = expect200(await submit([applicantFile], tokens.applicant, 501), "submit", 201).json<{ id: string }>().id;
      expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
      const panel = ASSESSORS.slice(0, 3);
      expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
      const accepted = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
      const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, accepted.dossierHash, panel, 501, 60);
      for (const [i, a] of panel.entries()) {
        const t = i === 0 ? tokens.panel : await signInAs(http, privateKeyToAccount(a.key));
        expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: await signSheet(sheets[i]!, a.key) }, t), "sheet", 201);
      }
      expect(expect200(await http("POST", `/dossiers/${id}/evaluate`, {}, tokens.operator), "evaluate").json<{ state: string }>().state).to.equal("evaluated");
      tokenId = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
      for (const deadline = Date.now() + 30_000; (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state !== "in-notice";) {
        if (Date.now() > deadline) throw new Error("not issued on-chain");
        await new Promise((r) => setTimeout(r, 50));
      }
      // during the notice, an objection citing the applicant's file, then a file nobody uploaded (signed by its filer)
      for (const evidence of [applicantFile, sha256(randomBytes(32))]) {
        const statement = "材料与事实不符 · the dossier's facts are wrong";
        const issuedAt = Math.floor(clock / 1000);
        const signed = objectionStatement({ tokenId, filer: account(ATTACKER).address, statement, evidence, issuedAt });
        const signature = await account(ATTACKER).signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, signed));
        const r = await http("POST", "/objections", { tokenId, statement, evidence, signature, issuedAt }, tokens.attacker);
        objectionRefusals.push({ status: r.status, body: r.json<ErrorBody>() });
      }
      await rpc("evm_increaseTime", [8 * 86_400]);
      await rpc("evm_mine", []);
      expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice");

      // the operator cites the applicant's file, then a file nobody uploaded: both refused alike
      const a = await http("POST", `/dossiers/${id}/suspend`, { evidence: applicantFile }, tokens.operator);
      refusedApplicantFile = { status: a.status, body: a.json<ErrorBody>() };
      const u = await http("POST", `/dossiers/${id}/suspend`, { evidence: sha256(randomBytes(32)) }, tokens.operator);
      refusedUnknown = { status: u.status, body: u.json<ErrorBody>() };
      // the body's own file: the suspension's on-chain evidence
      bodyFile = await uploaded(samplePdf("inspection report: the certificate holder left the company"), tokens.operator, "检查报告.pdf");
      const s = await http("POST", `/dossiers/${id}/suspend`, { evidence: bodyFile, note: "监督检查" }, tokens.operator);
      suspended = { status: s.status, body: s.json<{ state: string; txHash: Hex }>() };
    });

    it("operators can use their own uploads as lifecycle evidence (the file's SHA-256 is the on-chain evidence hash)", async () => {
      expect(suspended.status, JSON.stringify(suspended.body)).to.equal(200);
      expect(suspended.body.state).to.equal("suspended");
      const history = await clientFor(anvil.url, world.deployment).certificateHistory(tokenId);
      const event = history.find((h) => h.kind === "suspended");
      expect(event && event.kind === "suspended" ? event.evidenceHash : null).to.equal(`0x${bodyFile}`);
    });

    it("a lifecycle call cannot cite a file the body did not upload: the same 422 whether it exists or not", () => {
      for (const r of [refusedApplicantFile, refusedUnknown]) {
        expect(r.status).to.equal(422);
        expect(r.body.error.code).to.equal("evidence-not-uploaded");
        expect(r.body.error.problems?.map((p) => p.field)).to.deep.equal(["body.evidence"]);
      }
      expect(refusedApplicantFile.body).to.deep.equal(refusedUnknown.body);
    });

    it("an objection may cite only its filer's uploads: the same 422 whether the file exists or not", () => {
      expect(objectionRefusals.map((r) => r.status)).to.deep.equal([422, 422]);
      for (const r of objectionRefusals) {
        expect(r.body.error.code).to.equal("evidence-not-uploaded");
        expect(r.body.error.problems?.map((p) => p.field)).to.deep.equal(["body.evidence"]);
      }
      expect(objectionRefusals[0]!.body).to.deep.equal(objectionRefusals[1]!.body);
    });

    it("cite another body's public suspension evidence in a made-up dossier → refused, and the download is 404", async () => {
      // what anyone can read from the chain: the suspension's evidence hash
      const history = await clientFor(anvil.url, world.deployment).certificateHistory(tokenId);
      const event = history.find((h) => h.kind === "suspended")!;
      const publicHash = (event.kind === "suspended" ? event.evidenceHash : "0x").slice(2);
      expect(publicHash).to.equal(bodyFile);

      const cite = await submit([publicHash], tokens.attacker, 777);
      expect(cite.status).to.equal(422);
      expect(cite.json<ErrorBody>().error.code).to.equal("evidence-not-uploaded");
      expect(cite.json<ErrorBody>().error.problems!.map((p) => [p.field, p.en])).to.deep.equal([["body.dossier.evidence[0].sha256", "not uploaded by you"]]);
      // the attacker has no dossier, the file was not read
      const mine = (await http("GET", "/dossiers", undefined, tokens.attacker)).body as unknown[] | { items: unknown[] };
      expect(Array.isArray(mine) ? mine : mine.items).to.deep.equal([]);

      for (const who of ["attacker", "applicant", "panel"] as const) {
        const r = await download(publicHash, tokens[who]);
        expect(r.statusCode, who).to.equal(404);
        expect((JSON.parse(r.body) as ErrorBody).error.code).to.equal("not-found");
      }
      expect((await download(publicHash, tokens.operator)).statusCode).to.equal(200);
    });

    it("an applicant can still cite and download their own file; once the panel's round is over its assessors no longer can; no one else", async () => {
      const ok = await download(applicantFile, tokens.applicant);
      expect(ok.statusCode).to.equal(200);
      expect(ok.rawPayload.equals(samplePdf("applicant's appointment letter"))).to.equal(true);
      // the dossier is far past its round (issued, then suspended): the panel's access ended with the round
      expect((await download(applicantFile, tokens.panel)).statusCode).to.equal(404);
      expect((await download(applicantFile, tokens.operator)).statusCode).to.equal(200);
      expect((await download(applicantFile, tokens.otherAssessor)).statusCode).to.equal(404);
      expect((await download(applicantFile, tokens.attacker)).statusCode).to.equal(404);
    });
  });

  describe("ownership, per file and uploader", () => {
    it("the same bytes uploaded by two wallets are two uploads: each may cite its own, the panel reads only through the applicant's own upload", async () => {
      const bytes = samplePdf("a certificate both of them have");
      const a = await freshWallet();
      const b = await freshWallet();
      expect((await upload(bytes, a)).status).to.equal(201);
      // 201 again for b: whether someone else uploaded these bytes is not disclosed
      expect((await upload(bytes, b)).status).to.equal(201);
      expect((await upload(bytes, b)).status).to.equal(200);
      const sha = sha256(bytes);
      expect((await submit([sha], a, 811)).status).to.equal(201);
      expect((await submit([sha], b, 812)).status).to.equal(201);
      expect(wb.db.prepare("SELECT COUNT(*) AS n FROM evidence_uploads WHERE sha256 = ?").get(sha)).to.deep.equal({ n: 2 });
      expect(wb.db.prepare("SELECT COUNT(*) AS n FROM evidence WHERE sha256 = ?").get(sha)).to.deep.equal({ n: 1 });
    });
  });

  describe("probing", () => {
    it("probe whether a hash exists → the same answer as for a missing file", async () => {
      const secret = await uploaded(samplePdf(`someone's medical certificate ${Date.now()}`), tokens.applicant);
      const missing = sha256(randomBytes(16));
      const probe = await freshWallet();

      // download: 404 both, the same code and words (but for the hash named)
      const [a, b] = [await download(secret, probe), await download(missing, probe)];
      expect([a.statusCode, b.statusCode]).to.deep.equal([404, 404]);
      const strip = (body: string, sha: string) => body.split(sha).join("<sha>");
      expect(strip(a.body, secret)).to.equal(strip(b.body, missing));
      expect(a.headers["content-type"]).to.equal(b.headers["content-type"]);

      // citing: 422 both, field by field, identical
      const [c, d] = [await submit([secret], probe, 901), await submit([missing], probe, 902)];
      expect([c.status, d.status]).to.deep.equal([422, 422]);
      expect(c.json<ErrorBody>().error.code).to.equal("evidence-not-uploaded");
      expect(c.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.dossier.evidence[0].sha256"]);
      expect(c.json()).to.deep.equal(d.json());
    });
  });

  describe("types, detected from the content", () => {
    for (const [what, bytes] of HOSTILE) {
      it(`upload ${what} claiming image/png → 415, nothing stored`, async () => {
        const token = await freshWallet();
        const r = await upload(bytes, token, "photo.png", "image/png");
        expect(r.status).to.equal(415);
        expect(r.body.error?.code).to.equal("evidence-type");
        expect(r.body.error?.problems?.map((p) => p.field)).to.deep.equal(["body.file"]);
        expect(r.body.error?.zh).to.be.a("string").and.not.equal("");
        expect(onDisk(sha256(bytes))).to.equal(false);
        expect(tmpFiles()).to.deep.equal([]);
        expect(wb.db.prepare("SELECT COUNT(*) AS n FROM evidence_uploads WHERE sha256 = ?").get(sha256(bytes))).to.deep.equal({ n: 0 });
      });
    }

    it("PDF, PNG, JPEG, WebP and OFD are accepted whatever they claim to be, and stored as what they are", async () => {
      const token = await freshWallet();
      const cases: [Buffer, string][] = [
        [samplePdf("types"), "application/pdf"],
        [samplePng([1, 2, 3]), "image/png"],
        [sampleJpeg("types"), "image/jpeg"],
        [sampleWebp("types"), "image/webp"],
        [sampleOfd("types"), "application/ofd"],
      ];
      for (const [bytes, type] of cases) {
        const r = await upload(bytes, token, "page.html", "text/html");
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        expect(r.body.mediaType).to.equal(type);
        expect(wb.db.prepare("SELECT media_type, detected_type FROM evidence WHERE sha256 = ?").get(r.body.sha256)).to.deep.equal({ media_type: type, detected_type: type });
      }
    });

    it("served headers on every file: the detected type, an attachment named <sha256>.<ext>, nosniff, a sandbox CSP, no caching — old rows too", async () => {
      const token = await freshWallet();
      const me = (await http("GET", "/me", undefined, token)).json<{ address: string }>().address;
      const expected: [string, string, string][] = [];
      for (const [bytes, type, ext] of [
        [samplePdf("headers"), "application/pdf", "pdf"],
        [samplePng([9, 9, 9]), "image/png", "png"],
        [sampleJpeg("headers"), "image/jpeg", "jpg"],
        [sampleWebp("headers"), "image/webp", "webp"],
        [sampleOfd("headers"), "application/ofd", "ofd"],
      ] as [Buffer, string, string][]) {
        expected.push([await uploaded(bytes, token), type, ext]);
      }
      // rows from before types were detected: the uploader's declared type is not what is served
      const legacy = (bytes: Buffer, declared: string) => {
        const sha = sha256(bytes);
        mkdirSync(join(evidenceDir(), sha.slice(0, 2)), { recursive: true });
        writeFileSync(join(evidenceDir(), sha.slice(0, 2), sha), bytes);
        wb.db.prepare("INSERT INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at, detected_type) VALUES (?, ?, ?, ?, ?, NULL)").run(sha, bytes.length, declared, me, clock);
        wb.db.prepare("INSERT INTO evidence_uploads (sha256, uploaded_by, by_operator, size, uploaded_at) VALUES (?, ?, 0, ?, ?)").run(sha, me, bytes.length, clock);
        return sha;
      };
      expected.push([legacy(Buffer.from("<html><script>alert(document.cookie)</script></html>"), "text/html"), "application/octet-stream", "bin"]);
      expected.push([legacy(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml"), "application/octet-stream", "bin"]);
      expected.push([legacy(samplePng([4, 5, 6]), "text/html"), "image/png", "png"]);

      for (const [sha, type, ext] of expected) {
        for (const who of [token, tokens.operator]) {
          const r = await download(sha, who);
          expect(r.statusCode).to.equal(200);
          expect(r.headers["content-type"], sha).to.equal(type);
          expect(r.headers["content-disposition"]).to.equal(`attachment; filename="${sha}.${ext}"`);
          expect(r.headers["x-content-type-options"]).to.equal("nosniff");
          expect(r.headers["content-security-policy"]).to.equal("sandbox; default-src 'none'");
          expect(r.headers["cache-control"]).to.equal("private, no-store");
          expect(sha256(r.rawPayload)).to.equal(sha);
        }
      }
      // the re-detection is kept
      expect(wb.db.prepare("SELECT detected_type FROM evidence WHERE sha256 = ?").get(expected.at(-3)![0])).to.deep.equal({ detected_type: "application/octet-stream" });
    });
  });

  describe("uploads", () => {
    it("over-limit upload leaves no file (413 file-too-large)", async () => {
      const token = await freshWallet();
      const big = Buffer.concat([samplePdf("big"), Buffer.alloc(1024 * 1024, 7)]);
      const r = await upload(big, token);
      expect(r.status).to.equal(413);
      expect(r.body.error?.code).to.equal("file-too-large");
      expect(onDisk(sha256(big))).to.equal(false);
      // nor the first megabyte the limit cut it at
      expect(onDisk(sha256(big.subarray(0, 1024 * 1024)))).to.equal(false);
      expect(tmpFiles()).to.deep.equal([]);
    });

    it("over-limit upload leaves no file when the client aborts mid-upload", async () => {
      const token = await freshWallet();
      const m = multipart(Buffer.alloc(0), "big.pdf", "application/pdf");
      const url = new URL(`${base}/evidence`);
      const req = request({
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": m.contentType, authorization: `Bearer ${token}`, "transfer-encoding": "chunked" },
      });
      req.on("error", () => undefined);
      req.write(m.head);
      req.write(samplePdf("cut off"));
      for (let i = 0; i < 6; i++) req.write(Buffer.alloc(64 * 1024, i));
      // the server has started writing it to disk…
      for (const deadline = Date.now() + 10_000; tmpFiles().length === 0;) {
        if (Date.now() > deadline) throw new Error("the upload never reached the disk");
        await new Promise((r) => setTimeout(r, 20));
      }
      // …when the client goes away
      req.destroy();
      for (const deadline = Date.now() + 10_000; tmpFiles().length > 0;) {
        if (Date.now() > deadline) throw new Error(`left behind: ${tmpFiles().join(", ")}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const me = (await http("GET", "/me", undefined, token)).json<{ address: string }>().address;
      expect(wb.db.prepare("SELECT COUNT(*) AS n FROM evidence_uploads WHERE uploaded_by = ?").get(me)).to.deep.equal({ n: 0 });
    });

    it("files are 0600 in 0700 directories", async () => {
      const sha = await uploaded(samplePdf("modes"), await freshWallet());
      expect(statSync(join(evidenceDir(), sha.slice(0, 2), sha)).mode & 0o777).to.equal(0o600);
      expect(statSync(join(evidenceDir(), sha.slice(0, 2))).mode & 0o777).to.equal(0o700);
      expect(statSync(evidenceDir()).mode & 0o777).to.equal(0o700);
      expect(statSync(join(evidenceDir(), "tmp")).mode & 0o777).to.equal(0o700);
    });

    it("quota: a wallet's files (429 evidence-quota) and bytes (413 evidence-quota), nothing kept past it", async () => {
      const token = await freshWallet();
      for (let i = 0; i < QUOTA_FILES; i++) expect((await upload(samplePdf(`quota ${i}`), token)).status).to.equal(201);
      // at the quota, refused before a byte is read (even a file it has already: it would add nothing)
      expect((await upload(samplePdf("quota 0"), token)).status).to.equal(429);
      const over = await upload(samplePdf("one too many"), token);
      expect(over.status).to.equal(429);
      expect(over.body.error?.code).to.equal("evidence-quota");
      expect(over.body.error?.problems?.map((p) => p.field)).to.deep.equal(["body.file"]);
      expect(onDisk(sha256(samplePdf("one too many")))).to.equal(false);

      const bytesToken = await freshWallet();
      for (let i = 0; i < 3; i++) expect((await upload(Buffer.concat([samplePdf(`part ${i}`), Buffer.alloc(900 * 1024, i)]), bytesToken)).status).to.equal(201);
      // 300 KiB left: the upload is cut off there, not at the 1 MiB file limit
      const more = Buffer.concat([samplePdf("more"), Buffer.alloc(400 * 1024, 9)]);
      const r = await upload(more, bytesToken);
      expect(r.status).to.equal(413);
      expect(r.body.error?.code).to.equal("evidence-quota");
      expect(r.body.error?.en).to.contain("quota");
      expect(onDisk(sha256(more))).to.equal(false);
      expect(tmpFiles()).to.deep.equal([]);
      // another wallet is not affected
      expect((await upload(more, await freshWallet())).status).to.equal(201);
    });
  });

  describe("files stored before this change", () => {
    it("a database from before migration 5: old rows become their uploader's uploads, existing citations are kept", () => {
      const dir = tempDir("evidence-migrate");
      try {
        const db = openDb(
          join(dir.dir, "old.sqlite"),
          MIGRATIONS.filter((m) => m.version < 5),
        );
        const cited = "c".repeat(64);
        const loose = "d".repeat(64);
        const applicant = account(APPLICANT).address;
        db.prepare("INSERT INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at) VALUES (?, 1, 'text/html', ?, 1), (?, 1, 'image/png', ?, 2)").run(cited, applicant, loose, "0xabc");
        db.prepare("INSERT INTO dossiers (id, applicant, rulebook_key, state, dossier_json, dossier_hash, created_at, updated_at) VALUES ('OLD-1', ?, 'r', 'submitted', ?, '0x', 3, 3)").run(
          applicant,
          JSON.stringify({ evidence: [{ kind: "k", name: "n", sha256: cited }] }),
        );
        db.close();
        const migrated = openDb(join(dir.dir, "old.sqlite"));
        expect(schemaVersion(migrated)).to.be.at.least(5);
        expect(migrated.prepare("SELECT sha256, uploaded_by, by_operator FROM evidence_uploads ORDER BY sha256").all()).to.deep.equal([
          { sha256: cited, uploaded_by: applicant, by_operator: 0 },
          { sha256: loose, uploaded_by: "0xabc", by_operator: 0 },
        ]);
        expect(migrated.prepare("SELECT sha256, uploaded_by, kind, dossier_id FROM evidence_citations").all()).to.deep.equal([
          { sha256: cited, uploaded_by: applicant, kind: "dossier", dossier_id: "OLD-1" },
        ]);
        expect(migrated.prepare("SELECT detected_type FROM evidence WHERE sha256 = ?").get(cited)).to.deep.equal({ detected_type: null });
        migrated.close();
      } finally {
        dir.cleanup();
      }
    });
  });

  describe("expiry (last: it moves the clock)", () => {
    it("expiry sweep deletes unused, keeps cited", async () => {
      /** a sign-in on the server's (moved) clock: the message's expiry is checked against it */
      const signInNow = async (i: number) => {
        const { message, signature } = await siweMessage(http, account(i), { expirationTime: new Date(clock + 600_000) });
        return expect200(await http("POST", "/auth/verify", { message, signature }), "sign-in").json<{ token: string }>().token;
      };
      const [ia, ib] = [fresh++, fresh++];
      let a = await signInNow(ia);
      let b = await signInNow(ib);
      const unused = await uploaded(samplePdf("never cited"), a);
      const cited = await uploaded(samplePdf("cited by a dossier"), a);
      const shared = samplePdf("uploaded by both, cited by one");
      await uploaded(shared, a);
      await uploaded(shared, b);
      expect((await submit([cited, sha256(shared)], a, 950)).status).to.equal(201);
      // the suspension's evidence (above): the body's file, cited by a lifecycle call
      const bodyFiles = (wb.db.prepare("SELECT sha256 FROM evidence_citations WHERE kind = 'lifecycle'").all() as { sha256: string }[]).map((f) => f.sha256);
      expect(bodyFiles.length).to.be.greaterThan(0);
      // a crash's leftover: a file on disk the database never recorded
      const stray = sha256(Buffer.from("stray"));
      mkdirSync(join(evidenceDir(), stray.slice(0, 2)), { recursive: true });
      writeFileSync(join(evidenceDir(), stray.slice(0, 2), stray), "stray");

      // not expired yet: nothing goes
      clock += (TTL_HOURS - 1) * 3600_000;
      expect(await wb.sweeper.sweep()).to.deep.include({ uploads: 0, files: 0 });
      expect(onDisk(unused)).to.equal(true);

      clock += 2 * 3600_000;
      [a, b] = [await signInNow(ia), await signInNow(ib)];
      const operator = await signInNow(OPERATOR);
      const young = await uploaded(samplePdf("uploaded just now"), a);
      const report = await wb.sweeper.sweep();
      expect(report.uploads).to.be.greaterThan(0);
      expect(report.files).to.be.greaterThan(1);
      expect(onDisk(unused)).to.equal(false);
      expect(onDisk(stray)).to.equal(false);
      expect(wb.db.prepare("SELECT COUNT(*) AS n FROM evidence WHERE sha256 = ?").get(unused)).to.deep.equal({ n: 0 });
      for (const kept of [cited, sha256(shared), young, ...bodyFiles]) expect(onDisk(kept), kept).to.equal(true);
      for (const f of bodyFiles) expect((await download(f, operator)).statusCode).to.equal(200);
      // b's upload of the shared file was never cited: gone (b no longer has it); a's, cited, stays
      expect(wb.db.prepare("SELECT uploaded_by FROM evidence_uploads WHERE sha256 = ?").all(sha256(shared))).to.deep.equal([{ uploaded_by: account(ia).address }]);
      expect((await download(sha256(shared), b)).statusCode).to.equal(404);
      expect((await download(sha256(shared), a)).statusCode).to.equal(200);
      // an expired upload can no longer be cited, as if it had never been uploaded
      const late = await submit([unused], a, 951);
      expect(late.status).to.equal(422);
      expect(late.json<ErrorBody>().error.problems!.map((p) => p.field)).to.deep.equal(["body.dossier.evidence[0].sha256"]);
      expect(tmpFiles()).to.deep.equal([]);
    });
  });
});
