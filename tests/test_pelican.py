"""Pelican accepts what wxrtool writes: real `pelican` builds with warnings fatal, pages and threads checked."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

import wxrtool

from .conftest import FIXTURE_FILES, SAMPLE_FILES, readable

PELICAN = shutil.which("pelican")
pytestmark = pytest.mark.skipif(PELICAN is None, reason="pelican is not installed (pip install pelican markdown)")


def build(site: Path) -> Path:
    proc = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output", "--fatal", "warnings"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site / "output"


def headers(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_build_at_old_urls_with_threads(sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(sample, "pelican", str(site), scaffold=True)
    output = build(site)
    posts = {p.id: p for p in wxrtool.Selector().apply(wxrtool.read(sample)) if isinstance(p, wxrtool.Post)}
    for source in (site / "content").rglob("*.md"):
        meta = headers(source)
        post = posts[int(meta["Wordpress_id"])]
        page = output / meta["Save_as"]
        document = lxml.html.parse(str(page)).getroot()
        assert post.title in document.text_content()
        anchors = document.xpath('//a[starts-with(@id, "comment-")]')
        shown = [(int(a.get("id").split("-")[1]), len(a.xpath("ancestor::li")) - 1) for a in anchors]
        expected = [(n.comment.id, n.depth) for n, _ in wxrtool.walk(wxrtool.build_threads(post.comments))]
        assert shown == expected


@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if readable(p)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_build(path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "pelican", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True)
    assert account.balanced()
    build(tmp_path / "s")
