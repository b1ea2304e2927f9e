"""Opening an export: a path, a binary file object or ``-``; compressed or not; a zip archive.

Compression is recognised by its magic bytes, never by the file name, so a
``.xml`` that is really gzip (as some hosts serve it) still reads. A zip archive
(WordPress.com's export download) is opened by :func:`open_zip`: its XML files are
the parts of one site, each inflated as it is read, within limits set before any is.

What the parser reads passes through :class:`ParserInput`, which refuses a DOCTYPE
before the parser could see it and stops a read that goes on for more than the item
size limit without the reader seeing an item end (see :mod:`wxrtool.read`). Both
work on ASCII bytes, so a document in UTF-16 or UTF-32 is handed on as UTF-8
(:class:`_Transcoded`), and one in any other encoding that is not ASCII-compatible
is refused. Its first chunk is looked at whole: a file that is not an export (an
HTML page, a feed, another program's XML, nothing at all) is called what it is, and
what PHP or a plugin printed into an export before its XML is called that, with
``--recover``'s repair of it (:func:`wxrtool.recover.read_prolog`).
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
import os
import re
import shutil
import struct
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, Protocol, Union, cast

from .devices import special_file
from .errors import (
    ArchiveError,
    EmptyInputError,
    ItemTooLargeError,
    NotWXRError,
    ParseError,
    UnsafeXMLError,
    WXRError,
)

Source = Union[str, "os.PathLike[str]", BinaryIO]
"""What :func:`wxrtool.read` accepts: a path, ``"-"`` for stdin, or a binary file object."""

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)

# How much of the document is looked at for its encoding and XML declaration.
_HEAD_BYTES = 1024
_CHUNK = 1 << 16

# Byte order marks and, without one, the bytes "<?" as each encoding writes them
# (as libxml2 detects them). UTF-32 first: its little-endian mark starts with UTF-16's.
_WIDE = (
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00?\x00", "utf-16-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
)
# UCS-4 in the unusual byte orders, and EBCDIC's "<?xm": encodings that libxml2 may
# read and that no export is written in.
_STRANGE = (b"\x00\x00<\x00", b"\x00<\x00\x00", b"Lo\xa7\x94")
_DECLARED = re.compile(rb"<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"'>]*)[\"']")
_DECLARATION = re.compile(r"(<\?xml[^>]*?\sencoding\s*=\s*)([\"'])[^\"'>]*\2")
# What the checks below and the recovery filter look for, which an encoding must
# write as ASCII does for them to work, and read back only from those bytes (UTF-7
# writes "<" as "<" but also reads it from "+ADw-").
_MARKUP = "<!DOCTYPE ENTITY []>?-&;#x\"'/\n"
_PROBE = b"+ADw-~{<!-->~}"
# The markers of a declaration that only a DTD may hold.
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_BLANK = b" \t\r\n"

# What to do with a file that is no export, by what it turned out to be.
_GET_AN_EXPORT = "get the export in WordPress admin: Tools > Export > Download Export File"
# The first bytes of files people give instead of an export.
_KNOWN_FILES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x1f\x8b", "gzip data (compressed twice?)"),
    (b"BZh", "bzip2 data (compressed twice?)"),
    (b"\xfd7zXZ", "xz data (compressed twice?)"),
)


def binary_start(data: bytes) -> bool:
    """Whether ``data``, a file's start, is no markup and no text at all: it does not start with
    ``<`` (after a byte order mark and white space), and holds a known file's magic number or
    NUL bytes (text in any 8-bit encoding, a PHP warning's Latin-1 among them, has none; an
    export with damage further on starts as markup).

    >>> binary_start(b"\\x1f\\x8b\\x08"), binary_start(b"Warning: caf\\xe9.php"), binary_start(b"<?xml\\x00")
    (True, False, False)
    >>> binary_start(b"\\x00\\x00\\x00\\x18ftypmp42")
    True
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return False
    return any(data.startswith(magic) for magic, _ in _KNOWN_FILES) or b"\x00" in data[:4096]


def _what_it_is(data: bytes) -> str:
    """Words for a file with no markup: ``a PNG image``, ``JSON``, ``binary data``, or text."""
    for magic, name in _KNOWN_FILES:
        if data.startswith(magic):
            return name
    text = data[:200].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if "\ufffd" in text or any((char < " " and char not in "\t\r\n") or char >= "\U0010ff00" for char in text):
        return "binary data"  # (bytes that are no UTF-8, or controls: raw, or mapped out by --recover)
    if text[:1] in "{[":
        return "JSON, or other text that is not XML"
    shown = text[:40].split("\n")[0]
    return f"text that is not XML (it starts {shown!r})"


