/** The chain as the routes use it: present or 503, a signer or 503, and its failures as HTTP answers. */
import { explainError, type CqoClient } from "../sdk";
import { HttpError, chainUnavailable, unprocessable } from "./errors";

/** anything that carries the chain client (the routes' context) */
export interface HasChain {
  chain: CqoClient | null;
}

export function requireChain(ctx: HasChain): CqoClient {
  if (!ctx.chain) throw chainUnavailable({ zh: "未连接区块链", en: "no chain is configured" });
  return ctx.chain;
}

export function requireSigner(ctx: HasChain): CqoClient {
  const chain = requireChain(ctx);
  if (!chain.walletClient?.account) throw chainUnavailable({ zh: "未配置认定主体签名密钥（CQO_SIGNER_KEY）", en: "the body's signing key is not configured (CQO_SIGNER_KEY)" });
  return chain;
}

/** Chain failures as HTTP: a contract refusal is the caller's problem (422), anything else is 503. */
export async function onChain<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const e = explainError(err);
    if (e.kind === "contract" || e.kind === "input") throw unprocessable(`chain-${e.code}`, { zh: e.zh, en: e.en });
    throw chainUnavailable({ zh: `区块链不可用：${e.zh}`, en: `chain unavailable: ${e.en}` });
  }
}

/** The chain's clock, so validity dates agree with the contract's even on a time-travelled test chain. */
export async function chainNow(ctx: HasChain): Promise<number> {
  return Number((await requireChain(ctx).publicClient.getBlock({ blockTag: "latest" })).timestamp);
}
