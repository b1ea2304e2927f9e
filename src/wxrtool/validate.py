"""``wxrtool validate``: every problem with an export, located, coded and explained.

One streaming pass reads the export as the converter would and keeps a few
numbers per item and comment (ids, GUIDs, slugs, parents), so whole-file
problems (duplicates, parents that are missing or on another post) are found
at the end without holding the content. Each :class:`Problem` has a severity
(``error``: the export is damaged or unsafe; ``warning``: data WordPress or a
migration will trip on; ``info``), a stable code, where it is and what to do.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from .errors import NotWXRError, ParseError, UnsafeXMLError, WXRError
from .read import Reader
from .records import Author, Comment, Ping, Post, Site
from .source import Source, source_name
from .threads import Promotion, build_threads, walk

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    """One problem found in an export."""

    severity: str
    code: str
    message: str
    hint: str
    file: str
    line: int | None = None
    column: int | None = None
    post_id: int | None = None
    comment_id: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        ids = f" [post {self.post_id}" + (f", comment {self.comment_id}" if self.comment_id is not None else "") + "]"
        ids = ids if self.post_id is not None else ""
        return f"{where}: {self.severity} {self.code}{ids}: {self.message} ({self.hint})"


# libxml2's words for a fatal error -> (code, hint).
_PARSE_CODES = (
    (
        r"invalid Char value|PCDATA invalid Char|Char 0x",
        "control-character",
        "the file holds control characters XML forbids; `wxrtool convert --recover` maps them out and back",
    ),
    (
        r"not proper UTF-8|Invalid bytes in char|Input is not proper",
        "invalid-utf8",
        "the file is not valid UTF-8 there; `--recover` replaces the bad bytes and lists them",
    ),
    (
        r"Namespace prefix .* is not defined",
        "undeclared-prefix",
        "an element uses a prefix the file never declares; `--recover` declares the usual ones",
    ),
    (
        r"Premature end of data|EndTag: '</' not found|Couldn't find end of Start Tag",
        "truncated",
        "the file ends in the middle of an item; `--recover` converts every complete item before the break",
    ),
    (
        r"Sequence '\]\]>' not allowed",
        "cdata-terminator",
        "an unescaped ]]> (a WordPress 3.0-era exporter bug); `--recover` escapes it",
    ),
    (
        r"EntityRef: expecting ';'|xmlParseEntityRef",
        "unescaped-ampersand",
        "a raw & in text or a URL; `--recover` escapes it",
    ),
    (
        r"Excessive depth in document",
        "too-deep",
        "elements nested deeper than 256 levels, which no WordPress export has; the file is likely hostile",
    ),
    (
        r"is not a valid URI",
        "invalid-namespace",
        "a namespace URI with characters a URI cannot hold; `--recover` percent-encodes it",
    ),
)
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u201a-\u201e\u2018-\u201d\u2020-\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e]"
)


def parse_problem(exc: WXRError, name: str) -> Problem:
    """The problem a fatal reading error stands for."""
    if isinstance(exc, UnsafeXMLError):
        code, hint = "doctype", "WordPress exports never declare a DOCTYPE or entities; remove it if you trust the file"
    elif isinstance(exc, NotWXRError):
        code = "wxr-version" if "wxr_version" in exc.message else "not-wxr"
        hint = exc.hint or "export the site again from WordPress"
    elif isinstance(exc, ParseError):
        code, hint = "not-well-formed", "the export is damaged at this point"
        for pattern, candidate, advice in _PARSE_CODES:
            if re.search(pattern, exc.message):
                code, hint = candidate, advice
                break
    else:
        code, hint = "unreadable", exc.hint or "check the file"
    return Problem("error", code, exc.message, hint, exc.file or name, exc.line, exc.column)


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` holds UTF-8 that was read as Latin-1/Windows-1252 somewhere on the way.

    >>> looks_like_mojibake("CafÃ© â€” donâ€\u2122t"), looks_like_mojibake("Café — don\u2019t")
    (True, False)
    """
    if not _MOJIBAKE.search(text):
        return False
    for codec in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if repaired != text:
            return True
    return bool(len(_MOJIBAKE.findall(text)) >= 2)


@dataclass
class _Seen:
    post_ids: Counter[int]
    post_lines: dict[int, int | None]
    types: dict[int, str]
    guids: dict[str, int]
    slugs: dict[tuple[str, int, str], int]
    comment_post: dict[int, int]
    parent_refs: list[tuple[int, int, int, int | None]]  # (post, comment, parent, line)
    item_parents: list[tuple[int, str, int, int | None]]  # (item, type, parent, line)
    thumbnails: list[tuple[int, int, int | None]]  # (item, thumbnail id, line)
    creators: list[tuple[int, str, int | None]]


