/**
 * 抽查 (sampling audit): the officer picks a body, a seed anyone can check (a block hash) and a size; the sample is
 * drawn by the rule stated on the page (supervisionStats.ts drawSample), so anyone with the same seed gets the same
 * certificates. Then the association's wallet signs in to the body's workbench (the deployment's, useWorkbenchApi;
 * another body's URL may be typed in) and asks for each certificate's evaluation record; each answer is checked in
 * the browser against the on-chain root (auditCheck.ts): 一致 / 不一致. Every check is handed to the page
 * (`onChecked`), which keeps the verified scores of every body audited for the distributions (DimensionScores.tsx).
 */
import { useMemo, useState } from "react";
import type { Hex } from "viem";
import { getBlock } from "viem/actions";
import { cqoReads } from "../../../sdk/reads";
import { WorkbenchApi } from "../body/api";
import { ErrorBox } from "../components/ErrorBox";
import { useChainish } from "../wallet/context";
import { useWallet } from "../wallet/wallet";
import { useWorkbenchApi } from "../wallet/useWorkbenchApi";
import { checkAuditAnswer, type AuditCheck } from "./auditCheck";
import type { OversightFacts } from "./supervisionData";
import { drawSample, isSeed } from "./supervisionStats";
import { useSupervisionText } from "./supervisionText";
import { useTranslation } from "react-i18next";
import { ScrollRegion } from "../components/ScrollRegion";

const MAX_SAMPLE = 50;

type Answer = { state: "loading" } | { state: "checked"; check: AuditCheck } | { state: "error"; error: unknown };

