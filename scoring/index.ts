/**
 * cqo-chain scoring engine: pure TypeScript, no I/O, the same in Node and in the browser.
 * Points are integer tenths; levels 1 (一级, highest) … 3, null = not certified.
 */
export * from "./errors";
export { text, signedText, forbiddenCharacter, type TextOptions } from "./text";
export { Rulebook, Condition, Scoring, LevelBand, PanelPolicy } from "./rulebook/schema";
export { parseRulebook, checkRulebook } from "./rulebook/check";
export { rulebookHash, canonical } from "./rulebook/hash";
export { Dossier, Applicant, Employer, IsoDate } from "./dossier/schema";
export { idNumberCheckChar, idNumberFault, usccCheckChar, usccFault } from "./dossier/checksums";
export { FACTS, FACT_NAMES, deriveFacts, type FactName, type Facts } from "./dossier/facts";
export { PanelSheet } from "./panel/schema";
export {
  PANEL_SHEET_DOMAIN,
  PANEL_SHEET_TYPES,
  PANEL_SHEET_PRIMARY_TYPE,
  panelSheetDomain,
  panelSheetMessage,
  panelSheetTypedData,
  type PanelSheetMessage,
} from "./panel/typedData";
export { panelSheetDigest } from "./panel/digest";
export { verifySheets, trustVerifiedSheets, type VerifiedSheet, type RefusedSheet, type PanelCheck, type SheetContext } from "./panel/verify";
export {
  evaluate,
  evaluateChecked,
  prepareRulebook,
  parseDossier,
  parseSheets,
  dossierHash,
  panelCommitment,
  type Prepared,
  type EvaluateResult,
} from "./evaluate/evaluate";
export { assignLevel } from "./evaluate/level";
export { aggregatePanel, roundedMean } from "./evaluate/panel";
export type { Evaluation, IndicatorResult, DimensionResult } from "./evaluate/types";
export {
  buildCredential,
  disclose,
  recordFields,
  valueHash,
  csprngBytes,
  Credential,
  Disclosure,
  type CredentialInput,
  type CommitOptions,
} from "./commit/credential";
export { verifyDisclosure, type VerifiedDisclosure } from "./commit/verifyDisclosure";
export { buildTree, leafHash, LEAF_ENCODING, type LeafValue, type TreeDump } from "./commit/merkle";
