"""The render stage: each post paired with what its format's ``render`` makes of it.

Where a format renders (:class:`~wxrtool.writers.protocol.Renderer`), this stage
runs ``render`` on every post: in this process, in worker processes fed in chunks
while this one reads (:mod:`wxrtool.parallel.pool`), or in the workers that read the
export in ranges (:mod:`wxrtool.parallel.ranges`). The writer receives the same
entries, in the same order, whichever it was. What the content steps note while a post
renders (see :func:`wxrtool.content.sanitize.note`) comes back with its result,
wherever it ran, and is counted in :attr:`Rendering.notes`.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .parallel.pool import posts_in_chunks
from .parallel.ranges import RangedRead
from .records import Post, Record
from .writers.protocol import Entry, RenderFunction, WriteOptions, unrendered


def _noted(render: RenderFunction, post: Post, options: WriteOptions) -> tuple[Any, Counter[str]]:
    """``render(post, options)`` and what the content steps noted while it ran."""
    from .content.sanitize import take_notes  # (loaded with the converters, not at start-up)

    take_notes()  # anything noted before is not this post's
    value = render(post, options)
    return value, take_notes()


class Rendering:
    """Posts rendered by ``render`` with ``options``, by ``jobs`` processes; ``notes`` counts
    what the content steps noted so far.

    >>> import wxrtool
    >>> rendering = Rendering(lambda post, options: post.id, WriteOptions(), jobs=1)
    >>> entries = rendering.entries(wxrtool.read(samples / "klout.xml"))
    >>> [(type(record).__name__, value) for record, value in entries][1::8]
    [('Author', None), ('Post', 2034)]
    """

    def __init__(self, render: RenderFunction | None, options: WriteOptions, jobs: int = 1) -> None:
        self.render, self.options, self.jobs = render, options, jobs
        self.notes: Counter[str] = Counter()
        # Each post's notes (those that have some), when asked for (an update's record: wxrtool.rerun).
        self.notes_by_item: dict[int, Counter[str]] | None = None

    def entries(self, records: Iterable[Record]) -> Iterator[Entry]:
        """``records`` as entries, each post rendered here or by a pool of workers."""
        if self.render is None:
            return unrendered(records)
        noted = functools.partial(_noted, self.render)
        if self.jobs > 1:
            return self._counted(posts_in_chunks(records, noted, self.options, self.jobs))
        options = self.options
        return self._counted((r, noted(r, options) if isinstance(r, Post) else None) for r in records)

    def entries_in_ranges(self, ranges: RangedRead) -> Iterator[Entry]:
        """The entries of an export read in ranges, each post rendered by the worker that read it."""
        assert self.render is not None
        return self._counted(ranges.entries(functools.partial(_noted, self.render)))

    def _counted(self, pairs: Iterable[tuple[Record, tuple[Any, Counter[str]] | None]]) -> Iterator[Entry]:
        for record, pair in pairs:
            if pair is None:
                yield record, None
            else:
                value, notes = pair
                if notes:
                    self.notes.update(notes)
                    if self.notes_by_item is not None and isinstance(record, Post):
                        self.notes_by_item[record.id] = notes
                yield record, value
