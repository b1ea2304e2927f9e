"""Authors as data files the engines' themes read, and Co-Authors Plus's co-authors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

import wxrtool

from .conftest import SAMPLES

DRAFTS = SAMPLES / "drafts-and-pages.xml"
FILES = {
    "markdown": "authors.json",
    "hugo": "data/authors.yaml",
    "jekyll": "_data/authors.yml",
    "eleventy": "_data/authors.json",
}


def _read(path: Path) -> dict[str, dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("fmt", FILES)
def test_authors_of_what_was_written(fmt: str, tmp_path: Path) -> None:
    wxrtool.convert(DRAFTS, fmt, str(tmp_path / "out"))
    authors = _read(tmp_path / "out" / FILES[fmt])
    # Keyed by the name the posts' front matter gives (jekyll-seo-tag looks authors up so);
    # without --personal-data, no e-mail address and no hash made of one.
    assert authors == {
        "Anna Weber": {
            "name": "Anna Weber",
            "login": "anna",
            "slug": "anna",
            "first_name": "Anna",
            "last_name": "Weber",
        }
    }  # (slug: of their page, /author/anna/, WordPress's author archive)
    wxrtool.convert(DRAFTS, fmt, str(tmp_path / "all"), wxrtool.Selection.everything())
    everyone = _read(tmp_path / "all" / FILES[fmt])
    assert set(everyone) == {"Anna Weber", "Jonas"}  # (Jonas wrote only a draft)
    assert everyone["Anna Weber"]["email"] == "anna@kuechenbuch.example.de"
    assert everyone["Anna Weber"]["gravatar"] == hashlib.sha256(b"anna@kuechenbuch.example.de").hexdigest()


def test_co_authors(tmp_path: Path) -> None:
    text = DRAFTS.read_text(encoding="utf-8")
    anchor = '<category domain="category" nicename="bread"><![CDATA[Bread]]></category>'
    assert anchor in text
    co = '<category domain="author" nicename="cap-jonas"><![CDATA[jonas]]></category>'
    co += '<category domain="author" nicename="cap-guest"><![CDATA[A "guest": #1]]></category>'
    source = tmp_path / "co.xml"
    source.write_text(text.replace(anchor, anchor + co, 1), encoding="utf-8")
    wxrtool.convert(source, "hugo", str(tmp_path / "out"))
    page = (tmp_path / "out/content/posts/rye-sourdough/index.md").read_text(encoding="utf-8")
    front = yaml.safe_load(page.split("---\n", 2)[1])
    assert front["authors"] == ["jonas", 'A "guest": #1'] and "taxonomy_author" not in front
