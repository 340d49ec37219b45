/**
 * The evaluation record's Merkle tree, bit-identical to @openzeppelin/merkle-tree's StandardMerkleTree with
 * leaf encoding ["string", "bytes32", "bytes32"] (sorted leaves, leaf = keccak(keccak(abi.encode(...))),
 * node = keccak of the sorted pair), so the root verifies with OpenZeppelin's MerkleProof on chain and the
 * dump loads with StandardMerkleTree.load.
 *
 * Why not the library to build it (bench/results/scoring.json, `merkleTree`, load average 2 on 2 cores):
 * StandardMerkleTree.of costs 1.2 ms per 11-leaf tree (2.8 ms with the proofs; 1.6–5.6 ms on a loaded
 * machine): generic ABI encoder, BigInt comparisons, its own keccak. SimpleMerkleTree.of over leaves hashed
 * here costs 1.7 ms with the proofs, and still 0.55 ms for the tree alone (1.0 ms with the proofs, which it
 * re-validates and re-verifies) when given this engine's keccak as `nodeHash`: more than three times the
 * whole sheets-already-verified pipeline (0.17 ms per dossier). This builder costs 0.04 ms with the proofs.
 * Tests compare its root, layout and proofs with StandardMerkleTree.of on random inputs and check the
 * proofs with the library; verification of disclosures uses the library itself.
 */
import type { Hex } from "viem";
import { hexInto, hexOf, hexToBytes, keccakInto, utf8Into } from "./keccak";

export const LEAF_ENCODING = ["string", "bytes32", "bytes32"] as const;
export type LeafValue = [name: string, salt: Hex, valueHash: Hex];

/** StandardMerkleTreeData<LeafValue> of @openzeppelin/merkle-tree, spelled out to keep the type local. */
export interface TreeDump {
  format: "standard-v1";
  leafEncoding: string[];
  tree: Hex[];
  values: { value: LeafValue; treeIndex: number }[];
}

let leafBuf = new Uint8Array(256);
const innerHash = new Uint8Array(32);
const pairBuf = new Uint8Array(64);

/**
 * keccak256(keccak256(abi.encode(string name, bytes32 salt, bytes32 valueHash))) into out at `at`, with
 * salt and valueHash read as 32 bytes from their arrays at saltAt / valueAt.
 */
function leafHashInto(name: string, salt: Uint8Array, saltAt: number, valueHash: Uint8Array, valueAt: number, out: Uint8Array, at: number): void {
  if (leafBuf.length < 160 + 3 * name.length) leafBuf = new Uint8Array(160 + 3 * name.length);
  const buf = leafBuf;
  const len = utf8Into(name, buf, 128);
  const end = 128 + Math.ceil(len / 32) * 32;
  buf.fill(0, 128 + len, end);
  buf.fill(0, 0, 32);
  buf[31] = 0x60; // offset of the string's tail: three head words
  for (let i = 0; i < 32; i++) {
    buf[32 + i] = salt[saltAt + i]!;
    buf[64 + i] = valueHash[valueAt + i]!;
  }
  // the string's length as a uint256, big-endian (names are far below 2^32 bytes)
  buf.fill(0, 96, 124);
  buf[124] = len >>> 24;
  buf[125] = len >>> 16;
  buf[126] = len >>> 8;
  buf[127] = len;
  keccakInto(buf, end, innerHash, 0);
  keccakInto(innerHash, 32, out, at);
}

export function leafHash(value: LeafValue): Uint8Array {
  const out = new Uint8Array(32);
  leafHashInto(value[0], hexToBytes(value[1]), 0, hexToBytes(value[2]), 0, out, 0);
  return out;
}

/** Byte order of the 32-byte words at a and b of `words`: the order of the numbers they encode. */
function compareAt(words: Uint8Array, a: number, b: number): number {
  for (let i = 0; i < 32; i++) {
    const d = words[a + i]! - words[b + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export interface BuiltTree {
  root: Hex;
  dump: TreeDump;
  /** proof of values[i], siblings from leaf to root */
  proofs: Hex[][];
}

export function buildTree(values: LeafValue[]): BuiltTree {
  const n = values.length;
  const salts = new Uint8Array(32 * n);
  const valueHashes = new Uint8Array(32 * n);
  values.forEach((v, i) => {
    hexInto(v[1], salts, 32 * i);
    hexInto(v[2], valueHashes, 32 * i);
  });
  return buildTreeFrom(values, salts, valueHashes);
}

/**
 * buildTree for callers that hold the salts and value hashes as bytes too: values[i] is [name, salt,
 * valueHash] in hex and salts / valueHashes hold the same 32 bytes at 32·i.
 */
export function buildTreeFrom(values: LeafValue[], salts: Uint8Array, valueHashes: Uint8Array): BuiltTree {
  const n = values.length;
  if (n === 0) throw new Error("a Merkle tree needs at least one leaf");
  const size = 2 * n - 1;
  // nodes[32·i …] is tree node i; leaves fill the end in ascending order of their hash, reversed
  const nodes = new Uint8Array(32 * size);
  const leaves = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) leafHashInto(values[i]![0], salts, 32 * i, valueHashes, 32 * i, leaves, 32 * i);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => compareAt(leaves, 32 * a, 32 * b));
  const treeIndex = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    const t = size - 1 - k;
    treeIndex[v] = t;
    nodes.set(leaves.subarray(32 * v, 32 * v + 32), 32 * t);
  }
  const pair = pairBuf;
  for (let i = size - 1 - n; i >= 0; i--) {
    const l = 32 * (2 * i + 1);
    const r = l + 32;
    const swap = compareAt(nodes, l, r) > 0;
    const lo = swap ? r : l;
    const hi = swap ? l : r;
    for (let j = 0; j < 32; j++) {
      pair[j] = nodes[lo + j]!;
      pair[32 + j] = nodes[hi + j]!;
    }
    keccakInto(pair, 64, nodes, 32 * i);
  }
  const tree = new Array<Hex>(size);
  for (let i = 0; i < size; i++) tree[i] = hexOf(nodes, 32 * i, 32 * i + 32);
  const proofs = treeIndex.map((t) => {
    const proof: Hex[] = [];
    for (let i = t; i > 0; i = (i - 1) >> 1) proof.push(tree[i % 2 === 1 ? i + 1 : i - 1]!);
    return proof;
  });
  return {
    root: tree[0]!,
    dump: { format: "standard-v1", leafEncoding: [...LEAF_ENCODING], tree, values: values.map((value, i) => ({ value, treeIndex: treeIndex[i]! })) },
    proofs,
  };
}
