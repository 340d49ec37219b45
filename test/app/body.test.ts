/**
 * The certifying body's console (认定主体) over the real workbench (server/, in-process) and a local chain: the
 * operator signs in with Ethereum in the injected wallet, accepts a dossier from the inbox and assigns a panel;
 * an assessor signs a score sheet in the wallet through the form; the operator evaluates, approves, watches the
 * issuance queue put the certificate on-chain, ends the public notice — the verifier's page shows it valid.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { serveApp } from "../../app/serve";
import { buildServer, type Workbench } from "../../server/app";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import {
  ASSESSORS,
  account,
  dossierFor,
  expect200,
  fetchHttp,
  freePort,
  registerAssessors,
  RULEBOOK,
  RULEBOOK_HASH,
  RULEBOOK_KEY,
  siweMessage,
  tempDir,
  testConfig,
  writeDeployment,
  type Http,
} from "../server/helpers";
import { appUrl, buildApp, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startWorld, type TestWallet, type World } from "./harness";

describe("dApp · certifying body console (认定主体) over the workbench API", function () {
  this.timeout(300_000);
  let world: World;
  let served: Served;
  let workbench: Workbench;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;
  const tmp = tempDir("app-body");
  const APPLICANT = 15;

  before(async () => {
    world = await startWorld();
    const appPort = await freePort();
    const config = testConfig(tmp.dir, {
      rpcUrl: world.rpcUrl,
      deploymentPath: writeDeployment(tmp.dir, world.deployment),
      bodyId: world.bodyA,
      signerKey: privateKeyOf(ROLE.keyA),
      siweDomain: `127.0.0.1:${appPort}`,
    });
    workbench = await buildServer({ config });
    const apiUrl = await workbench.listen();
    http = fetchHttp(apiUrl);
    served = await serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget: apiUrl, rpcTarget: world.rpcUrl, port: appPort });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    wallet = await injectWallet(context, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await workbench?.close();
    await world?.stop();
    tmp.cleanup();
  });

  /** SIWE over HTTP for the set-up, naming the app's host as the workbench expects. */
  const signInAs = async (h: Http, signer: Parameters<typeof siweMessage>[1]): Promise<string> => {
    const { message, signature } = await siweMessage(h, signer, { domain: served.host });
    const r = expect200(await h("POST", "/auth/verify", { message, signature }), "sign-in");
    return r.json<{ token: string }>().token;
  };

  const signIn = async (page: Page) => {
    await ensureConnected(page);
    const signedIn = page.locator('[data-testid="signed-in"]');
    const signInButton = page.locator('button:has-text("用钱包登录"), button:has-text("Sign in with the wallet")');
    await signedIn.or(signInButton).first().waitFor();
    if (!(await signedIn.count())) await signInButton.click();
    await signedIn.waitFor();
  };
  const confirm = async (page: Page) => {
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-tx="done"], .progress [role="alert"]');
    expect(await page.locator('.progress [role="alert"]').count(), await page.locator(".progress").first().textContent() ?? "").to.equal(0);
  };
  const waitState = (page: Page, state: string) => page.waitForSelector(`section.card [data-state="${state}"]`, { timeout: 60_000 });

  it("takes a dossier from the inbox to an issued certificate, with the assessor's sheet signed in the wallet", async () => {
    // set-up over HTTP: the operator registers the assessors, an applicant files a dossier
    const operatorToken = await signInAs(http, account(ROLE.keyA));
    await registerAssessors(http, operatorToken);
    const applicantToken = await signInAs(http, account(APPLICANT));
    const dossier = dossierFor(4242);
    expect200(await http("POST", "/dossiers", { rulebook: RULEBOOK_KEY, dossier }, applicantToken), "submit", 201);
    const id = dossier.dossierId;

    for (const lang of ["zh", "en"] as const) {
      const page = await context.newPage();
      await page.goto(appUrl(served, "/body", lang));
      await signIn(page);
      await page.waitForSelector(`tr[data-dossier="${id}"]`);
      await screenshot(page, `body-inbox-${lang}`);
      await page.close();
    }

    const page = await context.newPage();
    await page.goto(appUrl(served, "/body"));
    await signIn(page);
    await page.click(`tr[data-dossier="${id}"] a`);
    await waitState(page, "submitted");
    await screenshot(page, "body-dossier-zh");
    await page.click('button:has-text("受理")');
    expect(await page.textContent('[role="alertdialog"]')).to.contain(id);
    await confirm(page);
    await waitState(page, "accepted");

    const panel = ASSESSORS.slice(0, 3);
    for (const a of panel) await page.check(`input[id="as-${a.address}"]`);
    await page.click('button:has-text("指派评审组")');
    await confirm(page);
    await waitState(page, "assigned");

    // two assessors sign over HTTP, the third through the form with the wallet
    const detail = (await http("GET", `/dossiers/${id}`, undefined, operatorToken)).json<{ dossierHash: Hex }>();
    const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, detail.dossierHash, panel, 7, 40);
    for (const i of [1, 2]) {
      const token = await signInAs(http, privateKeyToAccount(panel[i]!.key));
      expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: await signSheet(sheets[i]!, panel[i]!.key) }, token), "sheet", 201);
    }
    await wallet.use(page, panel[0]!.key);
    await page.reload();
    await signIn(page);
    await page.waitForSelector('[data-testid="score-sheet"] input[data-indicator]');
    await page.fill("#sheet-uscc", panel[0]!.employerUscc);
    for (const [indicator, points] of Object.entries(sheets[0]!.scores)) await page.fill(`input[data-indicator="${indicator}"]`, (points / 10).toFixed(1));
    await page.fill("#sheet-comments", "材料完整，能力突出。");
    await screenshot(page, "body-score-sheet-zh");
    await page.click('[data-testid="score-sheet"] button[type="submit"]');
    await confirm(page);
    await waitState(page, "scored");

    // the operator evaluates, approves; the workbench's key issues; the notice ends
    await wallet.use(page, privateKeyOf(ROLE.keyA));
    await page.reload();
    await signIn(page);
    await waitState(page, "scored");
    await page.click('button:has-text("计算评价结果")');
    await confirm(page);
    await waitState(page, "evaluated");
    await page.waitForSelector('[data-testid="evaluation"]');
    await screenshot(page, "body-evaluation-zh");
    await page.click('button:has-text("批准发证")');
    await confirm(page);
    await waitState(page, "in-notice");
    const tokenId = await page.textContent('[data-testid="dossier-token"]');
    expect(tokenId).to.match(/^\d+$/);

    const outbox = await context.newPage();
    await outbox.goto(appUrl(served, "/body?tab=outbox", "en"));
    await signIn(outbox);
    await outbox.waitForSelector('[data-testid="outbox-progress"]');
    expect(await outbox.textContent('[data-testid="outbox-progress"]')).to.contain("1 of 1");
    await screenshot(outbox, "body-outbox-en");
    await outbox.close();

    await world.travel(8 * 86_400);
    await page.click('button:has-text("公示期满，确认发证")');
    await confirm(page);
    await waitState(page, "issued");

    const verifier = await browser.newPage();
    await verifier.goto(appUrl(served, `/verify/${tokenId}`));
    const verdict = await verifier.waitForSelector("[data-status]");
    expect(await verdict.getAttribute("data-status")).to.equal("Valid");
    expect(await verifier.textContent('[data-testid="holder"]')).to.contain(account(APPLICANT).address);
    await verifier.close();
    await page.close();
  });
});
