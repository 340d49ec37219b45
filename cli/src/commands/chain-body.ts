/**
 * `cqo body …`: the association's registry of certifying bodies (认定主体) and their signing keys. A key joins a
 * body only with its own consent (see chain-consents.ts): `accredit` and `add-key` take consent files or sign with
 * keys held locally.
 */
import type { Command } from "commander";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { AddressSchema, BodyIdSchema, parseInput, type BodyRecord } from "../../../sdk";
import { EXIT } from "../io";
import { ChainCliError, chainAction, chainNow, chainOptions, clientFor, emit, evidenceHash, isoDate, parseDate, say, type ChainOptions } from "./chain-context";
import { collectGrants, consentOptions, type ConsentOptions } from "./chain-consents";

const bodyId = (value: string): number => parseInput(BodyIdSchema, value, "bodyId");

function printBody(b: BodyRecord): void {
  say(`认定主体 Body ${b.bodyId}: ${b.status}${b.accredited ? " (accredited now 认定有效)" : " (NOT accredited now 当前无认定资格)"}`);
  say(`  admin          ${b.admin}`);
  say(`  levels         ${b.levels.join(", ")}  (scope 0b${b.scope.toString(2)})`);
  say(`  accredited to  ${isoDate(b.accreditedUntil)}`);
  say(`  notice period  ${b.noticePeriod / 86_400} days (公示)`);
  say(`  voucher nonce  ${b.voucherNonce}  (cqo body cancel-vouchers draws a new one)`);
  say(`  metadata       ${b.metadataURI || "-"} ${b.metadataHash}`);
  if (b.voidedBefore) say(`  voided before  ${isoDate(b.voidedBefore)} (certificates evaluated earlier are void; latest void in block ${b.lastVoidBlock})`);
  say(`  signing keys   ${b.signingKeys.length ? b.signingKeys.join("\n                 ") : "-"}`);
}

