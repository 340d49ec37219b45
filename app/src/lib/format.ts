/** Display helpers shared by the pages. */

export function formatDate(unixSeconds: number, lang: string): string {
  if (!unixSeconds) return "—";
  return new Date(unixSeconds * 1000).toLocaleDateString(lang === "en" ? "en-GB" : "zh-CN", { year: "numeric", month: "long", day: "numeric" });
}

const MONTHS_GB = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"];

/**
 * "2025年11月25日 19:46" / "25 Nov 2025, 19:46", local time: exactly toLocaleString's zh-CN / en-GB with dateStyle
 * medium and timeStyle short, by hand — Intl's first use costs 100 ms and more in a fresh page, and the verdict
 * shows this time (verify/early.ts formats it the same way before the app loads).
 */
export function formatDateTime(unixSeconds: number, lang: string): string {
  if (!unixSeconds) return "—";
  const d = new Date(unixSeconds * 1000);
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  if (lang !== "en") return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  return `${d.getDate()} ${MONTHS_GB[d.getMonth()]} ${d.getFullYear()}, ${hm}`;
}

export function shortHex(h: string, head = 6, tail = 4): string {
  return h.length <= head + tail + 2 ? h : `${h.slice(0, head + 2)}…${h.slice(-tail)}`;
}

/** A body's display name from its metadata URI when it is an inline data: JSON document; null otherwise. */
export function bodyNameFromMetadata(uri: string): string | null {
  const m = /^data:application\/json(?:;charset=[^,;]+)?,(.*)$/s.exec(uri);
  if (!m) return null;
  try {
    const doc = JSON.parse(decodeURIComponent(m[1]!)) as { name?: unknown };
    return typeof doc.name === "string" ? doc.name : null;
  } catch {
    return null;
  }
}

/** Levels: 1 = 一级 (highest). */
export function levelLabel(level: number, lang: string): string {
  const zh = ["", "一级", "二级", "三级", "四级", "五级", "六级", "七级", "八级"];
  return lang === "en" ? `Level ${["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"][level] ?? level}` : (zh[level] ?? `${level} 级`);
}

export function downloadText(filename: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
