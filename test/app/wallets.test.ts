/**
 * Wallets for real people: with no wallet the connect panel says what to do (a browser wallet such as MetaMask,
 * or a wallet app such as imToken or TokenPocket), in zh and en, and never offers a bare "Injected"; EIP-6963
 * wallets are listed by their names and icons. On the local demo chain (31337) only, a demo-account picker signs
 * with the demo's public test keys: the body's operator signs in to the workbench with it (SIWE) from a plain
 * browser; on any other chain id the picker is absent and its keys' chunk is never fetched.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import { serveApp, type Served } from "../../app/serve";
import { DEMO_ACCOUNTS } from "../../app/src/wallet/demoAccounts";
import { DEMO_CHAIN_ID, demoAccountsAllowed, demoConnectors } from "../../app/src/wallet/demoGate";
import { buildServer, type Workbench } from "../../server/app";
import { CAST, devAccount } from "../../scripts/lib/world";
import { freePort, tempDir, testConfig, writeDeployment } from "../server/helpers";
import { appUrl, buildApp, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startWorld, type World } from "./harness";

describe("dApp · wallets for real people", function () {
  this.timeout(240_000);

  describe("the demo accounts' gate and cast (no browser)", () => {
    it("allows the demo accounts on chain 31337 only", async () => {
      expect(DEMO_CHAIN_ID).to.equal(31337);
      expect(demoAccountsAllowed(31337)).to.equal(true);
      for (const id of [1, 56, 137, 1337, 11155111, 31338, 0, -31337]) expect(demoAccountsAllowed(id), `chain ${id}`).to.equal(false);
      // another chain: no connector, and the keys' module is not even loaded
      const chain = { id: 11155111, name: "Sepolia", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: ["http://127.0.0.1:1"] } } };
      expect(await demoConnectors(chain, "http://127.0.0.1:1")).to.deep.equal([]);
    });

    it("plays the parts of `npm start` (scripts/lib/world.ts CAST) with the mnemonic's own keys", () => {
      for (const a of DEMO_ACCOUNTS) expect(privateKeyToAccount(a.privateKey).address, a.role).to.equal(devAccount(a.index).address);
      const index = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)?.index;
      expect(index("association")).to.equal(CAST.association);
      expect(index("supervisor")).to.equal(CAST.supervisor);
      expect(index("operator")).to.equal(CAST.bodyAKey);
      expect(["assessor1", "assessor2", "assessor3"].map(index)).to.deep.equal([...CAST.assessors]);
      expect(index("public")).to.equal(CAST.objector);
      expect(index("holder")).to.equal(CAST.firstApplicant + 12);
      // the new applicant's wallet plays no other part
      const others: number[] = [CAST.association, CAST.supervisor, CAST.bodyAAdmin, CAST.bodyAKey, CAST.bodyBAdmin, CAST.bodyBKey, ...CAST.assessors, CAST.objector, CAST.newWallet];
      expect(others).to.not.include(index("applicant"));
      expect(index("applicant")).to.be.below(CAST.firstApplicant);
      for (const a of DEMO_ACCOUNTS) expect(a.page, a.role).to.match(/^#\/[a-z]+$/);
    });
  });

  describe("in Chromium", () => {
    let world: World;
    let served: Served;
    let elsewhere: Served;
    let workbench: Workbench;
    let browser: Browser;
    const tmp = tempDir("app-wallets");

    before(async () => {
      world = await startWorld();
      const appPort = await freePort();
      const config = testConfig(tmp.dir, {
        rpcUrl: world.rpcUrl,
        deploymentPath: writeDeployment(tmp.dir, world.deployment),
        bodyId: world.bodyA,
        signerKey: privateKeyOf(ROLE.keyA),
        siweDomain: `127.0.0.1:${appPort}`,
        issuanceMode: "wallet",
      });
      workbench = await buildServer({ config });
      const apiUrl = await workbench.listen();
      served = await serveApp({ dist: buildApp(), deployment: world.deployment, apiTarget: apiUrl, rpcTarget: world.rpcUrl, port: appPort });
      // the same contract claimed on another chain id: what a production build sees
      elsewhere = await serveApp({ dist: buildApp(), deployment: { ...world.deployment, chainId: 11155111 }, rpcTarget: world.rpcUrl });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await served?.close();
      await elsewhere?.close();
      await workbench?.close();
      await world?.stop();
      tmp.cleanup();
    });

    /** A page in a fresh context without any wallet; `fetched` collects the script files it loads. */
    const plainPage = async (host: Served, route: string, lang: "zh" | "en", width = 1100): Promise<{ page: Page; fetched: string[] }> => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const fetched: string[] = [];
      page.on("request", (r) => {
        if (r.url().endsWith(".js")) fetched.push(new URL(r.url()).pathname);
      });
      await page.goto(appUrl(host, route, lang));
      return { page, fetched };
    };

    it("says what to do without a wallet (zh and en), with no bare “Injected” button, and offers the demo accounts on 31337", async () => {
      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1100]) {
          const { page } = await plainPage(served, "/mine", lang, width);
          const box = page.locator('[data-testid="no-wallet"]');
          await box.waitFor();
          const text = (await box.textContent()) ?? "";
          expect(text).to.contain("MetaMask").and.to.contain("imToken").and.to.contain("TokenPocket");
          expect(text).to.contain(lang === "zh" ? "没有检测到钱包" : "No wallet found");
          expect(text).to.contain(lang === "zh" ? "钱包应用" : "wallet app");
          expect(await page.locator("button", { hasText: "Injected" }).count()).to.equal(0);
          expect(await page.locator(".wallet-list").count()).to.equal(0);
          // the page's address, to open in a wallet app, is a labelled field
          expect(await page.locator('label[for="no-wallet-link"]').count()).to.equal(1);
          const picker = page.locator('[data-testid="demo-picker"]');
          await picker.waitFor();
          expect(await picker.locator("button[data-role]").count()).to.equal(DEMO_ACCOUNTS.length);
          expect(await picker.textContent()).to.contain(lang === "zh" ? "公开的测试私钥" : "public test keys");
          await screenshot(page, `wallets-no-wallet-${lang}-${width}`);
          await page.context().close();
        }
      }
    });

    it("has no demo-account picker on another chain id, and never fetches the demo keys' chunk", async () => {
      for (const lang of ["zh", "en"] as const) {
        const { page, fetched } = await plainPage(elsewhere, "/body", lang);
        await page.locator('[data-testid="no-wallet"]').waitFor();
        await page.waitForLoadState("networkidle");
        expect(await page.locator('[data-testid="demo-picker"]').count()).to.equal(0);
        expect(await page.locator("button[data-role]").count()).to.equal(0);
        expect(fetched.filter((f) => /demo/i.test(f)), fetched.join(", ")).to.deep.equal([]);
        expect(fetched.some((f) => /WalletArea/.test(f)), "the wallet area did load").to.equal(true);
        await screenshot(page, `wallets-other-chain-${lang}`);
        await page.context().close();
      }
      // and on 31337 the same page does fetch it (the check above can fail)
      const { page, fetched } = await plainPage(served, "/body", "zh");
      await page.locator('[data-testid="demo-picker"]').waitFor();
      expect(fetched.some((f) => /demoAccounts/.test(f))).to.equal(true);
      await page.context().close();
    });

    it("lists EIP-6963 wallets by their names and icons, not “Injected”", async () => {
      for (const [lang, width] of [["zh", 390], ["en", 390], ["zh", 1100], ["en", 1100]] as const) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        await injectWallet(context, world, privateKeyOf(ROLE.holder));
        const page = await context.newPage();
        await page.goto(appUrl(served, "/mine", lang));
        const button = page.locator('.wallet-list button:has-text("CQO Test Wallet")');
        // the test wallet answers eth_accounts at once, so wagmi may reconnect to it by itself: disconnect first
        const connected = page.locator('[data-testid="wallet-connected"]');
        await connected.or(button).first().waitFor();
        if (await connected.count()) await connected.locator("button").last().click();
        await button.waitFor();
        expect(await button.textContent()).to.contain(lang === "zh" ? "使用 CQO Test Wallet 连接" : "Connect with CQO Test Wallet");
        expect(await button.locator("img").getAttribute("src")).to.match(/^data:image\/svg\+xml/);
        expect(await page.locator(".wallet-list button").count()).to.equal(1);
        expect(await page.locator("button", { hasText: "Injected" }).count()).to.equal(0);
        expect(await page.locator('[data-testid="no-wallet"]').count()).to.equal(0);
        await screenshot(page, `wallets-eip6963-${lang}-${width}`);
        await context.close();
      }
    });

    it("names a wallet app's window.ethereum that does not announce itself (TokenPocket), never “Injected”", async () => {
      for (const lang of ["zh", "en"] as const) {
        const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
        // an in-app browser's provider without EIP-6963: flags only, no accounts until asked
        await context.addInitScript(() => {
          (window as unknown as { ethereum: unknown }).ethereum = {
            isTokenPocket: true,
            request: async ({ method }: { method: string }) => (method === "eth_accounts" ? [] : method === "eth_chainId" ? "0x7a69" : null),
            on() {},
            removeListener() {},
          };
        });
        const page = await context.newPage();
        await page.goto(appUrl(served, "/mine", lang));
        const button = page.locator(".wallet-list button");
        await button.first().waitFor();
        expect(await button.count()).to.equal(1);
        expect(await button.textContent()).to.equal(lang === "zh" ? "使用 TokenPocket 连接" : "Connect with TokenPocket");
        expect(await page.locator("button", { hasText: "Injected" }).count()).to.equal(0);
        await context.close();
      }
    });

    it("signs in to the body console as the body's operator with the demo picker, by keyboard, and stays signed in after a reload", async () => {
      const operator = DEMO_ACCOUNTS.find((a) => a.role === "operator")!;
      const address = privateKeyToAccount(operator.privateKey).address;
      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1100]) {
          const { page } = await plainPage(served, "/body", lang, width);
          const pick = page.locator('[data-testid="demo-picker"] button[data-role="operator"]');
          await pick.waitFor();
          expect(await pick.textContent()).to.contain(lang === "zh" ? "认定主体操作员" : "the body's operator");
          await screenshot(page, `wallets-demo-picker-${lang}-${width}`);
          // keyboard only: focus the button and press Enter
          await pick.focus();
          await page.keyboard.press("Enter");
          const bar = page.locator('[data-testid="wallet-connected"]');
          await bar.waitFor();
          expect(await bar.locator("code").textContent()).to.equal(address);
          expect(await page.textContent('[data-testid="demo-role"]')).to.contain(lang === "zh" ? "认定主体操作员" : "the body's operator");
          // the signed action: Sign-In with Ethereum, verified by the workbench against the chain's signing keys
          const signIn = page.locator('button:has-text("用钱包登录"), button:has-text("Sign in with the wallet")');
          await signIn.focus();
          await page.keyboard.press("Enter");
          const signed = page.locator('[data-testid="signed-in"]');
          await signed.waitFor({ timeout: 30_000 });
          expect(await signed.textContent()).to.contain(lang === "zh" ? "主体操作员" : "operator");
          await screenshot(page, `wallets-demo-operator-${lang}-${width}`);
          // a reload reconnects the same demo account (no wallet to ask)
          await page.reload();
          await page.locator('[data-testid="signed-in"]').waitFor({ timeout: 30_000 });
          expect(await page.locator('[data-testid="wallet-connected"] code').textContent()).to.equal(address);
          // switching out disconnects, the picker is back
          await page.click('[data-testid="wallet-connected"] button');
          await page.locator('[data-testid="demo-picker"]').waitFor();
          await page.context().close();
        }
      }
    });
  });
});
