/**
 * The whole journey of issue #12 in headless Chromium, from a brand-new wallet, against a local chain and the body's
 * workbench (in-process, on the page's host as SIWE requires): 申报 on #/apply with evidence, the integrity
 * declaration and the consent to publication → 受理, the panel's signed sheets, 认定 and approval (the body's
 * side, over the API its console uses) → 公示 on #/notices shows the consented name, proven against the chain → a
 * member of the public files an objection from that page → dismissed → 发证 → #/mine receives the credential →
 * the printed certificate's QR, decoded from a screenshot by the verifier's scanner, opens a verify page proving
 * name and employer; the same link tampered with is shown as not proven. Screenshots of each step in zh and en.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import { ASSESSORS, expect200, registerAssessors, RULEBOOK, RULEBOOK_HASH, RULEBOOK_KEY, samplePdf, waitForState as waitForStateOf, type Http } from "../server/helpers";
import { fillApplication } from "./apply-form";
import { base64UrlEncodeNode } from "./disclosure";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";
import { scanPrintedQr } from "./printed-qr";

const APPLICANT = 43;
const PUBLIC = 44;
const NAME = "赵卫国";
const EMPLOYER = "湖南某某精密制造有限公司";

describe("dApp · the whole journey: apply → notice → objection → issued → print → verify (申报到核验)", function () {
  this.timeout(420_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let browser: Browser;
  let holderContext: BrowserContext;
  let http: Http;
  let operator: string;
  const tmp = mkdtempSync(join(tmpdir(), "cqo-app-journey-"));
  // what the steps hand on
  let dossierId = "";
  let tokenId = "";
  let qrLink = "";

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-journey-wb", config: { requireDeclaration: true } });
    ({ http, served } = app);
    operator = await app.signInAs(privateKeyToAccount(privateKeyOf(ROLE.keyA)));
    await registerAssessors(http, operator);
    browser = await launchBrowser();
    // the applicant becomes the holder: one browser profile throughout (the credential is kept in it); three device
    // pixels a pixel, so the screenshot of the printed QR is as sharp as a phone's photo of the paper
    holderContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 3 });
    await injectWallet(holderContext, world, privateKeyOf(APPLICANT));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  const stateOf = async (id: string) => (await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string; dossierHash: Hex }>();
  const waitForState = (id: string, state: string) => waitForStateOf(http, operator, id, state, 60_000);
  async function shots(page: Page, name: string, ready: string): Promise<void> {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate((l) => {
          const bare = window.location.hash.replace(/[?&]lang=(zh|en)/, "");
          window.location.hash = `${bare}${bare.includes("?") ? "&" : "?"}lang=${l}`;
        }, lang);
        await page.locator(ready).first().waitFor();
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} ${lang} at 390 px`).to.be.at.most(390);
        await screenshot(page, `journey-${name}-${lang}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => {
      window.location.hash = window.location.hash.replace(/lang=en/, "lang=zh");
    });
  }

  it("申报: a brand-new wallet applies with evidence, signs the declaration and consents to publication", async () => {
    const page = await holderContext.newPage();
    await page.goto(appUrl(served, "/apply"));
    await ensureConnected(page);
    await page.locator('[data-testid="apply-sign-in"]').click();
    await page.locator('[data-testid="apply-signed-in"]').waitFor();
    await fillApplication(page, NAME);
    // the rulebook the panel's sheets are for
    await page.locator('[name="rulebook"]').selectOption(RULEBOOK_KEY);
    await page.locator("#evidence-kind").selectOption("appointment");
    await page.locator("#evidence-file").setInputFiles({ name: "任命书.pdf", mimeType: "application/pdf", buffer: samplePdf("letter of appointment 43") });
    await page.locator('[data-testid="upload-evidence"]').click();
    await page.locator('[data-testid="evidence-list"] li').waitFor();
    await page.locator("#publish-consent").check();
    await page.locator('[data-testid="sign-declaration"]').click();
    await page.locator('[data-testid="declaration-signed"]').waitFor();
    await page.locator('[data-testid="submit-application"]').click();
    await page.waitForFunction(() => /#\/apply\/[A-Z]+-\d{4}-\d+/.test(window.location.hash));
    dossierId = /#\/apply\/([^?&]+)/.exec(page.url())![1]!;
    await page.locator('[data-step="stepApply"][data-status="done"]').waitFor();
    const stored = expect200(await http("GET", `/dossiers/${dossierId}`, undefined, operator), "stored").json<{ declaration: { publishInNotice: boolean } | null; dossier: { applicant: { name: string }; evidence: unknown[] } }>();
    expect(stored.declaration?.publishInNotice).to.equal(true);
    expect(stored.dossier.applicant.name).to.equal(NAME);
    expect(stored.dossier.evidence).to.have.length(1);
    await shots(page, "applied", '[data-testid="steps"]');
    await page.close();
  });

  it("受理 → 评审 → 认定 → 批准: the body accepts, its panel signs sheets, the result is approved and issued on-chain (公示)", async () => {
    expect200(await http("POST", `/dossiers/${dossierId}/accept`, {}, operator), "accept");
    const panel = ASSESSORS.slice(0, 3);
    expect200(await http("POST", `/dossiers/${dossierId}/assign`, { assessors: panel.map((a) => a.address) }, operator), "assign");
    const { dossierHash } = await stateOf(dossierId);
    const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, dossierHash, panel, 4343, 40);
    for (const [i, a] of panel.entries()) {
      const token = await app.signInAs(privateKeyToAccount(a.key));
      expect200(await http("POST", `/dossiers/${dossierId}/sheets`, { sheet: await signSheet(sheets[i]!, a.key) }, token), "sheet", 201);
    }
    const evaluated = expect200(await http("POST", `/dossiers/${dossierId}/evaluate`, {}, operator), "evaluate").json<{ state: string }>();
    expect(evaluated.state, "the form's applicant is eligible and reaches a level").to.equal("evaluated");
    tokenId = expect200(await http("POST", `/dossiers/${dossierId}/approve`, {}, operator), "approve").json<{ tokenId: string }>().tokenId;
    await waitForState(dossierId, "in-notice");
  });

  it("公示: the public's notice page shows the consented name and employer, proven against the chain; a member of the public objects there", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    try {
      const wallet = await injectWallet(context, world, privateKeyOf(PUBLIC));
      const page = await context.newPage();
      await page.goto(appUrl(served, "/notices"));
      const entry = page.locator(`[data-testid=notice-item][data-token="${tokenId}"]`);
      await entry.locator("[data-testid=identity-proven]").waitFor();
      expect(await entry.locator("[data-testid=notice-name]").textContent()).to.equal(NAME);
      expect(await entry.locator("[data-testid=notice-employer]").textContent()).to.equal(EMPLOYER);
      expect(await entry.locator("[data-testid=identity-proven]").textContent()).to.contain("已对照链上记录验证");
      await shots(page, "notice", `[data-testid=notice-item][data-token="${tokenId}"] [data-testid=identity-proven]`);
      await page.setViewportSize({ width: 390, height: 900 });

      await entry.locator("[data-testid=open-objection]").click();
      const form = entry.locator("[data-testid=objection-form]");
      await form.waitFor();
      await ensureConnected(page);
      await form.locator("textarea").fill("申请人所填任职年限与单位人事部门的证明不符，请核实。");
      await form.locator('input[type="file"]').setInputFiles({ name: "hr-letter.pdf", mimeType: "application/pdf", buffer: samplePdf("HR letter 44") });
      await form.locator('button[type="submit"]').click();
      await entry.locator("[data-testid=objection-filed]").waitFor({ timeout: 60_000 });
      expect(wallet.calls).to.include("eth_signTypedData_v4");
      await page.waitForSelector(`[data-testid=notice-item][data-token="${tokenId}"][data-objection="open"]`);
      await screenshot(page, "journey-objection-filed-zh-390");
    } finally {
      await context.close();
    }
  });

  it("异议 dismissed, notice over → 发证; the status page follows the dossier to the end", async () => {
    const objections = expect200(await http("GET", "/objections", undefined, operator), "objections").json<{ items: { id: number; tokenId: string; filer: string; status: string }[] }>();
    const filed = objections.items.find((o) => o.tokenId === tokenId)!;
    expect(filed.filer).to.equal(privateKeyToAccount(privateKeyOf(PUBLIC)).address);
    expect(filed.status).to.equal("filed");
    expect200(await http("POST", `/objections/${filed.id}/resolve`, { upheld: false, note: "经核实，任职年限证明齐全，异议不成立" }, operator), "dismiss");
    await world.travel(8 * 86_400);
    expect200(await http("POST", `/dossiers/${dossierId}/end-notice`, {}, operator), "end notice");
    const page = await holderContext.newPage();
    await page.goto(appUrl(served, `/apply/${dossierId}`));
    await ensureConnected(page);
    // a new tab: the workbench session (kept per tab) is signed in again
    const signIn = page.locator('[data-testid="apply-sign-in"]');
    await Promise.race([signIn.waitFor(), page.locator('[data-testid="steps"]').waitFor()]);
    if (await signIn.isVisible()) await signIn.click();
    await page.locator('[data-step="stepIssue"][data-status="done"]').waitFor();
    await page.locator('[data-testid="to-mine"]').waitFor();
    await page.close();
  });

  it("#/mine receives the credential; the print shows name and employer; its QR, scanned, opens a verify page that proves them", async () => {
    const page = await holderContext.newPage();
    await page.goto(appUrl(served, "/mine"));
    await ensureConnected(page);
    const card = page.locator(`.cert-card[data-token="${tokenId}"]`);
    await card.waitFor();
    await card.locator('[data-testid="fetch-credential"]').click();
    await card.locator('[data-testid="credential-kept"]').waitFor();
    await shots(page, "mine", `.cert-card[data-token="${tokenId}"] [data-testid="credential-kept"]`);

    await page.goto(appUrl(served, `/mine/print/${tokenId}`));
    await page.locator('[data-testid="print-name"]').waitFor();
    expect(await page.textContent('[data-testid="print-name"]')).to.equal(NAME);
    expect(await page.textContent('[data-testid="print-employer"]')).to.equal(EMPLOYER);
    await screenshot(page, "journey-print-zh-1280");
    qrLink = await scanPrintedQr(page, browser, served, join(tmp, "journey-qr.png"));
    expect(qrLink.startsWith(`${served.url}#/verify/${tokenId}?d=`), qrLink.slice(0, 120)).to.equal(true);
    await page.close();

    for (const lang of ["zh", "en"] as const) {
      const verifier = await browser.newPage({ viewport: { width: 390, height: 900 } });
      await verifier.goto(`${qrLink}&lang=${lang}`);
      const line = await verifier.waitForSelector('[data-testid="disclosure-identity"]');
      const expected = lang === "zh" ? `姓名 ${NAME} · 单位 ${EMPLOYER} — 已对照链上记录验证` : `Name ${NAME} · Employer ${EMPLOYER} — proven against the on-chain record`;
      expect((await line.textContent())!.replace(/\s+/g, " ").trim()).to.equal(expected);
      expect(await verifier.getAttribute("[data-status]", "data-status")).to.equal("Valid");
      expect(await verifier.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
      await screenshot(verifier, `journey-verify-proven-${lang}-390`);
      await verifier.close();
    }
  });

  it("the same QR link with another name is shown plainly as not proven", async () => {
    const d = new URLSearchParams(qrLink.slice(qrLink.indexOf("?") + 1)).get("d")!;
    const disclosure = JSON.parse(Buffer.from(d, "base64url").toString("utf8")) as { fields: { name: string; value: unknown }[] };
    disclosure.fields.find((f) => f.name === "name")!.value = "李四";
    const tampered = `${qrLink.slice(0, qrLink.indexOf("?"))}?d=${base64UrlEncodeNode(JSON.stringify(disclosure))}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${tampered}&lang=zh`);
    await page.waitForSelector('[data-testid="identity-mismatch"]');
    expect(await page.textContent('[data-testid="identity-mismatch"]')).to.contain("与链上记录不符");
    expect(await page.locator('[data-testid="disclosure-identity"]').count()).to.equal(0);
    expect((await page.textContent("main")) ?? "").not.to.contain(`姓名 李四`);
    await screenshot(page, "journey-verify-tampered-zh-1280");
    await page.close();
  });

  it("监督管理 from the card: the re-evaluation form comes pre-filled from the certificate's dossier; the holder asks for revocation", async () => {
    const page = await holderContext.newPage();
    await page.goto(appUrl(served, "/mine"));
    await ensureConnected(page);
    const card = page.locator(`.cert-card[data-token="${tokenId}"]`);
    await card.locator('[data-testid="holder-actions"]').waitFor();
    await card.locator('[data-testid="renew"]').click();
    await page.waitForFunction(() => window.location.hash.includes("renew="));
    const signIn = page.locator('[data-testid="apply-sign-in"]');
    await Promise.race([signIn.waitFor(), page.locator('[data-testid="renewal-prefilled"]').waitFor()]);
    if (await signIn.isVisible()) await signIn.click();
    await page.locator('[data-testid="renewal-prefilled"]').waitFor();
    expect(await page.locator('[name="applicant.name"]').inputValue()).to.equal(NAME);
    expect(await page.locator('[name="employer.name"]').inputValue()).to.equal(EMPLOYER);
    await screenshot(page, "journey-renewal-prefilled-zh-1280");

    await page.goto(appUrl(served, "/mine"));
    await card.locator('[data-testid="request-revocation"]').click();
    await card.locator("select").selectOption("left-employer");
    await card.locator('[data-testid="confirm-revocation-request"]').click();
    await card.locator('[data-testid="revocation-requested"]').waitFor();
    const queue = expect200(await http("GET", "/revocation-requests", undefined, operator), "requests").json<{ items: { tokenId: string; reason: string }[] }>();
    expect(queue.items.find((r) => r.tokenId === tokenId)?.reason).to.equal("left-employer");
    await page.close();
  });
});
