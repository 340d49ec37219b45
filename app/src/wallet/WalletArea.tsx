import type { Route } from "../router";
export default function WalletArea({ route }: { route: Route }) {
  return <p>{route.parts.join("/")}</p>;
}
