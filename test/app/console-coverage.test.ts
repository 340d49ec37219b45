/**
 * What the audit of issue #14 found untested, in one world (body A's workbench in-process, its key issuing):
 * decisions readable — a refused dossier's reasons in words (zh, en), a revoked certificate's reason, date,
 * evidence and actor in the dossier's decisions; axe-core clean — the assessor's score sheet (as opened and with a
 * refused score), the supervisor's void dialog, the holder's `#/mine` and annual report (empty and refused);
 * no horizontal overflow at 390 px — the assessors tab, an issued certificate's lifecycle forms (suspend, revoke,
 * renew, with their refusals), the re-issue consent page `#/body/consent` and the key consent page
 * `#/body/key-consent` (before and after signing); screenshots in zh and en of the score sheet and of the notice's
 * dialogs (the notice tab's 确认发证, an objection's ruling, the dossier page's 公示期满).
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { objectionStatement, objectionTypedData } from "../../sdk";
import { ASSESSORS, clientFor, dossierFor, expect200, samplePdf, submitDossier, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { appUrl, axeViolations, chainNow, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";
import { bodyNamesOnChain, expectTranslated } from "./untranslated";

type Lang = "zh" | "en";
const LANGS = ["zh", "en"] as const;
const DAY = 86_400;
const APPLICANT = 37;
const OBJECTOR = 38;
const KEY_CANDIDATE = 39;
const NEW_WALLET = 40;
/** a rejection's reasons: one in both languages, one as the clerk typed it (the workbench keeps it for both) */
const REASON_BI = { zh: "任命文件缺少任职单位公章", en: "the appointment letter lacks the employer's seal" };
const REASON_TYPED = "培训证明 HNCQO-T-0009203 已过期";
const REVOKE_NOTE = "培训证明系伪造，经发证机构书面确认";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

