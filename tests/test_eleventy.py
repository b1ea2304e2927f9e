"""Eleventy accepts what wxrtool writes: real Eleventy 3 builds, items at their old addresses, threads.

Eleventy comes from npm, installed once into a cache outside the repository
(``~/.cache/wxrtool-tests/eleventy``, or ``$WXRTOOL_TEST_CACHE/eleventy``); without npm or
the registry the tests that build are skipped, saying why. Every sample and readable
fixture is converted with ``--scaffold`` and built (two builds at a time), then every page
is read: each published item at its address with ``data-wordpress-id``, every comment under
its parent, and every old address of the export answering (:mod:`wxrtool.urlcheck`, with the
``--redirects csv`` file applied as a host applies it).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

import wxrtool
from wxrtool import archives
from wxrtool.index import SiteIndex
from wxrtool.oldurls import old_addresses
from wxrtool.records import Post
from wxrtool.writers import eleventy
from wxrtool.writers.fmchoice import FrontMatterChoice
from wxrtool.writers.paths import address_key, folder_address, site_path
from wxrtool.writers.protocol import WriteOptions

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, front, readable
from .test_check_urls import _items_reach_their_pages
from .test_security_engines import HOSTILE_TITLES, check_site, scripts_in
from .test_security_engines import export as engines_export

EVERY_EXPORT = [
    *(pytest.param(p, id=p.stem) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]
CACHE = Path(os.environ.get("WXRTOOL_TEST_CACHE") or Path.home() / ".cache" / "wxrtool-tests") / "eleventy"
HOSTILE = Path(__file__).parent / "hostile" / "writer-injection.xml"


# -- Eleventy, from npm, once ---------------------------------------------------------------


#: What the scaffold's site needs from npm (its package.json asks for the same).
PACKAGES = ("@11ty/eleventy@3", "markdown-it-footnote@4")


def install_eleventy(folder: Path = CACHE) -> Path:
    """Eleventy 3's command script in ``folder`` (``npm install`` there when it is missing);
    skip the test that needs it, saying why, when npm or the registry is not there."""
    script = folder / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
    package = script.parent / "package.json"
    # (the scaffold's Markdown footnotes: markdown-it's plugin, which its package.json asks for)
    footnotes = folder / "node_modules" / "markdown-it-footnote" / "package.json"
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: Eleventy cannot run (Debian: apt-get install nodejs npm)")
    installed = package.is_file() and json.loads(package.read_text(encoding="utf-8"))["version"].startswith("3.")
    if installed and footnotes.is_file():
        return script
    if shutil.which("npm") is None:
        pytest.skip("npm is not on PATH: Eleventy cannot be installed (Debian: apt-get install nodejs npm)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error", *PACKAGES],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not script.is_file() or not footnotes.is_file():
        said = [line for line in done.stderr.splitlines() if line.strip() and "complete log" not in line]
        reason = (said or ["no message"])[0]
        pytest.skip(f"npm install {' '.join(PACKAGES)} into {folder} failed (no registry here?): {reason}")
    return script


@pytest.fixture(scope="session")
def eleventy_cmd() -> Path:
    return install_eleventy()


def build(script: Path, site: Path) -> Path:
    """Build ``site`` with the cached Eleventy (its ``node_modules`` linked in); the built folder."""
    modules = site / "node_modules"
    if not modules.exists():
        modules.symlink_to(script.parents[2], target_is_directory=True)
    done = subprocess.run(
        ["node", str(script), "--quiet"], cwd=site, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "rror" not in output and "arning" not in output, output
    return site / "_site"


@pytest.fixture
def with_archives(monkeypatch: pytest.MonkeyPatch) -> None:
    """The archives' redirects for eleventy (until ``archives.TARGETS`` names the format itself)."""
    if "eleventy" not in archives.TARGETS:
        monkeypatch.setitem(archives.TARGETS, "eleventy", eleventy.archive_page)


# -- Every sample and fixture, built two at a time ------------------------------------------


