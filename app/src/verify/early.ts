/**
 * The verdict before the app: this function is inlined into index.html as a classic script (vite.config.ts,
 * earlyVerdict, via Function.prototype.toString) and runs while the HTML is still being parsed. On a verify link it
 * sends the one eth_call the verdict needs at once and, when the answer comes, renders the same markup React will
 * render (header, heading, verdict: colour, icon and words, zh or en) straight into #root — unless the app has
 * mounted already. React then takes the same answer synchronously (prefetch.ts, takeEarlyVerdict) and its first
 * commit replaces this markup with identical markup, so nothing flickers.
 *
 * It must stay self-contained: no imports at run time, no references outside its body (it is stringified), plain
 * DOM, and every text escaped. Anything unexpected (no deployment, RPC error, odd answer): it does nothing and
 * the app does everything, as before.
 */

export interface EarlyTexts {
  title: string;
  skip: string;
  name: string;
  tagline: string;
  language: string;
  nav: { verify: string; notices: string; bodies: string; apply: string; mine: string; body: string; association: string };
  back: string;
  certificate: string;
  refresh: string;
  bodyNotAccredited: string;
  underObjection: string;
  suspendedByBody: string;
  suspendedBySupervisor: string;
  asOf: string;
  verdict: Record<string, { title: string; text: string }>;
  reason: Record<string, string>;
}

export interface EarlyConfig {
  /** a deployment baked in at build time, or null (then the host's inline one, or ./deployment.json) */
  baked: { rpcUrl: string; certificate: string } | null;
  /** 4-byte selector of verifyCertificate(uint256), 0x-less */
  selector: string;
  /** the answer's 32-byte words: how many, and where the fields the verdict shows are */
  words: number;
  at: { status: number; reason: number; underObjection: number; bodyAccredited: number; suspendedByBody: number; suspendedBySupervisor: number };
  statuses: readonly string[];
  reasons: readonly string[];
  /** status → the icon's SVG path (components/StatusIcon) */
  icons: Record<string, string>;
  texts: { zh: EarlyTexts; en: EarlyTexts };
  /**
   * the app's scripts (built: the entry and the chunks it imports at once), started by this script: at once on
   * any other page; on a verify link fetched once the verdict's request is out and run once the verdict is painted
   * (so that they hold up neither its requests nor its paint), or after `holdMs` at the latest. null in dev (Vite's
   * own script tag loads the app).
   */
  app: { entry: string; preload: string[]; holdMs: number } | null;
}

export interface EarlySettled {
  id: string;
  certificate: string;
  result: `0x${string}`;
  /** unix seconds, when the answer came (the verdict's "checked at") */
  checkedAt: number;
}

export interface EarlyState {
  id: string;
  answer: Promise<{ certificate: string; result?: `0x${string}` }>;
  /** set when the answer has come, for the app to take synchronously */
  settled?: EarlySettled;
}

