"""Reading an export in byte ranges, in parallel: the same JSON Lines as one process, always."""

from __future__ import annotations

import dataclasses
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxrtool import convert, read, writers
from wxrtool.errors import ParseError
from wxrtool.index import SiteIndex
from wxrtool.inputs import opened
from wxrtool.parallel import cuts, ranges
from wxrtool.parallel.scan import without_bodies
from wxrtool.read import Reader
from wxrtool.records import Post
from wxrtool.selection import Selection
from wxrtool.writers.protocol import WriteOptions

from .conftest import FIXTURE_FILES, SAMPLE_FILES, fixture_cases, readable, tree

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>Ranges</title>
\t<link>http://example.com</link>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>http://example.com</wp:base_site_url>
\t<wp:author><wp:author_login><![CDATA[ann]]></wp:author_login></wp:author>
"""


def item(
    n: int,
    *,
    status: str = "publish",
    kind: str = "post",
    parent: int = 0,
    date: str = "2020-07-01 10:00:00",
    gmt: str = "2020-07-01 15:00:00",
    content: str = "",
) -> str:
    comment = (
        f"\t\t<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author><![CDATA[C{n}]]></wp:comment_author>"
        f"<wp:comment_author_email>c{n}@example.com</wp:comment_author_email>"
        f"<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[Reply {n}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n"
    )
    return (
        f"\t<item>\n\t\t<title>Item {n}</title>\n\t\t<link>http://example.com/?p={n}</link>\n"
        f"\t\t<dc:creator><![CDATA[ann]]></dc:creator>\n"
        f"\t\t<content:encoded><![CDATA[{content or 'Text of item ' + str(n)}]]></content:encoded>\n"
        f"\t\t<wp:post_id>{n}</wp:post_id>\n\t\t<wp:post_date>{date}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{gmt}</wp:post_date_gmt>\n\t\t<wp:post_name>item-{n}</wp:post_name>\n"
        f"\t\t<wp:status>{status}</wp:status>\n\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
        f"\t\t<wp:post_type>{kind}</wp:post_type>\n{comment}\t</item>\n"
    )


def export(path: Path, items: list[str]) -> Path:
    path.write_text(HEAD + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")
    return path


SMALL = 2048


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut even the bundled samples: ranges of a few kilobytes."""
    monkeypatch.setattr(cuts, "CHUNK_BYTES", SMALL)
    monkeypatch.setattr(cuts, "MIN_CHUNK_BYTES", SMALL)


def both(source: Path, tmp_path: Path, selection: Selection | None = None) -> tuple[bytes, bytes]:
    one = convert(source, "jsonl", str(tmp_path / "one.jsonl"), selection, jobs=1)
    two = convert(source, "jsonl", str(tmp_path / "two.jsonl"), selection, jobs=2)
    assert one.as_dict() == two.as_dict()
    return (tmp_path / "one.jsonl").read_bytes(), (tmp_path / "two.jsonl").read_bytes()


def run(source: Path, tmp_path: Path, selection: Selection | None = None) -> ranges.Outcome | None:
    plan = cuts.plan(source, source.name, 2)
    assert plan is not None and len(plan.starts) > 1
    options = WriteOptions(selection=selection or Selection())
    read = ranges.RangedRead(plan, options, 2)
    with open(tmp_path / "direct.jsonl", "wb") as out:
        try:
            for text, _ in read.texts(writers.get("jsonl").writer.write):
                out.write(text)
        except ranges.RangeFailed:
            return None
    return read.outcome


def cut(path: Path) -> bool:
    """Whether small_ranges cuts ``path``: on the others (a few kilobytes, or no items)
    one process reads the whole file and there is nothing to compare."""
    return cuts.plan(path, path.name, 2, chunk=SMALL) is not None


READABLE_FIXTURES = [p for p in FIXTURE_FILES if readable(p)]
SOURCES = [p for p in SAMPLE_FILES if readable(p)] + fixture_cases(READABLE_FIXTURES)
CUT = [p for p in SAMPLE_FILES if readable(p) and cut(p)] + fixture_cases(p for p in READABLE_FIXTURES if cut(p))


def test_every_sample_is_cut() -> None:
    # So that, fixtures or not, the tests over CUT compare ranges with one process.
    assert all(cut(p) for p in SAMPLE_FILES)


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("everything", [False, True], ids=["visible", "everything"])
@pytest.mark.parametrize("source", CUT, ids=lambda p: p.name)
def test_ranges_write_what_one_process_writes(source: Path, everything: bool, tmp_path: Path) -> None:
    selection = Selection.everything() if everything else None
    one, two = both(source, tmp_path, selection)
    assert one == two != b""


