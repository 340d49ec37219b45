/**
 * The verifier's pages in real headless Chromium against a local chain with the demo seed: every status, look-up
 * by number and by wallet, QR codes from a picture and from the camera, selective disclosure from a link.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import { base64UrlEncodeNode, discloseFields } from "./disclosure";
import { privateKeyToAccount } from "viem/accounts";
import { appUrl, launchBrowser, privateKeyOf, ROLE, screenshot, serveWorld, startWorld, type World } from "./harness";
import { qrPng, qrY4m } from "./qr";

describe("dApp · verify (验证) in headless Chromium", function () {
  this.timeout(240_000);
  let world: World;
  let served: Served;
  let browser: Browser;
  const tmp = mkdtempSync(join(tmpdir(), "cqo-app-verify-"));

  before(async () => {
    world = await startWorld();
    served = await serveWorld(world);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await world?.stop();
  });

  const open = async (route: string, lang: "zh" | "en" = "zh"): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(appUrl(served, route, lang));
    return page;
  };
  const verdictOf = async (page: Page): Promise<string> => {
    const el = await page.waitForSelector("[data-status]", { timeout: 15_000 });
    return (await el.getAttribute("data-status")) ?? "";
  };

  it("shows the verdict of every status, with reason, body and history, in zh and en", async () => {
    const shot = new Set<string>();
    for (const lang of ["zh", "en"] as const) {
      // one page per language, moving between certificates by the hash as a verifier following links would
      const page = await open("/", lang);
      for (const c of world.certs) {
        await page.evaluate((h) => (window.location.hash = h), `#/verify/${c.tokenId}?lang=${lang}`);
        await page.waitForFunction((id) => document.getElementById("cert-heading")?.textContent?.includes(id) && document.querySelector("[data-status]"), c.tokenId.toString());
        expect(await verdictOf(page), `${c.label} (${lang})`).to.equal(c.expected);
        const title = await page.textContent(".verdict-title");
        expect(title, c.label).to.equal(
          lang === "zh"
            ? { Valid: "有效", Pending: "公示中", Suspended: "已暂停", Revoked: "已撤销", Expired: "已过期", Voided: "已作废", ReviewOverdue: "年审逾期" }[c.expected]
            : { Valid: "Valid", Pending: "In public notice", Suspended: "Suspended", Revoked: "Revoked", Expired: "Expired", Voided: "Voided", ReviewOverdue: "Annual review overdue" }[c.expected],
        );
        // the timeline is rebuilt from events: every certificate starts with its issuance
        await page.waitForSelector('.timeline [data-kind="issued"], .timeline [data-kind="reissued-from"]', { timeout: 15_000 });
        if (c.label === "revoked for fraud") {
          expect(await page.textContent(".verdict")).to.contain(lang === "zh" ? "欺诈" : "fraud");
          await page.waitForSelector('.timeline [data-kind="revoked"]');
        }
        if (c.label.startsWith("re-issued to a new wallet (old)")) await page.waitForSelector('.timeline [data-kind="reissued-to"]');
        if (c.label.startsWith("re-issued to a new wallet (new)")) await page.waitForSelector('.timeline [data-kind="reissued-from"]');
        if (c.expected === "Voided") await page.waitForSelector('.timeline [data-kind="voided"]');
        if (c.label === "annual review passed") {
          await page.waitForSelector('.timeline [data-kind="reviewed"]');
          expect(await page.textContent('.timeline [data-kind="reviewed"]')).to.contain(lang === "zh" ? "年审：通过" : "Annual review: passed");
        }
        if (c.label === "objection filed during notice") expect(await page.textContent(".verdict")).to.contain(lang === "zh" ? "异议" : "objection");
        // contracts v2: a number carries its body in the top byte; the issuance's actor is the signing key
        expect(c.tokenId >> 56n, c.label).to.be.oneOf([BigInt(world.bodyA), BigInt(world.bodyB)]);
        if (!c.label.startsWith("re-issued to a new wallet (new)")) {
          const key = privateKeyToAccount(privateKeyOf(c.tokenId >> 56n === BigInt(world.bodyA) ? ROLE.keyA : ROLE.keyB)).address;
          expect(await page.getAttribute('.timeline [data-kind="issued"] .tl-meta code', "title"), c.label).to.equal(key);
        }
        // who suspended it, each shown on its own: the body, the supervisor
        const byBody = lang === "zh" ? "由颁发证书的认定主体暂停" : "Suspended by the certifying body";
        const bySupervisor = lang === "zh" ? "由监督方暂停" : "Suspended by the supervisor";
        if (c.label === "suspended by the body") {
          const verdict = (await page.textContent(".verdict")) ?? "";
          expect(verdict).to.contain(byBody).and.not.to.contain(bySupervisor);
          await page.waitForSelector('[data-testid="suspended-by-body"]');
          expect(await page.locator('[data-testid="suspended-by-supervisor"]').count()).to.equal(0);
          expect(await page.locator(".timeline [data-testid=by-supervisor]").count()).to.equal(0);
        }
        if (c.label === "suspended by the body and the supervisor") {
          const verdict = (await page.textContent(".verdict")) ?? "";
          expect(verdict).to.contain(byBody).and.to.contain(bySupervisor);
          await page.waitForSelector('[data-testid="suspended-by-supervisor"]');
          await page.waitForSelector('[data-testid="suspended-by-body"]');
          const suspensions = page.locator('.timeline [data-kind="suspended"]');
          await page.waitForFunction(() => document.querySelectorAll('.timeline [data-kind="suspended"]').length === 2);
          expect(await suspensions.nth(0).locator("[data-testid=by-supervisor]").count(), "the body's suspension").to.equal(0);
          expect(await suspensions.nth(1).locator("[data-testid=by-supervisor]").textContent()).to.equal(lang === "zh" ? "监督方" : "supervisor");
          expect(await suspensions.nth(1).locator(".tl-meta code").first().getAttribute("title")).to.equal(privateKeyToAccount(privateKeyOf(ROLE.supervisor)).address);
          await screenshot(page, `verify-suspended-twice-${lang}`);
        }
        if (c.label === "renewed, new result in public notice") {
          // still valid on the previous result while the renewal's notice runs; the notice's end shown
          await page.waitForSelector('[data-testid="evaluated-at"]');
          await page.waitForSelector('[data-testid="renewal-notice"]');
          const renewal = await page.waitForSelector('.timeline [data-kind="renewed"]');
          const validFrom = (await page.textContent('[data-testid="valid-from"]')) ?? "";
          expect(validFrom).to.match(/\d{4}/);
          expect(await renewal.textContent()).to.contain(lang === "zh" ? `公示至 ${validFrom}` : `public notice until ${validFrom}`);
          await screenshot(page, `verify-renewed-${lang}`);
        }
        if (c.label === "Level I, valid") {
          await page.waitForSelector("text=" + (lang === "zh" ? "湖南省质量认定中心" : "Hunan Quality Certification Centre"));
          expect(await page.textContent('[data-testid="level"]')).to.equal(lang === "zh" ? "一级" : "Level I");
        }
        const key = `${c.expected}-${lang}`;
        if (!shot.has(key)) {
          shot.add(key);
          await screenshot(page, `verify-${c.expected.toLowerCase()}-${lang}`);
        }
      }
      await page.close();
    }
    for (const lang of ["zh", "en"] as const) {
      const page = await open("/verify/1234567890", lang);
      expect(await verdictOf(page)).to.equal("NotFound");
      await screenshot(page, `verify-notfound-${lang}`);
      await page.close();
    }
  });

  it("paints the verdict of a verify link before the app loads, exactly as the app then renders it (every status, zh and en)", async () => {
    // a host that writes the deployment into index.html, and one that serves ./deployment.json (the default)
    const inlined = await serveWorld(world, undefined, { inlineDeployment: true });
    try {
      const seen = new Set<string>();
      const cases = [...world.certs.filter((c) => !seen.has(c.expected) && seen.add(c.expected)), { tokenId: 1234567890n, expected: "NotFound", label: "not found" }];
      const revoked = world.certs.find((c) => c.label === "revoked for fraud")!;
      if (!cases.includes(revoked)) cases.push(revoked);
      // the supervisor's suspension beside the body's is in the verdict too, painted early as well
      const twice = world.certs.find((c) => c.label === "suspended by the body and the supervisor")!;
      cases.push(twice);
      let n = 0;
      for (const c of cases) {
        for (const lang of ["zh", "en"] as const) {
          const host = n++ % 2 === 0 ? inlined : served;
          const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
          // the first content #root ever gets, and whether the app had started then
          await context.addInitScript(() => {
            const w = window as unknown as { __firstRoot?: string; __firstByApp?: boolean; __cqoMounted?: boolean };
            const obs = new MutationObserver(() => {
              const root = document.getElementById("root");
              if (root?.firstChild && w.__firstRoot === undefined) {
                w.__firstRoot = root.innerHTML;
                w.__firstByApp = !!w.__cqoMounted;
                obs.disconnect();
              }
            });
            obs.observe(document, { subtree: true, childList: true });
          });
          const page = await context.newPage();
          await page.goto(appUrl(host, `/verify/${c.tokenId}`, lang));
          await page.waitForFunction(() => (window as { __firstRoot?: string }).__firstRoot !== undefined);
          // then the app mounts and renders its own page (details below the verdict, unless not found)
          await page.waitForFunction(() => performance.getEntriesByName("cqo:page").length > 0);
          if (c.expected !== "NotFound") await page.waitForSelector('[data-testid="level"]');
          const r = await page.evaluate(() => {
            const w = window as unknown as { __firstRoot: string; __firstByApp: boolean };
            const early = document.createElement("div");
            early.innerHTML = w.__firstRoot;
            return {
              byApp: w.__firstByApp,
              earlyStatus: early.querySelector("[data-status]")?.getAttribute("data-status") ?? null,
              earlyVerdict: early.querySelector(".verdict")?.outerHTML ?? null,
              earlyHeader: early.querySelector("header")?.outerHTML ?? null,
              earlyHeading: early.querySelector("h1")?.outerHTML ?? null,
              appVerdict: document.querySelector(".verdict")?.outerHTML ?? null,
              appHeader: document.querySelector("header")?.outerHTML ?? null,
              appHeading: document.querySelector("h1")?.outerHTML ?? null,
              htmlLang: document.documentElement.lang,
              // what toLocaleString says for the time the verdict shows (the format the page writes by hand)
              verdictTime: document.querySelector(".verdict-time")?.textContent ?? "",
              intlTime: (() => {
                const text = document.querySelector(".verdict-time")?.textContent ?? "";
                const m = /(\d{4})年(\d+)月(\d+)日 (\d\d):(\d\d)|(\d+) (\w+) (\d{4}), (\d\d):(\d\d)/.exec(text);
                if (!m) return "no time in: " + text;
                const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];
                const d = m[1] ? new Date(+m[1], +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) : new Date(+m[8]!, months.indexOf(m[7]!), +m[6]!, +m[9]!, +m[10]!);
                return text.replace(m[0], d.toLocaleString(m[1] ? "zh-CN" : "en-GB", { dateStyle: "medium", timeStyle: "short" }));
              })(),
            };
          });
          const what = `${c.label} (${lang}, ${host === inlined ? "inline deployment" : "deployment.json"})`;
          expect(r.byApp, `${what}: painted before the app`).to.equal(false);
          expect(r.earlyStatus, what).to.equal(c.expected);
          expect(r.earlyVerdict, what).to.equal(r.appVerdict);
          expect(r.earlyHeader, what).to.equal(r.appHeader);
          expect(r.earlyHeading, what).to.equal(r.appHeading);
          expect(r.htmlLang, what).to.equal(lang === "zh" ? "zh-CN" : "en");
          expect(r.verdictTime, what).to.equal(r.intlTime);
          if (c === revoked) expect(r.earlyVerdict, what).to.contain(lang === "zh" ? "欺诈" : "fraud");
          if (c === twice) expect(r.earlyVerdict, what).to.contain(lang === "zh" ? "由监督方暂停" : "Suspended by the supervisor");
          if (c.expected === "Valid" && lang === "zh") await screenshot(page, "verify-early-valid-zh");
          await context.close();
        }
      }
      expect([...seen, "NotFound"].sort()).to.deep.equal(["Expired", "NotFound", "Pending", "ReviewOverdue", "Revoked", "Suspended", "Valid", "Voided"]);
    } finally {
      await inlined.close();
    }
  });

  it("looks a certificate up by number and a wallet by address from the form, and refuses nonsense", async () => {
    const valid = world.certs.find((c) => c.expected === "Valid")!;
    for (const lang of ["zh", "en"] as const) {
      const page = await open("/", lang);
      await screenshot(page, `verify-home-${lang}`);
      await page.fill("#q", "not a number");
      await page.click('form.search button[type="submit"]');
      await page.waitForSelector('[role="alert"]');
      await page.fill("#q", valid.tokenId.toString());
      await page.press("#q", "Enter");
      expect(await verdictOf(page)).to.equal("Valid");
      await page.close();
    }
    const page = await open("/", "en");
    await page.fill("#q", valid.holder.toLowerCase());
    await page.click('form.search button[type="submit"]');
    await page.waitForSelector(".cert-list li");
    const statuses = await page.$$eval(".cert-list li", (els) => els.map((e) => e.getAttribute("data-status")));
    const expected = world.certs.filter((c) => c.holder === valid.holder).map((c) => c.expected);
    expect(statuses.sort()).to.deep.equal([...expected, "Pending"].sort()); // + the credential test certificate
    await screenshot(page, "verify-wallet-en");
    await page.close();
  });

  it("reads a verify link from an uploaded picture of a QR code", async () => {
    const revoked = world.certs.find((c) => c.expected === "Revoked")!;
    const png = join(tmp, "qr.png");
    await qrPng(png, `https://verify.example.org/app/#/verify/${revoked.tokenId}`);
    const page = await open("/");
    await page.setInputFiles("#home-scan-upload", png);
    expect(await verdictOf(page)).to.equal("Revoked");
    expect(page.url()).to.contain(`#/verify/${revoked.tokenId}`);
    await page.close();
  });

  it("reads a verify link from the camera (getUserMedia + jsQR)", async () => {
    const valid = world.certs.find((c) => c.expected === "Valid")!;
    const video = join(tmp, "qr.y4m");
    qrY4m(video, `${served.url}#/verify/${valid.tokenId}`);
    const camera = await launchBrowser(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
    try {
      const context = await camera.newContext({ permissions: ["camera"] });
      const page = await context.newPage();
      await page.goto(appUrl(served, "/"));
      await page.click("text=用摄像头扫描");
      expect(await verdictOf(page)).to.equal("Valid");
    } finally {
      await camera.close();
    }
  });

  it("checks a selective disclosure from a link against the on-chain root, and refuses a tampered one", async () => {
    const { tokenId, credential } = world.credential;
    const disclosure = discloseFields(credential, ["level", "applicant"]);
    for (const lang of ["zh", "en"] as const) {
      const page = await open(`/verify/${tokenId}?d=${base64UrlEncodeNode(JSON.stringify(disclosure))}`, lang);
      await page.waitForSelector('[data-testid="disclosure-ok"]', { timeout: 15_000 });
      const fields = await page.$$eval('[data-testid="disclosure-ok"] tr[data-field]', (rows) => rows.map((r) => r.getAttribute("data-field")));
      expect(fields).to.deep.equal(["level", "applicant"]);
      expect(await page.textContent('[data-testid="disclosure-ok"]')).to.contain("王伟");
      await page.locator("#disclosure").scrollIntoViewIfNeeded();
      await screenshot(page, `verify-disclosure-${lang}`);
      await page.close();
    }
    const forged = { ...disclosure, fields: disclosure.fields.map((f) => (f.name === "level" ? { ...f, value: 2 } : f)) };
    const page = await open(`/verify/${tokenId}`, "en");
    await page.waitForSelector("#disclosure-text");
    await page.fill("#disclosure-text", JSON.stringify(forged));
    await page.click('#disclosure button[type="submit"]');
    await page.waitForSelector('[data-testid="disclosure-failed"]');
    expect(await page.textContent('[data-testid="disclosure-failed"]')).to.contain('"level"');
    await page.close();
  });
});
