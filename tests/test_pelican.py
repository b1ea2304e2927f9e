"""Pelican accepts what wxrtool writes: real `pelican` builds with warnings fatal, pages and threads checked."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from pathlib import Path

import lxml.html
import pytest

import wxrtool

from .conftest import FIXTURE_FILES, SAMPLE_FILES, fixture_cases, readable

HOSTILE = Path(__file__).parent / "hostile" / "writer-injection.xml"
HOSTILE_TYPES = ("layouts", "includes", "data", "posts", "drafts", "plugins", "site", "sass", "config", "pages")
HOSTILE_TYPES += ("Layouts", "wp-layouts")
# Where each published item of the hostile export must land: its old path, made local.
HOSTILE_SAVE_AS = {
    1: "firstSave_as: victim/index.html/index.html",
    2: "victim/index.html",
    3: "output-evil/index.html",
    4: "output-evil-2/index.html",
    5: "evil.example/x/index.html",
    6: "evil.example/y/index.html",
    7: "terms/index.html",
    8: "p/:title/index.html",
    9: "con/index.html",
    10: "nul2/index.html",
    11: "parent-page/index.html",
    12: "parent-page/post/index.html",
    **{20 + n: f"{t.lower()}-{n}/post/index.html" for n, t in enumerate(HOSTILE_TYPES)},
}


def one_line(text: str) -> str:
    """What a header value must be: whitespace runs as one space, other controls gone."""
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
    return " ".join(kept.split())


def build(pelican: str, site: Path) -> Path:
    proc = subprocess.run(
        [pelican, "content", "-s", "pelicanconf.py", "-o", "output", "--fatal", "warnings"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site / "output"


def headers(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_samples_build_at_old_urls_with_threads(pelican: str, sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    wxrtool.convert(sample, "pelican", str(site), scaffold=True)
    output = build(pelican, site)
    posts = {p.id: p for p in wxrtool.Selector().apply(wxrtool.read(sample)) if isinstance(p, wxrtool.Post)}
    kept_old_url = 0
    for source in (site / "content").rglob("*.md"):
        meta = headers(source)
        post = posts[int(meta["Wordpress_id"])]
        if "Save_as" in meta:
            kept_old_url += 1
            page = output / meta["Save_as"]
        else:
            # Its old path is another post's but for case (one file on macOS and Windows):
            # it keeps the scaffold's address, at its slug.
            assert sample.name == "rules.xml" and post.id == 11, source
            page = output / meta["Slug"] / "index.html"
        document = lxml.html.parse(str(page)).getroot()
        assert post.title in document.text_content()
        # (what check-urls tells a page by: an old address reaching another item's page was "found")
        assert [e.get("data-wordpress-id") for e in document.xpath("//*[@data-wordpress-id]")] == [str(post.id)]
        # (the featured image, as WordPress's themes show it: the theme showed none)
        featured = document.xpath('//img[@class="featured"]/@src')
        assert featured == [meta["Image"]] if "Image" in meta else featured == []
        anchors = document.xpath('//a[starts-with(@id, "comment-")]')
        shown = [(int(a.get("id").split("-")[1]), len(a.xpath("ancestor::li")) - 1) for a in anchors]
        expected = [(n.comment.id, n.depth) for n, _ in wxrtool.walk(wxrtool.build_threads(post.comments))]
        expected += [(ping.id, 0) for ping in post.pings]  # (each ping has its anchor too, after the thread)
        assert shown == expected
    assert kept_old_url >= len([p for p in posts.values() if p.type == "post" and p.link]) - 1


@pytest.mark.parametrize("path", fixture_cases(p for p in FIXTURE_FILES if readable(p)))
def test_fixtures_build(pelican: str, path: Path, tmp_path: Path) -> None:
    account = wxrtool.convert(path, "pelican", str(tmp_path / "s"), wxrtool.Selection.everything(), scaffold=True)
    assert account.balanced()
    build(pelican, tmp_path / "s")


@pytest.mark.parametrize("recover", [False, True], ids=["valid", "nul-and-x01-recovered"])
def test_hostile_export_pages_land_at_their_own_places(pelican: str, recover: bool, tmp_path: Path) -> None:
    source = HOSTILE
    if recover:
        # NUL and \x01 are not XML; --recover lets them through to the writer.
        source = tmp_path / "export.xml"
        text = HOSTILE.read_text(encoding="utf-8").replace("<![CDATA[Victim]]>", "Vic\x00tim\x01 one")
        source.write_bytes(text.replace("Cat\nSave_as", "Cat\x01\x00Save_as").encode("utf-8"))
    site = tmp_path / "jail" / "site"
    site.parent.mkdir()
    wxrtool.convert(source, "pelican", str(site), wxrtool.Selection.everything(), scaffold=True, recover=recover)
    output = build(pelican, site)
    for root, _dirs, files in os.walk(site.parent):
        for name in files:
            assert (Path(root) / name).resolve().is_relative_to(site), (root, name)
    posts = {p.id: p for p in wxrtool.Reader(source, recover=recover) if isinstance(p, wxrtool.Post)}
    seen = {}
    for source_file in (site / "content").rglob("*.md"):
        head = source_file.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
        keys = [line.split(": ", 1)[0] for line in head]
        assert len(keys) == len(set(keys)), head  # no value started a header of its own
        meta = headers(source_file)
        post = posts[int(meta["Wordpress_id"])]
        assert meta["Title"] == one_line(post.title)
        assert meta["Status"] == "published"
        if post.categories:
            assert meta["Category"] == one_line(post.categories[0])
        if post.tags:
            assert meta["Tags"] == ", ".join(one_line(t).replace(",", " ") for t in post.tags)
        assert all(ch.isprintable() for line in head for ch in line), head
        seen[post.id] = meta
        assert meta["Save_as"] == HOSTILE_SAVE_AS[post.id]
        page = output / meta["Save_as"]
        assert one_line(post.title) in lxml.html.parse(str(page)).getroot().text_content()
    assert seen[7]["Image"] == "https://example.com/up/a%20b.jpgStatus:%20draft"
    # One page per item, none overwritten: every page Pelican wrote at a <path>/index.html is one we asked for.
    pages = {str(p.relative_to(output)) for p in output.rglob("index.html") if p.is_file() and p.parent != output}
    assert pages == set(HOSTILE_SAVE_AS.values())
    assert len(seen) == len(HOSTILE_SAVE_AS)


def test_links_pelican_would_read_as_files_to_copy_are_only_links(pelican: str, tmp_path: Path) -> None:
    """Pelican copies the file behind an address starting "{attach}", "{static}", "{filename}" or
    "|attach|" into the site: a post's image (or one approved comment's link) published any file
    the builder could read. Such an address is percent-encoded, as a browser sends it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the builder's own secret\n", encoding="utf-8")
    up = "../" * 30 + str(secret).lstrip("/")
    text = Path(SAMPLE_FILES[0].parent / "klout.xml").read_text(encoding="utf-8")
    hostile = (
        f'<img src="{{attach}}{up}"> <a href="{{static}}/{up}">s</a> <a href="{{filename}}{up}">f</a>'
        f' <video src="{{attach}}{up}"></video> '
    )
    text = text.replace("<content:encoded><![CDATA[", "<content:encoded><![CDATA[" + hostile, 1)
    text = text.replace(
        "<wp:comment_content><![CDATA[", f'<wp:comment_content><![CDATA[<a href="|attach|{up}">x</a> ', 1
    )
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "pelican", str(site), scaffold=True)
    output = build(pelican, site)
    for path in output.rglob("*"):
        assert not path.is_file() or b"the builder's own secret" not in path.read_bytes(), path
    page = next(p for p in output.rglob("index.html") if "attach" in p.read_text(encoding="utf-8"))
    shown = lxml.html.parse(str(page)).getroot()
    addresses = [
        e.get("src") or e.get("href")
        for e in shown.xpath("//img|//a|//video")
        if "secret" in (e.get("src") or e.get("href") or "")
    ]
    assert len(addresses) == 5 and all(a.startswith(("%7B", "%7C")) for a in addresses), addresses


