"""``wxrtool check-urls``: every old address of an export asked of the built site.

The samples and every readable fixture are converted, built by the real Hugo, Jekyll and
Pelican, served on a loopback port with the redirect map wxrtool wrote, and every old
address of every published item must reach that item's page (``data-wordpress-id`` on the
scaffolds' articles). The old addresses themselves (:mod:`wxrtool.oldurls`) and the checker's
rules (redirects, HTML refreshes, loops, other hosts, ignored queries) are tested on their own.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import pty
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool import sitestore
from wxrtool.cli import main
from wxrtool.oldurls import ITEM_KINDS, OldAddress, canonical_address, old_addresses
from wxrtool.urlcheck import RedirectRules, StaticSite, check_all, summary

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

EVERY_EXPORT = [
    *(pytest.param(p, id=p.stem) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]


# -- The old addresses ----------------------------------------------------------------


def test_old_addresses_of_a_site() -> None:
    found = {(a.url, a.kind, a.item) for a in old_addresses(SAMPLES / "drafts-and-pages.xml")}
    assert found == {
        ("/2024/01/rye-sourdough/", "item", 101),
        ("/?p=101", "item-id", 101),
        ("/about/", "item", 2),
        ("/?page_id=2", "item-id", 2),
        ("/about/contact/", "item", 3),
        ("/?page_id=3", "item-id", 3),
        ("/recipe/knackebrod/", "item", 120),
        ("/?p=120", "item-id", 120),
        ("/2024/01/rye-sourdough/rye-loaf/", "attachment", 101),  # (an attachment's page: to its post)
        ("/?attachment_id=102", "attachment", 101),
        ("/feed/", "feed", None),
        ("/comments/feed/", "feed", None),
        ("/?s=wordpress", "search", None),
        ("/category/baking/bread/", "category", None),  # (a category's path has its parents')
        ("/category/baking/bread/feed/", "feed", None),
        ("/tag/rye/", "tag", None),
        ("/tag/rye/feed/", "feed", None),
        ("/author/anna/", "author", None),
        ("/2024/", "date", None),
        ("/2024/01/", "date", None),
        ("/2024/01/13/", "date", None),
    }  # (drafts, the private post, the menu item: no reader saw them)


def _paged(tmp_path: Path, *, taken: bool = False) -> tuple[Path, str]:
    """drafts-and-pages.xml with its first post in three pages; ``taken``: a later post's own
    address is the second page's. Returns the export and the first post's old address."""
    text = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    at = text.index("<content:encoded><![CDATA[") + len("<content:encoded><![CDATA[")
    text = text[:at] + "One<!--nextpage-->Two<!--nextpage-->Three" + text[at:]
    first = "/2024/01/rye-sourdough/"
    if taken:
        text = text.replace("</channel>", f"<item><title>Two</title><link>https://example.org{first}2/</link>"
                            "<wp:post_id>990</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                            "<wp:post_name>two</wp:post_name></item></channel>")  # fmt: skip
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    return source, first


def test_the_pages_of_a_paged_post_are_its_addresses(tmp_path: Path) -> None:
    """A post of several pages (<!--nextpage-->) answered at /slug/2/ and /slug/3/ on WordPress: no
    redirect led there, and check-urls never asked."""
    source, first = _paged(tmp_path)
    paged = [a for a in old_addresses(source) if a.kind == "item-page"]
    assert [(a.url, a.item) for a in paged] == [(first + "2/", 101), (first + "3/", 101)]
    redirects = tmp_path / "redirects.csv"
    wxrtool.convert(source, "markdown", str(tmp_path / "out"), redirects=("csv", str(redirects)))
    rows = redirects.read_text(encoding="utf-8")
    assert f"{first}2/," in rows and f"{first}3/," in rows
    # Another item whose own address is the second page's keeps it (the first claimed won).
    source, _ = _paged(tmp_path, taken=True)
    assert {(a.url, a.kind, a.item) for a in old_addresses(source) if a.url == f"{first}2/"} == {
        (f"{first}2/", "item", 990)
    }


def test_old_slugs_and_non_ascii_addresses() -> None:
    klout = [a for a in old_addresses(SAMPLES / "klout.xml") if a.kind == "old-slug"]
    assert [(a.url, a.item) for a in klout] == [("/deleting-klout/", 2033)]
    urls = [a.url for a in old_addresses(SAMPLES / "unicode.xml")]
    assert all(u.isascii() and " " not in u for u in urls)  # percent-encoded as browsers send them
    assert any("%E6%97%A5" in u for u in urls)


@pytest.mark.parametrize("export", [pytest.param(p, id=p.stem) for p in SAMPLE_FILES])
def test_old_addresses_the_same_kept_on_disk(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What is kept of each item and the addresses given, on disk from the first (an export
    of very many items): the same addresses, in the same order."""
    in_memory = list(old_addresses(export))
    monkeypatch.setattr(sitestore, "SPILL_AT", 1)
    assert list(old_addresses(export)) == in_memory


