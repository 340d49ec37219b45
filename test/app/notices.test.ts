/**
 * The public's notice page (公示, issue #12) in headless Chromium, against a local chain and the body's workbench
 * in-process: two certificates in notice, one whose applicant consented to publication (the integrity declaration
 * signed with the dossier) and one who did not. Read without any wallet, the page shows the first one's name and
 * employer proven against the on-chain root and says of the other only that the name is not published; a tampered
 * disclosure is shown as not proven and its name is not shown; a member of the public files an objection from the
 * page (a refused evidence file shown by its field first) and the operator's GET /objections lists it with that
 * filer. Screenshots in zh and en at 390 and 1280 px.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, http as viemHttp } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { formatCertificateNumber } from "../../app/src/lib/certificateNumber";
import type { Dossier } from "../../scoring";
import { cqoReads } from "../../sdk/reads";
import { ASSESSORS, dossierFor, expect200, registerAssessors, samplePdf, signedDeclaration, toEvaluated, waitForState, type Http } from "../server/helpers";
import { appUrl, axeViolations, chainNow, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, startAppWorkbench, startWorld, type AppWorkbench, type World } from "./harness";

interface Listed {
  tokenId: string;
  dossier: Dossier;
}

describe("dApp · the public notice (公示) with the objection form", function () {
  this.timeout(300_000);
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let browser: Browser;
  let http: Http;
  let operator: string;
  const listed: { consented: Listed; private: Listed } = {} as { consented: Listed; private: Listed };
  const filerKey = privateKeyOf(41);

  before(async () => {
    world = await startWorld();
    app = await startAppWorkbench(world, { prefix: "app-notices-wb" });
    ({ http, served } = app);
    const { signInAs } = app;
    operator = await signInAs(privateKeyToAccount(privateKeyOf(ROLE.keyA)));
    await registerAssessors(http, operator);
    const assessors = await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(privateKeyToAccount(a.key))));
    // two applicants: one consents to publication in the notice, one does not
    const issue = async (applicantKey: number, seed: number, publishInNotice: boolean): Promise<Listed> => {
      const applicant = privateKeyToAccount(privateKeyOf(applicantKey));
      const tokens = { operator, applicant: await signInAs(applicant), assessors };
      const dossier = dossierFor(seed);
      const declaration = await signedDeclaration(applicant, dossier, world.deployment, publishInNotice);
      const { id } = await toEvaluated(http, tokens, dossier, undefined, declaration);
      const approved = expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ tokenId: string }>();
      await waitForState(http, operator, id, "in-notice");
      return { tokenId: approved.tokenId, dossier };
    };
    listed.consented = await issue(30, 4711, true);
    listed.private = await issue(31, 4712, false);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await world?.stop();
  });

  const item = (page: Page, tokenId: string) => page.locator(`[data-testid=notice-item][data-token="${tokenId}"]`);

  const openNotices = async (context: BrowserContext, lang: "zh" | "en" = "zh"): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(appUrl(served, "/notices", lang));
    await item(page, listed.private.tokenId).waitFor();
    await item(page, listed.consented.tokenId).waitFor();
    return page;
  };

  it("lists both certificates without a wallet: the consented name and employer proven on-chain, the other not disclosed", async () => {
    // no wallet in this browser at all
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await openNotices(context);
      const pc = createPublicClient({ transport: viemHttp(world.rpcUrl, { retryCount: 0 }) });
      const reads = cqoReads(pc, world.deployment.certificate);
      const now = await chainNow(world);
      for (const l of [listed.consented, listed.private]) {
        const entry = item(page, l.tokenId);
        const number = entry.locator("[data-testid=notice-number]");
        expect(await number.textContent()).to.equal(formatCertificateNumber(l.tokenId));
        expect(await number.getAttribute("href")).to.equal(`#/verify/${l.tokenId}`);
        const v = await reads.verifyCertificate(BigInt(l.tokenId));
        expect(v.status).to.equal("Pending");
        // the notice's end from the chain, and the days left on the chain's clock
        const left = Math.ceil((v.validFrom - now) / 86_400);
        expect(await entry.locator("[data-testid=notice-ends]").textContent()).to.contain(`剩余 ${left} 天`);
        expect(await entry.locator("[data-testid=notice-objection]").textContent()).to.equal("暂无异议");
      }
      // the body's name from its on-chain metadata
      expect(await page.locator(`[data-body="${world.bodyA}"] h2`).textContent()).to.contain("湖南省质量认定中心");

      const consented = item(page, listed.consented.tokenId);
      expect(await consented.getAttribute("data-identity")).to.equal("proven");
      expect(await consented.locator("[data-testid=notice-name]").textContent()).to.equal(listed.consented.dossier.applicant.name);
      expect(await consented.locator("[data-testid=notice-employer]").textContent()).to.equal(listed.consented.dossier.employer.name);
      expect(await consented.locator("[data-testid=identity-proven]").textContent()).to.contain("已对照链上记录验证");

      const other = item(page, listed.private.tokenId);
      expect(await other.getAttribute("data-identity")).to.equal("none");
      expect(await other.locator("[data-testid=identity-none]").textContent()).to.equal("未同意公开姓名");
      expect(await other.locator("[data-testid=notice-name]").count()).to.equal(0);
      // nothing else of either person: not the other's name or employer, no ID number
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).to.not.contain(listed.private.dossier.applicant.name);
      expect(text).to.not.contain(listed.private.dossier.employer.name);
      expect(text).to.not.contain(listed.consented.dossier.applicant.idNumber);

      // the objection form says how to get a wallet when there is none
      await other.locator("[data-testid=open-objection]").click();
      await other.locator("[data-testid=no-wallet]").waitFor();
      expect(await other.locator("[data-testid=open-objection]").getAttribute("aria-expanded")).to.equal("true");
      expect(await axeViolations(page, ".notices"), "axe on the notice list").to.deep.equal([]);
      await page.close();

      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1280]) {
          const p = await context.newPage();
          await p.setViewportSize({ width, height: 900 });
          await p.goto(appUrl(served, "/notices", lang));
          await item(p, listed.consented.tokenId).locator("[data-testid=identity-proven]").waitFor();
          if (lang === "en") expect(await item(p, listed.private.tokenId).locator("[data-testid=identity-none]").textContent()).to.equal("Name not published (no consent)");
          if (width === 390) expect(await p.evaluate(() => document.documentElement.scrollWidth), `overflow at 390 (${lang})`).to.be.at.most(390);
          await screenshot(p, `notices-${lang}-${width}`);
          await p.close();
        }
      }
    } finally {
      await context.close();
    }
  });

  it("shows a tampered disclosure as not proven, and not its name", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.route("**/api/notices", async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { items: { tokenId: string; disclosure: { fields: { name: string; value: unknown }[] } | null }[] };
        const d = body.items.find((i) => i.tokenId === listed.consented.tokenId)?.disclosure;
        if (!d) throw new Error("the consented certificate has no disclosure");
        d.fields.find((f) => f.name === "name")!.value = "李冒名";
        await route.fulfill({ response, json: body });
      });
      await page.goto(appUrl(served, "/notices"));
      const entry = item(page, listed.consented.tokenId);
      await entry.locator("[data-testid=identity-unproven]").waitFor();
      expect(await entry.getAttribute("data-identity")).to.equal("unproven");
      expect(await entry.locator("[data-testid=identity-unproven]").textContent()).to.contain("未能对照链上记录验证");
      expect(await entry.locator("[data-testid=notice-name]").count()).to.equal(0);
      expect(await entry.locator("[data-testid=identity-proven]").count()).to.equal(0);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).to.not.contain("李冒名");
      expect(text).to.not.contain(listed.consented.dossier.employer.name);
      await screenshot(page, "notices-tampered-zh");
      await page.close();
    } finally {
      await context.close();
    }
  });

  it("a member of the public files an objection from the page; the operator's list shows it with that filer", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    try {
      const wallet = await injectWallet(context, world, filerKey);
      const filer = privateKeyToAccount(filerKey).address;
      const page = await openNotices(context);
      const entry = item(page, listed.private.tokenId);
      await entry.locator("[data-testid=open-objection]").click();
      const form = entry.locator("[data-testid=objection-form]");
      await form.waitFor();
      await ensureConnected(page);
      const statement = form.locator("textarea");
      const evidence = form.locator('input[type="file"]');
      expect(await form.locator(`label[for="${await statement.getAttribute("id")}"]`).textContent()).to.equal("异议陈述");
      expect(await form.locator(`label[for="${await evidence.getAttribute("id")}"]`).textContent()).to.equal("证据文件（可选）");

      // an empty statement: refused here, by its field
      await form.locator('button[type="submit"]').click();
      await form.locator('[id^="objection-statement-problems"]').waitFor();
      expect(await statement.getAttribute("aria-invalid")).to.equal("true");
      expect(await form.locator('[id^="objection-statement-problems"]').textContent()).to.contain("请填写异议陈述");

      // a text file as evidence: the workbench refuses it (415), shown by the evidence field in its words
      const words = "申请人所填任职经历与其单位出具的证明不符。\n附件为单位人事部门的说明。";
      await statement.fill(words);
      await evidence.setInputFiles({ name: "note.txt", mimeType: "text/plain", buffer: Buffer.from("plain text, not evidence") });
      await form.locator('button[type="submit"]').click();
      const evidenceProblems = form.locator('[id^="objection-evidence-problems"]');
      await evidenceProblems.waitFor();
      expect(await evidence.getAttribute("aria-invalid")).to.equal("true");
      expect(await evidenceProblems.textContent()).to.contain("不接受此类文件");
      await screenshot(page, "notices-objection-refused-zh-390");
      expect(await axeViolations(page, ".notices"), "axe on the form with its refusals").to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);

      // a PDF: signed in (SIWE), uploaded, the statement signed as EIP-712, filed
      await evidence.setInputFiles({ name: "hr-letter.pdf", mimeType: "application/pdf", buffer: samplePdf("HR letter") });
      const typedBefore = wallet.calls.filter((m) => m === "eth_signTypedData_v4").length;
      await form.locator('button[type="submit"]').click();
      const filed = entry.locator("[data-testid=objection-filed]");
      await filed.waitFor({ timeout: 60_000 });
      expect(await filed.textContent()).to.contain("异议已提交，由认定主体处理");
      expect(wallet.calls.filter((m) => m === "eth_signTypedData_v4").length).to.equal(typedBefore + 1);
      expect(wallet.calls).to.include("personal_sign");
      await page.waitForSelector(`[data-testid=notice-item][data-token="${listed.private.tokenId}"][data-objection="open"]`);
      expect(await entry.locator("[data-testid=notice-objection]").textContent()).to.contain("异议处理中");
      await screenshot(page, "notices-objection-filed-zh-390");

      // the operator's list: this certificate, this filer, the statement as signed, the evidence cited
      const list = expect200(await http("GET", "/objections", undefined, operator), "objections").json<{ items: { tokenId: string; filer?: string; statement?: string; evidence?: string | null; status: string }[] }>();
      const mine = list.items.filter((o) => o.tokenId === listed.private.tokenId);
      expect(mine).to.have.length(1);
      expect(mine[0]!.filer?.toLowerCase()).to.equal(filer.toLowerCase());
      expect(mine[0]!.statement).to.equal(words);
      expect(mine[0]!.evidence).to.match(/^[0-9a-f]{64}$/);
      expect(mine[0]!.status).to.equal("filed");

      // another member of the public sees the open objection too; filing a second one is refused (one at a time),
      // in the workbench's words, by the submit button
      const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const second = await injectWallet(reader, world, privateKeyOf(42));
        const again = await openNotices(reader, "en");
        const entryAgain = item(again, listed.private.tokenId);
        expect(await entryAgain.getAttribute("data-objection")).to.equal("open");
        expect(await item(again, listed.consented.tokenId).getAttribute("data-objection")).to.equal("none");
        await entryAgain.locator("[data-testid=open-objection]").click();
        await entryAgain.locator("[data-testid=objection-already-open]").waitFor();
        await ensureConnected(again);
        await entryAgain.locator("textarea").fill("Second objection while the first is open.");
        await entryAgain.locator('button[type="submit"]').click();
        const refused = entryAgain.locator('[id^="objection-form-problems"]');
        await refused.waitFor({ timeout: 60_000 });
        expect(await refused.textContent()).to.contain("already under an open objection");
        expect(second.calls).to.include("eth_signTypedData_v4");
        await screenshot(again, "notices-objection-second-refused-en-1280");
      } finally {
        await reader.close();
      }
      const after = expect200(await http("GET", "/objections", undefined, operator), "objections").json<{ items: { tokenId: string; status: string }[] }>();
      expect(after.items.filter((o) => o.tokenId === listed.private.tokenId && o.status === "filed")).to.have.length(1);
      await page.close();
    } finally {
      await context.close();
    }
  });
});
