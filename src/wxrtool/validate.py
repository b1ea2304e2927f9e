"""``wxrtool validate``: every problem with an export, located, coded and explained.

One streaming pass reads the export as the converter would and keeps a few
numbers per item and comment (ids, GUIDs, slugs, parents), so whole-file
problems (duplicates, parents that are missing or on another post) are found
at the end without holding the content. What the records no longer show (a
meta element without its key, a date in a form WordPress does not write, an
author without an id) is looked for in each element as it is read
(:class:`_Reader`). Each :class:`Problem` has a severity
(``error``: the export is damaged or unsafe; ``warning``: data WordPress or a
migration will trip on; ``info``), a stable code, where it is and what to do.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from . import quirks
from .errors import NotWXRError, ParseError, PartsError, UnsafeXMLError, WXRError
from .exportfiles import check_parts, parts_not_given
from .read import Reader, check_same_site
from .records import Author, Comment, Ping, Post, Site, Term
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
        r"invalid Char value|PCDATA invalid Char|Char 0x|a character XML forbids",
        "control-character",
        "the file holds control characters XML forbids; `wxrtool convert --recover` maps them out and back",
    ),
    (
        r"is an entity XML does not define",
        "html-entity",
        "WordPress writes the site's title and tagline as typed, HTML's entities too;"
        " `wxrtool convert --recover` replaces them by their characters",
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
        r"Premature end of data|EndTag: '</' not found|Couldn't find end of Start Tag|the export is cut short",
        "truncated",
        "the file is incomplete: export it again; `--recover` converts every complete item before the break",
    ),
    (
        r"Sequence '\]\]>' not allowed|a \]\]> inside a CDATA section ended it early",
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
    elif isinstance(exc, PartsError):  # (a zip's parts: as those given on the command line)
        code, hint = "parts-missing", exc.hint or ""
    elif isinstance(exc, ParseError):
        code, hint = "not-well-formed", exc.hint or "the export is damaged at this point"
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


# WordPress writes every date in this one form, local or GMT (or zeros: no date).
_WP_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_ITEM_DATES = ("wp:post_date", "wp:post_date_gmt", "wp:post_modified", "wp:post_modified_gmt")
_COMMENT_DATES = ("wp:comment_date", "wp:comment_date_gmt")
_META_PARTS = ("wp:meta_key", "wp:meta_value")


def _as_written(text: str) -> datetime | None:
    """The moment a date's text states, with the offset it states if any (the reader drops it;
    so does this, for an offset of a day or more, which no zone has and Python cannot write)."""
    value = _parsed(text)
    if value is None or value.tzinfo is None:
        return value
    try:
        value.utcoffset()
    except ValueError:
        return value.replace(tzinfo=None)
    return value


def _parsed(text: str) -> datetime | None:
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text)
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        return email.utils.parsedate_to_datetime(text)
    import warnings

    from dateutil import parser as dateutil_parser  # rarely needed: imported then

    if len(text) > quirks.DATEUTIL_LONGEST:
        return None  # (what the reader reads as no date: see quirks.DATEUTIL_LONGEST)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (a zone it does not know: the date is read without it)
            return dateutil_parser.parse(text)
    except (ValueError, OverflowError, ArithmeticError):
        return None


def _real(text: str) -> bool:
    """Whether a date in WordPress's form names a day of the calendar (one at its edge too)."""
    with contextlib.suppress(ValueError):
        return bool(datetime.fromisoformat(text))
    return False


def _wp_form(value: datetime) -> str:
    # (isoformat, not strftime: strftime writes the year 1 as "1", not "0001".)
    return value.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")


