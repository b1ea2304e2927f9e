"""Author pages in the Hugo, Jekyll, Eleventy and Astro scaffolds, at WordPress's author archive
address (``/author/<nicename>/``): tests/data/authors.xml, whose first author's display name is
made hostile here (markup, template syntax of every engine, YAML's indicators), converted with
``--scaffold`` and built by the real engines. Each author's page shows their name as text and
links to exactly their published posts, each link to that post's built page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

import wxrtool
from wxrtool import archives
from wxrtool.oldurls import old_addresses

from .addresses import DATA
from .test_astro import build as astro_build
from .test_astro import install_astro
from .test_eleventy import build as eleventy_build
from .test_eleventy import install_eleventy
from .test_hugo import build as hugo_build
from .test_jekyll import build as jekyll_build

EXPORT = DATA / "authors.xml"
HOSTILE = "</a><script>alert(1)</script> {{ x }} {% raw %} {{< x >}} : - # & Anna"
# Each author's page slug (WordPress's nicename of the login), name, and published posts'
# titles: Anna's draft is on no page, Zoë wrote nothing and has none.
PAGES = {
    "anna": (HOSTILE, {"First light", "Second thoughts"}),
    "j-doe": ("José Pérez", {"Über Brot"}),  # (login j.doe: a "." is a "-")
    "mika": ("Mika", set()),  # (a page, no post)
    "ghost-writer": ("ghost.writer", {"Unsigned"}),  # (not declared by the export: known by login)
}
POST_IDS = {"First light": 11, "Second thoughts": 12, "Über Brot": 14, "Unsigned": 17}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    text = EXPORT.read_text(encoding="utf-8")
    hostile = HOSTILE.replace("]]>", "")  # (a CDATA section holds it as it is)
    assert "<![CDATA[Anna Weber]]>" in text
    path = tmp_path / "authors.xml"
    path.write_text(text.replace("<![CDATA[Anna Weber]]>", f"<![CDATA[{hostile}]]>"), encoding="utf-8")
    return path


def check_pages(built: Path) -> None:
    """Every author's page: the name as text, exactly their published posts, each link to its page."""
    assert {p.name for p in (built / "author").iterdir() if (p / "index.html").is_file()} == set(PAGES)
    for slug, (name, titles) in PAGES.items():
        page = lxml.html.parse(str(built / "author" / slug / "index.html")).getroot()
        section = page.find(".//section[@class='author']")
        assert section is not None, slug
        assert section.findtext("h1") == name
        assert page.findtext(".//title").startswith(name + " - ")
        assert page.findall(".//script") == []  # (the name's <script> is text)
        links = {a.text_content().strip(): a.get("href") for a in section.iterfind(".//ul[@class='posts']/li/a")}
        assert set(links) == titles, slug
        for title, href in links.items():
            target = built / unquote(urlsplit(href).path).strip("/") / "index.html"
            article = lxml.html.parse(str(target)).getroot().find(".//article")
            assert article is not None and article.get("data-wordpress-id") == str(POST_IDS[title]), href


