/**
 * Running a chain action from a wallet: an optional confirmation that says what will happen, then the wallet's
 * prompt, the pending transaction (its hash as soon as the wallet returns it), the receipt — or a message a person
 * can act on. A declined signature goes back to idle with a quiet note.
 *
 * A body's console also runs actions the workbench sends with the body's signing key (a ruling, a review, a
 * re-issue): those say so (`by: "body-key"`), are titled for the action, and never tell the operator to look at a
 * wallet that is not asked.
 */
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { describeError } from "../components/ErrorBox";
import { shortHex } from "../lib/format";

export type TxState =
  | { stage: "idle" }
  | { stage: "confirm"; text: string; run: () => void; how: TxHow }
  | { stage: "wallet"; how: TxHow }
  | { stage: "pending"; hash: Hex }
  | { stage: "done"; block?: bigint; note?: string }
  | { stage: "cancelled" }
  | { stage: "error"; zh: string; en: string };

/** who signs (the connected wallet, or the body's signing key through the workbench) and the dialog's title */
export interface TxHow {
  by?: "wallet" | "body-key";
  title?: string;
}

export interface TxRunner {
  state: TxState;
  /** asks for confirmation with `text`, then runs `action` (which gets an onHash callback) */
  ask(text: string, action: (onHash: (hash: Hex) => void) => Promise<{ blockNumber?: bigint } | void>, onDone?: () => void, how?: TxHow): void;
  reset(): void;
}

export function useTx(): TxRunner {
  const [state, setState] = useState<TxState>({ stage: "idle" });
  const ask = useCallback<TxRunner["ask"]>((text, action, onDone, how = {}) => {
    const run = () => {
      setState({ stage: "wallet", how });
      action((hash) => setState({ stage: "pending", hash }))
        .then((r) => {
          setState({ stage: "done", block: r && "blockNumber" in r ? r.blockNumber : undefined });
          onDone?.();
        })
        .catch(async (err: unknown) => {
          const d = await describeError(err);
          setState(d.cancelled ? { stage: "cancelled" } : { stage: "error", zh: d.zh, en: d.en });
        });
    };
    setState({ stage: "confirm", text, run, how });
  }, []);
  return { state, ask, reset: () => setState({ stage: "idle" }) };
}

export function TxView({ tx }: { tx: TxRunner }) {
  const { t, i18n } = useTranslation();
  const s = tx.state;
  if (s.stage === "idle") return null;
  if (s.stage === "confirm") {
    return (
      <div className="dialog-backdrop" role="presentation">
        <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-text">
          <h2 id="confirm-title">{s.how.title ?? t("tx.confirmTitle")}</h2>
          <p id="confirm-text">{s.text}</p>
          <div className="row wrap">
            <button type="button" className="primary" autoFocus onClick={s.run} data-testid="confirm">
              {s.how.by === "body-key" ? t("tx.confirmBodyKey") : t("tx.confirm")}
            </button>
            <button type="button" onClick={tx.reset}>
              {t("tx.cancel")}
            </button>
          </div>
        </div>
      </div>
    );
  }
  return (
    <div className="progress" aria-live="polite" data-tx={s.stage}>
      {s.stage === "wallet" ? <p className="notice info">{s.how.by === "body-key" ? t("tx.sendingBodyKey") : t("tx.awaitingWallet")}</p> : null}
      {s.stage === "pending" ? (
        <p className="notice info">
          {t("tx.pending", { hash: shortHex(s.hash) })}
        </p>
      ) : null}
      {s.stage === "done" ? <p className="notice ok">✔ {s.block !== undefined ? t("tx.mined", { block: s.block.toString() }) : t("association.done")}</p> : null}
      {s.stage === "cancelled" ? (
        <p className="notice info" data-testid="cancelled">
          {t("errors.cancelled")}
        </p>
      ) : null}
      {s.stage === "error" ? (
        <p className="notice error" role="alert">
          {i18n.language === "en" ? s.en : s.zh}
        </p>
      ) : null}
    </div>
  );
}
