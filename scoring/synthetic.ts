/**
 * Synthetic, valid-looking data for tests, the benchmark and demos. Nothing here is real: ID numbers and
 * credit codes are generated with correct check characters, and the assessor keys are derived from public
 * strings, so they must never hold value.
 */
import { privateKeyToAccount } from "viem/accounts";
import type { Hex } from "viem";
import { idNumberCheckChar, usccCheckChar } from "./dossier/checksums";
import type { Dossier } from "./dossier/schema";
import { keccakUtf8 } from "./commit/keccak";
import type { AssessorEntry } from "./panel/registry";
import type { PanelSheet } from "./panel/schema";
import { panelSheetTypedData, PANEL_SHEET_DOMAIN } from "./panel/typedData";
import type { Rulebook } from "./rulebook/schema";
import { panelIndicatorMax } from "./panel/verify";

/** mulberry32: tiny deterministic PRNG, good enough for fixtures (never for salts). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pad = (n: number, w: number) => String(n).padStart(w, "0");

export function syntheticIdNumber(r: () => number): string {
  const region = pick(r, ["430102", "430103", "430104", "430202", "430302", "430602", "431002"]);
  const birth = `${int(r, 1965, 1995)}${pad(int(r, 1, 12), 2)}${pad(int(r, 1, 28), 2)}`;
  const first17 = `${region}${birth}${pad(int(r, 0, 999), 3)}`;
  return first17 + idNumberCheckChar(first17);
}

const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";

export function syntheticUscc(r: () => number): string {
  let s = "91430" + pick(r, ["100", "102", "103", "104", "200"]);
  while (s.length < 17) s += USCC_CHARS[int(r, 0, 30)];
  return s + usccCheckChar(s);
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "婷"];

/**
 * A dossier that is eligible and free of veto items unless `variant` says otherwise, with enough spread in
 * its records to exercise every rule row.
 */
export function syntheticDossier(seed: number, variant: "typical" | "ineligible" | "vetoed" = "typical"): Dossier {
  const r = prng(seed * 2654435761 + 7);
  const years = int(r, 5, 20);
  const education = pick(r, ["college", "bachelor", "bachelor", "master", "doctor"] as const);
  const awards = Array.from({ length: int(r, 0, 3) }, (_, i) => ({
    level: pick(r, ["national", "provincial", "municipal"] as const),
    name: `质量奖 ${i + 1}`,
    year: int(r, 2015, 2023),
  }));
  let courseHours = 0;
  const d: Dossier = {
    format: "cqo-dossier/1",
    dossierId: `HN-2024-${pad(seed, 7)}`,
    submittedOn: "2024-05-20",
    applicant: {
      name: pick(r, SURNAMES) + pick(r, GIVEN) + pick(r, GIVEN),
      idNumber: syntheticIdNumber(r),
      phone: `1${int(r, 3, 9)}${pad(int(r, 0, 999_999_999), 9)}`,
      education,
      professionalTitle: pick(r, ["intermediate", "senior", "senior"] as const),
      qualityYears: years,
      appointment: { appointedAsCqo: true, date: "2022-03-01", reportsToTopManagement: true, vetoPower: r() < 0.8 },
      training: { certificateNo: `HNCQO-T-${pad(seed, 7)}`, issuedOn: "2023-06-30", hours: (courseHours = int(r, 24, 48)) },
    },
    employer: { name: `湖南某某制造有限公司 ${seed}`, uscc: syntheticUscc(r), sizeClass: pick(r, ["small", "medium", "large"] as const) },
    records: {
      integrity: {
        pledgeSigned: true,
        creditRating: pick(r, ["A", "A", "B"] as const),
        listedDishonest: false,
        criminalRecordInOffice: false,
        administrativePenalties: r() < 0.1 ? [{ date: "2023-02-01", description: "标签标识不规范" }] : [],
      },
      accidents: r() < 0.1 ? [{ date: "2019-08-01", severity: "general", responsible: false, description: "一般质量事故" }] : [],
      awards,
      qualifications: Array.from({ length: int(r, 0, 3) }, (_, i) => ({ name: `注册质量工程师 ${i + 1}`, number: `Q${pad(int(r, 0, 99999), 5)}` })),
      examScore: int(r, 650, 980),
      // the total includes the appointment training's hours (one meaning, rulebook 2026.1); drawn where it always was
      trainingHours: courseHours + int(r, 0, 80),
      standardsDrafted: int(r, 0, 4),
      patents: int(r, 0, 5),
      qualityProjects: int(r, 1, 6),
    },
    review: { falseMaterials: false },
    evidence: [
      { kind: "appointment", name: "任命书.pdf", sha256: keccakUtf8(`appointment ${seed}`).slice(2) },
      { kind: "training", name: "培训证书.pdf", sha256: keccakUtf8(`training ${seed}`).slice(2) },
      { kind: "exam", name: "成绩单.pdf", sha256: keccakUtf8(`exam ${seed}`).slice(2) },
    ],
  };
  if (variant === "ineligible") d.applicant.training = null;
  if (variant === "vetoed") d.records.integrity.listedDishonest = true;
  return d;
}

/** Public, derivable keys: for fixtures only. */
export function devAssessorKey(i: number): Hex {
  return keccakUtf8(`cqo-chain development assessor ${i} - not a secret`);
}

export interface DevAssessor {
  id: string;
  key: Hex;
  address: Hex;
  employerUscc: string;
}

export function devAssessors(n: number): DevAssessor[] {
  return Array.from({ length: n }, (_, i) => {
    const key = devAssessorKey(i);
    const r = prng(1_000_003 + i);
    return { id: `EXP-${pad(i + 1, 4)}`, key, address: privateKeyToAccount(key).address, employerUscc: syntheticUscc(r) };
  });
}

/** The body's register of these assessors, as `evaluate(…, { assessors })` and `cqo evaluate --assessors` take it. */
export function assessorRegister(assessors: readonly DevAssessor[]): AssessorEntry[] {
  return assessors.map((a) => ({ id: a.id, address: a.address, employerUscc: a.employerUscc }));
}

export type UnsignedSheet = Omit<PanelSheet, "signature">;

export async function signSheet(sheet: UnsignedSheet, key: Hex): Promise<PanelSheet> {
  const account = privateKeyToAccount(key);
  const signature = await account.signTypedData(panelSheetTypedData(sheet, PANEL_SHEET_DOMAIN));
  return { ...sheet, signature };
}

/**
 * Unsigned sheets from `assessors` for one dossier: each assessor scores around a per-dossier "true" level
 * (60-95 % of the max) within ±`jitter` permille, so panels agree unless asked not to.
 */
export function syntheticSheets(rb: Rulebook, rulebookHash: Hex, dossierHash: Hex, assessors: readonly DevAssessor[], seed: number, jitter = 80): UnsignedSheet[] {
  const r = prng(seed * 40503 + 11);
  const base = int(r, 700, 950);
  return assessors.map((a) => {
    const scores: Record<string, number> = {};
    for (const [id, max] of panelIndicatorMax(rb)) {
      const permille = Math.min(1000, Math.max(0, base + int(r, -jitter, jitter)));
      scores[id] = Math.floor((permille * max) / 1000);
    }
    return {
      format: "cqo-panel-sheet/1",
      rulebook: rulebookHash,
      dossier: dossierHash,
      assessor: { id: a.id, address: a.address, employerUscc: a.employerUscc },
      scores,
      comments: `评审意见 ${a.id}`,
      signedOn: "2024-06-01",
    };
  });
}
