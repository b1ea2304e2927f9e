"""Links between the items of one export, pointed at the items' new addresses.

A post links to another as its author knew it: by its permalink (with or without the
domain, ``http`` or ``https``, with or without ``www.``), ``?p=ID``, ``?page_id=ID``,
``?attachment_id=ID``, an old slug WordPress kept (``_wp_old_slug``), or the same slug
under another date form (``/2011/05/slug/`` on a site that moved to ``/slug/``, which
WordPress's ``redirect_guess_404_permalink()`` answers), with a fragment or not
(``#comment-12``). On the new site that link must lead to the item's new page; but an
item's new address is made by the writer when it writes the item, after every post's
content was rendered (in worker processes, in any order). So it takes two steps:

1. **found**, as content is rendered: each ``<a href>`` naming an item of the export
   (:meth:`ItemLinks.stand_in`, through :func:`wxrtool.content.tomarkdown.relink`)
   becomes a stand-in address holding the item's id and the link as it was; the Markdown
   converter and the writers carry it as they carry any address;
2. **filled**, once the writer has written everything (:func:`fill`): in each file
   holding a stand-in, it becomes the item's new address (absolute under ``--base-url``),
   the link's fragment kept. A link to an item the output does not have (a draft, a type
   left out) becomes what it was, and is listed in the account. An attachment page the
   output does not have leads to the post it belongs to, as its redirect does.

The stand-in names a host that cannot exist (``.invalid``) and a random part drawn per
run, so an export cannot spell one; it is made of letters, digits, ``/``, ``:`` and
``.`` only, which Markdown, YAML, JSON and HTML all write as they are.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import tempfile
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .index import ItemInfo, ItemTable, SiteIndex
from .oldurls import NOT_SHOWN, canonical_address
from .output import OutputDir
from .quirks import parse_id
from .sitestore import SpillMap

# The query names of WordPress's plain addresses of one item.
_ID_QUERIES = ("p", "page_id", "attachment_id")
# What a link keeps as it is when it is written back (what it was); every other character is
# percent-encoded: it then reads the same in a Markdown link, a YAML or JSON string, an
# HTML attribute.
_KEPT_IN_LINK = "/:?#@!$&+,;=%~"
_AMBIGUOUS = -1
_OTHER_SITE = re.compile(r"\s*https?://(?:www\.)?([A-Za-z0-9.-]+)[/:?#]", re.I)


class ItemLinks:
    """The items of the export a link can name, from the site's :class:`SiteIndex`, and the
    stand-ins that hold a link's place until :func:`fill`."""

    def __init__(self, index: SiteIndex, run: str | None = None) -> None:
        self.index = index
        self.prefix = f"https://wxrtool.invalid/{run or secrets.token_hex(8)}/"
        self._slugs: dict[str, int] | None = None  # made when a link first needs a guess

    def __getstate__(self) -> dict[str, object]:
        return {"index": self.index, "prefix": self.prefix, "_slugs": None}  # (workers make their own guesses)

    def stand_in(self, href: str) -> str | None:
        """The stand-in for a link to an item of the export; ``None`` for any other link."""
        item = self.item(href)
        return None if item is None else self.to_item(item, href)

    def to_item(self, item: int, link: str) -> str:
        """The stand-in for a link to item ``item``, whose old address is ``link`` (what the
        link becomes if the output does not have the item)."""
        return f"{self.prefix}{item}/{link.encode('utf-8', 'replace').hex()}/"

    def item(self, href: str) -> int | None:
        """The id of the item of the export that ``href`` names, or ``None``.

        >>> from wxrtool.index import ItemInfo
        >>> index = SiteIndex(hosts={"example.org"}, addresses={"/2020/01/hello/": 7},
        ...                   items={7: ItemInfo("post", "hello", 0, "publish")})
        >>> links = ItemLinks(index)
        >>> [links.item(h) for h in ("https://www.example.org/2020/01/hello/#comment-3", "/?p=7",
        ...                          "http://example.org/2019/03/hello", "https://elsewhere.org/2020/01/hello/")]
        [7, 7, 7, None]
        """
        other = _OTHER_SITE.match(href)
        if other is not None and other.group(1).lower() not in self.index.hosts:
            return None  # (most links: a quick look at the host, before taking the link apart)
        try:
            parts = urlsplit(href.strip())
            host = (parts.hostname or "").removeprefix("www.")
        except ValueError:
            return None
        if parts.scheme.lower() not in ("", "http", "https"):
            return None
        if parts.netloc:
            if host not in self.index.hosts:
                return None
        elif not parts.path.startswith("/"):
            return None  # relative to the page it is on, or a fragment only
        path = parts.path or "/"
        if parts.query:
            item = self._by_id(path, parts.query)
            if item is not None:
                return item
        for candidate in _forms(path, parts.query):
            address = canonical_address(candidate)
            if address is not None and address in self.index.addresses:
                return self.index.addresses[address]
        return self._guessed(path)

    def _by_id(self, path: str, query: str) -> int | None:
        home = self.index.blog  # ('' at the root; a blog in a folder answers ?p= there only)
        if path.rstrip("/") not in (home, f"{home}/index.php"):
            return None
        for name, value in parse_qsl(query):
            if name in _ID_QUERIES and (item := parse_id(value)) is not None and item in self.index.items:
                return item
        return None

    def _guessed(self, path: str) -> int | None:
        """The item whose slug ends a date-form path (``/2011/05/slug/``, ``/slug/``), if one
        item has it (or one published item among several)."""
        segments = [s for s in path.split("/") if s]
        home = [s for s in self.index.blog.split("/") if s]
        if segments[: len(home)] != home:
            return None  # outside the blog's folder: another part of the site, not a post
        segments = segments[len(home) :]
        if segments[:1] == ["index.php"]:
            segments = segments[1:]
        if not segments or len(segments) > 4 or segments[-1].isdigit():
            return None
        if not all(s.isdigit() for s in segments[:-1]):
            return None
        slug = unquote(segments[-1])
        if isinstance(self.index.items, ItemTable):
            item = _by_slug(self.index.items.with_slug(slug))  # (a large site's, on disk: looked up)
        else:
            if self._slugs is None:
                self._slugs = _slugs(self.index)
            item = self._slugs.get(slug, _AMBIGUOUS)
        return None if item == _AMBIGUOUS else item


