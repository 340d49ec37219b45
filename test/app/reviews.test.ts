/**
 * 年审 in the dApp (issue #13), Chromium with the injected wallet and the body's workbench in-process: the holder
 * files the annual report from `#/mine/annual-report/<tokenId>` (signed in the wallet as EIP-712), the operator's
 * queue (`#/body?tab=reviews`) shows the certificate due with the report, and records a passed review on chain.
 * Both pages in zh and en at 390 and 1280 px, without horizontal overflow at 390.
 */
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import type { Deployment } from "../../sdk";
import { OPERATOR, clientFor, dossierFor, expect200, samplePdf, type Anvil, type Http } from "../server/helpers";
import { appUrl, ensureConnected, screenshot, signInToConsole } from "./harness";
import { DAY, startReviewedWorld, type ReviewedWorld } from "./reviewed-world";
import { expectTranslated } from "./untranslated";
import { usccCheckChar } from "../../scoring";

const HOLDER = 31;

describe("dApp · annual reviews (年审): the holder's annual report and the body's review queue", function () {
  this.timeout(300_000);
  let w: ReviewedWorld;
  let anvil: Anvil;
  let deployment: Deployment & { rpcUrl: string };
  let served: Served;
  let http: Http;
  let tokenId: string;
  let dossierId: string;

  /** the operator's workbench session, signed in for the app's host */
  const operatorToken = async (): Promise<string> => w.signInAs(OPERATOR);
  const walletContext = (index: number): Promise<BrowserContext> => w.walletContext(index);
  const noOverflow = async (page: Page, name: string, ready: string) => {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(appUrl(served, page.url().split("#")[1]!.replace(/[?&]lang=(zh|en)/, ""), lang));
        await page.reload();
        await ensureConnected(page);
        await page.locator(ready).first().waitFor();
        expect(await page.locator("html").getAttribute("lang")).to.equal(lang === "en" ? "en" : "zh-CN");
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${lang} at 390 px`).to.be.at.most(390);
        await screenshot(page, `${name}-${lang}-${width}`);
      }
    }
  };

  before(async () => {
    // 25 days before the review falls due: in the queue, and open for recording
    w = await startReviewedWorld({ prefix: "app-reviews", holders: [{ index: HOLDER, seed: 5151 }], travelDays: 340 });
    ({ anvil, deployment, served, http } = w);
    [tokenId] = w.tokenIds as [string];
    [dossierId] = w.dossierIds as [string];
  });

  after(async () => {
    await w?.stop();
  });

  it("the holder fills in and signs the annual report in the wallet; a missing field is marked next to it", async () => {
    const context = await walletContext(HOLDER);
    const page = await context.newPage();
    await page.goto(appUrl(served, `/mine/annual-report/${tokenId}`));
    await ensureConnected(page);
    await page.locator('[data-testid="sign-report"]').waitFor();
    await noOverflow(page, "annual-report", '[data-testid="sign-report"]');

    // back in zh (a change of the hash alone does not reload the page)
    await page.goto(appUrl(served, `/mine/annual-report/${tokenId}`));
    await page.reload();
    await ensureConnected(page);
    await page.click('[data-testid="sign-report"]');
    expect(await page.getAttribute("#report-employer", "aria-invalid")).to.equal("true");
    expect(await page.textContent("#report-employer-error")).to.equal("必填");
    await page.fill("#report-employer", "长沙新单位制造有限公司");
    await page.fill("#report-hours", "32");
    await page.fill("#report-incidents", "无");
    await page.click('[data-testid="sign-report"]');
    await page.locator('[data-testid="report-filed"]').waitFor();
    expect(await page.textContent('[data-testid="report-filed"]')).to.contain("年度报告已提交");
    await screenshot(page, "annual-report-filed-zh");
    await context.close();

    // the workbench has it, as signed by the holder's wallet
    const operator = await operatorToken();
    const reports = expect200(await http("GET", `/dossiers/${dossierId}/annual-reports`, undefined, operator), "reports").json<{ items: { content: { employerName: string; trainingHours: number } }[] }>();
    expect(reports.items.map((r) => r.content)).to.deep.equal([{ stillCqo: true, employerName: "长沙新单位制造有限公司", appointmentLetter: null, trainingHours: 32, incidents: "无" }]);
  });

  it("the operator's queue shows the certificate due with the holder's report and records a passed review on chain", async () => {
    const context = await walletContext(OPERATOR);
    const page = await context.newPage();
    await page.goto(appUrl(served, "/body?tab=reviews"));
    await signInToConsole(page);
    const card = page.locator(`.review-item[data-token="${tokenId}"]`);
    await card.waitFor();
    const days = Number((await card.locator(`[data-testid="days-${tokenId}"]`).textContent())!.replace(/\D/g, ""));
    expect(days).to.be.within(1, 30);
    expect(await card.locator(`[data-testid="report-${tokenId}"]`).textContent()).to.contain("长沙新单位制造有限公司");
    expect(await card.textContent()).to.contain("需重点审核");
    // the holder by name, the wallet behind its copy button; why the certificate is listed, in words
    expect(await card.locator(`[data-testid="holder-${tokenId}"] [data-testid="person-name"]`).textContent()).to.equal(dossierFor(5151).applicant.name);
    expect((await card.locator(`[data-testid="holder-${tokenId}"]`).textContent()) ?? "").to.not.match(/0x[0-9a-fA-F]{40}/);
    expect(await card.locator(`[data-testid="reasons-${tokenId}"] [data-reason="due-soon"]`).textContent()).to.equal("30 天内到期");
    await noOverflow(page, "reviews-queue", `.review-item[data-token="${tokenId}"]`);

    await page.goto(appUrl(served, "/body?tab=reviews"));
    await page.reload();
    await ensureConnected(page);
    await card.waitFor();
    // no evidence yet: marked next to the field, nothing sent
    await card.locator(`[data-testid="record-review-${tokenId}"]`).click();
    expect(await card.locator(`#review-${tokenId}-evidence`).getAttribute("aria-invalid")).to.equal("true");
    await card.locator(`#review-${tokenId}-evidence`).setInputFiles({ name: "年审记录.pdf", mimeType: "application/pdf", buffer: samplePdf("annual review record") });
    await card.locator(`#review-${tokenId}-evidence-hint`).filter({ hasText: "SHA-256" }).waitFor();
    await card.locator(`#review-${tokenId}-note`).fill("年审材料齐全");
    const before = await clientFor(anvil.url, deployment).verifyCertificate(tokenId);
    await card.locator(`[data-testid="record-review-${tokenId}"]`).click();
    expect(await page.textContent("#confirm-text")).to.contain("确认年审通过 · 由本主体签名密钥上链");
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-tx="done"], .progress [role="alert"]');
    expect(await page.locator('.progress [role="alert"]').count()).to.equal(0);
    const after = await clientFor(anvil.url, deployment).verifyCertificate(tokenId);
    expect(after.reviewsPassed).to.equal(1);
    expect(after.nextReviewDue).to.equal(before.nextReviewDue + 365 * DAY);
    // passed: out of the queue
    await page.locator(`.review-item[data-token="${tokenId}"]`).waitFor({ state: "detached" });
    await screenshot(page, "reviews-recorded-zh");
    await context.close();
  });

  it("the holder reports a change of employer from #/mine: checked inline, signed in the wallet; the body's queue lists it as 工作单位变更", async () => {
    const first17 = "91430100MA4L2B7Q5";
    const uscc = `${first17}${usccCheckChar(first17)}`;
    const context = await walletContext(HOLDER);
    const page = await context.newPage();
    await page.goto(appUrl(served, "/mine"));
    await ensureConnected(page);
    await page.locator(`[data-testid="employer-change-link"][href="#/mine/employer-change/${tokenId}"]`).click();
    await page.locator('[data-testid="sign-employer-change"]').waitFor();
    await noOverflow(page, "employer-change", '[data-testid="sign-employer-change"]');
    await page.goto(appUrl(served, `/mine/employer-change/${tokenId}`));
    await page.reload();
    await ensureConnected(page);
    const button = page.locator('[data-testid="sign-employer-change"]');
    await button.waitFor();
    await expectTranslated(page, "employer-change-form");
    // nothing filled in: the button waits; a wrong check character is marked next to its field as it is typed
    expect(await button.isDisabled()).to.equal(true);
    await page.fill("#ec-newEmployerName", "株洲新岗位精密制造有限公司");
    await page.fill("#ec-newEmployerUscc", `${first17}${usccCheckChar(first17) === "1" ? "2" : "1"}`);
    expect(await page.getAttribute("#ec-newEmployerUscc", "aria-invalid")).to.equal("true");
    expect(((await page.textContent('[data-testid="ec-newEmployerUscc-error"]')) ?? "").length).to.be.greaterThan(0);
    await page.fill("#ec-newEmployerUscc", uscc);
    expect(await page.getAttribute("#ec-newEmployerUscc", "aria-invalid")).to.equal(null);
    await page.locator('label[for="ec-cqo-yes"]').click();
    await page.fill("#ec-changedOn", "2026-11-20");
    expect(await button.isDisabled(), "no statement yet").to.equal(true);
    await page.fill("#ec-statement", "本人已于 2026 年 11 月调入新单位，继续担任首席质量官。");
    expect(await button.isEnabled()).to.equal(true);
    expect(await button.textContent()).to.equal("在钱包中签名并提交");
    await button.click();
    await page.locator('[data-testid="employer-change-filed"]').waitFor();
    expect(await page.textContent('[data-testid="employer-change-filed"]')).to.contain("工作单位变更报告已于").and.contain("年审");
    await page.locator('[data-testid="employer-changes"] li').waitFor();
    expect(await page.locator('[data-testid="employer-changes"] li').count()).to.equal(1);
    await screenshot(page, "employer-change-filed-zh");
    await context.close();

    // the workbench has it signed by the holder; the queue lists the certificate for it
    const operator = await operatorToken();
    const changes = expect200(await http("GET", `/dossiers/${dossierId}/employer-changes`, undefined, operator), "changes").json<{ items: { content: { newEmployerUscc: string; stillCqo: boolean } }[] }>();
    expect(changes.items.map((c) => c.content)).to.deep.include({ newEmployerName: "株洲新岗位精密制造有限公司", newEmployerUscc: uscc, stillCqo: true, changedOn: "2026-11-20", statement: "本人已于 2026 年 11 月调入新单位，继续担任首席质量官。" });
    const queue = expect200(await http("GET", "/reviews", undefined, operator), "queue").json<{ items: { tokenId: string; reasons: string[] }[] }>();
    expect(queue.items.find((i) => i.tokenId === tokenId)?.reasons).to.include("employer-changed");

    const body = await walletContext(OPERATOR);
    const op = await body.newPage();
    await op.goto(appUrl(served, "/body?tab=reviews"));
    await signInToConsole(op);
    const card = op.locator(`.review-item[data-token="${tokenId}"]`);
    await card.waitFor();
    expect(await card.locator(`[data-testid="reasons-${tokenId}"] [data-reason="employer-changed"]`).textContent()).to.equal("工作单位变更");
    expect(await card.locator(`[data-testid="employer-change-${tokenId}"]`).textContent()).to.contain("株洲新岗位精密制造有限公司").and.contain(uscc);
    await expectTranslated(op, "reviews-employer-change");
    await noOverflow(op, "reviews-employer-change", `.review-item[data-token="${tokenId}"] [data-reason="employer-changed"]`);
    await body.close();
  });
});
