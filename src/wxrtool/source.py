"""Opening an export: a path, a binary file object or ``-``; compressed or not.

Compression is recognised by its magic bytes, never by the file name, so a
``.xml`` that is really gzip (as some hosts serve it) still reads.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, Protocol, Union

from .errors import UnsafeXMLError, WXRError

Source = Union[str, "os.PathLike[str]", BinaryIO]
"""What :func:`wxrtool.read` accepts: a path, ``"-"`` for stdin, or a binary file object."""

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)

# How much of the start of the document is searched for a DOCTYPE before parsing.
# WordPress's prolog is a dozen comment lines; 64 KiB leaves room for any of them.
_PROLOG_BYTES = 64 * 1024


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _Prefixed(io.RawIOBase):
    """A read-only stream that first returns ``prefix``, then the rest of ``raw``."""

    def __init__(self, prefix: bytes, raw: _Readable) -> None:
        self._prefix = prefix
        self._raw = raw
        self.consumed = 0

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
        self.consumed += len(data)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: _Readable, size: int) -> tuple[bytes, _Prefixed]:
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head, _Prefixed(head, stream)


def source_name(source: Source) -> str:
    """How a source is named in messages."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return getattr(source, "name", None) or "<stream>"


def _doctype_position(head: bytes) -> int:
    """Offset of a ``<!DOCTYPE`` in the prolog (before the root element), or -1."""
    pos = head.find(b"<")
    while pos >= 0:
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
        elif head.startswith(b"<!", pos):
            return pos
        else:
            return -1  # the root element: the prolog is over
        if end < 0:
            return -1
        pos = head.find(b"<", end)
    return -1


def check_prolog(head: bytes, name: str) -> None:
    """Refuse a document whose prolog declares a DOCTYPE (and so, possibly, entities).

    No WordPress export has one; a file that does is either not an export or built
    to attack the parser (entity expansion, external entities reading local files).
    """
    start = _doctype_position(head)
    if start < 0:
        return
    line = head.count(b"\n", 0, start) + 1
    column = start - head.rfind(b"\n", 0, start)
    raise UnsafeXMLError(
        "the document declares a DOCTYPE; WordPress exports never do, and wxrtool does not"
        " expand entities or load DTDs",
        file=name,
        line=line,
        column=column,
        hint="remove the <!DOCTYPE ...> declaration if you trust the file",
    )


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
def open_source(source: Source, name: str | None = None, *, recover: bool = False) -> Iterator[_Prefixed]:
    """Open ``source`` for reading as decompressed, DOCTYPE-checked bytes.

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
        magic, stream = _peek(raw, 6)
        kind = next((k for m, k in _MAGIC if magic.startswith(m)), None)
        decompressed: _Readable
        if kind == "gzip":
            decompressed = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
        elif kind == "bz2":
            decompressed = stack.enter_context(bz2.BZ2File(stream))
        elif kind == "xz":
            decompressed = stack.enter_context(lzma.LZMAFile(stream))  # type: ignore[arg-type]  # RawIOBase reads as IO[bytes]
        else:
            decompressed = stream
        if recover:
            from .recover import RepairingStream

            decompressed = RepairingStream(decompressed)
            stack.callback(lambda: None)
        try:
            head, checked = _peek(decompressed, _PROLOG_BYTES)
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise WXRError(
                f"cannot decompress the {kind} data: {exc}", file=name, hint="is the file complete?"
            ) from None
        check_prolog(head, name)
        checked.repaired = decompressed if recover else None  # type: ignore[attr-defined]
        yield checked