_HTML_PAGE = (
    "an HTML page, not a WordPress export",
    "a web page was saved instead of the export, perhaps a login or error page; " + _GET_AN_EXPORT,
)
_ATOM_FEED = (
    "an Atom feed, not a WordPress export: a feed holds only the latest posts, without pages, comments or settings",
    _GET_AN_EXPORT,
)
_PRINTED = "PHP or a plugin printed it into the export as WordPress wrote it"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _Prefixed(io.RawIOBase):
    """A read-only stream that first returns ``prefix``, then the rest of ``raw``."""

    def __init__(self, prefix: bytes, raw: _Readable) -> None:
        self._prefix = prefix
        self._raw = raw

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data = self._prefix + self._raw.read()
            self._prefix = b""
        elif self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
        else:
            data = self._raw.read(size)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head(stream: _Readable, size: int) -> bytes:
    """The first ``size`` bytes of ``stream`` (fewer at its end), read from it."""
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head


def source_name(source: Source) -> str:
    """How a source is named in messages."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return getattr(source, "name", None) or "<stream>"


def _unsafe(name: str, line: int | None, column: int | None, where: str = "") -> UnsafeXMLError:
    return UnsafeXMLError(
        f"the document declares a DOCTYPE or entities{where}; WordPress exports never do, and wxrtool"
        " does not expand entities or load DTDs",
        file=name,
        line=line,
        column=column,
        hint="remove the <!DOCTYPE ...> declaration if you trust the file",
    )


def _encoding(head: bytes, name: str) -> tuple[str, int] | None:
    """The codec to read a UTF-16 or UTF-32 document with and the length of its byte
    order mark; ``None`` for a document the parser may read as it is."""
    for mark, codec, skip in _WIDE:
        if head.startswith(mark):
            return codec, skip
    hint = "convert it to UTF-8 first, e.g. with iconv"
    if head.startswith(_STRANGE):
        raise ParseError("the document is in an encoding wxrtool does not read", file=name, line=1, hint=hint)
    text = head.removeprefix(codecs.BOM_UTF8)
    if text.startswith(b"<?xml") and b"?>" not in text:
        # An encoding named past what is read here would go unchecked (and could be UTF-7,
        # which hides a DOCTYPE from every byte-level check): real declarations are short.
        raise ParseError(
            f"the XML declaration does not end within the first {_HEAD_BYTES} bytes",
            file=name,
            line=1,
            hint="the export is damaged at its very start; a WordPress export starts with"
            ' <?xml version="1.0" encoding="UTF-8" ?>',
        )
    declared = _DECLARED.match(text)
    if declared is None:
        return None
    label = declared.group(1).decode("ascii", "replace")
    try:
        codec = codecs.lookup(label).name
        compatible = _MARKUP.encode(codec) == _MARKUP.encode() and _PROBE.decode(codec) == _PROBE.decode()
    except (LookupError, UnicodeError, ValueError):  # ValueError: a NUL in the name
        compatible = False
    if not compatible:
        # The parser would decode the rest in it, where a DOCTYPE need not be ASCII.
        raise ParseError(
            f"the document declares encoding {label!r}, which wxrtool does not read", file=name, line=1, hint=hint
        )
    return None


def _declared(head: bytes) -> str | None:
    """The codec an XML declaration names when it is not UTF-8 (or ASCII, which UTF-8 reads),
    ``None`` otherwise (:func:`_encoding` has refused those the checks cannot read)."""
    declared = None if head.startswith(codecs.BOM_UTF8) else _DECLARED.match(head)
    if declared is None:
        return None
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii", "replace")).name
    except (LookupError, ValueError):
        return None
    return None if codec in ("utf-8", "ascii") else codec


def _as_c1(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the undecodable bytes as the code points of their numbers."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(map(chr, error.object[error.start : error.end])), error.end


_C1 = "wxrtool-c1"
codecs.register_error(_C1, _as_c1)


class _Transcoded(io.RawIOBase):
    """A UTF-16 or UTF-32 document as UTF-8, its XML declaration changed to say so."""

    def __init__(self, raw: _Readable, codec: str, skip: int, name: str) -> None:
        self._raw = raw
        self._codec = codec
        self._skip = skip
        self._name = name
        # (windows-1252's five bytes it leaves undefined, 0x81 0x8D 0x8F 0x90 0x9D, are the C1
        # characters of their numbers, as WHATWG's decoder and MySQL's "latin1" read them)
        c1 = codecs.lookup(codec).name == "cp1252"
        self._decoder = codecs.getincrementaldecoder(codec)(_C1 if c1 else "strict")
        self._out = b""
        self._at = 0
        self._first = True
        self._eof = False
        self._offset = 0  # encoded bytes read so far

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = _CHUNK
        while self._at >= len(self._out) and not self._eof:
            self._fill()
        data = self._out[self._at : self._at + size]
        self._at += len(data)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _fill(self) -> None:
        data = self._raw.read(_CHUNK)
        if self._skip:
            data, self._skip = data[self._skip :], 0
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"not valid {self._codec.upper()}: {exc.reason} at byte {self._offset + exc.start}",
                file=self._name,
                hint="is the file complete, and in the encoding its start says?",
            ) from None
        self._offset += len(data)
        self._eof = not data
        if self._first:
            self._first = False
            text = _DECLARATION.sub(r'\1"UTF-8"', text, count=1) if text.startswith("<?xml") else text
        self._out = text.encode("utf-8")
        self._at = 0


class _NotAgain(Exception):
    """The input cannot be read again from its start (a pipe, a stream repaired on the way)."""


def cut_short_compressed(name: str, recover: bool = False) -> ParseError:
    """The error for compressed data that stops before its end-of-stream marker (gzip's, bz2's and
    xz's ``EOFError``): an export cut short, as validate's kind ``truncated`` says."""
    return ParseError(
        "the export is cut short: the compressed file ends before its end-of-stream marker",
        file=name,
        hint=cut_short_hint(recover),
    )


def cut_short_hint(recover: bool) -> str:
    """What to do with an export cut short; with ``recover`` given already, it stopped before any
    item could be kept (it named --recover to one who had given it)."""
    if recover:
        return "the file is incomplete and breaks before its first item ends: export or download it again"
    return (
        "the file is incomplete: export or download it again; --recover converts every complete item"
        " before the break and says where it stopped"
    )


class ParserInput(io.RawIOBase):
    """The bytes the XML parser reads, watched on the way.

    - The prolog (what comes before the root element) is read as it passes, however
      long: a ``<!DOCTYPE`` or ``<!ENTITY`` there is refused before the parser sees it.
    - After it such a declaration cannot work (the parser stops at it); the last two
      chunks are kept, so that the parser's error can be called what it is
      (:meth:`declared_lately`).
    - The reader sets ``mark`` to ``consumed`` where an item ends; when more than
      ``limit`` bytes go by without one, :class:`~wxrtool.errors.ItemTooLargeError`
      stops the read before the parser holds them. (libxml2 keeps a comment or a
      start tag whole in its buffer until it ends, and a text node grows with its
      text: memory follows the longest item, which this bounds.)

    Reading a chunk costs a comparison and a few assignments past the prolog.
    """

    def __init__(
        self,
        raw: _Readable,
        name: str,
        limit: int,
        *,
        prefix: bytes = b"",
        repaired: Any = None,
        compressed: str | None = None,
    ) -> None:
        self._raw = raw
        self._prefix = prefix  # read from raw already
        self._name = name
        self.limit = limit
        self.repaired = repaired  # the recovery filter, if any
        self.damaged: _UntilDamaged | None = None  # (--recover, compressed: where the data broke)
        self._compressed = compressed  # "gzip", "bz2", "xz" or None
        self._first = True
        self._blank = True  # nothing but white space (and byte order marks) read so far
        self.consumed = 0
        self.mark = 0
        self._latest = self._previous = b""
        self._prolog = True
        self._until = b""  # in the prolog: the end of the comment or instruction it is in
        self._carry = b""
        self._line, self._line_start = 1, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = _CHUNK
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
        else:
            data = self._raw.read(size)
        if self._first:
            self._first = False
            if len(data) < size and not self._prefix:
                data += _head(self._raw, size - len(data))  # the whole first chunk, not just the head
            self._check_start(data)
        self.consumed += len(data)
        if self._prolog:
            if not data and self._blank:
                raise self._empty()
            self._blank = self._blank and not data.replace(codecs.BOM_UTF8, b"").strip(_BLANK)
            self._scan_prolog(data, self.consumed - len(data))
        self._previous, self._latest = self._latest, data
        if self.consumed - self.mark > self.limit:
            raise ItemTooLargeError(f"more than {self.limit} bytes without the end of an item", file=self._name)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check_start(self, data: bytes) -> None:
        """Say what the document is, from its first chunk, when that shows it is no export, or an
        export with something printed into it before its XML (which the parser would call
        "Extra content at the end of the document", or worse)."""
        from .recover import describe_output, read_prolog

        text = data.decode("utf-8", "replace")
        if binary_start(data):
            # (before the prolog is read: its first "<" and letter, somewhere in the bytes, is no
            # element: a gzip compressed twice was called an XML document whose root is <hFs>)
            raise self._not_export((f"not a WordPress export: {_what_it_is(data)}", _GET_AN_EXPORT), text, 0)
        prolog = read_prolog(text)
        if prolog.doctype is not None:
            if prolog.doctype.lower() == "html":
                raise self._not_export(_HTML_PAGE, text, prolog.doctype_at)
            return  # refused as a DOCTYPE where the prolog is read
        first = prolog.first
        if first.lower() == "html":
            raise self._not_export(_HTML_PAGE, text, prolog.first_at)
        declared_later = prolog.declaration is not None and prolog.declaration[0] > prolog.first_at >= 0
        if prolog.root >= 0 or declared_later:
            # An export (or what is left of one) after something printed before it.
            if prolog.strays:
                stray = prolog.strays[0]
                what = f"{describe_output(stray.text)} {stray.where}"
                if self.repaired is None:
                    message, hint = f"{what}, which --recover removes", _PRINTED
                else:
                    message = what
                    hint = "such output is removed only when the export's <rss> starts in its first megabyte"
                raise ParseError(message, file=self._name, line=stray.line, column=stray.column, hint=hint)
            if prolog.misplaced and prolog.declaration is not None:
                start = prolog.declaration[0]
                line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
                also = "" if self.repaired is not None else ", which --recover moves there"
                raise ParseError(
                    f"the XML declaration is not at the start of the file{also}",
                    file=self._name,
                    line=line,
                    column=column,
                    hint="something before it (a comment?) was written there after the export",
                )
            return
        if not first:
            starts = text.lstrip("\ufeff \t\r\n")[:1]
            if starts and starts != "<":  # (no markup at all: the parser would call it damaged XML)
                raise self._not_export((f"not a WordPress export: {_what_it_is(data)}", _GET_AN_EXPORT), text, 0)
            return  # markup, but no element: the parser says what it is
        if first == "feed":
            raise self._not_export(_ATOM_FEED, text, prolog.first_at)
        other = (
            f"not a WordPress export: the root element is <{first}> (expected <rss><channel>)",
            "another program's or plugin's export? wxrtool reads the one WordPress writes in Tools > Export",
        )
        raise self._not_export(other, text, prolog.first_at)

    def _not_export(self, what: tuple[str, str], text: str, at: int) -> NotWXRError:
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        return NotWXRError(what[0], file=self._name, line=line, column=column, hint=what[1])

    def _empty(self) -> EmptyInputError:
        what = "the file is empty" if self.consumed == 0 else "the file holds only blank space"
        if self._compressed:
            what += f" once decompressed ({self._compressed})"
        return EmptyInputError(
            f"{what}: there is no export in it",
            file=self._name,
            hint="the export was not written or downloaded whole; " + _GET_AN_EXPORT,
        )

    def ended(self) -> bool:
        """Whether the input has come to its end: a read past its last byte."""
        return self.consumed > 0 and not self._latest and not self._first

    def line_breaks(self) -> int | None:
        """How many line breaks the input holds, counted again from its start (a fault's line
        set against the last; counted only then, off the reading's path); ``None`` when it
        cannot be read again (standard input, a pipe) or was repaired on the way."""
        try:
            return sum(block.count(b"\n") for block in self._again())
        except _NotAgain:
            return None

    def line(self, number: int, most: int) -> str | None:
        """Line ``number`` (from 1) of the input, its first ``most`` bytes at most, read again from
        its start (for a fault's column, only then); ``None`` when the input cannot be read again
        or is shorter."""
        seen, kept = 1, b""
        try:
            for block in self._again():
                at = 0
                while seen < number:  # (each block looked through once: find moves on)
                    cut = block.find(b"\n", at)
                    if cut < 0:
                        break
                    seen, at = seen + 1, cut + 1
                if seen < number:
                    continue
                end = block.find(b"\n", at)
                kept += block[at : end if end >= 0 else len(block)][: max(0, most - len(kept))]
                if end >= 0 or len(kept) >= most:
                    break
        except _NotAgain:
            return None
        return kept.decode("utf-8", "replace") if seen == number else None

    def _again(self) -> Iterator[bytes]:
        """The input's bytes from its start, in blocks, as read the first time; :class:`_NotAgain`
        when they cannot be."""
        raw: Any = self._raw
        if self.repaired is not None or not getattr(raw, "seekable", lambda: False)():
            raise _NotAgain
        try:
            raw.seek(0)
            while block := raw.read(1 << 20):
                yield block
        except (OSError, AttributeError, ValueError, EOFError):
            raise _NotAgain from None

    def declared_lately(self) -> bool:
        """Whether a ``<!DOCTYPE`` or ``<!ENTITY`` is in the last two chunks read."""
        recent = self._previous + self._latest
        return any(marker in recent for marker in _DECLARATIONS)

    def _scan_prolog(self, data: bytes, start: int) -> None:
        buffer = self._carry + data
        base = start - len(self._carry)  # where the buffer starts in the document
        position = 0
        while True:
            if self._until:  # in a comment or processing instruction
                end = buffer.find(self._until, position)
                if end < 0:
                    keep = max(position, len(buffer) - len(self._until) + 1)
                    break
                position = end + len(self._until)
                self._until = b""
                continue
            tag = buffer.find(b"<", position)
            if tag < 0:
                keep = len(buffer)
                break
            begins = buffer[tag : tag + 9]
            if data and len(begins) < 9 and any(m.startswith(begins) for m in (*_DECLARATIONS, b"<!--", b"<?")):
                keep = tag  # not yet known what it starts
                break
            if begins.startswith(b"<?"):
                self._until, position = b"?>", tag + 2
            elif begins.startswith(b"<!--"):
                self._until, position = b"-->", tag + 4
            elif begins.startswith(_DECLARATIONS):
                newline = buffer.rfind(b"\n", 0, tag)
                line_start = base + newline + 1 if newline >= 0 else self._line_start
                raise _unsafe(self._name, self._line + buffer.count(b"\n", 0, tag), base + tag - line_start + 1)
            else:  # the root element: the prolog is over
                self._prolog = False
                self._carry = b""
                return
        newline = buffer.rfind(b"\n", 0, keep)
        if newline >= 0:
            self._line += buffer.count(b"\n", 0, keep)
            self._line_start = base + newline + 1
        self._carry = buffer[keep:]


DEFAULT_MAX_ITEM_SIZE = 64_000_000


# -- zip archives ------------------------------------------------------------------

# A zip archive's first bytes: a file's header, or an empty archive's end record.
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
#: The most files a zip archive may list. WordPress.com's export download holds an XML file
#: or a few; zipfile would hold a list of a million in memory before anything is read.
MAX_ZIP_FILES = 1000
_MAX_ZIP_DIRECTORY = 1 << 20  # the list's bytes (a thousand entries with long names take 300 KB)
#: How many times its compressed size an XML file in a zip may inflate to. Exports compress
#: 5 to 20 times (measured on every sample and fixture); deflate can reach 1,000.
MAX_INFLATION = 100
_INFLATION_FLOOR = 16_000_000  # a file smaller than this may inflate any number of times
_XML_FILE = re.compile(r"\.xml(?:\.(?:gz|bz2|xz))?$", re.IGNORECASE)
# Files a zip made on a Mac carries beside the real ones (resource forks named like them).
_MAC_EXTRAS = re.compile(r"(?:^|/)(?:__MACOSX/|\._)")
# A zip of XML files that is a document, not an export: Office Open XML, OpenDocument, EPUB.
_DOCUMENTS = ("[Content_Types].xml", "META-INF/manifest.xml", "mimetype")
_UNZIP_IT = "if you trust it, unzip it and give wxrtool the XML file inside"


class _UntilDamaged(io.RawIOBase):
    """Decompressed data that ends where it is cut short or damaged (``--recover``): the parser
    then reads what came before as a file cut short, and keeps every complete item of it (the
    decompressor's error threw away what it had inflated and the parser had not read yet: four
    items of 45). ``damage`` says what broke; small reads lose little at the break."""

    _READ = 4096

    def __init__(self, raw: _Readable, kind: str) -> None:
        self._raw = raw
        self._kind = kind
        self.damage: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if self.damage is not None:
            return 0
        try:
            data = self._raw.read(min(len(buffer), self._READ))
        except (EOFError, OSError, lzma.LZMAError, zlib.error) as exc:
            self.damage = f"the {self._kind} data is cut short or damaged here ({exc})"
            return 0
        buffer[: len(data)] = data
        return len(data)


class ZipPart(io.RawIOBase):
    """One XML file of a zip archive, inflated as it is read: what :func:`open_source` reads
    for it (opened at the first read; its damage is an :class:`~wxrtool.errors.ArchiveError`)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
        self._archive = archive
        self._info = info
        self.name = name
        self._stream: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            return b""
        try:
            if self._stream is None:
                self._stream = self._archive.open(self._info)
            # zipfile inflates at most what is asked, never past the size the archive declares.
            return self._stream.read(_CHUNK if size is None or size < 0 else size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
            raise ArchiveError(
                f"cannot inflate this file of the zip archive: {exc}",
                file=self.name,
                hint="the zip is damaged or incomplete; download it again",
            ) from None

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        super().close()


class ZipExport:
    """A zip archive that holds an export, as WordPress.com's export download does.

    ``parts``: its XML files (in any folder) in name order, numbers compared as numbers
    (``site.2.xml`` before ``site.10.xml``), each named ``archive.zip/its/name.xml`` in
    messages; :func:`wxrtool.read.read_parts` reads them as one site. Other files are left
    alone. A context manager: the archive is closed when the block ends.
    """

    def __init__(self, archive: zipfile.ZipFile, parts: list[ZipPart]) -> None:
        self._archive = archive
        self._zip_parts = parts
        # What the reader reads: a ZipPart reads as a binary file does.
        self.parts: list[Source] = [cast(BinaryIO, part) for part in parts]
        self.closing = contextlib.ExitStack()  # the file opened for it (a caller's stream stays open)

    @property
    def names(self) -> list[str]:
        """Each part's name in messages (``archive.zip/its/name.xml``), in order."""
        return [part.name for part in self._zip_parts]

    def __enter__(self) -> ZipExport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every part, the archive, and the file opened for it."""
        for part in self._zip_parts:
            part.close()
        self._archive.close()
        self.closing.close()


def _zip_here(source: Source, name: str) -> WXRError:
    """The error for a zip archive where an XML document was expected."""
    if isinstance(source, ZipPart):
        message = "a zip archive inside the zip archive, which wxrtool does not open"
        return ArchiveError(message, file=name, hint=_UNZIP_IT)
    message = "a zip archive read from a pipe, which wxrtool cannot open (a zip lists its files at its end)"
    return ArchiveError(message, file=name, hint="give the zip file's path")


def _seekable(stream: Any) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def zip_without_xml(path: str) -> bool:
    """Whether the file at ``path`` is a zip archive that :func:`open_zip` finds no export in
    (photos, a theme, a document): one a folder of exports holds beside them, not an export. A zip
    it refuses otherwise (damaged, too large a list, encrypted) is one (its reading says why)."""
    try:
        archive = open_zip(path, path)
    except NotWXRError:
        return True
    except (WXRError, OSError):
        return False
    if archive is not None:
        archive.close()
    return False


def _directory_size(fp: IO[bytes], name: str) -> tuple[int, int]:
    """How many files a zip archive lists and how many bytes the list takes, read from its end
    records: zipfile would read the whole list into memory first."""
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    tail_size = min(size, 22 + 0xFFFF + 20)  # the end record, its comment, the zip64 locator
    fp.seek(size - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        message = "a zip archive without its end (its list of files)"
        raise ArchiveError(message, file=name, hint="is the download complete?")
    *_, entries, directory, offset, _comment = struct.unpack("<4s4H2LH", tail[at : at + 22])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF or offset == 0xFFFFFFFF) and at >= 20:
        locator = tail[at - 20 : at]
        if locator.startswith(b"PK\x06\x07"):  # zip64: the real numbers are in its own end record
            fp.seek(struct.unpack("<4sLQL", locator)[2])
            record = fp.read(56)
            if len(record) == 56 and record.startswith(b"PK\x06\x06"):
                *_, entries, directory, offset = struct.unpack("<4sQ2H2L4Q", record)
    return entries, directory


def _natural(name: str) -> list[Any]:
    # (a run of digits by its value, compared as text of its length: no int() of thousands of digits)
    return [
        (len(piece.lstrip("0")), piece.lstrip("0")) if n % 2 else piece.lower()
        for n, piece in enumerate(re.split(r"([0-9]+)", name))
    ]


def open_zip(source: Source, name: str | None = None) -> ZipExport | None:
    """``source`` opened as a zip archive of XML files; ``None`` when it is not a zip archive.

    Before any file is inflated: at most :data:`MAX_ZIP_FILES` files listed, each XML file
    stored or deflated (compression whose memory zipfile cannot bound is refused), not
    encrypted, and declaring at most :data:`MAX_INFLATION` times its compressed size (zipfile
    never inflates past what a file declares). Member names are only ever shown, never used
    as paths. Raises :class:`~wxrtool.errors.NotWXRError` for a zip without an XML file (or a
    document such as a .docx), :class:`~wxrtool.errors.ArchiveError` for the rest.

    Standard input and streams that cannot seek are not looked at (``None``): a zip is read
    from its end; :func:`open_source` says so when it meets one there.
    """
    name = name or source_name(source)
    with contextlib.ExitStack() as stack:
        if isinstance(source, (str, os.PathLike)):
            if os.fspath(source) == "-" or special_file(source):
                return None
            try:
                fp: IO[bytes] = stack.enter_context(open(source, "rb"))
            except OSError:
                return None  # open_source says what the system said
        elif _seekable(source):
            fp = source
        else:
            return None
        at = fp.tell()
        magic = fp.read(4)
        fp.seek(at)
        if not magic.startswith(_ZIP):
            return None
        export = _zip_export(fp, name)
        export.closing = stack.pop_all()
        return export
    return None  # (not reached: mypy cannot tell that an ExitStack swallows no exception)


def _zip_export(fp: IO[bytes], name: str) -> ZipExport:
    entries, directory = _directory_size(fp, name)
    if entries > MAX_ZIP_FILES or directory > _MAX_ZIP_DIRECTORY:
        message = (
            f"the zip archive lists {entries} files in {directory} bytes; an export's lists a few"
            f" (wxrtool opens one of at most {MAX_ZIP_FILES} files)"
        )
        raise ArchiveError(message, file=name, hint=_UNZIP_IT)
    try:
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveError(f"a damaged zip archive: {exc}", file=name, hint="download it again") from None
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_FILES:  # (the end record may say fewer than the list holds)
            message = f"the zip archive lists {len(infos)} files; an export's lists a few"
            raise ArchiveError(message, file=name, hint=_UNZIP_IT)
        names = {info.filename for info in infos}
        if any(document in names for document in _DOCUMENTS):
            message = "a document (Word, Excel, OpenDocument or EPUB: a zip of XML files), not a WordPress export"
            raise NotWXRError(message, file=name, hint=_GET_AN_EXPORT)
        files = [i for i in infos if not i.is_dir() and not _MAC_EXTRAS.search(i.filename)]
        xml = [i for i in files if _XML_FILE.search(i.filename)]
        if not xml:
            listed = ", ".join(i.filename for i in files[:3]) + (", ..." if len(files) > 3 else "")
            held = f"{len(files)} files, none of them XML: {listed}" if files else "it is empty"
            raise NotWXRError(
                f"a zip archive that holds no export ({held})",
                file=name,
                hint="WordPress.com's export download is a zip of .xml files: give that, or the export's .xml"
                " file; " + _GET_AN_EXPORT,
            )
        for info in xml:
            _check_member(info, name)
        xml.sort(key=lambda i: _natural(i.filename))
        parts = [ZipPart(archive, info, f"{name}/{info.filename}") for info in xml]
    except BaseException:
        archive.close()
        raise
    return ZipExport(archive, parts)


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    """Refuse an XML file of a zip archive whose inflating could not be bounded or read."""
    where = f"{name}/{info.filename}"
    if info.flag_bits & 0x1:
        message = "the XML file in the zip archive is encrypted"
        raise ArchiveError(message, file=where, hint=_UNZIP_IT + " with its password")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # zipfile inflates bzip2 and lzma a block at a time, not as asked: a few KB can become gigabytes.
        message = (
            f"the XML file in the zip archive is compressed with method {info.compress_type}, which wxrtool"
            " does not inflate (the memory that takes cannot be bounded; exports are zipped with deflate)"
        )
        raise ArchiveError(message, file=where, hint=_UNZIP_IT)
    if info.file_size > _INFLATION_FLOOR and info.file_size > MAX_INFLATION * info.compress_size:
        times = info.file_size // max(info.compress_size, 1)
        message = (
            f"the XML file in the zip archive would inflate from {info.compress_size} to {info.file_size}"
            f" bytes, {times} times: a zip bomb? (exports inflate 5 to 20 times; at most {MAX_INFLATION} is read)"
        )
        raise ArchiveError(message, file=where, hint=_UNZIP_IT)


@contextlib.contextmanager
def reopenable(source: Source) -> Iterator[Source]:
    """``source`` as something that can be read twice: a path as it is, a stream spooled to disk.

    Writers that index the export first read it twice; standard input and pipes
    cannot be rewound, so they are copied to a temporary file, removed afterwards.
    """
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-" and not special_file(source):
        yield source
        return
    with contextlib.ExitStack() as stack:
        if not isinstance(source, (str, os.PathLike)):
            stream: IO[bytes] = source
        elif os.fspath(source) == "-":
            stream = sys.stdin.buffer
        else:
            stream = stack.enter_context(open(source, "rb"))
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="wxrtool-"))
        path = os.path.join(folder, "input")
        name = source_name(source)
        with open(path, "wb") as spool:
            # (its start first: /dev/zero or a video, endless or large, is refused before it fills
            # the disk, as a file of it is where it is read)
            head = stream.read(1 << 16)
            # (compressed, zipped, or UTF-16 or -32: the reader opens it, or says why it cannot)
            if binary_start(head) and not head.startswith(_READER_OPENS):
                raise NotWXRError(f"not a WordPress export: {_what_it_is(head)}", file=name, hint=_GET_AN_EXPORT)
            spool.write(head)
            shutil.copyfileobj(stream, spool, 1 << 20)
        yield path


# What the reader opens that holds NUL bytes or a magic number: compressed data, a zip archive
# (or says why it cannot), a UTF-16 or UTF-32 document.
_READER_OPENS = (*_ZIP, *(magic for magic, _ in _MAGIC), *(mark for mark, _, _ in _WIDE))


@contextlib.contextmanager
def open_source(
    source: Source, name: str | None = None, *, recover: bool = False, limit: int = DEFAULT_MAX_ITEM_SIZE
) -> Iterator[ParserInput]:
    """Open ``source`` for reading as decompressed, DOCTYPE-checked bytes (UTF-8 or ASCII-compatible).

    ``limit``: the most bytes read without the reader marking an item's end.

    >>> with open_source(samples / "klout.xml") as f:
    ...     f.read(5)
    b'<?xml'
    """
    name = name or source_name(source)
    with contextlib.ExitStack() as stack:
        raw: BinaryIO
        if isinstance(source, (str, os.PathLike)):
            if os.fspath(source) == "-":
                raw = sys.stdin.buffer
            else:
                try:
                    raw = stack.enter_context(open(source, "rb"))
                except OSError as exc:
                    raise WXRError(
                        exc.strerror or str(exc), file=name, hint="check the path and its permissions"
                    ) from None
        else:
            raw = source
        # The parser reads ``head`` and then the rest of ``stream``: as few layers of
        # Python between it and the file as can be.
        head = _head(raw, _HEAD_BYTES)
        if head.startswith(_ZIP):
            raise _zip_here(source, name)
        kind = next((k for m, k in _MAGIC if head.startswith(m)), None)
        stream: _Readable = raw
        until_damaged: _UntilDamaged | None = None
        if kind is not None:
            compressed = _Prefixed(head, raw)
            if kind == "gzip":
                stream = stack.enter_context(gzip.GzipFile(fileobj=compressed, mode="rb"))
            elif kind == "bz2":
                stream = stack.enter_context(bz2.BZ2File(compressed))
            else:
                stream = stack.enter_context(lzma.LZMAFile(compressed))  # type: ignore[arg-type]  # RawIOBase reads as IO[bytes]
            if recover:
                stream = until_damaged = _UntilDamaged(stream, kind)
            try:
                head = _head(stream, _HEAD_BYTES)
            except EOFError:
                raise cut_short_compressed(name, recover) from None
            except (OSError, lzma.LZMAError) as exc:
                raise WXRError(
                    f"cannot decompress the {kind} data: {exc}", file=name, hint="is the file complete?"
                ) from None
            if until_damaged is not None and until_damaged.damage is not None and not head:
                raise cut_short_compressed(name, recover)  # (nothing inflated before the break)
        wide = _encoding(head, name)
        if wide is not None:
            stream, head = _Transcoded(_Prefixed(head, stream), *wide, name), b""
        repaired = None
        if recover:
            from .recover import RepairingStream

            declared = None if wide is not None else _declared(head)
            if declared is not None:
                # The filter reads UTF-8: a document declared in another encoding is handed to
                # it as UTF-8, its declaration changed to say so (else every byte past ASCII
                # would be "repaired", and the parser would read the filter's UTF-8 as Latin-1).
                stream, head = _Transcoded(_Prefixed(head, stream), declared, 0, name), b""
            stream = repaired = RepairingStream(_Prefixed(head, stream), name)
            head = b""
        parser_input = ParserInput(stream, name, limit, prefix=head, repaired=repaired, compressed=kind)
        if until_damaged is not None:
            parser_input.damaged = until_damaged
        yield parser_input
