/**
 * Issuance signed in the operator's wallet (钱包签发, server/wallet-issuance.ts): the workbench leases the next
 * approved results to this operator and returns the exact issuance structs; the wallet sends `issueCertificates`
 * (wagmi writeContract with the sdk's typed ABI); the page waits for the receipt and reports the hash, and the
 * workbench records it from the chain. One lease is one transaction; the loop goes on until the queue is empty,
 * showing transaction N of M, its hash and block.
 *
 * Resumable: the hash of a sent transaction is kept in localStorage until the workbench has recorded it; coming
 * back, the operator's live lease comes back from the workbench and a kept hash is reported first (roots used
 * meanwhile are recorded from the chain; the contract refuses a used root anyway). A declined signature gives the
 * lease back and says so; it is not an error.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hex } from "viem";
import { useWriteContract } from "wagmi";
import { cqoCertificateAbi } from "../../../sdk/abi";
import { describeError, ErrorBox } from "../components/ErrorBox";
import { AppError } from "../components/errors";
import { shortHex } from "../lib/format";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";
import { WorkbenchError, type WalletClaim, type WalletReport, type WalletStatus, type WorkbenchApi } from "./api";
import { canRetry, CopyValue, useListWords } from "./parts";

interface ChunkLog {
  n: number;
  count: number;
  hash: Hex | null;
  block: number | null;
  /** certificates found already on chain (an earlier, unreported transaction) */
  fromChain?: boolean;
}

type Run =
  | { stage: "idle" }
  | { stage: "confirm" }
  | { stage: "claiming"; n: number; total: number }
  | { stage: "wallet"; n: number; total: number; count: number }
  | { stage: "pending"; n: number; total: number; count: number; hash: Hex }
  | { stage: "recording"; n: number; total: number; count: number; hash: Hex }
  | { stage: "done"; issued: number }
  | { stage: "cancelled"; released: number }
  | { stage: "error"; error: unknown };

const sentKey = (claimId: string) => `cqo.walletIssuance.sent.${claimId}`;

