"""Eleventy (11ty): Markdown items at their old WordPress addresses, comments as global data.

Each item is a Markdown file under ``content/`` (``content/posts/<slug>.md``, pages under
their parents' slugs in ``content/pages/``, other types in ``content/<type>/``) whose
``permalink`` is its old permalink's path, decoded, as Eleventy writes it to the disk:
old links keep working. Every address is handed out once per site by
:class:`~wxrtool.writers.paths.Addresses` (first come, in export order, never one the
site keeps: :data:`RESERVED_PATHS`), and a permalink is a
:func:`~wxrtool.writers.paths.site_path` (no ``..``, no ``//host``), so no page is written
outside the output or over another (Eleventy stops the build at two pages with one
file). An item whose old link has no path (``/?p=12``), or whose address another has,
gets WordPress's own form: ``/yyyy/mm/dd/<slug>/`` for a post, ``/<parents>/<slug>/``
for a page, ``/<type>/<slug>/`` for another type, with ``-<id>`` while that is taken. A
path without a trailing ``/`` or an extension (``/about``) is written as ``about.html``,
which hosts serve at ``/about``, as Jekyll does. Old slugs (``_wp_old_slug``) and
``/?p=ID`` are left to ``--redirects``. What is not published gets ``draft: true`` and
``permalink: false``: Eleventy writes no page for it, and it takes no address.

Eleventy runs Markdown through a template engine first: ``templateEngineOverride: md``
switches that off in each file, and ``dynamicPermalink: false`` keeps the permalink
from being read as a template, so ``{{`` and ``{%`` in a post show as written.

Eleventy makes a collection of each ``tags`` value, so ``tags`` holds the item's type
only (``post``, ``page``, ``wp-<type>``: :func:`collection_name`), never a name from the
export. WordPress's terms are data beside it: ``categories`` (names; one that two
categories share is written with its parents', ``Bar / Foo``) and ``category_paths``
(each one's place in WordPress's tree, its old ``/category/<path>/``), ``post_tags`` and
``post_tag_slugs`` (the same order), and ``taxonomies`` for the others (by taxonomy,
names). The scaffold's ``eleventy.config.js`` makes collections of them
(``wordpressCategories``, ``wordpressTags``) and a page for each at WordPress's own
address, ``/category/<path>/`` and ``/tag/<slug>/``.

Comments and pings go to ``_data/comments/<key>.json`` (the key: the item's id, ``-2``,
``-3``... added for a later item with the same id, named by ``comments_key`` in its front
matter), the thread tree as Hugo's ``comments.json`` has it
(:func:`~wxrtool.writers.responses.comments_data`): Eleventy reads it as
``comments[comments_key]``. ``--media`` places files in ``assets/media/<key>/``, which
``.eleventyignore`` (written with every output) keeps from ever being read as a template
or a data file (``x.11ty.js`` would run), whatever the configuration; so is the migration's
folder, whose report holds the export's text.

``--scaffold`` adds ``eleventy.config.js`` (Eleventy 3, ESM), ``package.json``
(``@11ty/eleventy`` 3), ``_data/site.json``, Nunjucks layouts (autoescape on) that mark
each article with ``data-wordpress-id`` and show the threads as nested lists, the list
page, and the term pages.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from ..authors import author_data, author_page
from ..content import post_markdown
from ..errors import OutputError
from ..index import SiteIndex
from ..languages import LANGUAGE_TAXONOMIES, language_data
from ..menus import TitlesSeen, as_data, new_site_menus
from ..oldurls import OldAddress
from ..output import OutputDir, copy_scaffold
from ..records import Post, Site
from ..sitestore import SpillCounter, SpillSet
from ._placement import localize
from .frontmatter import (
    category_labels,
    category_path,
    category_refs,
    date_fields,
    front_matter,
    metadata,
    shown_title,
    stand_in_date,
)
from .paths import SITE_FILES, Addresses, PathPlanner, folder_address, safe_component, site_path, term_slug
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import comments_data

# Addresses no item may take: the home page (the scaffold's list), the media folder, the
# term pages the scaffold makes at WordPress's own addresses, and the files hosts read as
# their configuration in the folder they serve (IIS, Apache, Netlify, Cloudflare Pages).
RESERVED_PATHS = (
    *SITE_FILES, "/assets/*", "/category/*", "/tag/*", "/author/*",
)  # fmt: skip
MEDIA = "assets/media"
# What Eleventy must never read as a template or a data file: the media (a file named
# "x.11ty.js" would run) and the migration's folder (its report holds the export's text).
IGNORED = (f"{MEDIA}/", "_wxrtool-migration/")
# Keys Eleventy acts on (and those starting "eleventy"): only the writer's own placement
# of an item sets them, whatever the front matter was shaped into (see placed()).
_ELEVENTY_KEYS = frozenset(
    {"layout", "pagination", "permalinkBypassOutputDir", "dynamicPermalink", "page", "collections", "content", "pkg"}
)
_NOT_CONTENT_TAXONOMIES = frozenset({"category", "post_tag", "nav_menu", *LANGUAGE_TAXONOMIES})
# Eleventy writes a file or folder of each segment: a longer one than a file system keeps
# (255 bytes, ".html" added) gives the item an address of its own, as does a longer path.
_MAX_SEGMENT = 250
_MAX_PATH = 2000
_MAX_TRIES = 1000  # suffixes tried for one address; a few are ever needed


def collection_name(post_type: str) -> str:
    """The Eleventy collection (``tags`` value) of an item: ``post``, ``page``, or ``wp-<type>``.

    Another type's name keeps ``a-z 0-9 _ -`` only, with ``.<8 hex digits of its SHA-256>``
    when that changed it (``Recipe`` and ``recipe`` stay apart); ``wp-`` keeps it from being
    ``all`` or another name Eleventy or JavaScript gives a meaning (``__proto__``).

    >>> [collection_name(t) for t in ("post", "page", "recipe", "all", "Recipe")]
    ['post', 'page', 'wp-recipe', 'wp-all', 'wp-recipe.aec69352']
    """
    if post_type in ("post", "page"):
        return post_type
    name = re.sub(r"[^a-z0-9_-]", "", post_type.lower())[:40]
    if name != post_type:
        name = f"{name or 'type'}.{hashlib.sha256(post_type.encode()).hexdigest()[:8]}"
    return "wp-" + name


def _shown(slug: str, fallback: str) -> str:
    # Eleventy skips every folder named node_modules, wherever it is.
    name = safe_component(slug, fallback)
    return "wp-" + name if name.lower() == "node_modules" else name


def file_path(post: Post, planner: PathPlanner, index: SiteIndex) -> str:
    """Where an item's file goes under ``content/`` (its address is its ``permalink``, not this);
    on a multilingual site, an item in another language than the default one under its
    language's folder (``content/fr/posts/...``), as Eleventy's i18n guide lays a site out."""
    fields = {"type": post.type, **date_fields(post)}
    fallback = str(post.id)
    languages = index.languages
    language = languages.of(post.id) if languages else ""
    content = f"content/{language}" if language and language != languages.default else "content"
    if post.type == "post":
        return planner.path_for(fields, [_shown(post.slug, fallback)], post.id, content + "/posts/{slug}.md")
    if post.type == "page":
        parts = [*(_shown(a.slug, fallback) for a in reversed(index.ancestors(post.id))), _shown(post.slug, fallback)]
        if len("/".join(parts).encode()) > _MAX_PATH // 2:
            parts = parts[-1:]  # (a file path a system can open: the address is the permalink's anyway)
        return planner.path_for(fields, parts, post.id, content + "/pages/{slug}.md")
    fields["type"] = _shown(post.type, "type")
    return planner.path_for(fields, [_shown(post.slug, fallback)], post.id, content + "/{type}/{slug}.md")


def eleventy_permalink(path: str) -> str:
    """A site path (:func:`~wxrtool.writers.paths.site_path`) as Eleventy's ``permalink``: decoded,
    as the file is named on the disk (a server decodes the address it is asked for), and
    ``.html`` added to a last segment with no extension (Eleventy refuses to write one).

    >>> eleventy_permalink("/2020/01/caf%C3%A9/"), eleventy_permalink("/100%25%20sure%3F/")
    ('/2020/01/café/', '/100% sure?/')
    >>> eleventy_permalink("/about"), eleventy_permalink("/2020/01/post.html")
    ('/about.html', '/2020/01/post.html')
    """
    decoded = unquote(path)
    name = decoded.rsplit("/", 1)[-1]
    if name and "." not in name.lstrip("."):
        decoded += ".html"
    return decoded


def _output_file(permalink: str) -> str:
    """The file Eleventy writes for ``permalink``, as a case-insensitive file system compares it."""
    file = permalink.lstrip("/") + ("index.html" if permalink.endswith("/") else "")
    return unicodedata.normalize("NFC", file).lower()


class _Site:
    """The addresses handed out (:class:`Addresses`), and the files and folders they make:
    no page's file may be another's folder (``/a`` is ``a.html``, ``/a.html/b/`` needs a
    folder ``a.html``), which Eleventy could not write."""

    def __init__(self) -> None:
        self.addresses = Addresses(RESERVED_PATHS)
        self.files = SpillSet()  # (on disk when many: wxrtool.sitestore)
        self.folders = SpillSet()

    def take(self, path: str) -> bool:
        """Hand the site path ``path`` out, if it is free and can be written."""
        decoded = eleventy_permalink(path)
        segments = decoded.strip("/").split("/")
        if len(decoded.encode()) > _MAX_PATH or any(len(s.encode()) > _MAX_SEGMENT for s in segments):
            return False
        file = _output_file(decoded)
        parents = [posixpath.dirname(file)]
        while parents[-1]:
            parents.append(posixpath.dirname(parents[-1]))
        if file in self.files or file in self.folders or any(p in self.files for p in parents):
            return False
        if not self.addresses.claim(path):
            return False
        self.files.add(file)
        self.folders.update(p for p in parents if p)
        return True


def fallback_address(post: Post, index: SiteIndex, site: _Site, exported: datetime | None = None) -> str:
    """An item's address when its old link gives none of its own: WordPress's default form
    (``/yyyy/mm/dd/<slug>/``, a page's ``/<parents>/<slug>/``, ``/<type>/<slug>/``), taken
    now; ``-<id>`` is added while it is another's. Where that form can never be had (under
    a reserved folder such as ``/assets/``, or too long a path), ``/wp-<id>/``."""
    fallback = str(post.id)
    if post.type == "post":
        fields = date_fields(post, stand_in_date(post, exported))
        parts = [fields["yyyy"], fields["mm"], fields["dd"], safe_component(post.slug, fallback)]
    elif post.type == "page":
        parts = [safe_component(a.slug, fallback) for a in reversed(index.ancestors(post.id))]
        parts.append(safe_component(post.slug, fallback))
    else:
        parts = [safe_component(post.type, "type"), safe_component(post.slug, fallback)]
    # (A "%" of a slug's own is escaped: site_path decodes what it is given.)
    for base in (site_path("/" + "/".join(p.replace("%", "%25") for p in parts)), f"/wp-{post.id}"):
        if site.addresses.reserves_all_under(base + "/") or len(unquote(base).encode()) > _MAX_PATH - 50:
            continue
        candidate = base + "/"
        for n in range(1, _MAX_TRIES):
            if site.take(candidate):
                return candidate
            candidate = f"{base}-{post.id}/" if n == 1 else f"{base}-{post.id}-{n}/"
    raise OutputError(f"no free address for item {post.id}")  # (a bug: /wp-<id>-<n>/ cannot all be taken)


def _tag_refs(post: Post, index: SiteIndex) -> list[tuple[str, str]]:
    """The item's tags: name and slug (looked up by name when the export gave none: WXR 1.0)."""
    return [
        (ref.name, ref.slug or index.term_slugs.get(("post_tag", ref.name), ""))
        for ref in post.terms
        if ref.taxonomy == "post_tag"
    ]


