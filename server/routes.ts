/**
 * The workbench's routes. Each command reads what it needs, asks the state machine whether it is legal (409
 * before any side effect), does its chain call if it has one, then writes the new state, the audit entry and
 * whatever the command produced in one SQLite transaction.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { getAddress, isAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { z } from "zod";
import {
  GIVABLE_REVOCATION_REASONS,
  explainError,
  certificateNumberOf,
  reissueConsentTypedData,
  type CertificateVerification,
  type CqoClient,
  type SentTransaction,
} from "../sdk";
import {
  buildCredential,
  dossierHash,
  evaluateChecked,
  fromZod,
  parseDossier,
  PanelSheet,
  trustVerifiedSheets,
  type Dossier,
  type Evaluation,
  type PanelCheck,
  type Prepared,
} from "../scoring";
import { Uscc } from "../scoring/dossier/schema";
import { requireRole, requireSession, type Ctx } from "./app";
import type { Session } from "./auth";
import {
  HttpError,
  chainUnavailable,
  conflict,
  fieldProblems,
  invalidInput,
  notFound,
  parseInput,
  unprocessable,
  type FieldProblem,
} from "./errors";
import { TooLargeError } from "./evidence";
import { durable } from "./db";
import { verifySheet } from "./signatures";
import { applyIntent, openIntent, pendingIntents, settleIntent, settleIntents, syncFromChain, type IntentParams, type ObjectionRow, type ReissueRow } from "./lifecycle";
import { confirmationsAt, type OutboxRow } from "./outbox";
import { assertLegal, audit, transition, type Actor, type State } from "./workflow";

// ---------------------------------------------------------------- input schemas

const bi = (zh: string, en: string) => JSON.stringify({ __bilingual: { zh, en } });

const AddressInput = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), bi("应为以太坊地址（0x 加 40 位十六进制）", "must be an Ethereum address (0x + 40 hex digits)"))
  .transform((s): Address => getAddress(s));

const Sha256Input = z.string().regex(/^[0-9a-f]{64}$/, bi("应为 64 位小写十六进制 SHA-256", "must be a SHA-256 of 64 lowercase hex digits"));

const DossierIdParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bi("申报编号格式不正确", "malformed dossier id")) });

const Note = z.string().max(2000, bi("备注最多 2000 字", "a note is at most 2000 characters")).optional();

const SubmitBody = z.strictObject({
  rulebook: z.string().min(1, bi("请指定评价方案", "name the rulebook")).max(100),
  dossier: z.unknown(),
});

const AcceptBody = z.strictObject({ falseMaterials: z.boolean().optional(), note: Note });

const Reason = z.union([
  z.string().min(1, bi("理由不能为空", "a reason must not be empty")).max(1000),
  z.strictObject({ zh: z.string().min(1).max(1000), en: z.string().min(1).max(1000) }),
]);
const RejectBody = z.strictObject({ reasons: z.array(Reason).min(1, bi("不予受理须说明至少一条理由", "a rejection needs at least one reason")).max(50), note: Note });

const AssignBody = z.strictObject({ assessors: z.array(AddressInput).min(1, bi("至少指定一名评审专家", "assign at least one assessor")).max(50) });

const SheetBody = z.strictObject({ sheet: z.unknown() });

const AssessorBody = z.strictObject({
  address: AddressInput,
  assessorId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bi("专家编号只能包含字母、数字、点、下划线和连字符", "assessor id: 1-64 letters, digits, . _ -")),
  name: z.string().min(1, bi("请填写姓名", "name is required")).max(64),
  employerUscc: Uscc,
});

const EvidenceRef = Sha256Input.optional();
const SuspendBody = z.strictObject({ evidence: EvidenceRef, note: Note });
const ReinstateBody = z.strictObject({ note: Note });
const RevokeBody = z.strictObject({
  reason: z.enum(GIVABLE_REVOCATION_REASONS, bi(`撤销理由应为：${GIVABLE_REVOCATION_REASONS.join("、")}`, `reason must be one of: ${GIVABLE_REVOCATION_REASONS.join(", ")}`)),
  evidence: EvidenceRef,
  note: Note,
});
const RenewBody = z.strictObject({ renewalDossierId: DossierIdParams.shape.id, note: Note });
const ReissuePrepareBody = z.strictObject({
  newHolder: AddressInput,
  /** an operator preparing for a holder who lost the wallet: how the holder's identity was checked (in person, ID card…) */
  identityCheck: z.string().trim().min(2, bi("请写明如何核验了持证人身份", "say how the holder's identity was checked")).max(500, bi("最多 500 字", "at most 500 characters")).optional(),
  /** how long the new wallet has to sign and the body to execute (default one day, at most 30) */
  validForSeconds: z.number().int().min(600, bi("有效期至少 600 秒", "at least 600 seconds")).max(30 * 86_400, bi("有效期最多 30 天", "at most 30 days")).default(86_400),
});
const HexSignature = z.string().regex(/^0x([0-9a-fA-F]{2})+$/, bi("签名应为 0x 开头的十六进制", "a signature is 0x-hex")).transform((s): Hex => s as Hex);
const Root = z.string().regex(/^0x[0-9a-f]{64}$/, bi("应为 0x 加 64 位小写十六进制", "must be 0x and 64 lowercase hex digits")).transform((s): Hex => s as Hex);
const ReissueRequestBody = z.strictObject({ root: Root, signature: HexSignature });
const ReissueExecuteBody = z.strictObject({ root: Root.optional(), note: Note });
const ObjectionBody = z.strictObject({
  tokenId: z.string().regex(/^[1-9][0-9]{0,19}$/, bi("证书编号应为不超过 20 位的十进制数", "a certificate number is up to 20 decimal digits")),
  statement: z.string().min(1, bi("请说明异议理由", "state the objection")).max(2000, bi("异议理由最多 2000 字", "at most 2000 characters")),
  evidence: Sha256Input.optional(),
});
const ObjectionParams = z.strictObject({ objectionId: z.coerce.number().int().positive() });
const ResolveBody = z
  .strictObject({
    upheld: z.boolean(),
    reason: z.enum(GIVABLE_REVOCATION_REASONS, bi(`撤销理由应为：${GIVABLE_REVOCATION_REASONS.join("、")}`, `reason must be one of: ${GIVABLE_REVOCATION_REASONS.join(", ")}`)).optional(),
    evidence: Sha256Input.optional(),
    note: Note,
  })
  .refine((b) => !b.upheld || b.reason !== undefined, { path: ["reason"], message: bi("异议成立须给出撤销理由", "an upheld objection needs a revocation reason") });
const EmptyBody = z.strictObject({ note: Note }).optional();
const RootParams = z.strictObject({ root: z.string().regex(/^0x[0-9a-f]{64}$/, bi("应为 0x 加 64 位小写十六进制", "must be 0x and 64 lowercase hex digits")) });
const ShaParams = z.strictObject({ sha256: Sha256Input });
const AddressParams = z.strictObject({ address: AddressInput });

// ---------------------------------------------------------------- rows

