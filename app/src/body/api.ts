/**
 * The workbench API client: sign-in with Ethereum (EIP-4361, signed in the wallet), then bearer-token calls.
 * Every refusal arrives as the server's { error: { code, zh, en, problems? } } and is thrown as an AppError with
 * both languages, field problems included.
 */
import type { Address, Hex, WalletClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import { AppError } from "../components/errors";

export type Role = "operator" | "assessor" | "applicant";

export interface Session {
  token: string;
  address: Address;
  roles: Role[];
  expiresAt: number;
}

interface ServerError {
  error?: { code?: string; zh?: string; en?: string; problems?: { field?: string; zh?: string; en?: string }[] };
}

const STORE = "cqo.workbench.session";

/** A refusal of the workbench: its HTTP status and stable code, with the server's own zh/en words. */
export class WorkbenchError extends AppError {
  constructor(
    readonly status: number,
    readonly code: string,
    bilingual: { zh: string; en: string },
    /** the refusal's field problems as the server named them (`body.dossier.applicant.idNumber`), for a form to place */
    readonly problems: readonly { field: string; zh: string; en: string }[] = [],
    /** the server's own message without the field problems (a form shows those beside their fields) */
    readonly headline: { zh: string; en: string } = bilingual,
  ) {
    super(bilingual);
  }
}

/**
 * The workbench's refusal (status and body text) as a WorkbenchError with the server's own zh/en words, its field
 * problems appended to the message and kept by field for a form to place. Shared by every call, the XMLHttpRequest
 * upload with progress included.
 */
export function workbenchRefusal(status: number, text: string): WorkbenchError {
  let json: ServerError | null = null;
  try {
    json = text ? (JSON.parse(text) as ServerError) : null;
  } catch {
    json = null;
  }
  const e = json?.error;
  const fields = (e?.problems ?? []).map((p) => ({ field: p.field ?? "", zh: p.zh ?? "", en: p.en ?? "" }));
  const again = (m: { zh: string; en: string }) => (status === 401 ? { zh: `${m.zh}（请重新登录）`, en: `${m.en} (sign in again)` } : m);
  const headline = again({ zh: e?.zh ?? `服务器返回 ${status}`, en: e?.en ?? `the server answered ${status}` });
  const zh = [headline.zh, ...fields.map((p) => `${p.field} ${p.zh}`.trim())].join("；");
  const en = [headline.en, ...fields.map((p) => `${p.field} ${p.en}`.trim())].join("; ");
  return new WorkbenchError(status, e?.code ?? "", { zh, en }, fields, headline);
}

export class WorkbenchApi {
  constructor(readonly base: string) {}

  session(): Session | null {
    try {
      const s = JSON.parse(sessionStorage.getItem(STORE) ?? "null") as Session | null;
      return s && s.expiresAt > Date.now() ? s : null;
    } catch {
      return null;
    }
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.fetch(method, path, {
      headers: body !== undefined ? { "content-type": "application/json" } : {},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return this.json<T>(r);
  }

  /**
   * One page of a list (GET /dossiers, /objections, /outbox, /assessors, /dossiers/:id/audit) with its query
   * (`undefined` values left out, arrays comma-joined). Revalidated with the list's ETag: while the list is
   * unchanged the server answers 304 without a body and the page kept from the last answer is returned — the same
   * object, so a poll that finds nothing new re-renders nothing.
   */
  async list<T, P extends Page<T> = Page<T>>(path: string, query: Record<string, string | number | boolean | readonly string[] | undefined> = {}): Promise<P> {
    const qs = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(Array.isArray(v) ? v.join(",") : String(v))}`)
      .join("&");
    const url = qs ? `${path}?${qs}` : path;
    const key = `${this.session()?.address ?? ""} ${url}`;
    const kept = this.pages.get(key);
    const r = await this.fetch("GET", url, { headers: kept ? { "if-none-match": kept.etag } : {} });
    if (r.status === 304 && kept) {
      // most recently used last: the oldest page goes first when the cache is full
      this.pages.delete(key);
      this.pages.set(key, kept);
      return kept.page as P;
    }
    const page = await this.json<P>(r);
    const etag = r.headers.get("etag");
    this.pages.delete(key);
    if (etag) this.pages.set(key, { etag, page });
    if (this.pages.size > 64) this.pages.delete(this.pages.keys().next().value!);
    return page;
  }

  private readonly pages = new Map<string, { etag: string; page: unknown }>();

  /** Uploads an evidence file (multipart); the server stores it by its SHA-256. */
  async upload(file: File): Promise<EvidenceStored> {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.json<EvidenceStored>(await this.fetch("POST", "/evidence", { body: form }));
  }

  /** An evidence file's bytes, as the server stored them. */
  async download(sha256: string): Promise<Blob> {
    const r = await this.fetch("GET", `/evidence/${sha256}`, {});
    if (!r.ok) await this.json(r);
    return r.blob();
  }

  private async fetch(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit }): Promise<Response> {
    const token = this.session()?.token;
    try {
      return await fetch(`${this.base}${path}`, { method, headers: { ...init.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: init.body });
    } catch {
      throw new AppError({ zh: `无法连接工作台服务器（${this.base}）：请确认服务器已启动、网络可用。`, en: `Cannot reach the workbench server (${this.base}): is it running and reachable?` });
    }
  }

  private async json<T>(r: Response): Promise<T> {
    const text = await r.text();
    if (!r.ok) {
      if (r.status === 401) sessionStorage.removeItem(STORE);
      throw workbenchRefusal(r.status, text);
    }
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      return null as T;
    }
  }

  /** EIP-4361: the server's nonce, a message naming this page's host, the wallet's signature. */
  async signIn(wallet: WalletClient, address: Address, chainId: number): Promise<Session> {
    const nonce = await this.call<{ nonce: string; domain: string; uri?: string; chainId: number | null }>("GET", "/auth/nonce");
    const domain = window.location.host;
    // the message's URI must be the origin the server signs in (CQO_SIWE_ORIGIN): this page's
    if (nonce.uri && nonce.uri !== window.location.origin && nonce.domain === domain) {
      throw new AppError({
        zh: `工作台服务器只接受来自 ${nonce.uri} 的登录，而本页面是 ${window.location.origin}：请从 ${nonce.uri} 打开本页，或让管理员设置 CQO_SIWE_ORIGIN=${window.location.origin}。`,
        en: `The workbench accepts sign-ins from ${nonce.uri} only, this page is ${window.location.origin}: open the app at ${nonce.uri}, or have CQO_SIWE_ORIGIN=${window.location.origin} set on the server.`,
      });
    }
    if (nonce.domain !== domain) {
      throw new AppError({
        zh: `工作台服务器只接受对域名 ${nonce.domain} 的登录，而本页面是 ${domain}：请从 ${nonce.domain} 打开本页，或让管理员设置 CQO_SIWE_DOMAIN=${domain}。`,
        en: `The workbench accepts sign-ins for ${nonce.domain} only, this page is ${domain}: open the app at ${nonce.domain}, or have CQO_SIWE_DOMAIN=${domain} set on the server.`,
      });
    }
    const message = createSiweMessage({
      domain,
      address,
      statement: "登录认定主体工作台 · Sign in to the certifying body's workbench",
      uri: window.location.origin,
      version: "1",
      chainId: nonce.chainId ?? chainId,
      nonce: nonce.nonce,
      issuedAt: new Date(),
      expirationTime: new Date(Date.now() + 10 * 60_000),
    });
    const signature: Hex = await wallet.signMessage({ account: address, message });
    const r = await this.call<{ token: string; address: Address; roles: Role[]; expiresAt: number }>("POST", "/auth/verify", { message, signature });
    const session: Session = { token: r.token, address: r.address, roles: r.roles, expiresAt: r.expiresAt };
    sessionStorage.setItem(STORE, JSON.stringify(session));
    return session;
  }

  /** 撤销申请: the holders' standing revocation requests, oldest first (operators only) */
  revocationRequests = (): Promise<{ items: RevocationRequestView[] }> => this.call("GET", "/revocation-requests");

  /** 年审提醒: the review reminders and their webhook delivery (operators only; reading sends the undelivered ones) */
  reminders = (): Promise<RemindersView> => this.call("GET", "/reminders");

  async signOut(): Promise<void> {
    await this.call("POST", "/auth/logout").catch(() => undefined);
    sessionStorage.removeItem(STORE);
    this.pages.clear();
  }
}

/**
 * A page of a list: `nextCursor` (opaque) for the next one, null on the last; `total` on the first page only,
 * counted up to 10,000 (`totalCapped`: more than that).
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

export interface OutboxPage extends Page<OutboxItem> {
  /** rows per status (first page), each counted up to 10,000 */
  counts?: { queued: number; sending: number; issued: number; failed: number };
}

export interface DossierSummary {
  id: string;
  state: string;
  applicant: Address;
  rulebook: string;
  round: number;
  outcome: string | null;
  tokenId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Message {
  zh: string;
  en: string;
}

export interface EvaluationView {
  total: number;
  totalMax: number;
  level: number | null;
  levelName: Message | null;
  levelReasons: Message[];
  issuable: boolean;
  blockers: Message[];
  divergent: string[];
  eligibility: { eligible: boolean; rules: { id: string; name: Message; passed: boolean; reason: Message }[] };
  veto: { vetoed: boolean; items: { id: string; name: Message; triggered: boolean; reason: Message }[] };
  dimensions: { id: string; name: Message; max: number; points: number }[];
  indicators: { id: string; name: Message; max: number; points: number; explanation: Message[] }[];
}

/** what an assessor sees of a dossier once their round is over: their own signed sheets, nothing of the applicant */
/** a row of GET /dossiers: the summary with its applicant's name, null when erased or not this viewer's to see (issue #14) */
export interface NamedDossier extends DossierSummary {
  applicantName: string | null;
  personalData: "shown" | "erased" | "withheld";
}

export interface OwnSheetView extends DossierSummary {
  access: "own-sheet";
  mySheets: { round: number; digest: Hex; receivedAt: number }[];
}

export interface DossierDetail extends DossierSummary {
  access?: "full";
  /** the applicant's name as this viewer may see it; null when erased or withheld */
  applicantName: string | null;
  personalData: "shown" | "erased" | "withheld";
  /** the dossier JSON; once erased, the tombstone `{ erased: true }` (no applicant, no employer) */
  dossier: { applicant?: { name: string; education?: string; qualityYears?: number }; employer?: { name: string; uscc: string }; evidence?: { kind: string; name: string; sha256: string }[] };
  holder?: Address;
  reissues?: ReissueView[];
  objections?: ObjectionView[];
  dossierHash: Hex;
  rulebookHash: Hex | null;
  /** `employerUscc`: the registered employer code, given to operators and to the assessor themself */
  panel: { address: Address; assessorId: string; name: string; sheetSubmitted: boolean; employerUscc?: string }[];
  /** 不予受理理由: the rejection's reasons, or null */
  rejection?: Message[] | null;
  evaluation: EvaluationView | null;
  issuance: { status: string; tokenId: string | null; txHash: string | null; blockNumber: number | null; lastError: string | null } | null;
}

export interface OutboxItem {
  root: Hex;
  dossierId: string;
  status: string;
  attempts: number;
  tokenId: string | null;
  txHash: string | null;
  lastError: string | null;
  /** the applicant's name; null once their personal data was erased */
  applicantName: string | null;
}

export interface Assessor {
  address: Address;
  assessorId: string;
  name: string;
  employerUscc: string;
  active: boolean;
}

// ---------------------------------------------------------------- wallet issuance, re-issue, objections, evidence

export interface EvidenceStored {
  sha256: string;
  size: number;
  mediaType?: string;
}

export interface IssuanceStruct {
  level: number;
  validUntil: number;
  resultRoot: Hex;
  holder: Address;
  rulebookId: number;
}

export interface WalletItem {
  root: Hex;
  dossierId: string;
  tokenId: string;
  issuance: IssuanceStruct;
}

export interface WalletClaim {
  claimId: string;
  resumed: boolean;
  expiresAt: number;
  items: WalletItem[];
  gas: string;
  recorded: WalletItem[];
  failed: { root: Hex; dossierId: string; code: string; zh: string; en: string }[];
  remaining: number;
  certificate: Address;
}

export interface WalletStatus {
  mode: "worker" | "wallet";
  leaseSeconds: number;
  queued: number;
  claims: { claimId: string; operator: Address; claimedAt: number; expiresAt: number; count: number }[];
  mine: { claimId: string; expiresAt: number; items: WalletItem[] } | null;
}

export interface WalletReport {
  txHash: Hex;
  blockNumber: number;
  recorded: WalletItem[];
  alreadyRecorded: WalletItem[];
  released: number;
}

export interface ReissueView {
  root: Hex;
  tokenId: string;
  newTokenId: string;
  newHolder: Address;
  deadline: number;
  status: "prepared" | "requested" | "executed" | "cancelled";
  requestedBy: Address;
  txHash: Hex | null;
  createdAt: number;
  executedAt: number | null;
}

/** An objection; filer, statement, evidence and the signed statement only for operators (and a filer's own): a holder sees none. */
export interface ObjectionView {
  id: number;
  dossierId: string;
  tokenId: string;
  /** the objected certificate's applicant (GET /objections, operators only); null once erased, absent elsewhere */
  applicantName?: string | null;
  filer?: Address;
  statement?: string;
  evidence?: string | null;
  evidenceHash?: Hex;
  /** the filer's EIP-712 signature of the statement (sdk/eip712.ts ObjectionStatement); null: not signed (filed straight to the contract) */
  signature?: Hex | null;
  signedStatement?: { domain: { name: string; chainId: number; verifyingContract: Address }; primaryType: "ObjectionStatement"; message: { tokenId: string; filer: Address; statementHash: Hex; evidence: Hex; issuedAt: number } } | null;
  status: "filing" | "filed" | "upheld" | "dismissed" | "not-filed";
  filedTx: Hex | null;
  resolution: { upheld?: boolean; reason?: string | null; note?: string } | null;
  resolvedBy: Address | null;
  resolvedTx: Hex | null;
  createdAt: number;
  resolvedAt: number | null;
}

// ---------------------------------------------------------------- holders' requests and review reminders (issue #13)

import type { RevocationRequestReason } from "../lib/revocationRequest";
export type { RevocationRequestReason };

/** A holder's standing request to revoke their certificate (server/routes/holder-requests.ts, the operator's list); `createdAt` in ms. */
export interface RevocationRequestView {
  id: number;
  dossierId: string;
  tokenId: string;
  holder: Address;
  reason: RevocationRequestReason;
  status: "open" | "done";
  createdAt: number;
  /** the holder's name for the operator (null once erased) */
  applicantName: string | null;
  personalData: "shown" | "erased";
}

/** A reminder of GET /reminders (server/routes/reviews.ts Reminder; numbers and dates only); `delivery`: none, sending, delivered or failed. */
export interface ReminderView { kind: "due-soon" | "overdue" | "report-filed" | "employer-changed"; tokenId: string; dossierId: string; dueAt: number; daysLeft: number; delivery: string }

/** GET /reminders: the chain's now (unix seconds), whether the webhook (CQO_REVIEW_WEBHOOK_URL) is configured, the reminders */
export interface RemindersView { now: number; webhook: boolean; items: ReminderView[] }
