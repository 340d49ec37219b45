/**
 * 年审逾期 in the dApp (issue #13), Chromium with the injected wallet and the body's workbench in-process, on a
 * rulebook with reviews every 365 days and 60 days of grace: the holder files the annual report from `#/mine` with
 * an appointment letter (任命文件) uploaded; the chain's clock passes the due date and the grace, so two
 * certificates are overdue; the operator's queue lists both as 已逾期 with the days overdue, the chain's 年审逾期 and
 * the report with its letter (the hash, and the file downloaded back); the public verify page says 年审逾期; the
 * operator records a failed review for each with an evidence file, one suspended and one revoked (FailedReview),
 * which the chain, the queue, the verify page and the dossier show. Queue screenshots in zh and en, axe, untranslated.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { createPublicClient, http as viemHttp } from "viem";
import type { Served } from "../../app/serve";
import type { Deployment } from "../../sdk";
import { OPERATOR, clientFor, expect200, samplePdf, type Anvil, type Http } from "../server/helpers";
import { appUrl, axeViolations, ensureConnected, screenshot, signInToConsole } from "./harness";
import { DAY, startReviewedWorld, type ReviewedWorld } from "./reviewed-world";
import { expectTranslated } from "./untranslated";

const GRACE = 60 * DAY;
/** the holders of the two certificates: the first files the annual report, the second files nothing */
const HOLDERS = [33, 34] as const;
const SEEDS = [7171, 7272] as const;
const LETTER = samplePdf("appointment letter: chief quality officer 2027");
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("dApp · annual reviews overdue (年审逾期): the letter, the overdue queue, failed reviews", function () {
  this.timeout(300_000);
  let w: ReviewedWorld;
  let anvil: Anvil;
  let deployment: Deployment & { rpcUrl: string };
  let served: Served;
  let http: Http;
  let tokenIds: string[] = [];
  let dossierIds: string[] = [];

  const travel = (s: number) => w.travel(s);
  const reader = () => clientFor(anvil.url, deployment);
  const latestTime = async () => Number((await createPublicClient({ transport: viemHttp(anvil.url) }).getBlock()).timestamp);
  const operatorToken = (): Promise<string> => w.signInAs(OPERATOR);
  const walletContext = (index: number): Promise<BrowserContext> => w.walletContext(index);
  /** the operator's review queue, signed in, in `lang` */
  const openQueue = async (page: Page, lang: "zh" | "en" = "zh") => {
    await page.goto(appUrl(served, "/body?tab=reviews", lang));
    await page.reload();
    await signInToConsole(page);
    await page.locator(".review-item").first().waitFor();
  };
  const card = (page: Page, n: number) => page.locator(`.review-item[data-token="${tokenIds[n]}"]`);

  before(async () => {
    // 40 days before the first review falls due: the holder has time to file the report
    w = await startReviewedWorld({ prefix: "app-reviews-overdue", holders: HOLDERS.map((index, n) => ({ index, seed: SEEDS[n]! })), travelDays: 317, graceDays: GRACE / DAY });
    ({ anvil, deployment, served, http, tokenIds, dossierIds } = w);
  });

  after(async () => {
    await w?.stop();
  });

  it("the holder files the annual report from #/mine with the appointment letter uploaded; the workbench has the letter's SHA-256 and the file", async () => {
    const context = await walletContext(HOLDERS[0]);
    const page = await context.newPage();
    await page.goto(appUrl(served, "/mine"));
    await ensureConnected(page);
    await page.locator(`a[href="#/mine/annual-report/${tokenIds[0]}"]`).click();
    await page.locator('[data-testid="sign-report"]').waitFor();
    await page.fill("#report-employer", "湘潭精工质量管理有限公司");
    await page.fill("#report-hours", "40");
    await page.fill("#report-incidents", "无");
    await page.setInputFiles("#report-letter", { name: "任命文件.pdf", mimeType: "application/pdf", buffer: LETTER });
    await page.click('[data-testid="sign-report"]');
    await page.locator('[data-testid="report-filed"]').waitFor();
    expect(await page.textContent('[data-testid="report-filed"]')).to.contain("年度报告已提交").and.contain(sha256(LETTER));
    await expectTranslated(page, "annual-report-letter-filed");
    await screenshot(page, "annual-report-letter-filed-zh");
    await context.close();

    const operator = await operatorToken();
    const reports = expect200(await http("GET", `/dossiers/${dossierIds[0]}/annual-reports`, undefined, operator), "reports").json<{ items: { content: { appointmentLetter: string | null } }[] }>();
    expect(reports.items.map((r) => r.content)).to.deep.equal([{ stillCqo: true, employerName: "湘潭精工质量管理有限公司", appointmentLetter: sha256(LETTER), trainingHours: 40, incidents: "无" }]);
    const file = await http("GET", `/evidence/${sha256(LETTER)}`, undefined, operator);
    expect(file.status).to.equal(200);
  });

  it("past the due date and the grace: the queue lists both as 已逾期 with the days overdue and the chain's 年审逾期, the report with its letter", async () => {
    const due = (await reader().verifyCertificate(tokenIds[0]!)).nextReviewDue;
    expect(due).to.be.greaterThan(await latestTime());
    await travel(due + GRACE + 5 * DAY - (await latestTime()));
    for (const id of tokenIds) expect((await reader().verifyCertificate(id)).status).to.equal("ReviewOverdue");

    const context = await walletContext(OPERATOR);
    const page = await context.newPage();
    await openQueue(page);
    const now = await latestTime(); // no block is mined while the page reads: the workbench's clock is this one
    for (const n of [0, 1]) {
      const c = card(page, n);
      const id = tokenIds[n]!;
      const dueN = (await reader().verifyCertificate(id)).nextReviewDue;
      const late = -Math.floor((dueN - now) / DAY);
      expect(late).to.be.within(65, 66);
      expect(await c.getAttribute("data-overdue")).to.equal("true");
      expect(await c.locator(`[data-testid="days-${id}"]`).textContent()).to.equal(`已逾期 ${late} 天`);
      expect(await c.locator(`[data-testid="reasons-${id}"] [data-reason="overdue"]`).textContent()).to.equal("已逾期");
      expect(await c.locator(`[data-testid="status-${id}"]`).getAttribute("data-status")).to.equal("ReviewOverdue");
      expect(await c.locator(`[data-testid="status-${id}"]`).textContent()).to.equal("年审逾期");
    }
    // the report, with its letter: the hash, and the file itself downloaded back from the workbench
    const letter = card(page, 0).locator(`[data-testid="letter-${tokenIds[0]}"]`);
    expect(await letter.textContent()).to.contain(`SHA-256 ${sha256(LETTER)}`);
    const [download] = await Promise.all([page.waitForEvent("download"), letter.locator('button:has-text("下载")').click()]);
    expect(download.suggestedFilename()).to.equal("任命文件.pdf");
    expect(sha256(readFileSync((await download.path())!))).to.equal(sha256(LETTER));
    expect(await card(page, 0).locator(`[data-testid="report-${tokenIds[0]}"]`).textContent()).to.contain("湘潭精工质量管理有限公司");
    expect(await card(page, 1).textContent()).to.contain("持证人尚未提交年度报告");

    expect(await axeViolations(page, '[data-testid="reviews"]')).to.deep.equal([]);
    await expectTranslated(page, "reviews-overdue");
    await screenshot(page, "reviews-overdue-zh");
    // at 390 px the overdue cards, the letter's hash included, fit without a horizontal scroll
    await page.setViewportSize({ width: 390, height: 900 });
    for (const n of [0, 1]) {
      const fits = await card(page, n).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
      expect(fits.scroll, `card ${n} at 390 px`).to.be.at.most(fits.client);
      expect(fits.right, `card ${n} at 390 px`).to.be.at.most(390);
    }
    await screenshot(page, "reviews-overdue-zh-390");
    await page.setViewportSize({ width: 1280, height: 900 });
    await openQueue(page, "en");
    expect(await card(page, 0).locator(`[data-testid="days-${tokenIds[0]}"]`).textContent()).to.match(/^\d+ days overdue$/);
    expect(await card(page, 0).locator(`[data-testid="status-${tokenIds[0]}"]`).textContent()).to.equal("Annual review overdue");
    expect(await card(page, 0).locator(`[data-testid="letter-${tokenIds[0]}"] button`).first().textContent()).to.not.match(/[\u4e00-\u9fff]/);
    expect(await axeViolations(page, '[data-testid="reviews"]')).to.deep.equal([]);
    await screenshot(page, "reviews-overdue-en");
    await context.close();
  });

  it("the public verify page says 年审逾期 (Annual review overdue), no wallet needed", async () => {
    const context = await w.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [lang, title] of [["zh", "年审逾期"], ["en", "Annual review overdue"]] as const) {
      await page.goto(appUrl(served, `/verify/${tokenIds[1]}`, lang));
      await page.reload();
      const verdict = page.locator('.verdict[data-status="ReviewOverdue"]');
      await verdict.waitFor();
      expect(await verdict.locator(".verdict-title").textContent()).to.equal(title);
    }
    await context.close();
  });

  it("the operator records failed reviews with evidence: one suspended, one revoked as FailedReview; chain, queue, verify page and dossier show it", async () => {
    const context = await walletContext(OPERATOR);
    const page = await context.newPage();
    const fail = async (n: number, onFailure: "suspend" | "revoke", confirm: string) => {
      await openQueue(page);
      const id = tokenIds[n]!;
      const c = card(page, n);
      await c.locator(`label[for="review-${id}-failed"]`).click();
      await c.locator(`#review-${id}-failure`).selectOption(onFailure);
      // no evidence: marked next to the field, nothing sent
      await c.locator(`[data-testid="record-review-${id}"]`).click();
      expect(await c.locator(`#review-${id}-evidence`).getAttribute("aria-invalid")).to.equal("true");
      const evidence = samplePdf(`failed annual review ${id} ${onFailure}`);
      await c.locator(`#review-${id}-evidence`).setInputFiles({ name: "年审不通过记录.pdf", mimeType: "application/pdf", buffer: evidence });
      await c.locator(`#review-${id}-evidence-hint`).filter({ hasText: sha256(evidence) }).waitFor();
      await c.locator(`#review-${id}-note`).fill("逾期未提交材料");
      await c.locator(`[data-testid="record-review-${id}"]`).click();
      expect(await page.textContent("#confirm-text")).to.contain(confirm).and.contain(id);
      await page.click('[data-testid="confirm"]');
      await page.waitForSelector('[data-tx="done"], .progress [role="alert"]');
      expect(await page.locator('.progress [role="alert"]').count()).to.equal(0);
      return `0x${sha256(evidence)}`;
    };

    const suspendEvidence = await fail(0, "suspend", "确认年审不通过并暂停证书");
    const suspended = await reader().verifyCertificate(tokenIds[0]!);
    expect(suspended).to.include({ status: "Suspended", suspendedByBody: true, valid: false });
    const history = await reader().certificateHistory(tokenIds[0]!);
    expect(history.slice(-2).map((h) => h.kind)).to.deep.equal(["reviewed", "suspended"]);
    expect(history.at(-2)).to.include({ result: "FailedSuspended", evidenceHash: suspendEvidence });
    // still in the queue (its review is still due), now suspended on chain
    await card(page, 0).locator(`[data-testid="status-${tokenIds[0]}"][data-status="Suspended"]`).waitFor();
    expect(await card(page, 0).locator(`[data-testid="status-${tokenIds[0]}"]`).textContent()).to.equal("已暂停");

    const revokeEvidence = await fail(1, "revoke", "确认年审不通过并撤销证书");
    const revoked = await reader().verifyCertificate(tokenIds[1]!);
    expect(revoked).to.include({ status: "Revoked", revocationReason: "FailedReview", valid: false });
    expect((await reader().certificateHistory(tokenIds[1]!)).at(-2)).to.include({ kind: "reviewed", result: "FailedRevoked", evidenceHash: revokeEvidence });
    // revoked: out of the queue
    await card(page, 1).waitFor({ state: "detached" });
    await screenshot(page, "reviews-failed-zh");

    // the dossiers follow the chain
    const operator = await operatorToken();
    const states = await Promise.all(dossierIds.map(async (id) => (await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string }>().state));
    expect(states).to.deep.equal(["suspended", "revoked"]);
    await page.goto(appUrl(served, `/body/dossier/${encodeURIComponent(dossierIds[1]!)}`));
    await page.locator(`.dossier-page[data-dossier="${dossierIds[1]}"] .badge.state[data-state="revoked"]`).waitFor();
    expect(await page.locator(`.dossier-page .badge.state[data-state="revoked"]`).first().textContent()).to.equal("已撤销");

    // the public verify page: suspended by the body; revoked for the failed review, the review in the history
    await page.goto(appUrl(served, `/verify/${tokenIds[0]}`));
    await page.reload();
    await page.locator('.verdict[data-status="Suspended"]').waitFor();
    expect(await page.locator(".verdict").textContent()).to.contain("已暂停").and.contain("由颁发证书的认定主体暂停");
    await page.locator('li[data-kind="reviewed"]').waitFor();
    expect(await page.locator('li[data-kind="reviewed"] .tl-what').textContent()).to.contain("年审：未通过，暂停");
    await page.goto(appUrl(served, `/verify/${tokenIds[1]}`));
    await page.reload();
    await page.locator('.verdict[data-status="Revoked"]').waitFor();
    expect(await page.locator(".verdict").textContent()).to.contain("已撤销").and.contain("年审或复评未通过");
    await page.locator('li[data-kind="reviewed"]').waitFor();
    expect(await page.locator('li[data-kind="reviewed"] .tl-what').textContent()).to.contain("年审：未通过，撤销");
    expect(await page.locator('li[data-kind="revoked"] .tl-what').textContent()).to.contain("年审或复评未通过");
    await screenshot(page, "verify-failed-review-zh");
    await context.close();
  });
});