@pytest.mark.usefixtures("small_ranges")
def test_a_local_date_takes_the_offset_of_the_range_before(tmp_path: Path) -> None:
    # Chicago in summer (-5), then drafts with no GMT half, which borrow that offset.
    items = [item(n) for n in range(1, 40)]
    items += [item(n, status="draft", gmt="0000-00-00 00:00:00") for n in range(40, 80)]
    source = export(tmp_path / "drafts.xml", items)
    outcome = run(source, tmp_path, Selection.everything())
    assert outcome is not None and outcome.reread > 0  # the guess "UTC" was wrong, and caught
    one, two = both(source, tmp_path, Selection.everything())
    assert one == two
    assert b'"date":"2020-07-01T10:00:00-05:00","date_utc":null' in two


@pytest.mark.usefixtures("small_ranges")
def test_an_attachment_follows_a_parent_read_in_an_earlier_range(tmp_path: Path) -> None:
    items = [item(1, status="draft")] + [item(n) for n in range(2, 60)]
    items += [item(n, kind="attachment", status="inherit", parent=1) for n in range(60, 70)]
    items += [item(n, kind="attachment", status="inherit", parent=2) for n in range(70, 80)]
    items += [item(n, kind="attachment", status="inherit", parent=999) for n in range(80, 90)]
    source = export(tmp_path / "attachments.xml", items)
    outcome = run(source, tmp_path)
    assert outcome is not None and outcome.reread > 0
    assert outcome.account.left_out["items"]["parent-left-out"] == 10  # the draft's
    one, two = both(source, tmp_path)
    assert one == two


def test_the_main_process_keeps_the_statuses_the_guess_does_not_tell() -> None:
    """Of the items the ranges read, only those not published are kept for the guesses'
    checks (a published parent is what a range guesses): a site's statuses grew with its items."""
    state = ranges._State()
    state.saw([(1, "publish"), (2, "draft"), (3, "publish"), (5, "future")])
    assert dict(state.statuses) == {2: "draft", 5: "future"}
    state.saw([(2, "publish"), (4, "publish"), (6, "private")])  # (a later item of id 2: published)
    assert dict(state.statuses) == {5: "future", 6: "private"}


@pytest.mark.usefixtures("small_ranges")
def test_a_draft_and_a_published_item_of_one_id_in_two_ranges(tmp_path: Path) -> None:
    """The later of two items with one id gives its status to the attachments after it, as in one process."""
    items = [item(1, status="draft")] + [item(n) for n in range(2, 40)] + [item(1)]
    items += [item(n, kind="attachment", status="inherit", parent=1) for n in range(60, 70)]
    source = export(tmp_path / "twice.xml", items)
    one, two = both(source, tmp_path)
    assert one == two
    assert two.count(b'"type":"attachment"') == 10


@pytest.mark.usefixtures("small_ranges")
def test_a_cut_inside_cdata_is_caught_and_the_export_read_again(tmp_path: Path) -> None:
    # A post quoting an export: "</item>\n\t<item>" inside CDATA, where a cut would be wrong.
    quoted = "an export looks like this: " + "</item>\n\t<item>x" * 400
    items = [item(n) for n in range(1, 8)] + [item(8, content=quoted)] + [item(n) for n in range(9, 30)]
    source = export(tmp_path / "quoted.xml", items)
    assert run(source, tmp_path) is None  # a range did not parse
    one, two = both(source, tmp_path)
    assert one == two
    assert two.count(b'"record":"post"') == 29


@pytest.mark.usefixtures("small_ranges")
def test_a_damaged_export_fails_as_in_one_process(tmp_path: Path) -> None:
    text = export(tmp_path / "ok.xml", [item(n) for n in range(1, 60)]).read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(text.replace("<title>Item 50</title>", "<title>Item 50</tilte>"))
    errors = []
    for jobs in (1, 2):
        with pytest.raises(ParseError) as caught:
            convert(broken, "jsonl", str(tmp_path / f"out{jobs}.jsonl"), jobs=jobs)
        errors.append(str(caught.value))
        assert not (tmp_path / f"out{jobs}.jsonl").exists()
    assert errors[0] == errors[1]
    assert ":" in errors[1] and "tilte" in errors[1]


def test_only_plain_files_on_disk_are_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cuts, "MIN_CHUNK_BYTES", 2048)
    source = export(tmp_path / "plain.xml", [item(n) for n in range(1, 60)])
    assert cuts.plan(source, "plain.xml", 2) is not None
    # What may be cut is the input's to say: a plain file on disk, not a compressed one or a stream.
    packed = tmp_path / "packed.xml.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    with opened(source) as plain, opened(packed) as compressed:
        assert plain.path == str(source) and compressed.path is None
    with opened(io.BytesIO(source.read_bytes())) as stream:
        assert stream.path is None and stream.size is None
    tiny = export(tmp_path / "tiny.xml", [item(1)])
    assert cuts.plan(tiny, "tiny.xml", 2) is None


