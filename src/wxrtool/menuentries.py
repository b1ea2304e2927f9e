"""A navigation menu's entries as the export has them: what the index pass keeps of each
``nav_menu_item`` (:mod:`wxrtool.menus` makes the menus of them, at the new site's addresses).

An entry is an item of type ``nav_menu_item`` in a term of the ``nav_menu`` taxonomy (its
menu), its place and target in its meta: ``_menu_item_type``, ``_menu_item_object``,
``_menu_item_object_id``, ``_menu_item_menu_item_parent``, ``_menu_item_url`` and
``_menu_item_target``, in ``menu_order``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .quirks import parse_id
from .records import Post, pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One entry of a menu, as the export has it."""

    id: int
    menu: str  # the menu's slug
    menu_name: str
    title: str
    order: int
    parent: int  # the entry it hangs under (0: the top)
    kind: str  # post_type, taxonomy, custom, post_type_archive
    object: str  # page, post, category, post_tag, custom...
    object_id: int
    url: str  # a custom link's address
    new_window: bool


def entry_of(post: Post) -> MenuEntry | None:
    """The menu entry ``post`` is (``None`` for an item that is not one, or in no menu)."""
    menu = next((ref for ref in post.terms if ref.taxonomy == "nav_menu"), None)
    if post.type != "nav_menu_item" or menu is None:
        return None

    def meta(key: str) -> str:
        return (post.meta_value(key) or "").strip()

    def number(key: str) -> int:
        value = meta(key)
        found = parse_id(value)
        return 0 if found is None else found

    return MenuEntry(
        id=post.id,
        menu=menu.slug or menu.name,
        menu_name=_shown(menu.name) or menu.slug,
        title=_shown(post.title),
        order=post.menu_order,
        parent=number("_menu_item_menu_item_parent"),
        kind=meta("_menu_item_type") or "custom",
        object=meta("_menu_item_object"),
        object_id=number("_menu_item_object_id"),
        url=meta("_menu_item_url"),
        new_window=meta("_menu_item_target") == "_blank",
    )


_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")


def _shown(title: str) -> str:
    # A title as WordPress prints it, HTML: its tags not shown, its entities shown decoded.
    return " ".join(html.unescape(_TAG.sub("", title)).split())
