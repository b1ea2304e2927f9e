"""Jekyll accepts what wxrtool writes: real `jekyll build`, pages at the old permalinks, threads."""

from __future__ import annotations

import csv
import html
import re
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import lxml.etree
import lxml.html
import pytest
import yaml

import wxrtool
from wxrtool.index import SiteIndex

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, front, readable


def build(jekyll: str, site: Path) -> Path:
    proc = subprocess.run(
        [jekyll, "build", "--strict_front_matter", "--source", str(site), "--destination", str(site / "_site")],
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output
    return site / "_site"


def built_page(built: Path, site: Path, source: Path, data: dict) -> Path:  # type: ignore[type-arg]
    """The built page of ``source``: at its permalink, or where Jekyll puts one without (a lost address)."""
    if "permalink" in data:
        return built / unquote(data["permalink"]).strip("/") / "index.html"
    relative = source.relative_to(site)
    if relative.parts[0] == "_posts":
        yyyy, mm, dd, slug = relative.stem.split("-", 3)
        categories = dict.fromkeys(c.lower() for c in data.get("categories", []))
        return built.joinpath(*categories, yyyy, mm, dd, f"{slug}.html")
    return built / relative.with_suffix(".html")


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_build_at_old_permalinks_with_threads(jekyll: str, sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(sample, "jekyll", str(site), scaffold=True)
    built = build(jekyll, site)
    posts = {p.id: p for p in wxrtool.Selector().apply(wxrtool.read(sample)) if isinstance(p, wxrtool.Post)}
    sources = [p for p in site.rglob("*.md") if "_drafts" not in p.parts]
    assert sources
    for source in sources:
        data = front(source)
        post = posts[data["wordpress"]["id"]]
        page = built_page(built, site, source, data)
        assert page.is_file(), page
        document = lxml.html.parse(str(page)).getroot()
        assert document.findtext(".//h1") == post.title
        # (the featured image, as WordPress's themes show it: the scaffold showed none)
        assert document.xpath('//img[@class="featured"]/@src') == ([data["image"]] if "image" in data else [])
        for old in data.get("redirect_from", []):
            assert (built / old.strip("/") / "index.html").is_file()
        expected = [
            (n.comment.id, n.depth, path[-1] if path else None)
            for n, path in wxrtool.walk(wxrtool.build_threads(post.comments))
        ]
        shown = []
        for li in document.xpath('//li[@class="comment"]'):
            parent = li.getparent().getparent()
            parent_id = int(parent.get("id").split("-")[1]) if parent.tag == "li" else None
            shown.append((int(li.get("id").split("-")[1]), int(li.get("data-depth")), parent_id))
        assert shown == expected
        assert len(document.xpath('//li[starts-with(@class, "ping ")]')) == len(post.pings)
        # Names as the blog showed them: "Estuary Watch &raquo; ..." showed its entity ("&amp;raquo;").
        assert [a.text_content() for a in document.xpath('//li[starts-with(@class, "ping ")]/a')] == [
            html.unescape(p.author) for p in post.pings
        ]
        names = [li.find("p").text_content().split(" · ")[0] for li in document.xpath('//li[@class="comment"]')]
        threads = wxrtool.walk(wxrtool.build_threads(post.comments))
        assert names == [html.unescape(n.comment.author) for n, _ in threads]


def test_liquid_in_a_post_shows_as_written(jekyll: str, tmp_path: Path) -> None:
    export = (
        (SAMPLES / "wxr-1.0.xml")
        .read_text(encoding="utf-8")
        .replace("Low tide at four,", "Low tide at {{ site.title }} {% if true %}four{% endif %},")
    )
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "jekyll", str(tmp_path / "s"), scaffold=True)
    page = build(jekyll, tmp_path / "s") / "2010" / "01" / "curlews-on-the-mudflats" / "index.html"
    assert "{{ site.title }} {% if true %}four{% endif %}" in page.read_text(encoding="utf-8")


def test_files_and_staticman_data(tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "jekyll", str(tmp_path / "s"), wxrtool.Selection.everything())
    root = tmp_path / "s"
    assert (root / "_posts" / "2024-01-13-rye-sourdough.md").is_file()
    assert (root / "_drafts" / "110.md").is_file()
    assert (root / "about" / "contact.md").is_file() and (root / "_recipe" / "knackebrod.md").is_file()
    comments = sorted((root / "_data" / "comments" / "101").glob("*.yml"))
    entries = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in comments]
    assert {e["_id"] for e in entries} == {"510", "512", "513", "514", "515", "516", "520", "521", "522"}
    by_id = {e["_id"]: e for e in entries}
    assert by_id["510"]["_parent"] == "512" and by_id["512"]["_parent"] == ""
    assert set(by_id["510"]) >= {"_id", "_parent", "name", "url", "message", "date"}


