"""A byte-level look at a stretch of items: where each item's content and comments lie.

The index needs every item's title, slug, parent and attachment URL, not its content
or comments, which are most of an export's bytes and elements. :func:`without_bodies`
cuts them out of a range before it is parsed, and only where it is certain that what
it cuts is such an element: the parser still has the last word on everything else.
"""

from __future__ import annotations

import re

_CONTENT = (b"<content:encoded>", b"</content:encoded>")
_COMMENT = (b"<wp:comment>", b"</wp:comment>")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"
_NEXT_COMMENT = re.compile(rb"[ \t\r\n]*<wp:comment>")


def without_bodies(data: bytes, start: int = 0) -> bytes:
    """``data``, a stretch of items, without each item's ``content:encoded`` and ``wp:comment``
    elements: what a light read (:class:`~wxrtool.read.Reader` ``light=True``) skips anyway.

    Comments are most of an export's elements and content most of its bytes; without
    them the index's parse takes two fifths of the time, cutting included. Only what is
    certainly such an element is cut, from ``start``, which must lie between elements:

    - a start tag counts where no CDATA section is open (the last ``<![CDATA[``
      before it has its ``]]>``; a tag inside one is text, and the search goes on past
      the section);
    - content is read as the parser reads it: CDATA sections and text, then its end tag;
    - a comment ends at its first ``</wp:comment>`` outside CDATA, found the same way.

    An XML comment or processing instruction outside CDATA could hide either marker:
    WordPress writes none inside items, and where one appears the rest of the stretch
    is kept as it is. tests/test_ranges.py checks the light read of cut and uncut
    documents on generated text full of such markers.

    >>> without_bodies(b"<item><title>A</title><content:encoded><![CDATA[<p>Hi</p>]]></content:encoded>"
    ...                b"<wp:comment><wp:comment_content><![CDATA[</wp:comment>?]]></wp:comment_content>"
    ...                b"</wp:comment></item>")
    b'<item><title>A</title></item>'
    >>> without_bodies(b"<item><wp:comment><!-- --></wp:comment><wp:comment>x</wp:comment></item>")
    b'<item><wp:comment><!-- --></wp:comment><wp:comment>x</wp:comment></item>'
    """
    pieces: list[bytes] = []
    kept, pos = 0, start
    item_end, reusable = -1, False  # (the end of the item last looked at, and whether it is a wp_block)
    content, comment = data.find(_CONTENT[0], pos), data.find(_COMMENT[0], pos)
    while content >= 0 or comment >= 0:
        is_content = comment < 0 or 0 <= content < comment
        at = content if is_content else comment
        tag = _outside_cdata(data, pos, at, _CONTENT[0] if is_content else _COMMENT[0])
        if tag == -2:
            break
        if tag != at:  # that one was text of a CDATA section
            if is_content:
                content = tag
            else:
                comment = tag
            continue
        if is_content:
            after = _content_end(data, at + len(_CONTENT[0]))
            if after > item_end:
                item_end, reusable = _reusable_item(data, at, after)
            if after >= 0 and reusable:
                # (a reusable block's content is what the posts that use it show: the index keeps it)
                pos = after
                content = data.find(_CONTENT[0], pos)
                if 0 <= comment < pos:
                    comment = data.find(_COMMENT[0], pos)
                continue
        else:
            after = _comment_end(data, at + len(_COMMENT[0]))
            # The item's other comments follow, white space between.
            while after >= 0 and (following := _NEXT_COMMENT.match(data, after)):
                end = _comment_end(data, following.end())
                if end < 0:
                    break
                after = end
        if after < 0:
            break
        pieces.append(data[kept:at])
        kept = pos = after
        if 0 <= content < pos:
            content = data.find(_CONTENT[0], pos)
        if 0 <= comment < pos:
            comment = data.find(_COMMENT[0], pos)
    if not pieces:
        return data
    pieces.append(data[kept:])
    return b"".join(pieces)


