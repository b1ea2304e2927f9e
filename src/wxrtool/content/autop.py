"""WordPress's ``wpautop()`` and ``shortcode_unautop()``, ported to Python.

Classic-editor content is stored without ``<p>`` tags: a blank line is a
paragraph and a single newline a line break. WordPress adds the markup when it
shows the post; these functions do exactly what its PHP does (wp-includes/
formatting.php), step for step, so paragraphs come out as the blog showed them.
They are checked against the input/expected pairs of WordPress's own unit tests
(tests/test_autop.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._scan import sub_elements
from .shortcodes import Scanner

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area"
    r"|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header"
    r"|footer|nav|figure|figcaption|details|menu|summary)"
)

# get_html_split_regex(): an element, a comment or a CDATA section, each possibly
# unterminated. PHP's conditional subpattern becomes an ordered alternation.
_HTML_SPLIT = re.compile(
    r"(<(?:"
    r"!--(?:-(?!->)|[^-])*+(?:-->)?"
    r"|!\[CDATA\[(?:[^\]]|\](?!\]>))*+(?:\]\]>)?"
    r"|[^>]*>?"
    r"))"
)


def _tag_rest(names: str) -> str:
    """The rest of a start or end tag, as WordPress's ``[^>]*`` reads it, but ending at the next
    tag of ``names``: read to the far ``>`` from each of many such tags left open, the time grew
    with their number times the text (found by a review). Only a tag holding the very start of
    another of its kind, ``<div title="<div">``, reads otherwise than WordPress's."""
    return rf"(?:[^<>]|<(?!/?{names}))*+"


_BLOCK_REST = _tag_rest(_ALLBLOCKS)
_BR_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BLOCK_OPEN = re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])")
_BLOCK_CLOSE = re.compile(r"(</" + _ALLBLOCKS + r">)")
_HR = re.compile(r"(<hr\s*?/?>)")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_UNCLOSED_P = re.compile(r"<p>([^<]+)</(div|address|form)>")
_WRAPPED_BLOCK = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + _BLOCK_REST + r">)\s*</p>")
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + _BLOCK_REST + r">)")
_P_AFTER_BLOCK = re.compile(r"(</?" + _ALLBLOCKS + _BLOCK_REST + r">)\s*</p>")
_PRESERVE = re.compile(r"<(script|style|svg)[^<]?")  # the start; the end found by _scan.sub_elements
_BR_AFTER_BLOCK = re.compile(r"(</?" + _ALLBLOCKS + _BLOCK_REST + r">)\s*<br />")
_BR_BEFORE_BLOCK = re.compile(
    r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)" + _tag_rest("(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)") + ">)"
)
# The white space before a tag, matched from where its run starts ((?<!\s)\s+): from each of its
# characters, a long run not followed by the tag was read to its end again and again.
_SPACE_AROUND = [
    ("<option", re.compile(r"(?:(?<!\s)\s+)?<option"), "<option"),
    ("<option", re.compile(r"</option>\s*"), "</option>"),
    ("</object>", re.compile(r"(<object" + _tag_rest("object") + r">)\s*"), r"\1"),
    ("</object>", re.compile(r"(?:(?<!\s)\s+)?</object>"), "</object>"),
    ("</object>", re.compile(r"(?:(?<!\s)\s+)?(</?(?:param|embed)" + _tag_rest("(?:param|embed)") + r">)\s*"), r"\1"),
]
_MEDIA_SPACE = [
    re.compile(r"([<\[](?:audio|video)(?:[^<>\[\]]|[<\[](?!/?(?:audio|video)))*+[>\]])\s*"),
    re.compile(r"(?:(?<!\s)\s+)?([<\[]/(?:audio|video)[>\]])"),
    re.compile(r"(?:(?<!\s)\s+)?(<(?:source|track)" + _tag_rest("(?:source|track)") + r">)\s*"),
]
_CAPTION_SPACE = [
    (re.compile(r"(?:(?<!\s)\s+)?(<figcaption" + _tag_rest("figcaption") + r">)"), r"\1"),
    (re.compile(r"</figcaption>\s*"), "</figcaption>"),
]
_PRE_PLACEHOLDER = re.compile(r"<pre wp-pre-tag-\d+></pre>")
_TRAILING_BR_P = re.compile(r"\n</p>$")
_NEWLINES = re.compile(r"\n\n+")
# wp_spaces_regexp(): what WordPress counts as white space around shortcodes.
_SPACES = "(?:[\r\n\t ]|\u00a0|&nbsp;)"