class Sites:
    """Every export converted (one at a time: the pipeline is not made for threads) and built
    by Eleventy two at a time: asking for one starts the next few, which build while it is read."""

    AHEAD = 4

    def __init__(self, script: Path, root: Path, exports: list[Path]) -> None:
        self.script = script
        self.root = root
        self.exports = exports
        self.pool = ThreadPoolExecutor(2)
        self.builds: dict[Path, Future[Path]] = {}

    def _start(self, export: Path) -> None:
        site = self.root / f"{export.parent.name}-{export.stem}"
        with pytest.MonkeyPatch.context() as patch:
            if "eleventy" not in archives.TARGETS:  # (see with_archives)
                patch.setitem(archives.TARGETS, "eleventy", eleventy.archive_page)
            wxrtool.convert(export, "eleventy", str(site), scaffold=True, redirects=("csv", f"{site}.csv"))
        self.builds[export] = self.pool.submit(build, self.script, site)

    def built(self, export: Path) -> tuple[Path, Path, Path]:
        """The site's folder, its built folder and its redirects."""
        at = self.exports.index(export)
        for ahead in self.exports[at : at + self.AHEAD]:
            if ahead not in self.builds:
                self._start(ahead)
        built = self.builds[export].result()
        return built.parent, built, built.parent.with_name(built.parent.name + ".csv")