def test_hostile_slugs_stay_inside_one_encoded_path(tmp_path: Path) -> None:
    text = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    text = text.replace("<wp:category_nicename><![CDATA[bread]]>", '<wp:category_nicename><![CDATA[../x y\n"<b>]]>')
    text = text.replace('nicename="bread"', 'nicename="../x y&#10;&quot;&lt;b&gt;"')
    source = tmp_path / "x.xml"
    source.write_text(text, encoding="utf-8")
    urls = [a.url for a in old_addresses(source)]
    assert all(u.isascii() and not any(c in u for c in ' "<>\n') for u in urls), urls
    assert "/category/baking/..%2Fx%20y%0A%22%3Cb%3E/" in urls


# -- The checker ------------------------------------------------------------------------


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for path, text in {
        "a/index.html": '<article data-wordpress-id="1">A</article>',
        "b/index.html": '<article data-wordpress-id="2">B</article>',
        "alias/index.html": '<html><head><meta http-equiv="refresh" content="0; url=/a/"></head></html>',
        "about.html": '<article data-wordpress-id="1">A</article>',
        "quoted/index.html": """<meta content="0; url='/a/'" http-equiv="refresh">""",
        "empty/.keep": "",  # a folder without an index page: no page (no listing)
        "away/index.html": '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">',
        "index.html": "<p>home</p>",
        "posts/index.html": "<ul><li>a list of posts, no item's page</li></ul>",
    }.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    return site


def test_where_each_address_lands(tmp_path: Path) -> None:
    rules = tmp_path / "_redirects"
    rules.write_text(
        "/old/  /a/  301\n/  tag=caf%C3%A9  /a/  301\n/loop/  /loop2/  301\n/loop2/  /loop/  301\n/  p=2  /b/  301\n"
    )
    addresses = [
        OldAddress("/a/", "item", 1),
        OldAddress("/old/", "old-slug", 1),
        OldAddress("/?tag=caf%c3%a9", "tag"),  # (WordPress's links write %XX in lower case)
        OldAddress("/alias/", "item", 1),
        OldAddress("/b/", "item", 1),  # another item's page
        OldAddress("/?p=2", "item-id", 2),
        OldAddress("/?p=3", "item-id", 3),  # the home page: the query was ignored
        OldAddress("/loop/", "item", 1),
        OldAddress("/away/", "category"),
        OldAddress("/nowhere/", "tag"),
        OldAddress("/a", "item", 1),  # a folder without its slash
        OldAddress("/about", "item", 1),  # a Jekyll page at "/about": about.html
        OldAddress("/quoted/", "item", 1),  # a refresh with its address quoted, attributes reversed
        OldAddress("/empty/", "date"),
        OldAddress("/old/?utm_source=x", "category"),  # (the path's rule, whatever the query)
        OldAddress("/posts/", "item", 1),  # an engine's list where a page was: no item's mark on it
    ]
    with StaticSite(_site(tmp_path), RedirectRules.read(rules)) as site:
        results = check_all(addresses, site.url)
    assert [(r.outcome, r.final) for r in results] == [
        ("found", "/a/"),
        ("redirected", "/a/"),
        ("redirected", "/a/"),
        ("redirected", "/a/"),
        ("wrong page", "/b/"),
        ("redirected", "/b/"),
        ("wrong page", "/?p=3"),
        ("missing", "/loop/"),
        ("missing", "https://elsewhere.example/"),
        ("missing", "/nowhere/"),
        ("redirected", "/a/"),
        ("found", "/about"),
        ("redirected", "/a/"),
        ("missing", "/empty/"),
        ("redirected", "/a/"),
        ("wrong page", "/posts/"),
    ]
    assert summary(results) == {"found": 2, "redirected": 7, "wrong page": 3, "missing": 4}
    assert "no item's mark" in results[-1].reason


