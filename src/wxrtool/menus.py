"""WordPress's navigation menus, at the new site's addresses.

A menu is a term of the ``nav_menu`` taxonomy; each of its entries is an item of type
``nav_menu_item`` in that term, its place and target in its meta: ``_menu_item_type``
(``post_type``: a post or page, ``taxonomy``: a category or tag archive, ``custom``: a link,
``post_type_archive``), ``_menu_item_object_id`` (the post's or term's id),
``_menu_item_menu_item_parent`` (the entry it hangs under), ``_menu_item_url`` (a custom
link), ``_menu_item_target`` (``_blank``), in ``menu_order``. An entry with no title of its own
shows its target's, as WordPress shows it.

:func:`~wxrtool.menuentries.entry_of` keeps what the index pass needs of each entry; :func:`site_menus`, once the
writer knows every item's new address, makes the menus: an entry for a post the output does not
have is left out (its children move up to its parent), a term archive goes where the engine's
closest page is (:mod:`wxrtool.archives`), a custom link to the old site follows the item it
names (:mod:`wxrtool.itemlinks`), any other stays as it was if it is a link to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .menuentries import MenuEntry

if TYPE_CHECKING:
    from .index import SiteIndex
    from .itemlinks import ItemLinks
    from .oldurls import OldAddress


@dataclass
class MenuLink:
    """An entry of a menu on the new site: its title, address ('' for none) and sub-entries."""

    id: int
    title: str
    url: str
    new_window: bool = False
    children: list[MenuLink] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, children nested (built without recursion: menus nest without limit)."""
        top: dict[str, object] = {}
        stack: list[tuple[MenuLink, dict[str, object]]] = [(self, top)]
        while stack:
            link, out = stack.pop()
            out.update(id=link.id, title=link.title, url=link.url, new_window=link.new_window)
            children: list[dict[str, object]] = []
            out["children"] = children
            for child in link.children:
                children.append({})
                stack.append((child, children[-1]))
        return top


@dataclass
class Menu:
    """A menu on the new site: its slug and name, and its entries as a tree."""

    slug: str
    name: str
    links: list[MenuLink]

    def flat(self) -> list[tuple[MenuLink, int | None]]:
        """Every entry with its parent's id (``None`` at the top), parents first."""
        found: list[tuple[MenuLink, int | None]] = []
        stack: list[tuple[MenuLink, int | None]] = [(link, None) for link in reversed(self.links)]
        while stack:
            link, parent = stack.pop()
            found.append((link, parent))
            stack += [(child, link.id) for child in reversed(link.children)]
        return found


Address = Callable[[MenuEntry], "str | None"]
"""A menu entry's new address: ``''`` for one with none, ``None`` for one to leave out."""


def site_menus(entries: list[MenuEntry], address_of: Address, title_of: Callable[[MenuEntry], str]) -> list[Menu]:
    """The menus of ``entries`` (in the order their menus first appear), each entry at
    ``address_of(entry)`` and titled by its own title or ``title_of(entry)``."""
    by_menu: dict[str, list[MenuEntry]] = {}
    names: dict[str, str] = {}
    for entry in entries:
        by_menu.setdefault(entry.menu, []).append(entry)
        names.setdefault(entry.menu, entry.menu_name)
    menus = []
    for slug, members in by_menu.items():
        members.sort(key=lambda e: (e.order, e.id))
        kept: dict[int, MenuLink] = {}
        parents: dict[int, int] = {e.id: e.parent for e in members}
        for entry in members:
            url = address_of(entry)
            if url is None:
                continue
            kept[entry.id] = MenuLink(entry.id, entry.title or title_of(entry) or "(untitled)", url, entry.new_window)
        top: list[MenuLink] = []
        above = _kept_above(parents, kept)
        for entry in members:
            if entry.id in kept:
                # Under the nearest kept entry above it (WordPress shows an orphan at the top).
                (kept[above[entry.id]].children if above.get(entry.id) else top).append(kept[entry.id])
        menus.append(Menu(slug, names[slug], _within_depth(top)))
    return menus


