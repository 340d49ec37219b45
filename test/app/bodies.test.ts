/**
 * 认定主体名录 — the public directory of certifying bodies, read from the chain with no server: `#/bodies` lists
 * the seeded bodies with their standing, scope, term and certificate counts by status; `#/bodies/<id>` shows one
 * body with its counts table; a suspended body is shown suspended; a bad or unknown id is said plainly (zh, en).
 * Also the directory's pure parts (status 7 = ReviewOverdue before every sdk knows it, standings, the metadata's
 * hash check) and the ReviewOverdue label in both locales.
 */
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { createClient, http, keccak256, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { STATUS_ICON_PATHS } from "../../app/src/lib/statusIcons";
import { en } from "../../app/src/locales/en";
import { zh } from "../../app/src/locales/zh";
import { bodyName, bodyStanding, certificateStatusName, countByStatus, readDirectory, type DirectoryStatus } from "../../app/src/public/bodyDirectory";
import { bodyIdOfCertificate } from "../../sdk";
import { clientFor } from "../server/helpers";
import { appUrl, launchBrowser, privateKeyOf, ROLE, screenshot, serveWorld, startWorld, type World } from "./harness";

describe("dApp · the directory of certifying bodies (认定主体名录)", function () {
  this.timeout(240_000);

  describe("its pure parts", () => {
    it("names status 7 ReviewOverdue (年审逾期) and an index it does not know Unknown, never a crash", () => {
      expect(certificateStatusName(2)).to.equal("Valid");
      expect(certificateStatusName(6)).to.equal("Voided");
      expect(certificateStatusName(7)).to.equal("ReviewOverdue");
      expect(certificateStatusName(42)).to.equal("Unknown");
      expect(zh.verdict.ReviewOverdue.title).to.equal("年审逾期");
      expect(en.verdict.ReviewOverdue.title).to.equal("Annual review overdue");
      expect(STATUS_ICON_PATHS.ReviewOverdue).to.be.a("string").and.not.equal("");
      const counts = countByStatus([
        { status: "ReviewOverdue", underObjection: false },
        { status: "Valid", underObjection: false },
        { status: "Pending", underObjection: true },
        { status: "NotFound", underObjection: false },
      ]);
      expect(counts).to.deep.equal({ ReviewOverdue: 1, Valid: 1, Pending: 1, total: 3, underObjection: 1 });
    });

    it("tells accredited, suspended, expired and revoked apart", () => {
      expect(bodyStanding({ status: "Active", accredited: true })).to.equal("accredited");
      expect(bodyStanding({ status: "Active", accredited: false })).to.equal("expired");
      expect(bodyStanding({ status: "Suspended", accredited: false })).to.equal("suspended");
      expect(bodyStanding({ status: "Revoked", accredited: false })).to.equal("revoked");
    });

    it("reads the name from inline metadata and checks it against the on-chain hash", () => {
      const doc = JSON.stringify({ name: "湖南省质量认定中心", country: "CN" });
      const uri = `data:application/json,${encodeURIComponent(doc)}`;
      expect(bodyName({ metadataURI: uri, metadataHash: keccak256(toHex(doc)) })).to.deep.equal({ name: "湖南省质量认定中心", matchesHash: true });
      expect(bodyName({ metadataURI: uri, metadataHash: keccak256(toHex(`${doc} `)) })).to.deep.equal({ name: "湖南省质量认定中心", matchesHash: false });
      expect(bodyName({ metadataURI: "https://example.org/body.json", metadataHash: `0x${"00".repeat(32)}` as Hex })).to.deep.equal({ name: null, matchesHash: null });
    });
  });

  describe("from the chain, in Chromium", () => {
    let world: World;
    let served: Served;
    let browser: Browser;
    /** what the seed says each body's certificates are now (the credential's certificate is in public notice) */
    let expected: Map<number, { counts: Partial<Record<DirectoryStatus, number>>; total: number; underObjection: number }>;

    before(async () => {
      world = await startWorld();
      served = await serveWorld(world);
      browser = await launchBrowser();
      // the seed knows which numbers it created; each one's status is the sdk's own verification (not the
      // directory's event scan and raw reads, which the test checks against it)
      expected = new Map();
      const reader = clientFor(world.rpcUrl, world.deployment);
      for (const tokenId of [...world.certs.map((c) => c.tokenId), world.credential.tokenId]) {
        const v = await reader.verifyCertificate(tokenId);
        const id = bodyIdOfCertificate(tokenId);
        const e = expected.get(id) ?? { counts: {}, total: 0, underObjection: 0 };
        e.counts[v.status] = (e.counts[v.status] ?? 0) + 1;
        e.total++;
        if (v.underObjection) e.underObjection++;
        expected.set(id, e);
      }
      expect(expected.get(world.bodyA)!.underObjection, "the seed's objection").to.equal(1);
    });
    after(async () => {
      await browser?.close();
      await served?.close();
      await world?.stop();
    });

    it("counts each body's certificates by status from the chain's events", async () => {
      const client = createClient({ transport: http(world.rpcUrl, { batch: true }) });
      const entries = await readDirectory(client, world.deployment);
      expect(entries.map((e) => e.body.bodyId)).to.deep.equal([world.bodyA, world.bodyB]);
      for (const e of entries) {
        const want = expected.get(e.body.bodyId)!;
        const { total, underObjection, ...counts } = e.counts;
        expect(counts, `body ${e.body.bodyId}`).to.deep.equal(want.counts);
        expect(total).to.equal(want.total);
        expect(underObjection).to.equal(want.underObjection);
        expect(e.standing).to.equal("accredited");
        expect(e.name.matchesHash).to.equal(true);
      }
      expect(entries[0]!.name.name).to.contain("湖南省质量认定中心");
      // one body only
      const one = await readDirectory(client, world.deployment, world.bodyB);
      expect(one.map((e) => e.body.bodyId)).to.deep.equal([world.bodyB]);
      expect(await readDirectory(client, world.deployment, 99)).to.deep.equal([]);
    });

    it("lists the bodies with standing, scope, term and counts (zh, en; 390 px and desktop)", async () => {
      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1100]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.goto(appUrl(served, "/bodies", lang));
          await page.waitForSelector('[data-testid="body-directory"]');
          expect(await page.textContent("h1")).to.contain(lang === "zh" ? "认定主体名录" : "Directory of certifying bodies");
          expect(await page.getAttribute('nav a[href="#/bodies"]', "aria-current")).to.equal("page");
          const a = page.locator(`li[data-body="${world.bodyA}"]`);
          expect(await a.locator("h2").textContent()).to.contain(`#${world.bodyA}`).and.to.contain("湖南省质量认定中心");
          expect(await a.locator(`[data-testid="standing-${world.bodyA}"]`).textContent()).to.equal(lang === "zh" ? "认定资格有效" : "Accredited");
          const scope = (await a.locator("dl").textContent()) ?? "";
          expect(scope).to.contain(lang === "zh" ? "一级、二级、三级" : "Level I, Level II, Level III");
          const want = expected.get(world.bodyA)!;
          const line = (await a.locator('[data-testid="counts-line"]').textContent()) ?? "";
          expect(line).to.contain(`${lang === "zh" ? "有效" : "Valid"} ${want.counts.Valid}`);
          expect(line).to.contain(`${lang === "zh" ? "公示中" : "In public notice"} ${want.counts.Pending}`);
          const b = page.locator(`li[data-body="${world.bodyB}"]`);
          expect(await b.locator('[data-testid="counts-line"]').textContent()).to.equal(`${lang === "zh" ? "已作废" : "Voided"} ${expected.get(world.bodyB)!.counts.Voided}`);
          await screenshot(page, `bodies-list-${lang}-${width}`);
          await page.close();
        }
      }
    });

    it("shows a body's page with its counts table, and says plainly when the number is bad or unknown", async () => {
      const want = expected.get(world.bodyA)!;
      for (const lang of ["zh", "en"] as const) {
        for (const width of [390, 1100]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.goto(appUrl(served, "/bodies", lang));
          // from the list to the page by keyboard: the name is a link
          await page.waitForSelector('[data-testid="body-directory"]');
          await page.focus(`li[data-body="${world.bodyA}"] h2 a`);
          await page.keyboard.press("Enter");
          await page.waitForSelector('[data-testid="body-counts"]');
          expect(page.url()).to.contain(`#/bodies/${world.bodyA}`);
          expect(await page.textContent("h1")).to.contain("湖南省质量认定中心");
          for (const [status, n] of Object.entries(want.counts)) expect(await page.textContent(`[data-count="${status}"]`), status).to.equal(String(n));
          expect(await page.textContent('[data-count="total"]')).to.equal(String(want.total));
          expect(await page.textContent('[data-count="underObjection"]')).to.equal(String(want.underObjection));
          expect(await page.textContent('[data-count="Revoked"]')).to.equal(String(want.counts.Revoked ?? 0));
          expect(await page.textContent('[data-testid="metadata-check"]')).to.contain("✔");
          expect(await page.textContent(".card")).to.contain(lang === "zh" ? "7 天" : "7 days");
          await screenshot(page, `bodies-page-${lang}-${width}`);
          await page.goto(appUrl(served, "/bodies/abc", lang));
          expect(await page.locator('[role="alert"]').first().textContent({ timeout: 10_000 })).to.contain(lang === "zh" ? "不是认定主体编号" : "is not a certifying body's number");
          await page.goto(appUrl(served, "/bodies/99", lang));
          expect(await page.textContent('[data-testid="body-not-found"]')).to.contain("99");
          await page.close();
        }
      }
    });

    it("shows a suspended body as suspended", async () => {
      const association = clientFor(world.rpcUrl, world.deployment, privateKeyToAccount(privateKeyOf(ROLE.association)));
      await association.suspendBody(world.bodyB, keccak256(toHex("2026 年度监督检查")));
      for (const lang of ["zh", "en"] as const) {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        await page.goto(appUrl(served, `/bodies/${world.bodyB}`, lang));
        const standing = page.locator(`[data-testid="standing-${world.bodyB}"]`);
        await standing.waitFor();
        expect(await standing.getAttribute("data-standing")).to.equal("suspended");
        expect(await standing.textContent()).to.equal(lang === "zh" ? "资格已暂停" : "Suspended");
        await screenshot(page, `bodies-suspended-${lang}`);
        await page.close();
      }
    });
  });
});