def test_what_python_markdown_reads_otherwise_shows_as_wordpress_showed_it(pelican: str, tmp_path: Path) -> None:
    """Pelican's Python-Markdown read fenced code in a list item or a comment (every comment is a
    list item) as a paragraph of backticks, showed the backslash of "\\<" and "\\~", and the tildes
    of "~~gone~~". Found by a helper building fixtures with the real Pelican."""
    text = (SAMPLE_FILES[0].parent / "klout.xml").read_text(encoding="utf-8")
    content = (
        "<ul><li>Steps:<pre><code>a = 1\n\nb = 2</code></pre></li></ul>"
        "<p>Write &lt;tags&gt; as text, a ~ and &amp;, <del>gone</del> and <s>struck</s>.</p>"
        "<table><tr><td>~</td><td>x</td></tr></table>"
    )
    text = text.replace("<content:encoded><![CDATA[", "<content:encoded><![CDATA[" + content, 1)
    at = text.index("<wp:comment_content><![CDATA[") + len("<wp:comment_content><![CDATA[")
    text = text[:at] + "<pre>print(1)\nprint(2)</pre>" + text[at:]
    source = tmp_path / "export.xml"
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    wxrtool.convert(source, "pelican", str(site), scaffold=True)
    page = lxml.html.parse(str(build(pelican, site) / "why-i-deleted-my-klout-profile" / "index.html")).getroot()
    codes = [pre.text_content() for pre in page.iter("pre")]
    assert "a = 1\n\nb = 2\n" in codes and "print(1)\nprint(2)\n" in codes, codes
    shown = page.text_content()
    assert "Write <tags> as text, a ~ and &," in shown and "\\" not in shown
    assert [e.text for e in page.iter("del", "s")] == ["gone", "struck"] and "~~" not in shown
    assert "~" in [cell.text_content() for cell in page.iter("td", "th")]


def test_the_marked_templates_are_found_from_anywhere(pelican: str, tmp_path: Path) -> None:
    """Pelican reads THEME_TEMPLATES_OVERRIDES from where it runs: built from the site's parent
    folder, the pages had no data-wordpress-id and no featured image, unsaid."""
    site = tmp_path / "site"
    wxrtool.convert(SAMPLE_FILES[0].parent / "klout.xml", "pelican", str(site), scaffold=True)
    subprocess.run(
        [pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, check=True,
    )  # fmt: skip
    page = lxml.html.parse(str(tmp_path / "out" / "why-i-deleted-my-klout-profile" / "index.html")).getroot()
    assert page.xpath("//*[@data-wordpress-id]") and page.xpath('//img[@class="featured"]')
