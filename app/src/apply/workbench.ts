/**
 * The applicant's calls: the submission, whose refusal names each field's problem (shown next to the field), and
 * the evidence upload with its progress (XMLHttpRequest upload.onprogress, which fetch cannot report), with the
 * same bearer token, the same reading of a refusal and the same words for an unreachable workbench as WorkbenchApi.
 */
import type { Hex } from "viem";
import { workbenchRefusal, type DossierSummary, type EvidenceStored, type WorkbenchApi, type WorkbenchError } from "../body/api";
import { addProblem, fieldOfServerProblem, type FieldProblems } from "./draft";

/** A refusal's field problems by the form's own field names (server paths mapped back: draft.ts). */
export function fieldProblemsOf(err: WorkbenchError): FieldProblems {
  const problems: FieldProblems = new Map();
  for (const p of err.problems) addProblem(problems, fieldOfServerProblem(p.field), { zh: p.zh, en: p.en });
  return problems;
}

function bearer(api: WorkbenchApi): Record<string, string> {
  const token = api.session()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface Submission {
  rulebook: string;
  dossier: unknown;
  declaration: { signature: Hex; signedAt: number; publishInNotice: boolean };
}

/** POST /dossiers → 201 the new dossier's summary; otherwise a WorkbenchError with each field's problem. */
export function submitApplication(api: WorkbenchApi, body: Submission): Promise<DossierSummary> {
  return api.call<DossierSummary>("POST", "/dossiers", body);
}

/** POST /evidence (multipart, field `file`) with the upload's progress in percent; the stored file's hash and size. */
export function uploadEvidence(api: WorkbenchApi, file: File, onProgress: (percent: number) => void): Promise<EvidenceStored> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${api.base}/evidence`);
    for (const [k, v] of Object.entries(bearer(api))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(100, Math.round((e.loaded / e.total) * 100)));
    };
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 201) {
        onProgress(100);
        try {
          resolve(JSON.parse(xhr.responseText) as EvidenceStored);
        } catch {
          reject(workbenchRefusal(xhr.status, ""));
        }
      } else reject(workbenchRefusal(xhr.status, xhr.responseText));
    };
    // no answer at all: once more through WorkbenchApi's own upload (fetch, without progress), which either
    // stores the file after all or fails with WorkbenchApi's words for an unreachable workbench
    xhr.onerror = () => {
      api.upload(file).then((stored) => {
        onProgress(100);
        resolve(stored);
      }, reject);
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
