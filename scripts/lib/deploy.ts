import type { Signer } from "ethers";
import {
  CQOCertificate,
  CQOCertificate__factory,
  CertificateRenderer__factory,
} from "../../typechain-types";

/** Where a deployment lives: written by `deployCqo`, read by `verify` and (later) the sdk and the app. */
export interface Deployment {
  chainId: number;
  certificate: string;
  renderer: string;
  association: string;
  deployedAt: string;
  blockNumber: number;
}

/**
 * Deploys the renderer and the certificate contract, with `association` as the admin (协会).
 * On a public chain, `association` should be a multisig or a timelock: see the README.
 */
export async function deployCqo(deployer: Signer, association: string): Promise<{ certificate: CQOCertificate; deployment: Deployment }> {
  const renderer = await new CertificateRenderer__factory(deployer).deploy();
  await renderer.waitForDeployment();
  const certificate = await new CQOCertificate__factory(deployer).deploy(association, await renderer.getAddress());
  const receipt = await certificate.deploymentTransaction()!.wait();
  const network = await deployer.provider!.getNetwork();
  return {
    certificate,
    deployment: {
      chainId: Number(network.chainId),
      certificate: await certificate.getAddress(),
      renderer: await renderer.getAddress(),
      association,
      deployedAt: new Date().toISOString(),
      blockNumber: receipt!.blockNumber,
    },
  };
}
