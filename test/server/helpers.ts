/**
 * Shared by the workbench tests: the chain (./chain-fixture: accounts, anvil, a fresh deployment made with the sdk,
 * the test configuration), HTTP and SIWE sign-in (./http-fixture), evidence files (./evidence-fixtures), and here
 * synthetic dossiers taken through the workflow over HTTP, and a whole workbench started for a test file.
 */
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import { privateKeyToAccount, type HDAccount, type PrivateKeyAccount } from "viem/accounts";
import { declarationTypedData, integrityDeclaration, objectionStatement, objectionTypedData, type Deployment, type ReviewSchedule } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import type { ServerConfig } from "../../server/config";
import type { Dossier } from "../../scoring";
import { devAssessors, signSheet, syntheticDossier, syntheticSheets, type DevAssessor } from "../../scoring/synthetic";
import { account, clientFor, deployWorld, OPERATOR, RULEBOOK, RULEBOOK_HASH, RULEBOOK_KEY, sleep, startAnvil, tempDir, testConfig, type Anvil, type World } from "./chain-fixture";
import { injectHttp, signInAs, type Http, type Reply } from "./http-fixture";

export * from "./chain-fixture";
export * from "./http-fixture";
export * from "./evidence-fixtures";

// ---------------------------------------------------------------- the workflow

export const ASSESSORS: DevAssessor[] = devAssessors(6);

export async function registerAssessors(http: Http, operatorToken: string, assessors = ASSESSORS): Promise<void> {
  for (const a of assessors) {
    const r = await http("POST", "/assessors", { address: a.address, assessorId: a.id, name: `专家 ${a.id}`, employerUscc: a.employerUscc }, operatorToken);
    if (r.status !== 201) throw new Error(`register assessor: ${JSON.stringify(r.body)}`);
  }
}

/** A synthetic dossier whose evidence list is empty (evidence is tested on its own). */
export function dossierFor(seed: number, variant: "typical" | "ineligible" | "vetoed" = "typical"): Dossier {
  return { ...syntheticDossier(seed, variant), evidence: [] };
}