@pytest.fixture(scope="session")
def sites(eleventy_cmd: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    every = [*SAMPLE_FILES, *(p for p in FIXTURE_FILES if readable(p))]
    found = Sites(eleventy_cmd, tmp_path_factory.mktemp("eleventy-sites"), every)
    yield found
    found.pool.shutdown(cancel_futures=True)


def expected_threads(post: Post) -> list[tuple[str, int, str | None]]:
    """``(key, depth, parent's key)`` of every comment of ``post`` in display order."""
    rows: list[tuple[str, int, str | None]] = []
    stack = [(t, None) for t in reversed(wxrtool.build_threads(post.comments))]
    while stack:
        node, parent = stack.pop()
        rows.append((node.key, node.depth, parent))
        stack.extend((reply, node.key) for reply in reversed(node.replies))
    return rows


def shown_threads(document: Any) -> list[tuple[str, int, str | None]]:
    """What a built page shows of the same: each comment's anchor, depth and the item it is nested in."""
    rows = []
    for li in document.xpath('//li[@class="comment"]'):
        above = li.getparent().getparent()
        parent = above.get("id").removeprefix("comment-") if above.tag == "li" else None
        rows.append((li.get("id").removeprefix("comment-"), int(li.get("data-depth")), parent))
    return rows


def page_of(built: Path, permalink: str) -> Path:
    return built / (permalink.lstrip("/") + ("index.html" if permalink.endswith("/") else ""))


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_every_item_at_its_address_with_its_thread(export: Path, sites: Sites) -> None:
    site, built, redirects = sites.built(export)
    # The export as the format keeps it: published items of content types, approved comments.
    kept = [
        r
        for r in wxrtool.Selector(wxrtool.Selection(exclude_types=eleventy_skips())).apply(wxrtool.read(export))
        if isinstance(r, Post)
    ]
    sources = [front(p) for p in (site / "content").rglob("*.md")]
    pages = [data for data in sources if data["permalink"] is not False]
    assert sorted(data["wordpress"]["id"] for data in pages) == sorted(r.id for r in kept)
    taken = {address_key(data["permalink"]): n for n, data in enumerate(pages)}
    for n, data in enumerate(pages):
        # (Two items may share an id in a botched export: told apart by their slugs, else either.)
        ids = [r for r in kept if r.id == data["wordpress"]["id"]]
        candidates = [r for r in ids if r.slug == data["wordpress"]["slug"]] or ids
        page = page_of(built, data["permalink"])
        document = lxml.html.parse(str(page)).getroot()
        assert [a.get("data-wordpress-id") for a in document.xpath("//article")] == [str(ids[0].id)], page
        # (The layout's heading first: a post may have its own below.)
        assert document.xpath("//article/h1")[0].text_content() == str(data["title"]), page
        # (the featured image, as WordPress's themes show it: the scaffold showed none)
        featured = document.xpath('//img[@class="featured"]/@src')
        assert featured == ([data["image"]] if data.get("image") else []) or featured[0].endswith(str(data["image"]))
        # At its old address, unless that has no path (/?p=12) or is another item's.
        old = {folder_address(site_path(r.link)) for r in candidates}  # (/a is the folder's page /a/)
        if old - {""} and data["permalink"] not in {eleventy.eleventy_permalink(o) for o in old}:
            assert all(taken.get(address_key(eleventy.eleventy_permalink(o))) not in (None, n) for o in old), page
        shown = shown_threads(document)
        assert any(shown == expected_threads(r) for r in candidates), page
        assert len(document.xpath('//li[starts-with(@class, "ping ")]')) in {len(r.pings) for r in candidates}
    _items_reach_their_pages(export, built, redirects)


def eleventy_skips() -> frozenset[str]:
    return wxrtool.writers.FORMATS["eleventy"].skip_types


# -- What is written ---------------------------------------------------------------------


def test_front_matter_places_items_and_turns_templates_off(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "eleventy", str(site), wxrtool.Selection.everything())
    post = front(site / "content" / "posts" / "rye-sourdough.md")
    assert post["permalink"] == "/2024/01/rye-sourdough/" and post["dynamicPermalink"] is False
    assert post["templateEngineOverride"] == "md" and post["tags"] == ["post"]
    assert post["categories"] == ["Bread"] and post["category_paths"] == ["baking/bread"]
    assert post["post_tags"] == ["rye"] and post["post_tag_slugs"] == ["rye"]
    assert post["comments_key"] == "101" and post["wordpress"]["id"] == 101
    assert list(post)[:4] == ["title", "date", "updated", "permalink"]
    draft = front(site / "content" / "posts" / "110.md")
    assert draft["draft"] is True and draft["permalink"] is False and draft["eleventyExcludeFromCollections"] is True
    assert front(site / "content" / "recipe" / "knackebrod.md")["tags"] == ["wp-recipe"]
    assert front(site / "content" / "pages" / "about" / "contact.md")["permalink"] == "/about/contact/"
    assert (site / ".eleventyignore").read_text(encoding="utf-8") == "assets/media/\n_wxrtool-migration/\n"
    assert not (site / "eleventy.config.js").exists()  # (only with --scaffold)


def test_comments_are_the_thread_tree_as_data(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "eleventy", str(site))
    data = json.loads((site / "_data" / "comments" / "101.json").read_text(encoding="utf-8"))
    assert data["post_id"] == 101 and data["pings"] == []
    first = data["comments"][0]
    assert (first["id"], [r["id"] for r in first["replies"]]) == (512, [510])
    assert "<p>" in first["html"] and "author_email" not in first


def test_an_address_two_items_want_goes_to_the_first(tmp_path: Path) -> None:
    # rules.xml: /2024/03/Same-Name/ and /2024/03/same-name/ are one address to a server.
    site, redirects = tmp_path / "s", tmp_path / "r.csv"
    wxrtool.convert(SAMPLES / "rules.xml", "eleventy", str(site), redirects=("csv", str(redirects)))
    permalinks = {front(p)["wordpress"]["id"]: front(p)["permalink"] for p in (site / "content").rglob("*.md")}
    assert permalinks[10] == "/2024/03/Same-Name/" and permalinks[11] == "/2024/03/02/same-name/"
    rows = set(map(tuple, csv.reader(redirects.read_text(encoding="utf-8").splitlines()[1:])))
    assert ("/2024/03/same-name/", "/2024/03/02/same-name/") in rows


def test_items_sharing_an_id_keep_their_own_comments(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(Path(__file__).parent / "data" / "duplicate-ids.xml", "eleventy", str(site))
    keys = sorted(front(p).get("comments_key") for p in (site / "content").rglob("*.md"))
    assert keys == ["10", "10-2"]
    assert sorted(p.name for p in (site / "_data" / "comments").iterdir()) == ["10-2.json", "10.json"]


def test_no_file_is_another_pages_folder() -> None:
    site = eleventy._Site()
    assert site.take("/a") and not site.take("/a.html/b/")  # a.html is a file already
    assert site.take("/c/d/") and not site.take("/C/D") and site.take("/c.html")  # (c.html beside c/)
    assert site.take("/e.html/f/") and not site.take("/e.html")  # e.html is a folder already
    assert not site.take("/x/" + "y" * 251 + "/")  # a name no file system keeps (with .html: 255 bytes)
    assert not site.take("/category/x/") and not site.take("/assets/media/1/")
    assert not site.take("/web.config") and not site.take("/.htaccess") and not site.take("/_redirects")


def item(n: int, link: str, slug: str, post_type: str = "page", parent: int = 0) -> str:
    """One published item of a hand-made export."""
    return (
        f"<item><title>Item {n}</title><link>{link}</link><wp:post_id>{n}</wp:post_id>"
        "<wp:post_date>2024-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent>"
        f"<wp:post_type>{post_type}</wp:post_type></item>"
    )


def export_of(path: Path, items: list[str]) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>t</title><link>https://example.com</link><wp:wxr_version>1.2</wp:wxr_version>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_an_address_without_its_slash_is_a_folders_page(tmp_path: Path) -> None:
    # /top as top.html beside the folder top/ of /top/kid: nginx and Apache answer /top with the
    # folder (403), and /archives/12 (WordPress's numeric permalinks) not at all (404).
    export = export_of(
        tmp_path / "x.xml",
        [
            item(1, "https://example.com/top", "top"),
            item(2, "https://example.com/top/kid", "kid", parent=1),
            item(3, "https://example.com/archives/3", "three", "post"),
            item(4, "https://example.com/old.html", "old"),
        ],
    )
    redirects = tmp_path / "r.csv"
    wxrtool.convert(export, "eleventy", str(tmp_path / "site"), redirects=("csv", str(redirects)))
    permalinks = {front(p)["wordpress"]["id"]: front(p)["permalink"] for p in (tmp_path / "site").rglob("*.md")}
    assert permalinks == {1: "/top/", 2: "/top/kid/", 3: "/archives/3/", 4: "/old.html"}
    rows = redirects.read_text(encoding="utf-8").splitlines()
    assert (
        "/top,/top/" in rows and "/archives/3,/archives/3/" in rows and not any(r.startswith("/old.html") for r in rows)
    )


def test_every_item_gets_an_address_eleventy_can_write(eleventy_cmd: Path, tmp_path: Path) -> None:
    long = "a" * 200
    deep = [
        item(100 + n, f"https://example.com/?page_id={100 + n}", long, parent=99 + n if n else 0) for n in range(25)
    ]
    export = export_of(
        tmp_path / "x.xml",
        [
            item(1, "https://example.com/?p=1", "x", "assets"),  # /assets/x/ is the media's
            item(2, "https://example.com/?page_id=2", "category"),
            item(3, f"https://example.com/{long}/", long),
            item(4, f"https://example.com/{long}/", long),  # the same again: a suffix, still a name
            item(5, "https://example.com/" + "b" * 300 + "/", "b"),  # too long a name for a disk
            *deep,  # a path too long to be one
        ],
    )
    site = tmp_path / "site"
    wxrtool.convert(export, "eleventy", str(site), scaffold=True)
    permalinks = {front(p)["wordpress"]["id"]: front(p)["permalink"] for p in (site / "content").rglob("*.md")}
    assert permalinks[1] == "/wp-1/" and permalinks[2] == "/wp-2/"  # (/category/ holds the term pages)
    assert permalinks[3] == f"/{long}/" and permalinks[4] == f"/{long}-4/" and permalinks[5] == "/b/"
    assert len(set(permalinks.values())) == len(permalinks)
    built = build(eleventy_cmd, site)
    for number, permalink in permalinks.items():
        page = lxml.html.parse(str(page_of(built, permalink))).getroot()
        assert page.xpath("//article/@data-wordpress-id") == [str(number)]


def test_the_placement_cannot_be_renamed_away() -> None:
    post = next(r for r in wxrtool.read(SAMPLES / "klout.xml") if isinstance(r, Post))
    options = WriteOptions(index=SiteIndex(), front_matter=FrontMatterChoice.parse("title:permalink,date:pagination"))
    data = eleventy.eleventy_metadata(post, options)
    shaped = eleventy.placed(data, post, options, {"permalink": "/mine/", "tags": ["post"]})
    assert shaped == {"permalink": "/mine/", "tags": ["post"]}


def test_old_archives_lead_to_the_scaffolds_pages(with_archives: None, tmp_path: Path) -> None:
    redirects = tmp_path / "r.csv"
    wxrtool.convert(SAMPLES / "unicode.xml", "eleventy", str(tmp_path / "s"), redirects=("csv", str(redirects)))
    rows = dict(csv.reader(redirects.read_text(encoding="utf-8").splitlines()[1:]))
    pages = {eleventy.archive_page(a) for a in old_addresses(SAMPLES / "unicode.xml") if a.about}
    assert all(page and page.startswith("/") and ".." not in page for page in pages)
    assert rows["/feed/"] == "/" and not any(
        old.startswith(("/category/", "/tag/")) for old in rows if "feed" not in old
    )


def test_hostile_links_stay_inside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "s"
    wxrtool.convert(HOSTILE, "eleventy", str(site), wxrtool.Selection.everything())
    for source in (site / "content").rglob("*.md"):
        assert source.resolve().is_relative_to(site.resolve())
        permalink = front(source)["permalink"]
        if permalink is not False:
            assert permalink.startswith("/") and not permalink.startswith("//") and ".." not in permalink.split("/")
    permalinks = {front(p)["wordpress"]["id"]: front(p)["permalink"] for p in (site / "content").rglob("*.md")}
    assert permalinks[5] == "/evil.example/x/" and permalinks[3] == "/output-evil/"


# -- Built by Eleventy ----------------------------------------------------------------------

TEMPLATES = "{{ 6 * 7 }} {% if true %}yes{% endif %} {{ range.constructor('return 6*7')() }}"


def hostile_export(path: Path) -> Path:
    """An export that attacks the YAML, the templates and the pages of an Eleventy site."""

    def cdata(text: str) -> str:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    title = f"Title: x\n---\nlayout: evil\npermalink: /../../x/ '\" <b>{TEMPLATES}"
    tag = '"><script>x</script>\n- {{ 6 * 7 }}'
    comment = 'Hi {{ 6 * 7 }} <a href="javascript:x">l</a>'
    body = f"<p>Body {TEMPLATES} <code>{{% raw %}}</code></p>"
    comments = (
        "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>"
        f"{cdata('Eve <script>x</script> {{ 6 * 7 }}')}</wp:comment_author>"
        "<wp:comment_author_url>javascript:alert(1)</wp:comment_author_url>"
        "<wp:comment_date>2024-01-02 10:00:00</wp:comment_date><wp:comment_date_gmt>2024-01-02 10:00:00"
        f"</wp:comment_date_gmt><wp:comment_content>{cdata(comment)}"
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{cdata('Site {{ 6 * 7 }} </title><script>x</script>')}</title><link>https://example.com</link>"
        "<wp:wxr_version>1.2</wp:wxr_version>"
        f"<item><title>{cdata(title)}</title><link>https://example.com/../../%7B%7B%20x%20%7D%7D/</link>"
        f"<content:encoded>{cdata(body)}</content:encoded><wp:post_id>1</wp:post_id>"
        "<wp:post_date>2024-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt>"
        "<wp:post_name>../../slug</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="post_tag" nicename="../../t">{cdata(tag)}</category>'
        '<category domain="category" nicename="c"><![CDATA[Cat: [x] {% if %}]]></category>'
        f"{comments}</item>"
        f"<item><title>Second</title><link>https://example.com/?p=2</link><wp:post_id>2</wp:post_id>"
        "<wp:post_date>2024-01-03 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-03 10:00:00</wp:post_date_gmt>"
        "<wp:post_name>../../slug</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_template_syntax_in_a_post_shows_as_written(eleventy_cmd: Path, tmp_path: Path) -> None:
    export = (
        (SAMPLES / "wxr-1.0.xml")
        .read_text(encoding="utf-8")
        .replace("Low tide at four,", "Low tide at {{ site.title }} {% if true %}four{% endif %},")
    )
    (tmp_path / "x.xml").write_text(export, encoding="utf-8")
    wxrtool.convert(tmp_path / "x.xml", "eleventy", str(tmp_path / "s"), scaffold=True)
    page = build(eleventy_cmd, tmp_path / "s") / "2010" / "01" / "curlews-on-the-mudflats" / "index.html"
    assert "{{ site.title }} {% if true %}four{% endif %}" in page.read_text(encoding="utf-8")


def test_a_hostile_export_builds_a_site_that_shows_it_as_text(eleventy_cmd: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    export = hostile_export(tmp_path / "x.xml")
    wxrtool.convert(export, "eleventy", str(site), scaffold=True)
    # What a migration leaves in the folder is never read as a template.
    (site / "_wxrtool-migration").mkdir()
    (site / "_wxrtool-migration" / "report.html").write_text(TEMPLATES, encoding="utf-8")
    built = build(eleventy_cmd, site)
    pages = sorted(built.rglob("*.html"))
    assert not (built / "_wxrtool-migration").exists() and not (tmp_path / "x").exists()
    assert [finding for page in pages for finding in scripts_in(page)] == []
    data = front(site / "content" / "posts" / "slug.md")
    assert data["permalink"] == "/{{ x }}/"  # (a name like any other: not a template)
    post = lxml.html.parse(str(built / "{{ x }}" / "index.html")).getroot()
    assert post.xpath("//article/h1")[0].text_content() == " ".join(data["title"].split())
    text = post.text_content()
    assert TEMPLATES in text and "{% raw %}" in text and "42" not in text.replace(TEMPLATES, "")
    assert [a.get("href") for a in post.xpath('//p[@class="comment-meta"]//a')] == ["#comment-7"]
    second = front(site / "content" / "posts" / "slug-2.md")["permalink"]
    assert second == "/2024/01/03/slug/"
    # The term pages: at paths made of the slugs' letters, named as written.
    tag = built / "tag" / "t" / "index.html"
    assert '"><script>x</script>' in lxml.html.parse(str(tag)).getroot().findtext(".//h1")
    assert (built / "category" / "c" / "index.html").is_file()


def test_media_are_copied_never_run(eleventy_cmd: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    export = (SAMPLES / "wxr-1.0.xml").read_text(encoding="utf-8")
    image = "https://example.com/wp-content/uploads/tide.png"
    export = export.replace("Low tide at four,", f'<img src="{image}"> Low tide at four,')
    (tmp_path / "x.xml").write_text(export, encoding="utf-8")
    (media / "example.com" / "wp-content" / "uploads").mkdir(parents=True)
    (media / "example.com" / "wp-content" / "uploads" / "tide.png").write_bytes(b"\x89PNG\r\n")
    site = tmp_path / "site"
    account = wxrtool.convert(tmp_path / "x.xml", "eleventy", str(site), scaffold=True, media=str(media))
    assert account.media_copied == 1
    placed = next((site / "assets" / "media").rglob("tide.png"))
    # A file Eleventy would run as a template or a data file, if it read the media folder.
    (placed.parent / "evil.11ty.js").write_text("throw new Error('ran')\n", encoding="utf-8")
    (placed.parent / "evil.11tydata.js").write_text("throw new Error('ran')\n", encoding="utf-8")
    built = build(eleventy_cmd, site)
    copied = built / placed.relative_to(site)
    assert copied.read_bytes() == b"\x89PNG\r\n" and (copied.parent / "evil.11ty.js").is_file()
    pages = [p.read_text(encoding="utf-8") for p in built.rglob("index.html")]
    assert any(f'src="/{copied.relative_to(built).as_posix()}"' in page for page in pages)


def test_a_site_in_a_folder_links_under_it(eleventy_cmd: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "eleventy", str(site), scaffold=True,
                    base_url="https://example.org/blog")  # fmt: skip
    assert json.loads((site / "_data" / "site.json").read_text(encoding="utf-8"))["pathPrefix"] == "/blog/"
    home = (build(eleventy_cmd, site) / "index.html").read_text(encoding="utf-8")
    assert 'href="/blog/2024/01/rye-sourdough/"' in home


def test_yaml_front_matter_reads_the_same_in_eleventy(eleventy_cmd: Path, tmp_path: Path) -> None:
    # Every title of the hostile corpus, through js-yaml, shows as PyYAML reads it.
    site = tmp_path / "site"
    wxrtool.convert(HOSTILE, "eleventy", str(site), scaffold=True)
    built = build(eleventy_cmd, site)
    for source in (site / "content").rglob("*.md"):
        data = yaml.safe_load(source.read_text(encoding="utf-8").split("---\n")[1])
        if data["permalink"] is False:
            continue
        page = lxml.html.parse(str(page_of(built, data["permalink"]))).getroot()
        assert page.xpath("//article/h1")[0].text_content() == data["title"], source
    assert not (site / "output-evil").exists() and (built / "evil.example" / "x" / "index.html").is_file()


def test_the_engines_hostile_export_runs_no_script(eleventy_cmd: Path, tmp_path: Path) -> None:
    # tests/test_security_engines.py's export (titles, comments and content that attack
    # Markdown engines and themes), built by Eleventy and read as a browser would.
    site = tmp_path / "site"
    wxrtool.convert(engines_export(tmp_path / "x.xml"), "eleventy", str(site), scaffold=True)
    check_site(build(eleventy_cmd, site), len(HOSTILE_TITLES))
