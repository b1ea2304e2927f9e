"""What a reader sees on a page, element by element, and how much of one page another keeps.

:func:`elements` reads an HTML fragment (WordPress's ``the_content``, or the HTML that
Markdown renders to) into what a reader sees: the words in order, headings (level and
text), paragraphs, list items (with their nesting), links (target and text), images
(source and alternative text), code blocks (byte for byte), table cells, block quotes,
superscripts and subscripts, line breaks. :func:`kept` counts, kind by kind, how many
of the reference's elements the other page has.

Normalised before comparing, because a reader cannot see the difference: white space
runs, typographic quotes and dashes (WordPress's ``wptexturize`` curls them, Markdown
engines may or may not), the host of a URL on the site itself (the importer moves
attachments to the new site's host), percent-encoding.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import lxml.html

KINDS = (
    "text", "headings", "paragraphs", "list_items", "links", "images", "code", "tables",
    "quotes", "supsub", "breaks",
)  # fmt: skip

_SPACE = re.compile(r"\s+")
_BUTTON = re.compile(r"\bwp-(?:element-button|block-file__button|block-button__link)\b")  # shown apart
_DASHES = re.compile(r"-{2,}")  # wptexturize: "---" an em dash, "--" an en dash
_TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "\u2033": '"',
     "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u00d7": "x"}
)  # fmt: skip
_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
           "tr", "td", "th", "figure", "figcaption", "dl", "dt", "dd", "section", "br", "hr"}  # fmt: skip


def text_of(fragment: str) -> str:
    """Text as a reader compares it: entities decoded, typography folded, white space collapsed."""
    text = unicodedata.normalize("NFC", html.unescape(fragment)).translate(_TYPOGRAPHY)
    return _SPACE.sub(" ", _DASHES.sub("-", text)).strip()


_UPLOAD = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|mp3|m4a|ogg|wav|mp4|m4v|mov|webm|pdf|zip|docx?|xlsx?|pptx?)$", re.I
)
_SIZE = re.compile(r"-\d{1,5}x\d{1,5}(?=\.\w+$)")


def url_of(value: str, hosts: frozenset[str]) -> str:
    """A URL as compared: decoded, and for the site's own hosts (and scheme) only its path and query.

    An uploaded file (an image, a document...) is compared by its file name without a size
    suffix (``photo-150x150.jpg`` is ``photo.jpg``) or query (``?w=604``): the importer moves
    every attachment to the new site's upload folder for its date, so the same picture has
    another path in WordPress's page than in the export.
    """
    value = unquote(html.unescape(value.strip()))
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if _UPLOAD.search(parts.path):
        # WordPress renames an uploaded file as sanitize_file_name() does (percent signs,
        # spaces and other punctuation dropped or made dashes): letters and digits compared.
        name = quote(_SIZE.sub("", parts.path.rsplit("/", 1)[-1]), safe="")
        return "file:" + re.sub(r"[^a-z0-9.]", "", name.lower())
    host = (parts.hostname or "").removeprefix("www.")
    if host in hosts or not host:
        return parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return f"//{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def _visible_text(el: lxml.html.HtmlElement) -> str:
    """An element's text with block boundaries and line breaks as spaces."""
    pieces: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            pieces.append(node.tail or "")
            return
        apart = node.tag in _BLOCKS or _BUTTON.search(node.get("class") or "")
        if apart:
            pieces.append(" ")
        pieces.append(node.text or "")
        for child in node:
            walk(child)
        if apart:
            pieces.append(" ")
        if node is not el:
            pieces.append(node.tail or "")

    walk(el)
    return text_of("".join(pieces))


@dataclass
class Elements:
    """The visible elements of one page (see the module's docstring)."""

    words: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    list_items: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    supsub: list[tuple[str, str]] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[object]:
        return list(self.words if kind == "text" else getattr(self, kind))


def _depth(el: lxml.html.HtmlElement) -> int:
    return sum(1 for a in el.iterancestors() if a.tag in ("ul", "ol")) - 1


