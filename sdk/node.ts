/**
 * The sdk's only Node-specific code: deployment files on disk. Not exported from sdk/index.ts, so bundlers for
 * the browser never see `node:fs`; import "sdk/node" from the cli and the server.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDeployment, parseDeploymentsFile, withDeployment, type Deployment } from "./deployments";

export const REPO_ROOT = join(__dirname, "..");
export const DEPLOYMENTS_FILE = join(REPO_ROOT, "deployments.json");
/** Written by `npm start` (scripts/demo.ts). */
export const DEMO_DEPLOYMENT_FILE = join(REPO_ROOT, ".demo", "deployment.json");

export function readDeploymentFile(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read the deployment ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseDeployment(json);
}

/** The demo's deployment if `npm start` wrote one for this chain. */
export function demoDeployment(chainId: number): Deployment | undefined {
  if (!existsSync(DEMO_DEPLOYMENT_FILE)) return undefined;
  const d = readDeploymentFile(DEMO_DEPLOYMENT_FILE);
  return d.chainId === chainId ? d : undefined;
}

export function writeDeploymentFile(file: string, deployment: Deployment): void {
  writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
}

/** Records a deployment in deployments.json (or another file of that shape). */
export function recordDeployment(deployment: Deployment, file = DEPLOYMENTS_FILE): void {
  const current = existsSync(file) ? parseDeploymentsFile(JSON.parse(readFileSync(file, "utf8"))) : { chains: {} };
  writeFileSync(file, `${JSON.stringify(withDeployment(current, deployment), null, 2)}\n`);
}
