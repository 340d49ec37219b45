/** The commit a benchmark ran on (short hash), or null outside a git checkout: recorded beside every result. */
import { execSync } from "node:child_process";

export function benchCommit(): string | null {
  try {
    return execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
