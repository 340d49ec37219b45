/**
 * The whole procedure of the standard through the workbench API, as the demo (`npm start`) and the end-to-end
 * test run it: 申请 (applicants sign in with Ethereum and submit synthetic dossiers) → 受理 (some rejected) →
 * panel → EIP-712-signed sheets → 认定 (one vetoed, one flagged for divergence) → approval → the outbox issues on
 * the chain → 公示 (one objection filed) → notice over → 发证, then 监督管理: one suspended, one revoked, one renewed
 * after a re-evaluation (复评), one re-issued to a new wallet with that wallet's consent; and one left in public
 * notice (its applicant consented to publishing name, employer and level). Every applicant signs the integrity
 * declaration (EIP-712) with the dossier. Two certificates are issued a year before the others: one passes its
 * annual review (年审通过), the other misses it and is left review-overdue (年审逾期). Each dossier has a planned part;
 * the caller checks the chain and the database against it.
 */
import type { Address, Hex } from "viem";
import type { HDAccount } from "viem/accounts";
import { declarationTypedData, integrityDeclaration, objectionStatement, objectionTypedData, reissueConsentTypedData, type CertificateStatus, type Deployment } from "../../sdk";
import { dossierHash, evaluate, type Dossier } from "../../scoring";
import { assessorRegister, signSheet, syntheticDossier, syntheticSheets, type DevAssessor, type UnsignedSheet } from "../../scoring/synthetic";
import type { State } from "../../server/workflow";
import { increaseTime } from "./node";
import { call, listAll, signIn, type Http } from "./workbench-client";
import { CAST, DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, DEFAULT_RULEBOOK_KEY, NOTICE_PERIOD, demoAssessors, devAccount } from "./world";
import defaultRulebookJson from "../../rulebooks/hn-cqo-default-2026.1.json";

export type Part =
  | "rejected"
  | "vetoed"
  | "flagged"
  | "in-notice"
  | "renewal"
  | "suspended"
  | "revoked"
  | "reissued"
  | "renewed"
  | "objected"
  | "reviewed"
  | "overdue"
  | "issued";

/** The first fourteen dossiers' parts, in order; every further one is simply issued. */
const PARTS: readonly Part[] = ["rejected", "rejected", "rejected", "vetoed", "flagged", "in-notice", "renewal", "suspended", "revoked", "reissued", "renewed", "objected", "reviewed", "overdue"];

/** Issued a year early: the annual review's story needs a year of the chain's time behind them. */
const A_YEAR_EARLY: readonly Part[] = ["reviewed", "overdue"];

/** Who consented to publishing name, employer and level during the notice (PIPL: the applicant's own choice). */
const CONSENTS: readonly Part[] = ["in-notice"];

const DAY = 86_400;

/** another mobile number: the last digit moved on */
const renewedPhone = (phone: string) => `${phone.slice(0, -1)}${(Number(phone.slice(-1)) + 1) % 10}`;

/** the SHA-256 of the body's review record (the file stays with the body; only its hash is on-chain) */
const REVIEW_EVIDENCE = "9f2b5c8e6a1d4f7039b2c5e8a1d4f7039b2c5e8a1d4f7039b2c5e8a1d4f70391";

export type ObjectionOutcome = "open" | "dismissed" | "upheld";

export interface PlannedDossier {
  index: number;
  id: string;
  part: Part;
  label: string;
  applicant: HDAccount;
  /** where the dossier ends in the workbench */
  state: State;
  /** the certificate's status on-chain at the end; null: no certificate */
  chainStatus: CertificateStatus | null;
  /** filled in as the procedure goes */
  tokenId?: string;
  /** re-issued: the first certificate's number */
  previousTokenId?: string;
  holder?: Address;
  root?: Hex;
}

export interface ProcedureOptions {
  http: Http;
  rpcUrl: string;
  deployment: Deployment;
  /** dossiers (at least 12; default 30) */
  count?: number;
  /** what happens to the objection: left open (default: the certificate stays pending), dismissed or upheld */
  objection?: ObjectionOutcome;
  /** first synthetic seed (default 1,000) */
  seedBase?: number;
  log?: (line: string) => void;
}

