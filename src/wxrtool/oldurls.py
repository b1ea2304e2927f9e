"""Every address the old site answered, as its export implies them.

A reader, a search engine or another site may still ask for any of them after the move:

- each published item at its permalink (``<link>``), at ``/?p=ID`` (``?page_id=`` for a
  page), and at each old slug WordPress kept (``_wp_old_slug``, which WordPress itself
  redirects);
- each attachment page (``?attachment_id=ID`` and its ``<link>``);
- the archives WordPress made: each category (with its parents' slugs in the path), tag and
  custom taxonomy term that has a published post, each author, each year, month and day with
  a post, the home page's further pages (``/page/N/``);
- the feeds (``/feed/``, ``/comments/feed/``, each category's and tag's) and the search page.

Archive addresses follow WordPress's defaults (``/category/``, ``/tag/``, ``/author/``,
ten posts a page): an export does not carry the site's permalink settings, only the items'
links, which tell pretty permalinks (``/2020/01/slug/``) from plain ones (``/?p=12``),
where archives are ``/?cat=ID``, ``/?tag=slug``, ``/?author=ID``, ``/?m=YYYYMM``...

Every path is canonical and percent-encoded as a browser sends it
(:func:`wxrtool.redirects.old_path`); the export's text never reaches a URL unencoded.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

from .authors import nicename
from .languages import LANGUAGE_TAXONOMIES, ItemLanguage, Languages, item_language
from .read import read
from .records import Author, Post, Site, Term
from .redirects import MAX_PATH, old_path
from .selection import Selector
from .sitestore import SpillMap, SpillSet
from .termtree import shared_names, term_label, term_path

ITEM_KINDS = ("item", "item-id", "old-slug", "item-page")
"""Addresses of an item: it must be found at its own page."""
ARCHIVE_KINDS = ("attachment", "category", "tag", "taxonomy", "author", "date", "page", "search")
FEED_KINDS = ("feed",)
GROUPS = {"items": ITEM_KINDS, "archives": ARCHIVE_KINDS, "feeds": FEED_KINDS}
"""``--kinds`` names: which addresses ``check-urls`` asks for."""

# Post types WordPress keeps for itself: no page of theirs was shown to readers.
NOT_SHOWN = frozenset(
    {"nav_menu_item", "revision", "wp_block", "wp_template", "wp_template_part", "wp_global_styles",
     "wp_navigation", "custom_css", "customize_changeset", "oembed_cache", "user_request"}
)  # fmt: skip
POSTS_PER_PAGE = 10  # WordPress's default ("Blog pages show at most")


@dataclass(frozen=True)
class OldAddress:
    """One address of the old site: ``url`` is its path and query, as a browser sends it."""

    url: str
    kind: str
    item: int | None = None  # the item it must lead to (item kinds), or an attachment's parent
    label: str = ""  # what it is, for people: a title, a category's name
    about: tuple[str, ...] = ()  # what an archive shows: ("category", slug), ("date", "2024", "01")...


def old_addresses(source: str | os.PathLike[str] | Iterable[object]) -> Iterator[OldAddress]:
    """The old site's addresses for ``source`` (an export's path, or its records), each once,
    items first, then archives and feeds; only what a visitor could see (published items).

    Streamed: what is kept of each item (:class:`_Shown`) and the addresses given so far are
    on disk for an export of very many items (:mod:`wxrtool.sitestore`), and what the archives
    need is gathered as the items are read (:class:`_Archived`)."""
    records = read(source) if isinstance(source, (str, os.PathLike)) else source
    site: Site | None = None
    authors: dict[str, Author] = {}
    terms: dict[tuple[str, str], Term] = {}
    shown: SpillMap[int, _Shown] = SpillMap()  # (in the export's order)
    archived = _Archived()
    for record in Selector().apply(records):  # type: ignore[arg-type]
        if isinstance(record, Site):
            site = record
        elif isinstance(record, Author):
            authors[record.login] = record
        elif isinstance(record, Term):
            terms[record.taxonomy, record.slug] = record
        elif isinstance(record, Post) and record.type not in NOT_SHOWN and _shown(record):
            shown[len(shown)] = _Shown.of(record)
            if record.type == "post":
                archived.add(record)
    given = SpillSet()

    def new(url: str | None, kind: str, item: int | None = None, label: str = "") -> Iterator[OldAddress]:
        # (``url`` canonical already: a link's by _path_of, or made of canonical parts)
        if url is not None and url not in given:
            given.add(url)
            yield OldAddress(url, kind, item, label)

    base = blog_base(site)
    plain = archived.plain_permalinks()
    published = SpillSet()
    for post in shown.values():
        if post.type == "attachment":
            continue
        published.add(post.id)
        key = "page_id" if post.type == "page" else "p"
        yield from new(_path_of(post.link, base), "item", post.id, post.title)
        yield from new(f"{base}/?{key}={post.id}", "item-id", post.id, post.title)
    if not plain:  # (after every item's own address: an old slug never takes another's)
        for post in shown.values():
            for link in post.old_slug_links:
                yield from new(_path_of(link, base), "old-slug", post.id)
    for post in shown.values():  # (the pages after the first, shown as one now; after the items' own too)
        own = _path_of(post.link, base) if post.pages > 1 and post.type != "attachment" else None
        if own is not None:
            for page in range(2, post.pages + 1):
                yield from new(page_address(own, page), "item-page", post.id, post.title)
    for post in shown.values():
        if post.type == "attachment" and (not post.parent or post.parent in published):
            parent = post.parent or None  # (to lead to the post it belongs to, if any)
            yield from new(f"{base}/?attachment_id={post.id}", "attachment", parent, post.title)
            yield from new(_path_of(post.link, base), "attachment", parent, post.title)
    primary = archived.primary_categories(shown.values(), site.language if site else "")
    for address in _archives(archived, primary, terms, authors, base, plain):
        url = canonical_address(address.url)
        if url is not None and url not in given:
            given.add(url)
            yield replace(address, url=url)


class _Shown(NamedTuple):
    """What the addresses need of a published item."""

    id: int
    type: str
    link: str
    title: str
    parent: int
    old_slug_links: tuple[str, ...]
    category: str | None  # a post's first category, its primary one
    pages: int  # how many pages WordPress showed it on (<!--nextpage-->: /slug/2/, ?p=ID&page=2)

    @classmethod
    def of(cls, post: Post) -> _Shown:
        first = next((r.slug for r in post.terms if r.taxonomy == "category"), None)
        olds = tuple(old_slug_links(post)) if post.type != "attachment" else ()
        pages = page_count(post)
        category = first if post.type == "post" else None
        return cls(post.id, post.type, post.link, post.title, post.parent, olds, category, pages)


@dataclass
class _Archived:
    """What the archives need of the published posts, gathered as they are read: as many
    entries as the site has terms, authors and days, not posts (but the languages of a
    multilingual site's posts)."""

    count: int = 0
    links: int = 0
    plain: int = 0  # (links of the form ?p=ID)
    used: dict[tuple[str, str], str] = field(default_factory=dict)  # (taxonomy, slug) -> name, each term named
    logins: set[str] = field(default_factory=set)
    days: SpillMap[int, None] = field(default_factory=SpillMap)  # (each day with a post, as its ordinal)
    languages: dict[int, ItemLanguage] = field(default_factory=dict)

    def add(self, post: Post) -> None:
        self.count += 1
        if post.link:
            self.links += 1
            self.plain += "?p=" in post.link
        for ref in post.terms:
            self.used.setdefault((ref.taxonomy, ref.slug), ref.name)
        if post.author:
            self.logins.add(post.author)
        if post.date is not None:
            self.days[post.date.date().toordinal()] = None
        language = item_language(post)
        if language is not None:
            self.languages[post.id] = language

    def plain_permalinks(self) -> bool:
        """Whether most posts' links are ``/?p=ID``: the site had plain permalinks."""
        return bool(self.links) and self.plain * 2 > self.links

    def primary_categories(self, shown: Iterable[_Shown], site_language: str) -> set[str]:
        """The categories that are some post's first; on a multilingual site, an original's (an
        engine such as Pelican lists translations with their original, not in their categories)."""
        languages = Languages({}, self.languages, site_language)
        return {
            p.category for p in shown if p.category and p.type == "post" and (not languages or languages.original(p.id))
        }


def old_slug_links(post: Post) -> Iterator[str]:
    """The item's permalink with each old slug WordPress kept (``_wp_old_slug``) in place of its
    slug, the last segment of the link: the addresses WordPress redirects to it."""
    # The slug as the link spells it: as stored (a non-ASCII one percent-encoded, in lower
    # case), decoded, or encoded as a browser does.
    spelled = next(
        (s for s in (post.slug_raw, post.slug, quote(post.slug, safe="")) if s and f"/{s}/" in post.link), None
    )
    if not post.link or spelled is None:
        return
    for old in (m.value.strip() for m in post.meta if m.key == "_wp_old_slug"):
        if old and old not in (post.slug, post.slug_raw):
            head, _, tail = post.link.rpartition(f"/{spelled}/")
            yield f"{head}/{old}/{tail}"


def _shown(post: Post) -> bool:
    # Published; an attachment's status is "inherit": its page was shown with its post's.
    return post.status == "publish" or (post.type == "attachment" and post.status == "inherit")


def blog_base(site: Site | None) -> str:
    """The path of a blog under a folder (``https://example.com/blog/``: ``/blog``), '' at the
    root: the home page and its ``?p=ID`` addresses are there."""
    link = (site.base_blog_url or site.link) if site else ""
    try:
        path = urlsplit(link or "").path
    except ValueError:
        return ""
    return (old_path(path) or "").rstrip("/") if path.strip("/") else ""


def _path_of(link: str | None, base: str) -> str | None:
    """A link's path and query (:func:`canonical_address`), the home page's under ``base``
    (``None`` for no link, or one that cannot be a path); the export's links are the site's
    own, whatever host they name (a site moved hosts)."""
    address = canonical_address(link) if link else None
    if address is not None and base and (address == "/" or address.startswith("/?")):
        return base + address
    return address


_MOST_PAGES = 100  # (a post's pages whose addresses are given; more is no post a reader paged through)


def page_count(post: Post) -> int:
    """How many pages WordPress showed the item on: one, and one more for each
    ``<!--nextpage-->`` in its content (at most 101). An attachment has one."""
    if post.type == "attachment":
        return 1
    return min(post.content_html.count("<!--nextpage-->"), _MOST_PAGES) + 1


def later_pages(path: str, pages: int, others: Container[str]) -> list[str]:
    """The addresses of an item's pages after the first (``/slug/2/``...) under its old ``path``,
    for an item WordPress showed on ``pages`` pages (:func:`page_count`), for an engine's own
    redirects (Hugo's aliases, Jekyll's ``redirect_from``): the new site shows the item whole.
    Those ``others`` holds (canonical addresses of the export's items, their links and old
    slugs, which come first) are left to their items, as :func:`old_addresses` gives them.
    ``path`` is kept in the form given, decoded or not.

    >>> later_pages("/long-read/", 3, {"/long-read/3/"}), later_pages("/?p=7", 3, set())
    (['/long-read/2/'], [])
    """
    if not path or "?" in path or path == "/":
        return []
    addresses = (page_address(path, page) for page in range(2, pages + 1))
    return [address for address in addresses if canonical_address(address) not in others]


def page_address(address: str, page: int) -> str:
    """The address of page ``page`` of an item at ``address``, as WordPress makes it.

    >>> page_address("/2024/01/long-read/", 2), page_address("/?p=12", 3), page_address("/long-read", 2)
    ('/2024/01/long-read/2/', '/?p=12&page=3', '/long-read/2')
    """
    if "?" in address:
        return f"{address}&page={page}"
    return f"{address}{page}/" if address.endswith("/") else f"{address}/{page}"


def query_of(query: str) -> str:
    """A query as redirect files and URL maps hold it: characters a URL keeps as they are,
    any other byte (and an escape already there, upper-cased) as ``%XX``.

    >>> query_of("tag=caf%c3%a9"), query_of("tag=café"), query_of("p=12&x=a b")
    ('tag=caf%C3%A9', 'tag=caf%C3%A9', 'p=12&x=a%20b')
    """
    return quote(unquote(query), safe="=&-._~")


def _segment(slug: str) -> str:
    # WordPress stores a non-ASCII slug percent-encoded (sanitize_title): decoded first, so
    # that it is encoded once, as a browser sends it.
    return quote(unquote(slug), safe="-._~")


# A link whose path needs nothing done: ASCII letters, digits and "-._~" in segments that are
# neither empty nor dot segments, no query or fragment.
_PLAIN_LINK = re.compile(r"(?:https?://[A-Za-z0-9.-]+(?::[0-9]+)?)?((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)")


def canonical_address(address: str) -> str | None:
    """An address (a link, or a path with its query) in the one form redirect files, URL maps
    and ``check-urls`` hold it: its path as :func:`wxrtool.redirects.old_path` writes it, its
    query as :func:`query_of` does; ``None`` when it cannot be a path.

    >>> canonical_address("http://x.org/2011/caf%c3%a9/?tag=caf%c3%a9"), canonical_address("https://x.org")
    ('/2011/caf%C3%A9/?tag=caf%C3%A9', '/')
    """
    plain = _PLAIN_LINK.fullmatch(address)
    if plain is not None and len(plain.group(1)) <= MAX_PATH:
        return plain.group(1) or "/"  # (most links: what old_path() would make of them, at once)
    try:
        query = urlsplit(address).query
    except ValueError:
        return None
    path = old_path(address)
    if path is None:
        return None
    return (path or "/") + (f"?{query_of(query)}" if query else "")


def _archives(
    archived: _Archived,
    primary: set[str],
    terms: dict[tuple[str, str], Term],
    authors: dict[str, Author],
    base: str,
    plain: bool,
) -> Iterator[OldAddress]:
    # (taxonomy, slug) -> name, for the terms with a published post
    used = {key: name for key, name in archived.used.items() if key[0] in ("category", "post_tag") or key in terms}
    yield OldAddress(
        f"{base}/?feed=rss2" if plain else f"{base}/feed/", "feed", label="the site's feed", about=("feed",)
    )
    yield OldAddress(
        f"{base}/?feed=comments-rss2" if plain else f"{base}/comments/feed/",
        "feed",
        label="the comments' feed",
        about=("feed", "comments"),
    )
    yield OldAddress(f"{base}/?s=wordpress", "search", label="a search", about=("search",))
    for page in range(2, math.ceil(archived.count / POSTS_PER_PAGE) + 1):
        url = f"{base}/?paged={page}" if plain else f"{base}/page/{page}/"
        yield OldAddress(url, "page", label=f"page {page}", about=("page", str(page)))
    shared = shared_names(terms)
    for (taxonomy, slug), name in sorted(used.items()):
        if taxonomy in ("nav_menu", "post_format", "link_category") or taxonomy in LANGUAGE_TAXONOMIES:
            continue  # (Polylang's language archive is the language's home, /fr/, not /language/fr/)
        term = terms.get((taxonomy, slug))
        # Named as the writers name it: a name two categories share with its parents' (Bar / Foo),
        # which is the page an engine that knows a category by its name has for it.
        name = term_label(terms, shared, taxonomy, slug, name) if taxonomy == "category" else name
        if plain:
            if taxonomy == "category" and term is not None and term.id:
                yield OldAddress(f"{base}/?cat={term.id}", "category", label=name, about=(taxonomy, slug))
            elif taxonomy == "post_tag":
                yield OldAddress(f"{base}/?tag={_segment(slug)}", "tag", label=name, about=(taxonomy, slug))
            elif taxonomy != "category":
                url = f"{base}/?{_segment(taxonomy)}={_segment(slug)}"
                yield OldAddress(url, "taxonomy", label=name, about=(taxonomy, slug))
            continue
        if taxonomy == "category":
            path = "/".join(_segment(s) for s in term_path(terms, "category", slug))
            # (a post's first category is its primary one: engines with one category a post use it)
            about = (taxonomy, slug, "primary") if slug in primary else (taxonomy, slug)
            yield OldAddress(f"{base}/category/{path}/", "category", label=name, about=about)
            yield OldAddress(
                f"{base}/category/{path}/feed/", "feed", label=f"{name}: feed", about=("feed", taxonomy, slug)
            )
        elif taxonomy == "post_tag":
            yield OldAddress(f"{base}/tag/{_segment(slug)}/", "tag", label=name, about=(taxonomy, slug))
            yield OldAddress(
                f"{base}/tag/{_segment(slug)}/feed/", "feed", label=f"{name}: feed", about=("feed", taxonomy, slug)
            )
        else:
            url = f"{base}/{_segment(taxonomy)}/{_segment(slug)}/"
            yield OldAddress(url, "taxonomy", label=name, about=(taxonomy, slug))
    logins = sorted(archived.logins)
    for login in logins:
        author = authors.get(login)
        display = (author.display_name if author is not None else "") or login  # (as the engines name authors)
        if plain:
            if author is not None and author.id:
                yield OldAddress(f"{base}/?author={author.id}", "author", label=display, about=("author", login))
        else:
            # WordPress's user_nicename: the login made a slug (sanitize_title of the login).
            url = f"{base}/author/{_segment(nicename(login))}/"
            yield OldAddress(url, "author", label=display, about=("author", login))
    for kind_of, fmt_pretty, fmt_plain in (
        ("year", "{y:04d}/", "{y:04d}"),
        ("month", "{y:04d}/{m:02d}/", "{y:04d}{m:02d}"),
        ("day", "{y:04d}/{m:02d}/{d:02d}/", "{y:04d}{m:02d}{d:02d}"),
    ):
        last = None  # (the days in order: a year's or a month's days follow each other)
        for ordinal, _ in archived.days.sorted_items():
            day = date.fromordinal(ordinal)
            values = {"y": day.year, "m": day.month, "d": day.day}
            url = f"{base}/?m={fmt_plain.format(**values)}" if plain else f"{base}/{fmt_pretty.format(**values)}"
            if url != last:
                last = url
                parts = (f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}")[
                    : ("year", "month", "day").index(kind_of) + 1
                ]
                yield OldAddress(url, "date", label=f"{kind_of} {'-'.join(parts)}", about=("date", *parts))
