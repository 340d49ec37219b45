/**
 * wagmi's own errors (its connectors'), in words a person can act on: their message is a library's
 * ("Provider not found. Version: @wagmi/core@…"), which the page never shows. Matched by the error's name, as
 * wagmi exports them, so this module imports nothing of wagmi.
 */
import type { Bilingual } from "./errors";

const NO_WALLET: Bilingual = {
  zh: "未检测到钱包：请在电脑浏览器中安装钱包插件（如 MetaMask），或在手机钱包 App（如 imToken、TokenPocket）内打开本页面。",
  en: "No wallet found: install a browser wallet (such as MetaMask), or open this page in a wallet app (such as imToken or TokenPocket).",
};

export const WALLET_ERROR_WORDS: Record<string, Bilingual> = {
  ProviderNotFoundError: NO_WALLET,
  ConnectorNotFoundError: NO_WALLET,
  ConnectorUnavailableReconnectingError: { zh: "钱包正在重新连接，请稍候再试。", en: "The wallet is reconnecting: try again in a moment." },
  ConnectorNotConnectedError: { zh: "钱包尚未连接：请先连接钱包。", en: "The wallet is not connected: connect it first." },
  ConnectorAlreadyConnectedError: { zh: "钱包已连接。", en: "The wallet is already connected." },
  ConnectorAccountNotFoundError: { zh: "钱包中没有所需账户：请在钱包中切换账户后重试。", en: "The wallet does not hold that account: switch accounts in the wallet and try again." },
  ConnectorChainMismatchError: { zh: "钱包连接的链不对：请切换到本系统所在的链。", en: "The wallet is on another chain: switch to this system's chain." },
  ChainNotConfiguredError: { zh: "钱包连接的链不是本系统的链：请切换链后重试。", en: "The wallet's chain is not this system's: switch chains and try again." },
  SwitchChainNotSupportedError: { zh: "该钱包不支持切换链：请在钱包中手动切换到本系统所在的链。", en: "This wallet cannot switch chains: switch to this system's chain in the wallet." },
};

/** the words for a wagmi connector error, or null for any other error */
export function walletErrorWords(error: unknown): Bilingual | null {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" ? (WALLET_ERROR_WORDS[name] ?? null) : null;
}
