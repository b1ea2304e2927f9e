"""An export read in ranges by worker processes, in order, each range's guesses checked.

The ranges come from :mod:`wxrtool.parallel.cuts`; a worker reads one as a document of
its own, selects its records and makes a *product* of them (the range's text in a
format that concatenates, its posts rendered, its part of the site index), and the
main process takes the products in order.

Two things an item takes from the items before it are guessed and checked:

- the UTC offset last seen, for a local date without its GMT half
  (:class:`~wxrtool.quirks.DateResolver`);
- the status of an attachment's parent, when the attachment ``inherit``\\ s it.

A range starts from the guesses "UTC" and "parent not read yet" and reports whether it
used them. The main process, which knows the truth once the ranges before are in,
reads a range again itself with the right state when a guess it used was wrong.

A range that does not parse raises :class:`RangeFailed`: a cut in the wrong place, or
a damaged export. The caller reads the export again in one process, which writes the
same output or stops at the real error with its line.

Records made in a range carry line numbers counted from the range's own document;
a product that concatenates must not hold them (JSON Lines does not).
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Generic, TypeVar

from ..account import Account
from ..errors import WXRError
from ..index import SiteIndex
from ..quirks import DateResolver
from ..read import Reader
from ..records import Post, Record
from ..selection import Selection, Selector
from ..sitestore import SpillMap
from ..writers.protocol import WriteFunction, WriteOptions, WriteResult, unrendered
from .cuts import Plan, document
from .pool import AHEAD, WORKER_DIED, WORKER_HINT, start_pool, worker_context

P = TypeVar("P")
T = TypeVar("T")

Make = Callable[[Iterator[Record], WriteOptions], P]
"""What a range's selected records become (a module-level function: workers get it by name)."""

Progress = Callable[[int, "int | None", int], None]

# What a range takes an attachment's parent it has not read to be (selection.Selector).
_GUESS = "publish"


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
    """What the ranges read so far tell the next one: the last UTC offset, and the status of
    each item read that is not ``publish`` (an item not listed counts as published, as the
    guess does: a site's statuses, kept whole, grew with its items; on disk when many)."""

    offset: timedelta = timedelta(0)
    statuses: MutableMapping[int, str] = field(default_factory=SpillMap)
    _largest: int = 0  # the largest id listed: a published item above it is not asked about

    def saw(self, statuses: list[tuple[int, str]]) -> None:
        """Add the statuses a range read (a later one of an id replaces an earlier one)."""
        for item, status in statuses:
            if status != _GUESS:
                self.statuses[item] = status
                self._largest = max(self._largest, item)
            elif item <= self._largest and item in self.statuses:
                del self.statuses[item]


class RangeFailed(Exception):
    """A range did not parse: the export must be read again in one process."""


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
    source = io.BytesIO(document(plan, k, light))
    reader = Reader(source, plan.name, dates=dates, light=light, personal_data=personal, continuation=k > 0)
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
        return _read(plan, k, worker_context(), _State(), make, light)
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


def _in_order(plan: Plan, options: WriteOptions, jobs: int, make: Make[P], light: bool = False) -> Iterator[_Range[P]]:
    """Every range read by ``jobs`` workers, in order, its guesses checked.

    Raises :class:`RangeFailed` when a range does not parse. ``make`` must be a
    module-level function (or a :func:`functools.partial` of one): workers get it by name.
    """
    state = _State()
    pool = start_pool(jobs, options)
    pending: deque[tuple[int, Future[_Range[P] | None]]] = deque()
    following = iter(range(len(plan.starts)))
    try:
        for k in following:
            pending.append((k, pool.submit(_in_worker, plan, k, make, light)))
            if len(pending) >= jobs * AHEAD:
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
            state.saw(result.statuses)
            if result.offset is not None:
                state.offset = result.offset
            yield result
    except BrokenProcessPool:
        raise WXRError(WORKER_DIED, hint=WORKER_HINT) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- what the ranges make --------------------------------------------------------


@dataclass
class Outcome:
    """How a read in ranges went so far: the account, and how many ranges were read again."""

    account: Account = field(default_factory=Account)
    reread: int = 0


class RangedRead:
    """The selected records of an export, read in ranges by ``jobs`` workers.

    Each of :meth:`texts` and :meth:`entries` reads the export once; ``outcome`` counts
    what has been read so far and ``progress`` (bytes done, total, items read) is told
    after each range. Both raise :class:`RangeFailed` when a range does not parse.
    """

    def __init__(self, plan: Plan, options: WriteOptions, jobs: int, progress: Progress | None = None) -> None:
        self.plan, self.options, self.jobs, self.progress = plan, options, jobs, progress
        self.outcome = Outcome()

    def _products(self, make: Make[P]) -> Iterator[P]:
        for result in _in_order(self.plan, self.options, self.jobs, make):
            self.outcome.account.add(result.account)
            self.outcome.reread += result.reread
            if self.progress is not None:
                self.progress(result.end, self.plan.size, self.outcome.account.read["items"])
            yield result.product

    def texts(self, write: WriteFunction) -> Iterator[tuple[bytes, WriteResult]]:
        """Each range written by ``write`` (a format that concatenates) as UTF-8, with its result."""
        return self._products(partial(_text, write))

    def entries(self, render: Callable[[Post, WriteOptions], T]) -> Iterator[tuple[Record, T | None]]:
        """Each record with ``render(record, options)`` if it is a post (``None`` if not), in order."""
        for product in self._products(partial(_render_range, render)):
            yield from product


def _text(write: WriteFunction, records: Iterator[Record], options: WriteOptions) -> tuple[bytes, WriteResult]:
    buffer = io.BytesIO()
    with io.TextIOWrapper(buffer, encoding="utf-8", newline="\n") as out:
        result = write(unrendered(records), out, options)
        out.flush()
        return buffer.getvalue(), result


def _render_range(
    render: Callable[[Post, WriteOptions], T], records: Iterator[Record], options: WriteOptions
) -> list[tuple[Record, T | None]]:
    # A post goes back without its responses, which the render has used: the writers' own
    # part (paths, front matter, files) reads only the other fields. Its content too, but
    # with --media, which finds the media a post uses in its content.
    keep_content = bool(options.media_dir)
    return [
        (
            replace(r, content_html=r.content_html if keep_content else "", comments=(), pings=()),
            render(r, options),
        )
        if isinstance(r, Post)
        else (r, None)
        for r in records
    ]


def _indexed(records: Iterator[Record], options: WriteOptions) -> SiteIndex:
    # (a range's index stays in memory: a range is small, and a table on disk would be the
    # worker's, removed with it; the whole export's index, merged, spills in the main process)
    return SiteIndex.build(records, spill=False)


def index(plan: Plan, jobs: int) -> SiteIndex | None:
    """The :class:`~wxrtool.index.SiteIndex` of the whole export, its ranges indexed by
    ``jobs`` workers (every item, whatever its status); ``None`` if a range failed to parse."""
    options = WriteOptions(selection=Selection.everything())
    whole = SiteIndex()
    try:
        for result in _in_order(plan, options, jobs, _indexed, light=True):
            whole.merge(result.product)
    except RangeFailed:
        return None
    return whole
