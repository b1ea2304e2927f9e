"""Timing for the tests that check a step's time grows linearly with its input (best of two runs:
other processes share the machine)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of_two(work: Callable[[], object]) -> float:
    """The shorter of two runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def grows_linearly(work: Callable[[int], object], n: int, floor: float = 0.002) -> None:
    """``work(4 * n)`` takes less than 8 times ``work(n)`` (16 times if it grew with the square)."""
    small, large = best_of_two(lambda: work(n)), best_of_two(lambda: work(4 * n))
    assert large < 8 * max(small, floor), (small, large)
