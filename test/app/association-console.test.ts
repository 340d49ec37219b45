/**
 * The association's console made safe (issue #14): a body operator's wallet sees it read-only, with a banner naming
 * what the wallet is and every form disabled; the supervisor's void has no default date, and its confirmation says
 * how many certificates it will void — the count computed here from the chain, independently of the page — lists
 * them, and stays disabled until the body's name is typed out and a reason given; the sdk's input problems show
 * next to the field they name (aria-invalid, described by the problem), before any confirmation, in words — the
 * field's label and what is wrong, never the sdk's path (`accreditation.admin`). No untranslated word on its
 * Chinese pages (test/app/untranslated.ts).
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { bodyIdOfCertificate } from "../../sdk/types";
import { clientFor } from "../server/helpers";
import { bodyNamesOnChain, expectTranslated } from "./untranslated";
import { appUrl, chainNow, ensureConnected, injectWallet, privateKeyOf, ROLE, screenshot, signingKeyConsent, startServedWorld, type ServedWorld, type World } from "./harness";

/** a body's name as its on-chain metadata states it (inline JSON) */
async function bodyNameOnChain(world: World, bodyId: number): Promise<string> {
  const body = (await clientFor(world.rpcUrl, world.deployment).listBodies()).find((b) => b.bodyId === bodyId)!;
  return (JSON.parse(decodeURIComponent(body.metadataURI.slice(body.metadataURI.indexOf(",") + 1))) as { name: string }).name;
}

