/**
 * Filing an objection (异议) from the notice page: the statement as the filer typed it (NFC, checked here for the
 * characters the workbench refuses), the evidence file uploaded first (POST /evidence), the statement signed in the
 * wallet as EIP-712 `ObjectionStatement` (sdk/eip712.ts), then POST /objections (server/routes/objections.ts).
 * Every refusal keeps the workbench's own zh/en words and is placed next to the field it is about.
 */
import type { Address, Hex, WalletClient } from "viem";
import { objectionStatement, objectionTypedData } from "../../../../sdk/eip712";
import { forbiddenCharacter } from "../../../../scoring/text";
import { WorkbenchError, type ObjectionView, type WorkbenchApi } from "../../body/api";
import { AppError, type Bilingual } from "../../components/errors";
import { NOTICE_TEXT } from "./text";

/** The form's fields a refusal can be about; "form" is the whole filing (shown by the submit button). */
export type ObjectionField = "statement" | "evidence" | "signature" | "form";

export type FieldRefusals = Partial<Record<ObjectionField, Bilingual[]>>;

export const STATEMENT_MAX = 2000;

/** The statement as it will be signed: NFC (what the workbench requires), else the problems with it. */
export function checkStatement(typed: string): { ok: true; statement: string } | { ok: false; problem: Bilingual } {
  const { zh, en } = NOTICE_TEXT;
  const statement = typed.normalize("NFC");
  if (statement.trim() === "") return { ok: false, problem: { zh: zh.problems.empty, en: en.problems.empty } };
  if ([...statement].length > STATEMENT_MAX) return { ok: false, problem: { zh: zh.problems.tooLong, en: en.problems.tooLong } };
  const bad = forbiddenCharacter(statement, true);
  if (bad) return { ok: false, problem: { zh: zh.problems.invisible(bad), en: en.problems.invisible(bad) } };
  return { ok: true, statement };
}

/** A refusal of the workbench placed on the form's fields. */
export class ObjectionRefused extends AppError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly fields: FieldRefusals,
    words: Bilingual,
  ) {
    super(words);
  }
}

/** Where the workbench's field names ("body.statement", …) and codes go on this form. */
function fieldOfProblem(field: string | undefined): ObjectionField {
  if (field === "body.statement") return "statement";
  if (field === "body.evidence" || field === "file" || field === "body.file") return "evidence";
  if (field === "body.signature" || field === "body.issuedAt") return "signature";
  return "form";
}

function fieldOfCode(code: string, status: number): ObjectionField {
  if (code.startsWith("evidence") || code === "file-too-large" || status === 413 || status === 415) return "evidence";
  if (code.startsWith("objection-s") || code === "objection-replayed") return "signature"; // -stale, -signature
  return "form";
}

/** The workbench's refusal as field refusals: each field problem by its field, the message by its code. */
export function refusalOf(err: WorkbenchError): ObjectionRefused {
  const { status, code } = err;
  const words = err.headline;
  const fields: FieldRefusals = {};
  const add = (f: ObjectionField, b: Bilingual) => (fields[f] ??= []).push(b);
  if (status === 401) add("form", words);
  // "输入无效" says nothing its field problems do not; any other message goes where its code is about
  else if (err.problems.length === 0 || code !== "invalid-input") add(fieldOfCode(code, status), words);
  for (const p of err.problems) add(fieldOfProblem(p.field), { zh: p.zh || words.zh, en: p.en || words.en });
  return new ObjectionRefused(status, code, fields, words);
}

export interface FilingSteps {
  api: WorkbenchApi;
  wallet: WalletClient;
  address: Address;
  chainId: number;
  certificate: Address;
  /** seconds to add to this device's clock for the workbench's */
  clockOffset: number;
  onStep(step: "signIn" | "upload" | "sign" | "post"): void;
}

export type FiledObjection = ObjectionView & { txHash: string };

/** Sign in (if needed), upload the evidence, sign the statement, file it. Throws ObjectionRefused for a refusal. */
export async function fileObjection(s: FilingSteps, tokenId: string, statement: string, evidence: File | null): Promise<FiledObjection> {
  try {
    const session = s.api.session();
    if (!session || session.address.toLowerCase() !== s.address.toLowerCase()) {
      s.onStep("signIn");
      await s.api.signIn(s.wallet, s.address, s.chainId);
    }
    let sha256: string | null = null;
    if (evidence) {
      s.onStep("upload");
      sha256 = (await s.api.upload(evidence)).sha256;
    }
    s.onStep("sign");
    const issuedAt = Math.floor(Date.now() / 1000) + s.clockOffset;
    const message = objectionStatement({ tokenId, filer: s.address, statement, evidence: sha256, issuedAt });
    const signature: Hex = await s.wallet.signTypedData({ account: s.address, ...objectionTypedData(s.chainId, s.certificate, message) });
    s.onStep("post");
    return await s.api.call<FiledObjection>("POST", "/objections", { tokenId, statement, signature, issuedAt, ...(sha256 ? { evidence: sha256 } : {}) });
  } catch (err) {
    throw err instanceof WorkbenchError ? refusalOf(err) : err;
  }
}
