"""Comment threads follow their posts to the new site: ``--base-url``, ``--url-map``, ``--redirects disqus``.

Every sample and fixture with comments is converted to Hugo with ``--redirects csv``, built
by the real Hugo, and converted again to Disqus and remark42 with that map: each thread must
be at the new absolute address of its own item's page (``data-wordpress-id``), the real isso
must file it under that page's path, and a thread the map does not have keeps its old link
and is counted. Hostile base URLs, site ids and maps are refused before anything is written.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.convert import ConvertOptions
from wxrtool.errors import OptionsError
from wxrtool.newsite import UrlMap, UrlMapError, check_base_url, read_url_map, url_map_key
from wxrtool.redirects import render_checked
from wxrtool.threads import build_threads, walk

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, readable

BASE = "https://new.example/blog"
DSQ = "{http://www.disqus.com/}"
WP = "{http://wordpress.org/export/1.0/}"  # (the namespace of Disqus's dialect)
NOTE = "thread-not-in-url-map"


def threaded(path: Path) -> list[wxrtool.Post]:
    """The posts a comment format writes a thread for, in the order it writes them."""
    return [r for r in wxrtool.Selector().apply(wxrtool.read(path)) if isinstance(r, wxrtool.Post) and r.comments]


EXPORTS = [
    pytest.param(p, id=p.stem)
    for p in [*SAMPLE_FILES, *(f for f in FIXTURE_FILES if readable(f))]
    if threaded(p)  # (a tenth of a second for every file: only those with a thread)
]


def pages_by_id(public: Path) -> dict[int, set[str]]:
    """Item id -> the paths of the built pages showing it (the scaffolds' ``data-wordpress-id``)."""
    found: dict[int, set[str]] = {}
    for page in public.rglob("index.html"):
        folder = page.parent.relative_to(public).as_posix()
        for item in re.findall(r'<article data-wordpress-id="(\d+)"', page.read_text(encoding="utf-8")):
            found.setdefault(int(item), set()).add("/" if folder == "." else f"/{folder}/")
    return found


def disqus_links(folder: Path) -> list[tuple[str, str]]:
    items = [i for f in sorted(folder.glob("disqus-*.xml")) for i in ET.parse(f).getroot().iter("item")]
    return [(i.findtext("link") or "", i.findtext(f"{DSQ}thread_identifier") or "") for i in items]


@pytest.fixture
def hugo_site(hugo: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, Path, dict[int, set[str]]]:
    """The export converted to a built Hugo site: (export, its URL map, item id -> built pages)."""
    export: Path = request.param
    site, url_map = tmp_path / "site", tmp_path / "map.csv"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, redirects=("csv", str(url_map)))
    subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
    return export, url_map, pages_by_id(site / "public")


@pytest.mark.parametrize("hugo_site", EXPORTS, indirect=True)
def test_every_thread_is_at_its_items_new_page(
    hugo_site: tuple[Path, Path, dict[int, set[str]]], tmp_path: Path
) -> None:
    export, url_map, built = hugo_site
    posts = threaded(export)
    account = wxrtool.convert(export, "disqus", str(tmp_path / "d"), url_map=str(url_map), base_url=BASE)
    links = disqus_links(tmp_path / "d")
    assert len(links) == len(posts)
    unmapped = 0
    for (link, identifier), post in zip(links, posts, strict=True):
        if post.id in built:
            # Its new address under the base URL, which is the page Hugo built for it.
            assert link.startswith(BASE + "/") and unquote(link[len(BASE) :]) in built[post.id], (post.id, link)
            assert identifier == link
        else:
            unmapped += 1  # (not a page of the new site: an attachment, say)
            assert link.partition("?p=")[0].partition("&p=")[0] == post.link.partition("#")[0]
            assert identifier == f"{post.id} {post.guid}".strip()
    assert account.content[NOTE] == unmapped
    assert account.balanced()

    backup = tmp_path / "backup.jsonl"
    account = wxrtool.convert(export, "remark42", str(backup), url_map=str(url_map), base_url=BASE)
    lines = [json.loads(line) for line in backup.read_text(encoding="utf-8").splitlines()[1:]]
    expected = []
    for post, (link, _) in zip(posts, links, strict=True):
        url = link if post.id in built else post.link
        expected += [url] * sum(1 for _ in walk(build_threads(post.comments)))
    assert [c["locator"]["url"] for c in lines] == expected
    assert {c["locator"]["site"] for c in lines} == {"remark"}
    assert account.content[NOTE] == unmapped


