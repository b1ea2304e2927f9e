"""Peak memory of a command's main process and of each of its worker processes.

``/usr/bin/time -v`` gives one figure, the largest of them all; issue 19 asks for the main
process and each worker apart. This runs the command and reads the resident set of every
process of its tree from ``/proc`` every 20 ms (a peak shorter than that can be missed: the
figures are a floor, close to the truth for what grows with the input).

    python bench/peak_memory.py -- python -m wxrtool convert big.xml --to markdown -o out
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            kids = []
        found += kids
        stack += kids
    return found


def measure(command: list[str]) -> tuple[int, float, dict[str, int]]:
    """The command's exit status, its time in seconds, and peak MiB: ``main`` and each worker."""
    start = time.monotonic()
    process = subprocess.Popen(command)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        for pid in [process.pid, *_children(process.pid)]:
            peaks[pid] = max(peaks.get(pid, 0), _rss_kib(pid))
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    figures = {"main": peaks.pop(process.pid, 0) // 1024}
    for n, (_, kib) in enumerate(sorted(peaks.items()), 1):
        figures[f"worker {n}"] = kib // 1024
    return process.returncode, elapsed, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    status, elapsed, figures = measure(command)
    shown = ", ".join(f"{name} {mib} MiB" for name, mib in figures.items() if mib)
    print(f"{elapsed:.1f} s; peak: {shown}", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
