/**
 * A verifier's check of a disclosure against the resultRoot read from the certificate. It uses
 * @openzeppelin/merkle-tree's own StandardMerkleTree.verify, independent of the builder in merkle.ts.
 * Disclosures of every record format ("cqo-disclosure/1" and "/2") verify alike: the leaf scheme is the same,
 * only the field names differ (see credential.ts).
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { fail, fromThrown, fromZod, ok, problem, type Problem, type Result } from "../errors";
import { Disclosure, valueHash } from "./credential";
import { LEAF_ENCODING } from "./merkle";

export interface VerifiedDisclosure {
  format: Disclosure["format"];
  root: Hex;
  /** only fields whose proof checked out */
  fields: { name: string; value: unknown }[];
}

export function verifyDisclosure(input: unknown, root: string): Result<VerifiedDisclosure> {
  try {
    if (!/^0x[0-9a-fA-F]{64}$/.test(root)) return fail([problem(["root"], "根哈希应为 32 字节十六进制", "root must be 32 bytes of hex")]);
    const expected = root.toLowerCase() as Hex;
    const parsed = Disclosure.safeParse(input);
    if (!parsed.success) return fail(fromZod(parsed.error));
    const d = parsed.data;
    const errors: Problem[] = [];
    if (d.root !== expected) errors.push(problem(["root"], "披露文件中的根哈希与证书不一致", "the disclosure's root differs from the certificate's"));
    const names = new Set<string>();
    d.fields.forEach((f, i) => {
      if (names.has(f.name)) errors.push(problem(["fields", i, "name"], `字段 "${f.name}" 重复`, `field "${f.name}" appears twice`));
      names.add(f.name);
      const leaf = [f.name, f.salt, valueHash(f.value)];
      if (!StandardMerkleTree.verify(expected, [...LEAF_ENCODING], leaf, f.proof)) {
        errors.push(problem(["fields", i], `字段 "${f.name}" 的值或证明与根哈希不符`, `field "${f.name}": value or proof does not match the root`));
      }
    });
    if (errors.length) return fail(errors);
    return ok({ format: d.format, root: expected, fields: d.fields.map((f) => ({ name: f.name, value: f.value })) });
  } catch (err) {
    return fail([fromThrown([], err)]);
  }
}