def test_a_published_post_without_a_date_is_built(jekyll: str, tmp_path: Path) -> None:
    # WordPress shows it (the importer dates it when it is imported); Jekyll builds nothing in _drafts.
    export = (SAMPLES / "wxr-1.0.xml").read_text(encoding="utf-8")
    for dated in ("<pubDate>Sat, 09 Jan 2010 15:20:00 +0000</pubDate>", "<wp:post_date>2010-01-09 15:20:00</wp:post_date>",
                  "<wp:post_date_gmt>2010-01-09 15:20:00</wp:post_date_gmt>"):  # fmt: skip
        assert dated in export
        export = export.replace(dated, "")
    source = tmp_path / "export.xml"
    source.write_text(export, encoding="utf-8")
    wxrtool.convert(source, "jekyll", str(tmp_path / "s"), scaffold=True)
    posts = sorted((tmp_path / "s" / "_posts").glob("*.md"))
    undated = [p for p in posts if front(p)["wordpress"].get("date_missing")]
    assert [p.name for p in undated] == ["2010-03-14-curlews-on-the-mudflats.md"]  # the export's date
    assert not (tmp_path / "s" / "_drafts").exists()
    page = build(jekyll, tmp_path / "s") / "2010" / "01" / "curlews-on-the-mudflats" / "index.html"
    assert "Low tide at four," in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", fixture_cases(p for p in FIXTURE_FILES if readable(p)))
def test_fixtures_build(jekyll: str, path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "jekyll", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True)
    assert account.balanced()
    build(jekyll, tmp_path / "s")


HOSTILE = Path(__file__).parent / "hostile" / "writer-injection.xml"