def _forms(path: str, query: str) -> list[str]:
    # The link as it is, without its query (?replytocom=5), with or without its last "/", and
    # without WordPress's "/index.php/" (PATH_INFO permalinks).
    paths = [path, path[:-1] if path.endswith("/") else path + "/"]
    if path.startswith("/index.php/"):
        paths += [p.removeprefix("/index.php") for p in paths]
    forms = [f"{p}?{query}" for p in paths] if query else []
    return forms + paths


def _by_slug(found: list[tuple[int, ItemInfo]]) -> int:
    """Of the items with one slug, the one a link to it means: the published one, else the only
    one (attachments and types no page shows aside); :data:`_AMBIGUOUS` when two would do."""
    shown = [(item_id, info) for item_id, info in found if info.type != "attachment" and info.type not in NOT_SHOWN]
    published = [item_id for item_id, info in shown if info.status == "publish"]
    if published:
        return published[0] if len(published) == 1 else _AMBIGUOUS
    return shown[0][0] if len(shown) == 1 else _AMBIGUOUS


def _slugs(index: SiteIndex) -> dict[str, int]:
    """Each slug's item (:func:`_by_slug`), for an index in memory (one on disk is asked per slug)."""
    groups: dict[str, list[tuple[int, ItemInfo]]] = {}
    for item_id, info in index.items.items():
        if info.slug:
            groups.setdefault(info.slug, []).append((item_id, info))
    return {slug: _by_slug(found) for slug, found in groups.items()}


@dataclass
class Filled:
    """What :func:`fill` did: links pointed at new addresses, and those kept as they were
    because the output does not have the item they name: ``(file, link)``."""

    rewritten: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)
    # Each file filled with the links pointed at new addresses in it, if any (an update's record;
    # a SpillMap: one entry a file, on disk for an output of very many).
    files: MutableMapping[str, int] = field(default_factory=SpillMap)


