/**
 * 监督 (issue #13): the oversight figures (app/src/association/supervisionStats.ts, auditCheck.ts) as unit tests,
 * then the page in Chromium against the seeded chain — each body's counts equal to what the chain says (read here
 * with the sdk, certificate by certificate), the charts drawn, and a sampling audit whose sample is the same for
 * the same seed and is the one the stated algorithm gives — with screenshots in zh and en at 390 and 1280 px.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { concat, keccak256, numberToHex, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { checkAuditAnswer } from "../../app/src/association/auditCheck";
import { auditFlags, drawSample, oversightOf, voidPreview, type BodyOversight, type CertificateFact, type OversightEvent } from "../../app/src/association/supervisionStats";
import { buildTree, disclose, valueHash, type Credential } from "../../scoring";
import { bodyIdOfCertificate, type CertificateVerification } from "../../sdk/types";
import { clientFor, dossierFor, expect200, toEvaluated, waitForState } from "../server/helpers";
import { appUrl, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, serveWorld, startAppWorkbench, startWorld, type World } from "./harness";

const cert = (tokenId: number, bodyId: number, level: number, status: CertificateFact["status"], extra: Partial<CertificateFact> = {}): CertificateFact => ({
  tokenId: BigInt(tokenId),
  bodyId,
  level,
  status,
  evaluatedAt: 1000 + tokenId,
  successor: null,
  revocationReason: null,
  ...extra,
});

/** the sampling key by the page's stated rule, computed independently: keccak256(seed ‖ uint256 tokenId) */
const keyOf = (seed: Hex, tokenId: bigint): Hex => keccak256(concat([seed, numberToHex(tokenId, { size: 32 })]));
const expectedSample = (seed: Hex, ids: bigint[], n: number) =>
  [...ids].sort((a, b) => (BigInt(keyOf(seed, a)) < BigInt(keyOf(seed, b)) ? -1 : 1)).slice(0, n).map(String);

