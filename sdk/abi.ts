/**
 * The contracts' ABIs, generated from the Hardhat artifacts on every compile (sdk/hardhat-abi.ts). Missing? Run
 * `npx hardhat compile`.
 */
import { cqoCertificateAbi, certificateRendererAbi } from "./generated/abi";

export { cqoCertificateAbi, certificateRendererAbi };

/** Every error either contract can revert with, for decoding a revert whatever its source. */
export const cqoErrorsAbi = [...cqoCertificateAbi, ...certificateRendererAbi].filter(
  (item): item is Extract<(typeof cqoCertificateAbi | typeof certificateRendererAbi)[number], { type: "error" }> => item.type === "error",
);

export type CqoErrorName = Extract<(typeof cqoCertificateAbi | typeof certificateRendererAbi)[number], { type: "error" }>["name"];
