"""Hostile XML: DOCTYPEs, entity bombs and external entities are refused before parsing."""

from __future__ import annotations

import io
import resource
import time
from pathlib import Path

import pytest

import wxrtool
from wxrtool import UnsafeXMLError

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title a="&lol9;">&lol9;</title>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&lol9;</title></item></channel></rss>
"""


def xxe(path: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!-- a harmless-looking comment first -->
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{path}">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&secret;</title></item></channel></rss>
""".encode()


def test_entity_bomb_refused_fast_with_bounded_memory() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(UnsafeXMLError) as info:
        list(wxrtool.read(io.BytesIO(BOMB)))
    assert time.monotonic() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB
    assert info.value.line == 2 and "DOCTYPE" in info.value.message


def test_external_entity_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    with pytest.raises(UnsafeXMLError) as info:
        for record in wxrtool.read(io.BytesIO(xxe(secret))):
            assert "TOP-SECRET" not in repr(record)
    assert info.value.line == 3


def test_doctype_in_utf16_caught_by_the_parser_check() -> None:
    data = (
        xxe(Path("/etc/hostname")).decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    )
    with pytest.raises(UnsafeXMLError):
        list(wxrtool.read(io.BytesIO(data.encode("utf-16"))))


def test_doctype_text_inside_content_is_fine() -> None:
    data = b"""<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
<item><content:encoded><![CDATA[<!DOCTYPE html> is how pages start]]></content:encoded></item></channel></rss>"""
    (post,) = [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, wxrtool.Post)]
    assert post.content_html.startswith("<!DOCTYPE html>")


# -- a DOCTYPE wherever it is, in every encoding, recovering or not ---------------------

BODY = (
    '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
    "<channel><wp:wxr_version>1.2</wp:wxr_version>\n"
    "<item><title>&secret;</title><content:encoded><![CDATA[caf\u00e9 <!DOCTYPE html>]]></content:encoded></item>\n"
    "</channel></rss>\n"
)
DECLARATION = '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
PADDING = "<!-- a comment to pad the prolog past the first 64 KiB -->\n" * 1500  # 88 KB
# Python codec -> what the XML declaration says: with a byte order mark, or without one.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
}


def encoded(text: str, codec: str) -> bytes:
    return f'<?xml version="1.0" encoding="{ENCODINGS[codec]}"?>\n{text}'.encode(codec)


def refused(data: bytes, recover: bool) -> UnsafeXMLError:
    with pytest.raises(UnsafeXMLError) as info:
        for record in wxrtool.Reader(io.BytesIO(data), recover=recover):
            assert "root:" not in repr(record)
    assert "DOCTYPE" in str(info.value) and "\n" not in str(info.value)
    return info.value


@pytest.mark.parametrize("recover", [False, True], ids=["plain", "recover"])
@pytest.mark.parametrize("codec", sorted(ENCODINGS))
def test_doctype_after_a_long_prolog_is_refused_before_parsing(codec: str, recover: bool) -> None:
    error = refused(encoded(PADDING + DECLARATION + BODY, codec), recover)
    assert error.line == 1502 and error.column == 1


@pytest.mark.parametrize("recover", [False, True], ids=["plain", "recover"])
@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-32-be"])
@pytest.mark.parametrize(
    "where",
    [
        "<channel><wp:wxr_version>1.2</wp:wxr_version>\n",  # inside the channel, before the items
        "</item>\n",  # between items
        "</channel></rss>\n",  # after the root element
    ],
)
def test_doctype_inside_the_document_is_refused(where: str, codec: str, recover: bool) -> None:
    body = BODY.replace("&secret;", "t").replace(where, where + "<!DOCTYPE x [<!ENTITY y 'z'>]>")
    error = refused(encoded(PADDING + body, codec), recover)
    assert error.line == PADDING.count("\n") + 2 + body[: body.index("<!DOCTYPE x")].count("\n")


@pytest.mark.parametrize("recover", [False, True], ids=["plain", "recover"])
@pytest.mark.parametrize("place", ["prolog", "channel"])
def test_entity_declaration_without_doctype_is_refused(place: str, recover: bool) -> None:
    declaration = "<!ENTITY secret SYSTEM 'file:///etc/passwd'>"
    body = BODY.replace("&secret;", "t")
    text = declaration + "\n" + body if place == "prolog" else body.replace("<item>", declaration + "<item>", 1)
    refused(encoded(text, "utf-8"), recover)