def test_a_site_that_marks_no_page_is_not_held_to_marks(tmp_path: Path) -> None:
    """A site of the user's own theme, without data-wordpress-id anywhere: any page may be the item's."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>A</p>", encoding="utf-8")
    with StaticSite(site) as served:
        results = check_all([OldAddress("/a/", "item", 1)], served.url)
    assert [(r.outcome, r.marked) for r in results] == [("found", False)]


def test_a_page_naming_an_id_of_thousands_of_digits(tmp_path: Path) -> None:
    """A post's own text can hold ``data-wordpress-id=`` and any digits after it: no item has an id
    of thousands of digits (int() refuses more than 4,300, which stopped the check): the page is
    item 1's, the one it names with an id."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    page = f'<article data-wordpress-id="1"><p>data-wordpress-id={"9" * 5000}</p></article>'
    (site / "a" / "index.html").write_text(page, encoding="utf-8")
    with StaticSite(site, None) as served:
        results = check_all([OldAddress("/a/", "item", 1), OldAddress("/a/", "item", 2)], served.url)
    assert [(r.outcome, r.reason) for r in results] == [("found", ""), ("wrong page", "a page of item 1")]


def test_the_command(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(SAMPLES / "klout.xml", "markdown", str(site))
    runner = CliRunner()
    result = runner.invoke(main, ["check-urls", str(SAMPLES / "klout.xml"), str(site), "--json", "--kinds", "items"])
    assert result.exit_code == 1  # Markdown files are not a site: every address is missing
    document = json.loads(result.stdout)
    assert document["summary"]["missing"] + document["summary"]["wrong page"] == 3
    assert {a["kind"] for a in document["addresses"]} == {"item", "item-id", "old-slug"}
    usage = runner.invoke(main, ["check-urls", str(SAMPLES / "klout.xml"), str(site), "--kinds", "pages"])
    assert usage.exit_code == 2 and "--kinds" in usage.stderr
    usage = runner.invoke(main, ["check-urls", str(SAMPLES / "klout.xml"), str(tmp_path / "none")])
    assert usage.exit_code == 2 and "no such folder" in usage.stderr


def test_a_bar_on_a_terminal(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(SAMPLES / "klout.xml", "markdown", str(site))
    command = [sys.executable, "-m", "wxrtool", "check-urls", str(SAMPLES / "klout.xml"), str(site)]
    for quiet in ([], ["-q"]):
        leader, follower = pty.openpty()
        try:
            done = subprocess.run([*command, *quiet], stderr=follower, stdout=subprocess.PIPE, timeout=60)
            os.close(follower)
            shown = b""
            with contextlib.suppress(OSError):  # (read to the end: EIO once the follower is closed)
                while chunk := os.read(leader, 65536):
                    shown += chunk
        finally:
            os.close(leader)
        assert done.returncode == 1
        if quiet:
            assert shown == b""
        else:
            assert b"[########################] 100% 24/24 addresses, 24 not found" in shown
            assert b"missing" in shown


# -- Built sites: every item's old addresses reach its page ----------------------------


def _items_reach_their_pages(export: Path, built: Path, redirects: Path) -> None:
    # Every old address: the items' at their pages, archives and feeds somewhere (wxrtool.archives);
    # and every link of the built site to a page of its own leads to one (links between items).
    addresses = list(old_addresses(export))
    hrefs = links_in(built)
    links = [OldAddress(url, "link") for url in sorted(h for h in hrefs if h.startswith("/") and h[1:2] != "/")]
    with StaticSite(built, RedirectRules.read(redirects)) as site:
        results = check_all(addresses + links, site.url)
    assert [(r.address.url, r.outcome, r.final, r.reason) for r in results if not r.ok] == []
    assert links_to_old_items(export, hrefs) == []


_HREF = re.compile(r"""<a\s[^<>]*?href=["']?([^"'\s>]+)""")


def links_in(built: Path) -> set[str]:
    """Every address the built site's pages link to, without its fragment."""
    found: set[str] = set()
    for page in (p for p in built.rglob("*.html") if p.is_file()):
        for href in _HREF.findall(page.read_text(encoding="utf-8", errors="replace")):
            found.add(html.unescape(href).partition("#")[0])
    return found


def links_to_old_items(export: Path, hrefs: Iterable[str]) -> list[str]:
    """The links that still name a published item of ``export`` at its old address (on its old
    host, or as a path from the root), as :mod:`wxrtool.oldurls` lists them."""
    site = next(r for r in wxrtool.read(export) if isinstance(r, wxrtool.Site))
    hosts = {urlsplit(u).hostname for u in (site.link, site.base_blog_url) if u}
    hosts |= {f"www.{h}" for h in hosts if h}
    old = {a.url for a in old_addresses(export) if a.kind in ITEM_KINDS}
    old_site = [h for h in hrefs if urlsplit(h).hostname in hosts and canonical_address(h) in old]
    return sorted([h for h in hrefs if "wxrtool.invalid" in h] + old_site)


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_the_hugo_site_answers_every_old_address(export: Path, hugo: str, tmp_path: Path) -> None:
    site, redirects = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, redirects=("csv", str(redirects)))
    subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
    _items_reach_their_pages(export, site / "public", redirects)


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_the_jekyll_site_answers_every_old_address(export: Path, jekyll: str, tmp_path: Path) -> None:
    site, redirects = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(export, "jekyll", str(site), scaffold=True, redirects=("csv", str(redirects)))
    subprocess.run(
        [jekyll, "build", "--source", str(site), "--destination", str(site / "_site")], check=True, capture_output=True
    )
    _items_reach_their_pages(export, site / "_site", redirects)


@pytest.mark.parametrize("export", [pytest.param(p, id=p.stem) for p in SAMPLE_FILES])
def test_the_pelican_site_answers_every_old_address(export: Path, pelican: str, tmp_path: Path) -> None:
    site, redirects = tmp_path / "site", tmp_path / "_redirects"
    wxrtool.convert(export, "pelican", str(site), scaffold=True, redirects=("netlify", str(redirects)))
    subprocess.run(
        [pelican, "content", "-s", "pelicanconf.py", "-o", "output"], cwd=site, check=True, capture_output=True
    )
    _items_reach_their_pages(export, site / "output", redirects)


@pytest.mark.parametrize("engine", ["hugo", "jekyll"])
@pytest.mark.parametrize("taken", [False, True], ids=["free", "taken"])
def test_a_paged_posts_pages_answer_without_server_redirects(
    engine: str, taken: bool, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A post split by <!--nextpage--> answered at /slug/2/ and /slug/3/; on a host without the
    server's redirects (GitHub Pages) only the engine's own (Hugo's aliases, Jekyll's redirect_from)
    lead there: they were 404. A later item whose own address is /slug/2/ keeps it."""
    binary = request.getfixturevalue(engine)
    source, first = _paged(tmp_path, taken=taken)
    site = tmp_path / "site"
    wxrtool.convert(source, engine, str(site), scaffold=True)
    built = site / "public" if engine == "hugo" else site / "_site"
    if engine == "hugo":
        subprocess.run([binary, "--quiet", "--source", str(site), "--destination", str(built)], check=True)
    else:
        command = [binary, "build", "--source", str(site), "--destination", str(built)]
        subprocess.run(command, check=True, capture_output=True)
    paged = [a for a in old_addresses(source) if a.kind in ("item-page", "item")]
    paged = [a for a in paged if a.url.startswith(first)]
    expected = [(first, 101), (first + "2/", 990 if taken else 101), (first + "3/", 101)]
    assert [(a.url, a.item) for a in paged] == expected
    with StaticSite(built) as served:  # (no redirect file: the engine's pages alone)
        results = check_all(paged, served.url)
    assert [(r.address.url, r.outcome, r.final, r.reason) for r in results if not r.ok] == []


def test_the_command_on_a_built_site(hugo: str, tmp_path: Path) -> None:
    site, redirects = tmp_path / "site", tmp_path / "_redirects"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "hugo", str(site), scaffold=True,
                    redirects=("netlify", str(redirects)))  # fmt: skip
    subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
    args = [sys.executable, "-m", "wxrtool", "check-urls", str(SAMPLES / "drafts-and-pages.xml"), str(site / "public")]
    done = subprocess.run([*args, "--redirects", str(redirects), "--kinds", "items"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "0 wrong page, 0 missing" in done.stderr
    without = subprocess.run([*args, "--kinds", "items"], capture_output=True, text=True)
    assert without.returncode == 1 and "wrong page: /?p=101" in without.stderr


@pytest.mark.parametrize("export", [pytest.param(p, id=p.stem) for p in SAMPLE_FILES])
def test_hugo_keeps_wordpress_urls_when_asked(export: Path, hugo: str, tmp_path: Path) -> None:
    site, redirects = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, keep_urls=True, redirects=("csv", str(redirects)))
    subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
    permalinks = [a for a in old_addresses(export) if a.kind == "item"]
    with StaticSite(site / "public", RedirectRules.read(redirects)) as served:
        results = check_all(permalinks, served.url)
    # Each page at its old address itself, not redirected there; but rules.xml's second post,
    # whose old address differs from the first's only in case: Hugo's own address, redirected.
    moved = [(r.address.url, r.outcome, r.final) for r in results if r.outcome != "found"]
    twin = [("/2024/03/same-name/", "redirected", "/posts/same-name-11/")]
    assert moved == (twin if export.stem == "rules" else [])
    assert all(r.ok for r in results)


def test_keep_urls_is_for_hugo(tmp_path: Path) -> None:
    with pytest.raises(wxrtool.errors.OptionsError, match="--keep-urls applies to --to hugo"):
        wxrtool.convert(SAMPLES / "klout.xml", "jekyll", str(tmp_path / "s"), keep_urls=True)


def test_a_server_that_is_not_running_is_one_error() -> None:
    """It was one 'missing ... no answer: Connection refused' line per address, then the counts."""
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["check-urls", str(SAMPLES / "klout.xml"), f"http://127.0.0.1:{port}/"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and f"nothing answers at http://127.0.0.1:{port}/" in result.stderr


@pytest.mark.parametrize(
    "make, said",
    [
        ({"site": None, "site.txt": "x"}, "site.txt: a file, not a folder"),
        ({"site/hugo.yaml": "title: x", "site/content/a.md": "x"}, "holds a Hugo site's sources, not the site: build"),
        ({"site/_config.yml": "title: x"}, "holds a Jekyll site's sources"),
        (
            {"site/index.html": "<p>x</p>", "r.conf": "map $args $q {\n  p=1 /a/;\n}\n"},
            "r.conf:1: not a redirect wxrtool reads: 'map $args $q {'",
        ),
        ({"site/index.html": "<p>x</p>", "r.conf": "Redirect 301 /old/ /new/\n"}, "r.conf:1: not a redirect"),
    ],
)
def test_a_site_or_redirects_it_cannot_use_are_refused_first(
    make: dict[str, str | None], said: str, tmp_path: Path
) -> None:
    """An nginx file as --redirects, a Hugo site's sources, made every address 'missing' and said no more;
    a file as SITE was 'no such folder'."""
    for name, text in make.items():
        if text is not None:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text, encoding="utf-8")
    site = tmp_path / ("site.txt" if "site.txt" in make else "site")
    extra = ["--redirects", str(tmp_path / "r.conf")] if "r.conf" in make else []
    result = CliRunner().invoke(main, ["check-urls", str(SAMPLES / "klout.xml"), str(site), *extra])
    assert result.exit_code in (1, 2) and said in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")  # (said once, no address asked)
    assert "  missing: " not in result.stderr and "wxrtool: " not in result.stderr


@pytest.mark.parametrize("engine", ["hugo", "jekyll", "pelican"])
def test_a_placed_media_files_old_address_leads_to_its_copy(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """--media copies each image into the new site: its old address (/wp-content/uploads/...), where
    another site or a feed reader still asks for it, was 404, and nothing said so. A file of another
    host is not the new site's to redirect."""
    from . import test_hugo, test_jekyll, test_pelican
    from .test_security_formats import media_export, page

    own, other = "https://x.example/wp-content/uploads/2024/01/loaf.jpg", "https://cdn.other.example/b.jpg"
    items = page(1, "bread", 0, f'<p>Bread</p><img src="{own}" alt="a loaf"><img src="{other}" alt="b">')
    source, media = media_export(tmp_path, {own: b"JPEG-LOAF", other: b"JPEG-B"}, items)
    site, redirects = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(source, engine, str(site), scaffold=True, media=str(media), redirects=("csv", str(redirects)))
    rows = redirects.read_text(encoding="utf-8")
    assert "/wp-content/uploads/2024/01/loaf.jpg," in rows and "b.jpg," not in rows
    builder = {"hugo": test_hugo.build, "jekyll": test_jekyll.build, "pelican": test_pelican.build}[engine]
    built = builder(request.getfixturevalue(engine), site)
    with StaticSite(built, RedirectRules.read(redirects)) as served:
        [result] = check_all([OldAddress("/wp-content/uploads/2024/01/loaf.jpg", "media")], served.url)
        assert result.outcome == "redirected", result
        with urllib.request.urlopen(served.url + result.final) as answer:
            assert answer.read() == b"JPEG-LOAF"