def test_isso_files_each_thread_under_its_new_path(isso: str, tmp_path: Path) -> None:
    url_map = tmp_path / "map.csv"
    wxrtool.convert(SAMPLES / "klout.xml", "hugo", str(tmp_path / "site"), redirects=("csv", str(url_map)))
    wxrtool.convert(SAMPLES / "klout.xml", "disqus", str(tmp_path / "d"), url_map=str(url_map), base_url=BASE)
    database, config = tmp_path / "comments.db", tmp_path / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {database}\nhost = http://localhost/\n")
    proc = subprocess.run([isso, "-c", str(config), "import", str(tmp_path / "d" / "disqus-001.xml")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    connection = sqlite3.connect(database)
    # isso's client asks for the page's path (window.location.pathname): the base URL's folder and the new path.
    assert connection.execute("SELECT uri FROM threads").fetchall() == [
        ("/blog/posts/why-i-deleted-my-klout-profile/",)
    ]
    assert connection.execute("SELECT count(*) FROM comments").fetchone() == (36,)


def test_an_undated_comment_does_not_stop_issos_import(isso: str, tmp_path: Path) -> None:
    # A comment the export dates 0000-00-00: isso stopped at it (ValueError), storing none of the
    # file's comments. It is dated as its post, and the account says so.
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    first = re.search(r"<wp:comment_date>(<!\[CDATA\[)?([^<\]]*)", text)
    first_gmt = re.search(r"<wp:comment_date_gmt>(<!\[CDATA\[)?([^<\]]*)", text)
    assert first is not None and first_gmt is not None
    text = text.replace(first.group(2), "0000-00-00 00:00:00", 1).replace(first_gmt.group(2), "0000-00-00 00:00:00", 1)
    export = tmp_path / "undated.xml"
    export.write_text(text, encoding="utf-8")
    account = wxrtool.convert(export, "disqus", str(tmp_path / "d"))
    database, config = tmp_path / "comments.db", tmp_path / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {database}\nhost = http://localhost/\n")
    proc = subprocess.run([isso, "-c", str(config), "import", str(tmp_path / "d" / "disqus-001.xml")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sqlite3.connect(database).execute("SELECT count(*) FROM comments").fetchone() == (36,)
    assert account.content["comment-undated-dated-as-its-post"] == 1


# -- A map's rows: by id first, pages, a permalink two items share, a thread left out ---------


def _variants(tmp_path: Path) -> Path:
    """klout.xml with its post copied as a page (about-klout) and as a post sharing its permalink."""
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    head, rest = text.split("\t<item>", 1)
    item = "\t<item>" + rest.split("\t<item>", 1)[0]
    assert item.count("<wp:post_id>2033</wp:post_id>") == 1 and item.count("<![CDATA[post]]>") == 1
    page = (
        item.replace("<wp:post_id>2033</wp:post_id>", "<wp:post_id>9001</wp:post_id>")
        .replace("<![CDATA[post]]>", "<![CDATA[page]]>")
        .replace("http://jeffturner.info/why-i-deleted-my-klout-profile/<", "http://jeffturner.info/about-klout/<")
        .replace("<![CDATA[why-i-deleted-my-klout-profile]]>", "<![CDATA[about-klout]]>")
    )
    twin = item.replace("<wp:post_id>2033</wp:post_id>", "<wp:post_id>9002</wp:post_id>").replace(
        "<![CDATA[why-i-deleted-my-klout-profile]]>", "<![CDATA[why-i-deleted-it-again]]>"
    )
    source = tmp_path / "variants.xml"
    source.write_text(head + item + page + twin + "\t<item>" + rest.split("\t<item>", 1)[1], encoding="utf-8")
    return source


def test_map_rows_by_id_pages_and_shared_permalinks(tmp_path: Path) -> None:
    source, url_map = _variants(tmp_path), tmp_path / "map.csv"
    wxrtool.convert(source, "hugo", str(tmp_path / "site"), redirects=("csv", str(url_map)))
    rows = dict(csv.reader(url_map.read_text(encoding="utf-8").splitlines()[1:]))
    new = {2033: rows["/?p=2033"], 9001: rows["/?page_id=9001"], 9002: rows["/?p=9002"]}
    assert len(set(new.values())) == 3  # (the twin is elsewhere though its permalink is the same)
    account = wxrtool.convert(source, "disqus", str(tmp_path / "d"), url_map=str(url_map), base_url=BASE)
    assert [link for link, _ in disqus_links(tmp_path / "d")] == [BASE + new[i] for i in (2033, 9001, 9002)]
    assert account.content[NOTE] == 0

    # Without the page's rows, its thread keeps its old link, and is counted.
    kept = [line for line in url_map.read_text(encoding="utf-8").splitlines() if "about-klout" not in line]
    url_map.write_text("\n".join(kept) + "\n", encoding="utf-8")
    account = wxrtool.convert(source, "remark42", str(tmp_path / "r.jsonl"), url_map=str(url_map), base_url=BASE)
    urls = [json.loads(line)["locator"]["url"] for line in (tmp_path / "r.jsonl").read_text().splitlines()[1:]]
    assert sorted(set(urls)) == sorted({BASE + new[2033], "http://jeffturner.info/about-klout/", BASE + new[9002]})
    assert account.content[NOTE] == 1
    assert "content: thread-not-in-url-map 1" in account.summary()


def test_an_attachments_thread_does_not_join_its_parents() -> None:
    # Its old page redirects to its parent's: a map row for it is not a page of its own.
    posts = {p.type: p for p in wxrtool.read(SAMPLES / "klout.xml") if isinstance(p, wxrtool.Post)}
    rows = {url_map_key(p.link) or "": "/posts/why-i-deleted-my-klout-profile/" for p in posts.values()}
    urls = UrlMap(BASE, rows, {})
    assert urls.new_link(posts["post"]) == BASE + "/posts/why-i-deleted-my-klout-profile/"
    assert urls.new_link(posts["attachment"]) is None
    assert UrlMap(BASE, rows, {2034: "/media/score/"}).new_link(posts["attachment"]) == BASE + "/media/score/"


def test_without_a_map_threads_are_as_before(tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "klout.xml", "disqus", str(tmp_path / "d"), base_url=BASE)
    assert disqus_links(tmp_path / "d") == [
        ("http://jeffturner.info/why-i-deleted-my-klout-profile/", "2033 http://jeffturner.info/?p=2033")
    ]
    account = wxrtool.convert(SAMPLES / "klout.xml", "remark42", str(tmp_path / "r.jsonl"))
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    old = {"site": "remark", "url": "http://jeffturner.info/why-i-deleted-my-klout-profile/"}
    assert len(lines) == 36 and all(json.loads(line)["locator"] == old for line in lines)
    assert NOTE not in account.content


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "first line is not 'old,new'"),
        ("old;new\n/a/;/b/\n", 1, "first line is not 'old,new'"),
        ("old,new\n/a/,/b/,/c/\n", 2, "3 values, not 2"),
        ("old,new\n/a/,/b/\n/c/\n", 3, "1 values, not 2"),
        ("old,new\n/a/,//evil.example/\n", 2, "new address is not a local path"),
        ("old,new\n/a/,javascript:alert(1)\n", 2, "new address is not a local path"),
        ("old,new\n/a/,/b/%2e%2e/\n", 2, "new address is not a local path"),
        ("old,new\n/a/,/b/\x00\n", 2, "new address is not a local path"),
        ("old,new\nhttp://x.org/a/,/b/\n", 2, "old address is not a path"),
        ('old,new\n"/a/\n', 2, "not a URL map"),
    ],
)
def test_a_map_that_is_not_one_is_refused_with_its_line(text: str, line: int, message: str, tmp_path: Path) -> None:
    url_map = tmp_path / "map.csv"
    url_map.write_text(text, encoding="utf-8")
    with pytest.raises(UrlMapError) as raised:
        read_url_map(str(url_map), BASE)
    assert (raised.value.line, message in raised.value.message) == (line, True), raised.value
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "klout.xml"), "--to", "disqus", "-o",
                                       str(tmp_path / "d"), "--url-map", str(url_map), "--base-url", BASE])  # fmt: skip
    assert result.exit_code == 1 and f"map.csv:{line}: " in result.stderr
    assert not (tmp_path / "d").exists()


