/**
 * Accessibility of the signed-in consoles (issue #14): axe-core, injected into Chromium, finds no violations on the
 * body console's tabs (inbox, notice and objections, issuance queue, assessors, reviews) in Chinese and English, at
 * 390 and 1280 px, with a dossier waiting, a refused one and a certificate in public notice with an objection, and on
 * each of those three dossiers' pages (materials, actions, decisions, objections, audit log); nor
 * on the association's console and its supervision page. The Chinese text of every page visited — those, and the
 * applicant's page and the public notice — holds no untranslated word (test/app/untranslated.ts).
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { objectionStatement, objectionTypedData } from "../../sdk";
import { dossierFor, expect200, submitDossier, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { bodyNamesOnChain, untranslatedOn } from "./untranslated";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";

/** axe's result, as much of it as a failure message needs */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

declare const axe: { run(context?: unknown, options?: unknown): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; html: string }[] }[] }> };

/** the tabs of the signed-in console and what shows each is ready */
const TABS = [
  { tab: "inbox", ready: '[data-testid="inbox"] tr[data-dossier]' },
  { tab: "notice", ready: '[data-notice] [data-testid="notice-ends"]:not(:text("…"))' },
  { tab: "outbox", ready: '[data-testid="outbox"] tr[data-outbox]' },
  { tab: "assessors", ready: "[data-assessor]" },
  { tab: "reviews", ready: "#reviews-heading, [data-testid='reviews']" },
] as const;

/** violations accepted, each with its reason: none */
const ACCEPTED: Record<string, string> = {};

