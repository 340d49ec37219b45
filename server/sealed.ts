/**
 * Encryption at rest of personal data (PIPL, issue #10): AES-256-GCM from node:crypto (OpenSSL), an authenticated
 * cipher, so a value that was altered, cut, or sealed under another key is refused instead of decrypted to garbage.
 *
 * Why these choices:
 * - A fresh random 96-bit IV per seal. GCM must never reuse an IV under one key; 2^32 seals per key keep the
 *   chance of a collision negligible, far beyond what one workbench writes before its key is rotated.
 * - The AAD binds a value to its place (`dossiers.dossier_json:<id>`, `evidence:<sha256>`): a ciphertext copied
 *   into another row, or another file name, fails its tag. The format prefix and the key id are authenticated too.
 * - Every value names its key id, so a key ring (the current key and the previous ones) decrypts data sealed
 *   before a rotation, and rotation can re-seal row by row (server/sealed-columns.ts).
 * - The key never lives in the database: CQO_DATA_KEY, or CQO_DATA_KEY_FILE (a file only its owner may read).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

export interface DataKey {
  id: string;
  /** 32 bytes */
  key: Buffer;
}

export interface KeyRing {
  current: DataKey;
  /** every key that may still decrypt, current included */
  byId: ReadonlyMap<string, DataKey>;
  /** the development ring (devKeyRing): never for real personal data */
  dev?: boolean;
}

export type SealedErrorCode = "malformed" | "unknown-key" | "auth-failed";

/** A sealed value that cannot be opened: malformed, sealed under a key the ring lacks, or altered (bad tag). */
export class SealedDataError extends Error {
  constructor(
    message: string,
    readonly code: SealedErrorCode = "malformed",
  ) {
    super(message);
    this.name = "SealedDataError";
  }
}

/** A bad key configuration; `variable` names the environment variable at fault. */
export class KeyConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly en: string,
    readonly zh: string,
  ) {
    super(`${variable}: ${en} (${zh})`);
    this.name = "KeyConfigError";
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const SEALED_TEXT = /^cqo1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/;
/** base64url of at least IV + tag (28 bytes) */
const MIN_BODY_CHARS = Math.ceil(((IV_BYTES + TAG_BYTES) * 4) / 3);
const MAGIC = Buffer.from("CQO1", "ascii");

/** Key id of a key: the first 8 hex digits of its SHA-256 (identifies, does not reveal). */
export const keyIdOf = (key: Uint8Array): string => createHash("sha256").update(key).digest("hex").slice(0, 8);

function dataKey(key: Uint8Array, id?: string): DataKey {
  if (key.length !== KEY_BYTES) throw new TypeError(`a data key is ${KEY_BYTES} bytes, not ${key.length}`);
  const k = Buffer.from(key); // a private copy: the caller's buffer may be reused or wiped
  const keyId = id ?? keyIdOf(k);
  if (!KEY_ID.test(keyId)) throw new TypeError(`invalid key id ${JSON.stringify(keyId)} (1-32 of A-Z a-z 0-9 _ -)`);
  return { id: keyId, key: k };
}

function ringOf(current: DataKey, previous: DataKey[]): KeyRing {
  const byId = new Map<string, DataKey>();
  for (const k of [current, ...previous]) {
    const seen = byId.get(k.id);
    if (seen && !seen.key.equals(k.key)) throw new TypeError(`two different keys share the key id ${k.id}`);
    byId.set(k.id, k);
  }
  return { current, byId };
}

/** A ring of raw 32-byte keys, ids derived from the keys. */
export function keyRingOf(current: Buffer, previous: Buffer[] = []): KeyRing {
  return ringOf(dataKey(current), previous.map((k) => dataKey(k)));
}

const DEV_LABEL = "cqo-chain development data key: tests and the local demo only, never real personal data";
const devKey = (): Buffer => createHash("sha256").update(DEV_LABEL).digest();

/** A development key ring for tests and the local demo only: derived from a fixed (public) label, `dev: true`. */
export function devKeyRing(): KeyRing {
  return { ...ringOf(dataKey(devKey(), "dev"), []), dev: true };
}

// ---------------------------------------------------------------- configuration from the environment

/** 32 bytes as hex (optionally 0x) or base64/base64url; `id:` before it names the key id. */
function parseKeySpec(spec: string, variable: string): DataKey {
  let text = spec.trim();
  let id: string | undefined;
  const colon = text.indexOf(":");
  if (colon >= 0) {
    id = text.slice(0, colon);
    text = text.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) throw new KeyConfigError(variable, `invalid key id ${JSON.stringify(id)} (1-32 of A-Z a-z 0-9 _ -)`, `密钥标识 ${JSON.stringify(id)} 无效（1-32 个字母、数字、_ 或 -）`);
  }
  const key = decodeKey(text);
  if (!key) throw new KeyConfigError(variable, "must be 32 random bytes as base64 or hex (64 hex digits)", "必须是 32 个随机字节的 base64 或十六进制（64 位）编码");
  if (key.equals(devKey())) throw new KeyConfigError(variable, "is the public development key; generate a real one (openssl rand -base64 32)", "这是公开的开发密钥，请生成真实密钥（openssl rand -base64 32）");
  return dataKey(key, id);
}

