"""The account of a conversion: every record read was written or left out, and why.

:class:`Account` counts records by kind (items, comments, pings): read, written, and
left out by *reason*. A reason is data (:class:`Reason`): a code, and for some a
detail (``status:draft``, ``type:attachment``, ``not-in-ghost``); each code has one
sentence that explains it (:meth:`Reason.explain`), listed in the ``--report`` JSON.
Besides the counts: what a format's writer reported (media placed and missing,
redirects it could not write), what the content steps noted, and repairs made to a
damaged export.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .records import CommentStatus
from .recover import Repair
from .terminal import printable
from .update import Update

KINDS = ("items", "comments", "pings")


class Reason(enum.Enum):
    """Why records were left out: ``(code, whether it takes a detail, what it means)``."""

    STATUS = ("status", True, "the item's status is not among those asked for (--status; publish by default)")
    TYPE = ("type", True, "the item's post type was not asked for (--type), or the format leaves it out")
    DATE = ("date", False, "the item is dated outside --since and --until")
    PARENT_LEFT_OUT = ("parent-left-out", False, "an attachment that inherits the status of a parent left out")
    PASSWORD = ("password", False, "the item is password-protected (--all keeps it, never its password)")
    ITEM_LEFT_OUT = ("item-left-out", False, "a comment or ping of an item that was left out")
    MODERATION = ("", True, "a comment or ping not approved (--comments all keeps it): the detail is its state")
    NOT_ASKED = ("not-asked", False, "no comment or ping was asked for (--comments none)")
    NOT_IN = ("not-in", True, "the format has no place for this kind of record: the detail names the format")

    def __init__(self, code: str, detailed: bool, meaning: str) -> None:
        self.code, self.detailed, self.meaning = code, detailed, meaning

    def of(self, detail: str = "") -> str:
        """The reason as the account writes it: ``status:draft``, ``date``, ``spam``.

        >>> Reason.STATUS.of("draft"), Reason.DATE.of(), Reason.MODERATION.of("spam"), Reason.NOT_IN.of("ghost")
        ('status:draft', 'date', 'spam', 'not-in-ghost')
        """
        if not self.code:
            return detail
        if self is Reason.NOT_IN:
            return f"{self.code}-{detail}"  # (written so since the first release)
        return f"{self.code}:{detail}" if self.detailed else self.code

    @classmethod
    def explain(cls, written: str) -> str:
        """The sentence for a reason as the account writes it.

        >>> print(Reason.explain("status:draft"))
        the item's status is not among those asked for (--status; publish by default)
        """
        for reason in cls:
            if reason.code and (written == reason.code or written.startswith((reason.code + ":", reason.code + "-"))):
                return reason.meaning
        # A moderation state is written as it is ("spam"), with no code before it.
        return cls.MODERATION.meaning if written in {s.value for s in CommentStatus} else ""


@dataclass
class Account:
    """Counts of records read, written and left out (by reason), per kind."""

    read: Counter[str] = field(default_factory=Counter)
    written: Counter[str] = field(default_factory=Counter)
    left_out: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    repairs: list[Repair] = field(default_factory=list)
    media_copied: int = 0
    media_missing: list[str] = field(default_factory=list)
    redirects_refused: list[tuple[str, str, str]] = field(default_factory=list)  # (old, new, why)
    # Links between items (wxrtool.itemlinks): pointed at the new addresses, and kept as they
    # were because the output does not have the item they name: (file, link).
    links_rewritten: int = 0
    links_kept: list[tuple[str, str]] = field(default_factory=list)
    # What the content steps counted: "post-as-html:<error>" (a post whose conversion
    # failed, written as sanitized HTML), "url-dropped" (a URL that was not one to keep).
    content: Counter[str] = field(default_factory=Counter)
    # --update: the files changed, added, removed, unchanged, and those kept as the user left them.
    update: Update | None = None

    def leave_out(self, kind: str, reason: str, count: int = 1) -> None:
        """Record ``count`` records of ``kind`` left out for ``reason`` (a :meth:`Reason.of`)."""
        if count:
            self.left_out[kind][reason] += count

    def add(self, other: Account) -> None:
        """Add the counts of ``other`` (an account of another stretch of the same export).

        Only counts: media, redirects and repairs are the whole output's, set once at the end.
        """
        self.read.update(other.read)
        self.written.update(other.written)
        for kind in KINDS:
            self.left_out[kind].update(other.left_out[kind])
        self.content.update(other.content)

    def balanced(self) -> bool:
        """Whether every record read was either written or left out."""
        return all(self.read[k] == self.written[k] + sum(self.left_out[k].values()) for k in KINDS)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"read": ..., "written": ..., "left_out": ...}``."""
        return {
            "read": {k: self.read[k] for k in KINDS},
            "written": {k: self.written[k] for k in KINDS},
            "left_out": {k: dict(sorted(self.left_out[k].items())) for k in KINDS},
            "media": {"placed": self.media_copied, "not_downloaded": self.media_missing},
            "redirects_left_out": [{"old": o, "new": n, "reason": r} for o, n, r in self.redirects_refused],
            "links": {
                "rewritten": self.links_rewritten,
                "to_items_left_out": [{"file": f, "link": link} for f, link in self.links_kept],
            },
            "content": dict(sorted(self.content.items())),
            **({"update": self.update.as_dict()} if self.update is not None else {}),
            "repairs": [{"line": r.line, "column": r.column, "kind": r.kind, "detail": r.detail} for r in self.repairs],
            "reasons": {r: Reason.explain(r) for r in sorted({r for k in KINDS for r in self.left_out[k]})},
        }

    def nothing_written(self) -> str | None:
        """What to say when no item was written though the export was read: every item read left
        out (a filter that kept nothing), or none read before the export broke off (``--recover``);
        ``None`` otherwise.

        >>> account = Account(read=Counter(items=3))
        >>> account.leave_out("items", "status:draft", 3)
        >>> account.nothing_written()
        'no item was written: the 3 read were all left out (status:draft 3)'
        >>> threads = Account(read=Counter(items=3), written=Counter(comments=5))
        >>> threads.leave_out("items", "not-in-disqus", 3)
        >>> threads.nothing_written() is None
        True
        """
        if self.written["items"] or self.update is not None:
            return None
        out = self.left_out["items"]
        if (
            out
            and all(r.startswith(Reason.NOT_IN.code + "-") for r in out)
            and (self.written["comments"] or self.written["pings"])
        ):
            return None  # (a comment system's format: the threads were written, the items are no place there)
        if self.read["items"] and out:
            reasons = ", ".join(f"{r} {n}" for r, n in sorted(out.items()))
            return f"no item was written: the {self.read['items']} read were all left out ({reasons})"
        broke = next((r for r in self.repairs if r.kind == "unreadable-rest"), None)
        if not self.read["items"] and broke is not None:
            return f"no item was written: the export breaks off at line {broke.line} before its first item ends"
        return None

    def summary(self) -> str:
        """One line per kind, for people: ``items: 12 read, 10 written, 2 left out (status:draft 2)``."""
        lines = []
        for k in KINDS:
            out = self.left_out[k]
            line = f"{k}: {self.read[k]} read, {self.written[k]} written"
            if out:
                reasons = ", ".join(f"{r} {n}" for r, n in sorted(out.items()))
                line += f", {sum(out.values())} left out ({reasons})"
            lines.append(line)
        if self.media_copied or self.media_missing:
            lines.append(f"media: {self.media_copied} placed with their posts, {len(self.media_missing)} kept as links")
            lines += [f"  not downloaded: {printable(url)}" for url in self.media_missing[:20]]
            if len(self.media_missing) > 20:
                lines.append(f"  ... and {len(self.media_missing) - 20} more (see --report)")
        if self.redirects_refused:
            lines.append(f"redirects: {len(self.redirects_refused)} left out of the redirect file")
            lines += [f"  {printable(old)} -> {printable(new)}: {why}" for old, new, why in self.redirects_refused[:20]]
            if len(self.redirects_refused) > 20:
                lines.append(f"  ... and {len(self.redirects_refused) - 20} more (see --report)")
        if self.links_rewritten or self.links_kept:
            lines.append(
                f"links between items: {self.links_rewritten} pointed at their new addresses, "
                f"{len(self.links_kept)} to items left out kept as they were"
            )
            lines += [f"  {printable(f) + ': ' if f else ''}{printable(link)}" for f, link in self.links_kept[:20]]
            if len(self.links_kept) > 20:
                lines.append(f"  ... and {len(self.links_kept) - 20} more (see --report)")
        if self.update is not None:
            lines += [printable(line) for line in self.update.summary()]
        if self.content:
            lines.append("content: " + ", ".join(f"{reason} {n}" for reason, n in sorted(self.content.items())))
        if self.repairs:
            kinds = Counter(r.kind for r in self.repairs)
            lines.append(
                f"repairs: {len(self.repairs)} (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")"
            )
        return "\n".join(lines)
