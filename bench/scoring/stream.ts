/**
 * Child process of the benchmark: stream N dossiers from an NDJSON file on disk through the pipeline and
 * report throughput and peak RSS of this process alone. Prints one JSON line.
 * Usage: tsx bench/scoring/stream.ts FILE RULEBOOK
 */
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { prepareRulebook } from "../../scoring";
import { keccakReady } from "../../scoring/commit/keccak";
import type { BenchRecord } from "./fixtures";
import { verifiedPipeline } from "./pipeline";

async function main(): Promise<void> {
  const [file, rulebookFile] = process.argv.slice(2);
  // the engine hashes with noble until hash-wasm's WebAssembly is set up (asynchronously, at load)
  const keccak = await keccakReady();
  const rb = prepareRulebook(JSON.parse(readFileSync(rulebookFile!, "utf8")));
  if (!rb.ok) throw new Error("rulebook invalid");
  const lines = createInterface({ input: createReadStream(file!, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  const counts = { committed: 0, "not-issuable": 0, invalid: 0 };
  const rssSamples: number[] = [];
  let n = 0;
  const t0 = performance.now();
  for await (const line of lines) {
    if (!line) continue;
    counts[verifiedPipeline(rb.value, JSON.parse(line) as BenchRecord)]++;
    if (++n % 25_000 === 0) rssSamples.push(Math.round(process.memoryUsage.rss() / 2 ** 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ n, seconds, dossiersPerSecond: n / seconds, peakRssMB, rssSamplesMB: rssSamples, counts, keccak })}\n`);
}

void main();
