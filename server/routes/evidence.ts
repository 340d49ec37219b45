/**
 * Evidence files (证明材料): upload, and download by those who may read them (server/routes/evidence-ref.ts).
 *
 * An upload is typed from its content (server/evidence.ts: PDF, PNG, JPEG, WebP, OFD; the declared multipart type is
 * ignored), refused 415 otherwise, and counted against its uploader's quota. Every file is served as a download that
 * no browser runs, whatever its bytes: the detected type, `Content-Disposition: attachment`, `nosniff`, a sandboxing
 * CSP and no caching — also the files stored before types were detected (re-detected, else octet-stream).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { signedIn, sessionOf, type RouteOptions } from "../context";
import { rateLimit } from "../protection";
import { HttpError, invalidInput, notFound, type FieldProblem } from "../errors";
import { EVIDENCE_TYPES, OCTET_STREAM, TooLargeError, detectType, extensionOf, isEvidenceType, type EvidenceType } from "../evidence";
import { getEvidenceRow, getUpload, insertUpload, setDetectedType, usageOf } from "../store/evidence";
import { evidenceReader } from "./evidence-ref";
import { Sha256Input } from "./inputs";
import { errors } from "../openapi";

const ShaParams = z.strictObject({ sha256: Sha256Input });

export const DEFAULT_QUOTA_FILES = 50;
export const DEFAULT_QUOTA_BYTES = 200 * 1024 * 1024;

const FILE_FIELD: FieldProblem["path"] = ["body", "file"];
const fileProblem = (zh: string, en: string): FieldProblem => ({ field: "body.file", path: FILE_FIELD, zh, en });

const ACCEPTED = Object.values(EVIDENCE_TYPES)
  .map((t) => t.label)
  .join(", ");

const tooLarge = (max: number) => new HttpError(413, "file-too-large", { zh: `文件超过 ${max} 字节上限`, en: `the file exceeds ${max} bytes` }, [fileProblem(`文件超过 ${max} 字节上限`, `larger than ${max} bytes`)]);

const unsupported = (seen: string | null) =>
  new HttpError(415, "evidence-type", { zh: `不接受此类文件：证据须为 ${ACCEPTED}`, en: `this kind of file is not accepted: evidence must be ${ACCEPTED}` }, [
    fileProblem(
      `按内容识别${seen ? `为 ${seen}` : "不是受支持的格式"}（不看声明的类型）；可上传：${ACCEPTED}`,
      `the content is ${seen ? `a ${seen} file` : "none of the accepted formats"} (the declared type is ignored); accepted: ${ACCEPTED}`,
    ),
  ]);

function quotaExceeded(status: 413 | 429, used: { files: number; bytes: number }, quota: { files: number; bytes: number }) {
  return new HttpError(
    status,
    "evidence-quota",
    {
      zh: `您的证据文件配额已用尽（最多 ${quota.files} 个文件、共 ${quota.bytes} 字节；已用 ${used.files} 个、${used.bytes} 字节）：未被引用的上传会在到期后删除`,
      en: `your evidence quota is used up (at most ${quota.files} files, ${quota.bytes} bytes in all; used ${used.files} files, ${used.bytes} bytes): uploads nothing cites are deleted when they expire`,
    },
    [fileProblem("超出配额", "over the quota")],
    { used, quota },
  );
}

/** The headers of every evidence file the workbench serves: a download, never a page. */
export function fileHeaders(reply: FastifyReply, sha256: string, mediaType: string, size: number): FastifyReply {
  return reply
    .header("content-type", mediaType)
    .header("content-length", size)
    .header("content-disposition", `attachment; filename="${sha256}.${extensionOf(mediaType)}"`)
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "sandbox; default-src 'none'")
    .header("cache-control", "private, no-store")
    .header("x-content-sha256", sha256);
}

/** POST /evidence's answer (schema.response): 201 new for this wallet, 200 uploaded by it already */
const Uploaded = z.object({ sha256: z.string(), size: z.number().int(), mediaType: z.string() });