def test_cuts_fall_before_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cuts, "MIN_CHUNK_BYTES", 1024)
    source = export(tmp_path / "plain.xml", [item(n) for n in range(1, 60)])
    plan = cuts.plan(source, "plain.xml", 8)
    assert plan is not None
    data = source.read_bytes()
    assert plan.starts[0] == 0 and len(plan.starts) > 4
    for start in plan.starts[1:]:
        assert data[start:].startswith(b"<item>") and data[:start].rstrip().endswith(b"</item>")
    assert data[: plan.head].endswith(b"<channel>")


# -- formats that render posts: workers read the ranges and render, the main process writes


def rendered_both(source: Path, to: str, tmp_path: Path, selection: Selection | None = None) -> None:
    tmp_path.mkdir(exist_ok=True)
    paths = [tmp_path / f"{to}-{jobs}" for jobs in (1, 2)]
    if to == "ghost":
        paths = [p.with_suffix(".json") for p in paths]
    accounts = [convert(source, to, str(path), selection, jobs=jobs) for path, jobs in zip(paths, (1, 2), strict=True)]
    assert accounts[0].as_dict() == accounts[1].as_dict()
    if to == "ghost":
        assert paths[0].read_bytes() == paths[1].read_bytes()
    else:
        assert tree(paths[0]) == tree(paths[1])
        assert tree(paths[1]) or not accounts[1].written["items"]


RENDERING = ["markdown", "hugo", "jekyll", "pelican", "ghost"]


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("to", RENDERING)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_rendering_formats_write_from_ranges_what_one_process_writes(source: Path, to: str, tmp_path: Path) -> None:
    rendered_both(source, to, tmp_path)


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("to", RENDERING)
def test_rendering_from_ranges_with_guesses_and_a_bad_cut(to: str, tmp_path: Path) -> None:
    drafts = [item(n) for n in range(1, 30)]
    drafts += [item(n, status="draft", gmt="0000-00-00 00:00:00") for n in range(30, 50)]
    drafts += [item(n, kind="attachment", status="inherit", parent=30) for n in range(50, 60)]
    rendered_both(export(tmp_path / "drafts.xml", drafts), to, tmp_path / "a", Selection.everything())
    rendered_both(export(tmp_path / "drafts.xml", drafts), to, tmp_path / "b")
    quoted = "an export looks like this: " + "</item>\n\t<item>x" * 400
    items = [item(n) for n in range(1, 8)] + [item(8, content=quoted)] + [item(n) for n in range(9, 30)]
    rendered_both(export(tmp_path / "quoted.xml", items), to, tmp_path / "c")


def _stamp(post: Post, options: WriteOptions) -> str:
    return post.date.isoformat() if post.date else ""


@pytest.mark.usefixtures("small_ranges")
def test_ranged_records_come_with_their_renders_and_the_guesses_checked(tmp_path: Path) -> None:
    items = [item(n) for n in range(1, 40)]
    items += [item(n, status="draft", gmt="0000-00-00 00:00:00") for n in range(40, 80)]
    source = export(tmp_path / "drafts.xml", items)
    plan = cuts.plan(source, "drafts.xml", 2)
    assert plan is not None
    options = WriteOptions(selection=Selection.everything())
    ranged = ranges.RangedRead(plan, options, 2)
    pairs = list(ranged.entries(_stamp))
    expected = [_stamp(r, options) for r in read(source) if isinstance(r, Post)]
    assert [value for record, value in pairs if isinstance(record, Post)] == expected
    assert ranged.outcome.reread > 0 and ranged.outcome.account.read["items"] == 79
    # Posts come back without what the render used up.
    assert all(r.content_html == "" and r.comments == () for r, _ in pairs if isinstance(r, Post))


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("source", CUT, ids=lambda p: p.name)
def test_the_index_from_ranges_is_the_index_of_one_pass(source: Path) -> None:
    plan = cuts.plan(source, source.name, 2)
    assert plan is not None
    whole = SiteIndex.build(read(source))
    merged = ranges.index(plan, 2)
    assert merged is not None
    for name in ("authors", "attachments", "items", "term_slugs", "terms"):
        assert list(getattr(merged, name).items()) == list(getattr(whole, name).items())
    assert merged.creators == whole.creators


# -- the index's lighter document -------------------------------------------------

