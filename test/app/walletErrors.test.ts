/**
 * wagmi's connector errors in words a person can act on (issue #14: never "Provider not found. Version:
 * @wagmi/core@…"): every name the app maps is an error class wagmi exports, and the real ProviderNotFoundError
 * becomes the Chinese advice to install or open a wallet.
 */
import { expect } from "chai";
import { join } from "node:path";
import { WALLET_ERROR_WORDS, walletErrorWords } from "../../app/src/components/walletErrors";

/** wagmi/core is ESM only: a real dynamic import, which the CommonJS test build would otherwise turn into require */
const importEsm = new Function("p", "return import(p)") as (p: string) => Promise<Record<string, unknown>>;
const WAGMI_CORE = join(__dirname, "..", "..", "node_modules", "wagmi", "node_modules", "@wagmi", "core", "dist", "esm", "exports", "index.js");

describe("dApp · wallet errors in words (钱包错误提示)", () => {
  it("maps only error classes wagmi exports, each with zh and en words and no library text", async () => {
    const core = await importEsm(WAGMI_CORE);
    for (const [name, words] of Object.entries(WALLET_ERROR_WORDS)) {
      expect(typeof core[name], `@wagmi/core exports ${name}`).to.equal("function");
      expect(words.zh).to.match(/[\u4e00-\u9fff]/);
      expect(`${words.zh} ${words.en}`).not.to.match(/Version|@wagmi|Provider not found/);
    }
  });

  it("turns wagmi's own ProviderNotFoundError into the advice to install or open a wallet; other errors pass through", async () => {
    const core = await importEsm(WAGMI_CORE);
    const ProviderNotFound = core.ProviderNotFoundError as new () => Error;
    const error = new ProviderNotFound();
    expect(error.message).to.contain("Provider not found");
    const words = walletErrorWords(error);
    expect(words?.zh).to.contain("MetaMask");
    expect(words?.zh).to.contain("imToken");
    expect(words?.en).to.contain("No wallet found");
    expect(walletErrorWords(new Error("something else"))).to.equal(null);
    expect(walletErrorWords(null)).to.equal(null);
  });
});
