/**
 * The body console's dossier page as a clerk and an assessor use it (issue #14), in Chromium over an in-process
 * workbench whose key issues: the operator reads the whole application (education, years, appointment, integrity,
 * the cited files with a safe preview) and accepts it with a confirmation named for the action, which opens no
 * wallet; the audit log lists the acceptance with the operator; an assessor's score sheet refuses an out-of-range
 * score beside its field before anything is signed; the evaluation says its rules in words, with the result before
 * the approval and a page that refreshes as sheets arrive; after a suspension with a chosen evidence file, the next
 * dossier opens with nothing of the last one (no evidence, no renewal, no error, no result message).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import { ASSESSORS, dossierFor, expect200, RULEBOOK, RULEBOOK_HASH, samplePdf, samplePng, submitDossier, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startWorld, type AppWorkbench, type TestWallet, type World } from "./harness";

const EDUCATION_ZH = { none: "无学历", college: "大专", bachelor: "本科", master: "硕士研究生", doctor: "博士研究生" } as const;

describe("dApp · the body console's dossier page (申报材料, score sheet, evaluation in words, fresh state, audit log)", function () {
  this.timeout(420_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let apiUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;
  let tokens: Tokens;
  const APPLICANT = 31;
  const applicant = privateKeyToAccount(privateKeyOf(APPLICANT));
  const operatorAddress = privateKeyToAccount(privateKeyOf(ROLE.keyA)).address;

  const upload = async (bytes: Buffer, name: string, type: string, token: string): Promise<string> => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
    const r = await fetch(`${apiUrl}/evidence`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    expect(r.status, "upload").to.be.oneOf([200, 201]);
    return ((await r.json()) as { sha256: string }).sha256;
  };
  const signIn = signInToConsole;
  const openDossier = async (page: Page, id: string, lang: "zh" | "en" = "zh") => {
    await page.goto(appUrl(served, `/body/dossier/${id}`, lang));
    // the language is read when the app starts: a change of ?lang in the hash alone needs a reload
    if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    await signIn(page);
    await page.waitForSelector(`.dossier-page[data-dossier="${id}"]`);
  };
  const state = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ state: string }>().state;
  const waitFor = (id: string, want: string) => waitForState(http, tokens.operator, id, want, 60_000);
  const noOverflow = async (page: Page, what: string) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${what}: horizontal overflow at 390 px`).to.be.at.most(390);
  };
  /** zh and en at 390 and 1280 px; no horizontal overflow at 390 */
  const shots = async (page: Page, id: string, name: string, ready: string) => {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await openDossier(page, id, lang);
        await page.waitForSelector(ready);
        if (width === 390) await noOverflow(page, `${name}-${lang}`);
        await screenshot(page, `${name}-${lang}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-console-dossier" });
    ({ http, served, apiUrl } = app);
    tokens = await app.signInTeam(applicant);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    wallet = await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  it("the operator reads the whole application in words with its files, accepts it (no wallet), and the audit log names the operator", async () => {
    const pdf = samplePdf("appointment letter");
    const png = samplePng([20, 120, 200]);
    const pdfSha = await upload(pdf, "任命书.pdf", "application/pdf", tokens.applicant);
    const pngSha = await upload(png, "现场照片.png", "image/png", tokens.applicant);
    expect(pdfSha).to.equal(createHash("sha256").update(pdf).digest("hex"));
    const dossier = { ...dossierFor(9101), evidence: [{ kind: "appointment", name: "任命书.pdf", sha256: pdfSha }, { kind: "photo", name: "现场照片.png", sha256: pngSha }] };
    const id = await submitDossier(http, dossier, tokens.applicant);

    const page = await context.newPage();
    await openDossier(page, id);
    expect(await page.textContent('[data-testid="role-banner"]')).to.contain("经办人");
    const m = page.locator('[data-testid="materials"]');
    await m.waitFor();
    expect((await m.locator('[data-testid="materials-education"]').textContent())!.trim()).to.equal(EDUCATION_ZH[dossier.applicant.education]);
    expect((await m.locator('[data-testid="materials-years"]').textContent())!.trim()).to.equal(`${dossier.applicant.qualityYears} 年`);
    expect(await m.locator('[data-testid="materials-appointed"]').textContent()).to.contain(dossier.applicant.appointment.date).and.contain("已任命");
    expect((await m.locator('[data-testid="materials-pledge"]').textContent())!.trim()).to.equal("已签署");
    expect((await m.locator('[data-testid="materials-credit"]').textContent())!.trim()).to.equal(`${dossier.records.integrity.creditRating} 级`);
    for (const part of ["basic", "appointment", "training", "integrity", "performance", "files"]) expect(await m.locator(`[data-testid="materials-${part}"]`).count(), part).to.equal(1);
    // no enum names: the words, not the schema's values
    const materialsText = (await m.innerText()).toLowerCase();
    for (const raw of ["bachelor", "college", "master", "doctor", "intermediate", "senior", "appointment"]) expect(materialsText, raw).to.not.contain(raw);
    // the cited files: both listed, the image previewed from a blob: URL in an <img>, the PDF only downloaded
    const files = m.locator('[data-testid="materials-file-list"] li');
    expect(await files.evaluateAll((els) => els.map((e) => e.getAttribute("data-sha256")))).to.deep.equal([pdfSha, pngSha]);
    await m.locator(`li[data-sha256="${pngSha}"] button`).first().click();
    const img = m.locator(`li[data-sha256="${pngSha}"] [data-testid="evidence-preview"] img`);
    await img.waitFor();
    expect(await img.getAttribute("src")).to.match(/^blob:/);
    await m.locator(`li[data-sha256="${pdfSha}"] button`).first().click();
    await m.locator(`li[data-sha256="${pdfSha}"] [data-testid="evidence-no-preview"]`).waitFor();
    expect(await page.locator("iframe, object, embed").count()).to.equal(0);
    await shots(page, id, "console-dossier-materials", '[data-testid="materials-file-list"]');

    // 受理: a confirmation named for it, saying no transaction and no wallet; the result says what and when
    const walletCalls = wallet.calls.filter((c) => ["personal_sign", "eth_sendTransaction", "eth_signTypedData_v4"].includes(c)).length;
    await openDossier(page, id);
    await page.click('[data-testid="operator-actions"] button:has-text("受理")');
    const dialog = page.locator('[role="alertdialog"]');
    expect((await dialog.locator("h2").textContent())!.trim()).to.equal("确认受理");
    expect((await page.textContent('[data-testid="confirm"]'))!.trim()).to.equal("确认受理");
    expect(await dialog.textContent()).to.contain(id).and.contain("不发送链上交易").and.not.contain("确认并在钱包中签名");
    await page.click('[data-testid="confirm"]');
    const done = page.locator('[data-testid="action-done"]');
    await done.waitFor();
    expect(await done.textContent()).to.contain("已受理").and.contain(id).and.contain("北京时间");
    expect(await page.locator('[role="alertdialog"]').count(), "the result covers nothing").to.equal(0);
    await page.waitForSelector('section.card [data-state="accepted"]');
    expect(await state(id)).to.equal("accepted");
    expect(wallet.calls.filter((c) => ["personal_sign", "eth_sendTransaction", "eth_signTypedData_v4"].includes(c)).length, "the wallet was not opened").to.equal(walletCalls);

    // 操作记录: submission by the applicant (named), acceptance by the operator, the address behind a copy button
    const accepted = page.locator('[data-testid="audit-log"] li[data-action="accept"]');
    await accepted.waitFor();
    expect(await accepted.textContent()).to.contain("受理").and.contain("经办人");
    expect((await accepted.locator("button.copy").getAttribute("title"))!.toLowerCase()).to.equal(operatorAddress.toLowerCase());
    expect(await page.locator('[data-testid="audit-log"] li[data-action="submit"]').textContent()).to.contain(dossier.applicant.name);

    // a dossier that does not exist: refused (404) with no 重试, since retrying cannot help
    await page.evaluate(() => (window.location.hash = "#/body/dossier/HN-1999-000001"));
    const refused = page.locator('[role="alert"]');
    await refused.waitFor();
    expect(await refused.locator("button").count(), "no retry for a 4xx").to.equal(0);
    // the operator's tabs include 年审 (in Chinese only, on the Chinese page)
    await page.evaluate(() => (window.location.hash = "#/body"));
    expect((await page.locator('a[data-tab="reviews"]').textContent())!.trim()).to.equal("年审");
    await page.close();
  });

  it("an assessor's score sheet shows what earns the points and refuses an out-of-range score beside its field, before signing", async () => {
    const id = await submitDossier(http, dossierFor(9102), tokens.applicant);
    expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
    expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: ASSESSORS.slice(0, 3).map((a) => a.address) }, tokens.operator), "assign");
    const page = await context.newPage();
    await page.goto(appUrl(served, `/body/dossier/${id}`));
    await ensureConnected(page);
    await wallet.use(page, ASSESSORS[0]!.key);
    await page.reload();
    await signIn(page);
    await page.waitForSelector('[data-testid="score-sheet"] input[data-indicator]');
    expect(await page.textContent('[data-testid="role-banner"]')).to.contain("评审专家");
    // the employer code: the registered one, shown read-only, when the workbench gives it in the panel entry
    const mine = (await http("GET", `/dossiers/${id}`, undefined, tokens.assessors[0])).json<{ panel: { address: string; employerUscc?: string }[] }>().panel.find((p) => p.address === ASSESSORS[0]!.address);
    if (mine?.employerUscc) {
      expect(mine.employerUscc).to.equal(ASSESSORS[0]!.employerUscc);
      expect(await page.inputValue('[data-testid="sheet-uscc-registered"]')).to.equal(ASSESSORS[0]!.employerUscc);
      expect(await page.getAttribute("#sheet-uscc", "readonly")).to.not.equal(null);
    } else {
      expect(await page.locator('[data-testid="sheet-uscc-registered"]').count()).to.equal(0);
      await page.fill("#sheet-uscc", ASSESSORS[0]!.employerUscc);
    }
    const first = page.locator('[data-testid="score-sheet"] input[data-indicator]').first();
    const indicator = (await first.getAttribute("data-indicator"))!;
    const max = RULEBOOK.dimensions.flatMap((d) => d.indicators).find((i) => i.id === indicator)!.max / 10;
    expect(await page.textContent(`#guide-${indicator}`)).to.contain(`0 至 ${max.toFixed(1)} 分`);
    await first.fill(String(max + 4));
    const error = page.locator(`#score-${indicator}-error`);
    await error.waitFor();
    expect(await error.textContent()).to.contain(`0 至 ${max.toFixed(1)}`);
    expect(await first.getAttribute("aria-invalid")).to.equal("true");
    const signs = wallet.calls.filter((c) => c === "eth_signTypedData_v4").length;
    await page.click('[data-testid="score-sheet"] button[type="submit"]');
    await page.waitForSelector('[data-testid="sheet-refused"]');
    expect(await page.locator('[role="alertdialog"]').count(), "no confirmation for a refused sheet").to.equal(0);
    expect(wallet.calls.filter((c) => c === "eth_signTypedData_v4").length, "nothing signed").to.equal(signs);
    await first.fill(String(max));
    expect(await page.locator(`#score-${indicator}-error`).count()).to.equal(0);
    expect(await first.getAttribute("aria-invalid")).to.equal(null);
    await first.fill("-1");
    await error.waitFor();
    await screenshot(page, "console-dossier-score-sheet-zh-1280");
    await page.setViewportSize({ width: 390, height: 900 });
    await noOverflow(page, "score sheet");
    await screenshot(page, "console-dossier-score-sheet-zh-390");
    expect(await state(id)).to.equal("assigned");
    await wallet.use(page, privateKeyOf(ROLE.keyA));
    await page.close();
  });

  it("the evaluation says its rules in words (no formulas), the result before the approval, and refreshes as sheets arrive", async () => {
    // the panel still scoring: the page counts the sheets as they arrive, without a reload
    const pending = await submitDossier(http, dossierFor(9103), tokens.applicant);
    expect200(await http("POST", `/dossiers/${pending}/accept`, {}, tokens.operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${pending}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
    const page = await context.newPage();
    await openDossier(page, pending);
    const progress = page.locator('[data-testid="evaluation-pending"]');
    await progress.waitFor();
    expect(await progress.textContent()).to.contain("0 / 3");
    const hash = (await http("GET", `/dossiers/${pending}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>().dossierHash;
    const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, hash, panel, 9103, 40);
    expect200(await http("POST", `/dossiers/${pending}/sheets`, { sheet: await signSheet(sheets[0]!, panel[0]!.key) }, tokens.assessors[0]), "sheet", 201);
    await page.waitForSelector('[data-testid="evaluation-pending"]:has-text("1 / 3")', { timeout: 30_000 });

    const dossier = dossierFor(9104);
    const { id, state: evaluated } = await toEvaluated(http, tokens, dossier);
    expect(evaluated).to.equal("evaluated");
    await openDossier(page, id);
    const ev = page.locator('[data-testid="evaluation"]');
    await ev.waitFor();
    await ev.locator('[data-testid="evaluation-rules"] li').first().waitFor();
    const rules = await ev.locator('[data-testid="evaluation-rules"]').innerText();
    expect(rules).to.contain(`质量管理 ${dossier.applicant.qualityYears} 年 ≥`).and.contain("：符合");
    expect(rules).to.contain(EDUCATION_ZH[dossier.applicant.education]);
    const visible = await ev.innerText();
    for (const formula of ["≥ 1且", "= 1", "学历等级（", "（0 无 1 大专"]) expect(visible, formula).to.not.contain(formula);
    expect(await ev.locator('[data-testid="evaluation-highest"]').textContent()).to.contain("一级为最高等级");
    // the result comes first, then the approval
    const order = await page.evaluate(() => {
      const result = document.querySelector('[data-testid="evaluation-result"]');
      const approve = Array.from(document.querySelectorAll('[data-testid="evaluation"] button')).find((b) => b.textContent?.includes("批准发证"));
      return result && approve ? Boolean(result.compareDocumentPosition(approve) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
    });
    expect(order, "the approval button follows the result").to.equal(true);
    await shots(page, id, "console-dossier-evaluation", '[data-testid="evaluation-rules"] li');
    await openDossier(page, id, "en");
    const en = await page.locator('[data-testid="evaluation"]').innerText();
    expect(en).to.contain("Level I is the highest level").and.not.contain("= 1");
    await page.close();
  });

  it("after suspending one certificate with a chosen evidence file, the next dossier opens with no evidence, renewal, reason, error or result", async () => {
    // two certificates of the same applicant, issued by the workbench's key; a re-evaluation of theirs to renew with
    const issued: string[] = [];
    for (const seed of [9105, 9106]) {
      const { id } = await toEvaluated(http, tokens, dossierFor(seed));
      expect200(await http("POST", `/dossiers/${id}/approve`, {}, tokens.operator), "approve");
      await waitFor(id, "in-notice");
      issued.push(id);
    }
    const renewal = (await toEvaluated(http, tokens, dossierFor(9107))).id;
    await world.travel(8 * 86_400);
    for (const id of issued) expect(expect200(await http("POST", `/dossiers/${id}/end-notice`, {}, tokens.operator), "end-notice").json<{ state: string }>().state).to.equal("issued");
    const [first, second] = issued as [string, string];

    const page = await context.newPage();
    await openDossier(page, first);
    await page.waitForSelector('section.card [data-state="issued"]');
    // the operator uploads the evidence and chooses it; picks the re-evaluation offered for a renewal
    const evidence = samplePdf("inspection of the site");
    const sha = createHash("sha256").update(evidence).digest("hex");
    await page.setInputFiles("#evidence-file", { name: "现场检查记录.pdf", mimeType: "application/pdf", buffer: evidence });
    await page.click('[data-testid="evidence"] button[type="submit"]');
    await page.waitForSelector('[data-testid="evidence-uploaded"]');
    await page.selectOption("#lifecycle-evidence", sha);
    await page.waitForSelector(`#renewal-id option[value="${renewal}"]`, { state: "attached" });
    // offered: the applicant's re-evaluations (state evaluated) only — never a certificate's own dossier
    const offered = await page.locator("#renewal-id option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered[0]).to.equal("");
    expect(offered).to.include(renewal).and.not.include(first).and.not.include(second);
    for (const o of offered.slice(1)) expect(await state(o), o).to.equal("evaluated");
    await page.selectOption("#renewal-id", renewal);
    // revocation has no default reason: refused beside the field
    expect(await page.inputValue("#revoke-reason")).to.equal("");
    await page.click('[data-testid="operator-actions"] button:has-text("撤销证书")');
    await page.waitForSelector("#revoke-reason-error");
    expect(await page.getAttribute("#revoke-reason", "aria-invalid")).to.equal("true");
    // suspension asks for a reason
    await page.click('[data-testid="operator-actions"] button:has-text("暂停证书")');
    await page.waitForSelector("#suspend-reason-error");
    await page.fill("#suspend-reason", "现场检查发现任职情况与申报不符，待核实");
    await page.click('[data-testid="operator-actions"] button:has-text("暂停证书")');
    expect((await page.textContent('[data-testid="confirm"]'))!.trim()).to.equal("确认暂停 · 由本主体签名密钥上链");
    expect(await page.textContent('[role="alertdialog"]')).to.not.contain("确认并在钱包中签名");
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-testid="action-done"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="action-done"]')).to.contain("已在链上暂停证书").and.match(/0x[0-9a-f]{64}/);
    await page.waitForSelector('section.card [data-state="suspended"]');
    // the decision stays in view: reason, evidence, who
    const decision = page.locator('[data-testid="decision-suspend"]');
    await decision.waitFor();
    expect(await decision.textContent()).to.contain("待核实").and.contain(sha.slice(0, 12)).and.contain("经办人");
    const audit = (await http("GET", `/dossiers/${first}/audit`, undefined, tokens.operator)).json<{ items: { action: string; details: { evidence?: string; note?: string } }[] }>();
    expect(audit.items.find((a) => a.action === "suspend")?.details).to.deep.include({ evidence: sha, note: "现场检查发现任职情况与申报不符，待核实" });

    // the next dossier, opened in the same page: nothing of the last one
    await page.evaluate((id) => (window.location.hash = `#/body/dossier/${id}`), second);
    await page.waitForSelector(`.dossier-page[data-dossier="${second}"] section.card [data-state="issued"]`);
    await page.waitForSelector(`#renewal-id option[value="${renewal}"]`, { state: "attached" });
    expect(await page.inputValue("#lifecycle-evidence"), "no evidence selected").to.equal("");
    expect(await page.inputValue("#renewal-id"), "no renewal chosen").to.equal("");
    expect(await page.inputValue("#suspend-reason")).to.equal("");
    expect(await page.inputValue("#revoke-reason")).to.equal("");
    expect(await page.locator('[role="alert"], .field-error, [data-testid="action-done"], [data-testid="decision-suspend"]').count(), "no error or message of the other dossier").to.equal(0);
    expect(await state(second)).to.equal("issued");
    await page.close();
  });
});