export interface ProcedureResult {
  dossiers: PlannedDossier[];
  tokens: { operator: string; assessors: string[]; objector: string; newWallet: string; applicants: Map<string, string> };
  newWallet: Address;
  /** milliseconds per stage */
  timings: Record<string, number>;
}

/** The applicant's integrity declaration, signed in their wallet (sdk/declaration.ts), with their publication choice. */
async function declarationFor(p: PlannedDossier & { dossier: Dossier }, deployment: Deployment) {
  const publishInNotice = CONSENTS.includes(p.part);
  const signedAt = Math.floor(Date.now() / 1000);
  const message = integrityDeclaration({ applicant: p.applicant.address, dossier: p.dossier, publishInNotice, signedAt });
  const signature = await p.applicant.signTypedData(declarationTypedData(deployment.chainId, deployment.certificate, message));
  return { signature, signedAt, publishInNotice };
}

const LABELS: Record<Part, string> = {
  rejected: "不予受理 rejected at acceptance",
  vetoed: "不予认定 vetoed (listed as dishonest)",
  flagged: "评分分歧 flagged: sheets diverge",
  "in-notice": "公示中 in public notice",
  renewal: "复评 re-evaluation used for a renewal",
  suspended: "暂停 suspended",
  revoked: "撤销 revoked (Violation)",
  reissued: "补发 re-issued to a new wallet",
  renewed: "换证 renewed after re-evaluation",
  objected: "异议 objection filed in notice",
  reviewed: "年审通过 annual review passed",
  overdue: "年审逾期 annual review overdue",
  issued: "有效 issued",
};

function expected(part: Part, objection: ObjectionOutcome): { state: State; chainStatus: CertificateStatus | null } {
  switch (part) {
    case "rejected":
      return { state: "rejected", chainStatus: null };
    case "vetoed":
      return { state: "not-certified", chainStatus: null };
    case "flagged":
      return { state: "flagged", chainStatus: null };
    case "in-notice":
      return { state: "in-notice", chainStatus: "Pending" };
    case "renewal":
      return { state: "renewal-applied", chainStatus: null };
    case "suspended":
      return { state: "suspended", chainStatus: "Suspended" };
    case "revoked":
      return { state: "revoked", chainStatus: "Revoked" };
    case "reissued":
      return { state: "issued", chainStatus: "Pending" }; // the new wallet's own public notice
    case "objected":
      return objection === "open" ? { state: "in-notice", chainStatus: "Pending" } : objection === "dismissed" ? { state: "issued", chainStatus: "Valid" } : { state: "revoked", chainStatus: "Revoked" };
    case "overdue":
      return { state: "issued", chainStatus: "ReviewOverdue" };
    default:
      return { state: "issued", chainStatus: "Valid" };
  }
}

/** Whether a typical synthetic dossier with these sheets is issuable (so the plan's counts hold). */
async function issuable(seed: number, panel: readonly DevAssessor[]): Promise<boolean> {
  const d = { ...syntheticDossier(seed), evidence: [] };
  const sheets = await Promise.all(syntheticSheets(DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, dossierHash(d), panel, seed, 60).map((s, i) => signSheet(s, panel[i]!.key)));
  // the employers the workbench registers for the panel (rulebook 2026.1 checks sheets against them)
  const e = await evaluate(defaultRulebookJson, d, sheets, { assessors: assessorRegister(panel) });
  return e.ok && e.value.issuable;
}

