"""WXR out and `wxrtool split`: what comes back in equals what went out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import wxrtool
from wxrtool.cli import main
from wxrtool.split import parse_size, split

from .conftest import FIXTURE_FILES, SAMPLE_FILES, SAMPLES, fixture_cases, readable

WP = "{http://wordpress.org/export/1.2/}"


def wall(value: object) -> str:
    # Local wall time: the offset of a date without a GMT half is inferred from the
    # items read before it, which a part of a split export does not have.
    return str(value.replace(tzinfo=None)) if value is not None else "None"  # type: ignore[attr-defined]


def snapshot(post: wxrtool.Post, importable: bool = False) -> tuple:  # type: ignore[type-arg]
    """What a test compares of an item; ``importable``: each reply's parent as WordPress's importer can
    map it (written before it, by id; otherwise the reply is written at the top level)."""
    ids = {c.id for c in (*post.comments, *post.pings)}

    def parent(c: wxrtool.Comment | wxrtool.Ping) -> int:
        return c.parent if not importable or (c.parent in ids and c.parent < c.id) else 0

    def response(c: wxrtool.Comment | wxrtool.Ping) -> tuple:  # type: ignore[type-arg]
        # WXR goes back to WordPress, which filters on the way in: comments come back as they were.
        return (
            c.id,
            parent(c),
            c.author,
            c.author_email,
            c.author_url,
            c.author_ip,
            wall(c.date),
            str(c.date_utc),
            c.content_html,
            c.status,
            getattr(c, "type", None),
            tuple((m.key, m.value) for m in c.meta),
        )

    return (
        post.id,
        post.type,
        post.status,
        post.title,
        post.slug_raw,
        post.link,
        post.guid,
        wall(post.date),
        str(post.date_utc),
        wall(post.modified),
        str(post.modified_utc),
        post.author,
        post.content_html,
        post.excerpt_html,
        post.parent,
        post.menu_order,
        post.password,
        post.sticky,
        post.comment_status,
        post.ping_status,
        post.attachment_url,
        tuple((t.taxonomy, t.name) for t in post.terms),
        tuple((m.key, m.value) for m in post.meta),
        tuple(sorted(response(c) for c in post.comments)),
        tuple(sorted(response(p) for p in post.pings)),
    )


def posts(path: Path | str) -> list[wxrtool.Post]:
    return [r for r in wxrtool.read(path) if isinstance(r, wxrtool.Post)]


def importer_checks(path: Path) -> None:
    """What WordPress's importer needs: no DOCTYPE, version 1.2, declared creators, nicenames."""
    text = path.read_text(encoding="utf-8")
    assert "<!DOCTYPE" not in text
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None and channel.findtext(f"{WP}wxr_version") == "1.2"
    logins = {a.findtext(f"{WP}author_login") for a in channel.findall(f"{WP}author")}
    for item in channel.iter("item"):
        # An item with no creator at all is given to the importing user by WordPress.
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") in logins | {""}
        for category in item.findall("category"):
            assert category.get("nicename") and category.get("domain")


