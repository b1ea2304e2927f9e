// written by wxrtool: a multilingual site's languages (src/languages.json, when the export has
// several), by code: the name each calls itself, its locale and direction.
interface Language {
  name: string;
  locale: string;
  direction: "ltr" | "rtl";
  default: boolean;
}

const found = import.meta.glob<Record<string, Language>>("../languages.json", { eager: true, import: "default" });

export const languages: Record<string, Language> = Object.values(found)[0] ?? {};
