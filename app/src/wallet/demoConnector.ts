/**
 * A wagmi connector for one demo account (demoAccounts.ts): an EIP-1193 provider that signs in this page with a
 * viem local account (`privateKeyToAccount`) — messages, EIP-712 data and transactions, the last sent raw
 * through a viem wallet client — and forwards every other request to the chain's RPC. What the consoles
 * see is an ordinary wallet, so every page works with it unchanged. For the local demo chain only (demoGate.ts).
 */
import { createWalletClient, getAddress, http, numberToHex, type Address, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createConnector } from "wagmi";
import type { DemoAccount, DemoRole } from "./demoAccounts";
import { DEMO_CONNECTOR_TYPE } from "./demoGate";

/** An EIP-1193 error (4001 user rejected, 4100 unauthorized, 4902 unknown chain, -32602 invalid params). */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

interface TxParams {
  from?: Address;
  to?: Address;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
}

interface TypedJson {
  domain: Record<string, unknown>;
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

export interface DemoProvider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): DemoProvider;
  removeListener(event: string, listener: (...args: unknown[]) => void): DemoProvider;
}

export function demoProvider(demo: DemoAccount, chain: Chain, rpcUrl: string): DemoProvider {
  const account = privateKeyToAccount(demo.privateKey);
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl, { retryCount: 0 }) });
  const mine = (a: unknown) => typeof a === "string" && a.toLowerCase() === account.address.toLowerCase();
  const provider: DemoProvider = {
    async request({ method, params }) {
      const p = (Array.isArray(params) ? params : []) as unknown[];
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return [account.address];
        case "eth_chainId":
          return numberToHex(chain.id);
        case "net_version":
          return String(chain.id);
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return [{ parentCapability: "eth_accounts" }];
        case "wallet_switchEthereumChain": {
          const wanted = (p[0] as { chainId?: Hex } | undefined)?.chainId;
          if (wanted && Number(wanted) !== chain.id) throw rpcError(4902, `演示账户只在链 ${chain.id} 上 / demo accounts exist on chain ${chain.id} only`);
          return null;
        }
        case "personal_sign": {
          const [data, from] = p as [Hex, Address];
          if (!mine(from)) throw rpcError(4100, "not this demo account");
          return account.signMessage({ message: { raw: data } });
        }
        case "eth_signTypedData_v4": {
          const [from, json] = p as [Address, string];
          if (!mine(from)) throw rpcError(4100, "not this demo account");
          const typed = JSON.parse(json) as TypedJson;
          // the domain's type is implied by the domain itself (viem derives it)
          const { EIP712Domain: _domain, ...types } = typed.types;
          void _domain;
          return account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message: typed.message } as Parameters<typeof account.signTypedData>[0]);
        }
        case "eth_sendTransaction": {
          const [tx] = p as [TxParams];
          if (tx.from && !mine(tx.from)) throw rpcError(4100, "not this demo account");
          return wallet.sendTransaction({
            to: tx.to ? getAddress(tx.to) : undefined,
            data: tx.data,
            value: tx.value ? BigInt(tx.value) : undefined,
            gas: tx.gas ? BigInt(tx.gas) : undefined,
          });
        }
        default:
          // reads go to the chain as they are
          return (wallet.request as (a: { method: string; params?: unknown }) => Promise<unknown>)({ method, params });
      }
    },
    // one account, one chain: nothing ever changes, so there is nothing to announce
    on: () => provider,
    removeListener: () => provider,
  };
  return provider;
}

type StorageItem = Record<`${string}.connected`, true>;

/** The connector of one demo part: id `cqo-demo-<role>`, its role for the picker's words. */
export function demoConnector(demo: DemoAccount, chain: Chain, rpcUrl: string) {
  const id = `cqo-demo-${demo.role}`;
  const address = privateKeyToAccount(demo.privateKey).address;
  let provider: DemoProvider | null = null;
  return createConnector<DemoProvider, { role: DemoRole; address: Address }, StorageItem>((config) => ({
    id,
    name: `${demo.label.zh} · ${demo.label.en}`,
    type: DEMO_CONNECTOR_TYPE,
    role: demo.role,
    address,
    async connect({ chainId } = {}) {
      if (chainId !== undefined && chainId !== chain.id) throw rpcError(4902, `demo accounts exist on chain ${chain.id} only`);
      await config.storage?.setItem(`${id}.connected`, true);
      return { accounts: [address], chainId: chain.id } as never;
    },
    async disconnect() {
      await config.storage?.removeItem(`${id}.connected`);
    },
    async getAccounts() {
      return [address];
    },
    async getChainId() {
      return chain.id;
    },
    async getProvider() {
      provider ??= demoProvider(demo, chain, rpcUrl);
      return provider;
    },
    // reconnect after a reload only to the demo account chosen last (and not disconnected since)
    async isAuthorized() {
      return Boolean(await config.storage?.getItem(`${id}.connected`));
    },
    async switchChain({ chainId }) {
      if (chainId !== chain.id) throw rpcError(4902, `demo accounts exist on chain ${chain.id} only`);
      return chain;
    },
    onAccountsChanged() {},
    onChainChanged() {},
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
  }));
}