export const expect200 = (r: Reply, what: string, status = 200): Reply => {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

export interface Tokens {
  operator: string;
  applicant: string;
  assessors: string[];
}

/**
 * Signs in the body's operator, `applicant` and the first three assessors; with `register` (a fresh database) the
 * operator first registers the assessors. What every workflow test starts from.
 */
export async function signInTeam(http: Http, applicant: HDAccount | PrivateKeyAccount, options: { register?: boolean } = {}): Promise<Tokens> {
  const operator = await signInAs(http, account(OPERATOR));
  if (options.register ?? true) await registerAssessors(http, operator);
  return {
    operator,
    applicant: await signInAs(http, applicant),
    assessors: await Promise.all(ASSESSORS.slice(0, 3).map((a) => signInAs(http, privateKeyToAccount(a.key)))),
  };
}

/** Polls the dossier until it reaches `state` (the worker issues on-chain in the background), or throws after `ms`. */
export async function waitForState(http: Http, token: string, id: string, state: string, ms = 30_000): Promise<void> {
  for (let deadline = Date.now() + ms; ; ) {
    const d = (await http("GET", `/dossiers/${id}`, undefined, token)).json<{ state: string }>();
    if (d.state === state) return;
    if (Date.now() > deadline) throw new Error(`dossier ${id} stayed ${d.state}, wanted ${state}`);
    await sleep(ms > 30_000 ? 200 : 100);
  }
}

export interface WorkbenchOptions {
  /** who signs in as the applicant (tokens.applicant) */
  applicant: HDAccount | PrivateKeyAccount;
  /** the temporary directory's name */
  prefix?: string;
  config?: Partial<ServerConfig>;
  /** listen (and so start the issuance worker); default true */
  listen?: boolean;
  /** the operator registers the assessors first; default true */
  register?: boolean;
  /** the rulebook's annual reviews (deployWorld); default none */
  reviews?: ReviewSchedule;
}

/** A fresh anvil, world and workbench (inject over HTTP), its team signed in: what a workbench test file starts from. */
export interface WorkbenchFixture {
  anvil: Anvil;
  world: World;
  wb: Workbench;
  http: Http;
  tokens: Tokens;
  dir: string;
  /** waitForState as the operator */
  waitForState(id: string, state: string, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorkbench(options: WorkbenchOptions): Promise<WorkbenchFixture> {
  const anvil = await startAnvil();
  const tmp = tempDir(options.prefix ?? "workbench");
  let wb: Workbench | undefined;
  const stop = async () => {
    await wb?.close();
    await anvil.stop("SIGKILL");
    tmp.cleanup();
  };
  try {
    const world = await deployWorld(anvil.url, options.reviews);
    wb = await buildServer({ config: testConfig(tmp.dir, options.config), chain: clientFor(anvil.url, world.deployment, account(OPERATOR)) });
    if (options.listen ?? true) await wb.listen();
    const http = injectHttp(wb.app);
    const tokens = await signInTeam(http, options.applicant, { register: options.register });
    return { anvil, world, wb, http, tokens, dir: tmp.dir, waitForState: (id, state, ms) => waitForState(http, tokens.operator, id, state, ms), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Submits a dossier; the workbench assigns its number (the body's series), which is written back into `dossier`
 * (so a hash computed from it locally matches the workbench's) and returned.
 */
export async function submitDossier(http: Http, dossier: Dossier, token: string, rulebook = RULEBOOK_KEY, declaration?: DeclarationBody): Promise<string> {
  const id = expect200(await http("POST", "/dossiers", { rulebook, dossier, ...(declaration ? { declaration } : {}) }, token), "submit", 201).json<{ id: string }>().id;
  dossier.dossierId = id;
  return id;
}

/** Submits, accepts, assigns 3 assessors, collects their signed sheets; returns the dossier id (state scored). */
export async function toScored(http: Http, tokens: Tokens, dossier: Dossier, jitter = 60, sheetSeed?: number, declaration?: DeclarationBody): Promise<string> {
  const id = await submitDossier(http, dossier, tokens.applicant, RULEBOOK_KEY, declaration);
  expect200(await http("POST", `/dossiers/${id}/accept`, {}, tokens.operator), "accept");
  const panel = ASSESSORS.slice(0, 3);
  expect200(await http("POST", `/dossiers/${id}/assign`, { assessors: panel.map((a) => a.address) }, tokens.operator), "assign");
  const accepted = (await http("GET", `/dossiers/${id}`, undefined, tokens.operator)).json<{ dossierHash: Hex }>();
  const sheets = syntheticSheets(RULEBOOK, RULEBOOK_HASH, accepted.dossierHash, panel, sheetSeed ?? (Number(id.replace(/\D/g, "").slice(-6)) || 1), jitter);
  for (const [i, a] of panel.entries()) {
    const signed = await signSheet(sheets[i]!, a.key);
    expect200(await http("POST", `/dossiers/${id}/sheets`, { sheet: signed }, tokens.assessors[i]), "sheet", 201);
  }
  return id;
}

export async function toEvaluated(http: Http, tokens: Tokens, dossier: Dossier, sheetSeed?: number, declaration?: DeclarationBody): Promise<{ id: string; state: string }> {
  const id = await toScored(http, tokens, dossier, 60, sheetSeed, declaration);
  const r = expect200(await http("POST", `/dossiers/${id}/evaluate`, {}, tokens.operator), "evaluate");
  return { id, state: r.json<{ state: string }>().state };
}

/** POST /dossiers `declaration`: the integrity declaration as the applicant's wallet signs it (sdk/declaration.ts). */
export interface DeclarationBody {
  signature: Hex;
  signedAt: number;
  publishInNotice: boolean;
}

/** The applicant's declaration over `dossier`, signed now (or at `signedAt`) for the deployment's chain and contract. */
export async function signedDeclaration(signer: HDAccount | PrivateKeyAccount, dossier: Dossier, deployment: Pick<Deployment, "chainId" | "certificate">, publishInNotice: boolean, signedAt = Math.floor(Date.now() / 1000)): Promise<DeclarationBody> {
  const message = integrityDeclaration({ applicant: signer.address, dossier, publishInNotice, signedAt });
  return { signature: await signer.signTypedData(declarationTypedData(deployment.chainId, deployment.certificate, message)), signedAt, publishInNotice };
}

/** POST /objections's body: `statement` on `tokenId`, signed now by `signer` (EIP-712 ObjectionStatement) for the deployment's chain and contract. */
export async function signedObjection(signer: HDAccount | PrivateKeyAccount, deployment: Pick<Deployment, "chainId" | "certificate">, tokenId: string, statement: string) {
  const issuedAt = Math.floor(Date.now() / 1000);
  const signature = await signer.signTypedData(objectionTypedData(deployment.chainId, deployment.certificate, objectionStatement({ tokenId, filer: signer.address, statement, issuedAt })));
  return { tokenId, statement, signature, issuedAt };
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export { privateKeyToAccount };
