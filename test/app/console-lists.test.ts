/**
 * The body console's lists and queues as a clerk uses them (issue #14), in Chromium over an in-process workbench
 * whose key issues: with dossiers in different states and one certificate in public notice, the notice's
 * confirmation is disabled with its reason while the notice runs and enabled once it is over (the confirmation
 * named for the action; the dossier then issued); an objection's ruling has no default and needs a note; the inbox
 * search by number finds one dossier, the "needs my action" view lists only actionable ones, the state filter's
 * "all" says so; at 390 px no tab overflows; no element id appears twice; the Chinese text of each list has no
 * English or internal words (test/app/untranslated.ts). Screenshots zh/en at 390 and 1280 px.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { objectionStatement, objectionTypedData } from "../../sdk";
import type { Served } from "../../app/serve";
import { dossierFor, expect200, submitDossier, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { expectTranslated } from "./untranslated";
import { appUrl, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";


describe("dApp · the body console's lists and queues (inbox, notice, outbox, re-issue) as a clerk uses them", function () {
  this.timeout(480_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let tokens: Tokens;
  const applicant = privateKeyToAccount(privateKeyOf(32));
  const ids = { submitted: "", rejected: "", inNotice: "" };
  /** names before addresses (issue #14): each dossier's applicant, as the lists must show them */
  const names = { submitted: dossierFor(9201).applicant.name, rejected: dossierFor(9202).applicant.name, inNotice: dossierFor(9203).applicant.name };
  let tokenId = "";

  const signInAs = (signer: PrivateKeyAccount): Promise<string> => app.signInAs(signer);
  const signIn = signInToConsole;
  const open = async (page: Page, route: string, lang: "zh" | "en", ready: string) => {
    await page.goto(appUrl(served, route, lang));
    // the language is read when the app starts: a change of ?lang in the hash alone needs a reload
    if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    await signIn(page);
    await page.waitForSelector(ready);
  };
  const waitFor = (id: string, want: string) => waitForState(http, tokens.operator, id, want, 90_000);
  /** the ids on the page that more than one element carries */
  const duplicateIds = (page: Page) =>
    page.evaluate(() => {
      const seen = new Map<string, number>();
      for (const el of Array.from(document.querySelectorAll("[id]"))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    });
  const checkPage = async (page: Page, name: string, lang: "zh" | "en", width: number) => {
    if (width === 390) {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(w, `${name}-${lang}: horizontal overflow at 390 px`).to.be.at.most(390);
    }
    expect(await duplicateIds(page), `${name}: ids used twice`).to.deep.equal([]);
    // the whole page (header, banner, tabs and lists) as a clerk reads it: no Latin-letter word but the few allowed
    if (lang === "zh") await expectTranslated(page, `${name}-${width}`);
    await screenshot(page, `console-lists-${name}-${lang}-${width}`);
  };

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-console-lists" });
    ({ http, served } = app);
    tokens = await app.signInTeam(applicant);
    const { operator } = tokens;
    // one waiting to be accepted, one refused, one certificate in public notice
    ids.submitted = await submitDossier(http, dossierFor(9201), tokens.applicant);
    ids.rejected = await submitDossier(http, dossierFor(9202), tokens.applicant);
    expect200(await http("POST", `/dossiers/${ids.rejected}/reject`, { reasons: ["材料不全：缺少任命文件"] }, operator), "reject");
    ids.inNotice = (await toEvaluated(http, tokens, dossierFor(9203))).id;
    tokenId = expect200(await http("POST", `/dossiers/${ids.inNotice}/approve`, {}, operator), "approve").json<{ tokenId: string }>().tokenId;
    await waitFor(ids.inNotice, "in-notice");
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  it("the inbox: search by number finds one, 'needs my action' lists only actionable ones, dates and grouped numbers, no overflow at 390 px", async () => {
    const page = await context.newPage();
    await open(page, "/body?tab=inbox", "zh", `tr[data-dossier="${ids.inNotice}"]`);
    // all three, each with its state in words and its dates
    for (const id of Object.values(ids)) await page.waitForSelector(`tr[data-dossier="${id}"]`);
    const noticeRow = page.locator(`tr[data-dossier="${ids.inNotice}"]`);
    expect(await noticeRow.locator(".badge.state").textContent()).to.equal("公示中");
    expect(await noticeRow.locator("time").count()).to.equal(2);
    expect(await noticeRow.locator(".cert-number").textContent()).to.match(/^\d{4}( \d{1,4})+$/);
    expect(await page.locator("#state-filter option").first().textContent()).to.equal("全部状态");
    // names before addresses: the applicant's name leads, the wallet is shortened behind its copy button
    for (const [k, id] of Object.entries(ids) as [keyof typeof ids, string][]) {
      const row = page.locator(`tr[data-dossier="${id}"]`);
      expect(await row.locator('[data-testid="person-name"]').textContent(), k).to.equal(names[k]);
      expect(await row.locator(".copy-button").count(), `${k}: the wallet's copy button`).to.be.at.least(1);
      expect((await row.textContent()) ?? "", `${k}: no full address in the row's text`).to.not.match(/0x[0-9a-fA-F]{40}/);
    }

    // search by the number: that one dossier only
    await page.fill("#inbox-search", ids.submitted);
    await page.click('form[role="search"] button[type="submit"]');
    await page.waitForFunction((id) => {
      const rows = document.querySelectorAll("tr[data-dossier]");
      return rows.length === 1 && rows[0]!.getAttribute("data-dossier") === id;
    }, ids.submitted);
    expect(await page.locator("tr[data-dossier]").count()).to.equal(1);
    await page.click('form[role="search"] button:has-text("清除搜索")');
    await page.waitForSelector(`tr[data-dossier="${ids.rejected}"]`);

    // needs my action: the submitted one; not the refused one, not the one in notice
    await page.click('[data-view-button="mine"]');
    await page.waitForSelector('[data-testid="inbox-section"][data-view="mine"]');
    await page.waitForFunction((id) => {
      const rows = Array.from(document.querySelectorAll("tr[data-dossier]")).map((r) => r.getAttribute("data-dossier"));
      return rows.length === 1 && rows[0] === id;
    }, ids.submitted);
    const actionable = await page.locator("tr[data-dossier]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")));
    expect(actionable).to.deep.equal(["submitted"]);
    expect(await page.getAttribute('[data-view-button="mine"]', "aria-pressed")).to.equal("true");
    await page.close();

    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        const p = await context.newPage();
        await p.setViewportSize({ width, height: 900 });
        await open(p, "/body?tab=inbox", lang, `tr[data-dossier="${ids.inNotice}"]`);
        await checkPage(p, "inbox", lang, width);
        await p.close();
      }
    }
  });

  it("the notice queue: the confirmation is disabled with its reason while the notice runs, named for the action once it is over", async () => {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        const p = await context.newPage();
        await p.setViewportSize({ width, height: 900 });
        await open(p, "/body?tab=notice", lang, `[data-notice="${ids.inNotice}"] [data-testid="notice-ends"]:not(:text("…"))`);
        const item = p.locator(`[data-notice="${ids.inNotice}"]`);
        await item.locator('[data-testid="end-notice-reason"]:not(:text("…")):not(:text("Reading"))').waitFor();
        expect(await item.locator('[data-testid="person-name"]').textContent()).to.equal(names.inNotice);
        expect(await item.locator(`[data-testid="end-notice-${ids.inNotice}"]`).isDisabled()).to.equal(true);
        const reason = (await item.locator('[data-testid="end-notice-reason"]').textContent()) ?? "";
        if (lang === "zh") {
          // a 7-day notice just begun
          expect(reason).to.match(/^公示期未满，还剩 [1-7] 天$/);
          expect(await item.locator('[data-testid="notice-left"]').textContent()).to.match(/还剩 [1-7] 天/);
          expect(await item.textContent()).to.contain("公示截止");
        } else {
          expect(reason).to.match(/^The notice is not over: [1-7] days? left$/);
        }
        await checkPage(p, "notice", lang, width);
        await p.close();
      }
    }

    // an objection while the notice runs: the reason says so; its ruling has no default and needs a note
    const objector = privateKeyToAccount(privateKeyOf(34));
    const objectorToken = await signInAs(objector);
    const statement = "申报人的任职年限与事实不符。";
    const issuedAt = Math.floor(Date.now() / 1000);
    const signed = objectionStatement({ tokenId, filer: objector.address, statement, issuedAt });
    const signature = await objector.signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, signed));
    const filed = expect200(await http("POST", "/objections", { tokenId, statement, signature, issuedAt }, objectorToken), "objection", 201).json<{ id: number }>();
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 900 });
    await open(page, "/body?tab=notice", "zh", `[data-objection="${filed.id}"][data-status="filed"]`);
    const item = page.locator(`[data-notice="${ids.inNotice}"]`);
    await item.locator('[data-testid="end-notice-reason"]:text("有待处理的异议")').waitFor();
    await checkPage(page, "notice-objection", "zh", 390);
    expect(await item.locator(`[data-testid="end-notice-${ids.inNotice}"]`).isDisabled()).to.equal(true);
    const objection = page.locator(`[data-objection="${filed.id}"]`);
    // whose certificate is objected to, by name; the filer has no name (objections carry none), only the wallet
    expect(await objection.locator('[data-testid="objection-applicant"]').textContent()).to.equal(names.inNotice);
    expect(await objection.locator('[data-testid="objection-filer"] [data-testid="person-missing"]').textContent()).to.equal("公众（异议无需登记姓名）");
    expect(await objection.locator('input[type="radio"]:checked').count(), "no ruling chosen by default").to.equal(0);
    const resolve = objection.locator(`[data-testid="resolve-${filed.id}"]`);
    expect(await resolve.isDisabled()).to.equal(true);
    expect(await objection.locator(`[data-testid="resolve-missing-${filed.id}"]`).textContent()).to.contain("请选择处理结果").and.contain("请填写处理说明");
    await objection.locator(`label[for="ruling-${filed.id}-dismiss"]`).click();
    expect(await resolve.isDisabled(), "a ruling without a note").to.equal(true);
    expect(await objection.locator(`[data-testid="resolve-missing-${filed.id}"]`).textContent()).to.equal("请填写处理说明。");
    await objection.locator(`#ruling-${filed.id}-note`).fill("经核查，任职年限与社保记录一致。");
    expect(await resolve.isEnabled()).to.equal(true);
    await screenshot(page, "console-lists-ruling-zh");
    await resolve.click();
    const asked = page.locator('[role="alertdialog"]');
    await asked.waitFor();
    expect(await asked.textContent()).to.contain("异议不成立 · 由本主体签名密钥上链");
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector(`[data-objection="${filed.id}"][data-status="dismissed"]`, { state: "attached" });
    await item.locator('[data-testid="end-notice-reason"]:text("公示期未满")').waitFor();
    await page.close();

    // past the notice's end (on chain): the button enables; the confirmation says who acts and that no transaction is sent
    await world.travel(8 * 86_400);
    const later = await context.newPage();
    await open(later, "/body?tab=notice", "zh", `[data-notice="${ids.inNotice}"][data-can-end="true"]`);
    const button = later.locator(`[data-testid="end-notice-${ids.inNotice}"]`);
    expect(await button.isEnabled()).to.equal(true);
    expect(await button.textContent()).to.equal("公示期满，确认发证");
    await button.click();
    const dialog = later.locator('[data-testid="list-confirm"]');
    await dialog.waitFor();
    expect(await dialog.locator("h2").textContent()).to.equal("确认发证 · 由您确认，不发送交易");
    expect(await dialog.textContent()).to.contain(ids.inNotice).and.contain("不发送交易");
    await screenshot(later, "console-lists-notice-confirm-zh");
    await dialog.locator('[data-testid="list-confirm-ok"]').click();
    await later.waitForSelector('[data-testid="end-notice-done"]');
    await waitFor(ids.inNotice, "issued");
    await later.close();
  });

  it("the outbox and the re-issue on the dossier page: no overflow at 390 px, ids unique, numbers grouped with a copy button", async () => {
    // a prepared re-issue puts both re-issue sections (the operator's and the lost-wallet form) on the page
    const newHolder = privateKeyToAccount(privateKeyOf(33)).address;
    expect200(await http("POST", `/dossiers/${ids.inNotice}/reissue/prepare`, { newHolder, identityCheck: "身份证原件核验" }, tokens.operator), "prepare", 200);
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        const p = await context.newPage();
        await p.setViewportSize({ width, height: 900 });
        await open(p, "/body?tab=outbox", lang, `tr[data-outbox="${ids.inNotice}"][data-status="issued"]`);
        const row = p.locator(`tr[data-outbox="${ids.inNotice}"]`);
        if (lang === "zh") expect(await row.locator(".badge").textContent()).to.equal("已上链");
        expect(await row.locator(".cert-number").textContent()).to.equal(tokenId.replace(/(\d{4})(?=\d)/g, "$1 "));
        expect(await row.locator(".copy-button").count()).to.equal(2);
        expect(await row.locator('[data-testid="outbox-name"]').textContent()).to.equal(names.inNotice);
        await checkPage(p, "outbox", lang, width);
        await p.close();

        const d = await context.newPage();
        await d.setViewportSize({ width, height: 900 });
        await open(d, `/body/dossier/${ids.inNotice}`, lang, '[data-testid="reissue-operator"] [data-reissue="prepared"]');
        await d.click('[data-testid="reissue-lost-wallet-toggle"] summary');
        await d.waitForSelector('[data-testid="reissue-lost-wallet"]');
        expect(await d.locator("#reissue-op-heading").count()).to.equal(1);
        expect(await d.locator('[data-testid="reissue-operator"] .cert-number').count()).to.equal(2);
        expect(await d.locator('[data-testid="dossier-applicant"] [data-testid="person-name"]').textContent()).to.equal(names.inNotice);
        expect(await d.locator('[data-testid="reissue-holder-name"]').textContent()).to.equal(lang === "zh" ? `${names.inNotice}的新钱包` : `${names.inNotice}'s new wallet`);
        await checkPage(d, "reissue", lang, width);
        await d.close();
      }
    }
  });

  it("an erased dossier: its page opens and says the personal data was erased; the inbox says so in the name's place", async () => {
    expect200(await http("POST", `/dossiers/${ids.rejected}/erase`, { reason: "request", reference: "PIPL-2026-092" }, tokens.operator), "erase");
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        const p = await context.newPage();
        await p.setViewportSize({ width, height: 900 });
        await open(p, `/body/dossier/${ids.rejected}`, lang, '[data-testid="materials-erased"]');
        const who = p.locator('[data-testid="dossier-applicant"] [data-testid="person-missing"]');
        expect(await who.getAttribute("data-personal-data")).to.equal("erased");
        expect(await who.textContent()).to.equal(lang === "zh" ? "已删除个人信息" : "personal data erased");
        expect(await p.locator('[data-testid="materials"]').count(), "no materials of an erased dossier").to.equal(0);
        expect(await p.locator('[data-testid="operator-actions"]').count(), "a closed dossier: no empty actions card").to.equal(0);
        expect((await p.textContent("body")) ?? "").to.not.contain(names.rejected);
        await checkPage(p, "dossier-erased", lang, width);
        await p.close();
      }
    }
    const inbox = await context.newPage();
    await open(inbox, "/body?tab=inbox", "zh", `tr[data-dossier="${ids.rejected}"] [data-testid="person-missing"]`);
    expect(await inbox.locator(`tr[data-dossier="${ids.rejected}"] [data-testid="person-missing"]`).textContent()).to.equal("已删除个人信息");
    expect(await inbox.locator(`tr[data-dossier="${ids.submitted}"] [data-testid="person-name"]`).textContent()).to.equal(names.submitted);
    await inbox.close();
  });
});