def test_hostile_post_types_change_no_layout_and_run_no_liquid(jekyll: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(HOSTILE, "jekyll", str(site), wxrtool.Selection.everything(), scaffold=True)
    clean = tmp_path / "clean"
    wxrtool.convert(SAMPLES / "wxr-1.0.xml", "jekyll", str(clean), scaffold=True)
    for folder in ("_layouts", "_includes", "_plugins", "_sass", "_data", "_posts", "_drafts"):
        mine = (
            sorted(p.relative_to(site).as_posix() for p in (site / folder).rglob("*"))
            if (site / folder).exists()
            else []
        )
        if folder in ("_layouts", "_includes"):
            assert mine == sorted(p.relative_to(clean).as_posix() for p in (clean / folder).rglob("*"))
        elif folder == "_posts":
            assert all(front(site / p)["wordpress"]["type"] == "post" for p in mine)
        else:
            assert mine == []
    built = build(jekyll, site)
    items = {p.id: p for p in wxrtool.read(HOSTILE) if isinstance(p, wxrtool.Post) and p.type != "attachment"}
    shown = 0
    for source in site.rglob("*.md"):
        data = front(source)
        permalink = data["permalink"]
        assert permalink.startswith("/") and not permalink.startswith("//") and ".." not in permalink
        page = built / unquote(permalink).strip("/") / "index.html"
        document = lxml.html.parse(str(page)).getroot()
        post = items[data["wordpress"]["id"]]
        # The scaffold's layout, not one an item put in _layouts: the title in <h1> in <article>.
        assert [h.text_content() for h in document.xpath("//article/h1")] == [post.title], page
        text = document.text_content()
        if "LIQUID" in text:
            assert "{{ 6 | times: 7 }} {% assign leaked = 1 %}{{ leaked }}" in text and "42" not in text
        shown += 1
    assert shown == len(items)
    assert (built / "evil.example" / "x" / "index.html").is_file()
    assert (built / "p" / ":title" / "index.html").is_file()  # ":title" is not a Jekyll placeholder here


def test_old_links_become_local_permalinks_and_redirects(tmp_path: Path) -> None:
    redirects = tmp_path / "redirects.csv"
    wxrtool.convert(
        HOSTILE, "jekyll", str(tmp_path / "s"), wxrtool.Selection.everything(), redirects=("csv", str(redirects))
    )
    permalinks = {front(p)["wordpress"]["id"]: front(p)["permalink"] for p in (tmp_path / "s").rglob("*.md")}
    assert permalinks[5] == "/evil.example/x/" and permalinks[6] == "/evil.example/y/"
    assert permalinks[3] == "/output-evil/" and permalinks[4] == "/output-evil-2/"
    rows = list(csv.reader(redirects.read_text(encoding="utf-8").splitlines()))[1:]
    assert rows and all(new.startswith("/") and not new.startswith("//") and "\\" not in new for _old, new in rows)


def _renamed_and_reused(renamed_first: bool) -> str:
    """Post 11 renamed from foo to bar (its old slug foo), post 12 slugged foo since."""

    def item(post_id: int, slug: str, old_slug: str = "") -> str:
        meta = f"<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key><wp:meta_value>{old_slug}</wp:meta_value></wp:postmeta>"
        return (
            f"<item><title>{slug}</title><link>https://ex.test/2024/03/{slug}/</link>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>2024-03-0{post_id - 9} 10:00:00</wp:post_date>"
            f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f"{meta if old_slug else ''}</item>"
        )

    items = [item(11, "bar", "foo"), item(12, "foo")]
    return (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + "".join(items if renamed_first else items[::-1])
        + "</channel></rss>"
    )


@pytest.mark.parametrize("renamed_first", [True, False])
def test_an_old_slug_another_post_has_now_is_that_posts_address(renamed_first: bool, tmp_path: Path) -> None:
    # WordPress shows post 12 at /2024/03/foo/ and uses the old slug only where nothing is: it
    # was post 11's redirect_from when post 11 came first, and post 12 was moved to a dated address.
    export = tmp_path / "export.xml"
    export.write_text(_renamed_and_reused(renamed_first), encoding="utf-8")
    wxrtool.convert(export, "jekyll", str(tmp_path / "s"))
    pages = {front(p)["wordpress"]["id"]: front(p) for p in (tmp_path / "s").rglob("*.md")}
    assert pages[12]["permalink"] == "/2024/03/foo/" and "redirect_from" not in pages[12]
    assert pages[11]["permalink"] == "/2024/03/bar/" and "redirect_from" not in pages[11]
    index = SiteIndex.build(wxrtool.read(export))
    assert index.addresses["/2024/03/foo/"] == 12  # (the links between items follow it too)
    # Read in ranges by several processes, the indexes of the two halves merged: the same.
    records = list(wxrtool.read(export))
    first, later = SiteIndex.build(records[:-1]), SiteIndex.build(records[-1:])
    first.merge(later)
    assert first.addresses["/2024/03/foo/"] == 12


def test_an_address_without_its_slash_is_a_folders_page(jekyll: str, tmp_path: Path) -> None:
    # permalink: /top made _site/top.html beside the folder top/ of /top/kid: nginx and Apache
    # answer /top with the folder (403) and /archives/3 (WordPress's numeric permalinks) with 404.
    def item(n: int, link: str, slug: str, kind: str = "page", parent: int = 0) -> str:
        return (
            f"<item><title>Item {n}</title><link>https://ex.test{link}</link><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date>2024-01-0{n} 10:00:00</wp:post_date><wp:post_name>{slug}</wp:post_name>"
            f"<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent>"
            f"<wp:post_type>{kind}</wp:post_type></item>"
        )

    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + item(1, "/top", "top")
        + item(2, "/top/kid", "kid", parent=1)
        + item(3, "/archives/3", "three", "post")
        + "</channel></rss>",
        encoding="utf-8",
    )
    site = tmp_path / "s"
    redirects = tmp_path / "r.csv"
    wxrtool.convert(export, "jekyll", str(site), scaffold=True, redirects=("csv", str(redirects)))
    built = build(jekyll, site)
    for address in ("top", "top/kid", "archives/3"):
        assert (built / address / "index.html").is_file(), address
        assert not (built / f"{address}.html").exists(), address
    rows = redirects.read_text(encoding="utf-8").splitlines()
    assert "/top,/top/" in rows and "/archives/3,/archives/3/" in rows


