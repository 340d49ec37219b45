/**
 * Calls and typed data taken from the contract's ABI rather than written out by hand, so the benchmark keeps
 * measuring while parameter and struct field orders change (they are tuned for gas): arguments are matched by
 * parameter name, and EIP-712 types are built from the ABI's struct components.
 */
import type { BaseContract, ContractTransactionResponse, TypedDataField } from "ethers";

export interface AbiParam {
  name: string;
  type: string;
  internalType?: string;
  components?: AbiParam[];
}

interface AbiFunction {
  type: "function";
  name: string;
  inputs: AbiParam[];
}

function isAbiParam(value: unknown): value is AbiParam {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Partial<AbiParam>;
  return (
    typeof p.name === "string" &&
    typeof p.type === "string" &&
    (p.internalType === undefined || typeof p.internalType === "string") &&
    (p.components === undefined || (Array.isArray(p.components) && p.components.every(isAbiParam)))
  );
}

function isAbiFunction(value: unknown): value is AbiFunction {
  if (typeof value !== "object" || value === null) return false;
  const f = value as { type?: unknown; name?: unknown; inputs?: unknown };
  return f.type === "function" && typeof f.name === "string" && Array.isArray(f.inputs) && f.inputs.every(isAbiParam);
}

/** The one function of that name in a raw ABI (with internal types, as Hardhat artifacts keep them). */
export function abiFunction(abi: readonly unknown[], name: string): AbiFunction {
  const found = abi.filter(isAbiFunction).filter((f) => f.name === name);
  if (found.length !== 1) throw new Error(`expected one function ${name} in the ABI, found ${found.length}`);
  return found[0];
}

/** EIP-712 types for a struct parameter: struct names from the ABI's internal types, fields in ABI order. */
export function eip712TypesOf(param: AbiParam): { primaryType: string; types: Record<string, TypedDataField[]> } {
  const types: Record<string, TypedDataField[]> = {};
  const visit = (p: AbiParam): string => {
    if (!p.type.startsWith("tuple")) return p.type;
    const arraySuffix = p.type.slice("tuple".length);
    const match = /^struct\s+(?:[\w$]+\.)?([\w$]+)/.exec(p.internalType ?? "");
    if (match === null || p.components === undefined) throw new Error(`${p.name}: struct without internal type`);
    const structName = match[1];
    types[structName] = p.components.map((c) => ({ name: c.name, type: visit(c) }));
    return structName + arraySuffix;
  };
  const primaryType = visit(param);
  if (types[primaryType] === undefined) throw new Error(`${param.name} is not a struct`);
  return { primaryType, types };
}

/**
 * Sends a transaction to `name`, ordering `values` by the function's parameter names. Extra values are an error
 * too: a renamed parameter should fail loudly rather than be measured with a default.
 */
export function sendNamed(
  contract: BaseContract,
  name: string,
  values: Readonly<Record<string, unknown>>,
): Promise<ContractTransactionResponse> {
  const fragment = contract.interface.getFunction(name);
  if (fragment === null) throw new Error(`no function ${name}`);
  const names = fragment.inputs.map((input) => input.name);
  const missing = names.filter((n) => !(n in values));
  const extra = Object.keys(values).filter((n) => !names.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `${fragment.format()}: parameters [${names.join(", ")}], given [${Object.keys(values).join(", ")}]`,
    );
  }
  return contract.getFunction(fragment.format()).send(...names.map((n) => values[n]));
}