export function earlyVerdict(cfg: EarlyConfig, hostDeployment: { rpcUrl?: string; certificate: string } | null): void {
  const w = window as unknown as {
    __cqoDeployment?: Promise<unknown>;
    __cqoEarly?: EarlyState;
    __cqoMounted?: boolean;
  };
  // the app's code is fetched (and compiled off the main thread) as soon as the verdict's request is out; it runs
  // once the verdict is painted
  let preloaded = false;
  const preload = (): void => {
    if (preloaded || !cfg.app) return;
    preloaded = true;
    for (const href of [cfg.app.entry, ...cfg.app.preload]) {
      const l = document.createElement("link");
      l.rel = "modulepreload";
      l.href = href;
      document.head.appendChild(l);
    }
  };
  let booted = false;
  const boot = (): void => {
    if (booted || !cfg.app) return;
    booted = true;
    const entry = cfg.app.entry;
    const start = () => {
      preload();
      const s = document.createElement("script");
      s.type = "module";
      s.src = entry;
      document.head.appendChild(s);
    };
    // the app finds #root: not before the (tiny) document is parsed
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  };
  try {
    const given = cfg.baked ?? hostDeployment;
    const dep: Promise<{ rpcUrl?: string; certificate: string }> = given
      ? Promise.resolve(given)
      : fetch("./deployment.json", { credentials: "same-origin" }).then((r) => {
          if (!r.ok) throw new Error(`deployment.json ${r.status}`);
          return r.json() as Promise<{ rpcUrl?: string; certificate: string }>;
        });
    if (!cfg.baked) w.__cqoDeployment = dep;
    dep.catch(() => undefined);
    const m = /^#\/verify\/(\d{1,20})(?:[?/]|$)/.exec(location.hash);
    const idText = m?.[1];
    const id = idText ? BigInt(idText) : 0n;
    if (!idText || id <= 0n || id >= 1n << 64n) {
      boot();
      return;
    }
    if (cfg.app) setTimeout(boot, cfg.app.holdMs);
    const data = `0x${cfg.selector}${id.toString(16).padStart(64, "0")}`;
    const state: EarlyState = {
      id: idText,
      answer: dep.then((d) => {
        performance.mark("cqo:config");
        const url = new URL(d.rpcUrl ?? "http://127.0.0.1:8545", location.href).href;
        const sent = fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to: d.certificate, data }, "latest"] }),
        });
        preload();
        return sent.then((r) => r.json() as Promise<{ result?: `0x${string}` }>).then((j) => ({ certificate: d.certificate, result: j.result }));
      }),
    };
    w.__cqoEarly = state;
    state.answer.then(
      (a) => {
        let painted = false;
        try {
          if (a.result && a.result.length === 2 + 64 * cfg.words && /^0x[0-9a-fA-F]*$/.test(a.result)) {
            performance.mark("cqo:answer");
            state.settled = { id: idText, certificate: a.certificate, result: a.result, checkedAt: Math.floor(Date.now() / 1000) };
            painted = !w.__cqoMounted && paint(idText, a.result, state.settled.checkedAt);
          }
        } finally {
          // the app next: once the browser has painted the verdict (before its JavaScript takes the main thread)
          if (painted)
            requestAnimationFrame(() =>
              setTimeout(() => {
                performance.mark("cqo:verdict-painted");
                boot();
              }, 0),
            );
          else boot();
        }
      },
      () => boot(),
    );
  } catch {
    // the app does it all
    boot();
  }

  /** "2025年11月25日 19:46" / "25 Nov 2025, 19:46": what toLocaleString gives for zh-CN / en-GB (dateStyle medium, timeStyle short), without waking Intl (slow the first time in a fresh page). lib/format.ts formats the same. */
  function dateTime(unixSeconds: number, lang: "zh" | "en"): string {
    const d = new Date(unixSeconds * 1000);
    const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    if (lang === "zh") return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];
    return `${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}, ${hm}`;
  }

  /** The verdict into the empty #root; false if it could not (then the app does it). */
  function paint(idText: string, result: string, checkedAt: number): boolean {
    const root = document.getElementById("root");
    if (!root || root.childNodes.length > 0) return false;
    const word = (i: number) => BigInt(`0x${result.slice(2 + 64 * i, 66 + 64 * i)}`);
    const status = cfg.statuses[Number(word(cfg.at.status))];
    const reasonName = cfg.reasons[Number(word(cfg.at.reason))];
    if (!status || !reasonName) return false;
    const fromHash = /[?&]lang=(zh|en)\b/.exec(location.hash)?.[1];
    let stored: string | null = null;
    try {
      stored = localStorage.getItem("cqo.lang");
    } catch {
      // storage may be blocked: default language
    }
    const lang: "zh" | "en" = fromHash === "en" || fromHash === "zh" ? fromHash : stored === "en" || stored === "zh" ? stored : "zh";
    const t = cfg.texts[lang];
    const v = t.verdict[status];
    if (!v) return false;
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const fill = (s: string, values: Record<string, string>) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");
    const reason = t.reason[reasonName === "None" ? "None" : reasonName] ?? "";
    const time = dateTime(checkedAt, lang);
    const lines = [`<p class="verdict-title">${esc(v.title)}</p>`, `<p class="verdict-text">${esc(fill(v.text, { reason }))}</p>`];
    if (word(cfg.at.underObjection) !== 0n) lines.push(`<p class="verdict-text">⚠ ${esc(t.underObjection)}</p>`);
    if (status === "Suspended" && word(cfg.at.suspendedByBody) !== 0n) lines.push(`<p class="verdict-text">⚠ ${esc(t.suspendedByBody)}</p>`);
    if (status === "Suspended" && word(cfg.at.suspendedBySupervisor) !== 0n) lines.push(`<p class="verdict-text">⚠ ${esc(t.suspendedBySupervisor)}</p>`);
    if (status !== "NotFound" && word(cfg.at.bodyAccredited) === 0n) lines.push(`<p class="verdict-text">⚠ ${esc(t.bodyNotAccredited)}</p>`);
    lines.push(`<p class="verdict-time">${esc(fill(t.asOf, { time }))}</p>`);
    const nav = (href: string, name: string, active: boolean) =>
      `<a href="${href}"${active ? ' aria-current="page" class="active"' : ""}>${esc(name)}</a>`;
    const icon = `<svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="${esc(cfg.icons[status] ?? "")}"></path></svg>`;
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.title = t.title;
    root.innerHTML =
      `<header class="site-header no-print"><a class="skip" href="#main">${esc(t.skip)}</a>` +
      `<div class="brand"><span class="logo" aria-hidden="true">◎</span><span><strong>${esc(t.name)}</strong><small>${esc(t.tagline)}</small></span></div>` +
      `<nav aria-label="main">${nav("#/", t.nav.verify, true)}${nav("#/notices", t.nav.notices, false)}${nav("#/bodies", t.nav.bodies, false)}${nav("#/apply", t.nav.apply, false)}${nav("#/mine", t.nav.mine, false)}${nav("#/body", t.nav.body, false)}${nav("#/association", t.nav.association, false)}</nav>` +
      `<div class="lang" role="group" aria-label="${esc(t.language)}"><button type="button" aria-pressed="${lang === "zh"}" lang="zh-CN">中文</button><button type="button" aria-pressed="${lang === "en"}" lang="en">English</button></div></header>` +
      `<main id="main" tabindex="-1"><div class="stack"><p class="no-print"><a href="#/">← ${esc(t.back)}</a></p>` +
      `<section class="card" aria-labelledby="cert-heading"><h1 id="cert-heading">${esc(fill(t.certificate, { id: idText }))}</h1>` +
      `<div class="verdict verdict--${status}" data-status="${status}" role="status" aria-live="polite"><span class="verdict-icon" aria-hidden="true">${icon}</span><div>${lines.join("")}</div></div>` +
      `<button type="button" class="link">${esc(t.refresh)}</button></section></div></main><footer class="site-footer no-print"></footer>`;
    performance.mark("cqo:verdict");
    return true;
  }
}

/** What a host replaces with the deployment's JSON to spare the page the deployment.json request (app/serve.ts). */
export const HOST_DEPLOYMENT_SLOT = "/*cqo:deployment*/null";