describe("app · supervision figures (supervisionStats.ts)", () => {
  it("counts certificates by status and level, and the events, per body; a re-issued number counts once", () => {
    const certs = [
      cert(1, 1, 1, "Valid"),
      cert(2, 1, 2, "Suspended"),
      cert(3, 1, 2, "Revoked", { successor: 9n, revocationReason: "Reissued" }),
      cert(9, 1, 2, "Pending"),
      cert(4, 2, 3, "Voided"),
      cert(5, 2, 3, "ReviewOverdue"),
    ];
    const events: OversightEvent[] = [
      { kind: "issued", bodyId: 1, tokenId: 1n },
      { kind: "issued", bodyId: 1, tokenId: 2n },
      { kind: "issued", bodyId: 1, tokenId: 3n },
      { kind: "reissued", bodyId: 1, tokenId: 9n },
      { kind: "revoked", bodyId: 1, tokenId: 3n, reason: "Reissued", bySupervisor: false },
      { kind: "objectionFiled", bodyId: 1, tokenId: 2n },
      { kind: "objectionFiled", bodyId: 1, tokenId: 1n },
      { kind: "objectionResolved", bodyId: 1, tokenId: 2n, upheld: true },
      { kind: "objectionResolved", bodyId: 1, tokenId: 1n, upheld: false },
      { kind: "issued", bodyId: 2, tokenId: 4n },
      { kind: "issued", bodyId: 2, tokenId: 5n },
      { kind: "voided", bodyId: 2, voidedBefore: 1004 },
      { kind: "review", bodyId: 2, tokenId: 5n, passed: false },
    ];
    const [a, b, c] = oversightOf([1, 2, 3], certs, events);
    expect(a!.certificates).to.equal(3);
    expect(a!.byStatus).to.deep.equal({ Valid: 1, Suspended: 1, Revoked: 1, Pending: 1 });
    expect(a!.byLevel).to.deep.equal({ 1: 1, 2: 2, 3: 0 });
    expect([a!.issued, a!.reissued, a!.revoked, a!.objectionsFiled, a!.objectionsUpheld, a!.objectionsDismissed]).to.deep.equal([3, 1, 0, 2, 1, 1]);
    expect(a!.levelIShare).to.be.closeTo(1 / 3, 1e-12);
    expect(a!.meanLevel).to.be.closeTo(5 / 3, 1e-12);
    expect([b!.certificates, b!.voids, b!.voided, b!.reviewOverdue, b!.reviewsFailed, b!.levelIShare]).to.deep.equal([2, 1, 1, 1, 1, 0]);
    expect(c!.certificates).to.equal(0);
    expect(c!.levelIShare).to.equal(null);
    // 公示维持率: 4 results put to notice (3 issuances and a re-issue), 1 overturned by an upheld objection
    expect(a!.noticeHeldRate).to.be.closeTo(3 / 4, 1e-12);
    expect(b!.noticeHeldRate).to.equal(1);
    expect(c!.noticeHeldRate).to.equal(null);
  });

  it("counts a renewal's notice in the notice hold rate, and an upheld objection to it", () => {
    const events: OversightEvent[] = [
      { kind: "issued", bodyId: 1, tokenId: 1n },
      { kind: "renewed", bodyId: 1, tokenId: 1n },
      { kind: "objectionFiled", bodyId: 1, tokenId: 1n },
      { kind: "objectionResolved", bodyId: 1, tokenId: 1n, upheld: true },
    ];
    const [a] = oversightOf([1], [cert(1, 1, 2, "Revoked", { revocationReason: "Fraud" })], events);
    expect(a!.noticeHeldRate).to.be.closeTo(1 / 2, 1e-12);
  });

  const body = (bodyId: number, levelI: number, total: number): BodyOversight => {
    const certs = Array.from({ length: total }, (_, i) => cert(bodyId * 1000 + i, bodyId, i < levelI ? 1 : 3, "Valid"));
    return oversightOf([bodyId], certs, [])[0]!;
  };

  it("flags a body whose level-I share stands more than 2 SDs from the others', and only it", () => {
    const stats = [body(1, 2, 10), body(2, 2, 10), body(3, 3, 10), body(4, 2, 10), body(5, 9, 10)];
    const flags = auditFlags(stats);
    const share = flags.filter((f) => f.metric === "levelIShare");
    expect(share.map((f) => f.bodyId)).to.deep.equal([5]);
    expect(share[0]!.value).to.equal(0.9);
    expect(share[0]!.othersMean).to.be.closeTo(0.225, 1e-12);
    expect(share[0]!.deviations).to.be.greaterThan(2);
    // without the outlier, nobody stands out
    expect(auditFlags(stats.slice(0, 4))).to.deep.equal([]);
  });

  it("uses an SD floor so identical others do not flag every difference; small bodies are not compared", () => {
    const same = [body(1, 2, 10), body(2, 2, 10), body(3, 2, 10)];
    expect(auditFlags([...same, body(4, 2, 10)]).filter((f) => f.metric === "levelIShare")).to.deep.equal([]);
    // 0.24 vs 0.2 with a 0.05 floor: 0.8 SD, not flagged; 0.4 vs 0.2: 4 SDs, flagged
    expect(auditFlags([...same, body(4, 6, 25)]).filter((f) => f.metric === "levelIShare")).to.deep.equal([]);
    expect(auditFlags([...same, body(4, 4, 10)]).filter((f) => f.metric === "levelIShare").map((f) => f.bodyId)).to.deep.equal([4]);
    // a body with 2 certificates, all level I, is below the minimum: not compared
    expect(auditFlags([...same, body(4, 2, 2)])).to.deep.equal([]);
  });

  it("draws the same sample for the same seed, by the stated rule; another seed draws another", () => {
    const ids = Array.from({ length: 30 }, (_, i) => BigInt(i + 1) + (1n << 56n));
    const seed = keccak256(toHex("block 1"));
    const one = drawSample(seed, ids, 5).map((s) => s.tokenId.toString());
    expect(one).to.deep.equal(drawSample(seed, [...ids].reverse(), 5).map((s) => s.tokenId.toString()));
    expect(one).to.deep.equal(expectedSample(seed, ids, 5));
    const other = drawSample(keccak256(toHex("block 2")), ids, 5).map((s) => s.tokenId.toString());
    expect(other).to.deep.equal(expectedSample(keccak256(toHex("block 2")), ids, 5));
    expect(other).to.not.deep.equal(one);
    expect(drawSample(seed, ids.slice(0, 3), 10)).to.have.length(3);
    expect(() => drawSample("0x1234" as Hex, ids, 3)).to.throw(/seed/);
  });

  it("a void's preview: the body's certificates evaluated before the date, not revoked or already voided", () => {
    const certs = [cert(1, 1, 1, "Valid"), cert(2, 1, 2, "Revoked"), cert(3, 1, 2, "Voided"), cert(4, 1, 2, "Suspended"), cert(50, 1, 3, "Pending"), cert(5, 2, 3, "Valid")];
    expect(voidPreview(certs, 1, 1010).map((c) => Number(c.tokenId))).to.deep.equal([1, 4]);
    expect(voidPreview(certs, 1, 1000)).to.deep.equal([]);
  });

  describe("the check of an audit answer (auditCheck.ts)", () => {
    const fields = [
      { name: "level", value: 2 },
      { name: "total", value: 801 },
      { name: "dimension.ability", value: 240 },
      { name: "rulebook", value: `0x${"a".repeat(64)}` },
      { name: "dossier", value: `0x${"b".repeat(64)}` },
      { name: "name", value: "王伟" },
    ];
    const salted = fields.map((f, i) => ({ ...f, salt: keccak256(toHex(`salt-${i}`)), valueHash: valueHash(f.value) }));
    const tree = buildTree(salted.map((f) => [f.name, f.salt, f.valueHash]));
    const credential: Credential = {
      format: "cqo-credential/2",
      root: tree.root,
      leafEncoding: ["string", "bytes32", "bytes32"],
      fields: salted.map((f, i) => ({ name: f.name, value: f.value, salt: f.salt, valueHash: f.valueHash, proof: tree.proofs[i]! })),
      tree: tree.dump,
    };
    const disclosure = (() => {
      const d = disclose(credential, ["level", "total", "dimension.ability", "rulebook", "dossier"]);
      if (!d.ok) throw new Error("disclose");
      return d.value;
    })();
    const evaluation = { level: 2, total: 801, dossier: { hash: `0x${"b".repeat(64)}` }, rulebook: { hash: `0x${"a".repeat(64)}` }, dimensions: [{ id: "ability", points: 240, max: 300 }] };
    const answer = { tokenId: "1", dossierId: "D-1", root: tree.root, disclosure, evaluation };

    it("一致 when the disclosed fields give the chain's root and the evaluation is the committed one", () => {
      const c = checkAuditAnswer(answer, tree.root, 2);
      expect(c.reasons).to.deep.equal([]);
      expect(c.consistent).to.equal(true);
      expect(c.dimensions).to.deep.equal({ ability: 240 });
    });

    it("不一致 for another root, a tampered value, or an evaluation that is not the committed one", () => {
      expect(checkAuditAnswer(answer, keccak256(toHex("another root")), 2).consistent).to.equal(false);
      const tampered = { ...answer, disclosure: { ...disclosure, fields: disclosure.fields.map((f) => (f.name === "total" ? { ...f, value: 900 } : f)) } };
      expect(checkAuditAnswer(tampered, tree.root, 2).consistent).to.equal(false);
      const otherEvaluation = checkAuditAnswer({ ...answer, evaluation: { ...evaluation, dimensions: [{ id: "ability", points: 250, max: 300 }] } }, tree.root, 2);
      expect(otherEvaluation.consistent).to.equal(false);
      expect(otherEvaluation.reasons.map((r) => r.en).join(" ")).to.contain("dimension ability");
      expect(checkAuditAnswer(answer, tree.root, 1).consistent).to.equal(false);
      expect(checkAuditAnswer({ nonsense: true }, tree.root).consistent).to.equal(false);
    });
  });
});

