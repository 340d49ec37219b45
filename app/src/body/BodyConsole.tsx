import type { Route } from "../router";
export default function BodyConsole({ route }: { route: Route }) {
  return <p>{route.parts.join("/")}</p>;
}
