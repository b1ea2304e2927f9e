"""Links between the items of one export point at the items' new addresses (wxrtool.itemlinks).

``samples/links-between-posts.xml`` links every way WordPress answers; the built sites are
followed link by link in ``test_check_urls.py``. Here: which link names which item, what each
format writes, what is kept and listed, and exports that try to abuse the stand-ins.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import markdown_it
import pytest
import yaml

import wxrtool
from wxrtool.content.tomarkdown import relink
from wxrtool.index import ItemInfo, SiteIndex, site_host
from wxrtool.itemlinks import ItemLinks
from wxrtool.oldurls import ITEM_KINDS, canonical_address, old_addresses

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

LINKS = SAMPLES / "links-between-posts.xml"
DRAFT = "https://fieldnotes.example.net/2024/03/nest-box-repairs/"
PHOTO = "https://fieldnotes.example.net/wp-content/uploads/2024/03/swifts.jpg"


@pytest.fixture(scope="module")
def links() -> ItemLinks:
    return ItemLinks(SiteIndex.build(wxrtool.read(LINKS)))


@pytest.mark.parametrize(
    ("href", "item"),
    [
        ("https://fieldnotes.example.net/2024/03/swifts-return/", 11),
        ("http://fieldnotes.example.net/2024/03/swifts-return/", 11),
        ("https://www.fieldnotes.example.net/2024/03/swifts-return/#comment-21", 11),
        ("https://FieldNotes.Example.net:443/2024/03/swifts-return/?replytocom=20#respond", 11),
        ("//fieldnotes.example.net/2024/03/swifts-return/", 11),
        ("/2024/03/swifts-return/", 11),
        ("/2024/03/swifts-return", 11),
        (" /2024/03/swifts-return/ ", 11),
        ("/2024/03/swifts-are-back/", 11),  # an old slug
        ("/swifts-return/", 11),  # the slug under another date form
        ("/2019/swifts-return/", 11),
        ("/index.php/2024/03/swifts-return/", 11),
        ("/?p=11", 11),
        ("/index.php?p=11", 11),
        ("https://fieldnotes.example.net/?page_id=21", 21),
        ("/?attachment_id=30", 30),
        ("/2024/03/swifts-return/swifts/", 30),  # an attachment's page
        ("/about/helpers/", 21),
        ("/?p=12", 12),  # a draft is an item of the export (left out later, by the output)
        ("https://elsewhere.example/2024/03/swifts-return/", None),
        ("ftp://fieldnotes.example.net/2024/03/swifts-return/", None),
        ("/?p=999", None),
        ("/2024/03/swifts-return/?p=11", 11),
        ("/category/birds/?p=11", None),  # ?p= is read on the home page only
        ("/category/birds/", None),
        ("/tag/swifts-return/", None),  # a slug after an archive's name is not guessed
        ("/2024/03/", None),
        ("/feed/", None),
        ("mailto:maeve@fieldnotes.example.net", None),
        ("javascript:alert(1)", None),
        ("swifts-return/", None),  # relative to the page: not resolved
        ("#comment-21", None),
        ("http://[::1", None),  # not a URL
    ],
)
def test_each_way_of_writing_a_link_finds_its_item(links: ItemLinks, href: str, item: int | None) -> None:
    assert links.item(href) == item


def test_a_slug_two_items_share_is_not_guessed(tmp_path: Path) -> None:
    text = LINKS.read_text(encoding="utf-8").replace("<![CDATA[helpers]]>", "<![CDATA[swifts-return]]>")
    source = tmp_path / "twice.xml"
    source.write_text(text, encoding="utf-8")
    links = ItemLinks(SiteIndex.build(wxrtool.read(source)))
    # Both published: which one the author meant cannot be told.
    assert links.item("/2020/01/swifts-return/") is None
    assert links.item("/2024/03/swifts-return/") == 11  # (its own permalink still names it)


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("fmt", "page", "swifts"),
    [
        ("markdown", "posts/start-here.md", "/posts/swifts-return/"),
        ("hugo", "content/posts/start-here/index.md", "/posts/swifts-return/"),
        ("jekyll", "_posts/2024-03-01-start-here.md", "/2024/03/swifts-return/"),
        ("pelican", "content/posts/start-here.md", "/2024/03/swifts-return/"),
    ],
)
def test_links_lead_to_the_new_addresses(fmt: str, page: str, swifts: str, tmp_path: Path) -> None:
    account = wxrtool.convert(LINKS, fmt, str(tmp_path / "out"))
    files = _files(tmp_path / "out")
    text = files[page]
    assert f"[swifts came back]({swifts})" in text
    assert f"[Tom counted them]({swifts}#comment-21)" in text  # the fragment kept
    assert f"[the first name of that post]({swifts})" in text  # an old slug
    assert f"[its short link]({swifts})" in text
    assert f"[the form before the permalinks changed]({swifts})" in text
    assert f"[The swift photo]({PHOTO})" in text  # no attachment pages here: the file itself
    assert f"[Nest box repairs]({DRAFT})" in text  # a draft: kept, and listed
    assert "(https://www.rspb.org.uk/birds-and-wildlife/swift)" in text
    assert not any("wxrtool.invalid" in t for t in files.values())
    assert account.links_rewritten == 14
    assert account.links_kept == [(page, DRAFT)]
    report = account.as_dict()["links"]
    assert report == {"rewritten": 14, "to_items_left_out": [{"file": page, "link": DRAFT}]}
    assert "1 to items left out kept as they were" in account.summary()


def test_comments_link_to_new_addresses_in_each_place_they_are_kept(tmp_path: Path) -> None:
    wxrtool.convert(LINKS, "jekyll", str(tmp_path / "jekyll"))
    data = [yaml.safe_load(t) for name, t in _files(tmp_path / "jekyll").items() if name.startswith("_data/comments")]
    messages = sorted(d["message"] for d in data)
    assert "[https://fieldnotes.example.net/2024/03/start-here/](/2024/03/start-here/)" in messages[1]
    assert "[your about page](/about/)" in messages[0]
    wxrtool.convert(LINKS, "hugo", str(tmp_path / "hugo"))
    comments = (tmp_path / "hugo/content/posts/swifts-return/comments.json").read_text(encoding="utf-8")
    assert '<a href=\\"/pages/about/\\"' in comments or '<a href=\\"/about/\\"' in comments
    assert "wxrtool.invalid" not in comments


def test_a_comment_date_links_to_its_anchor_on_the_page(tmp_path: Path) -> None:
    wxrtool.convert(LINKS, "markdown", str(tmp_path / "out"))
    text = (tmp_path / "out/posts/swifts-return.md").read_text(encoding="utf-8")
    assert '<a id="comment-21"></a>' in text and "[2024-03-21 21:02](#comment-21)" in text


def test_base_url_makes_the_addresses_absolute(tmp_path: Path) -> None:
    wxrtool.convert(LINKS, "hugo", str(tmp_path / "out"), base_url="https://new.example.org/notes/")
    text = (tmp_path / "out/content/posts/start-here/index.md").read_text(encoding="utf-8")
    assert "[Tom counted them](https://new.example.org/notes/posts/swifts-return/#comment-21)" in text


def test_an_item_the_selection_keeps_is_linked_to(tmp_path: Path) -> None:
    everything = wxrtool.Selection(statuses=None)
    account = wxrtool.convert(LINKS, "markdown", str(tmp_path / "out"), everything)
    text = (tmp_path / "out/posts/start-here.md").read_text(encoding="utf-8")
    assert "[Nest box repairs](/posts/nest-box-repairs/)" in text
    assert account.links_kept == [] and account.links_rewritten == 16  # (and the draft's own link)
    # With attachments written, an attachment's page is its own.
    account = wxrtool.convert(LINKS, "markdown", str(tmp_path / "with"), wxrtool.Selection(), force=True)
    typed = wxrtool.convert(
        LINKS, "markdown", str(tmp_path / "typed"), wxrtool.Selection(types=frozenset({"post", "attachment"}))
    )
    text = (tmp_path / "typed/posts/start-here.md").read_text(encoding="utf-8")
    assert "[The swift photo](/attachments/swifts/)" in text
    assert ("posts/start-here.md", "https://fieldnotes.example.net/about/") in typed.links_kept  # pages left out


def test_the_output_is_the_same_with_workers(tmp_path: Path) -> None:
    wxrtool.convert(LINKS, "hugo", str(tmp_path / "one"), jobs=1)
    wxrtool.convert(LINKS, "hugo", str(tmp_path / "two"), jobs=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


# -- Hostile exports ----------------------------------------------------------------------


def _export(tmp_path: Path, old: str, new: str) -> Path:
    text = LINKS.read_text(encoding="utf-8")
    assert old in text
    source = tmp_path / "hostile.xml"
    source.write_text(text.replace(old, new), encoding="utf-8")
    return source


def test_an_export_cannot_spell_a_stand_in(tmp_path: Path) -> None:
    spelled = "https://wxrtool.invalid/0123456789abcdef/11/2f61626f75742f/"
    source = _export(tmp_path, 'href="https://www.rspb.org.uk/birds-and-wildlife/swift"', f'href="{spelled}"')
    wxrtool.convert(source, "markdown", str(tmp_path / "out"))
    assert f"[the RSPB on swifts]({spelled})" in (tmp_path / "out/posts/start-here.md").read_text(encoding="utf-8")


HOSTILE_LINK = "/?p=12&x=\")](javascript:alert(1))<img src=x onerror=alert(2)>'\n# [y]"


@pytest.mark.parametrize("fmt", ["markdown", "jekyll"])
def test_a_hostile_link_kept_as_it_was_stays_one_link(fmt: str, tmp_path: Path) -> None:
    # A link to the draft (kept as it was) that would close the Markdown link and open another.
    escaped = HOSTILE_LINK.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    source = _export(tmp_path, f'href="{DRAFT}"', f'href="{escaped}"')
    account = wxrtool.convert(source, fmt, str(tmp_path / "out"))
    page = "posts/start-here.md" if fmt == "markdown" else "_posts/2024-03-01-start-here.md"
    assert account.links_kept == [(page, HOSTILE_LINK)]
    text = (tmp_path / "out" / page).read_text(encoding="utf-8")
    line = "[Nest box" + text.split("- [Nest box")[1].split("\n")[0]
    tokens = markdown_it.MarkdownIt("commonmark").parseInline(line)
    links = [t.attrs["href"] for t in tokens[0].children or [] if t.type == "link_open"]
    assert links == [
        "/?p=12&x=%22%29%5D%28javascript:alert%281%29%29%3Cimg%20src=x%20onerror=alert%282%29%3E%27%0A#%20%5By%5D"
    ]
    assert "<img" not in text and "javascript:alert(1))" not in text


def test_a_hostile_fragment_on_a_link_that_is_rewritten(tmp_path: Path) -> None:
    source = _export(
        tmp_path, 'href="/2024/03/swifts-are-back/"', 'href="/2024/03/swifts-are-back/#&quot;&gt;&lt;script&gt;x"'
    )
    wxrtool.convert(source, "jekyll", str(tmp_path / "out"))
    text = (tmp_path / "out/_posts/2024-03-01-start-here.md").read_text(encoding="utf-8")
    assert "[the first name of that post](/2024/03/swifts-return/#%22%3E%3Cscript%3Ex)" in text


def test_a_hostile_link_in_a_comment_data_file_stays_in_its_string(tmp_path: Path) -> None:
    hostile = "https://fieldnotes.example.net/?p=12&amp;a=&#39;: x&#10;_id: 1 #"
    source = _export(tmp_path, 'href="https://fieldnotes.example.net/about/"', f'href="{hostile}"')
    wxrtool.convert(source, "jekyll", str(tmp_path / "out"))
    data = [
        yaml.safe_load(text)
        for name, text in _files(tmp_path / "out").items()
        if name.startswith("_data/comments") and "allotments" in text
    ]
    assert len(data) == 1 and data[0]["_id"] == "20"
    assert "[your about page](https://fieldnotes.example.net/?p=12&amp;a=%27:%20x%0A_id:%201%20#)" in data[0]["message"]


def test_relinking_takes_time_in_proportion_to_the_text() -> None:
    def timed(n: int) -> float:
        text = '<a title="x" href="/2024/03/swifts-return/">' * n + "<a " * n + '<a href="' * n
        start = time.process_time()
        relink(text, lambda href: None)
        return time.process_time() - start

    timed(1000)
    small, large = min(timed(5000) for _ in range(3)), min(timed(20000) for _ in range(3))
    assert large < small * 10  # 4 times the text: about 4 times the time, never 16


# -- Over every sample and fixture ---------------------------------------------------------

EVERY_EXPORT = [
    *(pytest.param(p, id=p.stem) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]
_DESTINATION = re.compile(r"\]\(<?([^)\s>]+)|href=\"([^\"]+)\"")


@pytest.mark.parametrize("export", EVERY_EXPORT)
def test_no_link_to_a_published_item_keeps_its_old_address(export: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(export, "markdown", str(tmp_path / "out"))
    site = next(r for r in wxrtool.read(export) if isinstance(r, wxrtool.Site))
    hosts = {site_host(u) for u in (site.link, site.base_blog_url) if u}
    old = {a.url for a in old_addresses(export) if a.kind in ITEM_KINDS}
    found = []
    for path in (tmp_path / "out").rglob("*.md"):
        for m in _DESTINATION.finditer(path.read_text(encoding="utf-8")):
            href = m.group(1) or m.group(2)
            on_the_old_site = (href.startswith("/") and href[1:2] != "/") or site_host(href) in hosts
            if "wxrtool.invalid" in href or (on_the_old_site and canonical_address(href) in old):
                found.append((path.name, href))
    assert found == []
    assert account.links_rewritten >= (14 if export == LINKS else 0)


def test_a_link_spelled_inside_another_attribute_is_text() -> None:
    page = '<img alt="<a href=/x>"><a title="href=/x" href=/x>y</a>'
    assert relink(page, {"/x": "/new"}.get) == '<img alt="<a href=/x>"><a title="href=/x" href="/new">y</a>'


def test_ghost_links_to_the_new_addresses(tmp_path: Path) -> None:
    out = tmp_path / "ghost.json"
    account = wxrtool.convert(LINKS, "ghost", str(out), base_url="https://new.example.org")
    posts = {p["slug"]: p["html"] for p in json.loads(out.read_text(encoding="utf-8"))["data"]["posts"]}
    assert '<a href="https://new.example.org/swifts-return/#comment-21">Tom counted them</a>' in posts["start-here"]
    assert '<a href="https://new.example.org/about/">About</a>' in posts["helpers"]
    assert account.links_kept == [("", DRAFT)] and account.links_rewritten == 12  # (in the one output file)
    assert not list(tmp_path.glob(".*"))  # no file left beside it


def test_standard_output_is_written_with_the_links_as_they_were() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wxrtool", "convert", str(LINKS), "--to", "ghost", "-o", "-", "-q"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wxrtool.invalid" not in done.stdout
    assert 'href=\\"http://www.fieldnotes.example.net/2024/03/swifts-return/#comment-21\\"' in done.stdout


# -- What an adversarial review found ---------------------------------------------------------


def test_a_blog_in_a_folder_owns_only_that_folder() -> None:
    index = SiteIndex(
        hosts={"example.com"},
        blog="/blog",
        addresses={"/blog/2024/03/hello/": 11},
        items={11: ItemInfo("post", "hello", 0, "publish")},
    )
    links = ItemLinks(index)
    assert [links.item(h) for h in ("/blog/2024/03/hello/", "/blog/2019/hello/", "/blog/?p=11")] == [11, 11, 11]
    # The rest of the site is not the blog's: a company page, a root ?p=, a date form outside it.
    assert [links.item(h) for h in ("https://example.com/hello/", "/?p=11", "/2024/03/hello/")] == [None] * 3


def _variant(tmp_path: Path, name: str, *pairs: tuple[str, str]) -> Path:
    text = LINKS.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_link_to_an_id_two_items_share_is_kept_and_listed(tmp_path: Path) -> None:
    source = _variant(tmp_path, "dup.xml", ("<wp:post_id>21</wp:post_id>", "<wp:post_id>11</wp:post_id>"))
    account = wxrtool.convert(source, "markdown", str(tmp_path / "out"))
    text = (tmp_path / "out/posts/start-here.md").read_text(encoding="utf-8")
    assert "[swifts came back](https://fieldnotes.example.net/2024/03/swifts-return/)" in text
    assert ("posts/start-here.md", "https://fieldnotes.example.net/2024/03/swifts-return/") in account.links_kept


def test_a_self_pingback_links_to_the_new_page(tmp_path: Path) -> None:
    ping = (
        "<wp:comment><wp:comment_id>40</wp:comment_id><wp:comment_author><![CDATA[Field Notes]]></wp:comment_author>"
        "<wp:comment_author_url>https://fieldnotes.example.net/2024/03/start-here/</wp:comment_author_url>"
        "<wp:comment_date>2024-03-21 21:10:00</wp:comment_date><wp:comment_date_gmt>2024-03-21 21:10:00"
        "</wp:comment_date_gmt><wp:comment_content><![CDATA[[...] see the swifts [...]]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n\t</item>"
    )
    source = _variant(tmp_path, "ping.xml", ("</wp:comment>\n\t</item>", "</wp:comment>\n" + ping))
    wxrtool.convert(source, "markdown", str(tmp_path / "md"))
    assert "**[Field Notes](/posts/start-here/)**" in (tmp_path / "md/posts/swifts-return.md").read_text("utf-8")
    wxrtool.convert(source, "jekyll", str(tmp_path / "jekyll"))
    pings = list((tmp_path / "jekyll/_data/pings").rglob("*.yml"))
    assert yaml.safe_load(pings[0].read_text(encoding="utf-8"))["url"] == "/2024/03/start-here/"
    wxrtool.convert(source, "hugo", str(tmp_path / "hugo"))
    data = json.loads((tmp_path / "hugo/content/posts/swifts-return/comments.json").read_text(encoding="utf-8"))
    assert data["pings"][0]["author_url"] == "/posts/start-here/"


def test_an_old_slug_of_a_post_with_a_non_ascii_slug(tmp_path: Path) -> None:
    source = _variant(
        tmp_path,
        "uni.xml",
        ("<link>https://fieldnotes.example.net/2024/03/swifts-return/</link>",
         "<link>https://fieldnotes.example.net/2024/03/martinet%c3%a9s/</link>"),
        ("<wp:post_name><![CDATA[swifts-return]]>", "<wp:post_name><![CDATA[martinet%c3%a9s]]>"),
    )  # fmt: skip
    links = ItemLinks(SiteIndex.build(wxrtool.read(source)))
    assert links.item("/2024/03/swifts-are-back/") == 11  # its old slug, beside the encoded one


def test_filling_links_keeps_the_file_as_it_was_written_elsewhere(tmp_path: Path) -> None:
    source = _variant(tmp_path, "cr.xml", ("Three over the church", "<pre>one&#13;two&#13;&#10;three</pre>Three"))
    wxrtool.convert(source, "markdown", str(tmp_path / "out"))
    assert "one\rtwo\r\nthree" in (tmp_path / "out/posts/swifts-return.md").read_bytes().decode("utf-8")


def test_entities_and_escapes_of_a_link_are_read_once(tmp_path: Path) -> None:
    source = _variant(
        tmp_path,
        "amp.xml",
        (f'href="{DRAFT}"', 'href="/?p=12&amp;x=&amp;quot;"'),
        ('href="/2024/03/swifts-are-back/"', 'href="/2024/03/swifts-are-back/#%25%32%32"'),
    )
    wxrtool.convert(source, "markdown", str(tmp_path / "out"))
    text = (tmp_path / "out/posts/start-here.md").read_text(encoding="utf-8")
    tokens = markdown_it.MarkdownIt("commonmark").parseInline(text)[0].children or []
    hrefs = [t.attrs["href"] for t in tokens if t.type == "link_open"]
    assert "/?p=12&x=&quot;" in hrefs  # (as the HTML said: the entity is text)
    assert "/posts/swifts-return/#%25%32%32" in hrefs


def test_a_draft_hugo_does_not_build_is_not_linked_to(tmp_path: Path) -> None:
    account = wxrtool.convert(LINKS, "hugo", str(tmp_path / "out"), wxrtool.Selection(statuses=None))
    assert ("content/posts/start-here/index.md", DRAFT) in account.links_kept


def test_a_site_that_moved_hosts_is_known_by_its_items_first_addresses(tmp_path: Path) -> None:
    source = _variant(
        tmp_path,
        "moved.xml",
        ('<guid isPermaLink="false">https://fieldnotes.example.net/?p=10</guid>',
         '<guid isPermaLink="false">http://maeve.oldblog.example/?p=10</guid>'),
    )  # fmt: skip
    links = ItemLinks(SiteIndex.build(wxrtool.read(source)))
    assert links.item("http://maeve.oldblog.example/2024/03/swifts-return/") == 11
    # An attachment's guid is its file's address, often on another host: not the site's.
    assert links.item("https://fieldnotes.example.net/2024/03/swifts-return/") == 11
    assert "fieldnotes.example.net" in links.index.hosts and len(links.index.hosts) == 2
