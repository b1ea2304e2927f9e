"""Ghost: the JSON import document of Ghost 5.

``{"meta": {"exported_on", "version"}, "data": {"posts", "tags", "users",
"posts_tags", "posts_authors", "posts_meta"}}``. Posts carry their HTML (Ghost's
importer turns it into its editor format); statuses map to Ghost's (published,
draft, scheduled); slugs are ASCII as Ghost makes them; every field is cut to the
length Ghost's schema allows (title 255, slug 191, excerpt 300, tag name 191,
tag description 500, alt text 191...), and each cut is reported on the post in
``posts_meta.frontmatter`` so nothing is shortened silently. Categories and tags
are Ghost tags, one per slug: two categories named alike are two tags, each name
shown with its parents' (``Bar / Foo``). Ids are stable
24-character hex strings derived from WordPress ids. Ghost has no comments
import, so comments and pings are accounted as not written.

WordPress's navigation menus become the site's settings ``navigation`` (the largest menu,
:func:`~wxrtool.menus.by_size`) and ``secondary_navigation`` (the next), in ``data.settings``
as Ghost's own export has them and its importer reads them (TryGhost/Ghost,
``ghost/core/core/server/data/importer/importers/data/settings-importer.js``: rows of
``key`` and ``value``; ``ghost/core/core/server/data/schema/default-settings/default-settings.json``:
both are of the ``site`` group, type ``array``, their value a JSON string of
``[{"label", "url"}]``). Ghost's navigation has one level (:func:`~wxrtool.menus.one_level`);
a link to an item or a tag of the site is relative, as Ghost's editor writes it (``/slug/``,
``/tag/slug/``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from ..content import safe_post_html
from ..content.sanitize import safe_url, sanitize_reader_html
from ..itemlinks import ItemLinks
from ..languages import LANGUAGE_TAXONOMIES
from ..menus import Menu, TitlesSeen, by_size, new_site_menus, one_level
from ..oldurls import OldAddress
from ..quirks import thumbnail_id
from ..records import Author, Post, Site, Term
from ..sitestore import SpillCounter, SpillMap, SpillSet
from .frontmatter import plain_text, shown_title
from .protocol import Entry, WriteOptions, WriteResult

VERSION = "5.0.0"
LIMITS = {
    "title": 255,
    "slug": 191,
    "custom_excerpt": 300,
    "feature_image": 2000,
    "tag_name": 191,
    "tag_description": 500,
    "user_name": 191,
    "meta_title": 300,
    "meta_description": 500,
    "feature_image_alt": 191,
}
_STATUS = {"publish": "published", "future": "scheduled"}
# Taxonomies that are no post's topic: menus, formats, the links manager's, Co-Authors Plus's,
# Polylang's (an item's language is an internal tag, below).
_NOT_TAGS = frozenset({"nav_menu", "post_format", "link_category", "author", *LANGUAGE_TAXONOMIES})


def ghost_id(kind: str, key: object) -> str:
    """A stable 24-character hex id (Ghost's ObjectId shape) for a WordPress record."""
    return hashlib.sha1(f"{kind}:{key}".encode()).hexdigest()[:24]


def ascii_slug(text: str, fallback: str) -> str:
    """A slug Ghost accepts: ASCII letters, digits and hyphens, at most 191 characters.

    >>> ascii_slug("Knäckebröd & Co.", "x"), ascii_slug("日本語", "post-7")
    ('knackebrod-co', 'post-7')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[: LIMITS["slug"]].strip("-")
    return slug or fallback


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as Ghost writes them, or ``None``."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _Cutter:
    """Cuts values to Ghost's limits and remembers what it cut."""

    def __init__(self) -> None:
        self.cuts: list[str] = []

    def __call__(self, field: str, value: str) -> str:
        limit = LIMITS[field]
        if len(value) <= limit:
            return value
        self.cuts.append(f"{field} cut from {len(value)} to {limit} characters")
        return value[: limit - 1].rstrip() + "…"


class _Unique:
    def __init__(self) -> None:
        self.taken = SpillSet()  # (a post's slug each: on disk when many, wxrtool.sitestore)
        self._next: SpillMap[str, int] = SpillMap()

    def __call__(self, slug: str, suffix: str) -> str:
        # slug, slug-suffix, slug-suffix-2, -3...: each within Ghost's limit. (It appended "-2"
        # at each try, past the limit too: the k-th item of one id and slug tried k slugs of 2k
        # characters, 62 s and slugs of 16,000 characters for 8,000 of them.)
        # (And from where the last item of this slug and suffix stopped: the k-th tried k slugs.)
        asked = f"{slug}\n{suffix}"
        candidate, n = slug, self._next.get(asked, 1)
        while candidate in self.taken:
            ending = suffix if n == 1 else f"{suffix}-{n}"
            candidate = f"{slug[: max(0, LIMITS['slug'] - len(ending) - 1)]}-{ending}"
            n += 1
        if n > 1:
            self._next[asked] = n
        self.taken.add(candidate)
        return candidate


def render(post: Post, options: WriteOptions) -> str:
    """The post's HTML as the blog showed it, URLs made safe (run in a worker with ``--jobs``)."""
    return safe_post_html(post.content_html, options.context(post))


def write(entries: Iterable[Entry], out: TextIO, options: WriteOptions) -> WriteResult:
    """Write a Ghost 5 import document."""
    # One JSON document, written as the posts come: posts straight to ``out``, their
    # links to spool files, tags and users (one per term or author) kept. The bytes
    # are json.dump(document, indent=1)'s, in memory that does not grow with posts.
    spools = _Array(), _Array(), _Array()
    result = WriteResult.for_options(options)
    try:
        _write(entries, out, options, result, *spools)
    finally:
        for spool in spools:
            spool.out.close()  # (closing twice is harmless: copy_to() closes each)
    return result


def _write(
    entries: Iterable[Entry],
    out: TextIO,
    options: WriteOptions,
    result: WriteResult,
    posts_tags: _Array,
    posts_authors: _Array,
    posts_meta: _Array,
) -> None:
    index = options.index
    tags: dict[tuple[str, str], dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    posts = _Array(out)
    post_slugs, tag_slugs, user_slugs = _Unique(), _Unique(), _Unique()
    seen_posts = SpillCounter()  # (how many posts of each id: on disk when many)
    exported_on = 0
    # (the menus' items' addresses: a stream's writer keeps no others)
    links = options.links or ItemLinks(index) if index.menu_entries else None
    menu_items = TitlesSeen(index.menu_entries, links) if index.menu_entries else None

    def user_for(login: str, author: Author | None = None) -> dict[str, Any]:
        if login not in users:
            name = (author.display_name if author else "") or index.authors.get(login) or login or "author"
            slug = user_slugs(ascii_slug(login or name, "author"), ghost_id("user", login)[:6])
            email = author.email if author and author.email and options.selection.personal_data else ""
            users[login] = {
                "id": ghost_id("user", login),
                "name": name[: LIMITS["user_name"]],
                "slug": slug,
                # Ghost requires an e-mail for every staff user; without --personal-data a
                # reserved-domain address stands in, to be changed in Ghost.
                "email": email or f"{slug}@example.com",
                "status": "active",
                "roles": ["Author"],
            }
        return users[login]

    def tag_for(taxonomy: str, name: str, slug: str, description: str = "") -> dict[str, Any]:
        # A tag per slug: two categories named alike ("Foo", "Bar > Foo") are two tags, the
        # name of each shown with its parents' (Bar / Foo); Ghost's tags have no parents.
        key = (taxonomy, slug or name)
        if key not in tags:
            if taxonomy == "category" and slug:
                name = index.term_label(taxonomy, slug, name)
            clean = name.lstrip(",").strip() or slug or "tag"
            tag = {
                "id": ghost_id("tag", key),
                "name": clean[: LIMITS["tag_name"]],
                "slug": tag_slugs(ascii_slug(slug or clean, "tag"), ghost_id("tag", key)[:6]),
                "description": description[: LIMITS["tag_description"]] or None,
            }
            tags[key] = tag
        return tags[key]

    for record, html in entries:
        if isinstance(record, Site) and record.exported is not None:
            # The export's own date, so the same input always gives the same document.
            exported_on = int(record.exported.timestamp() * 1000)
        elif isinstance(record, Author):
            user_for(record.login, record)
        elif isinstance(record, Term) and record.taxonomy not in _NOT_TAGS:
            tag_for(record.taxonomy, record.name, record.slug, record.description)
        elif isinstance(record, Post):
            if not posts.count:
                out.write(_HEAD % exported_on)
            cut = _Cutter()
            custom = record.type not in ("post", "page")
            # Exports can repeat an id (hand-edited files, merged sites); each item gets its own.
            seen_posts[record.id] += 1
            key = record.id if seen_posts[record.id] == 1 else f"{record.id}#{seen_posts[record.id]}"
            post_id = ghost_id("post", key)
            thumbnail = thumbnail_id(record)
            attachment = index.attachments.get(thumbnail) if thumbnail is not None else None
            status = _STATUS.get(record.status, "draft")
            published = iso(record.date_utc or record.date)
            post = {
                "id": post_id,
                "title": cut("title", shown_title(record.title) or "(untitled)"),
                "slug": post_slugs(ascii_slug(record.slug or record.title, f"post-{record.id}"), str(record.id)),
                "html": html,
                "feature_image": cut("feature_image", safe_url(attachment.url, relative=True)) or None
                if attachment
                else None,
                "type": "page" if record.type == "page" or (custom and options.ghost_types == "page") else "post",
                "status": status,
                "visibility": "public",
                "featured": record.sticky,
                "created_at": published or iso(record.modified_utc),
                "updated_at": iso(record.modified_utc or record.modified) or published,
                "published_at": published if status != "draft" else None,
                "custom_excerpt": cut("custom_excerpt", plain_text(record.excerpt_html)) or None,
                "canonical_url": None,
            }
            posts.append(post)
            if status == "published":
                result.moved(record.id, record.link, f"/{post['slug']}/")
            if menu_items is not None:
                menu_items.see(record.id, post["title"], f"/{post['slug']}/" if status == "published" else "")
            tagged = [
                tag_for(ref.taxonomy, ref.name, ref.slug or index.term_slugs.get((ref.taxonomy, ref.name), ""))
                for ref in record.terms
                if ref.taxonomy not in _NOT_TAGS
            ]
            if custom and options.ghost_types == "tag":
                # An internal tag (Ghost hides those starting with "#"): routes and themes can tell the type.
                tagged.append(tag_for("wp-type", f"#{record.type}", f"hash-{record.type}"))
            if index.languages:
                # Its language as an internal tag (#fr), as Ghost's guide to a site in several
                # languages has it: routes give each language its collection.
                code = index.languages.of(record.id) or index.languages.default
                tagged.append(tag_for("wp-language", f"#{code}", f"hash-{code}"))
            for order, tag in enumerate(tagged):
                link_id = ghost_id("post_tag", (key, order))
                posts_tags.append({"id": link_id, "post_id": post_id, "tag_id": tag["id"], "sort_order": order})
            author_id = user_for(record.author)["id"]
            link_id = ghost_id("post_author", key)
            posts_authors.append({"id": link_id, "post_id": post_id, "author_id": author_id, "sort_order": 0})
            meta: dict[str, Any] = {"id": ghost_id("posts_meta", key), "post_id": post_id}
            if attachment and attachment.alt:
                meta["feature_image_alt"] = cut("feature_image_alt", attachment.alt)
            if attachment and attachment.caption:
                # Ghost shows the caption as HTML: the reader sanitizer, as for the post's body.
                meta["feature_image_caption"] = sanitize_reader_html(attachment.caption)
            wordpress = {"wordpress_id": record.id, "permalink": record.link}
            if cut.cuts:
                wordpress["shortened"] = cut.cuts
            meta["frontmatter"] = json.dumps(wordpress, ensure_ascii=False)
            posts_meta.append(meta)
    if not posts.count:
        out.write(_HEAD % exported_on)
    posts.close()
    tables = [
        ("tags", _Array(items=tags.values())),
        ("users", _Array(items=users.values())),
        ("posts_tags", posts_tags),
        ("posts_authors", posts_authors),
        ("posts_meta", posts_meta),
    ]
    if menu_items is not None:

        def tag_page(address: OldAddress) -> str | None:
            taxonomy, slug = (*address.about, "", "")[:2]
            tag = tags.get((taxonomy, slug))  # (a term's tag, its page Ghost's /tag/<slug>/)
            return f"/tag/{tag['slug']}/" if tag else None

        menus = new_site_menus(index, menu_items.addresses, menu_items.titles, tag_page, None, links)
        settings = navigation_settings(menus)
        if settings:
            tables.append(("settings", _Array(items=settings)))
    for name, array in tables:
        out.write(f',\n  "{name}": ')
        array.copy_to(out)
    out.write("\n }\n}\n")


def navigation_settings(menus: list[Menu]) -> list[dict[str, Any]]:
    """Ghost's ``navigation`` and ``secondary_navigation`` settings for the two largest menus
    (none for a menu with no entry to show), each value the JSON of its ``label`` and ``url`` list.

    >>> from wxrtool.menus import MenuLink
    >>> cafe = MenuLink(1, "Café", "/cafe/", children=[MenuLink(2, "Menu", "/cafe/menu/")])
    >>> navigation_settings([Menu("main", "Main", [cafe])])
    [{'key': 'navigation', 'value': '[{"label":"Café","url":"/cafe/"}]'}]
    """
    lists = ([{"label": link.title, "url": link.url} for link in one_level(menu)] for menu in by_size(menus))
    shown = [items for items in lists if items]
    return [
        {"key": key, "value": json.dumps(items, ensure_ascii=False, separators=(",", ":"))}
        for key, items in zip(("navigation", "secondary_navigation"), shown, strict=False)
    ]


_HEAD = '{\n "meta": {\n  "exported_on": %d,\n  "version": "' + VERSION + '"\n },\n "data": {\n  "posts": '
_DEPTH = "   "  # an array item's indent inside data: document, data, array


class _Array:
    """A JSON array at ``_DEPTH``, formatted as ``json.dump(indent=1)`` formats it there.

    Items go straight to ``out`` if given, else to a spool file that :meth:`copy_to` reads back.
    """

    def __init__(self, out: TextIO | None = None, items: Iterable[dict[str, Any]] = ()) -> None:
        # The spool lives until copy_to(), or until the writer stops on an error.
        self.out = out if out is not None else tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0
        for item in items:
            self.append(item)

    def append(self, item: dict[str, Any]) -> None:
        text = json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n" + _DEPTH)
        self.out.write(("[\n" if not self.count else ",\n") + _DEPTH + text)
        self.count += 1

    def close(self) -> None:
        self.out.write("\n  ]" if self.count else "[]")

    def copy_to(self, out: TextIO) -> None:
        self.close()
        self.out.seek(0)
        shutil.copyfileobj(self.out, out)
        self.out.close()
