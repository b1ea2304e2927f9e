// written by wxrtool: the items the site shows, and the route of each.
import { getCollection, type CollectionEntry } from "astro:content";

export type Item = CollectionEntry<"items">;

/** The items with a page: published ones (drafts are not built), newest first. */
export async function shown(): Promise<Item[]> {
  const items = await getCollection("items", ({ data }) => !data.draft && data.path !== undefined);
  const time = (item: Item) => item.data.pubDate?.valueOf() ?? 0;
  return items.sort((a, b) => time(b) - time(a) || a.data.wordpress.id - b.data.wordpress.id);
}

// An address served as a file, <path>.html: one whose last segment ends in ".html" (the
// writer, wxrtool/writers/astro.py, tells them apart the same way). Every other address is a
// folder, <path>/index.html, whether it ends in "/" or not: a page may have pages under it.
const FILE = /^.*\/[^/.][^/]*\.html$/;

/** The route of each shown item: `file` for the addresses served as <path>.html, `folder`
 * for the others (<path>/index.html). */
export async function routes(kind: "folder" | "file") {
  const found = [];
  for (const entry of await shown()) {
    const path = entry.data.path as string;
    const file = FILE.test(path);
    if (file !== (kind === "file")) continue;
    const name = path.replace(/^\/+|\/+$/g, "");
    found.push({ params: { path: file ? name.slice(0, -".html".length) : name }, props: { entry } });
  }
  return found;
}