def shown_comments(page: Path) -> list[tuple[str, str]]:
    """``(anchor id, text)`` of each comment and ping on a built page, in order."""
    document = lxml.html.parse(str(page)).getroot()
    return [
        (li.get("id"), " ".join(li.text_content().split()))
        for li in document.xpath('//li[@class="comment" or starts-with(@class, "ping ")]')
    ]


def test_comments_sharing_an_id_are_two_files_and_both_shown(jekyll: str, tmp_path: Path) -> None:
    # rules.xml, item 10: two comments numbered 700 (a botched merge), and a reply to the first.
    site = tmp_path / "s"
    wxrtool.convert(SAMPLES / "rules.xml", "jekyll", str(site), scaffold=True)
    files = sorted(p.name for p in (site / "_data" / "comments" / "10").glob("*.yml"))
    assert files == [
        "comment-20240301010000-0000000700.yml",
        "comment-20240301020000-0000000700-2.yml",
        "comment-20240301030000-0000000701.yml",
    ]
    shown = shown_comments(build(jekyll, site) / "2024" / "03" / "Same-Name" / "index.html")
    assert [anchor for anchor, _ in shown] == ["comment-700", "comment-701", "comment-700-2"]
    assert "The first comment numbered 700." in shown[0][1] and "reuses id 700" in shown[2][1]


def test_items_sharing_an_id_keep_their_own_comments(jekyll: str, tmp_path: Path) -> None:
    # Two items numbered 10, each with a comment 700 written at the same second, and two pings
    # sharing an id and a time: one data file each (they replaced one another), each shown once.
    site = tmp_path / "s"
    account = wxrtool.convert(Path(__file__).parent / "data" / "duplicate-ids.xml", "jekyll", str(site), scaffold=True)
    assert account.written["comments"] == 2 and account.written["pings"] == 2
    data = site / "_data"
    assert len(list(data.rglob("comment-*.yml"))) == 2 and len(list(data.rglob("ping-*.yml"))) == 2
    built = build(jekyll, site)
    first = shown_comments(built / "2024" / "01" / "first" / "index.html")
    second = shown_comments(built / "2024" / "01" / "second" / "index.html")
    assert [text.endswith("On the first copy.") for anchor, text in first if anchor == "comment-700"] == [True]
    assert [text.endswith("On the second copy.") for _, text in second] == [True]
    # (Same time, same id: in no order, as in WordPress, which sorts by both.)
    assert sorted(anchor for anchor, _ in first if anchor.startswith("comment-800")) == ["comment-800", "comment-800-2"]


