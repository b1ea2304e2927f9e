"""A first, light pass over an export: what later items need to know about others.

WordPress exports items in id order, so a post often comes before its featured
image, a gallery before its pictures, a child page before... nothing it can
count on. Writers that resolve such references (Markdown and the engines) read
the export twice: once into a :class:`SiteIndex`, small tuples per item, then
again to convert. Memory grows with the number of items, not with their content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .languages import ItemLanguage, Language, Languages, declared_language, item_language
from .menuentries import MenuEntry, entry_of
from .oldurls import blog_base, canonical_address, old_slug_links
from .records import TAGS_AND_CATEGORIES, Author, Post, Record, Site, Term, pickled_by_fields
from .sitestore import SPILL_AT, Store, Table, spill
from .termtree import MAX_TREE_DEPTH, shared_names, term_label, term_path


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Attachment:
    """What a shortcode handler may need to know about an attachment (see :mod:`.content.shortcodes`)."""

    id: int
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    parent: int = 0
    menu_order: int = 0


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ItemInfo:
    """Where an item sits: its type, slug, parent and status."""

    type: str
    slug: str
    parent: int
    status: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TermInfo:
    """A term's name and its parent's slug (``''`` at the top), as the export declares them."""

    name: str
    parent: str = ""


class ItemTable(Table[int, ItemInfo]):
    """Each item's place, on disk (:mod:`wxrtool.sitestore`), found by id or by slug."""

    name, key_type, columns, indexes = "items", "INTEGER", ("type", "slug", "parent", "status"), ("slug",)

    def row(self, value: ItemInfo) -> tuple[Any, ...]:
        return (value.type, value.slug, value.parent, value.status)

    def value(self, key: int, row: tuple[Any, ...]) -> ItemInfo:
        return ItemInfo(*row)

    def with_slug(self, slug: str) -> list[tuple[int, ItemInfo]]:
        """The items whose slug is ``slug``, by id."""
        return self.where("slug", slug)


class AttachmentTable(Table[int, Attachment]):
    """Each attachment, on disk (:mod:`wxrtool.sitestore`), found by id or by the post it belongs to."""

    name, key_type, indexes = "attachments", "INTEGER", ("parent",)
    columns = ("url", "title", "alt", "caption", "parent", "menu_order")

    def row(self, value: Attachment) -> tuple[Any, ...]:
        return (value.url, value.title, value.alt, value.caption, value.parent, value.menu_order)

    def value(self, key: int, row: tuple[Any, ...]) -> Attachment:
        return Attachment(key, *row)

    def children_of(self, parent: int) -> list[Attachment]:
        """The attachments whose parent is ``parent``."""
        return [attachment for _, attachment in self.where("parent", parent)]


class AddressTable(Table[str, int]):
    """Each old address's item, on disk (:mod:`wxrtool.sitestore`)."""

    name, key_type, columns = "addresses", "TEXT", ("item",)

    def row(self, value: int) -> tuple[Any, ...]:
        return (value,)

    def value(self, key: str, row: tuple[Any, ...]) -> int:
        return int(row[0])


class BlockTable(Table[int, str]):
    """Each reusable block's content (a ``wp_block`` item's), on disk (:mod:`wxrtool.sitestore`)."""

    name, key_type, columns = "reusable_blocks", "INTEGER", ("content",)

    def row(self, value: str) -> tuple[Any, ...]:
        return (value,)

    def value(self, key: int, row: tuple[Any, ...]) -> str:
        return str(row[0])


# The most bytes of reusable blocks' content the index holds in memory: past it, the tables go to
# disk (a real site's blocks are a few kilobytes each, an export's may be anything).
REUSABLE_IN_MEMORY = 8_000_000


