/**
 * Shared by the workbench tests: an anvil node started per test file, a fresh deployment made with the sdk (one
 * accredited body, the default rulebook registered), SIWE sign-in, and synthetic dossiers taken through the
 * workflow over HTTP (fastify's inject, or fetch against a child process).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { createPublicClient, createWalletClient, http, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type HDAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { CqoClient, declarationTypedData, deployCqo, integrityDeclaration, levelsToScope, type Deployment, type ReviewSchedule, type SigningKeyGrant } from "../../sdk";
import { buildServer, type Workbench } from "../../server/app";
import { chainFor } from "../../server/chain";
import type { ServerConfig } from "../../server/config";
import { rulebookHash, parseRulebook, type Dossier, type Rulebook } from "../../scoring";
import { devAssessors, signSheet, syntheticDossier, syntheticSheets, type DevAssessor } from "../../scoring/synthetic";
import defaultRulebookJson from "../../rulebooks/hn-cqo-default-2024.1.json";
import { freePort, startNode } from "../../scripts/lib/node";

export const REPO = join(__dirname, "..", "..");
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const account = (i: number): HDAccount => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
/** the key of account(i), for a child process's CQO_SIGNER_KEY */
export const privateKeyOf = (i: number): Hex => {
  const key = account(i).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}`;
};

export const ASSOCIATION = 0;
export const BODY_ADMIN = 1;
/** the body's signing key: the workbench's operator and its issuance signer */
export const OPERATOR = 2;
export const OTHER_BODY_KEY = 3;
export const SIWE_DOMAIN = "workbench.test";
export const RULEBOOK_KEY = "hn-cqo-default@2024.1";
export const NOTICE_PERIOD = 7 * 86_400;

export const RULEBOOK: Rulebook = (() => {
  const r = parseRulebook(defaultRulebookJson);
  if (!r.ok) throw new Error("default rulebook invalid");
  return r.value;
})();
export const RULEBOOK_HASH = rulebookHash(RULEBOOK);

export { freePort };

export interface Anvil {
  url: string;
  port: number;
  proc: ChildProcess;
  /** stops it; SIGTERM lets anvil dump its --state file, SIGKILL does not */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** anvil through scripts/lib/node.ts (one way to start a node for the demo, the benchmarks and every test). */
export async function startAnvil(options: { port?: number; statePath?: string } = {}): Promise<Anvil> {
  const node = await startNode("anvil", { port: options.port, anvilArgs: options.statePath ? ["--state", options.statePath] : [] });
  return {
    url: node.url,
    port: node.port,
    proc: node.proc,
    stop: (signal = "SIGTERM") => (signal === "SIGKILL" ? node.kill() : node.stop(15_000)),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function publicClientFor(url: string, deployment: Deployment): PublicClient {
  return createPublicClient({ chain: chainFor(deployment, url), transport: http(url, { retryCount: 0 }), pollingInterval: 50 }) as PublicClient;
}

export function clientFor(url: string, deployment: Deployment, signer?: PrivateKeyAccount | HDAccount): CqoClient {
  const chain = chainFor(deployment, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const wc = signer ? createWalletClient({ account: signer, chain, transport, pollingInterval: 50 }) : undefined;
  return new CqoClient(pc, deployment, wc);
}

export interface World {
  deployment: Deployment;
  bodyId: number;
  rulebookId: number;
}

/** The chain's clock in unix seconds (a millisecond chain's block timestamps divided by the deployment's clockUnit). */
export async function chainSeconds(client: CqoClient): Promise<number> {
  return Math.floor(Number((await client.publicClient.getBlock({ blockTag: "latest" })).timestamp) / client.deployment.clockUnit);
}

/**
 * A key's own consent to sign for `bodyId` (EIP-712 SigningKeyConsent, signed by the key), valid for an hour: what
 * accreditBody and addSigningKey take. For a body not accredited yet, `bodyId` is the registry's nextBodyId().
 */
export async function signingKeyGrant(url: string, deployment: Deployment, key: HDAccount | PrivateKeyAccount, bodyId: number): Promise<SigningKeyGrant> {
  const signer = clientFor(url, deployment, key);
  return signer.signSigningKeyConsent({ bodyId, deadline: (await chainSeconds(signer)) + 3600 });
}

export interface BodyTerms {
  admin: HDAccount | PrivateKeyAccount;
  keys: (HDAccount | PrivateKeyAccount)[];
  levels?: number[];
  noticePeriod?: number;
  name?: string;
}

/** The association accredits a body whose keys each consent first; returns its id. */
export async function accreditBody(url: string, deployment: Deployment, terms: BodyTerms): Promise<number> {
  const association = clientFor(url, deployment, account(ASSOCIATION));
  const bodyId = await association.nextBodyId();
  const grants = await Promise.all(terms.keys.map((k) => signingKeyGrant(url, deployment, k, bodyId)));
  const now = await chainSeconds(association);
  const name = terms.name ?? "test";
  const r = await association.accreditBody(
    {
      admin: terms.admin.address,
      scope: levelsToScope(terms.levels ?? [1, 2, 3]),
      accreditedUntil: now + 10 * 365 * 86_400,
      noticePeriod: terms.noticePeriod ?? NOTICE_PERIOD,
      metadataURI: `ipfs://bodies/${name}.json`,
      metadataHash: `0x${"11".repeat(32)}`,
    },
    grants,
  );
  if (r.bodyId !== bodyId) throw new Error(`accredited as body ${r.bodyId}, the consents named ${bodyId}`);
  return r.bodyId;
}

