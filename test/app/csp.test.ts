/**
 * The dApp under its Content-Security-Policy (app/serve.ts, contentSecurityPolicy): the verify page (its inline
 * early script and stylesheet allowed by their hashes, with the deployment fetched and inlined by the host), the
 * body console signed in over the workbench API, and the holder's page with its QR codes all load in Chromium
 * without a single CSP violation; an inline script, an inline event handler, an inline stylesheet and eval injected
 * into the page do not run.
 */
import { expect } from "chai";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { contentSecurityPolicy, inlineHashes, serveApp, type Served } from "../../app/serve";
import { buildServer, type Workbench } from "../../server/app";
import { freePort, tempDir, testConfig, writeDeployment } from "../server/helpers";
import { appUrl, buildApp, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, startWorld, type World } from "./harness";

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}

/** Every securitypolicyviolation event of every page of the context, from the document's creation on. */
const RECORD_VIOLATIONS = `(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ":" + e.lineNumber });
  }, true);
})();`;

describe("dApp · Content-Security-Policy (no violation on the verify, console and holder pages; injected code does not run)", function () {
  this.timeout(240_000);
  let world: World;
  let served: Served;
  let inlined: Served;
  /** the same build plus one same-origin script that tries eval, new Function and a string timer */
  let probed: Served;
  let workbench: Workbench;
  let browser: Browser;
  let context: BrowserContext;
  const tmp = tempDir("app-csp");
  /** CSP complaints in the console, per page */
  const consoleErrors = new Map<Page, string[]>();

  before(async () => {
    world = await startWorld();
    const appPort = await freePort();
    workbench = await buildServer({
      config: testConfig(tmp.dir, { rpcUrl: world.rpcUrl, deploymentPath: writeDeployment(tmp.dir, world.deployment), bodyId: world.bodyA, siweDomain: `127.0.0.1:${appPort}` }),
      startWorker: false,
    });
    const apiUrl = await workbench.listen();
    served = await serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget: apiUrl, rpcTarget: world.rpcUrl, port: appPort });
    inlined = await serveApp({ dist: buildApp(), deployment: world.deployment, rpcTarget: world.rpcUrl, inlineDeployment: true });
    const copy = join(tmp.dir, "dist");
    cpSync(buildApp(), copy, { recursive: true });
    writeFileSync(
      join(copy, "assets", "csp-probe.js"),
      `const w = window;
w.__probe = {};
try { w.__probe.eval = eval("'ran'"); } catch { w.__probe.eval = "blocked"; }
try { w.__probe.fn = new Function("return 'ran'")(); } catch { w.__probe.fn = "blocked"; }
try { setTimeout("window.__probe.timer = 'ran'", 0); } catch { w.__probe.timer = "blocked"; }
try { WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => (w.__probe.wasm = "ran"), () => (w.__probe.wasm = "blocked")); } catch { w.__probe.wasm = "blocked"; }
`,
    );
    probed = await serveApp({ dist: copy, deployment: world.deployment, rpcTarget: world.rpcUrl });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    await context.addInitScript(RECORD_VIOLATIONS);
    await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await inlined?.close();
    await probed?.close();
    await workbench?.close();
    await world?.stop();
    tmp.cleanup();
  });

  const open = async (url: string, in_: BrowserContext = context): Promise<Page> => {
    const page = await in_.newPage();
    const errors: string[] = [];
    consoleErrors.set(page, errors);
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy/i.test(m.text())) errors.push(m.text());
    });
    page.on("pageerror", (e) => {
      if (/Content.Security.Policy|unsafe-eval|wasm-unsafe-eval/i.test(e.message)) errors.push(e.message);
    });
    await page.goto(url);
    return page;
  };
  const violations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations);
  /** after the page is idle (lazy chunks, the RPC reads): no violation event, no CSP error in the console */
  const expectClean = async (page: Page, what: string) => {
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    expect(await violations(page), `${what}: CSP violations`).to.deep.equal([]);
    expect(consoleErrors.get(page), `${what}: CSP errors in the console`).to.deep.equal([]);
  };

  it("the policy: hashes for the inline script and stylesheet, nothing unsafe, no WebAssembly, no framing", async () => {
    const html = await (await fetch(served.url)).text();
    const r = await fetch(served.url);
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).to.equal(served.csp);
    const { scripts, styles } = inlineHashes(html);
    expect(scripts).to.have.length(1); // verify/early.ts
    expect(styles).to.have.length(1); // the inlined stylesheet
    expect(csp).to.include(`script-src 'self' ${scripts[0]}`).and.include(`style-src 'self' ${styles[0]}`);
    for (const d of ["default-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).to.include(d);
    expect(csp).to.not.match(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
    expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(r.headers.get("x-frame-options")).to.equal("DENY");
    // the host that inlines the deployment serves another early script, with its own hash
    const inlinedHtml = await (await fetch(inlined.url)).text();
    expect(inlined.csp).to.equal(contentSecurityPolicy(inlinedHtml));
    expect(inlineHashes(inlinedHtml).scripts[0]).to.not.equal(scripts[0]);
    // a chain RPC that is not proxied is named in connect-src (its origin only)
    expect(contentSecurityPolicy(html, { connect: ["http://10.0.0.5:8545/rpc"] })).to.include("connect-src 'self' http://10.0.0.5:8545;");
  });

  it("the verify page (early verdict, then the app) loads without a violation, with the deployment fetched or inlined", async () => {
    const valid = world.certs.find((c) => c.expected === "Valid")!;
    for (const [host, name] of [[served, "fetched"], [inlined, "inlined"]] as const) {
      const page = await open(appUrl(host, `/verify/${valid.tokenId}`, "en"));
      expect(await (await page.waitForSelector("[data-status]")).getAttribute("data-status")).to.equal("Valid");
      // the early script ran (it set the verdict's state) under the policy
      expect(await page.evaluate(() => typeof (window as { __cqoEarly?: unknown }).__cqoEarly)).to.equal("object");
      await expectClean(page, `verify page, deployment ${name}`);
      await page.close();
    }
  });

  it("the body console: connect the wallet, sign in with Ethereum over the workbench API, no violation", async () => {
    const page = await open(appUrl(served, "/body"));
    await ensureConnected(page);
    const signedIn = page.locator('[data-testid="signed-in"]');
    const signInButton = page.locator('button:has-text("用钱包登录"), button:has-text("Sign in with the wallet")');
    await signedIn.or(signInButton).first().waitFor();
    if (!(await signedIn.count())) await signInButton.click();
    await signedIn.waitFor();
    expect(await signedIn.innerText()).to.match(/0x90F79b/);
    await expectClean(page, "body console");
    await page.close();
  });

  it("a signing key's consent: signed on the body console's page, checked by the association's field (zod, signature), no violation", async () => {
    const page = await open(appUrl(served, `/body/key-consent?body=${world.bodyB}`, "en"));
    await ensureConnected(page);
    await page.click('[data-testid="key-consent-sign"]');
    const json = await page.locator("#key-consent-json").inputValue({ timeout: 20_000 });
    expect(JSON.parse(json)).to.include({ bodyId: world.bodyB });
    await expectClean(page, "key consent page");
    await page.close();
    // the association's console takes the consent in the association's wallet (read-only for any other, issue #14)
    const association = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    await association.addInitScript(RECORD_VIOLATIONS);
    await injectWallet(association, world, privateKeyOf(ROLE.association));
    const console_ = await open(appUrl(served, "/association", "en"), association);
    await ensureConnected(console_);
    await console_.locator(`details[data-body="${world.bodyB}"] summary`).click();
    await console_.fill(`#key-consent-${world.bodyB}`, "{oops");
    await console_.waitForSelector(`[data-testid="key-consent-${world.bodyB}-problems"] [data-problem="notJson"]`);
    await console_.fill(`#key-consent-${world.bodyB}`, json);
    await console_.waitForSelector(`[data-testid="key-consent-${world.bodyB}-ok"]`);
    await expectClean(console_, "association console, consent field");
    await association.close();
  });

  it("the holder's page (certificate cards with QR codes) loads without a violation", async () => {
    const holderContext = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    try {
      await holderContext.addInitScript(RECORD_VIOLATIONS);
      await injectWallet(holderContext, world, privateKeyOf(ROLE.holder));
      const page = await holderContext.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" && /Content.Security.Policy/i.test(m.text())) errors.push(m.text());
      });
      await page.goto(appUrl(served, "/mine"));
      await ensureConnected(page);
      await page.waitForSelector(".cert-card img.qr");
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(300);
      expect(await violations(page)).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    } finally {
      await holderContext.close();
    }
  });

  it("injected inline script, event handler and stylesheet do not run (and are reported)", async () => {
    const page = await open(appUrl(served, "/"));
    await page.waitForSelector("#root *");
    await expectClean(page, "home page");
    const outcome = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const s = document.createElement("script");
      s.textContent = "window.__pwnedScript = true";
      document.body.appendChild(s);
      const holder = document.createElement("div");
      holder.innerHTML = '<img src="data:," onerror="window.__pwnedHandler = true" alt="">';
      document.body.appendChild(holder);
      const style = document.createElement("style");
      style.textContent = "body { outline: 7px solid rgb(255, 0, 0) }";
      document.head.appendChild(style);
      const remote = document.createElement("script");
      remote.src = "data:text/javascript,window.__pwnedData=true";
      document.body.appendChild(remote);
      await new Promise((r) => setTimeout(r, 300));
      return { script: w.__pwnedScript === true, handler: w.__pwnedHandler === true, style: getComputedStyle(document.body).outlineWidth === "7px", dataScript: w.__pwnedData === true };
    });
    expect(outcome).to.deep.equal({ script: false, handler: false, style: false, dataScript: false });
    const reported = (await violations(page)).map((v) => v.directive);
    expect(reported).to.include.members(["script-src-elem", "script-src-attr", "style-src-elem"]);
    expect(reported.filter((d) => d === "script-src-elem")).to.have.length(2);
    await page.close();
  });

  it("a script of the page's own origin can neither eval, nor new Function, nor a string timer, nor compile WebAssembly", async () => {
    const page = await open(appUrl(probed, "/"));
    await page.waitForSelector("#root *");
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.src = "./assets/csp-probe.js";
      document.head.appendChild(s);
    });
    await page.waitForFunction(() => (window as unknown as { __probe?: { wasm?: string } }).__probe?.wasm !== undefined);
    await page.waitForTimeout(200);
    const probe = await page.evaluate(() => (window as unknown as { __probe: Record<string, string> }).__probe);
    expect(probe).to.deep.equal({ eval: "blocked", fn: "blocked", wasm: "blocked" });
    const reported = (await violations(page)).map((v) => v.directive);
    expect(reported.filter((d) => d === "script-src")).to.have.length.greaterThanOrEqual(3);
    await page.close();
  });
});
