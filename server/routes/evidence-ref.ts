/**
 * Who may cite and who may read an evidence file — the one place that decides (issue #10).
 *
 * Files are content-addressed, and the hashes of lifecycle and objection evidence are public in the contract's
 * events: knowing a hash must give nothing. So a file is cited through an UPLOAD — a (file, uploader) row — and:
 * - a dossier cites only files its applicant uploaded;
 * - a lifecycle call or an objection ruling (operators) cites only files the body uploaded (any operator's upload);
 * - an objection cites only files its filer uploaded.
 * Anything else is the same 422 `evidence-not-uploaded` ("not uploaded by you") whether or not the file exists.
 * Reading (`evidenceReader`): the uploader, any operator, and through a dossier that cites the file with its own
 * applicant's upload: that applicant and the assessors on its panel. Everyone else gets the same 404 as for a file
 * that does not exist.
 */
import type { Hex } from "viem";
import { formatPath } from "../../scoring";
import type { Session } from "../auth";
import type { Ctx } from "../context";
import type { Db } from "../db";
import { unprocessable, type FieldProblem } from "../errors";
import { bodyUpload, getUpload, insertCitation, readableThroughDossier, uploadMovedAway } from "../store/evidence";

const ZERO: Hex = `0x${"0".repeat(64)}`;

/** why a session may read a file (null: it may not, answered 404 like a missing file) */
export type EvidenceReader = "uploader" | "operator" | "applicant" | "panel" | null;

/**
 * May `s` read the file? (Whether it exists is for the caller, who answers 404 both ways.) After a re-issue the
 * dossier's old wallet loses its own uploads for that dossier, and the new wallet reads them; an assessor reads a
 * dossier's files only while their round is open.
 */
export function evidenceReader(db: Db, s: Session, sha256: string): EvidenceReader {
  if (s.operator) return "operator";
  if (getUpload(db, sha256, s.address) && !uploadMovedAway(db, sha256, s.address)) return "uploader";
  const through = readableThroughDossier(db, sha256, s.address, s.assessor);
  if (through.applicant) return "applicant";
  if (through.panel) return "panel";
  return null;
}

const notUploaded = (problems: FieldProblem[]) => unprocessable("evidence-not-uploaded", { zh: "只能引用自己上传的证据文件", en: "only evidence files you uploaded can be cited" }, problems);

const problemAt = (path: (string | number)[], zh: string, en: string): FieldProblem => ({ field: formatPath(path), path, zh, en });

/**
 * A dossier's evidence list: each file must be one the applicant uploaded (else 422, field by field). Returns what
 * records the citations — to call in the transaction that stores the dossier, once its number is known.
 */
export function applicantEvidence(db: Db, s: Session, evidence: readonly { sha256: string }[], at: number): (dossierId: string) => void {
  const problems: FieldProblem[] = [];
  evidence.forEach((e, i) => {
    if (!getUpload(db, e.sha256, s.address)) problems.push(problemAt(["body", "dossier", "evidence", i, "sha256"], "您没有上传过该证据文件", "not uploaded by you"));
  });
  if (problems.length) throw notUploaded(problems);
  return (dossierId) => {
    for (const e of evidence) insertCitation(db, { sha256: e.sha256, uploadedBy: s.address, kind: "dossier", dossierId, citedBy: s.address, at });
  };
}

/**
 * The on-chain evidence hash of an operator's lifecycle call or objection ruling on `dossierId`: a file the body
 * uploaded (an operator's upload, the caller's own first), recorded as cited; no file, the zero hash.
 */
export function bodyEvidence(ctx: Ctx, s: Session, dossierId: string, sha256?: string): Hex {
  if (sha256 === undefined) return ZERO;
  const upload = bodyUpload(ctx.db, sha256, s.address);
  if (!upload) throw notUploaded([problemAt(["body", "evidence"], "认定主体（操作员）没有上传过该证据文件", "not uploaded by you (the body's operators)")]);
  insertCitation(ctx.db, { sha256, uploadedBy: upload.uploaded_by, kind: "lifecycle", dossierId, citedBy: s.address, at: ctx.now() });
  return `0x${sha256}`;
}

/** An objection's evidence: a file its filer uploaded, recorded as cited. */
export function filerEvidence(ctx: Ctx, s: Session, dossierId: string, sha256: string): Hex {
  if (!getUpload(ctx.db, sha256, s.address)) throw notUploaded([problemAt(["body", "evidence"], "您没有上传过该证据文件", "not uploaded by you")]);
  insertCitation(ctx.db, { sha256, uploadedBy: s.address, kind: "objection", dossierId, citedBy: s.address, at: ctx.now() });
  return `0x${sha256}`;
}
