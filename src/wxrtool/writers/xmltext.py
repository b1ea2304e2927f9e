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
    """``wxr_cdata()``: a CDATA section, ``]]>`` split across two of them.

    >>> cdata("a ]]> b")
    '<![CDATA[a ]]]]><![CDATA[> b]]>'
    """
    return "<![CDATA[" + _INVALID.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def escape(text: str) -> str:
    """Text for an element or attribute without CDATA."""
    text = _INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def local(value: datetime | None) -> str:
    """A date as WordPress stores it locally, or the zero date."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ZERO


def gmt(value: datetime | None) -> str:
    """A UTC date as WordPress stores it, or the zero date."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ZERO
