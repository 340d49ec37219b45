/**
 * The printed certificate with the name proven (issue #12), in headless Chromium against a local chain: a real
 * cqo-credential/2 (built by the scoring engine from a synthetic dossier and signed sheets) is issued on chain; the
 * print page shows name, employer, level, grouped number and dates; its QR code, decoded from a screenshot, opens
 * the verify page that proves name and employer against the on-chain root, and a tampered disclosure is shown as
 * not matching. Screenshots in zh and en under test-results/screenshots/.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { formatCertificateNumber } from "../../app/src/lib/certificateNumber";
import { CqoClient } from "../../sdk";
import { chainFor } from "../../server/chain";
import { buildCredential, evaluateChecked, verifySheets, type Credential, type Dossier } from "../../scoring";
import { DEFAULT_RULEBOOK, makeCase, prepared } from "../scoring/helpers";
import { base64UrlEncodeNode } from "./disclosure";
import { scanPrintedQr } from "./printed-qr";
import { appUrl, chainNow, launchBrowser, privateKeyOf, ROLE, screenshot, SCREENSHOTS, serveWorld, startWorld, type World } from "./harness";

/** A real v2 credential of an issuable evaluation (the body's workbench builds the same with buildCredential). */
async function issuableCredential(): Promise<{ credential: Credential; dossier: Dossier; level: number }> {
  const rb = prepared(DEFAULT_RULEBOOK);
  for (let seed = 40; seed < 80; seed++) {
    const c = await makeCase(seed);
    const panel = await verifySheets({ ...rb, dossier: c.dossier, dossierHash: c.dossierHash }, c.sheets);
    const evaluation = evaluateChecked(rb, c.dossier, c.dossierHash, panel);
    // body A of the fixture is accredited for levels 1-3
    if (!evaluation.issuable || evaluation.level === null || evaluation.level > 3) continue;
    const built = buildCredential({ evaluation, dossier: c.dossier, sheets: panel.accepted });
    if (built.ok) return { credential: built.value.credential, dossier: c.dossier, level: evaluation.level };
  }
  throw new Error("no issuable synthetic case among seeds 40-79");
}

/** The disclosure a verify link carries (?d=base64url JSON). */
function disclosureOf(link: string): { format: string; root: string; fields: { name: string; value: unknown; salt: string; proof: string[] }[] } {
  const d = new URLSearchParams(link.slice(link.indexOf("?") + 1)).get("d");
  if (!d) throw new Error(`no disclosure in ${link}`);
  return JSON.parse(Buffer.from(d, "base64url").toString("utf8")) as ReturnType<typeof disclosureOf>;
}

