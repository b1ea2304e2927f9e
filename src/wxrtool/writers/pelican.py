"""Pelican: Markdown with Pelican's metadata header, old URLs kept.

Posts become articles under ``content/posts/``, pages go to ``content/pages/``
keeping their parents' slugs as folders, other post types to
``content/<type>/`` (``content/wp-<type>/`` for a type named ``posts``, ``pages``,
``images`` or ``wp-...``, folders Pelican or this writer use). The header is the ``Key: value`` block Pelican's Markdown
reader takes (Title, Date, Modified, Slug, Category, Tags, Authors, Summary,
Status); ``URL`` and ``Save_as`` put each page at its old permalink. Pelican has
one category per article, known by its name: the first is ``Category``, the others
are kept in ``Wp_categories``; a name two categories share is written with its
parents' (``Bar / Foo``), and ``Wp_category_paths`` keeps each one's place in
WordPress's hierarchy (``bar/foo``). Comments follow the post as nested lists, in
the Markdown dialect Pelican reads (Python-Markdown: four-space nesting, two-space
breaks).
``--scaffold`` adds a ``pelicanconf.py`` that builds with the default theme.

WordPress's navigation menus (:mod:`wxrtool.menus`) are data, ``menus.json`` beside
``content/``, every menu nested as WordPress nests it. The scaffold shows the largest
(:func:`~wxrtool.menus.by_size`) as ``MENUITEMS``, the ``(title, link)`` pairs Pelican's
themes show in one level (:func:`~wxrtool.menus.one_level`), instead of the list of pages
and categories; each a Python literal (``repr``), so no title or address is code.

Every header value is one line with no control characters: line breaks and other
whitespace become a space, the rest of C0, C1, DEL and U+2028/2029 are dropped,
so no value can start a header of its own. ``URL`` and ``Save_as`` come from
:func:`~wxrtool.writers.paths.site_path` (no ``..``, no ``//``, inside the
site) and are used once across the site, together with the ``<slug>/`` a page
without them is saved at, never at one of :data:`RESERVED_PATHS` (the
:class:`~wxrtool.writers.paths.Addresses` every engine writer shares); ``Image``
is a URL with anything unsafe encoded.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, unquote

from ..archives import TARGETS
from ..content import post_markdown
from ..menus import Menu, TitlesSeen, as_data, by_size, new_site_menus, one_level
from ..oldurls import OldAddress
from ..output import OutputDir
from ..records import Post
from ..sitestore import SpillSet
from ._placement import localize
from .frontmatter import category_labels, category_refs, date_fields, metadata, plain_text, shown_title, stand_in_date
from .paths import SITE_FILES, Addresses, PathPlanner, site_path, url_path
from .pelican_header import header_value as _value
from .protocol import Entry, Posts, WriteOptions, WriteResult
from .responses import responses_markdown

FLAVOR = "python-markdown"
_STATUS = {"publish": "published", "private": "hidden"}
# Folders of content/ that mean something to Pelican or to this writer: a post type
# named so gets "wp-" in front (and so does one already starting with it).
_OWN_FOLDERS = {"posts", "pages", "images"}
MENUS_FILE = "menus.json"


def _list_item(text: str) -> str:
    """A tag or author name: a header value without what Pelican splits lists on (``,`` and,
    when there is one, ``;``: the escaped ``<`` and ``>`` hold one, so they go too).

    >>> _list_item(">team, <b>a;b</b>")
    'team a b'
    """
    value = _value(text).replace("&lt;", " ").replace("&gt;", " ")
    return " ".join(value.replace(",", " ").replace(";", " ").split())


_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]!])")


def _url_value(url: str) -> str:
    """A URL as a header value: controls dropped, whitespace percent-encoded.

    >>> _url_value("https://x.org/a b.jpg\\nStatus: draft")
    'https://x.org/a%20b.jpgStatus:%20draft'
    """
    if url.isprintable() and " " not in url:
        return url
    url = "".join(ch for ch in url.strip() if unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
    return re.sub(r"\s", lambda m: quote(m.group()), url)


def file_path(post: Post, planner: PathPlanner, options: WriteOptions) -> str:
    """Where an item's file goes under ``content/``."""
    fields = {"type": post.type, **date_fields(post)}
    if post.type == "page":
        ancestors = [a.slug for a in reversed(options.index.ancestors(post.id))]
        return planner.path_for(fields, [*ancestors, post.slug], post.id, "content/pages/{slug}.md")
    if post.type == "post":
        return planner.path_for(fields, [post.slug], post.id, "content/posts/{slug}.md")
    if post.type.lower() in _OWN_FOLDERS or post.type.lower().startswith("wp-"):
        fields["type"] = "wp-" + post.type
    return planner.path_for(fields, [post.slug], post.id, "content/{type}/{slug}.md")


