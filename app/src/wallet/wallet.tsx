/**
 * The connected wallet: a connect panel (every injected / EIP-6963 wallet wagmi finds), the wrong-chain switch,
 * and a viem WalletClient over the connector's EIP-1193 provider that reports each transaction hash as soon as
 * the wallet returns it (for the progress display) — what the sdk's CqoClient signs and sends with.
 */
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { createWalletClient, custom, type Address, type EIP1193Provider, type Hex, type PublicClient, type WalletClient } from "viem";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { CqoClient } from "../../../sdk/client";
import { getPublicClient } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import { useChainish } from "./context";

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

export function ConnectPanel() {
  const { t } = useTranslation();
  const c = useChainish();
  const conn = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  // one button per wallet: EIP-6963 wallets announce themselves, the generic "Injected" is window.ethereum
  const seen = new Set<string>();
  const list = [...connectors]
    .sort((a, b) => Number(a.id === "injected") - Number(b.id === "injected"))
    .filter((k) => {
      const key = k.id === "injected" ? "injected" : k.name;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  if (conn.status === "connected" && conn.address) {
    return (
      <div className="card wallet-bar row wrap" data-testid="wallet-connected">
        <span>
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
          {t("wallet.disconnect")}
        </button>
      </div>
    );
  }
  return (
    <div className="card wallet-bar">
      <h2>{t("wallet.connect")}</h2>
      {list.length === 0 ? <p>{t("wallet.noWallet")}</p> : null}
      <div className="row wrap">
        {list.map((k) => (
          <button key={k.uid} type="button" className="primary" disabled={connect.isPending} onClick={() => connect.mutate({ connector: k })}>
            {t("wallet.connectWith", { name: k.name })}
          </button>
        ))}
      </div>
      {connect.isPending ? <p role="status">{t("wallet.connecting")}</p> : null}
      {connect.error ? <ConnectError error={connect.error} /> : null}
    </div>
  );
}

function ConnectError({ error }: { error: unknown }) {
  return <ErrorBox error={error} />;
}
