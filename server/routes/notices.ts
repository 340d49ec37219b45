/**
 * 公示 for the public: GET /notices lists the body's certificates now in public notice — no sign-in, as a notice
 * must be seen to be objected to. For each, only what the applicant consented to publish (sdk/declaration.ts
 * NOTICE_PUBLISHED_FIELDS: name, employer, level) as a selective disclosure of the salted record, which the reader
 * checks against the on-chain root; without consent, nothing of the person. The applicant may withdraw the consent
 * (POST /dossiers/:id/notice-consent/withdraw); erasure withdraws it too.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { Credential, disclose } from "../../scoring";
import { NOTICE_PUBLISHED_FIELDS } from "../../sdk";
import { signedIn, sessionOf, type RouteOptions } from "../context";
import { conflict, notFound } from "../errors";
import { errors } from "../openapi";
import { rateLimit } from "../protection";
import { declarationOf, withdrawNoticeConsent, type DeclarationRow } from "../store/declarations";
import { getDossier } from "../store/dossiers";
import { laterNotices } from "../renewal-notice";
import { noticesInProgress, type NoticeRow } from "../store/notices";
import { audit } from "../workflow";
import { DossierIdParams } from "./inputs";

/** What GET /dossiers/:id shows of the declaration: never the signature's use elsewhere, only its facts. */
export const DeclarationView = z.object({
  version: z.string(),
  signedAt: z.number().int(),
  dossierDigest: z.string(),
  publishInNotice: z.boolean(),
  consentWithdrawnAt: z.number().nullable(),
});

export const declarationView = (d: DeclarationRow | undefined): z.infer<typeof DeclarationView> | null =>
  d ? { version: d.declaration_version, signedAt: d.signed_at, dossierDigest: d.dossier_digest, publishInNotice: d.publish_in_notice === 1, consentWithdrawnAt: d.consent_withdrawn_at } : null;

/** the most a notice lists (a body's notices of one week are far fewer) */
export const NOTICE_LIST_MAX = 500;

const NoticeItem = z.object({
  tokenId: z.string(),
  level: z.number().int().nullable().describe("认定等级 / the level, only with the applicant's consent"),
  objectionOpen: z.boolean(),
  kind: z
    .enum(["issuance", "renewal", "reissue"])
    .describe("issuance：首次认定的公示；renewal：复评（换证）的公示；reissue：补发到新钱包的公示（只列证书编号）/ the first issuance's notice, a re-evaluation's (renewal), or a re-issue's to a new wallet (the number only)"),
  disclosure: z.unknown().nullable().describe("cqo-disclosure/2 of name, employer.name and level (scoring/commit/credential.ts), only with the applicant's consent; check it against the on-chain root"),
});
const Notices = z.object({ bodyId: z.number().int(), items: z.array(NoticeItem) });

/** the consented fields of the record, or null (no consent, an erased or a v1 record that keeps them together) */
function consentedDisclosure(row: NoticeRow): { disclosure: unknown; level: number | null } {
  if (!row.consented || !row.credential_json) return { disclosure: null, level: null };
  const parsed = Credential.safeParse(JSON.parse(row.credential_json));
  if (!parsed.success) return { disclosure: null, level: null };
  const d = disclose(parsed.data, NOTICE_PUBLISHED_FIELDS);
  if (!d.ok) return { disclosure: null, level: null };
  const level = d.value.fields.find((f) => f.name === "level")?.value;
  return { disclosure: d.value, level: typeof level === "number" ? level : null };
}

export async function noticeRoutes(app: FastifyInstance, { ctx }: RouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  // limited per IP as the other requests without a session are (the nonce's limit)
  r.get("/notices", { config: { rateLimit: rateLimit("nonce") }, schema: { response: { 200: Notices, ...errors(429) } } }, async () => {
    const issuances = noticesInProgress(db, NOTICE_LIST_MAX);
    // renewals' and re-issues' notices need the chain's clock: without it the list still answers, with the first issuances only
    const renewals = ctx.chain
      ? await laterNotices(db, ctx.chain, NOTICE_LIST_MAX).catch((err: unknown) => {
          ctx.log("renewal and re-issue notices unavailable", { error: (err as Error).message });
          return [];
        })
      : [];
    return {
      bodyId: ctx.config.bodyId,
      items: [...issuances, ...renewals].slice(0, NOTICE_LIST_MAX).map((row) => ({ tokenId: row.token_id, objectionOpen: row.open_objections > 0, kind: row.kind, ...consentedDisclosure(row) })),
    };
  });

  r.post("/dossiers/:id/notice-consent/withdraw", { onRequest: signedIn, schema: { params: DossierIdParams, response: { 200: DeclarationView, ...errors(400, 401, 404, 409) } } }, async (req) => {
    const s = sessionOf(req);
    const d = getDossier(db, req.params.id);
    // the applicant's own choice: nobody else learns whether the dossier exists
    if (!d || d.applicant !== s.address) throw notFound(`dossier ${req.params.id}`);
    const declared = declarationOf(db, d.id);
    if (!declared?.publish_in_notice) throw conflict("no-consent", { zh: "您未同意公示期间公开个人信息，无需撤回", en: "you did not consent to publication in the notice: nothing to withdraw" });
    db.transaction(() => {
      withdrawNoticeConsent(db, d.id, ctx.now());
      audit(db, { dossierId: d.id, actor: { address: s.address, role: "applicant" }, action: "withdraw-notice-consent", from: d.state, to: d.state, details: { publishInNotice: false } });
    })();
    return declarationView(declarationOf(db, d.id))!;
  });
}
