/**
 * Evidence files (证据材料) in the dossier view: the files the dossier cites and the ones uploaded from this
 * browser, each with its SHA-256 (the server stores files by it: the same file twice is one file), uploaded as
 * multipart, checked against a SHA-256 computed in the browser, fetched with the bearer session into a Blob: images
 * (PNG, JPEG, WebP) previewed by an <img>, everything else only downloaded (see PREVIEWABLE) — never a frame, an
 * <object> or a window of /api/evidence/… or of the file in the app's origin. The server accepts PDF, PNG, JPEG,
 * WebP and OFD, detected from the content. An uploaded file's hash can then be the on-chain evidence of a
 * suspension, revocation or objection ruling.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { AppError } from "../components/errors";
import { WorkbenchApi } from "./api";

export interface UploadedEvidence {
  sha256: string;
  size: number;
  name: string;
  mediaType: string;
  at: number;
  /** who uploaded it (the signed-in address): a browser shared by several people lists each one's own */
  by: string;
}

const KEY = "cqo.workbench.evidence";
const listeners = new Set<() => void>();
let cache: { raw: string | null; list: UploadedEvidence[] } = { raw: null, list: [] };

function readUploads(): UploadedEvidence[] {
  const raw = localStorage.getItem(KEY);
  if (raw === cache.raw) return cache.list;
  let list: UploadedEvidence[] = [];
  try {
    const parsed: unknown = JSON.parse(raw ?? "[]");
    if (Array.isArray(parsed)) list = parsed.filter((e): e is UploadedEvidence => typeof e === "object" && e !== null && typeof (e as UploadedEvidence).sha256 === "string");
  } catch {
    list = [];
  }
  cache = { raw, list };
  return list;
}

function remember(e: UploadedEvidence): void {
  const list = [e, ...readUploads().filter((x) => x.sha256 !== e.sha256)].slice(0, 100);
  localStorage.setItem(KEY, JSON.stringify(list));
  listeners.forEach((l) => l());
}

/** The files the signed-in person uploaded from this browser (newest first), shared by every picker on the page. */
export function useUploadedEvidence(): UploadedEvidence[] {
  const all = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    readUploads,
    readUploads,
  );
  const me = new WorkbenchApi("").session()?.address.toLowerCase() ?? "";
  return useMemo(() => all.filter((e) => e.by === me), [all, me]);
}