export function register(program: Command): void {
  const body = program.command("body").description("accredit and supervise certifying bodies (认定主体) on-chain");

  consentOptions(
    chainOptions(
      body
        .command("accredit")
        .description("accredit a body with its first signing keys, each with its consent (the association)")
        .requiredOption("--admin <address>", "the body's admin, who manages its keys")
        .requiredOption("--levels <list>", "levels the body may certify, e.g. 1,2,3")
        .option("--until <date>", "end of accreditation (YYYY-MM-DD or unix seconds)")
        .option("--years <n>", "or: accredited for n years from now", "3")
        .option("--notice-days <n>", "public notice (公示) before a certificate becomes valid", "7")
        .option("--metadata-uri <uri>", "the body's metadata document", "")
        .option("--metadata-hash <hash>", "its hash (default: keccak-256 of the URI)"),
      { signs: true },
    ),
  ).action(
    chainAction(async (opts: ChainOptions & ConsentOptions & { admin: string; levels: string; until?: string; years: string; noticeDays: string; metadataUri: string; metadataHash?: string }) => {
      const levels = opts.levels.split(",").map((s) => Number(s.trim()));
      if (levels.some((l) => !Number.isInteger(l) || l < 1 || l > 8)) throw new ChainCliError(`--levels: levels are 1 … 8, got "${opts.levels}"`, EXIT.INVALID, "等级须为 1 … 8");
      const cqo = await clientFor(opts, { signs: true });
      // consents name the new body's id: the one the registry hands out next
      const expectedId = await cqo.nextBodyId();
      const grants = await collectGrants(cqo, expectedId, opts);
      const now = await chainNow(cqo);
      const accreditedUntil = opts.until ? parseDate(opts.until, "--until") : now + Math.round(Number(opts.years) * 365 * 86_400);
      const r = await cqo.accreditBody(
        {
          admin: opts.admin,
          scope: levels.reduce((s, l) => s | (1 << (l - 1)), 0),
          accreditedUntil,
          noticePeriod: Math.round(Number(opts.noticeDays) * 86_400),
          metadataURI: opts.metadataUri,
          metadataHash: (opts.metadataHash ?? keccak256(toHex(opts.metadataUri))) as Hex,
        },
        grants,
      );
      const keys = grants.map((g) => g.key);
      emit(opts, { ok: true, bodyId: r.bodyId, keys, tx: r.hash }, () => {
        say(`✓ body ${r.bodyId} accredited (认定主体已登记)  tx ${r.hash}`);
        for (const k of keys) say(`  signing key  ${k}`);
      });
    }),
  );

  const simple = (name: string, description: string, run: (id: number, opts: ChainOptions & { evidence?: string }) => Promise<{ hash: Hex }>, evidence: boolean) => {
    const cmd = body.command(name).description(description).argument("<bodyId>", "the body's id");
    if (evidence) cmd.option("--evidence <hash|file>", "evidence: a 32-byte hash, or a file to hash");
    chainOptions(cmd, { signs: true }).action(
      chainAction(async (id: string, opts: ChainOptions & { evidence?: string }) => {
        const r = await run(bodyId(id), opts);
        emit(opts, { ok: true, bodyId: bodyId(id), tx: r.hash }, () => say(`✓ body ${id}: ${name}  tx ${r.hash}`));
      }),
    );
  };
  simple("suspend", "suspend a body: it can no longer issue (the association or the supervisor)", async (id, o) => (await clientFor(o, { signs: true })).suspendBody(id, evidenceHash(o.evidence)), true);
  simple("reinstate", "lift a body's suspension", async (id, o) => (await clientFor(o, { signs: true })).reinstateBody(id), false);
  simple("revoke", "withdraw a body's accreditation for good (the association)", async (id, o) => (await clientFor(o, { signs: true })).revokeAccreditation(id, evidenceHash(o.evidence)), true);

  // Adding a key: its consent (a file, or signed here with the key). The body's admin or the association.
  const addKey = (cmd: Command) =>
    consentOptions(chainOptions(cmd.argument("<bodyId>", "the body's id").argument("[address]", "the key (checked against its consent)"), { signs: true })).action(
      chainAction(async (id: string, address: string | undefined, opts: ChainOptions & ConsentOptions) => {
        const cqo = await clientFor(opts, { signs: true });
        const grants = await collectGrants(cqo, bodyId(id), opts);
        if (grants.length !== 1) throw new ChainCliError(`give exactly one key's consent (--consent FILE or --key-keystore FILE), got ${grants.length}`, EXIT.INVALID, "须提供且仅提供一个签名密钥的同意书");
        const grant = grants[0]!;
        if (address !== undefined && getAddress(parseInput(AddressSchema, address, "address")) !== grant.key) {
          throw new ChainCliError(`the consent is of ${grant.key}, not of ${address}`, EXIT.INVALID, "同意书的签名密钥与地址不符");
        }
        const r = await cqo.addSigningKey(bodyId(id), grant);
        emit(opts, { ok: true, bodyId: bodyId(id), key: grant.key, tx: r.hash }, () => say(`✓ body ${id}: key ${grant.key} added  tx ${r.hash}`));
      }),
    );
  const removeKey = (cmd: Command) =>
    chainOptions(cmd.argument("<bodyId>").argument("<address>"), { signs: true }).action(
      chainAction(async (id: string, key: string, opts: ChainOptions) => {
        const r = await (await clientFor(opts, { signs: true })).removeSigningKey(bodyId(id), key);
        emit(opts, { ok: true, bodyId: bodyId(id), key, tx: r.hash }, () => say(`✓ body ${id}: key ${key} removed  tx ${r.hash}`));
      }),
    );
  addKey(body.command("add-key").description("add a signing key with its consent (the body's admin or the association)"));
  removeKey(body.command("remove-key").description("remove a signing key (the body's admin or the association)"));
  // the v1 spelling, kept for scripts
  const keys = body.command("keys").description("a body's signing keys: add / remove (same as add-key / remove-key)");
  addKey(keys.command("add").description("add a signing key with its consent"));
  removeKey(keys.command("remove").description("remove a signing key"));

  chainOptions(body.command("cancel-vouchers").description("void every outstanding issuance voucher of a body (its admin or the association)").argument("<bodyId>"), { signs: true }).action(
    chainAction(async (id: string, opts: ChainOptions) => {
      const cqo = await clientFor(opts, { signs: true });
      const r = await cqo.cancelVouchers(bodyId(id));
      emit(opts, { ok: true, bodyId: bodyId(id), voucherNonce: r.nonce, tx: r.hash }, () => say(`✓ body ${id}: outstanding vouchers cancelled (凭证已作废); new voucher nonce ${r.nonce}  tx ${r.hash}`));
    }),
  );

  chainOptions(body.command("show").description("a body's record and keys; all bodies without an id").argument("[bodyId]"), { signs: false }).action(
    chainAction(async (id: string | undefined, opts: ChainOptions) => {
      const cqo = await clientFor(opts, { signs: false });
      const bodies = id === undefined ? await cqo.listBodies() : [await cqo.getBody(bodyId(id))];
      if (bodies.some((b) => b === null)) throw new ChainCliError(`there is no body ${id}`, EXIT.INVALID, `认定主体 ${id} 不存在`);
      const found = bodies.filter((b): b is BodyRecord => b !== null);
      emit(opts, { ok: true, bodies: found }, () => found.forEach(printBody));
    }),
  );
}
