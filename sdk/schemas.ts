/**
 * zod schemas for every value that enters the sdk from outside (a form, a file, a command line, an HTTP body):
 * a bad value is refused here with a message, before it costs a failed transaction.
 */
import { z } from "zod";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { GIVABLE_REVOCATION_REASONS, MAX_LEVEL, REVIEW_RESULTS, REVOCATION_REASONS } from "./types";

/** Any-case hex address, returned checksummed. */
export const AddressSchema = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: "not an Ethereum address (0x + 40 hex digits)" })
  .transform((s): Address => getAddress(s));

export const NonZeroAddressSchema = AddressSchema.refine((a) => BigInt(a) !== 0n, { message: "the zero address is not allowed" });

/** 32 bytes as 0x-hex, returned lower-case. */
export const Bytes32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { message: "not 32 bytes of hex (0x + 64 hex digits)" })
  .transform((s): Hex => s.toLowerCase() as Hex);

/** A result root: 32 bytes, not zero (the contract refuses the zero root). */
export const ResultRootSchema = Bytes32Schema.refine((h) => BigInt(h) !== 0n, { message: "the result root must not be zero" });

export const HexBytesSchema = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, { message: "not hex bytes" })
  .transform((s): Hex => s as Hex);

const uint = (bits: number) =>
  z.union([z.number().int().nonnegative(), z.bigint().nonnegative(), z.string().regex(/^\d+$/)]).transform((v, ctx) => {
    const n = BigInt(v);
    if (n >= 1n << BigInt(bits)) {
      ctx.addIssue({ code: "custom", message: `does not fit in ${bits} bits` });
      return z.NEVER;
    }
    return n;
  });

/** A certificate number (token id): write functions take 64 bits. Accepts decimal or 0x-hex strings. */
export const TokenIdSchema = z
  .union([z.bigint(), z.number().int(), z.string().regex(/^(\d+|0x[0-9a-fA-F]{1,16})$/, { message: "not a certificate number" })])
  .transform((v, ctx) => {
    const n = BigInt(v);
    if (n <= 0n || n >= 1n << 64n) {
      ctx.addIssue({ code: "custom", message: "a certificate number is 1 … 2^64-1" });
      return z.NEVER;
    }
    return n;
  });

export const Uint16Schema = uint(16).transform(Number);
export const Uint24Schema = uint(24).transform(Number);
export const Uint40Schema = uint(40).transform(Number);
export const Uint64Schema = uint(64);

export const BodyIdSchema = Uint16Schema.refine((n) => n > 0, { message: "body ids start at 1" });
export const RulebookIdSchema = Uint16Schema.refine((n) => n > 0, { message: "rulebook ids start at 1" });

export const LevelSchema = z.number().int().min(1, { message: "levels are 1 (一级) … 8" }).max(MAX_LEVEL, { message: "levels are 1 (一级) … 8" });

/** A body's scope: a non-empty bit mask over levels 1..8. */
export const ScopeSchema = z.number().int().min(1).max((1 << MAX_LEVEL) - 1);

export const RevocationReasonSchema = z.enum(REVOCATION_REASONS);
/** The reasons a body or the supervisor may give when revoking. */
export const GivableRevocationReasonSchema = z.enum(GIVABLE_REVOCATION_REASONS);

export const ReviewResultSchema = z.enum(REVIEW_RESULTS);

/** An index into a holder's certificates (uint16). */
export const HoldingIndexSchema = z.number().int().min(0).max(65_534);

export const IssuanceSchema = z.object({
  level: LevelSchema,
  validUntil: Uint40Schema,
  resultRoot: ResultRootSchema,
  holder: NonZeroAddressSchema,
  rulebookId: RulebookIdSchema,
});

export const IssuanceVoucherSchema = z.object({
  issuance: IssuanceSchema,
  deadline: Uint40Schema,
  bodyId: BodyIdSchema,
  /** uint64: the body's voucher nonce, as a bigint (decimal strings accepted, for JSON files) */
  nonce: Uint64Schema,
});

/** A key's consent to sign for a body (`IBodyRegistry.SigningKeyGrant`), e.g. from a file the key's holder sent. */
export const SigningKeyGrantSchema = z.object({
  key: NonZeroAddressSchema,
  deadline: Uint40Schema,
  signature: HexBytesSchema,
});

export type SigningKeyGrantInput = z.input<typeof SigningKeyGrantSchema>;

export const AccreditationSchema = z.object({
  admin: NonZeroAddressSchema,
  scope: ScopeSchema,
  accreditedUntil: Uint40Schema,
  noticePeriod: Uint24Schema,
  metadataURI: z.string().max(2048),
  metadataHash: Bytes32Schema,
});

export type AccreditationInput = z.input<typeof AccreditationSchema>;
export type Accreditation = z.output<typeof AccreditationSchema>;
export type IssuanceInput = z.input<typeof IssuanceSchema>;

/** Parses with a schema and throws one readable error naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${[what, ...i.path.map(String)].join(".")}: ${i.message}`);
  throw new InvalidInputError(issues);
}

export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  constructor(readonly issues: string[]) {
    super(issues.join("; "));
  }
}
