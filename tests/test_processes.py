"""Stopping wxrtool: SIGTERM unwinds like Ctrl-C, and workers never outlive the main process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import BENCH_GENERATOR

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export large enough that converting it takes a few seconds."""
    if not BENCH_GENERATOR.is_file():
        pytest.skip("../shared/bench/make_wxr.py is absent")
    path = tmp_path_factory.mktemp("big") / "export.xml"
    subprocess.run([sys.executable, str(BENCH_GENERATOR), "--size", "40MB", "--out", str(path), "-q"], check=True)
    return path


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(p) for p in text.split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def started(export: Path, out: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``convert --jobs 2`` running, once its workers have started."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxrtool", "convert", str(export), "--to", "markdown", "--jobs", "2", "-o", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = children(proc.pid)
        if len(workers) >= 2:
            return proc, workers
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the workers never started")


def gone(pids: set[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_sigterm_stops_cleanly_like_ctrl_c(export: Path, tmp_path: Path) -> None:
    proc, workers = started(export, tmp_path / "site")
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.decode().strip().splitlines()[-1] == "Stopped."
    assert b"Traceback" not in stderr
    assert gone(workers)
    assert os.listdir(tmp_path) == []  # no .part folder left, no half output


def test_workers_die_with_a_killed_parent(export: Path, tmp_path: Path) -> None:
    proc, workers = started(export, tmp_path / "site")
    proc.kill()  # SIGKILL: no handler runs in the main process
    proc.wait(timeout=30)
    proc.stderr.close()  # type: ignore[union-attr]
    assert gone(workers), "workers outlived their parent"


def _worker_of(parent: int) -> None:
    from wxrtool.processes import start_worker

    start_worker(parent)
    os._exit(0)


def test_a_worker_whose_parent_is_gone_before_it_starts_stops() -> None:
    """A worker read its parent's id itself: when the parent was killed before the worker's first
    step, that was init's, and the worker outlived its parent (asleep, waiting for work)."""
    import multiprocessing

    worker = multiprocessing.get_context("fork").Process(target=_worker_of, args=(os.getpid() + 4_000_000,))
    worker.start()
    worker.join(30)
    assert worker.exitcode == 1  # (its parent is not the one it was told: gone, so it stops)
    alive = multiprocessing.get_context("fork").Process(target=_worker_of, args=(os.getpid(),))
    alive.start()
    alive.join(30)
    assert alive.exitcode == 0
