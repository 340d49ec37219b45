/**
 * 认定主体 console over the workbench API (sign-in with Ethereum): the dossier inbox and acceptance, panel
 * assignment, the assessor's score sheet (signed in the wallet), the evaluation with its explanation, approval
 * into the issuance queue (the body's key issues in batches; progress and retry shown), the public notice with
 * objections, and suspend / reinstate / revoke / renew with reasons. Each action asks for confirmation first.
 * Also: issuance signed in the operator's own wallet (WalletIssuance), re-issue to a new wallet with the new
 * wallet's consent (Reissue, and its consent page `#/body/consent`), objection rulings (Objections) and evidence
 * files by SHA-256 (Evidence). A would-be signing key signs its consent to serve the body on `#/body/key-consent`
 * (KeyConsent), which needs neither the workbench nor a sign-in. For operators (issue #13): the annual review queue
 * with its reminders (年审, Reviews and Reminders) and the holders' revocation requests (持证人申请, HolderRequests).
 */
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorBox } from "../components/ErrorBox";
import { shortHex } from "../lib/format";
import type { Route } from "../router";
import { useChainish } from "../wallet/context";
import { ConnectPanel, useWallet } from "../wallet/wallet";
import type { Role, Session } from "./api";
import { KeyConsentPage } from "./KeyConsent";
import { ConsentPage } from "./Reissue";
import { WalletIssuance } from "./WalletIssuance";
import { DossierView, retryable } from "./DossierView";
import { HolderRequests, REQUEST_TEXT, useRevocationRequests } from "./HolderRequests";
import { Inbox } from "./Inbox";
import { Assessors } from "./Assessors";
import { Notice, Outbox } from "./Queues";
import { useWorkbenchApi } from "../wallet/useWorkbenchApi";

type Tab = "inbox" | "notice" | "outbox" | "assessors" | "reviews" | "requests";

/** 年审: the body's review queue (filled in by issue #13), its reminders and their webhook delivery below it */
const Reviews = lazy(() => import("./Reviews"));
const Reminders = lazy(() => import("./Reminders"));

/** the console's own words (the shared locale files are not this page's) */
const TEXT = {
  zh: {
    role: "当前身份",
    roles: { operator: "经办人（认定主体操作员）", assessor: "评审专家", applicant: "申报人" } as Record<Role, string>,
    operatorDoes: "受理申报、指派评审组、批准发证和管理证书。",
    assessorDoes: "只对指派给您的申报评分，评分表由您的钱包签名。",
    applicantDoes: "查看自己申报的办理进度。",
    reviews: "年审",
  },
  en: {
    role: "Signed in as",
    roles: { operator: "Operator (of the certifying body)", assessor: "Assessor", applicant: "Applicant" } as Record<Role, string>,
    operatorDoes: "Accepts applications, assigns panels, approves issuance and manages certificates.",
    assessorDoes: "Scores only the applications assigned to you; sheets are signed in your wallet.",
    applicantDoes: "Follows the progress of your own applications.",
    reviews: "Reviews",
  },
};

/** Which part this wallet plays here, in words, at the top of every screen of the console. */
function RoleBanner({ session }: { session: Session }) {
  const { i18n } = useTranslation();
  const w = i18n.language === "en" ? TEXT.en : TEXT.zh;
  // everyone signed in may apply: "applicant" is named only when it is the wallet's one part here
  const staff = session.roles.filter((r) => r !== "applicant");
  const roles: Role[] = staff.length ? staff : ["applicant"];
  const does = { operator: w.operatorDoes, assessor: w.assessorDoes, applicant: w.applicantDoes };
  return (
    <div className="role-banner" role="note" data-testid="role-banner" data-roles={roles.join(" ")}>
      <span>{w.role}</span>
      <strong>{roles.map((r) => w.roles[r]).join(" · ")}</strong>
      <span className="muted">{roles.map((r) => does[r]).join(" ")}</span>
    </div>
  );
}