_POST_TYPE = b"<wp:post_type>"
_BLOCK_TYPE = re.compile(rb"<wp:post_type>(?:<!\[CDATA\[)?wp_block(?:\]\]>)?</wp:post_type>")


def _reusable_item(data: bytes, start: int, after: int) -> tuple[int, bool]:
    """Where the item whose content runs from ``start`` to ``after`` ends, and whether it is a
    reusable block (``wp_block``): its type follows its content, where WordPress writes it, or
    comes before it in its item. Each search stays within the item, and an item is looked at
    once (:func:`without_bodies` keeps the answer while its content is the item's): a stretch of
    items without a type was read to its end for each. (Read wrongly, content is kept that the
    light read then ignores: only time.)"""
    end = data.find(b"</item>", after)
    end = len(data) if end < 0 else end
    at = data.find(_POST_TYPE, after, end)
    if at < 0:
        at = data.find(_POST_TYPE, max(data.rfind(b"<item>", 0, start), 0), start)
    return end, at >= 0 and _BLOCK_TYPE.match(data, at) is not None


def _open_cdata(data: bytes, start: int, end: int) -> int:
    """The CDATA section still open at ``end`` (where it starts), ``start`` lying outside
    one: -1 for none, -2 when an XML comment or processing instruction outside CDATA
    makes it unsure."""
    if data.find(b"<!--", start, end) < 0 and data.find(b"<?", start, end) < 0:
        # CDATA sections do not nest: the last "<![CDATA[" either opens a section or
        # lies in one; either way, a "]]>" after it closes what is open.
        last = data.rfind(_CDATA_OPEN, start, end)
        return -1 if last < 0 or data.find(_CDATA_CLOSE, last, end) >= 0 else last
    # Rarely ("<?php" in a comment): section by section, the markup between them checked.
    position = start
    while True:
        section = data.find(_CDATA_OPEN, position, end)
        between = section if section >= 0 else end
        if data.find(b"<!--", position, between) >= 0 or data.find(b"<?", position, between) >= 0:
            return -2
        if section < 0:
            return -1
        close = data.find(_CDATA_CLOSE, section + len(_CDATA_OPEN), end)
        if close < 0:
            return section
        position = close + len(_CDATA_CLOSE)


def _outside_cdata(data: bytes, start: int, found: int, needle: bytes) -> int:
    """The first ``needle`` from ``found`` (where one is, or -1) that lies outside CDATA,
    ``start`` lying outside it: -1 for none, -2 when unsure (see :func:`_open_cdata`)."""
    while found >= 0:
        section = _open_cdata(data, start, found)
        if section < 0:
            return found if section == -1 else -2
        # Text of a CDATA section: look past the section's end.
        close = data.find(_CDATA_CLOSE, found)
        found = data.find(needle, close) if close >= 0 else -1
    return -1


def _comment_end(data: bytes, position: int) -> int:
    """Where the ``wp:comment`` element whose children start at ``position`` ends
    (after its end tag): its first end tag outside CDATA; -1 when none or unsure."""
    close = _COMMENT[1]
    end = _outside_cdata(data, position, data.find(close, position), close)
    return end + len(close) if end >= 0 else -1


def _content_end(data: bytes, position: int) -> int:
    """Where the ``content:encoded`` element whose text starts at ``position`` ends
    (after its end tag), read as the parser reads it; -1 for anything else inside."""
    close = _CONTENT[1]
    while True:
        if data.startswith(close, position):
            return position + len(close)
        if data.startswith(_CDATA_OPEN, position):
            end = data.find(_CDATA_CLOSE, position + len(_CDATA_OPEN))
            if end < 0:
                return -1
            position = end + len(_CDATA_CLOSE)
            continue
        markup = data.find(b"<", position)
        if markup <= position:  # none left, or markup that is neither
            return -1
        position = markup  # text (escaped HTML, white space) up to the next markup