describe("dApp · accessibility of the signed-in body console (axe-core)", function () {
  this.timeout(420_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let tokens: Tokens;
  const applicant = privateKeyToAccount(privateKeyOf(35));
  let refusedId = "";
  /** the dossier pages checked too: one waiting to be accepted, one refused, one in notice under objection */
  const dossierPages: string[] = [];
  /** the bodies' names as registered on chain: data, shown as they are */
  let names: string[] = [];
  const axePath = require.resolve("axe-core").replace(/axe\.js$/, "axe.min.js");

  const signInAs = (signer: PrivateKeyAccount): Promise<string> => app.signInAs(signer);
  const signIn = signInToConsole;
  const violationsOf = async (page: Page): Promise<Violation[]> => {
    await page.addScriptTag({ path: axePath });
    const found = await page.evaluate(async () => (await axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html.slice(0, 200) })) })));
    return found.filter((v) => !(v.id in ACCEPTED));
  };

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-console-a11y" });
    ({ http, served } = app);
    tokens = await app.signInTeam(applicant);
    const { operator } = tokens;
    dossierPages.push(await submitDossier(http, dossierFor(9301), tokens.applicant));
    const refused = await submitDossier(http, dossierFor(9302), tokens.applicant);
    refusedId = refused;
    expect200(await http("POST", `/dossiers/${refused}/reject`, { reasons: ["材料不全"] }, operator), "reject");
    const { id } = await toEvaluated(http, tokens, dossierFor(9303));
    const { tokenId } = expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ tokenId: string }>();
    await waitForState(http, operator, id, "in-notice", 90_000);
    dossierPages.push(refused, id);
    // an objection, so the notice tab shows the ruling form
    const objector = privateKeyToAccount(privateKeyOf(36));
    const statement = "任职年限与事实不符。";
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await objector.signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, objectionStatement({ tokenId, filer: objector.address, statement, issuedAt })));
    expect200(await http("POST", "/objections", { tokenId, statement, signature, issuedAt }, await signInAs(objector)), "objection", 201);
    names = await bodyNamesOnChain(world);
    browser = await launchBrowser();
    // the app's Content-Security-Policy forbids inline scripts, rightly: axe comes in past it, in this context only
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  for (const lang of ["zh", "en"] as const) {
    it(`has no axe violations on the console's tabs (${lang}, 390 and 1280 px)`, async () => {
      const found: Record<string, Violation[]> = {};
      const untranslated: Record<string, string[]> = {};
      for (const width of [390, 1280]) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: 900 });
        await page.goto(appUrl(served, "/body?tab=inbox", lang));
        if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
        await signIn(page);
        for (const { tab, ready } of TABS) {
          await page.click(`[data-tab="${tab}"]`);
          await page.waitForSelector(ready);
          // nothing still loading
          await page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.match(/加载中|Loading/));
          const v = await violationsOf(page);
          if (v.length) found[`${tab} ${width}`] = v;
          if (lang === "zh") {
            const words = await untranslatedOn(page, `${tab} ${width}`, { data: names });
            if (words.length) untranslated[`${tab} ${width}`] = words;
          }
          await screenshot(page, `console-a11y-${tab}-${lang}-${width}`);
        }
        // the dossier pages, where the clerk decides: materials, actions, decisions, objections, the audit log
        for (const [i, id] of dossierPages.entries()) {
          await page.goto(appUrl(served, `/body/dossier/${id}`, lang));
          await page.waitForSelector(`.dossier-page[data-dossier="${id}"]`);
          await page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.match(/加载中|Loading/));
          await page.locator('[data-testid="audit-log"] li, [data-testid="audit-log"] tr').first().waitFor();
          const v = await violationsOf(page);
          if (v.length) found[`dossier-${i} ${width}`] = v;
          if (lang === "zh") {
            const words = await untranslatedOn(page, `dossier-${i} ${width}`, { data: names });
            if (words.length) untranslated[`dossier-${i} ${width}`] = words;
          }
          if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `dossier ${id} ${lang}: overflow at 390 px`).to.be.at.most(390);
          await screenshot(page, `console-a11y-dossier-${i}-${lang}-${width}`);
        }
        await page.close();
      }
      expect(found, JSON.stringify(found, null, 1)).to.deep.equal({});
      expect(untranslated, `untranslated text in zh:\n${JSON.stringify(untranslated, null, 1)}`).to.deep.equal({});
    });
  }

  it("the association's console and its supervision page: no axe violations, no untranslated words in Chinese, no overflow at 390 px", async () => {
    const assoc = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      await injectWallet(assoc, world, privateKeyOf(ROLE.association));
      const found: Record<string, Violation[]> = {};
      const untranslated: Record<string, string[]> = {};
      const pages = [
        { route: "/association", ready: `details[data-body="${world.bodyA}"]`, name: "association" },
        { route: "/association?tab=supervision", ready: '[data-testid="sv-table"]', name: "supervision" },
      ];
      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1280]) {
          for (const p of pages) {
            const page = await assoc.newPage();
            await page.setViewportSize({ width, height: 900 });
            await page.goto(appUrl(served, p.route, lang));
            await ensureConnected(page);
            await page.waitForSelector(p.ready, { timeout: 60_000 });
            await page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.match(/加载中|Loading/));
            const v = await violationsOf(page);
            if (v.length) found[`${p.name} ${lang} ${width}`] = v;
            if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${p.name} ${lang} at 390 px`).to.be.at.most(390);
            if (lang === "zh") {
              const words = await untranslatedOn(page, `${p.name} ${width}`, { data: names });
              if (words.length) untranslated[`${p.name} ${width}`] = words;
            }
            await screenshot(page, `console-a11y-${p.name}-${lang}-${width}`);
            await page.close();
          }
        }
      }
      expect(found, JSON.stringify(found, null, 1)).to.deep.equal({});
      expect(untranslated, `untranslated text in zh:\n${JSON.stringify(untranslated, null, 1)}`).to.deep.equal({});
    } finally {
      await assoc.close();
    }
  });

  it("the applicant's page and the public notice: no untranslated words in Chinese, no overflow at 390 px", async () => {
    const mine = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await injectWallet(mine, world, privateKeyOf(35));
      const untranslated: Record<string, string[]> = {};
      const pages = [
        { route: "/apply", name: "apply", ready: '[data-testid="my-dossiers"] [data-dossier]' },
        { route: `/apply/${refusedId}`, name: "apply-refused", ready: '[data-testid="rejection"]' },
        { route: "/notices", name: "notices", ready: "[data-testid=notice-item]" },
      ];
      for (const width of [390, 1280]) {
        for (const p of pages) {
          const page = await mine.newPage();
          await page.setViewportSize({ width, height: 900 });
          await page.goto(appUrl(served, p.route, "zh"));
          if (p.route.startsWith("/apply")) {
            await ensureConnected(page);
            const signedIn = page.locator('[data-testid="apply-signed-in"]');
            const button = page.locator('[data-testid="apply-sign-in"]');
            await signedIn.or(button).first().waitFor();
            if (!(await signedIn.count())) await button.click();
            await signedIn.waitFor();
          }
          await page.waitForSelector(p.ready, { timeout: 60_000 });
          await page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.match(/加载中|Loading/));
          if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${p.name} at 390 px`).to.be.at.most(390);
          const words = await untranslatedOn(page, `${p.name} ${width}`, { data: names });
          if (words.length) untranslated[`${p.name} ${width}`] = words;
          await screenshot(page, `console-a11y-${p.name}-zh-${width}`);
          await page.close();
        }
      }
      expect(untranslated, `untranslated text in zh:\n${JSON.stringify(untranslated, null, 1)}`).to.deep.equal({});
    } finally {
      await mine.close();
    }
  });
});
