"""One export compared: WordPress's pages against wxrtool's, item by item and comment by comment.

:func:`compare` gives an :class:`ExportScore`: per element kind, how many of what
WordPress showed wxrtool's pages have (``found``/``total``), the same for comment
bodies, how many comments sit under the same parent in the same place, and for every
item that differs, what it lost (for the side-by-side page).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from elements import KINDS, Elements, elements, kept, missing, url_of
from sides import Item, Key, title_text

import wxrtool
from wxrtool.content.embeds import wordpress_embeds
from wxrtool.index import SiteIndex
from wxrtool.itemlinks import ItemLinks

# (export file name, item id, kind): why wxrtool's page differs from WordPress's, on purpose.
DELIBERATE = {
    ("rules.xml", 10, "place"): "two comments share id 700 (a botched merge): the importer keeps the "
    "second and hangs the reply under it; wxrtool keeps both and the reply under the first",
    ("a11y-unit-test-data.xml", 1736, "links"): "dynamic blocks (archives, latest comments) list the old "
    "site's archives and comments as WordPress builds them; the new site's engine makes its own",
    ("a11y-unit-test-data.xml", 1736, "images"): "the latest-comments block's avatars (see the links)",
    ("a11y-unit-test-data.xml", 1736, "text"): "the dynamic blocks' lists (see the links)",
    ("a11y-unit-test-data.xml", 1736, "paragraphs"): "the latest-comments block's excerpts (see the links)",
    ("a11y-unit-test-data.xml", 1736, "list_items"): "the archives block's months (see the links)",
    ("wordpress_export_example.xml", 17, "text"): "`[sourcecode]` is a plugin's shortcode (SyntaxHighlighter "
    "Evolved; WordPress.com has it built in): core WordPress without the plugin shows the shortcode as text, "
    "the blog's readers saw a code block, which is what wxrtool writes",
    ("wordpress_export_example.xml", 17, "paragraphs"): "`[sourcecode]` (see the text)",
    ("wordpress_export_example.xml", 17, "breaks"): "`[sourcecode]` (see the text)",
    ("footnotes.xml", 50, "text"): "WordPress 6.3's footnotes: the reference WordPress (Debian's 6.1) shows "
    "neither the block's list nor the notes; the blog's readers saw them, which is what wxrtool writes",
    ("footnotes.xml", 50, "links"): "WordPress 6.3's footnotes (see the text): a reference is a Markdown "
    "footnote, which the engines link to their own list",
    ("footnotes.xml", 51, "text"): "`[ref]` and `[efn_note]` are plugins' shortcodes (Simple Footnotes, Easy "
    "Footnotes): core WordPress without them shows the shortcodes as text, the blog's readers saw footnotes",
}


@dataclass
class Difference:
    """An item (or one of its comments) where wxrtool's page lacks something WordPress showed."""

    item: int
    where: str  # "content", "title", "comment 3"...
    lost: dict[str, list[Any]]
    wordpress: str
    wxrtool: str


@dataclass
class ExportScore:
    """Counts over one export's published items."""

    name: str
    items: int = 0
    items_missing: list[int] = field(default_factory=list)
    titles: list[int] = field(default_factory=lambda: [0, 0])
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    comments: list[int] = field(default_factory=lambda: [0, 0])  # same parent and place / total
    pings: list[int] = field(default_factory=lambda: [0, 0])
    orphans: int = 0  # replies WordPress showed at the top level, placed by wxrtool's thread policy
    close: int = 0  # items whose text is kept at 0.99 or better
    excused: Counter[str] = field(default_factory=Counter)  # of those not found: the deliberate (DELIBERATE)
    differences: list[Difference] = field(default_factory=list)

    def add(self, kind: str, found: int, total: int) -> None:
        self.found[kind] += found
        self.total[kind] += total

    def share(self, kind: str) -> float | None:
        return self.found[kind] / self.total[kind] if self.total[kind] else None

    def share_less_deliberate(self, kind: str) -> float | None:
        """The share found of what wxrtool means to keep: the deliberate differences left out."""
        total = self.total[kind] - self.excused[kind]
        return self.found[kind] / total if total else None


def site_hosts(export: str) -> frozenset[str]:
    """The host names of the site itself, as the export names them, and the test WordPress's."""
    hosts = {"wordpress.test"}
    for record in wxrtool.read(export):
        if isinstance(record, wxrtool.Site):
            from urllib.parse import urlsplit

            for url in (record.link, record.base_site_url, record.base_blog_url):
                host = urlsplit(url or "").hostname
                if host:
                    hosts.add(host.removeprefix("www."))
            break
    return frozenset(hosts)


def _lost(reference: Elements, other: Elements) -> dict[str, list[Any]]:
    return {k: lost for k in KINDS if k != "text" and (lost := missing(reference, other, k))}


