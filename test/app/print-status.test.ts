/**
 * Issue #14 in headless Chromium against the seeded chain: a certificate that is not valid prints only under a
 * large diagonal watermark of its status (suspended, revoked, in public notice), on screen, in print media and in
 * the PDF, with a warning above the sheet; a valid one prints clean. A certificate revoked because it was re-issued
 * leads its verdict with "已补发为 #<new number>", a link to the new certificate.
 */
import { expect } from "chai";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import { formatCertificateNumber } from "../../app/src/lib/certificateNumber";
import { appUrl, screenshot, SCREENSHOTS, startServedWorld, type ServedWorld, type World } from "./harness";

describe("dApp · status watermark on the printed certificate, successor of a re-issued one (issue #14)", function () {
  this.timeout(240_000);
  let fx: ServedWorld;
  let world: World;
  let served: Served;
  let browser: Browser;

  before(async () => {
    fx = await startServedWorld();
    ({ world, served, browser } = fx);
  });
  after(() => fx?.close());

  const cert = (label: string) => {
    const c = world.certs.find((x) => x.label === label);
    if (!c) throw new Error(`no seeded certificate "${label}"`);
    return c;
  };

  const openPrint = async (tokenId: bigint, lang: "zh" | "en", width = 1000): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 1100 } });
    await page.goto(appUrl(served, `/mine/print/${tokenId}`, lang));
    await page.waitForSelector(".print-sheet [data-testid=print-number]");
    return page;
  };

  for (const [label, status, zh, en] of [
    ["suspended by the body", "Suspended", "已暂停", "SUSPENDED"],
    ["revoked for fraud", "Revoked", "已撤销", "REVOKED"],
    ["in public notice", "Pending", "公示中", "IN PUBLIC NOTICE"],
  ] as const) {
    it(`prints a certificate ${label} only under the watermark “${zh}”, on screen, in print media and in the PDF`, async () => {
      const c = cert(label);
      for (const lang of ["zh", "en"] as const) {
        const page = await openPrint(c.tokenId, lang);
        const sheet = page.locator(".print-sheet");
        expect(await sheet.getAttribute("data-status")).to.equal(status);
        const mark = page.locator("[data-testid=print-watermark]");
        expect(await mark.isVisible(), "watermark on screen").to.equal(true);
        expect((await mark.textContent())?.replace(/\s+/g, "")).to.equal(`${zh}${en}`.replace(/\s+/g, ""));
        // large and diagonal: a rotation in its transform, a font of at least 60 px
        const look = await mark.evaluate((el) => {
          const s = getComputedStyle(el);
          return { transform: s.transform, size: parseFloat(getComputedStyle(el.querySelector(".wm-zh")!).fontSize) };
        });
        expect(look.transform, "rotated").to.match(/^matrix\(/);
        expect(look.transform).to.not.equal("matrix(1, 0, 0, 1, 0, 0)");
        expect(look.size).to.be.greaterThan(60);
        // the plain warning above the sheet, in the page's language
        const warning = page.locator("[data-testid=print-status-warning]");
        expect(await warning.getAttribute("role")).to.equal("alert");
        expect(await warning.textContent()).to.contain(lang === "zh" ? zh : en.toLowerCase());
        // on the paper too, in both languages
        expect(await page.textContent("[data-testid=print-status-line]")).to.contain(zh).and.contain(en);
        await screenshot(page, `print-watermark-${status}-${lang}`);
        await page.emulateMedia({ media: "print" });
        expect(await mark.isVisible(), "watermark in print").to.equal(true);
        expect(await warning.isVisible(), "the warning is not on the paper").to.equal(false);
        if (lang === "zh") {
          const pdf = await page.pdf({ path: join(SCREENSHOTS, `certificate-${status}.pdf`), preferCSSPageSize: true, printBackground: true });
          expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
          await screenshot(page, `print-watermark-${status}-print`);
        }
        await page.close();
      }
    });
  }

  it("prints a valid certificate clean: no watermark, no warning", async () => {
    const c = cert("Level I, valid");
    const page = await openPrint(c.tokenId, "zh");
    expect(await page.locator(".print-sheet").getAttribute("data-status")).to.equal("Valid");
    expect(await page.locator("[data-testid=print-watermark]").count()).to.equal(0);
    expect(await page.locator("[data-testid=print-status-warning]").count()).to.equal(0);
    expect(await page.locator("[data-testid=print-status-line]").count()).to.equal(0);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".watermarked").count()).to.equal(0);
    await page.close();
  });

  it("the watermarked print page fits a 390 px phone", async () => {
    const page = await openPrint(cert("revoked for fraud").tokenId, "zh", 390);
    expect(await page.locator("[data-testid=print-watermark]").isVisible()).to.equal(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await screenshot(page, "print-watermark-Revoked-zh-390");
    await page.close();
  });

  it("a re-issued certificate's verify page leads with 已补发为 #<new number>, linking to the new certificate", async () => {
    const old = cert("re-issued to a new wallet (old)");
    const successor = cert("re-issued to a new wallet (new)");
    for (const lang of ["zh", "en"] as const) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(appUrl(served, `/verify/${old.tokenId}`, lang));
      const lead = page.locator("[data-testid=reissued-as]");
      await lead.waitFor();
      expect(await page.getAttribute(".verdict", "data-status")).to.equal("Revoked");
      const words = lang === "zh" ? "已补发为" : "Re-issued as";
      expect((await lead.textContent())?.replace(/\s+/g, " ").trim()).to.equal(`${words} #${formatCertificateNumber(successor.tokenId)}`);
      // it leads: right before the verdict, the first thing under the heading
      const order = await page.evaluate(() => {
        const lead = document.querySelector("[data-testid=reissued-as]");
        return { next: lead?.nextElementSibling?.classList.contains("verdict") ?? false, previous: lead?.previousElementSibling?.id ?? null };
      });
      expect(order).to.deep.equal({ next: true, previous: "cert-heading" });
      await screenshot(page, `verify-reissued-${lang}`);
      await lead.locator("a").click();
      await page.waitForFunction((id) => document.getElementById("cert-heading")?.textContent?.includes(id), successor.tokenId.toString());
      await page.waitForSelector(`.verdict[data-status="${successor.expected}"]`);
      expect(page.url()).to.contain(`#/verify/${successor.tokenId}`);
      await page.close();
    }
    // a certificate revoked for another reason has no successor to lead with
    const page = await browser.newPage();
    await page.goto(appUrl(served, `/verify/${cert("revoked for fraud").tokenId}`));
    await page.waitForSelector('.verdict[data-status="Revoked"]');
    expect(await page.locator("[data-testid=reissued-as]").count()).to.equal(0);
    await page.close();
  });
});
