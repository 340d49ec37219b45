/**
 * The printed certificate's QR code as a verifier meets it: a screenshot of the code at print size (as a phone's
 * photo of the paper), uploaded to the verifier's own page, whose scanner (jsQR) decodes it and opens the link.
 * Shared by the print test and the whole-journey test.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { Served } from "../../app/serve";
import { appUrl, SCREENSHOTS } from "./harness";

/** The link the printed QR on `page` (the print route, credential loaded) opens in a verifier's browser. */
export async function scanPrintedQr(page: Page, browser: Browser, served: Served, png: string): Promise<string> {
  await page.waitForSelector(".print-sheet img.proof-qr");
  await page.emulateMedia({ media: "print" });
  // the picture a phone would take: the QR fully loaded and laid out at print size
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>(".print-sheet img.proof-qr");
    return !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0;
  });
  // the image decoded and painted (under load Chromium may not have painted all of it yet), then the picture taken
  await page.evaluate(() => document.querySelector<HTMLImageElement>(".print-sheet img.proof-qr")!.decode());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.locator(".print-sheet img.proof-qr").screenshot({ path: png, scale: "device" });
  await page.emulateMedia({ media: "screen" });
  const verifier = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  try {
    await verifier.goto(appUrl(served, "/"));
    // the app, not only the early-painted page, must hold the input (and its lazy scanner) before the file is given
    await verifier.waitForLoadState("networkidle");
    await verifier.waitForSelector("form.search");
    // as a verifier with a phone tries again: up to three uploads, each given 20 s to open the link
    for (let attempt = 1; ; attempt++) {
      await verifier.setInputFiles("#home-scan-upload", png);
      const opened = await verifier.waitForSelector("[data-status]", { timeout: 20_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 3) {
        copyFileSync(png, join(SCREENSHOTS, "printed-qr-unread.png"));
        throw new Error(`the verifier's page did not open the QR's link (the picture: ${join(SCREENSHOTS, "printed-qr-unread.png")}): ${(await verifier.textContent("main"))?.slice(0, 300)}`);
      }
    }
    return verifier.url();
  } finally {
    await verifier.close();
  }
}
