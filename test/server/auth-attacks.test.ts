/**
 * Regression tests, one per attack on sign-in, sessions and the request surface (issue #10): SIWE messages for
 * another origin, from the future, without or with too long an expiry, with malformed dates; malformed session
 * tokens; malleable (high-s) and oversized signatures; a cookie riding on a cross-site request; non-JSON bodies;
 * floods; and the purge of used nonces and dead sessions. Each asserts the status, the error code and the field.
 */
import { expect } from "chai";
import { createPublicClient, createWalletClient, http as viemHttp, recoverMessageAddress, type Hex, type PublicClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import { CqoClient } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { purgeAuth, SIWE_CLOCK_SKEW_MS } from "../../server/auth";
import { chainFor } from "../../server/chain";
import type { ServerConfig } from "../../server/config";
import { MAX_SIGNATURE_BYTES } from "../../server/signatures";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import {
  ASSESSORS,
  OPERATOR,
  RULEBOOK,
  RULEBOOK_HASH,
  SIWE_DOMAIN,
  account,
  deployWorld,
  dossierFor,
  expect200,
  injectHttp,
  signInAs,
  signInTeam,
  startAnvil,
  submitDossier,
  tempDir,
  testConfig,
  type Anvil,
  type Http,
  type Reply,
  type World,
} from "./helpers";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The malleable twin of a 65-byte signature: s → n − s, v flipped. The same signer recovers from it. */
function highSTwin(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `0x${signature.slice(2, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 || v === 0 ? 28 : 27).toString(16)}`;
}

/** An EIP-2098 compact signature (64 bytes: r ‖ yParity·2^255 + s) of a 65-byte one; s must be below 2^255. */
function compact(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const yParity = [1, 28].includes(Number.parseInt(signature.slice(130), 16)) ? 1n : 0n;
  return `0x${signature.slice(2, 66)}${((yParity << 255n) | s).toString(16).padStart(64, "0")}`;
}

interface ErrorBody {
  error: { code: string; zh: string; en: string; problems?: { field: string; zh: string; en: string }[]; details?: Record<string, unknown> };
}

/** Status, code and (when given) the one field named, in both languages. */
function expectRefusal(r: Reply | { status: number; body: unknown }, status: number, code: string, field?: string): ErrorBody["error"] {
  const body = r.body as ErrorBody;
  expect(r.status, JSON.stringify(r.body)).to.equal(status);
  expect(body.error.code, JSON.stringify(r.body)).to.equal(code);
  expect(body.error.zh).to.be.a("string").and.not.equal("");
  expect(body.error.en).to.be.a("string").and.not.equal("");
  if (field !== undefined) {
    const p = (body.error.problems ?? []).find((x) => x.field === field);
    expect(p, `a problem for ${field} in ${JSON.stringify(body.error.problems)}`).to.not.equal(undefined);
    expect(p!.zh).to.match(/[\u4e00-\u9fff]/);
    expect(p!.en).to.match(/[a-z]/);
  }
  return body.error;
}

describe("server: attacks on sign-in, sessions and the request surface", function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let world: World;
  let tmp: ReturnType<typeof tempDir>;
  let wb: Workbench;
  let http: Http;
  let publicClient: PublicClient;
  /** JSON-RPC requests the workbench's chain client made */
  let rpcCalls = 0;
  let clock = Date.now();
  const TTL_MS = 3600_000;
  const servers: Workbench[] = [];

  /** A chain client for the workbench whose every JSON-RPC request is counted. */
  const countingClient = (): CqoClient => {
    const chain = chainFor(world.deployment, anvil.url);
    const transport = viemHttp(anvil.url, { retryCount: 0, onFetchRequest: () => void rpcCalls++ });
    const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
    return new CqoClient(pc, world.deployment, createWalletClient({ account: account(OPERATOR), chain, transport, pollingInterval: 50 }));
  };

  const another = async (overrides: Partial<ServerConfig>, chain: CqoClient | null = null): Promise<Workbench> => {
    const dir = tempDir("attacks-extra");
    const w = await buildServer({ config: testConfig(dir.dir, overrides), chain, now: () => clock, startWorker: false });
    servers.push(w);
    w.app.addHook("onClose", async () => dir.cleanup());
    return w;
  };

  before(async () => {
    anvil = await startAnvil();
    world = await deployWorld(anvil.url);
    tmp = tempDir("attacks");
    publicClient = createPublicClient({ chain: chainFor(world.deployment, anvil.url), transport: viemHttp(anvil.url) }) as PublicClient;
    wb = await buildServer({ config: testConfig(tmp.dir, { sessionTtlSeconds: TTL_MS / 1000 }), chain: countingClient(), now: () => clock, startWorker: false });
    http = injectHttp(wb.app);
  });

  after(async () => {
    for (const s of servers) await s.close();
    await wb?.close();
    await anvil?.stop("SIGKILL");
    tmp?.cleanup();
  });

  // ------------------------------------------------------------ SIWE messages

  interface MessageOptions {
    uri?: string;
    issuedAt?: Date;
    expirationTime?: Date | null;
    notBefore?: Date;
    domain?: string;
  }

  /** A fresh nonce and a message with these fields, signed by `signer` (default account 12). */
  async function signed(o: MessageOptions = {}, on: Http = http, signer = account(12)): Promise<{ message: string; signature: Hex }> {
    const nonce = (await on("GET", "/auth/nonce")).json<{ nonce: string }>().nonce;
    const message = createSiweMessage({
      domain: o.domain ?? SIWE_DOMAIN,
      address: signer.address,
      statement: "Sign in to the CQO workbench",
      uri: o.uri ?? `http://${SIWE_DOMAIN}`,
      version: "1",
      chainId: 31337,
      nonce,
      issuedAt: o.issuedAt ?? new Date(clock),
      ...(o.expirationTime === null ? {} : { expirationTime: o.expirationTime ?? new Date(clock + 10 * 60_000) }),
      ...(o.notBefore ? { notBefore: o.notBefore } : {}),
    });
    return { message, signature: await signer.signMessage({ message }) };
  }

  /** A message whose text is edited after it was made (createSiweMessage refuses to write a bad date itself). */
  async function edited(edit: (message: string) => string): Promise<{ message: string; signature: Hex }> {
    const { message } = await signed({ notBefore: new Date(clock - 60_000) });
    const changed = edit(message);
    expect(changed).to.not.equal(message);
    return { message: changed, signature: await account(12).signMessage({ message: changed }) };
  }

  const verify = (body: unknown, on: Http = http) => on("POST", "/auth/verify", body);

  it("the nonce's answer names the domain, the URI (origin) and the server's clock to sign", async () => {
    const n = (await http("GET", "/auth/nonce")).json<{ domain: string; uri: string; issuedAt: string; chainId: number }>();
    expect(n).to.include({ domain: SIWE_DOMAIN, uri: `http://${SIWE_DOMAIN}`, chainId: 31337 });
    expect(Date.parse(n.issuedAt)).to.equal(clock);
    expect200(await verify(await signed()), "a message as the answer says");
  });

  it("SIWE uri of another origin is refused", async () => {
    for (const uri of ["http://evil.example", `https://${SIWE_DOMAIN}`, `http://${SIWE_DOMAIN}:8080`, `http://${SIWE_DOMAIN}.evil.example`]) {
      expectRefusal(await verify(await signed({ uri })), 401, "siwe-uri");
    }
    // a URI that is not one, and a scheme prefix naming https for this http origin
    expectRefusal(await verify(await edited((m) => m.replace(/^URI: .*$/m, "URI: not a uri"))), 401, "siwe-uri");
    expectRefusal(await verify(await edited((m) => `https://${m}`)), 401, "siwe-uri");
    // a path on this origin names this origin
    expect200(await verify(await signed({ uri: `http://${SIWE_DOMAIN}/#/body` })), "a path of the origin");
    // CQO_SIWE_ORIGIN: https
    const tls = injectHttp((await another({ siweOrigin: "https://workbench.test" })).app);
    expectRefusal(await verify(await signed({}, tls), tls), 401, "siwe-uri");
    expect200(await verify(await signed({ uri: "https://workbench.test" }, tls), tls), "https as configured");
  });

  it("issuedAt in the future is refused (beyond the 60 s clock skew)", async () => {
    expectRefusal(await verify(await signed({ issuedAt: new Date(clock + 5 * 60_000) })), 401, "siwe-issued-in-future");
    expectRefusal(await verify(await signed({ issuedAt: new Date(clock + SIWE_CLOCK_SKEW_MS + 1000) })), 401, "siwe-issued-in-future");
    expect200(await verify(await signed({ issuedAt: new Date(clock + SIWE_CLOCK_SKEW_MS - 5000) })), "within the skew");
  });

  it("no expiry: a message without Expiration Time is refused", async () => {
    const m = await signed({ expirationTime: null });
    expect(m.message).to.not.include("Expiration Time");
    expectRefusal(await verify(m), 401, "siwe-no-expiry");
  });

  it("expiry beyond the session is refused; within it the session ends with the message", async () => {
    expectRefusal(await verify(await signed({ expirationTime: new Date(clock + TTL_MS + SIWE_CLOCK_SKEW_MS + 60_000) })), 401, "siwe-expiry-too-far");
    expectRefusal(await verify(await signed({ expirationTime: new Date(clock + 30 * 86_400_000) })), 401, "siwe-expiry-too-far");
    const exp = clock + 20 * 60_000;
    const ok = expect200(await verify(await signed({ expirationTime: new Date(exp) })), "within the session").json<{ expiresAt: number }>();
    expect(ok.expiresAt).to.equal(exp);
    expectRefusal(await verify(await signed({ expirationTime: new Date(clock - 1000) })), 401, "siwe-expired");
  });

  it("notBefore is honoured", async () => {
    expectRefusal(await verify(await signed({ notBefore: new Date(clock + 10 * 60_000) })), 401, "siwe-not-yet-valid");
    expect200(await verify(await signed({ notBefore: new Date(clock - 1000) })), "notBefore passed");
  });

  it("malformed date → 400 naming the field (issuedAt, expirationTime, notBefore), never a 500", async () => {
    const cases: [string, (m: string) => string][] = [
      ["body.message.issuedAt", (m) => m.replace(/Issued At: .*/, "Issued At: yesterday")],
      ["body.message.issuedAt", (m) => m.replace(/Issued At: .*/, "Issued At: 2025-02-30T25:61:00Z")],
      ["body.message.expirationTime", (m) => m.replace(/Expiration Time: .*/, "Expiration Time: 2026-13-45T10:00:00.000Z")],
      ["body.message.expirationTime", (m) => m.replace(/Expiration Time: .*/, "Expiration Time: tomorrow")],
      ["body.message.notBefore", (m) => m.replace(/Not Before: .*/, "Not Before: 1700000000")],
    ];
    for (const [field, edit] of cases) {
      const r = await verify(await edited(edit));
      const e = expectRefusal(r, 400, "invalid-input", field);
      expect(e.problems!.map((p) => p.field)).to.deep.equal([field]);
    }
  });

  it("malformed bearer → 401 (percent-junk, 10 kB, not base64url, wrong length), never a 500", async () => {
    const junk = ["%E0%A4%A", "x".repeat(10_000), "abc$%^&*()", "!".repeat(43), "A".repeat(42), "A".repeat(44), ""];
    for (const token of junk) {
      const r = await wb.app.inject({ method: "GET", url: "/me", headers: { authorization: `Bearer ${token}` } });
      expectRefusal({ status: r.statusCode, body: r.json() }, 401, "unauthenticated");
      const out = await wb.app.inject({ method: "POST", url: "/auth/logout", headers: { authorization: `Bearer ${token}` } });
      expect(out.statusCode, out.body).to.equal(200);
    }
    for (const cookie of ["cqo_session=%E0%A4%A", `cqo_session=${"y".repeat(10_000)}`, "cqo_session", "=;=;;"]) {
      const r = await wb.app.inject({ method: "GET", url: "/me", headers: { cookie } });
      expectRefusal({ status: r.statusCode, body: r.json() }, 401, "unauthenticated");
    }
    // a well-formed token that is no session's
    const r = await wb.app.inject({ method: "GET", url: "/me", headers: { authorization: `Bearer ${"A".repeat(43)}` } });
    expectRefusal({ status: r.statusCode, body: r.json() }, 401, "unauthenticated");
  });

  // ------------------------------------------------------------ signatures

  it("high-s sign-in refused, before any chain call", async () => {
    const m = await signed();
    const twin = highSTwin(m.signature);
    // the attack is real: viem recovers the same signer from the twin
    expect(await recoverMessageAddress({ message: m.message, signature: twin })).to.equal(account(12).address);
    const before = rpcCalls;
    expectRefusal(await verify({ message: m.message, signature: twin }), 400, "invalid-input", "body.signature");
    expect(rpcCalls, "no chain call").to.equal(before);
    // a compact (EIP-2098) form is not an EOA signature here (65 bytes only), and an EOA has no code to ask
    expectRefusal(await verify({ message: m.message, signature: compact(m.signature) }), 401, "siwe-signature");
    // the low-s original signs in with a fresh nonce
    const fresh = await signed();
    expect200(await verify(fresh), "the original signature");
  });

  it("a wrong EOA signature is not handed to the chain's ecrecover (only an address with code is)", async () => {
    const m = await signed();
    const other = await account(13).signMessage({ message: m.message });
    const before = rpcCalls;
    expectRefusal(await verify({ message: m.message, signature: other }), 401, "siwe-signature");
    expect(rpcCalls - before, "one eth_getCode, no eth_call").to.equal(1);
  });

  it("high-s sheet refused; the same sheet with its low-s signature is accepted", async () => {
    const tokens = await signInTeam(http, account(30));
    const dossier = dossierFor(4242);
    const id = await submitDossier(http, dossier, tokens.applicant);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
    const { dossierHash } = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
    const sheet = await signSheet(syntheticSheets(RULEBOOK, RULEBOOK_HASH, dossierHash, panel, 4242, 60)[0]!, panel[0]!.key);
    const twin = { ...sheet, signature: highSTwin(sheet.signature as Hex) };
    const r = await http("POST", `/dossiers/${id}/sheets`, { sheet: twin }, tokens.assessors[0]);
    const e = expectRefusal(r, 422, "sheet-refused", "body.sheet");
    expect(e.problems!.map((p) => p.en).join(" ")).to.include("malleable");
    expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet }, tokens.assessors[0]), "the low-s sheet", 201);
  });

  it("high-s re-issue consent refused before any chain call", async () => {
    const token = await signInAs(http, account(31));
    const m = await signed();
    const before = rpcCalls;
    const r = await http("POST", "/dossiers/HN-2025-000001/reissue/request", { root: `0x${"ab".repeat(32)}`, signature: highSTwin(m.signature) }, token);
    expectRefusal(r, 400, "invalid-input", "body.signature");
    expect(rpcCalls, "no chain call").to.equal(before);
  });

  it("oversized signature refused before any chain call (sign-in, re-issue consent)", async () => {
    const m = await signed();
    const token = await signInAs(http, account(31));
    const huge = `0x${"11".repeat(MAX_SIGNATURE_BYTES + 1)}` as Hex;
    const before = rpcCalls;
    expectRefusal(await verify({ message: m.message, signature: huge }), 400, "invalid-input", "body.signature");
    expectRefusal(await http("POST", "/dossiers/HN-2025-000001/reissue/request", { root: `0x${"ab".repeat(32)}`, signature: huge }, token), 400, "invalid-input", "body.signature");
    expect(rpcCalls, "no chain call").to.equal(before);
    // the control: a 1 kB signature by an EOA is taken to the chain's code check (and refused)
    expectRefusal(await verify({ message: (await signed()).message, signature: `0x${"11".repeat(1024)}` }), 401, "siwe-signature");
    expect(rpcCalls).to.be.greaterThan(before);
  });

  // ------------------------------------------------------------ cookies and content types

  it("cookie-only POST cannot act: no body or text/plain with a valid token as a cookie → 401, nothing written", async () => {
    const operator = await signInAs(http, account(OPERATOR));
    const applicant = await signInAs(http, account(32));
    const id = await submitDossier(http, dossierFor(4343), applicant);
    const audit = () => (http("GET", `/dossiers/${id}/audit`, undefined, operator) as Promise<Reply>).then((r) => JSON.stringify(r.body));
    const before = await audit();
    const attempts = [
      { headers: { cookie: `cqo_session=${operator}` } },
      { headers: { cookie: `cqo_session=${operator}`, "content-type": "text/plain" }, payload: "{}" },
      { headers: { cookie: `cqo_session=${encodeURIComponent(operator)}`, "content-type": "application/x-www-form-urlencoded" }, payload: "note=x" },
    ];
    for (const a of attempts) {
      const r = await wb.app.inject({ method: "POST", url: `/dossiers/${id}/accept`, ...a });
      expectRefusal({ status: r.statusCode, body: r.json() }, 401, "unauthenticated");
    }
    expect(await audit()).to.equal(before);
    expect((await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string }>().state).to.equal("submitted");
  });

  it("text/plain body refused: 415 on JSON routes (urlencoded, multipart, none declared too); multipart only for POST /evidence", async () => {
    const operator = await signInAs(http, account(OPERATOR));
    const applicant = await signInAs(http, account(33));
    const id = await submitDossier(http, dossierFor(4444), applicant);
    const boundary = "----cqoattack";
    const multipartBody = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const attempts: { type?: string; payload: string }[] = [
      { type: "text/plain", payload: "{}" },
      { type: "text/plain;charset=UTF-8", payload: '{"note":"x"}' },
      { type: "application/x-www-form-urlencoded", payload: "note=x" },
      { type: `multipart/form-data; boundary=${boundary}`, payload: multipartBody },
      { type: "application/xml", payload: "<note/>" },
      { payload: "{}" },
    ];
    for (const a of attempts) {
      const r = await wb.app.inject({ method: "POST", url: `/dossiers/${id}/accept`, payload: a.payload, headers: { authorization: `Bearer ${operator}`, ...(a.type ? { "content-type": a.type } : {}) } });
      expectRefusal({ status: r.statusCode, body: r.json() }, 415, "unsupported-media-type");
    }
    expect((await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string }>().state).to.equal("submitted");
    // sign-in too
    const m = await signed();
    const r = await wb.app.inject({ method: "POST", url: "/auth/verify", payload: JSON.stringify(m), headers: { "content-type": "text/plain" } });
    expectRefusal({ status: r.statusCode, body: r.json() }, 415, "unsupported-media-type");
    // multipart still reaches the upload (whatever it then says of the file, it is not a 415)
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 attack test\r\n--${boundary}--\r\n`;
    const up = await wb.app.inject({ method: "POST", url: "/evidence", payload: file, headers: { authorization: `Bearer ${applicant}`, "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect((up.json() as Partial<ErrorBody>).error?.code, up.body).to.not.equal("unsupported-media-type");
    expect(up.statusCode, up.body).to.be.lessThan(500);
    // and JSON still works
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, operator), "accept as JSON");
  });

  // ------------------------------------------------------------ headers

  it("security headers on every response (200, 401, 404, 415), HSTS only when configured for https", async () => {
    const token = await signInAs(http, account(34));
    const responses = [
      await wb.app.inject({ method: "GET", url: "/health" }),
      await wb.app.inject({ method: "GET", url: "/me" }),
      await wb.app.inject({ method: "GET", url: "/no/such/route" }),
      await wb.app.inject({ method: "POST", url: "/dossiers", payload: "x", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" } }),
    ];
    expect(responses.map((r) => r.statusCode)).to.deep.equal([200, 401, 404, 415]);
    for (const r of responses) {
      expect(r.headers["content-security-policy"]).to.equal("default-src 'none';frame-ancestors 'none'");
      expect(r.headers["x-content-type-options"]).to.equal("nosniff");
      expect(r.headers["referrer-policy"]).to.equal("no-referrer");
      expect(r.headers["x-frame-options"]).to.equal("DENY");
      expect(r.headers["strict-transport-security"]).to.equal(undefined);
    }
    const tls = await another({ siweOrigin: "https://workbench.test" });
    expect((await tls.app.inject({ method: "GET", url: "/health" })).headers["strict-transport-security"]).to.match(/^max-age=\d+; includeSubDomains$/);
    const tls2 = await another({ hstsMaxAge: 600 });
    expect((await tls2.app.inject({ method: "GET", url: "/health" })).headers["strict-transport-security"]).to.equal("max-age=600; includeSubDomains");
  });

  // ------------------------------------------------------------ floods

  it("nonce flood → 429 with retry-after (per IP: another address still gets nonces)", async () => {
    const limited = await another({ rateLimits: { nonce: { perIp: 5 } } });
    const ask = (remoteAddress: string) => limited.app.inject({ method: "GET", url: "/auth/nonce", remoteAddress });
    for (let i = 0; i < 5; i++) expect((await ask("203.0.113.7")).statusCode).to.equal(200);
    const r = await ask("203.0.113.7");
    expectRefusal({ status: r.statusCode, body: r.json() }, 429, "rate-limited");
    expect(Number(r.headers["retry-after"])).to.be.within(1, 60);
    expect(r.headers["content-security-policy"]).to.equal("default-src 'none';frame-ancestors 'none'");
    expect((await ask("198.51.100.9")).statusCode).to.equal(200);
    // nothing was written for the refused one
    const rows = (limited.db.prepare("SELECT COUNT(*) AS n FROM siwe_nonces").get() as { n: number }).n;
    expect(rows).to.equal(6);
  });

  it("sign-in flood → 429 per IP", async () => {
    const limited = await another({ rateLimits: { signIn: { perIp: 3 } } });
    const h = injectHttp(limited.app);
    for (let i = 0; i < 3; i++) expect200(await verify(await signed({}, h), h), `sign-in ${i}`);
    expectRefusal(await verify(await signed({}, h), h), 429, "rate-limited");
  });

  it("upload flood from many IPs → 429 per signed-in address; another address is not limited", async () => {
    const limited = await another({ rateLimits: { upload: { perIp: 1000, perAddress: 2 } } });
    const h = injectHttp(limited.app);
    const a = await signInAs(h, account(35));
    const b = await signInAs(h, account(36));
    const boundary = "----cqoflood";
    const upload = (token: string, i: number, remoteAddress: string) =>
      limited.app.inject({
        method: "POST",
        url: "/evidence",
        remoteAddress,
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 flood ${i}\r\n--${boundary}--\r\n`,
        headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      });
    for (let i = 0; i < 2; i++) expect((await upload(a, i, `192.0.2.${i + 1}`)).statusCode).to.not.equal(429);
    const r = await upload(a, 9, "192.0.2.99");
    expectRefusal({ status: r.statusCode, body: r.json() }, 429, "rate-limited");
    expect(Number(r.headers["retry-after"])).to.be.within(1, 60);
    expect((await upload(b, 10, "192.0.2.99")).statusCode).to.not.equal(429);
  });

  it("objection flood → 429 per signed-in address", async () => {
    const limited = await another({ rateLimits: { objection: { perIp: 1000, perAddress: 1 } } });
    const h = injectHttp(limited.app);
    const a = await signInAs(h, account(37));
    const file = (ip: string) => limited.app.inject({ method: "POST", url: "/objections", remoteAddress: ip, payload: { tokenId: "1", statement: "x" }, headers: { authorization: `Bearer ${a}` } });
    expect((await file("192.0.2.1")).statusCode).to.not.equal(429);
    const r = await file("192.0.2.2");
    expectRefusal({ status: r.statusCode, body: r.json() }, 429, "rate-limited");
  });

  // ------------------------------------------------------------ purge

  it("purge: used and expired nonces, expired and ended sessions go; live ones stay (periodically, not per request)", async () => {
    const w = await another({ purgeIntervalMs: 50 });
    const h = injectHttp(w.app);
    const count = (table: string) => (w.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const live = await signInAs(h, account(38)); // a used nonce, a live session
    const ended = await signInAs(h, account(39));
    await h("POST", "/auth/logout", undefined, ended); // an ended session
    await h("GET", "/auth/nonce"); // a nonce never used
    // an expired session, as an older sign-in would have left
    w.db.prepare("INSERT INTO sessions (token_hash, address, operator, issued_at, expires_at) VALUES ('x', '0x0000000000000000000000000000000000000001', 0, ?, ?)").run(clock - 7200_000, clock - 3600_000);
    expect(count("siwe_nonces")).to.equal(3);
    expect(count("sessions")).to.equal(3);

    // the timer runs without any request: ended and expired sessions go at once; the used nonces after a minute
    await new Promise((r) => setTimeout(r, 250));
    expect(count("sessions")).to.equal(1);
    expect(count("siwe_nonces")).to.equal(3);
    clock += 2 * 60_000;
    try {
      await new Promise((r) => setTimeout(r, 250));
      expect(count("siwe_nonces")).to.equal(1); // the unused one, not expired yet
      clock += 5 * 60_000;
      await new Promise((r) => setTimeout(r, 250));
      expect(count("siwe_nonces")).to.equal(0);
      expect(count("sessions")).to.equal(1);
      expect((await h("GET", "/me", undefined, live)).status).to.equal(200);
      expect(purgeAuth(w.db, clock)).to.deep.equal({ nonces: 0, sessions: 0 });
    } finally {
      clock -= 7 * 60_000;
    }
  });
});