def eleventy_metadata(post: Post, options: WriteOptions) -> dict[str, Any]:
    """Front matter in Eleventy's vocabulary, before the item has its address (:func:`write`)."""
    common = metadata(post, options)
    index = options.index
    data: dict[str, Any] = {"title": common["title"]}
    if "date" in common:
        data["date"] = common["date"]
    if "updated" in common:
        data["updated"] = common["updated"]
    data["tags"] = [collection_name(post.type)]
    refs = category_refs(post, index)
    if refs:
        data["categories"] = category_labels(post, index)
        data["category_paths"] = [category_path(slug, ref.name, index) for ref, slug in refs]
    tags = _tag_refs(post, index)
    if tags:
        data["post_tags"] = [name for name, _ in tags]
        data["post_tag_slugs"] = [term_slug(slug or name, "tag") for name, slug in tags]
    taxonomies: dict[str, list[str]] = {}
    for ref in post.terms:
        if ref.taxonomy not in _NOT_CONTENT_TAXONOMIES:
            taxonomies.setdefault(ref.taxonomy, []).append(ref.name)
    if taxonomies:
        # Nested: a taxonomy named "layout" or "pagination" must not reach Eleventy as one.
        data["taxonomies"] = taxonomies
    for key in ("author", "summary"):
        if key in common:
            data[key] = common[key]
    if "featured_image" in common:
        data["image"] = common["featured_image"]
    for key in ("sticky", "protected", "meta", "lang", "translation_key", "translations"):
        if key in common:
            data[key] = common[key]
    data["templateEngineOverride"] = "md"
    data["wordpress"] = {"id": post.id, "type": post.type, "status": post.status, "slug": post.slug}
    if post.link:
        data["wordpress"]["permalink"] = post.link
    return data


