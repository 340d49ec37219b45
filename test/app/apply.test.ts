/**
 * 申报 (#/apply, issue #12) end to end: a brand-new wallet signs in to the body's workbench (in-process, on the
 * page's host as SIWE requires), the ID number's check digit is refused as it is typed with the workbench's own
 * words, the draft survives a reload, one evidence file is uploaded with its progress, the integrity declaration is
 * signed in the wallet as EIP-712, the application is submitted and its status page follows it: rejected by the
 * operator with a reason; a second application (consent to publication given, by keyboard) is withdrawn from the
 * page; applications decided through the workflow show the evaluation (certified and issued: the way to 我的证书;
 * ineligible: the conditions not met). A rulebook/2 rule only the workbench checks comes back as a 422 shown next
 * to its field; a file refused by its content, under the file input. axe-core finds no WCAG A/AA violation.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import { INTEGRITY_DECLARATION } from "../../sdk/declaration";
import { ASSESSORS, dossierFor, expect200, registerAssessors, samplePdf, toEvaluated, waitForState } from "../server/helpers";
import { fillApplication, ID_BAD, ID_OK, USCC_OK } from "./apply-form";
import { appUrl, axeViolations, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startAppWorkbench, startWorld, type TestWallet, type World } from "./harness";

const APPLICANT_INDEX = 40;
/** a rulebook/2, whose input rules the workbench checks beyond the dossier schema (scoring/dossier/consistency.ts) */
const RULEBOOK_V2 = "hn-cqo-default@2026.1";

interface StoredDossier {
  id: string;
  state: string;
  applicant: string;
  dossier: { applicant: { name: string; idNumber: string }; employer: { uscc: string }; evidence: { kind: string; name: string; sha256: string }[] };
  rejection: { zh: string; en: string }[] | null;
  declaration: { version: string; signedAt: number; dossierDigest: string; publishInNotice: boolean } | null;
}

