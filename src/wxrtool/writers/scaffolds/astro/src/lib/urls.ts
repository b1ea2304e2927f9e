// written by wxrtool: addresses in pages.

/** A page of this site (its path as the item's front matter has it, decoded): under the
 * site's base, encoded as a link needs it. */
export function href(path: string): string {
  return import.meta.env.BASE_URL.replace(/\/$/, "") + encodeURI(path);
}

/** A URL from the export (a commenter's site, an image), if it is one a reader may follow:
 * http, https or mailto, or an address with no scheme. wxrtool writes no other; this is
 * the page's own guard. */
export function link(url: string | undefined | null): string | undefined {
  if (!url) return undefined;
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url);
  return scheme === null || ["http", "https", "mailto"].includes(scheme[1].toLowerCase()) ? url : undefined;
}

/** A date as the export gave it (its own offset), to the minute: "2011-11-16 09:52". */
export function when(date: string | null): string {
  return date ? date.slice(0, 16).replace("T", " ") : "undated";
}
