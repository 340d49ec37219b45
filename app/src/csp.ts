/**
 * The app runs under a Content-Security-Policy without 'unsafe-eval' (app/serve.ts, contentSecurityPolicy). zod's
 * JIT compiles parsers with `new Function` and, to find out whether it may, tries one: under the policy that try is
 * refused and reported as a CSP violation. Imported first by main.tsx, before any schema parses anything.
 */
import { config } from "zod";

config({ jitless: true });
