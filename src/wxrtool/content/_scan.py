"""Linear scans over HTML that the content steps share.

A regular expression such as ``<pre\\b[^>]*>.*?</pre>`` is tried at every
``<pre`` in the text; where no ``</pre>`` follows, each try reads to the end,
and ten thousand unclosed ``<pre>`` take ten thousand reads of the post. These
helpers remember what the text lacks after a point, so each part is read a
bounded number of times, and the time grows with the post, never its square.
Nothing here recurses on the depth of the markup.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

_CLOSERS: dict[str, re.Pattern[str]] = {}


def _closer(name: str) -> re.Pattern[str]:
    pattern = _CLOSERS.get(name)
    if pattern is None:
        pattern = _CLOSERS[name] = re.compile(rf"</{re.escape(name)}\s*>", re.I)
    return pattern


def sub_elements(text: str, opener: re.Pattern[str], replace: Callable[[re.Match[str], str, str], str]) -> str:
    """Replace each element from a match of ``opener`` to the first ``</name>`` after it.

    ``opener`` matches a start tag (or its start) and captures the element's name in
    group 1; a pattern like ``<(pre)\\b[^>]*>?`` lets a start tag missing its ``>``
    match to the end of the text, where the scan stops. ``replace(start, inner, whole)`` returns the new
    text. An element whose end tag is missing is left as it is, as
    ``re.sub(r"<(name)\\b[^>]*>(.*?)</\\1\\s*>", ...)`` leaves it.

    >>> pre = re.compile(r"<(pre)\\b[^>]*>?", re.I)
    >>> sub_elements("<pre>a</pre><pre>b", pre, lambda m, inner, whole: inner.upper())
    'A<pre>b'
    """
    out: list[str] = []
    done = 0  # text before this is in out
    position = 0
    found: dict[str, re.Match[str] | None] = {}  # per name: the next end tag, None when none is left
    while True:
        start = opener.search(text, position)
        if start is None or (start.end() == len(text) and not start.group(0).endswith(">")):
            break  # a start tag that reads to the end: none can follow
        name = start.group(1).lower()
        if name not in found or ((seen := found[name]) is not None and seen.start() < start.end()):
            found[name] = _closer(name).search(text, start.end())
        end = found[name]
        if end is None:
            position = start.end()
            continue
        out += [
            text[done : start.start()],
            replace(start, text[start.end() : end.start()], text[start.start() : end.end()]),
        ]
        done = position = end.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


# A start tag that reaches another "<" before its ">", with every "<" up to that ">".
_STRAY_LT = re.compile(r"<(?:[A-Za-z/?]|!(?!--))[^<>]*+(?:<[^<>]*+)++")


def escape_stray_lt(text: str) -> str:
    """Escape each ``<`` inside a tag (an HTML parser reads it as an attribute's character).

    Then no ``<`` starts a tag that another one is still inside of, and scans for
    a tag's ``>`` never cross each other. The page reads the same.

    >>> escape_stray_lt('<img alt="a<b" src=x> <a <a <a')
    '<img alt="a&lt;b" src=x> <a &lt;a &lt;a'
    """
    if text.count("<") < 2:
        return text
    return _STRAY_LT.sub(lambda m: m.group(0)[0] + m.group(0)[1:].replace("<", "&lt;"), text)


MAX_DEPTH = 256
"""Elements deeper than this lose their tags (their text stays). Markdown converters
and sanitizers walk or scope-check the tree; past a few hundred levels they drop the
text or take time that grows with the square of the depth."""

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Elements whose end tag may be left out: they close themselves, so never nest deep.
_SELF_CLOSING = frozenset(
    {
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "option",
        "optgroup",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
    }
)
# (Up to the next "<" or ">": a tag missing its ">" is not read to the end each time.)
_MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/<>]*)[^<>]*?(/?)>", re.S)


def limit_depth(text: str, limit: int = MAX_DEPTH) -> str:
    """``text`` with the tags of elements nested deeper than ``limit`` taken out, text kept.

    >>> limit_depth("<div>" * 3 + "x" + "</div>" * 3, 2)
    '<div><div>x</div></div>'
    """
    if text.count("<") <= limit:
        return text  # too few tags to nest that deep (most posts)
    stack: list[tuple[str, bool]] = []  # open elements: name, and whether its tags go
    open_names: Counter[str] = Counter()
    drop: list[tuple[int, int]] = []
    for m in _MARKUP.finditer(text):
        name = m.group(2)
        if name is None:
            continue  # a comment
        name = name.lower()
        if name in _VOID or name in _SELF_CLOSING:
            continue
        if m.group(1):  # an end tag: closes its element and any left open inside it
            if not open_names[name]:
                continue  # closes nothing; a parser ignores it
            while True:
                top, dropped = stack.pop()
                open_names[top] -= 1
                if top == name:
                    break
            if dropped:
                drop.append(m.span())
        elif not m.group(3):
            deep = len(stack) >= limit
            stack.append((name, deep))
            open_names[name] += 1
            if deep:
                drop.append(m.span())
    if not drop:
        return text
    out, done = [], 0
    for start, end in drop:
        out.append(text[done:start])
        done = end
    out.append(text[done:])
    return "".join(out)
