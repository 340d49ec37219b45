import { createContext, useContext } from "react";
import type { Chainish } from "../chain";

export const ChainContext = createContext<Chainish | null>(null);

export function useChainish(): Chainish {
  const c = useContext(ChainContext);
  if (!c) throw new Error("no chain context");
  return c;
}
