/** Deploys the renderer and the certificate contract with viem: what `cqo deploy` and the sdk tests use. */
import type { Address, Hex, PublicClient, WalletClient } from "viem";
import { cqoCertificateAbi, certificateRendererAbi } from "./abi";
import { cqoCertificateBytecode, certificateRendererBytecode } from "./generated/bytecode";
import { parseDeployment, type Deployment } from "./deployments";
import { NonZeroAddressSchema, parseInput } from "./schemas";

export interface DeployOptions {
  /** the association's admin address; on a public chain a multisig or a timelock, not the deployer's hot key */
  association: string;
  /** reuse an already deployed renderer */
  renderer?: Address;
}

/** Deploys and waits for both receipts; returns the deployment to record (deployments.json or a file). */
export async function deployCqo(publicClient: PublicClient, walletClient: WalletClient, options: DeployOptions): Promise<Deployment> {
  const account = walletClient.account;
  if (!account) throw new Error("deploying needs a wallet client with an account");
  const association = parseInput(NonZeroAddressSchema, options.association, "association");
  const chainId = await publicClient.getChainId();
  const mined = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment transaction ${hash} failed`);
    return receipt;
  };
  let renderer = options.renderer;
  if (!renderer) {
    const hash = await walletClient.deployContract({ abi: certificateRendererAbi, bytecode: certificateRendererBytecode, account, chain: walletClient.chain ?? null });
    renderer = (await mined(hash)).contractAddress ?? undefined;
    if (!renderer) throw new Error("no renderer address");
  }
  const hash = await walletClient.deployContract({
    abi: cqoCertificateAbi,
    bytecode: cqoCertificateBytecode,
    args: [association, renderer],
    account,
    chain: walletClient.chain ?? null,
  });
  const receipt = await mined(hash);
  return parseDeployment({
    chainId,
    certificate: receipt.contractAddress,
    renderer,
    deployBlock: Number(receipt.blockNumber),
    association,
    deployedAt: new Date().toISOString(),
  });
}
