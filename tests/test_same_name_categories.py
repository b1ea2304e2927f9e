"""Two categories named ``Foo``, one under ``Bar``, stay two in every site format, with their
hierarchy where the format can hold it: real ``hugo``, ``jekyll`` and ``pelican`` builds over
tests/data/same-name-categories.xml (whose third ``Foo`` has a slug that climbs out,
``../../escape``, under a parent whose name is markup and a header line)."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

import wxrtool

from .addresses import DATA
from .conftest import front
from .test_hugo import build as hugo_build
from .test_jekyll import build as jekyll_build
from .test_pelican import build as pelican_build
from .test_pelican import headers

EXPORT = DATA / "same-name-categories.xml"
EVIL = "Evil <script>alert(1)</script>\nSave_as: ../../escape.html"
# Post id -> its categories' names, and where each sits in WordPress's tree (slugs from the top).
NAMES = {1: ["Foo"], 2: ["Foo"], 3: ["Foo", "Foo", "Bar"], 4: ["Foo"]}
PATHS = {1: ["foo"], 2: ["bar/foo-bar"], 3: ["foo", "bar/foo-bar", "bar"], 4: ["evil/escape"]}


POSTS = {"In Foo", "In Bar, Foo", "In both, and in Bar", "In a hostile one"}


def titles(page: Path) -> set[str]:
    """The titles of the posts a list page links to."""
    return {a.text_content().strip() for a in lxml.html.parse(str(page)).getroot().iter("a")} & POSTS


def test_markdown_front_matter_keeps_names_and_adds_paths(tmp_path: Path) -> None:
    wxrtool.convert(EXPORT, "markdown", str(tmp_path / "s"))
    for source in (tmp_path / "s").rglob("*.md"):
        data = front(source)
        assert data["categories"] == NAMES[data["id"]]
        assert data["category_paths"] == PATHS[data["id"]]


def test_hugo_makes_a_term_page_for_each(hugo: str, tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(EXPORT, "hugo", str(site), scaffold=True)
    terms = {p.relative_to(site).as_posix() for p in (site / "content" / "categories").rglob("*.md")}
    assert terms == {f"content/categories/{t}/_index.md" for t in ("bar", "escape", "foo", "foo-bar")}
    assert front(site / "content" / "categories" / "escape" / "_index.md")["wordpress_term"] == {
        "taxonomy": "category", "slug": "../../escape", "parent": "evil", "path": "evil/escape",
    }  # fmt: skip
    public = hugo_build(hugo, site)
    pages = {t: public / "categories" / t / "index.html" for t in ("foo", "foo-bar", "bar", "escape")}
    assert lxml.html.parse(str(pages["foo"])).getroot().findtext(".//h1") == "Foo"
    assert lxml.html.parse(str(pages["foo-bar"])).getroot().findtext(".//h1") == "Bar / Foo"
    assert titles(pages["foo"]) == {"In Foo", "In both, and in Bar"}
    assert titles(pages["foo-bar"]) == {"In Bar, Foo", "In both, and in Bar"}
    assert titles(pages["bar"]) == {"In both, and in Bar"}
    assert titles(pages["escape"]) == {"In a hostile one"}
    # The parent's markup is shown, escaped, never run; nothing is written outside the site.
    assert "<script>" not in pages["escape"].read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.html")) and not (site / "escape.html").exists()


def test_jekyll_keeps_them_apart_in_site_categories(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(EXPORT, "jekyll", str(site), scaffold=True)
    # A page of the test's own that lists Jekyll's grouping of the posts by category.
    (site / "probe.html").write_text(
        "---\nlayout: default\ntitle: Probe\n---\n<ul>{% for c in site.categories %}"
        '<li data-name="{{ c[0] | escape }}">{% for p in c[1] %}<i>{{ p.wordpress.id }}</i>{% endfor %}</li>'
        "{% endfor %}</ul>\n",
        encoding="utf-8",
    )
    document = lxml.html.parse(str(jekyll_build(jekyll, site) / "probe.html")).getroot()
    groups = {li.get("data-name"): {int(i.text) for i in li.iter("i")} for li in document.iter("li")}
    assert groups == {"Foo": {1, 3}, "Bar / Foo": {2, 3}, "Bar": {3}, f"{EVIL} / Foo": {4}}
    posts = {front(p)["wordpress"]["id"]: front(p) for p in (site / "_posts").glob("*.md")}
    assert posts[3]["categories"] == ["Foo", "Bar / Foo", "Bar"] and posts[3]["category_paths"] == PATHS[3]


def test_pelican_makes_a_category_page_for_each(pelican: str, tmp_path: Path) -> None:
    site, table = tmp_path / "s", tmp_path / "redirects.csv"
    wxrtool.convert(EXPORT, "pelican", str(site), scaffold=True, redirects=("csv", str(table)))
    meta = {int(headers(p)["Wordpress_id"]): headers(p) for p in (site / "content").rglob("*.md")}
    assert meta[3]["Category"] == "Foo" and meta[3]["Wp_categories"] == "Foo, Bar / Foo, Bar"
    assert meta[3]["Wp_category_paths"] == "foo, bar/foo-bar, bar"
    # The hostile parent's name: one line, no tag, no header of its own.
    assert meta[4]["Category"] == "Evil alert(1) Save_as: ../../escape.html / Foo"
    assert meta[4]["Wp_category_paths"] == "evil/escape" and meta[4]["Save_as"] == "2024/01/in-hostile/index.html"
    output = pelican_build(pelican, site)
    assert sorted(p.name for p in (output / "category").iterdir()) == [
        "bar-foo.html", "evil-alert1-save_as-escapehtml-foo.html", "foo.html",
    ]  # fmt: skip
    # An article is on the page of its first category only.
    assert titles(output / "category" / "foo.html") == {"In Foo", "In both, and in Bar"}
    assert titles(output / "category" / "bar-foo.html") == {"In Bar, Foo"}
    # Each old category archive leads to its own page, named as the writer named the category.
    moved = dict(line.split(",", 1) for line in table.read_text(encoding="utf-8").splitlines()[1:])
    assert moved["/category/foo/"] == "/category/foo.html"
    assert moved["/category/bar/foo-bar/"] == "/category/bar-foo.html"
    assert moved["/category/evil/..%2F..%2Fescape/"] == "/category/evil-alert1-save_as-escapehtml-foo.html"
    for old, new in moved.items():
        if old.startswith("/category/") and not old.endswith("/feed/"):
            assert (output / new.lstrip("/")).is_file(), (old, new)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ghost_makes_a_tag_for_each(jobs: int, tmp_path: Path) -> None:
    out = tmp_path / "ghost.json"
    wxrtool.convert(EXPORT, "ghost", str(out), jobs=jobs)
    data = json.loads(out.read_text(encoding="utf-8"))["data"]
    tags = {t["slug"]: t for t in data["tags"]}
    assert tags["foo"]["name"] == "Foo" and tags["foo-bar"]["name"] == "Bar / Foo" and tags["bar"]["name"] == "Bar"
    posts = {json.loads(m["frontmatter"])["wordpress_id"]: m["post_id"] for m in data["posts_meta"]}
    by_id = {t["id"]: t["slug"] for t in data["tags"]}
    tagged = {
        wp: {by_id[link["tag_id"]] for link in data["posts_tags"] if link["post_id"] == post}
        for wp, post in posts.items()
    }
    assert tagged[1] == {"foo"} and tagged[2] == {"foo-bar"} and tagged[3] == {"foo", "foo-bar", "bar"}
