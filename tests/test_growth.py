"""Time linear in the shape of an export, not only in its size: many items of one id and slug,
a long date, many custom fields, a deep tree of categories, pages or menu entries, many languages.
Each was found by a review to grow with the square of its count (or worse), through the command
line; each test times the same work at n and 4n (four times as long if linear, sixteen if not).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import wxrtool
from wxrtool.quirks import parse_wp_date
from wxrtool.writers.paths import PathPlanner

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


def best_of_two(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def grows_linearly(work: Callable[[int], object], n: int) -> None:
    small, large = best_of_two(lambda: work(n)), best_of_two(lambda: work(4 * n))
    assert large < 8 * max(small, 0.01), (small, large)


def test_a_long_date_in_words_is_no_date_at_once() -> None:
    """dateutil's reading of '2020-01-01 1.1.1...' grows with its square (640 KB: 10 s)."""
    grows_linearly(lambda n: parse_wp_date("2020-01-01 " + "1." * n), 20_000)
    assert parse_wp_date("2020-01-01 " + "1." * 100) is None
    assert parse_wp_date("Thursday, 21 March 2024 19:45") is not None  # (a date in words still reads)


def test_items_of_one_id_and_slug_each_get_a_path(tmp_path: Path) -> None:
    """The k-th tried k paths, and past a thousand the run stopped ('no free path for item 5')."""

    def plan(n: int) -> list[str]:
        planner = PathPlanner(str(tmp_path))
        return [planner.path_for({"type": "post"}, ["x"], 5) for _ in range(n)]

    grows_linearly(plan, 1500)
    paths = plan(3000)
    assert len(set(paths)) == 3000 and paths[:3] == ["posts/x.md", "posts/x-5.md", "posts/x-5-2.md"]


def test_ghost_slugs_of_one_id_stay_short(tmp_path: Path) -> None:
    """Ghost's slugs of items of one id and slug: '-2' added at each try, past Ghost's limit too
    (8,000 items: 62 s, slugs of 16,000 characters, 70 MB)."""

    def convert(n: int) -> Path:
        source = export(tmp_path / f"dup{n}.xml", [item(5, slug="x") for _ in range(n)])
        wxrtool.convert(str(source), "ghost", str(tmp_path / f"dup{n}.json"))
        return tmp_path / f"dup{n}.json"

    grows_linearly(convert, 500)
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

    grows_linearly(convert, 4000)
