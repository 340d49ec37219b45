/**
 * Deploys the renderer, the BodyAdministration and CertificateAdministration libraries and the linked certificate
 * contract with viem: what
 * `cqo deploy`, the demo and the sdk tests use.
 */
import type { Address, Hex, PublicClient, WalletClient } from "viem";
import { certificateRendererAbi, cqoCertificateAbi } from "./abi";
import {
  bodyAdministrationBytecode,
  certificateAdministrationBytecode,
  certificateRendererBytecode,
  cqoCertificateBytecode,
  cqoCertificateLinkReferences,
} from "./generated/bytecode";
import { ClockUnitSchema, parseDeployment, type ClockUnit, type Deployment } from "./deployments";
import { linkLibraries } from "./link";
import { AddressSchema, NonZeroAddressSchema, parseInput } from "./schemas";
import { z } from "zod";

export { linkLibraries, linkLibrary, type LinkReference } from "./link";

export interface DeployOptions {
  /** the association's admin address; on a public chain a multisig or a timelock, not the deployer's hot key */
  association: string;
  /** reuse an already deployed renderer */
  renderer?: Address;
  /** 1 if the chain's block.timestamp counts seconds (default), 1000 if milliseconds (FISCO BCOS, AntChain) */
  clockUnit?: ClockUnit;
  /** seconds a handover of the association's role waits before the new admin may accept it (default 0) */
  adminTransferDelay?: number;
}

/** uint48 seconds: the constructor multiplies by the clock unit, which must still fit. */
const AdminTransferDelaySchema = z.number().int().nonnegative().max(2 ** 48 / 1000 - 1);

/** The addresses of the certificate's two external libraries. */
export interface CertificateLibraries {
  bodyAdministration: Address;
  certificateAdministration: Address;
}

/** The certificate's creation code with each library's address at each of its placeholders. */
export function linkedCertificateBytecode(libraries: CertificateLibraries): Hex {
  const refs = cqoCertificateLinkReferences;
  return linkLibraries(cqoCertificateBytecode, [
    { references: refs["contracts/libraries/BodyAdministration.sol"].BodyAdministration, address: libraries.bodyAdministration },
    {
      references: refs["contracts/libraries/CertificateAdministration.sol"].CertificateAdministration,
      address: libraries.certificateAdministration,
    },
  ]);
}

/** Deploys and waits for every receipt; returns the deployment to record (deployments.json or a file). */
export async function deployCqo(publicClient: PublicClient, walletClient: WalletClient, options: DeployOptions): Promise<Deployment> {
  const account = walletClient.account;
  if (!account) throw new Error("deploying needs a wallet client with an account");
  const association = parseInput(NonZeroAddressSchema, options.association, "association");
  const clockUnit = parseInput(ClockUnitSchema, options.clockUnit ?? 1, "clockUnit");
  const adminTransferDelay = parseInput(AdminTransferDelaySchema, options.adminTransferDelay ?? 0, "adminTransferDelay");
  const chainId = await publicClient.getChainId();
  const chain = walletClient.chain ?? null;
  const mined = async (hash: Hex, what: string) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deploying the ${what} failed (transaction ${hash})`);
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
  };

  let renderer = options.renderer === undefined ? undefined : parseInput(AddressSchema, options.renderer, "renderer");
  if (!renderer) {
    const hash = await walletClient.deployContract({ abi: certificateRendererAbi, bytecode: certificateRendererBytecode, account, chain });
    renderer = (await mined(hash, "renderer")).address;
  }
  // The libraries' ABIs add nothing for deployment (no constructor); their events and errors are the certificate's.
  const libraryHash = await walletClient.deployContract({ abi: [], bytecode: bodyAdministrationBytecode, account, chain });
  const library = (await mined(libraryHash, "BodyAdministration library")).address;
  const certificateLibraryHash = await walletClient.deployContract({ abi: [], bytecode: certificateAdministrationBytecode, account, chain });
  const certificateLibrary = (await mined(certificateLibraryHash, "CertificateAdministration library")).address;

  const hash = await walletClient.deployContract({
    abi: cqoCertificateAbi,
    bytecode: linkedCertificateBytecode({ bodyAdministration: library, certificateAdministration: certificateLibrary }),
    args: [association, adminTransferDelay, BigInt(clockUnit), renderer],
    account,
    chain,
  });
  const certificate = await mined(hash, "certificate contract");
  return parseDeployment({
    chainId,
    certificate: certificate.address,
    renderer,
    library,
    certificateLibrary,
    clockUnit,
    deployBlock: Number(certificate.blockNumber),
    association,
    deployedAt: new Date().toISOString(),
  });
}
