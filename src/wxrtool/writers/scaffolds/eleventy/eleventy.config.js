// Eleventy 3 configuration written by wxrtool --to eleventy --scaffold.
// Build with `npx @11ty/eleventy` (or `npm install && npm run build`); the site goes to _site/.
import { existsSync, readFileSync } from "node:fs";
import markdownItFootnote from "markdown-it-footnote";

const site = JSON.parse(readFileSync(new URL("./_data/site.json", import.meta.url), "utf8"));
// The authors of what was written (_data/authors.json, keyed by the name posts give them).
const AUTHORS = new URL("./_data/authors.json", import.meta.url);
const authors = existsSync(AUTHORS) ? Object.values(JSON.parse(readFileSync(AUTHORS, "utf8"))) : [];

// A term's path, as wxrtool wrote it (letters, digits, "_" and "-" in segments): anything
// else is not made a page, so no term page is written outside its folder.
const TERM_PATH = /^[\p{L}\p{N}\p{M}_-]+(?:\/[\p{L}\p{N}\p{M}_-]+)*$/u;

// Each term of `key` (category_paths, post_tag_slugs) with the posts that have it, named
// by the same place of `names` (categories, post_tags), in the order of their paths.
function terms(posts, key, names) {
  const found = new Map();
  for (const post of posts) {
    const paths = post.data[key] || [];
    paths.forEach((path, i) => {
      if (typeof path !== "string" || !TERM_PATH.test(path)) return;
      if (!found.has(path)) found.set(path, { path, name: String((post.data[names] || [])[i] ?? path), posts: [] });
      const term = found.get(path);
      if (!term.posts.includes(post)) term.posts.push(post);
    });
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// An author's page slug, as wxrtool wrote it (WordPress's nicename): one segment, or no page.
const AUTHOR_SLUG = /^[\p{L}\p{N}_-]+$/u;

// Each author with a page (/author/<slug>/, WordPress's address) and their posts; a link
// of theirs only if it is a web address.
function authorPages(posts) {
  return authors
    .filter((author) => typeof author.slug === "string" && AUTHOR_SLUG.test(author.slug))
    .map((author) => ({
      ...author,
      link: typeof author.url === "string" && /^https?:/i.test(author.url) ? author.url : undefined,
      posts: posts.filter((post) => post.data.author === author.name),
    }));
}

export default function (eleventyConfig) {
  // Post bodies are Markdown only: never run as templates (each file also says so).
  eleventyConfig.setNunjucksEnvironmentOptions({ autoescape: true });
  // WordPress's footnotes are Markdown footnotes ([^1]), which markdown-it reads with this plugin.
  eleventyConfig.amendLibrary("md", (md) => md.use(markdownItFootnote));
  // Media placed by --media: copied as they are, never read as templates (.eleventyignore).
  eleventyConfig.addPassthroughCopy("assets");

  eleventyConfig.addCollection("wordpressCategories", (api) =>
    terms(api.getFilteredByTag("post"), "category_paths", "categories"),
  );
  eleventyConfig.addCollection("wordpressTags", (api) =>
    terms(api.getFilteredByTag("post"), "post_tag_slugs", "post_tags"),
  );

  eleventyConfig.addCollection("wordpressAuthors", (api) => authorPages(api.getFilteredByTag("post")));

  // A page's address as a link: each segment percent-encoded ("100% sure?" is a file name).
  eleventyConfig.addFilter("href", (url) =>
    String(url)
      .split("/")
      .map((segment) => encodeURIComponent(segment))
      .join("/"),
  );
  eleventyConfig.addFilter("day", (date) => (date instanceof Date ? date.toISOString().slice(0, 10) : ""));
  // A comment's date as WordPress wrote it (its own offset): "2011-11-16 09:52".
  eleventyConfig.addFilter("when", (iso) => (iso ? String(iso).slice(0, 16).replace("T", " ") : "undated"));

  return {
    dir: { input: ".", includes: "_includes", data: "_data", output: "_site" },
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
    pathPrefix: site.pathPrefix || "/",
  };
}