export default function BodyConsole({ route }: { route: Route }) {
  const { t, i18n } = useTranslation();
  const c = useChainish();
  const w = useWallet();
  const api = useWorkbenchApi();
  const [session, setSession] = useState<Session | null>(() => api.session());
  const [signInError, setSignInError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mine = session && w.address && session.address.toLowerCase() === w.address.toLowerCase() ? session : null;
  // the holders' open requests, counted on their tab wherever the operator is in the console
  const requests = useRevocationRequests(api, mine?.roles.includes("operator") === true);
  const waiting = requests.data?.items.length ?? 0;

  const signIn = async () => {
    if (!w.address) return;
    setBusy(true);
    setSignInError(null);
    try {
      setSession(await api.signIn(await w.walletClient(), w.address, c.chain.id));
    } catch (err) {
      setSignInError(err);
    } finally {
      setBusy(false);
    }
  };

  const [, section, arg] = route.parts;
  const tab = (route.query.get("tab") as Tab | null) ?? "inbox";
  // the new wallet's consent to a re-issue: no workbench session needed, only that wallet
  if (section === "consent") return <ConsentPage query={route.query} />;
  // a signing key's consent to serve a body (contracts v2): the key's wallet only, before it can sign in anywhere
  if (section === "key-consent") return <KeyConsentPage query={route.query} />;
  return (
    <div>
      <h1>{t("body.heading")}</h1>
      <p>{t("body.intro")}</p>
      <p>
        <a href="#/body/key-consent" data-testid="key-consent-link">
          {t("keyConsent.link")}
        </a>
      </p>
      <ConnectPanel />
      {w.connected && !mine ? (
        <div className="card">
          <button type="button" className="primary" disabled={busy} onClick={() => void signIn()}>
            {t("body.signIn")}
          </button>
          {busy ? <p role="status">{t("tx.signing")}</p> : null}
          {signInError ? <ErrorBox error={signInError} onRetry={retryable(signInError) ? () => void signIn() : undefined} /> : null}
        </div>
      ) : null}
      {mine ? (
        <>
          <RoleBanner session={mine} />
          <div className="row wrap card" data-testid="signed-in">
            <span>{t("body.signedIn", { address: shortHex(mine.address), roles: mine.roles.map((r) => t(`body.roles.${r}`)).join("、") })}</span>
            <button
              type="button"
              onClick={() => {
                void api.signOut().then(() => setSession(null));
              }}
            >
              {t("body.signOut")}
            </button>
          </div>
          {section === "dossier" && arg ? (
            <DossierView key={arg} api={api} session={mine} id={arg} />
          ) : (
            <>
              <div className="tabs" role="tablist">
                {(["inbox", "notice", ...(mine.roles.includes("operator") ? (["outbox", "assessors", "reviews", "requests"] as const) : [])] as Tab[]).map((k) => (
                  <a key={k} role="tab" aria-selected={tab === k} className={tab === k ? "button primary" : "button"} href={`#/body?tab=${k}`} data-tab={k}>
                    {k === "reviews" ? (i18n.language === "en" ? TEXT.en : TEXT.zh).reviews : k === "requests" ? (i18n.language === "en" ? REQUEST_TEXT.en : REQUEST_TEXT.zh).tabWith(waiting) : t(`body.${k}`)}
                  </a>
                ))}
              </div>
              {tab === "inbox" ? <Inbox api={api} /> : null}
              {tab === "notice" ? <Notice api={api} operator={mine.roles.includes("operator")} /> : null}
              {tab === "outbox" ? (
                <>
                  <WalletIssuance api={api} />
                  <Outbox api={api} />
                </>
              ) : null}
              {tab === "assessors" ? <Assessors api={api} /> : null}
              {tab === "reviews" && mine.roles.includes("operator") ? (
                <Suspense fallback={<p role="status">{t("app.loading")}</p>}>
                  <Reviews api={api} />
                  <Reminders api={api} />
                </Suspense>
              ) : null}
              {tab === "requests" && mine.roles.includes("operator") ? <HolderRequests api={api} /> : null}
            </>
          )}
        </>
      ) : null}
    </div>
  );
}

