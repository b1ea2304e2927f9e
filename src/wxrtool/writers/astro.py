"""Astro: an Astro 5 content collection, each item at its old address, comments as data.

Items go to ``src/content/items/<type>s/<slug>.md`` (pages under their parents' slugs),
with front matter the scaffold's schema (``src/content.config.ts``) checks: ``title``,
``description``, ``pubDate``, ``updatedDate``, ``heroImage``, ``tags``, ``draft``, as
Astro's blog template names them, then ``categories`` (by name, a name two categories
share with its parents': ``Bar / Foo``), ``category_paths``, ``author``, ``permalink``
(the old one), ``path`` (where the site serves the item), ``wordpress`` (id, type,
status, slug) and ``comments``, a reference to the item's entry of the ``comments``
data collection: ``src/content/comments/<key>.json``, the thread tree and the pings as
Hugo's ``comments.json`` has them (:func:`~wxrtool.writers.responses.comments_data`). The
key is the id, ``<id>-2`` for a later item with the same id. The authors of what was written
are the ``authors`` data collection, one ``src/content/authors/<slug>.json`` each
(:func:`~wxrtool.authors.author_data`: name, login, the slug of their page, ...); the
scaffold gives each with a slug a page at WordPress's address, ``/author/<slug>/``, listing
their posts (items never take an address under ``/author/``).

``path`` is the old permalink's path (:func:`~wxrtool.writers.paths.site_path`, decoded
as Hugo's ``url``), so old links keep working; an item whose old link has no path
(``/?p=12``) or whose path another item has, Astro itself or the site (:data:`RESERVED_PATHS`),
gets ``/yyyy/mm/dd/<slug>/`` (a post: WordPress's "Day and name"), ``/<parents>/<slug>/``
(a page) or ``/<type>/<slug>/``, with ``-<id>`` while that is taken. Every address is
handed out once per site by :class:`~wxrtool.writers.paths.Addresses`, in export order;
only published items (the ones the site builds) claim one. Old slugs (``_wp_old_slug``)
and ``/?p=ID`` are for the redirect files (``--redirects``), not pages of the site.

A page is built as ``<path>/index.html``, or as ``<path>.html`` when its last segment ends
in ``.html`` (``/2010/01/old-post.html``), so that such an address is answered as it is;
no page's file may then be another's folder (``/old-post.html/photo/``): that one gets a
new address. Astro names the file of a route parameter holding ``?`` or ``#`` with
``%3F`` or ``%23``, which no request reaches, and reads a Markdown file whose name holds
``#`` as a URL without it: such an old path gets a new address, and file names lose ``#``.

``--scaffold`` adds a minimal site that ``astro build`` builds (``package.json``,
``astro.config.mjs``, the content config, pages and components); it asks nothing of the
network when it builds (its config turns Astro's telemetry off), and keeps the posts'
images as links, as the other engines do, rather than files Astro must find and resize.
Its pages escape everything from the export (Astro escapes ``{expressions}``); the
bodies are Markdown, their HTML already sanitised by the content converter, and comments
are shown from their sanitised ``html``.

YAML front matter is read by js-yaml (YAML 1.2), which does not take U+0085, U+2028 and
U+2029 for line breaks as PyYAML does: text holding one is escaped (:func:`astro_front_matter`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from ..archives import TARGETS
from ..authors import author_data
from ..content import post_markdown
from ..languages import Languages, language_data
from ..menus import TitlesSeen, as_data, new_site_menus
from ..output import OutputDir, copy_scaffold
from ..records import Post, Site
from ..sitestore import SpillCounter, SpillSet
from . import _yaml
from ._placement import localize
from .frontmatter import category_labels, date_fields, front_matter, metadata, shown_title, stand_in_date
from .paths import LONGEST_FOLDERS, SITE_FILES, Addresses, PathPlanner, safe_component, site_path
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import comments_data

ITEMS = "src/content/items"
LANGUAGES = "src/languages.json"
MENUS = "src/menus.json"
COMMENTS = "src/content/comments"
AUTHORS = "src/content/authors"
MEDIA = "public/media"
# Addresses no item may take: the home page (the list), what the site keeps for itself
# (feeds, sitemap, 404), Astro's own assets and the media placed by --media.
RESERVED_PATHS = (*SITE_FILES, "/_astro/*", "/media/*", "/author/*")
# What the site needs of an item's front matter to build its page, whatever --front-matter keeps.
KEPT = ("title", "draft", "path", "wordpress", "comments")


def _name(slug: str, fallback: str) -> str:
    """A slug as a file, folder or address segment: safe, without the ``#`` Astro cannot have.

    >>> _name("c#-tips", "7"), _name("../x", "7"), _name("#", "7")
    ('c-tips', 'x', '7')
    """
    return safe_component(slug.replace("#", ""), fallback)


def item_path(post: Post, planner: PathPlanner, options: WriteOptions) -> str:
    """Where the item's file goes: ``src/content/items/<type>s/<slug>.md``, a page under its
    parents' slugs; on a multilingual site, an item in another language than the default one
    under its language's folder (``src/content/items/fr/posts/...``), as Astro's i18n guide
    lays content out."""
    fallback = str(post.id)
    slugs = [_name(a.slug, fallback) for a in reversed(options.index.ancestors(post.id))]
    slugs.append(_name(post.slug, fallback))
    languages = options.index.languages
    language = languages.of(post.id) if languages else ""
    items = f"{ITEMS}/{language}" if language and language != languages.default else ITEMS
    return planner.path_for({"type": _name(post.type, "type")}, slugs, post.id, f"{items}/{{type}}s/{{slug}}.md")


def own_path(link: str) -> str:
    """The old permalink's path as the item's address, or '' when it has none Astro can serve.

    >>> own_path("https://example.org/2024/01/caf%C3%A9/"), own_path("https://example.org/?p=7")
    ('/2024/01/café/', '')
    >>> own_path("https://example.org/c%23-tips/"), own_path("https://example.org/why%3F/")
    ('', '')
    """
    path = site_path(link)
    if len(path.encode()) > LONGEST_FOLDERS:
        return ""  # (a file no system opens; and each of its folders was looked at, a square's time)
    return "" if any(c in unquote(path) for c in "?#") else path


def fallback_path(post: Post, options: WriteOptions, ask: Callable[[str], bool], exported: datetime | None) -> str:
    """An address of the item's own when its old one is not to be had (see the module's doc).

    ``ask`` hands an address out: for an item the site builds it claims it (and its file),
    for a draft it only says whether it is free (a draft claims none).
    """
    fallback = str(post.id)
    if post.type == "post":
        day = date_fields(post, stand_in_date(post, exported))
        parts = [day["yyyy"], day["mm"], day["dd"]]
    elif post.type == "page":
        parts = [_name(a.slug, fallback) for a in reversed(options.index.ancestors(post.id))]
        if len("/".join(parts).encode()) > LONGEST_FOLDERS:
            parts = []  # (a file path a system can open, as paths.PathPlanner does)
    else:
        parts = [_name(post.type, "type")]
    # (A "%" of a slug's own is escaped, so that site_path keeps it as one.)
    base = site_path("/" + "/".join([*parts, _name(post.slug, fallback)]).replace("%", "%25"))
    candidate, n = base + "/", 1
    while not ask(candidate):
        candidate = f"{base}-{post.id}/" if n == 1 else f"{base}-{post.id}-{n}/"
        n += 1
    return candidate


def astro_metadata(post: Post, path: str, key: str | None, options: WriteOptions) -> dict[str, Any]:
    """Front matter as the scaffold's schema has it; ``path``: the item's address (URL-encoded,
    as :func:`site_path` gives it); ``key``: the item's comments entry, if it has one."""
    common = metadata(post, options)
    data: dict[str, Any] = {"title": common["title"]}
    if "summary" in common:
        data["description"] = common["summary"]
    for field, name in (("date", "pubDate"), ("updated", "updatedDate"), ("featured_image", "heroImage")):
        if field in common:
            data[name] = common[field]
    data["tags"] = common.get("tags", [])
    data["draft"] = post.status != "publish"
    if "categories" in common:
        # By name, as a reader sees them: two categories named alike stay two (Bar / Foo).
        data["categories"] = category_labels(post, options.index)
        data["category_paths"] = common["category_paths"]
    if "author" in common:
        data["author"] = common["author"]
    if "permalink" in common:
        data["permalink"] = common["permalink"]
    # Decoded, as the route writes it (the pages link to it encoded again).
    data["path"] = unquote(path)
    skip = {"title", "summary", "date", "updated", "featured_image", "tags", "draft", "categories"}
    skip |= {"category_paths", "author", "permalink", "slug", "id", "type", "status"}
    data.update({k: v for k, v in common.items() if k not in skip})
    data["wordpress"] = {"id": post.id, "type": post.type, "status": post.status, "slug": post.slug}
    if key is not None:
        data["comments"] = key
    return data