@dataclass
class SiteIndex:
    """Authors' display names, attachments and every item's place, by id; the terms, by slug;
    where the old site was and each item's old addresses (for links between items:
    :mod:`wxrtool.itemlinks`)."""

    # (items, attachments and addresses: dictionaries, or tables on disk from sitestore.SPILL_AT
    # items on: ItemTable, AttachmentTable, AddressTable; see spill())
    authors: dict[str, str] = field(default_factory=dict)
    attachments: MutableMapping[int, Attachment] = field(default_factory=dict)
    items: MutableMapping[int, ItemInfo] = field(default_factory=dict)
    # Each reusable block's content (a wp_block item's), by id: what <!-- wp:block {"ref":N} /--> shows.
    reusable: MutableMapping[int, str] = field(default_factory=dict)
    creators: set[str] = field(default_factory=set)
    term_slugs: dict[tuple[str, str], str] = field(default_factory=dict)
    item_taxonomies: set[str] = field(default_factory=set)  # (the others than tags and categories items have)
    terms: dict[tuple[str, str], TermInfo] = field(default_factory=dict)
    # The old site's hosts (lower case, without "www."), its blog's folder ('' at the root), and
    # each item's permalink and old-slug addresses (canonical: oldurls.canonical_address) -> its id.
    hosts: set[str] = field(default_factory=set)
    blog: str = ""
    addresses: MutableMapping[str, int] = field(default_factory=dict)
    # (those of them an item has by an old slug: another's permalink takes them, as WordPress
    # shows the item whose address it is and uses an old slug only where nothing is)
    by_old_slug: set[str] = field(default_factory=set)
    shared_ids: set[int] = field(default_factory=set)  # ids two items of the export have
    # The navigation menus' entries (wxrtool.menus), and each term's (taxonomy, slug) by its id.
    menu_entries: list[MenuEntry] = field(default_factory=list)
    term_ids: dict[int, tuple[str, str]] = field(default_factory=dict)
    # A multilingual site's languages (wxrtool.languages): declared, each item's, the header's.
    declared_languages: dict[str, Language] = field(default_factory=dict)
    item_languages: dict[int, ItemLanguage] = field(default_factory=dict)
    site_language: str = ""
    _origins: set[str] = field(default_factory=set, repr=False, compare=False)  # links' "scheme://host"
    _reusable_bytes: int = field(default=0, repr=False, compare=False)
    # (taxonomy, name folded) of the names two terms share: made when first asked.
    _shared: set[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _languages: Languages | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, records: Iterable[Record], spill: bool = True) -> SiteIndex:
        """Index a record stream (everything, whatever its status).

        >>> import wxrtool
        >>> index = SiteIndex.build(wxrtool.read(samples / "klout.xml"))
        >>> index.attachments[2034].alt, index.authors["jeff"]
        ('Jeff Turner Klout Score 65', 'Jeff Turner')
        """
        index = cls()
        for record in records:
            if isinstance(record, Post):
                if spill and not index.on_disk and len(index.items) == SPILL_AT:
                    index.spill()
                index.creators.add(record.author)
                if record.id in index.items:
                    index.shared_ids.add(record.id)
                index.items.setdefault(record.id, ItemInfo(record.type, record.slug, record.parent, record.status))
                index.item_taxonomies.update(r.taxonomy for r in record.terms if r.taxonomy not in TAGS_AND_CATEGORIES)
                index._add_addresses(record)
                language = item_language(record)
                if language is not None:
                    index.item_languages.setdefault(record.id, language)
                if record.type == "wp_block" and record.id not in index.reusable:
                    # (render_block_core_block() shows a published one without a password, else nothing)
                    shown = record.content_html if record.status == "publish" and not record.password else ""
                    index.reusable[record.id] = shown
                    index._reusable_bytes += len(shown)
                    if spill and not index.on_disk and index._reusable_bytes > REUSABLE_IN_MEMORY:
                        index.spill()
                if record.type == "nav_menu_item":
                    entry = entry_of(record)
                    if entry is not None:
                        index.menu_entries.append(entry)
                if record.type == "attachment":
                    index.attachments.setdefault(
                        record.id,
                        Attachment(
                            id=record.id,
                            url=record.attachment_url or record.guid,
                            title=record.title,
                            alt=record.meta_value("_wp_attachment_image_alt") or "",
                            caption=record.excerpt_html.strip(),  # (stored padded by some exporters)
                            parent=record.parent,
                            menu_order=record.menu_order,
                        ),
                    )
            elif isinstance(record, Site):
                index.blog = blog_base(record)
                index.site_language = record.language
                links = (record.link, record.base_blog_url)  # (not base_site_url: WordPress.com names itself)
                index.hosts.update(host for host in map(site_host, links) if host)
            elif isinstance(record, Author):
                index.authors.setdefault(record.login, record.display_name or record.login)
            elif isinstance(record, Term):
                index.term_slugs.setdefault((record.taxonomy, record.name), record.slug)
                index.terms.setdefault((record.taxonomy, record.slug), TermInfo(record.name, record.parent))
                if record.id:
                    index.term_ids.setdefault(record.id, (record.taxonomy, record.slug))
                declared = declared_language(record)
                if declared is not None:
                    index.declared_languages.setdefault(declared.code, declared)
        index.finish()
        return index

    @property
    def on_disk(self) -> bool:
        """Whether the large tables are on disk (:mod:`wxrtool.sitestore`)."""
        return isinstance(self.items, ItemTable)

    def spill(self) -> None:
        """Move the large tables to disk; what is added later goes there too."""
        if self.on_disk:
            return
        store = Store()
        self.items = spill(ItemTable(store), self.items)
        self.attachments = spill(AttachmentTable(store), self.attachments)
        self.addresses = spill(AddressTable(store), self.addresses)
        self.reusable = spill(BlockTable(store), self.reusable)

    def finish(self) -> None:
        """Once every record is in: the tables on disk written and indexed."""
        for table in (self.items, self.attachments, self.addresses, self.reusable):
            if isinstance(table, Table):
                table.finish()

    def _add_addresses(self, post: Post) -> None:
        # The site's hosts are its header's, and those of the items' first addresses, their guids
        # (http://host/?p=12): a site that moved hosts has its old one there, which its older posts
        # link to. Not the items' links: a plugin may point one at another site (Page Links To).
        # (Guids share their first part, scheme and host; each such part is looked at once.)
        guid = post.guid
        end = guid.find("/", 8)
        origin = guid if end < 0 else guid[:end]
        if origin not in self._origins:
            self._origins.add(origin)
            if _ITEM_GUID.match(guid):
                host = site_host(guid)
                if host:
                    self.hosts.add(host)
        if not post.link:
            return
        address = canonical_address(post.link)
        if address is not None and address != "/":
            if address in self.by_old_slug:
                self.by_old_slug.discard(address)
                self.addresses[address] = post.id
            else:
                _first(self.addresses, address, post.id)
        for link in old_slug_links(post):
            address = canonical_address(link)
            if address is not None and address != "/" and address not in self.addresses:
                self.addresses[address] = post.id
                self.by_old_slug.add(address)

    def merge(self, later: SiteIndex) -> None:
        """Add the index of a later stretch of the same export (the first of each name or id stays)."""
        self._reusable_bytes += later._reusable_bytes
        if not self.on_disk and (
            len(self.items) + len(later.items) > SPILL_AT or self._reusable_bytes > REUSABLE_IN_MEMORY
        ):
            self.spill()
        # (ids both have, before they are merged: looked up one by one, the tables may be on disk)
        self.shared_ids |= later.shared_ids | {key for key in later.items if key in self.items}
        _keep_first(self.authors, later.authors)
        _keep_first(self.attachments, later.attachments)
        _keep_first(self.items, later.items)
        _keep_first(self.reusable, later.reusable)
        _keep_first(self.term_slugs, later.term_slugs)
        _keep_first(self.terms, later.terms)
        self.creators |= later.creators
        self.item_taxonomies |= later.item_taxonomies
        self.hosts |= later.hosts
        self.blog = self.blog or later.blog
        for address, item in later.addresses.items():
            if address not in self.addresses:
                self.addresses[address] = item
                if address in later.by_old_slug:
                    self.by_old_slug.add(address)
            elif address in self.by_old_slug and address not in later.by_old_slug:
                self.by_old_slug.discard(address)  # (a later item's permalink: it is that item's)
                self.addresses[address] = item
        _keep_first(self.term_ids, later.term_ids)
        self.menu_entries += later.menu_entries
        _keep_first(self.declared_languages, later.declared_languages)
        _keep_first(self.item_languages, later.item_languages)
        self.site_language = self.site_language or later.site_language
        self._shared = None
        self._languages = None
        self.finish()

    @property
    def languages(self) -> Languages:
        """The site's languages and translations (false for a site in one language)."""
        if self._languages is None:
            self._languages = Languages(self.declared_languages, self.item_languages, self.site_language)
        return self._languages

    def status_of(self, item_id: int) -> str | None:
        """The item's status as the export has it (``None``: no such item), for a
        :class:`~wxrtool.selection.Selector` judging an attachment before its parent is read."""
        info = self.items.get(item_id)
        return info.status if info is not None else None

    def ancestors(self, item_id: int) -> list[ItemInfo]:
        """The chain of parents of the same type, nearest first; stops at a cycle, a gap or
        :data:`~wxrtool.termtree.MAX_TREE_DEPTH` levels."""
        chain: list[ItemInfo] = []
        seen = {item_id}
        info = self.items.get(item_id)
        while info is not None and info.parent and info.parent not in seen and len(chain) < MAX_TREE_DEPTH - 1:
            seen.add(info.parent)
            parent = self.items.get(info.parent)
            if parent is None or parent.type != info.type:
                break
            chain.append(parent)
            info = parent
        return chain

    def term_path(self, taxonomy: str, slug: str) -> list[str]:
        """The slugs from the top of ``slug``'s hierarchy down to ``slug``; stops at a cycle or a gap.

        >>> index = SiteIndex(terms={("category", "bar"): TermInfo("Bar"),
        ...                          ("category", "foo-bar"): TermInfo("Foo", "bar")})
        >>> index.term_path("category", "foo-bar"), index.term_path("category", "undeclared")
        (['bar', 'foo-bar'], ['undeclared'])
        """
        return term_path(self.terms, taxonomy, slug)

    def term_label(self, taxonomy: str, slug: str, name: str) -> str:
        """How to tell the term apart where only names count (:func:`wxrtool.termtree.term_label`).

        >>> index = SiteIndex(terms={("category", "foo"): TermInfo("Foo"), ("category", "bar"): TermInfo("Bar"),
        ...                          ("category", "foo-bar"): TermInfo("Foo", "bar")})
        >>> [index.term_label("category", slug, "Foo") for slug in ("foo", "foo-bar")]
        ['Foo', 'Bar / Foo']
        >>> index.term_label("category", "bar", "Bar")
        'Bar'
        """
        if self._shared is None:
            self._shared = shared_names(self.terms)
        return term_label(self.terms, self._shared, taxonomy, slug, name)


def site_host(link: str) -> str:
    """The host a link names, as the site's own are compared: lower case, without ``www.``
    and port ('' for none)."""
    try:
        host = urlsplit(link).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


# The guid WordPress gives an item when it is made: its first address, on the site's host then.
_ITEM_GUID = re.compile(r"https?://[^/?#]+/(?:[^?#]*/)?(?:index\.php)?\?(?:p|page_id)=\d+$")

K = TypeVar("K")
V = TypeVar("V")


def _first(mine: MutableMapping[K, V], key: K, value: V) -> None:
    """``mine.setdefault(key, value)``; a table on disk is not asked first (it keeps the first)."""
    if isinstance(mine, Table):
        mine.add(key, value)
    else:
        mine.setdefault(key, value)


def _keep_first(mine: MutableMapping[K, V], later: Mapping[K, V]) -> None:
    # In place and in reading order, as if one pass had read both.
    for key, value in later.items():
        mine.setdefault(key, value)