# What Pelican writes itself with the scaffold's settings: no old URL may be saved there.
RESERVED_PATHS = (
    *SITE_FILES, "/archives.html", "/tags.html", "/categories.html", "/authors.html",
    "/tag/*", "/category/*", "/author/*", "/theme/*", "/feeds/*", "/images/*",
)  # fmt: skip


class _Unique:
    """Pelican wants every slug and every output path used once across the whole site."""

    def __init__(self) -> None:
        self.slugs = SpillSet()  # (on disk when many: wxrtool.sitestore)
        self.addresses = Addresses(RESERVED_PATHS)

    def slug(self, slug: str, item_id: int, saved_at_slug: bool = False) -> str:
        """``slug`` or ``slug-<id>``; one saved at ``<slug>/`` also keeps clear of the old URLs in use."""
        candidate, n = slug, 1
        while candidate.lower() in self.slugs or (saved_at_slug and not self.addresses.free(candidate)):
            candidate = f"{slug}-{item_id}" if n == 1 else f"{slug}-{item_id}-{n}"
            n += 1
        self.slugs.add(candidate.lower())
        if saved_at_slug:
            self.addresses.claim(candidate)
        return candidate

    def path(self, path: str) -> bool:
        """Whether the old URL ``path`` is this item's: the first to ask for it, and not Pelican's own."""
        return self.addresses.claim(path)


def header(
    post: Post, slug: str, options: WriteOptions, exported: datetime | None = None, unique: _Unique | None = None
) -> str:
    """Pelican's metadata block for one item."""
    common = metadata(post, options)
    lines = [f"Title: {_value(shown_title(post.title)) or slug}"]
    if post.date is not None:
        lines.append(f"Date: {post.date.isoformat()}")
    else:
        # Pelican refuses an article with no date; the nearest true one is used
        # and the item says that it had none.
        stand_in = stand_in_date(post, exported)
        lines += [f"Date: {stand_in.isoformat()}", "Wp_date_missing: true"]
    if post.modified is not None:
        lines.append(f"Modified: {post.modified.isoformat()}")
    unique = unique or _Unique()
    # The old permalink's path, made local: Save_as is where Pelican writes, so it
    # must stay inside the output folder and not be another page's.
    path = site_path(post.link).strip("/") if post.status == "publish" else ""
    own_url = unique.path(path)
    saved_at_slug = not own_url and post.status in _STATUS
    lines.append(f"Slug: {unique.slug(slug, post.id, saved_at_slug)}")
    # Pelican knows a category by its name (its page is the name's slug): two named alike
    # are told apart by their parents' names (Bar / Foo); the paths keep WordPress's tree.
    categories = category_labels(post, options.index) if "categories" in common else []
    if categories:
        lines.append(f"Category: {_value(categories[0])}")
        if len(categories) > 1:
            lines.append("Wp_categories: " + ", ".join(_value(c) for c in categories))
        lines.append("Wp_category_paths: " + ", ".join(_value(path) for path in common["category_paths"]))
    if common.get("tags"):
        lines.append("Tags: " + ", ".join(_list_item(t) for t in common["tags"]))
    if common.get("author"):
        lines.append(f"Authors: {_list_item(common['author'])}")
    # Pelican renders Summary as Markdown (with attr_list): its syntax is escaped too.
    summary = _MARKDOWN_SYNTAX.sub(r"\\\1", _value(plain_text(post.excerpt_html)))
    if summary:
        lines.append(f"Summary: {summary}")
    lines.append(f"Status: {_STATUS.get(post.status, 'draft')}")
    if own_url:
        lines += [f"URL: {path}/", f"Save_as: {unquote(path)}/index.html"]
    image = _url_value(common.get("featured_image", ""))
    if image:
        lines.append(f"Image: {image}")
    languages = options.index.languages
    if "lang" in common:
        # Pelican's own translations: items with the same Translation_key are one another's
        # (the scaffold names it ARTICLE_TRANSLATION_ID), the one not marked Translation the
        # original; an item in no group has a key of its own. (Codes and keys are checked
        # ones, wxrtool.languages; the key is made one line as any value.)
        lines.append(f"Lang: {common['lang']}")
        lines.append(f"Translation_key: {_value(common.get('translation_key', '')) or f'wp-{post.id}'}")
        if not languages.original(post.id):
            lines.append("Translation: true")
    lines.append(f"Wordpress_id: {post.id}")
    return "\n".join(lines) + "\n\n"


