"""Opening an export: a path, a binary file object or ``-``; compressed or not.

Compression is recognised by its magic bytes, never by the file name, so a
``.xml`` that is really gzip (as some hosts serve it) still reads.

What the parser reads passes through :class:`ParserInput`, which refuses a DOCTYPE
before the parser could see it and stops a read that goes on for more than the item
size limit without the reader seeing an item end (see :mod:`wxrtool.read`). Both
work on ASCII bytes, so a document in UTF-16 or UTF-32 is handed on as UTF-8
(:class:`_Transcoded`), and one in any other encoding that is not ASCII-compatible
is refused.
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
import sys
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO, Protocol, Union

from .errors import ItemTooLargeError, ParseError, UnsafeXMLError, WXRError

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


class _Transcoded(io.RawIOBase):
    """A UTF-16 or UTF-32 document as UTF-8, its XML declaration changed to say so."""

    def __init__(self, raw: _Readable, codec: str, skip: int, name: str) -> None:
        self._raw = raw
        self._codec = codec
        self._skip = skip
        self._name = name
        self._decoder = codecs.getincrementaldecoder(codec)("strict")
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

    def __init__(self, raw: _Readable, name: str, limit: int, *, prefix: bytes = b"", repaired: Any = None) -> None:
        self._raw = raw
        self._prefix = prefix  # read from raw already
        self._name = name
        self.limit = limit
        self.repaired = repaired  # the recovery filter, if any
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
        self.consumed += len(data)
        if self._prolog:
            self._scan_prolog(data, self.consumed - len(data))
        self._previous, self._latest = self._latest, data
        if self.consumed - self.mark > self.limit:
            raise ItemTooLargeError(f"more than {self.limit} bytes without the end of an item", file=self._name)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

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


@contextlib.contextmanager
def reopenable(source: Source) -> Iterator[Source]:
    """``source`` as something that can be read twice: a path as it is, a stream spooled to disk.

    Writers that index the export first read it twice; standard input and pipes
    cannot be rewound, so they are copied to a temporary file, removed afterwards.
    """
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-":
        yield source
        return
    stream = sys.stdin.buffer if isinstance(source, (str, os.PathLike)) else source
    with tempfile.TemporaryDirectory(prefix="wxrtool-") as folder:
        path = os.path.join(folder, "input")
        with open(path, "wb") as spool:
            shutil.copyfileobj(stream, spool, 1 << 20)
        yield path


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
        kind = next((k for m, k in _MAGIC if head.startswith(m)), None)
        stream: _Readable = raw
        if kind is not None:
            compressed = _Prefixed(head, raw)
            if kind == "gzip":
                stream = stack.enter_context(gzip.GzipFile(fileobj=compressed, mode="rb"))
            elif kind == "bz2":
                stream = stack.enter_context(bz2.BZ2File(compressed))
            else:
                stream = stack.enter_context(lzma.LZMAFile(compressed))  # type: ignore[arg-type]  # RawIOBase reads as IO[bytes]
            try:
                head = _head(stream, _HEAD_BYTES)
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise WXRError(
                    f"cannot decompress the {kind} data: {exc}", file=name, hint="is the file complete?"
                ) from None
        wide = _encoding(head, name)
        if wide is not None:
            stream, head = _Transcoded(_Prefixed(head, stream), *wide, name), b""
        repaired = None
        if recover:
            from .recover import RepairingStream

            stream = repaired = RepairingStream(_Prefixed(head, stream), name)
            head = b""
        yield ParserInput(stream, name, limit, prefix=head, repaired=repaired)
