/**
 * Library linking, as Hardhat and ethers do it: the compiler leaves a 20-byte placeholder (`__$…$__`) wherever a
 * contract calls an external library, and the deployer writes the library's address over each one before
 * deploying. Pure and browser-safe: the dApp or a script can link without Hardhat.
 */
import { getAddress, isHex, type Address, type Hex } from "viem";

/** One library's placeholders: byte offsets into the bytecode (Hardhat's `linkReferences[source][library]`). */
export type LinkReference = readonly { readonly start: number; readonly length: number }[];

/**
 * `bytecode` with `address` written at every offset of `references`. Refuses an offset that does not hold an
 * unlinked placeholder (a reference from another compilation, or a bytecode linked already), since writing an
 * address over real code would deploy a contract that fails in ways no test of the library would show.
 */
export function linkLibrary(bytecode: Hex, references: LinkReference, address: Address): Hex {
  return linkLibraries(bytecode, [{ references, address }]);
}

/** `bytecode` with each library's address written at its references; every placeholder must be filled. */
export function linkLibraries(bytecode: Hex, links: readonly { references: LinkReference; address: Address }[]): Hex {
  if (!bytecode.startsWith("0x")) throw new Error("bytecode must be 0x-prefixed");
  let code = bytecode.slice(2);
  for (const { references, address } of links) {
    const hexAddress = getAddress(address).slice(2).toLowerCase();
    for (const { start, length } of references) {
      if (length !== 20) throw new Error(`a library placeholder is 20 bytes, this reference says ${length}`);
      const at = start * 2;
      const placeholder = code.slice(at, at + 40);
      if (placeholder.length !== 40 || !placeholder.startsWith("__$") || !placeholder.endsWith("$__")) {
        throw new Error(`no library placeholder at byte ${start} of the bytecode (found ${placeholder || "the end"})`);
      }
      code = code.slice(0, at) + hexAddress + code.slice(at + 40);
    }
  }
  const linked = `0x${code}` as Hex;
  // Any placeholder left means a library nobody linked: the deployment would revert or, worse, not compile in viem.
  if (!isHex(linked)) throw new Error("the bytecode still has unlinked library placeholders");
  return linked;
}
