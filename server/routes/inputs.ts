/** Input schemas shared by several route plugins; each plugin keeps its own beside its routes. */
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import { SignatureInput } from "../signatures";
import { encodeMessage, text } from "../../scoring";

/** a bilingual zod message */
export const bi = (zh: string, en: string) => encodeMessage({ zh, en });

export const AddressInput = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), bi("应为以太坊地址（0x 加 40 位十六进制）", "must be an Ethereum address (0x + 40 hex digits)"))
  .transform((s): Address => getAddress(s));

export const Sha256Input = z.string().regex(/^[0-9a-f]{64}$/, bi("应为 64 位小写十六进制 SHA-256", "must be a SHA-256 of 64 lowercase hex digits"));

export const DossierId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, bi("申报编号格式不正确", "malformed dossier id"));
export const DossierIdParams = z.strictObject({ id: DossierId });

export const Note = text({ max: 2000, multiline: true }).optional();

/** an optional JSON body with at most a note */
export const EmptyBody = z.strictObject({ note: Note }).optional();

/** 0x-hex, at most 2 kB, never high-s (server/signatures.ts) */
export const HexSignature = SignatureInput;

export const Root = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, bi("应为 0x 加 64 位小写十六进制", "must be 0x and 64 lowercase hex digits"))
  .transform((s): Hex => s as Hex);
