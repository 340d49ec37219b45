/**
 * 证明材料: files uploaded to the workbench (POST /evidence, stored by SHA-256) with a progress bar, each cited in
 * the dossier's evidence list by its kind, name and hash — a dossier may cite only files its applicant uploaded.
 */
import { useRef, useState } from "react";
import { WorkbenchError, type WorkbenchApi } from "../body/api";
import { ErrorBox } from "../components/ErrorBox";
import { FieldProblemsText, useForm } from "./Fields";
import { OPTIONS, useWords } from "./text";
import { fieldProblemsOf, uploadEvidence } from "./workbench";

/** the dossier's limit on a file's name (scoring/dossier/schema.ts Evidence.name) */
const NAME_MAX = 200;

export function EvidenceSection({ api }: { api: WorkbenchApi }) {
  const { tx, pick } = useWords();
  const f = useForm();
  const [kind, setKind] = useState<string>(OPTIONS.evidenceKind[0][0]);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = f.draft.evidence;
  // the workbench's words about the file itself (its type, its size, the quota): under the file input
  const fileProblems = error instanceof WorkbenchError ? (fieldProblemsOf(error).get("file") ?? []) : [];

  const upload = async () => {
    const file = fileInput.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    setProgress(0);
    try {
      const stored = await uploadEvidence(api, file, setProgress);
      const name = file.name.slice(0, NAME_MAX) || stored.sha256;
      f.set("evidence", [...list.filter((e) => e.sha256 !== stored.sha256 || e.kind !== kind), { kind, name, sha256: stored.sha256 }]);
      if (fileInput.current) fileInput.current.value = "";
    } catch (err) {
      setError(err);
      setProgress(null);
    } finally {
      setBusy(false);
    }
  };

  const kindName = (k: string) => {
    const o = OPTIONS.evidenceKind.find(([v]) => v === k);
    return o ? pick(o[1]) : k;
  };

  return (
    <fieldset className="card apply-section" data-section="evidence">
      <legend>{tx("secEvidence")}</legend>
      {list.length === 0 ? <p className="muted">{tx("noEvidence")}</p> : null}
      <ul className="plain evidence-list" data-testid="evidence-list">
        {list.map((e, i) => (
          <li key={`${e.sha256}-${e.kind}`} data-sha256={e.sha256}>
            <span>
              <strong>{kindName(e.kind)}</strong> · {e.name} <code className="break">{e.sha256.slice(0, 12)}…</code>
            </span>
            <button type="button" onClick={() => f.set("evidence", list.filter((_, j) => j !== i))}>
              {tx("remove")}
              <span className="visually-hidden"> {e.name}</span>
            </button>
            <FieldProblemsText field={`evidence[${i}]`} problems={[...f.problemsOf(`evidence[${i}]`), ...f.problemsOf(`evidence[${i}].sha256`), ...f.problemsOf(`evidence[${i}].name`), ...f.problemsOf(`evidence[${i}].kind`)]} />
          </li>
        ))}
      </ul>
      <FieldProblemsText field="evidence" problems={f.problemsOf("evidence")} />
      <div className="apply-grid">
        <div className="apply-field">
          <label htmlFor="evidence-kind">{tx("evidenceKind")}</label>
          <select id="evidence-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {OPTIONS.evidenceKind.map(([v, words]) => (
              <option key={v} value={v}>
                {pick(words)}
              </option>
            ))}
          </select>
        </div>
        <div className="apply-field wide">
          <label htmlFor="evidence-file">{tx("evidenceFile")}</label>
          <input
            id="evidence-file"
            ref={fileInput}
            type="file"
            accept=".pdf,.png,.jpg,.jpeg,.webp,.ofd,application/pdf,image/png,image/jpeg,image/webp"
            aria-invalid={fileProblems.length > 0 ? true : undefined}
            aria-describedby={fileProblems.length > 0 ? "f-file-error" : undefined}
            onChange={() => setError(null)}
          />
          <FieldProblemsText field="file" problems={fileProblems} />
        </div>
      </div>
      <button type="button" disabled={busy} onClick={() => void upload()} data-testid="upload-evidence">
        {tx("upload")}
      </button>
      {progress !== null ? (
        <div className="upload-progress">
          <label htmlFor="evidence-progress">{tx("uploading")}</label>
          <progress id="evidence-progress" max={100} value={progress} data-testid="upload-progress" />
          <span aria-live="polite" data-testid="upload-percent">
            {progress} %{progress === 100 && !busy ? ` · ${tx("uploaded")}` : ""}
          </span>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </fieldset>
  );
}