export async function evidenceRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const quota = { files: ctx.config.evidenceQuotaFiles ?? DEFAULT_QUOTA_FILES, bytes: ctx.config.evidenceQuotaBytes ?? DEFAULT_QUOTA_BYTES };

  r.post("/evidence", { onRequest: signedIn, config: { rateLimit: rateLimit("upload"), multipart: true }, schema: { response: { 200: Uploaded, 201: Uploaded, ...errors(400, 401, 413, 415, 422, 429) } } }, async (req, reply) => {
    const s = sessionOf(req);
    if (!req.isMultipart()) throw invalidInput([{ field: "body", path: ["body"], zh: "请以 multipart/form-data 上传文件", en: "upload the file as multipart/form-data" }]);
    // before a byte is read: a wallet with its quota of files used up
    const before = usageOf(db, s.address);
    if (before.files >= quota.files) throw quotaExceeded(429, before, quota);
    if (before.bytes >= quota.bytes) throw quotaExceeded(413, before, quota);
    const file = await req.file();
    if (!file) throw invalidInput([fileProblem("缺少文件", "no file in the request")]);
    const max = ctx.config.evidenceMaxBytes;
    // the bytes left in the quota cap the stream too (a file this wallet uploaded before counts once, at the end)
    const left = quota.bytes - before.bytes;
    let stored;
    try {
      stored = await ctx.evidence.put(file.file, {
        maxBytes: Math.max(0, Math.min(max, left)),
        classify: async (sample) => {
          // @fastify/multipart ends the stream at its limit and marks it truncated, without an error
          if (file.file.truncated) throw tooLarge(max);
          const detected = await detectType(sample);
          if (detected.type === null) throw unsupported(detected.seen);
          return detected.type;
        },
        admit: (f) => {
          if (getUpload(db, f.sha256, s.address)) return;
          const used = usageOf(db, s.address);
          if (used.files + 1 > quota.files) throw quotaExceeded(429, used, quota);
          if (used.bytes + f.size > quota.bytes) throw quotaExceeded(413, used, quota);
        },
        record: (f) => insertUpload(db, { sha256: f.sha256, size: f.size, mediaType: f.kind, uploadedBy: s.address, byOperator: s.operator, at: ctx.now() }),
      });
    } catch (err) {
      if (err instanceof TooLargeError) throw err.maxBytes < max ? quotaExceeded(413, usageOf(db, s.address), quota) : tooLarge(max);
      throw err;
    }
    // 201: new for this wallet; 200: this wallet had uploaded it already. Whether someone else did is not told.
    return reply.status(stored.recorded ? 201 : 200).send({ sha256: stored.sha256, size: stored.size, mediaType: stored.kind });
  });

  r.get("/evidence/:sha256", { onRequest: signedIn, schema: { params: ShaParams } }, async (req, reply) => {
    const s = sessionOf(req);
    const { sha256 } = req.params;
    // one answer for a file that is missing and a file this session may not read
    const missing = () => notFound(`evidence ${sha256}`);
    const row = getEvidenceRow(db, sha256);
    if (!row || evidenceReader(db, s, sha256) === null) throw missing();
    let mediaType: string | null = row.detected_type;
    if (mediaType === null) {
      // stored before types were detected: what the uploader declared is not trusted, the content is looked at once
      const sample = await ctx.evidence.sample(sha256);
      if (!sample) throw missing();
      const detected = await detectType(sample);
      mediaType = detected.type ?? OCTET_STREAM;
      setDetectedType(db, sha256, mediaType);
    }
    const file = await ctx.evidence.open(sha256);
    if (!file) throw missing();
    const served: EvidenceType | typeof OCTET_STREAM = isEvidenceType(mediaType) ? mediaType : OCTET_STREAM;
    return fileHeaders(reply, sha256, served, file.size).send(file.stream);
  });
}
