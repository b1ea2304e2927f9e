"""The streaming reader: records, namespaces, quirks, compression, sources."""

from __future__ import annotations

import bz2
import contextlib
import copy
import gzip
import io
import lzma
import pickle
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest

import wxrtool
from wxrtool import Author, CommentStatus, NotWXRError, ParseError, PingType, Post, Site, Term
from wxrtool.index import SiteIndex

from .conftest import SAMPLE_FILES, SAMPLES

KLOUT = SAMPLES / "klout.xml"


def wxr(items: str = "", header: str = "", ns: str = "http://wordpress.org/export/1.2/", version: str = "1.2") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}"
  xmlns:excerpt="{ns}excerpt/">
<channel><title>T</title><wp:wxr_version>{version}</wp:wxr_version>{header}{items}</channel></rss>
""".encode()


def posts(data: bytes) -> list[Post]:
    return [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, Post)]


def test_klout_sample_records_in_order() -> None:
    records = list(wxrtool.read(KLOUT))
    assert isinstance(records[0], Site)
    kinds = [type(r).__name__ for r in records]
    assert kinds == ["Site", "Author"] + ["Term"] * 6 + ["Post", "Post"]
    post = records[8]
    assert isinstance(post, Post)
    assert (post.id, post.type, post.status, post.slug) == (2033, "post", "publish", "why-i-deleted-my-klout-profile")
    assert len(post.comments) == 36
    assert len(post.pings) == 11
    assert {p.type for p in post.pings} == {PingType.PINGBACK, PingType.TRACKBACK}
    assert all(c.type == "comment" for c in post.comments)
    assert post.categories == ["Featured", "Social Networking"]
    assert post.tags == ["influence", "klout", "social media", "Social Networking"]
    assert post.meta_value("_thumbnail_id") == "2034"


def test_site_header_fields() -> None:
    site = next(iter(wxrtool.read(KLOUT)))
    assert isinstance(site, Site)
    assert site.title == "My Thoughts Exactly"
    assert site.wxr_version == "1.2"
    assert site.base_site_url == "http://jeffturner.info"
    assert site.generator == "https://wordpress.org/?v=6.4.3"
    assert site.exported is not None and site.exported.year == 2024


def test_dates_carry_the_offset_of_their_day() -> None:
    post = next(r for r in wxrtool.read(KLOUT) if isinstance(r, Post) and r.type == "post")
    assert post.date is not None and post.date.utcoffset() == timedelta(hours=-6)  # CST in November
    assert post.date_utc is not None and post.date_utc.hour == 14
    summer = [c for c in post.comments if c.date and c.date.month == 8]
    assert summer and all(c.date.utcoffset() == timedelta(hours=-5) for c in summer if c.date)  # CDT


def test_zero_gmt_date_takes_the_last_offset_and_no_utc() -> None:
    items = posts(
        wxr("""
<item><wp:post_id>1</wp:post_id><wp:post_date>2020-06-01 12:00:00</wp:post_date>
<wp:post_date_gmt>2020-06-01 10:00:00</wp:post_date_gmt></item>
<item><wp:post_id>2</wp:post_id><wp:post_date>2020-06-02 09:00:00</wp:post_date>
<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>
<item><wp:post_id>3</wp:post_id><wp:post_date>0000-00-00 00:00:00</wp:post_date></item>""")
    )
    first, draft, undated = items
    assert first.date_offset_known and first.date_utc is not None
    assert draft.date is not None and draft.date.utcoffset() == timedelta(hours=2)
    assert draft.date_utc is None and not draft.date_offset_known
    assert undated.date is None and undated.date_utc is None


@pytest.mark.parametrize(
    "ns",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.2/",
    ],
)
def test_namespaces_matched_by_uri(ns: str) -> None:
    (item,) = posts(wxr("<item><wp:post_id>7</wp:post_id><wp:post_type>page</wp:post_type></item>", ns=ns))
    assert (item.id, item.type) == (7, "page")


def test_prefix_is_irrelevant_and_foreign_namespace_ignored() -> None:
    data = b"""<rss xmlns:w="http://wordpress.org/export/1.2/" xmlns:wp="http://example.com/fake/">