def attachment_slugs(export: str) -> frozenset[str]:
    """The slugs of the export's attachments: their pages' last path segment."""
    return frozenset(r.slug for r in wxrtool.read(export) if isinstance(r, wxrtool.Post) and r.type == "attachment")


def _attachment_page(link: tuple[str, str], slugs: frozenset[str]) -> bool:
    # A picture linking to its attachment page (a gallery's thumbnails, "link to: attachment page").
    url, text = link
    return not text and ("attachment_id=" in url or url.rstrip("/").rsplit("/", 1)[-1] in slugs)


def _embed(element: object) -> bool:
    # A URL WordPress embeds (a YouTube video...), as the reference WordPress shows it offline:
    # a paragraph of the bare URL (autoembed finds no player) or a link to it. Online, readers
    # saw a player; wxrtool writes the engine's player or a link saying what it was.
    url = element[0] if isinstance(element, tuple) else element
    if not isinstance(url, str) or " " in url.strip():
        return False
    return wordpress_embeds("https:" + url if url.startswith("//") else url)


def published(export: str) -> set[int]:
    """The ids of the items the export says are published.

    The importer publishes a scheduled (``future``) post whose date has passed; readers of
    the blog had not seen it when it was exported, so it is not compared.
    """
    return {r.id for r in wxrtool.read(export) if isinstance(r, wxrtool.Post) and r.status == "publish"}


def item_links(export: str) -> Callable[[str], str | None]:
    """What a link names, for links between items (wxrtool points them at the items' new
    addresses): ``item:ID`` for an item, by its old address (WordPress's page, and the engines
    that keep it) or by the slug its new one ends with (a unique one); an attachment's page as
    its file (where wxrtool's link leads when the new site has no such page); ``None`` for the rest."""
    index = SiteIndex.build(wxrtool.read(export))
    resolver = ItemLinks(index)
    shown = [(item_id, info.slug) for item_id, info in index.items.items() if info.type != "attachment"]
    counts = Counter(slug for _, slug in shown)
    by_slug = {slug: item_id for item_id, slug in shown if counts[slug] == 1}

    def name_of(url: str) -> str | None:
        path = "/" + url if url.startswith("?") else url
        item = resolver.item(path)
        if item is None and path.startswith("/"):
            item = by_slug.get(unquote(path.rstrip("/").rsplit("/", 1)[-1]))
        if item is None:
            return None
        if item in index.attachments:
            return url_of(index.attachments[item].url, frozenset())
        return f"item:{item}"

    return name_of


def _links_named(found: Elements, name_of: Callable[[str], str | None] | None) -> Elements:
    if name_of is None or not found.links:
        return found
    # (A picture linked to its attachment page, no text, is the deliberate difference compare()
    # describes: left as it is for that rule.)
    named = [(url, text, name_of(url)) for url, text in found.links]
    return dataclasses.replace(
        found,
        links=[
            (url if not name or (not text and name.startswith("file:")) else name, text) for url, text, name in named
        ],
    )