def test_text_ruby_reads_otherwise_stays_text(jekyll: str, tmp_path: Path) -> None:
    """Jekyll reads YAML with Ruby's Psych, not as PyYAML writes it: a title or comment ':3' was a
    Symbol (the page lost its front matter, or the site did not build), '10,000' a number, 'yEs' true,
    '0:30' 1800; a custom field ending in a blank line ended the front matter early ('...')."""
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    text = text.replace("<title><![CDATA[Why I Deleted My Klout Profile]]>", "<title><![CDATA[:3 kittens]]>")
    text = text.replace("<![CDATA[social media]]></category>", "<![CDATA[10,000]]></category>")
    comment = text.index("<wp:comment_content><![CDATA[") + len("<wp:comment_content><![CDATA[")
    end = text.index("]]></wp:comment_content>", comment)
    text = text[:comment] + ":/" + text[end:]
    meta = "<wp:postmeta><wp:meta_key>note</wp:meta_key><wp:meta_value><![CDATA[Line one\n\n]]></wp:meta_value></wp:postmeta>"
    text = text.replace("</wp:post_type>", "</wp:post_type>" + meta, 1)
    text = text.replace("<title>My Thoughts Exactly</title>", "<title>yEs</title>")
    # (a date with a sign: a time to Psych; a field of one line break: '|2+' then '...')
    meta = "<wp:postmeta><wp:meta_key>when</wp:meta_key><wp:meta_value><![CDATA[-2024-01-01 10:00:00]]></wp:meta_value></wp:postmeta>"
    meta += "<wp:postmeta><wp:meta_key>nl</wp:meta_key><wp:meta_value><![CDATA[\n]]></wp:meta_value></wp:postmeta>"
    text = text.replace("</wp:post_type>", "</wp:post_type>" + meta, 1)
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "jekyll", str(site), scaffold=True, meta_keys=("*",))
    built = build(jekyll, site)  # (the build fails on a Symbol)
    page = built / "why-i-deleted-my-klout-profile" / "index.html"
    document = lxml.html.parse(str(page)).getroot()
    assert document.findtext(".//h1") == ":3 kittens"
    article = document.find(".//article")
    assert "<hr" not in lxml.html.tostring(article if article is not None else document, encoding="unicode")[:300]
    bodies = [div.text_content().strip() for div in document.xpath('//div[@class="comment-body"]')]
    assert ":/" in bodies
    config = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    assert config["title"] == "yEs"
    tags = (built / "tags" / "index.html") if (built / "tags").exists() else None
    front_matter = front(next((site / "_posts").glob("*.md")))
    assert "10,000" in front_matter["tags"] and front_matter["meta"]["note"] == "Line one\n\n"
    assert front_matter["meta"]["when"] == "-2024-01-01 10:00:00" and front_matter["meta"]["nl"] == "\n"
    head = next((site / "_posts").glob("*.md")).read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert "\n...\n" not in head and "when: '-2024-01-01 10:00:00'" in head
    assert tags is None or "10000" not in tags.read_text(encoding="utf-8")


