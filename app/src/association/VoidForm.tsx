/**
 * 作废 (the supervisor voids a body's certificates evaluated before a date): no default date; the confirmation says
 * how many certificates it will void and lists them (computed from the chain: supervisionStats.ts voidPreview),
 * asks for the body's name typed out and for a reason of its own (its hash is the evidence recorded on chain), and
 * stays disabled until both are given.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { keccak256, toHex, type Hex } from "viem";
import type { BodyRecord } from "../../../sdk/types";
import { describeError } from "../components/ErrorBox";
import { chainNow } from "../lib/chainTime";
import { levelLabel, shortHex } from "../lib/format";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";
import { FieldErrors, invalidProps } from "./ActionTx";
import { useConsoleText } from "./consoleText";
import type { FieldProblem } from "./inputProblems";
import { problemsOfError } from "./inputProblems";
import { dateToUnix } from "./RegistryForms";
import { voidPreview } from "./supervisionStats";
import { OVERSIGHT_KEY, useOversightFacts } from "./useOversight";

type Stage = { stage: "idle" } | { stage: "wallet" } | { stage: "pending"; hash: Hex } | { stage: "done" } | { stage: "cancelled" } | { stage: "error"; zh: string; en: string };

export function VoidForm({ body, name, enabled, onDone }: { body: BodyRecord; name: string; enabled: boolean; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const C = useConsoleText();
  const w = useWallet();
  const qc = useQueryClient();
  const id = body.bodyId;
  const [date, setDate] = useState("");
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const [stage, setStage] = useState<Stage>({ stage: "idle" });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const facts = useOversightFacts(open);
  const c = useChainish();
  // the contract compares the date with the chain's clock, not this computer's
  const now = useQuery({ queryKey: ["chain-now"], queryFn: async () => chainNow(await w.publicClient(), c.config.deployment), staleTime: 15_000 });
  const nowSeconds = now.data ?? Math.floor(Date.now() / 1000);
  const today = new Date(nowSeconds * 1000).toISOString().slice(0, 10);
  const dateError = touched && !date ? C.voidDateRequired : touched && date > today ? C.voidDateFuture : null;
  const voidedBefore = date ? Math.min(dateToUnix(date), nowSeconds - 1) : 0;
  const affected = facts.data ? voidPreview(facts.data.certificates, id, voidedBefore) : null;
  const nameOk = typed.trim() === name;
  const reasonOk = reason.trim().length > 0;
  const close = () => {
    setOpen(false);
    setTyped("");
    setReason("");
    setStage({ stage: "idle" });
  };
  const run = async () => {
    setStage({ stage: "wallet" });
    setProblems([]);
    try {
      const cqo = await w.cqo((hash) => setStage({ stage: "pending", hash }));
      await cqo.voidCertificatesIssuedBefore(id, voidedBefore, keccak256(toHex(reason.trim())));
      setStage({ stage: "done" });
      void qc.invalidateQueries({ queryKey: OVERSIGHT_KEY });
      onDone();
    } catch (err) {
      setProblems(problemsOfError(err));
      const d = await describeError(err);
      setStage(d.cancelled ? { stage: "cancelled" } : { stage: "error", zh: d.zh, en: d.en });
    }
  };
  const busy = stage.stage === "wallet" || stage.stage === "pending";
  return (
    <>
      <h3>{t("association.void")}</h3>
      <fieldset disabled={!enabled} className="plain">
        <div className="row wrap align-end">
          <div className="field">
            <label htmlFor={`void-${id}`}>{t("association.voidDate")}</label>
            <input
              id={`void-${id}`}
              type="date"
              required
              max={today}
              value={date}
              onChange={(e) => setDate(e.currentTarget.value)}
              aria-invalid={dateError ? true : undefined}
              aria-describedby={dateError ? `void-${id}-date-error` : undefined}
              {...invalidProps(`void-${id}`, "voidDate", problems)}
            />
            {dateError ? (
              <span id={`void-${id}-date-error`} className="field-error">
                {dateError}
              </span>
            ) : null}
            <FieldErrors inputId={`void-${id}`} field="voidDate" problems={problems} />
          </div>
          <button
            type="button"
            className="danger"
            data-testid={`void-open-${id}`}
            onClick={() => {
              setTouched(true);
              if (!date || date > today) return;
              setOpen(true);
            }}
          >
            {C.voidPrepare}
          </button>
        </div>
      </fieldset>
      {!enabled ? <p className="notice info">{t("association.needRole", { role: t("association.roleSupervisor") })}</p> : null}
      {open ? (
        <div className="dialog-backdrop" role="presentation">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={`void-title-${id}`} aria-describedby={`void-count-${id}`} data-testid="void-dialog">
            <h2 id={`void-title-${id}`}>{C.titles.void}</h2>
            <p id={`void-count-${id}`} data-testid="void-count">
              {affected === null ? C.voidCounting : affected.length === 0 ? C.voidNone : C.voidCount(affected.length, `#${id} ${name}`, date)}
            </p>
            {affected && affected.length ? (
              // a long list scrolls inside the dialog: focusable, so it scrolls from the keyboard too (WCAG 2.1.1)
              <ul className="void-list" data-testid="void-list" tabIndex={0} aria-labelledby={`void-count-${id}`}>
                {affected.map((c) => (
                  <li key={c.tokenId.toString()} className="mono">
                    {c.tokenId.toString()} · {levelLabel(c.level, i18n.language)} · {t(`verdict.${c.status}.title`)}
                  </li>
                ))}
              </ul>
            ) : null}
            <p className="muted">{C.voidIrreversible}</p>
            <label htmlFor={`void-name-${id}`}>{C.voidTypeName(name)}</label>
            <input
              id={`void-name-${id}`}
              autoFocus
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              aria-invalid={typed && !nameOk ? true : undefined}
              aria-describedby={typed && !nameOk ? `void-name-${id}-error` : undefined}
            />
            {typed && !nameOk ? (
              <span id={`void-name-${id}-error`} className="field-error">
                {C.voidNameMismatch}
              </span>
            ) : null}
            <label htmlFor={`void-reason-${id}`}>{C.voidReason}</label>
            <textarea id={`void-reason-${id}`} required rows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} {...invalidProps(`void-reason-${id}`, "reason", problems)} />
            <FieldErrors inputId={`void-reason-${id}`} field="reason" problems={problems} />
            {stage.stage === "wallet" ? <p className="notice info">{t("tx.awaitingWallet")}</p> : null}
            {stage.stage === "pending" ? <p className="notice info">{t("tx.pending", { hash: shortHex(stage.hash) })}</p> : null}
            {stage.stage === "done" ? (
              <p className="notice ok" data-testid="void-done">
                ✔ {t("association.done")}
              </p>
            ) : null}
            {stage.stage === "cancelled" ? <p className="notice info">{t("errors.cancelled")}</p> : null}
            {stage.stage === "error" ? (
              <p className="notice error" role="alert">
                {i18n.language === "en" ? stage.en : stage.zh}
              </p>
            ) : null}
            <div className="row wrap">
              {stage.stage !== "done" ? (
                <button type="button" className="danger" data-testid="void-confirm" disabled={!nameOk || !reasonOk || affected === null || busy} onClick={() => void run()}>
                  {C.voidConfirm}
                </button>
              ) : null}
              <button type="button" onClick={close} disabled={busy}>
                {stage.stage === "done" ? C.close : C.cancel}
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </>
  );
}
