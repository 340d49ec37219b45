/**
 * The evaluation record's Merkle tree, bit-identical to @openzeppelin/merkle-tree's StandardMerkleTree with
 * leaf encoding ["string", "bytes32", "bytes32"] (sorted leaves, leaf = keccak(keccak(abi.encode(...))),
 * node = keccak of the sorted pair), so the root verifies with OpenZeppelin's MerkleProof on chain and the
 * dump loads with StandardMerkleTree.load.
 *
 * Why not StandardMerkleTree.of directly: its generic ABI encoder and BigInt comparisons cost ~1.7 ms per
 * 11-leaf tree, more than the whole per-dossier budget. This builder encodes the one fixed leaf shape by
 * hand; tests compare its root, layout and proofs with the library on random inputs, and verification of
 * disclosures uses the library itself.
 */
import type { Hex } from "viem";
import { bytesToHex, hexToBytes, keccakBytes, utf8 } from "./keccak";

export const LEAF_ENCODING = ["string", "bytes32", "bytes32"] as const;
export type LeafValue = [name: string, salt: Hex, valueHash: Hex];

/** StandardMerkleTreeData<LeafValue> of @openzeppelin/merkle-tree, spelled out to keep the type local. */
export interface TreeDump {
  format: "standard-v1";
  leafEncoding: string[];
  tree: Hex[];
  values: { value: LeafValue; treeIndex: number }[];
}

/** abi.encode(string name, bytes32 salt, bytes32 valueHash) */
function encodeLeaf(name: string, salt: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const s = utf8(name);
  const padded = Math.ceil(s.length / 32) * 32;
  const out = new Uint8Array(128 + padded);
  out[31] = 0x60; // offset of the string's tail: three head words
  out.set(salt, 32);
  out.set(valueHash, 64);
  // string length as a uint256, big-endian
  let len = s.length;
  for (let i = 127; len > 0; i--, len = Math.floor(len / 256)) out[i] = len & 0xff;
  out.set(s, 128);
  return out;
}

export function leafHash(value: LeafValue): Uint8Array {
  return keccakBytes(keccakBytes(encodeLeaf(value[0], hexToBytes(value[1]), hexToBytes(value[2]))));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function nodeHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  if (compareBytes(a, b) <= 0) {
    buf.set(a, 0);
    buf.set(b, 32);
  } else {
    buf.set(b, 0);
    buf.set(a, 32);
  }
  return keccakBytes(buf);
}

export interface BuiltTree {
  root: Hex;
  dump: TreeDump;
  /** proof of values[i], siblings from leaf to root */
  proofs: Hex[][];
}

export function buildTree(values: LeafValue[]): BuiltTree {
  if (values.length === 0) throw new Error("a Merkle tree needs at least one leaf");
  const hashed = values.map((value, valueIndex) => ({ valueIndex, hash: leafHash(value) }));
  hashed.sort((a, b) => compareBytes(a.hash, b.hash));
  const n = hashed.length;
  const nodes: Uint8Array[] = new Array(2 * n - 1);
  hashed.forEach((h, i) => (nodes[nodes.length - 1 - i] = h.hash));
  for (let i = nodes.length - 1 - n; i >= 0; i--) nodes[i] = nodeHash(nodes[2 * i + 1]!, nodes[2 * i + 2]!);
  const tree = nodes.map(bytesToHex);
  const indexed = values.map((value) => ({ value, treeIndex: 0 }));
  hashed.forEach((h, leafIndex) => (indexed[h.valueIndex]!.treeIndex = tree.length - 1 - leafIndex));
  const proofs = indexed.map(({ treeIndex }) => {
    const proof: Hex[] = [];
    for (let i = treeIndex; i > 0; i = Math.floor((i - 1) / 2)) proof.push(tree[i % 2 === 1 ? i + 1 : i - 1]!);
    return proof;
  });
  return { root: tree[0]!, dump: { format: "standard-v1", leafEncoding: [...LEAF_ENCODING], tree, values: indexed }, proofs };
}
