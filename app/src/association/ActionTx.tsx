/**
 * The console's transactions: wallet/tx.tsx's runner, with a confirmation named for its action ("确认暂停资格",
 * not a generic "confirm") and field problems from the sdk's input checks handed back to the form they came from.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AppError } from "../components/errors";
import { TxView, useTx, type TxRunner } from "../wallet/tx";
import { FIELDS_REFUSED, fieldProblemWords, useConsoleText, type ConsoleField } from "./consoleText";
import { problemsOfError, type FieldProblem } from "./inputProblems";

export type ActionName = keyof ReturnType<typeof useConsoleText>["titles"];

export interface ActionTx {
  tx: TxRunner;
  title: string;
  /** asks with a confirmation titled for `action`; the sdk's field problems go to `onProblems` */
  ask(action: ActionName, text: string, run: Parameters<TxRunner["ask"]>[1], onDone?: () => void, onProblems?: (p: FieldProblem[]) => void): void;
}

export function useActionTx(): ActionTx {
  const tx = useTx();
  const C = useConsoleText();
  const [title, setTitle] = useState("");
  return {
    tx,
    title,
    ask(action, text, run, onDone, onProblems) {
      setTitle(C.titles[action]);
      onProblems?.([]);
      tx.ask(
        text,
        async (onHash) => {
          try {
            return await run(onHash);
          } catch (err) {
            const problems = problemsOfError(err);
            if (!problems.length) throw err;
            onProblems?.(problems);
            // the fields say what is wrong, in words; the box says where to look, never the sdk's argument paths
            throw new AppError(FIELDS_REFUSED);
          }
        },
        onDone,
      );
    },
  };
}

export function ActionTxView({ actions }: { actions: ActionTx }) {
  const { t } = useTranslation();
  const s = actions.tx.state;
  if (s.stage !== "confirm") return <TxView tx={actions.tx} />;
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text">
        <h2 id="confirm-title">{actions.title || t("tx.confirmTitle")}</h2>
        <p id="confirm-text">{s.text}</p>
        <div className="row wrap">
          <button type="button" className="primary" autoFocus onClick={s.run} data-testid="confirm">
            {actions.title || t("tx.confirm")}
          </button>
          <button type="button" onClick={actions.tx.reset}>
            {t("tx.cancel")}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * A field's problems, next to it (the input carries aria-invalid and aria-describedby = `${inputId}-error`): the
 * field's label and what is wrong, in the page's language (consoleText.ts fieldProblemWords).
 */
export function FieldErrors({ inputId, field, problems }: { inputId: string; field: ConsoleField; problems: readonly FieldProblem[] }) {
  const C = useConsoleText();
  if (!problems.some((p) => p.field === field)) return null;
  // the field's label and what is wrong, in words: never the sdk's path of the argument
  return (
    <span id={`${inputId}-error`} className="field-error" data-field={field}>
      {fieldProblemWords(C, field)}
    </span>
  );
}

/** the aria attributes of an input whose field may have problems */
export const invalidProps = (inputId: string, field: ConsoleField, problems: readonly FieldProblem[]) =>
  problems.some((p) => p.field === field) ? { "aria-invalid": true, "aria-describedby": `${inputId}-error` } : {};
