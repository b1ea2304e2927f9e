"""One export read in byte ranges by several processes, for output that concatenates.

JSON Lines written from a stretch of an export is, line for line, the same stretch of
the JSON Lines of the whole export: nothing is carried from one record's lines to the
next. So with ``--jobs`` above 1, an uncompressed export on disk is cut into ranges of
about :data:`CHUNK_BYTES`, each cut just before an ``<item`` that follows an
``</item>``; a worker process reads one range as a document of its own (the file's
opening up to ``<channel ...>``, the range, the closing tags) and writes its lines;
the main process writes the ranges' text in order. Parsing, the records and the
rendering all run in the workers, so two cores read an export in about half the time.

A range is read into memory whole, so none may be longer than a chunk and one item of
the largest size the reader accepts (:func:`~wxrtool.read.max_item_size`): an export
that would need a longer one is read in one process, as a stream, where an item over
that size stops the read before memory holds it.

A wrong cut cannot go unnoticed. A cut inside a CDATA section, a comment or an element
below the channel's children leaves the range holding the start of that construct
unclosed, and that range fails to parse; the export is then read again in one process,
which writes the same output, or stops at the real error with its line.

Two things an item takes from the items before it are guessed and checked:

- the UTC offset last seen, for a local date without its GMT half
  (:class:`~wxrtool.quirks.DateResolver`);
- the status of an attachment's parent, when the attachment ``inherit``\\ s it.

A range starts from the guesses "UTC" and "parent not read yet" and reports whether it
used them. The main process, which knows the truth once the ranges before are in,
reads a range again itself with the right state when a guess it used was wrong.

Records made in a range carry line numbers counted from the range's own document;
a format read this way must not write them (JSON Lines does not).
"""

from __future__ import annotations

import io
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TextIO, TypeVar

from .errors import WXRError
from .index import SiteIndex
from .quirks import DateResolver
from .read import Reader, max_item_size
from .records import Post, Record
from .selection import Account, Selection, Selector
from .source import Source
from .writers._options import WriteOptions
from .writers._parallel import AHEAD, WORKER_DIED, WORKER_HINT, start_pool, worker_options

if TYPE_CHECKING:
    from .writers import Format

P = TypeVar("P")
T = TypeVar("T")

Make = Callable[[Iterator[Record], WriteOptions], P]
"""What a range's selected records become (a module-level function: workers get it by name)."""

CHUNK_BYTES = 2 * 1024 * 1024  # per range: about 150 items; their renders (some 6 MB as str) wait in memory
MIN_CHUNK_BYTES = 512 * 1024  # below this, starting the workers costs more than they save

_HEAD_BYTES = 64 * 1024  # where the channel's start tag must be
_WINDOW = 256 * 1024
_CHANNEL = re.compile(rb"<channel[\s>]")
_CUT = re.compile(rb"</item>\s*(<item[\s>])")
_CLOSE = b"</channel></rss>\n"
_COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ")


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


