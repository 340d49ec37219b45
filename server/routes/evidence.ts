/** Evidence files (证明材料): upload, and download by those who may see them. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { signedIn, sessionOf, type RouteOptions } from "../context";
import { HttpError, invalidInput, notFound } from "../errors";
import { TooLargeError } from "../evidence";
import { getDossier } from "../store/dossiers";
import { dossiersCiting, getEvidenceRow, insertEvidenceRow } from "../store/evidence";
import { isPanelMember } from "../store/panel";
import { Sha256Input } from "./inputs";

const ShaParams = z.strictObject({ sha256: Sha256Input });

export async function evidenceRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post("/evidence", { onRequest: signedIn }, async (req, reply) => {
    const s = sessionOf(req);
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
    insertEvidenceRow(db, { sha256: stored.sha256, size: stored.size, mediaType: file.mimetype, uploadedBy: s.address, at: ctx.now() });
    return reply.status(stored.existed ? 200 : 201).send({ sha256: stored.sha256, size: stored.size, mediaType: file.mimetype });
  });

  r.get("/evidence/:sha256", { onRequest: signedIn, schema: { params: ShaParams } }, async (req, reply) => {
    const s = sessionOf(req);
    const { sha256 } = req.params;
    const row = getEvidenceRow(db, sha256);
    if (!row || !ctx.evidence.has(sha256)) throw notFound(`evidence ${sha256}`);
    let allowed = s.operator || row.uploaded_by === s.address;
    if (!allowed) {
      // anyone who may see a dossier citing the file may read it
      allowed = dossiersCiting(db, sha256).some((id) => {
        const d = getDossier(db, id)!;
        return d.applicant === s.address || (s.assessor && isPanelMember(db, id, s.address));
      });
    }
    if (!allowed) throw notFound(`evidence ${sha256}`);
    return reply.header("content-type", row.media_type).header("x-content-sha256", sha256).send(ctx.evidence.open(sha256));
  });
}
