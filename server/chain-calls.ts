/** The chain as the routes use it: present or 503, a signer or 503, and its failures as HTTP answers. */
import { explainError, type CqoClient } from "../sdk";
import { refusal } from "./chain-refusals";
import { HttpError, chainUnavailable } from "./errors";

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

/**
 * A chain failure as HTTP: a contract refusal is a conflict with the chain's state (409) or the caller's problem
 * (422, server/chain-refusals.ts); anything else is 503.
 */
export function chainError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = explainError(err);
  if (e.kind === "contract" || e.kind === "input") return refusal(e);
  return chainUnavailable({ zh: `区块链不可用：${e.zh}`, en: `chain unavailable: ${e.en}` });
}

export async function onChain<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (err) {
    throw chainError(err);
  }
}

/**
 * The chain's clock in unix seconds, so validity dates agree with the contract's even on a time-travelled test
 * chain. A millisecond chain (the deployment's clockUnit 1000, e.g. FISCO BCOS) stamps blocks in ms.
 */
export async function chainNow(ctx: HasChain): Promise<number> {
  const chain = requireChain(ctx);
  const block = await chain.publicClient.getBlock({ blockTag: "latest" });
  return Math.floor(Number(block.timestamp) / chain.deployment.clockUnit);
}
