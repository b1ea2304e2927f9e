"""The ``validate --html`` page as a browser shows it: problems grouped by code, a continuous
and bounded time axis, the export's file name as its title, nothing run or fetched, every
text from the export shown as text."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from wxrtool import stats
from wxrtool.cli import main
from wxrtool.report import MAX_BARS, render, render_all, timeline
from wxrtool.validate import Problem, validate

from .browser import rendered
from .conftest import SAMPLES
from .test_validate import export, item, with_inside

COMMENT = "<wp:comment><wp:comment_id>{}</wp:comment_id><wp:comment_date>{}</wp:comment_date></wp:comment>"


def page_of(tmp_path: Path, text: str, name: str = "export.xml") -> tuple[str, Any]:
    """The page ``validate --html`` writes for one export, and its parsed tree."""
    path = tmp_path / "deep" / "folders" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["validate", str(path), "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    return page, lxml.html.document_fromstring(page)


def charts(tree: Any) -> dict[str, Any]:
    """Each chart's ``<svg>`` by the heading above it."""
    found = {}
    for svg in tree.iter("svg"):
        heading = svg.getprevious()
        while heading.tag != "h2":
            heading = heading.getprevious()
        found[heading.text_content()] = svg
    return found


def bars(svg: Any) -> list[str]:
    """What each column of a chart says on hover: ``label: value``."""
    return [g.find("title").text for g in svg.iter("g")]


# -- problems, grouped ----------------------------------------------------------------------------


def test_problems_of_one_code_are_one_group(tmp_path: Path) -> None:
    # 18 items each given an id used before, as in WordPress's theme test data.
    items = "".join(item(i, post_type="page") + item(i, post_type="page") for i in range(1, 19))
    items += item(99, post_type="attachment", post_parent="500")
    _, tree = page_of(tmp_path, export(items))
    groups = tree.findall(".//details")
    assert len(groups) == 2
    dupes, parent = groups
    assert dupes.find("summary/code").text == "duplicate-post-id"
    assert dupes.find("summary/span[@class='count']").text == "18"
    assert dupes.get("open") is None  # many: closed, the summary says how many and what to do
    assert "give it a new id" in dupes.find("summary").text_content()
    rows = dupes.findall(".//tr")[1:]
    assert [r[1].text_content() for r in rows] == [str(i) for i in range(1, 19)]
    assert parent.get("open") is not None and parent.find("summary/span[@class='count']").text == "1"


def test_groups_put_errors_first_and_show_differing_hints_per_row(tmp_path: Path) -> None:
    def p(severity: str, code: str, hint: str, line: int) -> Problem:
        return Problem(severity, code, f"message {line}", hint, "e.xml", line)

    problems = [
        p("warning", "malformed-date", "write it as '2024-01-01 00:00:00'", 5),
        p("info", "repaired-control-character", "repaired", 1),
        p("error", "truncated", "use --recover", 9),
        p("warning", "malformed-date", "write it as '2024-02-01 00:00:00'", 7),
    ]
    tree = lxml.html.document_fromstring(render("e.xml", problems, None))
    summaries = [d.find("summary/code").text for d in tree.iter("details")]
    assert summaries == ["truncated", "malformed-date", "repaired-control-character"]
    dates = tree.findall(".//details")[1]
    assert dates.find("summary/span[@class='hint']") is None
    assert [r[-1].text_content() for r in dates.findall(".//tr")[1:]] == [
        "write it as '2024-01-01 00:00:00'",
        "write it as '2024-02-01 00:00:00'",
    ]


def test_no_problems(tmp_path: Path) -> None:
    assert "No problems found." in render("e.xml", [], None)


# -- the time axis --------------------------------------------------------------------------------


def test_empty_months_are_drawn_empty(tmp_path: Path) -> None:
    items = (
        with_inside(item(1, post_date="2014-11-02 10:00:00"), COMMENT.format(1, "2016-03-01 09:00:00"))
        + item(2, post_date="2018-10-05 10:00:00")
        + item(3, post_date="2018-10-06 10:00:00")
    )
    _, tree = page_of(tmp_path, export(items))
    found = charts(tree)
    posts, comments = bars(found["Posts per month"]), bars(found["Comments per month"])
    assert len(posts) == len(comments) == 48  # 2014-11 to 2018-10, every month
    assert posts[:3] == ["2014-11: 1", "2014-12: 0", "2015-01: 0"] and posts[-1] == "2018-10: 2"
    assert comments[16] == "2016-03: 1"
    ticks = [t.text for t in found["Posts per month"].iter("text")]
    assert ticks == ["2015", "2016", "2017", "2018"]  # each January, by its year