def render(post: Post, options: WriteOptions) -> tuple[str, str]:
    """The post's body and its Comments section, in Python-Markdown (run in a worker)."""
    body = post_markdown(post.content_html, options.context(post), flavor=FLAVOR)
    return body, responses_markdown(post, FLAVOR, options.relink)


def write(entries: Iterable[Entry], out: OutputDir, options: WriteOptions) -> WriteResult:
    """Write Pelican content (and, with ``scaffold``, a config around it) into ``out``."""
    result = WriteResult.for_options(options)
    planner = PathPlanner(out.root, "content/{slug}.md", files=out.copied)
    unique = _Unique()
    posts = Posts(entries)
    menu_titles = TitlesSeen(options.index.menu_entries)
    # The categories that have a page: an article's first (Pelican gives it one), by slug.
    category_pages: dict[str, str] = {}
    for record, (body, responses) in posts:
        menu_titles.see(record.id, shown_title(record.title))
        relative = file_path(record, planner, options)
        exported = posts.site.exported if posts.site else None
        head = header(record, planner.slug_of(relative), options, exported, unique)
        text = head + body.strip("\n") + "\n"
        if responses:
            text += "\n" + responses + "\n"
        # Pelican's static files: content/images/<slug>/, linked with {static}; the header's
        # slug, unique in the site (the file's is unique only in its folder).
        # (The header's own lines, not a "Slug:" or "URL:" line a post's body may hold.)
        slug = re.search(r"^Slug: (.*)$", head, re.M).group(1)  # type: ignore[union-attr]
        text = localize(
            record,
            text,
            options,
            out,
            f"content/images/{slug}",
            f"{{static}}/images/{slug}/",
            result,
            served=url_path(f"/images/{slug}/"),
        )
        out.write_text(relative, text)
        own_url = re.search(r"^URL: (.*)$", head, re.M)
        if record.status == "publish":
            # An old address another page holds (or Pelican's own) is not redirected here.
            old = record.link if own_url or not site_path(record.link) else ""
            new = own_url.group(1).strip("/") if own_url else url_path(slug)  # (URL: is encoded already)
            result.moved(record.id, old, f"/{new}/")
            category = re.search(r"^Category: (.*)$", head, re.M)
            refs = category_refs(record, options.index)
            if category and refs and record.type != "page":
                category_pages.setdefault(refs[0][1], category.group(1))
    site = posts.site

    def archive(address: OldAddress) -> str | None:
        about = address.about
        if about[:1] == ("category",) and about[1] in category_pages:
            label = category_pages[about[1]]
            address = OldAddress(address.url, address.kind, label=label, about=(*about, "primary"))
        return TARGETS["pelican"](address)

    addresses, titles = result.addresses or {}, menu_titles.titles
    menus = new_site_menus(options.index, addresses, titles, archive, options.base_url, options.links)
    if menus:
        out.write_text(MENUS_FILE, json.dumps(as_data(menus), ensure_ascii=False, indent=2) + "\n")
    if options.scaffold:
        out.mkdir("content")
        title = site.title if site and site.title else "Converted from WordPress"
        language = (site.language if site and site.language else "en").split("-")[0]
        languages = options.index.languages
        config = SCAFFOLD_CONFIG + (TRANSLATIONS_CONFIG if languages else "")
        # The preview's menu links the site's own pages from its root (/about/); the
        # published site's, from its address.
        preview = new_site_menus(options.index, addresses, titles, archive, None, options.links) if menus else []
        for name, template in MARKED_TEMPLATES.items():
            out.write_text(f"templates/{name}.html", template)
        out.write_text(
            "pelicanconf.py",
            f"SITENAME = {_value(title)!r}\nDEFAULT_LANG = {(languages.default if languages else language)!r}\n"
            + re.sub(r"^# .*\n", "", config, count=1)
            + menu_items(preview),
        )
        if options.base_url:
            # As pelican-quickstart splits them: pelicanconf.py builds a preview that works
            # anywhere (relative links), publishconf.py the site at its address.
            published = menu_items(menus).replace(MENU_SETTINGS, "")
            out.write_text("publishconf.py", PUBLISH_CONFIG + f"SITEURL = {options.base_url!r}\n" + published)
    return result


