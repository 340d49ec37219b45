/**
 * The workbench's administration commands (管理命令), run beside the server:
 *
 *   npx tsx server/admin.ts backup --out FILE           online, while the workbench runs
 *   npx tsx server/admin.ts restore --from FILE [--force]   the workbench stopped
 *   npx tsx server/admin.ts rotate-key                  online: re-seal every sealed value under the current key
 *
 * Paths come from CQO_DB_PATH and CQO_EVIDENCE_DIR (the defaults of server/config.ts), the key ring from
 * CQO_DATA_KEY / CQO_DATA_KEY_FILE and CQO_DATA_KEYS_PREVIOUS (server/sealed.ts). `--dev-key` uses the public
 * development ring instead: for the local demo only. Errors are printed in Chinese and English; exit code 1 on a
 * refusal, 2 on bad usage.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { BackupError, backupWorkbench, restoreWorkbench } from "./backup";
import { closeDb, openDb } from "./db";
import { KeyConfigError, SealedDataError, devKeyRing, keyRingFromEnv, type KeyRing } from "./sealed";
import { rotateEvidenceFiles, rotateSealedColumns } from "./sealed-columns";

/** The path variables, with server/config.ts's defaults (parsed here: that module belongs to the server). */
const PathsEnv = z.object({
  CQO_DB_PATH: z.string().min(1).default(".data/workbench.sqlite"),
  CQO_EVIDENCE_DIR: z.string().min(1).default(".data/evidence"),
});

const USAGE = `usage / 用法:
  npx tsx server/admin.ts backup --out FILE            备份（工作台运行中亦可） / online backup
  npx tsx server/admin.ts restore --from FILE [--force] 恢复（须先停止工作台） / restore (workbench stopped)
  npx tsx server/admin.ts rotate-key                   用当前密钥重新加密 / re-seal under the current key
options: --dev-key  开发密钥，仅限本地演示 / the development key ring, local demo only`;

/** A refusal with its reason in both languages. */
export class AdminError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly exitCode = 1,
  ) {
    super(en);
    this.name = "AdminError";
  }
}

export interface AdminIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function ringFrom(env: NodeJS.ProcessEnv, cwd: string, dev: boolean): KeyRing {
  if (dev) return devKeyRing();
  const ring = keyRingFromEnv(env, cwd);
  if (!ring) throw new AdminError("未配置数据密钥：请设置 CQO_DATA_KEY 或 CQO_DATA_KEY_FILE", "no data key: set CQO_DATA_KEY or CQO_DATA_KEY_FILE");
  return ring;
}

/** Runs one command; returns the process exit code. */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv, cwd: string, io: AdminIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { out: { type: "string" }, from: { type: "string" }, force: { type: "boolean", default: false }, "dev-key": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
      });
    } catch (err) {
      throw new AdminError(`参数无效：${(err as Error).message}`, `bad arguments: ${(err as Error).message}`, 2);
    }
    const { values, positionals } = parsed;
    const command = positionals[0];
    if (values.help || !command) {
      io.out(USAGE);
      return values.help ? 0 : 2;
    }
    if (positionals.length > 1) throw new AdminError(`多余的参数：${positionals.slice(1).join(" ")}`, `unexpected arguments: ${positionals.slice(1).join(" ")}`, 2);
    const paths = PathsEnv.safeParse(env);
    if (!paths.success) {
      const lines = paths.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new AdminError(`环境变量无效：${lines}`, `invalid environment: ${lines}`);
    }
    const dbPath = resolve(cwd, paths.data.CQO_DB_PATH);
    const evidenceDir = resolve(cwd, paths.data.CQO_EVIDENCE_DIR);
    const dev = values["dev-key"] === true;

    switch (command) {
      case "backup": {
        if (!values.out) throw new AdminError("backup 需要 --out FILE", "backup needs --out FILE", 2);
        const m = await backupWorkbench({ dbPath, evidenceDir, ring: ringFrom(env, cwd, dev), out: resolve(cwd, values.out) });
        io.out(`备份完成 / backup written: ${m.file} (${m.bytes} bytes; database ${m.db.bytes} bytes, sha256 ${m.db.sha256}; ${m.evidence.count} evidence files; key ${m.keyId})`);
        io.out(JSON.stringify(m));
        return 0;
      }
      case "restore": {
        if (!values.from) throw new AdminError("restore 需要 --from FILE", "restore needs --from FILE", 2);
        const m = await restoreWorkbench({ bundle: resolve(cwd, values.from), dbPath, evidenceDir, ring: ringFrom(env, cwd, dev), force: values.force === true });
        io.out(`恢复完成 / restored: ${dbPath} (schema ${m.schemaVersion}, backup of ${m.createdAt}) and ${m.evidence.count} evidence files into ${evidenceDir}`);
        io.out(JSON.stringify(m));
        return 0;
      }
      case "rotate-key": {
        const ring = ringFrom(env, cwd, dev);
        if (!existsSync(dbPath)) throw new AdminError(`找不到数据库 ${dbPath}`, `no database at ${dbPath}`);
        const db = openDb(dbPath);
        let columns;
        try {
          columns = rotateSealedColumns(db, ring);
        } finally {
          closeDb(db);
        }
        const files = rotateEvidenceFiles(evidenceDir, ring);
        io.out(`已用密钥 ${ring.current.id} 重新加密 / re-sealed under key ${ring.current.id}`);
        io.out(JSON.stringify({ keyId: ring.current.id, columns, evidence: files }));
        io.out("旧密钥须保留在 CQO_DATA_KEYS_PREVIOUS 中，直到不再需要用它加密的备份 / keep the old key in CQO_DATA_KEYS_PREVIOUS while backups sealed with it may be restored");
        return 0;
      }
      default:
        throw new AdminError(`未知命令：${command}\n${USAGE}`, `unknown command: ${command}`, 2);
    }
  } catch (err) {
    const { zh, en, code } = explain(err);
    io.err(`错误：${zh}`);
    io.err(`error: ${en}`);
    return code;
  }
}

function explain(err: unknown): { zh: string; en: string; code: number } {
  if (err instanceof AdminError) return { zh: err.zh, en: err.en, code: err.exitCode };
  if (err instanceof BackupError) return { zh: `[${err.code}] ${err.zh}`, en: `[${err.code}] ${err.en}`, code: 1 };
  if (err instanceof KeyConfigError) return { zh: `${err.variable}：${err.zh}`, en: `${err.variable}: ${err.en}`, code: 1 };
  if (err instanceof SealedDataError) {
    const zh = { malformed: "加密数据格式无效", "unknown-key": "数据所用密钥不在密钥环中（CQO_DATA_KEYS_PREVIOUS？）", "auth-failed": "加密数据校验失败（被篡改或错位）" }[err.code];
    return { zh: `[${err.code}] ${zh}：${err.message}`, en: `[${err.code}] ${err.message}`, code: 1 };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { zh: `意外错误：${message}`, en: `unexpected error: ${message}`, code: 1 };
}

if (require.main === module) {
  runAdmin(process.argv.slice(2), process.env, process.cwd(), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