def elements(fragment: str, hosts: frozenset[str] = frozenset()) -> Elements:
    """The visible elements of an HTML fragment; ``hosts``: the site's own host names."""
    found = Elements()
    if not fragment.strip():
        return found
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for hidden in list(root.iter("script", "style", "noscript")):
        hidden.drop_tree()  # not shown to readers
    for player in list(root.iter("audio", "video", "object", "iframe")):
        # The fallback inside a player is shown only by browsers without one. (libxml2 does
        # not know <source> is empty and nests the fallback in it: each is made again.)
        sources = [dict(el.attrib) for el in player.iter("source", "track", "param")]
        player.text = None
        player[:] = [lxml.html.Element("source", attrib) for attrib in sources]
    for foot in list(root.iter("tfoot")):
        table = foot.getparent()
        foot.tail = None
        table.append(foot)  # a browser shows a table's footer at its end, wherever the source has it
    found.words = _visible_text(root).split()
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "pre":
            for br in el.iter("br"):
                br.tail = "\n" + (br.tail or "")
            code = el.text_content()
            if (el.text or "").startswith("\n"):
                code = code[1:]  # a browser drops a newline right after <pre>, not after <pre><code>
            found.code.append(code.rstrip("\n"))
        elif tag == "p":
            text = _visible_text(el)
            if text:
                found.paragraphs.append(text)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _visible_text(el)
            if text:  # an empty heading shows nothing
                found.headings.append((int(tag[1]), text))
        elif tag == "li":
            nested = [n for n in el.iter("ul", "ol") if n is not el]
            copy = lxml.html.fragment_fromstring(lxml.html.tostring(el, encoding="unicode"))
            for n in [n for n in copy.iter("ul", "ol") if n is not copy]:
                n.drop_tree()
            found.list_items.append((_depth(el), _visible_text(copy) if nested else _visible_text(el)))
        elif tag == "a" and el.get("href"):
            found.links.append((url_of(el.get("href", ""), hosts), _visible_text(el)))
        elif tag == "img":
            found.images.append((url_of(el.get("src", ""), hosts), text_of(el.get("alt", ""))))
        elif tag in ("td", "th"):
            found.tables.append(_visible_text(el))
        elif tag == "blockquote":
            found.quotes.append(_visible_text(el))
        elif tag in ("sup", "sub"):
            found.supsub.append((tag, _visible_text(el)))
    found.breaks = ["br"] * _shown_breaks(root)
    return found


_REPLACED = {"img", "iframe", "video", "audio", "object", "embed", "svg"}  # shown like text


def _shown_breaks(root: lxml.html.HtmlElement) -> int:
    """The ``<br>`` that show as a line break: text on both sides of it in the same block.

    One at the start or end of a block (``Cell #5<br></td>``, a paragraph's last line)
    only adds space, and Markdown has no form for it; one in ``<pre>`` is a newline of
    the code, compared there. One pass over the tree in document order.
    """
    shown = 0
    text_before = False  # text since the last block boundary
    pending = 0  # breaks after that text, waiting for text in the same block
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if leaving:
            if tag in _BLOCKS and tag != "br":
                text_before, pending = False, 0
            if (node.tail or "").strip():
                shown, text_before, pending = shown + pending, True, 0
            continue
        if tag == "pre":
            text_before, pending = False, 0
            if (node.tail or "").strip():
                text_before = True
            continue
        if tag == "br":
            pending += text_before
        elif tag in _BLOCKS:
            text_before, pending = False, 0
        if ((node.text or "").strip() and tag != "br") or tag in _REPLACED:
            shown, text_before, pending = shown + pending, True, 0
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return shown


def kept(reference: Elements, other: Elements) -> dict[str, tuple[int, int]]:
    """Per kind, ``(found, total)``: how many of ``reference``'s elements ``other`` has.

    Text is the number of the reference's words that appear in the other page in the
    same order (the longest matching blocks); every other kind is counted as a multiset.
    """
    result: dict[str, tuple[int, int]] = {}
    for kind in KINDS:
        ours, theirs = reference.of(kind), other.of(kind)
        if kind == "text":
            matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=len(ours) > 5000)
            same = sum(block.size for block in matcher.get_matching_blocks())
            result[kind] = (same, len(ours))
        else:
            common = Counter(map(repr, ours)) & Counter(map(repr, theirs))
            result[kind] = (sum(common.values()), len(ours))
    return result


def missing(reference: Elements, other: Elements, kind: str) -> list[object]:
    """The reference's elements of ``kind`` that ``other`` lacks (with repeats), in order."""
    left = Counter(map(repr, other.of(kind)))
    lost = []
    for element in reference.of(kind):
        if left[repr(element)]:
            left[repr(element)] -= 1
        else:
            lost.append(element)
    return lost
