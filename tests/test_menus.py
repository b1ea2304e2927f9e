"""WordPress's navigation menus at the new site's addresses: the data each format writes, and
the menus the real Hugo and Jekyll show from ``samples/menus.xml``."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

import wxrtool
from wxrtool.menus import MenuLink, _kept_above

from .conftest import SAMPLES

MENUS = SAMPLES / "menus.xml"

# The main menu as the new site must have it: (title, address, [children]). "Slugs (draft)"
# points to a draft: left out, its child ("RHS on slugs") moved up to its place.
MAIN = [
    ("Home", "/", []),
    (
        "About the plot",
        "{pages}/about/",
        [("Rules & such", "{pages}/about/rules/", []), ("Sowing beans", "{post}", [])],
    ),
    ("Beans", "{category}", []),
    ("RHS on slugs", "https://rhs.example.org/slugs", []),
]


def _tree(items: list[dict[str, object]]) -> list[tuple[object, object, list[object]]]:
    return [(i["title"], i["url"], _tree(i["children"])) for i in items]  # type: ignore[arg-type]


def _expected(post: str, category: str, pages: str = "") -> list[object]:
    def fill(entries: list[tuple[str, str, list[object]]]) -> list[object]:
        return [(t, u.format(post=post, category=category, pages=pages), fill(c)) for t, u, c in entries]  # type: ignore[arg-type]

    return fill(MAIN)  # type: ignore[arg-type]


def test_the_menus_as_data(tmp_path: Path) -> None:
    wxrtool.convert(MENUS, "markdown", str(tmp_path / "md"))
    menus = json.loads((tmp_path / "md/menus.json").read_text(encoding="utf-8"))
    assert [m["slug"] for m in menus] == ["main", "footer"] and menus[0]["name"] == "Main menu"
    assert _tree(menus[0]["items"]) == _expected("/posts/sowing-beans/", "", "/pages")  # (no archive pages)
    # The footer: a javascript: entry is no link to keep (left out); a link to a post follows it.
    assert _tree(menus[1]["items"]) == [("Beans: the post", "/posts/sowing-beans/", [])]
    assert menus[0]["items"][3]["new_window"] is True
    wxrtool.convert(MENUS, "jekyll", str(tmp_path / "jekyll"), base_url="https://new.example.org")
    data = yaml.safe_load((tmp_path / "jekyll/_data/menus.yml").read_text(encoding="utf-8"))
    assert data[0]["items"][1]["url"] == "https://new.example.org/about/"


def test_cycles_and_gaps_in_parents_take_linear_time() -> None:
    kept = {k: MenuLink(k, "", "") for k in (1, 3, 4, 5, 6, 7)}
    # 2 is left out (4's grandparent 3 is kept), 5 and 6 are each other's parent, 7 its own.
    assert _kept_above({1: 0, 2: 1, 3: 2, 4: 3, 5: 6, 6: 5, 7: 7, 8: 99}, kept) == {2: 1, 3: 1, 4: 3}

    def seconds(n: int) -> float:
        chain = {i: i - 1 for i in range(1, n)}
        some = {i: MenuLink(i, "", "") for i in range(0, n, 3)}
        start = time.perf_counter()
        _kept_above(chain, some)
        return time.perf_counter() - start

    seconds(1000)
    small, large = min(seconds(20_000) for _ in range(3)), min(seconds(80_000) for _ in range(3))
    assert large < small * 10  # four times the entries: about four times the time


def _navigation(page: str) -> list[tuple[str, str, list[object]]]:
    """The first menu of a built page as (title, address, children), read from its nested lists."""
    nav = re.search(r'<nav class="menu" data-menu="main">(.*?)</nav>', page, re.S)
    assert nav is not None, page[:2000]
    import lxml.html

    root = lxml.html.fragment_fromstring(nav.group(1))

    def items(ul: lxml.html.HtmlElement) -> list[tuple[str, str, list[object]]]:
        found = []
        for li in ul.findall("li"):
            link = li.find("a")
            title = (link if link is not None else li.find("span")).text_content()
            sub = li.find("ul")
            found.append((title, link.get("href") if link is not None else "", items(sub) if sub is not None else []))
        return found

    return items(root)


@pytest.mark.parametrize("engine", ["hugo", "jekyll", "eleventy"])
def test_the_built_site_shows_the_menu(engine: str, hugo: str, jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(MENUS, engine, str(site), scaffold=True)
    if engine == "eleventy":
        from .test_eleventy import build, install_eleventy

        build(install_eleventy(), site)
        site.joinpath("out").symlink_to(site / "_site")
        post, category = "/2024/05/sowing-beans/", "/category/beans/"
    elif engine == "hugo":
        subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "out")], check=True)
        post, category = "/posts/sowing-beans/", "/categories/beans/"
    else:
        subprocess.run([jekyll, "build", "--source", str(site), "--destination", str(site / "out")], check=True,
                       capture_output=True)  # fmt: skip
        post, category = "/2024/05/sowing-beans/", "/"
    page = (site / "out/index.html").read_text(encoding="utf-8")
    assert _navigation(page) == _expected(post, category)
    assert 'href="https://rhs.example.org/slugs" target="_blank" rel="noopener"' in page
    assert "javascript:" not in page and "<script>alert" not in page
