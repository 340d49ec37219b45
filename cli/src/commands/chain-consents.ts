/**
 * Signing keys' consents (SigningKeyConsent, EIP-712): a key joins a body only with its own signature naming the
 * body, so the association cannot enrol somebody else's address, and a key cannot be moved between bodies behind
 * its holder's back. A consent reaches `cqo body accredit` / `cqo body add-key` either as a file written by
 * `cqo key consent` on the key holder's machine (`--consent FILE`, repeatable), or is signed on the spot with a
 * key the operator holds locally (`--key-keystore FILE`, repeatable, or CQO_KEY_PRIVATE_KEY; never an argument).
 * Every consent is checked here against the body it must name before a transaction is sent, so a consent for the
 * wrong body id or an expired one fails with a clear message instead of a reverted transaction.
 */
import type { Command } from "commander";
import { getAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { AddressSchema, BodyIdSchema, HexBytesSchema, parseInput, signingKeyConsentTypedData, type CqoClient, type SigningKeyGrant } from "../../../sdk";
import { EXIT, readJson } from "../io";
import { ChainCliError, chainNow, decryptKeystore, isoTime, parsePrivateKey, repeated } from "./chain-context";

/** What `cqo key consent` prints and `--consent` reads: one grant, or a list of them. */
const GrantSchema = z.object({
  key: AddressSchema,
  deadline: z.number().int().nonnegative(),
  signature: HexBytesSchema,
});
export const ConsentFileSchema = z.union([GrantSchema, z.array(GrantSchema).min(1)]);

/** Local consent signing: an hour is ample for the transaction that follows at once. */
export const LOCAL_CONSENT_SECONDS = 3600;

export interface ConsentOptions {
  consent: string[];
  keyKeystore: string[];
}

/** Adds --consent and --key-keystore to a command that enrols keys. */
export function consentOptions(cmd: Command): Command {
  return cmd
    .option("--consent <file>", "a signing key's consent, written by `cqo key consent` (repeatable)", repeated, [])
    .option("--key-keystore <file>", "or: sign the key's consent here with its encrypted keystore (repeatable; password from $CQO_KEY_KEYSTORE_PASSWORD, else prompted)", repeated, []);
}

export function readConsentFiles(files: readonly string[]): SigningKeyGrant[] {
  return files.flatMap((file) => {
    const parsed = parseInput(ConsentFileSchema, readJson(file), file);
    return (Array.isArray(parsed) ? parsed : [parsed]).map((g) => ({ key: getAddress(g.key), deadline: g.deadline, signature: g.signature as Hex }));
  });
}

/** The keys the operator holds here: --key-keystore files, then CQO_KEY_PRIVATE_KEY (several: comma-separated). */
export async function localKeyAccounts(opts: ConsentOptions): Promise<PrivateKeyAccount[]> {
  const keys: Hex[] = [];
  for (const file of opts.keyKeystore) keys.push(await decryptKeystore(file, "CQO_KEY_KEYSTORE_PASSWORD"));
  const env = process.env.CQO_KEY_PRIVATE_KEY;
  if (env) for (const k of env.split(",").map((s) => s.trim()).filter(Boolean)) keys.push(parsePrivateKey(k, "CQO_KEY_PRIVATE_KEY"));
  return keys.map((k) => privateKeyToAccount(k));
}

/** The consent of `account` to sign for `bodyId`, signed locally (no RPC needed). */
export async function signConsentLocally(cqo: CqoClient, account: PrivateKeyAccount, bodyId: number, deadline: number): Promise<SigningKeyGrant> {
  const signature = await account.signTypedData(signingKeyConsentTypedData(cqo.deployment, { bodyId, key: account.address, deadline }));
  return { key: account.address, deadline, signature };
}

/**
 * Checks grants as the contract will: each signature is its key's (an EOA's, or an ERC-1271 wallet's through the
 * chain) over a consent naming `bodyId`, not expired, and no key twice.
 */
export async function checkGrants(cqo: CqoClient, bodyId: number, grants: readonly SigningKeyGrant[]): Promise<void> {
  const now = await chainNow(cqo);
  const seen = new Set<Address>();
  for (const g of grants) {
    if (seen.has(g.key)) throw new ChainCliError(`the key ${g.key} is given twice`, EXIT.INVALID, `签名密钥 ${g.key} 重复`);
    seen.add(g.key);
    if (g.deadline < now) {
      throw new ChainCliError(`the consent of ${g.key} expired at ${isoTime(g.deadline)}: ask for a new one (cqo key consent)`, EXIT.INVALID, `签名密钥 ${g.key} 的同意书已过期，请重新签署`);
    }
    const ok = await cqo.publicClient.verifyTypedData({ address: g.key, signature: g.signature, ...signingKeyConsentTypedData(cqo.deployment, { bodyId, key: g.key, deadline: g.deadline }) });
    if (!ok) {
      throw new ChainCliError(
        `the consent of ${g.key} is not its signature for body ${bodyId} on this deployment (signed for another body id or contract?)`,
        EXIT.INVALID,
        `签名密钥 ${g.key} 的同意书不是对认定主体 ${bodyId}（本部署）的签名`,
      );
    }
  }
}

/** The grants of a command's --consent files and local keys, for `bodyId`, checked. */
export async function collectGrants(cqo: CqoClient, bodyId: number, opts: ConsentOptions): Promise<SigningKeyGrant[]> {
  const grants = readConsentFiles(opts.consent);
  const local = await localKeyAccounts(opts);
  if (local.length) {
    const deadline = (await chainNow(cqo)) + LOCAL_CONSENT_SECONDS;
    for (const account of local) grants.push(await signConsentLocally(cqo, account, bodyId, deadline));
  }
  await checkGrants(cqo, bodyId, grants);
  return grants;
}

/** `--body`: a body id, or `next` for the body the association will accredit next. */
export async function consentBodyId(cqo: CqoClient, value: string): Promise<number> {
  if (value === "next") return cqo.nextBodyId();
  return parseInput(BodyIdSchema, value, "--body");
}