describe("dApp · association console made safe (#14)", function () {
  this.timeout(300_000);
  let fx: ServedWorld;
  let world: World;
  let served: Served;
  let browser: Browser;

  before(async () => {
    fx = await startServedWorld();
    ({ world, served, browser } = fx);
  });
  after(() => fx?.close());

  const open = async (role: number, lang: "zh" | "en", width = 1000): Promise<{ page: Page; context: BrowserContext }> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await injectWallet(context, world, privateKeyOf(role));
    const page = await context.newPage();
    await page.goto(appUrl(served, "/association", lang));
    await ensureConnected(page);
    await page.waitForSelector('[data-testid="roles"]');
    await page.waitForSelector(`details[data-body="${world.bodyA}"]`);
    return { page, context };
  };

  it("a body operator's wallet sees the console read-only: a banner naming its role, every form disabled", async () => {
    for (const lang of ["zh", "en"] as const) {
      const { page, context } = await open(ROLE.keyA, lang);
      const banner = await page.waitForSelector('[data-testid="read-only"]');
      const text = (await banner.textContent()) ?? "";
      expect(text).to.contain(lang === "zh" ? `认定主体 #${world.bodyA} 的签名密钥` : `a signing key (operator) of certifying body #${world.bodyA}`);
      expect(text).to.contain(lang === "zh" ? "只读" : "Read-only");
      const body = page.locator(`details[data-body="${world.bodyA}"]`);
      await body.locator("summary").click();
      // the signing keys' 移除 is disabled (it was enabled for an operator before #14), and so is every form
      const removes = body.locator('button[data-testid^="remove-key-"]');
      expect(await removes.count()).to.be.greaterThan(0);
      for (let i = 0; i < (await removes.count()); i++) expect(await removes.nth(i).isDisabled()).to.equal(true);
      for (const sel of [`#evidence-${world.bodyA}`, `#until-${world.bodyA}`, `#notice-${world.bodyA}`, `#void-${world.bodyA}`, `#key-consent-${world.bodyA}`, "#acc-name", "#acc-admin", "#rb-uri"]) {
        expect(await page.locator(sel).isDisabled(), sel).to.equal(true);
      }
      expect(await body.locator(`[data-testid="void-open-${world.bodyA}"]`).isDisabled()).to.equal(true);
      expect(await page.locator('form[aria-labelledby="accredit-heading"] button[type="submit"]').isDisabled()).to.equal(true);
      if (lang === "zh") await expectTranslated(page, "association read-only", { data: await bodyNamesOnChain(world) });
      await screenshot(page, `association-read-only-${lang}`);
      await context.close();
    }
  });

  it("the void: no default date; the confirmation counts and lists the certificates from the chain, and stays disabled until the name and a reason are given", async () => {
    const { page, context } = await open(ROLE.supervisor, "zh");
    const body = page.locator(`details[data-body="${world.bodyA}"]`);
    await body.locator("summary").click();
    const date = page.locator(`#void-${world.bodyA}`);
    expect(await date.inputValue()).to.equal("");
    // without a date: the error next to the field, no dialog
    await body.locator(`[data-testid="void-open-${world.bodyA}"]`).click();
    expect(await date.getAttribute("aria-invalid")).to.equal("true");
    expect(await page.textContent(`#void-${world.bodyA}-date-error`)).to.contain("请选择作废日期");
    expect(await page.locator('[data-testid="void-dialog"]').count()).to.equal(0);

    // the chain's today (the test chain runs days ahead of this computer's clock)
    const now = await chainNow(world);
    const day = new Date(now * 1000).toISOString().slice(0, 10);
    await date.fill(day);
    await body.locator(`[data-testid="void-open-${world.bodyA}"]`).click();
    const dialog = page.locator('[data-testid="void-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator("h2").textContent()).to.equal("确认作废证书");
    await page.waitForFunction(() => !document.querySelector('[data-testid="void-count"]')?.textContent?.includes("正在"));

    // what the chain says, counted here: body A's certificates evaluated before the date, not revoked or voided
    const reader = clientFor(world.rpcUrl, world.deployment);
    const before = await page.evaluate((d) => Math.floor(new Date(`${d}T00:00:00`).getTime() / 1000), day);
    const views = await Promise.all(world.certs.filter((c) => bodyIdOfCertificate(c.tokenId) === world.bodyA).map((c) => reader.verifyCertificate(c.tokenId)));
    const expected = views.filter((v) => v.evaluatedAt < Math.min(before, now - 1) && v.status !== "Revoked" && v.status !== "Voided");
    expect(expected.length).to.be.greaterThan(0);
    expect(await page.textContent('[data-testid="void-count"]')).to.contain(`将作废 ${expected.length} 张证书`);
    const listed = await page.$$eval('[data-testid="void-list"] li', (els) => els.map((e) => (e.textContent ?? "").split(" ")[0]));
    expect(listed.sort()).to.deep.equal(expected.map((v) => v.tokenId.toString()).sort());

    const confirm = page.locator('[data-testid="void-confirm"]');
    expect(await confirm.isDisabled()).to.equal(true);
    await page.fill(`#void-name-${world.bodyA}`, "湖南省");
    expect(await page.getAttribute(`#void-name-${world.bodyA}`, "aria-invalid")).to.equal("true");
    expect(await confirm.isDisabled()).to.equal(true);
    const name = await bodyNameOnChain(world, world.bodyA);
    expect(await page.textContent(`label[for="void-name-${world.bodyA}"]`)).to.contain(name);
    await page.fill(`#void-name-${world.bodyA}`, name);
    // the name alone is not enough: the reason is required too
    expect(await confirm.isDisabled()).to.equal(true);
    await page.fill(`#void-reason-${world.bodyA}`, "2026 年度监督抽查发现评价记录造假");
    expect(await confirm.isDisabled()).to.equal(false);
    await expectTranslated(page, "association void confirmation", { data: await bodyNamesOnChain(world) });
    await screenshot(page, "association-void-confirm-zh");
    await confirm.click();
    await page.waitForSelector('[data-testid="void-done"]', { timeout: 60_000 });
    const after = await Promise.all(expected.map((v) => reader.verifyCertificate(v.tokenId)));
    expect(after.map((v) => v.status)).to.deep.equal(expected.map(() => "Voided"));
    await context.close();
  });

  it("shows the sdk's input problems next to the fields they name, in words (the field's label, no path), before any confirmation", async () => {
    /** what each problem must say: the field's label as the form shows it, then what is wrong */
    const words = {
      zh: { admin: "主体管理员地址：应为非零的以太坊地址（0x 加 40 位十六进制）", days: "公示期（天）：公示期应为 0 到 194 之间的整数天", adminLabel: "主体管理员地址", daysLabel: "公示期（天）" },
      en: { admin: "Body admin address: must be a non-zero Ethereum address (0x and 40 hex digits)", days: "Public notice (days): the notice period is a whole number of days from 0 to 194", adminLabel: "Body admin address", daysLabel: "Public notice (days)" },
    } as const;
    /** an sdk argument's path (`accreditation.admin`, `accreditation.noticePeriod`, `signingKeys.0.key`) */
    const RAW_PATH = /\b(accreditation|signingKeys|grant)\.[A-Za-z0-9]/;
    for (const lang of ["zh", "en"] as const) {
      const W = words[lang];
      const { page, context } = await open(ROLE.association, lang);
      expect(await page.locator('[data-testid="read-only"]').count()).to.equal(0);
      const reader = clientFor(world.rpcUrl, world.deployment);
      const next = await reader.nextBodyId();
      const consent = await signingKeyConsent(world, privateKeyOf(lang === "zh" ? 26 : 27), next);
      await page.fill("#acc-name", "测试认定主体");
      // two of the sdk's refusals at once: the zero address (accreditation.admin), 200 days (accreditation.noticePeriod)
      await page.fill("#acc-admin", "0x0000000000000000000000000000000000000000");
      await page.fill("#acc-days", "200");
      await page.fill("#acc-consent", JSON.stringify({ bodyId: next, ...consent }));
      await page.waitForSelector('[data-testid="acc-consent-ok"]');
      await page.click('form[aria-labelledby="accredit-heading"] button[type="submit"]');
      const error = await page.waitForSelector('#acc-admin-error[data-field="admin"]');
      expect(await error.textContent()).to.equal(W.admin);
      expect(await page.textContent('#acc-days-error[data-field="days"]')).to.equal(W.days);
      // each error names its field as the field's own label does
      expect(await page.textContent('label[for="acc-admin"]')).to.equal(W.adminLabel);
      expect(await page.textContent('label[for="acc-days"]')).to.equal(W.daysLabel);
      for (const [input, described] of [["#acc-admin", "acc-admin-error"], ["#acc-days", "acc-days-error"]] as const) {
        expect(await page.getAttribute(input, "aria-invalid")).to.equal("true");
        expect(await page.getAttribute(input, "aria-describedby")).to.equal(described);
      }
      // no raw path anywhere in the form, hidden in a muted aside or not
      const form = 'form[aria-labelledby="accredit-heading"]';
      expect(await page.innerText(form)).to.not.match(RAW_PATH).and.not.contain("accreditation.");
      expect(await page.locator(`${form} .field-error`).evaluateAll((els) => els.map((e) => e.textContent ?? ""))).to.have.length(2).and.satisfy((ts: string[]) => ts.every((t) => !RAW_PATH.test(t)));
      expect(await page.locator('[role="alertdialog"]').count()).to.equal(0);
      if (lang === "zh") await expectTranslated(page, "association input problem", { data: await bodyNamesOnChain(world) });
      await page.fill("#acc-days", "7");
      // corrected: the problem goes, and the confirmation is named for the action
      await page.fill("#acc-admin", privateKeyToAccount(privateKeyOf(ROLE.adminB)).address);
      await page.click('form[aria-labelledby="accredit-heading"] button[type="submit"]');
      expect(await page.textContent('[role="alertdialog"] h2')).to.equal(lang === "zh" ? "确认认可认定主体" : "Confirm the accreditation");
      expect(await page.locator("#acc-admin-error").count()).to.equal(0);
      expect(await page.locator("#acc-days-error").count()).to.equal(0);
      if (lang === "zh") await expectTranslated(page, "association accreditation confirmation", { data: await bodyNamesOnChain(world) });
      await page.click('[role="alertdialog"] button:not([data-testid="confirm"])');
      // a body's terms (BodyPanel): the same words at its own field, no path
      await page.locator(`details[data-body="${world.bodyA}"] summary`).click();
      await page.fill(`#notice-${world.bodyA}`, "200");
      await page.click(`[data-testid="terms-${world.bodyA}"] > button`);
      await page.click('[role="alertdialog"] [data-testid="confirm"]'); // the sdk checks the terms when they are sent
      expect(await (await page.waitForSelector(`#notice-${world.bodyA}-error[data-field="days"]`)).textContent()).to.equal(W.days);
      expect(await page.getAttribute(`#notice-${world.bodyA}`, "aria-describedby")).to.equal(`notice-${world.bodyA}-error`);
      expect(await page.innerText(`[data-testid="terms-${world.bodyA}"]`)).to.not.match(/\b(terms|accreditation)\.[A-Za-z]/);
      // the transaction's box says where to look, in words, and no argument path either
      const box = page.locator('.progress[data-tx="error"] [role="alert"]');
      expect(await box.textContent()).to.equal(lang === "zh" ? "输入有误，未发送交易：请按字段旁的说明修改后重试。" : "Some input is not valid, so nothing was sent: correct the fields as noted beside them and try again.");
      expect(await page.innerText("body")).to.not.match(/\b(terms|accreditation|noticePeriod)\.[A-Za-z]/).and.not.contain("noticePeriod");
      await context.close();
    }
  });
});