describe("dApp · the association's oversight page (监督, #/association?tab=supervision)", function () {
  this.timeout(300_000);
  let world: World;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let views: CertificateVerification[];

  before(async () => {
    world = await startWorld();
    served = await serveWorld(world);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await injectWallet(context, world, privateKeyOf(ROLE.association));
    const reader = clientFor(world.rpcUrl, world.deployment);
    // every certificate the seed made: its list, and the one with a real credential (kept apart from the list)
    const numbers = [...world.certs.map((c) => c.tokenId), world.credential.tokenId];
    expect(new Set(numbers).size).to.equal(numbers.length);
    views = await Promise.all(numbers.map((n) => reader.verifyCertificate(n)));
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await world?.stop();
  });

  const open = async (lang: "zh" | "en", width = 1280): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(appUrl(served, "/association?tab=supervision", lang));
    await ensureConnected(page);
    await page.waitForSelector('[data-testid="sv-table"]', { timeout: 60_000 });
    return page;
  };
  const cell = async (page: Page, id: string) => Number(await page.textContent(`[data-testid="${id}"]`));

  it("shows each body's counts as the chain has them, and draws the charts", async () => {
    const page = await open("zh");
    expect(await page.textContent('[data-testid="sv-no-dimensions"]')).to.contain("评分维度与总分不上链");
    for (const bodyId of [world.bodyA, world.bodyB]) {
      const mine = views.filter((v) => bodyIdOfCertificate(v.tokenId) === bodyId);
      expect(mine.length, `body ${bodyId} has certificates`).to.be.greaterThan(0);
      for (const status of ["Valid", "Pending", "Suspended", "ReviewOverdue", "Expired", "Revoked", "Voided"] as const) {
        expect(await cell(page, `sv-${bodyId}-status-${status}`), `body ${bodyId} ${status}`).to.equal(mine.filter((v) => v.status === status).length);
      }
      const standing = mine.filter((v) => v.successor === null);
      expect(await cell(page, `sv-${bodyId}-certificates`)).to.equal(standing.length);
      for (const level of [1, 2, 3]) expect(await cell(page, `sv-${bodyId}-level-${level}`), `level ${level}`).to.equal(standing.filter((v) => v.level === level).length);
      expect(await cell(page, `sv-${bodyId}-reviewOverdue`)).to.equal(mine.filter((v) => v.status === "ReviewOverdue").length);
      expect(await cell(page, `sv-${bodyId}-voided`)).to.equal(mine.filter((v) => v.status === "Voided").length);
      // the seed's only objection is still open: filed = under objection now
      expect(await cell(page, `sv-${bodyId}-objectionsFiled`)).to.equal(mine.filter((v) => v.underObjection).length);
      // the approval rate the chain can show: results put to notice and not overturned by an upheld objection
      const noticed = (await cell(page, `sv-${bodyId}-issued`)) + (await cell(page, `sv-${bodyId}-renewed`)) + (await cell(page, `sv-${bodyId}-reissued`));
      expect(noticed).to.be.greaterThan(0);
      const held = (noticed - (await cell(page, `sv-${bodyId}-objectionsUpheld`))) / noticed;
      expect(await page.textContent(`[data-testid="sv-${bodyId}-noticeHeldRate"]`)).to.equal(`${(held * 100).toFixed(1)}%`);
    }
    // and why the application approval rate is not there: a refusal never reaches the chain
    expect(await page.textContent('[data-testid="sv-approval-note"]')).to.match(/申报通过率.*无法从链上计算.*未通过的申报不上链/);
    expect(await cell(page, `sv-${world.bodyB}-voids`)).to.equal(1);
    expect(await cell(page, `sv-${world.bodyA}-voids`)).to.equal(0);
    await page.waitForSelector('canvas#sv-chart-levels[data-ready="true"]');
    await page.waitForSelector('canvas#sv-chart-statuses[data-ready="true"]');
    const box = await page.locator("canvas#sv-chart-levels").boundingBox();
    expect(box!.width).to.be.greaterThan(100);
    expect(box!.height).to.be.greaterThan(100);
    await page.close();
  });

  it("draws the same sample for the same seed, by the algorithm the page states", async () => {
    const seed = keccak256(toHex("block chosen by the officer"));
    const ids = views.filter((v) => bodyIdOfCertificate(v.tokenId) === world.bodyA).map((v) => v.tokenId);
    const drawOn = async (page: Page, s: Hex): Promise<string[]> => {
      await page.selectOption("#audit-body", String(world.bodyA));
      await page.fill("#audit-seed", s);
      await page.fill("#audit-size", "4");
      await page.click('[data-testid="audit-draw"]');
      await page.waitForSelector(`[data-testid="audit-sample"][data-seed="${s}"]`);
      return page.$$eval('[data-testid="audit-sample"] tbody tr', (rows) => rows.map((r) => r.getAttribute("data-token") ?? ""));
    };
    const first = await open("zh");
    expect(await first.textContent('[data-testid="audit-algorithm"]')).to.contain("Keccak-256");
    // a malformed seed: the error next to the field, no sample
    await first.fill("#audit-seed", "0x1234");
    await first.click('[data-testid="audit-draw"]');
    expect(await first.getAttribute("#audit-seed", "aria-invalid")).to.equal("true");
    expect(await first.locator('[data-testid="audit-sample"]').count()).to.equal(0);
    const a = await drawOn(first, seed);
    expect(a).to.deep.equal(expectedSample(seed, ids, 4));
    const second = await open("en");
    expect(await drawOn(second, seed)).to.deep.equal(a);
    const otherSeed = keccak256(toHex("another block"));
    expect(await drawOn(second, otherSeed)).to.deep.equal(expectedSample(otherSeed, ids, 4));
    await first.close();
    await second.close();
  });

  it("screenshots in zh and en at 390 and 1280 px, with no horizontal overflow at 390 px", async () => {
    for (const lang of ["zh", "en"] as const) {
      for (const width of [390, 1280]) {
        const page = await open(lang, width);
        await page.waitForSelector('canvas#sv-chart-statuses[data-ready="true"]');
        await page.fill("#audit-seed", keccak256(toHex("screenshot")));
        await page.click('[data-testid="audit-draw"]');
        await page.waitForSelector('[data-testid="audit-sample"]');
        if (width === 390) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${lang} at 390 px`).to.be.at.most(390);
        await screenshot(page, `supervision-${lang}-${width}`);
        await page.close();
      }
    }
  });

  it("asks the body's workbench for the sampled records and checks each against the chain: 一致, and 不一致 for a tampered record", async () => {
    // body A's workbench (in-process, its key issuing) on the page's own host, as sign-in with Ethereum requires
    const app = await startAppWorkbench(world, { prefix: "app-supervision-wb" });
    try {
      const { http, workbench, served: withApi } = app;
      const tokens = await app.signInTeam(privateKeyToAccount(privateKeyOf(31)));
      const { operator } = tokens;
      const issued: { id: string; tokenId: string }[] = [];
      for (const seed of [5101, 5102]) {
        const { id } = await toEvaluated(http, tokens, dossierFor(seed));
        issued.push({ id, tokenId: expect200(await http("POST", `/dossiers/${id}/approve`, {}, operator), "approve").json<{ tokenId: string }>().tokenId });
      }
      for (const { id } of issued) {
        await waitForState(http, operator, id, "in-notice");
      }
      // the second record is tampered with in the body's database: its evaluation no longer matches the root
      const [good, bad] = issued as [{ id: string; tokenId: string }, { id: string; tokenId: string }];
      const row = workbench.db.prepare("SELECT evaluation_json FROM dossiers WHERE id = ?").get(bad.id) as { evaluation_json: string };
      const evaluation = JSON.parse(row.evaluation_json) as { total: number };
      workbench.db.prepare("UPDATE dossiers SET evaluation_json = ? WHERE id = ?").run(JSON.stringify({ ...evaluation, total: evaluation.total + 7 }), bad.id);

      const page = await context.newPage();
      await page.goto(appUrl(withApi, "/association?tab=supervision"));
      await ensureConnected(page);
      await page.waitForSelector('[data-testid="sv-table"]', { timeout: 60_000 });
      // every certificate of body A in the sample (50 is more than it has)
      await page.selectOption("#audit-body", String(world.bodyA));
      await page.fill("#audit-seed", keccak256(toHex("audit with answers")));
      await page.fill("#audit-size", "50");
      await page.click('[data-testid="audit-draw"]');
      await page.waitForSelector(`[data-testid="audit-sample"] tr[data-token="${good.tokenId}"]`);
      await page.click('[data-testid="audit-sample"] button:has-text("以协会钱包登录工作台")');
      await page.waitForSelector('[data-testid="audit-signed-in"]');
      await page.click('[data-testid="audit-fetch"]');
      const verdict = (tokenId: string) => page.locator(`[data-testid="audit-answer-${tokenId}"] [data-consistent]`);
      await verdict(good.tokenId).waitFor({ timeout: 30_000 });
      await verdict(bad.tokenId).waitFor({ timeout: 30_000 });
      expect(await verdict(good.tokenId).getAttribute("data-consistent")).to.equal("true");
      expect(await verdict(good.tokenId).textContent()).to.contain("一致");
      expect(await verdict(bad.tokenId).getAttribute("data-consistent")).to.equal("false");
      expect(await page.textContent(`[data-testid="audit-answer-${bad.tokenId}"]`)).to.contain("不一致").and.to.contain("总分");
      // a certificate the seed issued straight from the chain has no record on this workbench: the body's 404, shown
      const seeded = world.certs.find((c) => bodyIdOfCertificate(c.tokenId) === world.bodyA)!;
      await page.waitForSelector(`[data-testid="audit-answer-${seeded.tokenId}"] [role="alert"]`, { timeout: 30_000 });
      // the dimension scores of the consistent answer
      const dims = await page.$$eval('[data-testid="audit-dimensions"] tbody tr', (rows) => rows.map((r) => r.querySelector("td")?.textContent ?? ""));
      expect(dims).to.deep.equal([good.tokenId]);
      await screenshot(page, "supervision-audit-answers-zh");
      await page.close();
    } finally {
      await app.close();
    }
  });
});
