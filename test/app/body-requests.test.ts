/**
 * The body console's two lists of issue #13, in Chromium over an in-process workbench whose key issues and whose
 * review reminders go to a webhook (a server in this process): on the reviews tab, the reminders of a certificate
 * due within 30 days (the chain's clock travelled) with the holder's name, the kind in words and the webhook
 * delivery in words, delivered to the webhook with numbers and dates only; on the 持证人申请 tab, a holder's
 * revocation request with the holder's name and the reason in zh and en, whose link opens the dossier, where the
 * request is said beside the revocation reason and 持证人申请 chosen from it; revoking so closes the request
 * (the list empty again, the certificate revoked on chain as HolderRequest). axe clean, no untranslated Chinese
 * text, no horizontal overflow at 390 px; screenshots zh and en.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import type { Deployment } from "../../sdk";
import { privateKeyToAccount } from "viem/accounts";
import { OPERATOR, clientFor, dossierFor, expect200, privateKeyOf, type Anvil, type Http } from "../server/helpers";
import { appUrl, axeViolations, screenshot, signInToConsole } from "./harness";
import { startReviewedWorld, type ReviewedWorld } from "./reviewed-world";
import { expectTranslated } from "./untranslated";

const HOLDER = 35;
const SEED = 6161;

describe("dApp · the body console's holder requests (持证人申请) and review reminders (年审提醒)", function () {
  this.timeout(300_000);
  let w: ReviewedWorld;
  let anvil: Anvil;
  let deployment: Deployment & { rpcUrl: string };
  let served: Served;
  let context: BrowserContext;
  let http: Http;
  let hook: Server;
  let tokenId = "";
  let dossierId = "";
  let holderToken = "";
  let operatorToken = "";
  /** what the webhook received: each reminder's JSON */
  const received: Record<string, unknown>[] = [];
  const name = dossierFor(SEED).applicant.name;

  const open = async (page: Page, route: string, lang: "zh" | "en", ready: string, state: "visible" | "attached" = "visible") => {
    await page.goto(appUrl(served, route, lang));
    // the language is read when the app starts: a change of ?lang in the hash alone needs a reload
    if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    await signInToConsole(page);
    await page.locator(ready).first().waitFor({ state });
  };
  /** at 390 px and 1280 px in zh and en: no horizontal overflow at 390, axe clean, the Chinese page translated; screenshots */
  const checkPage = async (page: Page, route: string, ready: string, scope: string, shot: string) => {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await open(page, route, lang, ready);
        expect(await page.locator("html").getAttribute("lang")).to.equal(lang === "en" ? "en" : "zh-CN");
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${shot} ${lang}: horizontal overflow at 390 px`).to.be.at.most(390);
        // a table on wide screens (its header above its rows), cards below 640 px
        const display = await page.locator(`${scope} table.cards`).evaluate((t) => getComputedStyle(t).display);
        expect(display, `${shot} ${lang} ${width}: the list's layout`).to.equal(width === 1280 ? "table" : "block");
        expect(await axeViolations(page, scope), `${shot} ${lang} ${width}: axe`).to.deep.equal([]);
        if (lang === "zh") await expectTranslated(page, `${shot}-${width}`);
        await screenshot(page, `${shot}-${lang}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  before(async () => {
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const reviewWebhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    // 25 days before the first review falls due
    w = await startReviewedWorld({
      prefix: "app-body-requests",
      holders: [{ index: HOLDER, seed: SEED }],
      travelDays: 340,
      config: { reviewWebhookUrl, reviewWebhookSecret: "body-requests-secret" },
    });
    ({ anvil, deployment, served, http } = w);
    [tokenId] = w.tokenIds as [string];
    [dossierId] = w.dossierIds as [string];
    operatorToken = w.operator;
    holderToken = await w.signInAs(HOLDER);
    context = await w.walletContext(OPERATOR);
  });

  after(async () => {
    await w?.stop();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
  });

  it("the reviews tab lists the reminder of the certificate due within 30 days: whose, when, what, and its webhook delivery in words", async () => {
    const page = await context.newPage();
    const row = page.locator(`[data-testid="reminders"] tr[data-token="${tokenId}"][data-kind="due-soon"]`);
    await open(page, "/body?tab=reviews", "zh", `[data-testid="reminders"] tr[data-token="${tokenId}"]`);
    expect(await page.getAttribute('[data-testid="reminders"]', "data-webhook")).to.equal("true");
    expect(await page.textContent('[data-testid="reminders-webhook"]')).to.contain("已配置提醒推送地址");
    expect(await row.locator('[data-testid="reminder-kind"]').textContent()).to.equal("年审 30 天内到期");
    expect(await row.locator('[data-testid="reminder-holder"] [data-testid="person-name"]').textContent()).to.equal(name);
    const days = Number((await row.locator(".badge.due").textContent())!.replace(/\D/g, ""));
    expect(days).to.be.within(1, 30);
    // reading the list sent it: read again until the row says it was delivered
    for (let i = 0; (await row.getAttribute("data-delivery")) !== "delivered"; i++) {
      expect(i, "the reminder was never delivered").to.be.below(50);
      await page.click('[data-testid="reminders-again"]');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="reminders-again"]') as HTMLButtonElement | null)?.disabled);
    }
    expect(await row.locator('[data-testid="reminder-delivery"]').textContent()).to.equal("已送达");
    // the webhook had numbers and dates only, nothing about the holder
    const sent = received.find((r) => r.tokenId === tokenId && r.kind === "due-soon");
    expect(sent).to.include({ event: "cqo.annual-review", dossierId });
    expect(JSON.stringify(received)).to.not.contain(privateKeyToAccount(privateKeyOf(HOLDER)).address.slice(2).toLowerCase()).and.not.contain(name);
    await checkPage(page, "/body?tab=reviews", `[data-testid="reminders"] tr[data-token="${tokenId}"]`, '[data-testid="reminders"]', "body-reminders");
    await open(page, "/body?tab=reviews", "en", `[data-testid="reminders"] tr[data-token="${tokenId}"][data-delivery="delivered"]`);
    expect(await row.locator('[data-testid="reminder-kind"]').textContent()).to.equal("review due within 30 days");
    expect(await row.locator('[data-testid="reminder-delivery"]').textContent()).to.equal("delivered");
    await page.close();
  });

  it("a holder's revocation request: listed by name and reason (zh, en), the link opens the dossier, revoking as 持证人申请 closes it", async () => {
    const page = await context.newPage();
    // nothing asked yet: the list says so; on the dossier page 持证人申请 cannot be chosen
    await open(page, "/body?tab=requests", "zh", '[data-testid="holder-requests-empty"]');
    expect(await page.textContent('[data-testid="holder-requests-empty"]')).to.equal("目前没有待处理的持证人撤销申请。");
    expect(await page.textContent('[data-tab="requests"]')).to.equal("持证人申请");
    await open(page, `/body/dossier/${dossierId}`, "zh", '#revoke-reason option[value="HolderRequest"][disabled]', "attached");
    expect(await page.textContent('#revoke-reason option[value="HolderRequest"]')).to.equal("持证人申请（持证人未申请，不可选）");
    expect(await page.locator('[data-testid="holder-request-note"]').count()).to.equal(0);

    // the holder asks (POST /dossiers/:id/revocation-request, signed in as the holder)
    const asked = expect200(await http("POST", `/dossiers/${dossierId}/revocation-request`, { reason: "left-employer", note: "已调往外省工作" }, holderToken), "request", 201).json<{ id: number }>();
    const row = page.locator(`tr[data-request="${asked.id}"]`);
    await open(page, "/body?tab=requests", "zh", `tr[data-request="${asked.id}"] [data-testid="person-name"]`);
    expect(await row.getAttribute("data-dossier")).to.equal(dossierId);
    expect(await row.locator('[data-testid="person-name"]').textContent()).to.equal(name);
    expect((await row.textContent()) ?? "", "no full address in the row").to.not.match(/0x[0-9a-fA-F]{40}/);
    expect(await row.locator('[data-testid="request-reason"]').textContent()).to.equal("已离开原单位");
    // counted on the tab, so a clerk on another tab sees it waiting
    expect(await page.textContent('[data-tab="requests"]')).to.equal("持证人申请（1）");
    expect(await row.locator("time").count()).to.equal(1);
    expect(await row.locator(".cert-number").count()).to.equal(1);
    await checkPage(page, "/body?tab=requests", `tr[data-request="${asked.id}"] [data-testid="person-name"]`, '[data-testid="holder-requests"]', "body-holder-requests");
    await open(page, "/body?tab=requests", "en", `tr[data-request="${asked.id}"] [data-testid="person-name"]`);
    expect(await row.locator('[data-testid="request-reason"]').textContent()).to.equal("left the employer");
    expect(await page.textContent('[data-tab="requests"]')).to.equal("Holder requests (1)");

    await open(page, `/body/dossier/${dossierId}`, "en", '[data-testid="holder-request-note"]');
    expect(await page.textContent('[data-testid="holder-request-note"]')).to.contain("left the employer");
    expect(await page.textContent('#revoke-reason option[value="HolderRequest"]')).to.equal("at the holder's request (the holder asked)");
    await screenshot(page, "body-holder-request-dossier-en");

    // the link opens the dossier, where the request is said beside the revocation reason
    await open(page, "/body?tab=requests", "zh", `tr[data-request="${asked.id}"] [data-testid="person-name"]`);
    await row.locator('[data-testid="request-open"]').click();
    await page.waitForSelector(`.dossier-page[data-dossier="${dossierId}"] [data-testid="holder-request-note"]`);
    expect(page.url()).to.contain(`#/body/dossier/${dossierId}`);
    expect(await page.textContent('[data-testid="holder-request-note"]')).to.contain("已离开原单位");
    expect(await page.textContent('#revoke-reason option[value="HolderRequest"]')).to.equal("持证人申请（持证人已申请）");
    // not chosen by itself: the operator chooses it
    expect(await page.inputValue("#revoke-reason")).to.equal("");
    await screenshot(page, "body-holder-request-dossier-zh");
    await page.click('[data-testid="use-holder-request"]');
    expect(await page.inputValue("#revoke-reason")).to.equal("HolderRequest");
    expect(await axeViolations(page, '[data-testid="operator-actions"]')).to.deep.equal([]);
    // the whole page, the audit log's entry of the request in words too (持证人申请撤销 · 原因：已离开原单位)
    await expectTranslated(page, "dossier-holder-request");
    const entry = page.locator('[data-testid="audit-entry"][data-action="request-revocation"]');
    expect(await entry.textContent()).to.contain("持证人申请撤销").and.contain("已离开原单位");
    await page.click('[data-testid="operator-actions"] button:has-text("撤销证书")');
    expect(await page.textContent("#action-text")).to.contain("持证人申请");
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-testid="action-done"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="action-done"]')).to.contain("已在链上撤销证书");
    const v = await clientFor(anvil.url, deployment).verifyCertificate(tokenId);
    expect(v.status).to.equal("Revoked");
    expect(v.revocationReason).to.equal("HolderRequest");

    // closed: out of the list
    await page.click('a[href="#/body"]');
    await page.click('[data-tab="requests"]');
    await page.waitForSelector('[data-testid="holder-requests-empty"]');
    expect(await page.locator("tr[data-request]").count()).to.equal(0);
    expect(expect200(await http("GET", "/revocation-requests", undefined, operatorToken), "requests").json<{ items: unknown[] }>().items).to.deep.equal([]);
    await screenshot(page, "body-holder-requests-done-zh");
    await page.close();
  });
});
