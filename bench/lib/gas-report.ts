/**
 * Pure helpers for the gas benchmark: statistics, targets, the JSON report's shape, the markdown table and the
 * README splice. No Hardhat in here, so it can be read (and reused) without a chain.
 */

export type OperationKey = "single" | "batch" | "revoke" | "suspend" | "voucher" | "review";

/** A target is a ceiling on a ratio: ours / EAS or ours / floor. */
export interface Target {
  name: string;
  /** ceiling on the ratio */
  limit: number;
  /** the measured ratio */
  actual: number;
  /** the ceiling in gas (limit × the reference figure) */
  limitGas: number;
  pass: boolean;
}

export interface Samples {
  ours: number[];
  eas: number[] | null;
  erc721: number[] | null;
}

export interface OperationResult {
  label: string;
  /** what ours is compared with on EAS and on the plain ERC-721 */
  easOperation: string | null;
  erc721Operation: string | null;
  /** median gasUsed (per certificate for the batch) */
  ours: number;
  eas: number | null;
  erc721: number | null;
  floor: number;
  floorNote: string;
  ratioToEas: number | null;
  ratioToFloor: number;
  targets: Target[];
  /** every recorded figure, and the unrecorded warm-up run's figure */
  samples: Samples;
  warmup: Samples;
  notes: string[];
}

export interface CompilerInfo {
  version: string;
  evmVersion: string | null;
  optimizer: { enabled: boolean; runs: number | null };
  viaIR: boolean;
}

export interface GasReport {
  schemaVersion: 1;
  date: string;
  compiler: CompilerInfo;
  network: { name: string; hardfork: string | null; chainId: number };
  method: {
    statistic: "median";
    runs: number;
    batchSize: number;
    batchRuns: number;
    warmupRuns: number;
    description: string;
  };
  measured: {
    gitCommit: string | null;
    contractsDirty: boolean | null;
    cqoCertificateRuntimeSize: number;
    cqoCertificateCodeHash: string;
    easVersion: string;
  };
  floors: Record<"single" | "batch" | "statusChange" | "voucher", number>;
  operations: Record<OperationKey, OperationResult>;
  targetsMissed: string[];
}

/** The floors fixed by issue 2: 21,000 per transaction and 22,100 per fresh slot. */
export const FLOORS = {
  single: 21_000 + 3 * 22_100, // two fresh record slots, one fresh balance slot
  batch: 3 * 22_100, // per certificate: the transaction's 21,000 is shared by the batch
  statusChange: 21_000 + 5_000, // one slot changed from nonzero to nonzero
  // A voucher is a single issuance that must also check a signature: the ecrecover precompile (3,000) and the
  // signature's 65 bytes of calldata (16 each).
  voucher: 21_000 + 3 * 22_100 + 3_000 + 65 * 16,
} as const;

/**
 * Contracts v1's status changes, compiled for Paris (bench:gas at commit 0a45dc1, 2026-12-02): issue #11 lets v2
 * spend at most 5,000 more on a status change (it reads the body's standing, and every event names who acted and
 * the block of the certificate's previous event). The v1 contracts are not kept as an anchor contract: their
 * figures are the previous run's, recorded here with its commit.
 */
export const V1_STATUS_CHANGE = { revoke: 32_304, suspend: 31_960, commit: "0a45dc1" } as const;

export const TARGETS = {
  singleVsEas: 0.45,
  batchVsEas: 0.35,
  revokeVsEas: 0.6,
  vsFloor: 1.25,
  statusChangeExtraOverV1: 5_000,
} as const;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

export function ratio(ours: number, reference: number): number {
  return Math.round((ours / reference) * 1000) / 1000;
}

export function target(name: string, ours: number, reference: number, limit: number): Target {
  const actual = ratio(ours, reference);
  // Compare the unrounded ratio: rounding must not turn a miss into a pass.
  return { name, limit, actual, limitGas: Math.floor(reference * limit), pass: ours <= reference * limit };
}

const fmtGas = (gas: number | null): string => (gas === null ? "—" : gas.toLocaleString("en-US"));
const fmtRatio = (value: number | null): string => (value === null ? "n/a" : value.toFixed(3));

/** The compact table: operation | ours | EAS | OZ ERC-721 | floor | ours/EAS | ours/floor | target met. */
export function markdownTable(report: GasReport): string {
  const rows = (Object.keys(report.operations) as OperationKey[]).map((key) => {
    const op = report.operations[key];
    const missed = op.targets.filter((t) => !t.pass);
    const met = missed.length === 0 ? "yes" : `**no**: ${missed.map((t) => t.name).join("; ")}`;
    const easCell = op.eas === null ? "n/a" : fmtGas(op.eas);
    return `| ${op.label} | ${fmtGas(op.ours)} | ${easCell} | ${fmtGas(op.erc721)} | ${fmtGas(op.floor)} | ${fmtRatio(
      op.ratioToEas,
    )} | ${fmtRatio(op.ratioToFloor)} | ${met} |`;
  });
  return [
    "| operation | ours | EAS | OZ ERC-721 | floor | ours/EAS | ours/floor | target met |",
    "|---|--:|--:|--:|--:|--:|--:|---|",
    ...rows,
  ].join("\n");
}

/** One line under the table: how and with what the figures were measured. */
export function caption(report: GasReport): string {
  return wrap(captionText(report), 116);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.join("\n");
}

function captionText(report: GasReport): string {
  const c = report.compiler;
  const optimizer = c.optimizer.enabled ? `optimizer ${c.optimizer.runs ?? "?"} runs` : "optimizer off";
  return (
    `gasUsed from receipts, median of ${report.method.runs} runs (batch: ${report.method.batchRuns} batches of ` +
    `${report.method.batchSize}, per certificate), each to a new holder; solc ${c.version}, EVM ${
      c.evmVersion ?? "default"
    }, ${optimizer}${c.viaIR ? ", via IR" : ""}; Hardhat network, hardfork ${report.network.hardfork ?? "?"}; ` +
    `EAS ${report.measured.easVersion}; ${report.date.slice(0, 10)}` +
    (report.measured.gitCommit ? `, commit ${report.measured.gitCommit.slice(0, 10)}` : "") +
    (report.measured.contractsDirty ? " + uncommitted contract changes" : "") +
    ". Voucher floor = single-issuance floor + ecrecover (3,000) + 65 signature bytes of calldata. Status " +
    `changes: at most 5,000 over contracts v1 (issue #11; v1 at commit ${V1_STATUS_CHANGE.commit}: revocation ` +
    `${V1_STATUS_CHANGE.revoke.toLocaleString("en-US")}, suspension ${V1_STATUS_CHANGE.suspend.toLocaleString("en-US")}), ` +
    "their floor shown for reference. Suspension: EAS has none (n/a). " +
    "Source: `npm run bench:gas`, bench/results/gas.json."
  );
}

export const README_START = "<!-- gas-table:start -->";
export const README_END = "<!-- gas-table:end -->";

/**
 * Replaces what lies between the markers. Returns null when either marker is missing or they are out of order,
 * so the caller can say so instead of guessing where the table goes.
 */
export function spliceReadme(readme: string, block: string): string | null {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < 0 || end < start) return null;
  return readme.slice(0, start + README_START.length) + "\n" + block + "\n" + readme.slice(end);
}
