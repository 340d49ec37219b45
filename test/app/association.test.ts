/**
 * The association's console (协会) with the association's key in the injected wallet: suspend and reinstate a
 * body after a confirmation that says what will happen (the verifier's page follows), a declined transaction,
 * and a contract refusal shown as an actionable message.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, serveWorld, startWorld, type TestWallet, type World } from "./harness";

describe("dApp · association console (协会) with an injected wallet", function () {
  this.timeout(240_000);
  let world: World;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;

  before(async () => {
    world = await startWorld();
    served = await serveWorld(world);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    wallet = await injectWallet(context, world, privateKeyOf(ROLE.association));
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await world?.stop();
  });

  const open = async (lang: "zh" | "en"): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(appUrl(served, "/association", lang));
    await ensureConnected(page);
    await page.waitForSelector('[data-testid="roles"]');
    await page.waitForSelector(`details[data-body="${world.bodyA}"]`);
    return page;
  };

  it("suspends a body after a confirmation that says what will happen; verifiers see it; then reinstates it", async () => {
    const page = await open("zh");
    expect(await page.textContent('[data-testid="roles"]')).to.contain("协会");
    await screenshot(page, "association-zh");
    const body = page.locator(`details[data-body="${world.bodyA}"]`);
    await body.locator("summary").click();
    await body.locator(`#evidence-${world.bodyA}`).fill("2026 年度监督检查发现问题");
    // declined in the wallet: nothing happens, no error
    wallet.rejectNext();
    await body.locator('button:has-text("暂停资格")').click();
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-testid="cancelled"]');
    expect(await page.textContent(`[data-testid="body-status-${world.bodyA}"]`)).to.equal("有效");

    await body.locator('button:has-text("暂停资格")').click();
    const dialog = await page.textContent('[role="alertdialog"]');
    expect(dialog).to.contain(`认定主体 #${world.bodyA}`).and.to.contain("暂停");
    await screenshot(page, "association-confirm-zh");
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-tx="done"]');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="body-status-${id}"]`)?.textContent === "已暂停", world.bodyA);

    const valid = world.certs.find((c) => c.label === "Level I, valid")!;
    const verifier = await browser.newPage();
    await verifier.goto(appUrl(served, `/verify/${valid.tokenId}`));
    await verifier.waitForSelector(".badge.bad");
    expect(await verifier.textContent(".verdict")).to.contain("不具备认定资格");
    await verifier.close();

    await body.locator('button:has-text("恢复资格")').click();
    expect(await page.textContent('[role="alertdialog"]')).to.contain("恢复");
    await page.click('[data-testid="confirm"]');
    await page.waitForFunction((id) => document.querySelector(`[data-testid="body-status-${id}"]`)?.textContent === "有效", world.bodyA);
    await page.close();
  });

  it("explains a contract refusal (an accreditation term in the past) in zh and en", async () => {
    for (const lang of ["zh", "en"] as const) {
      const page = await open(lang);
      await page.fill("#acc-name", "测试认定主体");
      await page.fill("#acc-admin", wallet.account().address);
      await page.fill("#acc-key", "0x000000000000000000000000000000000000dEaD");
      await page.fill("#acc-until", "2020-01-01");
      await page.click('form[aria-labelledby="accredit-heading"] button[type="submit"]');
      await page.click('[data-testid="confirm"]');
      const alert = await page.waitForSelector('.progress [role="alert"]');
      expect(await alert.textContent()).to.contain(lang === "zh" ? "必须晚于当前时间" : "must be in the future");
      await screenshot(page, `association-error-${lang}`);
      await page.close();
    }
  });
});