TRICKY = [
    "<wp:comment>", "</wp:comment>", "<content:encoded>", "</content:encoded>", "<![CDATA[", "]]>",
    "<!--", "-->", "<?php", "?>", "<", ">", "&", "text", "\n", " ",
]  # fmt: skip


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def tricky_item(n: int, texts: list[str], markup: bool) -> str:
    """An item whose title, content, excerpt, meta and comments hold ``texts``; with
    ``markup``, XML comments and a processing instruction between its elements too."""
    extra = "<!-- </wp:comment> <![CDATA[ -->" if markup else ""
    pi = "<?note </content:encoded> ?>" if markup else ""
    comments = "".join(
        f"<wp:comment>{extra}<wp:comment_id>{n * 10 + i}</wp:comment_id>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content>{pi}</wp:comment>\n"
        for i, text in enumerate(texts)
    )
    return (
        f"<item><title>{cdata(texts[0])}</title>{extra}"
        f"<content:encoded>{cdata(texts[-1])}{cdata(texts[0])}</content:encoded>{pi}"
        f"<excerpt:encoded>{cdata(texts[-1])}</excerpt:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_type>attachment</wp:post_type><wp:post_parent>1</wp:post_parent>"
        f"<wp:attachment_url>{cdata('http://example.com/' + str(n))}</wp:attachment_url>"
        f"{comments}"
        f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        f"<wp:meta_value>{cdata(texts[len(texts) // 2])}</wp:meta_value></wp:postmeta>"
        f"<wp:post_name>{cdata(texts[0])}</wp:post_name></item>\n"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.lists(st.sampled_from(TRICKY), max_size=8).map("".join), min_size=1, max_size=4), max_size=5),
    st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_cutting_the_bodies_never_changes_the_light_read(items: list[list[str]], markup: list[bool]) -> None:
    """Whatever the text holds, the light read of the cut document is the light read of
    the whole one: cuts happen only where they are certain."""
    body = "".join(tricky_item(n + 1, texts, markup[n]) for n, texts in enumerate(items)).encode()
    tail = b"</channel></rss>\n"
    whole = list(read_light(HEAD.encode() + body + tail))
    cut = without_bodies(body)
    assert list(read_light(HEAD.encode() + cut + tail)) == whole
    if not any(markup[: len(items)]) and items:
        assert b"<wp:comment_id>" not in cut  # (and cuts do happen)


def read_light(document: bytes) -> Iterator[object]:
    """The light read's records, without their line numbers (which the cut changes and
    the index does not keep)."""
    for record in Reader(io.BytesIO(document), "test", light=True):
        yield dataclasses.replace(record, line=None) if isinstance(record, Post) else record


def test_the_index_parses_ranges_without_their_bodies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = export(tmp_path / "many.xml", [item(n, content="x" * 500) for n in range(1, 200)])
    monkeypatch.setattr(cuts, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(cuts, "MIN_CHUNK_BYTES", 8192)
    plan = cuts.plan(source, source.name, 2)
    assert plan is not None and len(plan.starts) > 3
    for k in range(len(plan.starts)):
        full, light = cuts.document(plan, k), cuts.document(plan, k, light=True)
        assert b"<wp:comment>" in full and b"<content:encoded>" in full
        assert b"<wp:comment>" not in light and b"<content:encoded>" not in light
        assert light.count(b"<wp:post_id>") == full.count(b"<wp:post_id>")


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("to", ["markdown", "hugo"])
def test_media_are_placed_when_workers_read_the_ranges(to: str, tmp_path: Path) -> None:
    """--media reads each post's content for the URLs it uses: a post from a range must still have it."""
    from wxrtool.media import local_path

    media = tmp_path / "media"
    items = []
    for n in range(1, 40):
        url = f"http://example.com/wp-content/uploads/pic-{n}.png"
        target = media / local_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"\x89PNG picture %d" % n)
        items.append(item(n, content=f'<img src="{url}" alt="p{n}">'))
    source = export(tmp_path / "pictures.xml", items)
    assert cut(source)
    accounts = [convert(source, to, str(tmp_path / f"out{jobs}"), media=str(media), jobs=jobs) for jobs in (1, 2)]
    assert accounts[0].media_copied == 39 and not accounts[0].media_missing
    assert accounts[1].as_dict() == accounts[0].as_dict()
    assert tree(tmp_path / "out1") == tree(tmp_path / "out2")


def test_items_without_a_type_are_cut_in_linear_time() -> None:
    # Whether an item is a reusable block (whose content the index keeps) is read within the item,
    # once: the search for a type after each content ran to the stretch's end when none had one.
    from .timing import grows_linearly

    def cut(n: int) -> None:
        without_bodies(b"<item><content:encoded><![CDATA[x]]></content:encoded></item>" * n)

    grows_linearly(cut, 20_000)
    block = (
        b"<item><content:encoded><![CDATA[<p>kept</p>]]></content:encoded>"
        b"<wp:post_type><![CDATA[wp_block]]></wp:post_type></item>"
        b"<item><content:encoded><![CDATA[<p>cut</p>]]></content:encoded><wp:post_type>post</wp:post_type></item>"
    )
    assert b"kept" in without_bodies(block) and b"cut" not in without_bodies(block)
