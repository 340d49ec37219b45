/** `tsx server/main.ts`: the workbench from the environment (see server/README.md). */
import { buildServer } from "./app";
import { configFromEnv } from "./config";

async function main(): Promise<void> {
  const config = configFromEnv();
  const wb = await buildServer({ config, logger: true });
  const url = await wb.listen();
  // one line on stdout that a parent process (the crash tests, the demo) can wait for
  console.log(`workbench listening on ${url} (body ${config.bodyId}, db ${config.dbPath})`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping`);
    wb.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
