"""Where an export on disk is cut so that worker processes can each read a range of it.

Each cut lies just before an ``<item`` that follows an ``</item>``; a range is read as
a document of its own (:func:`document`: the file's opening up to ``<channel ...>``,
the range, the closing tags). A cut in the wrong place (inside a CDATA section, a
comment or an element below the channel's children) leaves the range holding the
start of that construct unclosed, so that range fails to parse and the export is read
again in one process: see :mod:`wxrtool.parallel.ranges`.

A range is read into memory whole, so none may be longer than a chunk and one item of
the largest size the reader accepts (:func:`~wxrtool.read.max_item_size`): an export
that would need a longer one is read in one process, as a stream, where an item over
that size stops the read before memory holds it.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass

from ..read import max_item_size
from .scan import without_bodies

CHUNK_BYTES = 2 * 1024 * 1024  # per range: about 150 items; their renders (some 6 MB as str) wait in memory
MIN_CHUNK_BYTES = 512 * 1024  # below this, starting the workers costs more than they save

_HEAD_BYTES = 64 * 1024  # where the channel's start tag must be
_WINDOW = 256 * 1024
_CHANNEL = re.compile(rb"<channel[\s>]")
_CUT = re.compile(rb"</item>\s*(<item[\s>])")
_CLOSE = b"</channel></rss>\n"


@dataclass(frozen=True)
class Plan:
    """Where an export is cut: ``head`` bytes of opening, then ranges starting at ``starts``."""

    path: str
    name: str
    size: int
    head: int
    starts: tuple[int, ...]

    def span(self, k: int) -> tuple[int, int]:
        """The bytes ``[start, end)`` of range ``k``; range 0 starts at the file's start."""
        end = self.starts[k + 1] if k + 1 < len(self.starts) else self.size
        return self.starts[k], end


def plan(path: str, name: str, jobs: int, chunk: int | None = None) -> Plan | None:
    """Cut points for the uncompressed export at ``path`` read by ``jobs`` processes, or
    ``None`` when it cannot or need not be cut.

    Only a file of at least two chunks is cut (standard input and compressed files are
    never given: see :attr:`wxrtool.inputs.Input.path`); exports without a ``<channel>`` in their first 64 KiB are
    read in one process, and so are those where a range would be longer than
    ``chunk`` plus :func:`~wxrtool.read.max_item_size` bytes. Ranges are
    :data:`CHUNK_BYTES` long, or shorter for a small export, so that each process
    has a few; the last ``jobs`` chunks' worth are cut four times finer.
    """
    size = os.path.getsize(path)
    chunk = chunk or max(MIN_CHUNK_BYTES, min(CHUNK_BYTES, size // (4 * jobs)))
    if size < 2 * chunk:
        return None
    starts = [0]
    longest = chunk + max_item_size()
    with open(path, "rb") as f:
        opening = f.read(_HEAD_BYTES)
        found = _CHANNEL.search(opening)
        if found is None or opening.find(b">", found.start()) < 0:
            return None
        head = opening.find(b">", found.start()) + 1
        step = chunk
        position = max(chunk, head)
        while position < size - step // 2:
            cut = _next_cut(f, position, starts[-1] + longest)
            if cut is None:
                break
            starts.append(cut)
            # The last stretch in quarter ranges, so that no process waits long for the
            # others to finish their last one.
            step = chunk if size - cut > jobs * chunk else max(MIN_CHUNK_BYTES, chunk // 4)
            position = cut + step
    if len(starts) < 2 or size - starts[-1] > longest:
        return None
    return Plan(path=path, name=name, size=size, head=head, starts=tuple(starts))


def _next_cut(f: io.BufferedReader, position: int, before: int) -> int | None:
    """The first ``<item`` at or after ``position`` that follows an ``</item>``, if one
    starts before ``before``."""
    f.seek(position)
    buffer = b""
    base = position
    while base < before:
        block = f.read(_WINDOW)
        if not block:
            return None
        buffer += block
        found = _CUT.search(buffer)
        if found is not None:
            cut = base + found.start(1)
            return cut if cut < before else None
        # Keep a tail in case the closing tag and the whitespace after it straddle blocks.
        keep = min(len(buffer), 4096)
        base += len(buffer) - keep
        buffer = buffer[-keep:]
    return None


def document(plan: Plan, k: int, light: bool = False) -> bytes:
    """Range ``k`` as a document of its own; for a ``light`` read, without the items'
    content and comments (see :func:`without_bodies`)."""
    start, end = plan.span(k)
    with open(plan.path, "rb") as f:
        opening = f.read(plan.head) if k else b""
        f.seek(start)
        body = f.read(end - start)
    if light:
        body = without_bodies(body, 0 if k else plan.head)
    return b"".join((opening, body, _CLOSE if end < plan.size else b""))  # (one copy, not two)
