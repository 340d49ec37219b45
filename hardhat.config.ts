import { HardhatUserConfig, subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "./sdk/hardhat-abi";

/**
 * The compiler is the npm package `solc` (soljson.js), pinned in package.json: these machines cannot download
 * compilers, and a pinned emscripten build gives the same bytecode everywhere. 0.8.26 because FISCO BCOS 3.10
 * accepts nothing newer (issue #11); Hardhat 2 itself depends on solc 0.8.26, so npm keeps a single copy.
 */
export const SOLC_VERSION = "0.8.26";

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
      // Paris, not Cancun (issue #11): consortium chains (FISCO BCOS, many Besu networks) refuse Shanghai's PUSH0
      // and Cancun's MCOPY/TLOAD/TSTORE. test/bytecode.test.ts walks every artifact to prove none is emitted.
      evmVersion: "paris",
      optimizer: { enabled: true, runs: 200 },
      viaIR: true,
    },
  },
  networks: {
    // Hardhat 2's name for Paris: the tests run under the rules the bytecode is compiled for (anvil: --hardfork paris)
    hardhat: { hardfork: "merge" },
    localhost: { url: process.env.CQO_RPC_URL ?? "http://127.0.0.1:8545" },
  },
  mocha: { timeout: 120_000 },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
};

export default config;