def test_a_long_span_is_drawn_by_year(tmp_path: Path) -> None:
    # The Unix epoch, a common damaged date, before a blog of 2010-2018.
    items = item(1, post_date="1970-01-01 00:00:00") + item(2, post_date="2018-06-01 00:00:00")
    items += item(3, post_date="2010-06-01 00:00:00")
    page, tree = page_of(tmp_path, export(items))
    posts = bars(charts(tree)["Posts per year"])
    assert len(posts) == 49 and posts[0] == "1970: 1" and posts[40] == "2010: 1" and posts[1] == "1971: 0"
    assert "One bar per year: 1970 to 2018 is more than 240 months." in page


def test_dates_at_the_ends_of_the_calendar_are_set_aside(tmp_path: Path) -> None:
    items = (
        item(1, post_date="1000-01-01 00:00:00")
        + item(2, post_date="9998-12-31 23:59:59", post_date_gmt="9998-12-31 23:59:59")
        + with_inside(item(3, post_date="2019-05-01 00:00:00"), COMMENT.format(1, "1000-01-01 00:00:00"))
        + item(6, post_date="0001-01-01 00:00:00")  # (a day from the calendar's edge: no date, in no bar)
        + item(4, post_date="2020-02-01 00:00:00")
        + item(5, post_date="2020-02-02 00:00:00")
    )
    page, tree = page_of(tmp_path, export(items))
    found = charts(tree)
    posts, comments = bars(found["Posts per month"]), bars(found["Comments per month"])
    assert posts == ["before 2019: 1", *[f"2019-{m:02d}: {int(m == 5)}" for m in range(5, 13)],
                     "2020-01: 0", "2020-02: 2", "after 2020: 1"]  # fmt: skip
    assert comments[0] == "before 2019: 1" and comments[-1] == "after 2020: 0"
    grey = found["Posts per month"].findall(".//rect[@class='bar-outside']")
    assert len(grey) == 2
    assert (
        "3 dates outside 2019 to 2020 (1000-01 to 9998-12) are counted in the grey bars at the start and end,"
        " to keep the chart to 240 bars." in page
    )


def test_months_of_the_first_years_keep_four_digits(tmp_path: Path) -> None:
    path = tmp_path / "e.xml"
    path.write_text(export(item(1, post_date="0001-03-01 00:00:00")), encoding="utf-8")
    assert list(stats.collect(path)["months"]) == ["0001-03"]


months_st = st.dictionaries(
    st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda ym: f"{ym[0]:04d}-{ym[1]:02d}"),
    st.fixed_dictionaries({"items": st.integers(0, 50), "comments": st.integers(0, 50)}),
    max_size=30,
)


@given(months_st, st.integers(3, 300))
def test_the_axis_is_bounded_continuous_and_counts_everything(months: dict[str, Any], max_bars: int) -> None:
    axis = timeline(months, max_bars)
    assert len(axis.labels) == len(axis.ticks) <= max_bars
    for name in ("items", "comments"):
        assert sum(axis.series.get(name, ())) == sum(c[name] for c in months.values())
        assert len(axis.series.get(name, axis.labels)) == len(axis.labels)
    inner = [label for i, label in enumerate(axis.labels) if i not in axis.outside]
    assert all(not label.startswith(("before", "after")) for label in inner)
    assert bool(axis.note) == (bool(axis.outside) or axis.unit == "year")
    if axis.unit == "month" and inner:
        steps = {_months(b) - _months(a) for a, b in itertools.pairwise(inner)}
        assert steps <= {1}
    elif inner:
        steps = {int(b) - int(a) for a, b in itertools.pairwise(inner)}
        assert steps <= {1} and "One bar per year" in axis.note


def _months(label: str) -> int:
    year, month = label.split("-")
    return int(year) * 12 + int(month)


def test_the_default_bound() -> None:
    spread = {f"{y:04d}-06": {"items": 1} for y in range(1, 10000, 7)}
    assert len(timeline(spread).labels) <= MAX_BARS == 240