# Line breaks to YAML 1.1 and not to 1.2: PyYAML writes them as they are in a quoted string
# and folds the line after them, which js-yaml (YAML 1.2) reads as part of the text.
_BREAKS_TO_PYYAML = frozenset("\x85\u2028\u2029")


class _Dumper(_yaml.Dumper):
    """:class:`~wxrtool.writers._yaml.Dumper` whose text js-yaml reads back as written."""


def _js_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _BREAKS_TO_PYYAML.isdisjoint(value):
        node: yaml.ScalarNode = _yaml.Dumper.yaml_representers[str](dumper, value)
        return node
    # (Escaped in double quotes, \N \L \P, which both read as the character.)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(str, _js_text)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def astro_front_matter(data: dict[str, Any]) -> str:
    """``data`` as YAML front matter that js-yaml, Astro's reader, reads back as written.

    >>> print(astro_front_matter({"title": "09", "tags": ["x", "a\\u2028b"]}), end="")
    ---
    title: '09'
    tags:
    - x
    - "a\\Lb"
    ---
    """
    if all(_BREAKS_TO_PYYAML.isdisjoint(text) for text in _texts(data)):
        return front_matter(data)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_yaml.WIDTH)
    return f"---\n{text}---\n"


def render(post: Post, options: WriteOptions) -> tuple[str, str | None]:
    """The post's body in Markdown and its comments entry, JSON (run in a worker)."""
    body = post_markdown(post.content_html, options.context(post))
    comments = None
    if post.comments or post.pings:
        comments = json.dumps(comments_data(post, options), ensure_ascii=False, indent=2) + "\n"
    return body, comments


