"""Posts rendered in worker processes while one reader streams, the output unchanged.

A folder writer hands each post to a pure function, ``render(post, options)``: the
Markdown, the escaping, the comment threads, the part that takes most of its time.
It does everything else itself, in order: paths (which depend on the posts before),
files, redirects, media. With ``options.jobs`` above 1 the posts go to that many
worker processes in chunks; a few chunks per worker are in flight at most, so memory
stays flat however long the export, and the results are taken in the order the posts
were sent, so every file is the one a single process writes, byte for byte.

The pool starts only once a first chunk has filled: a small export never pays for it.
"""

from __future__ import annotations

import functools
import multiprocessing
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar, cast

from ..errors import WXRError
from ..processes import start_worker
from ..records import Post, Record, Site
from ._options import WriteOptions

T = TypeVar("T")

CHUNK = 16  # posts per task: large enough to amortise the pickling, small enough to balance
AHEAD = 3  # chunks in flight per worker

_options: WriteOptions | None = None  # in a worker: the options it was started with


def _start(options: WriteOptions) -> None:
    global _options
    _options = options
    start_worker()


def start_pool(options: WriteOptions) -> ProcessPoolExecutor:
    """``options.jobs`` worker processes, each holding ``options`` (see :func:`worker_options`)."""
    # Linux forks: the workers inherit the options, nothing is pickled. Elsewhere
    # the platform's default (macOS's fork is unsafe with its system libraries).
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(options.jobs, mp_context=context, initializer=_start, initargs=(options,))


def worker_options() -> WriteOptions:
    """In a worker started by :func:`start_pool`: the options it was started with."""
    assert _options is not None
    return _options


WORKER_DIED = "a worker process stopped before it finished (out of memory, or killed)"
WORKER_HINT = "run again with --jobs 1, or with fewer jobs"


def _render_chunk(render: Callable[[Post, WriteOptions], T], posts: list[Post]) -> list[T]:
    options = worker_options()
    return [render(post, options) for post in posts]


def _noted(render: Callable[[Post, WriteOptions], T], post: Post, options: WriteOptions) -> tuple[T, Counter[str]]:
    """``render(post, options)`` and what the content steps noted while it ran (URLs dropped...)."""
    from ..content.sanitize import take_notes  # (loaded with the converters, not at start-up)

    take_notes()  # anything noted before is not this post's
    value = render(post, options)
    return value, take_notes()


def rendered(
    records: Iterable[Record], options: WriteOptions, render: Callable[[Post, WriteOptions], T]
) -> Iterator[tuple[Record, T | None]]:
    """Each record with ``render(record, options)`` if it is a post (``None`` if not), in order.

    ``render`` must be a module-level function (workers receive it by name) with no
    side effects: it is run in another process when ``options.jobs`` > 1. What the
    content steps note while a post renders (see :func:`wxrtool.content.sanitize.note`)
    comes back with its result, wherever it ran, and is added to ``options.notes``.

    >>> import wxrtool
    >>> records = list(wxrtool.read(samples / "klout.xml"))
    >>> [(type(r).__name__, value) for r, value in rendered(records, WriteOptions(), lambda p, o: p.id)][1::8]
    [('Author', None), ('Post', 2034)]
    """
    for record, pair in _rendered(records, options, functools.partial(_noted, render)):
        if pair is None:
            yield record, None
        else:
            value, notes = pair
            options.notes.update(notes)
            yield record, value


def _rendered(
    records: Iterable[Record], options: WriteOptions, render: Callable[[Post, WriteOptions], T]
) -> Iterator[tuple[Record, T | None]]:
    in_ranges = getattr(records, "rendered", None)  # a wxrtool.ranges.Ranged: read and rendered by workers
    if in_ranges is not None and options.jobs > 1:
        yield from in_ranges(options, render)
        return
    if options.jobs <= 1:
        for record in records:
            yield record, (render(record, options) if isinstance(record, Post) else None)
        return
    pool: ProcessPoolExecutor | None = None
    pending: deque[tuple[list[Record], Future[list[T]]]] = deque()
    chunk: list[Record] = []
    posts: list[Post] = []
    try:
        for record in records:
            chunk.append(record)
            if isinstance(record, Post):
                posts.append(record)
            if len(posts) < CHUNK:
                continue
            if pool is None:
                pool = start_pool(options)
            pending.append((chunk, pool.submit(_render_chunk, render, posts)))
            chunk, posts = [], []
            while len(pending) > options.jobs * AHEAD:
                yield from _matched(*pending.popleft())
        while pending:
            yield from _matched(*pending.popleft())
        yield from _matched(chunk, _done([render(post, options) for post in posts]))
    except BrokenProcessPool:  # from submit() or from a result, whichever notices first
        raise WXRError(WORKER_DIED, hint=WORKER_HINT) from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class RenderedPosts(Generic[T]):
    """The posts of a record stream, each with ``render(post, options)``, as :func:`rendered`
    gives them; ``site`` is the export's site record once it has been read (it comes first).
    """

    def __init__(
        self, records: Iterable[Record], options: WriteOptions, render: Callable[[Post, WriteOptions], T]
    ) -> None:
        self.records, self.options, self.render = records, options, render
        self.site: Site | None = None

    def __iter__(self) -> Iterator[tuple[Post, T]]:
        for record, result in rendered(self.records, self.options, self.render):
            if isinstance(record, Post):
                yield record, cast(T, result)  # a post always has its result
            elif isinstance(record, Site):
                self.site = record


def _matched(chunk: list[Record], future: Future[list[T]]) -> Iterator[tuple[Record, T | None]]:
    results = iter(future.result())
    for record in chunk:
        yield record, (next(results) if isinstance(record, Post) else None)


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future