def test_a_map_from_a_spreadsheet_reads(tmp_path: Path) -> None:
    # A byte order mark, CRLF lines, an old address with lowercase escapes, blank lines.
    text = "\ufeffold,new\r\n/caf%c3%a9/,/posts/cafe/\r\n\r\n/blog/?p=7,/posts/seven/\r\n"
    path = tmp_path / "map.csv"
    path.write_bytes(text.encode("utf-8"))
    read = read_url_map(str(path), BASE)
    assert read.paths == {"/caf%C3%A9/": "/posts/cafe/", "/blog/?p=7": "/posts/seven/"}
    assert read.ids == {7: "/posts/seven/"}


# -- --base-url and --remark42-site -----------------------------------------------------------

HOSTILE_BASE_URLS = [
    'https://new.example/"><script>alert(1)</script>',
    "https://new.example/it's",
    "https://new.example/a b",
    " https://new.example",
    "javascript:alert(1)",
    "JavaScript://new.example/%0aalert(1)",
    "data:text/html,<b>x</b>",
    "https://new.example/\nX-Injected: 1",
    "https://new.example/\r\n",
    "https://new.example/\u2028",
    "https://new.example/%0a",
    "https://new.example/%00",
    "//new.example/",
    "/blog/",
    "new.example",
    "ftp://new.example/",
    "https://user:secret@new.example/",
    "https://new.example/?utm=1",
    "https://new.example/#top",
    "https://new.example/a/../b/",
    "https://new.example//b/",
    "https://new.example/a;b=$(id)",
    "https://new.example/{{ .Site }}",
    "https://new.example:0/",
    "https://new.example:99999/",
    "https://-new.example/",
    "https://new.example\\@evil.example/",
    "https://ñew.example/",
]


