"""What gets written, and an account of everything that did not.

By default wxrtool writes what a visitor of the blog could see: published items
(an attachment's ``inherit`` status follows its parent), approved comments and
pings, no e-mail or IP addresses, never a post password. A :class:`Selection`
widens that; a :class:`Selector` applies it to a stream of records and keeps the
:class:`~wxrtool.account.Account`, so that read = written + left out, by reason, always.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from .account import Account, Reason
from .records import Author, Comment, CommentStatus, Ping, Post, Record
from .sitestore import SpillMap

ResponseT = TypeVar("ResponseT", Comment, Ping)


# WordPress's own post statuses and types (plugins add their own: an unknown one is kept).
WORDPRESS_STATUSES = ("publish", "draft", "pending", "private", "future", "trash", "inherit", "auto-draft")
WORDPRESS_TYPES = ("post", "page", "attachment", "nav_menu_item", "revision", "wp_block", "wp_navigation")


def likely_typos(given: frozenset[str] | None, known: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each ``(value, the known one it is close to)`` of ``given`` that is not a known value but
    one letter or two off one (``publsh``: ``publish``): a plugin's own is rarely that close.

    >>> likely_typos(frozenset({"publsh", "wc-completed", "draft"}), WORDPRESS_STATUSES)
    [('publsh', 'publish')]
    """
    import difflib

    found = []
    for value in sorted(given or ()):
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
            if close and abs(len(close[0]) - len(value)) <= 2:  # ('subtitle' is no 'title' misspelled)
                found.append((value, close[0]))
    return found


COMMENT_CHOICES = ("approved", "all", "none")
"""What ``--comments`` takes: approved comments and pings, all of them, or none."""


@dataclass(frozen=True)
class Selection:
    """Which records a writer receives.

    Parameters:
        statuses: post statuses to keep (``None``: all). Attachments whose status
            is ``inherit`` are judged by their parent's status.
        types: post types to keep (``None``: all).
        comments: ``"approved"`` (the default), ``"all"`` or ``"none"`` (posts without
            their conversation, for a site whose comments move to a comment system);
            applies to pings too.
        personal_data: keep commenters' e-mail and IP addresses, authors' e-mail
            addresses and comment meta (where Akismet keeps both).
        protected: keep password-protected items (their password is never written).
        exclude_types: post types to leave out (a writer's default, such as menu
            items for Markdown); ignored when ``types`` names types.
        since, until: keep items dated on or after ``since`` and on or before
            ``until`` (their local date); undated items are kept.

    >>> Selection.everything().statuses is None
    True
    """

    statuses: frozenset[str] | None = frozenset({"publish"})
    types: frozenset[str] | None = None
    comments: str = "approved"
    personal_data: bool = False
    protected: bool = False
    exclude_types: frozenset[str] = frozenset()
    since: date | None = None
    until: date | None = None

    def keeps_type(self, kind: str) -> bool:
        """Whether items of post type ``kind`` are asked for (``types``, else not a format's ``exclude_types``)."""
        return kind in self.types if self.types is not None else kind not in self.exclude_types

    def may_keep(self, kind: str, status: str, parent_status: str | None) -> bool:
        """Whether an item of post type ``kind`` and ``status`` passes the type and status filters
        (``parent_status``: its parent's, for an attachment that inherits it; ``None``: not known,
        taken as published, as :class:`Selector` takes it): what a writer can tell from the site
        index of an item another names by id, its dates and password aside.

        >>> Selection(types=frozenset({"post"})).may_keep("attachment", "inherit", "publish")
        False
        >>> Selection().may_keep("attachment", "inherit", "draft"), Selection().may_keep("page", "publish", None)
        (False, True)
        """
        if not self.keeps_type(kind):
            return False
        if self.statuses is None:
            return True
        return (parent_status or "publish" if status == "inherit" else status) in self.statuses

    @classmethod
    def everything(cls) -> Selection:
        """Every record, personal data included (what ``--all`` asks for)."""
        return cls(statuses=None, types=None, comments="all", personal_data=True, protected=True)