describe("dApp · the printed certificate proves name and employer (打印证书：姓名与单位可核验)", function () {
  this.timeout(240_000);
  let world: World;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let tokenId: bigint;
  let issued: Awaited<ReturnType<typeof issuableCredential>>;
  const tmp = mkdtempSync(join(tmpdir(), "cqo-app-print-"));
  const credentialFile = join(tmp, "credential.json");
  let qrLink = "";

  before(async () => {
    world = await startWorld();
    issued = await issuableCredential();
    writeFileSync(credentialFile, JSON.stringify(issued.credential));
    const chain = chainFor(world.deployment, world.rpcUrl);
    const transport = http(world.rpcUrl, { retryCount: 0 });
    const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
    const keyA = new CqoClient(pc, world.deployment, createWalletClient({ account: privateKeyToAccount(privateKeyOf(ROLE.keyA)), chain, transport, pollingInterval: 50 }));
    const holder = privateKeyToAccount(privateKeyOf(ROLE.holder)).address;
    const now = Math.floor(await chainNow(world));
    ({ tokenId } = await keyA.issueCertificate({ holder, resultRoot: issued.credential.root as Hex, level: issued.level, rulebookId: world.rulebookId, validUntil: now + 3 * 365 * 86_400 }));
    // past the 7 days' public notice: the paper is of a valid certificate
    await world.travel(8 * 86_400);
    served = await serveWorld(world);
    browser = await launchBrowser();
    // a sharp screenshot of the dense QR code (about version 35), as a phone's camera sees the paper: at 3 device
    // pixels a CSS pixel a module of the 70 mm code is about 5 pixels wide (at 2, some runs missed it in CI)
    context = await browser.newContext({ viewport: { width: 1000, height: 1200 }, deviceScaleFactor: 3 });
  });
  after(async () => {
    await browser?.close();
    await served?.close();
    await world?.stop();
  });

  const name = () => issued.dossier.applicant.name;
  const employer = () => issued.dossier.employer.name;

  it("prints name, employer, level, the grouped number and dates from the chosen credential (A4, zh and en, PDF)", async () => {
    for (const lang of ["zh", "en"] as const) {
      const page = await context.newPage();
      await page.goto(appUrl(served, `/mine/print/${tokenId}`, lang));
      if (lang === "zh") {
        await page.waitForSelector("#print-credential-file");
        await page.setInputFiles("#print-credential-file", credentialFile);
      }
      // in English, the same browser: the credential chosen a moment ago was kept, no file to choose again
      await page.waitForSelector('[data-testid="print-name"]');
      expect(await page.locator("#print-credential-file").count()).to.equal(0);
      await page.waitForSelector(".print-sheet img.proof-qr");
      expect(await page.textContent('[data-testid="print-name"]')).to.equal(name());
      expect(await page.textContent('[data-testid="print-employer"]')).to.equal(employer());
      expect(await page.textContent('[data-testid="print-number"]')).to.equal(formatCertificateNumber(tokenId));
      expect(await page.textContent('[data-testid="print-number"]')).to.match(/^\d{4}( \d{1,4})+$/);
      expect(await page.textContent('[data-testid="print-level"]')).to.contain(["", "一级", "二级", "三级"][issued.level]!);
      const sheet = (await page.textContent(".print-sheet"))!;
      expect(sheet, "the ID number is never on the paper").not.to.contain(issued.dossier.applicant.idNumber);
      expect(sheet).not.to.contain(issued.dossier.employer.uscc);
      await screenshot(page, `print-name-${lang}`);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".site-header").isVisible()).to.equal(false);
      expect(await page.locator("#print-credential-file").count()).to.equal(0);
      await screenshot(page, `print-name-media-${lang}`);
      const pdf = await page.pdf({ path: join(SCREENSHOTS, `certificate-name-${lang}.pdf`), preferCSSPageSize: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
      // one A4 page: the sheet fits
      expect((pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length).to.equal(1);
      await page.close();
    }
  });

  it("the QR code, decoded from a screenshot by the verifier's scanner, is a verify link disclosing exactly name, employer and level — not the ID number", async () => {
    const page = await context.newPage();
    await page.goto(appUrl(served, `/mine/print/${tokenId}`));
    // at three device pixels a pixel (the context's), decoded by the verifier's own page (jsQR, as from a phone's photo)
    qrLink = await scanPrintedQr(page, browser, served, join(tmp, "print-qr.png"));
    expect(qrLink.startsWith(`${served.url}#/verify/${tokenId}?d=`), qrLink.slice(0, 120)).to.equal(true);
    const d = disclosureOf(qrLink);
    expect(d.format).to.equal("cqo-disclosure/2");
    expect(d.root).to.equal(issued.credential.root);
    expect(d.fields.map((f) => f.name)).to.deep.equal(["name", "employer.name", "level"]);
    expect(d.fields.map((f) => f.value)).to.deep.equal([name(), employer(), issued.level]);
    const text = Buffer.from(qrLink).toString() + JSON.stringify(d);
    expect(text).not.to.contain(issued.dossier.applicant.idNumber);
    expect(text).not.to.contain(issued.credential.fields.find((f) => f.name === "idNumber")!.salt);
    await page.close();
  });

  const openVerify = async (link: string, lang: "zh" | "en"): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    await page.goto(`${link}&lang=${lang}`);
    await page.waitForSelector("[data-status]");
    return page;
  };

  it("the verify page opened from the QR code proves name and employer against the on-chain record (zh and en)", async () => {
    const expected = { zh: `姓名 ${name()} · 单位 ${employer()} — 已对照链上记录验证`, en: `Name ${name()} · Employer ${employer()} — proven against the on-chain record` };
    for (const lang of ["zh", "en"] as const) {
      const page = await openVerify(qrLink, lang);
      expect(await page.getAttribute("[data-status]", "data-status")).to.equal("Valid");
      const line = await page.waitForSelector('[data-testid="disclosure-identity"]');
      expect((await line.textContent())!.replace(/\s+/g, " ").trim()).to.equal(expected[lang]);
      const proven = await page.$$eval('[data-testid="disclosure-ok"] tr[data-field]', (rows) => rows.map((r) => r.getAttribute("data-field")));
      expect(proven).to.deep.equal(["name", "employer.name", "level"]);
      expect(await page.locator('[data-testid="disclosure-failed"]').count()).to.equal(0);
      expect(await page.textContent('[data-testid="certificate-number"]')).to.equal(formatCertificateNumber(tokenId));
      await page.locator("#disclosure").scrollIntoViewIfNeeded();
      await screenshot(page, `print-verify-proven-${lang}`);
      await page.close();
    }
  });

  it("a tampered disclosure (another name, another employer, or another field's salt) is said plainly not to match (zh and en)", async () => {
    const original = disclosureOf(qrLink);
    const base = qrLink.slice(0, qrLink.indexOf("?"));
    const linkOf = (d: unknown) => `${base}?d=${base64UrlEncodeNode(JSON.stringify(d))}`;
    const otherName = structuredClone(original);
    otherName.fields[0]!.value = "李四";
    const otherEmployer = structuredClone(original);
    otherEmployer.fields[1]!.value = "某某皮包公司";
    const swappedSalt = structuredClone(original);
    swappedSalt.fields[0]!.salt = original.fields[1]!.salt;
    const cases = [
      { label: "name", d: otherName, lang: "zh" as const },
      { label: "employer", d: otherEmployer, lang: "en" as const },
      { label: "salt", d: swappedSalt, lang: "zh" as const },
    ];
    for (const c of cases) {
      const page = await openVerify(linkOf(c.d), c.lang);
      await page.waitForSelector('[data-testid="identity-mismatch"]');
      expect(await page.locator('[data-testid="disclosure-identity"]').count(), c.label).to.equal(0);
      expect(await page.locator('[data-testid="disclosure-ok"]').count(), c.label).to.equal(0);
      expect(await page.textContent('[data-testid="identity-mismatch"]')).to.contain(c.lang === "zh" ? "与链上记录不符" : "do not match the on-chain record");
      await page.locator("#disclosure").scrollIntoViewIfNeeded();
      if (c.label !== "salt") await screenshot(page, `print-verify-tampered-${c.lang}`);
      await page.close();
    }
    // the tampered-then-shown screenshots exist in both languages
    for (const lang of ["zh", "en"]) expect(readFileSync(join(SCREENSHOTS, `print-verify-tampered-${lang}.png`)).length).to.be.greaterThan(1000);
  });

  it("a credential of the earlier format prints no name (it would reveal the ID number) and its QR opens the plain verify link", async () => {
    const page = await context.newPage();
    const v1File = join(tmp, "credential-v1.json");
    writeFileSync(v1File, JSON.stringify(world.credential.credential));
    await page.goto(appUrl(served, `/mine/print/${world.credential.tokenId}`, "en"));
    await page.setInputFiles("#print-credential-file", v1File);
    await page.waitForSelector('[data-testid="print-old-format"]');
    expect(await page.locator('[data-testid="print-name"]').count()).to.equal(0);
    await page.waitForSelector(".print-sheet img.qr");
    const link = await page.getAttribute(".print-sheet img.qr", "data-qr-text");
    expect(link).to.equal(`${served.url}#/verify/${world.credential.tokenId}`);
    // another certificate's credential is refused, naming the certificate
    const other = await context.newPage();
    const someone = world.certs.find((c) => c.expected === "Valid")!;
    await other.goto(appUrl(served, `/mine/print/${someone.tokenId}`, "en"));
    await other.setInputFiles("#print-credential-file", credentialFile);
    expect(await (await other.waitForSelector('[role="alert"]')).textContent()).to.contain(someone.tokenId.toString());
    await other.close();
    await page.close();
  });

  it("the verifier's search box takes the number as printed, with its spaces", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(appUrl(served, "/"));
    await page.fill("#q", formatCertificateNumber(tokenId));
    await page.press("#q", "Enter");
    await page.waitForSelector("[data-status]");
    expect(page.url()).to.contain(`#/verify/${tokenId}`);
    // a number too long for a certificate is refused with the reason
    await page.goto(appUrl(served, "/"));
    await page.fill("#q", "1593 8900 6356 7573 5616 1");
    await page.press("#q", "Enter");
    expect(await (await page.waitForSelector('[role="alert"]')).textContent()).to.contain("证书编号");
    await page.close();
  });
});