def date_problem(field: str, text: str) -> tuple[str, str] | None:
    """What is wrong with the text of a date element, as ``(message, hint)``; ``None`` if nothing.

    Parameters:
        field: the element, ``wp:post_date``, ``wp:comment_date_gmt``...
        text: its text as exported.

    >>> date_problem("wp:post_date", "2024-03-21 19:45:00") is None
    True
    >>> date_problem("wp:post_date", "Thu, 21 Mar 2024 19:45:00 +0000")[1]
    "write it as '2024-03-21 19:45:00': WordPress's importer refuses an item whose date has another form"
    """
    text = text.strip()
    if not text or text.startswith(quirks.ZERO_DATE[:10]):
        return None
    read = quirks.parse_wp_date(text)
    if read is not None and _WP_DATE.fullmatch(text):
        return None
    gmt = field.endswith("_gmt")
    stated = _as_written(text) if read is not None else None
    if read is None or stated is None:
        shape = "is not a date WordPress writes"
        if _WP_DATE.fullmatch(text):
            shape = "is at the calendar's edge, a day from the year 1 or 9999" if _real(text) else "is not a real date"
        message = f"<{field}> {text!r} {shape}; wxrtool cannot read it and leaves the date out"
        suggestion = "YYYY-MM-DD HH:MM:SS" + (" (UTC)" if gmt else " (the site's local time)")
    else:
        offset = stated.strftime("%z") if stated.tzinfo is not None else ""
        message = (
            f"<{field}> {text!r} is not in WordPress's form YYYY-MM-DD HH:MM:SS; wxrtool reads it as"
            f" {_wp_form(read)}" + (f", without its offset {offset}" if offset else "")
        )
        if gmt and stated.tzinfo is not None:
            with contextlib.suppress(OverflowError):  # the year 1 or 9999 pushed past the calendar's end
                stated = stated.astimezone(UTC)
        suggestion = repr(_wp_form(stated))
    if field == "wp:post_date":
        hint = f"write it as {suggestion}: WordPress's importer refuses an item whose date has another form"
    else:
        hint = f"write it as {suggestion}, the form WordPress writes"
    return message, hint


def _shown(name: str) -> str:
    """An element's name in a message: ``<wp:meta_key>``, or its local name and namespace."""
    if name.startswith("{"):
        uri, local = name[1:].split("}", 1)
        return f"<{local}> in {uri}"
    return f"<{name}>"


def _preview(text: str, size: int = 40) -> str:
    return repr(text if len(text) <= size else text[:size] + "…")


