"""Where each item of an export lies in its bytes, and what of it changed since the last run.

``convert --update`` (:mod:`wxrtool.rerun`) must know which items of a new export differ from
the last one without reading them: reading 100 MB takes several times the bare parse, an
update must take little more. :func:`scan` goes over the bytes once, in blocks (memory stays
that of the largest item), and cuts them at each ``<item>`` and the first ``</item>`` after
it. Each item gets two hashes:

- its **source** hash: all its bytes; a different one means the item must be read again;
- its **skeleton** hash: its bytes without the texts of ``<content:encoded>`` and
  ``<excerpt:encoded>`` (an attachment's excerpt stays: it is the caption posts show). Nothing
  of another item's output comes from those (links between items use titles, slugs, dates,
  terms: all in the skeleton), so while the skeleton is the same, only the item's own files can
  change. (A comment's text is no other item's either, but
  finding each comment's costs every conversion a few percent; an update where one changed
  reads everything.)

Everything between items (the channel, its authors and terms, the closing tags) goes into one
**frame** hash, without what every export changes: the comment naming when it was made and the
channel's ``<pubDate>``. The cut needs no parser: an ``<item>`` inside a CDATA section (a post
about RSS) makes a wrong cut, but a wrong cut is the same wrong cut in both runs, and every
byte is in one hash or another: a changed byte is always seen. What is read again is parsed
whole and checked (:func:`wxrtool.rerun` parses each changed item alone: a wrong cut fails there
and the update reads everything).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_OPEN, _CLOSE = b"<item>", b"</item>"
_BLOCK = 1 << 20

#: The elements whose text is an item's own (left out of its skeleton).
OWN_TEXTS = (b"content:encoded", b"excerpt:encoded")
_OWN = [(b"<" + name + b">", b"</" + name + b">") for name in OWN_TEXTS]
# An attachment's excerpt is its caption, which the posts that show it show: not its own text.
_ATTACHMENT = b"<wp:post_type>attachment</wp:post_type>"
_ATTACHMENT_CDATA = b"<wp:post_type><![CDATA[attachment]]></wp:post_type>"
_POST_ID = re.compile(rb"<wp:post_id>\s*(\d{1,18})\s*</wp:post_id>")
_PUBDATE = re.compile(rb"<pubDate>[^<]*</pubDate>")
_PROLOG_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


@dataclass
class Spans:
    """An export's bytes as items: each item's hashes and id, in order, and the frame's hash.

    ``kept``: the bytes of the items asked for (by position), for reading them again."""

    frame: str = ""
    source: list[str] = field(default_factory=list)
    skeleton: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # (0: no <wp:post_id> found)
    kept: dict[int, bytes] = field(default_factory=dict)
    head: bytes = b""  # the bytes before the first item (the channel, its authors and terms)
    tail: bytes = b""  # the bytes after the last item


def skeleton_hash(item: bytes) -> str:
    """The hash of ``item`` without its own texts (see the module's text).

    >>> a = b"<item><title>A</title><content:encoded><![CDATA[one]]></content:encoded></item>"
    >>> b = a.replace(b"one", b"two")
    >>> skeleton_hash(a) == skeleton_hash(b), skeleton_hash(a) == skeleton_hash(a.replace(b">A<", b">B<"))
    (True, False)
    """
    cuts: list[tuple[int, int]] = []
    attachment = _ATTACHMENT in item or _ATTACHMENT_CDATA in item
    for opening, closing in _OWN[:1] if attachment else _OWN:  # (each once in an item: a second one is not cut)
        start = item.find(opening)
        end = item.find(closing, start) if start >= 0 else -1
        if end >= 0:
            cuts.append((start + len(opening), end))
    h = _digest()
    at = 0
    for start, end in sorted(cuts):
        if start < at:  # (an opening tag inside a text cut already: part of that text)
            continue
        h.update(item[at:start])
        h.update(b"\x00")
        at = end
    h.update(item[at:])
    return h.hexdigest()


_MARKUP = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<(content:encoded|excerpt:encoded)>", re.S)


def cuts_are_real(item: bytes) -> bool:
    """Whether the texts :func:`skeleton_hash` cut from ``item`` are its elements' (their opening
    tags are the first outside a CDATA section or a comment), not a tag written in an earlier
    text: a title "About <content:encoded>" would hide a change of the rest of the title.
    Checked for the items an update reads again: if theirs are real, the last run's were (the
    skeletons are the same bytes up to each cut).

    >>> cuts_are_real(b"<item><title>A</title><content:encoded>x</content:encoded></item>")
    True
    >>> cuts_are_real(b"<item><title><![CDATA[<content:encoded>]]></title><content:encoded>x</content:encoded></item>")
    False
    """
    real: dict[bytes, int] = {}
    for m in _MARKUP.finditer(item):
        if m.group(1) and m.group(1) not in real:
            real[m.group(1)] = m.start()
    return all(item.find(b"<" + name + b">") == real.get(name, -1) for name in OWN_TEXTS)


def _blocks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            yield block


def scan(path: str, previous: list[str] | None = None, skeletons: bool = True) -> Spans:
    """The items of the export at ``path`` (:class:`Spans`); with ``previous`` (the source
    hashes of the last run), the bytes of each item whose hash is not the one at its place are
    kept; without ``skeletons``, only the items kept get their skeleton hash (the others: '')."""
    spans = Spans()
    frame = _digest()
    head: list[bytes] = []
    tail: list[bytes] = []  # (what follows the last item so far)
    buffer = b""
    view = memoryview(buffer)
    at = 0
    first = True
    blocks = _blocks(path)
    done = False
    while True:
        start = buffer.find(_OPEN, at)
        end = buffer.find(_CLOSE, start + len(_OPEN)) if start >= 0 else -1
        if end < 0:  # (no whole item in the buffer: more bytes, or the end)
            block = next(blocks, b"") if not done else b""
            if block:
                keep_from = start if start >= 0 else max(at, len(buffer) - len(_OPEN))
                piece = buffer[at:keep_from]
                (head if first else tail).append(piece)
                view.release()
                buffer, at = buffer[keep_from:] + block, 0
                view = memoryview(buffer)
                continue
            done = True
            (head if first else tail).append(buffer[at:])
            view.release()
            break
        between = buffer[at:start]
        if first:
            head.append(between)
            spans.head = b"".join(head)
            frame.update(_PUBDATE.sub(b"", _prolog_free(spans.head), count=1))
            first = False
        else:
            tail.append(between)
            frame.update(b"".join(tail))
            tail.clear()
        frame.update(b"\x00")
        end += len(_CLOSE)
        item = view[start:end]  # (no copy: most items are only hashed)
        digest = hashlib.blake2b(item, digest_size=16).hexdigest()
        place = len(spans.source)
        spans.source.append(digest)
        at_id = buffer.find(b"<wp:post_id>", start, end)  # (found fast; then read)
        found = _POST_ID.match(buffer, at_id, end) if at_id >= 0 else None
        spans.ids.append(int(found.group(1)) if found else 0)
        changed = previous is not None and (place >= len(previous) or previous[place] != digest)
        if skeletons or changed:
            spans.skeleton.append(skeleton_hash(buffer[start:end]))
        else:
            spans.skeleton.append("")
        if changed:
            spans.kept[place] = buffer[start:end]
        at = end
    if first:  # (no item at all)
        spans.head = b"".join(head)
        frame.update(_PUBDATE.sub(b"", _prolog_free(spans.head), count=1))
    else:
        spans.tail = b"".join(tail)
        frame.update(spans.tail)
    spans.frame = frame.hexdigest()
    return spans


def _prolog_free(head: bytes) -> bytes:
    """``head`` without the comments before the document's element (WordPress's "generator",
    with the time the export was made)."""
    root = head.find(b"<rss")
    if root < 0:
        return head
    return _PROLOG_COMMENT.sub(b"", head[:root]) + head[root:]
