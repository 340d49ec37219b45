/**
 * The demo-account picker (local demo chain only; demoGate.ts decides): one button per part of `npm start`'s
 * story, each signing in this page with that part's public test key, so a newcomer walks every console in a
 * plain browser. It holds no key itself: the connectors it is given do (demoConnector.ts).
 */
import { useTranslation } from "react-i18next";
import type { Address } from "viem";
import type { Connector } from "wagmi";
import { shortHex } from "../lib/format";

type DemoConnector = Connector & { role?: string; address?: Address };

export function DemoPicker({ connectors, chainId, pending, onPick }: { connectors: readonly Connector[]; chainId: number; pending: boolean; onPick(c: Connector): void }) {
  const { t } = useTranslation();
  return (
    <section className="demo-picker" aria-labelledby="demo-heading" data-testid="demo-picker">
      <h3 id="demo-heading">{t("demo.heading", { chainId })}</h3>
      <p>{t("demo.intro")}</p>
      <p className="notice info">{t("demo.warning")}</p>
      <ul className="demo-accounts">
        {(connectors as readonly DemoConnector[]).map((k) => (
          <li key={k.uid}>
            <button type="button" disabled={pending} data-role={k.role} aria-describedby={`demo-${k.role}-where`} onClick={() => onPick(k)}>
              {t("demo.signInAs", { role: t(`demo.roles.${k.role ?? "unknown"}`) })}
            </button>{" "}
            <small id={`demo-${k.role}-where`}>
              {k.address ? <code>{shortHex(k.address)}</code> : null} · {t(`demo.where.${k.role ?? "unknown"}`)}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