def html_split(text: str) -> list[str]:
    """Split ``text`` into text and tags: odd indexes are tags, comments or CDATA (``wp_html_split()``)."""
    return _HTML_SPLIT.split(text)


def replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """Replace ``needle`` inside tags only, never in text (``wp_replace_in_html_tags()``)."""
    parts = html_split(text)
    for i in range(1, len(parts), 2):
        if needle in parts[i]:
            parts[i] = parts[i].replace(needle, replacement)
    return "".join(parts)


def wpautop(text: str, br: bool = True) -> str:
    """Turn blank lines into paragraphs and single newlines into ``<br />``, as WordPress does.

    >>> wpautop("One\\ntwo\\n\\nThree")
    '<p>One<br />\\ntwo</p>\\n<p>Three</p>\\n'
    """
    # Most comments have no markup at all; then only the paragraph and line-break
    # steps can match, and skipping the others halves the time (same result: the
    # tests check both ways on generated text).
    return _autop(text, br, tags="<" in text)


def _autop(text: str, br: bool, tags: bool) -> str:
    if not text.strip():
        return ""
    pre_tags: dict[str, str] = {}
    text += "\n"

    # <pre> is not touched: swap each for a placeholder and put it back at the end.
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for part in parts:
            start = part.find("<pre")
            if start < 0:  # malformed HTML
                text += part
                continue
            name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last

    # Each step below runs only where the text holds a literal its pattern needs
    # (patterns are case-sensitive unless marked): the same result, without a scan
    # that cannot match.
    if tags:
        if "<br" in text:
            text = _BR_BR.sub("\n\n", text)
        text = _BLOCK_OPEN.sub(lambda m: "\n\n" + m.group(1), text)
        if "</" in text:
            text = _BLOCK_CLOSE.sub(lambda m: m.group(1) + "\n\n", text)
        if "<hr" in text:
            text = _HR.sub(lambda m: m.group(1) + "\n\n", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if tags:
        text = replace_in_html_tags(text, "\n", " <!-- wpnl --> ")

    for needed, pattern, replacement in _SPACE_AROUND:
        if needed in text:
            text = pattern.sub(replacement, text)
    if "<source" in text or "<track" in text:
        for pattern in _MEDIA_SPACE:
            text = pattern.sub(r"\1", text)
    if "<figcaption" in text:
        for pattern, replacement in _CAPTION_SPACE:
            text = pattern.sub(replacement, text)

    if "\n\n\n" in text:
        text = _NEWLINES.sub("\n\n", text)
    paragraphs = [p for p in _PARAGRAPHS.split(text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)

    text = _EMPTY_P.sub("", text)
    if tags:
        # Without markup of its own, each paragraph is <p>text</p> with text not
        # blank (those went just above), which none of these can match.
        if "</div>" in text or "</address>" in text or "</form>" in text:
            text = _UNCLOSED_P.sub(r"<p>\1</p></\2>", text)
        text = _WRAPPED_BLOCK.sub(r"\1", text)
        if "<p><li" in text:
            text = _unwrap_items(text)
        text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
        text = text.replace("</blockquote></p>", "</p></blockquote>")
        text = _P_BEFORE_BLOCK.sub(r"\1", text)
        text = _P_AFTER_BLOCK.sub(r"\1", text)

    if br:
        if tags:
            if "<s" in text:
                text = sub_elements(text, _PRESERVE, _preserve_newlines)
            if "<br" in text:
                text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = newlines_to_br(text)
        if tags and "<WPPreserveNewline />" in text:
            text = text.replace("<WPPreserveNewline />", "\n")

    if "<br />" in text:
        text = _BR_AFTER_BLOCK.sub(r"\1", text)
        text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    if text.endswith(("\n</p>", "\n</p>\n")):  # ($ matches before a last newline too)
        text = _TRAILING_BR_P.sub("</p>", text)

    if pre_tags:
        text = _PRE_PLACEHOLDER.sub(lambda m: pre_tags.get(m.group(0), m.group(0)), text)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


def _unwrap_items(text: str) -> str:
    """WordPress's ``preg_replace('|<p>(<li.+?)</p>|', "$1", ...)``: each ``<p><li`` up to the first
    ``</p>`` on its line loses its ``<p>`` and ``</p>``. In one pass: the pattern read the line to
    its end from each ``<p><li`` of a line without ``</p>`` (wpautop makes one line of a comment's
    lines), the time growing with their number times the line."""
    out: list[str] = []
    done = search = 0
    close = newline = -1  # the first "</p>" and newline at or after where they were last looked for
    while (start := text.find("<p><li", search)) >= 0:
        if close < start + 7:  # (at least one character between "<li" and "</p>")
            close = text.find("</p>", start + 7)
            if close < 0:
                break
        if newline < start:
            newline = text.find("\n", start)
            newline = len(text) if newline < 0 else newline
        if newline < close:
            search = start + 1
            continue
        out += [text[done:start], text[start + 3 : close]]
        done = search = close + 4
    return "".join(out) + text[done:] if out else text


def _preserve_newlines(start: re.Match[str], inner: str, whole: str) -> str:
    return whole.replace("\n", "<WPPreserveNewline />")


def newlines_to_br(text: str) -> str:
    """``preg_replace('|(?<!<br />)\\s*\\n|', "<br />\\n", $text)``, line by line.

    Each run of white space holding a newline, up to its last newline, becomes
    ``<br />`` and a newline, unless a ``<br />`` ends right before the run (then the
    run is matched from its second character). The regular expression tries every
    position of the text; this looks at each line once, five times faster (a test
    compares both on generated text).

    >>> newlines_to_br("a \\n\\n b<br />\\nc")
    'a<br />\\n b<br />\\nc'
    """
    lines = text.split("\n")
    last = len(lines) - 1
    out = []
    i = 0
    while i < last:
        content = lines[i].rstrip()
        trailing = lines[i][len(content) :]
        j = i + 1
        while j < last and not lines[j].strip():  # lines of white space belong to the run
            j += 1
        if not content.endswith("<br />"):
            out.append(content + "<br />\n")
        elif trailing:
            out.append(content + trailing[0] + "<br />\n")
        else:
            out.append(content + ("\n<br />\n" if j > i + 1 else "\n"))
        i = j
    out.append(lines[last])
    return "".join(out)


def shortcode_unautop(text: str, names: Iterable[str]) -> str:
    """Unwrap shortcodes that stand alone in a paragraph (``shortcode_unautop()``).

    >>> shortcode_unautop("<p>[gallery ids=\\"1,2\\"]</p>\\n", ["gallery"])
    '[gallery ids="1,2"]\\n'
    """
    names = set(names)
    if not names or "<p>" not in text:
        return text
    scanner = Scanner(text, names)
    out: list[str] = []
    done = 0
    for m in _P_BEFORE_SHORTCODE.finditer(text):
        if m.start() < done:
            continue
        end, closing = _unwrapped(scanner, text, m.end(), content=True)
        if end and not closing:
            # The pattern gives the content back when no </p> follows it: the tag alone.
            end, closing = _unwrapped(scanner, text, m.end(), content=False)
        if closing is not None:
            out += [text[done : m.start()], text[m.end() : end]]
            done = closing.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _unwrapped(scanner: Scanner, text: str, start: int, content: bool) -> tuple[int, re.Match[str] | None]:
    # The shortcode at start (without the "]" of an escape, which this pattern has
    # not), and the </p> after it.
    found = scanner.at(start, escapes=False, content=content)
    if found is None:
        return 0, None
    end = found.end - len(found.group(6))
    return end, _SPACES_THEN_P_END.match(text, end)


# shortcode_unautop()'s pattern, in two parts around the shortcode (see shortcodes.Scanner).
_P_BEFORE_SHORTCODE = re.compile(r"<p>(?:" + _SPACES + r")*+(?=\[)")
_SPACES_THEN_P_END = re.compile(r"(?:" + _SPACES + r")*+</p>")