@pytest.mark.parametrize(
    "path",
    SAMPLE_FILES + fixture_cases(p for p in FIXTURE_FILES if readable(p)),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_everything_comes_back(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    account = wxrtool.convert(path, "wxr", str(out), wxrtool.Selection.everything())
    assert account.balanced()
    importer_checks(out)
    assert [snapshot(p) for p in posts(out)] == [snapshot(p, importable=True) for p in posts(path)]
    before = [r for r in wxrtool.read(path) if isinstance(r, wxrtool.Term)]
    after = [r for r in wxrtool.read(out) if isinstance(r, wxrtool.Term)]
    assert [(t.taxonomy, t.slug, t.name, t.parent, t.description) for t in after] == [
        (t.taxonomy, t.slug, t.name, t.parent, t.description) for t in before
    ]


def test_filters_apply(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "wxr", str(out))
    kept = posts(out)
    assert {p.status for p in kept} <= {"publish", "inherit"}
    assert all(c.status is wxrtool.CommentStatus.APPROVED for p in kept for c in p.comments)
    assert all(c.author_email == "" and c.author_ip == "" for p in kept for c in p.comments)
    importer_checks(out)


def test_replies_whose_parent_the_importer_cannot_map_are_top_level(tmp_path: Path) -> None:
    """WordPress's importer maps a reply's parent only when it inserted it before, by id, and keeps
    the old id otherwise: a reply to spam would hang under whichever comment has that id in the
    new site. Such replies are written at the top level, as every other format shows them."""
    out = tmp_path / "out.xml"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "wxr", str(out))
    parents = {c.id: c.parent for p in posts(out) for c in p.comments}
    assert parents[514] == 0  # its parent 513 is spam, left out
    assert parents[516] == 0  # its parent 499 is in no export
    assert parents[510] == 0  # its parent 512 comes later: the importer has not inserted it
    assert parents[522] == 0  # its own parent
    assert (parents[520], parents[521]) == (0, 520)  # a cycle, broken where the importer would fail
    everything = tmp_path / "all.xml"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "wxr", str(everything), wxrtool.Selection.everything())
    assert {c.id: c.parent for p in posts(everything) for c in p.comments}[514] == 513  # written: kept


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_attachment_before_its_draft_parent_is_left_out(jobs: int, tmp_path: Path) -> None:
    # Attached to a newer post in the media library, an attachment comes before its parent: read
    # first, it was judged by a parent taken as published, and a draft's media came out.
    items = "".join(
        f"<item><title>{title}</title><link>https://ex.test/?p={n}</link><wp:post_id>{n}</wp:post_id>"
        f"<wp:post_date>2024-03-01 10:00:00</wp:post_date><wp:post_name>item-{n}</wp:post_name>"
        f"<wp:status>{status}</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>{kind}</wp:post_type>"
        + (f"<wp:attachment_url>https://ex.test/wp-content/uploads/{n}.jpg</wp:attachment_url>" if parent else "")
        + "</item>"
        for n, title, status, parent, kind in [
            (5, "early", "inherit", 50, "attachment"),
            (50, "draft", "draft", 0, "post"),
            (60, "public", "publish", 0, "post"),
            (6, "late", "inherit", 60, "attachment"),
        ]
    )
    export = tmp_path / "x.xml"
    export.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        + items
        + "</channel></rss>",
        encoding="utf-8",
    )
    out = tmp_path / "out.xml"
    account = wxrtool.convert(export, "wxr", str(out), jobs=jobs)
    assert sorted(p.id for p in posts(out)) == [6, 60]
    assert account.left_out["items"]["parent-left-out"] == 1


def test_a_featured_image_left_out_takes_its_thumbnail_id_along(tmp_path: Path) -> None:
    # WordPress's importer stores a featured image's old id when the attachment is not in the same
    # import: on the new site it names another item's image (Sample Page is id 2), or nothing.
    out = tmp_path / "posts.xml"
    account = wxrtool.convert(
        SAMPLES / "drafts-and-pages.xml", "wxr", str(out), wxrtool.Selection(types=frozenset({"post"}))
    )
    kept = posts(out)
    ids = {p.id for p in kept}
    thumbnails = [m.value for p in kept for m in p.meta if m.key == "_thumbnail_id"]
    assert all(int(t) in ids for t in thumbnails) and account.content["featured-image-left-out"] == 1
    whole = tmp_path / "all.xml"
    wxrtool.convert(SAMPLES / "drafts-and-pages.xml", "wxr", str(whole))
    assert any(m.key == "_thumbnail_id" for p in posts(whole) for m in p.meta)  # (its image is there)


