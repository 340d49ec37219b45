/**
 * The integrity declaration that comes with a dossier (POST /dossiers `declaration`): signed in the applicant's
 * wallet as EIP-712 (sdk/declaration.ts) over the dossier as the workbench parsed it, the declaration's text and the
 * applicant's separate choice about publication in the notice. Checked here before anything is stored: recent, by
 * the signed-in wallet (an EOA, or a contract wallet through ERC-1271), over exactly this dossier. Refusals are 422s
 * naming `body.declaration.signature` or `body.declaration.signedAt`.
 */
import { hashTypedData, type Address, type Hex } from "viem";
import { z } from "zod";
import type { Dossier } from "../scoring";
import { declarationTypedData, integrityDeclaration, type IntegrityDeclaration } from "../sdk";
import { requireChain } from "./chain-calls";
import type { Ctx } from "./context";
import { unprocessable, type FieldProblem } from "./errors";
import { HexSignature, bi } from "./routes/inputs";
import { canonicalSignature } from "./signatures";
import { isSignedByWallet } from "./wallet-signature";

/** How old a declaration's `signedAt` may be, and how far ahead of the workbench's clock (seconds). */
export const DECLARATION_WINDOW = { maxAgeSeconds: 600, maxFutureSeconds: 120 } as const;

const SignedAt = z
  .number(bi("签名时间应为 Unix 秒数", "signedAt is unix seconds"))
  .int(bi("签名时间应为 Unix 秒数", "signedAt is unix seconds"))
  .positive(bi("签名时间应为 Unix 秒数", "signedAt is unix seconds"))
  .max(2 ** 40 - 1, bi("签名时间超出 uint40", "signedAt exceeds uint40"));

export const DeclarationInput = z.strictObject({
  signature: HexSignature,
  signedAt: SignedAt,
  publishInNotice: z.boolean(bi("是否同意公示期间公开姓名、单位和等级：应为 true 或 false", "publishInNotice must be true or false")),
});
export type DeclarationInput = z.output<typeof DeclarationInput>;

const field = (name: "signature" | "signedAt", zh: string, en: string): FieldProblem => ({ field: `body.declaration.${name}`, path: ["body", "declaration", name], zh, en });

export interface CheckedDeclaration {
  message: IntegrityDeclaration;
  digest: Hex;
  /** canonical (server/signatures.ts): what is stored, one dossier per signature */
  signature: Hex;
}

/** Refuses (422) a declaration that is stale, from the future, or not the signed-in wallet's over this dossier. */
export async function checkDeclaration(ctx: Pick<Ctx, "chain" | "now">, applicant: Address, dossier: Dossier, input: DeclarationInput): Promise<CheckedDeclaration> {
  const now = Math.floor(ctx.now() / 1000);
  if (input.signedAt < now - DECLARATION_WINDOW.maxAgeSeconds || input.signedAt > now + DECLARATION_WINDOW.maxFutureSeconds) {
    throw unprocessable("declaration-stale", { zh: "诚信承诺书的签名时间过早或晚于当前时间，请重新签名", en: "the integrity declaration was signed too long ago or in the future: sign it again" }, [
      field("signedAt", `应在当前时间前 ${DECLARATION_WINDOW.maxAgeSeconds} 秒内`, `must be within ${DECLARATION_WINDOW.maxAgeSeconds} s before now (${now})`),
    ]);
  }
  // the domain names the chain and the certificate contract: a declaration for another deployment is not this one
  const chain = requireChain(ctx);
  const message = integrityDeclaration({ applicant, dossier, publishInNotice: input.publishInNotice, signedAt: input.signedAt });
  const typed = declarationTypedData(chain.deployment.chainId, chain.address, message);
  const digest = hashTypedData(typed);
  if (!(await isSignedByWallet(chain, typed, digest, input.signature, applicant))) {
    throw unprocessable("declaration-signature", { zh: "诚信承诺书签名与所提交的申报材料或登录账户不符", en: "the integrity declaration's signature does not match the dossier submitted or the signed-in wallet" }, [
      field("signature", "请在钱包中对本次提交的申报材料重新签署诚信承诺书", "sign the integrity declaration again in the wallet, over the dossier as submitted"),
    ]);
  }
  return { message, digest, signature: canonicalSignature(input.signature) };
}