class Selector:
    """Applies a :class:`Selection` to a record stream and keeps the :class:`Account`.

    >>> selector = Selector(Selection())
    >>> records = selector.apply([])
    >>> list(records), selector.account.balanced()
    ([], True)
    """

    def __init__(
        self,
        selection: Selection | None = None,
        account: Account | None = None,
        known: Callable[[int], str | None] | None = None,
    ) -> None:
        self.selection = selection or Selection()
        self.account = account if account is not None else Account()
        # The export's status of an item by id, from a first pass over it (the site index), for a
        # parent not read yet: an attachment comes before its draft parent when it was attached
        # to a newer post in the media library.
        self.known = known
        # Status of every item seen, for attachments that inherit their parent's.
        self.status: SpillMap[int, str] = SpillMap()  # (on disk when many)
        # Parents looked up before they were read (or never read): taken as published.
        self.assumed: set[int] = set()

    def apply(self, records: Iterable[Record]) -> Iterator[Record]:
        """Yield the records the selection keeps, trimmed of what it leaves out."""
        for record in records:
            if isinstance(record, Post):
                kept = self.post(record)
                if kept is not None:
                    yield kept
            elif isinstance(record, Author) and not self.selection.personal_data:
                yield dataclasses.replace(record, email="")
            else:
                yield record

    def _item_reason(self, post: Post) -> str | None:
        sel = self.selection
        if not sel.keeps_type(post.type):
            return Reason.TYPE.of(post.type)
        day = post.date.date() if post.date is not None else None
        if day is not None and ((sel.since and day < sel.since) or (sel.until and day > sel.until)):
            return Reason.DATE.of()
        if sel.statuses is None:
            pass
        elif post.status == "inherit":
            # A parent not read yet (rare: WordPress exports by ascending id) or
            # absent counts as published, as WordPress shows unattached media.
            parent = self.status.get(post.parent)
            if parent is None and self.known is not None:
                parent = self.known(post.parent)
            if parent is None:
                self.assumed.add(post.parent)
                parent = "publish"
            if parent not in sel.statuses:
                return Reason.PARENT_LEFT_OUT.of()
        elif post.status not in sel.statuses:
            return Reason.STATUS.of(post.status)
        if post.password and not sel.protected:
            return Reason.PASSWORD.of()
        return None

    def post(self, post: Post) -> Post | None:
        """The post as the selection keeps it, or ``None`` when it is left out."""
        self.status[post.id] = post.status
        account = self.account
        account.read["items"] += 1
        account.read["comments"] += len(post.comments)
        account.read["pings"] += len(post.pings)
        reason = self._item_reason(post)
        if reason is not None:
            account.leave_out("items", reason)
            account.leave_out("comments", Reason.ITEM_LEFT_OUT.of(), len(post.comments))
            account.leave_out("pings", Reason.ITEM_LEFT_OUT.of(), len(post.pings))
            return None
        if self.selection.comments == "none":
            account.leave_out("comments", Reason.NOT_ASKED.of(), len(post.comments))
            account.leave_out("pings", Reason.NOT_ASKED.of(), len(post.pings))
            account.written["items"] += 1
            if not post.comments and not post.pings:
                return post
            return dataclasses.replace(post, comments=(), pings=())
        everything = self.selection.comments == "all"
        comments = [c for c in post.comments if everything or c.status is CommentStatus.APPROVED]
        pings = [p for p in post.pings if everything or p.status is CommentStatus.APPROVED]
        for c in post.comments:
            if not everything and c.status is not CommentStatus.APPROVED:
                account.leave_out("comments", Reason.MODERATION.of(c.status.value))
        for p in post.pings:
            if not everything and p.status is not CommentStatus.APPROVED:
                account.leave_out("pings", Reason.MODERATION.of(p.status.value))
        if not self.selection.personal_data:
            # (Nothing to do for a reader told to leave personal data out: the usual case.)
            comments = [_impersonal(c) for c in comments]
            pings = [_impersonal(p) for p in pings]
        account.written["items"] += 1
        account.written["comments"] += len(comments)
        account.written["pings"] += len(pings)
        # The password stays on the record so writers can mark the item protected;
        # no writer but WXR ever writes it.
        if _same(comments, post.comments) and _same(pings, post.pings):
            return post  # nothing left out or changed: the record as read
        return dataclasses.replace(post, comments=tuple(comments), pings=tuple(pings))


def _same(kept: list[Any], read: tuple[Any, ...]) -> bool:
    return len(kept) == len(read) and all(a is b for a, b in zip(kept, read, strict=True))


def _impersonal(response: ResponseT) -> ResponseT:
    if response.author_email or response.author_ip or response.meta:
        return dataclasses.replace(response, author_email="", author_ip="", meta=())
    return response
