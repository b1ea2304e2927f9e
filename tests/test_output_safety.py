"""What wxrtool may replace, and how it fails: --force, the manifest, system errors, split's open files.

An export can be hostile, and so can a typo: ``-o ~ --force`` must never cost
anyone their home folder. ``--force`` replaces only an earlier wxrtool output.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.errors import OutputError
from wxrtool.output import MANIFEST, check_replaceable

from .conftest import BENCH_GENERATOR, SAMPLES

KLOUT = SAMPLES / "klout.xml"


def convert(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["convert", str(KLOUT), "--to", "markdown", "-q", *args])
    return result.exit_code, result.output


def refused(folder: Path, code: int, output: str, why: str) -> None:
    assert code == 1, output
    assert output.count("\n") == 1 and "--force will not replace this folder" in output and why in output
    assert folder.is_dir()


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """A folder holding an earlier wxrtool output."""
    site = tmp_path / "site"
    code, output = convert("-o", str(site))
    assert code == 0, output
    return site


def test_an_earlier_output_is_replaced_and_lists_its_files(earlier: Path) -> None:
    listed = (earlier / MANIFEST).read_text(encoding="utf-8")
    files = sorted(str(p.relative_to(earlier)) for p in earlier.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert files and all(f'"{name}"' in listed for name in files)
    (earlier / "posts" / "stale.md").unlink() if (earlier / "posts" / "stale.md").exists() else None
    code, output = convert("-o", str(earlier), "--force")
    assert code == 0, output
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["site"]  # no .part or .old left beside


def test_the_current_folder_is_never_replaced(earlier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(earlier)
    refused(earlier, *convert("-o", ".", "--force"), "it is the current folder")
    (earlier / "inner").mkdir()
    monkeypatch.chdir(earlier / "inner")
    refused(earlier, *convert("-o", "..", "--force"), "it holds the current folder")


def test_the_home_folder_is_never_replaced(earlier: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(earlier))
    refused(earlier, *convert("-o", str(earlier), "--force"), "it is your home folder")


def test_the_root_is_never_replaced() -> None:
    # Asked of the check directly: a regression here must not get as far as writing.
    with pytest.raises(OutputError, match="root of the file system"):
        check_replaceable("/", "/")


def test_a_folder_holding_the_input_is_never_replaced(earlier: Path) -> None:
    export = earlier / "posts" / "export.xml"
    shutil.copyfile(KLOUT, export)
    manifest = earlier / MANIFEST
    # Even listed in the manifest, the input is not the output's to delete.
    manifest.write_text(manifest.read_text().replace('"files": [', '"files": [\n"posts/export.xml",'))
    result = CliRunner().invoke(main, ["convert", str(export), "--to", "markdown", "-q", "-o", str(earlier), "--force"])
    refused(earlier, result.exit_code, result.output, "it holds the input")
    assert export.read_bytes() == KLOUT.read_bytes()


def test_a_folder_wxrtool_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.md").write_text("years of work")
    refused(documents, *convert("-o", str(documents), "--force"), f"no readable {MANIFEST}")
    assert (documents / "thesis.md").read_text() == "years of work"


def test_a_file_added_to_an_earlier_output_stops_force(earlier: Path) -> None:
    (earlier / "posts" / "notes.txt").write_text("mine")
    refused(earlier, *convert("-o", str(earlier), "--force"), "'posts/notes.txt', which wxrtool did not write")
    assert (earlier / "posts" / "notes.txt").read_text() == "mine"


def test_force_over_a_symlinked_folder_keeps_the_link_and_leaves_nothing_behind(earlier: Path) -> None:
    link = earlier.parent / "link"
    link.symlink_to(earlier, target_is_directory=True)
    code, output = convert("-o", str(link), "--force")
    assert code == 0, output
    assert link.is_symlink() and (link / MANIFEST).is_file()
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["link", "site"]


def test_split_never_replaces_the_folder_of_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(KLOUT, tmp_path / "export.xml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["split", "export.xml", "--max-size", "20KB", "-o", ".", "--force"])
    refused(tmp_path, result.exit_code, result.output, "it is the current folder")
    assert (tmp_path / "export.xml").is_file()


def test_split_holds_one_part_open_at_a_time(tmp_path: Path) -> None:
    if not BENCH_GENERATOR.is_file():
        pytest.skip("../shared/bench/make_wxr.py is absent")
    export = tmp_path / "export.xml"
    subprocess.run([sys.executable, str(BENCH_GENERATOR), "--posts", "400", "--out", str(export), "-q"], check=True)
    limit = 40  # open files: far fewer than the parts

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "wxrtool", "split", str(export), "--max-size", "40KB", "-o", str(tmp_path / "parts")],
        capture_output=True,
        text=True,
        preexec_fn=few_files,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    parts = sorted((tmp_path / "parts").glob("*.xml"))
    assert len(parts) > 2 * limit
    ids = [r.id for part in parts for r in wxrtool.read(part) if isinstance(r, wxrtool.Post)]
    whole = [r.id for r in wxrtool.read(export) if isinstance(r, wxrtool.Post)]
    assert sorted(ids) == sorted(whole)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (errno.ENOSPC, "no space left on the disk"),
        (errno.ENAMETOOLONG, "a file name is too long"),
        (errno.EMFILE, "too many open files"),
    ],
)
def test_system_errors_are_one_line_not_a_bug(
    number: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wxrtool import output as _output

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number), str(tmp_path / "site" / "posts" / "a\x1b[31m.md"))

    monkeypatch.setattr(_output.OutputDir, "write_text", fail)
    code, output = convert("-o", str(tmp_path / "site"))
    assert code == 1
    assert output.startswith("Error: ") and words in output and "a bug" not in output
    assert output.count("\n") == 1 and "\x1b" not in output
    assert os.listdir(tmp_path) == []  # the temporary folder went with the failure


def test_a_full_disk_keeps_the_earlier_output(tmp_path: Path) -> None:
    """A real full disk: a small tmpfs (root only; skipped where it cannot be mounted)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        site = disk / "site"
        code, output = convert("-o", str(site))
        assert code == 0, output
        before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
        ballast = os.open(disk / "ballast", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError):
                while True:  # fill the disk
                    os.write(ballast, b"\0" * 4096)
        finally:
            os.close(ballast)
        code, output = convert("-o", str(site), "--force")
        assert code == 1 and "no space left on the disk" in output and output.count("\n") == 1, output
        assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
        assert sorted(p.name for p in disk.iterdir()) == ["ballast", "site"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_an_empty_folder_as_input_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(tmp_path), "--to", "json"])
    assert result.exit_code == 1
    assert "holds no export" in result.output and result.output.count("\n") == 1