def test_hugo(export: Path, hugo: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(export, "hugo", str(site), scaffold=True)
    check_pages(hugo_build(hugo, site))


def test_jekyll(export: Path, jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(export, "jekyll", str(site), scaffold=True)
    check_pages(jekyll_build(jekyll, site))


def test_eleventy(export: Path, tmp_path: Path) -> None:
    script = install_eleventy()
    site = tmp_path / "site"
    wxrtool.convert(export, "eleventy", str(site), scaffold=True)
    check_pages(eleventy_build(script, site))


def test_astro(export: Path, tmp_path: Path) -> None:
    reason = install_astro()
    if reason is not None:
        pytest.skip(reason)
    from .test_astro import CACHE

    site = tmp_path / "site"
    wxrtool.convert(export, "astro", str(site), scaffold=True)
    built, said = astro_build(CACHE / "node_modules" / ".bin" / "astro", site)
    assert "[WARN]" not in said and "[ERROR]" not in said, said
    check_pages(built)


@pytest.mark.parametrize("fmt", ["hugo", "jekyll", "eleventy", "astro"])
def test_old_author_archives_lead_to_the_pages(fmt: str, export: Path) -> None:
    target: Callable[..., str | None] = archives.TARGETS[fmt]
    found = {a.url: target(a) for a in old_addresses(export) if a.kind == "author"}
    # (WordPress lists the authors of posts: Mika wrote only a page)
    assert found == {f"/author/{slug}/": f"/author/{slug}/" for slug in ("anna", "j-doe", "ghost-writer")}


def test_astro_data_names_each_page(export: Path, tmp_path: Path) -> None:
    wxrtool.convert(export, "astro", str(tmp_path / "astro"))
    files = sorted(p.name for p in (tmp_path / "astro/src/content/authors").iterdir())
    assert files == sorted(f"{slug}.json" for slug in PAGES)


@pytest.mark.parametrize("fmt", ["hugo", "jekyll"])
def test_an_item_at_an_author_address_moves(fmt: str, tmp_path: Path) -> None:
    # The authors' pages are under /author/: a page whose old address is there goes elsewhere.
    text = EXPORT.read_text(encoding="utf-8").replace("/colophon/", "/author/")
    taken = tmp_path / "taken.xml"
    taken.write_text(text.replace("<![CDATA[colophon]]>", "<![CDATA[author]]>"), encoding="utf-8")
    csv = tmp_path / "redirects.csv"
    wxrtool.convert(taken, fmt, str(tmp_path / "out"), redirects=("csv", str(csv)))
    rows = dict(line.split(",", 1) for line in csv.read_text(encoding="utf-8").splitlines()[1:])
    assert rows["/author/"] not in ("/author/", "/")


def test_two_logins_of_one_slug_each_have_a_page() -> None:
    """'john.doe' and 'john-doe' make one slug: the second author had no page, and nothing said so.
    WordPress gives the second nicename '-2'."""
    from wxrtool.authors import author_data
    from wxrtool.records import Author

    authors = [Author(login="john.doe", display_name="John Dot"), Author(login="john-doe", display_name="John Dash")]
    data = author_data(authors, {"john.doe", "john-doe"}, personal_data=False)
    assert [(d["name"], d["slug"]) for d in data.values()] == [("John Dot", "john-doe"), ("John Dash", "john-doe-2")]


def test_many_logins_of_one_slug_are_told_apart_in_linear_time() -> None:
    """Each author of a slug taken counted up from -2 again (20,000 of them: 43 s)."""
    from wxrtool.authors import author_data
    from wxrtool.records import Author

    from .timing import grows_linearly

    def run(n: int) -> None:
        logins = ["".join("aA"[(k >> bit) & 1] for bit in range(16)) for k in range(n)]
        data = author_data([Author(login=login) for login in logins], set(logins), personal_data=False)
        assert len({d["slug"] for d in data.values()}) == n

    grows_linearly(run, 1500)


@pytest.mark.parametrize("fmt", ["hugo", "jekyll"])
def test_an_author_named_like_a_windows_device_has_a_file_windows_can_hold(
    fmt: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Login con: content/author/con/ and author/con.html, names a checkout on Windows cannot make
    # (every other file wxrtool writes avoids them); the page stays at /author/con/.
    export = tmp_path / "con.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><wp:author><wp:author_id>1</wp:author_id>"
        "<wp:author_login>con</wp:author_login><wp:author_display_name>Con</wp:author_display_name></wp:author>"
        "<item><title>A</title><link>https://ex.test/a/</link><dc:creator>con</dc:creator><wp:post_id>1</wp:post_id>"
        "<wp:post_date>2024-01-01 10:00:00</wp:post_date><wp:post_name>a</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    wxrtool.convert(export, fmt, str(site), scaffold=True)
    names = {part.lower().split(".")[0] for path in site.rglob("*") for part in path.relative_to(site).parts}
    assert "con" not in names
    built = (
        hugo_build(request.getfixturevalue("hugo"), site)
        if fmt == "hugo"
        else jekyll_build(request.getfixturevalue("jekyll"), site)
    )
    assert (built / "author" / "con" / "index.html").is_file()