describe("dApp · 申报 the applicant's pages (#/apply)", function () {
  this.timeout(300_000);
  let world: World;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;

  before(async () => {
    world = await startWorld();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    wallet = await injectWallet(context, world, privateKeyOf(APPLICANT_INDEX));
  });
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);
  const errorOf = (page: Page, name: string) => page.locator(`[data-field-error="${name}"]`);

  async function noOverflowAt390(page: Page, name: string): Promise<void> {
    // English first: the page is left in Chinese, as the rest of the test reads it
    for (const lang of ["en", "zh"] as const) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate((l) => {
          const bare = window.location.hash.replace(/[?&]lang=(zh|en)/, "");
          window.location.hash = `${bare}${bare.includes("?") ? "&" : "?"}lang=${l}`;
        }, lang);
        await page.reload();
        await ensureConnected(page);
        await page.locator('[data-testid="apply-signed-in"]').waitFor();
        await page.locator(name === "apply-form" ? '[data-testid="submit-application"]' : '[data-testid="steps"]').waitFor();
        expect(await page.locator("html").getAttribute("lang")).to.equal(lang === "en" ? "en" : "zh-CN");
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${lang} at 390 px`).to.be.at.most(390);
        await screenshot(page, `${name}-${lang}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it("a new wallet applies: check digit refused as typed, draft kept over a reload, evidence uploaded, declaration signed, submitted; rejected with a reason; a second one withdrawn; decided ones explained", async () => {
    const app = await startAppWorkbench(world, { prefix: "app-apply-wb" });
    try {
      const { http, served, signInAs } = app;
      const operator = await signInAs(privateKeyToAccount(privateKeyOf(ROLE.keyA)));

      const page = await context.newPage();
      await page.goto(appUrl(served, "/apply"));
      await ensureConnected(page);
      const signsBefore = wallet.calls.filter((m) => m === "personal_sign").length;
      await page.locator('[data-testid="apply-sign-in"]').click();
      await page.locator('[data-testid="apply-signed-in"]').waitFor();
      expect(wallet.calls.filter((m) => m === "personal_sign").length, "SIWE: one signature").to.equal(signsBefore + 1);
      await page.locator('[data-testid="my-dossiers"]').getByText("您还没有提交过申报").waitFor();

      // the ID number's check digit, refused as it is typed, in the workbench's own words
      await field(page, "applicant.idNumber").fill(ID_BAD);
      await errorOf(page, "applicant.idNumber").waitFor();
      expect(await errorOf(page, "applicant.idNumber").textContent()).to.contain("身份证号码校验码错误（GB 11643）");
      expect(await field(page, "applicant.idNumber").getAttribute("aria-invalid")).to.equal("true");
      await field(page, "applicant.idNumber").fill(ID_OK);
      await errorOf(page, "applicant.idNumber").waitFor({ state: "detached" });
      expect(await field(page, "applicant.idNumber").getAttribute("aria-invalid")).to.equal(null);

      await fillApplication(page, "李明华");
      // a reload: the draft is back (this wallet's), the session too
      await page.reload();
      await ensureConnected(page);
      await page.locator('[data-testid="draft-restored"]').waitFor();
      expect(await field(page, "applicant.name").inputValue()).to.equal("李明华");
      expect(await field(page, "applicant.idNumber").inputValue()).to.equal(ID_OK);
      expect(await field(page, "employer.uscc").inputValue()).to.equal(USCC_OK);
      expect(await field(page, "records.awards[0].name").inputValue()).to.equal("湖南省质量奖");
      expect(await field(page, "records.examScore").inputValue()).to.equal("88.5");

      expect(await axeViolations(page, ".apply-area"), "axe on the form").to.deep.equal([]);

      // a file the workbench does not accept (by its content): its words under the file input, nothing cited
      await page.locator("#evidence-file").setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("just some text, not a PDF") });
      await page.locator('[data-testid="upload-evidence"]').click();
      await errorOf(page, "file").waitFor();
      expect(await errorOf(page, "file").textContent()).to.contain("按内容识别");
      expect(await page.locator("#evidence-file").getAttribute("aria-invalid")).to.equal("true");
      expect(await page.locator('[data-testid="evidence-list"] li').count()).to.equal(0);

      // one evidence file, its upload's progress reaching 100 %
      const pdf = samplePdf("letter of appointment 40");
      await page.locator("#evidence-kind").selectOption("appointment");
      await page.locator("#evidence-file").setInputFiles({ name: "任命书.pdf", mimeType: "application/pdf", buffer: pdf });
      await page.locator('[data-testid="upload-evidence"]').click();
      await page.locator('[data-testid="evidence-list"] li').waitFor();
      expect(await page.locator('[data-testid="upload-percent"]').textContent()).to.contain("100 %");
      expect(await page.locator('[data-testid="upload-progress"]').evaluate((p) => (p as HTMLProgressElement).value)).to.equal(100);
      const sha = await page.locator('[data-testid="evidence-list"] li').getAttribute("data-sha256");
      expect(sha).to.match(/^[0-9a-f]{64}$/);

      // rulebook/2's own input rule only the workbench checks (training hours): its 422 shows next to the field
      await field(page, "rulebook").selectOption(RULEBOOK_V2);
      await field(page, "records.trainingHours").fill("20");
      await page.locator('[data-testid="sign-declaration"]').click();
      await page.locator('[data-testid="declaration-signed"]').waitFor();
      await page.locator('[data-testid="submit-application"]').click();
      await errorOf(page, "records.trainingHours").waitFor();
      expect(await errorOf(page, "records.trainingHours").textContent()).to.contain("培训总学时 20 少于其中包含的任职培训学时 36");
      expect(await field(page, "records.trainingHours").getAttribute("aria-invalid")).to.equal("true");
      expect(page.url()).to.match(/#\/apply\?/);
      // corrected: the problem goes, and the signature with it (it was over the old content)
      await field(page, "records.trainingHours").fill("60");
      await errorOf(page, "records.trainingHours").waitFor({ state: "detached" });
      expect(await page.locator('[data-testid="declaration-signed"]').count()).to.equal(0);

      // the declaration, signed in the wallet (EIP-712); consent to publication left unticked
      await page.locator('[data-testid="declaration-zh"]').getByText("本人承诺").waitFor();
      expect(await page.locator("#publish-consent").isChecked()).to.equal(false);
      const typedBefore = wallet.calls.filter((m) => m === "eth_signTypedData_v4").length;
      await page.locator('[data-testid="sign-declaration"]').click();
      await page.locator('[data-testid="declaration-signed"]').waitFor();
      expect(wallet.calls.filter((m) => m === "eth_signTypedData_v4").length).to.equal(typedBefore + 1);
      await page.setViewportSize({ width: 1280, height: 900 });
      await screenshot(page, "apply-form-signed-zh-1280");
      await page.locator('[data-testid="submit-application"]').click();

      // the status page: 申请 done, awaiting acceptance
      await page.waitForFunction(() => /#\/apply\/[A-Z]+-\d{4}-\d+/.test(window.location.hash));
      const first = /#\/apply\/([^?]+)/.exec(page.url())![1]!;
      await page.locator('[data-step="stepApply"][data-status="done"]').waitFor();
      expect(await page.locator('[data-step="stepAccept"]').getAttribute("data-status")).to.equal("current");
      expect(await page.locator('[data-testid="dossier-state"]').textContent()).to.equal("已申请，待受理");
      // submitted: the draft is gone
      expect(await page.evaluate((a) => localStorage.getItem(`cqo.apply.draft.${a.toLowerCase()}`), wallet.account().address)).to.equal(null);

      const stored = expect200(await http("GET", `/dossiers/${first}`, undefined, operator), "operator reads").json<StoredDossier>();
      expect(stored.state).to.equal("submitted");
      expect(stored.applicant.toLowerCase()).to.equal(wallet.account().address.toLowerCase());
      expect(stored.dossier.applicant.idNumber).to.equal(ID_OK);
      expect(stored.dossier.employer.uscc).to.equal(USCC_OK);
      expect(stored.dossier.evidence).to.deep.equal([{ kind: "appointment", name: "任命书.pdf", sha256: sha }]);
      expect(stored.declaration, "the declaration stored with the dossier").to.not.equal(null);
      expect(stored.declaration!.version).to.equal(INTEGRITY_DECLARATION.version);
      expect(stored.declaration!.publishInNotice, "consent left unticked").to.equal(false);

      await noOverflowAt390(page, "apply-status");

      // the operator does not accept it, with a reason: the status page shows it
      const reason = { zh: "任命书未加盖单位公章", en: "the letter of appointment bears no company seal" };
      expect200(await http("POST", `/dossiers/${first}/reject`, { reasons: [reason] }, operator), "reject");
      await page.goto(appUrl(served, `/apply/${first}`));
      await page.reload();
      await ensureConnected(page);
      await page.locator('[data-testid="rejection"]').getByText(reason.zh).waitFor();
      expect(await page.locator('[data-step="stepAccept"]').getAttribute("data-status")).to.equal("failed");
      expect(await page.locator('[data-testid="withdraw"]').count()).to.equal(0);
      await screenshot(page, "apply-status-rejected-zh-1280");
      expect(await axeViolations(page, ".apply-area"), "axe on the status page").to.deep.equal([]);

      // a second application, this time consenting to publication; withdrawn from its status page
      await page.goto(appUrl(served, "/apply"));
      await page.reload();
      await ensureConnected(page);
      await page.locator(`[data-testid="my-dossiers"] [data-dossier="${first}"][data-state="rejected"]`).waitFor();
      expect(await page.locator('[data-testid="draft-restored"]').count()).to.equal(0);
      expect(await field(page, "applicant.name").inputValue()).to.equal("");
      await fillApplication(page, "李明华");
      await noOverflowAt390(page, "apply-form");
      // by keyboard this time: the consent ticked with Space, the declaration signed and the form submitted with Enter
      await page.locator("#publish-consent").focus();
      await page.keyboard.press("Space");
      expect(await page.locator("#publish-consent").isChecked()).to.equal(true);
      await page.locator('[data-testid="sign-declaration"]').focus();
      await page.keyboard.press("Enter");
      await page.locator('[data-testid="declaration-signed"]').waitFor();
      await field(page, "applicant.name").focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction((f) => /#\/apply\/[A-Z]+-\d{4}-\d+/.test(window.location.hash) && !window.location.hash.includes(f), first);
      const second = /#\/apply\/([^?]+)/.exec(page.url())![1]!;
      expect(second).to.not.equal(first);
      const stored2 = expect200(await http("GET", `/dossiers/${second}`, undefined, operator), "operator reads").json<StoredDossier>();
      expect(stored2.declaration?.publishInNotice, "consent ticked").to.equal(true);

      await page.locator('[data-testid="withdraw"]').click();
      await page.locator("#withdraw-note").fill("信息填写有误，重新申报");
      await page.locator('[data-testid="withdraw-confirm"]').click();
      await page.locator('[data-testid="dossier-state"]').getByText("已撤回").waitFor();
      expect(await page.locator('[data-testid="withdraw"]').count()).to.equal(0);
      const after = expect200(await http("GET", `/dossiers/${second}`, undefined, operator), "operator reads").json<StoredDossier>();
      expect(after.state).to.equal("withdrawn");

      // decided applications (driven through the workflow by the API): 认定 and its explanation on the status page
      await registerAssessors(http, operator);
      const tokens = { operator, applicant: await signInAs(wallet.account()), assessors: await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(privateKeyToAccount(a.key)))) };
      const certified = await toEvaluated(http, tokens, dossierFor(4040));
      expect(certified.state).to.equal("evaluated");
      await page.goto(appUrl(served, `/apply/${certified.id}`));
      await page.locator('[data-testid="evaluation"]').waitFor();
      for (const step of ["stepApply", "stepAccept", "stepDecide"]) expect(await page.locator(`[data-step="${step}"]`).getAttribute("data-status"), step).to.equal("done");
      expect(await page.locator('[data-step="stepNotice"]').getAttribute("data-status")).to.equal("current");
      expect(await page.locator('[data-testid="evaluation"]').textContent()).to.match(/[一二三]级/);
      // approved and issued on-chain by the workbench's worker (公示): the way to the certificate
      expect200(await http("POST", `/dossiers/${certified.id}/approve`, {}, operator), "approve");
      await waitForState(http, operator, certified.id, "in-notice", 60_000);
      await page.locator("button", { hasText: "刷新" }).click();
      await page.locator('[data-testid="to-mine"]').waitFor();
      expect(await page.locator('[data-testid="to-mine"]').getAttribute("href")).to.equal("#/mine");
      expect(await page.locator('[data-step="stepNotice"]').getAttribute("data-status")).to.equal("current");
      expect(await page.locator('[data-testid="dossier-state"]').textContent()).to.equal("公示中");

      const refused = await toEvaluated(http, tokens, dossierFor(4041, "ineligible"));
      expect(refused.state).to.equal("not-certified");
      await page.goto(appUrl(served, `/apply/${refused.id}`));
      await page.locator('[data-testid="eligibility-failures"] li').first().waitFor();
      expect(await page.locator('[data-step="stepDecide"]').getAttribute("data-status")).to.equal("failed");
      await screenshot(page, "apply-status-not-certified-zh-1280");
      await page.close();
    } finally {
      await app.close();
    }
  });
});