def plan(source: Source, name: str, jobs: int, chunk: int | None = None) -> Plan | None:
    """Cut points for ``source`` read by ``jobs`` processes, or ``None`` when it cannot or need not be cut.

    Only an uncompressed file on disk of at least two chunks is cut; stdin,
    compressed files and exports without a ``<channel>`` in their first 64 KiB are
    read in one process, and so are those where a range would be longer than
    ``chunk`` plus :func:`~wxrtool.read.max_item_size` bytes. Ranges are
    :data:`CHUNK_BYTES` long, or shorter for a small export, so that each process
    has a few; the last ``jobs`` chunks' worth are cut four times finer.
    """
    if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-" or not os.path.isfile(source):
        return None
    path = os.fspath(source)
    size = os.path.getsize(path)
    chunk = chunk or max(MIN_CHUNK_BYTES, min(CHUNK_BYTES, size // (4 * jobs)))
    if size < 2 * chunk:
        return None
    starts = [0]
    longest = chunk + max_item_size()
    with open(path, "rb") as f:
        opening = f.read(_HEAD_BYTES)
        found = _CHANNEL.search(opening)
        if opening.startswith(_COMPRESSED) or found is None or opening.find(b">", found.start()) < 0:
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


@dataclass
class _Range(Generic[P]):
    """What a worker sends back for one range: its product, and what it guessed."""

    product: P
    account: Account
    statuses: list[tuple[int, str]]
    assumed: set[int]
    borrowed: bool
    offset: timedelta | None  # the last offset the range showed, if it showed one
    end: int = 0
    reread: bool = False  # a guess was wrong: read again with the right state


@dataclass
class _State:
    """What the ranges read so far tell the next one."""

    offset: timedelta = timedelta(0)
    statuses: dict[int, str] = field(default_factory=dict)


class RangeFailed(Exception):
    """A range did not parse: the export must be read again in one process."""


def _document(plan: Plan, k: int, light: bool = False) -> bytes:
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


# -- a lighter document for the index ------------------------------------------

_CONTENT = (b"<content:encoded>", b"</content:encoded>")
_COMMENT = (b"<wp:comment>", b"</wp:comment>")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"
_NEXT_COMMENT = re.compile(rb"[ \t\r\n]*<wp:comment>")


def without_bodies(data: bytes, start: int = 0) -> bytes:
    """``data``, a stretch of items, without each item's ``content:encoded`` and ``wp:comment``
    elements: what a light read (:class:`~wxrtool.read.Reader` ``light=True``) skips anyway.

    Comments are most of an export's elements and content most of its bytes; without
    them the index's parse takes two fifths of the time, cutting included. Only what is
    certainly such an element is cut, from ``start``, which must lie between elements:

    - a start tag counts where no CDATA section is open (the last ``<![CDATA[``
      before it has its ``]]>``; a tag inside one is text, and the search goes on past
      the section);
    - content is read as the parser reads it: CDATA sections and text, then its end tag;
    - a comment ends at its first ``</wp:comment>`` outside CDATA, found the same way.

    An XML comment or processing instruction outside CDATA could hide either marker:
    WordPress writes none inside items, and where one appears the rest of the stretch
    is kept as it is. tests/test_ranges.py checks the light read of cut and uncut
    documents on generated text full of such markers.

    >>> without_bodies(b"<item><title>A</title><content:encoded><![CDATA[<p>Hi</p>]]></content:encoded>"
    ...                b"<wp:comment><wp:comment_content><![CDATA[</wp:comment>?]]></wp:comment_content>"
    ...                b"</wp:comment></item>")
    b'<item><title>A</title></item>'
    >>> without_bodies(b"<item><wp:comment><!-- --></wp:comment><wp:comment>x</wp:comment></item>")
    b'<item><wp:comment><!-- --></wp:comment><wp:comment>x</wp:comment></item>'
    """
    pieces: list[bytes] = []
    kept, pos = 0, start
    content, comment = data.find(_CONTENT[0], pos), data.find(_COMMENT[0], pos)
    while content >= 0 or comment >= 0:
        is_content = comment < 0 or 0 <= content < comment
        at = content if is_content else comment
        tag = _outside_cdata(data, pos, at, _CONTENT[0] if is_content else _COMMENT[0])
        if tag == -2:
            break
        if tag != at:  # that one was text of a CDATA section
            if is_content:
                content = tag
            else:
                comment = tag
            continue
        if is_content:
            after = _content_end(data, at + len(_CONTENT[0]))
        else:
            after = _comment_end(data, at + len(_COMMENT[0]))
            # The item's other comments follow, white space between.
            while after >= 0 and (following := _NEXT_COMMENT.match(data, after)):
                end = _comment_end(data, following.end())
                if end < 0:
                    break
                after = end
        if after < 0:
            break
        pieces.append(data[kept:at])
        kept = pos = after
        if 0 <= content < pos:
            content = data.find(_CONTENT[0], pos)
        if 0 <= comment < pos:
            comment = data.find(_COMMENT[0], pos)
    if not pieces:
        return data
    pieces.append(data[kept:])
    return b"".join(pieces)


def _open_cdata(data: bytes, start: int, end: int) -> int:
    """The CDATA section still open at ``end`` (where it starts), ``start`` lying outside
    one: -1 for none, -2 when an XML comment or processing instruction outside CDATA
    makes it unsure."""
    if data.find(b"<!--", start, end) < 0 and data.find(b"<?", start, end) < 0:
        # CDATA sections do not nest: the last "<![CDATA[" either opens a section or
        # lies in one; either way, a "]]>" after it closes what is open.
        last = data.rfind(_CDATA_OPEN, start, end)
        return -1 if last < 0 or data.find(_CDATA_CLOSE, last, end) >= 0 else last
    # Rarely ("<?php" in a comment): section by section, the markup between them checked.
    position = start
    while True:
        section = data.find(_CDATA_OPEN, position, end)
        between = section if section >= 0 else end
        if data.find(b"<!--", position, between) >= 0 or data.find(b"<?", position, between) >= 0:
            return -2
        if section < 0:
            return -1
        close = data.find(_CDATA_CLOSE, section + len(_CDATA_OPEN), end)
        if close < 0:
            return section
        position = close + len(_CDATA_CLOSE)


def _outside_cdata(data: bytes, start: int, found: int, needle: bytes) -> int:
    """The first ``needle`` from ``found`` (where one is, or -1) that lies outside CDATA,
    ``start`` lying outside it: -1 for none, -2 when unsure (see :func:`_open_cdata`)."""
    while found >= 0:
        section = _open_cdata(data, start, found)
        if section < 0:
            return found if section == -1 else -2
        # Text of a CDATA section: look past the section's end.
        close = data.find(_CDATA_CLOSE, found)
        found = data.find(needle, close) if close >= 0 else -1
    return -1


def _comment_end(data: bytes, position: int) -> int:
    """Where the ``wp:comment`` element whose children start at ``position`` ends
    (after its end tag): its first end tag outside CDATA; -1 when none or unsure."""
    close = _COMMENT[1]
    end = _outside_cdata(data, position, data.find(close, position), close)
    return end + len(close) if end >= 0 else -1


def _content_end(data: bytes, position: int) -> int:
    """Where the ``content:encoded`` element whose text starts at ``position`` ends
    (after its end tag), read as the parser reads it; -1 for anything else inside."""
    close = _CONTENT[1]
    while True:
        if data.startswith(close, position):
            return position + len(close)
        if data.startswith(_CDATA_OPEN, position):
            end = data.find(_CDATA_CLOSE, position + len(_CDATA_OPEN))
            if end < 0:
                return -1
            position = end + len(_CDATA_CLOSE)
            continue
        markup = data.find(b"<", position)
        if markup <= position:  # none left, or markup that is neither
            return -1
        position = markup  # text (escaped HTML, white space) up to the next markup


def _read(
    plan: Plan,
    k: int,
    options: WriteOptions,
    state: _State,
    make: Make[P],
    light: bool = False,
) -> _Range[P]:
    """``make`` applied to the selected records of range ``k``, read from ``state``."""
    dates = DateResolver(state.offset)
    personal = options.selection.personal_data
    document = io.BytesIO(_document(plan, k, light))
    reader = Reader(document, plan.name, dates=dates, light=light, personal_data=personal, continuation=k > 0)
    selector = Selector(options.selection)
    selector.status.update(state.statuses)
    product = make(selector.apply(reader), options)
    return _Range(
        product=product,
        account=selector.account,
        statuses=list(selector.status.items()),
        assumed=selector.assumed,
        borrowed=dates.borrowed,
        offset=dates.last_offset if dates.seen else None,
        end=plan.span(k)[1],
    )


def _in_worker(plan: Plan, k: int, make: Make[P], light: bool) -> _Range[P] | None:
    try:
        return _read(plan, k, worker_options(), _State(), make, light)
    except WXRError:
        # Not sent back as it is: the parser's error may hold what cannot be pickled,
        # and the main process reads the export again for the real error anyway.
        return None


def _guesses_held(result: _Range[P], state: _State, options: WriteOptions) -> bool:
    if result.borrowed and state.offset != timedelta(0):
        return False
    kept = options.selection.statuses
    if kept is None:
        return True
    publish = "publish" in kept
    for parent in result.assumed:
        status = state.statuses.get(parent)
        if status is not None and (status in kept) != publish:
            return False
    return True


def _in_order(plan: Plan, options: WriteOptions, make: Make[P], light: bool = False) -> Iterator[_Range[P]]:
    """Every range read by ``options.jobs`` workers, in order, its guesses checked.

    Raises :class:`RangeFailed` when a range does not parse. ``make`` must be a
    module-level function (or a :func:`functools.partial` of one): workers get it by name.
    """
    state = _State()
    pool = start_pool(options)
    pending: deque[tuple[int, Future[_Range[P] | None]]] = deque()
    following = iter(range(len(plan.starts)))
    try:
        for k in following:
            pending.append((k, pool.submit(_in_worker, plan, k, make, light)))
            if len(pending) >= options.jobs * AHEAD:
                break
        while pending:
            k, future = pending.popleft()
            for n in following:
                pending.append((n, pool.submit(_in_worker, plan, n, make, light)))
                break
            try:
                result = future.result()
                if result is None:
                    raise RangeFailed(k)
                if not _guesses_held(result, state, options):
                    wanted = {p: state.statuses[p] for p in result.assumed if p in state.statuses}
                    result = _read(plan, k, options, _State(state.offset, wanted), make, light)
                    result.reread = True
            except WXRError:
                raise RangeFailed(k) from None
            state.statuses.update(result.statuses)
            if result.offset is not None:
                state.offset = result.offset
            yield result
    except BrokenProcessPool:
        raise WXRError(WORKER_DIED, hint=WORKER_HINT) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- what the ranges make --------------------------------------------------------


def _text(fmt: Format, records: Iterator[Record], options: WriteOptions) -> bytes:
    buffer = io.BytesIO()
    with io.TextIOWrapper(buffer, encoding="utf-8", newline="\n") as out:
        fmt.write(records, out, options)
        out.flush()
        return buffer.getvalue()


@dataclass
class Outcome:
    """How a parallel read went: the account, and how many ranges were read again."""

    account: Account = field(default_factory=Account)
    reread: int = 0


def write(
    plan: Plan,
    fmt: Format,
    options: WriteOptions,
    out: TextIO,
    progress: Callable[[int, int | None, int], None] | None = None,
) -> Outcome:
    """Write the whole export in format ``fmt`` through ``options.jobs`` workers.

    ``out`` is a UTF-8 text file (its ``buffer`` is written to). After
    :class:`RangeFailed`, what was written to it is incomplete and must be discarded.
    """
    outcome = Outcome()
    fmt.write  # noqa: B018 -- import the writer here, once, not in every forked worker
    for result in _in_order(plan, options, partial(_text, fmt)):
        out.flush()
        out.buffer.write(result.product)
        _count(outcome, result)
        if progress is not None:
            progress(result.end, plan.size, outcome.account.read["items"])
    return outcome


def _count(outcome: Outcome, result: _Range[Any]) -> None:
    outcome.account.add(result.account)
    outcome.reread += result.reread


def _rendered(
    render: Callable[[Post, WriteOptions], T], records: Iterator[Record], options: WriteOptions
) -> list[tuple[Record, T | None]]:
    # A post goes back without its content and responses, which the render has used:
    # the writers' own part (paths, front matter, files) reads only the other fields.
    return [
        (replace(r, content_html="", comments=(), pings=()), render(r, options)) if isinstance(r, Post) else (r, None)
        for r in records
    ]


class Ranged:
    """The selected records of an export, read in ranges by workers that also render the posts.

    Writers take it through :func:`wxrtool.writers._parallel.rendered`, which calls
    :meth:`rendered`. ``outcome`` holds the account of what was read so far; the
    iteration raises :class:`RangeFailed` when a range does not parse.
    """

    def __init__(self, plan: Plan, progress: Callable[[int, int | None, int], None] | None = None) -> None:
        self.plan = plan
        self.progress = progress
        self.outcome = Outcome()

    def rendered(
        self, options: WriteOptions, render: Callable[[Post, WriteOptions], T]
    ) -> Iterator[tuple[Record, T | None]]:
        """Each record with ``render(record, options)`` if it is a post, in order."""
        for result in _in_order(self.plan, options, partial(_rendered, render)):
            _count(self.outcome, result)
            if self.progress is not None:
                self.progress(result.end, self.plan.size, self.outcome.account.read["items"])
            yield from result.product

    def __iter__(self) -> Iterator[Record]:
        raise TypeError("a Ranged export is read through writers._parallel.rendered()")


def _indexed(records: Iterator[Record], options: WriteOptions) -> SiteIndex:
    return SiteIndex.build(records)


def index(plan: Plan, jobs: int) -> SiteIndex | None:
    """The :class:`~wxrtool.index.SiteIndex` of the whole export, its ranges indexed by
    ``jobs`` workers (everything, whatever its status); ``None`` if a range failed to parse."""
    options = WriteOptions(selection=Selection.everything(), jobs=jobs)
    whole = SiteIndex()
    try:
        for result in _in_order(plan, options, _indexed, light=True):
            whole.merge(result.product)
    except RangeFailed:
        return None
    return whole
