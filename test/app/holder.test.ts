/**
 * The holder's pages (我的证书) with a wallet injected into Chromium: certificate cards with QR codes (decoded by
 * the verifier's page), proof of possession end to end (challenge → signature in the wallet → answer checked
 * on-chain), a declined signature, selective disclosure from the credential file, and the printable A4 page.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { serveApp, type Served } from "../../app/serve";
import { buildServer, type Workbench } from "../../server/app";
import { ASSESSORS, dossierFor, expect200, fetchHttp, freePort, registerAssessors, siweMessage, tempDir, testConfig, toEvaluated, writeDeployment, type Http } from "../server/helpers";
import { appUrl, buildApp, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, SCREENSHOTS, serveWorld, startWorld, type TestWallet, type World } from "./harness";

describe("dApp · my certificates (我的证书) with an injected wallet", function () {
  this.timeout(240_000);
  let world: World;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;
  const tmp = mkdtempSync(join(tmpdir(), "cqo-app-holder-"));

  before(async () => {
    world = await startWorld();
    served = await serveWorld(world);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    wallet = await injectWallet(context, world, privateKeyOf(ROLE.holder));
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await world?.stop();
  });

  const connect = ensureConnected;

  it("connects the wallet and lists the holder's certificates as cards with QR codes (zh and en)", async () => {
    const mine = world.certs.filter((c) => c.holder === wallet.account().address);
    for (const lang of ["zh", "en"] as const) {
      const page = await context.newPage();
      await page.goto(appUrl(served, "/mine", lang));
      await connect(page);
      await page.waitForSelector(".cert-card img.qr");
      const tokens = await page.$$eval(".cert-card", (els) => els.map((e) => e.getAttribute("data-token")));
      expect(tokens.sort()).to.deep.equal([...mine.map((c) => c.tokenId.toString()), world.credential.tokenId.toString()].sort());
      await screenshot(page, `mine-${lang}`);
      await page.close();
    }
  });

  it("the QR code on a card, decoded by the verifier's page, opens that certificate's verdict", async () => {
    const valid = world.certs.find((c) => c.holder === wallet.account().address && c.expected === "Valid")!;
    const holderPage = await context.newPage();
    await holderPage.goto(appUrl(served, "/mine"));
    await connect(holderPage);
    const qr = holderPage.locator(`.cert-card[data-token="${valid.tokenId}"] img.qr`);
    await qr.waitFor();
    const png = join(tmp, "card-qr.png");
    await qr.screenshot({ path: png });
    const verifier = await browser.newPage();
    await verifier.goto(appUrl(served, "/"));
    await verifier.setInputFiles("#home-scan-upload", png);
    const verdict = await verifier.waitForSelector("[data-status]");
    expect(await verdict.getAttribute("data-status")).to.equal("Valid");
    expect(verifier.url()).to.contain(`#/verify/${valid.tokenId}`);
    await verifier.close();
    await holderPage.close();
  });

  it("proves possession: the verifier's challenge is signed in the holder's wallet and checked on-chain; a declined signature is no error", async () => {
    const valid = world.certs.find((c) => c.holder === wallet.account().address && c.expected === "Valid")!;
    const verifier = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await verifier.goto(appUrl(served, `/verify/${valid.tokenId}`));
    await verifier.waitForSelector("#pop-verifier");
    await verifier.fill("#pop-verifier", "某某公司人力资源部");
    await verifier.click('#possession button.primary:has-text("生成挑战")');
    const link = await verifier.inputValue("#pop-link");
    expect(link).to.contain("#/mine/respond?");
    await verifier.locator("#possession").scrollIntoViewIfNeeded();
    await screenshot(verifier, "possession-challenge-zh");

    const holder = await context.newPage();
    await holder.goto(link);
    await connect(holder);
    await holder.waitForSelector("text=某某公司人力资源部");
    // the holder declines first: a quiet note, not an error page
    wallet.rejectNext();
    await holder.click('button:has-text("在钱包中签名")');
    await holder.waitForSelector('[data-testid="cancelled"]');
    expect(await holder.locator('[role="alert"]').count()).to.equal(0);
    await screenshot(holder, "possession-declined-zh");
    await holder.click('button:has-text("在钱包中签名")');
    await holder.waitForSelector('[data-testid="pop-answer"] img.qr');
    const answer = await holder.inputValue("#pop-answer");
    expect(answer).to.match(/^cqo-pop\/1:\d+:0x[0-9a-fA-F]{40}:0x[0-9a-f]+$/);
    await screenshot(holder, "possession-answer-zh");

    // the verifier scans the answer's QR code
    const png = join(tmp, "answer-qr.png");
    await holder.locator('[data-testid="pop-answer"] img.qr').screenshot({ path: png });
    await verifier.setInputFiles("#pop-scan-upload", png);
    await verifier.waitForSelector('[data-testid="pop-ok"]');
    expect(await verifier.textContent('[data-testid="pop-ok"]')).to.contain(wallet.account().address);
    await screenshot(verifier, "possession-proven-zh");

    // a forged answer (another wallet's signature) and an answer to an old challenge are refused
    const other = `cqo-pop/1:${valid.tokenId}:${world.certs[1]!.holder}:${answer.split(":").pop()}`;
    await verifier.fill("#pop-response", other);
    await verifier.click('#possession form button[type="submit"]');
    await verifier.waitForSelector('[data-testid="pop-failed"]');
    await verifier.click('#possession button.primary:has-text("换一个挑战")');
    await verifier.fill("#pop-response", answer);
    await verifier.click('#possession form button[type="submit"]');
    await verifier.waitForSelector('[data-testid="pop-failed"]');
    await holder.close();
    await verifier.close();
  });

  it("discloses chosen fields from the credential file; the verifier's page proves exactly those", async () => {
    const id = world.credential.tokenId.toString();
    const file = join(tmp, "credential.json");
    writeFileSync(file, JSON.stringify(world.credential.credential));
    for (const lang of ["zh", "en"] as const) {
      const page = await context.newPage();
      await page.goto(appUrl(served, `/mine/disclose/${id}`, lang));
      await page.setInputFiles("#credential-file", file);
      await page.check('input[data-field="total"]');
      await page.click('section.card button.primary');
      await page.waitForSelector('[data-testid="disclosure-output"]');
      await screenshot(page, `disclose-${lang}`);
      const link = await page.inputValue("#disclosure-link");
      const verifier = await browser.newPage();
      await verifier.goto(`${link}&lang=${lang}`);
      await verifier.waitForSelector('[data-testid="disclosure-ok"]');
      const fields = await verifier.$$eval('[data-testid="disclosure-ok"] tr[data-field]', (rows) => rows.map((r) => r.getAttribute("data-field")));
      expect(fields.sort()).to.deep.equal(["level", "total"]);
      expect(await verifier.textContent('[data-testid="disclosure-ok"]')).to.contain("91.2");
      expect(await verifier.textContent('[data-testid="disclosure-ok"]')).not.to.contain("王伟");
      await verifier.close();
      await page.close();
    }
    // another certificate's credential is refused
    const page = await context.newPage();
    const valid = world.certs.find((c) => c.holder === wallet.account().address && c.expected === "Valid")!;
    await page.goto(appUrl(served, `/mine/disclose/${valid.tokenId}`, "en"));
    await page.waitForTimeout(300);
    await page.setInputFiles("#credential-file", file);
    await page.waitForSelector('[role="alert"]');
    await page.close();
  });

  it("gets the credential from the body's workbench after sign-in, keeps it in this browser, saves it as a file; the print page finds it", async () => {
    // the body's workbench (in-process, its key issuing) on the page's own host, as SIWE requires
    const wbDir = tempDir("app-holder-wb");
    const appPort = await freePort();
    const host = `127.0.0.1:${appPort}`;
    const workbench: Workbench = await buildServer({
      config: testConfig(wbDir.dir, { rpcUrl: world.rpcUrl, deploymentPath: writeDeployment(wbDir.dir, world.deployment), bodyId: world.bodyA, signerKey: privateKeyOf(ROLE.keyA), siweDomain: host }),
    });
    let withApi: Served | null = null;
    try {
      const apiUrl = await workbench.listen();
      const http: Http = fetchHttp(apiUrl);
      const signInAs = async (signer: PrivateKeyAccount): Promise<string> => {
        const { message, signature } = await siweMessage(http, signer, { domain: host });
        return expect200(await http("POST", "/auth/verify", { message, signature }), "sign-in").json<{ token: string }>().token;
      };
      const operator = await signInAs(privateKeyToAccount(privateKeyOf(ROLE.keyA)));
      await registerAssessors(http, operator);
      const tokens = { operator, applicant: await signInAs(wallet.account()), assessors: await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(privateKeyToAccount(a.key)))) };
      const { id } = await toEvaluated(http, tokens, dossierFor(4711));
      const approved = expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ tokenId: string; root: string }>();
      // the workbench's worker issues it on-chain (公示 begins)
      for (let deadline = Date.now() + 30_000; ; ) {
        const d = (await http("GET", `/dossiers/${id}`, undefined, operator)).json<{ state: string }>();
        if (d.state === "in-notice") break;
        if (Date.now() > deadline) throw new Error(`dossier ${id} stayed ${d.state}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      withApi = await serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget: apiUrl, rpcTarget: world.rpcUrl, port: appPort });

      const page = await context.newPage();
      await page.goto(appUrl(withApi, "/mine"));
      await connect(page);
      const card = page.locator(`.cert-card[data-token="${approved.tokenId}"]`);
      await card.waitFor();
      expect(await card.locator('[data-testid="credential-kept"]').count()).to.equal(0);
      const signaturesBefore = wallet.calls.filter((m) => m === "personal_sign").length;
      await card.locator('[data-testid="fetch-credential"]').click();
      await card.locator('[data-testid="credential-kept"]').waitFor();
      expect(await card.textContent()).to.contain("已保存在本浏览器");
      expect(await card.locator('[role="alert"]').count()).to.equal(0);
      // signed in with Ethereum in the wallet: one signature
      expect(wallet.calls.filter((m) => m === "personal_sign").length).to.equal(signaturesBefore + 1);
      const kept = await page.evaluate((root) => localStorage.getItem(`cqo.credential.${root.toLowerCase()}`), approved.root);
      expect(kept, "localStorage cqo.credential.<root>").to.be.a("string");
      expect((JSON.parse(kept!) as { root: string }).root.toLowerCase()).to.equal(approved.root.toLowerCase());
      await screenshot(page, "mine-credential-kept-zh");

      // saved as a file: the same credential
      const [download] = await Promise.all([page.waitForEvent("download"), card.locator('[data-testid="save-credential"]').click()]);
      const saved = join(tmp, "saved-credential.json");
      await download.saveAs(saved);
      expect(JSON.parse(readFileSync(saved, "utf8"))).to.deep.equal(JSON.parse(kept!));

      // another certificate of this wallet has no dossier on this workbench: a bilingual error, nothing kept
      const other = world.certs.find((c) => c.holder === wallet.account().address && c.expected === "Valid")!;
      const otherCard = page.locator(`.cert-card[data-token="${other.tokenId}"]`);
      await otherCard.locator('[data-testid="fetch-credential"]').click();
      await otherCard.locator('[role="alert"]').waitFor();
      expect(await otherCard.locator('[data-testid="credential-kept"]').count()).to.equal(0);

      // the print page finds the kept credential without choosing a file
      await page.goto(appUrl(withApi, `/mine/print/${approved.tokenId}`));
      await page.waitForSelector('[data-testid="print-proves"]');
      expect(await page.locator("#print-credential-file").count()).to.equal(0);
      await page.close();
    } finally {
      await withApi?.close();
      await workbench.close();
      wbDir.cleanup();
    }
  });

  it("prints an A4 certificate with the verify QR code (print stylesheet, saved as PDF)", async () => {
    const valid = world.certs.find((c) => c.holder === wallet.account().address && c.expected === "Valid")!;
    const page = await context.newPage();
    await page.goto(appUrl(served, `/mine/print/${valid.tokenId}`));
    await page.waitForSelector(".print-sheet img.qr");
    await screenshot(page, "print-screen-zh");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).to.equal(false);
    await screenshot(page, "print-media-zh");
    const pdf = await page.pdf({ path: join(SCREENSHOTS, "certificate.pdf"), preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
    await page.close();
  });
});
