/** An uploaded file cited by a lifecycle call or an objection: its SHA-256 becomes the on-chain evidence hash. */
import type { Hex } from "viem";
import type { Ctx } from "../context";
import { unprocessable } from "../errors";

const ZERO: Hex = `0x${"0".repeat(64)}`;

export function evidenceHash(ctx: Ctx, sha?: string): Hex {
  if (sha === undefined) return ZERO;
  if (!ctx.evidence.has(sha)) throw unprocessable("evidence-missing", { zh: "证据文件未上传", en: "the evidence file was not uploaded" }, [{ field: "body.evidence", path: ["body", "evidence"], zh: "未找到该 SHA-256 的文件", en: "no file with this SHA-256" }]);
  return `0x${sha}`;
}
