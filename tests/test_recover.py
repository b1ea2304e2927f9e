"""--recover: repairs are right, lossless where they can be, listed always, and chunk-proof."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import lxml.etree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wxrtool
from wxrtool.recover import MAP_OUT, RepairingStream

from .conftest import FIXTURE_FILES, FIXTURES, SAMPLE_FILES, SAMPLES, fixture_cases, needs_fixtures, readable

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><wp:wxr_version>1.2</wp:wxr_version>\n'


def export_bytes(contents: list[str], pad: int = 0) -> bytes:
    items = "".join(
        f"<item><wp:post_id>{i}</wp:post_id><title>{' ' * pad}t{i}</title><content:encoded><![CDATA[{c}]]></content:encoded></item>\n"
        for i, c in enumerate(contents, 1)
    )
    return (HEAD + items + "</channel></rss>\n").encode("utf-8", "surrogateescape")


def recovered(data: bytes) -> tuple[list[wxrtool.Post], wxrtool.Reader]:
    reader = wxrtool.Reader(io.BytesIO(data), recover=True)
    return [r for r in reader if isinstance(r, wxrtool.Post)], reader


def test_control_characters_are_kept_exactly() -> None:
    content = "a\x01b\x1bc\x0bd"
    data = export_bytes([content])
    with pytest.raises(wxrtool.ParseError, match="--recover"):
        list(wxrtool.read(io.BytesIO(data)))
    posts, reader = recovered(data)
    assert posts[0].content_html == content
    assert [r.kind for r in reader.repairs] == ["control-character"] * 3
    assert reader.repairs[0].line == 3


def test_character_references_to_controls() -> None:
    data = (HEAD + "<item><wp:post_id>1</wp:post_id><title>x&#1;y&#x1F;z</title></item></channel></rss>").encode()
    posts, reader = recovered(data)
    assert posts[0].title == "x\x01y\x1fz"
    assert len(reader.repairs) == 2


def test_character_references_of_thousands_of_digits() -> None:
    """Past Unicode, as one past U+10FFFF is; leading zeros read through: int() refuses more than
    4,300 digits, which stopped the repair with a ValueError."""
    long = "&#" + "1" * 4000 + ";&#x" + "0" * 4000 + "41;&#" + "0" * 3999 + "1;"
    data = (HEAD + f"<item><wp:post_id>1</wp:post_id><title>a{long}b</title></item></channel></rss>").encode()
    stream = RepairingStream(io.BytesIO(data))
    repaired = stream.read()
    assert (
        lxml.etree.fromstring(repaired.split(b"\n", 1)[1]).findtext("channel/item/title")
        == "a\ufffdA" + MAP_OUT[1] + "b"
    )
    assert [r.kind for r in stream.repairs] == ["invalid-reference", "control-character"]


@pytest.mark.parametrize(
    ("reference", "read_as"),
    [
        ("&#" + "1" * 4000 + ";", "\ufffd"),
        ("&#x" + "0" * 4000 + "41;", "A"),
        ("&#" + "0" * 4091 + "65;", "A"),  # (the longest reference: 4,096 characters)
        ("&#" + "0" * 4092 + "65;", "&#" + "0" * 4092 + "65;"),  # one more: a raw "&" and text
        ("&#" + "1" * 5000 + ";", "&#" + "1" * 5000 + ";"),
        ("&amp;", "&"),
    ],
    ids=["past-unicode", "leading-zeros", "longest", "one-longer", "5000-digits", "entity"],
)
@pytest.mark.parametrize("before_cut", [None, 1, 2, 40, 41, 4000, 4095, 4096, 4097])
def test_a_reference_reads_the_same_wherever_a_block_ends(reference: str, read_as: str, before_cut: int | None) -> None:
    """The filter reads the file in blocks of 64 KiB: a reference cut by a block's end is read as
    a whole one is (one of 41 or more characters was a raw "&" and text when cut, U+FFFD when not)."""
    start = HEAD + "<item><wp:post_id>1</wp:post_id><title>"
    filler = "x" * ((65536 - before_cut - len(start)) if before_cut else 10)
    data = (start + filler + reference + "b</title></item></channel></rss>").encode()
    repaired = RepairingStream(io.BytesIO(data)).read()
    title = lxml.etree.fromstring(repaired.split(b"\n", 1)[1]).findtext("channel/item/title")
    assert title == filler + read_as + "b"


def test_bad_bytes_become_replacement_characters_and_are_listed() -> None:
    data = export_bytes(["ok"]).replace(b"t1", b"t\xe91\xff")
    posts, reader = recovered(data)
    assert posts[0].title == "t\ufffd1\ufffd"
    assert [r.detail[:9] for r in reader.repairs] == ["byte 0xE9", "byte 0xFF"]


def test_raw_ampersands_and_stray_terminators() -> None:
    data = (
        HEAD + "<item><wp:post_id>1</wp:post_id><title>Tom & Jerry ]]> &amp; &lt;</title>"
        "<link>https://x.org/?a=1&b=2</link></item></channel></rss>"
    ).encode()
    posts, reader = recovered(data)
    assert posts[0].title == "Tom & Jerry ]]> & <" and posts[0].link == "https://x.org/?a=1&b=2"
    assert sorted({r.kind for r in reader.repairs}) == ["stray-cdata-end", "unescaped-ampersand"]


@needs_fixtures
def test_wordpress_30_nested_cdata_reads_as_the_fixed_export_does() -> None:
    broken = [
        r
        for r in wxrtool.read(FIXTURES / "WordPress__wordpress-importer/crazy-cdata.xml", recover=True)
        if isinstance(r, wxrtool.Post)
    ]
    fixed = [
        r
        for r in wxrtool.read(FIXTURES / "WordPress__wordpress-importer/crazy-cdata-escaped.xml")
        if isinstance(r, wxrtool.Post)
    ]
    assert broken[0].content_html == fixed[0].content_html
    assert [(m.key, m.value) for m in broken[0].meta] == [(m.key, m.value) for m in fixed[0].meta]


@pytest.mark.parametrize(
    "content",
    [
        "<p>if (a[b[i]]>0) return;</p>",  # (text after it)
        "<p>x]]><b>y</b></p>",  # (a tag after it)
        "<p>x]]></p><p>y</p>",  # (an end tag of the content's own HTML after it)
    ],
)
def test_a_bare_terminator_in_cdata_is_text(content: str) -> None:
    """WordPress 3.0's exporter wrote a "]]>" of a post as it was: its CDATA section ended there and
    the rest of the export broke; with --recover only the items before it were read, exit 0."""
    data = export_bytes([content, "next"])
    posts, reader = recovered(data)
    assert [p.content_html for p in posts] == [content, "next"]
    assert [r.kind for r in reader.repairs] == ["cdata-terminator"]


def test_truncated_file_keeps_complete_items() -> None:
    data = export_bytes(["one", "two", "three"])
    cut = data.index(b"<item><wp:post_id>3")
    posts, reader = recovered(data[: cut + 30])
    assert [p.id for p in posts] == [1, 2]
    assert reader.repairs[-1].kind == "unreadable-rest"


def test_clean_files_need_no_repair() -> None:
    data = export_bytes(["<p>fine & dandy</p>", "x ]]]]><![CDATA[> y"])
    plain = [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, wxrtool.Post)]
    posts, reader = recovered(data)
    assert [p.content_html for p in posts] == [p.content_html for p in plain]
    assert reader.repairs == []


@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab<>&]]-;\x01\x02\x1f é")), max_size=60).filter(
            lambda s: "]]>" not in s
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 70000),
)
@settings(max_examples=60, deadline=None)
def test_repairs_do_not_depend_on_where_chunks_end(contents: list[str], pad: int) -> None:
    # The padding moves every token across the 64 KiB chunk boundaries of the filter.
    data = export_bytes(contents, pad)
    posts, _ = recovered(data)
    assert [p.content_html for p in posts] == contents  # (as stored: white space too)


def test_filter_output_is_valid_utf8_xml() -> None:
    # A control character, a raw ampersand, a stray "]]", a byte that is not UTF-8 inside
    # the post, and half a character cut off at the very end of the file.
    data = export_bytes(["\x02 & ]] ok \udcc3!"]) + b"\xc3"
    stream = RepairingStream(io.BytesIO(data))
    out = stream.read()
    text = out.decode("utf-8")
    # What follows the root is left out, and listed; up to it, XML.
    assert text.endswith("</rss>")
    assert stream.repairs[-1].kind == "output-after-xml" and stream.repairs[-1].line == 5
    document = out
    root = lxml.etree.fromstring(document, lxml.etree.XMLParser(resolve_entities=False))
    wp = "{http://wordpress.org/export/1.2/}"
    assert root.tag == "rss" and root.findtext(f"channel/{wp}wxr_version") == "1.2"
    content = root.findtext("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert content is not None and content.endswith(" & ]] ok \ufffd!")
    assert not any(ch < " " and ch not in "\t\n\r" for ch in content)
    assert [r.id for r in wxrtool.read(io.BytesIO(document)) if isinstance(r, wxrtool.Post)] == [1]


def best_time(data: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        posts, _ = recovered(data)
        best = min(best, time.process_time() - started)
    assert [p.id for p in posts] == [1, 2]
    return best


@pytest.mark.parametrize("text", ["]", "-"], ids=["brackets", "dashes"])
def test_recovery_time_is_linear_in_a_long_section(text: str) -> None:
    # Each chunk used to be searched again with all that an unfinished token had held back:
    # a 64 MB CDATA section took a minute, a 1.6 KB bzip2 bomb over five.
    def export(size: int) -> bytes:
        return export_bytes([text * (size // len(text)), "after"])

    small, large = best_time(export(1 << 20)), best_time(export(4 << 20))
    assert large / small < 8, (small, large)  # 4 times the input: 4 times the time, give or take; not 16


def test_doctype_inside_the_document_is_refused_where_it_is() -> None:
    data = export_bytes(["one", "two"]).replace(b"<item>", b"<item><!DOCTYPE x [<!ENTITY y 'z'>]>", 2)
    with pytest.raises(wxrtool.UnsafeXMLError) as info:
        recovered(data)
    assert (info.value.line, info.value.column) == (3, 7)


def test_a_flood_of_root_tags_is_linear() -> None:
    """A review found '<rss ' * n quadratic under --recover (400 KB: 30 s)."""

    def seconds(size: int) -> float:
        data = b'<?xml version="1.0"?>' + b"<rss " * (size // 5)
        best = float("inf")
        for _ in range(2):
            started = time.process_time()
            with pytest.raises(wxrtool.WXRError):
                list(wxrtool.read(io.BytesIO(data), recover=True))
            best = min(best, time.process_time() - started)
        return best

    small, large = seconds(100_000), seconds(400_000)
    assert large < 8 * max(small, 0.01), (small, large)


def test_repairs_are_listed_up_to_a_bound_and_counted_past_it() -> None:
    from wxrtool.recover import MAX_LISTED_REPAIRS

    floods = MAX_LISTED_REPAIRS + 500
    data = export_bytes(["x"]).replace(b"<title>t1</title>", b"<title>" + b"a & " * floods + b"</title>")
    reader = wxrtool.Reader(io.BytesIO(data), recover=True)
    posts = [r for r in reader if isinstance(r, wxrtool.Post)]
    assert posts[0].title.count("&") == floods  # every one repaired, and kept
    assert len(reader.repairs) == MAX_LISTED_REPAIRS + 1
    assert reader.repairs[-1].detail == "and 500 more repairs of this kind, not listed one by one"


# -- What PHP and plugins print into an export ----------------------------------------

# Each: the damage, where it goes in a clean export, the repair listed and where (line, column).
WARNING = (
    "<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by (output started at"
    " /var/www/wp-content/plugins/seo/seo.php:12) in <b>/var/www/wp-includes/pluggable.php</b> on line <b>1296</b><br />\n"
)
PRINTED = {
    "php-warning": (WARNING, "start", "a PHP warning ('<br /> <b>Warning</b>: Cannot modify header", (1, 1)),
    # A real user's export: a plugin's generator tag where WordPress writes a comment.
    "meta-generator": (
        '<meta name="generator" content="WordPress 4.9.8" />\n',
        "before-rss",
        'a <meta> element (\'<meta name="generator" content="WordPress 4.9.8" />\')',
        (2, 1),
    ),
    "blank-lines": ("\n\n\n", "start", "3 blank lines", (1, 1)),
    "bom-after-a-line": ("\n\ufeff", "start", "a byte order mark (U+FEFF) and a blank line", (1, 1)),
    "notice-after": (
        "<br />\n<b>Notice</b>:  Undefined index: page in <b>/var/www/wp-content/themes/t/functions.php</b>"
        " on line <b>7</b><br />\n",
        "end",
        "a PHP notice ('<br /> <b>Notice</b>: Undefined index: page",
        (6, 1),
    ),
}


def printed_into(where: str, junk: str) -> bytes:
    clean = export_bytes(["<p>one</p>", "<p>two</p>"]).decode("utf-8")
    if where == "start":
        return (junk + clean).encode("utf-8")
    if where == "before-rss":
        return clean.replace("<rss ", junk + "<rss ", 1).encode("utf-8")
    return (clean + junk).encode("utf-8")


@pytest.mark.parametrize("case", PRINTED)
def test_output_printed_into_an_export_is_removed_and_listed(case: str) -> None:
    junk, where, said, (line, column) = PRINTED[case]
    data = printed_into(where, junk)
    with pytest.raises(wxrtool.ParseError, match="--recover") as info:
        list(wxrtool.read(io.BytesIO(data)))
    assert "not well-formed XML" not in str(info.value)
    posts, reader = recovered(data)
    clean = [
        r for r in wxrtool.read(io.BytesIO(export_bytes(["<p>one</p>", "<p>two</p>"]))) if isinstance(r, wxrtool.Post)
    ]
    assert [p.content_html for p in posts] == [p.content_html for p in clean]
    # Every line keeps its number: records and repairs point into the file as it is.
    lines = data.decode("utf-8").split("\n")
    assert [p.line for p in posts] == [n for n, text in enumerate(lines, 1) if text.startswith("<item>")]
    kind = "output-after-xml" if where == "end" else "output-before-xml"
    assert [(r.kind, r.line, r.column) for r in reader.repairs] == [(kind, line, column)]
    assert said in reader.repairs[0].detail


def test_a_second_export_after_the_first_is_listed_as_not_read() -> None:
    data = export_bytes(["one"]) + export_bytes(["two"])
    posts, reader = recovered(data)
    assert [p.content_html for p in posts] == ["one"]
    assert [r.kind for r in reader.repairs] == ["unreadable-rest"] and "two exports" in reader.repairs[0].detail


def test_comments_after_the_root_are_no_repair() -> None:
    data = export_bytes(["one"]) + b"<!-- Performance optimized by W3 Total Cache -->\n\n"
    posts, reader = recovered(data)
    assert [p.content_html for p in posts] == ["one"] and reader.repairs == []


def test_a_declaration_after_a_comment_is_moved_to_the_start() -> None:
    data = b"<!-- cached -->\n" + export_bytes(["one"])
    with pytest.raises(wxrtool.ParseError, match="--recover moves there"):
        list(wxrtool.read(io.BytesIO(data)))
    posts, reader = recovered(data)
    assert [p.line for p in posts] == [4]
    assert [(r.kind, r.line, r.column) for r in reader.repairs] == [("misplaced-declaration", 2, 1)]


# -- Only real repairs -----------------------------------------------------------------


INTACT = [
    *(pytest.param(p, id=p.name) for p in SAMPLE_FILES),
    *fixture_cases([p for p in FIXTURE_FILES if readable(p)]),
]


@pytest.mark.parametrize("path", INTACT)
def test_an_intact_export_reads_the_same_with_no_repair(path: Path) -> None:
    """Issue 17: an intact export read with --recover got "3 undeclared-prefix repairs" from
    prefixes in CDATA; and a CDATA section holding the text "<![CDATA[" lost the rest of the file."""
    reader = wxrtool.Reader(path, recover=True)
    assert list(reader) == list(wxrtool.read(path)) and reader.repairs == []


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252"])
def test_an_export_in_another_encoding_needs_no_repair(encoding: str) -> None:
    """The filter reads UTF-8: a byte past ASCII in Latin-1 was "not UTF-8", and the repaired
    text came out as mojibake ("Cafï¿½") under a declaration that still said Latin-1."""
    text = HEAD.replace('encoding="UTF-8"', f'encoding="{encoding}"') + (
        "<item><wp:post_id>1</wp:post_id><title>Café \u2013 crème</title></item></channel></rss>"
    )
    data = text.encode("cp1252")
    plain = [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, wxrtool.Post)]
    posts, reader = recovered(data)
    assert posts == plain and reader.repairs == []
    assert posts[0].title == ("Café \x96 crème" if encoding == "ISO-8859-1" else "Café \u2013 crème")


def test_prefixes_inside_cdata_are_text() -> None:
    content = '<fb:like href="x"></fb:like> og:title <atom:link rel="self"/> <media:content url="y"/> <georss:point/>'
    data = export_bytes([content])
    posts, reader = recovered(data)
    assert posts[0].content_html == content and reader.repairs == []
    used = data.replace(b"<title>", b'<atom:link href="z"/><title>')
    posts, reader = recovered(used)
    assert [(r.kind, r.detail[:5]) for r in reader.repairs] == [("undeclared-prefix", "atom:")]


def test_a_prefix_declared_where_it_is_used_is_no_repair() -> None:
    data = export_bytes(["x"]).replace(
        b"<title>", b'<media:content xmlns:media="http://search.yahoo.com/mrss/"/><title>'
    )
    _, reader = recovered(data)
    assert reader.repairs == []


@pytest.mark.parametrize(
    ("content", "end"),
    [
        ("Start a section with <![CDATA[ and end it with ]]]]><![CDATA[>.", "]]]]>"),  # as WordPress 3.1+ writes it
        ("Start a section with <![CDATA[ in XML.", "]]></content"),  # the text alone, then its element's end
        ("<![CDATA[ one <![CDATA[ two ]]]]><![CDATA[> three", "]]]]>"),
    ],
    ids=["split", "unclosed", "twice"],
)
@pytest.mark.parametrize("shift", [None, 0, 1, 5, 9])
def test_cdata_markers_as_text_are_no_nesting(content: str, end: str, shift: int | None) -> None:
    # The shifts put the end of the section's first "]]>" at the filter's first 64 KiB chunk's
    # end, or just before it, so that what says what it ends is in the next chunk.
    pad = 0
    if shift is not None:
        at = export_bytes([content, "after"]).index(end.encode()) + end.index("]]>") + 3
        pad = (1 << 16) - at - shift
    data = export_bytes([content, "after"], pad)
    plain = [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, wxrtool.Post)]
    posts, reader = recovered(data)
    assert posts == plain and len(posts) == 2 and reader.repairs == []
    stream = RepairingStream(io.BytesIO(data))  # (the filter alone: its chunks start at the file's)
    root = lxml.etree.fromstring(stream.read())
    texts = [e.text for e in root.iter("{http://purl.org/rss/1.0/modules/content/}encoded")]
    assert texts == [p.content_html for p in plain]
    assert stream.repairs == []


def test_html_entities_outside_cdata_are_named_and_repaired(tmp_path: Path) -> None:
    # WordPress writes the site's title and tagline outside CDATA as typed: "A&nbsp;B&hellip;"
    # stopped the parser, which then reported "no element found" at 0:0, and --recover said the
    # file had no <wp:wxr_version>.
    source = (SAMPLES / "klout.xml").read_text(encoding="utf-8")
    tagline = "<description>Jeff&nbsp;Turner&hellip; &bogus; &amp;</description>"
    assert "<description>Jeff Turner</description>" in source
    export = tmp_path / "tagline.xml"
    export.write_text(source.replace("<description>Jeff Turner</description>", tagline, 1), encoding="utf-8")
    with pytest.raises(wxrtool.WXRError) as caught:
        list(wxrtool.read(export))
    line = source[: source.index("<description>Jeff Turner</description>")].count("\n") + 1
    assert "&nbsp; is an entity XML does not define" in str(caught.value) and caught.value.line == line
    assert "--recover" in (caught.value.hint or "")
    reader = wxrtool.Reader(export, recover=True)
    records = list(reader)
    site = records[0]
    assert site.description == "Jeff\u00a0Turner\u2026 &bogus; &"
    assert len(records) == len(list(wxrtool.read(SAMPLES / "klout.xml")))
    assert {r.kind for r in reader.repairs} == {"html-entity", "unescaped-ampersand"}


@pytest.mark.parametrize("compress", ["gzip", "xz", "gzip-bad-crc"])
def test_compressed_data_cut_short_keeps_every_item_a_plain_file_would(compress: str) -> None:
    # --recover of a .gz cut short kept 41 items where its plain text held 45 complete ones: the
    # decompressor's error threw away what it had inflated and the parser had not read yet.
    import gzip
    import hashlib
    import lzma

    contents = [hashlib.sha256(str(i).encode()).hexdigest() * 40 for i in range(300)]
    data = export_bytes(contents)
    if compress == "xz":
        packed = lzma.compress(data)
        cut = packed[: len(packed) * 6 // 10]
    else:
        packed = gzip.compress(data)
        # (a wrong checksum in its last 8 bytes: every byte of the text is there)
        cut = packed[:-8] + b"\0" * 8 if compress == "gzip-bad-crc" else packed[: len(packed) * 6 // 10]
    plain = b""
    with (
        lzma.LZMAFile(io.BytesIO(cut)) if compress == "xz" else gzip.GzipFile(fileobj=io.BytesIO(cut)) as opened,
        contextlib.suppress(EOFError, OSError, lzma.LZMAError),
    ):
        while chunk := opened.read1(512):
            plain += chunk
    expected = [p.id for p in recovered(plain)[0]]
    posts, reader = recovered(cut)
    # (read from the decompressor 4 KB at a time, at most what one read held is lost: an item
    # here is 2.6 KB)
    kept = [p.id for p in posts]
    assert len(expected) > 0 and kept == expected[: len(kept)] and len(expected) - len(kept) <= 2, len(kept)
    assert "compressed-data-damaged" in {r.kind for r in reader.repairs}
    if compress == "gzip-bad-crc":
        assert len(posts) >= 299


def test_a_control_character_opening_a_cdata_section_is_named(tmp_path: Path) -> None:
    # libxml2 says only "Unregistered error message" for it there (WordPress exports often hold a
    # \x0b), and validate called it not-well-formed.
    from wxrtool.validate import validate

    data = export_bytes(["\x0b<p>Hi</p>"])
    with pytest.raises(wxrtool.ParseError) as caught:
        list(wxrtool.read(io.BytesIO(data)))
    assert "a character XML forbids" in str(caught.value) and "Unregistered" not in str(caught.value)
    export = tmp_path / "x.xml"
    export.write_bytes(data)
    assert [p.code for p in validate(export) if p.severity == "error"] == ["control-character"]
    assert [p.id for p in recovered(data)[0]] == [1]


def test_windows_1252_bytes_it_leaves_undefined_are_read_as_browsers_read_them() -> None:
    # 0x81 0x8D 0x8F 0x90 0x9D: --recover stopped at them ("not valid CP1252: character maps to
    # <undefined>"), no repair; WHATWG's decoder and MySQL's latin1 read each as U+0081...
    head = HEAD.replace('encoding="UTF-8"', 'encoding="windows-1252"').encode("ascii")
    item = "<item><wp:post_id>1</wp:post_id><content:encoded><![CDATA[caf\xe9 \x93q\x94 ".encode("latin-1")
    data = head + item + b"\x81\x8d\x8f\x90\x9d]]></content:encoded></item></channel></rss>"
    posts, _ = recovered(data)
    assert [p.content_html for p in posts] == ["caf\xe9 \u201cq\u201d \x81\x8d\x8f\x90\x9d"]
