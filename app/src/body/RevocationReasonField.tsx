/**
 * The revocation reasons a body may give (not Voided: only the association voids), as a labelled select with no
 * reason chosen at first: the operator picks one (`""` until then), and an error shows beside the field.
 *
 * On the dossier page's own revocation (issue #13), the holder's standing revocation request of that dossier
 * (GET /revocation-requests, shared with the 持证人申请 tab) is said beside the field: when and why the holder asked,
 * and a button that chooses 持证人申请 (HolderRequest). It is not chosen by itself: the operator may have another
 * reason (a holder could ask to pre-empt a revocation for fraud, server/SECURITY.md). While no request stands,
 * 持证人申请 is offered disabled, as the workbench refuses it then.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { GIVABLE_REVOCATION_REASONS } from "../../../sdk/types";
import { useRoute } from "../router";
import { useWorkbenchApi } from "../wallet/useWorkbenchApi";
import { requestReasonWords } from "../lib/revocationRequest";
import { useRevocationRequests } from "./HolderRequests";
import { ListDate } from "./parts";

const TEXT = {
  zh: {
    choose: "— 请选择原因 —",
    asked: "（持证人已申请）",
    notAsked: "（持证人未申请，不可选）",
    note: "持证人已于",
    noteReason: "申请撤销本证书，理由：",
    noteEnd: "以“持证人申请”为由撤销即办结该申请；如另有撤销事由（例如弄虚作假），请按实际事由选择。",
    use: "选用“持证人申请”",
  },
  en: {
    choose: "— choose a reason —",
    asked: " (the holder asked)",
    notAsked: " (the holder has not asked)",
    note: "The holder asked on",
    noteReason: "for this certificate's revocation, reason:",
    noteEnd: "Revoking “at the holder's request” closes the request; if there is another ground (fraud, say), choose that one instead.",
    use: "Choose “at the holder's request”",
  },
};

/**
 * `holderRequest`: whether this revocation may be at the holder's request (the dossier page's own revocation). By
 * default, when the field starts with no reason chosen, as that one does; an upheld objection's field starts with
 * its reason and never revokes at the holder's request (server/routes/objections.ts).
 */
export function RevocationReasonField({ id, value, onChange, error, holderRequest }: { id: string; value: string; onChange: (reason: string) => void; error?: string | null; holderRequest?: boolean }) {
  const { t, i18n } = useTranslation();
  const w = i18n.language === "en" ? TEXT.en : TEXT.zh;
  const [mayBeAsked] = useState(() => holderRequest ?? value === "");
  // the dossier on screen (#/body/dossier/<id>): its standing request, if any
  const route = useRoute();
  const dossierId = route.parts[0] === "body" && route.parts[1] === "dossier" ? route.parts[2] : undefined;
  const api = useWorkbenchApi();
  const requests = useRevocationRequests(api, mayBeAsked && dossierId !== undefined);
  const open = mayBeAsked && dossierId ? requests.data?.items.find((r) => r.dossierId === dossierId) : undefined;
  const knownNone = mayBeAsked && dossierId !== undefined && requests.data !== undefined && !open;
  const described = [error ? `${id}-error` : "", open ? `${id}-request` : ""].filter(Boolean).join(" ");
  return (
    <div className={open ? "field holder-requested" : "field"}>
      <label htmlFor={id}>{t("body.revokeReason")}</label>
      <select id={id} value={value} required aria-invalid={error ? true : undefined} aria-describedby={described || undefined} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{w.choose}</option>
        {GIVABLE_REVOCATION_REASONS.map((r) => (
          <option key={r} value={r} disabled={r === "HolderRequest" && knownNone && value !== r}>
            {t(`reason.${r}`)}
            {r === "HolderRequest" ? (open ? w.asked : knownNone ? w.notAsked : "") : ""}
          </option>
        ))}
      </select>
      {open ? (
        <p id={`${id}-request`} className="notice info" data-testid="holder-request-note" data-request={open.id}>
          {w.note} <ListDate ms={open.createdAt} /> {w.noteReason}
          {requestReasonWords(i18n.language)[open.reason] ?? open.reason}
          {i18n.language === "en" ? ". " : "。"}
          {w.noteEnd}{" "}
          {value !== "HolderRequest" ? (
            <button type="button" onClick={() => onChange("HolderRequest")} data-testid="use-holder-request">
              {w.use}
            </button>
          ) : null}
        </p>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
