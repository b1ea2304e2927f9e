"""Typed records: what a WXR export holds, one frozen dataclass per kind.

The reader (:mod:`wxrtool.read`) yields these and nothing else; every writer,
``stats`` and ``validate`` consume them. Closed sets (comment status, ping type)
are enums; open sets that plugins extend (post types, post statuses, taxonomies,
custom comment types) stay plain strings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar, Union

from .phpserial import decode_serialized, looks_serialized

_D = TypeVar("_D")

TAGS_AND_CATEGORIES = frozenset({"category", "post_tag"})
"""The taxonomies every WordPress site has: any other is a plugin's or a theme's (a custom one)."""


def pickled_by_fields(cls: type[_D]) -> type[_D]:
    """Pickle a frozen, slotted dataclass as its class and field values.

    Records cross between processes by the thousand (``--jobs``); the generic
    ``__getstate__``/``__setstate__`` that dataclasses give slotted classes look the
    fields up again for every record, which took twice as long as this.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values = attrgetter(*names)

    def __reduce__(self: _D) -> tuple[type[_D], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class CommentStatus(enum.StrEnum):
    """Moderation state of a comment or ping (``wp:comment_approved``)."""

    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"
    TRASH = "trash"
    POST_TRASHED = "post-trashed"


class PingType(enum.StrEnum):
    """The two kinds of ping WordPress records among comments."""

    PINGBACK = "pingback"
    TRACKBACK = "trackback"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Meta:
    """One ``wp:postmeta``, ``wp:commentmeta`` or ``wp:termmeta`` entry.

    ``value`` is the text exactly as exported. ``serialized`` tells whether it has
    the shape of PHP ``serialize()`` output; ``decoded`` is its Python form
    (dicts, lists, str, int, float, bool, None) when it decodes safely, else
    ``None``; both are worked out only when asked for.
    """

    key: str
    value: str

    @property
    def serialized(self) -> bool:
        """Whether the value looks PHP-serialized (WordPress's ``is_serialized()``)."""
        return looks_serialized(self.value)

    @property
    def decoded(self) -> Any:
        """The decoded value of a PHP-serialized meta, or ``None``."""
        return decode_serialized(self.value) if self.serialized else None

    @property
    def broken(self) -> bool:
        """A value shaped like PHP serialization that does not decode."""
        return self.serialized and self.decoded is None and self.value.strip() != "N;"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Site:
    """The channel header: the blog itself."""

    title: str
    link: str
    description: str
    language: str
    base_site_url: str
    base_blog_url: str
    wxr_version: str
    generator: str
    exported: datetime | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Author:
    """A ``wp:author`` entry of the header (WXR 1.1 and later)."""

    login: str
    id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    line: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Term:
    """A category, tag or custom taxonomy term declared in the header.

    ``parent`` is the parent's slug, as WordPress exports it (empty: top level).
    """

    taxonomy: str
    slug: str
    name: str
    id: int | None = None
    parent: str = ""
    description: str = ""
    meta: tuple[Meta, ...] = ()
    line: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TermRef:
    """An item's ``<category domain=... nicename=...>`` reference to a term."""

    taxonomy: str
    slug: str
    name: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Comment:
    """A comment (``comment_type`` empty, ``comment`` or a custom type).

    ``parent`` is ``wp:comment_parent`` as exported (0: top level); reply trees
    are built from it by :func:`wxrtool.threads.build_threads`, which never
    changes this value.
    """

    id: int
    post_id: int
    parent: int
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: datetime | None
    date_utc: datetime | None
    content_html: str
    status: CommentStatus
    type: str = "comment"
    user_id: int = 0
    meta: tuple[Meta, ...] = ()
    line: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Ping:
    """A pingback or trackback: kept apart from comments, never threaded."""

    id: int
    post_id: int
    type: PingType
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: datetime | None
    date_utc: datetime | None
    content_html: str
    status: CommentStatus
    parent: int = 0
    meta: tuple[Meta, ...] = ()
    line: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Post:
    """An item of any ``post_type``: post, page, attachment, nav menu item, custom.

    ``slug`` is ``wp:post_name`` percent-decoded once; ``slug_raw`` is the value
    as exported. ``date`` carries the UTC offset computed from ``post_date`` and
    ``post_date_gmt``; ``date_utc`` is ``None`` when the export did not record it.
    """

    id: int
    type: str
    status: str
    title: str
    slug: str
    slug_raw: str
    link: str
    guid: str
    date: datetime | None
    date_utc: datetime | None
    modified: datetime | None
    modified_utc: datetime | None
    author: str
    content_html: str
    excerpt_html: str
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    comment_status: str = ""
    ping_status: str = ""
    attachment_url: str = ""
    terms: tuple[TermRef, ...] = ()
    meta: tuple[Meta, ...] = ()
    comments: tuple[Comment, ...] = ()
    pings: tuple[Ping, ...] = ()
    line: int | None = None
    date_offset_known: bool = field(default=True, compare=False)

    @property
    def categories(self) -> list[str]:
        """Names of the item's categories, in export order."""
        return [t.name for t in self.terms if t.taxonomy == "category"]

    @property
    def tags(self) -> list[str]:
        """Names of the item's tags, in export order."""
        return [t.name for t in self.terms if t.taxonomy == "post_tag"]

    def meta_value(self, key: str) -> str | None:
        """The first meta value stored under ``key``, or ``None``."""
        for m in self.meta:
            if m.key == key:
                return m.value
        return None


Record = Union[Site, Author, Term, Post]  # noqa: UP007 (a runtime alias, Python 3.10 compatible)
"""Anything :func:`wxrtool.read` yields. Comments and pings travel inside their post."""
