/**
 * cqo-chain scoring engine: pure TypeScript, no I/O, the same in Node and in the browser.
 * Points are integer tenths; levels 1 (一级, highest) … 3, null = not certified.
 */
export * from "./errors";
export { text, signedText, forbiddenCharacter, type TextOptions } from "./text";
export { Rulebook, RulebookV1, RulebookV2, Condition, Scoring, LevelBand, PanelPolicy, PanelPolicyV2, RoundingRule, Validity } from "./rulebook/schema";
export { rulesOf, describeRules, ROUNDING_TEXT, type Rules } from "./rulebook/rules";
export { parseRulebook, checkRulebook } from "./rulebook/check";
export { rulebookHash, canonical } from "./rulebook/hash";
export { Dossier, Applicant, Employer, IsoDate } from "./dossier/schema";
export { idNumberCheckChar, idNumberFault, usccCheckChar, usccFault } from "./dossier/checksums";
export { FACTS, FACT_NAMES, deriveFacts, type FactName, type Facts } from "./dossier/facts";
export { sameDayYearsBefore, windowStart, withinYears, type WindowRule } from "./dossier/dates";
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
export { verifySheets, trustVerifiedSheets, type VerifiedSheet, type RefusedSheet, type IdenticalCopies, type PanelCheck, type SheetContext } from "./panel/verify";
export { AssessorEntry, AssessorRegister, assessorLookup, parseAssessorRegister, type AssessorLookup, type RegisteredAssessor } from "./panel/registry";
export {
  evaluate,
  evaluateChecked,
  prepareRulebook,
  parseDossier,
  parseSheets,
  dossierProblemsUnder,
  dossierHash,
  panelCommitment,
  type Prepared,
  type EvaluateResult,
  type EvaluateOptions,
} from "./evaluate/evaluate";
export { roundQuotient } from "./evaluate/rounding";
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
  CredentialV1,
  CredentialV2,
  CREDENTIAL_FORMAT,
  Disclosure,
  PRINTED_FIELDS,
  type CredentialFormat,
  type CredentialInput,
  type CommitOptions,
} from "./commit/credential";
export { verifyDisclosure, type VerifiedDisclosure } from "./commit/verifyDisclosure";
export { buildTree, leafHash, LEAF_ENCODING, type LeafValue, type TreeDump } from "./commit/merkle";
