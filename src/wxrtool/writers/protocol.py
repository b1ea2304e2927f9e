"""What a writer is: a format's declaration, the options it is handed, the result it returns.

A format is one module with a ``write`` function (the :class:`Writer` protocol) and,
where turning a post into text is the slow part, a ``render`` function (the
:class:`Renderer` protocol): a pure function of one post that the pipeline may run in
worker processes. ``write`` receives *entries*, each record paired with what ``render``
made of it (``None`` for records that are not posts, and for formats that do not
render), in the export's order, whichever process read and rendered them. It writes
to ``out`` (a text stream for ``file`` formats, an
:class:`~wxrtool.output.OutputDir` for ``directory`` formats) and returns a
:class:`WriteResult`: the new addresses and the media it placed.

A :class:`Format` declares the rest in one place: its name, whether it writes a file
or a folder, its extension, whether it gives items new addresses (redirects can be
written), the post types it leaves out unless asked, and what it can hold.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..index import SiteIndex
from ..newsite import UrlMap
from ..records import Author, Post, Record, Site
from ..selection import Selection
from ..sitestore import SpillMap
from .paths import DEFAULT_TEMPLATE

if TYPE_CHECKING:
    from ..content import Context
    from ..content.embeds import EngineEmbed
    from ..content.tomarkdown import Relink
    from ..itemlinks import ItemLinks
    from .fmchoice import FrontMatterChoice

Entry = tuple[Record, Any]
"""A record, and what the format's ``render`` made of it if it is a post (``None`` otherwise)."""


def unrendered(records: Iterable[Record]) -> Iterator[Entry]:
    """``records`` as entries for a format that does not render: each paired with ``None``."""
    return ((record, None) for record in records)


class Posts:
    """The posts among ``entries``, each with what the format's ``render`` made of it, for
    writers that write posts only; ``site`` is the export's site record once it has been
    read (it comes first), for what a writer writes after the posts (a scaffold's title)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = entries
        self.site: Site | None = None
        self.authors: list[Author] = []  # (the header's, read before the posts)
        self.wrote: set[str] = set()  # the logins of the posts' authors

    def __iter__(self) -> Iterator[tuple[Post, Any]]:
        # The site and authors are kept, not yielded: writers that need them read them after the posts.
        for record, rendered in self.entries:
            if isinstance(record, Post):
                self.wrote.add(record.author)
                yield record, rendered
            elif isinstance(record, Site):
                self.site = record
            elif isinstance(record, Author):
                self.authors.append(record)


@dataclass(frozen=True)
class WriteOptions:
    """What every writer is handed besides the entries; each uses the options that apply to it.

    Parameters:
        selection: what the records were filtered by (personal data, comments).
        index: the export's :class:`~wxrtool.index.SiteIndex`, for formats that need one.
        path_template: where each item's file goes, for folder formats.
        comments_file: ``"json"`` or ``"yaml"`` to write comments beside each post
            instead of in it; ``None`` for a Comments section.
        meta_keys: custom fields to copy into front matter.
        scaffold: engine formats also write a minimal site that builds.
        media_dir: a folder filled by ``wxrtool media --download``; its files are placed
            with the posts that use them and the links rewritten (see ``_placement.py``).
        addresses: keep each item's old and new address in the result (for ``--redirects``);
            without redirects to write nothing is kept (a million items are 100 MB).
        base_url: the new site's address (``https://example.org``, no trailing slash, checked
            by :func:`wxrtool.convert.check_base_url`), for what needs absolute addresses:
            the engines' scaffold configuration.
        url_map: the comment formats key each thread by its item's new address from it
            (:class:`UrlMap`); threads it does not have keep their old link and are counted.
        remark42_site: remark42's site id (``SITE``); ``None`` for its default, ``remark``.
        keep_urls: each published page at its old address rather than the engine's (Hugo).
        links: links between items found as posts render, for the pipeline to point at the
            items' new addresses once written (:mod:`wxrtool.itemlinks`); ``None``: kept as they are.
        front_matter: the fields, dates and SEO fields the user chose (:mod:`.fmchoice`);
            ``None``: every field, as the writer makes them.
        ghost_types: what Ghost gets of a custom post type's items: ``post`` (as posts),
            ``tag`` (posts with an internal tag ``#<type>``), ``page`` (left out: ``skip``, by the selection).
    """

    selection: Selection = field(default_factory=Selection)
    index: SiteIndex = field(default_factory=SiteIndex)
    path_template: str = DEFAULT_TEMPLATE
    comments_file: str | None = None
    meta_keys: tuple[str, ...] = ()
    scaffold: bool = False
    media_dir: str | None = None
    addresses: bool = False
    base_url: str | None = None
    url_map: UrlMap | None = None
    remark42_site: str | None = None
    keep_urls: bool = False
    links: ItemLinks | None = None
    front_matter: FrontMatterChoice | None = None
    ghost_types: str = "post"

    def shaped(self, data: dict[str, Any], post: Post, engine: str) -> dict[str, Any]:
        """A writer's front matter for ``post`` as the user chose it (:attr:`front_matter`)."""
        return data if self.front_matter is None else self.front_matter.shape(data, post, engine)

    @property
    def relink(self) -> Relink | None:
        """What content steps take for links to other items (``Context.links``), or ``None``."""
        return self.links.stand_in if self.links is not None else None

    def context(self, post: Post, engine_embed: EngineEmbed | None = None) -> Context:
        """What a post's content is rendered with: its id, the site's attachments, the links."""
        from ..content import Context
        from ..content.shortcodes import reusable_budget

        return Context(
            post_id=post.id,
            attachments=self.index.attachments,
            engine_embed=engine_embed,
            links=self.relink,
            footnote_meta=post.meta_value("footnotes") or "",
            reusable=self.index.reusable,
            reusable_bytes_left=reusable_budget(post.content_html),
        )


@dataclass
class WriteResult:
    """What a writer did besides writing: new addresses, and media placed or not found.

    ``addresses``: item id -> (old permalink, new path), when the options ask for them
    (``None`` otherwise); ``media_placed``: media URL -> how many posts it was placed
    with; ``media_moved``: media URL -> the path the new site serves its first copy at (the
    target of its old address's redirect), when the site serves it; ``media_missing``: media URL
    with no downloaded copy -> the first post using it; ``notes``: what the writer counted for
    the account's ``content`` line (``thread-not-in-url-map``: a thread that kept its old link).
    """

    addresses: MutableMapping[int, tuple[str, str]] | None = None  # (a SpillMap: on disk when large)
    media_placed: Counter[str] = field(default_factory=Counter)
    media_moved: MutableMapping[str, str] = field(default_factory=SpillMap)
    media_missing: dict[str, int] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)

    @classmethod
    def for_options(cls, options: WriteOptions) -> WriteResult:
        """An empty result that keeps addresses if ``options`` ask for them."""
        return cls(addresses=SpillMap() if options.addresses else None)

    def moved(self, item: int, old: str, new: str) -> None:
        """Item ``item``, at ``old`` on the WordPress site, is at ``new`` now ('' old: no redirect)."""
        if self.addresses is not None:
            self.addresses[item] = (old, new)

    def merge(self, other: WriteResult) -> None:
        """Add what ``other`` (the result of a later stretch of the same output) holds."""
        if self.addresses is not None and other.addresses:
            # Later stretches win, as a later item of one export would in one writer.
            self.addresses.update(other.addresses)
        self.media_placed.update(other.media_placed)
        for url, path in other.media_moved.items():
            if url not in self.media_moved:
                self.media_moved[url] = path  # (the first copy placed, as one writer keeps)
        self.notes.update(other.notes)
        for url, post in other.media_missing.items():
            self.media_missing.setdefault(url, post)  # the first post that uses it, as one writer keeps


