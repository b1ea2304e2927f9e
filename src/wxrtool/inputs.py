"""The export to convert, opened once: what it is, and what can be done with it.

An export comes as a path, standard input (``-``), an open binary stream, the
parts of a split export, or a zip archive of parts (read by the reader, see
:func:`wxrtool.source.open_zip`). :func:`opened` looks at it once and gives an :class:`Input`
whose fields say what the later stages may do: read it twice (a stream is spooled to
a temporary file first when they must), cut it into byte ranges for worker processes
(a plain file on disk), show progress against its size (an uncompressed file).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .read import PartsReader, Reader
from .source import Source, reopenable, source_name

# gzip, bzip2, xz, and a zip archive (its first file, or the end of an empty one)
_NOT_PLAIN = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Input:
    """An export opened for converting.

    ``name``: how messages name it. ``sources``: what is read, in order (one source, or
    the parts of a split export). ``path``: the file on disk when the export is one
    uncompressed file, which workers can read in ranges (``None`` otherwise). ``size``:
    its size in bytes, for progress (``None`` when unknown: a stream, a compressed file,
    parts). ``files``: every file on disk it was read from (an output may not replace the
    folder holding one).
    """

    name: str
    sources: tuple[Source, ...]
    path: str | None = None
    size: int | None = None
    files: tuple[str, ...] = ()

    def reader(self, *, recover: bool = False, light: bool = False, personal_data: bool = True) -> Reader | PartsReader:
        """A reader of the whole export (see :class:`~wxrtool.read.Reader`), its parts read as one."""
        if len(self.sources) > 1:
            parts = [os.fspath(p) for p in self.sources]  # type: ignore[arg-type]  # parts are paths
            return PartsReader(parts, recover=recover, light=light, personal_data=personal_data)
        return Reader(self.sources[0], self.name, recover=recover, light=light, personal_data=personal_data)


def _is_path(source: Source) -> bool:
    return isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-"


def _plain_file(path: str) -> bool:
    """Whether ``path`` is a file on disk holding uncompressed bytes (not an archive either):
    what workers may cut into byte ranges, and progress be shown against."""
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        return not f.read(6).startswith(_NOT_PLAIN)


@contextlib.contextmanager
def opened(source: Source | Sequence[Source], *, twice: bool = False) -> Iterator[Input]:
    """``source`` (what :func:`wxrtool.read` accepts, or a list of the parts of one split
    export) as an :class:`Input`; ``twice``: it will be read twice (an index first), so a
    stream is copied to a temporary file, removed when the block ends."""
    if isinstance(source, Sequence) and not isinstance(source, (str, bytes)):
        parts = tuple(source)
        files = tuple(os.fspath(p) for p in parts if _is_path(p))  # type: ignore[arg-type]
        yield Input(name=source_name(parts[0]), sources=parts, files=files)
        return
    name = source_name(source)
    given = os.fspath(source) if _is_path(source) else None  # type: ignore[arg-type]
    with reopenable(source) if twice else contextlib.nullcontext(source) as readable:
        path = os.fspath(readable) if _is_path(readable) and _plain_file(os.fspath(readable)) else None  # type: ignore[arg-type]
        yield Input(
            name=name,
            sources=(readable,),
            path=path,
            size=os.path.getsize(path) if path is not None else None,
            files=(given,) if given is not None else (),
        )