<channel><w:wxr_version>1.2</w:wxr_version>
<item><w:post_id>5</w:post_id><wp:post_id>666</wp:post_id><w:status>publish</w:status></item>
</channel></rss>"""
    (item,) = posts(data)
    assert item.id == 5 and item.status == "publish"


def test_cdata_and_escaped_text_read_the_same() -> None:
    cdata = posts(
        wxr("<item><content:encoded><![CDATA[<p>a & b</p>]]></content:encoded><title><![CDATA[x]]></title></item>")
    )
    escaped = posts(wxr("<item><content:encoded>&lt;p&gt;a &amp; b&lt;/p&gt;</content:encoded><title>x</title></item>"))
    assert cdata[0].content_html == escaped[0].content_html == "<p>a & b</p>"
    assert cdata[0].title == escaped[0].title == "x"


def test_split_cdata_terminator_reassembles() -> None:
    (item,) = posts(wxr("<item><content:encoded><![CDATA[a ]]]]><![CDATA[> b]]></content:encoded></item>"))
    assert item.content_html == "a ]]> b"


def test_defaults_for_missing_fields() -> None:
    (item,) = posts(wxr("<item><title>Only a title</title></item>"))
    assert (item.id, item.type, item.status, item.slug, item.date) == (0, "post", "draft", "", None)


def test_slug_percent_decoded_once_raw_kept() -> None:
    (item,) = posts(wxr("<item><wp:post_name>%25e6-%e6%97%a5</wp:post_name></item>"))
    assert item.slug == "%e6-日"
    assert item.slug_raw == "%25e6-%e6%97%a5"


def test_comment_kinds_and_statuses() -> None:
    def comment(cid: int, ctype: str, approved: str) -> str:
        return (
            f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_type>{ctype}</wp:comment_type>"
            f"<wp:comment_approved>{approved}</wp:comment_approved></wp:comment>"
        )

    body = "".join(
        [
            comment(1, "", "1"),
            comment(2, "comment", "0"),
            comment(3, "pingback", "1"),
            comment(4, "trackback", "spam"),
            comment(5, "review", "trash"),
            comment(6, "", ""),
            comment(7, "comment", "post-trashed"),
        ]
    )
    (item,) = posts(wxr(f"<item><wp:post_id>9</wp:post_id>{body}</item>"))
    assert [(c.id, c.type, c.status) for c in item.comments] == [
        (1, "comment", CommentStatus.APPROVED),
        (2, "comment", CommentStatus.PENDING),
        (5, "review", CommentStatus.TRASH),
        (6, "comment", CommentStatus.PENDING),
        (7, "comment", CommentStatus.POST_TRASHED),
    ]
    assert [(p.id, p.type, p.status) for p in item.pings] == [
        (3, PingType.PINGBACK, CommentStatus.APPROVED),
        (4, PingType.TRACKBACK, CommentStatus.SPAM),
    ]
    assert all(c.post_id == 9 for c in item.comments + item.pings)  # type: ignore[operator]


def test_meta_serialized_decoded_and_raw_kept() -> None:
    (item,) = posts(
        wxr(
            "<item><wp:postmeta><wp:meta_key>k</wp:meta_key>"
            '<wp:meta_value><![CDATA[a:1:{s:1:"x";i:3;}]]></wp:meta_value></wp:postmeta>'
            "<wp:postmeta><wp:meta_key>bad</wp:meta_key>"
            '<wp:meta_value><![CDATA[a:1:{s:9:"x";i:3;}]]></wp:meta_value></wp:postmeta></item>'
        )
    )
    good, bad = item.meta
    assert good.value == 'a:1:{s:1:"x";i:3;}' and good.serialized and good.decoded == {"x": 3}
    assert bad.serialized and bad.broken and bad.decoded is None


def test_header_authors_and_terms() -> None:
    header = """
<wp:author><wp:author_id>3</wp:author_id><wp:author_login>
  ann
