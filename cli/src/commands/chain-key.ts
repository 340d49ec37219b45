/**
 * `cqo key consent`: run by a signing key's holder, with that key (--keystore or CQO_PRIVATE_KEY): signs its
 * consent (SigningKeyConsent, EIP-712) to sign for one body, for the association (`cqo body accredit --consent`)
 * or the body's admin (`cqo body add-key --consent`). Prints `{ key, deadline, signature }`. A consent is single
 * use and names the body id, so it cannot enrol the key anywhere else.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { EXIT } from "../io";
import { ChainCliError, chainAction, chainNow, chainOptions, clientFor, isoTime, parseDate, say, toJson, type ChainOptions } from "./chain-context";
import { consentBodyId } from "./chain-consents";

/** The default life of a consent: a week to reach the association and be used. */
export const CONSENT_DAYS = 7;

export function register(program: Command): void {
  const key = program.command("key").description("a signing key's own acts (签名密钥)");
  chainOptions(
    key
      .command("consent")
      .requiredOption("--body <id|next>", "the body the key will sign for (`next`: the body the association accredits next)")
      .option("--deadline <date>", `until when the consent may be used (YYYY-MM-DD or unix seconds; default: ${CONSENT_DAYS} days)`)
      .option("--out <file>", "write the consent here (else stdout)")
      .description("as the signing key: consent to sign for a body (签名密钥同意书)"),
    { signs: true },
  ).action(
    chainAction(async (opts: ChainOptions & { body: string; deadline?: string; out?: string }) => {
      const cqo = await clientFor(opts, { signs: true });
      const bodyId = await consentBodyId(cqo, opts.body);
      const now = await chainNow(cqo);
      const deadline = opts.deadline ? parseDate(opts.deadline, "--deadline") : now + CONSENT_DAYS * 86_400;
      if (deadline <= now) throw new ChainCliError(`--deadline ${isoTime(deadline)} is already past`, EXIT.INVALID, "截止时间已过");
      const grant = await cqo.signSigningKeyConsent({ bodyId, deadline });
      const text = `${JSON.stringify(toJson({ key: grant.key, deadline: grant.deadline, signature: grant.signature }), null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, text);
        if (opts.json) process.stdout.write(text);
        else say(`✓ consent of ${grant.key} to sign for body ${bodyId} until ${isoTime(deadline)} written to ${opts.out}`);
      } else process.stdout.write(text);
    }),
  );
}
