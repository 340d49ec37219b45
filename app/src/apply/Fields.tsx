/**
 * The form's inputs, each bound to its dossier path: a <label>, the value from the draft, and the problems of that
 * path (the workbench's words, in the page's language) right under it with aria-invalid and aria-describedby.
 */
import { createContext, useContext, type ReactNode } from "react";
import { getIn, inputId, pathOf, type Draft, type FieldMessage } from "./draft";
import { useWords, type TextKey, type Words } from "./text";

export interface FormBinding {
  draft: Draft;
  set(field: string, value: unknown): void;
  /** the problems to show under this field now */
  problemsOf(field: string): FieldMessage[];
  touch(field: string): void;
}

export const FormContext = createContext<FormBinding | null>(null);

export function useForm(): FormBinding {
  const f = useContext(FormContext);
  if (!f) throw new Error("no form context");
  return f;
}

export function FieldProblemsText({ field, problems }: { field: string; problems: FieldMessage[] }) {
  const { pick } = useWords();
  if (problems.length === 0) return null;
  return (
    <span className="field-error" id={`${inputId(field)}-error`} data-field-error={field}>
      {problems.map((p) => pick(p)).join("；")}
    </span>
  );
}

interface Common {
  field: string;
  label: TextKey;
  hint?: TextKey;
  wide?: boolean;
}

function Shell({ field, label, hint, wide, children, problems }: Common & { children: ReactNode; problems: FieldMessage[] }) {
  const { tx } = useWords();
  return (
    <div className={`apply-field${wide ? " wide" : ""}`}>
      <label htmlFor={inputId(field)}>{tx(label)}</label>
      {children}
      {hint ? (
        <span className="field-hint" id={`${inputId(field)}-hint`}>
          {tx(hint)}
        </span>
      ) : null}
      <FieldProblemsText field={field} problems={problems} />
    </div>
  );
}

const describedBy = (field: string, hint: boolean, invalid: boolean) =>
  [hint ? `${inputId(field)}-hint` : "", invalid ? `${inputId(field)}-error` : ""].filter(Boolean).join(" ") || undefined;

export function TextInput({ type = "text", inputMode, maxLength, autoComplete, multiline, ...c }: Common & { type?: "text" | "date" | "tel" | "number"; inputMode?: "numeric" | "decimal" | "tel"; maxLength?: number; autoComplete?: string; multiline?: boolean }) {
  const f = useForm();
  const value = getIn(f.draft, pathOf(c.field));
  const problems = f.problemsOf(c.field);
  const props = {
    id: inputId(c.field),
    name: c.field,
    value: typeof value === "string" ? value : "",
    "aria-invalid": problems.length > 0 ? (true as const) : undefined,
    "aria-describedby": describedBy(c.field, !!c.hint, problems.length > 0),
    onBlur: () => f.touch(c.field),
  };
  return (
    <Shell {...c} problems={problems}>
      {multiline ? (
        <textarea {...props} rows={2} maxLength={maxLength} onChange={(e) => f.set(c.field, e.target.value)} />
      ) : (
        <input {...props} type={type} inputMode={inputMode} maxLength={maxLength} autoComplete={autoComplete} onChange={(e) => f.set(c.field, e.target.value)} />
      )}
    </Shell>
  );
}

export function Select({ options, ...c }: Common & { options: readonly (readonly [string, Words])[] }) {
  const f = useForm();
  const { pick } = useWords();
  const value = getIn(f.draft, pathOf(c.field));
  const problems = f.problemsOf(c.field);
  return (
    <Shell {...c} problems={problems}>
      <select
        id={inputId(c.field)}
        name={c.field}
        value={typeof value === "string" ? value : ""}
        aria-invalid={problems.length > 0 ? true : undefined}
        aria-describedby={describedBy(c.field, !!c.hint, problems.length > 0)}
        onChange={(e) => f.set(c.field, e.target.value)}
        onBlur={() => f.touch(c.field)}
      >
        {options.map(([v, words]) => (
          <option key={v} value={v}>
            {pick(words)}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function Check({ field, label }: { field: string; label: TextKey }) {
  const f = useForm();
  const { tx } = useWords();
  const problems = f.problemsOf(field);
  return (
    <div className="apply-check">
      <input
        type="checkbox"
        id={inputId(field)}
        name={field}
        checked={getIn(f.draft, pathOf(field)) === true}
        aria-invalid={problems.length > 0 ? true : undefined}
        aria-describedby={problems.length > 0 ? `${inputId(field)}-error` : undefined}
        onChange={(e) => f.set(field, e.target.checked)}
      />
      <label htmlFor={inputId(field)}>{tx(label)}</label>
      <FieldProblemsText field={field} problems={problems} />
    </div>
  );
}

/** A list of records (awards, accidents…): each row its inputs at `field[i]`, added and removed by buttons. */
export function ListEditor<T>({ field, legend, blank, row }: { field: string; legend: TextKey; blank: T; row: (at: string, index: number) => ReactNode }) {
  const f = useForm();
  const { tx } = useWords();
  const list = (getIn(f.draft, pathOf(field)) as T[] | undefined) ?? [];
  const problems = f.problemsOf(field);
  return (
    <fieldset className="apply-list" data-list={field}>
      <legend>{tx(legend)}</legend>
      {list.length === 0 ? <p className="muted">{tx("none")}</p> : null}
      {list.map((_, i) => (
        <div className="apply-list-row" key={i}>
          <div className="apply-grid">{row(`${field}[${i}]`, i)}</div>
          <button
            type="button"
            onClick={() =>
              f.set(
                field,
                list.filter((__, j) => j !== i),
              )
            }
          >
            {tx("remove")} {i + 1}
            <span className="visually-hidden"> · {tx(legend)}</span>
          </button>
        </div>
      ))}
      <button type="button" onClick={() => f.set(field, [...list, blank])}>
        + {tx("add")}
        <span className="visually-hidden">{tx(legend)}</span>
      </button>
      <FieldProblemsText field={field} problems={problems} />
    </fieldset>
  );
}