WriteFunction = Callable[[Iterable[Entry], Any, WriteOptions], WriteResult]
RenderFunction = Callable[[Post, WriteOptions], Any]


class Writer(Protocol):
    """A format's module: ``write(entries, out, options) -> WriteResult``."""

    def write(self, entries: Iterable[Entry], out: Any, options: WriteOptions, /) -> WriteResult: ...


class Renderer(Protocol):
    """A format's module that renders: ``render(post, options)``, pure, run wherever the pipeline chooses.

    It must be a module-level function with no side effects: worker processes receive it
    by name. What the content steps note while it runs (URLs dropped...) is counted by
    the pipeline, wherever it ran.
    """

    def render(self, post: Post, options: WriteOptions, /) -> Any: ...


@dataclass(frozen=True)
class Format:
    """An output format's declaration: everything the pipeline and the command need to know of it.

    ``module``: the importable name of its writer's module, imported on first use (a
    command that writes JSON does not pay for the Markdown libraries). ``target``:
    ``file`` or ``directory``. ``extension``: a file format's usual one (``.json``), for
    outputs named by wxrtool (a batch of sites). ``needs_index``: a first pass over the
    export builds the :class:`~wxrtool.index.SiteIndex`. ``skip_types``: post types left
    out unless ``--type`` names them. ``keeps``: the kinds of record (items, comments,
    pings) it can hold at all. ``gives_addresses``: items get new addresses, so
    ``--redirects`` can be written. ``concatenates``: its output for a record stream is
    the output for any two halves of it one after the other, holding no line numbers,
    so that it may be written from byte ranges of the export read in parallel.
    ``origin``: ``wxrtool``, or the distribution that added it (see :mod:`wxrtool.writers`).
    """

    name: str
    summary: str
    module: str
    target: str = "file"
    extension: str = ""
    needs_index: bool = False
    skip_types: frozenset[str] = frozenset()
    keeps: frozenset[str] = frozenset({"items", "comments", "pings"})
    gives_addresses: bool = False
    concatenates: bool = False
    origin: str = "wxrtool"

    @property
    def writer(self) -> Writer:
        """The writer's module (imported now)."""
        # A module satisfies the protocol structurally; mypy cannot see that through import_module.
        return cast(Writer, importlib.import_module(self.module))

    @property
    def render(self) -> RenderFunction | None:
        """The format's ``render`` function, or ``None`` when it writes records as they come."""
        return cast("RenderFunction | None", getattr(self.writer, "render", None))
