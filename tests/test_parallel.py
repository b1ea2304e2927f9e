"""Posts rendered in worker processes: the same files as one process, byte for byte."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wxrtool import convert, read
from wxrtool.cli import main
from wxrtool.errors import WXRError
from wxrtool.parallel import pool as _parallel
from wxrtool.records import Author, Post
from wxrtool.rendering import Rendering
from wxrtool.selection import Selection
from wxrtool.update import STATE
from wxrtool.writers.protocol import WriteOptions

from .conftest import BENCH_GENERATOR, SAMPLES, tree


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated export of 120 items with threaded comments (the bundled samples otherwise)."""
    if not BENCH_GENERATOR.is_file():
        pytest.skip("../shared/bench/make_wxr.py is absent")
    path = tmp_path_factory.mktemp("gen") / "export.xml"
    subprocess.run([sys.executable, str(BENCH_GENERATOR), "--posts", "120", "--out", str(path), "-q"], check=True)
    return path


@pytest.mark.parametrize("to", ["markdown", "hugo", "jekyll", "pelican", "eleventy"])
@pytest.mark.parametrize("sample", ["klout.xml", "drafts-and-pages.xml", "unicode.xml"])
def test_workers_write_the_same_files_as_one_process(
    to: str, sample: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 1)  # small samples: a pool, several chunks in flight
    everything = Selection.everything()
    one = convert(SAMPLES / sample, to, str(tmp_path / "one"), everything, scaffold=True, jobs=1)
    two = convert(SAMPLES / sample, to, str(tmp_path / "two"), everything, scaffold=True, jobs=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two") != {}
    assert one.as_dict() == two.as_dict()


@pytest.mark.parametrize("to", ["markdown", "hugo", "jekyll", "pelican", "eleventy"])
def test_a_generated_export_is_the_same_with_workers(to: str, generated: Path, tmp_path: Path) -> None:
    convert(generated, to, str(tmp_path / "one"), jobs=1)
    convert(generated, to, str(tmp_path / "three"), jobs=3)
    assert tree(tmp_path / "one") == tree(tmp_path / "three")

    # The run's record for --update too (tree leaves it out): the same, however the run was made.
    assert (tmp_path / "one" / STATE).read_bytes() == (tmp_path / "three" / STATE).read_bytes()


def test_comments_files_and_redirects_are_the_same_with_workers(tmp_path: Path) -> None:
    runner = CliRunner()
    for jobs in ("1", "2"):
        run = tmp_path / jobs  # (the redirect file beside the folder, as the manifest names it)
        extra = ["--comments-file", "yaml", "--redirects", "nginx", str(run / "redirects.conf"), "-q"]
        args = ["convert", str(SAMPLES / "klout.xml"), "--to", "markdown", "-o", str(run / "out"), "--jobs", jobs]
        run.mkdir()
        result = runner.invoke(main, [*args, *extra])
        assert result.exit_code == 0, result.output
    assert tree(tmp_path / "1" / "out") == tree(tmp_path / "2" / "out")
    assert (tmp_path / "1" / "redirects.conf").read_bytes() == (tmp_path / "2" / "redirects.conf").read_bytes()


def _tag(post: Post, options: WriteOptions) -> str:
    return f"{post.id}:{post.title}"


def _boom(post: Post, options: WriteOptions) -> str:
    if post.id == 7:
        raise ValueError("post 7 is bad")
    return ""


def _die(post: Post, options: WriteOptions) -> str:
    if post.id == 5:
        os._exit(1)  # as the kernel's OOM killer would end it
    return ""


def _posts(n: int) -> list[Post]:
    base = next(r for r in read(SAMPLES / "klout.xml") if isinstance(r, Post))
    return [dataclasses.replace(base, id=i, title=f"t{i}") for i in range(1, n + 1)]


def test_records_come_back_in_order_with_what_is_not_a_post(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 3)
    author = Author(login="a")
    records = [author, *_posts(10), author, *_posts(2)]
    out = list(Rendering(_tag, WriteOptions(), 2).entries(records))
    assert [r for r, _ in out] == records
    assert [v for _, v in out] == [None, *(f"{i}:t{i}" for i in range(1, 11)), None, "1:t1", "2:t2"]


def test_a_small_export_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(_parallel, "ProcessPoolExecutor", refuse)
    out = list(Rendering(_tag, WriteOptions(), 4).entries(_posts(_parallel.CHUNK - 1)))
    assert len(out) == _parallel.CHUNK - 1


def test_a_worker_error_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 2)
    with pytest.raises(ValueError, match="post 7 is bad"):
        list(Rendering(_boom, WriteOptions(), 2).entries(_posts(20)))


def test_a_worker_that_dies_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 2)
    with pytest.raises(WXRError, match="worker process stopped") as caught:
        list(Rendering(_die, WriteOptions(), 2).entries(_posts(20)))
    assert "--jobs 1" in str(caught.value)


def test_the_reader_stays_a_bounded_distance_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 2)
    pulled = 0

    def source() -> object:
        nonlocal pulled
        for post in _posts(200):
            pulled += 1
            yield post

    results = Rendering(_tag, WriteOptions(), 2).entries(source())  # type: ignore[arg-type]
    next(results)
    # jobs * AHEAD chunks in flight, plus the one that just came back and the one filling
    assert pulled <= 2 * (2 * _parallel.AHEAD + 2)


@pytest.mark.parametrize("sample", ["klout.xml", "drafts-and-pages.xml", "unicode.xml"])
def test_ghost_renders_in_workers_to_the_same_document(
    sample: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", 1)
    everything = Selection.everything()
    convert(SAMPLES / sample, "ghost", str(tmp_path / "one.json"), everything, jobs=1)
    convert(SAMPLES / sample, "ghost", str(tmp_path / "two.json"), everything, jobs=2)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_spawned_workers_write_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the platform does not fork (macOS, Windows), workers get the options pickled."""
    import multiprocessing

    asked: list[str | None] = []
    context = multiprocessing.get_context("spawn")

    def spawn(method: str | None = None) -> object:
        asked.append(method)
        return context

    monkeypatch.setattr(_parallel.multiprocessing, "get_context", spawn)
    monkeypatch.setattr(_parallel, "CHUNK", 1)
    convert(SAMPLES / "klout.xml", "markdown", str(tmp_path / "one"), jobs=1)
    convert(SAMPLES / "klout.xml", "markdown", str(tmp_path / "two"), jobs=2)
    assert asked  # the pool was made with this context
    assert tree(tmp_path / "one") == tree(tmp_path / "two") != {}