def test_undeclared_creator_is_declared(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    wxrtool.convert(SAMPLES / "wxr-1.0.xml", "wxr", str(out), wxrtool.Selection.everything())
    logins = [a.login for a in wxrtool.read(out) if isinstance(a, wxrtool.Author)]
    assert logins == ["marion"]
    importer_checks(out)


@pytest.mark.parametrize("limit", ["9KB", "20KB", "1MB"])
def test_split_parts_stand_alone_and_add_up(limit: str, tmp_path: Path) -> None:
    source = SAMPLES / "drafts-and-pages.xml"
    report = split(source, parse_size(limit), str(tmp_path / "parts"))
    part_files = [tmp_path / "parts" / name for name in report.parts]
    assert [p.name for p in sorted((tmp_path / "parts").glob("*.xml"))] == report.parts
    together = []
    for part in part_files:
        importer_checks(part)
        items = posts(part)
        ids = {p.id for p in items}
        for item in items:
            if item.type == "attachment" and item.parent:
                assert item.parent in ids  # an attachment travels with its post
        assert len([r for r in wxrtool.read(part) if isinstance(r, wxrtool.Term)]) == 5
        together += items
        if part.name not in report.oversized:
            assert part.stat().st_size <= parse_size(limit)
    assert sorted(snapshot(p) for p in together) == sorted(snapshot(p) for p in posts(source))  # (every parent)
    if limit == "1MB":
        assert len(part_files) == 1


@pytest.mark.parametrize("source", ["menus.xml", "drafts-and-pages.xml"])
def test_split_keeps_what_the_importer_links_in_one_part(source: str, tmp_path: Path) -> None:
    # WordPress's importer resolves a featured image, a menu entry's item and its parent entry only
    # among the items of one import (processed_posts): across parts, menus lost their entries.
    report = split(SAMPLES / source, parse_size("9KB"), str(tmp_path / "parts"))
    part_of = {p.id: name for name in report.parts for p in posts(tmp_path / "parts" / name)}
    needs = []
    for item in posts(SAMPLES / source):
        meta = {m.key: m.value for m in item.meta}
        needed = [meta.get("_thumbnail_id"), meta.get("_menu_item_menu_item_parent")]
        if meta.get("_menu_item_type") == "post_type":
            needed.append(meta.get("_menu_item_object_id"))
        needs += [(item.id, int(n)) for n in needed if n and n.isdigit() and int(n) in part_of]
    assert len(report.parts) > 1 and needs
    assert [(a, b) for a, b in needs if part_of[a] != part_of[b]] == []


def test_split_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["split", str(SAMPLES / "klout.xml"), "--max-size", "100KB", "-o", str(tmp_path / "p")]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["klout.001.xml\t2 items"]
    from .test_security_formats import export, item

    big = "".join(item(n).replace("</item>", f"<content:encoded>{'x' * 5000}</content:encoded></item>") for n in (1, 2))
    one = CliRunner().invoke(
        main, ["split", str(export(tmp_path / "big.xml", big)), "--max-size", "8KB", "-o", str(tmp_path / "one")]
    )
    assert one.exit_code == 0 and one.stdout.splitlines() == [
        "big.001.xml\t1 item",
        "big.002.xml\t1 item",
    ]  # (not "1 items")
    result = CliRunner().invoke(
        main, ["split", str(SAMPLES / "klout.xml"), "--max-size", "1KB", "-o", str(tmp_path / "q")]
    )
    assert result.exit_code == 1 and "smaller than the header" in result.stderr
    result = CliRunner().invoke(
        main, ["split", str(SAMPLES / "klout.xml"), "--max-size", "ten", "-o", str(tmp_path / "r")]
    )
    assert result.exit_code == 1 and "not a size" in result.stderr


def test_carriage_returns_and_tabs_come_back(tmp_path: Path) -> None:
    """A carriage return (in CDATA, a parser reads it as a line break: a serialized meta value
    holding one no longer decoded) and a tab in an attribute (read as a space: the post's
    category no longer matched its term) are written as character references."""
    source = tmp_path / "x.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        "<wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:term><wp:term_id>3</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy>"
        "<wp:term_slug>a&#9;b</wp:term_slug><wp:term_name>A</wp:term_name></wp:term>"
        "<item><title>One&#13;Two</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type><content:encoded>line&#13;&#10;next&#13;</content:encoded>"
        '<category domain="category" nicename="a&#9;b">A</category>'
        '<wp:postmeta><wp:meta_key>k</wp:meta_key><wp:meta_value>s:3:"v&#13;w";</wp:meta_value></wp:postmeta>'
        "<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_content>hi&#13;there</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment></item></channel></rss>\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.xml"
    wxrtool.convert(source, "wxr", str(out), wxrtool.Selection.everything())
    [before], [after] = posts(source), posts(out)
    assert "\r" in before.content_html and before.terms[0].slug == "a\tb"  # (what the test is about)
    assert snapshot(after) == snapshot(before)
    assert [(t.taxonomy, t.slug) for t in after.terms] == [("category", "a\tb")]
    assert after.meta[0].decoded == "v\rw"