/**
 * Deploys with the sdk, accredits one body (levels 1-3, 7 days' notice) and registers the default rulebook, with no
 * annual reviews unless `schedule` gives them (tests of the review queue: every 365 days, 60 days' grace).
 */
export async function deployWorld(url: string, schedule?: ReviewSchedule): Promise<World> {
  const chain = chainFor({ chainId: 31337 }, url);
  const transport = http(url, { retryCount: 0 });
  const pc = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  const assoc = createWalletClient({ account: account(ASSOCIATION), chain, transport, pollingInterval: 50 });
  const deployment = await deployCqo(pc, assoc, { association: account(ASSOCIATION).address });
  const bodyId = await accreditBody(url, deployment, { admin: account(BODY_ADMIN), keys: [account(OPERATOR)] });
  const { rulebookId } = await new CqoClient(pc, deployment, assoc).registerRulebook(RULEBOOK_HASH, "ipfs://rulebooks/hn-cqo-default-2024.1.json", schedule);
  return { deployment, bodyId, rulebookId };
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cqo-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dir: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    dbPath: join(dir, "workbench.sqlite"),
    rpcUrl: "http://127.0.0.1:1",
    deploymentPath: join(dir, "deployment.json"),
    evidenceDir: join(dir, "evidence"),
    port: 0,
    host: "127.0.0.1",
    bodyId: 1,
    siweDomain: SIWE_DOMAIN,
    sessionTtlSeconds: 3600,
    batchSize: 5,
    workerIntervalMs: 50,
    evidenceMaxBytes: 1024 * 1024,
    // the suites sign in far more often than a person: rate limits are tested on their own (auth-attacks.test.ts)
    rateLimits: false,
    ...overrides,
  };
}

export function writeDeployment(dir: string, deployment: Deployment): string {
  const file = join(dir, "deployment.json");
  writeFileSync(file, JSON.stringify(deployment));
  return file;
}

// ---------------------------------------------------------------- HTTP

export interface Reply {
  status: number;
  body: unknown;
  json<T = Record<string, unknown>>(): T;
}

/** A minimal HTTP port over fastify.inject or fetch, so the same helpers drive both. */
export type Http = (method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>) => Promise<Reply>;

export function fetchHttp(base: string): Http {
  return async (method, path, body, token, headers = {}) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const parsed = parseBody(text);
    return { status: r.status, body: parsed, json: <T>() => parsed as T };
  };
}

/** JSON when it is JSON (every API reply), the raw text otherwise (evidence downloads). */
function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function injectHttp(app: { inject: (o: { method: string; url: string; payload?: string; headers?: Record<string, string> }) => Promise<{ statusCode: number; body: string }> }): Http {
  return async (method, path, body, token, headers = {}) => {
    const r = await app.inject({
      method,
      url: path,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const parsed = parseBody(r.body);
    return { status: r.statusCode, body: parsed, json: <T>() => parsed as T };
  };
}

export interface SiweOptions {
  domain?: string;
  chainId?: number;
  expirationTime?: Date;
  nonce?: string;
  /** default http://<domain>, the workbench's default CQO_SIWE_ORIGIN */
  uri?: string;
}

export async function siweMessage(http: Http, signer: HDAccount | PrivateKeyAccount, o: SiweOptions = {}): Promise<{ message: string; signature: Hex; nonce: string }> {
  // issuedAt on the server's clock (tests move it), as the nonce's answer gives it
  const issued = o.nonce ? null : (await http("GET", "/auth/nonce")).json<{ nonce: string; issuedAt?: string }>();
  const nonce = o.nonce ?? issued!.nonce;
  const message = createSiweMessage({
    domain: o.domain ?? SIWE_DOMAIN,
    address: signer.address,
    statement: "Sign in to the CQO workbench",
    uri: o.uri ?? `http://${o.domain ?? SIWE_DOMAIN}`,
    version: "1",
    chainId: o.chainId ?? 31337,
    nonce,
    issuedAt: issued?.issuedAt ? new Date(issued.issuedAt) : new Date(),
    expirationTime: o.expirationTime ?? new Date(Date.now() + 10 * 60_000),
  });
  return { message, signature: await signer.signMessage({ message }), nonce };
}

export async function signInAs(http: Http, signer: HDAccount | PrivateKeyAccount): Promise<string> {
  const { message, signature } = await siweMessage(http, signer);
  const r = await http("POST", "/auth/verify", { message, signature });
  if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
  return r.json<{ token: string }>().token;
}

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

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

export { privateKeyToAccount };

// ---------------------------------------------------------------- evidence fixtures (the workbench accepts only PDF, PNG, JPEG, WebP, OFD)

/** A small, valid PDF (one page with `text`): different text, different bytes. */
export function samplePdf(text = "evidence"): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, "")}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** A valid PNG of `width` × `height` pixels of one colour (seeded by `rgb`). */
export function samplePng(rgb: [number, number, number] = [200, 40, 40], width = 16, height = 16): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
