/**
 * What an issuance needs besides the approval: the round's re-checked panel, a credential with fresh salts, and the
 * chain's terms (the rulebook's on-chain id, the body's scope and notice period, the chain's clock). Used by
 * approval, renewal and re-issue.
 */
import type { Hex } from "viem";
import type { CqoClient } from "../sdk";
import { buildCredential, trustVerifiedSheets, type Dossier, type Evaluation, type PanelCheck, type PanelSheet, type Prepared } from "../scoring";
import { chainNow, onChain, requireChain, requireSigner } from "./chain-calls";
import type { Ctx } from "./context";
import { conflict, fieldProblems, unprocessable } from "./errors";
import type { DossierRow } from "./store/dossiers";
import { assessorRegisterOf, roundSheets } from "./store/panel";

export interface IssuanceTerms {
  prepared(key: string): Prepared;
  checkPanel(d: DossierRow, dossier: Dossier): Promise<PanelCheck>;
  prepareIssuance(d: DossierRow): Promise<Built & { rulebookId: number; validUntil: number; level: number }>;
}

type Built = Extract<ReturnType<typeof buildCredential>, { ok: true }>["value"];

export function issuanceTerms(ctx: Pick<Ctx, "db" | "chain" | "rulebooks" | "config">): IssuanceTerms {
  const prepared = (key: string): Prepared => {
    const p = ctx.rulebooks.get(key);
    if (!p) throw new Error(`rulebook ${key} is no longer loaded`);
    return p;
  };

  /**
   * The round's sheets. Each was verified (signature, hashes, indicators) when it was handed in, and stored with
   * its digest only then; the dossier's hash is fixed at acceptance. So evaluation and approval re-run the
   * content checks but not the signature recovery (scoring's trustVerifiedSheets).
   */
  const checkPanel = async (d: DossierRow, dossier: Dossier): Promise<PanelCheck> => {
    const p = prepared(d.rulebook_key);
    const sheets = roundSheets(ctx.db, d.id, d.round).map((r) => ({ sheet: JSON.parse(r.sheet_json) as PanelSheet, digest: r.digest }));
    // a rulebook/2 judges conflicts of interest on the employer registered for each assessor (issue #15)
    return trustVerifiedSheets({ ...p, dossier, dossierHash: d.dossier_hash, registered: assessorRegisterOf(ctx.db) }, sheets);
  };

  /**
   * The rulebook's id, the body's record and the chain's clock, shared by the approvals of one moment: read at
   * most every 2 s per rulebook, so a burst of approvals does not make five reads each. A change in between (the
   * body suspended, its scope narrowed) is still caught: the contract refuses the batch and the worker marks the
   * refused rows failed with the contract's reason.
   */
  const termsCache = new Map<string, { at: number; value: Promise<[number | null, Awaited<ReturnType<CqoClient["getBody"]>>, number]> }>();
  const chainTerms = (chain: CqoClient, rulebookHash: Hex) => {
    const hit = termsCache.get(rulebookHash);
    const now = Date.now();
    if (hit && now - hit.at < 2_000) return hit.value.then(([id, body, t]) => [id, body, t + Math.floor((now - hit.at) / 1000)] as const);
    const value = Promise.all([chain.rulebookIdOf(rulebookHash), chain.getBody(ctx.config.bodyId), chainNow(ctx)]);
    termsCache.set(rulebookHash, { at: now, value });
    value.catch(() => termsCache.delete(rulebookHash));
    return value;
  };

  /** The credential for an issuable evaluation, with fresh salts, and the issuance terms read from the chain. */
  const prepareIssuance = async (d: DossierRow) => {
    // reads only: a body that issues from its operators' wallets (CQO_ISSUANCE_MODE=wallet) needs no key here
    const chain = ctx.config.issuanceMode === "wallet" ? requireChain(ctx) : requireSigner(ctx);
    const dossier = JSON.parse(d.dossier_json) as Dossier;
    const evaluation = JSON.parse(d.evaluation_json ?? "null") as Evaluation | null;
    if (!evaluation?.issuable || evaluation.level === null) throw conflict("not-issuable", { zh: "该评价结果不可发证", en: "this evaluation cannot be issued" });
    const p = prepared(d.rulebook_key);
    const [rulebookId, body, t] = await onChain(() => chainTerms(chain, p.rulebookHash));
    if (rulebookId === null) throw unprocessable("rulebook-not-registered", { zh: "评价方案尚未在链上登记", en: "the rulebook is not registered on-chain" });
    if (!body) throw unprocessable("body-not-found", { zh: `链上没有认定主体 ${ctx.config.bodyId}`, en: `no body ${ctx.config.bodyId} on-chain` });
    if (!body.levels.includes(evaluation.level)) throw unprocessable("level-out-of-scope", { zh: `本主体无权认定等级 ${evaluation.level}`, en: `this body is not accredited for level ${evaluation.level}` });
    const panel = await checkPanel(d, dossier);
    const built = buildCredential({ evaluation, dossier, sheets: panel.accepted });
    if (!built.ok) throw unprocessable("credential", { zh: "无法生成凭证", en: "cannot build the credential" }, fieldProblems(built.errors));
    const validUntil = t + body.noticePeriod + evaluation.validity.years * 365 * 86_400;
    return { ...built.value, rulebookId, validUntil, level: evaluation.level };
  };

  return { prepared, checkPanel, prepareIssuance };
}
