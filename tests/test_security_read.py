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