#: The most levels a menu keeps (a real one has two or three): entries deeper hang, in their
#: order, under their ancestor at the last level. JSON's and YAML's writers recurse on nesting,
#: and a chain of 200 entries stopped Jekyll's (RecursionError).
MAX_MENU_DEPTH = 32


def _within_depth(top: list[MenuLink]) -> list[MenuLink]:
    """``top`` with what lies below :data:`MAX_MENU_DEPTH` levels under the last level (no recursion)."""
    stack = [(link, 1) for link in top]
    while stack:
        link, depth = stack.pop()
        if depth < MAX_MENU_DEPTH:
            stack += [(child, depth + 1) for child in link.children]
            continue
        below: list[MenuLink] = []
        walk = list(reversed(link.children))
        while walk:
            entry = walk.pop()
            below.append(entry)
            walk += reversed(entry.children)
            entry.children.clear()
        link.children[:] = below
    return top


def _kept_above(parents: dict[int, int], kept: dict[int, MenuLink]) -> dict[int, int]:
    """Each entry's nearest kept ancestor (absent: none), in time linear in the entries: a parent
    that is not an entry of the menu is none, and entries on a cycle of parents are at the top."""
    parent = {e: p for e, p in parents.items() if p in parents and p != e}
    state: dict[int, int] = {}  # 1: on the walk being made, 2: done
    for start in list(parent):
        walk = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent.get(node)
        if node is not None and state[node] == 1:  # came round to this walk: a cycle from node
            cycle = walk[walk.index(node) :]
            for member in cycle:
                parent.pop(member, None)
        for member in walk:
            state[member] = 2
    above: dict[int, int | None] = {}
    for start in parents:
        chain = []
        node = start
        while node is not None and node not in above:
            chain.append(node)
            node = parent.get(node)
        for member in reversed(chain):  # (from the top down: each one's parent is known)
            up = parent.get(member)
            above[member] = None if up is None else up if up in kept else above[up]
    return {entry: up for entry, up in above.items() if up is not None}


def custom_address(url: str) -> str:
    """A custom entry's link as a new site may write it: a link to keep, or ''."""
    from .content.sanitize import safe_url  # (the index imports this module; content imports the index)

    return safe_url(url, relative=True) if url else ""


def targets(entries: list[MenuEntry]) -> set[int]:
    """The posts the entries point to: a writer keeps their titles as it writes them."""
    return {e.object_id for e in entries if e.kind == "post_type" and e.object_id}


def new_site_menus(
    index: SiteIndex,
    addresses: Mapping[int, tuple[str, str]],
    titles: dict[int, str],
    archive: Callable[[OldAddress], str | None] | None,
    base_url: str | None = None,
    links: ItemLinks | None = None,
) -> list[Menu]:
    """The index's menus at the addresses a writer gave the items (``addresses``: its
    :attr:`WriteResult.addresses`; ``titles``: the titles of :func:`targets` it wrote), a
    term's archive at ``archive``'s page (the engine's: :data:`wxrtool.archives.TARGETS`; none:
    ''), absolute under ``base_url``."""
    from urllib.parse import quote

    from .oldurls import OldAddress

    site = (base_url or "").rstrip("/")

    def term(entry: MenuEntry) -> tuple[str, str, str]:
        taxonomy, slug = index.term_ids.get(entry.object_id, ("", ""))
        info = index.terms.get((taxonomy, slug))
        return taxonomy, slug, info.name if info is not None else ""

    def address_of(entry: MenuEntry) -> str | None:
        if entry.kind == "post_type":
            moved = addresses.get(entry.object_id)
            return site + moved[1] if moved and moved[1] else None  # (not on the new site: left out)
        if entry.kind == "taxonomy":
            taxonomy, slug, name = term(entry)
            if not slug:
                return None
            # (its old address, as WordPress's defaults make it: an engine may keep it)
            path = "/".join(quote(s, safe="") for s in index.term_path(taxonomy, slug))
            base = {"category": "category", "post_tag": "tag"}.get(taxonomy, quote(taxonomy, safe=""))
            old = f"/{base}/{path if taxonomy == 'category' else quote(slug, safe='')}/"
            page = archive(OldAddress(old, "category", label=name, about=(taxonomy, slug))) if archive else None
            return site + page if page else ""
        if entry.kind == "post_type_archive":
            return site + "/"
        if _is_home(entry.url, index):
            return site + "/"  # the old site's home page: the new one's
        item = links.item(entry.url) if links is not None and entry.url else None
        if item is not None and item in addresses and addresses[item][1]:
            return site + addresses[item][1]  # a custom link to a page of the old site
        return "" if entry.url.strip() in ("", "#") else custom_address(entry.url) or None

    def title_of(entry: MenuEntry) -> str:
        if entry.kind == "taxonomy":
            return term(entry)[2]
        return titles.get(entry.object_id, "")

    return site_menus(index.menu_entries, address_of, title_of)