# An address served as a file, <path>.html, rather than <path>/index.html: one whose last
# segment ends in ".html" (not ".html" alone). src/lib/items.ts tells them apart the same way.
FILE_ROUTE = re.compile(r".*/[^/.][^/]*\.html")


def built_file(path: str) -> str:
    """The file Astro writes for the page at ``path`` (URL-encoded, as :func:`site_path`
    gives it), as a case-insensitive disk tells files apart.

    >>> built_file("/2024/01/Caf%C3%A9/"), built_file("/old-page.html"), built_file("/about-us")
    ('2024/01/café/index.html', 'old-page.html', 'about-us/index.html')
    >>> built_file("/A.HTML"), built_file("/a/.html")
    ('a.html/index.html', 'a/.html/index.html')
    """
    name = unicodedata.normalize("NFC", unquote(path))
    file = name.strip("/") if FILE_ROUTE.fullmatch(name) else f"{name.strip('/')}/index.html"
    return file.lower()


class _Disk:
    """The files and folders the built pages take: no page's file may be another's folder
    (``/a.html`` and ``/a.html/photo/``), which would stop the build."""

    def __init__(self) -> None:
        self.files = SpillSet()  # (on disk when many: wxrtool.sitestore)
        self.folders = SpillSet()

    @staticmethod
    def _folders(file: str) -> list[str]:
        parts = file.split("/")[:-1]
        return ["/".join(parts[: n + 1]) for n in range(len(parts))]

    def fits(self, path: str) -> bool:
        file = built_file(path)
        return file not in self.files and file not in self.folders and self.files.isdisjoint(self._folders(file))

    def take(self, path: str) -> None:
        file = built_file(path)
        self.files.add(file)
        self.folders.update(self._folders(file))


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write the content collections (and, with ``scaffold``, an Astro site around them) into ``out``."""
    result = WriteResult.for_options(options)
    planner = PathPlanner(out.root, f"{ITEMS}/{{slug}}.md", files=out.copied)
    addresses, disk = Addresses(RESERVED_PATHS), _Disk()
    seen = SpillCounter()  # (on disk when many: wxrtool.sitestore)
    # The site's folder under its host (--base-url https://example.org/blog): Astro's `base`,
    # which links to placed media need, as Astro does not add it to links in Markdown.
    folder = urlsplit(options.base_url).path.rstrip("/") if options.base_url else ""
    posts = Posts(entries)
    menu_titles = TitlesSeen(options.index.menu_entries)
    for record, (body, comments) in posts:
        menu_titles.see(record.id, shown_title(record.title))
        seen[record.id] += 1
        key = str(record.id) if seen[record.id] == 1 else f"{record.id}-{seen[record.id]}"
        built = record.status == "publish"  # (the scaffold's pages leave drafts out)

        def ask(path: str, built: bool = built) -> bool:
            # A built item claims the address and its file; a draft takes one only while free.
            if not disk.fits(path) or not (addresses.claim if built else addresses.free)(path):
                return False
            if built:
                disk.take(path)
            return True

        wanted = own_path(record.link)
        path = wanted if wanted and ask(wanted) else None
        if path is None:
            exported = posts.site.exported if posts.site else None
            path = fallback_path(record, options, ask, exported)
        data = astro_metadata(record, path, key if comments is not None else None, options)
        shaped = options.shaped(data, record, "astro")
        shaped.update({name: data[name] for name in KEPT if name in data and name not in shaped})
        text = astro_front_matter(shaped) + "\n" + body.strip("\n") + "\n"
        relative = item_path(record, planner, options)
        # Files Astro copies as they are (public/), linked from the site's root.
        text = localize(
            record, text, options, out, f"{MEDIA}/{key}", f"{folder}/media/{key}/", result, served=f"/media/{key}/"
        )
        out.write_text(relative, text)
        if comments is not None:
            out.write_text(f"{COMMENTS}/{key}.json", comments)
        if built:
            # Its old address redirects here, unless it is another item's page.
            result.moved(record.id, record.link if not wanted or path == wanted else "", path)
    write_authors(out, author_data(posts.authors, posts.wrote, options.selection.personal_data))
    menus = new_site_menus(
        options.index, result.addresses or {}, menu_titles.titles, TARGETS["astro"], options.base_url, options.links
    )
    if menus:  # (src/lib/menus.ts reads it: the base layout shows each menu)
        out.write_text(MENUS, json.dumps(as_data(menus), ensure_ascii=False, indent=2) + "\n")
    languages = options.index.languages
    if languages:  # (each item's lang and translations are in its front matter; their names here)
        out.write_text(LANGUAGES, json.dumps(language_data(languages), ensure_ascii=False, indent=2) + "\n")
    if options.scaffold:
        write_scaffold(out, posts.site, options.base_url, languages)
    return result


def write_authors(out: OutputDir, authors: dict[str, dict[str, Any]]) -> None:
    """One JSON file per author (``src/content/authors/<slug>.json``; an author without a page
    slug by login), each named once whatever the file system's case."""
    taken: set[str] = set()
    for data in authors.values():
        name = data.get("slug") or safe_component(data["login"], "author")
        unique, n = name, 1
        while unique.lower() in taken:
            n += 1
            unique = f"{name}-{n}"
        taken.add(unique.lower())
        out.write_text(f"{AUTHORS}/{unique}.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")


