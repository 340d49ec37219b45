/** The certifying body's workbench API at the deployment's `apiBase` (relative to the page), one client per page. */
import { useMemo } from "react";
import { WorkbenchApi } from "../body/api";
import { useChainish } from "./context";

/** `apiBase` (e.g. "./api") as an absolute URL without its trailing slash */
export const workbenchUrl = (apiBase: string): string => new URL(apiBase, window.location.href).href.replace(/\/$/, "");

export function useWorkbenchApi(): WorkbenchApi {
  const { config } = useChainish();
  return useMemo(() => new WorkbenchApi(workbenchUrl(config.apiBase)), [config.apiBase]);
}