def test_dates_show_in_the_sites_time_zone(jekyll: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scaffold named no time zone: Jekyll showed dates in the building machine's (UTC on most
    hosts), a post of 22:41 at -06:00 a day later than WordPress did."""
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    text = text.replace("<![CDATA[2011-11-16 08:41:12]]>", "<![CDATA[2011-11-16 22:41:12]]>", 1)
    text = text.replace("<![CDATA[2011-11-16 14:41:12]]>", "<![CDATA[2011-11-17 04:41:12]]>", 1)
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "jekyll", str(site), scaffold=True)
    assert yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))["timezone"] == "Etc/GMT+6"
    monkeypatch.setenv("TZ", "UTC")  # (a host in UTC, as most are)
    built = build(jekyll, site)
    page = lxml.html.parse(str(built / "why-i-deleted-my-klout-profile" / "index.html")).getroot()
    assert page.find_class("byline")[0].text_content().endswith("2011-11-16")
    # --timezone: the dates shown in the zone the front matter writes them in (it was ignored).
    from wxrtool.writers.fmchoice import FrontMatterChoice

    chosen = FrontMatterChoice.parse(timezone="Asia/Tokyo")
    wxrtool.convert(source, "jekyll", str(tmp_path / "tokyo"), scaffold=True, front_matter=chosen)
    assert yaml.safe_load((tmp_path / "tokyo" / "_config.yml").read_text(encoding="utf-8"))["timezone"] == "Asia/Tokyo"
    from wxrtool.writers.jekyll import zone_of

    assert zone_of(Counter({timedelta(hours=-2, minutes=-30): 2})) == "America/St_Johns"  # (Newfoundland's summer)


def test_the_old_feeds_lead_to_the_sites_feed(jekyll: str, tmp_path: Path) -> None:
    """The old /feed/ (and each category's and tag's) led to the home page: a subscriber's reader got
    HTML. The scaffold writes an Atom feed of the latest posts (no plug-in), where they lead now."""
    text = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    text = text.replace("Why I Deleted My Klout Profile]]>", "Why I &lt;Deleted&gt; &amp; <b>My</b> Profile]]>", 1)
    # (an address with "&": the feed's links were not escaped, and the feed no XML)
    text = text.replace(
        "http://jeffturner.info/why-i-deleted-my-klout-profile/", "http://jeffturner.info/tom&amp;jerry/"
    )
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    site, redirects = tmp_path / "site", tmp_path / "redirects.csv"
    wxrtool.convert(source, "jekyll", str(site), scaffold=True, redirects=("csv", str(redirects)))
    built = build(jekyll, site)
    feed = lxml.etree.parse(str(built / "feed.xml")).getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}id") == "urn:x-wxrtool:feed"  # (no --base-url: an IRI still)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    page = lxml.html.parse(str(built / "tom&jerry" / "index.html")).getroot()
    shown = page.findtext(".//h1")
    assert "&" in shown and [e.findtext("a:title", namespaces=atom) for e in feed.findall("a:entry", atom)] == [shown]
    rows = dict(row[:2] for row in csv.reader(redirects.read_text(encoding="utf-8").splitlines()))
    assert rows["/feed/"] == rows["/category/featured/feed/"] == "/feed.xml" and rows["/comments/feed/"] == "/"


def test_escapes_kramdown_does_not_know_show_no_backslash(jekyll: str, tmp_path: Path) -> None:
    """A post's '&amp;' written '\\&amp;', and '~~' written '\\~\\~': kramdown takes no backslash before
    '&' or '~' and showed it. Written as entities, the text shows as WordPress showed it."""
    from .test_security_formats import export, item

    content = "<p>Type &amp;amp; to get one. Not ~~struck~~, 2^3 and @name.</p>"
    source = export(
        tmp_path / "x.xml",
        item(1).replace("</item>", f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"),
    )
    site = tmp_path / "site"
    wxrtool.convert(source, "jekyll", str(site), scaffold=True)
    page = next(p for p in build(jekyll, site).rglob("index.html") if "Type" in p.read_text(encoding="utf-8"))
    text = lxml.html.parse(str(page)).getroot().text_content()
    assert "Type &amp; to get one. Not ~~struck~~, 2^3 and @name." in text and "\\" not in text


def test_angle_quotes_stay_as_written(jekyll: str, hugo: str, tmp_path: Path) -> None:
    """A post's 'cout << x >> y' showed 'cout « x » y' in Jekyll and Hugo (kramdown's and Goldmark's
    typographers), where WordPress showed it as written."""
    from . import test_hugo
    from .test_security_formats import export, item

    content = "<p>In C++ write cout &lt;&lt; x &gt;&gt; y.</p><blockquote><p>quoted &gt;&gt; here</p></blockquote>"
    body = f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    source = export(tmp_path / "x.xml", item(1).replace("</item>", body))
    for engine, builder in (("jekyll", build), ("hugo", test_hugo.build)):
        site = tmp_path / engine
        wxrtool.convert(source, engine, str(site), scaffold=True)
        built = builder(jekyll if engine == "jekyll" else hugo, site)
        page = next(p for p in built.rglob("index.html") if "C++" in p.read_text(encoding="utf-8"))
        text = lxml.html.parse(str(page)).getroot().text_content()
        assert "cout << x >> y." in text and "quoted >> here" in text and "«" not in text, engine


def test_a_thread_deeper_than_liquid_nests_builds(jekyll: str, tmp_path: Path) -> None:
    # The scaffold includes its thread template once a level: a thread 49 deep stopped the build
    # of the whole site ("Nesting too deep"). Replies past LIQUID_DEPTH hang at that depth.
    from wxrtool.writers.jekyll import LIQUID_DEPTH

    from .test_comment_threads import _deep_export

    export = _deep_export(tmp_path / "deep.xml", 60)
    site = tmp_path / "s"
    wxrtool.convert(export, "jekyll", str(site), scaffold=True)
    page = build(jekyll, site) / "deep" / "index.html"
    depths = [int(d) for d in re.findall(r'data-depth="(\d+)"', page.read_text(encoding="utf-8"))]
    assert len(depths) == 61 and max(depths) == LIQUID_DEPTH


def test_with_every_comment_each_shows_its_state(jekyll: str, hugo: str, tmp_path: Path) -> None:
    # --comments all: a spam comment or a trashed pingback looked like any other on the built page.
    for engine, build_site in (("jekyll", lambda site: build(jekyll, site)), ("hugo", None)):
        site = tmp_path / engine
        wxrtool.convert(
            SAMPLES / "drafts-and-pages.xml", engine, str(site), wxrtool.Selection.everything(), scaffold=True
        )
        if build_site is not None:
            built = build_site(site)
        else:
            subprocess.run([hugo, "--quiet", "--source", str(site)], check=True, capture_output=True)
            built = site / "public"
        page = next(p for p in built.rglob("index.html") if "comment-513" in p.read_text(encoding="utf-8"))
        text = page.read_text(encoding="utf-8")
        for comment_id, state in ((513, "spam"), (515, "pending"), (523, "trash")):
            shown = text.split(f'id="comment-{comment_id}"', 1)[1].split("</p>", 1)[0]
            assert f"({state})" in shown, (engine, comment_id, shown)
        assert "(approved)" not in text


def test_a_site_with_summer_time_shows_every_post_on_its_day(
    jekyll: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two summer posts at +02:00 and a winter one of 23:30 at +01:00: the zone of the commoner
    offset (Etc/GMT-2) showed the winter post on the next day; a zone with summer time shows each
    on its own (peers' jekyll #6033, jekyll-import #200)."""

    def item(n: int, local: str, gmt: str) -> str:
        return (
            f"<item><title>T{n}</title><link>https://ex.test/t{n}/</link><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
            f"<wp:post_name>t{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        )

    source = tmp_path / "export.xml"
    source.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + item(1, "2024-06-05 10:00:00", "2024-06-05 08:00:00")
        + item(2, "2024-07-05 10:00:00", "2024-07-05 08:00:00")
        + item(3, "2024-01-15 23:30:00", "2024-01-15 22:30:00")
        + "</channel></rss>",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    wxrtool.convert(source, "jekyll", str(site), scaffold=True)
    assert yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))["timezone"] == "Europe/Berlin"
    monkeypatch.setenv("TZ", "UTC")
    built = build(jekyll, site)
    page = lxml.html.parse(str(built / "t3" / "index.html")).getroot()
    assert page.find_class("byline")[0].text_content().endswith("2024-01-15")