class Validator:
    """Collects problems for one export; iterate :meth:`problems`."""

    def __init__(self, source: Source, *, recover: bool = False) -> None:
        self.source = source
        self.name = source_name(source)
        self.recover = recover

    def problems(self) -> Iterator[Problem]:
        """Every problem, in file order, whole-file ones at the end."""
        seen = _Seen(Counter(), {}, {}, {}, {}, {}, [], [], [], [])
        authors: set[str] = set()
        declared_authors = False
        reader = Reader(self.source, recover=self.recover)
        try:
            for record in reader:
                if isinstance(record, Post):
                    yield from self._item(record, seen)
                elif isinstance(record, Author):
                    declared_authors = True
                    authors.add(record.login)
                elif isinstance(record, Site):
                    continue
        except WXRError as exc:
            yield parse_problem(exc, self.name)
        for repair in reader.repairs:
            severity = "warning" if repair.kind in ("invalid-utf8", "invalid-reference", "unreadable-rest") else "info"
            yield Problem(
                severity,
                f"repaired-{repair.kind}",
                repair.detail,
                "repaired by --recover; fix the source to make it unnecessary",
                self.name,
                repair.line or None,
                repair.column or None,
            )
        yield from self._whole_file(seen, authors if declared_authors else None)

    def _problem(self, severity: str, code: str, message: str, hint: str, **where: Any) -> Problem:
        return Problem(severity, code, message, hint, self.name, **where)

    def _item(self, post: Post, seen: _Seen) -> Iterator[Problem]:
        at = {"line": post.line, "post_id": post.id}
        seen.post_ids[post.id] += 1
        seen.post_lines.setdefault(post.id, post.line)
        seen.types.setdefault(post.id, post.type)
        if seen.post_ids[post.id] == 2:
            yield self._problem(
                "warning",
                "duplicate-post-id",
                f"post id {post.id} is used again (first at line {seen.post_lines[post.id]})",
                "WordPress's importer skips the second item; give it a new id or merge the two",
                **at,
            )
        if post.guid:
            first = seen.guids.setdefault(post.guid, post.id)
            if first != post.id:
                yield self._problem(
                    "warning",
                    "duplicate-guid",
                    f"GUID {post.guid!r} is also item {first}'s",
                    "feed readers and importers treat the two as one item",
                    **at,
                )
        if post.slug and post.status == "publish" and post.type not in ("attachment", "nav_menu_item"):
            key = (post.type, post.parent, post.slug.lower())
            first = seen.slugs.setdefault(key, post.id)
            if first != post.id:
                yield self._problem(
                    "warning",
                    "duplicate-slug",
                    f"slug {post.slug!r} is also item {first}'s",
                    "two published items at one address: rename one (wxrtool adds -<id> to the second)",
                    **at,
                )
        if post.slug in ("/", "..", ".") or "/" in post.slug or "\\" in post.slug or ".." in post.slug.split("/"):
            yield self._problem(
                "warning",
                "unsafe-slug",
                f"slug {post.slug_raw!r} decodes to {post.slug!r}",
                "a path separator or dot-dot in a slug could write outside a folder; wxrtool strips them",
                **at,
            )
        if post.status == "publish" and post.date is None and post.type not in ("attachment", "nav_menu_item"):
            yield self._problem(
                "warning",
                "published-without-date",
                "a published item has no date",
                "set post_date, or engines will give it the build date",
                **at,
            )
        for meta in post.meta:
            if meta.broken:
                yield self._problem(
                    "warning",
                    "broken-serialized-meta",
                    f"meta {meta.key!r} looks PHP-serialized but does not decode",
                    "string lengths were likely broken by a search-and-replace on the database; it is kept as text",
                    **at,
                )
        for text, what in ((post.title, "title"), (post.content_html[:20000], "content")):
            if looks_like_mojibake(text):
                yield self._problem(
                    "warning",
                    "mojibake",
                    f"the {what} looks like UTF-8 read as Latin-1",
                    "the database was likely converted twice; fix the text in WordPress or re-encode",
                    **at,
                )
                break
        if post.parent:
            seen.item_parents.append((post.id, post.type, post.parent, post.line))
        thumbnail = post.meta_value("_thumbnail_id")
        if thumbnail and thumbnail.strip().isdigit():
            seen.thumbnails.append((post.id, int(thumbnail), post.line))
        seen.creators.append((post.id, post.author, post.line))
        yield from self._responses(post, seen)

    def _responses(self, post: Post, seen: _Seen) -> Iterator[Problem]:
        responses: list[Comment | Ping] = [*post.comments, *post.pings]
        for c in responses:
            if c.id in seen.comment_post and seen.comment_post[c.id] != post.id:
                yield self._problem(
                    "warning",
                    "duplicate-comment-id",
                    f"comment id {c.id} is also on post {seen.comment_post[c.id]}",
                    "the importer keeps only one of them",
                    line=c.line,
                    post_id=post.id,
                    comment_id=c.id,
                )
            seen.comment_post.setdefault(c.id, post.id)
            if looks_like_mojibake(c.content_html[:5000]):
                yield self._problem(
                    "warning",
                    "mojibake",
                    "the comment looks like UTF-8 read as Latin-1",
                    "the database was likely converted twice",
                    line=c.line,
                    post_id=post.id,
                    comment_id=c.id,
                )
        for node, _ in walk(build_threads(post.comments)):
            c = node.comment
            where = {"line": c.line, "post_id": post.id, "comment_id": c.id}
            if node.promoted is Promotion.CYCLE:
                yield self._problem(
                    "warning",
                    "comment-parent-cycle",
                    f"comment {c.id} is part of a cycle of parents",
                    "wxrtool breaks it at this comment, which becomes top level",
                    **where,
                )
            elif node.promoted is Promotion.SELF_PARENT:
                yield self._problem(
                    "warning",
                    "comment-self-parent",
                    f"comment {c.id} names itself as its parent",
                    "it is shown as a top-level comment",
                    **where,
                )
            elif node.promoted is Promotion.MISSING_PARENT:
                seen.parent_refs.append((post.id, c.id, c.parent, c.line))

    def _whole_file(self, seen: _Seen, authors: set[str] | None) -> Iterator[Problem]:
        for post_id, comment_id, parent, line in seen.parent_refs:
            where = {"line": line, "post_id": post_id, "comment_id": comment_id}
            other = seen.comment_post.get(parent)
            if other is not None and other != post_id:
                yield self._problem(
                    "warning",
                    "comment-parent-on-other-post",
                    f"comment {comment_id}'s parent {parent} is on post {other}",
                    "it is shown as a top-level comment of its own post",
                    **where,
                )
            else:
                yield self._problem(
                    "warning",
                    "comment-parent-missing",
                    f"comment {comment_id}'s parent {parent} is not in the export",
                    "it is shown as a top-level comment; the parent was deleted or is spam",
                    **where,
                )
        for item_id, item_type, parent, line in seen.item_parents:
            if parent not in seen.post_ids and item_type in ("attachment", "page"):
                yield self._problem(
                    "warning",
                    f"{item_type}-parent-missing",
                    f"{item_type} {item_id}'s parent {parent} is not in the export",
                    "it will be imported without a parent",
                    line=line,
                    post_id=item_id,
                )
        for item_id, thumbnail, line in seen.thumbnails:
            if seen.types.get(thumbnail) != "attachment":
                yield self._problem(
                    "warning",
                    "thumbnail-missing",
                    f"featured image {thumbnail} is not an attachment in the export",
                    "export the media too, or the post loses its featured image",
                    line=line,
                    post_id=item_id,
                )
        if authors is None:
            return
        for item_id, creator, line in seen.creators:
            if creator and creator not in authors:
                yield self._problem(
                    "warning",
                    "unknown-author",
                    f"dc:creator {creator!r} has no <wp:author> entry",
                    "WordPress's importer will ask to map it or give the item to the importing user",
                    line=line,
                    post_id=item_id,
                )


def validate(source: Source, *, recover: bool = False) -> list[Problem]:
    """All the problems of one export.

    >>> [p.code for p in validate(samples / "drafts-and-pages.xml")]  # doctest: +NORMALIZE_WHITESPACE
    ['broken-serialized-meta', 'comment-parent-cycle', 'comment-self-parent', 'comment-parent-missing']
    """
    return list(Validator(source, recover=recover).problems())


def summary(problems: list[Problem]) -> dict[str, int]:
    """Problems counted by severity."""
    counts = Counter(p.severity for p in problems)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def as_json(results: dict[str, list[Problem]]) -> dict[str, Any]:
    """The ``--json`` document: per file, its problems and their counts."""
    files: list[dict[str, Any]] = []
    totals: defaultdict[str, int] = defaultdict(int)
    for name, problems in results.items():
        counts = summary(problems)
        files.append({"file": name, "summary": counts, "problems": [asdict(p) for p in problems]})
        for severity, n in counts.items():
            totals[severity] += n
    return {"files": files, "summary": {s: totals[s] for s in SEVERITIES}}
