"""Worker processes, and posts handed to them in chunks while one process reads.

A pool's workers each hold a *context*, the options every task needs (the writer's
options, with the site index), given once when the pool starts rather than with each
task. :func:`posts_in_chunks` sends the posts of a record stream to the workers a
chunk at a time, a few chunks per worker in flight at most, so memory stays flat
however long the export, and takes the results in the order the posts were sent.

The pool starts only once a first chunk has filled: a small export never pays for it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..errors import WXRError
from ..processes import start_worker
from ..records import Post, Record

T = TypeVar("T")

CHUNK = 16  # posts per task: large enough to amortise the pickling, small enough to balance
AHEAD = 3  # tasks in flight per worker

WORKER_DIED = "a worker process stopped before it finished (out of memory, or killed)"
WORKER_HINT = "run again with --jobs 1, or with fewer jobs"

_context: Any = None  # in a worker: what the pool was started with


# glibc's mallopt() parameters: blocks from this size on are mapped, and freed memory above
# this much at the top of the heap is given back.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEPT = 32 * 1024 * 1024


def _keep_freed_memory() -> None:
    """Have glibc keep the megabytes a task frees for the next one (Linux only).

    A worker's task allocates a few buffers of megabytes (its range, the text it makes, that
    text pickled), which glibc maps and unmaps each time by default: the next task faulted
    them in again, page by page (65,000 faults for the 100 MB export in JSON Lines, 21,000
    without), kernel time that also slowed the other processes' page faults.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # (not glibc)
        return
    mallopt(_M_MMAP_THRESHOLD, _KEPT)
    mallopt(_M_TRIM_THRESHOLD, 4 * _KEPT)


def _start(context: Any, parent: int) -> None:
    global _context
    _context = context
    start_worker(parent)
    _keep_freed_memory()


def start_pool(jobs: int, context: Any) -> ProcessPoolExecutor:
    """``jobs`` worker processes, each holding ``context`` (see :func:`worker_context`)."""
    # Linux forks: the workers inherit the context, nothing is pickled. Elsewhere
    # the platform's default (macOS's fork is unsafe with its system libraries).
    method = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(jobs, mp_context=method, initializer=_start, initargs=(context, os.getpid()))


def worker_context() -> Any:
    """In a worker started by :func:`start_pool`: the context it was started with."""
    return _context


def _chunk(work: Callable[[Post, Any], T], posts: list[Post]) -> list[T]:
    context = worker_context()
    return [work(post, context) for post in posts]


def posts_in_chunks(
    records: Iterable[Record], work: Callable[[Post, Any], T], context: Any, jobs: int
) -> Iterator[tuple[Record, T | None]]:
    """Each record with ``work(record, context)`` if it is a post (``None`` if not), in order,
    the posts worked on by ``jobs`` processes.

    ``work`` must be a module-level function (or a :func:`functools.partial` of one):
    workers receive it by name.
    """
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
                pool = start_pool(jobs, context)
            pending.append((chunk, pool.submit(_chunk, work, posts)))
            chunk, posts = [], []
            while len(pending) > jobs * AHEAD:
                yield from _matched(*pending.popleft())
        while pending:
            yield from _matched(*pending.popleft())
        # The last, short chunk here: waiting for a worker would take longer.
        yield from _matched(chunk, _done([work(post, context) for post in posts]))
    except BrokenProcessPool:  # from submit() or from a result, whichever notices first
        raise WXRError(WORKER_DIED, hint=WORKER_HINT) from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _matched(chunk: list[Record], future: Future[list[T]]) -> Iterator[tuple[Record, T | None]]:
    results = iter(future.result())
    for record in chunk:
        yield record, (next(results) if isinstance(record, Post) else None)


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future