export function SamplingAudit({
  facts,
  nameOf,
  suggested,
  onChecked,
}: {
  facts: OversightFacts;
  nameOf: (bodyId: number) => string;
  suggested: number[];
  /** a certificate's answer was checked (an answer that could not be had changes nothing) */
  onChecked: (bodyId: number, tokenId: string, check: AuditCheck) => void;
}) {
  const T = useSupervisionText();
  const { i18n } = useTranslation();
  const en = i18n.language === "en";
  const c = useChainish();
  const w = useWallet();
  const [bodyId, setBodyId] = useState<number>(suggested[0] ?? facts.bodies[0]?.bodyId ?? 1);
  const [seed, setSeed] = useState("");
  const [size, setSize] = useState("5");
  const [touched, setTouched] = useState(false);
  const [drawn, setDrawn] = useState<{ bodyId: number; seed: Hex; sample: { tokenId: bigint; key: Hex }[] } | null>(null);
  const [seedError, setSeedError] = useState<unknown>(null);
  const seedBad = touched && !isSeed(seed.trim());
  const sizeN = Number(size);
  const sizeBad = touched && !(Number.isInteger(sizeN) && sizeN >= 1 && sizeN <= MAX_SAMPLE);
  const numbers = useMemo(() => facts.certificates.filter((x) => x.bodyId === bodyId).map((x) => x.tokenId), [facts, bodyId]);

  const deployed = useWorkbenchApi();
  const [base, setBase] = useState(deployed.base);
  const api = useMemo(() => (base === deployed.base ? deployed : new WorkbenchApi(base)), [base, deployed]);
  const [session, setSession] = useState(() => api.session());
  const [signInError, setSignInError] = useState<unknown>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});

  const latest = async () => {
    setSeedError(null);
    try {
      const block = await getBlock(await w.publicClient(), { blockTag: "latest" });
      if (block.hash) setSeed(block.hash);
    } catch (err) {
      setSeedError(err);
    }
  };
  const draw = () => {
    setTouched(true);
    const s = seed.trim();
    if (!isSeed(s) || !(Number.isInteger(sizeN) && sizeN >= 1 && sizeN <= MAX_SAMPLE)) return;
    setAnswers({});
    setDrawn({ bodyId, seed: s.toLowerCase() as Hex, sample: drawSample(s as Hex, numbers, sizeN) });
  };
  const signIn = async () => {
    setSignInError(null);
    try {
      if (!w.address) return;
      setSession(await api.signIn(await w.walletClient(), w.address, c.chain.id));
    } catch (err) {
      setSignInError(err);
    }
  };
  const fetchAll = async () => {
    if (!drawn) return;
    const bodyOf = drawn.bodyId;
    const reads = cqoReads(await w.publicClient(), c.config.deployment.certificate);
    await Promise.all(
      drawn.sample.map(async ({ tokenId }) => {
        const id = tokenId.toString();
        setAnswers((a) => ({ ...a, [id]: { state: "loading" } }));
        try {
          const [answer, onChain] = await Promise.all([api.call<unknown>("GET", `/supervision/records/${id}`), reads.verifyCertificate(tokenId)]);
          const check = checkAuditAnswer(answer, onChain.resultRoot, onChain.level);
          setAnswers((a) => ({ ...a, [id]: { state: "checked", check } }));
          onChecked(bodyOf, id, check);
        } catch (error) {
          setAnswers((a) => ({ ...a, [id]: { state: "error", error } }));
        }
      }),
    );
  };
  const consistent = Object.values(answers).flatMap((a) => (a.state === "checked" && a.check.consistent ? [a.check] : []));
  const dimensionIds = [...new Set(consistent.flatMap((c) => Object.keys(c.dimensions)))];
  const dimensionName = (id: string) => {
    const n = consistent.find((c) => c.dimensionNames[id])?.dimensionNames[id];
    return n ? (en ? n.en : n.zh) : id;
  };

  return (
    <section className="card" aria-labelledby="audit-heading">
      <h3 id="audit-heading">{T.audit}</h3>
      <p>{T.auditIntro}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          draw();
        }}
      >
        <div className="row wrap align-end">
          <div className="field">
            <label htmlFor="audit-body">{T.auditBody}</label>
            <select id="audit-body" value={bodyId} onChange={(e) => setBodyId(Number(e.currentTarget.value))}>
              {facts.bodies.map((b) => (
                <option key={b.bodyId} value={b.bodyId}>
                  {nameOf(b.bodyId)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-size">{T.size}</label>
            <input id="audit-size" type="number" min={1} max={MAX_SAMPLE} value={size} aria-invalid={sizeBad} aria-describedby={sizeBad ? "audit-size-error" : undefined} onChange={(e) => setSize(e.currentTarget.value)} />
            {sizeBad ? (
              <span id="audit-size-error" className="field-error">
                {T.sizeInvalid}
              </span>
            ) : null}
          </div>
        </div>
        <label htmlFor="audit-seed">{T.seed}</label>
        <input id="audit-seed" className="mono" value={seed} aria-invalid={seedBad} aria-describedby={seedBad ? "audit-seed-error audit-seed-hint" : "audit-seed-hint"} onChange={(e) => setSeed(e.currentTarget.value)} />
        {seedBad ? (
          <span id="audit-seed-error" className="field-error">
            {T.seedInvalid}
          </span>
        ) : null}
        <p id="audit-seed-hint" className="muted">
          {T.seedHint}
        </p>
        {seedError ? <ErrorBox error={seedError} /> : null}
        <p className="muted" data-testid="audit-algorithm">
          {T.algorithm}
        </p>
        <div className="row wrap">
          <button type="button" onClick={() => void latest()}>
            {T.useLatest}
          </button>
          <button type="submit" className="primary" data-testid="audit-draw">
            {T.draw}
          </button>
        </div>
      </form>

      {drawn ? (
        <div data-testid="audit-sample" data-seed={drawn.seed}>
          <h4>
            {T.sample} · {nameOf(drawn.bodyId)}
          </h4>
          {drawn.sample.length === 0 ? <p>{T.none}</p> : null}
          <ScrollRegion label={T.sample}>
            <table className="list">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{T.key}</th>
                  <th scope="col">{T.answer}</th>
                </tr>
              </thead>
              <tbody>
                {drawn.sample.map(({ tokenId, key }) => {
                  const a = answers[tokenId.toString()];
                  return (
                    <tr key={tokenId.toString()} data-token={tokenId.toString()}>
                      <td className="mono">{tokenId.toString()}</td>
                      <td>
                        <code title={key}>{`${key.slice(0, 10)}…${key.slice(-6)}`}</code>
                      </td>
                      <td data-testid={`audit-answer-${tokenId}`}>
                        {!a ? <span className="muted">{T.pending}</span> : null}
                        {a?.state === "loading" ? <span role="status">…</span> : null}
                        {a?.state === "error" ? <ErrorBox error={a.error} /> : null}
                        {a?.state === "checked" ? (
                          <>
                            <span className={a.check.consistent ? "badge ok" : "badge bad"} data-consistent={a.check.consistent}>
                              {a.check.consistent ? `✔ ${T.match}` : `✘ ${T.mismatch}`}
                            </span>
                            {a.check.reasons.length ? (
                              <ul className="field-problems">
                                {a.check.reasons.map((r, i) => (
                                  <li key={i}>{en ? r.en : r.zh}</li>
                                ))}
                              </ul>
                            ) : null}
                          </>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>

          <label htmlFor="audit-workbench">{T.workbench}</label>
          <input id="audit-workbench" className="mono" value={base} onChange={(e) => setBase(e.currentTarget.value.trim())} />
          <div className="row wrap">
            {session ? (
              <span data-testid="audit-signed-in">{T.signedIn(session.address)}</span>
            ) : (
              <button type="button" disabled={!w.connected} onClick={() => void signIn()}>
                {T.signIn}
              </button>
            )}
            <button type="button" className="primary" disabled={!session || drawn.sample.length === 0} onClick={() => void fetchAll()} data-testid="audit-fetch">
              {T.fetch}
            </button>
          </div>
          {signInError ? <ErrorBox error={signInError} /> : null}

          {dimensionIds.length ? (
            <>
              <h4>{T.dimensions}</h4>
              <ScrollRegion label={T.dimensions}>
                <table className="list" data-testid="audit-dimensions">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      {dimensionIds.map((d) => (
                        <th scope="col" key={d} title={d}>
                          {dimensionName(d)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {drawn.sample.map(({ tokenId }) => {
                      const a = answers[tokenId.toString()];
                      if (a?.state !== "checked" || !a.check.consistent) return null;
                      return (
                        <tr key={tokenId.toString()}>
                          <td className="mono">{tokenId.toString()}</td>
                          {dimensionIds.map((d) => (
                            <td key={d}>{a.check.dimensions[d] ?? "—"}</td>
                          ))}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </ScrollRegion>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
