/**
 * npm run bench:app — how fast a verifier gets a verdict. Builds the app, starts a local chain (anvil) with the
 * demo deployment and seed, serves the built app, opens a verify link in headless Chromium and reads the
 * performance mark the page sets when the verdict renders ("cqo:verdict", ms since navigation start). Cold runs
 * use a fresh browser context (empty cache) each; warm runs reload in the same context. Also records the
 * JavaScript the verify route downloads (gzip). Writes bench/results/app.json.
 *
 *   --runs N   runs of each kind (default 15)
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { appUrl, buildApp, launchBrowser, serveWorld, startWorld } from "../test/app/harness";

const ROOT = join(__dirname, "..");
const OUT = join(__dirname, "results", "app.json");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 15;
const TARGET_MS = 1000;
const BUDGET_GZIP = 250 * 1024;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  return { runs: s.length, min: round(s[0]!), median: round(q(0.5)), p95: round(q(0.95)), max: round(s[s.length - 1]!) };
};
const round = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const compiled = spawnSync("npx", ["hardhat", "compile", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  if (compiled.status !== 0) throw new Error("hardhat compile failed");
  console.log("• building the app …");
  const t0 = Date.now();
  const dist = buildApp();
  const buildMs = Date.now() - t0;
  console.log("• local chain, deployment, demo seed …");
  const world = await startWorld();
  const served = await serveWorld(world);
  const inlined = await serveWorld(world, undefined, { inlineDeployment: true });
  const browser = await launchBrowser();
  const valid = world.certs.find((c) => c.expected === "Valid");
  if (!valid) throw new Error("no valid certificate in the seed");
  const route = `/verify/${valid.tokenId}`;
  const gz = (file: string) => gzipSync(readFileSync(join(dist, "assets", file)), { level: 9 }).length;
  try {
    // what the verify route downloads, measured on one cold load
    const fetched = new Set<string>();
    {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on("response", (r) => {
        if (r.url().endsWith(".js")) fetched.add(basename(new URL(r.url()).pathname));
      });
      await page.goto(appUrl(served, route));
      await page.waitForSelector("#possession");
      await page.waitForLoadState("networkidle");
      await context.close();
    }
    // what index.html loads before anything else (its early script starts the entry and the chunks it imports at
    // once): the verify route's first download
    const html = readFileSync(join(dist, "index.html"), "utf8");
    const initial = [...new Set([...html.matchAll(/\.\/assets\/([^"]+?\.js)/g)].map((m) => m[1]!))];
    const initialGzip = initial.reduce((sum, f) => sum + gz(f), 0);
    const routeJs = [...fetched].map((f) => ({ file: f, gzipBytes: gz(f) })).sort((a, b) => b.gzipBytes - a.gzipBytes);
    const routeGzip = routeJs.reduce((s, f) => s + f.gzipBytes, 0);

    const measure = async (page: import("playwright-core").Page) => {
      await page.waitForSelector("[data-status]");
      await page.waitForFunction(() => performance.getEntriesByName("cqo:verdict-painted").length > 0 && performance.getEntriesByName("cqo:details").length > 0);
      return page.evaluate(() => {
        // no helper functions in here: tsx would wrap them in a __name() the page does not have
        const verdict = performance.getEntriesByName("cqo:verdict")[0];
        const painted = performance.getEntriesByName("cqo:verdict-painted")[0];
        const boot = performance.getEntriesByName("cqo:boot")[0];
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
        const config = performance.getEntriesByName("cqo:config")[0];
        const answer = performance.getEntriesByName("cqo:answer")[0];
        const mounted = performance.getEntriesByName("cqo:page")[0];
        const details = performance.getEntriesByName("cqo:details")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        const dep = res.find((r) => r.name.endsWith("/deployment.json"));
        const rpc = res.find((r) => r.name.endsWith("/rpc"));
        return {
          verdict: verdict?.startTime ?? NaN,
          // the frame after: the verdict on the screen
          verdictPainted: painted?.startTime ?? NaN,
          // the first paint with content: with the early verdict, the verdict on the screen
          firstContentfulPaint: fcp?.startTime ?? NaN,
          boot: boot?.startTime ?? NaN,
          config: config?.startTime ?? NaN,
          answer: answer?.startTime ?? NaN,
          mounted: mounted?.startTime ?? NaN,
          // the details below the verdict (body, level, dates, rulebook) rendered by the app
          details: details?.startTime ?? NaN,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
          htmlLoaded: nav?.responseEnd ?? NaN,
          deploymentLoaded: dep?.responseEnd ?? NaN,
          rpcSent: rpc?.startTime ?? NaN,
          rpcAnswered: rpc?.responseEnd ?? NaN,
        };
      });
    };
    type Sample = Awaited<ReturnType<typeof measure>>;
    const coldRuns = async (on: typeof served, runs: number): Promise<Sample[]> => {
      const out: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(appUrl(on, route));
        out.push(await measure(page));
        if (process.env.CQO_BENCH_VERBOSE) console.log(JSON.stringify(out[out.length - 1]));
        await context.close();
      }
      return out;
    };
    const summary = (xs: Sample[]) =>
      Object.fromEntries(
        (Object.keys(xs[0]!) as (keyof Sample)[]).filter((k) => xs.some((x) => Number.isFinite(x[k]))).map((k) => [k, stats(xs.map((x) => x[k]).filter(Number.isFinite))]),
      );
    // the headline: a host that writes the deployment into index.html (as a build with VITE_CQO_* baked in);
    // then the same with the page fetching ./deployment.json first; runs alternate so that load hits both alike
    const cold: Sample[] = [];
    const coldFetched: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(...(await coldRuns(inlined, 1)));
      coldFetched.push(...(await coldRuns(served, 1)));
    }
    const warm: { verdict: number }[] = [];
    {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(appUrl(inlined, route));
      await measure(page);
      for (let i = 0; i < RUNS; i++) {
        await page.reload();
        warm.push(await measure(page));
      }
      await context.close();
    }
    const coldVerdict = stats(cold.map((c) => c.verdict));
    const fetchedVerdict = stats(coldFetched.map((c) => c.verdict));
    const result = {
      what: "time from navigation start to the verdict on a verify link (performance mark cqo:verdict), headless Chromium, local anvil chain",
      target: { verdictMs: TARGET_MS, verifyRouteJsGzipBytes: BUDGET_GZIP },
      met: { verdict: coldVerdict.p95 <= TARGET_MS, verdictWithDeploymentJson: fetchedVerdict.p95 <= TARGET_MS, bundle: routeGzip <= BUDGET_GZIP },
      coldNote:
        "fresh browser context per run, ms since navigation start. coldMs: index.html carries the deployment (app/serve.ts inlineDeployment, like a build with VITE_CQO_* baked in); coldMsDeploymentJson: the page fetches ./deployment.json first. verdict = the verdict is in the page (painted by index.html's early script when the chain answers before the app has mounted, else by React); firstContentfulPaint = the browser's first paint with content",
      coldMs: summary(cold),
      coldMsDeploymentJson: summary(coldFetched),
      warmMs: { verdict: stats(warm.map((w) => w.verdict)) },
      verifyRouteJs: {
        initialGzipBytes: initialGzip,
        indexHtmlGzipBytes: gzipSync(html, { level: 9 }).length,
        initialFiles: initial,
        note: "gzipBytes: every JS file the verify page fetched until the network was idle (history, disclosure and proof-of-possession chunks included)",
        gzipBytes: routeGzip,
        files: routeJs,
      },
      allChunks: Object.fromEntries(
        spawnSync("ls", [join(dist, "assets")], { encoding: "utf8" })
          .stdout.split("\n")
          .filter((f) => f.endsWith(".js"))
          .map((f) => [f, gz(f)]),
      ),
      buildMs,
      environment: {
        chromium: browser.version(),
        cpus: cpus().length,
        loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
        node: process.version,
        commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim(),
        date: new Date().toISOString(),
      },
    };
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`verdict (cold) median ${coldVerdict.median} ms, p95 ${coldVerdict.p95} ms; with deployment.json median ${fetchedVerdict.median} ms, p95 ${fetchedVerdict.p95} ms; warm median ${result.warmMs.verdict.median} ms`);
    console.log(`verify route JS: ${(initialGzip / 1024).toFixed(1)} kB gzipped before the verdict, ${(routeGzip / 1024).toFixed(1)} kB with everything the page loads (${routeJs.length} files)`);
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
    await served.close();
    await inlined.close();
    await world.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