# -- the page around it ---------------------------------------------------------------------------


def test_the_title_is_the_file_name(tmp_path: Path) -> None:
    page, tree = page_of(tmp_path, export(item(1)), name="blog.2024-03-21.xml")
    assert tree.findtext(".//title") == "wxrtool report: blog.2024-03-21.xml"
    assert tree.findtext(".//h1") == "blog.2024-03-21.xml"
    assert str(tmp_path) not in page and "folders" not in page


def test_several_exports_make_one_page(tmp_path: Path) -> None:
    names = ["/a/one.xml", "/b/two.xml", "/c/three.xml", "/d/four.xml"]
    page = render_all([(n, [], None) for n in names])
    tree = lxml.html.document_fromstring(page)
    assert page.count("<!DOCTYPE") == 1 and len(tree.findall(".//section")) == 4
    assert tree.findtext(".//title") == "wxrtool report: one.xml, two.xml, three.xml and 1 more"
    assert [h.text for h in tree.iter("h1")] == ["one.xml", "two.xml", "three.xml", "four.xml"]


BROKEN = 'a:1:{i:0;s:9:"abc";}'  # a serialized string whose length is wrong
HOSTILE = '<script>alert("x")</script><img src=//evil.example/x onerror=alert(1)>'


def test_hostile_exports_are_shown_as_text(tmp_path: Path) -> None:
    # Everywhere the export's words reach the page: the site, titles (busiest threads), types and
    # statuses, authors and meta keys in messages.
    cdata = f"<![CDATA[{HOSTILE}]]>"
    items = with_inside(
        item(1, post_type=cdata, status=cdata, creator=cdata),
        f"<title>{cdata}</title>",
        f"<wp:postmeta><wp:meta_key>{cdata}</wp:meta_key><wp:meta_value>{BROKEN}</wp:meta_value></wp:postmeta>",
        f"<wp:postmeta><wp:metakey>x</wp:metakey><wp:meta_value>{cdata}</wp:meta_value></wp:postmeta>",
        COMMENT.format(1, "2020-01-01 00:00:00"),
    )
    header = (
        f"<title>{cdata}</title><link>javascript:alert(1)</link>"
        f"<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login></wp:author>"
    )
    _, tree = page_of(tmp_path, export(items, header), name="<b>x.xml")
    assert not tree.findall(".//script") and not tree.findall(".//img") and not tree.findall(".//b")
    assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")]
    # Nothing fetched: no element names an address, the style is in the page and loads nothing.
    assert not [e for e in tree.iter() if {"src", "href", "srcset", "data", "action"} & set(e.attrib)]
    assert not tree.findall(".//link") and not tree.findall(".//iframe") and not tree.findall(".//object")
    assert "url(" not in "".join(s.text for s in tree.iter("style"))
    text = tree.text_content()
    assert text.count(HOSTILE) >= 4  # the site, the busiest thread, the item's type and status
    codes = [d.findtext("summary/code") for d in tree.iter("details")]
    assert {"unknown-author", "broken-serialized-meta", "meta-without-key"} <= set(codes)
    assert tree.findtext(".//h1") == "<b>x.xml" and tree.findtext(".//title") == "wxrtool report: <b>x.xml"


def test_every_sample_page_parses_and_is_self_contained(tmp_path: Path) -> None:
    reports = [(str(s), validate(s), stats.collect(s)) for s in sorted(SAMPLES.glob("*.xml"))]
    page = render_all(reports)
    tree = lxml.html.document_fromstring(page)
    assert len(tree.findall(".//section")) == len(reports)
    assert not tree.findall(".//script") and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    for svg in tree.iter("svg"):
        assert len(list(svg.iter("g"))) <= MAX_BARS


def test_the_page_as_a_browser_shows_it(tmp_path: Path) -> None:
    export = SAMPLES / "drafts-and-pages.xml"
    page = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "validate", str(export), "--html", str(page)], capture_output=True
    )
    assert done.returncode in (0, 1) and page.is_file()
    text, shot, log = rendered(page, tmp_path)
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    assert log == ""  # no console error, no failed load
    words = " ".join(text.split())
    assert "drafts-and-pages.xml" in words and str(export.parent) not in words  # the name, not the path
    assert "comment-parent-cycle" in words and "broken-serialized-meta" in words
