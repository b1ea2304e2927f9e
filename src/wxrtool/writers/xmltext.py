"""Text for WordPress's XML dialects (WXR, and Disqus's import, which is WXR too).

CDATA sections split where ``]]>`` occurs as WordPress's ``wxr_cdata()`` splits them,
characters XML 1.0 cannot carry dropped, and dates as WordPress stores them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

ZERO = "0000-00-00 00:00:00"
# Characters XML 1.0 cannot carry at all, even in CDATA.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text: str) -> str:
    r"""``wxr_cdata()``: a CDATA section, ``]]>`` split across two of them; a carriage return
    between two of them as ``&#13;``, which a parser keeps (in CDATA it reads one as a line
    break: a serialized meta value holding one would no longer decode, its lengths wrong).

    >>> cdata("a ]]> b"), cdata("v\r\nw")
    ('<![CDATA[a ]]]]><![CDATA[> b]]>', '<![CDATA[v]]>&#13;<![CDATA[\nw]]>')
    """
    text = _INVALID.sub("", text).replace("]]>", "]]]]><![CDATA[>")
    if "\r" in text:
        text = text.replace("\r", "]]>&#13;<![CDATA[")
    return "<![CDATA[" + text + "]]>"


def escape(text: str) -> str:
    r"""Text for an element or attribute without CDATA; a carriage return, tab or line break as a
    character reference, which a parser keeps as it is (in an attribute it reads each as a space).

    >>> escape('a\tb "c" <d>\r\n')
    'a&#9;b &quot;c&quot; &lt;d&gt;&#13;&#10;'
    """
    text = _INVALID.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.translate(_WHITESPACE_REFERENCES) if _WHITESPACE.search(text) else text


_WHITESPACE = re.compile("[\t\n\r]")
_WHITESPACE_REFERENCES = {ord("\t"): "&#9;", ord("\n"): "&#10;", ord("\r"): "&#13;"}


def local(value: datetime | None) -> str:
    """A date as WordPress stores it locally, or the zero date."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ZERO


def gmt(value: datetime | None) -> str:
    """A UTC date as WordPress stores it, or the zero date."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ZERO
