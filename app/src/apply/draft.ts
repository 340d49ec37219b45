/**
 * The application form's draft: the dossier's shape (scoring/dossier/schema.ts) with what a person types — numbers
 * as the text of their inputs, and the two optional parts (the training certificate, the exam) behind a tick — so
 * every input sits at the dossier path its value goes to. `toDossier` turns it into the dossier the workbench
 * receives, and `parseDossier` (the workbench's own check) names each problem by that same path.
 * Kept in localStorage per wallet address until it is submitted or cleared.
 */
import { formatPath, parseDossier, type Dossier, type Problem } from "../../../scoring";

export interface Draft {
  rulebook: string;
  applicant: {
    name: string;
    idNumber: string;
    phone: string;
    education: string;
    professionalTitle: string;
    qualityYears: string;
    appointment: { appointedAsCqo: boolean; date: string; reportsToTopManagement: boolean; vetoPower: boolean };
    hasTraining: boolean;
    training: { certificateNo: string; issuedOn: string; hours: string };
  };
  employer: { name: string; uscc: string; sizeClass: string };
  records: {
    integrity: {
      pledgeSigned: boolean;
      creditRating: string;
      listedDishonest: boolean;
      criminalRecordInOffice: boolean;
      administrativePenalties: { date: string; description: string }[];
    };
    accidents: { date: string; severity: string; responsible: boolean; description: string }[];
    awards: { level: string; name: string; year: string }[];
    qualifications: { name: string; number: string }[];
    examTaken: boolean;
    examScore: string;
    trainingHours: string;
    standardsDrafted: string;
    patents: string;
    qualityProjects: string;
  };
  evidence: { kind: string; name: string; sha256: string }[];
}

export function emptyDraft(): Draft {
  return {
    rulebook: "",
    applicant: {
      name: "",
      idNumber: "",
      phone: "",
      education: "bachelor",
      professionalTitle: "none",
      qualityYears: "",
      appointment: { appointedAsCqo: false, date: "", reportsToTopManagement: false, vetoPower: false },
      hasTraining: false,
      training: { certificateNo: "", issuedOn: "", hours: "" },
    },
    employer: { name: "", uscc: "", sizeClass: "medium" },
    records: {
      integrity: { pledgeSigned: false, creditRating: "A", listedDishonest: false, criminalRecordInOffice: false, administrativePenalties: [] },
      accidents: [],
      awards: [],
      qualifications: [],
      examTaken: false,
      examScore: "",
      trainingHours: "0",
      standardsDrafted: "0",
      patents: "0",
      qualityProjects: "0",
    },
    evidence: [],
  };
}

/** The text of a number input as the dossier's number: empty is missing (the schema says so), other text as typed. */
const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s.trim()));

/** Points with at most one decimal as the dossier's tenths (85.5 → 855); anything else as typed, for the schema to refuse. */
function tenths(s: string): number | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  const m = /^(\d+)(?:\.(\d))?$/.exec(t);
  return m ? Number(m[1]) * 10 + Number(m[2] ?? "0") : Number(t) * 10;
}

/** The dossier's application date: today in China (UTC+8). */
export function todayInChina(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The dossier the workbench receives (its number is the workbench's: "pending" until then). */
export function toDossier(d: Draft, submittedOn = todayInChina()): unknown {
  const a = d.applicant;
  const r = d.records;
  return {
    format: "cqo-dossier/1",
    dossierId: "pending",
    submittedOn,
    applicant: {
      name: a.name.trim(),
      idNumber: a.idNumber.trim().toUpperCase(),
      phone: a.phone.trim(),
      education: a.education,
      professionalTitle: a.professionalTitle,
      qualityYears: num(a.qualityYears),
      appointment: { ...a.appointment },
      training: a.hasTraining ? { certificateNo: a.training.certificateNo.trim(), issuedOn: a.training.issuedOn, hours: num(a.training.hours) } : null,
    },
    employer: { name: d.employer.name.trim(), uscc: d.employer.uscc.trim().toUpperCase(), sizeClass: d.employer.sizeClass },
    records: {
      integrity: { ...r.integrity, administrativePenalties: r.integrity.administrativePenalties.map((p) => ({ ...p })) },
      accidents: r.accidents.map((x) => ({ ...x })),
      awards: r.awards.map((x) => ({ level: x.level, name: x.name.trim(), year: num(x.year) })),
      qualifications: r.qualifications.map((x) => ({ name: x.name.trim(), number: x.number.trim() })),
      examScore: r.examTaken ? tenths(r.examScore) : null,
      trainingHours: num(r.trainingHours),
      standardsDrafted: num(r.standardsDrafted),
      patents: num(r.patents),
      qualityProjects: num(r.qualityProjects),
    },
    review: { falseMaterials: false },
    evidence: d.evidence.map((e) => ({ kind: e.kind, name: e.name, sha256: e.sha256 })),
  };
}

/** A dossier back into the form's draft: a re-evaluation (复评) starts from the certificate's own dossier. */
export function fromDossier(x: Dossier, rulebook: string): Draft {
  const a = x.applicant;
  const r = x.records;
  const text = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));
  return {
    rulebook,
    applicant: {
      name: a.name,
      idNumber: a.idNumber,
      phone: a.phone,
      education: a.education,
      professionalTitle: a.professionalTitle,
      qualityYears: text(a.qualityYears),
      appointment: { ...a.appointment },
      hasTraining: a.training !== null,
      training: a.training ? { certificateNo: a.training.certificateNo, issuedOn: a.training.issuedOn, hours: text(a.training.hours) } : { certificateNo: "", issuedOn: "", hours: "" },
    },
    employer: { ...x.employer },
    records: {
      integrity: { ...r.integrity, administrativePenalties: r.integrity.administrativePenalties.map((p) => ({ ...p })) },
      accidents: r.accidents.map((e) => ({ ...e })),
      awards: r.awards.map((e) => ({ level: e.level, name: e.name, year: text(e.year) })),
      qualifications: r.qualifications.map((e) => ({ ...e })),
      examTaken: r.examScore !== null,
      examScore: r.examScore === null ? "" : (r.examScore / 10).toFixed(1),
      trainingHours: text(r.trainingHours),
      standardsDrafted: text(r.standardsDrafted),
      patents: text(r.patents),
      qualityProjects: text(r.qualityProjects),
    },
    evidence: x.evidence.map((e) => ({ ...e })),
  };
}

