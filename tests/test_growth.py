"""Time linear in the shape of an export, not only in its size: many items of one id and slug,
a long date, many custom fields, a deep tree of categories, pages or menu entries, many languages.
Each was found by a review to grow with the square of its count (or worse), through the command
line; each test times the same work at n and 4n (four times as long if linear, sixteen if not).
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import wxrtool
from wxrtool.quirks import parse_wp_date
from wxrtool.writers.paths import PathPlanner

from .timing import grows_linearly

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<channel><title>T</title><link>https://example.com</link><wp:wxr_version>1.2</wp:wxr_version>"
    "<wp:base_site_url>https://example.com</wp:base_site_url><wp:base_blog_url>https://example.com</wp:base_blog_url>"
)


def item(
    n: int, *, slug: str | None = None, kind: str = "post", parent: int = 0, extra: str = "", link: str = ""
) -> str:
    slug = f"p{n}" if slug is None else slug
    return (
        f"<item><title>P{n}</title><link>{escape(link or f'https://example.com/{slug}/')}</link>"
        f"<dc:creator>admin</dc:creator><wp:post_id>{n}</wp:post_id>"
        "<wp:post_date>2020-01-01 00:00:00</wp:post_date><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{escape(slug)}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>"
        f"<content:encoded>x</content:encoded>{extra}</item>"
    )


def export(path: Path, items: list[str], header: str = "") -> Path:
    path.write_text(HEAD + header + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def test_a_long_date_in_words_is_no_date_at_once() -> None:
    """dateutil's reading of '2020-01-01 1.1.1...' grows with its square (640 KB: 10 s)."""
    grows_linearly(lambda n: parse_wp_date("2020-01-01 " + "1." * n), 20_000, 0.01)
    assert parse_wp_date("2020-01-01 " + "1." * 100) is None
    assert parse_wp_date("Thursday, 21 March 2024 19:45") is not None  # (a date in words still reads)


def test_items_of_one_id_and_slug_each_get_a_path(tmp_path: Path) -> None:
    """The k-th tried k paths, and past a thousand the run stopped ('no free path for item 5')."""

    def plan(n: int) -> list[str]:
        planner = PathPlanner(str(tmp_path))
        return [planner.path_for({"type": "post"}, ["x"], 5) for _ in range(n)]

    grows_linearly(plan, 1500, 0.01)
    paths = plan(3000)
    assert len(set(paths)) == 3000 and paths[:3] == ["posts/x.md", "posts/x-5.md", "posts/x-5-2.md"]


def test_ghost_slugs_of_one_id_stay_short(tmp_path: Path) -> None:
    """Ghost's slugs of items of one id and slug: '-2' added at each try, past Ghost's limit too
    (8,000 items: 62 s, slugs of 16,000 characters, 70 MB)."""

    def convert(n: int) -> Path:
        source = export(tmp_path / f"dup{n}.xml", [item(5, slug="x") for _ in range(n)])
        wxrtool.convert(str(source), "ghost", str(tmp_path / f"dup{n}.json"))
        return tmp_path / f"dup{n}.json"

    grows_linearly(convert, 500, 0.01)
    posts = json.loads(convert(500).read_text(encoding="utf-8"))["data"]["posts"]
    slugs = [p["slug"] for p in posts]
    assert len(set(slugs)) == 500 and max(map(len, slugs)) <= 191 and slugs[3] == "x-5-3"


def test_every_custom_field_of_an_item_is_read_once(tmp_path: Path) -> None:
    """--meta '*' looked through every field once per key."""

    def convert(n: int) -> None:
        fields = "".join(
            f"<wp:postmeta><wp:meta_key>k{i}</wp:meta_key><wp:meta_value>v</wp:meta_value></wp:postmeta>"
            for i in range(n)
        )
        source = export(tmp_path / f"meta{n}.xml", [item(1, extra=fields)])
        wxrtool.convert(str(source), "markdown", str(tmp_path / f"meta{n}"), meta_keys=("*",), force=True)

    grows_linearly(convert, 4000, 0.01)


def category(n: int, parent: str = "") -> str:
    return (
        f"<wp:category><wp:term_id>{n + 1}</wp:term_id><wp:category_nicename>c{n}</wp:category_nicename>"
        f"<wp:category_parent>{parent}</wp:category_parent><wp:cat_name>C{n}</wp:cat_name></wp:category>"
    )


def in_category(n: int) -> str:
    return f'<category domain="category" nicename="c{n}">C{n}</category>'


def meta(key: str, value: str) -> str:
    return f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{escape(value)}</wp:meta_value></wp:postmeta>"


