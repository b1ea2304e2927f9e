"""Timing for the tests that check a step's time grows linearly with its input: this process's
CPU time (the steps timed run in it), the best of two runs. Not the wall clock: on a loaded
machine other processes took the CPU during one run and not the other (ratios of 18 to 38
seen where the CPU time's was 4)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of_two(work: Callable[[], object]) -> float:
    """The shorter of two runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def grows_linearly(work: Callable[[int], object], n: int, floor: float = 0.002) -> None:
    """``work(4 * n)`` takes less than 8 times ``work(n)`` (16 times if it grew with the square)."""
    small, large = best_of_two(lambda: work(n)), best_of_two(lambda: work(4 * n))
    assert large < 8 * max(small, floor), (small, large)
