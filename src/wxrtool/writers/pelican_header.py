"""Pelican's header values (``Title:``, ``Category:``...): one line, no markup.

A value is what the writer puts in an item's header, and what names the page Pelican makes of
it (a category's, by its name): :mod:`wxrtool.archives` names the page the same way, from the
same value, so an old archive's redirect leads to the page that exists.
"""

from __future__ import annotations

import html
import re
import unicodedata

_HTML_SIGNIFICANT = re.compile(r'[<>"&]')
_TAG = re.compile(r"<[^<>]*>")  # ([^<>]: from each of many "<" with no ">", the rest was read)
_CURLY = re.compile(r'(^|[\s(\[{])"')


def header_value(text: str) -> str:
    """A header value: one line, no control characters; commas separate tags and authors.

    >>> header_value("a\\nSave_as: x\\x00\\x01\\x7f\\x85\\u2028b")
    'a Save_as: x b'

    Pelican puts titles, summaries and names into pages as HTML, and its default theme
    also passes them through ``striptags`` (which decodes entities) into attributes and
    ``<title>``. So a value holds no tag and no entity once decoded, no ``"`` (shown as
    the curly quotes WordPress shows), and any ``<`` or ``>`` left is escaped:

    >>> header_value('<img src=x onerror="alert(1)">Say "hi" &amp;lt;b&amp;gt; a < b')
    'Say \u201chi\u201d a &lt; b'
    """
    text = str(text)
    if not text.isprintable():
        # Whitespace controls separate words; the others (NUL, \x01, DEL, C1) are dropped.
        text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Zl", "Zp"))
    text = " ".join(text.split())
    if not _HTML_SIGNIFICANT.search(text):
        return text  # most titles and names
    for _ in range(3):  # entities in entities, as exports double-escape them
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    else:
        text = text.replace("&", "&amp;")  # still entities after three rounds: shown as written
    text = _CURLY.sub(lambda m: m.group(1) + "\u201c", _TAG.sub("", text)).replace('"', "\u201d")
    return " ".join(text.replace("<", "&lt;").replace(">", "&gt;").split())