def test_a_deep_tree_of_categories(tmp_path: Path) -> None:
    """Categories each under the last, a post in each: every post's category path was the whole
    chain above it (4,000: 24 s, 5 MB from 0.7 MB); now 64 levels at most."""

    def convert(n: int) -> Path:
        header = "".join(category(i, f"c{i - 1}" if i else "") for i in range(n))
        source = export(tmp_path / f"cats{n}.xml", [item(i + 1, extra=in_category(i)) for i in range(n)], header)
        wxrtool.convert(str(source), "markdown", str(tmp_path / f"cats{n}"), force=True)
        return tmp_path / f"cats{n}"

    grows_linearly(convert, 300, 0.01)
    deepest = (convert(300) / "posts" / "p300.md").read_text(encoding="utf-8")
    assert "c299" in deepest and "c236/c237" in deepest and "c235/" not in deepest


def test_a_deep_tree_of_pages(tmp_path: Path) -> None:
    """Pages each under the last: every page's path was found by walking the whole chain (8,000:
    44 s in Eleventy), and 2,000 deep made a file name no system opens (an internal error)."""

    def convert(n: int, fmt: str = "eleventy") -> Path:
        pages = [item(i + 1, slug="s" * 100 + str(i), kind="page", parent=i) for i in range(n)]
        source = export(tmp_path / f"pages{n}.xml", pages)
        wxrtool.convert(str(source), fmt, str(tmp_path / f"pages{n}-{fmt}"), force=True)
        return tmp_path / f"pages{n}-{fmt}"

    grows_linearly(convert, 300, 0.01)
    for fmt in ("markdown", "hugo", "jekyll", "pelican", "astro"):
        files = [p for p in convert(200, fmt).rglob("*.md") if p.is_file()]
        assert len(files) >= 200 and max(len(str(p)) for p in files) < 4096


def test_a_deep_menu_is_written_by_every_engine(tmp_path: Path) -> None:
    """Menu entries each under the last: JSON's and YAML's writers recurse on nesting (Jekyll's
    stopped at 200 entries with a RecursionError); a menu keeps 32 levels."""
    entries = [
        item(
            10 + i,
            kind="nav_menu_item",
            slug=f"m{i}",
            extra='<category domain="nav_menu" nicename="main">Main</category>'
            + meta("_menu_item_type", "custom")
            + meta("_menu_item_url", f"https://other.example/{i}")
            + meta("_menu_item_menu_item_parent", str(9 + i) if i else "0"),
        )
        for i in range(1000)
    ]
    source = export(tmp_path / "menu.xml", [item(1), *entries])
    for fmt in ("jekyll", "markdown", "pelican", "eleventy", "astro"):
        account = wxrtool.convert(str(source), fmt, str(tmp_path / f"menu-{fmt}"))
        assert account.written["items"] >= 1


def test_many_languages_in_one_group(tmp_path: Path) -> None:
    """Items of one group of translations, each in a language of its own: each listed the whole
    group, and each looked through every language of the site (4,000: 154 s)."""

    def convert(n: int) -> Path:
        def language(i: int) -> str:
            code = f"aa-{i:04d}"
            group = '<category domain="post_translations" nicename="pll_g">pll_g</category>'
            return f'<category domain="language" nicename="{code}">{code}</category>' + group

        source = export(tmp_path / f"langs{n}.xml", [item(i + 1, extra=language(i)) for i in range(n)])
        wxrtool.convert(str(source), "markdown", str(tmp_path / f"langs{n}"), force=True)
        return tmp_path / f"langs{n}"

    grows_linearly(convert, 600, 0.01)


def test_a_long_permalink_in_astro(tmp_path: Path) -> None:
    """Each folder of a long permalink was looked at as a path of its own (a square's time and
    memory: 160,000 folders killed the run); a path no system opens is not the page's address."""

    def convert(n: int) -> None:
        source = export(tmp_path / f"link{n}.xml", [item(1, link="https://example.com/" + "a/" * n)])
        wxrtool.convert(str(source), "astro", str(tmp_path / f"link{n}"), force=True)

    grows_linearly(convert, 10_000, 0.01)


def test_a_raw_ampersand_is_placed_in_time_linear_in_the_file(tmp_path: Path) -> None:
    """Its line was read again with a copy of the rest of the block per line: 1 MB of blank lines
    took 13.5 s."""
    from wxrtool.validate import validate

    def place(n: int) -> None:
        path = tmp_path / f"amp{n}.xml"
        path.write_text(
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
            + "\n" * n + "<item><wp:post_id>1</wp:post_id><title>a&b</title></item></channel></rss>\n",
            encoding="utf-8",
        )  # fmt: skip
        (problem,) = validate(path)
        assert problem.code == "unescaped-ampersand" and problem.line == n + 1

    grows_linearly(place, 100_000, 0.01)
