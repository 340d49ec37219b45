/**
 * A small EVM disassembler, enough to answer one question before a deployment: does this bytecode use an opcode
 * that a consortium chain refuses? FISCO BCOS 3.x and many Besu networks run pre-Shanghai rules (Paris), so
 * Shanghai's PUSH0 and Cancun's MCOPY, TLOAD/TSTORE, BLOBHASH and BLOBBASEFEE would fail there at run time, not at
 * deployment: a contract would deploy and then revert on the first call that reaches one. Used by
 * test/bytecode.test.ts on every artifact; a deploy script can call assertParisCompatible(). No dependencies, no I/O.
 */

/** The opcodes newer than Paris, by byte. */
export const POST_PARIS_OPCODES: ReadonlyMap<number, string> = new Map([
  [0x49, "BLOBHASH"], // Cancun, EIP-4844
  [0x4a, "BLOBBASEFEE"], // Cancun, EIP-7516
  [0x5c, "TLOAD"], // Cancun, EIP-1153
  [0x5d, "TSTORE"], // Cancun, EIP-1153
  [0x5e, "MCOPY"], // Cancun, EIP-5656
  [0x5f, "PUSH0"], // Shanghai, EIP-3855
]);

/** EIP-170: the largest runtime code a chain accepts (Spurious Dragon on; FISCO BCOS and Besu keep it). */
export const MAX_RUNTIME_CODE_SIZE = 24_576;

export interface Instruction {
  /** offset of the opcode in the code */
  pc: number;
  opcode: number;
}

export interface OpcodeFinding extends Instruction {
  name: string;
}

/** `0x…` hex (as artifacts and viem hold it) or raw bytes. */
export type Bytecode = string | Uint8Array;

export function toBytes(code: Bytecode): Uint8Array {
  if (typeof code !== "string") return code;
  const hex = code.startsWith("0x") ? code.slice(2) : code;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error("bytecode is not hex");
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/**
 * The length of the code without solc's CBOR metadata trailer, which is data and may hold any byte (its IPFS hash
 * often holds a 0x5f). solc ends the code with the metadata and then its length as two big-endian bytes; the
 * trailer is taken only when that length fits and it starts with a CBOR map (major type 5, 0xa0-0xbf), so code
 * compiled without metadata is walked whole.
 */
export function codeLengthWithoutMetadata(code: Uint8Array): number {
  if (code.length < 2) return code.length;
  const metadataLength = (code[code.length - 2] << 8) | code[code.length - 1];
  const start = code.length - 2 - metadataLength;
  if (metadataLength === 0 || start < 0) return code.length;
  return code[start] >= 0xa0 && code[start] <= 0xbf ? start : code.length;
}

/**
 * The exact length of the instructions, from solc's source map (one entry per instruction). The metadata is not
 * the only data solc appends: after the code and an INVALID (0xfe) come the sub-objects (in creation code, the
 * runtime code), then data, e.g. the 32-byte constants the optimizer reads with CODECOPY instead of a PUSH32 (many
 * with a low `runs`), and only then the metadata. Those bytes are never executed but may hold any byte, so a walk
 * that has the source map (Hardhat's build info) stops where it says.
 */
export function codeLengthFromSourceMap(code: Bytecode, sourceMap: string): number {
  const bytes = toBytes(code);
  const entries = sourceMap === "" ? 0 : sourceMap.split(";").length;
  let pc = 0;
  for (let i = 0; i < entries && pc < bytes.length; i++) pc += 1 + pushDataLength(bytes[pc]);
  return Math.min(pc, bytes.length);
}

/** PUSH1..PUSH32 (0x60..0x7f) carry 1..32 bytes of immediate data. */
function pushDataLength(opcode: number): number {
  return opcode >= 0x60 && opcode <= 0x7f ? opcode - 0x5f : 0;
}

/**
 * The instructions in order, from 0 to `end` (by default up to the metadata trailer). A PUSH's immediate data is
 * skipped: a 0x5f inside it is a constant, not a PUSH0. A PUSH cut short by `end` is still yielded (the EVM pads its
 * data with zeros).
 */
export function* instructions(code: Bytecode, end?: number): Generator<Instruction> {
  const bytes = toBytes(code);
  const stop = Math.min(end ?? codeLengthWithoutMetadata(bytes), bytes.length);
  for (let pc = 0; pc < stop; pc += 1 + pushDataLength(bytes[pc])) yield { pc, opcode: bytes[pc] };
}

/** Every post-Paris opcode up to `end` (as in instructions()), with its offset; empty when the code runs on Paris. */
export function postParisOpcodes(code: Bytecode, end?: number): OpcodeFinding[] {
  const found: OpcodeFinding[] = [];
  for (const i of instructions(code, end)) {
    const name = POST_PARIS_OPCODES.get(i.opcode);
    if (name !== undefined) found.push({ ...i, name });
  }
  return found;
}

/** One line per opcode name with its first offsets, for an error message. */
export function describeFindings(findings: readonly OpcodeFinding[]): string {
  const byName = new Map<string, number[]>();
  for (const f of findings) byName.set(f.name, [...(byName.get(f.name) ?? []), f.pc]);
  return [...byName]
    .map(([name, pcs]) => `${name} ×${pcs.length} (at ${pcs.slice(0, 5).map((pc) => `0x${pc.toString(16)}`).join(", ")}${pcs.length > 5 ? ", …" : ""})`)
    .join("; ");
}

/**
 * Throws unless `code` is free of post-Paris opcodes up to `end` (see instructions(); pass codeLengthFromSourceMap()
 * when the build info is at hand). Meant for the step before a deployment, so that a build made for the wrong EVM
 * version is refused instead of deploying a contract that reverts later on a consortium chain.
 */
export function assertParisCompatible(name: string, code: Bytecode, end?: number): void {
  const findings = postParisOpcodes(code, end);
  if (findings.length > 0) {
    throw new Error(`${name}: the bytecode uses opcodes newer than Paris (${describeFindings(findings)}); compile with evmVersion "paris"`);
  }
}