describe("dApp · console coverage (#14): decisions in words, axe on the sheet, void and holder pages, 390 px, dialogs", function () {
  this.timeout(600_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let browser: Browser;
  let tokens: Tokens;
  let names: string[] = [];
  /** the dossiers of this world, by what each is for */
  const ids = { refused: "", assigned: "", revoked: "", issued: "", noticeOver: "", objected: "", renewal: "" };
  let issuedToken = "";
  let revocation: { sha: string; txHash: string } = { sha: "", txHash: "" };
  const operator = privateKeyToAccount(privateKeyOf(ROLE.keyA));

  /** a browser context whose injected wallet is `key`'s */
  const contextOf = async (key: Hex, width = 1280): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await injectWallet(context, world, key);
    return context;
  };
  /** opens a route in a language (reloading when the language changes), connected and, for the console, signed in */
  const open = async (page: Page, route: string, lang: Lang, signIn = true): Promise<void> => {
    const url = appUrl(served, route, lang);
    // the same address again is no navigation; another hash is no reload: the language is read when the app starts
    const same = page.url() === url;
    await page.goto(url);
    if (same || (await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    if (signIn) await signInToConsole(page);
    else await ensureConnected(page);
  };
  const settled = (page: Page) => page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.match(/加载中|Loading/));
  const noOverflow = async (page: Page, what: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${what}: horizontal overflow at 390 px`).to.be.at.most(390);
  };
  const noAxe = async (page: Page, what: string) => {
    const found = await axeViolations(page, "body");
    expect(found, `${what}: axe violations\n  ${found.join("\n  ")}`).to.deep.equal([]);
  };
  const approveToNotice = async (seed: number): Promise<{ id: string; tokenId: string }> => {
    const { id, state } = await toEvaluated(http, tokens, dossierFor(seed));
    expect(state, `dossier ${seed}`).to.equal("evaluated");
    const { tokenId } = expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>();
    await waitForState(http, tokens.operator, id, "in-notice", 90_000);
    return { id, tokenId };
  };
  const upload = async (bytes: Buffer, name: string, token: string): Promise<string> => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
    const r = await fetch(`${app.apiUrl}/evidence`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    expect(r.status, "upload").to.be.oneOf([200, 201]);
    return ((await r.json()) as { sha256: string }).sha256;
  };

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-console-coverage" });
    ({ http, served } = app);
    tokens = await app.signInTeam(privateKeyToAccount(privateKeyOf(APPLICANT)));
    // refused with two reasons: one in both languages, one as the clerk typed it
    ids.refused = await submitDossier(http, dossierFor(9401), tokens.applicant);
    expect200(await http("POST", `/dossiers/${ids.refused}/reject`, { reasons: [REASON_BI, REASON_TYPED] }, tokens.operator), "reject");
    // waiting for the first assessor's sheet
    ids.assigned = await submitDossier(http, dossierFor(9402), tokens.applicant);
    expect200(await http("POST", `/dossiers/${ids.assigned}/accept`, {}, tokens.operator), "accept");
    expect200(await http("POST", `/dossiers/${ids.assigned}/assign`, { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }, tokens.operator), "assign");
    // four certificates in notice: two to end it (one revoked, one kept issued), one whose notice runs out, one objected to
    ids.revoked = (await approveToNotice(9403)).id;
    ({ id: ids.issued, tokenId: issuedToken } = await approveToNotice(9404));
    ids.noticeOver = (await approveToNotice(9405)).id;
    const objected = await approveToNotice(9406);
    ids.objected = objected.id;
    const objector = privateKeyToAccount(privateKeyOf(OBJECTOR));
    const statement = "申报的质量管理年限与事实不符。";
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await objector.signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, objectionStatement({ tokenId: BigInt(objected.tokenId), filer: objector.address, statement, issuedAt })));
    expect200(await http("POST", "/objections", { tokenId: objected.tokenId, statement, signature, issuedAt }, await app.signInAs(objector)), "objection", 201);
    // a re-evaluation of the same applicant: the issued certificate's renewal form offers it
    const renewal = await toEvaluated(http, tokens, dossierFor(9407));
    expect(renewal.state).to.equal("evaluated");
    ids.renewal = renewal.id;
    await world.travel(8 * DAY);
    for (const id of [ids.revoked, ids.issued]) expect(expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice").json<{ state: string }>().state).to.equal("issued");
    // revoked for fraud with the body's evidence file and a note
    const sha = await upload(samplePdf("letter of the training institute"), "培训机构复函.pdf", tokens.operator);
    const revoked = expect200(await http("POST", `/dossiers/${ids.revoked}/revoke`, { reason: "Fraud", evidence: sha, note: REVOKE_NOTE }, tokens.operator), "revoke").json<{ txHash: string }>();
    revocation = { sha, txHash: revoked.txHash };
    await waitForState(http, tokens.operator, ids.revoked, "revoked", 60_000);
    names = await bodyNamesOnChain(world);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  it("a refused dossier's page gives the reasons of the rejection in words, in the page's language", async () => {
    const context = await contextOf(privateKeyOf(ROLE.keyA));
    const page = await context.newPage();
    for (const lang of LANGS) {
      await open(page, `/body/dossier/${ids.refused}`, lang);
      const reasons = page.locator('[data-testid="decisions"] [data-testid="rejection-reasons"] li');
      await reasons.first().waitFor();
      expect((await reasons.allTextContents()).map((r) => r.trim()), lang).to.deep.equal([REASON_BI[lang], REASON_TYPED]);
      expect(await page.textContent('[data-testid="decisions"] h3'), lang).to.equal(lang === "zh" ? "不予受理的理由" : "Reasons for the rejection");
      // the audit log's entry says them too
      const entry = page.locator('[data-testid="audit-log"] li[data-action="reject"]');
      await entry.waitFor();
      expect(await entry.textContent()).to.contain(REASON_BI[lang]).and.contain(REASON_TYPED);
      if (lang === "zh") await expectTranslated(page, "refused dossier", { data: names });
      await screenshot(page, `coverage-refused-${lang}`);
    }
    await context.close();
  });

  it("a revoked certificate's dossier page keeps the revocation in view: its reason, date, evidence and who revoked", async () => {
    const audit = (await http("GET", `/dossiers/${ids.revoked}/audit`, undefined, tokens.operator)).json<{ items: { action: string; actor: string | null; at: number }[] }>();
    const entry = [...audit.items].reverse().find((e) => e.action === "revoke");
    expect(entry?.actor?.toLowerCase(), "the audit names the operator").to.equal(operator.address.toLowerCase());
    const local = new Date(entry!.at + 8 * 3_600_000);
    const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
    const hm = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
    const context = await contextOf(privateKeyOf(ROLE.keyA));
    const page = await context.newPage();
    for (const lang of LANGS) {
      await open(page, `/body/dossier/${ids.revoked}`, lang);
      await page.waitForSelector('section.card [data-state="revoked"]');
      const decision = page.locator('[data-testid="decision-revoke"]');
      await decision.waitFor();
      const text = (await decision.innerText()).replace(/\s+/g, " ");
      // the reason, in words
      expect(text, `${lang}: reason`).to.contain(lang === "zh" ? "原因：欺诈" : "reason: fraud").and.contain(REVOKE_NOTE);
      // the date, in China's time zone, named
      expect(text, `${lang}: date`).to.contain(lang === "zh" ? `${y}年${m + 1}月${d}日` : `${d} ${MONTHS[m]} ${y}`).and.contain(hm).and.contain(lang === "zh" ? "北京时间" : "UTC+8");
      // the evidence: the file's whole SHA-256 (the on-chain evidence hash), and the transaction
      expect(text, `${lang}: evidence`).to.contain(lang === "zh" ? `证据文件：${revocation.sha}` : `evidence file: ${revocation.sha}`).and.contain(revocation.txHash);
      // who: the signed-in operator ("you"), the role, the address behind its copy button
      expect(await decision.locator(".actor strong").textContent(), `${lang}: actor`).to.equal(lang === "zh" ? "您" : "you");
      expect(await decision.locator(".actor").textContent()).to.contain(lang === "zh" ? "经办人" : "Operator");
      expect((await decision.locator(".actor button.copy").getAttribute("title"))?.toLowerCase()).to.equal(operator.address.toLowerCase());
      if (lang === "zh") await expectTranslated(page, "revoked dossier", { data: names });
      await screenshot(page, `coverage-revoked-${lang}`);
    }
    // and the chain agrees: revoked
    const tokenId = (await http("GET", `/dossiers/${ids.revoked}`, undefined, tokens.operator)).json<{ tokenId: string }>().tokenId;
    expect((await clientFor(world.rpcUrl, world.deployment).verifyCertificate(tokenId)).status).to.equal("Revoked");
    await context.close();
  });

  it("the assessor's score sheet has no axe violations, as opened and with a refused score (zh and en, screenshots at 390 and 1280 px)", async () => {
    const context = await contextOf(ASSESSORS[0]!.key);
    const page = await context.newPage();
    for (const lang of LANGS) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await open(page, `/body/dossier/${ids.assigned}`, lang);
        const first = page.locator('[data-testid="score-sheet"] input[data-indicator]').first();
        await first.waitFor();
        await settled(page);
        await noAxe(page, `score sheet ${lang} ${width}`);
        await screenshot(page, `coverage-score-sheet-${lang}-${width}`);
        await first.fill("99");
        await page.click('[data-testid="score-sheet"] button[type="submit"]');
        await page.waitForSelector('[data-testid="sheet-refused"]');
        expect(await first.getAttribute("aria-invalid")).to.equal("true");
        await noAxe(page, `score sheet refused ${lang} ${width}`);
        if (width === 390) await noOverflow(page, `score sheet ${lang}`);
        await screenshot(page, `coverage-score-sheet-refused-${lang}-${width}`);
      }
    }
    expect((await http("GET", `/dossiers/${ids.assigned}`, undefined, tokens.operator)).json<{ state: string }>().state, "nothing was signed").to.equal("assigned");
    await context.close();
  });

  it("the supervisor's void dialog has no axe violations (zh and en)", async () => {
    const context = await contextOf(privateKeyOf(ROLE.supervisor));
    const page = await context.newPage();
    const day = new Date((await chainNow(world)) * 1000).toISOString().slice(0, 10);
    for (const lang of LANGS) {
      await open(page, "/association", lang, false);
      const body = page.locator(`details[data-body="${world.bodyA}"]`);
      await body.waitFor({ timeout: 60_000 });
      await body.locator("summary").click();
      await page.fill(`#void-${world.bodyA}`, day);
      await body.locator(`[data-testid="void-open-${world.bodyA}"]`).click();
      const dialog = page.locator('[data-testid="void-dialog"]');
      await dialog.waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid="void-count"]')?.textContent?.endsWith("…"));
      expect(await dialog.locator("h2").textContent()).to.equal(lang === "zh" ? "确认作废证书" : "Confirm voiding certificates");
      await noAxe(page, `void dialog ${lang}`);
      // a mistyped name: its error beside the field, still clean
      await page.fill(`#void-name-${world.bodyA}`, "湖南");
      await page.waitForSelector(`#void-name-${world.bodyA}-error`);
      expect(await page.locator('[data-testid="void-confirm"]').isDisabled()).to.equal(true);
      await noAxe(page, `void dialog, name mistyped ${lang}`);
      if (lang === "zh") await expectTranslated(page, "void dialog", { data: names });
      await screenshot(page, `coverage-void-dialog-${lang}`);
    }
    await context.close();
  });

  it("the holder's #/mine and annual report have no axe violations, the report also with its refusals (zh and en)", async () => {
    const holder = privateKeyToAccount(privateKeyOf(ROLE.holder)).address;
    const valid = world.certs.find((c) => c.holder === holder && c.expected === "Valid")!;
    const context = await contextOf(privateKeyOf(ROLE.holder));
    const page = await context.newPage();
    for (const lang of LANGS) {
      await open(page, "/mine", lang, false);
      await page.waitForSelector(`.cert-card[data-token="${valid.tokenId}"] img.qr`);
      await settled(page);
      await noAxe(page, `#/mine ${lang}`);
      await open(page, `/mine/annual-report/${valid.tokenId}`, lang, false);
      const sign = page.locator('[data-testid="sign-report"]');
      await sign.waitFor();
      await noAxe(page, `annual report ${lang}`);
      if (lang === "zh") await expectTranslated(page, "annual report", { data: names });
      await sign.click();
      await page.waitForSelector("#report-employer-error");
      expect(await page.getAttribute("#report-hours", "aria-invalid")).to.equal("true");
      await noAxe(page, `annual report refused ${lang}`);
      await screenshot(page, `coverage-annual-report-refused-${lang}`);
    }
    await context.close();
  });

  it("no horizontal overflow at 390 px: the assessors tab, an issued certificate's lifecycle forms, #/body/consent, #/body/key-consent", async () => {
    const context = await contextOf(privateKeyOf(ROLE.keyA), 390);
    const page = await context.newPage();
    for (const lang of LANGS) {
      await open(page, "/body?tab=assessors", lang);
      await page.locator("[data-assessor]").first().waitFor();
      await settled(page);
      await noOverflow(page, `assessors ${lang}`);
      await screenshot(page, `coverage-assessors-${lang}-390`);

      await open(page, `/body/dossier/${ids.issued}`, lang);
      await page.waitForSelector('section.card [data-state="issued"]');
      await page.waitForSelector(`#renewal-id option[value="${ids.renewal}"]`, { state: "attached" });
      for (const sel of ["#lifecycle-evidence", "#suspend-reason", "#revoke-reason", "#revoke-note", "#renewal-id"]) expect(await page.locator(sel).count(), sel).to.equal(1);
      await noOverflow(page, `issued dossier ${lang}`);
      // the refusals beside their fields: still within the width
      const actions = page.locator('[data-testid="operator-actions"]');
      await actions.locator("button", { hasText: lang === "zh" ? "暂停证书" : "Suspend" }).first().click();
      await actions.locator("button.danger").click();
      await page.waitForSelector("#suspend-reason-error");
      await page.waitForSelector("#revoke-reason-error");
      await noOverflow(page, `issued dossier, refusals ${lang}`);
      await screenshot(page, `coverage-lifecycle-${lang}-390`);
    }
    await context.close();

    // the re-issue consent, opened by the new wallet: what it agrees to, then its signature with a QR code
    const fresh = privateKeyToAccount(privateKeyOf(NEW_WALLET));
    const link = { chainId: world.deployment.chainId, contract: world.deployment.certificate, tokenId: issuedToken, newHolder: fresh.address, root: keccak256(toHex("coverage new root")), deadline: Math.floor(await chainNow(world)) + DAY };
    const consentRoute = `/body/consent?c=${Buffer.from(JSON.stringify(link)).toString("base64url")}`;
    const newWallet = await contextOf(privateKeyOf(NEW_WALLET), 390);
    const consent = await newWallet.newPage();
    for (const lang of LANGS) {
      await open(consent, consentRoute, lang, false);
      await consent.waitForSelector('[data-testid="consent-sign"]');
      expect(await consent.locator('[role="alert"]').count(), "the link is understood").to.equal(0);
      await noOverflow(consent, `consent ${lang}`);
      await consent.click('[data-testid="consent-sign"]');
      await consent.waitForSelector('[data-testid="consent-signature"] img.qr');
      await noOverflow(consent, `consent signed ${lang}`);
      await screenshot(consent, `coverage-consent-${lang}-390`);
    }
    await newWallet.close();

    // a would-be signing key's consent to serve body A
    const keyWallet = await contextOf(privateKeyOf(KEY_CANDIDATE), 390);
    const key = await keyWallet.newPage();
    for (const lang of LANGS) {
      await open(key, `/body/key-consent?body=${world.bodyA}`, lang, false);
      await key.waitForSelector('[data-testid="kc-body-name"]');
      await noOverflow(key, `key consent ${lang}`);
      await key.click('[data-testid="key-consent-sign"]');
      await key.waitForSelector(`[data-testid="key-consent-result"][data-body="${world.bodyA}"]`);
      await noOverflow(key, `key consent signed ${lang}`);
      if (lang === "zh") await expectTranslated(key, "key consent signed", { data: names });
      await screenshot(key, `coverage-key-consent-${lang}-390`);
    }
    await keyWallet.close();
  });

  it("the notice's dialogs, in zh and en: the notice tab's 确认发证, an objection's ruling, the dossier page's 公示期满 (axe-clean, cancelled)", async () => {
    const context = await contextOf(privateKeyOf(ROLE.keyA));
    const page = await context.newPage();
    const dialog = page.locator('[role="alertdialog"]');
    for (const lang of LANGS) {
      await open(page, "/body?tab=notice", lang);
      const item = page.locator(`[data-notice="${ids.noticeOver}"][data-can-end="true"]`);
      await item.waitFor({ timeout: 30_000 });
      await page.click(`[data-testid="end-notice-${ids.noticeOver}"]`);
      await dialog.waitFor();
      expect(await dialog.locator("h2").textContent()).to.equal(lang === "zh" ? "确认发证 · 由您确认，不发送交易" : "Confirm the issuance · by you, no transaction");
      expect(await dialog.textContent()).to.contain(ids.noticeOver);
      await noAxe(page, `end-notice dialog ${lang}`);
      await screenshot(page, `coverage-dialog-end-notice-${lang}`);
      await dialog.locator('button:not([data-testid="list-confirm-ok"])').click();
      await dialog.waitFor({ state: "detached" });

      // the objection's ruling: dismissed, with a note, asked first
      const form = page.locator("form.resolve").first();
      await form.waitFor();
      await form.locator('input[type="radio"][id$="-dismiss"]').check();
      await form.locator('textarea[id$="-note"]').fill("经核实，申报年限与劳动合同一致。");
      await form.locator('button[type="submit"]').click();
      await dialog.waitFor();
      // titled for the ruling, and the body's signing key sends it: no wallet is asked
      expect(await dialog.locator("#confirm-title").textContent()).to.equal(lang === "zh" ? "异议不成立 · 由本主体签名密钥上链" : "Dismiss the objection · sent on chain by this body's signing key");
      expect(await dialog.locator('[data-testid="confirm"]').textContent()).to.equal(lang === "zh" ? "确认，由本主体签名密钥上链" : "Confirm: the body's signing key sends it");
      await noAxe(page, `ruling dialog ${lang}`);
      await screenshot(page, `coverage-dialog-ruling-${lang}`);
      await dialog.locator('button:not([data-testid="confirm"])').click();
      await dialog.waitFor({ state: "detached" });

      // the dossier page's own 公示期满
      await open(page, `/body/dossier/${ids.noticeOver}`, lang);
      await page.waitForSelector('section.card [data-state="in-notice"]');
      await page.locator('[data-testid="operator-actions"] button.primary').click();
      await dialog.waitFor();
      expect(await dialog.locator("h2").textContent()).to.equal(lang === "zh" ? "确认公示期满" : "Confirm the end of the notice");
      await noAxe(page, `dossier end-notice dialog ${lang}`);
      await screenshot(page, `coverage-dialog-dossier-end-notice-${lang}`);
      await dialog.locator('button:not([data-testid="confirm"])').click();
      await dialog.waitFor({ state: "detached" });
    }
    // cancelled: nothing changed
    expect((await http("GET", `/dossiers/${ids.noticeOver}`, undefined, tokens.operator)).json<{ state: string }>().state).to.equal("in-notice");
    const objections = (await http("GET", "/objections", undefined, tokens.operator)).json<{ items: { dossierId: string; status: string }[] }>();
    expect(objections.items.find((o) => o.dossierId === ids.objected)?.status).to.equal("filed");
    await context.close();
  });
});
