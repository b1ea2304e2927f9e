"""Front matter under the user's control: --front-matter, --date-format, --timezone, --seo."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import wxrtool
from wxrtool.writers.fmchoice import FrontMatterChoice

from .conftest import SAMPLES

LINKS = SAMPLES / "links-between-posts.xml"

# Yoast on one post, Rank Math on another (its robots a PHP array), All in One SEO 3 on a page;
# a description that would end the front matter and start another key if written as it is.
_SEO = {
    "<wp:post_id>10</wp:post_id>": [
        ("_yoast_wpseo_title", "%%title%% %%sep%% %%sitename%%"),
        ("_yoast_wpseo_metadesc", 'New here?\n---\nlayout: "evil" # start with the swifts'),
        ("_yoast_wpseo_canonical", "javascript:alert(1)"),
        ("_yoast_wpseo_meta-robots-noindex", "1"),
        ("_yoast_wpseo_opengraph-image", "https://fieldnotes.example.net/wp-content/uploads/2024/03/swifts.jpg"),
    ],
    "<wp:post_id>11</wp:post_id>": [
        ("rank_math_description", "Three over the church, a week early."),
        ("rank_math_robots", 'a:2:{i:0;s:7:"noindex";i:1;s:8:"nofollow";}'),
        ("rank_math_canonical_url", "https://fieldnotes.example.net/swifts/"),
    ],
    "<wp:post_id>20</wp:post_id>": [("_aioseop_title", "About Field Notes"), ("_aioseop_noindex", "on")],
}


def _with_seo(tmp_path: Path) -> Path:
    text = LINKS.read_text(encoding="utf-8")
    for anchor, metas in _SEO.items():
        rows = "".join(
            f"<wp:postmeta><wp:meta_key><![CDATA[{k}]]></wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value>"
            "</wp:postmeta>"
            for k, v in metas
        )
        assert anchor in text
        text = text.replace(anchor, anchor + rows)
    path = tmp_path / "seo.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _front(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    head = text.split("---\n", 2)[1]
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def test_fields_chosen_renamed_and_in_order(tmp_path: Path) -> None:
    choice = FrontMatterChoice.parse("title,date:created,categories:sections,nothing_here")
    wxrtool.convert(LINKS, "hugo", str(tmp_path / "out"), front_matter=choice)
    data = _front(tmp_path / "out/content/posts/swifts-return/index.md")
    # What Hugo needs to place the page (its aliases) stays, after the chosen fields.
    assert list(data) == ["title", "created", "sections", "aliases"]
    assert data["title"] == "The swifts are back" and data["sections"] == ["birds"]
    wxrtool.convert(LINKS, "jekyll", str(tmp_path / "jekyll"), front_matter=choice)
    data = _front(tmp_path / "jekyll/_posts/2024-03-21-swifts-return.md")
    assert set(data) >= {"title", "created", "permalink", "redirect_from", "layout"}


def test_dates_in_a_time_zone_and_a_format(tmp_path: Path) -> None:
    choice = FrontMatterChoice.parse(None, "%Y-%m-%d %H:%M %z", "America/New_York")
    wxrtool.convert(LINKS, "markdown", str(tmp_path / "out"), front_matter=choice)
    data = _front(tmp_path / "out/posts/swifts-return.md")
    assert data["date"] == "2024-03-21 15:45 -0400"  # 19:45 UTC, on New York's summer time
    wxrtool.convert(LINKS, "markdown", str(tmp_path / "day"), front_matter=FrontMatterChoice.parse(None, "date"))
    assert _front(tmp_path / "day/posts/swifts-return.md")["date"] == "2024-03-21"
    default = wxrtool.convert(LINKS, "markdown", str(tmp_path / "default"))
    assert default.balanced()
    assert "date: 2024-03-21T19:45:00+00:00" in (tmp_path / "default/posts/swifts-return.md").read_text("utf-8")


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Niue"])
@pytest.mark.parametrize("fmt", ["markdown", "hugo", "jekyll"])
def test_dates_at_the_ends_of_the_calendar_in_a_far_zone(fmt: str, zone: str, tmp_path: Path) -> None:
    """Dates within a day of year 1 or 9999 are no dates (quirks.parse_wp_date): moved into a zone
    14 hours east or 11 west, one stopped the conversion with an OverflowError."""
    hostile = Path(__file__).parent / "hostile" / "impossible-dates.xml"
    account = wxrtool.convert(
        hostile, fmt, str(tmp_path / "out"), front_matter=FrontMatterChoice.parse(None, None, zone)
    )
    assert account.balanced()


def test_seo_plugins_fields(tmp_path: Path) -> None:
    source = _with_seo(tmp_path)
    wxrtool.convert(source, "markdown", str(tmp_path / "out"), front_matter=FrontMatterChoice(seo=True))
    start = _front(tmp_path / "out/posts/start-here.md")
    assert start["description"] == 'New here? --- layout: "evil" # start with the swifts'  # one line, one string
    assert "layout" not in start
    assert start["seo"] == {
        "title": "Start here",  # (%%sep%% %%sitename%% left nothing the item could fill)
        "description": start["description"],
        "noindex": True,
        "image": "https://fieldnotes.example.net/wp-content/uploads/2024/03/swifts.jpg",
    }  # (a javascript: canonical is not an address to keep)
    swifts = _front(tmp_path / "out/posts/swifts-return.md")
    assert swifts["seo"] == {
        "description": "Three over the church, a week early.",
        "canonical": "https://fieldnotes.example.net/swifts/",
        "noindex": True,
    }
    about = _front(tmp_path / "out/pages/about.md")
    assert about["seo"] == {"title": "About Field Notes", "noindex": True} and "description" not in about
    assert "seo" not in _front(tmp_path / "out/pages/about/helpers.md")  # no plugin's fields: nothing added


@pytest.mark.parametrize("engine", ["hugo", "jekyll"])
def test_the_built_site_has_the_description(engine: str, hugo: str, jekyll: str, tmp_path: Path) -> None:
    source = _with_seo(tmp_path)
    site = tmp_path / "site"
    wxrtool.convert(source, engine, str(site), scaffold=True, front_matter=FrontMatterChoice(seo=True))
    if engine == "hugo":
        subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
        page = (site / "public/posts/swifts-return/index.html").read_text(encoding="utf-8")
        start = (site / "public/posts/start-here/index.html").read_text(encoding="utf-8")
    else:
        subprocess.run([jekyll, "build", "--source", str(site), "--destination", str(site / "_site")], check=True,
                       capture_output=True)  # fmt: skip
        page = (site / "_site/2024/03/swifts-return/index.html").read_text(encoding="utf-8")
        start = (site / "_site/2024/03/start-here/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Three over the church, a week early.">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert re.search(r'<link rel="canonical" href="https://fieldnotes\.example\.net/swifts/">', page)
    description = re.search(r'<meta name="description" content="([^"]*)">', start)
    assert description is not None and "evil" in description.group(1) and '"evil"' not in description.group(1)


def test_what_cannot_be_chosen_is_said(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "wxrtool", "convert", str(LINKS), "-o", str(tmp_path / "x")]
    for extra, words in [
        (["--to", "hugo", "--front-matter", "title,bad name"], "a field is a name"),
        (["--to", "hugo", "--front-matter", "title:t,date:t"], "two fields written as 't'"),
        (["--to", "hugo", "--timezone", "Mars/Olympus"], "not a time zone"),
        (["--to", "hugo", "--date-format", "YYYY"], "a strftime format"),
        # (written as it stands in every date, exit 0: found by a first-hour sweep)
        (["--to", "hugo", "--date-format", "%Y-%Q"], "'%Q' is no strftime directive"),
        (["--to", "hugo", "--date-format", "%Y %"], "'%' is no strftime directive"),
        (["--to", "pelican", "--seo"], "apply to hugo, jekyll, markdown, not to --to pelican"),
        (["--to", "jekyll", "--front-matter", "title:permalink"], "'permalink' is what jekyll places the page by"),
        # (the engine stops at a title where it reads a date: "not a parsable date", "Invalid date")
        (["--to", "hugo", "--front-matter", "title:date"], "hugo reads 'date' as a date, and 'title' is not one"),
        (["--to", "hugo", "--front-matter", "date,slug:PublishDate"], "hugo reads 'PublishDate' as a date"),
        (["--to", "jekyll", "--front-matter", "tags:date"], "jekyll reads 'date' as a date, and 'tags' is not one"),
    ]:
        done = subprocess.run([*base, *extra], capture_output=True, text=True)
        assert done.returncode == 2 and words in done.stderr, (extra, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("to", "fields"), [("hugo", "title,date:publishDate,lastmod:date"), ("markdown", "title:date")]
)
def test_a_date_may_go_by_another_name(to: str, fields: str, tmp_path: Path) -> None:
    # Hugo reads publishDate and date as dates, and they hold dates here; Markdown's front
    # matter is read by no one engine, so any name goes.
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "convert", str(LINKS), "--to", to, "-o", str(out), "-q", "--front-matter", fields],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