@pytest.mark.parametrize("url", HOSTILE_BASE_URLS)
def test_hostile_base_urls_are_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(OptionsError):
        check_base_url(url)
    with pytest.raises(OptionsError):
        ConvertOptions("hugo", str(tmp_path / "site"), base_url=url).format()
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "klout.xml"), "--to", "hugo", "-o",
                                       str(tmp_path / "site"), "--scaffold", "--base-url", url])  # fmt: skip
    assert result.exit_code == 2, result.output
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: --base-url ") and "\r" not in error and "\u2028" not in error
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://new.example", "https://new.example"),
        ("HTTPS://New.Example/", "https://new.example"),
        ("https://new.example/blog/", "https://new.example/blog"),
        ("http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080/a/b"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://xn--ew-ola.example/~me/caf%C3%A9", "https://xn--ew-ola.example/~me/caf%C3%A9"),
    ],
)
def test_base_urls_are_written_one_way(url: str, canonical: str) -> None:
    assert check_base_url(url) == canonical


@pytest.mark.parametrize(
    "name", ["", "../remark", "a/b", "a b", "a,b", "-remark", ".remark", "re\nmark", "ré", "x" * 65]
)
def test_hostile_remark42_sites_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(OptionsError):
        ConvertOptions("remark42", str(tmp_path / "r.jsonl"), remark42_site=name).format()
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "klout.xml"), "--to", "remark42", "-o",
                                       str(tmp_path / "r.jsonl"), "--remark42-site", name])  # fmt: skip
    assert result.exit_code == 2 and "--remark42-site" in result.stderr
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize("name", ["remark", "my-blog", "blog.example.org", "site_2", "x" * 64])
def test_remark42_site(name: str, tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "klout.xml", "remark42", str(tmp_path / "r.jsonl"), remark42_site=name)
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == 36 and {json.loads(line)["locator"]["site"] for line in lines} == {name}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "disqus", "-o", "d", "--url-map", "m.csv"], "--url-map needs --base-url"),
        (["--to", "json", "--url-map", "m.csv", "--base-url", BASE], "--url-map applies to the comment formats"),
        (["--to", "hugo", "-o", "s", "--url-map", "m.csv", "--base-url", BASE], "--url-map applies"),
        (["--to", "disqus", "-o", "d", "--remark42-site", "blog"], "--remark42-site applies to --to remark42"),
        (["--to", "hugo", "-o", "s", "--redirects", "disqus", "m.csv"], "--redirects disqus writes absolute"),
        (["--to", "disqus", "-o", "d", "--redirects", "disqus", "m.csv", "--base-url", BASE], "--redirects needs"),
    ],
)
def test_options_that_do_not_go_together(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "klout.xml"), *args])
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_a_url_map_is_one_sites(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "klout.xml"), str(SAMPLES / "rules.xml"), "--to",
                                       "disqus", "-o", str(tmp_path), "--url-map", "m.csv", "--base-url", BASE])  # fmt: skip
    assert result.exit_code == 2 and "--url-map" in result.stderr


# -- --redirects disqus: the CSV of Disqus's URL mapper -----------------------------------------


