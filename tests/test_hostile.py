"""The hostile corpus: every file in tests/hostile/ with what must happen to it.

Add a case by adding ``name.xml`` and ``name.expect.json``:
``{"outcome": "error", "error": "ParseError", "code": "...", "line": N, "recover": {...}}``
or ``{"outcome": "read", "items": N, "writes_inside": true, "comments_sanitised": true,
"every_format": true}`` (the last: every format converts it, and ``validate`` reads it, without an exception).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import wxrtool
from wxrtool import writers
from wxrtool.validate import validate

HOSTILE = sorted((Path(__file__).parent / "hostile").glob("*.xml"))
FOLDER_FORMATS = [name for name, fmt in writers.FORMATS.items() if fmt.target == "directory"]
DANGEROUS = ("<script", "javascript:", "onerror", "onload", "<iframe", "<style", "<svg")


def expectation(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))


def test_every_case_has_an_expectation() -> None:
    assert HOSTILE
    assert all(p.with_suffix(".expect.json").is_file() for p in HOSTILE)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_case(path: Path, tmp_path: Path) -> None:
    expect = expectation(path)
    started = time.monotonic()
    if expect["outcome"] == "error":
        with pytest.raises(getattr(wxrtool, expect["error"])) as info:
            list(wxrtool.read(path))
        assert "\n" not in str(info.value) and info.value.file == str(path)
        if "line" in expect:
            assert info.value.line == expect["line"]
        codes = [p.code for p in validate(path) if p.severity == "error"]
        assert codes == [expect["code"]]
        if "recover" in expect:
            check_recovery(path, expect["recover"])
    else:
        posts = [r for r in wxrtool.read(path) if isinstance(r, wxrtool.Post)]
        assert len(posts) == expect["items"]
        if expect.get("writes_inside"):
            check_writes_inside(path, tmp_path)
        if expect.get("comments_sanitised"):
            check_sanitised(path, tmp_path)
        if expect.get("every_format"):
            check_every_format(path, tmp_path)
    # (No case hangs: the deep-nesting one converts to every format, some twenty runs that take
    # 7 s alone and took 56 s on a loaded machine; a hang would take for ever.)
    assert time.monotonic() - started < 180


def check_recovery(path: Path, expect: dict) -> None:  # type: ignore[type-arg]
    reader = wxrtool.Reader(path, recover=True)
    posts = [r for r in reader if isinstance(r, wxrtool.Post)]
    assert len(posts) == expect["items"]
    if "title" in expect:
        assert posts[0].title == expect["title"]
    if "content" in expect:
        assert posts[0].content_html == expect["content"]
    kinds = {r.kind for r in reader.repairs}
    assert set(expect.get("repairs", [])) <= kinds
    assert reader.repairs, "a recovered file lists its repairs"


def check_writes_inside(path: Path, tmp_path: Path) -> None:
    jail = tmp_path / "jail"
    for fmt in FOLDER_FORMATS:
        jail.mkdir()
        wxrtool.convert(path, fmt, str(jail / "site"), wxrtool.Selection.everything())
        for root, _dirs, files in os.walk(jail):
            for name in files:
                real = Path(os.path.realpath(Path(root) / name))
                assert real.is_relative_to(jail / "site"), real
                assert not any(part.startswith("..") or "\u202e" in part or "\x00" in part for part in real.parts)
        assert sorted(os.listdir(tmp_path)) == ["jail"]
        for child in sorted(jail.rglob("*"), reverse=True):
            child.unlink() if child.is_file() else child.rmdir()
        jail.rmdir()


def check_every_format(path: Path, tmp_path: Path) -> None:
    every = tmp_path / "every"
    every.mkdir()
    for fmt, info in writers.FORMATS.items():
        target = every / (fmt if info.target == "directory" else f"out{info.extension}")
        wxrtool.convert(path, fmt, str(target), wxrtool.Selection.everything())
    validate(path)


def check_sanitised(path: Path, tmp_path: Path) -> None:
    for fmt, fmt_info in writers.FORMATS.items():
        if fmt == "wxr":
            continue  # WordPress's own format: comments go back as they came, for WordPress to filter
        out = tmp_path / fmt
        wxrtool.convert(path, fmt, str(out), wxrtool.Selection.everything())
        files = [out] if fmt_info.target == "file" else [p for p in out.rglob("*") if p.is_file()]
        for file in files:
            text = file.read_text(encoding="utf-8").lower()
            for marker in DANGEROUS:
                assert marker not in text, (fmt, file.name, marker)