export interface FieldMessage {
  zh: string;
  en: string;
}

/** Problems by the form field they belong to ("applicant.idNumber", "records.awards[0].name", "declaration.signature"). */
export type FieldProblems = Map<string, FieldMessage[]>;

export function addProblem(map: FieldProblems, field: string, m: FieldMessage): void {
  const list = map.get(field) ?? [];
  if (!list.some((x) => x.zh === m.zh && x.en === m.en)) list.push(m);
  map.set(field, list);
}

/** What the workbench's parseDossier finds in the draft, by field: exactly the server's words. */
export function checkDraft(d: Draft): { dossier: Dossier | null; problems: FieldProblems } {
  const parsed = parseDossier(toDossier(d));
  const problems: FieldProblems = new Map();
  if (parsed.ok) return { dossier: parsed.value, problems };
  for (const p of parsed.errors) addProblem(problems, fieldOfProblem(p), p.message);
  return { dossier: null, problems };
}

const fieldOfProblem = (p: Problem): string => (p.path.length ? formatPath(p.path) : "dossier");

/** The form field of a workbench problem: "body.dossier.applicant.idNumber" → "applicant.idNumber", "body.rulebook" → "rulebook". */
export function fieldOfServerProblem(field: string): string {
  if (field.startsWith("body.dossier.")) return field.slice("body.dossier.".length);
  if (field.startsWith("body.")) return field.slice("body.".length);
  return field;
}

// ---------------------------------------------------------------- paths into the draft

export type Path = (string | number)[];

/** "records.awards[0].name" → ["records", "awards", 0, "name"] */
export function pathOf(field: string): Path {
  const out: Path = [];
  for (const part of field.split(".")) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const i of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

export function getIn(root: unknown, path: Path): unknown {
  let at: unknown = root;
  for (const k of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[k];
  }
  return at;
}

/** A copy of `root` with the value at `path` replaced (the objects on the way copied, the rest shared). */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string | number, ...Path];
  const node = root as unknown as Record<string | number, unknown> | unknown[];
  const child = setIn((node as Record<string | number, unknown>)[head], rest, value);
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[head as number] = child;
    return copy as unknown as T;
  }
  return { ...node, [head]: child } as T;
}

/** An input's id from its field: "records.awards[0].name" → "f-records-awards-0-name". */
export const inputId = (field: string) => `f-${field.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`;

// ---------------------------------------------------------------- kept in this browser

const draftKey = (address: string) => `cqo.apply.draft.${address.toLowerCase()}`;

const listOr = <T>(x: T[] | undefined): T[] => (Array.isArray(x) ? x : []);

/** The draft kept for this wallet, merged over an empty one (a draft of an older form still loads). */
export function loadDraft(address: string): Draft | null {
  try {
    const raw = localStorage.getItem(draftKey(address));
    if (!raw) return null;
    const kept = JSON.parse(raw) as Partial<Draft>;
    const e = emptyDraft();
    return {
      ...e,
      ...kept,
      applicant: { ...e.applicant, ...kept.applicant, appointment: { ...e.applicant.appointment, ...kept.applicant?.appointment }, training: { ...e.applicant.training, ...kept.applicant?.training } },
      employer: { ...e.employer, ...kept.employer },
      records: {
        ...e.records,
        ...kept.records,
        integrity: { ...e.records.integrity, ...kept.records?.integrity, administrativePenalties: listOr(kept.records?.integrity?.administrativePenalties) },
        accidents: listOr(kept.records?.accidents),
        awards: listOr(kept.records?.awards),
        qualifications: listOr(kept.records?.qualifications),
      },
      evidence: listOr(kept.evidence),
    };
  } catch {
    return null;
  }
}

export function saveDraft(address: string, d: Draft): void {
  try {
    localStorage.setItem(draftKey(address), JSON.stringify(d));
  } catch {
    // storage full or disabled: the form still works, only without a draft
  }
}

export function clearDraft(address: string): void {
  localStorage.removeItem(draftKey(address));
}
