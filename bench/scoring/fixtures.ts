/** Synthetic inputs for the scoring benchmark: dossiers with 5 signed sheets, as plain JSON. */
import { hashTypedData, type Hex } from "viem";
import { dossierHash, type Prepared } from "../../scoring";
import { panelSheetTypedData } from "../../scoring/panel/typedData";
import { devAssessors, signSheet, syntheticDossier, syntheticSheets } from "../../scoring/synthetic";

export interface BenchRecord {
  dossier: unknown;
  sheets: unknown[];
  /** EIP-712 digests of the sheets, as a workbench keeps them after verifying on upload */
  digests: Hex[];
}

export async function makeRecords(rb: Prepared, n: number, offset = 0): Promise<BenchRecord[]> {
  const assessors = devAssessors(5);
  const out: BenchRecord[] = [];
  for (let i = 0; i < n; i++) {
    const d = syntheticDossier(offset + i + 1);
    const unsigned = syntheticSheets(rb.rulebook, rb.rulebookHash, dossierHash(d), assessors, offset + i + 1);
    const sheets = await Promise.all(unsigned.map((s, k) => signSheet(s, assessors[k]!.key)));
    // round-trip through JSON so the pipeline sees exactly what it would read from disk
    out.push(JSON.parse(JSON.stringify({ dossier: d, sheets, digests: unsigned.map((s) => hashTypedData(panelSheetTypedData(s))) })) as BenchRecord);
  }
  return out;
}