async function sha256Hex(file: Blob): Promise<string | null> {
  // crypto.subtle needs a secure context (https or localhost); elsewhere the server's hash is shown unchecked
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const KINDS: Record<string, { zh: string; en: string }> = {
  appointment: { zh: "任命文件", en: "appointment letter" },
  training: { zh: "培训证书", en: "training certificate" },
  exam: { zh: "考试成绩单", en: "exam transcript" },
  identity: { zh: "身份证明", en: "proof of identity" },
  photo: { zh: "照片", en: "photo" },
  award: { zh: "获奖证明", en: "award certificate" },
  qualification: { zh: "资格证书", en: "qualification certificate" },
  other: { zh: "其他", en: "other" },
};

/** A cited file's kind in words (the dossier's free-text `kind`: the common ones translated, any other as given). */
export const evidenceKindWord = (kind: string, lang: string): string => {
  const k = Object.prototype.hasOwnProperty.call(KINDS, kind) ? KINDS[kind] : undefined;
  return k ? (lang === "en" ? k.en : k.zh) : kind;
};

export const formatSize = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** A select of uploaded evidence files (optional): the chosen SHA-256 or "". */
export function EvidencePicker({ id, value, onChange }: { id: string; value: string; onChange: (sha: string) => void }) {
  const { t } = useTranslation();
  const uploads = useUploadedEvidence();
  return (
    <div className="field">
      <label htmlFor={id}>{t("bodyOps.evidence.attach")}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("bodyOps.evidence.none")}</option>
        {uploads.map((u) => (
          <option key={u.sha256} value={u.sha256}>
            {u.name} · {u.sha256.slice(0, 12)}…
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The types the console shows in the page: raster images only, drawn by an <img> from a blob: URL typed here (never
 * the server's words), which runs nothing whatever the bytes are. Everything else — PDF, OFD, a file stored before
 * types were detected (served as application/octet-stream) — is only downloaded: Chromium does not show a PDF in a
 * frame sandboxed without allow-scripts (its viewer is refused there), and a frame or tab of the app's own origin
 * with the file in it is exactly what must not exist (a blob: URL has the app's origin).
 */
const PREVIEWABLE: Record<string, string> = { "image/png": "image/png", "image/jpeg": "image/jpeg", "image/webp": "image/webp" };
const EXTENSIONS: Record<string, string> = { "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "application/ofd": "ofd" };

/** The name a download is saved under: the given name without its extension (and path), then the detected type's. */
export function downloadName(name: string, type: string, sha256: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/\.[^.]*$/, "").replace(/[\u0000-\u001f<>:"|?*]/g, "").trim() || sha256.slice(0, 16);
  return `${base}.${EXTENSIONS[type] ?? "bin"}`;
}

/** The server's detected type of a downloaded file (the response's Content-Type, parameters dropped). */
const typeOf = (blob: Blob) => blob.type.split(";")[0]!.trim().toLowerCase();

/** Preview (images) or download one file by its hash, fetched with the bearer session; checked against its SHA-256. */
export function EvidenceLinks({ api, sha256, name }: { api: WorkbenchApi; sha256: string; name: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<{ url: string } | { type: string } | null>(null);
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  const fetchChecked = async (): Promise<Blob> => {
    const blob = await api.download(sha256);
    const check = await sha256Hex(blob);
    if (check !== null && check !== sha256) {
      throw new AppError({ zh: `下载的文件与其 SHA-256 不符（${check.slice(0, 12)}…），请勿使用并联系管理员。`, en: `The downloaded file does not match its SHA-256 (${check.slice(0, 12)}…): do not use it, tell the administrator.` });
    }
    return blob;
  };
  const objectUrl = (blob: Blob, type: string) => {
    const url = URL.createObjectURL(new Blob([blob], { type }));
    urls.current.push(url);
    return url;
  };
  const save = (blob: Blob) => {
    // typed octet-stream: the blob: URL (of the app's origin) can only ever be a download
    const url = objectUrl(blob, "application/octet-stream");
    const a = document.createElement("a");
    a.href = url;
    a.download = downloadName(name, typeOf(blob), sha256);
    a.rel = "noopener";
    a.click();
  };
  const run = (what: "preview" | "download") => async () => {
    setError(null);
    try {
      const blob = await fetchChecked();
      const type = typeOf(blob);
      if (what === "download") save(blob);
      else setPreview(PREVIEWABLE[type] ? { url: objectUrl(blob, PREVIEWABLE[type]) } : { type: type || "application/octet-stream" });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <span className="row wrap evidence-links">
      <button type="button" className="link" onClick={() => void run("preview")()} aria-label={t("bodyOps.evidence.viewName", { name })}>
        {t("bodyOps.evidence.view")}
      </button>
      <button type="button" className="link" onClick={() => void run("download")()} aria-label={t("bodyOps.evidence.downloadName", { name })}>
        {t("bodyOps.evidence.download")}
      </button>
      {preview ? (
        <span className="evidence-preview" data-testid="evidence-preview" data-sha256={sha256}>
          {"url" in preview ? (
            <img src={preview.url} alt={t("bodyOps.evidence.preview", { name })} referrerPolicy="no-referrer" style={{ maxWidth: "100%", maxHeight: "24rem", display: "block" }} />
          ) : (
            <span className="notice" role="status" data-testid="evidence-no-preview">
              {t("bodyOps.evidence.noPreview", { type: preview.type })}{" "}
              <button type="button" className="link" onClick={() => void run("download")()}>
                {t("bodyOps.evidence.download")}
              </button>
            </span>
          )}
          <button type="button" className="link" onClick={() => setPreview(null)}>
            {t("bodyOps.evidence.closePreview")}
          </button>
        </span>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </span>
  );
}

export function EvidencePanel({ api, cited }: { api: WorkbenchApi; cited: { kind: string; name: string; sha256: string }[] }) {
  const { t, i18n } = useTranslation();
  const uploads = useUploadedEvidence();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [last, setLast] = useState<{ sha256: string; size: number; existed: boolean; checked: boolean } | null>(null);
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setLast(null);
    try {
      const [local, stored] = await Promise.all([sha256Hex(file), api.upload(file)]);
      if (local !== null && local !== stored.sha256) {
        throw new AppError({ zh: "服务器记录的 SHA-256 与本机计算的不一致：上传可能损坏，请重试。", en: "The server's SHA-256 differs from the one computed here: the upload may be damaged, try again." });
      }
      const existed = uploads.some((u) => u.sha256 === stored.sha256);
      remember({ sha256: stored.sha256, size: stored.size, name: file.name, mediaType: stored.mediaType ?? file.type, at: Date.now(), by: api.session()?.address.toLowerCase() ?? "" });
      setLast({ sha256: stored.sha256, size: stored.size, existed, checked: local !== null });
      setFile(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const rows = [
    ...cited.map((e) => ({ key: `c-${e.sha256}`, name: e.name, kind: evidenceKindWord(e.kind, i18n.language), sha256: e.sha256, size: null as number | null })),
    ...uploads.filter((u) => !cited.some((c) => c.sha256 === u.sha256)).map((u) => ({ key: `u-${u.sha256}`, name: u.name, kind: t("bodyOps.evidence.uploaded"), sha256: u.sha256, size: u.size })),
  ];
  return (
    <section className="card" aria-labelledby="evidence-heading" data-testid="evidence">
      <h2 id="evidence-heading">{t("bodyOps.evidence.heading")}</h2>
      <p>{t("bodyOps.evidence.intro")}</p>
      {rows.length === 0 ? <p>{t("body.empty")}</p> : null}
      <ul className="evidence-list">
        {rows.map((r) => (
          <li key={r.key} data-sha256={r.sha256}>
            <strong>{r.name}</strong> · {r.kind}
            {r.size !== null ? ` · ${formatSize(r.size)}` : ""}
            <br />
            <code className="break">SHA-256 {r.sha256}</code>
            <EvidenceLinks api={api} sha256={r.sha256} name={r.name} />
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void upload();
        }}
      >
        <label htmlFor="evidence-file">{t("bodyOps.evidence.choose")}</label>
        <input id="evidence-file" type="file" accept="application/pdf,image/png,image/jpeg,image/webp,.pdf,.png,.jpg,.jpeg,.webp,.ofd" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button type="submit" className="primary" disabled={!file || busy}>
          {t("bodyOps.evidence.upload")}
        </button>
      </form>
      {busy ? <p role="status">{t("bodyOps.evidence.uploading")}</p> : null}
      {last ? (
        <p className="notice ok" role="status" data-testid="evidence-uploaded">
          ✔ {t(last.existed ? "bodyOps.evidence.already" : "bodyOps.evidence.stored", { size: formatSize(last.size) })} <code className="break">{last.sha256}</code>
          {last.checked ? ` ${t("bodyOps.evidence.checked")}` : ""}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}
