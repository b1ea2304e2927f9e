"""Ghost, remark42, Disqus, JSON and split against hostile exports (a third review's findings, kept)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest

import wxrtool
from wxrtool.split import split

SCRIPT = '<img src=x onerror="document.title=1"><script>alert(1)</script>'


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def item(post_id: int, *, kind: str = "post", link: str = "", title: str = "T", extra: str = "") -> str:
    return (
        f"<item><title>{cdata(title)}</title><link>{cdata(link or f'https://x.example/p{post_id}/')}</link>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_name>p{post_id}</wp:post_name>"
        "<wp:post_date>2024-01-02 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-02 10:00:00</wp:post_date_gmt>"
        f"<wp:status>{'inherit' if kind == 'attachment' else 'publish'}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type>{extra}</item>"
    )


def meta(key: str, value: str) -> str:
    return f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"


def comment(comment_id: int) -> str:
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id><wp:comment_author>Eve</wp:comment_author>"
        "<wp:comment_date>2024-01-03 10:00:00</wp:comment_date><wp:comment_date_gmt>2024-01-03 10:00:00"
        "</wp:comment_date_gmt><wp:comment_content>hi</wp:comment_content><wp:comment_approved>1"
        "</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent>"
        "</wp:comment>"
    )


def export(path: Path, items: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>S</title>'
        f"<link>https://x.example</link><wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_ghost_feature_image_and_caption_carry_no_script(tmp_path: Path) -> None:
    attachment = item(
        9,
        kind="attachment",
        extra=f"<excerpt:encoded>{cdata(SCRIPT + 'A caption')}</excerpt:encoded>"
        "<wp:attachment_url>javascript:alert(document.cookie)</wp:attachment_url>",
    )
    source = export(tmp_path / "x.xml", item(1, extra=meta("_thumbnail_id", "9")) + attachment)
    wxrtool.convert(source, "ghost", str(tmp_path / "g.json"))
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["data"]
    post = next(p for p in data["posts"] if p["title"] == "T" and p["type"] == "post")
    assert post["feature_image"] is None
    caption = data["posts_meta"][0]["feature_image_caption"]
    assert "A caption" in caption
    for element in lxml.html.fragment_fromstring(caption, create_parent="div").iter():
        assert element.tag != "script" and not any(name.startswith("on") for name in element.attrib)


def test_json_has_no_nan_or_infinity(tmp_path: Path) -> None:
    values = meta("nan", "d:NAN;") + meta("inf", "a:2:{i:0;d:INF;i:1;d:-INF;}")
    source = export(tmp_path / "x.xml", item(1, extra=values))
    for fmt in ("json", "jsonl"):
        out = tmp_path / f"out.{fmt}"
        wxrtool.convert(source, fmt, str(out), wxrtool.Selection.everything())
        text = out.read_text(encoding="utf-8")

        def strict(constant: str) -> None:
            raise ValueError(f"{constant} is not JSON")

        for document in [text] if fmt == "json" else text.splitlines():
            json.loads(document, parse_constant=strict)
        assert '"NAN"' in text and '"-INF"' in text  # PHP's spelling, as text


def test_remark42_locates_threads_only_by_safe_urls(tmp_path: Path) -> None:
    source = export(tmp_path / "x.xml", item(1, link="javascript:alert(1)//", extra=comment(5)))
    wxrtool.convert(source, "remark42", str(tmp_path / "r.jsonl"))
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("javascript" not in line.get("locator", {}).get("url", "") for line in lines[1:])


def test_split_is_linear_on_a_chain_of_parents(tmp_path: Path) -> None:
    """Each page the parent of the next: a review found split cubic here (3,000 pages, 23 s)."""

    def seconds(count: int) -> float:
        pages = "".join(
            item(n, kind="page", extra=f"<wp:post_parent>{n + 1 if n < count else 0}</wp:post_parent>")
            for n in range(1, count + 1)
        )
        source = export(tmp_path / f"chain{count}.xml", pages)
        started = time.process_time()
        report = split(source, 10_000_000, str(tmp_path / f"parts{count}"))
        assert sum(report.items) == count
        return time.process_time() - started

    small, large = seconds(1000), seconds(4000)
    assert large < 8 * max(small, 0.01), (small, large)


def test_split_refuses_parts_that_would_be_mostly_their_header(tmp_path: Path) -> None:
    """A header (here 400 tags) just under --max-size, repeated in each part: each small item had a
    part of its own, the parts many times the export (a review: 2 MB in, 1 GB out)."""
    tags = "".join(
        f"<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>tag-{n}</wp:tag_slug><wp:tag_name>Tag {n}</wp:tag_name></wp:tag>"
        for n in range(400)
    )
    source = export(tmp_path / "x.xml", tags + "".join(item(n) for n in range(1, 201)))
    header = 400 * 207  # (about: each tag's lines in the parts' header)
    with pytest.raises(wxrtool.WXRError, match="more than three quarters of --max-size") as raised:
        split(source, int(header * 1.2), str(tmp_path / "parts"))
    assert "give --max-size of at least" in (raised.value.hint or "")
    assert not (tmp_path / "parts").exists()
    report = split(source, header * 4, str(tmp_path / "fine"))  # (room for the items: a few parts, each half items)
    assert sum(report.items) == 200


def test_isso_imports_every_thread_untitled_or_sharing_a_link(isso: str, tmp_path: Path) -> None:
    shared = "https://x.example/same/"
    items = (
        item(1, title="", extra=comment(11) + comment(12))
        + item(2, link=shared, extra=comment(21))
        + item(3, link=shared, extra=comment(31))
        # One path to isso, which keys a thread by it: a UNIQUE error, and every comment after lost.
        + item(4, link="http://x.example/same/", extra=comment(41))
        + item(5, link="https://X.EXAMPLE/same/", extra=comment(51))
        + item(6, link="https://x.example/same/?p=5", extra=comment(61))  # (what item 5's would be)
    )
    wxrtool.convert(export(tmp_path / "x.xml", items), "disqus", str(tmp_path / "d"))
    database = tmp_path / "comments.db"
    config = tmp_path / "isso.cfg"
    config.write_text(f"[general]\ndbpath = {database}\nhost = http://localhost/\n")
    for part in sorted((tmp_path / "d").glob("disqus-*.xml")):
        proc = subprocess.run([isso, "-c", str(config), "import", str(part)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT COUNT(*) FROM comments").fetchone() == (7,)
    assert connection.execute("SELECT COUNT(*) FROM threads").fetchone() == (6,)


def test_json_lines_take_integers_past_64_bits(tmp_path: Path) -> None:
    source = export(tmp_path / "x.xml", item(99999999999999999999999, extra=meta("big", "i:99999999999999999999999;")))
    wxrtool.convert(source, "jsonl", str(tmp_path / "out.jsonl"), wxrtool.Selection.everything())
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    post = next(line for line in lines if line["record"] == "post")
    # (an id is held at PHP's largest integer, as WordPress's importer holds it: quirks.parse_int;
    # a number in a meta value is data, written as it is)
    assert post["id"] == 2**63 - 1
    assert 99999999999999999999999 in [m.get("unserialized") for m in post["meta"]]


# --media placement and batches (a fifth review's findings, kept).


def media_export(tmp_path: Path, files: dict[str, bytes], items: str) -> tuple[Path, Path]:
    """An export and a media folder holding ``files`` (URL -> bytes) where `media --download` puts them."""
    from wxrtool.media import local_path

    folder = tmp_path / "media"
    for url, data in files.items():
        target = folder / local_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return export(tmp_path / "x.xml", items), folder


def page(post_id: int, slug: str, parent: int, content: str) -> str:
    return (
        item(post_id, kind="page", extra=f"<wp:post_parent>{parent}</wp:post_parent>")
        .replace(f"<wp:post_name>p{post_id}</wp:post_name>", f"<wp:post_name>{slug}</wp:post_name>")
        .replace("</item>", f"<content:encoded>{cdata(content)}</content:encoded></item>")
    )


def test_a_media_file_named_like_a_child_page_does_not_stop_the_conversion(tmp_path: Path) -> None:
    url = "https://x.example/uploads/x.jpg"
    items = page(1, "parent", 0, f'<img src="{url}">') + page(2, "x.jpg", 1, f'<img src="{url}">')
    source, media = media_export(tmp_path, {url: b"jpeg"}, items)
    for fmt in ("markdown", "hugo", "jekyll", "pelican"):
        account = wxrtool.convert(source, fmt, str(tmp_path / fmt), media=str(media))
        assert account.written["items"] == 2, fmt
        assert account.media_copied == 1, fmt  # (one URL, copied for each page that could take it)
    # The child first: its folder is there before the parent's file would be (kept as a link).
    reordered = export(
        tmp_path / "y.xml", page(2, "x.jpg", 1, f'<img src="{url}">') + page(1, "parent", 0, f'<img src="{url}">')
    )
    for fmt in ("markdown", "hugo"):
        account = wxrtool.convert(reordered, fmt, str(tmp_path / f"{fmt}-2"), media=str(media))
        assert account.written["items"] == 2, fmt


def test_media_links_are_url_paths_and_links_in_the_folder_are_not_followed(tmp_path: Path) -> None:
    odd = "https://x.example/uploads/a%25b%23c.jpg"  # a file named "a%b#c.jpg"
    linked = "https://x.example/uploads/secret.jpg"
    source, media = media_export(tmp_path, {odd: b"jpeg"}, item(1, extra=""))
    source.write_text(
        source.read_text().replace(
            "</item>", f"<content:encoded>{cdata(f'<img src={odd!r}> <img src={linked!r}>')}</content:encoded></item>"
        )
    )
    secret = tmp_path / "outside.txt"
    secret.write_text("private")
    from wxrtool.media import local_path

    (media / local_path(linked)).symlink_to(secret)
    account = wxrtool.convert(source, "markdown", str(tmp_path / "site"), media=str(media))
    text = (tmp_path / "site" / "posts" / "p1.md").read_text(encoding="utf-8")
    assert "p1/a%25b%23c.jpg" in text
    assert linked in text and linked in account.media_missing
    assert not any(p.read_bytes() == b"private" for p in (tmp_path / "site").rglob("*") if p.is_file())


def test_pelican_media_folders_follow_the_unique_slug(tmp_path: Path) -> None:
    first, second = "https://x.example/2020/same.jpg", "https://x.example/2021/same.jpg"
    items = page(3, "q", 0, f'<img src="{first}">') + item(4, extra="").replace(
        "<wp:post_name>p4</wp:post_name>", "<wp:post_name>q</wp:post_name>"
    ).replace("</item>", f"<content:encoded>{cdata(f'<img src={second!r}>')}</content:encoded></item>")
    source, media = media_export(tmp_path, {first: b"first", second: b"second"}, items)
    wxrtool.convert(source, "pelican", str(tmp_path / "site"), media=str(media))
    images = sorted(p for p in (tmp_path / "site" / "content" / "images").rglob("*.jpg"))
    assert len(images) == 2 and {p.read_bytes() for p in images} == {b"first", b"second"}


def test_a_batch_input_named_dots_gets_a_folder_of_its_own(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from wxrtool.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    export(inputs / "..xml", item(1))
    export(inputs / "b.xml", item(1))
    result = CliRunner().invoke(
        main, ["convert", str(inputs), "--to", "hugo", "-o", str(tmp_path / "sites"), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sites").iterdir()) == ["b", "site-."]
    reported = CliRunner().invoke(
        main, ["convert", str(inputs), "--to", "json", "-o", str(tmp_path / "j"), "--report", str(tmp_path / "r.json")]
    )
    assert reported.exit_code == 0, reported.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(site["name"] for site in report["sites"]) == ["b", "site-."]


def test_a_post_never_takes_another_posts_comments_file(tmp_path: Path) -> None:
    """A review: with --path-template '{slug}' a post slugged 'b.comments.json' replaced b's comments."""
    b = item(1, extra=comment(11)).replace("<wp:post_name>p1</wp:post_name>", "<wp:post_name>b</wp:post_name>")
    named = item(2, extra=comment(21)).replace(
        "<wp:post_name>p2</wp:post_name>", "<wp:post_name>b.comments.json</wp:post_name>"
    )
    for order, items in (("b-first", b + named), ("named-first", named + b)):
        source = export(tmp_path / f"{order}.xml", items)
        out = tmp_path / order
        wxrtool.convert(source, "markdown", str(out), path_template="{slug}", comments_file="json")
        texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if not p.name.startswith(".")}
        posts = [name for name, text in texts.items() if text.startswith("---\n")]
        assert len(texts) == 4 and len(posts) == 2, sorted(texts)  # two posts, two comments files
        for name in set(texts) - set(posts):
            assert json.loads(texts[name]), name
