/**
 * solidity-coverage settings for `npm run coverage` (hardhat coverage).
 *
 * Measured: the product contracts in contracts/. Skipped: test doubles (mocks/), gas anchors that are not product
 * code (anchors/, bench/). Paths are relative to contracts/.
 *
 * The project compiles with `viaIR: true`. `irMinimum` keeps the IR pipeline but runs only the stack allocator
 * instead of the full Yul optimizer sequence, which makes the instrumented build much faster with the solcjs
 * compiler (see the solidity-coverage README, "Config Options"). Run `npx hardhat clean` after changing skipFiles.
 */
module.exports = {
  skipFiles: ["mocks/", "anchors/", "bench/"],
  irMinimum: true,
  istanbulReporter: ["html", "lcov", "text", "json-summary"],
  // Not run under instrumentation (they measure nothing the unit tests do not, and cannot pass there):
  // - the anvil smoke test: anvil enforces EIP-170, and instrumented bytecode is several times over 24,576 bytes;
  // - the fast-check reference-model test: instrumented calls are ~10x slower, so it exceeds its timeout.
  // Both still run in `npm test`. The pattern matches their top-level describe titles.
  mocha: {
    grep: "smoke test on anvil|against the reference model",
    invert: true,
  },
};
