/**
 * The body console's forms refuse bad input beside the field it is about (issue #14), in Chromium over an
 * in-process workbench whose key issues, zh and en:
 * - 登记评审专家: the form checks each field with the schemas the workbench shares (the sdk's address, scoring's
 *   text and USCC rules) before anything is sent; a problem shows next to its field, which carries aria-invalid and
 *   aria-describedby naming the problem's text; what the workbench itself refuses naming a field (`body.assessorId`,
 *   `body.address`) lands beside that field too, the box below saying only that it was refused, with no path;
 * - 补发到新钱包 (an operator's, for a lost wallet): a malformed address and the workbench's refusal of the current
 *   wallet (`body.newHolder`) show beside the field, described by it.
 * Every form in its error state passes axe (WCAG 2 A/AA), fits 390 px; the Chinese forms show no untranslated word.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Served } from "../../app/serve";
import { ASSESSORS, dossierFor, expect200, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { expectTranslated } from "./untranslated";
import { appUrl, axeViolations, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";

type Lang = "zh" | "en";

/** the words each check must show (the form's own, the locale's, the workbench's: server/routes/*.ts) */
const WORDS = {
  zh: {
    badAddress: "钱包地址：应为以太坊钱包地址（0x 加 40 位十六进制）",
    zeroAddress: "钱包地址：不能是零地址",
    emptyName: "姓名：不能为空",
    uscc: "工作单位统一社会信用代码：统一社会信用代码应为 18 位",
    serverAssessorId: "专家编号：专家编号只能包含字母、数字、点、下划线和连字符",
    serverAddress: "钱包地址：应为以太坊地址（0x 加 40 位十六进制）",
    refused: "输入无效：请按字段旁的说明修改后重新登记。",
    taken: "该地址或专家编号已被另一名评审专家使用",
    registered: "已登记评审专家",
    reissueBad: "请输入以太坊地址（0x 加 40 位十六进制）。",
    reissueSame: "新钱包地址：与当前钱包相同",
    reissueBox: "新钱包不能与当前持证钱包相同",
    prepare: "生成同意书",
  },
  en: {
    badAddress: "Wallet address: must be an Ethereum wallet address (0x and 40 hex digits)",
    zeroAddress: "Wallet address: must not be the zero address",
    emptyName: "Name: must not be empty",
    uscc: "Employer's unified social credit code: unified social credit code must be 18 characters",
    serverAssessorId: "Assessor id: assessor id: 1-64 letters, digits, . _ -",
    serverAddress: "Wallet address: must be an Ethereum address (0x + 40 hex digits)",
    refused: "invalid input: correct the fields as noted beside them and register again.",
    taken: "the address or assessor id belongs to another assessor",
    registered: "registered",
    reissueBad: "Enter an Ethereum address (0x and 40 hex digits).",
    reissueSame: "New wallet address: the current wallet",
    reissueBox: "the new wallet must differ from the current one",
    prepare: "Prepare the consent",
  },
} as const;

/** a dotted path of the workbench or the sdk (`body.address`, `accreditation.admin`) in a text the user reads */
const RAW_PATH = /\b(body|params|query|accreditation)\.[A-Za-z]/;

