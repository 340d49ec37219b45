/**
 * The applicant's calls: the submission, whose refusal names each field's problem (shown next to the field), and
 * the evidence upload with its progress (XMLHttpRequest upload.onprogress, which fetch cannot report), with the
 * same bearer token and the same reading of a refusal as WorkbenchApi.
 */
import type { Hex } from "viem";
import { workbenchRefusal, type DossierSummary, type EvidenceStored, type WorkbenchApi, type WorkbenchError } from "../body/api";
import { AppError } from "../components/errors";
import { addProblem, fieldOfServerProblem, type FieldProblems } from "./draft";

/** A refusal's field problems by the form's own field names (server paths mapped back: draft.ts). */
export function fieldProblemsOf(err: WorkbenchError): FieldProblems {
  const problems: FieldProblems = new Map();
  for (const p of err.problems) addProblem(problems, fieldOfServerProblem(p.field), { zh: p.zh, en: p.en });
  return problems;
}

const unreachable = (base: string) =>
  new AppError({ zh: `无法连接工作台服务器（${base}）：请确认服务器已启动、网络可用。`, en: `Cannot reach the workbench server (${base}): is it running and reachable?` });

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
    xhr.onerror = () => reject(unreachable(api.base));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