def compare(
    name: str,
    wordpress: dict[Key, Item],
    ours: dict[Key, Item],
    hosts: frozenset[str],
    shown: set[int],
    attachments: frozenset[str] = frozenset(),
    links: Callable[[str], str | None] | None = None,
) -> ExportScore:
    """How much of each WordPress item's page ``ours`` keeps (items published in the export only).

    Items are matched by id and type; one the importer gave a new id (its id was taken)
    by type and slug. A picture's link to its attachment page (``attachments``: their
    slugs) is a deliberate difference: the new site has no attachment pages, and wxrtool
    shows each picture itself (issue 16 redirects the old pages to the files). A link to
    another item is compared by the item it names (``links``: :func:`item_links`), as wxrtool
    writes it at the item's new address.
    """
    score = ExportScore(name)
    file_name = name.rsplit("/", 1)[-1]  # DELIBERATE's key

    def counterpart(wp: Item) -> Item | None:
        # Exports can repeat an id (the importer then keeps the first, or gives a later item a
        # new one) or a slug (wxrtool then gives the later one a suffix): the item with this id,
        # type, title and slug; else this id, type and title; else this id, type and slug;
        # else this type, slug and title; else this type and slug; else this id and type.
        same_id = [o for o in ours_list if (o.id, o.type) == (wp.id, wp.type)]
        same_slug = [o for o in ours_list if (o.type, o.slug) == (wp.type, wp.slug)]
        title = title_text(wp.title)
        for found in (
            [o for o in same_id if o.slug == wp.slug and title_text(o.title) == title],
            [o for o in same_id if title_text(o.title) == title],
            [o for o in same_id if o.slug == wp.slug],
            [o for o in same_slug if title_text(o.title) == title],
            same_slug,
            same_id,
        ):
            if found:
                return found[0]
        return None

    ours_list = list(ours.values())
    for key, wp in wordpress.items():
        item_id = key[0]
        mine = counterpart(wp)
        if item_id not in shown and mine is None:
            continue
        score.items += 1
        if mine is None:
            score.items_missing.append(item_id)
            continue
        same_title = title_text(wp.title) == title_text(mine.title)
        score.titles[0] += same_title
        score.titles[1] += 1
        if not same_title:
            score.differences.append(Difference(item_id, "title", {"title": [wp.title]}, wp.title, mine.title))
        theirs = _links_named(elements(wp.html, hosts), links)
        got = _links_named(elements(mine.html, hosts), links)
        counts = kept(theirs, got)
        for kind, (found, total) in counts.items():
            score.add(kind, found, total)
            if (file_name, item_id, kind) in DELIBERATE:
                score.excused[kind] += total - found
        text_found, text_total = counts["text"]
        if not text_total or text_found / text_total >= 0.99:
            score.close += 1
        lost = _lost(theirs, got)
        for kind in ("paragraphs", "links"):
            embeds = [e for e in lost.get(kind, []) if _embed(e)]
            if embeds:
                lost[kind] = [e for e in lost[kind] if not _embed(e)]
                if not lost[kind]:
                    del lost[kind]
                lost[f"{kind}: embeds"] = embeds
                score.excused[kind] += len(embeds)
        to_pages = [link for link in lost.get("links", []) if _attachment_page(link, attachments)]
        if to_pages:
            lost["links"] = [link for link in lost["links"] if not _attachment_page(link, attachments)]
            lost["links to attachment pages"] = to_pages
            if not lost["links"]:
                del lost["links"]
            score.excused["links"] += len(to_pages)
        if lost or text_found < text_total:
            if text_found < text_total:
                lost["text"] = [f"{text_total - text_found} of {text_total} words"]
            score.differences.append(Difference(item_id, "content", lost, wp.html, mine.html))
        _responses(score, "comments", wp.comments, mine.comments, hosts, item_id, links)
        _responses(score, "pings", wp.pings, mine.pings, hosts, item_id, links)
    return score


def _identity(response: Any, hosts: frozenset[str]) -> tuple[str, str]:
    return title_text(response.author), " ".join(elements(response.html, hosts).words)


def _responses(
    score: ExportScore,
    kind: str,
    theirs: list[Any],
    mine: list[Any],
    hosts: frozenset[str],
    item: int,
    links: Callable[[str], str | None] | None = None,
) -> None:
    """Each of WordPress's responses found among ours (same author, same words, first unused),
    then in place: under the same parent, or, for a reply WordPress showed at the top level
    because its parent was not shown (an orphan), where wxrtool's thread policy puts it."""
    tally = score.comments if kind == "comments" else score.pings
    ours = [_identity(r, hosts) for r in mine]
    used: set[int] = set()
    matched: dict[int, int] = {}
    for n, wp in enumerate(theirs):
        wanted = _identity(wp, hosts)
        j = next((j for j, o in enumerate(ours) if j not in used and o == wanted), None)
        if j is None:
            # The same author, words mostly the same: the closest one, compared element by element below.
            close = [
                (difflib.SequenceMatcher(None, wanted[1], o[1]).ratio(), -j, j)
                for j, o in enumerate(ours)
                if j not in used and o[0] == wanted[0]
            ]
            best = max(close, default=None)
            j = best[2] if best is not None and best[0] >= 0.5 else None
        if j is not None:
            used.add(j)
            matched[n] = j
    for n, wp in enumerate(theirs):
        tally[1] += 1
        j = matched.get(n)
        if j is None:
            score.differences.append(Difference(item, f"{kind[:-1]} {n + 1}", {"place": ["missing"]}, wp.html, ""))
            continue
        other = mine[j]
        parent = matched.get(wp.parent, -2) if wp.parent >= 0 else -1
        if other.parent != parent and not wp.orphan:
            where = {"place": [f"under response {other.parent + 1}, not {parent + 1}"]}
            score.differences.append(Difference(item, f"{kind[:-1]} {n + 1}", where, wp.html, other.html))
            continue
        tally[0] += 1
        score.orphans += wp.orphan
        reference = _links_named(elements(wp.html, hosts), links)
        got = _links_named(elements(other.html, hosts), links)
        counts = kept(reference, got)
        for element, (found, total) in counts.items():
            score.add(f"{kind}.{element}", found, total)
        lost = _lost(reference, got)
        if lost or counts["text"][0] < counts["text"][1]:
            score.differences.append(Difference(item, f"{kind[:-1]} {n + 1}", lost, wp.html, other.html))
