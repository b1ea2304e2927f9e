"""``--recover``: repair what makes a damaged export unreadable, and list every repair.

A streaming filter between the file and the XML parser fixes, chunk by chunk,
what real exports get wrong, keeping track of CDATA sections and comments so
nothing inside them is touched that should not be:

- control characters XML forbids (raw, or as ``&#1;`` references) are mapped
  out to private-use code points before parsing and mapped back in the records,
  so they survive losslessly;
- bytes that are not UTF-8 become U+FFFD, each one listed (this one is a loss);
- a ``]]>`` inside a CDATA section that opened a nested ``<![CDATA[`` (the
  WordPress 3.0 exporter bug) is split as WordPress does since, so the text is
  kept whole; a stray ``]]>`` in text is escaped;
- a raw ``&`` that starts no entity is escaped, and an entity of HTML's XML does not define
  (``&nbsp;``, which WordPress writes in the site's title and tagline as typed) becomes its
  character;
- prefixes the root element forgets to declare (``atom:`` on WordPress.com) are
  declared, and namespace URIs with characters a URI cannot hold are encoded;
- what PHP or a plugin printed into the export before its XML (warnings, a
  ``<meta name="generator">`` tag, blank lines, a byte order mark) is blanked out,
  the XML declaration moved to the start, and what follows ``</rss>`` is dropped
  (see :func:`read_prolog`).

A file that ends in the middle of an item (truncated) is read up to the last
complete item; that, too, is listed. Nothing is repaired silently, and nothing is
listed that was not repaired: a ``<![CDATA[`` or a prefix inside a CDATA section is
text, not damage.

A DOCTYPE or an entity declaration outside CDATA and comments is not damage but a
document wxrtool refuses, wherever it is.

The filter's work is linear in the input: a chunk holds back for the next one at
most the few characters a token cut in two could need, never a growing tail.
"""

from __future__ import annotations

import codecs
import html.entities
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote

from .errors import UnsafeXMLError

# Forbidden characters become U+10FF00 + their code point: plane 16 private use,
# which no real text contains.
_BASE = 0x10FF00
_FORBIDDEN = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
MAP_OUT = {c: chr(_BASE + c) for c in _FORBIDDEN}
MAP_BACK = {_BASE + c: chr(c) for c in _FORBIDDEN}
_KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "georss": "http://www.georss.org/georss",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}
# A tag or an attribute value cannot hold "<": stopping there keeps each search for
# the root tag or a namespace short whatever follows.
# A reference is read to at most _REF_HELD characters, what a block holds back of one: a longer
# one is a raw "&" and text wherever the file's blocks are cut.
_TOKEN = re.compile(
    r"<!\[CDATA\[|\]\]>|<!--|-->|<!DOCTYPE|<!ENTITY"
    r"|&(?:#x[0-9A-Fa-f]{1,4092};|#[0-9]{1,4093};|[A-Za-z_][\w.-]{0,4093};)?"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f]|[\udc80-\udcff]"
    r"|<rss\b[^<>]*>|xmlns(?::[\w.-]+)?\s*=\s*\"[^\"<]*\"|xmlns(?::[\w.-]+)?\s*=\s*'[^'<]*'"
)
# The same, with the root's end tag: used on the few chunks that hold "</rss" (matching it
# in every chunk costs a tenth of the filter's time).
_TOKEN_END = re.compile(_TOKEN.pattern + r"|</rss\s*>")
_CHUNK = 1 << 16
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
#: Repairs listed one by one; past it, each kind's count is listed once (memory stays flat).
MAX_LISTED_REPAIRS = 10_000
_ROOT_START = re.compile(r"<rss\b")


def _has_root_tag(text: str) -> bool:
    """Whether ``text`` holds the whole ``<rss ...>`` start tag. (Only the first ``<rss`` needs
    a ``>`` after it: a later one has none if it has none. A pattern that searched from every
    ``<rss`` was quadratic on a flood of them.)"""
    start = _ROOT_START.search(text)
    return start is not None and text.find(">", start.end()) >= 0


