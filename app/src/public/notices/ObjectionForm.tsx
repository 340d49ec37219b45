/**
 * The objection form (异议) of one certificate in notice: connect a wallet (how to get one when none is found:
 * the wallet's ConnectPanel), write the statement, optionally attach evidence, sign and file. Each refusal stands
 * next to its field (aria-invalid, aria-describedby); a declined signature is a quiet note.
 */
import { useState } from "react";
import type { Bilingual } from "../../components/errors";
import { ErrorBox } from "../../components/ErrorBox";
import { formatCertificateNumber } from "../../lib/certificateNumber";
import { useChainish } from "../../wallet/context";
import { useWorkbenchApi } from "../../wallet/useWorkbenchApi";
import { ConnectPanel, useWallet } from "../../wallet/wallet";
import { checkStatement, fileObjection, ObjectionRefused, STATEMENT_MAX, type FieldRefusals, type FiledObjection, type ObjectionField } from "./objection";
import { useNoticeText } from "./text";

type Step = "signIn" | "upload" | "sign" | "post";

function Problems({ id, list, lang }: { id: string; list: Bilingual[] | undefined; lang: "zh" | "en" }) {
  if (!list || list.length === 0) return null;
  return (
    <div className="notice error" id={id} data-testid={id} role="alert">
      <ul className="field-problems">
        {list.map((p, i) => (
          <li key={i}>{lang === "en" ? p.en : p.zh}</li>
        ))}
      </ul>
    </div>
  );
}

export function ObjectionForm({ tokenId, clockOffset, objectionOpen, onFiled }: { tokenId: string; clockOffset: number; objectionOpen: boolean; onFiled(o: FiledObjection): void }) {
  const { x, lang } = useNoticeText();
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [statement, setStatement] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [refusals, setRefusals] = useState<FieldRefusals>({});
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [filed, setFiled] = useState(false);
  const ids = { statement: `objection-statement-${tokenId}`, evidence: `objection-evidence-${tokenId}` };
  const problemId = (f: ObjectionField) => `objection-${f}-problems-${tokenId}`;
  const invalid = (f: ObjectionField) => (refusals[f]?.length ? true : undefined);
  const describedBy = (f: ObjectionField, hint: string) => [hint, refusals[f]?.length ? problemId(f) : ""].filter(Boolean).join(" ");

  const submit = async () => {
    setRefusals({});
    setError(null);
    const checked = checkStatement(statement);
    if (!checked.ok) return setRefusals({ statement: [checked.problem] });
    if (!w.address) return;
    try {
      const o = await fileObjection(
        { api, wallet: await w.walletClient(), address: w.address, chainId: c.chain.id, certificate: c.config.deployment.certificate, clockOffset, onStep: setStep },
        tokenId,
        checked.statement,
        file,
      );
      setFiled(true);
      onFiled(o);
    } catch (err) {
      if (err instanceof ObjectionRefused) setRefusals(err.fields);
      else setError(err);
    } finally {
      setStep(null);
    }
  };

  const number = formatCertificateNumber(tokenId);
  if (filed)
    return (
      <p className="notice ok" role="status" data-testid="objection-filed">
        ✔ {x.filed}
      </p>
    );
  return (
    <section className="objection-form" aria-labelledby={`objection-heading-${tokenId}`} data-testid="objection-form">
      <h3 id={`objection-heading-${tokenId}`}>{x.formHeading(number)}</h3>
      <p className="muted">{x.formIntro}</p>
      {objectionOpen ? (
        <p className="notice info" data-testid="objection-already-open">
          {x.alreadyOpen}
        </p>
      ) : null}
      {!w.connected ? <p>{x.signInFirst}</p> : null}
      <ConnectPanel />
      {w.connected ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label htmlFor={ids.statement}>{x.statement}</label>
          <textarea
            id={ids.statement}
            rows={5}
            maxLength={STATEMENT_MAX * 2}
            value={statement}
            aria-invalid={invalid("statement")}
            aria-describedby={describedBy("statement", `${ids.statement}-hint`)}
            onChange={(e) => setStatement(e.currentTarget.value)}
          />
          <small id={`${ids.statement}-hint`}>{x.statementHint([...statement.normalize("NFC")].length)}</small>
          <Problems id={problemId("statement")} list={refusals.statement} lang={lang} />

          <label htmlFor={ids.evidence}>{x.evidence}</label>
          <input
            id={ids.evidence}
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/webp,.ofd"
            aria-invalid={invalid("evidence")}
            aria-describedby={describedBy("evidence", `${ids.evidence}-hint`)}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
          <small id={`${ids.evidence}-hint`}>{x.evidenceHint}</small>
          <Problems id={problemId("evidence")} list={refusals.evidence} lang={lang} />

          {!w.rightChain ? <p className="notice error">{x.wrongChain}</p> : null}
          <div className="row wrap">
            <button type="submit" className="primary" disabled={step !== null || !w.rightChain} aria-describedby={refusals.signature?.length ? problemId("signature") : undefined}>
              {x.submit}
            </button>
          </div>
          <Problems id={problemId("signature")} list={refusals.signature} lang={lang} />
          <Problems id={problemId("form")} list={refusals.form} lang={lang} />
          {step ? (
            <p role="status" data-testid="objection-step">
              {x.busy[step]}
            </p>
          ) : null}
          {error ? <ErrorBox error={error} /> : null}
        </form>
      ) : null}
    </section>
  );
}