@pytest.mark.parametrize("export", [pytest.param(p, id=p.stem) for p in SAMPLE_FILES])
@pytest.mark.parametrize("to", ["hugo", "jekyll", "pelican"])
def test_the_disqus_url_map_is_well_formed(export: Path, to: str, tmp_path: Path) -> None:
    disqus, plain = tmp_path / "disqus.csv", tmp_path / "map.csv"
    account = wxrtool.convert(export, to, str(tmp_path / "a"), redirects=("disqus", str(disqus)), base_url=BASE + "/")
    wxrtool.convert(export, to, str(tmp_path / "b"), redirects=("csv", str(plain)))
    assert account.redirects_refused == []
    text = disqus.read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert text.endswith("\n") and text.count("\n") == len(rows) and rows  # (no header: every line is a mapping)
    new_by_path = dict(csv.reader(plain.read_text(encoding="utf-8").splitlines()[1:]))
    published = {p.link: p for p in wxrtool.Selector().apply(wxrtool.read(export)) if isinstance(p, wxrtool.Post)}
    for old, new in rows:
        assert old.isprintable() and new.isprintable() and " " not in old + new
        assert old in published, old  # the permalink as WordPress gave it to Disqus
        assert urlsplit(old).scheme in ("http", "https") and urlsplit(old).hostname
        assert new.startswith(BASE + "/")
        assert new[len(BASE) :] == new_by_path.get(
            f"/?p={published[old].id}", new_by_path.get(f"/?page_id={published[old].id}")
        )
    assert len({old for old, _ in rows}) == len(rows)


def test_the_disqus_url_map_with_hostile_links() -> None:
    urls = {
        1: ("http://old.example/a/", "/posts/a/"),
        2: ('=HYPERLINK("http://evil.example")', "/posts/b/"),
        3: ("http://old.example/c,d/", "/posts/c/"),
        4: ("http://old.example/e\n/", "/posts/e/"),
        5: ("http://old.example/f/", "//evil.example/"),
        6: ("javascript:alert(1)//", "/posts/g/"),
        7: ("http://old.example/a/#comments", "/posts/h/"),
        8: ("http://old.example/caf\u00e9/", "/posts/caf\u00e9/"),
        9: ("http://old.example/\u0085/", "/posts/i/"),
        10: ("", "/posts/j/"),
        11: ("http://old.example/same/", "/same/"),
    }
    done = render_checked("disqus", urls, base_url="http://old.example")
    assert list(csv.reader(done.text.splitlines())) == [
        ["http://old.example/a/", "http://old.example/posts/a/"],
        ["http://old.example/caf%C3%A9/", "http://old.example/posts/caf%C3%A9/"],
    ]
    assert sorted((r.old, r.reason) for r in done.refused) == sorted(
        [
            ('=HYPERLINK("http://evil.example")', "old address is not an absolute http(s) URL"),
            ("http://old.example/c,d/", "old address is not an absolute http(s) URL"),
            ("http://old.example/e\n/", "old address is not an absolute http(s) URL"),
            ("http://old.example/f/", "new address is not a local path"),
            ("javascript:alert(1)//", "old address is not an absolute http(s) URL"),
            ("http://old.example/a/#comments", "old address is the same to disqus as another"),
            ("http://old.example/\u0085/", "old address is not an absolute http(s) URL"),
        ]
    )
    with pytest.raises(ValueError, match="base URL"):
        render_checked("disqus", urls)


# -- The engines' configuration with --base-url -----------------------------------------------


def test_scaffolds_take_the_base_url(tmp_path: Path) -> None:
    for to in ("hugo", "jekyll", "pelican"):
        wxrtool.convert(SAMPLES / "klout.xml", to, str(tmp_path / to), scaffold=True, base_url=BASE + "/")
        wxrtool.convert(SAMPLES / "klout.xml", to, str(tmp_path / f"{to}-plain"), scaffold=True)
    assert yaml.safe_load((tmp_path / "hugo" / "hugo.yaml").read_text())["baseURL"] == BASE + "/"
    assert yaml.safe_load((tmp_path / "hugo-plain" / "hugo.yaml").read_text())["baseURL"] == "/"
    jekyll = yaml.safe_load((tmp_path / "jekyll" / "_config.yml").read_text())
    assert (jekyll["url"], jekyll["baseurl"]) == ("https://new.example", "/blog")
    assert not {"url", "baseurl"} & set(yaml.safe_load((tmp_path / "jekyll-plain" / "_config.yml").read_text()))
    publish = (tmp_path / "pelican" / "publishconf.py").read_text()
    assert f"SITEURL = {BASE!r}\n" in publish and "RELATIVE_URLS = False" in publish
    assert not (tmp_path / "pelican-plain" / "publishconf.py").exists()
    assert (tmp_path / "pelican" / "pelicanconf.py").read_text() == (
        tmp_path / "pelican-plain" / "pelicanconf.py"
    ).read_text()
    wxrtool.convert(
        SAMPLES / "klout.xml", "jekyll", str(tmp_path / "root"), scaffold=True, base_url="https://new.example"
    )
    assert "baseurl" not in yaml.safe_load((tmp_path / "root" / "_config.yml").read_text())


