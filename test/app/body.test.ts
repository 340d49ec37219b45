/**
 * The certifying body's console (认定主体) over the real workbench (server/, in-process) and a local chain: the
 * operator signs in with Ethereum in the injected wallet, accepts a dossier from the inbox and assigns a panel;
 * an assessor signs a score sheet in the wallet through the form; the operator evaluates, approves and issues the
 * approved results from their own wallet in transactions of one certificate each (the workbench runs in
 * wallet-only mode with another key of the body, so the issuance can only be the wallet's), after first declining
 * in the wallet; uploads evidence and downloads it back; dismisses an objection filed during the notice; ends the
 * notice — the verifier's page shows it valid; then the holder moves the certificate to a new wallet (the new
 * wallet signs the consent on its own page) and the operator executes the re-issue.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPublicClient, http as viemHttp, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Served } from "../../app/serve";
import { serveApp } from "../../app/serve";
import { buildServer, type Workbench } from "../../server/app";
import { signSheet, syntheticSheets } from "../../scoring/synthetic";
import { objectionStatement, objectionTypedData } from "../../sdk";
import {
  ASSESSORS,
  account,
  clientFor,
  dossierFor,
  expect200,
  fetchHttp,
  freePort,
  registerAssessors,
  RULEBOOK,
  RULEBOOK_HASH,
  RULEBOOK_KEY,
  samplePdf,
  samplePng,
  siweMessage,
  tempDir,
  testConfig,
  toEvaluated,
  writeDeployment,
  type Http,
  submitDossier,
} from "../server/helpers";
import { appUrl, buildApp, ensureConnected, injectWallet, launchBrowser, privateKeyOf, ROLE, screenshot, signingKeyConsent, startWorld, type TestWallet, type World } from "./harness";

describe("dApp · certifying body console (认定主体) over the workbench API", function () {
  this.timeout(300_000);
  let world: World;
  let served: Served;
  let workbench: Workbench;
  let http: Http;
  let browser: Browser;
  let context: BrowserContext;
  let wallet: TestWallet;
  let apiUrl: string;
  const tmp = tempDir("app-body");
  const APPLICANT = 15;
  const NEW_WALLET = 16;
  const OBJECTOR = 17;
  /** the wallet of a second re-issue, which the operator does for a holder who lost NEW_WALLET */
  const LAST_WALLET = 20;
  /** the workbench's own key (objections, re-issue): another signing key of body A than the operator's wallet */
  const SERVER_KEY = 19;

  before(async () => {
    world = await startWorld();
    const serverKey = privateKeyToAccount(privateKeyOf(SERVER_KEY)).address;
    // contracts v2: the workbench's key joins body A with its own consent
    await clientFor(world.rpcUrl, world.deployment, privateKeyToAccount(privateKeyOf(ROLE.adminA))).addSigningKey(world.bodyA, await signingKeyConsent(world, privateKeyOf(SERVER_KEY), world.bodyA));
    await fetch(world.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_setBalance", params: [serverKey, "0x56bc75e2d63100000"] }) });
    const appPort = await freePort();
    const config = testConfig(tmp.dir, {
      rpcUrl: world.rpcUrl,
      deploymentPath: writeDeployment(tmp.dir, world.deployment),
      bodyId: world.bodyA,
      signerKey: privateKeyOf(SERVER_KEY),
      siweDomain: `127.0.0.1:${appPort}`,
      // certificates are issued from operators' wallets only: no outbox worker
      issuanceMode: "wallet",
    });
    workbench = await buildServer({ config });
    apiUrl = await workbench.listen();
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
  /** The new wallet opens the consent link on a page of its own, connects and signs; the page stays open. */
  const signConsent = async (link: string, signer: number): Promise<Page> => {
    const consent = await context.newPage();
    await consent.goto(link);
    await consent.waitForSelector("#consent-what");
    await wallet.use(consent, privateKeyOf(signer));
    await ensureConnected(consent);
    await wallet.use(consent, privateKeyOf(signer));
    await consent.waitForSelector('[data-testid="consent-sign"]:not([disabled])');
    await consent.click('[data-testid="consent-sign"]');
    return consent;
  };
  const waitState = (page: Page, state: string) => page.waitForSelector(`section.card [data-state="${state}"]`, { timeout: 60_000 });

  it("takes a dossier from the inbox to an issued certificate (sheet and issuance batch signed in the wallet), with evidence, objections and a re-issue", async () => {
    // set-up over HTTP: the operator registers the assessors, an applicant files a dossier
    const operatorToken = await signInAs(http, account(ROLE.keyA));
    await registerAssessors(http, operatorToken);
    const applicantToken = await signInAs(http, account(APPLICANT));
    const dossier = dossierFor(4242);
    const id = await submitDossier(http, dossier, applicantToken);

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
    // the employer code is the one the workbench registered for the assessor: shown, not retyped
    expect(await page.inputValue("#sheet-uscc")).to.equal(panel[0]!.employerUscc);
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
    expect(await page.textContent('[role="alertdialog"]')).to.contain("钱包");
    await confirm(page);
    // wallet-only mode: approved, queued, nobody sends it but an operator's wallet
    await waitState(page, "queued");
    await page.waitForSelector('[data-testid="queued-wallet"]');

    // a second approved result over HTTP, so the wallet run has two transactions of one certificate each
    const tokens = { operator: operatorToken, applicant: await signInAs(http, account(APPLICANT + 3)), assessors: await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(http, privateKeyToAccount(a.key)))) };
    const other = await toEvaluated(http, tokens, dossierFor(4343));
    expect(other.state).to.equal("evaluated");
    expect200(await http("POST", `/dossiers/${other.id}/approve`, {}, operatorToken), "approve 2");

    const issue = await context.newPage();
    await issue.goto(appUrl(served, "/body?tab=outbox"));
    await signIn(issue);
    await issue.waitForSelector('[data-testid="wallet-queued"]:has-text("2")');
    await issue.fill("#wallet-per-tx", "1");
    await screenshot(issue, "body-wallet-issuance-zh");
    // the operator declines in the wallet: a plain note, the lease given back, nothing issued
    wallet.rejectNext();
    await issue.click('[data-testid="wallet-issue"]');
    expect(await issue.textContent("#wallet-confirm-text")).to.contain("2");
    await issue.click('[data-testid="wallet-confirm"]');
    await issue.waitForSelector('[data-testid="wallet-cancelled"]');
    expect(await issue.locator('[role="alert"]').count()).to.equal(0);
    const afterDecline = (await http("GET", "/issuance/wallet", undefined, operatorToken)).json<{ queued: number; claims: unknown[] }>();
    expect(afterDecline).to.deep.include({ queued: 2, claims: [] });
    await screenshot(issue, "body-wallet-declined-zh");
    // a page that took a lease and was closed before the wallet answered: the console offers to resume it
    const lease = expect200(await http("POST", "/issuance/wallet/claim", { max: 1 }, operatorToken), "lease").json<{ items: { dossierId: string }[] }>();
    expect(lease.items.map((i) => i.dossierId)).to.deep.equal([id]);
    await issue.reload();
    await signIn(issue);
    await issue.waitForSelector('[data-testid="wallet-resume"]');
    expect(await issue.textContent('[data-testid="wallet-issue"]')).to.contain("继续");
    await issue.fill("#wallet-per-tx", "1");
    // then signs: two transactions (the resumed lease first), each mined and recorded; every stage is watched
    await issue.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __walletProgress: string[] }).__walletProgress = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="wallet-progress"]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const sends = wallet.calls.filter((m) => m === "eth_sendTransaction").length;
    await issue.click('[data-testid="wallet-issue"]');
    await issue.click('[data-testid="wallet-confirm"]');
    await issue.waitForSelector('[data-testid="wallet-done"]', { timeout: 60_000 });
    expect(await issue.locator('[data-testid="wallet-log"] tbody tr').count()).to.equal(2);
    expect(wallet.calls.filter((m) => m === "eth_sendTransaction").length - sends).to.equal(2);
    const progress = await issue.evaluate(() => (window as unknown as { __walletProgress: string[] }).__walletProgress);
    for (const stage of ["第 1 / 2 笔", "第 2 / 2 笔", "请在钱包中确认", "已发送，等待上链", "已上链，工作台正在核对"]) {
      expect(progress.some((p) => p.includes(stage)), `${stage} in ${JSON.stringify(progress)}`).to.equal(true);
    }
    await screenshot(issue, "body-wallet-issued-zh");
    await issue.close();

    // the chain agrees: each certificate was minted by a transaction from the operator's wallet, not the workbench's key
    const pc = createPublicClient({ transport: viemHttp(world.rpcUrl) });
    const rows = workbench.db.prepare("SELECT dossier_id, status, tx_hash FROM outbox ORDER BY enqueued_at").all() as { dossier_id: string; status: string; tx_hash: Hex }[];
    expect(rows.map((r) => r.status)).to.deep.equal(["issued", "issued"]);
    expect(rows[0]!.tx_hash).to.not.equal(rows[1]!.tx_hash);
    for (const r of rows) expect((await pc.getTransaction({ hash: r.tx_hash })).from.toLowerCase()).to.equal(privateKeyToAccount(privateKeyOf(ROLE.keyA)).address.toLowerCase());

    await page.reload();
    await signIn(page);
    await waitState(page, "in-notice");
    const tokenId = (await page.textContent('[data-testid="dossier-token"]'))!;
    expect(tokenId).to.match(/^\d+$/);

    for (const lang of ["zh", "en"] as const) {
      const outbox = await context.newPage();
      await outbox.goto(appUrl(served, "/body?tab=outbox", lang));
      await signIn(outbox);
      await outbox.waitForSelector('[data-testid="outbox-progress"]');
      expect(await outbox.textContent('[data-testid="outbox-progress"]')).to.contain(lang === "en" ? "2 of 2" : "2");
      await screenshot(outbox, `body-outbox-${lang}`);
      await outbox.close();
    }

    // evidence: upload from the dossier view, listed with its SHA-256, downloaded back intact
    const file = samplePdf(`inspection notes ${Date.now()}`);
    const sha = createHash("sha256").update(file).digest("hex");
    await page.setInputFiles("#evidence-file", { name: "inspection-notes.pdf", mimeType: "application/pdf", buffer: file });
    await page.click('[data-testid="evidence"] button[type="submit"]');
    await page.waitForSelector('[data-testid="evidence-uploaded"]');
    expect(await page.textContent('[data-testid="evidence-uploaded"]')).to.contain(sha);
    await page.waitForSelector(`[data-testid="evidence"] li[data-sha256="${sha}"]`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`[data-testid="evidence"] li[data-sha256="${sha}"] button:has-text("下载")`)]);
    expect(createHash("sha256").update(readFileSync((await download.path())!)).digest("hex")).to.equal(sha);
    await screenshot(page, "body-evidence-zh");

    // an objection during the notice (filed over HTTP by someone else, with an uploaded file), dismissed in the console
    const objectorToken = await signInAs(http, account(OBJECTOR));
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(samplePng([30, 90, 160]))], { type: "image/png" }), "photo.png");
    const up = await fetch(`${apiUrl}/evidence`, { method: "POST", headers: { authorization: `Bearer ${objectorToken}` }, body: form });
    expect(up.status).to.equal(201);
    const objectionEvidence = ((await up.json()) as { sha256: string }).sha256;
    // the filer signs the statement (EIP-712 ObjectionStatement, sdk/eip712.ts)
    const signedObjection = async (number: string, statement: string, evidence?: string) => {
      const issuedAt = Math.floor(Date.now() / 1000);
      const signed = objectionStatement({ tokenId: number, filer: account(OBJECTOR).address, statement, evidence, issuedAt });
      const signature = await account(OBJECTOR).signTypedData(objectionTypedData(world.deployment.chainId, world.deployment.certificate, signed));
      return { tokenId: number, statement, ...(evidence ? { evidence } : {}), signature, issuedAt };
    };
    const filed = expect200(await http("POST", "/objections", await signedObjection(tokenId, "申报材料中的任职年限与事实不符。", objectionEvidence), objectorToken), "objection", 201).json<{ id: number }>();
    for (const lang of ["zh", "en"] as const) {
      const notice = await context.newPage();
      await notice.goto(appUrl(served, "/body?tab=notice", lang));
      await signIn(notice);
      const item = notice.locator(`[data-objection="${filed.id}"]`);
      await item.waitFor();
      const text = (await item.textContent()) ?? "";
      // the filer's wallet is shown short, the whole of it in the title behind the copy button
      const titles = await item.locator("code[title]").evaluateAll((els) => els.map((e) => e.getAttribute("title")!.toLowerCase()));
      expect(titles).to.include(account(OBJECTOR).address.toLowerCase());
      expect(text).to.contain("任职年限");
      expect(text).to.contain(objectionEvidence);
      expect(await notice.locator(`[data-testid="objection-signature-${filed.id}"]`).textContent()).to.match(/0x[0-9a-f]{4}/);
      await screenshot(notice, `body-objections-${lang}`);
      if (lang === "en") {
        // dismissed: the notice goes on
        // a ruling has no default and needs a note
        expect(await notice.isDisabled(`[data-testid="resolve-${filed.id}"]`)).to.equal(true);
        await notice.check(`#ruling-${filed.id}-dismiss`);
        await notice.fill(`#ruling-${filed.id}-note`, "Not borne out by the records.");
        await notice.click(`[data-testid="resolve-${filed.id}"]`);
        expect(await notice.textContent('[role="alertdialog"]')).to.contain("dismissed");
        await confirm(notice);
        await notice.waitForSelector(`[data-objection="${filed.id}"][data-status="dismissed"]`, { state: "attached" });
        await screenshot(notice, "body-objection-dismissed-en");
      }
      await notice.close();
    }
    const objection = (await http("GET", "/objections?limit=200", undefined, operatorToken)).json<{ items: { id: number; status: string; resolvedTx: string | null }[] }>().items.find((o) => o.id === filed.id);
    expect(objection).to.deep.include({ status: "dismissed" });
    expect(objection!.resolvedTx).to.match(/^0x[0-9a-f]{64}$/);

    // an objection to the second certificate, upheld: revoked on chain with the chosen reason
    const otherToken = (await http("GET", `/dossiers/${other.id}`, undefined, operatorToken)).json<{ tokenId: string }>().tokenId;
    const upheld = expect200(await http("POST", "/objections", await signedObjection(otherToken, "The employer never employed the applicant."), objectorToken), "objection 2", 201).json<{ id: number }>();
    const ruling = await context.newPage();
    await ruling.goto(appUrl(served, "/body?tab=notice"));
    await signIn(ruling);
    await ruling.check(`#ruling-${upheld.id}-uphold`);
    await ruling.selectOption(`#ruling-${upheld.id}-reason`, "Fraud");
    await ruling.fill(`#ruling-${upheld.id}-note`, "任职经历系伪造。");
    await ruling.click(`[data-testid="resolve-${upheld.id}"]`);
    const upholdText = (await ruling.textContent('[role="alertdialog"]')) ?? "";
    expect(upholdText).to.contain("撤销");
    expect(upholdText).to.contain(otherToken);
    await confirm(ruling);
    await ruling.waitForSelector(`[data-objection="${upheld.id}"][data-status="upheld"]`, { state: "attached" });
    await ruling.close();
    expect((await http("GET", `/dossiers/${other.id}`, undefined, operatorToken)).json<{ state: string }>().state).to.equal("revoked");
    const revokedPage = await browser.newPage();
    await revokedPage.goto(appUrl(served, `/verify/${otherToken}`));
    expect(await (await revokedPage.waitForSelector("[data-status]")).getAttribute("data-status")).to.equal("Revoked");
    await revokedPage.close();

    await world.travel(8 * 86_400);
    await page.reload();
    await signIn(page);
    await waitState(page, "in-notice");
    await page.click('button:has-text("公示期满，确认发证")');
    await confirm(page);
    await waitState(page, "issued");

    const verifier = await browser.newPage();
    await verifier.goto(appUrl(served, `/verify/${tokenId}`));
    const verdict = await verifier.waitForSelector("[data-status]");
    expect(await verdict.getAttribute("data-status")).to.equal("Valid");
    expect(await verifier.textContent('[data-testid="holder"]')).to.contain(account(APPLICANT).address);
    await verifier.close();

    // re-issue: the holder names a new wallet in the console…
    await wallet.use(page, privateKeyOf(APPLICANT));
    await page.reload();
    await signIn(page);
    await page.waitForSelector('[data-testid="reissue-holder"]');
    await page.fill("#reissue-new", account(NEW_WALLET).address);
    await page.click('[data-testid="reissue-holder"] button:has-text("生成同意书")');
    const link = await page.locator("#reissue-link").inputValue({ timeout: 20_000 });
    expect(link).to.contain("#/body/consent?c=");
    await screenshot(page, "body-reissue-holder-zh");
    // …the new wallet signs the consent on its own page (any device: the link or its QR code)…
    let signature = "";
    const signaturePng = join(tmp.dir, "consent-signature.png");
    for (const lang of ["zh", "en"] as const) {
      const consent = await signConsent(`${link}&lang=${lang}`, NEW_WALLET);
      signature = await consent.locator("#consent-signature-text").inputValue({ timeout: 20_000 });
      expect(signature).to.match(/^0x[0-9a-f]{130}$/);
      // the QR code the new wallet's page shows, as a picture the holder can take
      const src = (await consent.getAttribute('[data-testid="consent-signature"] img', "src"))!;
      writeFileSync(signaturePng, Buffer.from(src.replace(/^data:image\/png;base64,/, ""), "base64"));
      await screenshot(consent, `body-reissue-consent-${lang}`);
      await consent.close();
    }
    // …the holder pastes it and requests…
    await wallet.use(page, privateKeyOf(APPLICANT));
    // the holder scans the signature's QR code (a picture of it) instead of typing
    await page.setInputFiles("#reissue-sig-upload", signaturePng);
    await page.waitForFunction((sig) => (document.querySelector("#reissue-signature") as HTMLTextAreaElement | null)?.value === sig, signature);
    await page.click('[data-testid="reissue-holder"] button:has-text("提交补发申请")');
    await page.waitForSelector('[data-testid="reissue-requested"]');
    // …and the operator executes it on chain
    await wallet.use(page, privateKeyOf(ROLE.keyA));
    await page.reload();
    await signIn(page);
    await page.waitForSelector('[data-testid="reissue-operator"] [data-reissue="requested"]');
    await screenshot(page, "body-reissue-operator-zh");
    await page.click('[data-testid="reissue-operator"] button:has-text("在链上补发")');
    expect(await page.textContent('[role="alertdialog"]')).to.contain(account(NEW_WALLET).address);
    await confirm(page);
    await page.waitForSelector('[data-testid="reissue-operator"] [data-reissue="executed"]');
    const newTokenId = (await page.textContent('[data-testid="dossier-token"]'))!;
    expect(newTokenId).to.not.equal(tokenId);
    const moved = await browser.newPage();
    await moved.goto(appUrl(served, `/verify/${newTokenId}`));
    // the new wallet's certificate goes through a public notice of its own, then is valid
    expect(await (await moved.waitForSelector("[data-status]")).getAttribute("data-status")).to.equal("Pending");
    expect(await moved.textContent('[data-testid="holder"]')).to.contain(account(NEW_WALLET).address);
    await world.travel(8 * 86_400);
    await moved.reload();
    expect(await (await moved.waitForSelector("[data-status]")).getAttribute("data-status")).to.equal("Valid");
    await moved.close();

    // the holder then loses that wallet: the operator checks their identity and re-issues for them
    await page.reload();
    await signIn(page);
    await page.click('[data-testid="reissue-lost-wallet-toggle"] summary');
    const lost = page.locator('[data-testid="reissue-lost-wallet"]');
    await page.fill("#reissue-op-new", account(LAST_WALLET).address);
    expect(await lost.locator('button:has-text("生成同意书")').isDisabled(), "the identity check is required").to.equal(true);
    await page.fill("#reissue-op-identity", "现场核验身份证原件");
    await lost.locator('button:has-text("生成同意书")').click();
    const lostLink = await page.locator("#reissue-op-link").inputValue({ timeout: 20_000 });
    await screenshot(page, "body-reissue-lost-wallet-zh");
    const consent = await signConsent(lostLink, LAST_WALLET);
    const lastSignature = await consent.locator("#consent-signature-text").inputValue({ timeout: 20_000 });
    await consent.close();
    await wallet.use(page, privateKeyOf(ROLE.keyA));
    await page.fill("#reissue-op-signature", lastSignature);
    await lost.locator('button:has-text("提交补发申请")').click();
    await page.waitForSelector('[data-testid="reissue-operator"] [data-reissue="requested"]');
    await page.locator('[data-testid="reissue-operator"] [data-reissue="requested"] button:has-text("在链上补发")').click();
    expect(await page.textContent('[role="alertdialog"]')).to.contain(account(LAST_WALLET).address);
    await confirm(page);
    await page.waitForFunction((old) => document.querySelector('[data-testid="dossier-token"]')?.textContent !== old, newTokenId, { timeout: 60_000 });
    const lastTokenId = (await page.textContent('[data-testid="dossier-token"]'))!;
    const last = await browser.newPage();
    await last.goto(appUrl(served, `/verify/${lastTokenId}`));
    expect(await (await last.waitForSelector("[data-status]")).getAttribute("data-status")).to.equal("Pending");
    expect(await last.textContent('[data-testid="holder"]')).to.contain(account(LAST_WALLET).address);
    await last.close();
    await page.close();
  });
});
