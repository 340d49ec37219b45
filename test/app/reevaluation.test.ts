/**
 * 复评 (issue #13) walked end to end in Chromium: a holder with an issued certificate asks on #/mine for the
 * re-evaluation, lands on #/apply?renew=… pre-filled from the certificate's own dossier under the current rulebook
 * (a newer version the association registered on-chain meanwhile), brings a fact up to date, signs the declaration
 * anew and submits; the operator accepts it in the body console and assigns a new panel, whose sheets are for the
 * new rulebook (a sheet for the old one is refused); evaluated, the operator renews the certificate from its own
 * dossier page; the new result goes through a new public notice; at its end the verify page shows the same number,
 * valid, its validity extended, and a history with both cycles (issued, renewed) — in zh and en, 390 and 1280 px.
 */
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { createPublicClient, createWalletClient, http as viemHttp, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { formatCertificateNumber } from "../../app/src/lib/certificateNumber";
import { formatDate } from "../../app/src/lib/format";
import { CqoClient, reviewScheduleOf } from "../../sdk";
import { chainFor } from "../../server/chain";
import { parseRulebook, rulebookHash, type Dossier } from "../../scoring";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import currentRulebookJson from "../../rulebooks/hn-cqo-default-2026.1.json";
import { ASSESSORS, clientFor, dossierFor, expect200, RULEBOOK, RULEBOOK_HASH, RULEBOOK_KEY, signedDeclaration, toEvaluated, waitForState, type Http, type Tokens } from "../server/helpers";
import { bodyNamesOnChain, expectTranslated } from "./untranslated";
import { appUrl, ensureConnected, injectWallet, privateKeyOf, ROLE, screenshot, signInToConsole, startAppWorkbench, startServedWorld, type AppWorkbench, type ServedWorld, type World } from "./harness";

const HOLDER = 48;
const CURRENT = (() => {
  const r = parseRulebook(currentRulebookJson);
  if (!r.ok) throw new Error("rulebook 2026.1 invalid");
  return r.value;
})();
const CURRENT_HASH = rulebookHash(CURRENT);
const CURRENT_KEY = `${CURRENT.id}@${CURRENT.version}`;
const SHEET_SEED = 4848;

interface Detail {
  state: string;
  rulebook: string;
  rulebookHash: Hex | null;
  dossierHash: Hex;
  tokenId: string | null;
  dossier: Dossier;
  declaration: { publishInNotice: boolean } | null;
  evaluation: { level: number | null; issuable: boolean } | null;
  panel: { address: string }[];
}

describe("dApp · 复评 re-evaluation: the renewal dossier pre-filled, a new panel under the current rulebook, a new notice, the same number", function () {
  this.timeout(600_000);
  let sw: ServedWorld;
  let world: World;
  let app: AppWorkbench;
  let served: Served;
  let http: Http;
  let tokens: Tokens;
  let holderContext: BrowserContext;
  let operatorContext: BrowserContext;
  const holder = privateKeyToAccount(privateKeyOf(HOLDER));
  // what the steps hand on
  let firstId = "";
  let tokenId = "";
  let renewalId = "";
  let firstRulebookId = 0;
  let currentRulebookId = 0;
  let firstValidUntil = 0;
  let firstYears = 0;

  const detail = async (id: string) => expect200(await http("GET", `/dossiers/${id}`, undefined, tokens.operator), `GET ${id}`).json<Detail>();
  const chain = () => clientFor(world.rpcUrl, world.deployment);
  const noOverflow = async (page: Page, what: string) => expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: horizontal overflow at 390 px`).to.be.at.most(390);
  /** zh and en at 390 and 1280 px (the language is read when the app starts: each is loaded afresh) */
  async function shots(page: Page, name: string, open: (lang: "zh" | "en") => Promise<void>, check?: (lang: "zh" | "en") => Promise<void>): Promise<void> {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await open(lang);
        if (check) await check(lang);
        if (width === 390) await noOverflow(page, `${name} ${lang}`);
        await screenshot(page, `reevaluation-${name}-${lang}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  /** the apply pages keep the workbench session per tab: sign in again where the tab has none */
  async function applySignedIn(page: Page, ready: string): Promise<void> {
    await ensureConnected(page);
    const signIn = page.locator('[data-testid="apply-sign-in"]');
    await signIn.or(page.locator(ready)).first().waitFor();
    if (await signIn.isVisible()) await signIn.click();
    await page.locator(ready).first().waitFor();
  }
  async function openConsoleDossier(page: Page, id: string, lang: "zh" | "en" = "zh"): Promise<void> {
    await page.goto(appUrl(served, `/body/dossier/${id}`, lang));
    if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
    await signInToConsole(page);
    await page.waitForSelector(`.dossier-page[data-dossier="${id}"]`);
  }

  before(async () => {
    sw = await startServedWorld();
    world = sw.world;
    app = await startAppWorkbench(world, { prefix: "app-reevaluation-wb", config: { requireDeclaration: true } });
    ({ http, served } = app);
    tokens = await app.signInTeam(holder);
    holderContext = await sw.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(holderContext, world, privateKeyOf(HOLDER));
    operatorContext = await sw.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(operatorContext, world, privateKeyOf(ROLE.keyA));
  });
  after(async () => {
    await app?.close();
    await sw?.close();
  });

  it("the first cycle: the holder's certificate is issued under rulebook 2024.1 and its notice is over", async () => {
    const dossier = dossierFor(4801);
    firstYears = dossier.applicant.qualityYears;
    const declaration = await signedDeclaration(holder, dossier, world.deployment, true);
    const evaluated = await toEvaluated(http, tokens, dossier, SHEET_SEED, declaration);
    expect(evaluated.state, "the first dossier is issuable").to.equal("evaluated");
    firstId = evaluated.id;
    tokenId = expect200(await http("POST", `/dossiers/${firstId}/approve`, {}, tokens.operator), "approve").json<{ tokenId: string }>().tokenId;
    await waitForState(http, tokens.operator, firstId, "in-notice", 60_000);
    await world.travel(8 * 86_400);
    expect(expect200(await http("POST", `/dossiers/${firstId}/end-notice`, {}, tokens.operator), "end notice").json<{ state: string }>().state).to.equal("issued");
    const v = await chain().verifyCertificate(BigInt(tokenId));
    expect(v.status).to.equal("Valid");
    expect(v.rulebookHash.toLowerCase()).to.equal(RULEBOOK_HASH.toLowerCase());
    firstRulebookId = v.rulebookId;
    firstValidUntil = v.validUntil;
    expect((await detail(firstId)).rulebook).to.equal(RULEBOOK_KEY);
  });

  it("the association registers the newer rulebook version 2026.1 on-chain", async () => {
    const transport = viemHttp(world.rpcUrl, { retryCount: 0 });
    const c = chainFor(world.deployment, world.rpcUrl);
    const pc = createPublicClient({ chain: c, transport }) as PublicClient;
    const association = new CqoClient(pc, world.deployment, createWalletClient({ account: privateKeyToAccount(privateKeyOf(ROLE.association)), chain: c, transport }));
    currentRulebookId = (await association.registerRulebook(CURRENT_HASH, "rulebooks/hn-cqo-default-2026.1.json", reviewScheduleOf(CURRENT))).rulebookId;
    expect(currentRulebookId).to.not.equal(firstRulebookId);
    expect(await association.rulebookIdOf(CURRENT_HASH)).to.equal(currentRulebookId);
  });

  it("#/mine → 复评申报: the form is pre-filled from the certificate's dossier under 2026.1; the holder updates a fact, signs anew and submits", async () => {
    const first = await detail(firstId);
    const page = await holderContext.newPage();
    await page.goto(appUrl(served, "/mine"));
    await ensureConnected(page);
    const card = page.locator(`.cert-card[data-token="${tokenId}"]`);
    await card.locator('[data-testid="renew"]').waitFor();
    await shots(page, "mine", async (lang) => {
      await page.goto(appUrl(served, "/mine", lang));
      if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
      await ensureConnected(page);
      await card.locator('[data-testid="renew"]').waitFor();
    });
    await page.goto(appUrl(served, "/mine"));
    await page.reload();
    await ensureConnected(page);
    await card.locator('[data-testid="renew"]').click();
    await page.waitForFunction((id) => window.location.hash.startsWith(`#/apply?renew=${encodeURIComponent(id)}`), firstId);
    await applySignedIn(page, '[data-testid="renewal-prefilled"]');

    // pre-filled: the applicant's own facts, the current rulebook, nothing signed yet
    const banner = (await page.textContent('[data-testid="renewal-prefilled"]'))!;
    expect(banner).to.contain(formatCertificateNumber(tokenId)).and.contain(firstId).and.contain("证书编号不变");
    expect(await page.inputValue('[name="applicant.name"]')).to.equal(first.dossier.applicant.name);
    expect(await page.inputValue('[name="applicant.idNumber"]')).to.equal(first.dossier.applicant.idNumber);
    expect(await page.inputValue('[name="applicant.qualityYears"]')).to.equal(String(firstYears));
    expect(await page.inputValue('[name="employer.name"]')).to.equal(first.dossier.employer.name);
    expect(await page.inputValue('[name="employer.uscc"]')).to.equal(first.dossier.employer.uscc);
    await page.locator(`[name="rulebook"] option[value="${CURRENT_KEY}"]`).waitFor({ state: "attached" });
    expect(await page.inputValue('[name="rulebook"]'), "scored under the current rulebook").to.equal(CURRENT_KEY);
    expect(await page.locator('[data-testid="declaration-signed"]').count(), "the declaration is signed anew").to.equal(0);
    await shots(
      page,
      "renewal-prefilled",
      async (lang) => {
        await page.goto(appUrl(served, `/apply?renew=${encodeURIComponent(firstId)}`, lang));
        if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
        await applySignedIn(page, '[data-testid="renewal-prefilled"]');
      },
      async (lang) => {
        const text = (await page.textContent('[data-testid="renewal-prefilled"]'))!;
        expect(text).to.contain(lang === "zh" ? "复评申报" : "Re-evaluation").and.contain(formatCertificateNumber(tokenId));
        expect(await page.inputValue('[name="applicant.name"]')).to.equal(first.dossier.applicant.name);
      },
    );

    // three more years in the post; a new declaration, consenting to publication in the new notice
    await page.fill('[name="applicant.qualityYears"]', String(firstYears + 3));
    await page.locator("#publish-consent").check();
    await page.locator('[data-testid="sign-declaration"]').click();
    await page.locator('[data-testid="declaration-signed"]').waitFor();
    await page.locator('[data-testid="submit-application"]').click();
    await page.waitForFunction(() => /#\/apply\/[A-Z]+-\d{4}-\d+/.test(window.location.hash));
    renewalId = /#\/apply\/([^?&]+)/.exec(page.url())![1]!;
    expect(renewalId).to.not.equal(firstId);
    await page.locator('[data-step="stepApply"][data-status="done"]').waitFor();

    const stored = await detail(renewalId);
    expect(stored.state).to.equal("submitted");
    expect(stored.rulebook).to.equal(CURRENT_KEY);
    expect(stored.rulebookHash?.toLowerCase()).to.equal(CURRENT_HASH.toLowerCase());
    expect(stored.dossier.applicant.name).to.equal(first.dossier.applicant.name);
    expect(stored.dossier.applicant.idNumber).to.equal(first.dossier.applicant.idNumber);
    expect(stored.dossier.employer).to.deep.equal(first.dossier.employer);
    expect(stored.dossier.applicant.qualityYears, "the fact brought up to date").to.equal(firstYears + 3);
    expect(stored.dossier.records.integrity.pledgeSigned, "the new declaration is the pledge").to.equal(true);
    expect(stored.declaration?.publishInNotice).to.equal(true);
    await page.close();
  });

  it("the operator accepts it in the body console and assigns a new panel; its sheets are for 2026.1 (one for 2024.1 is refused)", async () => {
    const page = await operatorContext.newPage();
    await openConsoleDossier(page, renewalId);
    await page.click('[data-testid="operator-actions"] button:has-text("受理")');
    expect((await page.locator('[role="alertdialog"] h2').textContent())!.trim()).to.equal("确认受理");
    await page.click('[data-testid="confirm"]');
    await page.locator('[data-testid="action-done"]').waitFor();
    expect(await page.textContent('[data-testid="action-done"]')).to.contain("已受理").and.contain(renewalId);
    await page.waitForSelector('section.card [data-state="accepted"]');
    expect((await detail(renewalId)).state).to.equal("accepted");

    // a new panel: none of the first cycle's assessors
    const oldPanel = (await detail(firstId)).panel.map((p) => p.address.toLowerCase());
    const panel = ASSESSORS.slice(3, 6);
    for (const a of panel) expect(oldPanel).to.not.include(a.address.toLowerCase());
    for (const a of panel) await page.locator('[data-testid="operator-actions"] fieldset label', { hasText: a.id }).click();
    await page.click('[data-testid="operator-actions"] button:has-text("指派评审组")');
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('section.card [data-state="assigned"]', { timeout: 60_000 });
    await shots(page, "console-assigned", async (lang) => {
      await openConsoleDossier(page, renewalId, lang);
      await page.waitForSelector('section.card [data-state="assigned"]');
    });
    await page.close();
    const assigned = await detail(renewalId);
    expect(assigned.state).to.equal("assigned");
    expect(assigned.panel.map((p) => p.address.toLowerCase()).sort()).to.deep.equal(panel.map((a) => a.address.toLowerCase()).sort());

    const [a0] = panel;
    const t0 = await app.signInAs(privateKeyToAccount(a0!.key));
    const stale = syntheticSheets(RULEBOOK, RULEBOOK_HASH, assigned.dossierHash, [a0!], SHEET_SEED, 40)[0]!;
    const refused = await http("POST", `/dossiers/${renewalId}/sheets`, { sheet: await signSheet(stale, a0!.key) }, t0);
    expect(refused.status, "a sheet for the old rulebook").to.be.within(400, 499);
    const sheets = syntheticSheets(CURRENT, CURRENT_HASH, assigned.dossierHash, panel, SHEET_SEED, 40);
    for (const [i, a] of panel.entries()) {
      const token = i === 0 ? t0 : await app.signInAs(privateKeyToAccount(a.key));
      expect200(await http("POST", `/dossiers/${renewalId}/sheets`, { sheet: await signSheet(sheets[i]!, a.key) }, token), `sheet ${a.id}`, 201);
    }
    const evaluated = expect200(await http("POST", `/dossiers/${renewalId}/evaluate`, {}, tokens.operator), "evaluate").json<{ state: string }>();
    expect(evaluated.state, "the re-evaluation is issuable").to.equal("evaluated");
    const ev = (await detail(renewalId)).evaluation;
    expect(ev?.issuable).to.equal(true);
    const before = await chain().verifyCertificate(BigInt(tokenId));
    expect(ev?.level, "the same level as the certificate").to.equal(before.level);
  });

  it("the operator renews the certificate from its dossier page, picking the re-evaluation; a new public notice begins", async () => {
    const page = await operatorContext.newPage();
    await openConsoleDossier(page, firstId);
    await page.waitForSelector('section.card [data-state="issued"]');
    await page.waitForSelector(`#renewal-id option[value="${renewalId}"]`, { state: "attached" });
    await page.selectOption("#renewal-id", renewalId);
    await page.click('[data-testid="operator-actions"] button:has-text("复评续期")');
    const dialog = page.locator('[role="alertdialog"]');
    expect((await dialog.locator("h2").textContent())!.trim()).to.equal("确认复评续期");
    expect(await dialog.textContent()).to.contain(renewalId);
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector('[data-testid="action-done"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="action-done"]')).to.contain("已在链上续期证书").and.match(/0x[0-9a-f]{64}/);
    await page.close();

    expect((await detail(firstId)).state).to.equal("issued");
    expect((await detail(renewalId)).state).to.equal("renewal-applied");
    const v = await chain().verifyCertificate(BigInt(tokenId));
    expect(v.tokenId.toString(), "the same number").to.equal(tokenId);
    expect(v.rulebookId, "renewed under the current rulebook").to.equal(currentRulebookId);
    expect(v.rulebookHash.toLowerCase()).to.equal(CURRENT_HASH.toLowerCase());
    expect(v.validUntil).to.be.greaterThan(firstValidUntil);
    // the new result is in notice; the previous one stays in force meanwhile
    expect(v.status).to.equal("Valid");
    expect(v.evaluatedAt).to.be.greaterThan(v.issuedAt);

    // the verify page says the new result is in public notice, until when
    const verifier = await sw.browser.newPage({ viewport: { width: 390, height: 900 } });
    await verifier.goto(appUrl(sw.served, `/verify/${tokenId}`));
    const notice = verifier.locator('[data-testid="renewal-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).to.contain("复评续期的新结果正在公示").and.contain(formatDate(v.validFrom, "zh"));
    await noOverflow(verifier, "verify in the renewal's notice");
    await screenshot(verifier, "reevaluation-verify-in-notice-zh-390");
    await verifier.close();

    // the holder's status page of the re-evaluation says which certificate it renewed
    const status = await holderContext.newPage();
    await status.goto(appUrl(served, `/apply/${renewalId}`));
    await applySignedIn(status, '[data-testid="steps"]');
    const renewed = status.locator('[data-testid="renewed-certificate"]');
    await renewed.waitFor();
    expect(await renewed.textContent()).to.contain(formatCertificateNumber(tokenId));
    await shots(status, "renewal-status", async (lang) => {
      await status.goto(appUrl(served, `/apply/${renewalId}`, lang));
      if ((await status.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await status.reload();
      await applySignedIn(status, '[data-testid="renewed-certificate"]');
    });
    await status.close();
  });

  it("#/notices lists the renewed certificate as a 复评公示 while its new result's notice runs, with its end and the days left", async () => {
    const v = await chain().verifyCertificate(BigInt(tokenId));
    const page = await holderContext.newPage();
    const entry = page.locator(`[data-testid="notice-item"][data-token="${tokenId}"]`);
    await shots(
      page,
      "renewal-notice",
      async (lang) => {
        await page.goto(appUrl(served, "/notices", lang));
        if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
        await entry.locator('[data-testid="notice-kind"]').waitFor();
      },
      async (lang) => {
        expect(await entry.locator('[data-testid="notice-kind"]').getAttribute("data-kind")).to.equal("renewal");
        expect(await entry.locator('[data-testid="notice-kind"]').textContent()).to.contain(lang === "zh" ? "复评公示（换证）" : "a re-evaluation (renewal)");
        expect(await entry.locator('[data-testid="notice-ends"]').textContent()).to.contain(formatDate(v.validFrom, lang)).and.match(lang === "zh" ? /剩余 [1-7] 天/ : /[1-7] days? left/);
        // the current result stays valid during the notice: no bare 有效 beside it, the notice says why
        expect(await entry.locator('[data-testid="notice-status"]').count()).to.equal(0);
        if (lang === "zh") await expectTranslated(page, "renewal-notice", { data: await bodyNamesOnChain(world) });
      },
    );
    await page.close();
  });

  it("at the end of the new notice: the verify page shows the same number, valid, its validity extended, and both cycles in its history", async () => {
    await world.travel(8 * 86_400);
    const v = await chain().verifyCertificate(BigInt(tokenId));
    expect(v.status).to.equal("Valid");
    const page = await sw.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await shots(
      page,
      "verify-renewed",
      async (lang) => {
        await page.goto(appUrl(sw.served, `/verify/${tokenId}`, lang));
        if ((await page.evaluate(() => document.documentElement.lang === "en")) !== (lang === "en")) await page.reload();
        await page.locator('.timeline li[data-kind="renewed"]').waitFor();
      },
      async (lang) => {
        expect(await page.getAttribute("[data-status]", "data-status")).to.equal("Valid");
        expect((await page.textContent('[data-testid="certificate-number"]'))!.trim(), "the same number").to.equal(formatCertificateNumber(tokenId));
        expect(await page.locator('[data-testid="renewal-notice"]').count(), "the notice is over").to.equal(0);
        const label = lang === "zh" ? "有效期至" : "Valid until";
        const until = await page.evaluate((l) => Array.from(document.querySelectorAll("dl.details dt")).find((e) => e.textContent?.trim() === l)?.nextElementSibling?.textContent?.trim() ?? null, label);
        expect(until, "valid until, extended").to.equal(formatDate(v.validUntil, lang));
        expect(formatDate(v.validUntil, lang)).to.not.equal(formatDate(firstValidUntil, lang));
        const issued = page.locator('.timeline li[data-kind="issued"]');
        const renewed = page.locator('.timeline li[data-kind="renewed"]');
        expect(await issued.count(), "one issuance").to.equal(1);
        expect(await renewed.count(), "one renewal").to.equal(1);
        const issuedText = (await issued.textContent())!;
        const renewedText = (await renewed.textContent())!;
        expect(issuedText).to.contain(lang === "zh" ? "颁发" : "Issued").and.contain(formatDate(firstValidUntil, lang));
        expect(renewedText).to.contain(lang === "zh" ? "复评续期" : "Renewed after re-evaluation").and.contain(formatDate(v.validUntil, lang));
        // each cycle names its rulebook
        expect(await issued.getAttribute("data-rulebook")).to.equal(String(firstRulebookId));
        expect(await renewed.getAttribute("data-rulebook")).to.equal(String(currentRulebookId));
        expect(renewedText).to.contain(`#${currentRulebookId}`);
        // oldest first
        const kinds = await page.locator(".timeline li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
        expect(kinds.indexOf("issued")).to.be.lessThan(kinds.indexOf("renewed"));
      },
    );
    await page.close();
  });
});
