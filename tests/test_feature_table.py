"""The README's table of what each format holds is true: each cell checked against the
format's declaration or what converting a sample writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import wxrtool
from wxrtool import writers

from .conftest import ROOT, SAMPLES

_ROW = re.compile(r"^\| `([a-z0-9]+)` \| (.+) \|$")


def _table() -> dict[str, dict[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("What each format holds", 1)[1].split("\n\n", 2)[1]
    lines = block.splitlines()
    head = [cell.strip().strip("`").split(" ")[0] for cell in lines[0].strip("|").split("|")][1:]
    rows = {}
    for line in lines[2:]:
        m = _ROW.match(line)
        assert m, line
        cells = [c.strip() for c in m.group(2).split("|")]
        rows[m.group(1)] = dict(zip(head, cells, strict=True))
    return rows


TABLE = _table()


def test_every_format_has_a_row() -> None:
    assert set(TABLE) == set(writers.FORMATS)


def _written(tmp_path: Path, fmt: str, sample: str, **options: object) -> tuple[str, list[str]]:
    out = tmp_path / fmt
    tmp_path.mkdir(parents=True, exist_ok=True)
    wxrtool.convert(SAMPLES / sample, fmt, str(out), **options)
    files = [out] if out.is_file() else [p for p in out.rglob("*") if p.is_file()]
    names = [str(p.relative_to(out)) for p in files] if out.is_dir() else [out.name]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files), names


@pytest.mark.parametrize("fmt", sorted(TABLE))
def test_declared_kinds(fmt: str) -> None:
    row, declared = TABLE[fmt], writers.get(fmt)
    assert (row["posts,"] == "yes") == ("items" in declared.keeps)
    assert (row["comments"] == "yes") == ("comments" in declared.keeps)
    assert (row["pings"] == "yes") == ("pings" in declared.keeps)
    assert (row["redirects"] == "yes") == declared.gives_addresses


@pytest.mark.parametrize("fmt", sorted(TABLE))
def test_what_the_samples_become(fmt: str, tmp_path: Path) -> None:
    row = TABLE[fmt]
    # Menus: "RHS on slugs" is only a menu entry's title.
    text, names = _written(tmp_path / "menus", fmt, "menus.xml")
    assert ("RHS on slugs" in text) == (row["menus"] != "no"), row["menus"]
    if row["menus"] in ("data", "shown"):
        assert any("menus" in name for name in names)
    assert ('"key": "navigation"' in text) == (row["menus"] == "navigation"), row["menus"]
    # Authors: a data file (Astro's a data collection), and pages; Ghost's staff, or the records as read.
    text, names = _written(tmp_path / "authors", fmt, "drafts-and-pages.xml")
    has_file = any(Path(name).stem == "authors" or "authors" in Path(name).parts[:-1] for name in names)
    assert has_file == (row["authors"] in ("data", "pages")), names
    if row["authors"] in ("data", "pages"):
        # A page per author at /author/<slug>/: the pages themselves (Hugo, Jekyll), or the
        # scaffold's template that makes them (Eleventy, Astro).
        _, site = _written(tmp_path / "scaffolded", fmt, "drafts-and-pages.xml", scaffold=True)
        pages = {
            "content/author/anna/_index.md",
            "author/anna.html",
            "author.njk",
            "src/pages/author/[slug]/index.astro",
        }
        assert bool(pages & set(site)) == (row["authors"] == "pages"), site
    if row["authors"] in ("as read", "staff"):
        assert "Anna Weber" in text
    # Custom types: drafts-and-pages.xml's published "recipe".
    assert ("Knäckebröd" in text) == (row["custom"] != "no"), row["custom"]
    # Footnotes: a note's words, as a Markdown footnote where the format is Markdown.
    text, _ = _written(tmp_path / "notes", fmt, "footnotes.xml")
    assert ("Hedenstr" in text) == (row["footnotes"] != "no")
    if row["footnotes"] == "yes" and fmt != "ghost":
        assert "[^1]: " in text
    # Languages: each item's, and its translations (Polylang's terms as the records have them).
    text, names = _written(tmp_path / "languages", fmt, "languages.xml", scaffold=row["languages"] == "shown")
    marks = {"as read": "pll_6661a0b1c2d40", "data": "translation_key: pll_6661a0b1c2d40", "tags": '"#fr"', "no": ""}
    if row["languages"] == "shown":
        assert re.search(r"(?m)^(translationKey|translation_key|Translation_key): pll_6661a0b1c2d40$", text)
        # (the scaffold's pages show them: tests/test_languages.py builds each with its engine)
        assert any(Path(name).stem == "languages" for name in names) or "ARTICLE_TRANSLATION_ID" in text
    elif row["languages"] == "no":
        assert "pll_6661a0b1c2d40" not in text and '"#fr"' not in text
    else:
        assert marks[row["languages"]] in text, row["languages"]
    if row["languages"] == "data":
        assert any(Path(name).stem == "languages" for name in names)


@pytest.mark.parametrize("fmt", sorted(f for f, row in TABLE.items() if row["media"] == "placed"))
def test_media_placed(fmt: str, tmp_path: Path) -> None:
    media = tmp_path / "media" / "fieldnotes.example.net" / "wp-content" / "uploads" / "2024" / "03"
    media.mkdir(parents=True)
    (media / "swifts.jpg").write_bytes(b"\xff\xd8 jpeg")
    account = wxrtool.convert(
        SAMPLES / "links-between-posts.xml", fmt, str(tmp_path / "out"), media=str(tmp_path / "media")
    )
    assert account.media_copied == 1
