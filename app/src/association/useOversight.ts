/** The chain facts of the oversight page and of the void confirmation, read once and shared (react-query). */
import { useQuery } from "@tanstack/react-query";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";
import { readOversightFacts } from "./supervisionData";

export const OVERSIGHT_KEY = ["oversight"] as const;

export function useOversightFacts(enabled = true) {
  const c = useChainish();
  const w = useWallet();
  return useQuery({
    queryKey: OVERSIGHT_KEY,
    enabled,
    queryFn: async () => readOversightFacts(await w.publicClient(), c.config.deployment),
  });
}
