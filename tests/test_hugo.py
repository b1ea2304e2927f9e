"""Hugo accepts what wxrtool writes: real `hugo` builds, warnings fatal, pages, aliases and threads checked."""

from __future__ import annotations

import csv
import html
import os
import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

import wxrtool
from wxrtool.writers.hugo import escape_shortcodes, old_path

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, front, readable


def build(hugo: str, site: Path) -> Path:
    # Hugo's x shortcode asks X for the post when the site is built: tests have no network,
    # and that warning (only that one) is not a failure here.
    env = {**os.environ, "HUGO_IGNORELOGS": "shortcode-x-getremote"}
    proc = subprocess.run(
        [hugo, "--panicOnWarning", "--quiet", "--source", str(site), "--destination", str(site / "public")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site / "public"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_build_with_pages_aliases_and_threads(hugo: str, sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(sample, "hugo", str(site), scaffold=True)
    public = build(hugo, site)
    posts = {p.id: p for p in wxrtool.Selector().apply(wxrtool.read(sample)) if isinstance(p, wxrtool.Post)}
    for index_md in (site / "content").rglob("*index.md"):
        data = front(index_md)
        folder = index_md.parent.relative_to(site / "content")
        page = public / str(folder).lower() / "index.html"
        assert page.is_file(), page
        document = lxml.html.parse(str(page)).getroot()
        assert data["title"] in document.findtext(".//h1")
        if "wordpress_term" in data or "wordpress_author" in data:
            continue  # a category's or author's page (content/categories/<slug>/_index.md, content/author/...)
        for alias in data.get("aliases", []):
            redirect = (public / alias.strip("/") / "index.html").read_text(encoding="utf-8")
            assert f"url=/{str(folder).lower()}/" in unquote(redirect)
        post = posts[data["wordpress"]["id"]]
        # (the featured image, as WordPress's themes show it: the scaffold showed none)
        assert document.xpath('//img[@class="featured"]/@src') == data.get("images", [])[:1]
        expected = [
            (n.comment.id, n.depth, path[-1] if path else None)
            for n, path in wxrtool.walk(wxrtool.build_threads(post.comments))
        ]
        shown = []
        for li in document.iter("li"):
            if "comment" in (li.get("class") or "").split():
                parent = li.getparent().getparent()
                parent_id = int(parent.get("id").split("-")[1]) if parent.tag == "li" else None
                shown.append((int(li.get("id").split("-")[1]), int(li.get("data-depth")), parent_id))
        assert shown == expected
        pings = document.findall('.//li[@class="ping pingback"]') + document.findall('.//li[@class="ping trackback"]')
        assert len(pings) == len(post.pings)
        # Names as the blog showed them: "Estuary Watch &raquo; ..." showed its entity ("&amp;raquo;").
        assert sorted(li.find("a").text_content() for li in pings) == sorted(
            html.unescape(p.author) for p in post.pings
        )


def test_seed_thread_four_levels_deep(hugo: str, tmp_path: Path) -> None:
    wxrtool.convert(SAMPLES / "klout.xml", "hugo", str(tmp_path / "s"), scaffold=True)
    page = build(hugo, tmp_path / "s") / "posts" / "why-i-deleted-my-klout-profile" / "index.html"
    document = lxml.html.parse(str(page)).getroot()
    assert max(int(li.get("data-depth")) for li in document.iter("li") if li.get("data-depth")) == 3
    assert len(document.xpath('//li[contains(@class, "comment")]')) == 36
    redirect = tmp_path / "s" / "public" / "why-i-deleted-my-klout-profile" / "index.html"
    assert "url=/posts/why-i-deleted-my-klout-profile/" in redirect.read_text()  # the old permalink still lands


@pytest.mark.parametrize("path", fixture_cases(p for p in FIXTURE_FILES if readable(p)))
def test_fixtures_build(hugo: str, path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "hugo", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True)
    assert account.balanced()
    build(hugo, tmp_path / "s")


def test_page_tree_and_drafts(hugo: str, tmp_path: Path) -> None:
    wxrtool.convert(
        SAMPLES / "drafts-and-pages.xml", "hugo", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True
    )
    content = tmp_path / "s" / "content"
    assert (content / "about" / "_index.md").is_file() and (content / "about" / "contact" / "index.md").is_file()
    draft = front(next(p for p in content.rglob("index.md") if front(p)["title"].startswith("Spelt")))
    assert draft["draft"] is True
    public = build(hugo, tmp_path / "s")
    assert (public / "about" / "contact" / "index.html").is_file()


def test_shortcode_syntax_in_content_shows_as_written() -> None:
    assert escape_shortcodes("{{< x >}} {{% y %}} {{< open") == "{{</* x */>}} {{%/* y */%}} {\u200b{< open"


def test_old_path() -> None:
    assert old_path("https://example.com/2024/11/%e6%97%a5/") == "/2024/11/日/"
    assert old_path("https://example.com/?p=12") == ""


def test_a_type_or_a_parent_page_named_like_a_taxonomy_is_built(hugo: str, tmp_path: Path) -> None:
    # Hugo has every address under /tags/ and /categories/: a bundle there found no free
    # name (the writer hung); its folder gets "wp-" in front, its old address an alias.
    export = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    assert export.count("<wp:post_type><![CDATA[recipe]]></wp:post_type>") == 1
    assert export.count("<wp:post_name><![CDATA[about]]></wp:post_name>") == 1
    export = export.replace("<wp:post_type><![CDATA[recipe]]>", "<wp:post_type><![CDATA[tags]]>")
    source = tmp_path / "export.xml"
    source.write_text(export.replace("<wp:post_name><![CDATA[about]]>", "<wp:post_name><![CDATA[categories]]>"))
    site = tmp_path / "s"
    wxrtool.convert(source, "hugo", str(site), scaffold=True)
    content = site / "content"
    assert (content / "wp-tags" / "knackebrod" / "index.md").is_file()
    assert (content / "wp-categories" / "contact" / "index.md").is_file()
    public = build(hugo, site)
    assert (public / "wp-tags" / "knackebrod" / "index.html").is_file()
    assert (public / "wp-categories" / "contact" / "index.html").is_file()


def test_an_old_address_hugo_reads_as_a_pattern_is_not_the_pages_url(hugo: str, tmp_path: Path) -> None:
    """With --keep-urls, a post whose old address was '/:slug/' (slug 'about') was written url: /:slug/,
    which Hugo fills in: the post took the About page's place, and '/:sections/' the list of posts."""
    from .test_eleventy import export_of, item

    def post(n: int, link: str, slug: str, words: str) -> str:
        return (
            item(n, link, slug, post_type="post")
            .replace("</item>", f"<content:encoded><![CDATA[{words}]]></content:encoded></item>")
            .replace("<rss ", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ')
        )

    items = [
        post(1, "https://example.com/about/", "about", "The real about page."),
        post(2, "https://example.com/:slug/", "about", "ATTACKER one"),
        post(3, "https://example.com/:sections/", "x", "ATTACKER two"),
    ]
    source = export_of(tmp_path / "export.xml", items)
    text = source.read_text(encoding="utf-8").replace(
        "<rss ", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ', 1
    )
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "hugo", str(site), scaffold=True, keep_urls=True)
    public = build(hugo, site)
    assert "The real about page." in (public / "about" / "index.html").read_text(encoding="utf-8")
    taken = {str(p.relative_to(public)) for p in public.rglob("*.html") if "ATTACKER" in p.read_text(encoding="utf-8")}
    assert taken == {"posts/x/index.html", "posts/about-2/index.html"}  # (the posts' own pages only)
    assert (public / ":slug" / "index.html").is_file()  # (the old address, an alias to the post)


def test_a_page_named_like_hugos_list_of_posts_keeps_its_children(hugo: str, tmp_path: Path) -> None:
    """A page at /posts/ (Hugo's list of posts is there) with a child: the page went to posts-2/,
    its child into posts/, Hugo's section of posts, where it was listed and fed as a blog post."""
    text = (SAMPLES / "drafts-and-pages.xml").read_text(encoding="utf-8")
    text = text.replace("https://kuechenbuch.example.de/about/", "https://kuechenbuch.example.de/posts/")
    text = text.replace(
        "<wp:post_name><![CDATA[about]]></wp:post_name>", "<wp:post_name><![CDATA[posts]]></wp:post_name>"
    )
    source = tmp_path / "x.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "hugo", str(site), scaffold=True)
    built = build(hugo, site)
    contact = [
        p.relative_to(built).as_posix()
        for p in built.rglob("index.html")
        if "Write to the address" in p.read_text(encoding="utf-8")
    ]
    assert contact == ["wp-posts/contact/index.html"]  # (under its parent, wp-posts/: not a post)
    assert "Write to the address" not in (built / "posts" / "index.xml").read_text(encoding="utf-8")
    assert 'data-wordpress-id="2"' in (built / "wp-posts" / "index.html").read_text(encoding="utf-8")


def test_placed_media_show_in_lists_and_feeds_too(hugo: str, tmp_path: Path) -> None:
    """A bundle's image linked by its name (loaf.jpg) was looked for beside the home page and in the
    feed (/loaf.jpg, 404): the scaffold's render hooks give a bundle's file its own address."""
    from wxrtool.urlcheck import StaticSite

    from .test_security_formats import media_export, page

    own = "https://x.example/wp-content/uploads/2024/01/loaf.jpg"
    content = f'<p>Bread</p><a href="{own}"><img src="{own}" alt="a loaf"></a><a href="#c">here</a>'
    items = page(1, "bread", 0, content).replace("<wp:post_type>page<", "<wp:post_type>post<")
    source, media = media_export(tmp_path, {own: b"JPEG-LOAF"}, items)
    site = tmp_path / "site"
    wxrtool.convert(source, "hugo", str(site), scaffold=True, media=str(media))
    built = build(hugo, site)
    post = (built / "posts" / "bread" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/posts/bread/loaf.jpg"><img src="/posts/bread/loaf.jpg" alt="a loaf"></a>' in post
    assert '<a href="#c">here</a>' in post  # (any other link as written)
    assert "src=&#34;/posts/bread/loaf.jpg&#34;" in (built / "index.xml").read_text(encoding="utf-8")
    with StaticSite(built) as served, urllib.request.urlopen(served.url + "/posts/bread/loaf.jpg") as answer:
        assert answer.read() == b"JPEG-LOAF"


def test_personal_data_is_never_published_with_the_site(hugo: str, tmp_path: Path) -> None:
    # A bundle's comments.json is a page resource: Hugo publishes it (/posts/<slug>/comments.json),
    # and --personal-data put every commenter's e-mail and IP address on the public site.
    site = tmp_path / "site"
    account = wxrtool.convert(SAMPLES / "klout.xml", "hugo", str(site), wxrtool.Selection.everything(), scaffold=True)
    public = build(hugo, site)
    published = list(public.rglob("comments.json"))
    assert published and account.content["comments-json-without-personal-data"] == 1
    for path in published:
        text = path.read_text(encoding="utf-8")
        assert "author_email" not in text and "author_ip" not in text and "jeremyblanton@example.com" not in text


def test_every_item_is_served_where_wxrtool_says(hugo: str, tmp_path: Path) -> None:
    # A Windows device's name (aux) is the folder aux-, whose trailing hyphen Hugo trims from the
    # address; Hugo lower-cases as Go does (a final capital sigma is U+03C3, U+0130 is i): the
    # redirects and the report pointed at /posts/aux-/ and /posts/οδος/, which Hugo does not serve.
    slugs = ["aux", "con", "%ce%9f%ce%94%ce%9f%ce%a3", "%c4%b0stanbul", "plain"]
    items = "".join(
        f"<item><title>T{n}</title><link>https://ex.test/2024/03/{slug}/</link><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_date>2024-03-0{n} 10:00:00</wp:post_date><wp:post_name>{slug}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        for n, slug in enumerate(slugs, 1)
    )
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + items
        + "</channel></rss>",
        encoding="utf-8",
    )
    site, redirects = tmp_path / "site", tmp_path / "r.csv"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, redirects=("csv", str(redirects)))
    public = build(hugo, site)
    rows = csv.reader(redirects.read_text(encoding="utf-8").splitlines()[1:])
    new = {new for old, new in rows if old.startswith("/?p=")}  # (the items', not the archives')
    assert len(new) == len(slugs)
    for address in new:
        assert (public / unquote(address).strip("/") / "index.html").is_file(), address


def test_tags_whose_names_hugo_makes_one_path_stay_apart(hugo: str, tmp_path: Path) -> None:
    # WordPress slugs the tags QA and Q&A qa and qa-2. By name, Hugo made both /tags/qa/ (urlize
    # drops "&"), one page, the other's posts missing from it, and the old /tag/qa-2/ led there.
    # By slug, each is its own (C#'s too, which Hugo's urlize keeps: /tags/c%23/ as it was).
    tags = {"qa": "QA", "qa-2": "Q&amp;A", "c-2": "C#"}
    declared = "".join(
        f"<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug><wp:tag_name>{name}</wp:tag_name></wp:tag>"
        for n, (slug, name) in enumerate(tags.items(), 1)
    )
    items = "".join(
        f"<item><title>On {name}</title><link>https://ex.test/on-{slug}/</link><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_date>2024-03-0{n} 10:00:00</wp:post_date><wp:post_name>on-{slug}</wp:post_name>"
        f'<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><category domain="post_tag" '
        f'nicename="{slug}">{name}</category></item>'
        for n, (slug, name) in enumerate(tags.items(), 1)
    )
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        f"<wp:base_site_url>https://ex.test</wp:base_site_url>{declared}{items}</channel></rss>",
        encoding="utf-8",
    )
    site, redirects = tmp_path / "site", tmp_path / "r.csv"
    wxrtool.convert(export, "hugo", str(site), scaffold=True, redirects=("csv", str(redirects)))
    public = build(hugo, site)
    moved = dict(csv.reader(redirects.read_text(encoding="utf-8").splitlines()[1:]))
    for slug, name in tags.items():
        page = public / unquote(moved[f"/tag/{slug}/"]).strip("/") / "index.html"
        listed = {a.text_content() for a in lxml.html.parse(str(page)).getroot().iter("a")}
        shown = html.unescape(name)
        assert f"On {shown}" in listed and len({t for t in listed if t.startswith("On ")}) == 1, (slug, listed)
        assert (public / unquote(moved[f"/tag/{slug}/feed/"]).strip("/")).is_file()
    titles = {a.text_content() for a in lxml.html.parse(str(public / "tags" / "index.html")).getroot().iter("a")}
    assert {html.unescape(name) for name in tags.values()} <= titles


def test_a_more_tag_with_its_own_words_ends_the_summary(hugo: str, tmp_path: Path) -> None:
    # WordPress's <!--more Continue reading--> (the link's own words): Hugo knows only
    # <!--more-->, and the whole post, its rest too, was the summary in lists and the feed.
    content = "<p>Intro para.</p>\n<!--more Continue reading-->\n<p>Secret rest of the article.</p>"
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><wp:wxr_version>1.2</wp:wxr_version><item><title>T</title><link>https://ex.test/t/</link>"
        "<wp:post_id>1</wp:post_id><wp:post_date>2024-03-01 10:00:00</wp:post_date><wp:post_name>t</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    account = wxrtool.convert(export, "hugo", str(site), scaffold=True)
    public = build(hugo, site)
    feed = (public / "index.xml").read_text(encoding="utf-8")
    assert "Intro para." in feed and "Secret rest" not in feed
    assert "Secret rest" in (public / "posts" / "t" / "index.html").read_text(encoding="utf-8")
    assert account.content["more-text-dropped"] == 1


def test_a_tag_without_a_slug_is_redirected_to_its_page() -> None:
    # The page is its name's term (hugo_terms); the redirect went to /tags/tag/.
    from wxrtool.archives import TARGETS
    from wxrtool.index import SiteIndex
    from wxrtool.oldurls import OldAddress
    from wxrtool.writers.hugo import hugo_terms

    fields = dict.fromkeys(("type", "status", "title", "slug", "slug_raw", "link", "guid", "author"), "")
    fields.update(dict.fromkeys(("date", "date_utc", "modified", "modified_utc")), content_html="", excerpt_html="")
    post = wxrtool.Post(id=1, terms=(wxrtool.TermRef("post_tag", "No slug!", ""),), **fields)  # type: ignore[arg-type]
    assert hugo_terms(post, SiteIndex(), "post_tag") == ["no-slug"]
    assert TARGETS["hugo"](OldAddress("https://ex.test/tag/", "tag", label="No slug!", about=("post_tag", ""))) == (
        "/tags/no-slug/"
    )