</wp:author_login><wp:author_display_name>Ann</wp:author_display_name></wp:author>
<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>child</wp:category_nicename>
<wp:category_parent>top</wp:category_parent><wp:cat_name>Child</wp:cat_name></wp:category>
<wp:tag><wp:tag_slug>t</wp:tag_slug><wp:tag_name>T</wp:tag_name></wp:tag>
<wp:term><wp:term_taxonomy>genre</wp:term_taxonomy><wp:term_slug>jazz</wp:term_slug><wp:term_name>Jazz</wp:term_name>
<wp:termmeta><wp:meta_key>c</wp:meta_key><wp:meta_value>blue</wp:meta_value></wp:termmeta></wp:term>"""
    records = list(wxrtool.read(io.BytesIO(wxr(header=header))))
    authors = [r for r in records if isinstance(r, Author)]
    terms = [r for r in records if isinstance(r, Term)]
    assert [(a.login, a.id, a.display_name) for a in authors] == [("ann", 3, "Ann")]
    assert [(t.taxonomy, t.slug, t.parent) for t in terms] == [
        ("category", "child", "top"),
        ("post_tag", "t", ""),
        ("genre", "jazz", ""),
    ]
    assert terms[2].meta[0].value == "blue"


def test_header_after_items_is_still_read() -> None:
    data = wxr("<item><wp:post_id>1</wp:post_id></item><wp:author><wp:author_login>late</wp:author_login></wp:author>")
    records = list(wxrtool.read(io.BytesIO(data)))
    assert [type(r).__name__ for r in records] == ["Site", "Post", "Author"]


def test_wxr10_duplicate_category_references_collapse() -> None:
    items = '<item><category><![CDATA[Birds]]></category><category domain="category" nicename="birds">Birds</category>'
    items += '<category domain="tag">winter</category><category domain="tag" nicename="winter">winter</category></item>'
    (item,) = posts(wxr(items, ns="http://wordpress.org/export/1.0/", version="1.0"))
    assert [(t.taxonomy, t.slug, t.name) for t in item.terms] == [
        ("category", "birds", "Birds"),
        ("post_tag", "winter", "winter"),
    ]


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_input_recognised_by_magic(compress, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.xml"  # a misleading name on purpose
    path.write_bytes(compress(KLOUT.read_bytes()))
    assert len([r for r in wxrtool.read(path) if isinstance(r, Post)]) == 2


def test_binary_file_object_source() -> None:
    with KLOUT.open("rb") as f:
        assert sum(isinstance(r, Post) for r in wxrtool.read(f)) == 2


def test_reader_reports_bytes_read() -> None:
    reader = wxrtool.Reader(KLOUT)
    for _ in reader:
        pass
    assert reader.bytes_read == KLOUT.stat().st_size


def test_truncated_file_fails_with_position() -> None:
    data = KLOUT.read_bytes()[:20000]
    with pytest.raises(ParseError) as info:
        list(wxrtool.read(io.BytesIO(data)))
    assert info.value.line is not None and info.value.line > 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<catalog><book/></catalog>", "root element is <catalog>"),
        (wxr(version="abc"), "<wp:wxr_version> is 'abc'"),
        (wxr().replace(b"<wp:wxr_version>1.2</wp:wxr_version>", b""), "there is no <wp:wxr_version>"),
        (b"<item><title>fragment</title></item>", "expected <rss><channel>"),
    ],
)
def test_not_wxr(data: bytes, expected: str) -> None:
    with pytest.raises(NotWXRError, match=expected):
        list(wxrtool.read(io.BytesIO(data)))


def test_missing_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(wxrtool.WXRError, match="No such file"):
        list(wxrtool.read(tmp_path / "nope.xml"))


def test_empty_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        list(wxrtool.read(io.BytesIO(b"")))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_records_pickle_and_copy_unchanged(path: Path) -> None:
    """Records cross to worker processes pickled (``--jobs``): every field comes back,
    and the index's tuples too."""
    records = list(wxrtool.read(path))
    index = SiteIndex.build(records)
    for value in [*records, *index.attachments.values(), *index.items.values()]:
        back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(value)
        assert back == value
        assert [getattr(back, f.name) for f in fields(back)] == [getattr(value, f.name) for f in fields(value)]
        assert copy.deepcopy(value) == value


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (gzip.compress(b"<?xml version='1.0'?><rss/>"), "gzip data (compressed twice?)"),
        (bytes(range(256)) * 20 + b"<hFs x>", "binary data"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4, "binary data"),
    ],
)
def test_binary_data_is_called_so_not_a_document(data: bytes, said: str, tmp_path: Path) -> None:
    # Its first "<" and letter, anywhere in the bytes, was read as the root: "the root element is
    # <hFs> ... another program's or plugin's export?" for an export gzipped twice.
    path = tmp_path / "x.xml.gz"
    path.write_bytes(gzip.compress(data) if said.startswith("gzip") else data)
    with pytest.raises(wxrtool.NotWXRError) as caught:
        list(wxrtool.read(path))
    assert caught.value.message == f"not a WordPress export: {said}"


def test_a_php_warning_in_latin_1_before_the_export_is_still_called_one(tmp_path: Path) -> None:
    # Only a magic number or NUL bytes make data binary: a warning's Latin-1 byte (caf\xe9.php)
    # was "binary data", and the hint to --recover, which removes it, was gone.
    path = tmp_path / "x.xml"
    path.write_bytes(
        b"Warning: Undefined index in /var/www/caf\xe9.php on line 3\n" + (SAMPLES / "klout.xml").read_bytes()
    )
    with pytest.raises(wxrtool.WXRError) as caught:
        list(wxrtool.read(path))
    assert "a PHP warning" in caught.value.message and "--recover" in caught.value.message
    assert list(wxrtool.read(path, recover=True))


def test_an_endless_binary_stream_is_refused_at_its_start(tmp_path: Path) -> None:
    # /dev/zero as the input of a format that reads the export twice: it was copied to a
    # temporary file first, until the disk was full.
    import os
    import threading

    pipe = tmp_path / "zeros"
    os.mkfifo(pipe)
    written = []

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as writer:
            for _ in range(1024):  # (64 MB at most)
                writer.write(b"\0" * 65536)
                written.append(1)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with pytest.raises(wxrtool.NotWXRError, match="binary data"):
        wxrtool.convert(pipe, "markdown", str(tmp_path / "out"))
    feeder.join(timeout=60)
    assert len(written) < 64  # (what the pipe's buffer took before the reader closed it)
