/**
 * cqo-chain sdk: one typed chain client for the cli, the workbench server and the dApp. Browser-safe; file access
 * lives in "sdk/node".
 */
export { cqoCertificateAbi, certificateRendererAbi, cqoErrorsAbi, type CqoErrorName } from "./abi";
export {
  CqoClient,
  TransactionRevertedError,
  type BatchChunk,
  type BatchProgress,
  type BatchResult,
  type IssueBatchOptions,
  type SentTransaction,
  type SignedVoucher,
  type SkippedIssuance,
  type TokenIdInput,
  type VoucherCheck,
} from "./client";
export { CqoReader } from "./reader";
export { deployCqo, linkedCertificateBytecode, type CertificateLibraries, type DeployOptions } from "./deploy";
export { linkLibraries, linkLibrary, type LinkReference } from "./link";
export {
  ClockUnitSchema,
  DeploymentSchema,
  DeploymentsFileSchema,
  deploymentFor,
  knownDeployments,
  parseDeployment,
  parseDeploymentsFile,
  withDeployment,
  type ClockUnit,
  type Deployment,
  type DeploymentInput,
  type DeploymentsFile,
} from "./deployments";
export * from "./eip712";
export * from "./declaration";
export * from "./annual-report";
export * from "./employer-change";
export {
  CONTRACT_ERROR_MESSAGES,
  DEFAULT_ADMIN_ROLE,
  SUPERVISOR_ROLE,
  contractErrorMessage,
  decodeCqoError,
  explainError,
  type ErrorKind,
  type ExplainedError,
} from "./errors";
export { certificateHistory, type HistoryClient, type HistoryDeployment, type HistoryEntry, type HistoryEvent, type HistoryOptions } from "./history";
export * from "./reads";
export * from "./schemas";
export * from "./types";
export * from "./review-schedule";
export { checkIssuanceVoucher } from "./voucher-check";
