// written by wxrtool: the converted items, their comments and authors, as Astro content collections.
import { defineCollection, reference, z } from "astro:content";
import { glob, type Loader } from "astro/loaders";

// An entry's id is its file's path: unique, where the default (a slug) need not be.
const byPath = ({ entry }: { entry: string }) => entry.replace(/\.(md|json)$/, "");

// Posts, pages and other types, one Markdown file each (src/content/items/<type>s/...).
const items = defineCollection({
  loader: glob({ pattern: "**/*.md", base: "./src/content/items", generateId: byPath }),
  schema: z
    .object({
      title: z.string(),
      description: z.string().optional(),
      pubDate: z.coerce.date().optional(),
      updatedDate: z.coerce.date().optional(),
      heroImage: z.string().optional(),
      tags: z.array(z.string()).default([]),
      draft: z.boolean().default(false),
      categories: z.array(z.string()).default([]),
      category_paths: z.array(z.string()).default([]),
      author: z.string().optional(),
      // A multilingual site's: the item's language, its group of translations, and their
      // addresses by language.
      lang: z.string().optional(),
      translation_key: z.string().optional(),
      translations: z.record(z.string()).optional(),
      // The address the item had on WordPress, and the one it has here (the same, unless
      // another item had it or it had none: /?p=12).
      permalink: z.string().optional(),
      path: z.string().optional(),
      wordpress: z.object({
        id: z.number().int(),
        type: z.string(),
        status: z.string(),
        slug: z.string().optional(),
      }),
      comments: reference("comments").optional(),
      seo: z
        .object({
          title: z.string(),
          description: z.string(),
          canonical: z.string(),
          noindex: z.boolean(),
          image: z.string(),
        })
        .partial()
        .optional(),
    })
    // Fields the schema does not name (custom taxonomies, --meta) stay on the entry.
    .passthrough(),
});

const response = {
  id: z.number().int(),
  key: z.string().optional(),
  author: z.string(),
  author_url: z.string(),
  date: z.string().nullable(),
  status: z.string(),
  html: z.string(),
};

type Comment = z.infer<z.ZodObject<typeof response>> & { depth: number; replies: Comment[] };

// A reply sits inside its parent, as WordPress shows threads.
const comment: z.ZodType<Comment> = z.lazy(() =>
  z.object({ ...response, depth: z.number().int(), replies: z.array(comment) }).passthrough(),
);

// A site without comments has none of these files: its build need not warn of an empty folder.
function quietWhenEmpty(loader: Loader): Loader {
  return {
    ...loader,
    load: (context) => {
      const logger = Object.create(context.logger);
      logger.warn = (message: string) => message.startsWith("No files found") || context.logger.warn(message);
      return loader.load({ ...context, logger });
    },
  };
}

// One JSON file per item with comments or pings (src/content/comments/<key>.json).
const comments = defineCollection({
  loader: quietWhenEmpty(glob({ pattern: "**/*.json", base: "./src/content/comments", generateId: byPath })),
  schema: z.object({
    post_id: z.number().int(),
    comments: z.array(comment),
    pings: z.array(z.object({ ...response, type: z.string() }).passthrough()),
  }),
});

// The authors of what was written, one JSON file each (src/content/authors/<slug>.json):
// `slug` names their page, /author/<slug>/, as on WordPress.
const authors = defineCollection({
  loader: quietWhenEmpty(glob({ pattern: "**/*.json", base: "./src/content/authors", generateId: byPath })),
  schema: z
    .object({
      name: z.string(),
      login: z.string(),
      slug: z.string().optional(),
      bio: z.string().optional(),
      url: z.string().optional(),
    })
    .passthrough(),
});

export const collections = { items, comments, authors };
