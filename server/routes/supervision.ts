/**
 * 抽查: the body's answers to the association's sampling audit (issue #13). The association's officer signs in to
 * the body's workbench with the association's wallet (the registry's DEFAULT_ADMIN_ROLE, read from the chain at
 * each request, so a handed-over role takes effect at once) and asks for the evaluation record of a certificate it
 * drew; the answer discloses the record's non-personal fields with their salts and proofs (server/store/
 * supervision.ts), which the console checks against the on-chain resultRoot in the browser.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireSession, type RouteOptions } from "../context";
import { chainUnavailable, HttpError, notFound } from "../errors";
import { errors } from "../openapi";
import { auditRecordOf } from "../store/supervision";
import { bi } from "./inputs";

const TokenIdParams = z.strictObject({
  tokenId: z.string().regex(/^[1-9][0-9]{0,77}$/, bi("证书编号应为十进制正整数", "a certificate number is a positive decimal integer")),
});

const AuditAnswer = z.object({
  tokenId: z.string(),
  dossierId: z.string(),
  state: z.string(),
  root: z.string().describe("the root the body's credential commits to"),
  disclosure: z.unknown().describe("披露文件 / the credential's non-personal fields with salts and proofs (scoring/commit: cqo-disclosure)"),
  evaluation: z.unknown().describe("评价结果 / the evaluation (scoring/evaluate), or null when erased"),
});

const notAssociation = () =>
  new HttpError(403, "forbidden", { zh: "此操作需要角色：协会（链上的协会账户）", en: "this action needs the role: association (the registry's association account)" });

export async function supervisionRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** the session's wallet must be the association now (read from the chain, never cached in the session) */
  const associationOnly = async (req: FastifyRequest): Promise<void> => {
    const s = requireSession(req);
    if (!ctx.chain) throw chainUnavailable({ zh: "未连接区块链，无法确认协会身份", en: "no chain connection: the association cannot be recognised" });
    let association: boolean;
    try {
      association = await ctx.chain.isAssociation(s.address);
    } catch (err) {
      ctx.log("supervision: the association's role could not be read", { error: (err as Error).message });
      throw chainUnavailable({ zh: "无法从链上读取协会身份，请稍后重试", en: "the association's role could not be read from the chain: try again later" });
    }
    if (!association) throw notAssociation();
  };

  r.get(
    "/supervision/records/:tokenId",
    {
      onRequest: associationOnly,
      schema: {
        tags: ["supervision"],
        summary: "抽查：证书的评价记录（协会） / sampling audit: a certificate's evaluation record (the association)",
        params: TokenIdParams,
        response: { 200: AuditAnswer, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (req) => {
      const { tokenId } = req.params;
      const found = auditRecordOf(ctx.db, tokenId);
      if (!found.found) {
        if (found.what === "erased") {
          throw new HttpError(404, "record-erased", { zh: `证书 ${tokenId} 的评价记录已按保存期限删除`, en: `the evaluation record of certificate ${tokenId} was erased (retention)` });
        }
        throw notFound(`certificate ${tokenId} of this body`);
      }
      return found.record;
    },
  );
}
