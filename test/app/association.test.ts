/**
 * The association's console (协会) with the association's key in the injected wallet: suspend and reinstate a
 * body after a confirmation that says what will happen (the verifier's page follows), a declined transaction,
 * and a contract refusal shown as an actionable message. Signing keys (contracts v2) join only with their own
 * consent: the key's holder signs it on the body console's consent page in the same wallet, the association pastes
 * the JSON — checked field by field (zh and en) and against the body before anything is sent — to add a key to a
 * body or to accredit a new body with it; a consent used once is refused by the contract. No untranslated word on
 * its Chinese pages (test/app/untranslated.ts).
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { contractErrorMessage } from "../../sdk";
import { clientFor } from "../server/helpers";
import { bodyNamesOnChain, expectTranslated } from "./untranslated";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, serveWorld, signingKeyConsent, startWorld, type TestWallet, type World } from "./harness";

/** Wallets that become signing keys here (mnemonic indexes the seed does not use). */
const NEW_KEY_A = 23;
const NEW_BODY_KEY = 24;
const REFUSED_KEY = 25;

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
    await expectTranslated(page, "association", { data: await bodyNamesOnChain(world) });
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
    await expectTranslated(page, "association suspend confirmation", { data: await bodyNamesOnChain(world) });
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
    const reader = clientFor(world.rpcUrl, world.deployment);
    for (const lang of ["zh", "en"] as const) {
      const page = await open(lang);
      const next = await reader.nextBodyId();
      expect(await page.textContent('[data-testid="next-body-id"]')).to.contain(`#${next}`);
      const consent = await signingKeyConsent(world, privateKeyOf(REFUSED_KEY), next);
      await page.fill("#acc-name", "测试认定主体");
      await page.fill("#acc-admin", wallet.account().address);
      await page.fill("#acc-consent", JSON.stringify({ bodyId: next, ...consent }));
      await page.waitForSelector('[data-testid="acc-consent-ok"]');
      await page.fill("#acc-until", "2020-01-01");
      await page.click('form[aria-labelledby="accredit-heading"] button[type="submit"]');
      await page.click('[data-testid="confirm"]');
      const alert = await page.waitForSelector('.progress [role="alert"]');
      expect(await alert.textContent()).to.contain(lang === "zh" ? "必须晚于当前时间" : "must be in the future");
      if (lang === "zh") await expectTranslated(page, "association contract refusal", { data: await bodyNamesOnChain(world) });
      await screenshot(page, `association-error-${lang}`);
      await page.close();
    }
  });

  /** The wallet signs a consent on the body console's page as `key`; returns the JSON the page shows. */
  const signConsentOnPage = async (key: number, route: string, lang: "zh" | "en", pick?: (page: Page) => Promise<void>): Promise<string> => {
    const page = await context.newPage();
    await page.goto(appUrl(served, route, lang));
    await ensureConnected(page);
    await wallet.use(page, privateKeyOf(key));
    await page.waitForFunction((a) => document.querySelector('[data-testid="wallet-connected"] code')?.textContent === a, privateKeyToAccount(privateKeyOf(key)).address);
    if (pick) await pick(page);
    await page.waitForSelector('[data-testid="key-consent-sign"]:not([disabled])');
    await page.click('[data-testid="key-consent-sign"]');
    const json = await page.locator("#key-consent-json").inputValue({ timeout: 20_000 });
    if (lang === "zh") await expectTranslated(page, "body key consent", { data: await bodyNamesOnChain(world) });
    await screenshot(page, `body-key-consent-${lang}`);
    await wallet.use(page, privateKeyOf(ROLE.association));
    await page.close();
    return json;
  };

  it("the consent page refuses a role holder's wallet as a signing key before it signs", async () => {
    const page = await context.newPage();
    await page.goto(appUrl(served, "/body", "zh"));
    await page.click('[data-testid="key-consent-link"]');
    await ensureConnected(page);
    await page.fill("#kc-body", String(world.bodyA));
    await page.waitForSelector('[data-testid="kc-body-name"]');
    expect(await page.textContent('[data-testid="kc-body-name"]')).to.contain("湖南省质量认定中心");
    // the association's own wallet: the contract would refuse it (RoleHolderCannotBeSigningKey)
    await page.waitForSelector("text=合约不接受它作为签名密钥");
    await expectTranslated(page, "body key consent refused", { data: await bodyNamesOnChain(world) });
    expect(await page.locator('[data-testid="key-consent-sign"]').isDisabled()).to.equal(true);
    // a body that does not exist yet, other than the next one
    const next = await clientFor(world.rpcUrl, world.deployment).nextBodyId();
    await page.fill("#kc-body", String(next + 1));
    expect(await (await page.waitForSelector('[data-testid="kc-body-problem"]')).textContent()).to.contain(`#${next}`);
    await page.close();
  });

  it("adds a signing key with the consent its holder signed on the body console's page; explains a wrong one in zh and en; a used consent is refused", async () => {
    const keyAddress = privateKeyToAccount(privateKeyOf(NEW_KEY_A)).address;
    const json = await signConsentOnPage(NEW_KEY_A, `/body/key-consent?body=${world.bodyA}`, "zh");
    const consent = JSON.parse(json) as { bodyId: number; key: string; deadline: number; signature: string };
    expect(consent).to.include({ bodyId: world.bodyA, key: keyAddress });
    expect(consent.signature).to.match(/^0x[0-9a-f]{130}$/);

    const field = `#key-consent-${world.bodyA}`;
    const problems = `[data-testid="key-consent-${world.bodyA}-problems"]`;
    const problemOf = async (page: Page, text: string): Promise<{ codes: string[]; text: string }> => {
      await page.fill(field, text);
      const list = await page.waitForSelector(problems);
      return { codes: await page.$$eval(`${problems} li`, (els) => els.map((e) => e.getAttribute("data-problem") ?? "")), text: (await list.textContent()) ?? "" };
    };
    for (const lang of ["zh", "en"] as const) {
      const page = await open(lang);
      const body = page.locator(`details[data-body="${world.bodyA}"]`);
      await body.locator("summary").click();
      const notJson = await problemOf(page, "{key: 0x12");
      expect(notJson.codes).to.deep.equal(["notJson"]);
      expect(notJson.text).to.contain(lang === "zh" ? "这不是 JSON" : "not JSON");
      const fields = await problemOf(page, JSON.stringify({ key: "0x1234", deadline: -5, signature: "0xzz" }));
      expect(fields.codes).to.deep.equal(["key", "deadline", "signature"]);
      expect(fields.text).to.contain(lang === "zh" ? "钱包地址" : "wallet address");
      const otherBody = await problemOf(page, JSON.stringify({ ...consent, bodyId: world.bodyB }));
      expect(otherBody.codes).to.deep.equal(["wrongBody"]);
      expect(otherBody.text).to.contain(`#${world.bodyA}`);
      // the body id left out and the deadline changed: the signature no longer matches
      const { bodyId: _b, ...noBody } = consent;
      void _b;
      const forged = await problemOf(page, JSON.stringify({ ...noBody, deadline: consent.deadline + 1 }));
      expect(forged.codes).to.deep.equal(["notSigned"]);
      expect(forged.text).to.contain(lang === "zh" ? "签名不符" : "does not match");
      const expired = await problemOf(page, JSON.stringify({ ...consent, deadline: 1_000_000 }));
      expect(expired.codes).to.deep.equal(["expired"]);
      if (lang === "zh") await expectTranslated(page, "association consent problems", { data: await bodyNamesOnChain(world) });
      await screenshot(page, `association-consent-problems-${lang}`);
      expect(await body.locator('button:has-text("' + (lang === "zh" ? "添加签名密钥" : "Add a signing key") + '")').isDisabled()).to.equal(true);
      await page.close();
    }

    const page = await open("zh");
    const body = page.locator(`details[data-body="${world.bodyA}"]`);
    await body.locator("summary").click();
    await page.fill(field, json);
    await page.waitForSelector(`[data-testid="key-consent-${world.bodyA}-ok"]`);
    expect(await page.textContent(`[data-testid="key-consent-${world.bodyA}-ok"]`)).to.contain(keyAddress.slice(0, 10));
    await body.locator('button:has-text("添加签名密钥")').click();
    expect(await page.textContent('[role="alertdialog"]')).to.contain(keyAddress).and.to.contain(`#${world.bodyA}`);
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-tx="done"]');
    const reader = clientFor(world.rpcUrl, world.deployment);
    expect(await reader.bodyOfSigningKey(keyAddress)).to.equal(world.bodyA);
    await page.waitForFunction(([id, key]) => Array.from(document.querySelectorAll(`details[data-body="${id}"] li.mono`)).some((li) => li.textContent?.startsWith(key!)), [String(world.bodyA), keyAddress.slice(0, 10)] as const);
    expect(await page.inputValue(field)).to.equal("");

    // removed again, the same consent cannot bring the key back: it was single use
    await clientFor(world.rpcUrl, world.deployment, privateKeyToAccount(privateKeyOf(ROLE.adminA))).removeSigningKey(world.bodyA, keyAddress);
    await page.reload();
    await ensureConnected(page);
    await page.locator(`details[data-body="${world.bodyA}"] summary`).click();
    await page.fill(field, json);
    await page.waitForSelector(`[data-testid="key-consent-${world.bodyA}-ok"]`);
    await page.locator(`details[data-body="${world.bodyA}"] button:has-text("添加签名密钥")`).click();
    await page.click('[data-testid="confirm"]');
    const alert = await page.waitForSelector('.progress [role="alert"]');
    expect(await alert.textContent()).to.contain(contractErrorMessage("SigningKeyConsentUsed", [keyAddress]).zh);
    expect(await reader.bodyOfSigningKey(keyAddress)).to.equal(null);
    await page.close();
  });

  it("accredits a new body with a consent signed for the next body's number", async () => {
    const reader = clientFor(world.rpcUrl, world.deployment);
    const next = await reader.nextBodyId();
    const keyAddress = privateKeyToAccount(privateKeyOf(NEW_BODY_KEY)).address;
    // the key's holder picks "a new body" on the consent page: the number the next accreditation gets
    const json = await signConsentOnPage(NEW_BODY_KEY, "/body/key-consent", "en", async (p) => {
      await p.click('[data-testid="kc-next"]');
      await p.waitForSelector('[data-testid="kc-body-new"]');
      expect(await p.inputValue("#kc-body")).to.equal(String(next));
    });
    expect(JSON.parse(json)).to.include({ bodyId: next, key: keyAddress });
    const page = await open("zh");
    await page.fill("#acc-name", "株洲市质量评价中心（测试）");
    await page.fill("#acc-admin", privateKeyToAccount(privateKeyOf(ROLE.adminB)).address);
    await page.fill("#acc-consent", json);
    await page.waitForSelector('[data-testid="acc-consent-ok"]');
    await page.click('form[aria-labelledby="accredit-heading"] button[type="submit"]');
    expect(await page.textContent('[role="alertdialog"]')).to.contain(`#${next}`).and.to.contain(keyAddress);
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-tx="done"]');
    await page.waitForSelector(`details[data-body="${next}"]`);
    expect(await page.textContent(`details[data-body="${next}"] summary`)).to.contain("株洲市质量评价中心");
    expect(await reader.bodyOfSigningKey(keyAddress)).to.equal(next);
    expect((await reader.getBody(next))?.signingKeys).to.deep.equal([keyAddress]);
    // the form moves on to the number after it
    await page.waitForFunction((n) => document.querySelector('[data-testid="next-body-id"]')?.textContent?.includes(`#${n}`), next + 1);
    await expectTranslated(page, "association accredited", { data: await bodyNamesOnChain(world) });
    await screenshot(page, "association-accredited-zh");
    await page.close();
  });
});
