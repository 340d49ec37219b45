// first: zod without its eval-based JIT (the CSP has no unsafe-eval)
import "./csp";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { initI18n } from "./i18n";
import "./styles.css";
import { prefetchVerdict } from "./verify/prefetch";

performance.mark("cqo:boot");
// from here React paints: index.html's early script no longer does (verify/early.ts)
(window as { __cqoMounted?: boolean }).__cqoMounted = true;
prefetchVerdict(window.location.hash);
initI18n();
const root = document.getElementById("root");
if (!root) throw new Error("no #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
