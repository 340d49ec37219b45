/**
 * The connected wallet: a connect panel (every EIP-6963 wallet by its name and icon, else window.ethereum; with no
 * wallet at all, what to do; on the local demo chain, the demo accounts), the wrong-chain switch,
 * and a viem WalletClient over the connector's EIP-1193 provider that reports each transaction hash as soon as
 * the wallet returns it (for the progress display) — what the sdk's CqoClient signs and sends with.
 */
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { createWalletClient, custom, type Address, type EIP1193Provider, type Hex, type PublicClient, type WalletClient } from "viem";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain, type Connector } from "wagmi";
import { CqoClient } from "../../../sdk/client";
import { getPublicClient } from "../chain";
import { CopyText } from "../components/CopyText";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { useChainish } from "./context";
import { DEMO_CONNECTOR_TYPE } from "./demoGate";
import { DemoPicker } from "./demoPicker";

export interface WalletHandle {
  address: Address | undefined;
  connected: boolean;
  rightChain: boolean;
  /** a wallet client for the connected account; onHash sees every transaction hash the wallet returns */
  walletClient(onHash?: (hash: Hex) => void): Promise<WalletClient>;
  /** the sdk's client, writing through the wallet */
  cqo(onHash?: (hash: Hex) => void): Promise<CqoClient>;
  publicClient(): Promise<PublicClient>;
}

export function useWallet(): WalletHandle {
  const c = useChainish();
  const conn = useConnection();
  const address = conn.address;
  const connector = conn.connector;
  const walletClient = useCallback(
    async (onHash?: (hash: Hex) => void) => {
      if (!connector || !address) throw new Error("no wallet connected");
      const provider = (await connector.getProvider()) as EIP1193Provider;
      const wrapped = {
        async request(args: { method: string; params?: unknown }) {
          const result = await provider.request(args as Parameters<EIP1193Provider["request"]>[0]);
          if (args.method === "eth_sendTransaction" && typeof result === "string") onHash?.(result as Hex);
          return result;
        },
      };
      return createWalletClient({ account: address, chain: c.chain, transport: custom(wrapped) });
    },
    [connector, address, c.chain],
  );
  const cqo = useCallback(
    async (onHash?: (hash: Hex) => void) => new CqoClient(await getPublicClient(), c.config.deployment, await walletClient(onHash)),
    [walletClient, c.config.deployment],
  );
  return {
    address,
    connected: conn.status === "connected" && !!address,
    rightChain: conn.chainId === c.chain.id,
    walletClient,
    cqo,
    publicClient: getPublicClient,
  };
}

/** What a wallet calls itself on `window.ethereum` when it does not announce itself (EIP-6963): in-app browsers. */
function injectedName(): string | null {
  const eth = (window as { ethereum?: Record<string, unknown> }).ethereum;
  if (!eth || typeof eth !== "object") return null;
  if (eth.isImToken) return "imToken";
  if (eth.isTokenPocket) return "TokenPocket";
  if (eth.isMetaMask) return "MetaMask";
  return "";
}

/** An EIP-6963 icon: a data: image by the standard (and the page's CSP allows nothing else). */
const safeIcon = (icon: string | undefined) => (icon && /^data:image\//.test(icon) ? icon : null);

export function ConnectPanel() {
  const { t } = useTranslation();
  const c = useChainish();
  const conn = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  // EIP-6963 wallets announce themselves with a name and an icon (wagmi: one connector each, id = rdns); the
  // generic connector is window.ethereum, offered only when nothing announced itself (many in-app browsers)
  const announced = connectors.filter((k) => k.type === "injected" && k.id !== "injected");
  const generic = connectors.find((k) => k.id === "injected");
  const genericName = injectedName();
  const demo = connectors.filter((k) => k.type === DEMO_CONNECTOR_TYPE);
  const wallets: { connector: Connector; name: string; icon: string | null }[] = announced.map((k) => ({ connector: k, name: k.name, icon: safeIcon(k.icon) }));
  if (announced.length === 0 && generic && genericName !== null) wallets.push({ connector: generic, name: genericName || t("wallet.browserWallet"), icon: null });
  if (conn.status === "connected" && conn.address) {
    const role = conn.connector?.type === DEMO_CONNECTOR_TYPE ? (conn.connector as Connector & { role?: string }).role : undefined;
    return (
      <div className="card wallet-bar row wrap" data-testid="wallet-connected">
        <span>
          {role ? <strong data-testid="demo-role">{t("demo.current", { role: t(`demo.roles.${role}`) })} </strong> : null}
          {t("wallet.connected", { address: shortHex(conn.address) })} <code className="visually-hidden">{conn.address}</code>
        </span>
        {conn.chainId !== c.chain.id ? (
          <>
            <span className="notice error">{t("wallet.wrongChain", { current: conn.chainId, expected: c.chain.id })}</span>
            <button type="button" onClick={() => switchChain.mutate({ chainId: c.chain.id })}>
              {t("wallet.switchChain", { expected: c.chain.id })}
            </button>
          </>
        ) : null}
        <button type="button" onClick={() => disconnect.mutate({})}>
          {role ? t("demo.switch") : t("wallet.disconnect")}
        </button>
      </div>
    );
  }
  return (
    <div className="card wallet-bar">
      <h2>{t("wallet.connect")}</h2>
      {/* the local demo chain: the demo's parts first, a newcomer's quickest way in */}
      {demo.length > 0 ? <DemoPicker connectors={demo} chainId={c.chain.id} pending={connect.isPending} onPick={(connector) => connect.mutate({ connector })} /> : null}
      {wallets.length === 0 ? <NoWallet /> : null}
      {wallets.length > 0 ? (
        <ul className="wallet-list row wrap" aria-label={t("wallet.found")}>
          {wallets.map(({ connector, name, icon }) => (
            <li key={connector.uid}>
              <button type="button" className="primary" disabled={connect.isPending} onClick={() => connect.mutate({ connector })}>
                {icon ? <img src={icon} alt="" width={20} height={20} className="wallet-icon" /> : null}
                {t("wallet.connectWith", { name })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {connect.isPending ? <p role="status">{t("wallet.connecting")}</p> : null}
      {connect.error ? <ConnectError error={connect.error} /> : null}
    </div>
  );
}

/** No wallet in this browser: what to do, in words (a desktop extension, or a phone's wallet app). */
function NoWallet() {
  const { t } = useTranslation();
  return (
    <div className="notice info" data-testid="no-wallet">
      <p>
        <strong>{t("wallet.noWalletTitle")}</strong>
      </p>
      <ul>
        <li>{t("wallet.noWalletDesktop")}</li>
        <li>{t("wallet.noWalletPhone")}</li>
      </ul>
      <CopyText id="no-wallet-link" value={window.location.href} label={t("wallet.pageLink")} />
      <p>
        {t("wallet.noWalletVerify")} <a href="#/">{t("wallet.goVerify")}</a>
      </p>
    </div>
  );
}

function ConnectError({ error }: { error: unknown }) {
  return <ErrorBox error={error} />;
}