CONFIG = """\
// written by wxrtool: `npm install`, then `npx astro build` builds the site into dist/
import {{ defineConfig }} from "astro/config";
import imagesAsWritten from "./src/lib/images-as-written.mjs";

// Astro sends anonymous usage data to astro.build when it builds unless told not to:
// this site asks nothing of the network.
process.env.ASTRO_TELEMETRY_DISABLED = "1";

export default defineConfig({{
{address}  // Each page at its WordPress address: <path>/index.html, or <path>.html for one ending in ".html".
  build: {{ format: "preserve" }},
  markdown: {{ remarkPlugins: [imagesAsWritten] }},
{i18n}}});
"""


def write_scaffold(
    out: OutputDir, site: Site | None, base_url: str | None = None, languages: Languages | None = None
) -> None:
    """A minimal Astro site that builds the collections and shows each item with its thread;
    ``base_url`` (``--base-url``) is its ``site`` (and ``base``, the folder), for absolute
    addresses; a multilingual site's ``languages`` are its i18n locales (for Astro's
    ``getRelativeLocaleUrl`` and the like; each page stays at its old address)."""
    address = ""
    if base_url:
        # (json.dumps: a JavaScript string, whatever the checked URL holds)
        address = f"  site: {json.dumps(base_url)},\n"
        folder = urlsplit(base_url).path.rstrip("/")
        if folder:
            address += f"  base: {json.dumps(folder)},\n"
    i18n = ""
    if languages:
        # (json.dumps: JavaScript strings; the codes are checked ones, wxrtool.languages)
        i18n = (
            f"  i18n: {{ locales: {json.dumps(list(languages.codes))}, "
            f"defaultLocale: {json.dumps(languages.default)} }},\n"
        )
    out.write_text("astro.config.mjs", CONFIG.format(address=address, i18n=i18n))
    about = {
        "title": site.title if site and site.title else "Converted from WordPress",
        "lang": site.language if site and site.language else "en",
    }
    out.write_text("src/site.json", json.dumps(about, ensure_ascii=False, indent=2) + "\n")
    out.mkdir(ITEMS)
    out.mkdir(COMMENTS)
    out.mkdir(AUTHORS)
    copy_scaffold(out, "astro")