def placed(data: dict[str, Any], post: Post, options: WriteOptions, placement: dict[str, Any]) -> dict[str, Any]:
    """``data`` shaped as the user chose (:meth:`WriteOptions.shaped`), with ``placement`` (the
    keys that place the item) set and no other key Eleventy acts on: a field renamed
    ``pagination`` or ``permalink`` cannot move a page or write one elsewhere."""
    shaped = options.shaped(data, post, "eleventy")
    kept = {
        key: value
        for key, value in shaped.items()
        if key not in placement and key not in _ELEVENTY_KEYS and not key.lower().startswith("eleventy")
    }
    # (Read first: the title and dates, then where the page goes, then the rest.)
    head: dict[str, Any] = {key: kept.pop(key) for key in ("title", "date", "updated") if key in kept}
    return {**head, **placement, **kept}


# What render() makes of a post: its front matter (before its address), its body, and
# its comments and pings as JSON (or None): the address and the data file's name are
# given in write(), which sees every item.
_Parts = tuple[dict[str, Any], str, str | None]


def render(post: Post, options: WriteOptions) -> _Parts:
    """The post's front matter, its body in Markdown and its comment data (run in a worker)."""
    body = "\n" + post_markdown(post.content_html, options.context(post)).strip("\n") + "\n"
    comments = None
    if post.comments or post.pings:
        comments = json.dumps(comments_data(post, options), ensure_ascii=False, indent=2) + "\n"
    return eleventy_metadata(post, options), body, comments


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write Eleventy input (and, with ``scaffold``, a site around it) into ``out``."""
    result = WriteResult.for_options(options)
    planner = PathPlanner(out.root, "content/{slug}.md", files=out.copied)
    site = _Site()
    posts = Posts(entries)
    seen = SpillCounter()  # (on disk when many: wxrtool.sitestore)
    menu_titles = TitlesSeen(options.index.menu_entries)
    for record, (data, body, comments) in posts:
        menu_titles.see(record.id, shown_title(record.title))
        # Its data file's key: the id, or "<id>-2" for a later item with the same id (a
        # botched merge), whose comments would replace the first's.
        seen[record.id] += 1
        key = str(record.id) if seen[record.id] == 1 else f"{record.id}-{seen[record.id]}"
        exported = posts.site.exported if posts.site else None
        placement: dict[str, Any] = {}
        if record.status == "publish":
            wanted = folder_address(site_path(record.link))
            new = wanted if wanted and site.take(wanted) else None
            # Its old address leads here only when it is its own, not another item's.
            old = record.link if not wanted or new else ""
            new = new or fallback_address(record, options.index, site, exported)
            placement.update(permalink=eleventy_permalink(new), dynamicPermalink=False)
            result.moved(record.id, old, new)
            if record.date is None:
                # Undated: Eleventy would take the file's time, another on every checkout.
                data = {**data, "date": stand_in_date(record, exported)}
                data["wordpress"] = {**data["wordpress"], "date_missing": True}
        else:
            # Not published: no page, no address (Eleventy writes nothing for permalink: false).
            placement.update(draft=True, permalink=False, eleventyExcludeFromCollections=True)
        placement.update(tags=data["tags"], templateEngineOverride="md")
        if comments is not None:
            data = {**data, "comments_key": key}
            out.write_text(f"_data/comments/{key}.json", comments)
        text = front_matter(placed(data, record, options, placement)) + body
        text = localize(
            record, text, options, out, f"{MEDIA}/{key}", f"/{MEDIA}/{key}/", result, served=f"/{MEDIA}/{key}/"
        )
        out.write_text(file_path(record, planner, options.index), text)
    out.write_text(".eleventyignore", "".join(f"{path}\n" for path in IGNORED))
    menus = new_site_menus(
        options.index, result.addresses or {}, menu_titles.titles, archive_page, options.base_url, options.links
    )
    if menus:  # (the "menus" global data: the base layout shows each)
        out.write_text("_data/menus.json", json.dumps(as_data(menus), ensure_ascii=False, indent=2) + "\n")
    authors = author_data(posts.authors, posts.wrote, options.selection.personal_data)
    if authors:  # (the "authors" global data, keyed by the name the posts' front matter gives)
        out.write_text("_data/authors.json", json.dumps(authors, ensure_ascii=False, indent=2) + "\n")
    if options.index.languages:  # (languages[lang].name: each translation's language by name)
        text = json.dumps(language_data(options.index.languages), ensure_ascii=False, indent=2)
        out.write_text("_data/languages.json", text + "\n")
    if options.scaffold:
        write_scaffold(out, posts.site, options.base_url)
    return result


def write_scaffold(out: OutputDir, site: Site | None, base_url: str | None = None) -> None:
    """A minimal Eleventy 3 site around the items: config, package.json, layouts, list and term pages;
    ``base_url`` (``--base-url``) gives ``site.url`` and, for a site in a folder, the ``pathPrefix``."""
    prefix = "/"
    if base_url and "://" in base_url:
        folder = base_url.split("://", 1)[1].partition("/")[2].strip("/")
        prefix = f"/{folder}/" if folder else "/"
    data = {
        "title": site.title if site and site.title else "Converted from WordPress",
        "lang": site.language if site and site.language else "en",
        "url": base_url or "",
        "pathPrefix": prefix,
    }
    out.write_text("_data/site.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    copy_scaffold(out, "eleventy")


def archive_page(address: OldAddress) -> str | None:
    """The scaffold's page for an old archive address (``None``: none). Categories and tags have
    one at WordPress's own address (each segment made a term's slug, :func:`term_slug`); a
    category or tag feed leads to the term's page; an author's archive to the author's page
    (:func:`~wxrtool.authors.author_page`); every other archive, feed and search to the home
    page, the closest there is.

    >>> archive_page(OldAddress("/category/bar/foo/", "category", about=("category", "foo")))
    '/category/bar/foo/'
    >>> archive_page(OldAddress("/blog/tag/caf%C3%A9/feed/", "feed", about=("feed", "post_tag", "Café")))
    '/tag/caf%C3%A9/'
    >>> plain = OldAddress("/?cat=7", "category", about=("category", "foo"))
    >>> archive_page(plain), archive_page(OldAddress("/x/", "item"))
    ('/', None)
    """
    about = address.about
    if not about:
        return None
    if about[0] == "post_tag" or about[:2] == ("feed", "post_tag"):
        return f"/tag/{_segment(about[-1])}/"  # (the slug as the export has it, decoded)
    if about[0] == "category" or about[:2] == ("feed", "category"):
        path = address.url.partition("?")[0]
        if "/category/" not in path:
            return "/"  # (a site without pretty permalinks: /?cat=ID names no place in the tree)
        segments = path.split("/category/", 1)[1].removesuffix("/feed/").strip("/").split("/")
        return "/category/" + "/".join(_segment(unquote(s)) for s in segments) + "/"
    if about[0] == "author":
        return author_page(about[1]) or "/"
    return "/"


def _segment(slug: str) -> str:
    # A term's slug as the scaffold names its page (term_slug), written as browsers send it.
    return quote(term_slug(slug, "term"), safe="-_")