describe("dApp · the body console's forms: each problem beside its field (assessors, re-issue)", function () {
  this.timeout(420_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let tokens: Tokens;
  let issued = "";
  const applicant = privateKeyToAccount(privateKeyOf(33));

  const open = async (page: Page, route: string, lang: Lang, ready: string) => {
    await page.goto(appUrl(served, route, lang));
    // the language is read when the app starts: a change of ?lang in the hash alone needs a reload
    if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    await signInToConsole(page);
    await page.waitForSelector(ready);
  };
  /** the field is marked invalid and described by its error, whose text is returned */
  const describedError = async (page: Page, input: string): Promise<string> => {
    expect(await page.getAttribute(input, "aria-invalid"), `${input} aria-invalid`).to.equal("true");
    const by = await page.getAttribute(input, "aria-describedby");
    expect(by, `${input} aria-describedby`).to.be.a("string").and.not.equal("");
    const texts = await page.evaluate((ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? null), by!);
    expect(texts, `${input}: every id it is described by exists`).to.not.include(null);
    // the error is beside its field: in the same .field as the input
    const beside = await page.$eval(input, (el, ids) => ids.split(/\s+/).some((id) => el.closest(".field")?.contains(document.getElementById(id)) ?? false), by!);
    expect(beside, `${input}: its error is next to it`).to.equal(true);
    return texts.join(" ");
  };
  const noProblem = async (page: Page, input: string) => {
    expect(await page.getAttribute(input, "aria-invalid"), `${input} valid again`).to.equal(null);
    expect(await page.getAttribute(input, "aria-describedby"), `${input} no error`).to.equal(null);
  };
  const axe = async (page: Page, scope: string) => expect(await axeViolations(page, scope), `axe ${scope}`).to.deep.equal([]);
  /** the POST /assessors the page sends */
  const posts = (page: Page) => {
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname.endsWith("/assessors")) sent.push(r.postData() ?? "");
    });
    return sent;
  };

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-console-forms" });
    ({ http, served } = app);
    tokens = await app.signInTeam(applicant);
    // one certificate issued by the workbench's key: its dossier offers an operator the lost-wallet re-issue
    issued = (await toEvaluated(http, tokens, dossierFor(9301))).id;
    expect200(await http("POST", `/dossiers/${issued}/approve`, {}, tokens.operator), "approve");
    await waitForState(http, tokens.operator, issued, "in-notice", 90_000);
    await world.travel(8 * 86_400);
    expect(expect200(await http("POST", `/dossiers/${issued}/end-notice`, {}, tokens.operator), "end-notice").json<{ state: string }>().state).to.equal("issued");
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  it("登记评审专家 checks each field beside it before anything is sent: aria-invalid, described by the error, zh and en", async () => {
    for (const lang of ["zh", "en"] as const) {
      const W = WORDS[lang];
      const page = await context.newPage();
      const sent = posts(page);
      await open(page, "/body?tab=assessors", lang, '[data-testid="register-assessor"]');
      // a malformed address, the field left: its problem beside it
      await page.fill("#asr-address", "0x12345");
      await page.press("#asr-address", "Tab");
      expect(await describedError(page, "#asr-address")).to.equal(W.badAddress);
      expect(await page.textContent("#asr-address-error")).to.equal(W.badAddress);
      // the zero address is an address, but no assessor can sign in with it
      await page.fill("#asr-address", "0x0000000000000000000000000000000000000000");
      expect(await describedError(page, "#asr-address")).to.contain(W.zeroAddress);
      // sent with the rest empty or wrong: every field's problem, nothing sent, the first bad field focused
      await page.fill("#asr-employerUscc", "91430100MA4L");
      await page.click('[data-testid="register-assessor"] button[type="submit"]');
      expect(await describedError(page, "#asr-name")).to.equal(W.emptyName);
      expect(await describedError(page, "#asr-employerUscc")).to.contain(W.uscc);
      expect(await describedError(page, "#asr-assessorId")).to.match(lang === "zh" ? /^专家编号：/ : /^Assessor id: /);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal("asr-address");
      expect(sent, "nothing sent to the workbench").to.deep.equal([]);
      expect(await page.locator('[data-testid="register-assessor"] [role="alert"]').count(), "no box: the problems are at their fields").to.equal(0);
      const formText = await page.innerText('[data-testid="register-assessor"]');
      expect(formText).to.not.match(RAW_PATH);
      await axe(page, '[data-testid="register-assessor"]');
      if (lang === "zh") await expectTranslated(page, "assessor form, its own checks", { selector: '[data-testid="register-assessor"]' });
      await screenshot(page, `console-forms-assessor-inline-${lang}`);
      // the problems fit a phone's width
      await page.setViewportSize({ width: 390, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), "no horizontal overflow at 390 px").to.be.at.most(390);
      await screenshot(page, `console-forms-assessor-inline-${lang}-390`);
      await page.setViewportSize({ width: 1280, height: 900 });
      // corrected: the problem goes with it
      await page.fill("#asr-address", privateKeyToAccount(generatePrivateKey()).address.toLowerCase());
      await noProblem(page, "#asr-address");
      await page.close();
    }
  });

  it("what the workbench refuses naming a field (body.assessorId, body.address) shows beside that field, the box without a path", async () => {
    for (const lang of ["zh", "en"] as const) {
      const W = WORDS[lang];
      const page = await context.newPage();
      const sent = posts(page);
      await open(page, "/body?tab=assessors", lang, '[data-testid="register-assessor"]');
      const address = privateKeyToAccount(generatePrivateKey()).address;
      const id = `FORM-${lang.toUpperCase()}-1`;
      await page.fill("#asr-address", address);
      // passes the form's check (not empty), refused by the workbench's own rule of the id's characters
      await page.fill("#asr-assessorId", "专家 01");
      await page.fill("#asr-name", "王五");
      await page.fill("#asr-employerUscc", ASSESSORS[0]!.employerUscc);
      await page.click('[data-testid="register-assessor"] button[type="submit"]');
      await page.waitForSelector("#asr-assessorId-error");
      expect(sent.length, "sent once").to.equal(1);
      expect(await describedError(page, "#asr-assessorId")).to.equal(W.serverAssessorId);
      const box = page.locator('[data-testid="register-assessor"] [role="alert"]');
      expect(await box.textContent()).to.contain(W.refused).and.not.match(RAW_PATH);
      expect(await page.innerText('[data-testid="register-assessor"]')).to.not.match(RAW_PATH);
      expect(await page.evaluate(() => document.activeElement?.id), "the refused field focused").to.equal("asr-assessorId");
      await axe(page, '[data-testid="register-assessor"]');
      if (lang === "zh") await expectTranslated(page, "assessor form, the workbench's refusal", { selector: '[data-testid="register-assessor"]' });
      await screenshot(page, `console-forms-assessor-server-${lang}`);
      // changing the field takes the workbench's problem away
      await page.fill("#asr-assessorId", id);
      await noProblem(page, "#asr-assessorId");

      // body.address: the form and the workbench check an address alike, so the value is changed on its way (as by
      // a client whose check differs): the workbench's refusal of the address, as it answers it, lands at the field
      await page.route("**/assessors", async (route) => {
        const body = JSON.parse(route.request().postData() ?? "{}") as Record<string, unknown>;
        await route.continue({ postData: JSON.stringify({ ...body, address: "0x12345" }) });
      });
      await page.click('[data-testid="register-assessor"] button[type="submit"]');
      await page.waitForSelector("#asr-address-error");
      expect(await describedError(page, "#asr-address")).to.equal(W.serverAddress);
      expect(await box.textContent()).to.contain(W.refused).and.not.match(RAW_PATH);
      await axe(page, '[data-testid="register-assessor"]');
      await page.unroute("**/assessors");

      // an address already registered under another id: the workbench names no field, its words in the box
      await page.fill("#asr-address", ASSESSORS[1]!.address);
      await noProblem(page, "#asr-address");
      await page.click('[data-testid="register-assessor"] button[type="submit"]');
      await page.waitForFunction((w) => document.querySelector('[data-testid="register-assessor"] [role="alert"]')?.textContent?.includes(w), W.taken);
      expect(await page.locator('[data-testid="register-assessor"] .field-error').count()).to.equal(0);

      // a correct one is registered and listed
      await page.fill("#asr-address", address);
      await page.click('[data-testid="register-assessor"] button[type="submit"]');
      expect(await (await page.waitForSelector('[data-testid="assessor-registered"]')).textContent()).to.contain(W.registered).and.contain(id);
      await page.waitForSelector(`li[data-assessor="${id}"]`);
      expect(await page.locator('[data-testid="register-assessor"] [role="alert"]').count()).to.equal(0);
      const listed = expect200(await http("GET", "/assessors?limit=200", undefined, tokens.operator), "assessors").json<{ items: { address: string; assessorId: string; name: string }[] }>();
      expect(listed.items.find((a) => a.assessorId === id)).to.deep.include({ address, name: "王五" });
      await page.close();
    }
  });

  it("补发到新钱包: a bad address and the workbench's refusal of the current wallet show beside the field, described by it", async () => {
    for (const lang of ["zh", "en"] as const) {
      const W = WORDS[lang];
      const page = await context.newPage();
      await open(page, `/body/dossier/${issued}`, lang, '[data-testid="reissue-lost-wallet-toggle"]');
      await page.click('[data-testid="reissue-lost-wallet-toggle"] summary');
      const form = '[data-testid="reissue-lost-wallet"]';
      await page.fill("#reissue-op-new", "0x12");
      expect(await describedError(page, "#reissue-op-new")).to.equal(W.reissueBad);
      await axe(page, form);
      if (lang === "zh") await expectTranslated(page, "re-issue, a bad address", { selector: form });
      // the holder's own wallet passes the form's check; the workbench refuses it, naming body.newHolder
      await page.fill("#reissue-op-new", applicant.address);
      await noProblem(page, "#reissue-op-new");
      await page.fill("#reissue-op-identity", "现场核验身份证原件");
      await page.click(`${form} button:has-text("${W.prepare}")`);
      await page.waitForSelector("#reissue-op-new-error");
      expect(await describedError(page, "#reissue-op-new")).to.equal(W.reissueSame);
      const box = page.locator(`${form} [role="alert"]`);
      expect(await box.textContent()).to.contain(W.reissueBox).and.not.match(RAW_PATH);
      expect(await page.innerText(form)).to.not.match(RAW_PATH);
      await axe(page, form);
      if (lang === "zh") await expectTranslated(page, "re-issue, the workbench's refusal", { selector: form });
      await screenshot(page, `console-forms-reissue-${lang}`);
      // another wallet: the refusal goes
      await page.fill("#reissue-op-new", privateKeyToAccount(generatePrivateKey()).address);
      await noProblem(page, "#reissue-op-new");
      await page.close();
    }
  });
});