interface DossierRow {
  id: string;
  applicant: Address;
  rulebook_key: string;
  state: State;
  round: number;
  dossier_json: string;
  dossier_hash: Hex;
  rejection_json: string | null;
  evaluation_json: string | null;
  outcome: string | null;
  token_id: string | null;
  /** the wallet holding the certificate now when it moved (re-issue); null: the applicant */
  holder: Address | null;
  created_at: number;
  updated_at: number;
}

interface AssessorRow {
  address: Address;
  assessor_id: string;
  name: string;
  employer_uscc: string;
  active: number;
  registered_by: string;
  registered_at: number;
}

interface SheetRow {
  dossier_id: string;
  round: number;
  assessor: Address;
  sheet_json: string;
  digest: Hex;
  received_at: number;
}

const summary = (d: DossierRow) => ({
  id: d.id,
  state: d.state,
  applicant: d.applicant,
  rulebook: d.rulebook_key,
  round: d.round,
  outcome: d.outcome,
  tokenId: d.token_id,
  holder: d.holder ?? d.applicant,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

const reissueView = (r: ReissueRow) => ({
  root: r.root,
  tokenId: r.token_id,
  newTokenId: certificateNumberOf(r.root).toString(),
  newHolder: r.new_holder,
  deadline: r.deadline,
  status: r.status,
  requestedBy: r.requested_by,
  txHash: r.tx_hash,
  createdAt: r.created_at,
  executedAt: r.executed_at,
});

const objectionView = (o: ObjectionRow) => ({
  id: o.id,
  dossierId: o.dossier_id,
  tokenId: o.token_id,
  filer: o.filer,
  statement: o.statement,
  evidence: o.evidence,
  evidenceHash: o.evidence_hash,
  status: o.status,
  filedTx: o.filed_tx,
  resolution: o.resolution_json ? (JSON.parse(o.resolution_json) as unknown) : null,
  resolvedBy: o.resolved_by,
  resolvedTx: o.resolved_tx,
  createdAt: o.created_at,
  resolvedAt: o.resolved_at,
});

export function registerRoutes(app: FastifyInstance, ctx: Ctx): void {
  const { db } = ctx;

  const getDossier = (id: string) => db.prepare("SELECT * FROM dossiers WHERE id = ?").get(id) as DossierRow | undefined;
  const isPanelMember = (id: string, address: string) => db.prepare("SELECT 1 FROM panel_members WHERE dossier_id = ? AND assessor = ?").get(id, address) !== undefined;

  /** The dossier if this session may see it; otherwise 404, so a stranger cannot even learn it exists. */
  const visibleDossier = (s: Session, id: string): DossierRow => {
    const d = getDossier(id);
    if (!d) throw notFound(`dossier ${id}`);
    if (s.operator || d.applicant === s.address || d.holder === s.address || (s.assessor && isPanelMember(id, s.address))) return d;
    throw notFound(`dossier ${id}`);
  };

  /** Role first (401/403), then the input (400), then the dossier (404): refusals never depend on data the caller may not see. */
  const operatorDossier = <B>(req: FastifyRequest, parseBody: () => B): { s: Session; d: DossierRow; actor: Actor; body: B } => {
    const s = requireRole(req, "operator");
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const body = parseBody();
    const d = getDossier(id);
    if (!d) throw notFound(`dossier ${id}`);
    return { s, d, body, actor: { address: s.address, role: "operator" } };
  };

  const prepared = (key: string): Prepared => {
    const p = ctx.rulebooks.get(key);
    if (!p) throw new Error(`rulebook ${key} is no longer loaded`);
    return p;
  };

  const requireChain = () => {
    if (!ctx.chain) throw chainUnavailable({ zh: "未连接区块链", en: "no chain is configured" });
    return ctx.chain;
  };
  const requireSigner = () => {
    const chain = requireChain();
    if (!chain.walletClient?.account) throw chainUnavailable({ zh: "未配置认定主体签名密钥（CQO_SIGNER_KEY）", en: "the body's signing key is not configured (CQO_SIGNER_KEY)" });
    return chain;
  };

  /** Chain failures as HTTP: a contract refusal is the caller's problem (422), anything else is 503. */
  const onChain = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const e = explainError(err);
      if (e.kind === "contract" || e.kind === "input") throw unprocessable(`chain-${e.code}`, { zh: e.zh, en: e.en });
      throw chainUnavailable({ zh: `区块链不可用：${e.zh}`, en: `chain unavailable: ${e.en}` });
    }
  };

  const evidenceHash = (sha?: string): Hex => {
    if (sha === undefined) return `0x${"0".repeat(64)}`;
    if (!ctx.evidence.has(sha)) throw unprocessable("evidence-missing", { zh: "证据文件未上传", en: "the evidence file was not uploaded" }, [{ field: "body.evidence", path: ["body", "evidence"], zh: "未找到该 SHA-256 的文件", en: "no file with this SHA-256" }]);
    return `0x${sha}`;
  };

  const roundSheets = (d: DossierRow): SheetRow[] => db.prepare("SELECT * FROM sheets WHERE dossier_id = ? AND round = ? ORDER BY assessor").all(d.id, d.round) as SheetRow[];

  /**
   * The round's sheets. Each was verified (signature, hashes, indicators) when it was handed in, and stored with
   * its digest only then; the dossier's hash is fixed at acceptance. So evaluation and approval re-run the
   * content checks but not the signature recovery (scoring's trustVerifiedSheets).
   */
  const checkPanel = async (d: DossierRow, dossier: Dossier): Promise<PanelCheck> => {
    const p = prepared(d.rulebook_key);
    const sheets = roundSheets(d).map((r) => ({ sheet: JSON.parse(r.sheet_json) as PanelSheet, digest: r.digest }));
    return trustVerifiedSheets({ ...p, dossier, dossierHash: d.dossier_hash }, sheets);
  };

  /** The chain's clock, so validity dates agree with the contract's even on a time-travelled test chain. */
  const chainNow = async (): Promise<number> => Number((await requireChain().publicClient.getBlock({ blockTag: "latest" })).timestamp);

  // ---------------------------------------------------------------- rulebooks and assessors

  app.get("/rulebooks", async (req) => {
    requireSession(req);
    return [...ctx.rulebooks.entries()].map(([key, p]) => ({ key, id: p.rulebook.id, version: p.rulebook.version, title: p.rulebook.title, hash: p.rulebookHash, minAssessors: p.rulebook.panel.minAssessors }));
  });

  app.post("/assessors", async (req, reply) => {
    const s = requireRole(req, "operator");
    const body = parseInput(AssessorBody, req.body, "body");
    db.transaction(() => {
      const existing = db.prepare("SELECT * FROM assessors WHERE address = ? OR assessor_id = ?").get(body.address, body.assessorId) as AssessorRow | undefined;
      if (existing && (existing.address !== body.address || existing.assessor_id !== body.assessorId)) {
        throw conflict("assessor-exists", { zh: "该地址或专家编号已被另一名评审专家使用", en: "the address or assessor id belongs to another assessor" });
      }
      db.prepare(
        `INSERT INTO assessors (address, assessor_id, name, employer_uscc, active, registered_by, registered_at) VALUES (?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT(address) DO UPDATE SET name = excluded.name, employer_uscc = excluded.employer_uscc, active = 1`,
      ).run(body.address, body.assessorId, body.name, body.employerUscc, s.address, ctx.now());
      audit(db, { dossierId: null, actor: { address: s.address, role: "operator" }, action: "register-assessor", details: { address: body.address, assessorId: body.assessorId } });
    })();
    return reply.status(201).send({ address: body.address, assessorId: body.assessorId, name: body.name, employerUscc: body.employerUscc, active: true });
  });

  app.get("/assessors", async (req) => {
    requireRole(req, "operator");
    return (db.prepare("SELECT * FROM assessors ORDER BY assessor_id").all() as AssessorRow[]).map((a) => ({
      address: a.address,
      assessorId: a.assessor_id,
      name: a.name,
      employerUscc: a.employer_uscc,
      active: a.active === 1,
    }));
  });

  app.delete("/assessors/:address", async (req) => {
    const s = requireRole(req, "operator");
    const { address } = parseInput(AddressParams, req.params, "params");
    db.transaction(() => {
      const r = db.prepare("UPDATE assessors SET active = 0 WHERE address = ?").run(address);
      if (r.changes !== 1) throw notFound(`assessor ${address}`);
      audit(db, { dossierId: null, actor: { address: s.address, role: "operator" }, action: "deactivate-assessor", details: { address } });
    })();
    return { address, active: false };
  });

  // ---------------------------------------------------------------- evidence

  app.post("/evidence", async (req, reply) => {
    const s = requireSession(req);
    if (!req.isMultipart()) throw invalidInput([{ field: "body", path: ["body"], zh: "请以 multipart/form-data 上传文件", en: "upload the file as multipart/form-data" }]);
    const file = await req.file();
    if (!file) throw invalidInput([{ field: "body.file", path: ["body", "file"], zh: "缺少文件", en: "no file in the request" }]);
    let stored;
    try {
      stored = await ctx.evidence.put(file.file, ctx.config.evidenceMaxBytes);
    } catch (err) {
      if (err instanceof TooLargeError) throw new HttpError(413, "file-too-large", { zh: `文件超过 ${err.maxBytes} 字节上限`, en: `the file exceeds ${err.maxBytes} bytes` });
      throw err;
    }
    // @fastify/multipart truncates instead of failing when the limit is hit: refuse a truncated file
    if (file.file.truncated) throw new HttpError(413, "file-too-large", { zh: `文件超过 ${ctx.config.evidenceMaxBytes} 字节上限`, en: `the file exceeds ${ctx.config.evidenceMaxBytes} bytes` });
    db.prepare("INSERT OR IGNORE INTO evidence (sha256, size, media_type, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)").run(stored.sha256, stored.size, file.mimetype, s.address, ctx.now());
    return reply.status(stored.existed ? 200 : 201).send({ sha256: stored.sha256, size: stored.size, mediaType: file.mimetype });
  });

  app.get("/evidence/:sha256", async (req, reply) => {
    const s = requireSession(req);
    const { sha256 } = parseInput(ShaParams, req.params, "params");
    const row = db.prepare("SELECT * FROM evidence WHERE sha256 = ?").get(sha256) as { media_type: string; uploaded_by: string } | undefined;
    if (!row || !ctx.evidence.has(sha256)) throw notFound(`evidence ${sha256}`);
    let allowed = s.operator || row.uploaded_by === s.address;
    if (!allowed) {
      // anyone who may see a dossier citing the file may read it
      const citing = db.prepare("SELECT id FROM dossiers WHERE instr(dossier_json, ?) > 0").all(`"sha256":"${sha256}"`) as { id: string }[];
      allowed = citing.some(({ id }) => {
        const d = getDossier(id)!;
        return d.applicant === s.address || (s.assessor && isPanelMember(id, s.address));
      });
    }
    if (!allowed) throw notFound(`evidence ${sha256}`);
    return reply.header("content-type", row.media_type).header("x-content-sha256", sha256).send(ctx.evidence.open(sha256));
  });

  // ---------------------------------------------------------------- dossiers: 申请 and 受理

  app.post("/dossiers", async (req, reply) => {
    const s = requireSession(req);
    const body = parseInput(SubmitBody, req.body, "body");
    const problems: FieldProblem[] = [];
    if (!ctx.rulebooks.has(body.rulebook)) {
      problems.push({ field: "body.rulebook", path: ["body", "rulebook"], zh: `未知评价方案，可选：${[...ctx.rulebooks.keys()].join("、")}`, en: `unknown rulebook; known: ${[...ctx.rulebooks.keys()].join(", ")}` });
    }
    const parsed = parseDossier(body.dossier);
    if (!parsed.ok) problems.push(...fieldProblems(parsed.errors, ["body", "dossier"]));
    if (problems.length || !parsed.ok) throw invalidInput(problems);
    const dossier = parsed.value;
    dossier.evidence.forEach((e, i) => {
      if (!ctx.evidence.has(e.sha256)) problems.push({ field: `body.dossier.evidence[${i}].sha256`, path: ["body", "dossier", "evidence", i, "sha256"], zh: "该证据文件尚未上传", en: "this evidence file has not been uploaded" });
    });
    if (problems.length) throw unprocessable("evidence-missing", { zh: "证据文件缺失", en: "evidence files are missing" }, problems);
    // The body's findings are the body's: an applicant cannot pre-fill them.
    dossier.review = { falseMaterials: false };
    const t = ctx.now();
    db.transaction(() => {
      if (getDossier(dossier.dossierId)) throw conflict("dossier-exists", { zh: `申报编号 ${dossier.dossierId} 已存在`, en: `dossier ${dossier.dossierId} already exists` });
      db.prepare(
        "INSERT INTO dossiers (id, applicant, rulebook_key, state, round, dossier_json, dossier_hash, created_at, updated_at) VALUES (?, ?, ?, 'submitted', 1, ?, ?, ?, ?)",
      ).run(dossier.dossierId, s.address, body.rulebook, JSON.stringify(dossier), dossierHash(dossier), t, t);
      audit(db, { dossierId: dossier.dossierId, actor: { address: s.address, role: "applicant" }, action: "submit", from: null, to: "submitted" });
    })();
    return reply.status(201).send(summary(getDossier(dossier.dossierId)!));
  });

  app.get("/dossiers", async (req) => {
    const s = requireSession(req);
    const rows = s.operator
      ? (db.prepare("SELECT * FROM dossiers ORDER BY created_at, id").all() as DossierRow[])
      : (db
          .prepare(
            "SELECT * FROM dossiers WHERE applicant = ? OR holder = ? OR (? = 1 AND id IN (SELECT dossier_id FROM panel_members WHERE assessor = ?)) ORDER BY created_at, id",
          )
          .all(s.address, s.address, s.assessor ? 1 : 0, s.address) as DossierRow[]);
    return rows.map(summary);
  });

  app.get("/dossiers/:id", async (req) => {
    const s = requireSession(req);
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const d = visibleDossier(s, id);
    const panel = db.prepare("SELECT p.assessor, a.assessor_id, a.name FROM panel_members p JOIN assessors a ON a.address = p.assessor WHERE p.dossier_id = ? AND p.round = ?").all(d.id, d.round) as { assessor: Address; assessor_id: string; name: string }[];
    const submitted = new Set(roundSheets(d).map((r) => r.assessor));
    const outbox = db.prepare("SELECT status, token_id, tx_hash, block_number, last_error FROM outbox WHERE dossier_id = ? ORDER BY enqueued_at DESC LIMIT 1").get(d.id) as Partial<OutboxRow> | undefined;
    const p = ctx.rulebooks.get(d.rulebook_key);
    return {
      ...summary(d),
      dossier: JSON.parse(d.dossier_json) as Dossier,
      dossierHash: d.dossier_hash,
      rulebookHash: p?.rulebookHash ?? null,
      rejection: d.rejection_json ? (JSON.parse(d.rejection_json) as unknown) : null,
      panel: panel.map((m) => ({ address: m.assessor, assessorId: m.assessor_id, name: m.name, sheetSubmitted: submitted.has(m.assessor) })),
      evaluation: d.evaluation_json ? (JSON.parse(d.evaluation_json) as Evaluation) : null,
      issuance: outbox ? { status: outbox.status, tokenId: outbox.token_id, txHash: outbox.tx_hash, blockNumber: outbox.block_number, lastError: outbox.last_error } : null,
      reissues: (db.prepare("SELECT * FROM reissues WHERE dossier_id = ? ORDER BY created_at").all(d.id) as ReissueRow[]).map(reissueView),
      objections: (db.prepare("SELECT * FROM objections WHERE dossier_id = ? ORDER BY id").all(d.id) as ObjectionRow[]).map(objectionView),
    };
  });

  app.get("/dossiers/:id/audit", async (req) => {
    const s = requireSession(req);
    const { id } = parseInput(DossierIdParams, req.params, "params");
    visibleDossier(s, id);
    return (db.prepare("SELECT * FROM audit_log WHERE dossier_id = ? ORDER BY id").all(id) as {
      actor: string;
      role: string;
      action: string;
      from_state: string | null;
      to_state: string | null;
      details_json: string | null;
      at: number;
    }[]).map((a) => ({ actor: a.actor, role: a.role, action: a.action, from: a.from_state, to: a.to_state, details: a.details_json ? (JSON.parse(a.details_json) as unknown) : null, at: a.at }));
  });

  app.post("/dossiers/:id/accept", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(AcceptBody, req.body ?? {}, "body"));
    assertLegal("accept", d.state);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    dossier.review = { falseMaterials: body.falseMaterials ?? false };
    // the dossier as accepted is what the assessors sign: its hash is fixed here
    db.transaction(() => transition(db, d.id, "accept", d.state, "accepted", actor, { falseMaterials: dossier.review.falseMaterials, note: body.note }, { dossier_json: JSON.stringify(dossier), dossier_hash: dossierHash(dossier) }))();
    return summary(getDossier(d.id)!);
  });

  app.post("/dossiers/:id/reject", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(RejectBody, req.body, "body"));
    assertLegal("reject", d.state);
    const reasons = body.reasons.map((r) => (typeof r === "string" ? { zh: r, en: r } : r));
    db.transaction(() => transition(db, d.id, "reject", d.state, "rejected", actor, { reasons, note: body.note }, { rejection_json: JSON.stringify(reasons) }))();
    return summary(getDossier(d.id)!);
  });

  // ---------------------------------------------------------------- 认定: panel, sheets, evaluation

  app.post("/dossiers/:id/assign", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(AssignBody, req.body, "body"));
    assertLegal("assign", d.state);
    const p = prepared(d.rulebook_key);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    body.assessors.forEach((address, i) => {
      const path = ["body", "assessors", i];
      const field = `body.assessors[${i}]`;
      const a = db.prepare("SELECT * FROM assessors WHERE address = ?").get(address) as AssessorRow | undefined;
      if (seen.has(address)) problems.push({ field, path, zh: "重复的评审专家", en: "the same assessor twice" });
      seen.add(address);
      if (!a || a.active !== 1) problems.push({ field, path, zh: "不是本主体在册的评审专家", en: "not a registered, active assessor of this body" });
      else if (a.employer_uscc === dossier.employer.uscc) problems.push({ field, path, zh: "利益冲突：评审专家与申报人同属一个单位", en: "conflict of interest: the assessor works for the applicant's employer" });
      if (address === d.applicant) problems.push({ field, path, zh: "利益冲突：申报人不能评审自己", en: "conflict of interest: the applicant cannot assess their own dossier" });
    });
    if (problems.length) throw unprocessable("panel-refused", { zh: "评审组不符合要求", en: "the panel is not acceptable" }, problems);
    if (body.assessors.length < p.rulebook.panel.minAssessors) {
      throw unprocessable("panel-too-small", { zh: `评价方案要求至少 ${p.rulebook.panel.minAssessors} 名评审专家`, en: `the rulebook requires at least ${p.rulebook.panel.minAssessors} assessors` }, [
        { field: "body.assessors", path: ["body", "assessors"], zh: `至少 ${p.rulebook.panel.minAssessors} 名`, en: `at least ${p.rulebook.panel.minAssessors}` },
      ]);
    }
    db.transaction(() => {
      transition(db, d.id, "assign", d.state, "assigned", actor, { round: d.round, assessors: body.assessors });
      const ins = db.prepare("INSERT INTO panel_members (dossier_id, round, assessor) VALUES (?, ?, ?)");
      for (const a of body.assessors) ins.run(d.id, d.round, a);
    })();
    return summary(getDossier(d.id)!);
  });

  app.post("/dossiers/:id/sheets", async (req, reply) => {
    const s = requireRole(req, "assessor");
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const d = getDossier(id);
    // only the assessors of the current round see the dossier at all
    if (!d || !db.prepare("SELECT 1 FROM panel_members WHERE dossier_id = ? AND round = ? AND assessor = ?").get(id, d.round, s.address)) {
      if (d && isPanelMember(id, s.address)) assertLegal("sheet", d.state);
      throw notFound(`dossier ${id}`);
    }
    assertLegal("sheet", d.state);
    const body = parseInput(SheetBody, req.body, "body");
    const parsed = PanelSheet.safeParse(body.sheet);
    if (!parsed.success) throw invalidInput(fieldProblems(fromZod(parsed.error), ["body", "sheet"]));
    const sheet = parsed.data;
    const me = db.prepare("SELECT * FROM assessors WHERE address = ?").get(s.address) as AssessorRow;
    const problems: FieldProblem[] = [];
    const p = (path: (string | number)[], zh: string, en: string) => problems.push({ field: ["body", "sheet", ...path].join("."), path: ["body", "sheet", ...path], zh, en });
    if (getAddress(sheet.assessor.address) !== s.address) p(["assessor", "address"], "评分表须由登录的评审专家本人提交", "the sheet must be the signed-in assessor's own");
    if (sheet.assessor.id !== me.assessor_id) p(["assessor", "id"], `专家编号应为 ${me.assessor_id}`, `assessor id must be ${me.assessor_id}`);
    if (sheet.assessor.employerUscc !== me.employer_uscc) p(["assessor", "employerUscc"], "工作单位与登记信息不符", "the employer differs from the registered one");
    if (problems.length) throw unprocessable("sheet-refused", { zh: "评分表不被接受", en: "the sheet is refused" }, problems);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    // signature recovered with libsecp256k1 (server/signatures.ts), then scoring's content checks
    const check = await verifySheet({ ...prepared(d.rulebook_key), dossier, dossierHash: d.dossier_hash }, sheet);
    const refused = check.refused[0];
    if (refused || !check.accepted[0]) {
      throw unprocessable("sheet-refused", { zh: "评分表不被接受", en: "the sheet is refused" }, (refused?.reasons ?? []).map((r) => ({ field: "body.sheet", path: ["body", "sheet"], zh: r.zh, en: r.en })));
    }
    const actor: Actor = { address: s.address, role: "assessor" };
    let to: State = "assigned";
    db.transaction(() => {
      const cur = getDossier(id)!;
      assertLegal("sheet", cur.state);
      const dup = db.prepare("SELECT 1 FROM sheets WHERE dossier_id = ? AND round = ? AND assessor = ?").get(id, cur.round, s.address);
      if (dup) throw conflict("sheet-exists", { zh: "您已提交过本轮评分表", en: "you already submitted a sheet in this round" });
      db.prepare("INSERT INTO sheets (dossier_id, round, assessor, sheet_json, digest, received_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, cur.round, s.address, JSON.stringify(sheet), check.accepted[0]!.digest, ctx.now());
      const members = (db.prepare("SELECT COUNT(*) AS n FROM panel_members WHERE dossier_id = ? AND round = ?").get(id, cur.round) as { n: number }).n;
      const have = (db.prepare("SELECT COUNT(*) AS n FROM sheets WHERE dossier_id = ? AND round = ?").get(id, cur.round) as { n: number }).n;
      to = have >= members ? "scored" : "assigned";
      transition(db, id, "sheet", cur.state, to, actor, { digest: check.accepted[0]!.digest, sheets: have, of: members });
    })();
    return reply.status(201).send({ ...summary(getDossier(id)!), digest: check.accepted[0].digest });
  });

  app.post("/dossiers/:id/evaluate", async (req) => {
    const { d, actor } = operatorDossier(req, () => parseInput(EmptyBody, req.body ?? undefined, "body"));
    assertLegal("evaluate", d.state);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const panel = await checkPanel(d, dossier);
    const evaluation = evaluateChecked(prepared(d.rulebook_key), dossier, d.dossier_hash, panel);
    const outcome = evaluation.issuable ? "issuable" : evaluation.divergent.length && !evaluation.veto.vetoed && evaluation.eligibility.eligible ? "flagged" : evaluation.veto.vetoed ? "vetoed" : "not-certified";
    const to: State = outcome === "issuable" ? "evaluated" : outcome === "flagged" ? "flagged" : "not-certified";
    db.transaction(() =>
      transition(db, d.id, "evaluate", d.state, to, actor, { outcome, level: evaluation.level, total: evaluation.total, blockers: evaluation.blockers }, { evaluation_json: JSON.stringify(evaluation), outcome }),
    )();
    return { ...summary(getDossier(d.id)!), evaluation };
  });

  app.post("/dossiers/:id/re-review", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(EmptyBody, req.body ?? undefined, "body"));
    assertLegal("re-review", d.state);
    db.transaction(() => transition(db, d.id, "re-review", d.state, "accepted", actor, { previousRound: d.round, note: body?.note }, { round: d.round + 1, evaluation_json: null, outcome: null }))();
    return summary(getDossier(d.id)!);
  });

  // ---------------------------------------------------------------- 发证: approval, outbox, notice

  /**
   * The rulebook's id, the body's record and the chain's clock, shared by the approvals of one moment: read at
   * most every 2 s per rulebook, so a burst of approvals does not make five reads each. A change in between (the
   * body suspended, its scope narrowed) is still caught: the contract refuses the batch and the worker marks the
   * refused rows failed with the contract's reason.
   */
  const termsCache = new Map<string, { at: number; value: Promise<[number | null, Awaited<ReturnType<CqoClient["getBody"]>>, number]> }>();
  const issuanceTerms = (chain: CqoClient, rulebookHash: Hex) => {
    const hit = termsCache.get(rulebookHash);
    const now = Date.now();
    if (hit && now - hit.at < 2_000) return hit.value.then(([id, body, t]) => [id, body, t + Math.floor((now - hit.at) / 1000)] as const);
    const value = Promise.all([chain.rulebookIdOf(rulebookHash), chain.getBody(ctx.config.bodyId), chainNow()]);
    termsCache.set(rulebookHash, { at: now, value });
    value.catch(() => termsCache.delete(rulebookHash));
    return value;
  };

  /** The credential for an issuable evaluation, with fresh salts, and the issuance terms read from the chain. */
  const prepareIssuance = async (d: DossierRow) => {
    // reads only: a body that issues from its operators' wallets (CQO_ISSUANCE_MODE=wallet) needs no key here
    const chain = ctx.config.issuanceMode === "wallet" ? requireChain() : requireSigner();
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const evaluation = JSON.parse(d.evaluation_json ?? "null") as Evaluation | null;
    if (!evaluation?.issuable || evaluation.level === null) throw conflict("not-issuable", { zh: "该评价结果不可发证", en: "this evaluation cannot be issued" });
    const p = prepared(d.rulebook_key);
    const [rulebookId, body, t] = await onChain(() => issuanceTerms(chain, p.rulebookHash));
    if (rulebookId === null) throw unprocessable("rulebook-not-registered", { zh: "评价方案尚未在链上登记", en: "the rulebook is not registered on-chain" });
    if (!body) throw unprocessable("body-not-found", { zh: `链上没有认定主体 ${ctx.config.bodyId}`, en: `no body ${ctx.config.bodyId} on-chain` });
    if (!body.levels.includes(evaluation.level)) throw unprocessable("level-out-of-scope", { zh: `本主体无权认定等级 ${evaluation.level}`, en: `this body is not accredited for level ${evaluation.level}` });
    const panel = await checkPanel(d, dossier);
    const built = buildCredential({ evaluation, dossier, sheets: panel.accepted });
    if (!built.ok) throw unprocessable("credential", { zh: "无法生成凭证", en: "cannot build the credential" }, fieldProblems(built.errors));
    const validUntil = t + body.noticePeriod + evaluation.validity.years * 365 * 86_400;
    return { ...built.value, rulebookId, validUntil, level: evaluation.level };
  };

  app.post("/dossiers/:id/approve", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(EmptyBody, req.body ?? undefined, "body"));
    assertLegal("approve", d.state);
    const issuance = await prepareIssuance(d);
    const t = ctx.now();
    db.transaction(() => {
      transition(db, d.id, "approve", d.state, "queued", actor, { root: issuance.root, level: issuance.level, validUntil: issuance.validUntil, note: body?.note });
      db.prepare("INSERT INTO credentials (root, dossier_id, purpose, credential_json, created_at) VALUES (?, ?, 'issuance', ?, ?)").run(issuance.root, d.id, JSON.stringify(issuance.credential), t);
      db.prepare(
        "INSERT INTO outbox (root, dossier_id, holder, level, rulebook_id, valid_until, status, token_id, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
      ).run(issuance.root, d.id, d.applicant, issuance.level, issuance.rulebookId, issuance.validUntil, certificateNumberOf(issuance.root).toString(), t);
    })();
    ctx.worker?.wake();
    return { ...summary(getDossier(d.id)!), root: issuance.root, tokenId: certificateNumberOf(issuance.root).toString(), validUntil: issuance.validUntil };
  });

  app.get("/outbox", async (req) => {
    requireRole(req, "operator");
    return (db.prepare("SELECT * FROM outbox ORDER BY enqueued_at, root").all() as OutboxRow[]).map((r) => ({
      root: r.root,
      dossierId: r.dossier_id,
      holder: r.holder,
      level: r.level,
      rulebookId: r.rulebook_id,
      validUntil: r.valid_until,
      status: r.status,
      attempts: r.attempts,
      tokenId: r.token_id,
      txHash: r.tx_hash,
      blockNumber: r.block_number,
      lastError: r.last_error,
    }));
  });

  app.post("/outbox/:root/retry", async (req) => {
    const s = requireRole(req, "operator");
    const { root } = parseInput(RootParams, req.params, "params");
    db.transaction(() => {
      const r = db.prepare("UPDATE outbox SET status = 'queued', last_error = NULL WHERE root = ? AND status = 'failed'").run(root);
      if (r.changes !== 1) throw conflict("not-failed", { zh: "只有失败的发证项可以重试", en: "only a failed item can be retried" });
      const row = db.prepare("SELECT dossier_id FROM outbox WHERE root = ?").get(root) as { dossier_id: string };
      audit(db, { dossierId: row.dossier_id, actor: { address: s.address, role: "operator" }, action: "retry-issuance", details: { root } });
    })();
    ctx.worker?.wake();
    return { root, status: "queued" };
  });

  const verification = async (d: DossierRow): Promise<CertificateVerification> => {
    if (!d.token_id) throw conflict("no-certificate", { zh: "该申报尚无证书", en: "this dossier has no certificate" });
    const chain = requireChain();
    return onChain(() => chain.verifyCertificate(d.token_id!));
  };

  app.post("/dossiers/:id/end-notice", async (req) => {
    const { d, actor } = operatorDossier(req, () => parseInput(EmptyBody, req.body ?? undefined, "body"));
    assertLegal("end-notice", d.state);
    const v = await verification(d);
    if (v.status !== "Valid") {
      throw conflict("notice-not-over", { zh: `链上证书状态为 ${v.status}，公示期尚未结束或有异议`, en: `the certificate is ${v.status} on-chain: the notice period is not over or an objection is pending` }, { status: v.status, validFrom: v.validFrom, underObjection: v.underObjection });
    }
    // on a chain with reorgs, the issuance must be final (CQO_CONFIRMATIONS deep) before the certificate is confirmed
    const confirmations = ctx.config.confirmations ?? 1;
    if (confirmations > 1) {
      const issued = db.prepare("SELECT block_number FROM outbox WHERE dossier_id = ? AND status = 'issued' ORDER BY issued_at DESC LIMIT 1").get(d.id) as { block_number: number | null } | undefined;
      const head = Number(await onChain(() => requireChain().publicClient.getBlockNumber({ cacheTime: 0 })));
      const depth = issued?.block_number == null ? null : confirmationsAt(issued.block_number, head);
      if (depth !== null && depth < confirmations) {
        throw conflict("not-final", { zh: `发证交易尚未最终确认（${depth}/${confirmations} 个区块确认）`, en: `the issuance is not final yet (${depth} of ${confirmations} confirmations)` }, { confirmations: depth, required: confirmations });
      }
    }
    db.transaction(() => transition(db, d.id, "end-notice", d.state, "issued", actor, { validFrom: v.validFrom }))();
    return summary(getDossier(d.id)!);
  });

  // ---------------------------------------------------------------- 监督管理: the certificate's life

  /**
   * A lifecycle transaction: an intent row first, then the transaction, then its effect and the intent settled in
   * one SQLite transaction. A crash in between leaves the intent pending for syncFromChain (server/lifecycle.ts).
   * Earlier pending intents of the dossier are settled from chain state first, so a retry never doubles a record.
   */
  const runLifecycle = async (d: DossierRow, actor: Actor, params: IntentParams, send: (chain: CqoClient) => Promise<SentTransaction>): Promise<SentTransaction> => {
    const chain = requireSigner();
    const stale = pendingIntents(db).filter((i) => i.dossierId === d.id);
    if (stale.length) {
      await onChain(() => settleIntents(db, chain, ctx.syncActor, stale));
      const now = getDossier(d.id)!;
      if (now.state !== d.state || now.token_id !== d.token_id) {
        throw conflict("resynced", { zh: "链上已有更新，已同步，请刷新后重试", en: "the chain had moved on; the dossier was re-synced: reload and retry" }, { state: now.state });
      }
    }
    const intent = openIntent(db, d.id, d.token_id!, actor, params);
    await durable(db); // the intent is on disk before the chain hears of it
    let sent: SentTransaction;
    try {
      sent = await onChain(() => send(chain));
    } catch (err) {
      // a refusal (422: the simulation or the mined transaction reverted) changed nothing; anything else might
      // have reached the chain: the intent stays pending for the sync
      if (err instanceof HttpError && err.status === 422) settleIntent(db, intent.id, "refused");
      throw err;
    }
    ctx.crash("lifecycle-sent");
    db.transaction(() => applyIntent(db, intent, sent.hash, "call"))();
    return sent;
  };

  app.post("/dossiers/:id/suspend", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(SuspendBody, req.body ?? {}, "body"));
    assertLegal("suspend", d.state);
    const hash = evidenceHash(body.evidence);
    const sent = await runLifecycle(d, actor, { command: "suspend", evidence: body.evidence ?? null, note: body.note }, (chain) => chain.suspendCertificate(d.token_id!, hash));
    return { ...summary(getDossier(d.id)!), txHash: sent.hash };
  });

  app.post("/dossiers/:id/reinstate", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(ReinstateBody, req.body ?? {}, "body"));
    assertLegal("reinstate", d.state);
    const sent = await runLifecycle(d, actor, { command: "reinstate", note: body.note }, (chain) => chain.reinstateCertificate(d.token_id!));
    return { ...summary(getDossier(d.id)!), txHash: sent.hash };
  });

  app.post("/dossiers/:id/revoke", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(RevokeBody, req.body, "body"));
    assertLegal("revoke", d.state);
    const hash = evidenceHash(body.evidence);
    const sent = await runLifecycle(d, actor, { command: "revoke", reason: body.reason, evidence: body.evidence ?? null, note: body.note }, (chain) => chain.revokeCertificate(d.token_id!, body.reason, hash));
    return { ...summary(getDossier(d.id)!), txHash: sent.hash };
  });

  app.post("/dossiers/:id/renew", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(RenewBody, req.body, "body"));
    assertLegal("renew", d.state);
    const r = getDossier(body.renewalDossierId);
    if (!r) throw notFound(`dossier ${body.renewalDossierId}`);
    assertLegal("apply-renewal", r.state);
    if (r.applicant !== d.applicant) throw unprocessable("renewal-other-holder", { zh: "复评申报须为同一申报人", en: "the re-evaluation must be the same applicant's" }, [{ field: "body.renewalDossierId", path: ["body", "renewalDossierId"], zh: "申报人不同", en: "another applicant" }]);
    const issuance = await prepareIssuance(r);
    const before = await verification(d);
    if (before.level !== issuance.level) throw unprocessable("renewal-level", { zh: "复评等级与原证书不同，请另行发证", en: "the re-evaluation reached another level: issue a new certificate instead" });
    const params: IntentParams = { command: "renew", renewalDossierId: r.id, root: issuance.root, validUntil: issuance.validUntil, rulebookId: issuance.rulebookId, credential: issuance.credential, note: body.note };
    const sent = await runLifecycle(d, actor, params, (chain) => chain.renewCertificate(d.token_id!, { resultRoot: issuance.root, rulebookId: issuance.rulebookId, validUntil: issuance.validUntil }));
    return { ...summary(getDossier(d.id)!), txHash: sent.hash, root: issuance.root, validUntil: issuance.validUntil };
  });

  // ---------------------------------------------------------------- re-issue to a new wallet (lost keys)

  /**
   * Who may prepare and request a re-issue: the holder (applicant, or the wallet of an earlier re-issue), signed in
   * with that wallet; or an operator of the body acting for a holder who lost it (the usual reason for a re-issue),
   * who must then record, when preparing, how the holder's identity was checked. Anyone else gets 404. Either way
   * the new wallet's own EIP-712 consent is what the contract requires.
   */
  const reissueParty = (s: Session, id: string): { d: DossierRow; actor: Actor } => {
    const d = getDossier(id);
    if (d && (d.holder ?? d.applicant) === s.address) return { d, actor: { address: s.address, role: "applicant" } };
    if (d && s.operator) return { d, actor: { address: s.address, role: "operator" } };
    throw notFound(`dossier ${id}`);
  };

  app.post("/dossiers/:id/reissue/prepare", async (req) => {
    const s = requireSession(req);
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const body = parseInput(ReissuePrepareBody, req.body, "body");
    const { d, actor } = reissueParty(s, id);
    if (actor.role === "operator" && body.identityCheck === undefined) {
      throw unprocessable(
        "identity-check",
        { zh: "认定主体代持证人办理补发时，须写明如何核验了持证人身份", en: "an operator preparing a re-issue for the holder must say how the holder's identity was checked" },
        [{ field: "body.identityCheck", path: ["body", "identityCheck"], zh: "必填", en: "required" }],
      );
    }
    assertLegal("reissue", d.state);
    if (body.newHolder === (d.holder ?? d.applicant)) {
      throw unprocessable("same-holder", { zh: "新钱包不能与当前持证钱包相同", en: "the new wallet must differ from the current one" }, [{ field: "body.newHolder", path: ["body", "newHolder"], zh: "与当前钱包相同", en: "the current wallet" }]);
    }
    const chain = requireSigner();
    // The new credential commits to the same evaluation as the certificate's current root (a renewal's, if renewed)
    const current = db.prepare("SELECT source_dossier_id FROM credentials WHERE dossier_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").get(d.id) as { source_dossier_id: string | null } | undefined;
    const source = getDossier(current?.source_dossier_id ?? d.id) ?? d;
    const evaluation = JSON.parse(source.evaluation_json ?? "null") as Evaluation | null;
    if (!evaluation) throw conflict("not-issuable", { zh: "没有可用的评价结果", en: "no evaluation to re-issue from" });
    const sourceDossier = JSON.parse(source.dossier_json) as Dossier;
    const panel = await checkPanel(source, sourceDossier);
    const built = buildCredential({ evaluation, dossier: sourceDossier, sheets: panel.accepted });
    if (!built.ok) throw unprocessable("credential", { zh: "无法生成凭证", en: "cannot build the credential" }, fieldProblems(built.errors));
    const deadline = (await onChain(chainNow)) + body.validForSeconds;
    const consent = { tokenId: BigInt(d.token_id!), newHolder: body.newHolder, newResultRoot: built.value.root, deadline };
    db.transaction(() => {
      db.prepare(
        "INSERT INTO reissues (root, dossier_id, token_id, new_holder, deadline, credential_json, source_dossier_id, status, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'prepared', ?, ?)",
      ).run(built.value.root, d.id, d.token_id, body.newHolder, deadline, JSON.stringify(built.value.credential), source.id, s.address, ctx.now());
      audit(db, { dossierId: d.id, actor, action: "reissue-prepared", details: { newHolder: body.newHolder, root: built.value.root, deadline, ...(actor.role === "operator" ? { identityCheck: body.identityCheck } : {}) } });
    })();
    const typed = reissueConsentTypedData(chain.deployment.chainId, chain.address, consent);
    return {
      root: built.value.root,
      tokenId: d.token_id,
      newTokenId: certificateNumberOf(built.value.root).toString(),
      consent: { ...consent, tokenId: d.token_id },
      typedData: { domain: typed.domain, types: typed.types, primaryType: typed.primaryType, message: { ...consent, tokenId: d.token_id } },
    };
  });

  app.post("/dossiers/:id/reissue/request", async (req) => {
    const s = requireSession(req);
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const body = parseInput(ReissueRequestBody, req.body, "body");
    const { d, actor } = reissueParty(s, id);
    assertLegal("reissue", d.state);
    const row = db.prepare("SELECT * FROM reissues WHERE root = ? AND dossier_id = ?").get(body.root, d.id) as ReissueRow | undefined;
    if (!row || row.status !== "prepared" || row.token_id !== d.token_id) throw conflict("no-prepared-reissue", { zh: "没有待签署的补发申请（请先 prepare）", en: "no prepared re-issue with this root (prepare first)" });
    const chain = requireChain();
    const consent = { tokenId: BigInt(row.token_id), newHolder: getAddress(row.new_holder), newResultRoot: row.root, deadline: row.deadline };
    const ok = await onChain(() => chain.verifyReissueConsent(consent, body.signature));
    if (!ok) throw unprocessable("consent-signature", { zh: "同意书签名不是新钱包所签", en: "the consent is not signed by the new wallet" }, [{ field: "body.signature", path: ["body", "signature"], zh: "签名无效", en: "invalid signature" }]);
    db.transaction(() => {
      const r = db.prepare("UPDATE reissues SET status = 'requested', signature = ?, requested_at = ? WHERE root = ? AND status = 'prepared'").run(body.signature, ctx.now(), row.root);
      if (r.changes !== 1) throw conflict("no-prepared-reissue", { zh: "补发申请已变更", en: "the re-issue changed meanwhile" });
      db.prepare("UPDATE reissues SET status = 'cancelled' WHERE dossier_id = ? AND status = 'requested' AND root != ?").run(d.id, row.root);
      audit(db, { dossierId: d.id, actor, action: "reissue-requested", details: { newHolder: row.new_holder, root: row.root } });
    })();
    return { root: row.root, status: "requested", newHolder: row.new_holder, deadline: row.deadline };
  });

  app.post("/dossiers/:id/reissue", async (req) => {
    const { d, actor, body } = operatorDossier(req, () => parseInput(ReissueExecuteBody, req.body ?? {}, "body"));
    assertLegal("reissue", d.state);
    const row = (body.root
      ? db.prepare("SELECT * FROM reissues WHERE root = ? AND dossier_id = ? AND status = 'requested'").get(body.root, d.id)
      : db.prepare("SELECT * FROM reissues WHERE dossier_id = ? AND status = 'requested' ORDER BY requested_at DESC LIMIT 1").get(d.id)) as ReissueRow | undefined;
    if (!row || !row.signature || row.token_id !== d.token_id) throw conflict("no-reissue-request", { zh: "持证人尚未提交补发申请及新钱包同意书", en: "the holder has not requested a re-issue with the new wallet's consent" });
    if ((await onChain(chainNow)) > row.deadline) throw conflict("consent-expired", { zh: "新钱包同意书已过期，请持证人重新申请", en: "the new wallet's consent has expired: the holder must request again" }, { deadline: row.deadline });
    const consent = { tokenId: BigInt(row.token_id), newHolder: getAddress(row.new_holder), newResultRoot: row.root, deadline: row.deadline };
    const signature = row.signature;
    const sent = await runLifecycle(d, actor, { command: "reissue", root: row.root, note: body.note }, (chain) => chain.reissueCertificate(consent, signature));
    return { ...summary(getDossier(d.id)!), txHash: sent.hash, previousTokenId: d.token_id, tokenId: certificateNumberOf(row.root).toString() };
  });

  // ---------------------------------------------------------------- objections (异议) during public notice

  app.post("/objections", async (req, reply) => {
    const s = requireSession(req);
    const body = parseInput(ObjectionBody, req.body, "body");
    // the certificate number is public (公示): answering whether it is ours discloses nothing new
    const d = db.prepare("SELECT * FROM dossiers WHERE token_id = ?").get(body.tokenId) as DossierRow | undefined;
    if (!d) throw notFound(`certificate ${body.tokenId} of this body`);
    assertLegal("file-objection", d.state);
    const evidence = body.evidence ?? null;
    const onChainEvidence = evidence ? evidenceHash(evidence) : keccak256(toHex(body.statement));
    const filer: Actor = { address: s.address, role: "public" };
    const objectionId = Number(
      db
        .prepare("INSERT INTO objections (dossier_id, token_id, filer, statement, evidence, evidence_hash, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'filing', ?)")
        .run(d.id, d.token_id, s.address, body.statement, evidence, onChainEvidence, ctx.now()).lastInsertRowid,
    );
    try {
      // relayed by the body's key: the filer is recorded here and in the audit log, the evidence hash on-chain
      const sent = await runLifecycle(d, filer, { command: "file-objection", objectionId }, (chain) => chain.fileObjection(d.token_id!, onChainEvidence));
      return reply.status(201).send({ ...objectionView(db.prepare("SELECT * FROM objections WHERE id = ?").get(objectionId) as ObjectionRow), txHash: sent.hash });
    } catch (err) {
      if (err instanceof HttpError && err.status !== 503) db.prepare("UPDATE objections SET status = 'not-filed' WHERE id = ? AND status = 'filing'").run(objectionId);
      throw err;
    }
  });

  app.get("/objections", async (req) => {
    const s = requireSession(req);
    const rows = s.operator
      ? (db.prepare("SELECT * FROM objections ORDER BY id").all() as ObjectionRow[])
      : (db.prepare("SELECT * FROM objections WHERE filer = ? ORDER BY id").all(s.address) as ObjectionRow[]);
    return rows.map(objectionView);
  });

  app.post("/objections/:objectionId/resolve", async (req) => {
    const s = requireRole(req, "operator");
    const { objectionId } = parseInput(ObjectionParams, req.params, "params");
    const body = parseInput(ResolveBody, req.body, "body");
    const o = db.prepare("SELECT * FROM objections WHERE id = ?").get(objectionId) as ObjectionRow | undefined;
    if (!o) throw notFound(`objection ${objectionId}`);
    if (o.status !== "filed") throw conflict("objection-not-open", { zh: "该异议不在待处理状态", en: "this objection is not open" }, { status: o.status });
    const d = getDossier(o.dossier_id)!;
    assertLegal("resolve-objection", d.state);
    const hash = evidenceHash(body.evidence);
    const actor: Actor = { address: s.address, role: "operator" };
    const decision = body.upheld ? { upheld: true as const, reason: body.reason! } : { upheld: false as const };
    const sent = await runLifecycle(
      d,
      actor,
      { command: "resolve-objection", objectionId, upheld: body.upheld, reason: body.upheld ? body.reason! : null, evidence: body.evidence ?? null, note: body.note },
      (chain) => chain.resolveObjection(d.token_id!, decision, hash),
    );
    return { ...objectionView(db.prepare("SELECT * FROM objections WHERE id = ?").get(objectionId) as ObjectionRow), dossier: summary(getDossier(d.id)!), txHash: sent.hash };
  });

  // ---------------------------------------------------------------- re-sync from chain state

  app.post("/sync", async (req) => {
    requireRole(req, "operator");
    const chain = requireChain();
    return onChain(() => syncFromChain(db, chain, ctx.syncActor));
  });

  // ---------------------------------------------------------------- the holder's credential

  app.get("/dossiers/:id/credential", async (req) => {
    const s = requireSession(req);
    const { id } = parseInput(DossierIdParams, req.params, "params");
    const d = getDossier(id);
    // the holder's file holds the salts of their personal data: the holder only (the applicant, or the wallet a
    // re-issue moved the certificate to), not even the body's staff
    if (!d || (d.holder ?? d.applicant) !== s.address) throw notFound(`dossier ${id}`);
    if (!d.token_id || !["in-notice", "issued", "suspended", "revoked"].includes(d.state)) {
      throw conflict("no-certificate", { zh: "证书尚未上链签发", en: "the certificate has not been issued on-chain yet" }, { state: d.state });
    }
    const row = db.prepare("SELECT root, credential_json FROM credentials WHERE dossier_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").get(id) as { root: Hex; credential_json: string } | undefined;
    if (!row) throw notFound(`credential of ${id}`);
    return { tokenId: d.token_id, root: row.root, credential: JSON.parse(row.credential_json) as unknown };
  });
}

export type { DossierRow };