export function WalletIssuance({ api }: { api: WorkbenchApi }) {
  const { t } = useTranslation();
  const words = useListWords();
  const c = useChainish();
  const w = useWallet();
  const qc = useQueryClient();
  const write = useWriteContract();
  const [run, setRun] = useState<Run>({ stage: "idle" });
  const [log, setLog] = useState<ChunkLog[]>([]);
  const [per, setPer] = useState(50);
  const busy = ["claiming", "wallet", "pending", "recording"].includes(run.stage);
  const status = useQuery({
    queryKey: ["wallet-issuance"],
    queryFn: () => api.call<WalletStatus>("GET", "/issuance/wallet"),
    refetchInterval: busy ? false : 3000,
  });
  const s = status.data;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["wallet-issuance"] });
    void qc.invalidateQueries({ queryKey: ["outbox"] });
    void qc.invalidateQueries({ queryKey: ["dossiers"] });
    void qc.invalidateQueries({ queryKey: ["dossier"] });
  };
  const release = (claimId: string) => api.call<{ released: number }>("POST", "/issuance/wallet/release", { claimId }).then((r) => r.released, () => 0);

  const issueAll = async () => {
    setLog([]);
    let n = 0;
    let issued = 0;
    let total = Math.max(1, Math.ceil(((s?.mine?.items.length ?? 0) + (s?.queued ?? 0)) / per));
    try {
      for (;;) {
        setRun({ stage: "claiming", n: n + 1, total });
        const claim = await api.call<WalletClaim>("POST", "/issuance/wallet/claim", { max: per });
        if (claim.recorded.length) {
          issued += claim.recorded.length;
          setLog((l) => [...l, { n: 0, count: claim.recorded.length, hash: null, block: null, fromChain: true }]);
        }
        if (claim.items.length === 0) {
          await release(claim.claimId);
          localStorage.removeItem(sentKey(claim.claimId));
          // a resumed lease found all mined, or refused rows dropped: there may be more behind it
          if (claim.recorded.length || claim.failed.length) continue;
          break;
        }
        n++;
        total = Math.max(total, n + Math.ceil(claim.remaining / per));
        const count = claim.items.length;
        let hash = localStorage.getItem(sentKey(claim.claimId)) as Hex | null;
        if (!hash) {
          setRun({ stage: "wallet", n, total, count });
          try {
            hash = await write.mutateAsync({
              abi: cqoCertificateAbi,
              address: claim.certificate,
              functionName: "issueCertificates",
              args: [claim.items.map((i) => i.issuance)],
              chainId: c.chain.id,
              account: w.address,
              gas: (BigInt(claim.gas) * 12n) / 10n,
            });
          } catch (err) {
            const d = await describeError(err);
            const released = await release(claim.claimId);
            if (d.cancelled) {
              setRun({ stage: "cancelled", released });
              return;
            }
            throw err;
          }
          localStorage.setItem(sentKey(claim.claimId), hash);
        }
        setRun({ stage: "pending", n, total, count, hash });
        const receipt = await (await w.publicClient()).waitForTransactionReceipt({ hash, timeout: 300_000 }).catch((err: unknown) => {
          throw (err as { name?: string }).name === "WaitForTransactionReceiptTimeoutError"
            ? new AppError({ zh: `交易 ${shortHex(hash!)} 5 分钟内未上链；稍后回到本页点“继续”即可，不会重复签发。`, en: `Transaction ${shortHex(hash!)} was not mined within 5 minutes; come back later and press “Resume”: nothing is issued twice.` })
            : err;
        });
        if (receipt.status !== "success") {
          localStorage.removeItem(sentKey(claim.claimId));
          await release(claim.claimId);
          throw new AppError({
            zh: `交易 ${shortHex(hash)} 在链上回滚，没有签发任何证书；这些结果已退回队列，可重试。`,
            en: `Transaction ${shortHex(hash)} reverted on chain: nothing was issued; the results are back in the queue, try again.`,
          });
        }
        setRun({ stage: "recording", n, total, count, hash });
        const rep = await api.call<WalletReport>("POST", "/issuance/wallet/report", { txHash: hash, claimId: claim.claimId }).catch((err: unknown) => {
          // the workbench read the chain and found no issuance of ours in it: forget the hash, the lease goes on
          if (err instanceof WorkbenchError && (err.code === "tx-not-issuance" || err.code === "tx-reverted")) localStorage.removeItem(sentKey(claim.claimId));
          throw err;
        });
        localStorage.removeItem(sentKey(claim.claimId));
        issued += rep.recorded.length + rep.alreadyRecorded.length;
        setLog((l) => [...l, { n, count: rep.recorded.length + rep.alreadyRecorded.length, hash, block: rep.blockNumber }]);
        refresh();
      }
      setRun({ stage: "done", issued });
    } catch (err) {
      setRun({ stage: "error", error: err });
    } finally {
      refresh();
    }
  };

  const queued = s?.queued ?? 0;
  const mine = s?.mine ?? null;
  const others = (s?.claims ?? []).filter((x) => x.operator.toLowerCase() !== w.address?.toLowerCase());
  return (
    <section className="card console-list" aria-labelledby="wallet-issuance-heading" data-testid="wallet-issuance">
      <h2 id="wallet-issuance-heading">{t("bodyOps.wallet.heading")}</h2>
      <p>{t(s?.mode === "wallet" ? "bodyOps.wallet.introWalletOnly" : "bodyOps.wallet.intro")}</p>
      {status.error ? <ErrorBox error={status.error} onRetry={canRetry(status.error) ? () => void status.refetch() : undefined} /> : null}
      {s ? (
        <p data-testid="wallet-queued">
          {t("bodyOps.wallet.queued", { n: queued })}
          {others.length ? ` ${t("bodyOps.wallet.othersHold", { n: others.reduce((a, x) => a + x.count, 0) })}` : ""}
        </p>
      ) : null}
      {mine && !busy ? (
        <p className="notice info" data-testid="wallet-resume">
          {t("bodyOps.wallet.unfinished", { n: mine.items.length, until: new Date(mine.expiresAt).toLocaleTimeString() })}
        </p>
      ) : null}
      <div className="row wrap align-end">
        <div className="field">
          <label htmlFor="wallet-per-tx">{t("bodyOps.wallet.perTx")}</label>
          <input id="wallet-per-tx" type="number" inputMode="numeric" min={1} max={200} value={per} disabled={busy} onChange={(e) => setPer(Math.min(200, Math.max(1, Number(e.currentTarget.value) || 1)))} />
        </div>
        <button type="button" className="primary" disabled={busy || !w.address || (queued === 0 && !mine)} onClick={() => setRun({ stage: "confirm" })} data-testid="wallet-issue">
          {mine ? t("bodyOps.wallet.resume") : t("bodyOps.wallet.start")}
        </button>
      </div>

      {run.stage === "confirm" ? (
        <div className="dialog-backdrop" role="presentation">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="wallet-confirm-title" aria-describedby="wallet-confirm-text">
            <h2 id="wallet-confirm-title">{words.walletConfirmTitle}</h2>
            <p id="wallet-confirm-text">
              {t("bodyOps.wallet.confirm", { n: queued + (mine?.items.length ?? 0), per, txs: Math.max(1, Math.ceil((queued + (mine?.items.length ?? 0)) / per)), address: shortHex(w.address ?? "") })}
            </p>
            <div className="row wrap">
              <button type="button" className="primary" autoFocus onClick={() => void issueAll()} data-testid="wallet-confirm">
                {t("tx.confirm")}
              </button>
              <button type="button" onClick={() => setRun({ stage: "idle" })}>
                {t("tx.cancel")}
              </button>
            </div>
          </div>
        </div>
      ) : null}

      <div aria-live="polite" className="progress" data-wallet-stage={run.stage}>
        {"n" in run && "total" in run ? (
          <p className="notice info" data-testid="wallet-progress">
            <progress max={run.total} value={run.n - 1} aria-label={t("bodyOps.wallet.txOf", { n: run.n, total: run.total })} /> {t("bodyOps.wallet.txOf", { n: run.n, total: run.total })} ·{" "}
            {run.stage === "claiming" ? t("bodyOps.wallet.claiming") : null}
            {run.stage === "wallet" ? t("bodyOps.wallet.inWallet", { count: run.count }) : null}
            {run.stage === "pending" ? t("bodyOps.wallet.pending", { hash: shortHex(run.hash) }) : null}
            {run.stage === "recording" ? t("bodyOps.wallet.recording", { hash: shortHex(run.hash) }) : null}
          </p>
        ) : null}
        {run.stage === "done" ? (
          <p className="notice ok" data-testid="wallet-done">
            ✔ {t("bodyOps.wallet.done", { n: run.issued })}
          </p>
        ) : null}
        {run.stage === "cancelled" ? (
          <p className="notice info" data-testid="wallet-cancelled">
            {t("bodyOps.wallet.cancelled", { n: run.released })}
          </p>
        ) : null}
        {run.stage === "error" ? <ErrorBox error={run.error} /> : null}
      </div>

      {log.length ? (
        <table className="list cards" data-testid="wallet-log">
          <caption className="visually-hidden">{t("bodyOps.wallet.logCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("bodyOps.wallet.certificates")}</th>
              <th scope="col">{t("bodyOps.wallet.tx")}</th>
              <th scope="col">{t("bodyOps.wallet.block")}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((l, i) => (
              <tr key={i} data-chunk={l.n}>
                <td data-label="#">{l.fromChain ? "—" : l.n}</td>
                <td data-label={t("bodyOps.wallet.certificates")}>{l.fromChain ? t("bodyOps.wallet.fromChain", { n: l.count }) : l.count}</td>
                <td data-label={t("bodyOps.wallet.tx")}>{l.hash ? <CopyValue value={l.hash} what={`${words.txHash} ${l.hash}`} /> : "—"}</td>
                <td data-label={t("bodyOps.wallet.block")}>{l.block ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
