/** `cqo status …`: a certificate's life after issuance (监督管理): suspend, reinstate, revoke, renew, re-issue. */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { GIVABLE_REVOCATION_REASONS, GivableRevocationReasonSchema, HexBytesSchema, parseInput, ResultRootSchema, RulebookIdSchema, type ReissueConsent } from "../../../sdk";
import { EXIT } from "../io";
import { ChainCliError, chainAction, chainNow, chainOptions, clientFor, emit, evidenceHash, parseDate, say, toJson, type ChainOptions } from "./chain-context";

const ConsentFile = z.object({
  consent: z.object({ tokenId: z.union([z.string(), z.number()]), newHolder: z.string(), newResultRoot: z.string(), deadline: z.number().int() }),
  signature: z.string(),
});

export function register(program: Command): void {
  const status = program.command("status").description("change a certificate's status (the issuing body's keys, or the supervisor)");
  const done = (opts: ChainOptions, what: string, tokenId: string, hash: string, extra: Record<string, unknown> = {}) =>
    emit(opts, { ok: true, tokenId, tx: hash, ...extra }, () => say(`✓ certificate #${tokenId}: ${what}  tx ${hash}`));

  chainOptions(status.command("suspend").argument("<tokenId>").option("--evidence <hash|file>", "evidence: a 32-byte hash, or a file to hash").description("suspend (暂停)"), { signs: true }).action(
    chainAction(async (tokenId: string, opts: ChainOptions & { evidence?: string }) => {
      const r = await (await clientFor(opts, { signs: true })).suspendCertificate(tokenId, evidenceHash(opts.evidence));
      done(opts, "suspended 已暂停", tokenId, r.hash);
    }),
  );

  chainOptions(status.command("reinstate").argument("<tokenId>").description("lift a suspension (恢复)"), { signs: true }).action(
    chainAction(async (tokenId: string, opts: ChainOptions) => {
      const r = await (await clientFor(opts, { signs: true })).reinstateCertificate(tokenId);
      done(opts, "reinstated 已恢复", tokenId, r.hash);
    }),
  );

  chainOptions(
    status
      .command("revoke")
      .argument("<tokenId>")
      .requiredOption("--reason <name>", `one of ${GIVABLE_REVOCATION_REASONS.join(", ")}`)
      .option("--evidence <hash|file>", "evidence: a 32-byte hash, or a file to hash")
      .description("revoke for good (撤销)"),
    { signs: true },
  ).action(
    chainAction(async (tokenId: string, opts: ChainOptions & { reason: string; evidence?: string }) => {
      const reason = parseInput(GivableRevocationReasonSchema, opts.reason, "--reason");
      const r = await (await clientFor(opts, { signs: true })).revokeCertificate(tokenId, reason, evidenceHash(opts.evidence));
      done(opts, `revoked 已撤销 (${reason})`, tokenId, r.hash);
    }),
  );

  chainOptions(
    status
      .command("renew")
      .argument("<tokenId>")
      .requiredOption("--root <hex>", "the re-evaluation's result root")
      .requiredOption("--rulebook <id>", "the rulebook id it was scored with")
      .option("--valid-until <date>", "new end of validity (YYYY-MM-DD or unix seconds)")
      .option("--years <n>", "or: valid n years from now", "3")
      .description("renew after a re-evaluation (复评续期)"),
    { signs: true },
  ).action(
    chainAction(async (tokenId: string, opts: ChainOptions & { root: string; rulebook: string; validUntil?: string; years: string }) => {
      const cqo = await clientFor(opts, { signs: true });
      const now = await chainNow(cqo);
      const validUntil = opts.validUntil ? parseDate(opts.validUntil, "--valid-until") : now + Math.round(Number(opts.years) * 365 * 86_400);
      const r = await cqo.renewCertificate(tokenId, { resultRoot: parseInput(ResultRootSchema, opts.root, "--root"), rulebookId: parseInput(RulebookIdSchema, opts.rulebook, "--rulebook"), validUntil });
      done(opts, "renewed 已续期", tokenId, r.hash, { validUntil });
    }),
  );

  chainOptions(
    status
      .command("consent")
      .argument("<tokenId>")
      .requiredOption("--root <hex>", "the result root of the new credential (fresh salts)")
      .option("--hours <n>", "how long the consent stays valid", "72")
      .option("--out <file>", "write the signed consent here (else stdout)")
      .description("as the NEW wallet: sign consent to receive a re-issued certificate (补发同意书)"),
    { signs: true },
  ).action(
    chainAction(async (tokenId: string, opts: ChainOptions & { root: string; hours: string; out?: string }) => {
      const cqo = await clientFor(opts, { signs: true });
      const holder = cqo.walletClient?.account?.address;
      if (!holder) throw new ChainCliError("no signing key", 7);
      const now = await chainNow(cqo);
      const consent: ReissueConsent = { tokenId: BigInt(tokenId), newHolder: holder, newResultRoot: parseInput(ResultRootSchema, opts.root, "--root"), deadline: now + Math.round(Number(opts.hours) * 3600) };
      const signed = await cqo.signReissueConsent(consent);
      const text = `${JSON.stringify(toJson(signed), null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, text);
        if (!opts.json) say(`✓ consent for #${tokenId} to ${holder} written to ${opts.out}`);
        else process.stdout.write(text);
      } else process.stdout.write(text);
    }),
  );

  chainOptions(
    status
      .command("reissue")
      .argument("<tokenId>")
      .requiredOption("--consent <file>", "the new wallet's signed consent (cqo status consent)")
      .description("re-issue to a new wallet (补发): the old certificate is revoked as Reissued"),
    { signs: true },
  ).action(
    chainAction(async (tokenId: string, opts: ChainOptions & { consent: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(opts.consent, "utf8"));
      } catch (err) {
        throw new ChainCliError(`cannot read the consent ${opts.consent}: ${(err as Error).message}`, EXIT.IO);
      }
      const file = parseInput(ConsentFile, raw, "consent");
      if (String(file.consent.tokenId) !== String(BigInt(tokenId))) throw new ChainCliError(`the consent is for #${file.consent.tokenId}, not #${tokenId}`, EXIT.INVALID, "同意书对应的证书编号不符");
      const consent: ReissueConsent = { tokenId: BigInt(file.consent.tokenId), newHolder: file.consent.newHolder as ReissueConsent["newHolder"], newResultRoot: parseInput(ResultRootSchema, file.consent.newResultRoot, "newResultRoot"), deadline: file.consent.deadline };
      const r = await (await clientFor(opts, { signs: true })).reissueCertificate(consent, parseInput(HexBytesSchema, file.signature, "signature"));
      done(opts, `re-issued as #${r.newTokenId} to ${consent.newHolder} (已补发)`, tokenId, r.hash, { newTokenId: r.newTokenId });
    }),
  );
}
