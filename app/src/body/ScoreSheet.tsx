/**
 * The assessor's score sheet (评分表): one field per panel-scored indicator of the dossier's rulebook (the published
 * file, bundled), signed as EIP-712 typed data in the assessor's wallet (scoring/panel/typedData) and submitted.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { panelSheetTypedData } from "../../../scoring/panel/typedData";
import type { PanelSheet } from "../../../scoring/panel/schema";
import { useWallet } from "../wallet/wallet";
import type { TxRunner } from "../wallet/tx";
import type { DossierDetail, Message, WorkbenchApi } from "./api";

interface RulebookFile {
  id: string;
  version: string;
  dimensions: { id: string; name: Message; indicators: { id: string; name: Message; max: number; scoring: { method: string } }[] }[];
}

const FILES = import.meta.glob<RulebookFile>("../../../rulebooks/*.json", { import: "default" });

async function rulebookFor(key: string): Promise<RulebookFile | null> {
  for (const load of Object.values(FILES)) {
    const rb = await load();
    if (`${rb.id}@${rb.version}` === key) return rb;
  }
  return null;
}

/** `tx` is the page's runner, so the outcome stays on screen after the submitted form goes away. */
export function ScoreSheet({ api, dossier, me, tx, onDone }: { api: WorkbenchApi; dossier: DossierDetail; me: { address: string; assessorId: string }; tx: TxRunner; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const w = useWallet();
  const rb = useQuery({ queryKey: ["rulebook-file", dossier.rulebook], queryFn: () => rulebookFor(dossier.rulebook) });
  const [scores, setScores] = useState<Record<string, string>>({});
  const [uscc, setUscc] = useState(() => localStorage.getItem(`cqo.assessor.uscc.${me.address}`) ?? "");
  const [comments, setComments] = useState("");
  const indicators = (rb.data?.dimensions ?? []).flatMap((d) => d.indicators.filter((i) => i.scoring.method === "panel"));
  const complete = indicators.length > 0 && indicators.every((i) => scores[i.id] !== undefined && scores[i.id] !== "") && uscc.length === 18;
  const submit = () =>
    tx.ask(
      t("body.confirm.sheet", { id: dossier.id }),
      async () => {
        if (!w.address || !dossier.rulebookHash) throw new Error("no wallet or rulebook");
        localStorage.setItem(`cqo.assessor.uscc.${me.address}`, uscc);
        const sheet: Omit<PanelSheet, "signature"> = {
          format: "cqo-panel-sheet/1",
          rulebook: dossier.rulebookHash,
          dossier: dossier.dossierHash,
          assessor: { id: me.assessorId, address: w.address, employerUscc: uscc },
          scores: Object.fromEntries(indicators.map((i) => [i.id, Math.round(Number(scores[i.id]) * 10)])),
          comments,
          signedOn: new Date().toISOString().slice(0, 10),
        };
        const wallet = await w.walletClient();
        const signature: Hex = await wallet.signTypedData({ account: w.address, ...panelSheetTypedData(sheet) });
        await api.call("POST", `/dossiers/${encodeURIComponent(dossier.id)}/sheets`, { sheet: { ...sheet, signature } });
      },
      onDone,
    );
  const lang = i18n.language;
  return (
    <form
      className="card"
      aria-labelledby="sheet-heading"
      data-testid="score-sheet"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2 id="sheet-heading">{t("body.scoreHeading")}</h2>
      <label htmlFor="sheet-uscc">{t("body.assessorUscc")}</label>
      <input id="sheet-uscc" className="mono" value={uscc} maxLength={18} onChange={(e) => setUscc(e.currentTarget.value.trim().toUpperCase())} />
      {indicators.map((i) => (
        <div key={i.id} className="field">
          <label htmlFor={`score-${i.id}`}>
            {lang === "en" ? i.name.en : i.name.zh} — {t("body.points", { max: (i.max / 10).toFixed(1) })}
          </label>
          <input
            id={`score-${i.id}`}
            data-indicator={i.id}
            type="number"
            inputMode="decimal"
            min={0}
            max={i.max / 10}
            step={0.1}
            required
            value={scores[i.id] ?? ""}
            onChange={(e) => setScores({ ...scores, [i.id]: e.currentTarget.value })}
          />
        </div>
      ))}
      <label htmlFor="sheet-comments">{t("body.comments")}</label>
      <textarea id="sheet-comments" rows={3} value={comments} onChange={(e) => setComments(e.currentTarget.value)} />
      <button type="submit" className="primary" disabled={!complete}>
        {t("body.signSheet")}
      </button>
    </form>
  );
}