export async function runProcedure(o: ProcedureOptions): Promise<ProcedureResult> {
  const { http } = o;
  const count = o.count ?? 30;
  if (count < PARTS.length) throw new Error(`the procedure needs at least ${PARTS.length} dossiers`);
  const objection = o.objection ?? "open";
  const log = o.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    const now = Date.now();
    timings[stage] = (timings[stage] ?? 0) + (now - t);
    t = now;
  };
  const panel = demoAssessors();

  // ------------------------------------------------------------ the cast signs in
  const operator = await signIn(http, devAccount(CAST.bodyAKey));
  for (const a of panel) {
    await call(http, "register assessor", "POST", "/assessors", { address: a.address, assessorId: a.id, name: `评审专家 ${a.id}`, employerUscc: a.employerUscc }, operator, 201);
  }
  const assessorTokens = await Promise.all(CAST.assessors.map((i) => signIn(http, devAccount(i))));
  lap("sign-in");

  // ------------------------------------------------------------ the plan: parts, seeds, applicants
  const plan: (PlannedDossier & { dossier: Dossier; sheetSeed: number; divergent: boolean })[] = [];
  let seed = o.seedBase ?? 1_000;
  const nextSeed = async (typical: boolean) => {
    for (;;) {
      const s = seed++;
      if (!typical || (await issuable(s, panel))) return s;
    }
  };
  for (let i = 0; i < count; i++) {
    const part = PARTS[i] ?? "issued";
    if (part === "renewal") {
      plan.push(undefined as never); // filled in once the renewed dossier (index 10) is planned
      continue;
    }
    const s = await nextSeed(part !== "vetoed" && part !== "rejected");
    const dossier = { ...syntheticDossier(s, part === "vetoed" ? "vetoed" : "typical"), evidence: [] };
    plan.push({ index: i, id: dossier.dossierId, part, label: LABELS[part], applicant: devAccount(CAST.firstApplicant + i), ...expected(part, objection), dossier, sheetSeed: s, divergent: part === "flagged" });
  }
  const renewedAt = PARTS.indexOf("renewed");
  const renewalAt = PARTS.indexOf("renewal");
  const renewed = plan[renewedAt]!;
  plan[renewalAt] = {
    ...renewed,
    index: renewalAt,
    id: `${renewed.id}-R1`,
    part: "renewal",
    label: LABELS.renewal,
    ...expected("renewal", objection),
    // the re-evaluation brings the applicant's facts up to date (here, a new phone number): a dossier the same to the
    // letter would be the same signed declaration, which the workbench takes once
    dossier: { ...renewed.dossier, dossierId: `${renewed.id}-R1`, applicant: { ...renewed.dossier.applicant, phone: renewedPhone(renewed.dossier.applicant.phone) } },
  };
  const byPart = (part: Part) => plan.filter((p) => p.part === part);
  lap("plan");

  // ------------------------------------------------------------ 申请: each applicant signs in and submits
  const applicantTokens = new Map<string, string>();
  for (const p of plan) {
    let token = applicantTokens.get(p.applicant.address);
    if (!token) applicantTokens.set(p.applicant.address, (token = await signIn(http, p.applicant)));
    // the workbench assigns the number in the body's series (HN-YYYY-NNNNNN): the plan follows it
    const declaration = await declarationFor(p, o.deployment);
    const { id } = await call<{ id: string }>(http, `submit ${p.id}`, "POST", "/dossiers", { rulebook: DEFAULT_RULEBOOK_KEY, dossier: p.dossier, declaration }, token, 201);
    p.id = id;
    p.dossier.dossierId = id;
  }
  log(`  申请 ${plan.length} dossiers submitted by ${applicantTokens.size} applicants (SIWE), each with the integrity declaration signed (EIP-712)`);
  lap("submit");

  // ------------------------------------------------------------ 受理
  for (const p of byPart("rejected")) {
    await call(http, `reject ${p.id}`, "POST", `/dossiers/${p.id}/reject`, { reasons: [{ zh: "任职证明材料不全", en: "the appointment letter is incomplete" }] }, operator);
  }
  const assessed = plan.filter((p) => p.part !== "rejected");
  for (const p of assessed) await call(http, `accept ${p.id}`, "POST", `/dossiers/${p.id}/accept`, {}, operator);
  log(`  受理 ${assessed.length} accepted, ${byPart("rejected").length} rejected with reasons`);
  lap("accept");

  // ------------------------------------------------------------ 认定: panel, signed sheets, evaluation
  for (const p of assessed) {
    await call(http, `assign ${p.id}`, "POST", `/dossiers/${p.id}/assign`, { assessors: panel.map((a) => a.address) }, operator);
    const { dossierHash: hash } = await call<{ dossierHash: Hex }>(http, `read ${p.id}`, "GET", `/dossiers/${p.id}`, undefined, operator);
    const unsigned: UnsignedSheet[] = syntheticSheets(DEFAULT_RULEBOOK, DEFAULT_RULEBOOK_HASH, hash, panel, p.sheetSeed, p.divergent ? 0 : 60);
    if (p.divergent) {
      const first = Object.keys(unsigned[0]!.scores)[0]!;
      unsigned[0]!.scores[first] = 0; // one assessor far from the others on one indicator
    }
    for (const [k, a] of panel.entries()) {
      const sheet = await signSheet(unsigned[k]!, a.key);
      await call(http, `sheet ${p.id}`, "POST", `/dossiers/${p.id}/sheets`, { sheet }, assessorTokens[k], 201);
    }
    const ev = await call<{ state: State }>(http, `evaluate ${p.id}`, "POST", `/dossiers/${p.id}/evaluate`, {}, operator);
    const want = p.part === "vetoed" ? "not-certified" : p.part === "flagged" ? "flagged" : "evaluated";
    if (ev.state !== want) throw new Error(`${p.id}: evaluated as ${ev.state}, the plan wanted ${want}`);
  }
  log(`  认定 ${assessed.length} evaluated by a panel of ${panel.length} (EIP-712 sheets): 1 vetoed, 1 flagged for divergence`);
  lap("assess");

  // ------------------------------------------------------------ approval → outbox → chain
  const approve = async (p: PlannedDossier) => {
    const a = await call<{ tokenId: string; root: Hex }>(http, `approve ${p.id}`, "POST", `/dossiers/${p.id}/approve`, {}, operator);
    p.tokenId = a.tokenId;
    p.root = a.root;
    p.holder = p.applicant.address;
  };

  // ------------------------------------------------------------ a year early: 年审 passed, 年审 missed
  const early = plan.filter((p) => A_YEAR_EARLY.includes(p.part));
  for (const p of early) await approve(p);
  await waitForStates(http, operator, early.map((p) => p.id), "in-notice");
  await increaseTime(o.rpcUrl, NOTICE_PERIOD + DAY);
  for (const p of early) await call(http, `end notice ${p.id}`, "POST", `/dossiers/${p.id}/end-notice`, {}, operator);
  // the review window opens a quarter interval before the due date (365 days after issuance)
  await increaseTime(o.rpcUrl, 300 * DAY);
  const reviewed = byPart("reviewed")[0]!;
  await call(http, `annual review ${reviewed.id}`, "POST", `/dossiers/${reviewed.id}/review`, { result: "passed", evidence: REVIEW_EVIDENCE, note: "年审材料齐全，仍任首席质量官" }, operator);
  // past the due date and the rulebook's 60 days of grace: the other one's review is overdue
  await increaseTime(o.rpcUrl, 135 * DAY);
  log(`  年审 a year on: ${reviewed.tokenId} passed its annual review, ${byPart("overdue")[0]!.tokenId} missed it (review overdue)`);
  lap("annual review");

  const toIssue = plan.filter((p) => !["rejected", "vetoed", "flagged", "renewal", "in-notice", ...A_YEAR_EARLY].includes(p.part));
  for (const p of toIssue) await approve(p);
  lap("approve");
  await waitForStates(http, operator, toIssue.map((p) => p.id), "in-notice");
  log(`  发证 ${toIssue.length} certificates issued on-chain by the outbox worker (公示 ${NOTICE_PERIOD / 86_400} days)`);
  lap("issue (outbox)");

  // ------------------------------------------------------------ 公示: an objection
  const objectorAccount = devAccount(CAST.objector);
  const objector = await signIn(http, objectorAccount);
  const objected = byPart("objected")[0]!;
  // the filer signs the statement (EIP-712 ObjectionStatement); its digest becomes the on-chain evidence hash
  const statement = "申报业绩与实际不符，请核查 (the reported results do not match the facts)";
  const issuedAt = Math.floor(Date.now() / 1000);
  const signed = objectionStatement({ tokenId: objected.tokenId!, filer: objectorAccount.address, statement, issuedAt });
  const objectionSignature = await objectorAccount.signTypedData(objectionTypedData(o.deployment.chainId, o.deployment.certificate, signed));
  const filed = await call<{ id: number }>(http, "file objection", "POST", "/objections", { tokenId: objected.tokenId, statement, signature: objectionSignature, issuedAt }, objector, 201);
  log(`  异议 objection #${filed.id} filed against certificate ${objected.tokenId}`);
  if (objection !== "open") {
    await call(http, "resolve objection", "POST", `/objections/${filed.id}/resolve`, objection === "upheld" ? { upheld: true, reason: "Fraud" } : { upheld: false, note: "核查属实，异议不成立" }, operator);
    log(`  异议 objection #${filed.id} ${objection}`);
  }
  lap("objection");

  // ------------------------------------------------------------ the notice period ends
  await increaseTime(o.rpcUrl, NOTICE_PERIOD + 86_400);
  for (const p of toIssue) {
    if (p.part === "objected" && objection !== "dismissed") continue;
    await call(http, `end notice ${p.id}`, "POST", `/dossiers/${p.id}/end-notice`, {}, operator);
  }
  lap("end notice");

  // ------------------------------------------------------------ 监督管理
  const suspended = byPart("suspended")[0]!;
  await call(http, "suspend", "POST", `/dossiers/${suspended.id}/suspend`, { note: "年度监督未按期提交材料" }, operator);
  const revoked = byPart("revoked")[0]!;
  await call(http, "revoke", "POST", `/dossiers/${revoked.id}/revoke`, { reason: "Violation", note: "任职期间发生重大质量违规" }, operator);

  const renewalDossier = byPart("renewal")[0]!;
  const renewedD = byPart("renewed")[0]!;
  const renewal = await call<{ root: Hex }>(http, "renew", "POST", `/dossiers/${renewedD.id}/renew`, { renewalDossierId: renewalDossier.id }, operator);
  renewedD.root = renewal.root;

  // re-issue: the holder asks, the new wallet consents (EIP-712), the body executes
  const reissued = byPart("reissued")[0]!;
  const newWallet = devAccount(CAST.newWallet);
  const holderToken = applicantTokens.get(reissued.applicant.address)!;
  const prep = await call<{ root: Hex; consent: { deadline: number } }>(http, "prepare re-issue", "POST", `/dossiers/${reissued.id}/reissue/prepare`, { newHolder: newWallet.address }, holderToken);
  const signature = await newWallet.signTypedData(
    reissueConsentTypedData(o.deployment.chainId, o.deployment.certificate, { tokenId: BigInt(reissued.tokenId!), newHolder: newWallet.address, newResultRoot: prep.root, deadline: prep.consent.deadline }),
  );
  await call(http, "request re-issue", "POST", `/dossiers/${reissued.id}/reissue/request`, { root: prep.root, signature }, holderToken);
  const done = await call<{ tokenId: string; previousTokenId: string }>(http, "re-issue", "POST", `/dossiers/${reissued.id}/reissue`, { root: prep.root }, operator);
  reissued.previousTokenId = done.previousTokenId;
  reissued.tokenId = done.tokenId;
  reissued.holder = newWallet.address;
  reissued.root = prep.root;
  log(`  监督管理 suspended ${suspended.tokenId}, revoked ${revoked.tokenId}, renewed ${renewedD.tokenId}, re-issued ${done.previousTokenId} → ${done.tokenId}`);
  lap("lifecycle");

  // ------------------------------------------------------------ one left in public notice
  const pending = byPart("in-notice")[0]!;
  await approve(pending);
  await waitForStates(http, operator, [pending.id], "in-notice");
  lap("issue (outbox)");

  const newWalletToken = await signIn(http, newWallet);
  return {
    dossiers: plan.map(({ dossier: _d, sheetSeed: _s, divergent: _v, ...p }) => p),
    tokens: { operator, assessors: assessorTokens, objector, newWallet: newWalletToken, applicants: applicantTokens },
    newWallet: newWallet.address,
    timings,
  };
}

/** Polls the operator's list until every dossier named is in `state` (the outbox worker runs on its own). */
export async function waitForStates(http: Http, operator: string, ids: readonly string[], state: State, timeoutMs = 60_000): Promise<void> {
  const want = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await listAll<{ id: string; state: State }>(http, "list dossiers", "/dossiers?limit=200", operator);
    const behind = all.filter((d) => want.has(d.id) && d.state !== state);
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${behind.length} dossiers did not reach ${state}: ${behind.slice(0, 5).map((d) => `${d.id}=${d.state}`).join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