function decodeKey(text: string): Buffer | null {
  const hex = text.startsWith("0x") ? text.slice(2) : text;
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return null;
  const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  // canonical only: a mistyped character must not silently decode to another key
  if (key.length !== KEY_BYTES || key.toString("base64").replace(/=+$/, "") !== text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "")) return null;
  return key;
}

/** A key file: a regular file that neither group nor others may read or write (mode & 0o077 == 0). */
function readKeyFile(path: string, variable: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new KeyConfigError(variable, `key file ${path} cannot be read`, `无法读取密钥文件 ${path}`);
  }
  if (!st.isFile()) throw new KeyConfigError(variable, `${path} is not a regular file`, `${path} 不是普通文件`);
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
    throw new KeyConfigError(variable, `key file ${path} has mode ${mode}: group and others must have no access (chmod 600)`, `密钥文件 ${path} 的权限为 ${mode}：组和其他用户不得有任何权限（chmod 600）`);
  }
  return readFileSync(path, "utf8");
}

/** The keys of a file: one per non-empty line (`#` starts a comment). */
const keysInFile = (text: string, variable: string): DataKey[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l.length > 0)
    .map((l) => parseKeySpec(l, variable));

/**
 * The key ring from CQO_DATA_KEY (base64 or hex of 32 random bytes, optionally `id:` first) or CQO_DATA_KEY_FILE
 * (a file outside the database holding it; refused if group or world may access it), plus CQO_DATA_KEYS_PREVIOUS
 * (comma-separated: `id:key`, a bare key, or a key file path) — the keys that must still decrypt after a rotation.
 * Key id = first 8 hex of the key's SHA-256 unless given. Null when neither CQO_DATA_KEY nor CQO_DATA_KEY_FILE is
 * set; throws a KeyConfigError naming the variable on a bad value.
 */
