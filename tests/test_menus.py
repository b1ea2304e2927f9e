"""WordPress's navigation menus at the new site's addresses: the data each format writes, the
menus the real Hugo, Jekyll, Eleventy and Pelican show from ``samples/menus.xml``, and Ghost's
navigation settings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest
import yaml
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.menus import Menu, MenuLink, _kept_above, by_size, one_level

from .conftest import SAMPLES
from .test_astro import astro_bin  # noqa: F401 (a fixture)

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
        start = time.process_time()
        _kept_above(chain, some)
        return time.process_time() - start

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


def test_the_built_astro_site_shows_the_menu(astro_bin: Path, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    from .test_astro import build

    site = tmp_path / "site"
    wxrtool.convert(MENUS, "astro", str(site), scaffold=True)
    built, _ = build(astro_bin, site)
    page = (built / "index.html").read_text(encoding="utf-8")
    # (Astro's category: the home page, as its archive's redirect: the scaffold has no category pages)
    assert _navigation(page) == _expected("/2024/05/sowing-beans/", "/", "")
    assert 'href="https://rhs.example.org/slugs" target="_blank" rel="noopener"' in page
    assert "javascript:" not in page and "<script>alert" not in page


# The main menu's top level, as a menu of one level (Pelican's MENUITEMS, Ghost's navigation) shows it.
TOP = [
    ("Home", "/"),
    ("About the plot", "/about/"),
    ("Beans", "{category}"),
    ("RHS on slugs", "https://rhs.example.org/slugs"),
]


def test_the_largest_menu_in_one_level() -> None:
    # A drop-down's heading with no address ("#") gives its place to its entries.
    heading = MenuLink(2, "Garden", "", children=[MenuLink(3, "Beds", "/beds/", children=[MenuLink(4, "x", "/x/")])])
    main = Menu("main", "Main", [MenuLink(1, "Home", "/", children=[MenuLink(5, "Sub", "/sub/")]), heading])
    footer, social = (
        Menu("footer", "Footer", [MenuLink(6, "A", "/a/")]),
        Menu("social", "Social", [MenuLink(7, "B", "/b/")]),
    )
    assert [(link.title, link.url) for link in one_level(main)] == [("Home", "/"), ("Beds", "/beds/")]
    assert by_size([footer, main, social]) == [main, footer, social]  # (a tie: the first first)
    from wxrtool.writers.ghost import navigation_settings

    # A menu with nothing to show (only "#" headings) is skipped, though larger than the footer.
    settings = navigation_settings(
        [footer, main, Menu("empty", "Empty", [MenuLink(8, "#", "", children=[MenuLink(9, "#", "")])])]
    )
    assert [(s["key"], json.loads(s["value"])) for s in settings] == [
        ("navigation", [{"label": "Home", "url": "/"}, {"label": "Beds", "url": "/beds/"}]),
        ("secondary_navigation", [{"label": "A", "url": "/a/"}]),
    ]


def test_pelican_shows_the_main_menu(pelican: str, tmp_path: Path) -> None:
    from .test_pelican import build

    site = tmp_path / "site"
    wxrtool.convert(MENUS, "pelican", str(site), scaffold=True)
    output = build(pelican, site)
    nav = lxml.html.parse(str(output / "index.html")).getroot().find(".//nav")
    shown = [(a.text_content(), a.get("href")) for a in nav.iter("a")]
    # Only the menu: not also Pelican's list of pages and categories.
    assert shown == [(t, u.format(category="/category/beans.html")) for t, u in TOP]
    for _, href in shown[:3]:  # each link of the site's own leads to a page it built
        page = output / href.strip("/")
        assert (page / "index.html" if href.endswith("/") else page).is_file(), href
    assert b"Sowing beans" in (output / "category/beans.html").read_bytes()
    # Every menu, nested, as data: the default theme shows one level.
    menus = json.loads((site / "menus.json").read_text(encoding="utf-8"))
    assert _tree(menus[0]["items"]) == _expected("/2024/05/sowing-beans/", "/category/beans.html", "")
    assert _tree(menus[1]["items"]) == [("Beans: the post", "/2024/05/sowing-beans/", [])]


def _hostile_menu(tmp_path: Path, title: str, url: str) -> Path:
    """samples/menus.xml with "RHS on slugs" titled ``title`` and linking to ``url``."""
    text = MENUS.read_text(encoding="utf-8").replace("<![CDATA[RHS on slugs]]>", f"<![CDATA[{title}]]>")
    source = tmp_path / "menus.xml"
    source.write_text(text.replace("https://rhs.example.org/slugs", url), encoding="utf-8")
    return source


def test_pelican_menu_titles_and_links_stay_strings(tmp_path: Path) -> None:
    title = "\"), __import__('pathlib').Path('OWNED').touch(), (\" '), __import__('os'), (' 1 &lt; 2 <b>x</b>"
    url = "https://rhs.example.org/a?b='),__import__('os'),('&c=\"),1,(\""
    site = tmp_path / "site"
    wxrtool.convert(_hostile_menu(tmp_path, title, url), "pelican", str(site), scaffold=True,
                    base_url="https://new.example.org")  # fmt: skip
    for conf in ("pelicanconf.py", "publishconf.py"):
        run = [sys.executable, "-c", f"import runpy, json; print(json.dumps(runpy.run_path({conf!r})['MENUITEMS']))"]
        proc = subprocess.run(run, cwd=site, capture_output=True, text=True, check=True)
        items = json.loads(proc.stdout)
        assert not (site / "OWNED").exists() and len(items) == 4
        # The theme prints them as HTML: the title's quotes curly, its "<" escaped; the address's "&" too.
        assert items[3] == [
            "\u201c), __import__('pathlib').Path('OWNED').touch(), (\u201c '), __import__('os'), (' 1 &lt; 2 x",
            "https://rhs.example.org/a?b=%27),__import__(%27os%27),(%27&amp;c=%22),1,(%22",
        ]
    assert "DISPLAY_PAGES_ON_MENU = False" in (site / "pelicanconf.py").read_text(encoding="utf-8")


def test_ghost_navigation(tmp_path: Path) -> None:
    from .test_ghost import check

    out = tmp_path / "ghost.json"
    wxrtool.convert(MENUS, "ghost", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    check(document)
    settings = {s["key"]: json.loads(s["value"]) for s in document["data"]["settings"]}
    # The largest menu is the navigation, its top level; Ghost's pages are at /<slug>/, tags at /tag/<slug>/.
    assert [(i["label"], i["url"]) for i in settings["navigation"]] == [
        (t, u.format(category="/tag/beans/")) for t, u in TOP
    ]
    assert settings["secondary_navigation"] == [{"label": "Beans: the post", "url": "/sowing-beans/"}]
    # A label that would end the JSON string, or the list, is text in it.
    label = 'x"}]},{"key":"is_private","value":"true"}, \\"</script>'
    wxrtool.convert(_hostile_menu(tmp_path, label.replace("<", "&lt;"), "https://rhs.example.org/"), "ghost",
                    str(out))  # fmt: skip
    document = json.loads(out.read_text(encoding="utf-8"))
    check(document)
    assert [s["key"] for s in document["data"]["settings"]] == ["navigation", "secondary_navigation"]
    navigation = json.loads(document["data"]["settings"][0]["value"])
    assert navigation[3] == {"label": label, "url": "https://rhs.example.org/"}
    # Written to stdout (no links pointed at new addresses afterwards), the entries still follow the items.
    result = CliRunner().invoke(main, ["convert", str(MENUS), "--to", "ghost", "-o", "-"])
    settings = {s["key"]: json.loads(s["value"]) for s in json.loads(result.stdout)["data"]["settings"]}
    assert settings["secondary_navigation"] == [{"label": "Beans: the post", "url": "/sowing-beans/"}]
    # Without menus, no settings: Ghost keeps its own.
    wxrtool.convert(SAMPLES / "klout.xml", "ghost", str(out))
    assert "settings" not in json.loads(out.read_text(encoding="utf-8"))["data"]
