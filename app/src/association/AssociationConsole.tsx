/**
 * 协会 console: accredit, suspend, reinstate and revoke bodies; their scope, term, notice period and signing keys;
 * register and deprecate rulebooks; void a body's certificates issued before a date (the supervisor); and the
 * oversight tab (监督, `#/association?tab=supervision`, Supervision.tsx). Every action calls the contract from the
 * connected wallet through the sdk, after a confirmation named for the action that says what will happen; errors
 * come back as the sdk's zh/en explanations, input problems next to their field. A wallet without the
 * association's role sees the console read-only, with a banner naming what the wallet is. A signing key joins a
 * body (at accreditation or later) only with its own consent signature, pasted here (ConsentField).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import type { BodyRecord } from "../../../sdk/types";
import { useRoute } from "../router";
import { useChainish } from "../wallet/context";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import { ActionTxView, useActionTx } from "./ActionTx";
import "./association.css";
import { BodyPanel, type Roles } from "./BodyPanel";
import { useConsoleText } from "./consoleText";
import { AccreditForm, RegisterRulebook, RulebookList } from "./RegistryForms";
import { useSupervisionText } from "./supervisionText";

const Supervision = lazy(() => import("./Supervision"));

/** what the wallet is in the register, when it is not the association: a body's admin or signing key */
export function registerRoleOf(address: string | undefined, bodies: readonly BodyRecord[]): { kind: "admin" | "key"; bodyId: number } | null {
  if (!address) return null;
  const a = address.toLowerCase();
  const admin = bodies.find((b) => b.admin.toLowerCase() === a);
  if (admin) return { kind: "admin", bodyId: admin.bodyId };
  const key = bodies.find((b) => b.signingKeys.some((k) => k.toLowerCase() === a));
  return key ? { kind: "key", bodyId: key.bodyId } : null;
}

export default function AssociationConsole() {
  const { t } = useTranslation();
  const C = useConsoleText();
  const S = useSupervisionText();
  const c = useChainish();
  const w = useWallet();
  const qc = useQueryClient();
  const route = useRoute();
  const tab = route.query.get("tab") === "supervision" ? "supervision" : "console";
  const actions = useActionTx();
  const roles = useQuery({
    queryKey: ["roles", w.address],
    enabled: !!w.address,
    queryFn: async () => {
      const cqo = await w.cqo();
      const [association, supervisor] = await Promise.all([cqo.isAssociation(w.address!), cqo.isSupervisor(w.address!)]);
      return { association, supervisor };
    },
  });
  const registry = useQuery({
    queryKey: ["registry"],
    queryFn: async () => {
      const { CqoClient } = await import("../../../sdk/client");
      const cqo = new CqoClient(await w.publicClient(), c.config.deployment);
      const [bodies, rulebooks, nextBodyId] = await Promise.all([cqo.listBodies(), cqo.listRulebooks(), cqo.nextBodyId()]);
      return { bodies, rulebooks, nextBodyId };
    },
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["registry"] });
    void qc.invalidateQueries({ queryKey: ["oversight"] });
  };
  const r: Roles = roles.data ?? { association: false, supervisor: false };
  const inRegister = registerRoleOf(w.address, registry.data?.bodies ?? []);
  const registerRole = inRegister ? (inRegister.kind === "admin" ? C.roleBodyAdmin(inRegister.bodyId) : C.roleBodyKey(inRegister.bodyId)) : null;
  const roleText =
    [r.association ? t("association.roleAssociation") : null, r.supervisor ? t("association.roleSupervisor") : null, registerRole].filter(Boolean).join("、") || t("association.roleNone");
  const known = w.connected && roles.data !== undefined;

  return (
    <div>
      <h1>{t("association.heading")}</h1>
      <p>{t("association.intro")}</p>
      <ConnectPanel />
      {w.connected ? <p data-testid="roles">{t("association.role", { roles: roles.data ? roleText : "…" })}</p> : null}
      {known && !r.association ? (
        <p className="notice info role-banner" role="status" data-testid="read-only">
          {r.supervisor ? C.readOnlySupervisor : C.readOnly(registerRole ?? C.roleNobody)}
        </p>
      ) : null}
      <div className="tabs" role="tablist">
        <a role="tab" aria-selected={tab === "console"} className={tab === "console" ? "button primary" : "button"} href="#/association">
          {S.tabConsole}
        </a>
        <a role="tab" aria-selected={tab === "supervision"} className={tab === "supervision" ? "button primary" : "button"} href="#/association?tab=supervision" data-testid="tab-supervision">
          {S.tabSupervision}
        </a>
      </div>
      <ActionTxView actions={actions} />
      {tab === "supervision" ? (
        <Suspense fallback={<p role="status">{t("app.loading")}</p>}>
          <Supervision />
        </Suspense>
      ) : (
        <>
          <section className="card" aria-labelledby="bodies-heading">
            <h2 id="bodies-heading">{t("association.bodies")}</h2>
            {registry.data?.bodies.map((b) => <BodyPanel key={b.bodyId} body={b} actions={actions} roles={r} onDone={refresh} />)}
            {w.connected ? <AccreditForm actions={actions} enabled={r.association} nextBodyId={registry.data?.nextBodyId ?? null} onDone={refresh} /> : null}
          </section>
          <section className="card" aria-labelledby="rulebooks-heading">
            <h2 id="rulebooks-heading">{t("association.rulebooks")}</h2>
            <RulebookList rulebooks={registry.data?.rulebooks ?? []} actions={actions} enabled={w.connected && r.association} onDone={refresh} />
            {w.connected ? <RegisterRulebook actions={actions} enabled={r.association} onDone={refresh} /> : null}
          </section>
        </>
      )}
    </div>
  );
}
