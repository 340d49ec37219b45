/**
 * Everything that needs a wallet, loaded on demand: wagmi (injected and EIP-6963 wallets; the demo accounts on the
 * local demo chain only) and react-query, the
 * holder's pages, and the consoles. The verify route never downloads any of it.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { createConfig, http, WagmiProvider, type Config } from "wagmi";
import { injected } from "wagmi/connectors";
import { getChain, type Chainish } from "../chain";
import { ErrorBox } from "../components/ErrorBox";
import type { Route } from "../router";
import { ChainContext } from "./context";
import { demoConnectors } from "./demoGate";

const MyCertificates = lazy(() => import("./MyCertificates"));
const Respond = lazy(() => import("./Respond"));
const Disclose = lazy(() => import("./Disclose"));
const PrintCertificate = lazy(() => import("./PrintCertificate"));
const AnnualReport = lazy(() => import("./AnnualReport"));
const EmployerChange = lazy(() => import("./EmployerChange"));
const AssociationConsole = lazy(() => import("../association/AssociationConsole"));
const BodyConsole = lazy(() => import("../body/BodyConsole"));
// 申报 (the applicant's form and status) and 公示 (the public's notices with the objection form)
const ApplyArea = lazy(() => import("../apply/ApplyArea"));
const Notices = lazy(() => import("../public/Notices"));

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

/** The wallets: window.ethereum and every EIP-6963 wallet; on the local demo chain only, the demo accounts too. */
async function makeConfig(c: Chainish): Promise<Config> {
  const demo = await demoConnectors(c.chain, c.config.rpcUrl);
  return createConfig({
    chains: [c.chain],
    connectors: [injected({ shimDisconnect: true }), ...demo],
    transports: { [c.chain.id]: http(c.config.rpcUrl) } as Record<number, ReturnType<typeof http>>,
    multiInjectedProviderDiscovery: true,
  }) as unknown as Config;
}

export default function WalletArea({ route }: { route: Route }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ chain: Chainish; config: Config } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getChain()
      .then(async (chain) => ({ chain, config: await makeConfig(chain) }))
      .then(setState, (e: unknown) => setError(e));
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!state) return <p role="status">{t("app.loading")}</p>;
  const [head, sub, arg] = route.parts;
  let page: React.ReactNode;
  if (head === "association") page = <AssociationConsole />;
  else if (head === "body") page = <BodyConsole route={route} />;
  else if (head === "apply") page = <ApplyArea route={route} />;
  else if (head === "notices") page = <Notices route={route} />;
  else if (sub === "respond") page = <Respond query={route.query} />;
  else if (sub === "disclose" && arg) page = <Disclose tokenId={arg} />;
  else if (sub === "print" && arg) page = <PrintCertificate tokenId={arg} />;
  else if (sub === "annual-report" && arg) page = <AnnualReport tokenId={arg} />;
  else if (sub === "employer-change" && arg) page = <EmployerChange tokenId={arg} />;
  else page = <MyCertificates />;
  return (
    <WagmiProvider config={state.config} reconnectOnMount>
      <QueryClientProvider client={queryClient}>
        <ChainContext.Provider value={state.chain}>
          <Suspense fallback={<p role="status">{t("app.loading")}</p>}>{page}</Suspense>
        </ChainContext.Provider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
