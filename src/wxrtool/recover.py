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
- a raw ``&`` that starts no entity is escaped;
- prefixes the root element forgets to declare (``atom:`` on WordPress.com) are
  declared, and namespace URIs with characters a URI cannot hold are encoded.

A file that ends in the middle of an item (truncated) is read up to the last
complete item; that, too, is listed. Nothing is repaired silently.

A DOCTYPE or an entity declaration outside CDATA and comments is not damage but a
document wxrtool refuses, wherever it is.

The filter's work is linear in the input: a chunk holds back for the next one at
most the few characters a token cut in two could need, never a growing tail.
"""

from __future__ import annotations

import codecs
import io
import re
from collections import Counter
from dataclasses import dataclass
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
_TOKEN = re.compile(
    r"<!\[CDATA\[|\]\]>|<!--|-->|<!DOCTYPE|<!ENTITY|&(?:#x[0-9A-Fa-f]+;|#[0-9]+;|[A-Za-z_][\w.-]*;)?"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f]|[\udc80-\udcff]"
    r"|<rss\b[^<>]*>|xmlns(?::[\w.-]+)?\s*=\s*\"[^\"<]*\"|xmlns(?::[\w.-]+)?\s*=\s*'[^'<]*'"
)
_CHUNK = 1 << 16
#: Repairs listed one by one; past it, each kind's count is listed once (memory stays flat).
MAX_LISTED_REPAIRS = 10_000
_ROOT_START = re.compile(r"<rss\b")


def _has_root_tag(text: str) -> bool:
    """Whether ``text`` holds the whole ``<rss ...>`` start tag. (Only the first ``<rss`` needs
    a ``>`` after it: a later one has none if it has none. A pattern that searched from every
    ``<rss`` was quadratic on a flood of them.)"""
    start = _ROOT_START.search(text)
    return start is not None and text.find(">", start.end()) >= 0


# The longest tag held back whole for the next chunk (its namespaces repaired as one):
# a longer one is cut like text, as the tokens inside it are all short.
_TAG_HELD = 4096
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _split_point(text: str) -> int:
    """Where to stop this chunk so that no token (``<![CDATA[``, ``]]>``, ``-->``, ``&..;``,
    a tag) is cut in two: the start of whatever incomplete piece ends the text.

    What is held back is short (a tag of up to :data:`_TAG_HELD` characters, an entity,
    two characters of ``]]>`` or ``-->``), so that no text is searched twice over.
    """
    end = len(text)
    cut = end
    tag = text.rfind("<", max(0, end - _TAG_HELD))
    if tag >= 0 and text.find(">", tag) < 0:
        cut = tag
    amp = text.rfind("&", max(0, end - 40))
    if amp >= 0 and text.find(";", amp) < 0:
        cut = min(cut, amp)
    # "]]>" and "-->" cut after their first two characters: the last two suffice,
    # as the leftmost "]]>" in "]]]>" is the one that ends at ">".
    run = end
    while run > end - 2 and run > 0 and text[run - 1] in "]-":
        run -= 1
    return min(cut, run)


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
        self._root_end = 0

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
        else:
            text = self._pending + self._decoder.decode(data)
            if not self._root_done and not _has_root_tag(text) and len(text) < (1 << 20):
                self._pending = text  # the root tag, with its declarations, is repaired whole
                return
            cut = _split_point(text)
            self._pending = text[cut:]
            text = text[:cut]
        self._out = self._repair(text).encode("utf-8")
        self._at = 0
        if self._eof:
            self._list_unlisted()

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
        if _UNDECODABLE.search(text):
            text = self._replace_undecodable(text)
        start_line, start_column = self._line, self._column
        self._root_end = -1
        out: list[str] = []
        position = 0
        for m in _TOKEN.finditer(text):
            self._advance(text[position : m.start()])
            out.append(text[position : m.start()])
            token = m.group(0)
            out.append(self._token(token))
            if token.startswith("<rss") and self._root_end == -1 and self._root_done:
                self._root_end = m.end()
            self._advance(token)
            position = m.end()
        self._advance(text[position:])
        out.append(text[position:])
        if self._missing:
            self._report_prefixes(text, max(self._root_end, 0), start_line, start_column)
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

    def _report_prefixes(self, text: str, start: int, line: int, column: int) -> None:
        pattern = re.compile(r"</?(" + "|".join(map(re.escape, self._missing)) + r"):")
        for m in pattern.finditer(text, start):
            prefix = m.group(1)
            if prefix not in self._missing:
                continue
            before = text[: m.start()]
            where_line = line + before.count("\n")
            where_column = m.start() - before.rfind("\n") if "\n" in before else column + m.start()
            self._record(
                Repair(where_line, where_column, "undeclared-prefix", f"{prefix}: used, never declared; declared")
            )
            self._missing.remove(prefix)
            if not self._missing:
                return

    def _token(self, token: str) -> str:
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
                self._note("nested-cdata", "a <![CDATA[ inside a CDATA section: its ]]> is kept as text")
            return token
        if token == "]]>":
            if self._cdata > 1:
                self._cdata -= 1
                return "]]]]><![CDATA[>"
            if self._cdata == 1:
                self._cdata = 0
                return token
            self._note("stray-cdata-end", "]]> outside a CDATA section, escaped")
            return "]]&gt;"
        if token.startswith("<!") and not self._cdata:
            raise UnsafeXMLError(
                "the document declares a DOCTYPE or entities; WordPress exports never do, and wxrtool"
                " does not expand entities or load DTDs",
                file=self._name,
                line=self._line,
                column=self._column,
                hint="remove the <!DOCTYPE ...> declaration if you trust the file",
            )
        if token.startswith("&"):
            return self._ampersand(token)
        if token.startswith("<rss"):
            return self._root(token)
        if token.startswith("xmlns"):
            return self._namespace(token)
        return self._characters(token)

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
            code = int(token[3:-1], 16) if token[2] in "xX" else int(token[2:-1])
            if code in MAP_OUT:
                self._note("control-character", f"reference {token} kept (mapped out for the parser and back)")
                return MAP_OUT[code]
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code == 0:
                self._note("invalid-reference", f"reference {token} names no character; replaced by U+FFFD")
                return "\ufffd"
        return token

    def _root(self, token: str) -> str:
        if self._root_done or self._cdata or self._comment:
            return token
        self._root_done = True
        declared = set(re.findall(r"xmlns:([\w.-]+)\s*=", token))
        self._declared = declared
        token = re.sub(r"xmlns(?::[\w.-]+)?\s*=\s*(\"[^\"]*\"|'[^']*')", lambda m: self._namespace(m.group(0)), token)
        missing = [p for p in _KNOWN_PREFIXES if p not in declared]
        if not missing:
            return token
        # Declaring a prefix the file never uses is harmless; a missing one is fatal.
        # Each is reported where the file first uses it, if it ever does.
        self._missing = missing
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
