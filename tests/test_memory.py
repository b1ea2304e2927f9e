"""Memory does not grow with the file: a 12x larger export peaks at about the same RSS.

The full-size check (1 GB under 150 MB) lives in bench/; this runs the same
conversion in subprocesses on files small enough for every test run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BENCH_GENERATOR

pytestmark = pytest.mark.skipif(not BENCH_GENERATOR.is_file(), reason="../shared/bench/make_wxr.py is absent")

# The peak is this process's own high-water mark (VmHWM). Not ru_maxrss: Linux carries the
# parent's peak into a child started by vfork/posix_spawn (exec copies the old mm's
# high-water mark into the process's maxrss), so under a large pytest process every child
# would report the parent's size.
MEASURE = """
import resource, sys, wxrtool
account = wxrtool.convert(sys.argv[1], sys.argv[2], sys.argv[3], wxrtool.Selection.everything())
assert account.balanced()
try:
    with open("/proc/self/status") as status:
        print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
except (OSError, StopIteration):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kib(source: Path, fmt: str, out: Path) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(source), fmt, str(out)], capture_output=True, text=True, check=True
    )
    return int(proc.stdout.strip())


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bench")
    small, large = folder / "small.xml", folder / "large.xml"
    for path, size in ((small, "2MB"), (large, "24MB")):
        subprocess.run([sys.executable, str(BENCH_GENERATOR), "--size", size, "--out", str(path), "-q"], check=True)
    return small, large


@pytest.mark.parametrize("fmt", ["jsonl", "json", "ghost", "wxr", "disqus", "remark42"])
def test_peak_memory_flat_in_file_size(exports: tuple[Path, Path], fmt: str, tmp_path: Path) -> None:
    small, large = exports
    small_peak = peak_kib(small, fmt, tmp_path / f"small.{fmt}")
    large_peak = peak_kib(large, fmt, tmp_path / f"large.{fmt}")
    assert large_peak < 150 * 1024
    # The large file is 12x the small one; what is held must not be.
    assert large_peak - small_peak < 16 * 1024, (small_peak, large_peak)
