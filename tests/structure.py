"""The structure of a page that must survive HTML -> Markdown -> HTML.

Paragraph texts, headings, list items, link targets, code blocks and block
quotes, read from HTML with lxml; the round-trip tests compare them between
the WordPress-rendered HTML and the HTML that markdown-it makes of wxrtool's
Markdown.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import lxml.html

_SPACE = re.compile(r"\s+")


def _text(element: lxml.html.HtmlElement) -> str:
    element = copy.deepcopy(element)
    for nested in [e for e in element.iter("ul", "ol") if e is not element]:
        nested.drop_tree()  # a nested list's items are counted as items of their own
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    for q in element.iter("q"):
        q.text, q.tail = '"' + (q.text or ""), '"' + (q.tail or "")  # browsers show the quotes
    text = element.text_content().replace("\u00a0", " ")
    return _SPACE.sub(" ", html.unescape(text)).strip()


@dataclass
class Structure:
    paragraphs: list[str] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    quotes: int = 0


def structure(page: str) -> Structure:
    """Read the structure of an HTML fragment."""
    found = Structure()
    if not page.strip():
        return found
    root = lxml.html.fragment_fromstring(page, create_parent="div")
    for hidden in list(root.iter("script", "style")):
        hidden.drop_tree()  # not shown to readers, so not part of the structure
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "pre":
            for br in el.iter("br"):
                br.tail = "\n" + (br.tail or "")
            code = el.text_content()
            if (el.text or "").startswith("\n"):
                code = code[1:]  # HTML ignores a newline right after <pre>
            found.code.append(code.rstrip("\n"))
        elif tag == "p" and el.getparent() is not None:
            text = _text(el)
            if text:
                found.paragraphs.append(text)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and _text(el):  # an empty one shows nothing
            found.headings.append((tag, _text(el)))
        elif tag == "li":
            found.list_items.append(_text(el))
        elif tag == "a" and el.get("href"):
            # Markdown renderers percent-encode spaces and non-ASCII in link targets.
            found.links.append(unquote(el.get("href", "").strip()))
        elif tag == "blockquote":
            found.quotes += 1
    return found


def in_order(needles: list[str], haystack: list[str]) -> bool:
    """Whether every needle occurs in haystack, in order (extra items allowed)."""
    position = 0
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            return False
    return True


def _first_change(a: list, b: list) -> str:  # type: ignore[type-arg]
    for x, y in zip(a, b, strict=False):
        if x != y:
            return f"{x!r} != {y!r}"
    return f"{len(a)} items != {len(b)} items"


def differences(reference: Structure, result: Structure) -> list[str]:
    """What the round trip lost or changed; empty when it kept everything."""
    problems = []
    if not in_order(reference.paragraphs, result.paragraphs + result.list_items):
        missing = [p for p in reference.paragraphs if p not in result.paragraphs + result.list_items]
        problems.append(f"paragraphs: {missing[:2]!r}")
    if reference.headings != result.headings:
        problems.append(f"headings: {_first_change(reference.headings, result.headings)}")
    if reference.list_items != result.list_items:
        problems.append(f"list items: {_first_change(reference.list_items, result.list_items)}")
    if reference.links != result.links:
        problems.append(f"links: {_first_change(reference.links, result.links)}")
    if reference.code != result.code:
        problems.append(f"code: {_first_change(reference.code, result.code)}")
    if reference.quotes != result.quotes:
        problems.append(f"quotes: {reference.quotes} != {result.quotes}")
    return problems
