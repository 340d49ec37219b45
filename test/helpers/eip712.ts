/**
 * The EIP-712 definitions moved to the sdk (sdk/eip712.ts), where the cli, the server and the dApp share them;
 * re-exported here so the contracts' tests keep their import path.
 */
export * from "../../sdk/eip712";