def test_a_redirect_file_that_cannot_be_written_leaves_the_earlier_output(earlier: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in earlier.rglob("*") if p.is_file()}
    nowhere = tmp_path / "missing" / "redirects.conf"
    code, output = convert("-o", str(earlier), "--force", "--redirects", "nginx", str(nowhere))
    assert code == 1 and output.count("\n") == 1, output
    assert {p: p.read_bytes() for p in earlier.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_filled_while_wxrtool_wrote_is_left_as_it_is(tmp_path: Path) -> None:
    """Another run's output (or the user's files) put there during the run was replaced at its end,
    exit 0 (found by a first-hour sweep: two conversions into one folder, the second's output gone)."""
    from wxrtool.errors import OutputError
    from wxrtool.output import dir_output

    target = tmp_path / "site"
    with pytest.raises(OutputError, match="was filled while wxrtool wrote"), dir_output(str(target)) as out:
        out.write_text("a.md", "mine")
        target.mkdir()
        (target / "theirs.md").write_text("theirs", encoding="utf-8")
    assert [p.name for p in target.iterdir()] == ["theirs.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # (nothing of the run left beside it)
    # --force replaces an earlier output, if it is still only that at the end.
    with dir_output(str(target / "out")) as out:
        out.write_text("a.md", "first")
    with (
        pytest.raises(OutputError, match="which wxrtool did not write"),
        dir_output(str(target / "out"), force=True) as out,
    ):
        out.write_text("a.md", "second")
        (target / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    assert (target / "out" / "a.md").read_text(encoding="utf-8") == "first"


def test_inputs_given_once_are_checked_at_the_start_and_the_end(tmp_path: Path) -> None:
    """The inputs kept for the check at the end were read from the same iterator the check at the
    start then read again: given as a generator, a folder holding the export was replaced."""
    from wxrtool.errors import OutputError
    from wxrtool.output import dir_output

    with dir_output(str(tmp_path / "out")) as out:
        out.write_text("a.md", "first")
    export = tmp_path / "out" / "a.md"
    inputs = (name for name in [str(export)])
    with (
        pytest.raises(OutputError, match="it holds the input"),
        dir_output(str(tmp_path / "out"), force=True, inputs=inputs),
    ):
        pass


def test_a_named_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    # A shell's -o >(gzip > x.gz) or a FIFO: a file put in its place left the reader waiting (and,
    # as root, -o /dev/null made /dev/null a file for the whole machine).
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)
    try:
        code, output = convert("--to", "jsonl", "-o", str(pipe))
        received = reader.communicate(timeout=60)[0]
    finally:
        reader.kill()
    assert code == 0, output
    assert pipe.is_fifo() and received.startswith(b'{"record":"site"') and received.count(b"\n") > 10


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real.name)
    code, output = convert("--to", "jsonl", "-o", str(link))
    assert code == 0, output
    assert link.is_symlink() and real.read_text(encoding="utf-8").count("\n") > 10


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full device here")
def test_a_full_device_says_which_output_failed() -> None:
    code, output = convert("--to", "jsonl", "-o", "/dev/full")
    assert code != 0 and "/dev/full: no space left on the disk" in output and "Traceback" not in output, output
    assert Path("/dev/full").is_char_device()
