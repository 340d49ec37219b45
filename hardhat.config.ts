import { HardhatUserConfig, subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "./sdk/hardhat-abi";

/**
 * The compiler is the npm package `solc` (soljson.js), pinned in package.json: these machines cannot download
 * compilers, and a pinned emscripten build gives the same bytecode everywhere.
 */
export const SOLC_VERSION = "0.8.29";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  const solc = require("solc/package.json") as { version: string };
  if (solc.version !== SOLC_VERSION) throw new Error(`solc ${SOLC_VERSION} expected, found ${solc.version}`);
  const soljson = require("solc/soljson.js") as { cwrap: (name: string, ret: string, args: string[]) => () => string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: soljson.cwrap("solidity_version", "string", [])(),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // Cancun: supported by every current EVM chain we target and by both test nodes; the gas anchors in
      // CQO-DOMAIN.md were measured under the same rules.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      viaIR: true,
    },
  },
  networks: {
    hardhat: { hardfork: "cancun" },
    localhost: { url: process.env.CQO_RPC_URL ?? "http://127.0.0.1:8545" },
  },
  mocha: { timeout: 120_000 },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;
