/**
 * Where the contracts live. deployments.json (repo root) lists one deployment per chain id; a caller may also hand
 * the sdk an explicit deployment (the demo's .demo/deployment.json, a test's fresh deploy). Browser-safe: reading
 * a file by path is in ./node.
 */
import { z } from "zod";
import { AddressSchema } from "./schemas";
import deploymentsJson from "../deployments.json";

/** How many block.timestamp units make a second on the chain: 1, or 1000 where blocks count milliseconds. */
export const ClockUnitSchema = z.union([z.literal(1), z.literal(1000)]);
export type ClockUnit = z.output<typeof ClockUnitSchema>;

export const DeploymentSchema = z
  .object({
    chainId: z.number().int().positive(),
    certificate: AddressSchema,
    renderer: AddressSchema,
    /** the BodyAdministration library linked into the certificate (absent in files written before v2) */
    library: AddressSchema.optional(),
    /** the CertificateAdministration library linked into the certificate (absent in files written before v2.1) */
    certificateLibrary: AddressSchema.optional(),
    /** the certificate's CLOCK_UNIT: block timestamps are divided by it (absent in older files: seconds) */
    clockUnit: ClockUnitSchema.default(1),
    /** the block of the certificate's deployment: event scans start here */
    deployBlock: z.number().int().nonnegative().optional(),
    /** the name older deployment files use for the deployment block */
    blockNumber: z.number().int().nonnegative().optional(),
    association: AddressSchema.optional(),
    deployedAt: z.string().optional(),
    rpcUrl: z.string().optional(),
  })
  .transform(({ blockNumber, deployBlock, ...rest }, ctx) => {
    const block = deployBlock ?? blockNumber;
    if (block === undefined) {
      ctx.addIssue({ code: "custom", message: "deployBlock is required", path: ["deployBlock"] });
      return z.NEVER;
    }
    return { ...rest, deployBlock: block };
  });

export type Deployment = z.output<typeof DeploymentSchema>;
export type DeploymentInput = z.input<typeof DeploymentSchema>;

export const DeploymentsFileSchema = z.object({
  $comment: z.string().optional(),
  /** keyed by decimal chain id; each entry's chainId must match its key */
  chains: z.record(z.string().regex(/^\d+$/), DeploymentSchema),
});

export type DeploymentsFile = z.output<typeof DeploymentsFileSchema>;

/** Parses a deployment from any JSON value, with a message naming the bad field. */
export function parseDeployment(value: unknown): Deployment {
  const r = DeploymentSchema.safeParse(value);
  if (!r.success) {
    throw new Error(`invalid deployment: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}

export function parseDeploymentsFile(value: unknown): DeploymentsFile {
  const file = DeploymentsFileSchema.parse(value);
  for (const [key, d] of Object.entries(file.chains)) {
    if (String(d.chainId) !== key) throw new Error(`deployments.json: entry ${key} has chainId ${d.chainId}`);
  }
  return file;
}

/** The repository's deployments.json, bundled with the sdk. */
export const knownDeployments: DeploymentsFile = parseDeploymentsFile(deploymentsJson);

/** The deployment for a chain: an explicit one wins (checked against the chain), else deployments.json. */
export function deploymentFor(chainId: number, explicit?: DeploymentInput | Deployment): Deployment {
  if (explicit) {
    const d = parseDeployment(explicit);
    if (d.chainId !== chainId) throw new Error(`the deployment is for chain ${d.chainId}, the RPC serves chain ${chainId}`);
    return d;
  }
  const d = knownDeployments.chains[String(chainId)];
  if (!d) throw new Error(`no CQOCertificate deployment known for chain ${chainId}: pass one explicitly (--deployment FILE)`);
  return d;
}

/** deployments.json with one more (or a replaced) entry: the caller writes it back. */
export function withDeployment(file: DeploymentsFile, deployment: Deployment): DeploymentsFile {
  return { ...file, chains: { ...file.chains, [String(deployment.chainId)]: deployment } };
}
