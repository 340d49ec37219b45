/** zh-CN first, English second; the choice is remembered, and ?lang=en in the hash query overrides it. */
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./locales/en";
import { zh } from "./locales/zh";

export type Lang = "zh" | "en";

function initialLang(): Lang {
  const fromHash = /[?&]lang=(zh|en)\b/.exec(window.location.hash)?.[1];
  if (fromHash === "zh" || fromHash === "en") return fromHash;
  const stored = window.localStorage.getItem("cqo.lang");
  if (stored === "zh" || stored === "en") return stored;
  return "zh";
}

export function setLang(lang: Lang): void {
  window.localStorage.setItem("cqo.lang", lang);
  void i18next.changeLanguage(lang);
}

export function initI18n(): void {
  const lng = initialLang();
  void i18next.use(initReactI18next).init({
    resources: { zh: { translation: zh }, en: { translation: en } },
    lng,
    fallbackLng: "zh",
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const apply = (l: string) => {
    document.documentElement.lang = l === "en" ? "en" : "zh-CN";
    document.title = i18next.t("app.title");
  };
  apply(lng);
  i18next.on("languageChanged", apply);
}
