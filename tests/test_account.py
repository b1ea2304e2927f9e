"""The account of every record, the report file, and output that is the same every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool import writers
from wxrtool.cli import main

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable


def target(tmp_path: Path, fmt: str, name: str) -> Path:
    return tmp_path / (name if writers.FORMATS[fmt].target == "directory" else f"{name}.out")


def contents(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", list(writers.FORMATS))
@pytest.mark.parametrize(
    "path", SAMPLE_FILES + fixture_cases(p for p in FIXTURE_FILES if readable(p)), ids=lambda p: p.name
)
def test_read_equals_written_plus_left_out(path: Path, fmt: str, tmp_path: Path) -> None:
    for selection in (wxrtool.Selection(), wxrtool.Selection.everything()):
        account = wxrtool.convert(path, fmt, str(target(tmp_path, fmt, "a")), selection, force=True)
        data = account.as_dict()
        for kind in ("items", "comments", "pings"):
            assert data["read"][kind] == data["written"][kind] + sum(data["left_out"][kind].values())


@pytest.mark.parametrize("fmt", list(writers.FORMATS))
def test_the_same_command_twice_gives_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    for sample in SAMPLE_FILES:
        first = target(tmp_path, fmt, f"{sample.stem}-1")
        second = target(tmp_path, fmt, f"{sample.stem}-2")
        for out in (first, second):
            wxrtool.convert(sample, fmt, str(out), wxrtool.Selection.everything(), scaffold=True)
        assert contents(first) == contents(second)


def test_report_file(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        [
            "convert",
            str(SAMPLES / "drafts-and-pages.xml"),
            "--to",
            "jsonl",
            "-o",
            str(tmp_path / "o"),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0
    data = json.loads(report.read_text())
    assert data["read"] == {"items": 13, "comments": 9, "pings": 1}
    assert data["left_out"]["comments"] == {"pending": 1, "spam": 1}
    assert data["format"] == "jsonl"


def test_the_report_and_summary_name_repairs_and_media() -> None:
    from wxrtool.account import Account
    from wxrtool.recover import Repair

    account = Account(repairs=[Repair(3, 7, "control-character", "U+0001")], media_copied=2)
    account.media_missing = [f"https://x.example/{n}.png" for n in range(21)]
    assert account.as_dict()["repairs"] == [{"line": 3, "column": 7, "kind": "control-character", "detail": "U+0001"}]
    summary = account.summary()
    assert "media: 2 placed with their posts, 21 kept as links" in summary
    assert summary.count("not downloaded:") == 20 and "... and 1 more (see --report)" in summary
    account.media_missing = account.media_missing[:20]
    assert "more (see --report)" not in account.summary()


@pytest.mark.parametrize("to", list(writers.FORMATS))
def test_every_reason_given_is_explained_in_the_report(to: str, tmp_path: Path) -> None:
    """Each reason a conversion gives (statuses, types, moderation, not-in-<format>) has its sentence."""
    for sample in SAMPLE_FILES:
        for selection in (wxrtool.Selection(), wxrtool.Selection(comments="all", statuses=frozenset({"draft"}))):
            out = tmp_path / f"{sample.stem}-{len(str(selection))}"
            report = wxrtool.convert(sample, to, str(out), selection).as_dict()
            reasons = {r for kind in report["left_out"].values() for r in kind}
            assert set(report["reasons"]) == reasons
            assert all(report["reasons"].values()), report["reasons"]