export function keyRingFromEnv(env: NodeJS.ProcessEnv, cwd: string): KeyRing | null {
  const inline = env.CQO_DATA_KEY?.trim() || undefined;
  const file = env.CQO_DATA_KEY_FILE?.trim() || undefined;
  const previous = env.CQO_DATA_KEYS_PREVIOUS?.trim() || undefined;
  if (inline && file) throw new KeyConfigError("CQO_DATA_KEY", "set either CQO_DATA_KEY or CQO_DATA_KEY_FILE, not both", "CQO_DATA_KEY 与 CQO_DATA_KEY_FILE 只能设置其一");
  if (!inline && !file) {
    if (previous) throw new KeyConfigError("CQO_DATA_KEYS_PREVIOUS", "needs a current key (CQO_DATA_KEY or CQO_DATA_KEY_FILE)", "需要同时设置当前密钥（CQO_DATA_KEY 或 CQO_DATA_KEY_FILE）");
    return null;
  }
  let current: DataKey;
  if (inline) current = parseKeySpec(inline, "CQO_DATA_KEY");
  else {
    const keys = keysInFile(readKeyFile(resolve(cwd, file!), "CQO_DATA_KEY_FILE"), "CQO_DATA_KEY_FILE");
    if (keys.length !== 1) throw new KeyConfigError("CQO_DATA_KEY_FILE", `the file must hold exactly one key, not ${keys.length}`, `该文件必须恰好包含一个密钥，而不是 ${keys.length} 个`);
    current = keys[0]!;
  }
  const older: DataKey[] = [];
  for (const entry of (previous ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const key = /^[A-Za-z0-9_-]{1,32}:/.test(entry) || decodeKey(entry) ? [parseKeySpec(entry, "CQO_DATA_KEYS_PREVIOUS")] : keysInFile(readKeyFile(resolve(cwd, entry), "CQO_DATA_KEYS_PREVIOUS"), "CQO_DATA_KEYS_PREVIOUS");
    older.push(...key);
  }
  try {
    return ringOf(current, older);
  } catch (err) {
    throw new KeyConfigError("CQO_DATA_KEYS_PREVIOUS", (err as Error).message, "两个不同的密钥使用了同一个密钥标识");
  }
}

// ---------------------------------------------------------------- sealing

function cipherAad(prefix: Buffer, aad: string): Buffer {
  return Buffer.concat([prefix, Buffer.from(aad, "utf8")]);
}

function encrypt(key: DataKey, plaintext: Uint8Array, aad: Buffer): { iv: Buffer; ct: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

function decrypt(key: DataKey, body: Buffer, aad: Buffer, what: string): Buffer {
  const iv = body.subarray(0, IV_BYTES);
  const tag = body.subarray(body.length - TAG_BYTES);
  const ct = body.subarray(IV_BYTES, body.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw new SealedDataError(`${what}: authentication failed (altered, or sealed for another place)`, "auth-failed");
  }
}

function keyFor(ring: KeyRing, id: string, what: string): DataKey {
  const key = ring.byId.get(id);
  if (!key) throw new SealedDataError(`${what}: sealed under key ${id}, which is not in the key ring (CQO_DATA_KEYS_PREVIOUS?)`, "unknown-key");
  return key;
}

/** Seals text: "cqo1:<keyId>:<base64url(iv12 || ciphertext || tag16)>", bound to `aad`. */
export function seal(ring: KeyRing, plaintext: string, aad: string): string {
  const prefix = `cqo1:${ring.current.id}:`;
  const { iv, ct, tag } = encrypt(ring.current, Buffer.from(plaintext, "utf8"), cipherAad(Buffer.from(prefix, "utf8"), aad));
  return prefix + Buffer.concat([iv, ct, tag]).toString("base64url");
}

/** Opens a value from seal(); throws SealedDataError (malformed, unknown key id, bad tag): never returns garbage. */
export function unseal(ring: KeyRing, sealed: string, aad: string): string {
  const m = SEALED_TEXT.exec(sealed);
  if (!m || m[2]!.length < MIN_BODY_CHARS) throw new SealedDataError("not a sealed value (cqo1:<keyId>:<data>)", "malformed");
  const body = Buffer.from(m[2]!, "base64url");
  if (body.toString("base64url") !== m[2]) throw new SealedDataError("sealed value: data is not canonical base64url", "malformed");
  const key = keyFor(ring, m[1]!, "sealed value");
  const plain = decrypt(key, body, cipherAad(Buffer.from(`cqo1:${m[1]}:`, "utf8"), aad), "sealed value");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new SealedDataError("sealed value: not UTF-8 text (sealed with sealBytes?)", "malformed");
  }
}

/** True when `value` has the form of seal()'s output (it may still fail to open). */
export function isSealed(value: string): boolean {
  const m = SEALED_TEXT.exec(value);
  return m !== null && m[2]!.length >= MIN_BODY_CHARS;
}

/** The key id a sealed value (text or bytes) names, or null when it is not sealed. */
export function sealedKeyId(value: string | Uint8Array): string | null {
  if (typeof value === "string") return isSealed(value) ? SEALED_TEXT.exec(value)![1]! : null;
  const h = bytesHeader(value);
  return h ? h.id : null;
}

function bytesHeader(sealed: Uint8Array): { id: string; headerLen: number } | null {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (b.length < MAGIC.length + 1 || !b.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const idLen = b[MAGIC.length]!;
  const headerLen = MAGIC.length + 1 + idLen;
  if (idLen === 0 || idLen > 32 || b.length < headerLen + IV_BYTES + TAG_BYTES) return null;
  const id = b.subarray(MAGIC.length + 1, headerLen).toString("latin1");
  return KEY_ID.test(id) ? { id, headerLen } : null;
}

/** True when `value` starts like sealBytes()'s output. */
export const isSealedBytes = (value: Uint8Array): boolean => bytesHeader(value) !== null;

/**
 * Seals bytes (evidence files, backup chunks): magic "CQO1" || keyIdLen (1 byte) || keyId (ASCII) || iv (12) ||
 * ciphertext || tag (16). The header is authenticated with `aad`.
 */
export function sealBytes(ring: KeyRing, plaintext: Uint8Array, aad: string): Buffer {
  const id = Buffer.from(ring.current.id, "latin1");
  const header = Buffer.concat([MAGIC, Buffer.from([id.length]), id]);
  const { iv, ct, tag } = encrypt(ring.current, plaintext, cipherAad(header, aad));
  return Buffer.concat([header, iv, ct, tag]);
}

/** Opens sealBytes()'s output; throws SealedDataError (malformed, unknown key id, bad tag). */
export function unsealBytes(ring: KeyRing, sealed: Uint8Array, aad: string): Buffer {
  const h = bytesHeader(sealed);
  if (!h) throw new SealedDataError("not sealed data (CQO1 header)", "malformed");
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const key = keyFor(ring, h.id, "sealed data");
  return decrypt(key, b.subarray(h.headerLen), cipherAad(b.subarray(0, h.headerLen), aad), "sealed data");
}
