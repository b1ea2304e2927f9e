"""Jekyll accepts what wxrtool writes: real `jekyll build`, pages at the old permalinks, threads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
import yaml

import wxrtool

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, front, readable

JEKYLL = shutil.which("jekyll")
pytestmark = pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (apt-get install jekyll)")


def build(site: Path) -> Path:
    proc = subprocess.run(
        [str(JEKYLL), "build", "--strict_front_matter", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output
    return site / "_site"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_build_at_old_permalinks_with_threads(sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(sample, "jekyll", str(site), scaffold=True)
    built = build(site)
    posts = {p.id: p for p in wxrtool.Selector().apply(wxrtool.read(sample)) if isinstance(p, wxrtool.Post)}
    sources = [p for p in site.rglob("*.md") if "_drafts" not in p.parts]
    assert sources
    for source in sources:
        data = front(source)
        post = posts[data["wordpress"]["id"]]
        page = built / data["permalink"].strip("/") / "index.html"
        assert page.is_file(), page
        document = lxml.html.parse(str(page)).getroot()
        assert document.findtext(".//h1") == post.title
        for old in data.get("redirect_from", []):
            assert (built / old.strip("/") / "index.html").is_file()
        expected = [
            (n.comment.id, n.depth, path[-1] if path else None)
            for n, path in wxrtool.walk(wxrtool.build_threads(post.comments))
        ]
        shown = []
        for li in document.xpath('//li[@class="comment"]'):
            parent = li.getparent().getparent()
            parent_id = int(parent.get("id").split("-")[1]) if parent.tag == "li" else None
            shown.append((int(li.get("id").split("-")[1]), int(li.get("data-depth")), parent_id))
        assert shown == expected
        assert len(document.xpath('//li[starts-with(@class, "ping ")]')) == len(post.pings)


def test_liquid_in_a_post_shows_as_written(tmp_path: Path) -> None:
    export = (
        (SAMPLES / "wxr-1.0.xml")
        .read_text(encoding="utf-8")
        .replace("Low tide at four,", "Low tide at {{ site.title }} {% if true %}four{% endif %},")
    )
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "jekyll", str(tmp_path / "s"), scaffold=True)
    page = build(tmp_path / "s") / "2010" / "01" / "curlews-on-the-mudflats" / "index.html"
    assert "{{ site.title }} {% if true %}four{% endif %}" in page.read_text(encoding="utf-8")


def test_files_and_staticman_data(tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "jekyll", str(tmp_path / "s"), wxrtool.Selection.everything())
    root = tmp_path / "s"
    assert (root / "_posts" / "2024-01-13-rye-sourdough.md").is_file()
    assert (root / "_drafts" / "110.md").is_file()
    assert (root / "about" / "contact.md").is_file() and (root / "_recipe" / "knackebrod.md").is_file()
    comments = sorted((root / "_data" / "comments" / "101").glob("*.yml"))
    entries = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in comments]
    assert {e["_id"] for e in entries} == {"510", "512", "513", "514", "515", "516", "520", "521", "522"}
    by_id = {e["_id"]: e for e in entries}
    assert by_id["510"]["_parent"] == "512" and by_id["512"]["_parent"] == ""
    assert set(by_id["510"]) >= {"_id", "_parent", "name", "url", "message", "date"}


@pytest.mark.parametrize("path", [p for p in FIXTURE_FILES if readable(p)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_build(path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "jekyll", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True)
    assert account.balanced()
    build(tmp_path / "s")
