"""Smilies as WordPress shows them: ``:)`` becomes 🙂 in posts and comments.

WordPress's ``convert_smilies`` (on by default, the ``use_smilies`` option) turns a
smiley written alone between spaces into an emoji, outside tags and outside
``code``, ``pre``, ``style``, ``script`` and ``textarea``. The table is WordPress 6.1's;
``:mrgreen:``, the one smiley that was an image on the old site, stays as written.
"""

from __future__ import annotations

import re

SMILIES = {
    ":neutral:": "\U0001f610", ":twisted:": "\U0001f608", ":arrow:": "\u27a1", ":shock:": "\U0001f62f",
    ":smile:": "\U0001f642", ":???:": "\U0001f615", ":cool:": "\U0001f60e", ":evil:": "\U0001f47f",
    ":grin:": "\U0001f600", ":idea:": "\U0001f4a1", ":oops:": "\U0001f633", ":razz:": "\U0001f61b",
    ":roll:": "\U0001f644", ":wink:": "\U0001f609", ":cry:": "\U0001f625", ":eek:": "\U0001f62e",
    ":lol:": "\U0001f606", ":mad:": "\U0001f621", ":sad:": "\U0001f641", "8-)": "\U0001f60e",
    "8-O": "\U0001f62f", ":-(": "\U0001f641", ":-)": "\U0001f642", ":-?": "\U0001f615",
    ":-D": "\U0001f600", ":-P": "\U0001f61b", ":-o": "\U0001f62e", ":-x": "\U0001f621",
    ":-|": "\U0001f610", ";-)": "\U0001f609", "8O": "\U0001f62f", ":(": "\U0001f641",
    ":)": "\U0001f642", ":?": "\U0001f615", ":D": "\U0001f600", ":P": "\U0001f61b",
    ":o": "\U0001f62e", ":x": "\U0001f621", ":|": "\U0001f610", ";)": "\U0001f609",
    ":!:": "\u2757", ":?:": "\u2753",
}  # fmt: skip

# Alone: after the start or a space (a no-break space, or its entity), before a space or the end.
_SMILEY = re.compile(
    r"(?:^|(?<=[\r\n\t \xa0])|(?<=&nbsp;))("
    + "|".join(re.escape(s) for s in sorted(SMILIES, key=len, reverse=True))
    + r")(?=[\r\n\t \xa0]|&nbsp;|$)"
)
# Any smiley at all, alone or not: tags around one make it alone in its piece of text.
_ANY = re.compile("|".join(re.escape(s) for s in SMILIES))
# As WordPress splits: a tag does not span lines. Nor, here, does one hold a "<": from each
# "<" the search stops at the next one, so text of many "<" and no ">" is read once, not
# once per "<" (WordPress's own pattern reads to the end of the line from each).
_TAG = re.compile(r"(<[^<>\n]*>)")
_IGNORED = re.compile(r"<(code|pre|style|script|textarea)[^>]*>")


def convert_smilies(html: str) -> str:
    """``html`` with its smilies as emoji, where WordPress would convert them.

    >>> convert_smilies("Thanks :) <code>a :) b</code> and ;-)")
    'Thanks 🙂 <code>a :) b</code> and 😉'
    >>> convert_smilies("no:) and (:) stay, <b>:)</b> does not")
    'no:) and (:) stay, <b>🙂</b> does not'
    """
    if _ANY.search(html) is None:
        return html  # the usual case, in one search
    pieces = _TAG.split(html)
    ignoring = ""
    for n, piece in enumerate(pieces):
        if not ignoring and (opening := _IGNORED.match(piece)):
            ignoring = opening.group(1)
        if not ignoring and piece and piece[0] != "<":
            pieces[n] = _SMILEY.sub(lambda m: SMILIES[m.group(1)], piece)
        if ignoring and piece == f"</{ignoring}>":
            ignoring = ""
    return "".join(pieces)
