import type { Address, Hex } from "viem";
import type { Message } from "../errors";
import type { IdenticalCopies, RefusedSheet } from "../panel/verify";

export type ScoringMethod = "panel" | "exam" | "rules";

export interface IndicatorResult {
  id: string;
  dimension: string;
  name: Message;
  max: number;
  method: ScoringMethod;
  points: number;
  /** one line per step that produced or limited a point */
  explanation: Message[];
  /** panel-scored indicators only */
  panel?: { scores: number[]; used: number[]; trimmed: boolean; spread: number; divergent: boolean };
}

export interface DimensionResult {
  id: string;
  name: Message;
  max: number;
  points: number;
  /** points / max in permille, rounded down */
  permille: number;
}

export interface RuleOutcome {
  id: string;
  name: Message;
  passed: boolean;
  reason: Message;
}

export interface VetoOutcome {
  id: string;
  name: Message;
  triggered: boolean;
  reason: Message;
}

/** The complete, explainable result of one evaluation. Plain JSON: it is stored, shown and hashed as is. */
export interface Evaluation {
  format: "cqo-evaluation/1";
  rulebook: { id: string; version: string; hash: Hex };
  dossier: { id: string; hash: Hex };
  /** the application date, reference of every time window */
  asOf: string;
  eligibility: { eligible: boolean; rules: RuleOutcome[] };
  veto: { vetoed: boolean; items: VetoOutcome[] };
  panel: {
    accepted: { assessorId: string; signer: Address; sheetHash: Hex }[];
    refused: RefusedSheet[];
    minAssessors: number;
    /** keccak256 of the accepted sheets' hashes in ascending order */
    commitment: Hex;
    /** rulebook/2: sheets handed in more than once, identical, each counted once */
    identical?: IdenticalCopies[];
  };
  indicators: IndicatorResult[];
  dimensions: DimensionResult[];
  total: number;
  totalMax: number;
  /** 1 = 一级 Level I (highest); null = not certified, or (rulebook/2) no valid panel: levelReasons says which */
  level: number | null;
  levelName: Message | null;
  levelReasons: Message[];
  /** indicator ids whose sheets diverge beyond the policy: re-review before issuance */
  divergent: string[];
  /** true when a certificate may be issued after the notice period */
  issuable: boolean;
  blockers: Message[];
  noticeDays: number;
  validity: { years: number; reviewMonths: number; reviewGraceDays?: number };
  /** rulebook/2: the rules of rounding, windows, duplicate sheets, incomplete panels and employers that applied */
  rules?: Message[];
}