# After a "]]>" inside a CDATA section that opened another: the section goes on after
# WordPress's split, or ends before its element does (see RepairingStream._token).
_SECTION_GOES_ON = re.compile(r"<!\[CDATA\[|[ \t\r\n]*</")
# After a "]]>" of a CDATA section that opened no other: its end, if the export's next section or
# its element's end tag follows (an export's elements have a prefix, or are RSS's own); else a
# "]]>" of the text, which WordPress 3.0's exporter left as it was ("a[b[i]]>0", "]]><b>").
SECTION_ENDS = re.compile(
    r"<!\[CDATA\[|[ \t\r\n]*(?:$|</(?:[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*"
    r"|title|link|description|category|guid|pubDate|language|generator|comments)[ \t\r\n]*>"
    r"|</[\w.:-]*$)"  # (an end tag the file's end cut: a section of a file cut short ends there)
)
_SECTION_LOOKAHEAD = 64
# What may follow the root element without being lost when it is left out.
_IGNORABLE = re.compile(r"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_MORE_EXPORT = re.compile(r"<(?:rss|channel|item)\b")
_TAIL_TOKEN = re.compile(r"<!--|-->|<!DOCTYPE|<!ENTITY")
_TAIL_KEPT = 1 << 16

# The longest tag held back whole for the next chunk (its namespaces repaired as one):
# a longer one is cut like text, as the tokens inside it are all short.
_TAG_HELD = 4096
_REF_HELD = 4096
# What may start a reference, to its end or the end of the text.
_REF_START = re.compile(r"&(?:#[xX]?[0-9A-Fa-f]*|[A-Za-z_][\w.-]*)?")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _split_point(text: str) -> int:
    """Where to stop this chunk so that no token (``<![CDATA[``, ``]]>``, ``-->``, ``&..;``,
    a tag) is cut in two: the start of whatever incomplete piece ends the text; and so that
    a ``]]>`` comes with what follows it (which tells a nested section's end from text).

    What is held back is short (a tag of up to :data:`_TAG_HELD` characters, a reference of up
    to :data:`_REF_HELD`, two characters of ``]]>`` or ``-->``, a ``]]>`` in the last 64), so
    that no text is searched twice over.
    """
    end = len(text)
    cut = end
    tag = text.rfind("<", max(0, end - _TAG_HELD))
    if tag >= 0 and text.find(">", tag) < 0:
        cut = tag
    amp = text.rfind("&", max(0, end - _REF_HELD + 1))
    if amp >= 0 and _REF_START.fullmatch(text, amp):
        cut = min(cut, amp)
    # "]]>" and "-->" cut after their first two characters: the last two suffice,
    # as the leftmost "]]>" in "]]]>" is the one that ends at ">".
    run = end
    while run > end - 2 and run > 0 and text[run - 1] in "]-":
        run -= 1
    # A "]]>" near the end goes with what follows it, which says what it ends.
    section = text.rfind("]]>", max(0, end - _SECTION_LOOKAHEAD))
    if section >= 0:
        cut = min(cut, section)
    return min(cut, run)


# -- what comes before the root element ------------------------------------------

_SPACE = " \t\r\n"
_DECLARATION = re.compile(r"<\?xml[ \t\r\n]")
_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_DOCTYPE = re.compile(r"<!DOCTYPE[ \t\r\n]+([\w.:-]*)", re.IGNORECASE)
_PHP_MESSAGE = re.compile(r"\b(Warning|Notice|Deprecated|Fatal error|Parse error|Strict Standards)\b(?:\s*</b>)?\s*:")
_EXCERPT = 80


def describe_output(text: str) -> str:
    """Words for what something printed into an export: ``2 blank lines``, ``a byte order
    mark (U+FEFF)``, ``a PHP warning ('<b>Warning</b>: ...')``, ``a <meta> element (...)``.

    >>> print(describe_output('<meta name="generator" content="WordPress 4.9.8" />'))
    a <meta> element ('<meta name="generator" content="WordPress 4.9.8" />')
    >>> print(describe_output("\\n\\ufeff\\n"))
    a byte order mark (U+FEFF) and 2 blank lines
    """
    visible = text.replace("\ufeff", "").strip(_SPACE)
    if not visible:
        marks, lines = text.count("\ufeff"), text.count("\n")
        parts = [("a byte order mark" if marks == 1 else f"{marks} byte order marks") + " (U+FEFF)"] if marks else []
        if lines:
            parts.append("a blank line" if lines == 1 else f"{lines} blank lines")
        return " and ".join(parts) or "blank space"
    excerpt = " ".join(visible.split())
    excerpt = excerpt if len(excerpt) <= _EXCERPT else excerpt[: _EXCERPT - 1] + "\u2026"
    messages = _PHP_MESSAGE.findall(visible)
    element = _ELEMENT.match(visible)
    if len(messages) == 1:
        what = f"a PHP {messages[0].lower()}"
    elif messages:
        what = f"{len(messages)} PHP messages"
    elif element:
        what = f"a <{element.group(1)}> element"
    else:
        what = "text"
    return f"{what} ({excerpt!r})"


@dataclass(frozen=True)
class Stray:
    """Something with no place before the root element, as a plugin or PHP prints it into an
    export: ``start`` and ``end`` in the text, where it starts (1-based), and whether the XML
    declaration comes after it."""

    start: int
    end: int
    line: int
    column: int
    text: str
    before_declaration: bool

    @property
    def where(self) -> str:
        return "before the XML declaration" if self.before_declaration else "before the export's <rss> element"


@dataclass(frozen=True)
class Prolog:
    """The start of a document taken apart up to its root element (see :func:`read_prolog`).

    ``root``: where ``<rss`` starts (-1 if not in the text). ``first``/``first_at``: the first
    element's name and where it starts, ``<rss`` or not. ``declaration``: the span of the XML
    declaration. ``strays``: what may not come before the root (text, other elements, a byte
    order mark past the first character, anything before the declaration). ``doctype``: the
    name a ``<!DOCTYPE`` declares, where one was met (the read stops there: refusing it is
    :mod:`wxrtool.source`'s work). ``misplaced``: the declaration is not first.
    """

    root: int = -1
    first: str = ""
    first_at: int = -1
    declaration: tuple[int, int] | None = None
    strays: tuple[Stray, ...] = ()
    doctype: str | None = None
    doctype_at: int = -1
    misplaced: bool = False  # the XML declaration is not first (after a byte order mark)


@dataclass
class _Scan:
    """What :func:`_scan` finds on its way to the root element."""

    pieces: list[tuple[int, int, str]] = field(default_factory=list)
    root: int = -1
    first: str = ""
    first_at: int = -1
    doctype: str | None = None
    doctype_at: int = -1


def _scan(text: str) -> _Scan:
    """``text`` up to the root element (or its end) as pieces (start, end, kind), the kind one
    of "space", "bom", "markup" (a comment or processing instruction), "declaration" or "stray"."""
    found = _Scan()
    pieces = found.pieces
    at, end = 0, len(text)
    declared = False
    while at < end:
        char = text[at]
        if char in _SPACE:
            stop = at + 1
            while stop < end and text[stop] in _SPACE:
                stop += 1
            kind = "space"
        elif char == "\ufeff":
            stop, kind = at + 1, "bom" if at == 0 else "stray"
        elif text.startswith("<!--", at) or text.startswith("<?", at):
            close = "-->" if text[at + 1] == "!" else "?>"
            stop = text.find(close, at + 2)
            if stop < 0:
                break  # not finished within the text
            stop += len(close)
            kind = "markup"
            if not declared and _DECLARATION.match(text, at):
                kind, declared = "declaration", True
        elif text.startswith("<!", at) and not text.startswith("<![CDATA[", at):
            doctype = _DOCTYPE.match(text, at)
            found.doctype, found.doctype_at = (doctype.group(1) if doctype else ""), at
            break
        else:
            element = _ELEMENT.match(text, at) if char == "<" else None
            if element is not None:
                if not found.first:
                    found.first, found.first_at = element.group(1), at
                if element.group(1) == "rss":
                    found.root = at
                    break
            # Text, or markup that has no place here, up to where something might: the next "<".
            stop = text.find("<", at + 1)
            stop = end if stop < 0 else stop
            kind = "stray"
        pieces.append((at, stop, kind))
        at = stop
    return found


def read_prolog(text: str) -> Prolog:
    """What comes before the root element of the document that starts with ``text``.

    An export may have there its XML declaration (first, and once), comments, processing
    instructions and white space; whatever else is there was printed into it by something
    else (a PHP warning, a plugin's ``<meta>`` tag, a byte order mark from a PHP file saved
    with one), and makes the file unreadable. ``text`` is as much of the start as is at hand.

    >>> prolog = read_prolog('\\n<?xml version="1.0"?><meta name="x" /><rss>')
    >>> prolog.root, prolog.misplaced, [(s.line, s.column, s.text) for s in prolog.strays]
    (39, True, [(1, 1, '\\n'), (2, 22, '<meta name="x" />')])
    """
    found = _scan(text)
    declaration = next(((a, b) for a, b, kind in found.pieces if kind == "declaration"), None)
    # Strays in runs, with the white space between them; white space at the very start, before
    # the declaration, is one too (the declaration must come first; after a comment, it is the
    # comment that is out of place).
    runs: list[list[int]] = []
    markup = False
    for start, stop, kind in found.pieces:
        early = declaration is not None and stop <= declaration[0] and not markup
        markup = markup or kind in ("markup", "declaration")
        joins = bool(runs) and runs[-1][1] == start
        if kind == "stray" or (early and kind == "space") or (kind == "space" and joins):
            if joins:
                runs[-1][1] = stop
            else:
                runs.append([start, stop])
    strays = []
    for start, stop in runs:
        early = declaration is not None and stop <= declaration[0]
        if not early:  # white space after the last stray is no stray
            while stop > start and text[stop - 1] in _SPACE:
                stop -= 1
        if stop > start:
            line = text.count("\n", 0, start) + 1
            strays.append(Stray(start, stop, line, start - text.rfind("\n", 0, start), text[start:stop], early))
    first = 1 if text.startswith("\ufeff") else 0
    misplaced = declaration is not None and declaration[0] != first
    return Prolog(
        found.root, found.first, found.first_at, declaration, tuple(strays), found.doctype, found.doctype_at, misplaced
    )


def _uses_of(prefixes: list[str]) -> re.Pattern[str]:
    """A pattern for an element named with one of ``prefixes`` (with none: one that never matches)."""
    return re.compile(r"</?(" + "|".join(map(re.escape, prefixes)) + r"):" if prefixes else "(?!)")


def _blank(text: str) -> str:
    """``text`` as spaces, its line breaks kept: what follows keeps its lines and columns."""
    return re.sub("[^\n]", " ", text)


@dataclass(frozen=True)
class Repair:
    """One repair: where (in the original file), what kind, and what was there."""

    line: int
    column: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.kind}: {self.detail}"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class RepairingStream(io.RawIOBase):
    """Reads a (decompressed) export and hands the parser a repaired one."""

    def __init__(self, raw: _Readable, name: str | None = None) -> None:
        self._raw = raw
        self._name = name
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._pending = ""
        self._out = b""
        self._at = 0  # how much of _out has been read
        self._eof = False
        self.repairs: list[Repair] = []
        self._unlisted: Counter[str] = Counter()
        self._line, self._column = 1, 1
        self._cdata = 0
        self._comment = False
        self._declared: set[str] = set()
        self._root_done = False
        self._missing: list[str] = []
        self._prefixes = _uses_of([])
        self._root_end = 0
        self._started = False  # (the start of the document, up to its root, is cleaned once)
        self._openers: list[tuple[int, int]] = []  # where each <![CDATA[ inside a section is
        self._depth = 0  # <rss> elements open
        self._closed = False  # past the root's </rss>: nothing more is passed on
        self._tail = ""  # the start of what follows </rss>, to say what it was
        self._tail_size = 0
        self._tail_at = (0, 0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        while self._at >= len(self._out) and not (self._eof and not self._pending):
            self._fill()
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at : self._at + n]
        self._at += n
        return n

    def _fill(self) -> None:
        data = self._raw.read(_CHUNK)
        if not data:
            self._eof = True
            text = self._pending + self._decoder.decode(b"", final=True)
            self._pending = ""
            if not self._started:
                text = self._clean_prolog(text)
        else:
            text = self._pending + self._decoder.decode(data)
            if not self._root_done and not _has_root_tag(text) and len(text) < (1 << 20):
                self._pending = text  # the root tag, with its declarations, is repaired whole
                return
            if not self._started:
                text = self._clean_prolog(text)
            cut = _split_point(text)
            self._pending = text[cut:]
            text = text[:cut]
        self._out = self._repair(text).encode("utf-8")
        self._at = 0
        if self._eof:
            self._report_tail()
            self._list_unlisted()

    def _clean_prolog(self, text: str) -> str:
        """``text``, the start of the document, with what was printed into it before the root
        element blanked out (its line breaks kept, so that every line keeps its number) and
        the XML declaration moved to the very start; each such repair listed."""
        self._started = True
        prolog = read_prolog(text)
        if prolog.root < 0 or not (prolog.strays or prolog.misplaced):
            return text
        for stray in prolog.strays:
            where = "before the XML declaration" if stray.before_declaration else "before <rss>"
            detail = f"removed {describe_output(stray.text)} {where}"
            self._record(Repair(stray.line, stray.column, "output-before-xml", detail))
        blanked = [(s.start, s.end) for s in prolog.strays]
        moved = ""
        if prolog.misplaced and prolog.declaration is not None:
            start, end = prolog.declaration
            moved = text[start:end]
            blanked.append((start, end))
            if not any(s.before_declaration for s in prolog.strays):
                line = text.count("\n", 0, start) + 1
                column = start - text.rfind("\n", 0, start)
                self._record(Repair(line, column, "misplaced-declaration", "the XML declaration moved to the start"))
            if text.startswith("\ufeff"):
                blanked.append((0, 1))  # a byte order mark may only come first
        out, last = [moved], 0
        for start, end in sorted(blanked):
            out += [text[last:start], _blank(text[start:end])]
            last = end
        out.append(text[last:])
        return "".join(out)

    def _report_tail(self) -> None:
        """List what followed the root's ``</rss>``, unless only comments and white space did."""
        tail = self._tail
        if not self._tail_size or (self._tail_size == len(tail) and not _IGNORABLE.sub("", tail).strip(_SPACE)):
            return
        skipped = len(tail) - len(tail.lstrip(_SPACE))
        line, column = self._tail_at
        newlines = tail.count("\n", 0, skipped)
        if newlines:
            line, column = line + newlines, skipped - tail.rfind("\n", 0, skipped)
        else:
            column += skipped
        more = "" if self._tail_size == len(tail) else f" ({self._tail_size} characters in all)"
        if _MORE_EXPORT.search(tail):
            detail = f"stopped at </rss>: what follows it{more} holds more of an export, not read"
            self._record(Repair(line, column, "unreadable-rest", detail + " (two exports in one file?)"))
        else:
            detail = f"removed {describe_output(tail)}{more} after </rss>"
            self._record(Repair(line, column, "output-after-xml", detail))

    def _keep_tail(self, text: str) -> None:
        # What follows </rss> goes to no parser; its start is kept (bounded) to say what it was.
        # A declaration there is refused all the same, as everywhere outside comments.
        last = 0
        for m in _TAIL_TOKEN.finditer(text):
            self._advance(text[last : m.start()])
            last = m.start()
            token = m.group(0)
            if token == "<!--" or token == "-->":
                self._comment = token == "<!--"
            elif not self._comment:
                raise self._unsafe()
        self._advance(text[last:])
        self._tail_size += len(text)
        if len(self._tail) < _TAIL_KEPT:
            self._tail += _UNDECODABLE.sub("\ufffd", text[: _TAIL_KEPT - len(self._tail)])

    def _note(self, kind: str, detail: str) -> None:
        self._record(Repair(self._line, self._column, kind, detail))

    def _record(self, repair: Repair) -> None:
        # Listed one by one up to a bound: a file of a million raw "&" is a million repairs,
        # and memory must not grow with them. The rest are counted, and listed as counts.
        if len(self.repairs) < MAX_LISTED_REPAIRS:
            self.repairs.append(repair)
        else:
            self._unlisted[repair.kind] += 1

    def _list_unlisted(self) -> None:
        for kind, count in sorted(self._unlisted.items()):
            self.repairs.append(Repair(0, 0, kind, f"and {count} more repairs of this kind, not listed one by one"))
        self._unlisted.clear()

    def _advance(self, text: str) -> None:
        newlines = text.count("\n")
        if newlines:
            self._line += newlines
            self._column = len(text) - text.rfind("\n")
        else:
            self._column += len(text)

    def _repair(self, text: str) -> str:
        if self._closed:
            self._keep_tail(text)
            return ""
        if _UNDECODABLE.search(text):
            text = self._replace_undecodable(text)
        start_line, start_column = self._line, self._column
        self._root_end = -1
        out: list[str] = []
        # Where elements may be (outside CDATA sections and comments), in a chunk that uses a
        # prefix not declared: one used only inside a post's CDATA is text, not damage.
        markup: list[tuple[int, int]] | None = None
        if not self._root_done or (self._missing and self._prefixes.search(text)):
            markup = []  # (the root, read in this chunk, may leave prefixes undeclared)
        position = 0
        for m in (_TOKEN_END if "</rss" in text else _TOKEN).finditer(text):
            if markup is not None and not (self._cdata or self._comment):
                markup.append((position, m.start()))
            self._advance(text[position : m.start()])
            out.append(text[position : m.start()])
            token = m.group(0)
            out.append(self._token(token, text, m.end()))
            if token.startswith("<rss") and self._root_end == -1 and self._root_done:
                self._root_end = m.end()
            self._advance(token)
            position = m.end()
            if self._closed:
                self._tail_at = (self._line, self._column)
                self._keep_tail(text[position:])
                text = text[:position]
                break
        if markup is not None and not (self._cdata or self._comment):
            markup.append((position, len(text)))
        self._advance(text[position:])
        out.append(text[position:])
        if markup and self._missing:
            self._report_prefixes(text, markup, max(self._root_end, 0), start_line, start_column)
        return "".join(out)

    def _replace_undecodable(self, text: str) -> str:
        # Bytes that are not UTF-8 become U+FFFD wherever they are (in tags too), each listed.
        out, last = [], 0
        line, column = self._line, self._column
        for m in _UNDECODABLE.finditer(text):
            before = text[last : m.start()]
            newlines = before.count("\n")
            line, column = (
                (line + newlines, len(before) - before.rfind("\n")) if newlines else (line, column + len(before))
            )
            byte = ord(m.group(0)) - 0xDC00
            self._record(Repair(line, column, "invalid-utf8", f"byte 0x{byte:02X} is not UTF-8; replaced by U+FFFD"))
            out += [before, "\ufffd"]
            column += 1
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    def _report_prefixes(self, text: str, markup: list[tuple[int, int]], start: int, line: int, column: int) -> None:
        pattern = self._prefixes
        uses = (m for begin, end in markup if end > start for m in pattern.finditer(text, max(begin, start), end))
        for m in uses:
            prefix = m.group(1)
            if prefix not in self._missing:
                continue
            tag_end = text.find(">", m.end())
            if re.search(rf"xmlns:{re.escape(prefix)}\s*=", text[m.end() : tag_end if tag_end >= 0 else len(text)]):
                continue  # declared where it is used
            before = text[: m.start()]
            where_line = line + before.count("\n")
            where_column = m.start() - before.rfind("\n") if "\n" in before else column + m.start()
            self._record(
                Repair(where_line, where_column, "undeclared-prefix", f"{prefix}: used, never declared; declared")
            )
            self._missing.remove(prefix)
            self._prefixes = _uses_of(self._missing)
            if not self._missing:
                return

    def _token(self, token: str, text: str, end: int) -> str:
        if self._comment:
            if token == "-->":
                self._comment = False
            return self._characters(token)
        if token == "<!--" and not self._cdata:
            self._comment = True
            return token
        if token == "<![CDATA[":
            self._cdata += 1
            if self._cdata > 1:
                # Text, or the WordPress 3.0 exporter's nested section: its "]]>" will tell.
                self._openers.append((self._line, self._column))
            return token
        if token == "]]>":
            if self._cdata > 1:
                if _SECTION_GOES_ON.match(text, end):
                    # WordPress's own split of a "]]>" in the text (]]]]><![CDATA[>), or the
                    # section's end just before its element's: the <![CDATA[ inside was text.
                    self._cdata = 0
                    self._openers.clear()
                    return token
                self._cdata -= 1
                line, column = self._openers.pop() if self._openers else (self._line, self._column)
                detail = "a <![CDATA[ inside a CDATA section: its ]]> is kept as text"
                self._record(Repair(line, column, "nested-cdata", detail))
                return "]]]]><![CDATA[>"
            if self._cdata == 1:
                if SECTION_ENDS.match(text, end):
                    self._cdata = 0
                    return token
                detail = "a ]]> inside a CDATA section (WordPress 3.0's exporter): kept as text"
                self._record(Repair(self._line, self._column, "cdata-terminator", detail))
                return "]]]]><![CDATA[>"
            self._note("stray-cdata-end", "]]> outside a CDATA section, escaped")
            return "]]&gt;"
        if token.startswith("</rss"):
            if not self._cdata and self._root_done:
                self._depth -= 1
                self._closed = self._depth == 0
            return token
        if token.startswith("<!") and not self._cdata:
            raise self._unsafe()
        if token.startswith("&"):
            return self._ampersand(token)
        if token.startswith("<rss"):
            return self._root(token)
        if token.startswith("xmlns"):
            return self._namespace(token)
        return self._characters(token)

    def _unsafe(self) -> UnsafeXMLError:
        return UnsafeXMLError(
            "the document declares a DOCTYPE or entities; WordPress exports never do, and wxrtool"
            " does not expand entities or load DTDs",
            file=self._name,
            line=self._line,
            column=self._column,
            hint="remove the <!DOCTYPE ...> declaration if you trust the file",
        )

    def _characters(self, token: str) -> str:
        if len(token) != 1:
            return token
        code = ord(token)
        if 0xDC80 <= code <= 0xDCFF:
            self._note("invalid-utf8", f"byte 0x{code - 0xDC00:02X} is not UTF-8; replaced by U+FFFD")
            return "\ufffd"
        if code in MAP_OUT:
            self._note("control-character", f"U+{code:04X} kept (mapped out for the parser and back)")
            return MAP_OUT[code]
        return token

    def _ampersand(self, token: str) -> str:
        if self._cdata:
            return token
        if token == "&":
            self._note("unescaped-ampersand", "& escaped as &amp;")
            return "&amp;"
        if token.startswith("&#"):
            hexadecimal = token[2] in "xX"
            digits = (token[3:-1] if hexadecimal else token[2:-1]).lstrip("0")
            # (past eight digits a reference is past Unicode, and int() refuses more than 4,300)
            code = int(digits or "0", 16 if hexadecimal else 10) if len(digits) <= 8 else 0x110000
            if code in MAP_OUT:
                self._note("control-character", f"reference {token} kept (mapped out for the parser and back)")
                return MAP_OUT[code]
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code == 0:
                self._note("invalid-reference", f"reference {token} names no character; replaced by U+FFFD")
                return "\ufffd"
            return token
        name = token[1:-1]
        if name in _XML_ENTITIES:
            return token
        # HTML's entities, which XML does not define: WordPress writes the site's title and
        # tagline outside CDATA as they were typed (&nbsp;, &hellip;), and the parser stops there.
        characters = html.entities.html5.get(name + ";")
        if characters is not None:
            self._note("html-entity", f"{token} (HTML's, which XML does not define) replaced by its character")
            return "".join(f"&#{ord(c)};" for c in characters)
        self._note("unescaped-ampersand", f"& of {token}, an entity nothing defines, escaped as &amp;")
        return "&amp;" + token[1:]

    def _root(self, token: str) -> str:
        if self._cdata or self._comment:
            return token
        if self._root_done:
            self._depth += not token.endswith("/>")  # an <rss> inside the root, closed by a later </rss>
            return token
        self._root_done = True
        self._depth = 0 if token.endswith("/>") else 1
        declared = set(re.findall(r"xmlns:([\w.-]+)\s*=", token))
        self._declared = declared
        token = re.sub(r"xmlns(?::[\w.-]+)?\s*=\s*(\"[^\"]*\"|'[^']*')", lambda m: self._namespace(m.group(0)), token)
        missing = [p for p in _KNOWN_PREFIXES if p not in declared]
        if not missing:
            return token
        # Declaring a prefix the file never uses is harmless; a missing one is fatal.
        # Each is reported where the file first uses it, if it ever does.
        self._missing = missing
        self._prefixes = _uses_of(missing)
        extra = "".join(f' xmlns:{p}="{_KNOWN_PREFIXES[p]}"' for p in missing)
        return token[:-1] + extra + ">" if not token.endswith("/>") else token[:-2] + extra + "/>"

    def _namespace(self, token: str) -> str:
        if self._cdata or self._comment:
            return token
        name, _, value = token.partition("=")
        quote_char = value.strip()[0]
        uri = value.strip()[1:-1]
        if uri.isascii() and " " not in uri:
            return token
        fixed = quote(uri, safe=":/?#[]@!$&'()*+,;=%~")
        self._note("invalid-namespace", f"namespace URI {uri!r} percent-encoded")
        return f"{name}={quote_char}{fixed}{quote_char}"


_MAPPED = re.compile("[\U0010ff00-\U0010ff1f]")


def map_back(text: str) -> str:
    """Undo the mapping of forbidden characters (a no-op on text that had none)."""
    return text.translate(MAP_BACK) if text and _MAPPED.search(text) else text