class _Reader(Reader):
    """The reader, also looking in each element for what its record cannot show.

    A record holds what was read, not how it was written: a meta whose key element is
    misspelled is a meta with an empty key, a date in a form WordPress never writes is a
    date or none. Each item, author and term is looked at here, before the reader clears
    its elements; what is found waits in ``found`` until the validator takes it, with the
    record it belongs to (the header's, with the site record).
    """

    def __init__(
        self,
        source: Source,
        report: Callable[..., Problem],
        *,
        recover: bool,
        on_part: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(source, recover=recover)
        self._report = report
        self._on_part = on_part  # (told the name of each file of a zip archive as its reading starts)
        self.found: list[Problem] = []

    def take(self) -> list[Problem]:
        """The problems found since the last call."""
        found = self.found[:]
        self.found.clear()  # (in place: the readers of a zip archive's files add to this list)
        return found

    def _part_reader(self, part: Source, **options: Any) -> Reader:
        if self._on_part is not None:
            self._on_part(source_name(part))
        child = _Reader(part, self._report, recover=bool(options.get("recover")))
        child.found = self.found
        return child

    def _author(self, elem: Any) -> Author:
        author = super()._author(elem)
        if author.id is None:
            written = None
            for child in elem:  # (the last one counts, as for the reader)
                if self._names[child.tag] == "wp:author_id":
                    written = self._text(child)
            state = "has no <wp:author_id>" if written is None else f"has <wp:author_id> {written!r}, not a user id"
            self.found.append(
                self._report(
                    "warning",
                    "author-without-id",
                    f"author {author.login!r} {state}",
                    "WordPress's importer then loses the link from this author's comments and edits to the new"
                    " user, and wxrtool writes the id as 0 (null in JSON); add the user's id on the old site",
                    line=author.line,
                )
            )
        return author

    def _term(self, elem: Any, name: str) -> Term:
        term = super()._term(elem, name)
        owner = f"{term.taxonomy} {term.slug or term.name!r}: "
        for child in elem:
            if self._names[child.tag] == "wp:termmeta":
                self._check_meta(child, owner, {})
        return term

    def _item(self, elem: Any) -> Post:
        post = super()._item(elem)
        names = self._names
        where: dict[str, Any] = {"post_id": post.id}
        dates: set[str] = set()
        written_id: str | None = None
        for child in elem:  # (one pass over the item and one over each comment)
            name = names[child.tag]
            if name == "wp:postmeta":
                self._check_meta(child, "", where)
            elif name == "wp:comment":
                self._check_comment(child, where)
            elif name in _ITEM_DATES and name not in dates:  # (the first of a field counts, as for the reader)
                dates.add(name)
                self._check_date(child, name, where)
            elif name == "wp:post_id" and written_id is None:
                written_id = self._text(child)
        if written_id is None or not _NUMBER.fullmatch(written_id):
            state = "has no <wp:post_id>" if written_id is None else f"has <wp:post_id> {written_id!r}, not a number"
            self.found.append(
                self._report(
                    "warning",
                    "post-id-not-a-number",
                    f"item {post.title[:60]!r} {state}: it is read as post {post.id}",
                    "WordPress's importer gives it a new id, and links to it, its comments' threads and its"
                    " children's parents are lost; give it the id it had on the old site",
                    line=post.line,
                    **where,
                )
            )
        return post

    def _check_comment(self, elem: Any, where: dict[str, Any]) -> None:
        names = self._names
        comment_id = None
        dates: dict[str, Any] = {}
        metas = []
        for child in elem:
            name = names[child.tag]
            if name == "wp:commentmeta":
                metas.append(child)
            elif name in _COMMENT_DATES:
                dates.setdefault(name, child)
            elif name == "wp:comment_id" and comment_id is None:
                comment_id = self._text(child)
        at = {**where, "comment_id": quirks.parse_int(comment_id)}
        for name, child in dates.items():
            self._check_date(child, name, at)
        for meta in metas:
            self._check_meta(meta, "", at)

    def _check_date(self, elem: Any, name: str, where: dict[str, Any]) -> None:
        found = date_problem(name, self._text(elem))
        if found:
            self.found.append(self._report("warning", "malformed-date", *found, line=elem.sourceline, **where))

    def _check_meta(self, elem: Any, owner: str, where: dict[str, Any]) -> None:
        key = value = None
        for child in elem:  # (the last key and value count, as for the reader)
            name = self._names[child.tag]
            if name == "wp:meta_key":
                key = child
            elif name == "wp:meta_value":
                value = child
        if key is not None and value is not None and self._text(key):
            if quirks.make_meta("", self._raw(value)).broken:  # (at the meta's own line: a key may recur)
                self.found.append(
                    self._report(
                        "warning",
                        "broken-serialized-meta",
                        f"{owner}{'comment ' if self._names[elem.tag] == 'wp:commentmeta' else ''}meta"
                        f" {self._text(key)!r} looks PHP-serialized but does not decode",
                        "string lengths were likely broken by a search-and-replace on the database; it is kept as text",
                        line=value.sourceline,
                        **where,
                    )
                )
            return
        others = [_shown(self._names[c.tag]) for c in elem if self._names[c.tag] not in _META_PARTS]
        said = f"{owner}{_shown(self._names[elem.tag])}"
        holds = f" (it holds {', '.join(others)})" if others else ""
        if key is None or not self._text(key):
            text = self._raw(value) if value is not None else ""
            state = "has no <wp:meta_key>" if key is None else "has an empty <wp:meta_key>"
            fix = "name the element <wp:meta_key>" if key is None else "give it its key"
            code = "meta-without-key"
            message = f"{said} {state}{holds}; its value {_preview(text)} is read under an empty key"
            hint = f"WordPress's importer skips a meta without a key: {fix}, or remove the meta"
        else:
            code = "meta-without-value"
            message = f"{said} {self._text(key)!r} has no <wp:meta_value>{holds}; it is read as empty"
            hint = "name the value's element <wp:meta_value>, or the value is lost"
        self.found.append(self._report("warning", code, message, hint, line=elem.sourceline, **where))


@dataclass
class _Seen:
    """A few numbers of each item and comment read so far, for the checks across the file (across
    its parts, for a split export); each place is a file's line: ``(file, line)``."""

    post_ids: Counter[int] = field(default_factory=Counter)
    post_places: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    guids: dict[str, int] = field(default_factory=dict)
    slugs: dict[tuple[str, int, str], int] = field(default_factory=dict)
    comment_post: dict[int, int] = field(default_factory=dict)
    parent_refs: list[tuple[int, int, int, str, int | None]] = field(
        default_factory=list
    )  # (post, comment, parent, place)
    item_parents: list[tuple[int, str, int, str, int | None]] = field(
        default_factory=list
    )  # (item, type, parent, place)
    thumbnails: list[tuple[int, int, str, int | None]] = field(default_factory=list)  # (item, thumbnail id, place)
    creators: list[tuple[int, str, str, int | None]] = field(default_factory=list)
    authors: set[str] = field(default_factory=set)
    declared_authors: bool = False  # (a file may have no <wp:author>: WXR 1.0)
    site: Site | None = None  # (the first part's: a later part must be of its site)
    whole: bool = True  # every file read to its end: what an item refers to, if not seen, is not there


class Validator:
    """Collects problems for one export; iterate :meth:`problems`. Of a split export, each part's
    validator is given the same ``seen``, and :meth:`across` checks all the parts read."""

    def __init__(self, source: Source, *, recover: bool = False, seen: _Seen | None = None) -> None:
        self.source = source
        self.name = source_name(source)
        # The file being read: the export's, or of a zip archive of several, the file in it (a
        # problem's line is that file's; the archive's name alone did not say which).
        self.at = self.name
        self.recover = recover
        self.seen = seen if seen is not None else _Seen()

    def problems(self) -> Iterator[Problem]:
        """Every problem, in file order, whole-file ones at the end (none when the reading stopped
        before the file's end: what an item refers to may be in the part not read)."""
        yield from self.each()
        yield from self.across()

    def each(self) -> Iterator[Problem]:
        """The problems found as the file is read, each where it is."""
        seen = self.seen
        reader = _Reader(self.source, self._problem, recover=self.recover, on_part=self._reading)
        try:
            for record in reader:
                yield from reader.take()
                if isinstance(record, Post):
                    yield from self._item(record, seen)
                elif isinstance(record, Author):
                    seen.declared_authors = True
                    seen.authors.add(record.login)
                elif isinstance(record, Site):
                    yield from self._site(record, seen)
        except WXRError as exc:
            # (What was found in records the reader never delivered goes with them.)
            yield parse_problem(exc, self.name)
            seen.whole = False
        for repair in reader.repairs:
            # The rest of the file unread is an error with --recover too: an export that lost its items
            # from there on is no sound export ("0 errors" was all a check of a cut file said).
            severity = (
                "error"
                if repair.kind == "unreadable-rest"
                else "warning"
                if repair.kind in ("invalid-utf8", "invalid-reference")
                else "info"
            )
            yield Problem(
                severity,
                f"repaired-{repair.kind}",
                repair.detail,
                "--recover keeps what comes before and leaves the rest of the file out: it is cut short or"
                " damaged from here; export the site again"
                if repair.kind == "unreadable-rest"
                else "repaired by --recover; fix the source to make it unnecessary",
                self.name,
                repair.line or None,
                repair.column or None,
            )
            if repair.kind == "unreadable-rest":
                seen.whole = False

    def across(self) -> Iterator[Problem]:
        """The checks across the file (or the parts given the same ``seen``), once all is read."""
        if self.seen.whole:
            yield from _whole_file(self.seen)

    def _site(self, site: Site, seen: _Seen) -> Iterator[Problem]:
        """A part of another site than the first part's, as convert refuses it."""
        if seen.site is None:
            seen.site = site
            return
        try:
            check_same_site(seen.site, site, self.name)
        except WXRError as exc:
            yield Problem("error", "part-of-another-site", exc.message, exc.hint or "", exc.file or self.name)

    def _reading(self, name: str) -> None:
        self.at = name

    def _problem(self, severity: str, code: str, message: str, hint: str, **where: Any) -> Problem:
        return Problem(severity, code, message, hint, self.at, **where)

    def _item(self, post: Post, seen: _Seen) -> Iterator[Problem]:
        at = {"line": post.line, "post_id": post.id}
        seen.post_ids[post.id] += 1
        seen.post_places.setdefault(post.id, (self.at, post.line))
        seen.types.setdefault(post.id, post.type)
        if seen.post_ids[post.id] > 1:  # (each later use: a third went unsaid)
            yield self._problem(
                "warning",
                "duplicate-post-id",
                f"post id {post.id} is used again (first at {self._place(*seen.post_places[post.id])})",
                "WordPress's importer skips every item after the first of an id; give it a new id or merge them",
                **at,
            )
        if post.id in quirks.PHP_INT_ENDS:
            yield self._problem(
                "warning",
                "id-out-of-range",
                f"post id {post.id} is at the end of PHP's integers: the export's id may have been past it",
                "no WordPress has such an id; its importer holds it at this value, as wxrtool does:"
                " give the item an id under 2^63",
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
            seen.item_parents.append((post.id, post.type, post.parent, self.at, post.line))
        thumbnail = quirks.thumbnail_id(post)
        if thumbnail is not None:
            seen.thumbnails.append((post.id, thumbnail, self.at, post.line))
        seen.creators.append((post.id, post.author, self.at, post.line))
        yield from self._responses(post, seen)

    def _responses(self, post: Post, seen: _Seen) -> Iterator[Problem]:
        # In export order; comments keep theirs among themselves, which is how threads name copies.
        responses: list[Comment | Ping] = sorted([*post.comments, *post.pings], key=lambda r: r.line or 0)
        here: dict[int, Comment | Ping] = {}
        copies: Counter[int] = Counter()
        for c in responses:
            if isinstance(c, Comment):
                copies[c.id] += 1
            first = here.setdefault(c.id, c)
            if first is not c:
                # Threads name the later copy of a comment 700-2, 700-3... (see wxrtool.threads).
                kept = "wxrtool keeps every one"
                if isinstance(c, Comment) and copies[c.id] > 1:
                    kept += f", attaches replies to the first and names this one {c.id}-{copies[c.id]}"
                yield self._problem(
                    "warning",
                    "duplicate-comment-id",
                    f"comment id {c.id} is used again on this post (first at line {first.line})",
                    f"WordPress's importer keeps only the last of them; {kept}; give this one an unused id",
                    line=c.line,
                    post_id=post.id,
                    comment_id=c.id,
                )
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
        ping_ids = {p.id for p in post.pings}
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
            elif node.promoted is Promotion.MISSING_PARENT and c.parent in ping_ids:
                yield self._problem(
                    "info",
                    "comment-parent-is-a-ping",
                    f"comment {c.id} replies to the pingback or trackback {c.parent}",
                    "WordPress shows it under the ping; wxrtool lists pings apart and shows it as a top-level comment",
                    **where,
                )
            elif node.promoted is Promotion.MISSING_PARENT:
                seen.parent_refs.append((post.id, c.id, c.parent, self.at, c.line))

    def _place(self, file: str, line: int | None) -> str:
        """``line 12``, or ``line 12 of x.001.xml`` when that is another file (a split export's part)."""
        return f"line {line}" + (f" of {file}" if file != self.at else "")


def _whole_file(seen: _Seen) -> Iterator[Problem]:
    """The checks across the file: what an item or comment refers to, each problem where the item is."""
    authors = seen.authors if seen.declared_authors else None
    for post_id, comment_id, parent, file, line in seen.parent_refs:
        where: dict[str, Any] = {"file": file, "line": line, "post_id": post_id, "comment_id": comment_id}
        other = seen.comment_post.get(parent)
        if other is not None and other != post_id:
            yield Problem(
                "warning",
                "comment-parent-on-other-post",
                f"comment {comment_id}'s parent {parent} is on post {other}",
                "it is shown as a top-level comment of its own post",
                **where,
            )
        else:
            yield Problem(
                "warning",
                "comment-parent-missing",
                f"comment {comment_id}'s parent {parent} is not in the export",
                "it is shown as a top-level comment; the parent was deleted or is spam",
                **where,
            )
    for item_id, item_type, parent, file, line in seen.item_parents:
        if parent not in seen.post_ids and item_type in ("attachment", "page"):
            yield Problem(
                "warning",
                f"{item_type}-parent-missing",
                f"{item_type} {item_id}'s parent {parent} is not in the export",
                "it will be imported without a parent",
                file=file,
                line=line,
                post_id=item_id,
            )
    for item_id, thumbnail, file, line in seen.thumbnails:
        if seen.types.get(thumbnail) != "attachment":
            yield Problem(
                "warning",
                "thumbnail-missing",
                f"featured image {thumbnail} is not an attachment in the export",
                "export the media too, or the post loses its featured image",
                file=file,
                line=line,
                post_id=item_id,
            )
    if authors is None:
        return
    for item_id, creator, file, line in seen.creators:
        if creator and creator not in authors:
            yield Problem(
                "warning",
                "unknown-author",
                f"dc:creator {creator!r} has no <wp:author> entry",
                "WordPress's importer will ask to map it or give the item to the importing user",
                file=file,
                line=line,
                post_id=item_id,
            )


def validate(source: Source | Sequence[Source], *, recover: bool = False) -> list[Problem]:
    """All the problems of one export, in the order of their lines (those of no line last); of
    the parts of a split export, each part's in turn (each problem names its part).

    >>> [p.code for p in validate(samples / "drafts-and-pages.xml")]  # doctest: +NORMALIZE_WHITESPACE
    ['broken-serialized-meta', 'comment-parent-missing', 'comment-parent-cycle', 'comment-self-parent']
    """
    parts = list(source) if isinstance(source, (list, tuple)) else [source]
    missing = _parts_missing([part for part in parts if isinstance(part, (str, os.PathLike))])
    if isinstance(source, (list, tuple)):
        # Each part in turn, each problem naming its part, a header's problem said once (every part
        # repeats the header); then the checks across the parts, as for one file; all in the order
        # of the parts and their lines.
        found, said, seen = missing, set(), _Seen()
        for part in source:
            for problem in Validator(part, recover=recover, seen=seen).each():
                if problem.post_id is None and problem.line is not None and problem.code in _HEADER_CODES:
                    if (problem.code, problem.message) in said:
                        continue
                    said.add((problem.code, problem.message))
                found.append(problem)
        return sorted([*found, *(_whole_file(seen) if seen.whole else ())], key=_by_place(source))
    # (Found in the order the checks end: a whole-file check, at the file's end, speaks of lines
    # read long before.)
    problems = list(Validator(cast("Source", source), recover=recover).problems())
    # (in the order of their files, a zip archive's in the order read, then of their lines)
    files: dict[str, int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))
    return missing + sorted(problems, key=lambda problem: (files[problem.file], *_by_line(problem)))


def _parts_missing(paths: list[str | os.PathLike[str]]) -> list[Problem]:
    """What :mod:`wxrtool.exportfiles` finds of a split export's parts: a gap among those given
    (an error: convert refuses them), and the parts beside them not given (a warning: a part may
    be checked alone)."""
    names = [os.fspath(path) for path in paths]
    if not names:
        return []
    found = []
    try:
        check_parts(names)
    except WXRError as error:
        found.append(Problem("error", "parts-missing", error.message, error.hint or "", error.file or names[0]))
    beside = parts_not_given(names)
    if beside:
        shown = ", ".join(os.path.basename(path) for path in beside)
        hint = "give every part of the export to check it whole"
        found.append(Problem("warning", "parts-not-given", f"the parts beside it not given: {shown}", hint, names[0]))
    return found


def _by_place(parts: Sequence[Source]) -> Callable[[Problem], tuple[int, bool, int]]:
    """Problems in the order of the parts, then of their lines."""
    order = {source_name(part): n for n, part in enumerate(parts)}
    return lambda problem: (order.get(problem.file, len(order)), *_by_line(problem))


def _by_line(problem: Problem) -> tuple[bool, int]:
    return (problem.line is None, problem.line or 0)


_NUMBER = re.compile(r"[+-]?\d+")  # (as PHP's (int) reads an id: digits, a sign before them)

# The header's problems, which every part of a split export repeats.
_HEADER_CODES = frozenset({"author-without-id", "meta-without-key", "meta-without-value", "broken-serialized-meta",
                           "wxr-version"})  # fmt: skip


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