class _Filler:
    """Stand-ins replaced in text, and what was done counted in :attr:`filled`."""

    def __init__(self, links: ItemLinks, addresses: Mapping[int, tuple[str, str]], base_url: str | None) -> None:
        self.stand_in = re.compile(re.escape(links.prefix) + r"(\d+)/([0-9a-f]*)/")
        self.attachments = links.index.attachments
        self.shared = links.index.shared_ids
        self.addresses = addresses
        self.site = (base_url or "").rstrip("/")
        self.filled = Filled()

    def text(self, text: str, where: str) -> str:
        return self.stand_in.sub(functools.partial(self._new_address, where=where), text)

    def _new_address(self, m: re.Match[str], where: str) -> str:
        addresses, attachments = self.addresses, self.attachments
        item, link = int(m.group(1)), bytes.fromhex(m.group(2)).decode("utf-8", "replace")
        fragment = urlsplit(link).fragment
        if item in self.shared:
            self.filled.kept.append((where, link))  # (two items with that id: which one is meant is unknown)
            return _written(link)
        # (one look-up each: on disk, for an output of very many files, each is a query)
        address = addresses.get(item)
        if address is None and item in attachments:
            # An attachment page the output has not (an image linked to its page, as WordPress's
            # editor offers): the file itself, which is what a reader clicking it wants to see.
            self.filled.rewritten += 1
            return _written(attachments[item].url)
        if address is None or not address[1]:
            self.filled.kept.append((where, link))
            return _written(link)
        self.filled.rewritten += 1
        return self.site + _written(address[1]) + (f"#{_written(fragment)}" if fragment else "")


def fill(
    out: OutputDir,
    links: ItemLinks,
    addresses: Mapping[int, tuple[str, str]],
    base_url: str | None = None,
) -> Filled:
    """Replace the stand-ins in the files of ``out`` that hold one (:attr:`OutputDir.marked`):
    each by its item's new address from ``addresses`` (a writer's
    :attr:`~wxrtool.writers.protocol.WriteResult.addresses`), under ``base_url`` if given."""
    filler = _Filler(links, addresses, base_url)
    for relative in out.marked:
        path = os.path.join(out.root, relative)
        with open(path, encoding="utf-8", newline="") as f:  # (line ends as written: a "\r" in code stays)
            text = f.read()
        before = filler.filled.rewritten
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(filler.text(text, relative))
        if filler.filled.rewritten > before:
            filler.filled.files[relative] = filler.filled.rewritten - before
        out.record(relative)
    return filler.filled


def fill_file(
    path: str,
    name: str,
    links: ItemLinks,
    addresses: Mapping[int, tuple[str, str]],
    base_url: str | None = None,
) -> Filled:
    """:func:`fill` for one file written whole (Ghost's document), read and written back line
    by line (a stand-in is never cut by a line end); ``name``: the file, as the account names it."""
    filler = _Filler(links, addresses, base_url)
    folder = os.path.dirname(path)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="\n", dir=folder, prefix=".links.", delete=False
    ) as filled:
        try:
            with open(path, encoding="utf-8", newline="\n") as written:
                for line in written:
                    filled.write(filler.text(line, name) if links.prefix in line else line)
        except BaseException:
            filled.close()
            os.unlink(filled.name)
            raise
    os.replace(filled.name, path)
    return filler.filled


def _written(link: str) -> str:
    """A link as it is written back: every character but those of :data:`_KEPT_IN_LINK`,
    letters, digits and ``-._~`` percent-encoded (``%`` is kept: the link's own escapes), and
    ``&`` as ``&amp;``: Markdown and HTML, where every link lands, read entities in addresses.

    >>> _written('/?p=12&x=&quot;"')
    '/?p=12&amp;x=&amp;quot;%22'
    """
    return quote(link.strip(), safe=_KEPT_IN_LINK).replace("&", "&amp;")
