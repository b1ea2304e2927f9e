"""Text from an export made safe to print on a terminal.

A title or URL in an export is written by whoever made the site (or whoever
commented on it). Printed as it is, an ESC or a C1 control starts a terminal
escape sequence: it can retitle the window, hide text, forge earlier output or,
on some terminals, write files. Every command that prints export text passes it
through :func:`printable` first (``media``'s listing and account, ``stats``).
"""

from __future__ import annotations

import re

# C0 controls (tab and newline too: they would break a one-line, tab-separated
# listing), DEL, C1 controls, line and paragraph separators, and the bidi
# controls that make text display in another order than it reads.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# The same less C0: json.dumps escapes those inside strings, and the newlines of
# its indentation are outside them.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape instead of acted on.

    Parameters:
        text: anything read from an export (a title, a URL, an error naming one).

    >>> printable("Title\\x1b]0;pwned\\x07 \\x9b31m and\\ttab \\u202eright-to-left")
    'Title\\\\x1b]0;pwned\\\\x07 \\\\x9b31m and\\\\x09tab \\\\u202eright-to-left'
    >>> printable("https://example.com/caf\\u00e9.jpg")
    'https://example.com/café.jpg'
    """
    return _UNSAFE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as ``\\uXXXX`` escapes: the same data.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but leaves these
    raw; escaped, the document means the same and prints harmlessly.

    >>> json_safe('{\\n  "title": "a\\x9bb"\\n}')
    '{\\n  "title": "a\\\\u009bb"\\n}'
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