MENU_SETTINGS = """# WordPress's menu replaces the pages and categories Pelican's themes list.
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
"""


def menu_items(menus: list[Menu]) -> str:
    """The configuration's ``MENUITEMS`` for the largest of ``menus`` ('' for none), each pair
    a Python literal. Pelican's themes print them unescaped (its Jinja has no autoescape), so
    each is HTML too: the title as a header value (:func:`_value`), the address escaped.

    >>> from wxrtool.menus import MenuLink
    >>> print(menu_items([Menu("main", "Main", [MenuLink(1, "'), exec('x'), ('", "/a/?b=1&c=2")])]))
    # WordPress's menu "main" (the one with most entries; menus.json has every menu), its top level.
    MENUITEMS = (
        ("'), exec('x'), ('", '/a/?b=1&amp;c=2'),
    )
    # WordPress's menu replaces the pages and categories Pelican's themes list.
    DISPLAY_PAGES_ON_MENU = False
    DISPLAY_CATEGORIES_ON_MENU = False
    <BLANKLINE>
    """
    main = by_size(menus)[0] if menus else None
    shown = one_level(main) if main is not None else []
    if main is None or not shown:
        return ""
    pairs = "".join(f"    {(_value(link.title) or '(untitled)', html.escape(link.url))!r},\n" for link in shown)
    slug = re.sub(r"[^\w-]", "", main.slug)  # (in a comment: nothing that ends it)
    head = f'# WordPress\'s menu "{slug}" (the one with most entries; {MENUS_FILE} has every menu), its top level.\n'
    return head + f"MENUITEMS = (\n{pairs})\n" + MENU_SETTINGS


SCAFFOLD_CONFIG = """# written by wxrtool
import logging
import os

# WordPress images often have no alt text; the converted posts keep them as they
# were rather than invent one, so Pelican's lint about it is not a build problem.
LOG_FILTER = [(logging.WARN, "Empty alt attribute for image %s in %s")]
PATH = "content"
PAGE_PATHS = ["pages"]
TIMEZONE = "UTC"
SITEURL = ""
RELATIVE_URLS = True
# The content is Markdown; without the reStructuredText reader, docutils is not
# asked for a localisation of the site's language that it may not have.
READERS = {"rst": None}
# Feeds and their warnings are not what a first build needs.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
# Category, tag and author pages named in their own script (言葉, not yan-ye), as WordPress
# named them; wxrtool.archives redirects the old archives there.
SLUGIFY_USE_UNICODE = True
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# Each article and page marked with its WordPress id (templates/: the theme's own, wrapped), by
# which `wxrtool check-urls` tells an old address that reaches another item's page. (Beside this
# file: Pelican reads this setting from where it runs, not from here, as it does PATH.)
THEME_TEMPLATES_OVERRIDES = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")]
"""

# The theme's article and page, each inside an element naming the item's WordPress id (a number:
# the header's Wordpress_id, written by wxrtool), its featured image first, as WordPress's themes show it
# (placed with the post: at {static}, which Pelican fills in the text, not in a header's value).
MARKED_TEMPLATES = {
    name: (
        f'{{% extends "!theme/{name}.html" %}}\n{{% block content %}}'
        f'<div data-wordpress-id="{{{{ {name}.wordpress_id|e }}}}">{{% if {name}.image %}}<img class="featured" '
        f'src="{{{{ {name}.image|replace("{{static}}", SITEURL)|e }}}}" alt="">{{% endif %}}{{{{ super() }}}}</div>'
        "{% endblock %}\n"
    )
    for name in ("article", "page")
}

# A multilingual site's: translations by the key each item's header gives, and a translation
# with no address of its own under its language's folder.
TRANSLATIONS_CONFIG = """\
ARTICLE_TRANSLATION_ID = "translation_key"
PAGE_TRANSLATION_ID = "translation_key"
ARTICLE_LANG_URL = "{lang}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
"""

PUBLISH_CONFIG = """# written by wxrtool: `pelican content -s publishconf.py` builds the site for its address
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402, F403

RELATIVE_URLS = False
"""