def _is_home(url: str, index: SiteIndex) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return False
    return bool(host) and host in index.hosts and parts.path.rstrip("/") == index.blog and not parts.query


class TitlesSeen:
    """The titles of the posts menu entries point to, kept as a writer writes them; with
    ``links``, also the new addresses of those and of the items custom links name, for a
    writer that keeps no :attr:`WriteResult.addresses` (Ghost's, written to a stream)."""

    def __init__(self, entries: list[MenuEntry], links: ItemLinks | None = None) -> None:
        self.wanted = targets(entries)
        named = (links.item(e.url) for e in entries if links is not None and e.kind == "custom" and e.url)
        self.linked = self.wanted | {item for item in named if item is not None}
        self.titles: dict[int, str] = {}
        self.addresses: dict[int, tuple[str, str]] = {}

    def see(self, item_id: int, title: str, address: str = "") -> None:
        if item_id in self.wanted:
            self.titles.setdefault(item_id, title)
        if address and item_id in self.linked:
            self.addresses.setdefault(item_id, ("", address))


def as_data(menus: list[Menu]) -> list[dict[str, object]]:
    """The menus as JSON- or YAML-ready data: each ``{"slug", "name", "items"}``, items nested."""
    return [{"slug": m.slug, "name": m.name, "items": [link.as_dict() for link in m.links]} for m in menus]


def by_size(menus: list[Menu]) -> list[Menu]:
    """The menus, the likeliest to be the site's main navigation first: the one with most
    entries, the first of those that tie. (A theme shows a menu at a location, such as
    ``primary``; which menu is at which location is the theme's setting, not in the export.)"""
    return sorted(menus, key=lambda menu: -len(menu.flat()))  # (sorted is stable: ties keep their order)


def one_level(menu: Menu) -> list[MenuLink]:
    """The entries a menu of one level shows (Pelican's ``MENUITEMS``, Ghost's navigation): the
    top level, where an entry with no address (a drop-down's heading, ``#``) gives its place
    to its own entries; those under an entry with an address are not shown."""
    shown: list[MenuLink] = []
    stack = list(reversed(menu.links))
    while stack:
        link = stack.pop()
        if link.url:
            shown.append(link)
        else:
            stack += reversed(link.children)
    return shown


def hugo_menus(menus: list[Menu]) -> dict[str, list[dict[str, object]]]:
    """The menus as Hugo's configuration has them: per menu, its entries, each with an
    ``identifier``, ``parent`` and ``weight`` (their order)."""
    config: dict[str, list[dict[str, object]]] = {}
    for menu in menus:
        entries = config.setdefault(menu.slug, [])
        for weight, (link, parent) in enumerate(menu.flat(), 1):
            entry: dict[str, object] = {"identifier": f"wp-{link.id}", "name": link.title, "url": link.url}
            entry["weight"] = weight
            if parent is not None:
                entry["parent"] = f"wp-{parent}"
            if link.new_window:
                entry["params"] = {"new_window": True}
            entries.append(entry)
    return config