@pytest.mark.parametrize("recover", [False, True], ids=["plain", "recover"])
@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-32-le"])
def test_declarations_as_text_or_in_comments_are_fine(codec: str, recover: bool) -> None:
    body = BODY.replace("&secret;", "&lt;!DOCTYPE x&gt;").replace(
        "</channel>", "<!-- <!DOCTYPE x [<!ENTITY y 'z'>]> --></channel>"
    )
    data = encoded("<!-- <!DOCTYPE in a comment of the prolog> -->\n" + PADDING + body, codec)
    (post,) = [r for r in wxrtool.Reader(io.BytesIO(data), recover=recover) if isinstance(r, wxrtool.Post)]
    assert post.title == "<!DOCTYPE x>" and post.content_html == "caf\u00e9 <!DOCTYPE html>"
    assert post.line == PADDING.count("\n") + 4  # lines of the original, whatever its encoding


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_encodings_read_like_utf8(codec: str) -> None:
    body = BODY.replace("&secret;", "\u65e5\u672c \U0001f600")
    wide = [r for r in wxrtool.read(io.BytesIO(encoded(body, codec))) if isinstance(r, wxrtool.Post)]
    narrow = [r for r in wxrtool.read(io.BytesIO(encoded(body, "utf-8"))) if isinstance(r, wxrtool.Post)]
    assert wide == narrow and wide[0].title == "\u65e5\u672c \U0001f600"


def test_broken_utf16_is_a_parse_error() -> None:
    data = encoded(BODY.replace("&secret;", "t"), "utf-16-le") + b"\x00\xd8"  # half a surrogate pair
    with pytest.raises(wxrtool.ParseError, match="not valid UTF-16-LE"):
        list(wxrtool.read(io.BytesIO(data)))


def test_an_ascii_compatible_encoding_reads_as_declared() -> None:
    data = f'<?xml version="1.0" encoding="ISO-8859-1"?>\n{BODY.replace("&secret;", "t")}'.encode("latin-1")
    (post,) = [r for r in wxrtool.read(io.BytesIO(data)) if isinstance(r, wxrtool.Post)]
    assert post.content_html == "caf\u00e9 <!DOCTYPE html>"


@pytest.mark.parametrize(
    "data",
    [
        # The parser would decode the rest in these, where "<!DOCTYPE" is not those bytes.
        b'<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE x+AD4-' + BODY.encode(),
        b'<?xml version="1.0" encoding="IBM037"?>\n' + DECLARATION.encode("cp037") + BODY.encode("cp037"),
        b'<?xml version="1.0" encoding="no-such-encoding"?>\n' + BODY.encode(),
        '<?xml version="1.0" encoding="IBM037"?>'.encode("cp037") + BODY.encode("cp037"),
        '<?xml version="1.0"?>'.encode("utf-32-le")[:4].replace(b"<\x00\x00\x00", b"\x00<\x00\x00") + b"\x00" * 8,
    ],
    ids=["utf-7", "ebcdic-declared", "unknown", "ebcdic", "ucs4-2143"],
)
def test_encodings_that_hide_markup_are_refused(data: bytes) -> None:
    with pytest.raises(wxrtool.ParseError, match="encoding") as info:
        list(wxrtool.read(io.BytesIO(data)))
    assert not isinstance(info.value, UnsafeXMLError) and info.value.line == 1


def test_an_encoding_name_with_a_nul_is_a_clear_error() -> None:
    """Found by the fuzz test: codecs.lookup() raises ValueError on a NUL, not LookupError."""
    data = b'<?xml version="1.0" encoding="\x00UTF-8" ?><rss><channel></channel></rss>'
    with pytest.raises(wxrtool.ParseError, match="encoding"):
        list(wxrtool.read(io.BytesIO(data)))


def test_an_xml_declaration_that_does_not_end_is_refused() -> None:
    """An encoding named past the first kilobyte went unchecked: UTF-7 could hide a DOCTYPE."""
    data = b'<?xml version="1.0"' + b" " * 2000 + b'encoding="UTF-7"?><rss><channel></channel></rss>'
    for recover in (False, True):
        with pytest.raises(wxrtool.ParseError, match="XML declaration does not end"):
            list(wxrtool.read(io.BytesIO(data), recover=recover))


def test_memory_errors_python_cannot_raise_print_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    import sys
    from types import SimpleNamespace

    from wxrtool.cli import _unraisable

    _unraisable(
        SimpleNamespace(exc_value=MemoryError(), exc_type=MemoryError, exc_traceback=None, err_msg="", object=None)
    )
    assert capsys.readouterr().err == ""
    assert sys.unraisablehook is not None


def test_error_lines_escape_what_a_terminal_would_act_on() -> None:
    error = wxrtool.WXRError("slug 'a\nb\x1b[2J\x9b31m\u202eexe'", file="x\udcc3.xml", hint="do\tthis")
    assert str(error) == "x\\xdcc3.xml: slug 'a b\\x1b[2J\\x9b31m\\u202eexe' (do this)"