def test_hugo_builds_at_the_base_url(hugo: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(SAMPLES / "klout.xml", "hugo", str(site), scaffold=True, base_url=BASE)
    subprocess.run([hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")], check=True)
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert 'href="/blog/posts/why-i-deleted-my-klout-profile/"' in home
    assert f"<loc>{BASE}/posts/why-i-deleted-my-klout-profile/</loc>" in (site / "public" / "sitemap.xml").read_text()


def test_pelican_publishes_at_the_base_url(pelican: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(SAMPLES / "klout.xml", "pelican", str(site), scaffold=True, base_url=BASE)
    # From another folder: publishconf.py finds pelicanconf.py beside itself.
    subprocess.run([pelican, str(site / "content"), "-s", str(site / "publishconf.py"), "-o", str(site / "output")],
                   cwd=tmp_path, check=True, capture_output=True)  # fmt: skip
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert f'href="{BASE}/why-i-deleted-my-klout-profile/"' in home


def test_jekyll_builds_at_the_base_url(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(SAMPLES / "klout.xml", "jekyll", str(site), scaffold=True, base_url=BASE)
    subprocess.run([jekyll, "build", "--source", str(site), "--destination", str(site / "_site")],
                   check=True, capture_output=True)  # fmt: skip
    home = (site / "_site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/blog/why-i-deleted-my-klout-profile/"' in home


def _deep_export(path: Path, depth: int) -> Path:
    """One post with a chain of ``depth`` + 1 comments, each replying to the one before."""
    comments = "".join(
        f"<wp:comment><wp:comment_id>{1000 + n}</wp:comment_id><wp:comment_author>c{n}</wp:comment_author>"
        f"<wp:comment_date>2024-01-01 10:{n // 60:02d}:{n % 60:02d}</wp:comment_date>"
        f"<wp:comment_date_gmt>2024-01-01 10:{n // 60:02d}:{n % 60:02d}</wp:comment_date_gmt>"
        f"<wp:comment_content>reply {n}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{999 + n if n else 0}</wp:comment_parent><wp:comment_user_id>7</wp:comment_user_id>"
        "</wp:comment>"
        for n in range(depth + 1)
    )
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>Deep</title><link>https://ex.test/deep/</link><wp:post_id>1</wp:post_id>"
        "<wp:post_date>2024-01-01 09:00:00</wp:post_date><wp:post_name>deep</wp:post_name>"
        f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comments}</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_replies_too_deep_hang_under_their_nearest_ancestor_in_disqus_and_remark42(tmp_path: Path) -> None:
    # threads.py: a reply deeper than MAX_DEPTH hangs at that depth under its nearest ancestor,
    # as in every other output; Disqus's and remark42's files put it at the top level.
    export = _deep_export(tmp_path / "deep.xml", wxrtool.threads.MAX_DEPTH + 5)
    wxrtool.convert(export, "disqus", str(tmp_path / "d"))
    parents = {
        int(c.findtext(WP + "comment_id") or 0): int(c.findtext(WP + "comment_parent") or 0)
        for c in ET.parse(tmp_path / "d" / "disqus-001.xml").iter(WP + "comment")
    }
    deepest = 1000 + wxrtool.threads.MAX_DEPTH
    assert [n for n, parent in parents.items() if parent == 0] == [1000]
    assert {parents[deepest + k] for k in range(1, 6)} == {deepest - 1}  # (their nearest ancestor above)
    wxrtool.convert(export, "remark42", str(tmp_path / "r.jsonl"))
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    comments = [line for line in lines if "pid" in line]
    assert [c["id"] for c in comments if c["pid"] == ""] == ["wordpress-1000"]
    # A registered user's comment (comment_user_id) is no administrator's: any subscriber has one.
    assert not any(c["user"]["admin"] for c in comments)
